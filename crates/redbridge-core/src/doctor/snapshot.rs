//! What `doctor` knows about both accounts: a versioned, serializable snapshot.
//!
//! The adapters fill it from AWS (or LocalStack); `redbridge doctor --save` writes it as JSON and
//! `--snapshot` reads it back, so the analysis runs offline and a snapshot can be handed to a
//! colleague. Anything that could not be read is [`Known::Unknown`] with the reason, never guessed.
//! The format is documented in `docs/snapshot.md`; bump [`SNAPSHOT_VERSION`] on any
//! incompatible change.

use std::collections::BTreeMap;
use std::fmt;

use crate::input::{TextError, json_message, json_position, position_in};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use super::organization::AccountOrganization;
use serde::{Deserialize, Serialize};

/// The snapshot format version this build reads and writes.
pub const SNAPSHOT_VERSION: u32 = 1;

/// How many keys a snapshot keeps per listed prefix: enough to show what is there, and to
/// tell an empty prefix from one with objects.
pub const LISTED_KEYS: usize = 5;

/// A value read from AWS, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Known<T> {
    /// Read successfully.
    Known {
        /// The value.
        value: T,
    },
    /// Does not exist (a role, a bucket policy, a cluster).
    Absent,
    /// Could not be read: no profile for that account, access denied, or not read at all.
    Unknown {
        /// Why, in words.
        reason: String,
    },
}

impl<T> Known<T> {
    /// The value when known.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Known { value } => Some(value),
            _ => None,
        }
    }

    /// Wraps a value.
    #[allow(clippy::self_named_constructors, reason = "`Known::known(v)` reads beside `Known::unknown(reason)`")]
    pub fn known(value: T) -> Self {
        Self::Known { value }
    }

    /// Marks a value as unreadable.
    pub fn unknown(reason: impl Into<String>) -> Self {
        Self::Unknown { reason: reason.into() }
    }
}

/// Both accounts, as far as they could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SNAPSHOT_VERSION`] when written.
    pub version: u32,
    /// The Redshift side: cluster or serverless namespace and workgroup.
    pub redshift: Known<RedshiftState>,
    /// Every role of the chain, by ARN.
    pub roles: BTreeMap<String, Known<RoleState>>,
    /// The bucket.
    pub bucket: Known<BucketState>,
    /// The KMS key, when the spec names one.
    #[serde(default)]
    pub kms_key: Option<Known<KeyState>>,
    /// The first keys (at most [`LISTED_KEYS`]) under each key prefix of the bucket that a
    /// statement given to `doctor --sql` reads from or unloads to, by prefix. Optional and
    /// written only when something was listed, so snapshots without it still load.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefix_objects: BTreeMap<String, Known<Vec<String>>>,
    /// The organization of each account of the chain, by account id: known with its SCPs and
    /// RCPs, absent when the account is in no organization (none apply), unknown when they could
    /// not be read. Optional and written only when something was read, so older snapshots load;
    /// an account without an entry counts as not read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub organizations: BTreeMap<String, Known<AccountOrganization>>,
}

impl Snapshot {
    /// A snapshot in which nothing is known yet.
    pub fn empty() -> Self {
        Self {
            version: SNAPSHOT_VERSION,
            redshift: Known::unknown("not read"),
            roles: BTreeMap::new(),
            bucket: Known::unknown("not read"),
            kms_key: None,
            prefix_objects: BTreeMap::new(),
            organizations: BTreeMap::new(),
        }
    }

    /// Reads a snapshot's JSON, refusing other format versions with a clear message; every
    /// error says its line and column (serde_json's, for syntax and shape errors).
    pub fn from_json(text: &str) -> Result<Self, TextError> {
        let at_json = |error: &serde_json::Error| json_position(text, error.line(), error.column());
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| TextError {
            at: at_json(&e),
            message: format!("the snapshot is not valid JSON: {}", json_message(&e)),
        })?;
        // The version is checked first, so that a snapshot of another version is named as such
        // rather than as a shape error; it is reported where `"version"` is written.
        let version_at = || position_in(text, text.find("\"version\"").unwrap_or(0));
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(SNAPSHOT_VERSION) => {}
            Some(v) => {
                return Err(TextError {
                    at: version_at(),
                    message: format!(
                        "the snapshot has format version {v}; this redbridge reads version {SNAPSHOT_VERSION}"
                    ),
                });
            }
            None => {
                return Err(TextError {
                    at: version_at(),
                    message: "the snapshot has no `version` field; is it a redbridge snapshot?".to_owned(),
                });
            }
        }
        // Deserialized from the text, not from `value`, so that a shape error has its place.
        serde_json::from_str(text).map_err(|e| TextError {
            at: at_json(&e),
            message: format!("the snapshot does not have the expected shape: {}", json_message(&e)),
        })
    }

    /// The organization of `account`, unknown when the snapshot has no entry for it.
    pub fn organization(&self, account: AccountId) -> Known<AccountOrganization> {
        self.organizations.get(account.as_str()).cloned().unwrap_or_else(|| {
            Known::unknown("the snapshot has no entry for the account (written before doctor read organizations)")
        })
    }

    /// The role's state, unknown when the snapshot has no entry for it.
    pub fn role(&self, role: &RoleArn) -> Known<RoleState> {
        self.roles.get(&role.to_string()).cloned().unwrap_or_else(|| Known::unknown("not in the snapshot"))
    }
}

