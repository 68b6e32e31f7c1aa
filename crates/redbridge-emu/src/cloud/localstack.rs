//! The [`Cloud`] of LocalStack, through the AWS SDK: the only module of the emulator that sees
//! SDK types, so it can later move onto the shared `redbridge-aws` adapters.
//!
//! LocalStack takes a 12-digit access key id as the account, so every account gets static
//! credentials `ACCOUNT`/`test`; S3 uses path-style addressing.

use aws_sdk_s3::error::ProvideErrorMetadata;
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, RoleArn};

use super::{
    BucketInfo, Caller, Cloud, CloudError, CloudFuture, Encryption, ObjectData, ObjectSummary, RolePolicies,
    SessionCredentials,
};

/// How many pages of a listing are read at most.
const MAX_PAGES: usize = 1000;

/// LocalStack at `endpoint` (a loopback URL such as `http://127.0.0.1:4566`).
#[derive(Debug, Clone)]
pub struct LocalStackCloud {
    endpoint: String,
    region: String,
}

/// Static credentials of an account or a session.
#[derive(Debug, Clone)]
struct Keys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Keys {
    fn account(account: AccountId) -> Self {
        Self { access_key_id: account.to_string(), secret_access_key: "test".to_owned(), session_token: None }
    }

    fn session(session: &SessionCredentials) -> Self {
        Self {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.clone(),
            session_token: Some(session.session_token.clone()),
        }
    }

    fn credentials(&self) -> aws_sdk_s3::config::Credentials {
        aws_sdk_s3::config::Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.clone(),
            None,
            "redbridge-emu",
        )
    }
}

/// Maps an SDK error to a [`CloudError`] by its AWS error code.
fn sdk_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
    what: &str,
    error: aws_sdk_s3::error::SdkError<E>,
) -> CloudError {
    let code = error.code().unwrap_or_default().to_owned();
    match code.as_str() {
        "NoSuchBucket" => CloudError::NoSuchBucket(what.to_owned()),
        "NoSuchKey" | "NoSuchEntity" | "NotFoundException" | "NotFound" => CloudError::NotFound(what.to_owned()),
        "AccessDenied" | "AccessDeniedException" => CloudError::AccessDenied(what.to_owned()),
        _ => CloudError::Other(format!("{what}: {}", aws_sdk_s3::error::DisplayErrorContext(&error))),
    }
}

