//! The ports: one trait per AWS concern, speaking domain types only.
//!
//! Each port value is bound to one account (and, where it matters, one region): the caller
//! builds one per profile, or asks a [`Connect`] for the ports of given [`Credentials`] (an
//! account's own, or a session's that [`Sts::assume_role`] returned). Implementations: the SDK
//! adapters in `redbridge_aws::sdk` (feature `sdk`), the in-memory fakes in `redbridge_aws::fake`
//! (feature `testing`), or an embedder's own. `redbridge_aws::contract` (feature `testing`) holds
//! the behaviour every implementation must show.

use std::future::Future;

use redbridge_core::converge::AttachedRole;
use redbridge_core::doctor::OrgPolicy;
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};
use serde::Serialize;

use crate::AwsError;

/// The outcome of a port call.
pub type AwsResult<T> = Result<T, AwsError>;

/// A role as IAM returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleInfo {
    /// Its ARN.
    pub arn: RoleArn,
    /// Its trust policy, decoded.
    pub trust_policy: PolicyDocument,
    /// Its tags, in IAM's order.
    pub tags: Vec<(String, String)>,
    /// Its description, if any.
    pub description: Option<String>,
    /// The ARN of its permissions boundary policy, if any.
    pub permissions_boundary: Option<String>,
}

/// A role to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRole {
    /// The role (its path and name are used; its account is the port's).
    pub arn: RoleArn,
    /// The trust policy.
    pub trust_policy: PolicyDocument,
    /// The description.
    pub description: String,
    /// The tags.
    pub tags: Vec<(String, String)>,
}

/// A user as IAM returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// Its ARN.
    pub arn: String,
    /// The ARN of its permissions boundary policy, if any.
    pub permissions_boundary: Option<String>,
}

