//! The fake KMS: key policies (validated like IAM's) and key states.

use redbridge_iam::KmsKeyArn;
use redbridge_iam::policy::PolicyDocument;

use super::{FakeAccount, FakeKey, World};
use crate::AwsError;
use crate::ports::{AwsResult, KeyInfo, Kms};

impl FakeAccount {
    fn key<'w>(&self, world: &'w mut World, key: &KmsKeyArn) -> AwsResult<&'w mut FakeKey> {
        if key.account() != self.account {
            return Err(AwsError::AccessDenied {
                action: Some("kms:GetKeyPolicy".to_owned()),
                principal: None,
                message: format!("key `{key}` is in another account"),
            });
        }
        world
            .state
            .keys
            .get_mut(&key.to_string())
            .ok_or_else(|| AwsError::not_found(format!("Key '{key}' does not exist")))
    }
}

impl Kms for FakeAccount {
    async fn get_key_policy(&self, key: &KmsKeyArn) -> AwsResult<PolicyDocument> {
        let mut world = self.call("kms:GetKeyPolicy", key.key_id()).await?;
        Ok(self.key(&mut world, key)?.policy.clone())
    }

    async fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.call("kms:PutKeyPolicy", key.key_id()).await?;
        self.key(&mut world, key)?;
        world.validate_principals(policy, "MalformedPolicyDocumentException")?;
        self.key(&mut world, key)?.policy = policy.clone();
        Ok(())
    }

    async fn describe_key(&self, key: &KmsKeyArn) -> AwsResult<KeyInfo> {
        let mut world = self.call("kms:DescribeKey", key.key_id()).await?;
        let found = self.key(&mut world, key)?;
        let customer_managed = found.customer_managed;
        let state = world.state.key_states.get(&key.to_string()).cloned().unwrap_or_else(|| "Enabled".to_owned());
        Ok(KeyInfo { arn: key.to_string(), enabled: state == "Enabled", customer_managed, state })
    }
}
