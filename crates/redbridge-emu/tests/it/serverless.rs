//! Redshift Serverless through the `RedshiftServerless` port: a role must trust Redshift to be
//! attached. (Namespaces' and workgroups' shapes, which no port reads, are asserted in
//! `tests/e2e/tests/emulator`.)

use redbridge_aws::AwsError;
use redbridge_aws::ports::RedshiftServerless as _;

use crate::support::{Harness, policy};

#[tokio::test]
async fn serverless_roles_must_trust_redshift() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/Lambda";
    let trust = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    h.put_role(role, trust, vec![]);
    h.create_namespace("111111111111", "main-ns", &[]).await;
    let serverless = h.serverless("111111111111");
    match serverless.set_namespace_roles("main-ns", &[role.to_owned()]).await {
        Err(AwsError::Invalid { code, message }) => {
            assert_eq!(code, "ValidationException");
            assert!(message.contains("must delegate access to an Amazon Redshift account"), "{message}");
        }
        other => panic!("attaching a Lambda role is refused as invalid, got {other:?}"),
    }
}
