//! Behaviour that once drifted from AWS, each pinned by the AWS page or observed text it follows.

use redbridge_aws::AwsError;
use redbridge_aws::ports::Redshift as _;

use crate::copy_unload::{BUCKET_ROLE, CHAIN, CLUSTER_ROLE, DB_USER, setup};
use crate::support::{policy, run_err, run_ok};

/// A cluster role trust naming only regional Redshift principals.
fn regional_trust(services: &str, effect_extra: &str) -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":[{services}]}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"aws:SourceAccount":"111111111111","sts:ExternalId":"{DB_USER}"}}}}}}{effect_extra}]}}"#
    ))
}

/// <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>:
/// "Each region in the Service list must be in the following format: redshift.region.amazonaws.com",
/// and a trust naming `redshift.us-east-1.amazonaws.com` "permits the use of the IAM role only in"
/// that region. So a cluster in us-east-1 attaches and uses it; one naming only us-west-2 is not
/// Redshift's in us-east-1, and a Deny naming the regional principal refuses the COPY.
#[tokio::test]
async fn regional_redshift_principals_restrict_a_role_to_their_regions() {
    let h = setup(false).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    h.put_object_raw("data-bucket", "in/a.csv", "1\n");
    let copy = format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");
    let assume_bucket_role = || {
        policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{BUCKET_ROLE}"}}]}}"#
        ))
    };
    let redshift = h.redshift("111111111111");

    h.put_role(CLUSTER_ROLE, regional_trust(r#""redshift.us-west-2.amazonaws.com""#, ""), vec![assume_bucket_role()]);
    match redshift.add_cluster_role("main", CLUSTER_ROLE).await {
        Err(AwsError::Invalid { code, message }) => {
            assert_eq!(code, "InvalidParameterValue");
            assert!(message.ends_with("The IAM role must delegate access to an Amazon Redshift account."), "{message}");
        }
        other => panic!("a role for us-west-2 only is not valid in us-east-1, got {other:?}"),
    }

    h.put_role(
        CLUSTER_ROLE,
        regional_trust(r#""redshift.us-east-1.amazonaws.com","redshift.us-west-2.amazonaws.com""#, ""),
        vec![assume_bucket_role()],
    );
    redshift.add_cluster_role("main", CLUSTER_ROLE).await.expect("a role for us-east-1 attaches in us-east-1");
    tokio::time::sleep(crate::support::APPLY_DELAY).await;
    run_ok(&data, "main", &copy).await;

    // Moved to us-west-2 only after attaching: the COPY in us-east-1 is refused at hop 1.
    h.put_role(CLUSTER_ROLE, regional_trust(r#""redshift.us-west-2.amazonaws.com""#, ""), vec![assume_bucket_role()]);
    let elsewhere = run_err(&data, "main", &copy).await;
    assert_eq!(elsewhere, format!("ERROR: Not authorized to get credentials of role {CLUSTER_ROLE}"));

    // The global name allowed, the regional one denied: the Deny wins.
    let deny_regional =
        r#",{"Effect":"Deny","Principal":{"Service":"redshift.us-east-1.amazonaws.com"},"Action":"sts:AssumeRole"}"#;
    h.put_role(CLUSTER_ROLE, regional_trust(r#""redshift.amazonaws.com""#, deny_regional), vec![assume_bucket_role()]);
    let denied = run_err(&data, "main", &copy).await;
    assert_eq!(denied, format!("ERROR: Not authorized to get credentials of role {CLUSTER_ROLE}"));
}

/// With neither `DbUser` nor `SecretArn` the Data API runs as the caller's IAM identity: "The
/// database user name is derived from the IAM identity. For example,
/// arn:iam::123456789012:user:foo has the database user name IAM:foo"
/// (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html>);
/// a role session runs as `IAMR:<role>`. That user's ARN is the `sts:ExternalId` of every hop.
#[tokio::test]
async fn without_db_user_the_callers_iam_identity_is_the_database_user_in_external_id() {
    const OPERATOR: &str = "arn:aws:iam::111111111111:role/Operator";
    let h = setup(true).await;
    let root = h.data("111111111111");
    run_ok(&root, "main", "create table t (id integer)").await;
    h.put_object_raw("data-bucket", "in/a.csv", "1\n");
    h.put_role(
        OPERATOR,
        crate::support::redshift_trust("111111111111"),
        vec![policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift-data:*","redshift:GetClusterCredentialsWithIAM"],"Resource":"*"}]}"#,
        )],
    );
    let operator = h.data_as(&h.session_of(OPERATOR, "op").await);
    let as_identity = redbridge_aws::ports::DataTarget::Cluster { cluster: "main".to_owned(), db_user: None };
    let copy = format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");

    // The cluster role's trust names `awsuser`'s ARN: the operator's database user is another.
    let (_, refused) = crate::support::run_on(&operator, &as_identity, &copy).await;
    let operator_user = "arn:aws:redshift:us-east-1:111111111111:dbuser:main/IAMR:Operator";
    assert_eq!(
        refused.state,
        redbridge_aws::ports::StatementState::Failed {
            error: format!("ERROR: Not authorized to get credentials of role {CLUSTER_ROLE}")
        }
    );
    let trust_for = |user: &str| {
        policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"sts:AssumeRole",
                "Condition":{{"StringEquals":{{"aws:SourceAccount":"111111111111","sts:ExternalId":"{user}"}}}}}}]}}"#
        ))
    };
    let assume_bucket_role = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{BUCKET_ROLE}"}}]}}"#
    ));
    h.put_role(CLUSTER_ROLE, trust_for(operator_user), vec![assume_bucket_role]);
    let bucket_trust = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{CLUSTER_ROLE}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"sts:ExternalId":"{operator_user}"}}}}}}]}}"#
    ));
    h.aws.edit(|s| {
        if let Some(role) = s.roles.get_mut(BUCKET_ROLE) {
            role.trust_policy = bucket_trust;
        }
    });
    let (_, loaded) = crate::support::run_on(&operator, &as_identity, &copy).await;
    assert_eq!(loaded.status, "FINISHED", "{:?}", loaded.state);
    let assumed = h.aws.assumed_roles();
    assert!(assumed.iter().rev().take(2).all(|a| a.external_id.as_deref() == Some(operator_user)), "{assumed:?}");
}