/// IAM roles, users and groups and their policies in one account.
pub trait Iam: Send + Sync {
    /// The role of this name, or `None` when there is none.
    fn get_role(&self, name: &str) -> impl Future<Output = AwsResult<Option<RoleInfo>>> + Send;
    /// Creates a role with its trust policy and tags (`iam:CreateRole`).
    fn create_role(&self, role: &NewRole) -> impl Future<Output = AwsResult<()>> + Send;
    /// Replaces a role's trust policy (`iam:UpdateAssumeRolePolicy`).
    fn update_trust_policy(&self, name: &str, policy: &PolicyDocument) -> impl Future<Output = AwsResult<()>> + Send;
    /// Adds or overwrites tags on a role (`iam:TagRole`).
    fn tag_role(&self, name: &str, tags: &[(String, String)]) -> impl Future<Output = AwsResult<()>> + Send;
    /// Deletes a role (`iam:DeleteRole`); its inline policies must be gone.
    fn delete_role(&self, name: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// An inline policy, or `None` when there is none.
    fn get_role_policy(
        &self,
        role: &str,
        policy: &str,
    ) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
    /// Creates or replaces an inline policy (`iam:PutRolePolicy`).
    fn put_role_policy(
        &self,
        role: &str,
        policy: &str,
        document: &PolicyDocument,
    ) -> impl Future<Output = AwsResult<()>> + Send;
    /// Deletes an inline policy (`iam:DeleteRolePolicy`).
    fn delete_role_policy(&self, role: &str, policy: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// The names of a role's inline policies, every page.
    fn list_role_policies(&self, role: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// The ARNs of the managed policies attached to a role, every page (`iam:ListAttachedRolePolicies`).
    fn list_attached_role_policies(&self, role: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// A managed policy's default version id, or `None` when there is no such policy (`iam:GetPolicy`).
    fn managed_policy_default_version(
        &self,
        policy_arn: &str,
    ) -> impl Future<Output = AwsResult<Option<String>>> + Send;
    /// One version of a managed policy, decoded (`iam:GetPolicyVersion`).
    fn managed_policy_version(
        &self,
        policy_arn: &str,
        version: &str,
    ) -> impl Future<Output = AwsResult<PolicyDocument>> + Send;
    /// The user of this name, or `None` when there is none (`iam:GetUser`).
    fn get_user(&self, name: &str) -> impl Future<Output = AwsResult<Option<UserInfo>>> + Send;
    /// The names of a user's inline policies, every page (`iam:ListUserPolicies`).
    fn list_user_policies(&self, user: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// A user's inline policy, or `None` when there is none (`iam:GetUserPolicy`).
    fn get_user_policy(
        &self,
        user: &str,
        policy: &str,
    ) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
    /// The ARNs of the managed policies attached to a user, every page (`iam:ListAttachedUserPolicies`).
    fn list_attached_user_policies(&self, user: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// The names of the groups a user belongs to, every page (`iam:ListGroupsForUser`).
    fn list_groups_for_user(&self, user: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// The names of a group's inline policies, every page (`iam:ListGroupPolicies`).
    fn list_group_policies(&self, group: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// A group's inline policy, or `None` when there is none (`iam:GetGroupPolicy`).
    fn get_group_policy(
        &self,
        group: &str,
        policy: &str,
    ) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
    /// The ARNs of the managed policies attached to a group, every page (`iam:ListAttachedGroupPolicies`).
    fn list_attached_group_policies(&self, group: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// Every role of the account with its decoded trust policy, every page (`iam:ListRoles`). A
    /// trust policy that does not parse is an error naming the role. ListRoles returns neither
    /// tags nor permissions boundary: `tags` is empty and `permissions_boundary` is `None` (read
    /// them with [`Iam::get_role`]).
    fn list_roles(&self) -> impl Future<Output = AwsResult<Vec<RoleInfo>>> + Send;
}

/// Who the credentials are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallerIdentity {
    /// The account.
    pub account: AccountId,
    /// The caller's ARN.
    pub arn: String,
}

/// The keys of a role session. `Debug` shows the access key id only: the secret and the
/// token never reach output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKeys {
    /// The access key id (`ASIA…`).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// What `sts:AssumeRole` returns: the session's keys, and whose session it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCredentials {
    /// The keys to sign with.
    pub keys: SessionKeys,
    /// The account of the assumed role.
    pub account: AccountId,
    /// The session's ARN: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub assumed_role_arn: String,
}

/// STS.
pub trait Sts: Send + Sync {
    /// `sts:GetCallerIdentity`.
    fn caller_identity(&self) -> impl Future<Output = AwsResult<CallerIdentity>> + Send;
    /// `sts:AssumeRole` of `role` by these credentials, with a session name and, when the
    /// role's trust asks for one, an external id.
    fn assume_role(
        &self,
        role: &RoleArn,
        session_name: &str,
        external_id: Option<&str>,
    ) -> impl Future<Output = AwsResult<SessionCredentials>> + Send;
}

/// What `DescribeKey` says about a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// The key's ARN.
    pub arn: String,
    /// Whether it is enabled.
    pub enabled: bool,
    /// Whether the customer manages it (an AWS managed key such as `aws/s3` cannot be shared).
    pub customer_managed: bool,
    /// `Enabled`, `Disabled`, `PendingDeletion`, … as KMS says it.
    pub state: String,
}

/// KMS key policies (the `default` policy) in one account.
pub trait Kms: Send + Sync {
    /// The key's policy.
    fn get_key_policy(&self, key: &KmsKeyArn) -> impl Future<Output = AwsResult<PolicyDocument>> + Send;
    /// Replaces the key's policy.
    fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> impl Future<Output = AwsResult<()>> + Send;
    /// `kms:DescribeKey`.
    fn describe_key(&self, key: &KmsKeyArn) -> impl Future<Output = AwsResult<KeyInfo>> + Send;
}

/// A secret's current value as `GetSecretValue` returns it. `Debug` leaves the value out.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue {
    /// The secret's ARN.
    pub arn: String,
    /// The secret's name.
    pub name: String,
    /// `SecretString`; `None` when the secret holds `SecretBinary`.
    pub secret_string: Option<String>,
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretValue").field("arn", &self.arn).field("name", &self.name).finish_non_exhaustive()
    }
}

/// Secrets Manager as given credentials in one region.
pub trait SecretsManager: Send + Sync {
    /// The current value of the secret `secret_id` names, by ARN or name
    /// (`secretsmanager:GetSecretValue`): [`AwsError::NotFound`] for `ResourceNotFoundException`,
    /// [`AwsError::AccessDenied`] for `AccessDeniedException`.
    fn get_secret_value(&self, secret_id: &str) -> impl Future<Output = AwsResult<SecretValue>> + Send;
}

/// Provisioned Redshift clusters: their attached roles.
pub trait Redshift: Send + Sync {
    /// The roles attached to a cluster, with their apply status (`DescribeClusters`).
    fn cluster_roles(&self, cluster: &str) -> impl Future<Output = AwsResult<Vec<AttachedRole>>> + Send;
    /// Adds one role, leaving the others (`ModifyClusterIamRoles` with `AddIamRoles`).
    fn add_cluster_role(&self, cluster: &str, role: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// Removes one role, leaving the others (`ModifyClusterIamRoles` with `RemoveIamRoles`).
    fn remove_cluster_role(&self, cluster: &str, role: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// What `doctor` needs of a cluster: its roles and enhanced VPC routing (`DescribeClusters`).
    fn describe_cluster(&self, cluster: &str) -> impl Future<Output = AwsResult<ClusterInfo>> + Send;
    /// Every cluster of the port's account and region, every page (`DescribeClusters` without an
    /// identifier).
    fn list_clusters(&self) -> impl Future<Output = AwsResult<Vec<ClusterSummary>>> + Send;
}

/// One provisioned cluster as DescribeClusters lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterSummary {
    /// The cluster identifier.
    pub identifier: String,
    /// The attached roles with their apply status.
    pub roles: Vec<AttachedRole>,
    /// The default role's ARN (`DefaultIamRoleArn`), if one is set.
    pub default_iam_role: Option<String>,
    /// Whether enhanced VPC routing is on.
    pub enhanced_vpc_routing: bool,
}

/// One serverless namespace as ListNamespaces lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceSummary {
    /// The namespace name.
    pub name: String,
    /// The attached roles with their apply status (both `iamRoles` formats parsed).
    pub roles: Vec<AttachedRole>,
    /// The default role's ARN (`defaultIamRoleArn`), if one is set.
    pub default_iam_role: Option<String>,
}

/// One serverless workgroup as ListWorkgroups lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkgroupSummary {
    /// The workgroup name.
    pub name: String,
    /// The namespace it belongs to.
    pub namespace: String,
    /// The workgroup id.
    pub workgroup_id: Option<String>,
    /// Whether enhanced VPC routing is on.
    pub enhanced_vpc_routing: bool,
}

/// One account of an organization as ListAccounts lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgAccount {
    /// Its id.
    pub id: AccountId,
    /// Its name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`, as Organizations says it.
    pub status: String,
}

/// What `DescribeClusters` says about a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterInfo {
    /// The attached roles with their apply status.
    pub roles: Vec<AttachedRole>,
    /// Whether enhanced VPC routing is on.
    pub enhanced_vpc_routing: bool,
}

/// What `GetWorkgroup` says about a serverless workgroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkgroupInfo {
    /// The workgroup id (one documented form of the database-user ARN uses it).
    pub workgroup_id: Option<String>,
    /// The namespace it belongs to.
    pub namespace: Option<String>,
    /// Whether enhanced VPC routing is on.
    pub enhanced_vpc_routing: bool,
}

