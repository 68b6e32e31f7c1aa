//! The ports: one trait per AWS concern, speaking domain types only.
//!
//! Each port value is bound to one account (and, where it matters, one region): the caller
//! builds one per profile. Implementations: the SDK adapters in [`crate::sdk`], the in-memory
//! fakes in [`crate::fake`]. [`crate::contract`] holds the behaviour every implementation must
//! show.

use std::future::Future;

use redbridge_core::converge::AttachedRole;
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

/// IAM roles and their inline policies in one account.
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
    fn get_role_policy(&self, role: &str, policy: &str) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
    /// Creates or replaces an inline policy (`iam:PutRolePolicy`).
    fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> impl Future<Output = AwsResult<()>> + Send;
    /// Deletes an inline policy (`iam:DeleteRolePolicy`).
    fn delete_role_policy(&self, role: &str, policy: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// The names of a role's inline policies, every page.
    fn list_role_policies(&self, role: &str) -> impl Future<Output = AwsResult<Vec<String>>> + Send;
}

/// Who the credentials are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallerIdentity {
    /// The account.
    pub account: AccountId,
    /// The caller's ARN.
    pub arn: String,
}

/// STS.
pub trait Sts: Send + Sync {
    /// `sts:GetCallerIdentity`.
    fn caller_identity(&self) -> impl Future<Output = AwsResult<CallerIdentity>> + Send;
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

/// Provisioned Redshift clusters: their attached roles.
pub trait Redshift: Send + Sync {
    /// The roles attached to a cluster, with their apply status (`DescribeClusters`).
    fn cluster_roles(&self, cluster: &str) -> impl Future<Output = AwsResult<Vec<AttachedRole>>> + Send;
    /// Adds one role, leaving the others (`ModifyClusterIamRoles` with `AddIamRoles`).
    fn add_cluster_role(&self, cluster: &str, role: &str) -> impl Future<Output = AwsResult<()>> + Send;
    /// Removes one role, leaving the others (`ModifyClusterIamRoles` with `RemoveIamRoles`).
    fn remove_cluster_role(&self, cluster: &str, role: &str) -> impl Future<Output = AwsResult<()>> + Send;
}

/// Redshift Serverless namespaces: their attached roles.
pub trait RedshiftServerless: Send + Sync {
    /// The roles attached to a namespace (`GetNamespace`, both `iamRoles` formats parsed).
    fn namespace_roles(&self, namespace: &str) -> impl Future<Output = AwsResult<Vec<AttachedRole>>> + Send;
    /// Writes the whole role list (`UpdateNamespace` replaces it: pass the merged list).
    fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> impl Future<Output = AwsResult<()>> + Send;
}

/// S3 (thin for now: what `doctor` needs first).
pub trait S3: Send + Sync {
    /// The bucket's region (`GetBucketLocation`; an empty constraint means `us-east-1`).
    fn bucket_region(&self, bucket: &str) -> impl Future<Output = AwsResult<Region>> + Send;
    /// The bucket policy, or `None` when the bucket has none.
    fn bucket_policy(&self, bucket: &str) -> impl Future<Output = AwsResult<Option<PolicyDocument>>> + Send;
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
    fn execute_statement(&self, target: &DataTarget, database: &str, sql: &str) -> impl Future<Output = AwsResult<String>> + Send;
    /// Where the statement is.
    fn describe_statement(&self, id: &str) -> impl Future<Output = AwsResult<StatementState>> + Send;
}
