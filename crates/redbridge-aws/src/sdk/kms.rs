//! KMS through `aws-sdk-kms`: a key's policy and state.

use redbridge_iam::KmsKeyArn;
use redbridge_iam::policy::PolicyDocument;

use super::{SdkResultExt, parse_policy};
use crate::AwsError;
use crate::ports::{AwsResult, KeyInfo, Kms};

adapter! {
    /// KMS through `aws-sdk-kms`. Its client (or shared configuration) must be in the key's region.
    SdkKms(aws_sdk_kms::Client), from_conf
}

impl Kms for SdkKms {
    async fn get_key_policy(&self, key: &KmsKeyArn) -> AwsResult<PolicyDocument> {
        let output = self
            .client
            .get_key_policy()
            .key_id(key.to_string())
            .policy_name("default")
            .send()
            .await
            .or_aws("kms:GetKeyPolicy")?;
        parse_policy("key policy", output.policy().unwrap_or("{}"))
    }

    async fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> AwsResult<()> {
        self.client
            .put_key_policy()
            .key_id(key.to_string())
            .policy_name("default")
            .policy(policy.to_json_pretty())
            .send()
            .await
            .or_aws("kms:PutKeyPolicy")?;
        Ok(())
    }

    async fn describe_key(&self, key: &KmsKeyArn) -> AwsResult<KeyInfo> {
        let output = self.client.describe_key().key_id(key.to_string()).send().await.or_aws("kms:DescribeKey")?;
        let metadata = output.key_metadata().ok_or_else(|| AwsError::other("kms:DescribeKey returned no metadata"))?;
        Ok(KeyInfo {
            arn: metadata.arn().unwrap_or_default().to_owned(),
            enabled: metadata.enabled(),
            customer_managed: metadata.key_manager().map(|m| m.as_str() == "CUSTOMER").unwrap_or(false),
            state: metadata
                .key_state()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| if metadata.enabled() { "Enabled" } else { "Disabled" }.to_owned()),
        })
    }
}