/// Redshift Serverless namespaces: their attached roles.
pub trait RedshiftServerless: Send + Sync {
    /// The roles attached to a namespace (`GetNamespace`, both `iamRoles` formats parsed).
    fn namespace_roles(&self, namespace: &str) -> impl Future<Output = AwsResult<Vec<AttachedRole>>> + Send;
    /// Writes the whole role list (`UpdateNamespace` replaces it: pass the merged list).
    fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> impl Future<Output = AwsResult<()>> + Send;
    /// A workgroup's id, namespace and enhanced VPC routing (`GetWorkgroup`).
    fn workgroup(&self, workgroup: &str) -> impl Future<Output = AwsResult<WorkgroupInfo>> + Send;
    /// Every namespace of the port's account and region, every page (`ListNamespaces`).
    fn list_namespaces(&self) -> impl Future<Output = AwsResult<Vec<NamespaceSummary>>> + Send;
    /// Every workgroup of the port's account and region, every page (`ListWorkgroups`).
    fn list_workgroups(&self) -> impl Future<Output = AwsResult<Vec<WorkgroupSummary>>> + Send;
}

/// A bucket's default encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultEncryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    /// The default key, when KMS.
    pub kms_key: Option<String>,
}

/// The server-side encryption a `PutObject` asks for (`x-amz-server-side-encryption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum ObjectEncryption {
    /// No header: the bucket's default encryption applies.
    BucketDefault,
    /// `AES256` (SSE-S3).
    S3,
    /// `aws:kms` (SSE-KMS) with this key (`x-amz-server-side-encryption-aws-kms-key-id`).
    Kms(String),
}

