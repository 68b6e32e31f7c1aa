//! Temporary database credentials over HTTP, as the SDKs send them: GetClusterCredentials judged
//! on the database user, database, `AutoCreate` and `DbGroups`; GetClusterCredentialsWithIAM and
//! serverless GetCredentials naming a role session `IAMR:<role>`; DurationSeconds' bounds; unknown
//! clusters and workgroups. (An IAM user's `IAM:<name>` and the password opening its own target
//! only: `api/credentials.rs`'s unit tests, which reach the logins store.)

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redbridge_aws::ports::Credentials;
use redbridge_emu::Config;

use crate::support::{Harness, json_body, policy, post, redshift_trust, url_encode};

const ACCOUNT: &str = "111111111111";
const LOADER: &str = "arn:aws:iam::111111111111:role/Loader";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/Loader/etl-run";
const DBUSER_ALICE: &str = "arn:aws:redshift:us-east-1:111111111111:dbuser:main/alice";

/// Policies are read again on every call, so a change shows at once.
async fn harness() -> Harness {
    let h = Harness::with_config(Config { caller_policy_ttl: Duration::ZERO, ..Config::default() }).await;
    h.create_cluster(ACCOUNT, "main", &[]).await;
    h
}

fn allow(statements: &[(&str, &str)]) -> redbridge_iam::policy::PolicyDocument {
    let statements: Vec<String> = statements
        .iter()
        .map(|(action, resource)| format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#))
        .collect();
    policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")))
}

/// A POST signed with a role session's keys (access key and `X-Amz-Security-Token`).
async fn post_as(endpoint: &str, caller: &Credentials, service: &str, target: Option<&str>, body: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Credentials::Session(keys) = caller else { panic!("a role session's keys") };
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the emulator accepts");
    let (content_type, target) = match target {
        Some(target) => ("application/x-amz-json-1.1", format!("X-Amz-Target: {target}\r\n")),
        None => ("application/x-www-form-urlencoded", String::new()),
    };
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\n{target}X-Amz-Security-Token: {}\r\nAuthorization: AWS4-HMAC-SHA256 Credential={}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        keys.session_token,
        keys.access_key_id,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer is read");
    answer
}

/// The text of one XML element of an answer.
fn element<'a>(answer: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = answer.find(&open).map(|i| i + open.len()).unwrap_or_else(|| panic!("no <{name}> in {answer}"));
    &answer[start..start + answer[start..].find('<').expect("the element closes")]
}

/// Seconds since the epoch of an ISO 8601 `…Z` timestamp as the emulator writes them.
fn epoch_of(iso: &str) -> u64 {
    let parse = |range: std::ops::Range<usize>| iso[range].parse::<i64>().expect("a number");
    let (year, month, day) = (parse(0..4), parse(5..7), parse(8..10));
    let (hour, minute, second) = (parse(11..13), parse(14..16), parse(17..19));
    // Howard Hinnant's days-from-civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hour * 3600 + minute * 60 + second).expect("after the epoch")
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after the epoch").as_secs()
}

fn cluster_credentials(pairs: &[(&str, &str)]) -> String {
    let mut body = "Action=GetClusterCredentials&Version=2012-12-01".to_owned();
    for (key, value) in pairs {
        body.push_str(&format!("&{key}={}", url_encode(value)));
    }
    body
}

fn with_iam(pairs: &[(&str, &str)]) -> String {
    cluster_credentials(pairs).replace("GetClusterCredentials&", "GetClusterCredentialsWithIAM&")
}

