//! S3 through `aws-sdk-s3`: the buckets an account owns, a bucket's region, policy and
//! settings, and the objects a test round trip or the emulator writes (with server-side
//! encryption), reads, lists (with sizes) and deletes.

use redbridge_iam::Region;
use redbridge_iam::policy::PolicyDocument;

use super::{SdkResultExt, parse_policy};
use crate::AwsError;
use crate::ports::{AwsResult, DefaultEncryption, ObjectContent, ObjectEncryption, ObjectSummary, S3};

adapter! {
    /// S3 through `aws-sdk-s3`.
    SdkS3(aws_sdk_s3::Client)
}

impl SdkS3 {
    /// Builds a client from shared configuration, with path-style addressing when
    /// `force_path_style` (emulators behind an endpoint override need it).
    pub fn from_conf(config: &aws_config::SdkConfig, force_path_style: bool) -> Self {
        let conf = aws_sdk_s3::config::Builder::from(config).force_path_style(force_path_style).build();
        Self::new(aws_sdk_s3::Client::from_conf(conf))
    }
}

/// A bucket setting read: `None` when the bucket has no such setting, an error when the bucket
/// itself does not exist.
fn bucket_setting<T>(result: AwsResult<T>) -> AwsResult<Option<T>> {
    match result {
        Ok(output) => Ok(Some(output)),
        Err(AwsError::NotFound { message }) if !message.contains("bucket does not exist") => Ok(None),
        Err(err) => Err(err),
    }
}

impl S3 for SdkS3 {
    async fn list_buckets(&self) -> AwsResult<Vec<String>> {
        let pages = self.client.list_buckets().into_paginator().send().try_collect().await.or_aws("s3:ListBuckets")?;
        Ok(pages.iter().flat_map(|page| page.buckets()).filter_map(|b| b.name()).map(str::to_owned).collect())
    }

    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let output = self.client.get_bucket_location().bucket(bucket).send().await.or_aws("s3:GetBucketLocation")?;
        let constraint = output.location_constraint().map(|c| c.as_str()).unwrap_or("");
        let name = match constraint {
            "" => "us-east-1",
            "EU" => "eu-west-1",
            other => other,
        };
        Region::parse(name)
            .map_err(|e| AwsError::other(format!("S3 returned region `{name}` that does not parse: {e}")))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        let output =
            bucket_setting(self.client.get_bucket_policy().bucket(bucket).send().await.or_aws("s3:GetBucketPolicy"))?;
        output.map(|o| parse_policy("bucket policy", o.policy().unwrap_or("{}"))).transpose()
    }

    async fn object_ownership(&self, bucket: &str) -> AwsResult<Option<String>> {
        let output = bucket_setting(
            self.client
                .get_bucket_ownership_controls()
                .bucket(bucket)
                .send()
                .await
                .or_aws("s3:GetBucketOwnershipControls"),
        )?;
        Ok(output
            .as_ref()
            .and_then(|o| o.ownership_controls())
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_owned()))
    }

    async fn default_encryption(&self, bucket: &str) -> AwsResult<Option<DefaultEncryption>> {
        let output = bucket_setting(
            self.client.get_bucket_encryption().bucket(bucket).send().await.or_aws("s3:GetBucketEncryption"),
        )?;
        Ok(output
            .as_ref()
            .and_then(|o| o.server_side_encryption_configuration())
            .and_then(|c| c.rules().iter().find_map(|r| r.apply_server_side_encryption_by_default()))
            .map(|d| DefaultEncryption {
                algorithm: d.sse_algorithm().as_str().to_owned(),
                kms_key: d.kms_master_key_id().map(str::to_owned),
            }))
    }

    async fn put_object_encrypted(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        encryption: &ObjectEncryption,
    ) -> AwsResult<()> {
        use aws_sdk_s3::types::ServerSideEncryption;
        let request =
            self.client.put_object().bucket(bucket).key(key).body(aws_sdk_s3::primitives::ByteStream::from(body));
        let request = match encryption {
            ObjectEncryption::BucketDefault => request,
            ObjectEncryption::S3 => request.server_side_encryption(ServerSideEncryption::Aes256),
            ObjectEncryption::Kms(key_id) => {
                request.server_side_encryption(ServerSideEncryption::AwsKms).ssekms_key_id(key_id)
            }
        };
        request.send().await.or_aws("s3:PutObject")?;
        Ok(())
    }

    async fn get_object_content(&self, bucket: &str, key: &str) -> AwsResult<ObjectContent> {
        let output = self.client.get_object().bucket(bucket).key(key).send().await.or_aws("s3:GetObject")?;
        let kms_key_id = match output.server_side_encryption() {
            Some(aws_sdk_s3::types::ServerSideEncryption::AwsKms) => output.ssekms_key_id().map(str::to_owned),
            _ => None,
        };
        let bytes =
            output.body.collect().await.map_err(|e| AwsError::other(format!("s3:GetObject: reading the body: {e}")))?;
        Ok(ObjectContent { body: bytes.into_bytes().to_vec(), kms_key_id })
    }

    async fn list_object_summaries(&self, bucket: &str, prefix: &str) -> AwsResult<Vec<ObjectSummary>> {
        let pages = self
            .client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws("s3:ListObjectsV2")?;
        let mut objects: Vec<ObjectSummary> = pages
            .iter()
            .flat_map(|page| page.contents())
            .filter_map(|o| {
                let size = u64::try_from(o.size().unwrap_or(0)).unwrap_or(0);
                Some(ObjectSummary { key: o.key()?.to_owned(), size })
            })
            .collect();
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    async fn list_first_objects(&self, bucket: &str, prefix: &str, max: usize) -> AwsResult<Vec<String>> {
        let output = self
            .client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .max_keys(i32::try_from(max).unwrap_or(1000))
            .send()
            .await
            .or_aws("s3:ListObjectsV2")?;
        Ok(output.contents().iter().filter_map(|o| o.key()).map(str::to_owned).take(max).collect())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> AwsResult<()> {
        self.client.delete_object().bucket(bucket).key(key).send().await.or_aws("s3:DeleteObject")?;
        Ok(())
    }
}