impl ObjectEncryption {
    /// The `x-amz-server-side-encryption` header value, if one is sent.
    pub fn header(&self) -> Option<&'static str> {
        match self {
            Self::BucketDefault => None,
            Self::S3 => Some("AES256"),
            Self::Kms(_) => Some("aws:kms"),
        }
    }
}

/// An object as `GetObject` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectContent {
    /// The body.
    pub body: Vec<u8>,
    /// The KMS key (`x-amz-server-side-encryption-aws-kms-key-id`) when it is SSE-KMS encrypted.
    pub kms_key_id: Option<String>,
}

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectSummary {
    /// The key.
    pub key: String,
    /// The size in bytes.
    pub size: u64,
}

/// S3: the bucket settings `doctor` reads and the objects `redbridge test` and the emulator
/// write, read and remove.
pub trait S3: Send + Sync {
    /// The names of the buckets the port's account owns (`ListBuckets`): which account among
    /// several owns a bucket.
    fn list_buckets(&self) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
    /// The bucket's region (`GetBucketLocation`; an empty constraint means `us-east-1`).
    fn bucket_region(&self, bucket: &str) -> impl Future<Output = AwsResult<Region>> + Send;
    /// The bucket policy, or `None` when the bucket has none.
    fn bucket_policy(&self, bucket: &str) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
    /// The object ownership setting, or `None` when the bucket has no ownership controls
    /// (`GetBucketOwnershipControls`).
    fn object_ownership(&self, bucket: &str) -> impl Future<Output = AwsResult<Option<String>>> + Send;
    /// The default encryption, or `None` when none is configured (`GetBucketEncryption`).
    fn default_encryption(&self, bucket: &str) -> impl Future<Output = AwsResult<Option<DefaultEncryption>>> + Send;
    /// Writes an object with the server-side encryption asked for (`PutObject`).
    fn put_object_encrypted(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        encryption: &ObjectEncryption,
    ) -> impl Future<Output = AwsResult<()>> + Send;
    /// Writes an object under the bucket's default encryption (`PutObject` without SSE headers).
    fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> impl Future<Output = AwsResult<()>> + Send {
        async move { self.put_object_encrypted(bucket, key, body, &ObjectEncryption::BucketDefault).await }
    }
    /// Reads an object with its SSE-KMS key (`GetObject`).
    fn get_object_content(&self, bucket: &str, key: &str) -> impl Future<Output = AwsResult<ObjectContent>> + Send;
    /// Reads an object's body (`GetObject`).
    fn get_object(&self, bucket: &str, key: &str) -> impl Future<Output = AwsResult<Vec<u8>>> + Send {
        async move { Ok(self.get_object_content(bucket, key).await?.body) }
    }
    /// The objects under a prefix with their sizes, in key order, every page (`ListObjectsV2`).
    fn list_object_summaries(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> impl Future<Output = AwsResult<Vec<ObjectSummary>>> + Send;
    /// The keys under a prefix, in key order, every page (`ListObjectsV2`).
    fn list_objects(&self, bucket: &str, prefix: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send {
        async move { Ok(self.list_object_summaries(bucket, prefix).await?.into_iter().map(|o| o.key).collect()) }
    }
    /// The first `max` keys under a prefix: what `doctor` keeps to tell an empty prefix from one
    /// with objects. By default [`S3::list_objects`] cut short; the SDK asks for one page of `max`.
    fn list_first_objects(
        &self,
        bucket: &str,
        prefix: &str,
        max: usize,
    ) -> impl Future<Output = AwsResult<Vec<String>>> + Send {
        async move {
            let mut keys = self.list_objects(bucket, prefix).await?;
            keys.truncate(max);
            Ok(keys)
        }
    }
    /// Deletes one object (`DeleteObject`).
    fn delete_object(&self, bucket: &str, key: &str) -> impl Future<Output = AwsResult<()>> + Send;
}

/// Where a Data API statement runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataTarget {
    /// A provisioned cluster, as a database user.
    Cluster {
        /// The cluster identifier.
        cluster: String,
        /// The database user (temporary credentials through `GetClusterCredentials`).
        db_user: Option<String>,
    },
    /// A serverless workgroup (the IAM identity becomes the database user).
    Workgroup {
        /// The workgroup name.
        workgroup: String,
    },
    /// A provisioned cluster, with database credentials from Secrets Manager.
    ClusterWithSecret {
        /// The cluster identifier.
        cluster: String,
        /// The secret's ARN.
        secret_arn: String,
    },
    /// A serverless workgroup, with database credentials from Secrets Manager.
    WorkgroupWithSecret {
        /// The workgroup name.
        workgroup: String,
        /// The secret's ARN.
        secret_arn: String,
    },
}

impl DataTarget {
    /// The cluster identifier or workgroup name.
    pub fn name(&self) -> &str {
        match self {
            Self::Cluster { cluster, .. } | Self::ClusterWithSecret { cluster, .. } => cluster,
            Self::Workgroup { workgroup } | Self::WorkgroupWithSecret { workgroup, .. } => workgroup,
        }
    }
}

/// One statement of a batch, as `DescribeStatement` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubStatement {
    /// Its id (`<batch id>:<n>`).
    pub id: String,
    /// `SUBMITTED`, `PICKED`, `STARTED`, `FINISHED`, `FAILED` or `ABORTED`.
    pub status: String,
    /// Redshift's error text when it failed.
    pub error: Option<String>,
    /// Rows affected or returned, when Redshift says.
    pub result_rows: Option<i64>,
    /// Whether it returned rows.
    pub has_result_set: bool,
}

