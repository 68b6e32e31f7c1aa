//! Secrets Manager through `aws-sdk-secretsmanager`: one secret's current value.

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, SecretValue, SecretsManager};

adapter! {
    /// Secrets Manager through `aws-sdk-secretsmanager`. Its client (or shared configuration) must
    /// be in the secret's region.
    SdkSecretsManager(aws_sdk_secretsmanager::Client), from_conf
}

impl SecretsManager for SdkSecretsManager {
    async fn get_secret_value(&self, secret_id: &str) -> AwsResult<SecretValue> {
        let output =
            self.client.get_secret_value().secret_id(secret_id).send().await.or_aws("secretsmanager:GetSecretValue")?;
        let arn = output.arn().ok_or_else(|| AwsError::other("secretsmanager:GetSecretValue returned no ARN"))?;
        Ok(SecretValue {
            arn: arn.to_owned(),
            name: output.name().unwrap_or_default().to_owned(),
            secret_string: output.secret_string().map(str::to_owned),
        })
    }
}
