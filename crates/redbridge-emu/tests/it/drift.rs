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
