//! The fake S3: buckets with region, policy and settings, and their objects.

use redbridge_iam::Region;
use redbridge_iam::policy::PolicyDocument;

use super::{FakeAccount, World};
use crate::AwsError;
use crate::ports::{AwsResult, DefaultEncryption, S3};

impl S3 for FakeAccount {
    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketLocation", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.0.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketPolicy", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.1.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn object_ownership(&self, bucket: &str) -> AwsResult<Option<String>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketOwnershipControls", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.object_ownership.clone()))
    }

    async fn default_encryption(&self, bucket: &str) -> AwsResult<Option<DefaultEncryption>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketEncryption", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.default_encryption.clone()))
    }

    async fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "s3:PutObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world.state.objects.entry(bucket.to_owned()).or_default().insert(key.to_owned(), body);
        Ok(())
    }

    async fn get_object(&self, bucket: &str, key: &str) -> AwsResult<Vec<u8>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world
            .state
            .objects
            .get(bucket)
            .and_then(|objects| objects.get(key))
            .cloned()
            .ok_or_else(|| AwsError::not_found("The specified key does not exist."))
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> AwsResult<Vec<String>> {
        let world = self.aws.call_in(Some(self.account), "s3:ListObjectsV2", prefix).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world
            .state
            .objects
            .get(bucket)
            .map(|objects| objects.keys().filter(|k| k.starts_with(prefix)).cloned().collect())
            .unwrap_or_default())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "s3:DeleteObject", key).await?;
        no_such_bucket(&world, bucket)?;
        if let Some(objects) = world.state.objects.get_mut(bucket) {
            objects.remove(key);
            if objects.is_empty() {
                world.state.objects.remove(bucket);
            }
        }
        Ok(())
    }
}

fn no_such_bucket(world: &World, bucket: &str) -> AwsResult<()> {
    if world.state.buckets.contains_key(bucket) {
        Ok(())
    } else {
        Err(AwsError::not_found("The specified bucket does not exist"))
    }
}