/// A Data API call as `account` (or a session's keys through the SDK elsewhere); the answer's
/// first line and JSON body.
async fn data_call(
    h: &crate::support::Harness,
    operation: &str,
    body: serde_json::Value,
) -> (String, serde_json::Value) {
    let target = format!("RedshiftData.{operation}");
    let answer = crate::support::post(
        &h.emulator.endpoint_url(),
        "111111111111",
        "redshift-data",
        Some(&target),
        &body.to_string(),
    )
    .await;
    let first = answer.lines().next().unwrap_or_default().to_owned();
    (first, crate::support::json_body(&answer))
}

/// Polls DescribeStatement (raw) until the statement ends; returns its answer.
async fn described_end(h: &crate::support::Harness, id: &str) -> serde_json::Value {
    for _ in 0..400 {
        let (_, described) = data_call(h, "DescribeStatement", serde_json::json!({ "Id": id })).await;
        if ["FINISHED", "FAILED", "ABORTED"].contains(&described["Status"].as_str().unwrap_or_default()) {
            return described;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("statement {id} did not end");
}

/// Without a target: "Either ClusterIdentifier or WorkgroupName needs to be specified.", the
/// text boto3 users report (<https://github.com/boto/boto3/issues/3336>).
#[tokio::test]
async fn a_statement_without_cluster_or_workgroup_gets_awss_text() {
    let h = crate::support::Harness::start().await;
    let (status, body) =
        data_call(&h, "ExecuteStatement", serde_json::json!({ "Database": "dev", "Sql": "select 1" })).await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert_eq!(body["__type"].as_str().map(|t| t.rsplit('#').next().unwrap_or(t)), Some("ValidationException"));
    assert_eq!(
        body["message"].as_str().or(body["Message"].as_str()),
        Some("Either ClusterIdentifier or WorkgroupName needs to be specified.")
    );
}

/// A batch's result asked for without a sub-statement id: "BatchExecuteStatement result can only
/// be retrieved with sub-statement id.", as Airflow users report it
/// (<https://github.com/apache/airflow/issues/40427>).
#[tokio::test]
async fn a_batch_result_needs_a_sub_statement_id() {
    let h = crate::support::Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let (_, batch) = data_call(
        &h,
        "BatchExecuteStatement",
        serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser",
            "Sqls": ["select 1", "select 2"], "WaitTimeSeconds": 10 }),
    )
    .await;
    assert_eq!(batch["Status"], "FINISHED", "{batch}");
    let id = batch["Id"].as_str().unwrap().to_owned();
    let (status, body) = data_call(&h, "GetStatementResult", serde_json::json!({ "Id": id })).await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert_eq!(
        body["message"].as_str().or(body["Message"].as_str()),
        Some("BatchExecuteStatement result can only be retrieved with sub-statement id.")
    );
    let (status, sub) = data_call(&h, "GetStatementResult", serde_json::json!({ "Id": format!("{id}:2") })).await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}: {sub}");
    assert_eq!(sub["Records"][0][0]["longValue"], 2);
}

