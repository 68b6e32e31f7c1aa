//! The Data API with `SecretArn`: the secret is read with the caller's credentials, its user is
//! the statement's database user and that user's ARN the `sts:ExternalId` of every hop; a wrong
//! password fails the statement with Redshift's login text; a missing secret, a secret without
//! `username` and `password` and a denied read fail the ExecuteStatement call (see the
//! emulator's `api/data_secret.rs` for the sources).

use std::time::Duration;

use redbridge_aws::AwsError;
use redbridge_aws::ports::{DataTarget, RedshiftData as _, StatementState};
use redbridge_emu::Config;
use redbridge_iam::{AccountId, Region};

use crate::copy_unload::{CHAIN, CLUSTER_ROLE, DB_USER, setup};
use crate::support::{Harness, policy, post, redshift_trust, run_ok, run_on};

const ACCOUNT: &str = "111111111111";
const MASTER_PASSWORD: &str = "Passw0rd!";

fn account() -> AccountId {
    AccountId::parse(ACCOUNT).expect("an account id")
}

fn region() -> Region {
    Region::parse("us-east-1").expect("a region")
}

/// Puts a secret holding `value` in the Redshift account; returns its ARN.
fn put_secret(h: &Harness, name: &str, value: &str) -> String {
    h.aws.seed_secret(account(), &region(), name, value)
}

fn login(user: &str, password: &str) -> String {
    serde_json::json!({ "username": user, "password": password }).to_string()
}

fn with_secret(secret_arn: &str) -> DataTarget {
    DataTarget::ClusterWithSecret { cluster: "main".to_owned(), secret_arn: secret_arn.to_owned() }
}

/// Runs `sql` and returns its failure text.
async fn failure(data: &redbridge_aws::sdk::SdkRedshiftData, target: &DataTarget, sql: &str) -> String {
    match run_on(data, target, sql).await.1.state {
        StatementState::Failed { error } => error,
        other => panic!("{sql} should fail, got {other:?}"),
    }
}

