//! The fake world's state: roles, users, groups, keys, clusters, namespaces, buckets and objects,
//! as plain data tests seed and compare.

use std::collections::{BTreeMap, BTreeSet};

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::ports::{DefaultEncryption, ObjectEncryption, OrgPolicyType};

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
    /// The organization, if any (accounts outside it are in no organization).
    pub organization: Option<FakeOrganization>,
    /// The account owning each cluster, by identifier (a cluster without one is seen only by
    /// [`FakeAws::redshift`](super::FakeAws::redshift), which sees everything).
    pub cluster_owners: BTreeMap<String, AccountId>,
    /// The account owning each namespace, by name.
    pub namespace_owners: BTreeMap<String, AccountId>,
    /// The account owning each workgroup, by name.
    pub workgroup_owners: BTreeMap<String, AccountId>,
    /// The default IAM role of each cluster that has one, by identifier.
    pub cluster_default_roles: BTreeMap<String, String>,
    /// The default IAM role of each namespace that has one, by name.
    pub namespace_default_roles: BTreeMap<String, String>,
    /// Secrets Manager secrets by ARN.
    pub secrets: BTreeMap<String, FakeSecret>,
}

/// A Secrets Manager secret in the fake world. `Debug` leaves its value out.
#[derive(Clone, PartialEq, Eq)]
pub struct FakeSecret {
    /// Its name.
    pub name: String,
    /// The account owning it.
    pub account: AccountId,
    /// Its `SecretString`.
    pub value: String,
}

impl std::fmt::Debug for FakeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSecret").field("name", &self.name).field("account", &self.account).finish_non_exhaustive()
    }
}

/// An organization in the fake world: its root, units, accounts, policies and attachments.
/// [`FakeOrganization::new`] attaches the full-access defaults (`FullAWSAccess`,
/// `RCPFullAWSAccess`) to the root, and [`FakeOrganization::add_unit`] and
/// [`FakeOrganization::add_account`] to each unit and account, as AWS does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOrganization {
    /// Its id (`o-…`).
    pub id: String,
    /// Its management account (placed under the root).
    pub management_account: AccountId,
    /// The root's id (`r-…`).
    pub root_id: String,
    /// Member accounts that may read the organization like the management account.
    pub delegated_administrators: BTreeSet<AccountId>,
    /// Organizational units by id: their parent's id (the root or a unit).
    pub units: BTreeMap<String, String>,
    /// Accounts: their parent's id.
    pub accounts: BTreeMap<AccountId, String>,
    /// Policies by id.
    pub policies: BTreeMap<String, FakeOrgPolicy>,
    /// Policy ids attached to each target (root, unit or account id), in attachment order.
    pub attachments: BTreeMap<String, Vec<String>>,
    /// Account names, by account (`ListAccounts` names an account without one `account-<id>`).
    pub names: BTreeMap<AccountId, String>,
    /// Account states other than `ACTIVE` (`SUSPENDED`, `PENDING_CLOSURE`), by account.
    pub states: BTreeMap<AccountId, String>,
}

/// An SCP or RCP in the fake organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOrgPolicy {
    /// Its name.
    pub name: String,
    /// Its type.
    pub policy_type: OrgPolicyType,
    /// Its content.
    pub document: PolicyDocument,
}

/// The id of the AWS managed SCP attached everywhere by default.
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// The id of the AWS managed RCP attached everywhere by default.
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

impl FakeOrganization {
    /// An organization with only its management account, under a root with the defaults attached.
    pub fn new(id: &str, management_account: AccountId) -> Self {
        let full = |json: &str| PolicyDocument::from_json(json).expect("the full-access policies parse");
        let mut organization = Self {
            id: id.to_owned(),
            management_account,
            root_id: "r-fake".to_owned(),
            delegated_administrators: BTreeSet::new(),
            units: BTreeMap::new(),
            accounts: BTreeMap::new(),
            policies: BTreeMap::new(),
            attachments: BTreeMap::new(),
            names: BTreeMap::new(),
            states: BTreeMap::new(),
        };
        organization.policies.insert(
            FULL_AWS_ACCESS.to_owned(),
            FakeOrgPolicy {
                name: "FullAWSAccess".to_owned(),
                policy_type: OrgPolicyType::ServiceControlPolicy,
                document: full(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                ),
            },
        );
        organization.policies.insert(
            RCP_FULL_AWS_ACCESS.to_owned(),
            FakeOrgPolicy {
                name: "RCPFullAWSAccess".to_owned(),
                policy_type: OrgPolicyType::ResourceControlPolicy,
                document: full(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                ),
            },
        );
        let root = organization.root_id.clone();
        organization.attach_defaults(&root);
        organization.add_account(management_account, &root);
        organization
    }

    fn attach_defaults(&mut self, target: &str) {
        self.attachments.insert(target.to_owned(), vec![FULL_AWS_ACCESS.to_owned(), RCP_FULL_AWS_ACCESS.to_owned()]);
    }

    /// Adds an organizational unit under `parent` (the root's or a unit's id).
    pub fn add_unit(&mut self, unit_id: &str, parent: &str) -> &mut Self {
        self.units.insert(unit_id.to_owned(), parent.to_owned());
        self.attach_defaults(unit_id);
        self
    }

    /// Places an account under `parent` (the root's or a unit's id).
    pub fn add_account(&mut self, account: AccountId, parent: &str) -> &mut Self {
        self.accounts.insert(account, parent.to_owned());
        self.attach_defaults(account.as_str());
        self
    }

    /// Adds a policy and attaches it to `target` (the root's, a unit's or an account's id).
    pub fn attach_policy(
        &mut self,
        policy_id: &str,
        name: &str,
        policy_type: OrgPolicyType,
        document: PolicyDocument,
        target: &str,
    ) -> &mut Self {
        self.policies.insert(policy_id.to_owned(), FakeOrgPolicy { name: name.to_owned(), policy_type, document });
        self.attachments.entry(target.to_owned()).or_default().push(policy_id.to_owned());
        self
    }

    /// Names an account (as `ListAccounts` lists it).
    pub fn name_account(&mut self, account: AccountId, name: &str) -> &mut Self {
        self.names.insert(account, name.to_owned());
        self
    }

    /// The account's name as `ListAccounts` lists it.
    pub fn account_name(&self, account: AccountId) -> String {
        self.names.get(&account).cloned().unwrap_or_else(|| format!("account-{account}"))
    }

    /// Whether `account` may read the tree and the policies.
    pub fn may_read(&self, account: AccountId) -> bool {
        account == self.management_account || self.delegated_administrators.contains(&account)
    }
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