#[tokio::test]
async fn get_cluster_credentials_is_judged_on_the_db_user_the_database_auto_create_and_each_group() {
    let h = harness().await;
    h.put_role(
        LOADER,
        redshift_trust(ACCOUNT),
        vec![allow(&[
            ("redshift:GetClusterCredentials", DBUSER_ALICE),
            ("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbname:main/dev"),
            ("redshift:JoinGroup", "arn:aws:redshift:us-east-1:111111111111:dbgroup:main/etl"),
        ])],
    );
    let loader = h.session_of(LOADER, "etl-run").await;
    let endpoint = h.emulator.endpoint_url();
    let ask = |pairs: &[(&str, &str)]| {
        let body = cluster_credentials(pairs);
        let (endpoint, loader) = (endpoint.clone(), loader.clone());
        async move { post_as(&endpoint, &loader, "redshift", None, &body).await }
    };

    let before = now_seconds();
    let granted =
        ask(&[("ClusterIdentifier", "main"), ("DbUser", "alice"), ("DbName", "dev"), ("DbGroups.DbGroup.1", "etl")])
            .await;
    assert!(granted.starts_with("HTTP/1.1 200"), "{granted}");
    assert_eq!(element(&granted, "DbUser"), "IAM:alice", "the documented `IAM:` prefix without AutoCreate");
    assert_eq!(element(&granted, "DbPassword").len(), 32);
    let lives = epoch_of(element(&granted, "Expiration")) - before;
    assert!((900..960).contains(&lives), "the default life is 900 seconds, got {lives}");

    let denied = |action: &str, resource: &str| {
        format!(
            "User: {SESSION} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
        )
    };
    let bob = ask(&[("ClusterIdentifier", "main"), ("DbUser", "bob")]).await;
    assert!(bob.starts_with("HTTP/1.1 403"), "{bob}");
    assert_eq!(element(&bob, "Code"), "AccessDenied");
    assert_eq!(
        element(&bob, "Message"),
        denied("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbuser:main/bob")
    );
    let prod = ask(&[("ClusterIdentifier", "main"), ("DbUser", "alice"), ("DbName", "prod")]).await;
    assert_eq!(
        element(&prod, "Message"),
        denied("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbname:main/prod")
    );
    let create = ask(&[("ClusterIdentifier", "main"), ("DbUser", "alice"), ("AutoCreate", "true")]).await;
    assert_eq!(element(&create, "Message"), denied("redshift:CreateClusterUser", DBUSER_ALICE));
    let admins = ask(&[
        ("ClusterIdentifier", "main"),
        ("DbUser", "alice"),
        ("DbGroups.DbGroup.1", "etl"),
        ("DbGroups.DbGroup.2", "admins"),
    ])
    .await;
    assert_eq!(
        element(&admins, "Message"),
        denied("redshift:JoinGroup", "arn:aws:redshift:us-east-1:111111111111:dbgroup:main/admins")
    );

    h.set_identity_policies(
        LOADER,
        vec![allow(&[("redshift:GetClusterCredentials", "*"), ("redshift:CreateClusterUser", DBUSER_ALICE)])],
    );
    let created = ask(&[("ClusterIdentifier", "main"), ("DbUser", "alice"), ("AutoCreate", "true")]).await;
    assert_eq!(element(&created, "DbUser"), "IAMA:alice", "the documented `IAMA:` prefix with AutoCreate");
}

#[tokio::test]
async fn with_iam_names_a_role_session_by_its_role_and_is_judged_on_the_database() {
    let h = harness().await;
    let dev = "arn:aws:redshift:us-east-1:111111111111:dbname:main/dev";
    h.put_role(LOADER, redshift_trust(ACCOUNT), vec![allow(&[("redshift:GetClusterCredentialsWithIAM", dev)])]);
    let loader = h.session_of(LOADER, "etl-run").await;
    let endpoint = h.emulator.endpoint_url();

    let granted =
        post_as(&endpoint, &loader, "redshift", None, &with_iam(&[("ClusterIdentifier", "main"), ("DbName", "dev")]))
            .await;
    assert!(granted.starts_with("HTTP/1.1 200"), "{granted}");
    assert_eq!(element(&granted, "DbUser"), "IAMR:Loader");
    assert_eq!(element(&granted, "NextRefreshTime"), element(&granted, "Expiration"));

    let other = "arn:aws:redshift:us-east-1:111111111111:dbname:main/prod";
    let refused =
        post_as(&endpoint, &loader, "redshift", None, &with_iam(&[("ClusterIdentifier", "main"), ("DbName", "prod")]))
            .await;
    assert_eq!(
        element(&refused, "Message"),
        format!(
            "User: {SESSION} is not authorized to perform: redshift:GetClusterCredentialsWithIAM on resource: {other} because no identity-based policy allows the redshift:GetClusterCredentialsWithIAM action"
        )
    );
    // Without DbName every database is reached, so the policy must allow them all.
    let any = post_as(&endpoint, &loader, "redshift", None, &with_iam(&[("ClusterIdentifier", "main")])).await;
    assert!(element(&any, "Message").contains("dbname:main/*"), "{any}");
}