/// `WaitTimeSeconds`: "The number of seconds to wait for the SQL statement to complete execution
/// before returning the response ... The maximum value is 30 seconds"; `ResultFormat` `CSV` with
/// GetStatementResultV2, which "Fetches the temporarily cached result of an SQL statement in CSV
/// format" (API_ExecuteStatement, API_GetStatementResultV2).
#[tokio::test]
async fn wait_time_seconds_and_csv_results() {
    let h = crate::support::Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let base = serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser" });
    let with = |extra: serde_json::Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, too_long) =
        data_call(&h, "ExecuteStatement", with(serde_json::json!({ "Sql": "select 1", "WaitTimeSeconds": 31 }))).await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}: {too_long}");

    let sql = "select 1 as a, 'x,y' as b, null as c";
    let (_, done) = data_call(
        &h,
        "ExecuteStatement",
        with(serde_json::json!({ "Sql": sql, "WaitTimeSeconds": 10, "ResultFormat": "CSV" })),
    )
    .await;
    assert_eq!(done["Status"], "FINISHED", "{done}");
    assert_eq!(done["HasResultSet"], true, "{done}");
    let id = done["Id"].as_str().unwrap().to_owned();
    let (_, described) = data_call(&h, "DescribeStatement", serde_json::json!({ "Id": id })).await;
    assert_eq!(described["ResultFormat"], "CSV");
    let (_, csv) = data_call(&h, "GetStatementResultV2", serde_json::json!({ "Id": id })).await;
    assert_eq!(csv["Records"][0]["CSVRecords"], "a,b,c\n1,\"x,y\",\n", "{csv}");
    assert_eq!(csv["TotalNumRows"], 1);
    assert_eq!(csv["ResultFormat"], "CSV");
    let (status, _) = data_call(&h, "GetStatementResult", serde_json::json!({ "Id": id })).await;
    assert!(status.starts_with("HTTP/1.1 400"), "a CSV result is not read as JSON: {status}");

    let (_, json_statement) =
        data_call(&h, "ExecuteStatement", with(serde_json::json!({ "Sql": "select 1", "WaitTimeSeconds": 10 }))).await;
    let (status, _) = data_call(&h, "GetStatementResultV2", serde_json::json!({ "Id": json_statement["Id"] })).await;
    assert!(status.starts_with("HTTP/1.1 400"), "a JSON result is not read as CSV: {status}");
}

