//! The fake Secrets Manager: secrets by ARN or name in their owner's account.
//!
//! Like the other fake ports it judges no IAM policy: a call is refused only when a test denies
//! it ([`super::FakeAws::deny`]), when the keys are not ones the fake issued, or when the secret
//! is in another account (the fake has no resource policies, so another account's secret is
//! never shared, as KMS's fake keys are not). The emulator judges the caller's policies itself.

use super::FakeAccount;
use crate::AwsError;
use crate::ports::{AwsResult, SecretValue, SecretsManager};

/// Secrets Manager's message for a secret it does not have, with `ResourceNotFoundException`, as
/// users report it (<https://github.com/lgallard/terraform-aws-secrets-manager/issues/24>,
/// <https://github.com/quipper/monorepo-deploy-actions/pull/1237>).
const NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";

impl SecretsManager for FakeAccount {
    async fn get_secret_value(&self, secret_id: &str) -> AwsResult<SecretValue> {
        let world = self.call("secretsmanager:GetSecretValue", secret_id).await?;
        let by_arn = world.state.secrets.get_key_value(secret_id);
        let found = by_arn
            .or_else(|| world.state.secrets.iter().find(|(_, s)| s.name == secret_id && s.account == self.account));
        let Some((arn, secret)) = found else {
            return Err(AwsError::from_code("ResourceNotFoundException", NOT_FOUND));
        };
        if secret.account != self.account {
            let caller = self.caller_arn();
            return Err(AwsError::from_code(
                "AccessDeniedException",
                &format!(
                    "User: {caller} is not authorized to perform: secretsmanager:GetSecretValue on resource: {arn} because no resource-based policy allows the secretsmanager:GetSecretValue action"
                ),
            ));
        }
        Ok(SecretValue { arn: arn.clone(), name: secret.name.clone(), secret_string: Some(secret.value.clone()) })
    }
}