/// Everything `DescribeStatement` says about a statement or batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementDetail {
    /// The raw status: `SUBMITTED`, `PICKED`, `STARTED`, `FINISHED`, `FAILED` or `ABORTED`.
    pub status: String,
    /// The status as a state.
    pub state: StatementState,
    /// Whether it returned rows.
    pub has_result_set: bool,
    /// The statements of a batch, in order (empty for a single statement).
    pub sub_statements: Vec<SubStatement>,
}

/// Where a Data API statement is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StatementState {
    /// Not finished yet (`SUBMITTED`, `PICKED`, `STARTED`).
    Running,
    /// Done; rows affected when Redshift says.
    Finished {
        /// `ResultRows`.
        rows: Option<i64>,
    },
    /// Failed, with Redshift's error text.
    Failed {
        /// `Error`.
        error: String,
    },
    /// Aborted.
    Aborted,
}

/// The Redshift Data API (thin for now: what the live test needs first).
pub trait RedshiftData: Send + Sync {
    /// Submits one statement and returns its id.
    fn execute_statement(
        &self,
        target: &DataTarget,
        database: &str,
        sql: &str,
    ) -> impl Future<Output = AwsResult<String>> + Send;
    /// Where the statement is.
    fn describe_statement(&self, id: &str) -> impl Future<Output = AwsResult<StatementState>> + Send;
    /// Submits statements to run one after another in one transaction and one session
    /// (`BatchExecuteStatement`: temporary tables live across them) and returns the batch id.
    fn batch_execute_statement(
        &self,
        target: &DataTarget,
        database: &str,
        sqls: &[String],
    ) -> impl Future<Output = AwsResult<String>> + Send;
    /// Where the statement or batch is, with its sub-statements.
    fn statement_detail(&self, id: &str) -> impl Future<Output = AwsResult<StatementDetail>> + Send;
    /// The rows a statement returned, every page, each field as text (`None` for SQL NULL).
    fn get_statement_result(&self, id: &str) -> impl Future<Output = AwsResult<Vec<Vec<Option<String>>>>> + Send;
    /// Cancels a running statement; `false` when it had already ended.
    fn cancel_statement(&self, id: &str) -> impl Future<Output = AwsResult<bool>> + Send;
}

/// Whose credentials a connection signs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The account's own credentials (LocalStack: the access key id is the 12-digit account id,
    /// the secret `test`).
    Account(AccountId),
    /// A role session's keys, as [`Sts::assume_role`] returned them (or as a caller presented
    /// them: the account is then what [`Sts::caller_identity`] says).
    Session(SessionKeys),
}

impl From<&SessionCredentials> for Credentials {
    fn from(session: &SessionCredentials) -> Self {
        Self::Session(session.keys.clone())
    }
}

