//! Every call judged against the caller: a role session's identity policies, its boundary and
//! its account's SCPs decide (users: `caller_access.rs`'s unit tests); the root is allowed unless an SCP says otherwise; denials carry
//! AWS's text and change nothing.

use redbridge_aws::AwsError;
use redbridge_aws::ports::{Redshift as _, RedshiftData as _, RedshiftServerless as _};
use redbridge_emu::Config;

use crate::support::{Harness, json_body, on_cluster, policy, redshift_trust};

const OPERATOR: &str = "arn:aws:iam::111111111111:role/Operator";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/Operator/op";
const CLUSTER_ROLE: &str = "arn:aws:iam::111111111111:role/ClusterRole";

fn allow(actions: &str) -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{actions}],"Resource":"*"}}]}}"#
    ))
}

fn pass_role_to_redshift() -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:PassRole","Resource":"{CLUSTER_ROLE}",
            "Condition":{{"StringEquals":{{"iam:PassedToService":"redshift.amazonaws.com"}}}}}}]}}"#
    ))
}

/// Policies are read again on every call, so a grant shows at once.
async fn harness() -> Harness {
    Harness::with_config(Config { caller_policy_ttl: std::time::Duration::ZERO, ..Config::default() }).await
}

fn denial(error: AwsError) -> String {
    match error {
        AwsError::AccessDenied { message, .. } => message,
        other => panic!("an access denial, got {other:?}"),
    }
}