#[tokio::test]
async fn duration_seconds_runs_from_900_to_3600_and_unknown_clusters_are_cluster_not_found() {
    let h = harness().await;
    let endpoint = h.emulator.endpoint_url();
    let as_root = |body: String| {
        let endpoint = endpoint.clone();
        async move { post(&endpoint, ACCOUNT, "redshift", None, &body).await }
    };
    for (seconds, ok) in [("899", false), ("900", true), ("3600", true), ("3601", false)] {
        let before = now_seconds();
        let answer = as_root(cluster_credentials(&[
            ("ClusterIdentifier", "main"),
            ("DbUser", "alice"),
            ("DurationSeconds", seconds),
        ]))
        .await;
        if ok {
            assert!(answer.starts_with("HTTP/1.1 200"), "{seconds}: {answer}");
            let lives = epoch_of(element(&answer, "Expiration")) - before;
            let asked: u64 = seconds.parse().unwrap();
            assert!((asked..asked + 60).contains(&lives), "{seconds}: lives {lives}");
        } else {
            assert_eq!(element(&answer, "Code"), "InvalidParameterValue", "{seconds}: {answer}");
            assert_eq!(
                element(&answer, "Message"),
                format!("DurationSeconds {seconds} is invalid: use a value from 900 to 3600 seconds.")
            );
        }
    }
    let answer = as_root(with_iam(&[("ClusterIdentifier", "main"), ("DurationSeconds", "7200")])).await;
    assert_eq!(element(&answer, "Code"), "InvalidParameterValue", "{answer}");

    let missing = as_root(cluster_credentials(&[("ClusterIdentifier", "nosuch"), ("DbUser", "alice")])).await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert_eq!(element(&missing, "Code"), "ClusterNotFound");
    assert_eq!(element(&missing, "Message"), "Cluster nosuch not found.");
    let domain = as_root(cluster_credentials(&[("CustomDomainName", "db.example.com"), ("DbUser", "alice")])).await;
    assert!(element(&domain, "Message").starts_with("not emulated: custom domain names"), "{domain}");
}

#[tokio::test]
async fn serverless_get_credentials_names_the_role_and_is_judged_on_the_workgroup() {
    let h = harness().await;
    h.create_namespace(ACCOUNT, "analytics", &[]).await;
    h.create_workgroup(ACCOUNT, "etl", "analytics").await;
    h.put_role(LOADER, redshift_trust(ACCOUNT), vec![allow(&[("redshift-serverless:GetWorkgroup", "*")])]);
    let loader = h.session_of(LOADER, "etl-run").await;
    let endpoint = h.emulator.endpoint_url();
    let call = |body: serde_json::Value| {
        let (endpoint, loader) = (endpoint.clone(), loader.clone());
        async move {
            let target = Some("RedshiftServerless.GetCredentials");
            post_as(&endpoint, &loader, "redshift-serverless", target, &body.to_string()).await
        }
    };
    let workgroup = json_body(
        &post_as(
            &endpoint,
            &loader,
            "redshift-serverless",
            Some("RedshiftServerless.GetWorkgroup"),
            &serde_json::json!({ "workgroupName": "etl" }).to_string(),
        )
        .await,
    );
    let workgroup_arn = workgroup["workgroup"]["workgroupArn"].as_str().expect("the workgroup's ARN").to_owned();

    let refused = json_body(&call(serde_json::json!({ "workgroupName": "etl", "dbName": "dev" })).await);
    assert_eq!(refused["__type"], "AccessDeniedException");
    assert_eq!(
        refused["message"],
        format!(
            "User: {SESSION} is not authorized to perform: redshift-serverless:GetCredentials on resource: {workgroup_arn} because no identity-based policy allows the redshift-serverless:GetCredentials action"
        )
    );

    h.set_identity_policies(LOADER, vec![allow(&[("redshift-serverless:GetCredentials", &workgroup_arn)])]);
    let before = now_seconds();
    let granted = json_body(&call(serde_json::json!({ "workgroupName": "etl", "dbName": "dev" })).await);
    assert_eq!(granted["dbUser"], "IAMR:Loader");
    assert_eq!(granted["dbPassword"].as_str().map(str::len), Some(32));
    let expiration = granted["expiration"].as_f64().expect("epoch seconds") as u64;
    assert!((before + 900..before + 960).contains(&expiration), "the default life is 900 seconds: {granted}");
    assert_eq!(granted["nextRefreshTime"], granted["expiration"]);

    let long = json_body(&call(serde_json::json!({ "workgroupName": "etl", "durationSeconds": 3601 })).await);
    assert_eq!(long["__type"], "ValidationException");
    assert_eq!(long["message"], "durationSeconds 3601 is invalid: use a value from 900 to 3600 seconds.");
    let unknown = json_body(&call(serde_json::json!({ "workgroupName": "nosuch" })).await);
    assert_eq!(unknown["__type"], "ResourceNotFoundException");
    assert_eq!(unknown["message"], "Workgroup nosuch does not exist.");
}
