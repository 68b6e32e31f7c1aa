//! The fake world's state: roles, users, groups, keys, clusters, namespaces, buckets and objects,
//! as plain data tests seed and compare.

use std::collections::{BTreeMap, BTreeSet};

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::ports::{DefaultEncryption, ObjectEncryption};

/// A role in the fake world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeRole {
    /// Its ARN.
    pub arn: RoleArn,
    /// Its trust policy.
    pub trust_policy: PolicyDocument,
    /// Its tags.
    pub tags: Vec<(String, String)>,
    /// Its description.
    pub description: Option<String>,
    /// Its inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
}

/// A user in the fake world (the fake's callers are users named `fake`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Its ARN (`arn:aws:iam::ACCOUNT:user/PATH/NAME`).
    pub arn: String,
    /// Its inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// The names of the groups it belongs to.
    pub groups: Vec<String>,
}

/// A group in the fake world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeGroup {
    /// Its ARN (`arn:aws:iam::ACCOUNT:group/PATH/NAME`).
    pub arn: String,
    /// Its inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
}

/// A KMS key in the fake world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeKey {
    /// Its policy.
    pub policy: PolicyDocument,
    /// Whether the customer manages it.
    pub customer_managed: bool,
}

/// Everything the fake world holds; compare two snapshots with `==`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeState {
    /// Roles by ARN.
    pub roles: BTreeMap<String, FakeRole>,
    /// Keys by ARN.
    pub keys: BTreeMap<String, FakeKey>,
    /// Provisioned clusters by identifier: attached roles.
    pub clusters: BTreeMap<String, Vec<AttachedRole>>,
    /// Serverless namespaces by name: attached roles.
    pub namespaces: BTreeMap<String, Vec<AttachedRole>>,
    /// Buckets by name: region and policy.
    pub buckets: BTreeMap<String, (Region, Option<PolicyDocument>)>,
    /// Buckets by name: object ownership and default encryption.
    pub bucket_settings: BTreeMap<String, FakeBucketSettings>,
    /// Objects by bucket, then key.
    pub objects: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// Managed policies by ARN: their default version.
    pub managed_policies: BTreeMap<String, PolicyDocument>,
    /// Managed policy ARNs attached to each role, user and group, by its ARN.
    pub attached_policies: BTreeMap<String, Vec<String>>,
    /// Permissions boundary policy ARN of each role and user, by its ARN.
    pub boundaries: BTreeMap<String, String>,
    /// Clusters and workgroups with enhanced VPC routing on.
    pub enhanced_vpc_routing: BTreeSet<String>,
    /// Serverless workgroups by name.
    pub workgroups: BTreeMap<String, FakeWorkgroup>,
    /// Key states other than `Enabled`, by key ARN.
    pub key_states: BTreeMap<String, String>,
    /// The account owning each bucket, by bucket name (a bucket without one is listed by no
    /// account's `ListBuckets`).
    pub bucket_owners: BTreeMap<String, AccountId>,
    /// The server-side encryption objects were written with, by bucket and key (absent: the
    /// bucket default).
    pub object_encryption: BTreeMap<(String, String), ObjectEncryption>,
    /// Users by ARN.
    pub users: BTreeMap<String, FakeUser>,
    /// Groups by ARN.
    pub groups: BTreeMap<String, FakeGroup>,
}

/// A bucket's ownership and encryption settings in the fake world.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeBucketSettings {
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`, or `None` (no controls).
    pub object_ownership: Option<String>,
    /// The default encryption, if any.
    pub default_encryption: Option<DefaultEncryption>,
}

/// A serverless workgroup in the fake world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeWorkgroup {
    /// Its id.
    pub id: String,
    /// Its namespace.
    pub namespace: String,
}

impl FakeState {
    /// The same state with every attachment settled (`in-sync`), for comparing end states.
    pub fn settled(&self) -> Self {
        let mut state = self.clone();
        for roles in state.clusters.values_mut().chain(state.namespaces.values_mut()) {
            for role in roles.iter_mut() {
                role.status = ApplyStatus::InSync;
            }
        }
        state
    }
}