#[tokio::test]
async fn a_session_without_pass_role_gets_the_pass_role_text_and_the_cluster_roles_do_not_change() {
    let h = harness().await;
    h.put_role(CLUSTER_ROLE, redshift_trust("111111111111"), vec![]);
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift:*""#)]);
    h.create_cluster("111111111111", "main", &[]).await;
    let operator = h.redshift_as(&h.session_of(OPERATOR, "op").await);

    let refused = denial(operator.add_cluster_role("main", CLUSTER_ROLE).await.expect_err("no iam:PassRole"));
    assert_eq!(
        refused,
        format!(
            "User: {SESSION} is not authorized to perform: iam:PassRole on resource: {CLUSTER_ROLE} because no identity-based policy allows the iam:PassRole action"
        )
    );
    assert!(h.redshift("111111111111").cluster_roles("main").await.unwrap().is_empty(), "nothing half-attached");

    h.set_identity_policies(OPERATOR, vec![allow(r#""redshift:*""#), pass_role_to_redshift()]);
    operator.add_cluster_role("main", CLUSTER_ROLE).await.expect("with iam:PassRole it works");
    let roles = h.redshift("111111111111").cluster_roles("main").await.unwrap();
    assert_eq!(roles.iter().map(|r| r.arn.as_str()).collect::<Vec<_>>(), [CLUSTER_ROLE]);
}

#[tokio::test]
async fn pass_role_limited_to_another_service_does_not_pass_a_role_to_redshift() {
    let h = harness().await;
    h.put_role(CLUSTER_ROLE, redshift_trust("111111111111"), vec![]);
    let to_lambda = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:PassRole","Resource":"{CLUSTER_ROLE}",
            "Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}}]}}"#
    ));
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift:*""#), to_lambda]);
    h.create_cluster("111111111111", "main", &[]).await;
    let operator = h.redshift_as(&h.session_of(OPERATOR, "op").await);
    let refused = denial(operator.add_cluster_role("main", CLUSTER_ROLE).await.unwrap_err());
    assert!(refused.contains("iam:PassRole on resource"), "{refused}");
}

#[tokio::test]
async fn a_session_without_execute_statement_is_refused_and_the_root_is_allowed() {
    let h = harness().await;
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift:GetClusterCredentials""#)]);
    h.create_cluster("111111111111", "main", &[]).await;
    let operator = h.data_as(&h.session_of(OPERATOR, "op").await);
    let refused = denial(operator.execute_statement(&on_cluster("main"), "dev", "select 1").await.unwrap_err());
    assert_eq!(
        refused,
        format!(
            "User: {SESSION} is not authorized to perform: redshift-data:ExecuteStatement on resource: arn:aws:redshift:us-east-1:111111111111:cluster:main because no identity-based policy allows the redshift-data:ExecuteStatement action"
        )
    );
    // With the Data API but not the database user's credentials: the dbuser ARN is named.
    h.set_identity_policies(OPERATOR, vec![allow(r#""redshift-data:*""#)]);
    let refused = denial(operator.execute_statement(&on_cluster("main"), "dev", "select 1").await.unwrap_err());
    assert!(
        refused.contains(
            "redshift:GetClusterCredentials on resource: arn:aws:redshift:us-east-1:111111111111:dbuser:main/awsuser"
        ),
        "{refused}"
    );
    h.set_identity_policies(OPERATOR, vec![allow(r#""redshift-data:*","redshift:GetClusterCredentials""#)]);
    let id = operator.execute_statement(&on_cluster("main"), "dev", "select 1").await.expect("allowed now");
    crate::support::wait(&operator, &id).await;
    // The root of the account is not limited by identity policies.
    let root = h.data("111111111111");
    root.execute_statement(&on_cluster("main"), "dev", "select 1").await.expect("the root is allowed");
}

#[tokio::test]
async fn describe_statement_can_be_limited_to_the_callers_own_statements() {
    let h = harness().await;
    let own_only = policy(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["redshift-data:ExecuteStatement","redshift:GetClusterCredentials"],"Resource":"*"},
            {"Effect":"Allow","Action":"redshift-data:DescribeStatement","Resource":"*",
             "Condition":{"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}}]}"#,
    );
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![own_only]);
    h.create_cluster("111111111111", "main", &[]).await;
    let operator = h.data_as(&h.session_of(OPERATOR, "op").await);
    let own = operator.execute_statement(&on_cluster("main"), "dev", "select 1").await.unwrap();
    operator.statement_detail(&own).await.expect("its own statement");
    let roots = h.data("111111111111").execute_statement(&on_cluster("main"), "dev", "select 2").await.unwrap();
    let refused = denial(operator.statement_detail(&roots).await.unwrap_err());
    assert!(refused.contains("redshift-data:DescribeStatement because no identity-based policy"), "{refused}");
}

#[tokio::test]
async fn update_namespace_passes_only_the_roles_it_adds() {
    let h = harness().await;
    const KEPT: &str = "arn:aws:iam::111111111111:role/Kept";
    const ADDED: &str = "arn:aws:iam::111111111111:role/Added";
    h.put_role(KEPT, redshift_trust("111111111111"), vec![]);
    h.put_role(ADDED, redshift_trust("111111111111"), vec![]);
    h.create_namespace("111111111111", "ns-one", &[KEPT]).await;
    let pass_kept = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:PassRole","Resource":"{KEPT}"}}]}}"#
    ));
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift-serverless:*""#), pass_kept]);
    let operator = h.serverless_as(&h.session_of(OPERATOR, "op").await);
    operator.set_namespace_roles("ns-one", &[KEPT.to_owned()]).await.expect("no role is added");
    let refused =
        denial(operator.set_namespace_roles("ns-one", &[KEPT.to_owned(), ADDED.to_owned()]).await.unwrap_err());
    assert!(refused.contains(&format!("iam:PassRole on resource: {ADDED}")), "{refused}");
    let roles = h.serverless("111111111111").namespace_roles("ns-one").await.unwrap();
    assert_eq!(roles.iter().map(|r| r.arn.as_str()).collect::<Vec<_>>(), [KEPT], "the list is unchanged");
}

#[tokio::test]
async fn a_permissions_boundary_caps_the_session_with_its_own_text() {
    let h = harness().await;
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift:*""#)]);
    const BOUNDARY: &str = "arn:aws:iam::111111111111:policy/OnlyS3";
    h.aws.edit(|state| {
        state.managed_policies.insert(BOUNDARY.to_owned(), allow(r#""s3:*""#));
        state.boundaries.insert(OPERATOR.to_owned(), BOUNDARY.to_owned());
    });
    let operator = h.redshift_as(&h.session_of(OPERATOR, "op").await);
    let refused = denial(operator.describe_cluster("main").await.unwrap_err());
    assert_eq!(
        refused,
        format!(
            "User: {SESSION} is not authorized to perform: redshift:DescribeClusters because no permissions boundary allows the redshift:DescribeClusters action"
        )
    );
}

#[tokio::test]
async fn an_scp_caps_even_the_root_but_not_the_management_account() {
    let h = harness().await;
    let organization = r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
        "accounts":{"111111111111":"r-a1b2"},
        "policies":[{"id":"p-denyredshift","name":"NoRedshift","type":"SERVICE_CONTROL_POLICY",
          "document":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"redshift:CreateCluster","Resource":"*"}]},
          "targets":["r-a1b2"]}]}"#;
    let answer = h.put_organization(organization).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body = "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier=main&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd%21";
    let refused = crate::support::post(&h.emulator.endpoint_url(), "111111111111", "redshift", None, body).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.contains("<Code>AccessDenied</Code>"), "{refused}");
    assert!(
        refused.contains("User: arn:aws:iam::111111111111:root is not authorized to perform: redshift:CreateCluster on resource: arn:aws:redshift:us-east-1:111111111111:cluster:main with an explicit deny in a service control policy"),
        "{refused}"
    );
    h.create_cluster("999999999999", "main", &[]).await;
    let body = json_body(&crate::support::request(&h.emulator.endpoint_url(), "GET", "/_emu/organization", "").await);
    assert_eq!(body["id"], "o-a1b2c3d4e5");
}

#[tokio::test]
async fn a_busy_caller_is_read_once_within_the_policy_ttl() {
    let h = Harness::with_config(Config { caller_policy_ttl: std::time::Duration::from_secs(60), ..Config::default() })
        .await;
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow(r#""redshift:*""#)]);
    h.create_cluster("111111111111", "main", &[]).await;
    let operator = h.redshift_as(&h.session_of(OPERATOR, "op").await);
    h.aws.clear_calls();
    operator.describe_cluster("main").await.expect("allowed");
    let iam_reads = |h: &Harness| h.aws.recorded_calls().iter().filter(|c| c.operation.starts_with("iam:")).count();
    let first = iam_reads(&h);
    assert!(first > 0, "the first call reads the role's policies");
    for _ in 0..9 {
        operator.describe_cluster("main").await.expect("allowed");
    }
    assert_eq!(iam_reads(&h), first, "nine more calls read nothing more");
    let identities = h.aws.recorded_calls().iter().filter(|c| c.operation == "sts:GetCallerIdentity").count();
    assert_eq!(identities, 1, "the key is asked of STS once");
    // The root reads nothing at all.
    h.aws.clear_calls();
    for _ in 0..10 {
        h.redshift("111111111111").describe_cluster("main").await.expect("allowed");
    }
    assert!(h.aws.recorded_calls().is_empty(), "{:?}", h.aws.recorded_calls());
}
