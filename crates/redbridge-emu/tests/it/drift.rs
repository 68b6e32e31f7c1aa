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