/// The cluster or the serverless namespace and workgroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftState {
    /// The region it runs in.
    pub region: Region,
    /// The roles attached, with their state.
    pub attached_roles: Vec<AttachedRole>,
    /// Whether enhanced VPC routing is on (COPY/UNLOAD traffic then goes through the VPC).
    #[serde(default)]
    pub enhanced_vpc_routing: bool,
    /// Serverless only: the workgroup id, which one documented form of the database-user ARN uses.
    #[serde(default)]
    pub workgroup_id: Option<String>,
}

/// A role attached to a cluster or namespace, as Redshift reports it. The one shape of an
/// attachment: the ports return it, apply diffs it and doctor judges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedRole {
    /// The role ARN, exactly as Redshift returned it (foreign roles are never rewritten).
    pub arn: String,
    /// Where the attachment is. Written as `apply_status`; a `null` or missing status (older
    /// snapshots of a serverless namespace, which may report none) reads as `in-sync`.
    #[serde(rename = "apply_status", default, deserialize_with = "status_or_in_sync")]
    pub status: ApplyStatus,
}

/// Where an attachment is (`DescribeClusters` `IamRoles[].ApplyStatus`; the serverless
/// `applyStatus`), written in AWS's spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ApplyStatus {
    /// Usable.
    #[default]
    InSync,
    /// Being attached.
    Adding,
    /// Being detached.
    Removing,
    /// A status this version does not know, verbatim.
    Other(String),
}

impl ApplyStatus {
    /// Parses AWS's spelling (`in-sync`, `adding`, `removing`).
    pub fn parse(input: &str) -> Self {
        match input.trim() {
            "in-sync" => Self::InSync,
            "adding" => Self::Adding,
            "removing" => Self::Removing,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ApplyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InSync => "in-sync",
            Self::Adding => "adding",
            Self::Removing => "removing",
            Self::Other(other) => other,
        })
    }
}

impl Serialize for ApplyStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ApplyStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self::parse(&text))
    }
}

fn status_or_in_sync<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<ApplyStatus, D::Error> {
    Option::<ApplyStatus>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// A role: its trust and everything that limits what its sessions may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleState {
    /// The trust policy.
    pub trust_policy: PolicyDocument,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// Attached managed policies (default versions) by ARN.
    #[serde(default)]
    pub managed_policies: BTreeMap<String, PolicyDocument>,
    /// The permissions boundary, if any.
    #[serde(default)]
    pub permissions_boundary: Option<PolicyDocument>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl RoleState {
    /// Inline and managed policies, in a stable order, with their names.
    pub fn identity_policies(&self) -> Vec<(String, &PolicyDocument)> {
        let inline = self.inline_policies.iter().map(|(name, doc)| (format!("inline policy `{name}`"), doc));
        let managed = self.managed_policies.iter().map(|(arn, doc)| (format!("managed policy `{arn}`"), doc));
        inline.chain(managed).collect()
    }
}

/// The bucket's settings that decide access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketState {
    /// The bucket's region (GetBucketLocation).
    pub region: Region,
    /// The bucket policy, if any.
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
    /// Object ownership: `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`.
    #[serde(default)]
    pub object_ownership: Option<String>,
    /// Default encryption: `AES256`, `aws:kms` or `aws:kms:dsse`.
    #[serde(default)]
    pub default_encryption: Option<String>,
    /// The default encryption key, when `aws:kms`.
    #[serde(default)]
    pub default_kms_key: Option<String>,
}

/// The KMS key's state and policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyState {
    /// The key ARN.
    pub arn: KmsKeyArn,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub key_state: String,
    /// `CUSTOMER` or `AWS` (AWS managed keys cannot be used across accounts).
    pub key_manager: String,
    /// The key policy.
    pub policy: PolicyDocument,
}