/// BatchExecuteStatement's `ExecutionMode`: "If set to TRANSACTION (the default), all SQL
/// statements are run as a single transaction and they are committed or rolled back together.
/// If set to AUTO_COMMIT, each SQL statement is committed individually" (API_BatchExecuteStatement).
#[tokio::test]
async fn execution_mode_auto_commit_keeps_the_statements_before_a_failure() {
    let h = crate::support::Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    for (mode, kept) in [("TRANSACTION", 0), ("AUTO_COMMIT", 1)] {
        run_ok(&data, "main", "delete from t").await;
        let (_, batch) = data_call(
            &h,
            "BatchExecuteStatement",
            serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser", "ExecutionMode": mode,
                "Sqls": ["insert into t values (1)", "insert into nope values (2)"] }),
        )
        .await;
        let described = described_end(&h, batch["Id"].as_str().unwrap()).await;
        assert_eq!(described["Status"], "FAILED", "{mode}: {described}");
        let count = crate::support::rows(&data, "main", "select count(*) from t").await;
        assert_eq!(count, [[Some(kept.to_string())]], "{mode}");
    }
    let (status, _) = data_call(
        &h,
        "ExecuteStatement",
        serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "Sql": "select 1", "ExecutionMode": "SOMETIMES" }),
    )
    .await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
}

/// A cancelled statement leaves nothing behind: its transaction rolls back (CancelStatement:
/// "Cancels a running query"; the statement ends ABORTED, not FINISHED).
#[tokio::test]
async fn a_cancelled_statement_rolls_back() {
    let h = crate::support::Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    let slow = "insert into t with recursive n(i) as (select 1 union all select i + 1 from n where i < 50000000) select i from n";
    let (_, started) = data_call(
        &h,
        "ExecuteStatement",
        serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser", "Sql": slow }),
    )
    .await;
    let id = started["Id"].as_str().unwrap().to_owned();
    for _ in 0..400 {
        let (_, described) = data_call(&h, "DescribeStatement", serde_json::json!({ "Id": id })).await;
        if described["Status"] == "STARTED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (status, cancelled) = data_call(&h, "CancelStatement", serde_json::json!({ "Id": id })).await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}: {cancelled}");
    assert_eq!(described_end(&h, &id).await["Status"], "ABORTED");
    let count = crate::support::rows(&data, "main", "select count(*) from t").await;
    assert_eq!(count, [[Some("0".to_owned())]]);
}

/// ListStatements' `RoleLevel`: "If true, all statements run by the caller's IAM role are
/// returned. If false, only statements run by the caller's IAM role in the current IAM session
/// are returned. The default is true" (API_ListStatements). Other callers' statements are not listed.
#[tokio::test]
async fn list_statements_lists_the_callers_role_or_session() {
    use redbridge_aws::ports::RedshiftData as _;
    const OPERATOR: &str = "arn:aws:iam::111111111111:role/Operator";
    let h = crate::support::Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    h.put_role(
        OPERATOR,
        crate::support::redshift_trust("111111111111"),
        vec![policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift-data:*","redshift:GetClusterCredentials"],"Resource":"*"}]}"#,
        )],
    );
    let first_keys = h.session_of(OPERATOR, "first").await;
    let second_keys = h.session_of(OPERATOR, "second").await;
    let first = h.data_as(&first_keys);
    let theirs = first.execute_statement(&crate::support::on_cluster("main"), "dev", "select 1").await.unwrap();
    let root =
        h.data("111111111111").execute_statement(&crate::support::on_cluster("main"), "dev", "select 2").await.unwrap();
    let list_as = |keys: &redbridge_aws::ports::Credentials, role_level: Option<bool>| {
        let mut body = serde_json::json!({});
        if let Some(level) = role_level {
            body["RoleLevel"] = serde_json::json!(level);
        }
        let (key, token) = match keys {
            redbridge_aws::ports::Credentials::Session(s) => (s.access_key_id.clone(), s.session_token.clone()),
            other => panic!("session keys, got {other:?}"),
        };
        let endpoint = h.emulator.endpoint_url();
        async move {
            let answer =
                post_with_token(&endpoint, &key, &token, "RedshiftData.ListStatements", &body.to_string()).await;
            let listed = crate::support::json_body(&answer);
            listed["Statements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["Id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list_as(&second_keys, None).await, std::slice::from_ref(&theirs), "the role's statements, by default");
    assert_eq!(list_as(&second_keys, Some(true)).await, std::slice::from_ref(&theirs));
    assert!(list_as(&second_keys, Some(false)).await.is_empty(), "not the other session's");
    assert_eq!(list_as(&first_keys, Some(false)).await, [theirs]);
    assert!(!list_as(&first_keys, None).await.contains(&root), "not the root's");
}

/// A Data API POST signed with session keys (the emulator reads the key and token, checks no signature).
async fn post_with_token(endpoint: &str, key: &str, token: &str, target: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the emulator accepts");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: {target}\r\nX-Amz-Security-Token: {token}\r\nAuthorization: AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/redshift-data/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer is read");
    answer
}