#[tokio::test]
async fn the_secrets_user_runs_the_statement_and_its_arn_is_every_hops_external_id() {
    let h = setup(true).await;
    let data = h.data(ACCOUNT);
    run_ok(&data, "main", "create table t (id integer)").await;
    h.put_object_raw("data-bucket", "in/a.csv", "1\n");
    let copy = format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");

    // The master user's secret: the trusts name `…:dbuser:main/awsuser`, and the COPY passes.
    let master = with_secret(&put_secret(&h, "redshift/awsuser", &login("awsuser", MASTER_PASSWORD)));
    let (id, _) = run_on(&data, &master, "select current_user").await;
    let rows = data.get_statement_result(&id).await.expect("the result is read");
    assert_eq!(rows, vec![vec![Some("awsuser".to_owned())]]);
    let (_, loaded) = run_on(&data, &master, &copy).await;
    assert_eq!(loaded.status, "FINISHED", "{:?}", loaded.state);
    let assumed = h.aws.assumed_roles();
    assert!(assumed.iter().rev().take(2).all(|a| a.external_id.as_deref() == Some(DB_USER)), "{assumed:?}");

    // Another user's secret (a temporary login GetClusterCredentials would issue for `alice`):
    // `…:dbuser:main/alice` is not the ARN the cluster role's trust names.
    let password = h
        .emulator
        .issue_temporary_login(ACCOUNT, "us-east-1", "main", false, "alice", Duration::from_secs(900))
        .expect("the emulator runs");
    let alice = with_secret(&put_secret(&h, "redshift/alice", &login("alice", &password)));
    let (id, _) = run_on(&data, &alice, "select current_user").await;
    assert_eq!(data.get_statement_result(&id).await.unwrap(), vec![vec![Some("alice".to_owned())]]);
    assert_eq!(
        failure(&data, &alice, &copy).await,
        format!("ERROR: Not authorized to get credentials of role {CLUSTER_ROLE}")
    );
    let last = h.aws.assumed_roles();
    assert_eq!(last.len(), assumed.len(), "the refused hop assumed nothing: {last:?}");
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_user_fails_the_statement_with_redshifts_login_text() {
    let h = setup(false).await;
    let data = h.data(ACCOUNT);
    let wrong = with_secret(&put_secret(&h, "wrong", &login("awsuser", "not-the-password")));
    assert_eq!(failure(&data, &wrong, "select 1").await, r#"FATAL: password authentication failed for user "awsuser""#);
    let unknown = with_secret(&put_secret(&h, "unknown", &login("nobody", MASTER_PASSWORD)));
    let text = failure(&data, &unknown, "select 1").await;
    assert_eq!(text, r#"FATAL: password authentication failed for user "nobody""#);
    assert!(!text.contains(MASTER_PASSWORD));
}

#[tokio::test]
async fn a_missing_secret_or_one_without_username_and_password_fails_the_call() {
    let h = setup(false).await;
    let data = h.data(ACCOUNT);
    let missing = with_secret("arn:aws:secretsmanager:us-east-1:111111111111:secret:nothing-AbCdEf");
    match data.execute_statement(&missing, "dev", "select 1").await {
        Err(AwsError::Invalid { code, message }) => {
            assert_eq!(code, "ValidationException");
            assert!(message.ends_with("Secrets Manager can't find the specified secret."), "{message}");
        }
        other => panic!("a missing secret fails the call, got {other:?}"),
    }
    for (name, value) in [
        ("no-password", r#"{"username":"awsuser"}"#.to_owned()),
        ("empty-user", login("", MASTER_PASSWORD)),
        ("not-json", "awsuser:Passw0rd!".to_owned()),
    ] {
        let target = with_secret(&put_secret(&h, name, &value));
        match data.execute_statement(&target, "dev", "select 1").await {
            Err(AwsError::Invalid { code, message }) => {
                assert_eq!(code, "ValidationException", "{name}");
                assert_eq!(message, "username and password in secret cannot be empty", "{name}");
            }
            other => panic!("{name}: the call fails, got {other:?}"),
        }
    }
    // A secret stored for another cluster ("it must match the cluster identifier stored in the
    // secret"); one for this cluster, in any case, is taken.
    let elsewhere =
        serde_json::json!({ "username": "awsuser", "password": MASTER_PASSWORD, "dbClusterIdentifier": "other" });
    let target = with_secret(&put_secret(&h, "elsewhere", &elsewhere.to_string()));
    match data.execute_statement(&target, "dev", "select 1").await {
        Err(AwsError::Invalid { message, .. }) => assert!(message.contains("`other`"), "{message}"),
        other => panic!("another cluster's secret fails the call, got {other:?}"),
    }
    let here = serde_json::json!({ "username": "awsuser", "password": MASTER_PASSWORD, "dbClusterIdentifier": "Main" });
    let (_, done) = run_on(&data, &with_secret(&put_secret(&h, "here", &here.to_string())), "select 1").await;
    assert_eq!(done.status, "FINISHED", "{:?}", done.state);
    // By name, as the Data API also takes it.
    put_secret(&h, "by-name", &login("awsuser", MASTER_PASSWORD));
    let (_, done) = run_on(&data, &with_secret("by-name"), "select 1").await;
    assert_eq!(done.status, "FINISHED", "{:?}", done.state);
}

#[tokio::test]
async fn the_secret_is_read_with_the_callers_credentials_and_judged_by_its_policies() {
    const OPERATOR: &str = "arn:aws:iam::111111111111:role/Operator";
    let h = Harness::with_config(Config { caller_policy_ttl: Duration::ZERO, ..Config::default() }).await;
    h.create_cluster(ACCOUNT, "main", &[]).await;
    let secret = put_secret(&h, "redshift/awsuser", &login("awsuser", MASTER_PASSWORD));
    let data_only =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:*","Resource":"*"}]}"#;
    h.put_role(OPERATOR, redshift_trust(ACCOUNT), vec![policy(data_only)]);
    let operator = h.data_as(&h.session_of(OPERATOR, "op").await);
    match operator.execute_statement(&with_secret(&secret), "dev", "select current_user").await {
        Err(AwsError::AccessDenied { message, .. }) => assert_eq!(
            message,
            format!(
                "User: arn:aws:sts::111111111111:assumed-role/Operator/op is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret} because no identity-based policy allows the secretsmanager:GetSecretValue action"
            )
        ),
        other => panic!("the read is denied, got {other:?}"),
    }
    let with_read = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"redshift-data:*","Resource":"*"}},{{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{secret}"}}]}}"#
    );
    h.set_identity_policies(OPERATOR, vec![policy(&with_read)]);
    h.aws.clear_calls();
    let (id, done) = run_on(&operator, &with_secret(&secret), "select current_user").await;
    assert_eq!(done.status, "FINISHED", "{:?}", done.state);
    assert_eq!(operator.get_statement_result(&id).await.unwrap(), vec![vec![Some("awsuser".to_owned())]]);
    let read = h.aws.recorded_calls();
    let read = read.iter().find(|c| c.operation == "secretsmanager:GetSecretValue").expect("the secret was read");
    assert_eq!((read.account, read.target.as_str()), (Some(account()), secret.as_str()));

    // Secrets Manager's own refusal (here the fake's) reaches the caller as AccessDeniedException.
    h.aws.deny(Some(account()), "secretsmanager:GetSecretValue");
    match operator.execute_statement(&with_secret(&secret), "dev", "select 1").await {
        Err(AwsError::AccessDenied { message, .. }) => {
            assert!(message.contains("secretsmanager:GetSecretValue"), "{message}");
        }
        other => panic!("the read is refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_serverless_workgroup_runs_as_the_secrets_admin_user() {
    let h = Harness::start().await;
    let body = serde_json::json!({ "namespaceName": "main-ns", "adminUsername": "admin", "adminUserPassword": MASTER_PASSWORD });
    let url = h.emulator.endpoint_url();
    let target = Some("RedshiftServerless.CreateNamespace");
    let created = post(&url, ACCOUNT, "redshift-serverless", target, &body.to_string()).await;
    assert!(created.starts_with("HTTP/1.1 200"), "{created}");
    h.create_workgroup(ACCOUNT, "main-wg", "main-ns").await;
    let data = h.data(ACCOUNT);
    let on_workgroup =
        |secret: String| DataTarget::WorkgroupWithSecret { workgroup: "main-wg".to_owned(), secret_arn: secret };
    let admin = on_workgroup(put_secret(&h, "wg/admin", &login("admin", MASTER_PASSWORD)));
    let (id, done) = run_on(&data, &admin, "select current_user").await;
    assert_eq!(done.status, "FINISHED", "{:?}", done.state);
    assert_eq!(data.get_statement_result(&id).await.unwrap(), vec![vec![Some("admin".to_owned())]]);
    let wrong = on_workgroup(put_secret(&h, "wg/wrong", &login("admin", "nope")));
    assert_eq!(failure(&data, &wrong, "select 1").await, r#"FATAL: password authentication failed for user "admin""#);
}