/// Makes ports for given credentials: what a service standing on the cloud (the emulator)
/// needs, as it acts for many accounts and sessions, and what `audit` needs to walk an
/// organization. IAM, STS and Organizations are global; KMS and S3 are bound to a region (the
/// key's, the bucket's), Redshift and Redshift Serverless to the region read.
pub trait Connect: Send + Sync + 'static {
    /// IAM of the credentials' account.
    type Iam: Iam + 'static;
    /// STS as the credentials.
    type Sts: Sts + 'static;
    /// KMS of the credentials' account in one region.
    type Kms: Kms + 'static;
    /// S3 as the credentials in one region.
    type S3: S3 + 'static;
    /// Provisioned Redshift of the credentials' account in one region.
    type Redshift: Redshift + 'static;
    /// Redshift Serverless of the credentials' account in one region.
    type Serverless: RedshiftServerless + 'static;
    /// AWS Organizations as the credentials.
    type Organizations: Organizations + 'static;
    /// Secrets Manager as the credentials in one region.
    type SecretsManager: SecretsManager + 'static;

    /// IAM with these credentials.
    fn iam(&self, credentials: &Credentials) -> Self::Iam;
    /// STS with these credentials.
    fn sts(&self, credentials: &Credentials) -> Self::Sts;
    /// KMS with these credentials in `region`.
    fn kms(&self, credentials: &Credentials, region: &Region) -> Self::Kms;
    /// S3 with these credentials in `region`.
    fn s3(&self, credentials: &Credentials, region: &Region) -> Self::S3;
    /// Provisioned Redshift with these credentials in `region`.
    fn redshift(&self, credentials: &Credentials, region: &Region) -> Self::Redshift;
    /// Redshift Serverless with these credentials in `region`.
    fn serverless(&self, credentials: &Credentials, region: &Region) -> Self::Serverless;
    /// AWS Organizations with these credentials.
    fn organizations(&self, credentials: &Credentials) -> Self::Organizations;
    /// Secrets Manager with these credentials in `region`.
    fn secrets_manager(&self, credentials: &Credentials, region: &Region) -> Self::SecretsManager;
    /// The region used when a call names none (bucket lookups start there).
    fn default_region(&self) -> Region;
}

/// The two kinds of organization policy doctor reads, as Organizations names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgPolicyType {
    /// `SERVICE_CONTROL_POLICY`: limits the principals of member accounts.
    ServiceControlPolicy,
    /// `RESOURCE_CONTROL_POLICY`: limits access to the resources of member accounts.
    ResourceControlPolicy,
}

impl OrgPolicyType {
    /// Organizations' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            Self::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }
}

/// An organization, as `DescribeOrganization` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationInfo {
    /// Its id (`o-…`).
    pub id: String,
    /// Its management account.
    pub management_account: AccountId,
}

/// A parent in the organization's tree, as `ListParents` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OrgParent {
    /// The root (`r-…`).
    Root(String),
    /// An organizational unit (`ou-…`).
    OrganizationalUnit(String),
}

impl OrgParent {
    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            Self::Root(id) | Self::OrganizationalUnit(id) => id,
        }
    }
}

/// A policy attached to a target, as `ListPoliciesForTarget` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgPolicySummary {
    /// Its id (`p-…`).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The organization an account is in, and its policies (AWS Organizations). Bound to one
/// account's credentials; Organizations is global. Any member may describe its organization;
/// only the management account or a delegated administrator may list parents and policies
/// (access denied otherwise).
pub trait Organizations: Send + Sync {
    /// The organization of the port's account, `None` when it is in none
    /// (`AWSOrganizationsNotInUseException`) (`organizations:DescribeOrganization`).
    fn describe_organization(&self) -> impl Future<Output = AwsResult<Option<OrganizationInfo>>> + Send;
    /// The parents of an account or organizational unit, every page (`organizations:ListParents`).
    fn list_parents(&self, child_id: &str) -> impl Future<Output = AwsResult<Vec<OrgParent>>> + Send;
    /// The policies of one type attached directly to a root, unit or account, every page
    /// (`organizations:ListPoliciesForTarget`).
    fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: OrgPolicyType,
    ) -> impl Future<Output = AwsResult<Vec<OrgPolicySummary>>> + Send;
    /// One policy with its content (`organizations:DescribePolicy`).
    fn describe_policy(&self, policy_id: &str) -> impl Future<Output = AwsResult<OrgPolicy>> + Send;
    /// Every account of the organization, every page (`organizations:ListAccounts`; the
    /// management account or a delegated administrator only).
    fn list_accounts(&self) -> impl Future<Output = AwsResult<Vec<OrgAccount>>> + Send;
}
