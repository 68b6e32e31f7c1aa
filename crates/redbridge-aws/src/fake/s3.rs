//! The fake S3: buckets with owner, region, policy and settings, and their objects with the
//! server-side encryption they were written with.

use redbridge_iam::Region;
use redbridge_iam::policy::PolicyDocument;

use super::{FakeAccount, World};
use crate::AwsError;
use crate::ports::{AwsResult, DefaultEncryption, ObjectContent, ObjectEncryption, ObjectSummary, S3};

impl S3 for FakeAccount {
    async fn list_buckets(&self) -> AwsResult<Vec<String>> {
        let world = self.call("s3:ListBuckets", self.account.as_str()).await?;
        let owned = world.state.bucket_owners.iter().filter(|(_, owner)| **owner == self.account);
        Ok(owned.map(|(bucket, _)| bucket.clone()).collect())
    }

    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let world = self.call("s3:GetBucketLocation", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.0.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.call("s3:GetBucketPolicy", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.1.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn object_ownership(&self, bucket: &str) -> AwsResult<Option<String>> {
        let world = self.call("s3:GetBucketOwnershipControls", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.object_ownership.clone()))
    }

    async fn default_encryption(&self, bucket: &str) -> AwsResult<Option<DefaultEncryption>> {
        let world = self.call("s3:GetBucketEncryption", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.default_encryption.clone()))
    }

    async fn put_object_encrypted(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        encryption: &ObjectEncryption,
    ) -> AwsResult<()> {
        let mut world = self.call("s3:PutObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world.state.objects.entry(bucket.to_owned()).or_default().insert(key.to_owned(), body);
        let object = (bucket.to_owned(), key.to_owned());
        match encryption {
            ObjectEncryption::BucketDefault => world.state.object_encryption.remove(&object),
            other => world.state.object_encryption.insert(object, other.clone()),
        };
        Ok(())
    }

    async fn get_object_content(&self, bucket: &str, key: &str) -> AwsResult<ObjectContent> {
        let world = self.call("s3:GetObject", key).await?;
        no_such_bucket(&world, bucket)?;
        let body = world
            .state
            .objects
            .get(bucket)
            .and_then(|objects| objects.get(key))
            .cloned()
            .ok_or_else(|| AwsError::not_found("The specified key does not exist."))?;
        let kms_key_id = match world.state.object_encryption.get(&(bucket.to_owned(), key.to_owned())) {
            Some(ObjectEncryption::Kms(key_id)) => Some(key_id.clone()),
            _ => None,
        };
        Ok(ObjectContent { body, kms_key_id })
    }

    async fn list_object_summaries(&self, bucket: &str, prefix: &str) -> AwsResult<Vec<ObjectSummary>> {
        let world = self.call("s3:ListObjectsV2", prefix).await?;
        no_such_bucket(&world, bucket)?;
        let objects = world.state.objects.get(bucket).into_iter().flatten();
        Ok(objects
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, body)| ObjectSummary { key: k.clone(), size: body.len() as u64 })
            .collect())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> AwsResult<()> {
        let mut world = self.call("s3:DeleteObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world.state.object_encryption.remove(&(bucket.to_owned(), key.to_owned()));
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
