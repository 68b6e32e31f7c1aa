//! What an audit read: the accounts it entered (or could not), their Redshift clusters and
//! serverless workgroups, and every role, bucket, key and organization the chains reach.
//!
//! The world is plain data the reader in `redbridge-aws` fills and [`super::audit`] judges; every
//! value read may be unknown, with the reason, as in doctor's [`Snapshot`](crate::doctor::Snapshot).

use std::collections::BTreeMap;

use redbridge_iam::{AccountId, Region};
use serde::{Deserialize, Serialize};

use crate::doctor::{AccountOrganization, AttachedRole, BucketState, KeyState, Known, RoleState};

/// Everything an audit read, keyed the way AWS names things: accounts by id, roles and keys by
/// ARN, buckets by their (global) name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditWorld {
    /// Every account the audit tried to enter.
    pub accounts: BTreeMap<AccountId, AccountRead>,
    /// Every role a chain reaches, by ARN.
    pub roles: BTreeMap<String, Known<RoleState>>,
    /// Every bucket a chain's last role is granted, by name.
    pub buckets: BTreeMap<String, BucketRead>,
    /// Every KMS key a chain needs (a bucket's default key), by ARN.
    pub keys: BTreeMap<String, Known<KeyState>>,
    /// What else could not be read (the organization's account list, another account's roles).
    #[serde(default)]
    pub not_read: Vec<super::NotRead>,
}

/// One account: how the audit entered it and what it found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRead {
    /// Its name in the organization, when the organization was listed.
    #[serde(default)]
    pub name: Option<String>,
    /// How it was entered (`profile NAME`, `role ARN`), or why it could not be.
    pub entered: Known<String>,
    /// Its clusters and workgroups, region by region; unknown when they could not be listed.
    #[serde(default)]
    pub targets: BTreeMap<Region, Known<Vec<RedshiftTarget>>>,
    /// Its organization with the SCPs and RCPs that apply to it, when read.
    #[serde(default)]
    pub organization: Option<Known<AccountOrganization>>,
}

impl AccountRead {
    /// An account the audit entered as `how`, with nothing read yet.
    pub fn entered(how: impl Into<String>) -> Self {
        Self { name: None, entered: Known::known(how.into()), targets: BTreeMap::new(), organization: None }
    }

    /// An account the audit could not enter, and why.
    pub fn not_entered(reason: impl Into<String>) -> Self {
        Self { name: None, entered: Known::unknown(reason), targets: BTreeMap::new(), organization: None }
    }
}

/// Where COPY and UNLOAD run: a provisioned cluster, or a serverless workgroup with the namespace
/// its roles attach to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TargetKind {
    /// A provisioned cluster.
    Provisioned {
        /// Its identifier.
        cluster: String,
    },
    /// A serverless workgroup.
    Serverless {
        /// The workgroup's name.
        workgroup: String,
        /// The namespace the workgroup belongs to, where roles attach.
        namespace: String,
        /// The workgroup's id, which one form of the database user's ARN uses.
        #[serde(default)]
        workgroup_id: Option<String>,
    },
}

impl TargetKind {
    /// The cluster identifier or the workgroup name.
    pub fn name(&self) -> &str {
        match self {
            Self::Provisioned { cluster } => cluster,
            Self::Serverless { workgroup, .. } => workgroup,
        }
    }
}

/// One cluster or workgroup, with the roles attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftTarget {
    /// Cluster or workgroup.
    #[serde(flatten)]
    pub kind: TargetKind,
    /// The roles attached (to the cluster, or to the workgroup's namespace).
    pub attached_roles: Vec<AttachedRole>,
    /// The default IAM role (`IAM_ROLE default`), when one is set.
    #[serde(default)]
    pub default_role: Option<String>,
    /// Whether enhanced VPC routing is on.
    #[serde(default)]
    pub enhanced_vpc_routing: bool,
}

/// A bucket: the account that owns it (found by listing that account's buckets) and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketRead {
    /// The owning account, when an entered account lists the bucket.
    #[serde(default)]
    pub owner: Option<AccountId>,
    /// Region, policy, ownership and default encryption; unknown when not readable.
    pub state: Known<BucketState>,
}
