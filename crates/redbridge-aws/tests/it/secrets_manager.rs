//! The fake Secrets Manager: a seeded secret read by ARN or name in its account, Secrets
//! Manager's errors for a missing secret, another account's secret and a denied call, and no
//! secret value in any `Debug` output.

use redbridge_aws::AwsError;
use redbridge_aws::fake::FakeAws;
use redbridge_aws::ports::{Connect as _, Credentials, SecretsManager as _, Sts as _};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::block_on;

const VALUE: &str = r#"{"username":"awsuser","password":"Passw0rd!"}"#;

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

#[test]
fn a_seeded_secret_is_read_by_arn_or_name_in_its_own_account_only() {
    let aws = FakeAws::new();
    let region = Region::parse("us-east-1").unwrap();
    let arn = aws.seed_secret(account("111111111111"), &region, "redshift/awsuser", VALUE);
    assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift/awsuser-"), "{arn}");
    assert_eq!(
        aws.seed_secret(account("111111111111"), &region, "redshift/awsuser", VALUE),
        arn,
        "a name is one secret"
    );
    let own = aws.secrets_manager(&Credentials::Account(account("111111111111")), &region);
    for id in [arn.as_str(), "redshift/awsuser"] {
        let value = block_on(own.get_secret_value(id)).expect("the secret is read");
        assert_eq!(
            (value.arn.as_str(), value.name.as_str(), value.secret_string.as_deref()),
            (arn.as_str(), "redshift/awsuser", Some(VALUE))
        );
    }
    assert!(!format!("{:?}", aws.state()).contains("Passw0rd"), "the state's Debug leaves values out");

    match block_on(own.get_secret_value("nothing")) {
        Err(AwsError::NotFound { message }) => assert_eq!(message, "Secrets Manager can't find the specified secret."),
        other => panic!("not found, got {other:?}"),
    }
    // Another account's secret: the fake has no resource policies, so it is never shared.
    let other = aws.secrets_manager(&Credentials::Account(account("222222222222")), &region);
    match block_on(other.get_secret_value(&arn)) {
        Err(AwsError::AccessDenied { action, .. }) => {
            assert_eq!(action.as_deref(), Some("secretsmanager:GetSecretValue"))
        }
        other => panic!("another account's secret is denied, got {other:?}"),
    }
    assert!(matches!(block_on(other.get_secret_value("redshift/awsuser")), Err(AwsError::NotFound { .. })));

    // A role session of the account reads it too; a denial a test injects refuses it.
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/Operator").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    let session =
        block_on(aws.sts(&Credentials::Account(account("111111111111"))).assume_role(&role, "op", None)).unwrap();
    let as_session = aws.secrets_manager(&Credentials::from(&session), &region);
    assert!(block_on(as_session.get_secret_value(&arn)).is_ok());
    aws.deny(Some(account("111111111111")), "secretsmanager:GetSecretValue");
    assert!(matches!(block_on(as_session.get_secret_value(&arn)), Err(AwsError::AccessDenied { .. })));
}
