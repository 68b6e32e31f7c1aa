//! The cloud the emulator stands on: IAM, STS, S3 and KMS state, behind one trait.
//!
//! The emulator reads policies through [`Cloud`] and judges them with the redbridge evaluator;
//! then it really assumes the chain and really reads and writes objects through the same trait.
//! Two implementations: [`memory::MemoryCloud`] for fast tests, and [`localstack::LocalStackCloud`]
//! (the only module that uses the AWS SDK) for runs against LocalStack.

pub mod localstack;
pub mod memory;

use std::future::Future;
use std::pin::Pin;

use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, RoleArn};

/// The future every [`Cloud`] method returns.
pub type CloudFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CloudError>> + Send + 'a>>;

/// Why a cloud call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    /// The bucket does not exist.
    #[error("bucket `{0}` does not exist")]
    NoSuchBucket(String),
    /// The object, role or key does not exist.
    #[error("`{0}` does not exist")]
    NotFound(String),
    /// The backend refused (LocalStack never does; kept for real backends).
    #[error("access denied: {0}")]
    AccessDenied(String),
    /// Anything else: the backend is unreachable, an answer could not be read.
    #[error("{0}")]
    Other(String),
}

/// A role's policies: its trust policy and every identity policy (inline and managed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePolicies {
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust: PolicyDocument,
    /// Inline and attached managed policies.
    pub identity: Vec<PolicyDocument>,
    /// The permissions boundary, if any.
    pub boundary: Option<PolicyDocument>,
}

/// What the emulator needs to know about a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: String,
    /// The bucket policy, if any.
    pub policy: Option<PolicyDocument>,
}

/// Credentials of a role session, as STS returns them.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// The account of the assumed role.
    pub account: AccountId,
    /// The assumed-role session ARN.
    pub arn: String,
}

impl std::fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("account", &self.account)
            .field("arn", &self.arn)
            .finish_non_exhaustive()
    }
}

/// Who calls STS AssumeRole: the Redshift service on behalf of an account (first hop), or a
/// previous session (later hops).
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// The service acting for the cluster's account.
    Service(AccountId),
    /// A role session.
    Session(&'a SessionCredentials),
}

/// One object under a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    /// The key.
    pub key: String,
    /// The size in bytes.
    pub size: u64,
}

/// An object's bytes and how it is encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectData {
    /// The body.
    pub body: Vec<u8>,
    /// The KMS key ARN (or id) when the object is SSE-KMS encrypted.
    pub kms_key_id: Option<String>,
}

/// Server-side encryption requested on a PutObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// No header: the bucket default applies.
    BucketDefault,
    /// `x-amz-server-side-encryption: AES256`.
    S3,
    /// `x-amz-server-side-encryption: aws:kms` with this key.
    Kms(String),
}

impl Encryption {
    /// The `x-amz-server-side-encryption` header value, if one is sent.
    pub fn header(&self) -> Option<&'static str> {
        match self {
            Self::BucketDefault => None,
            Self::S3 => Some("AES256"),
            Self::Kms(_) => Some("aws:kms"),
        }
    }
}

/// IAM, STS, S3 and KMS as the emulator uses them. Implementations enforce nothing: the
/// emulator decides with the evaluator before it calls.
pub trait Cloud: Send + Sync + 'static {
    /// The role's trust and identity policies; `None` when the role does not exist.
    fn role<'a>(&'a self, role: &'a RoleArn) -> CloudFuture<'a, Option<RolePolicies>>;

    /// The bucket's owner, region and policy; `None` when no account among `candidates`
    /// (the accounts of the chain and of the cluster) has it.
    fn bucket<'a>(&'a self, bucket: &'a str, candidates: &'a [AccountId]) -> CloudFuture<'a, Option<BucketInfo>>;

    /// The key policy of a KMS key given by ARN; `None` when the key does not exist.
    fn key_policy<'a>(&'a self, key_arn: &'a str) -> CloudFuture<'a, Option<PolicyDocument>>;

    /// STS AssumeRole of `role` by `caller`, with Redshift's session name and external id.
    fn assume_role<'a>(
        &'a self,
        caller: Caller<'a>,
        role: &'a RoleArn,
        session_name: &'a str,
        external_id: Option<&'a str>,
    ) -> CloudFuture<'a, SessionCredentials>;

    /// Every object under `prefix`, in key order.
    fn list_objects<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        prefix: &'a str,
    ) -> CloudFuture<'a, Vec<ObjectSummary>>;

    /// Reads one object.
    fn get_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ObjectData>;

    /// Writes one object.
    fn put_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
        encryption: Encryption,
    ) -> CloudFuture<'a, ()>;

    /// Deletes one object.
    fn delete_object<'a>(
        &'a self,
        credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ()>;

    /// The account of temporary credentials this cloud issued (for callers signing with a
    /// session); `None` when it does not know the key.
    fn account_of<'a>(
        &'a self,
        access_key_id: &'a str,
        session_token: Option<&'a str>,
    ) -> CloudFuture<'a, Option<AccountId>> {
        let _ = (access_key_id, session_token);
        Box::pin(std::future::ready(Ok(None)))
    }
}