/// IAM returns policy documents URL-encoded; LocalStack sometimes does not.
fn policy_text(raw: &str) -> String {
    if raw.trim_start().starts_with('{') {
        return raw.to_owned();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn document(what: &str, raw: &str) -> Result<PolicyDocument, CloudError> {
    PolicyDocument::from_json(&policy_text(raw))
        .map_err(|e| CloudError::Other(format!("{what}: the policy cannot be read: {e}")))
}

impl LocalStackCloud {
    /// A cloud at `endpoint`, whose default region is `region`.
    pub fn new(endpoint: impl Into<String>, region: impl Into<String>) -> Self {
        Self { endpoint: endpoint.into(), region: region.into() }
    }

    fn iam(&self, keys: &Keys) -> aws_sdk_iam::Client {
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(keys.credentials())
            .build();
        aws_sdk_iam::Client::from_conf(config)
    }

    fn sts(&self, keys: &Keys) -> aws_sdk_sts::Client {
        let config = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(keys.credentials())
            .build();
        aws_sdk_sts::Client::from_conf(config)
    }

    fn s3(&self, keys: &Keys, region: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(region.to_owned()))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .credentials_provider(keys.credentials())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    fn kms(&self, keys: &Keys, region: &str) -> aws_sdk_kms::Client {
        let config = aws_sdk_kms::Config::builder()
            .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
            .region(aws_sdk_kms::config::Region::new(region.to_owned()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(keys.credentials())
            .build();
        aws_sdk_kms::Client::from_conf(config)
    }

    async fn managed_policy(&self, iam: &aws_sdk_iam::Client, arn: &str) -> Result<PolicyDocument, CloudError> {
        let policy = iam.get_policy().policy_arn(arn).send().await.map_err(|e| sdk_error(arn, e))?;
        let version = policy.policy().and_then(|p| p.default_version_id()).unwrap_or("v1").to_owned();
        let got =
            iam.get_policy_version().policy_arn(arn).version_id(version).send().await.map_err(|e| sdk_error(arn, e))?;
        let raw = got.policy_version().and_then(|v| v.document()).unwrap_or_default();
        document(arn, raw)
    }

    async fn read_role(&self, role: &RoleArn) -> Result<Option<RolePolicies>, CloudError> {
        let what = role.to_string();
        let iam = self.iam(&Keys::account(role.account()));
        let got = match iam.get_role().role_name(role.name()).send().await {
            Ok(got) => got,
            Err(e) => {
                return match sdk_error(&what, e) {
                    CloudError::NotFound(_) => Ok(None),
                    other => Err(other),
                };
            }
        };
        let Some(found) = got.role() else { return Ok(None) };
        let trust = document(&what, found.assume_role_policy_document().unwrap_or("{}"))?;
        let boundary = match found.permissions_boundary().and_then(|b| b.permissions_boundary_arn()) {
            Some(arn) => Some(self.managed_policy(&iam, arn).await?),
            None => None,
        };
        let mut identity = Vec::new();
        let inline = iam
            .list_role_policies()
            .role_name(role.name())
            .max_items(1000)
            .send()
            .await
            .map_err(|e| sdk_error(&what, e))?;
        for name in inline.policy_names() {
            let got = iam
                .get_role_policy()
                .role_name(role.name())
                .policy_name(name)
                .send()
                .await
                .map_err(|e| sdk_error(&what, e))?;
            identity.push(document(&format!("{what} inline policy `{name}`"), got.policy_document())?);
        }
        let attached = iam
            .list_attached_role_policies()
            .role_name(role.name())
            .max_items(1000)
            .send()
            .await
            .map_err(|e| sdk_error(&what, e))?;
        for policy in attached.attached_policies() {
            if let Some(arn) = policy.policy_arn() {
                identity.push(self.managed_policy(&iam, arn).await?);
            }
        }
        Ok(Some(RolePolicies { trust, identity, boundary }))
    }

    async fn read_bucket(&self, bucket: &str, candidates: &[AccountId]) -> Result<Option<BucketInfo>, CloudError> {
        for account in candidates {
            let s3 = self.s3(&Keys::account(*account), &self.region);
            let listed = s3.list_buckets().send().await.map_err(|e| sdk_error(bucket, e))?;
            if !listed.buckets().iter().any(|b| b.name() == Some(bucket)) {
                continue;
            }
            let location = s3.get_bucket_location().bucket(bucket).send().await.map_err(|e| sdk_error(bucket, e))?;
            let region = match location.location_constraint().map(|c| c.as_str().to_owned()) {
                None => "us-east-1".to_owned(),
                Some(c) if c.is_empty() => "us-east-1".to_owned(),
                Some(c) if c == "EU" => "eu-west-1".to_owned(),
                Some(c) => c,
            };
            let regional = self.s3(&Keys::account(*account), &region);
            let policy = match regional.get_bucket_policy().bucket(bucket).send().await {
                Ok(got) => Some(document(&format!("bucket policy of `{bucket}`"), got.policy().unwrap_or("{}"))?),
                Err(e) if e.code() == Some("NoSuchBucketPolicy") => None,
                Err(e) => return Err(sdk_error(bucket, e)),
            };
            return Ok(Some(BucketInfo { owner: *account, region, policy }));
        }
        Ok(None)
    }

    /// The region of a bucket for the S3 calls of a session (LocalStack accepts any).
    fn session_s3(&self, session: &SessionCredentials) -> aws_sdk_s3::Client {
        self.s3(&Keys::session(session), &self.region)
    }
}

impl Cloud for LocalStackCloud {
    fn role<'a>(&'a self, role: &'a RoleArn) -> CloudFuture<'a, Option<RolePolicies>> {
        Box::pin(self.read_role(role))
    }

    fn bucket<'a>(&'a self, bucket: &'a str, candidates: &'a [AccountId]) -> CloudFuture<'a, Option<BucketInfo>> {
        Box::pin(self.read_bucket(bucket, candidates))
    }

    fn key_policy<'a>(&'a self, key_arn: &'a str) -> CloudFuture<'a, Option<PolicyDocument>> {
        Box::pin(async move {
            let arn = redbridge_iam::Arn::parse(key_arn).map_err(|e| CloudError::Other(format!("`{key_arn}`: {e}")))?;
            let account = arn.account_id().ok_or_else(|| CloudError::Other(format!("`{key_arn}` names no account")))?;
            let region = arn.region().map_or_else(|| self.region.clone(), ToString::to_string);
            let kms = self.kms(&Keys::account(account), &region);
            match kms.get_key_policy().key_id(key_arn).policy_name("default").send().await {
                Ok(got) => Ok(Some(document(key_arn, got.policy().unwrap_or("{}"))?)),
                Err(e) => match sdk_error(key_arn, e) {
                    CloudError::NotFound(_) => Ok(None),
                    other => Err(other),
                },
            }
        })
    }

    fn assume_role<'a>(
        &'a self,
        caller: Caller<'a>,
        role: &'a RoleArn,
        session_name: &'a str,
        external_id: Option<&'a str>,
    ) -> CloudFuture<'a, SessionCredentials> {
        Box::pin(async move {
            let keys = match caller {
                Caller::Service(account) => Keys::account(account),
                Caller::Session(session) => Keys::session(session),
            };
            let what = role.to_string();
            let got = self
                .sts(&keys)
                .assume_role()
                .role_arn(&what)
                .role_session_name(session_name)
                .set_external_id(external_id.map(str::to_owned))
                .send()
                .await
                .map_err(|e| sdk_error(&what, e))?;
            let credentials =
                got.credentials().ok_or_else(|| CloudError::Other(format!("{what}: STS returned no credentials")))?;
            let arn = got.assumed_role_user().map(|u| u.arn().to_owned()).unwrap_or_else(|| {
                format!("arn:aws:sts::{}:assumed-role/{}/{session_name}", role.account(), role.name())
            });
            Ok(SessionCredentials {
                access_key_id: credentials.access_key_id().to_owned(),
                secret_access_key: credentials.secret_access_key().to_owned(),
                session_token: credentials.session_token().to_owned(),
                account: role.account(),
                arn,
            })
        })
    }

    fn list_objects<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        prefix: &'a str,
    ) -> CloudFuture<'a, Vec<ObjectSummary>> {
        Box::pin(async move {
            let s3 = self.session_s3(credentials);
            let mut out = Vec::new();
            let mut token: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let page = s3
                    .list_objects_v2()
                    .bucket(bucket)
                    .prefix(prefix)
                    .set_continuation_token(token.take())
                    .send()
                    .await
                    .map_err(|e| sdk_error(bucket, e))?;
                for object in page.contents() {
                    if let Some(key) = object.key() {
                        out.push(ObjectSummary { key: key.to_owned(), size: object.size().unwrap_or(0).max(0) as u64 });
                    }
                }
                match page.next_continuation_token() {
                    Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
                    _ => break,
                }
            }
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
    }

    fn get_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ObjectData> {
        Box::pin(async move {
            let what = format!("s3://{bucket}/{key}");
            let got = self
                .session_s3(credentials)
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| sdk_error(&what, e))?;
            let kms_key_id = match got.server_side_encryption() {
                Some(aws_sdk_s3::types::ServerSideEncryption::AwsKms) => got.ssekms_key_id().map(str::to_owned),
                _ => None,
            };
            let body =
                got.body.collect().await.map_err(|e| CloudError::Other(format!("{what}: {e}")))?.into_bytes().to_vec();
            Ok(ObjectData { body, kms_key_id })
        })
    }

    fn put_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
        encryption: Encryption,
    ) -> CloudFuture<'a, ()> {
        Box::pin(async move {
            let what = format!("s3://{bucket}/{key}");
            let mut request = self.session_s3(credentials).put_object().bucket(bucket).key(key).body(body.into());
            request = match &encryption {
                Encryption::BucketDefault => request,
                Encryption::S3 => request.server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::Aes256),
                Encryption::Kms(key_id) => request
                    .server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::AwsKms)
                    .ssekms_key_id(key_id),
            };
            request.send().await.map_err(|e| sdk_error(&what, e))?;
            Ok(())
        })
    }

    fn account_of<'a>(
        &'a self,
        access_key_id: &'a str,
        session_token: Option<&'a str>,
    ) -> CloudFuture<'a, Option<AccountId>> {
        Box::pin(async move {
            // LocalStack does not check signatures, so the key and token alone identify the session.
            let keys = Keys {
                access_key_id: access_key_id.to_owned(),
                secret_access_key: "unused".to_owned(),
                session_token: session_token.map(str::to_owned),
            };
            let identity =
                self.sts(&keys).get_caller_identity().send().await.map_err(|e| sdk_error(access_key_id, e))?;
            Ok(identity.account().and_then(|a| AccountId::parse(a).ok()))
        })
    }

    fn delete_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ()> {
        Box::pin(async move {
            let what = format!("s3://{bucket}/{key}");
            self.session_s3(credentials)
                .delete_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| sdk_error(&what, e))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_policies_are_decoded_and_plain_ones_kept() {
        assert_eq!(policy_text("%7B%22Version%22%3A%222012-10-17%22%7D"), "{\"Version\":\"2012-10-17\"}");
        assert_eq!(policy_text("{\"a\":\"%41\"}"), "{\"a\":\"%41\"}");
    }
}