/// UNLOAD's encryption. Plain: SSE-S3 ("UNLOAD automatically creates files using Amazon S3
/// server-side encryption with AWS managed encryption keys (SSE-S3)",
/// <https://docs.aws.amazon.com/redshift/latest/dg/t_unloading_encrypted_files.html>), even where
/// the bucket's default is SSE-KMS (<https://dev.classmethod.jp/en/articles/redshift-sse-kms-s3-unload>).
/// `KMS_KEY_ID` as a bare key id, as that page's own example gives it: resolved by S3 in the
/// requester's (the last role's) account and the bucket's region. `ENCRYPTED AUTO`: the bucket's
/// default applies, so its KMS key must let the last role generate a data key.
#[tokio::test]
async fn unload_encryption_follows_redshift_and_s3() {
    use redbridge_aws::ports::{DefaultEncryption, ObjectEncryption};
    use redbridge_core::doctor::classify::classify;
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    run_ok(&data, "main", "insert into t values (1)").await;
    let unload = |prefix: &str, extra: &str| {
        format!("UNLOAD ('select * from t') TO 's3://data-bucket/{prefix}' IAM_ROLE '{CHAIN}' {extra}")
    };
    let default_key = "arn:aws:kms:us-east-1:222222222222:key/0000aaaa-12ab-34cd-56ef-1234567890ab";
    h.aws.edit(|s| {
        s.bucket_settings.entry("data-bucket".to_owned()).or_default().default_encryption =
            Some(DefaultEncryption { algorithm: "aws:kms".to_owned(), kms_key: Some(default_key.to_owned()) });
    });

    run_ok(&data, "main", &unload("plain/", "")).await;
    assert_eq!(h.object("data-bucket", "plain/0000_part_00").unwrap().1, ObjectEncryption::S3);

    run_ok(&data, "main", &unload("by-id/", "KMS_KEY_ID '1234abcd-12ab-34cd-56ef-1234567890ab' ENCRYPTED")).await;
    assert_eq!(
        h.object("data-bucket", "by-id/0000_part_00").unwrap().1,
        ObjectEncryption::Kms(crate::copy_unload::KEY.to_owned()),
        "the id names the key of the last role's account in the bucket's region"
    );

    // The default key's policy names another account: ENCRYPTED AUTO is refused by KMS.
    h.put_key(default_key, policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:*","Resource":"*"}]}"#));
    let refused = run_err(&data, "main", &unload("auto/", "ENCRYPTED AUTO")).await;
    assert!(refused.contains("kms:GenerateDataKey"), "{refused}");
    assert_eq!(classify(&refused).code, "RB141", "{refused}");
    h.put_key(default_key, policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}"#));
    h.set_identity_policies(
        BUCKET_ROLE,
        vec![policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}},
                {{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::data-bucket/*"}},
                {{"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"{default_key}"}}]}}"#
        ))],
    );
    run_ok(&data, "main", &unload("auto-ok/", "ENCRYPTED AUTO")).await;
    assert_eq!(h.object("data-bucket", "auto-ok/0000_part_00").unwrap().1, ObjectEncryption::BucketDefault);
}

/// UpdateNamespace with `defaultIamRoleArn` and no `iamRoles`: "To change the default IAM role,
/// you must specify the entire list of IAM roles."
/// (<https://github.com/hashicorp/terraform-provider-aws/issues/39268>); a default missing from
/// the list: "The list of customer IAM roles must contain the default IAM role."
/// (<https://github.com/hashicorp/terraform-provider-aws/issues/28980>). Nothing changes.
#[tokio::test]
async fn update_namespace_default_role_needs_the_whole_list() {
    let h = crate::support::Harness::start().await;
    let (first, second) = ("arn:aws:iam::111111111111:role/First", "arn:aws:iam::111111111111:role/Second");
    h.put_role(first, crate::support::redshift_trust("111111111111"), vec![]);
    h.put_role(second, crate::support::redshift_trust("111111111111"), vec![]);
    h.create_namespace("111111111111", "ns-one", &[first, second]).await;
    let update = |body: serde_json::Value| {
        let endpoint = h.emulator.endpoint_url();
        async move {
            let answer = crate::support::post(
                &endpoint,
                "111111111111",
                "redshift-serverless",
                Some("RedshiftServerless.UpdateNamespace"),
                &body.to_string(),
            )
            .await;
            (answer.lines().next().unwrap_or_default().to_owned(), crate::support::json_body(&answer))
        }
    };
    let message = |body: &serde_json::Value| body["message"].as_str().or(body["Message"].as_str()).map(str::to_owned);
    let (status, body) = update(serde_json::json!({ "namespaceName": "ns-one", "defaultIamRoleArn": second })).await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert_eq!(
        message(&body).as_deref(),
        Some("To change the default IAM role, you must specify the entire list of IAM roles.")
    );
    let (status, body) =
        update(serde_json::json!({ "namespaceName": "ns-one", "defaultIamRoleArn": second, "iamRoles": [first] }))
            .await;
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    assert_eq!(message(&body).as_deref(), Some("The list of customer IAM roles must contain the default IAM role."));
    let (status, body) = update(
        serde_json::json!({ "namespaceName": "ns-one", "defaultIamRoleArn": second, "iamRoles": [first, second] }),
    )
    .await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}: {body}");
    assert_eq!(body["namespace"]["defaultIamRoleArn"], second, "{body}");
    let roles = body["namespace"]["iamRoles"].as_array().map(Vec::len);
    assert_eq!(roles, Some(2), "the refused updates changed nothing: {body}");
}

/// COPY's manifest failures carry Redshift's `Problem reading manifest file - …` prefix (see
/// `texts::manifest_problem` for the reports) and the JSON text, and doctor classifies them.
#[tokio::test]
async fn manifest_read_failures_use_redshifts_texts() {
    use redbridge_core::doctor::classify::classify;
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    let copy = |from: &str| format!("COPY t FROM '{from}' IAM_ROLE '{CHAIN}' CSV MANIFEST");

    let missing = run_err(&data, "main", &copy("s3://data-bucket/in/none.manifest")).await;
    assert_eq!(
        missing,
        "ERROR: Problem reading manifest file - S3ServiceException:The specified key does not exist.,Status 404,Error NoSuchKey"
    );
    assert_eq!(classify(&missing).code, "RB186");

    h.put_object_raw("data-bucket", "in/bad.manifest", "not json");
    let bad = run_err(&data, "main", &copy("s3://data-bucket/in/bad.manifest")).await;
    assert_eq!(bad, "ERROR: Manifest file is not in correct json format");
    assert_eq!(classify(&bad).code, "RB186");

    h.create_bucket("222222222222", "eu-bucket", "eu-west-1");
    let elsewhere = run_err(&data, "main", &copy("s3://eu-bucket/in/x.manifest")).await;
    assert!(elsewhere.starts_with("ERROR: Problem reading manifest file - S3ServiceException:The bucket you are attempting to access must be addressed using the specified endpoint."), "{elsewhere}");
    assert_eq!(classify(&elsewhere).code, "RB151");
}
