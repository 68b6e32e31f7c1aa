//! The S3 and KMS calls of COPY and UNLOAD: each judged by the evaluator for the chain's last
//! hop first, then made through the ports with that session's credentials; and UNLOAD's gzip.

use redbridge_aws::AwsError;
use redbridge_aws::ports::{Connect, Credentials, ObjectEncryption, ObjectSummary, S3 as _};

use crate::chain_access::{Access, BucketInfo, backend_text};
use crate::compression::Codec;
use crate::state::Service;

pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    Codec::Gzip.compress(bytes)
}

fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// S3 as the chain's last session, in the bucket's region.
fn session_s3<C: Connect>(service: &Service<C>, access: &Access, info: &BucketInfo) -> C::S3 {
    service.cloud.s3(&Credentials::from(&access.session), &info.region)
}

/// Lists `prefix` after checking `s3:ListBucket` with its `s3:prefix`.
pub(crate) async fn list<C: Connect>(
    service: &Service<C>,
    access: &Access,
    info: &BucketInfo,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<ObjectSummary>, String> {
    access.check(
        "s3:ListBucket",
        &bucket_arn(bucket),
        info.owner,
        info.policy.as_ref(),
        &[("s3:prefix", prefix.to_owned())],
    )?;
    session_s3(service, access, info).list_object_summaries(bucket, prefix).await.map_err(|e| backend_text(&e))
}

/// Reads an object after checking `s3:GetObject` (and `kms:Decrypt` for SSE-KMS objects).
pub(crate) async fn read<C: Connect>(
    service: &Service<C>,
    access: &Access,
    info: &BucketInfo,
    bucket: &str,
    key: &str,
) -> Result<Vec<u8>, String> {
    access.check("s3:GetObject", &object_arn(bucket, key), info.owner, info.policy.as_ref(), &[])?;
    let object = session_s3(service, access, info).get_object_content(bucket, key).await.map_err(|e| match e {
        AwsError::NotFound { .. } => {
            "S3ServiceException:The specified key does not exist.,Status 404,Error NoSuchKey".to_owned()
        }
        other => backend_text(&other),
    })?;
    if let Some(key_id) = &object.kms_key_id {
        access.check_key(service, "kms:Decrypt", key_id).await?;
    }
    Ok(object.body)
}

/// Writes an object after checking `s3:PutObject` with its encryption headers (and
/// `kms:GenerateDataKey` for SSE-KMS).
pub(crate) async fn write<C: Connect>(
    service: &Service<C>,
    access: &Access,
    info: &BucketInfo,
    bucket: &str,
    key: &str,
    body: Vec<u8>,
    encryption: &ObjectEncryption,
) -> Result<(), String> {
    let mut context = Vec::new();
    if let Some(header) = encryption.header() {
        context.push(("s3:x-amz-server-side-encryption", header.to_owned()));
    }
    if let ObjectEncryption::Kms(key_id) = encryption {
        context.push(("s3:x-amz-server-side-encryption-aws-kms-key-id", key_id.clone()));
    }
    access.check("s3:PutObject", &object_arn(bucket, key), info.owner, info.policy.as_ref(), &context)?;
    if let ObjectEncryption::Kms(key_id) = encryption {
        access.check_key(service, "kms:GenerateDataKey", key_id).await?;
    }
    session_s3(service, access, info)
        .put_object_encrypted(bucket, key, body, encryption)
        .await
        .map_err(|e| backend_text(&e))
}

/// Deletes an object after checking `s3:DeleteObject` (UNLOAD's CLEANPATH).
pub(crate) async fn delete<C: Connect>(
    service: &Service<C>,
    access: &Access,
    info: &BucketInfo,
    bucket: &str,
    key: &str,
) -> Result<(), String> {
    access.check("s3:DeleteObject", &object_arn(bucket, key), info.owner, info.policy.as_ref(), &[])?;
    session_s3(service, access, info).delete_object(bucket, key).await.map_err(|e| backend_text(&e))
}
