//! In-memory fakes of every port, sharing one world of accounts, for tests and doc examples.
//!
//! The fakes behave like AWS where redbridge depends on it: policies naming a role that does
//! not exist are rejected as `Invalid principal`, a role created moments ago can stay invisible
//! to policy validation for a few calls (IAM's eventual consistency), attachments go through
//! `adding` before `in-sync`, and any call can be made to fail (fault injection).
//!
//! ```
//! use redbridge_aws::fake::FakeAws;
//! use redbridge_aws::ports::Sts;
//! use redbridge_iam::AccountId;
//!
//! let aws = FakeAws::new();
//! let account = AccountId::parse("111111111111").unwrap();
//! let sts = aws.account(account);
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let identity = rt.block_on(sts.caller_identity()).unwrap();
//! assert_eq!(identity.account, account);
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use crate::AwsError;
use crate::ports::{
    AwsResult, CallerIdentity, DataTarget, Iam, KeyInfo, Kms, NewRole, Redshift, RedshiftData, RedshiftServerless,
    RoleInfo, S3, StatementState, Sts,
};

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

#[derive(Debug, Default)]
struct World {
    state: FakeState,
    calls: u64,
    fail_at: Vec<u64>,
    log: Vec<String>,
    invisible_calls: u32,
    invisible: BTreeMap<String, u32>,
    adding_polls: u32,
    pending: BTreeMap<(String, String), u32>,
    statements: u64,
}

/// The fake world: several accounts, one region's Redshift.
#[derive(Debug, Clone, Default)]
pub struct FakeAws {
    world: Arc<Mutex<World>>,
}

impl FakeAws {
    /// An empty world.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock only happens in a failing test; keep going with the data.
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The ports of one account (IAM, STS, KMS and S3 implement on it).
    pub fn account(&self, account: AccountId) -> FakeAccount {
        FakeAccount { aws: self.clone(), account }
    }

    /// The Redshift ports (provisioned, serverless, Data API).
    pub fn redshift(&self) -> FakeRedshift {
        FakeRedshift { aws: self.clone() }
    }

    /// A copy of the whole state.
    pub fn state(&self) -> FakeState {
        self.lock().state.clone()
    }

    /// Changes the state directly (to seed foreign roles, keys, clusters).
    pub fn edit(&self, f: impl FnOnce(&mut FakeState)) {
        f(&mut self.lock().state);
    }

    /// Adds a role with a trust policy and no tags, as someone else would have.
    pub fn seed_role(&self, arn: &RoleArn, trust_policy: PolicyDocument, tags: &[(&str, &str)]) {
        let role = FakeRole {
            arn: arn.clone(),
            trust_policy,
            tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            description: None,
            inline_policies: BTreeMap::new(),
        };
        self.edit(|s| {
            s.roles.insert(arn.to_string(), role);
        });
    }

    /// Adds a customer managed key with this policy.
    pub fn seed_key(&self, key: &KmsKeyArn, policy: PolicyDocument) {
        self.edit(|s| {
            s.keys.insert(key.to_string(), FakeKey { policy, customer_managed: true });
        });
    }

    /// Adds a cluster with these attached roles (in sync).
    pub fn seed_cluster(&self, cluster: &str, roles: &[&str]) {
        let roles = roles.iter().map(|r| AttachedRole { arn: (*r).to_owned(), status: ApplyStatus::InSync }).collect();
        self.edit(|s| {
            s.clusters.insert(cluster.to_owned(), roles);
        });
    }

    /// Adds a namespace with these attached roles (in sync).
    pub fn seed_namespace(&self, namespace: &str, roles: &[&str]) {
        let roles = roles.iter().map(|r| AttachedRole { arn: (*r).to_owned(), status: ApplyStatus::InSync }).collect();
        self.edit(|s| {
            s.namespaces.insert(namespace.to_owned(), roles);
        });
    }

    /// Makes the `n`-th call from now on (1-based, counting every port call) fail.
    pub fn fail_call(&self, n: u64) {
        let mut world = self.lock();
        let at = world.calls + n;
        world.fail_at.push(at);
    }

    /// Every call so far, as `service:Operation target`.
    pub fn calls(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// A newly created role stays invisible to policy validation for this many validations.
    pub fn set_eventual_consistency(&self, validations: u32) {
        self.lock().invisible_calls = validations;
    }

    /// A new attachment reports `adding` for this many reads before `in-sync`.
    pub fn set_attach_delay(&self, reads: u32) {
        self.lock().adding_polls = reads;
    }

    /// Counts a call, fails it when asked to.
    fn call(&self, operation: &str, target: &str) -> AwsResult<MutexGuard<'_, World>> {
        let mut world = self.lock();
        world.calls += 1;
        let number = world.calls;
        world.log.push(format!("{operation} {target}"));
        if world.fail_at.contains(&number) {
            return Err(AwsError::other(format!("{operation}: injected failure of call {number}")));
        }
        Ok(world)
    }
}

impl World {
    /// Rejects a policy naming a role that does not exist or is not visible yet.
    fn validate_principals(&mut self, policy: &PolicyDocument, code: &str) -> AwsResult<()> {
        for statement in &policy.statements {
            let principal = match &statement.principal {
                Some(redbridge_iam::policy::PrincipalBlock::Principal(p) | redbridge_iam::policy::PrincipalBlock::NotPrincipal(p)) => p,
                None => continue,
            };
            for arn in &principal.aws {
                if !arn.contains(":role/") {
                    continue;
                }
                let exists = self.state.roles.contains_key(arn);
                let hidden = match self.invisible.get_mut(arn) {
                    Some(remaining) if *remaining > 0 => {
                        *remaining -= 1;
                        true
                    }
                    _ => false,
                };
                if !exists || hidden {
                    return Err(AwsError::Invalid {
                        code: code.to_owned(),
                        message: format!("Invalid principal in policy: \"AWS\":\"{arn}\""),
                    });
                }
            }
        }
        Ok(())
    }

    fn settle(&mut self, container: &str, roles_of: fn(&mut FakeState) -> &mut BTreeMap<String, Vec<AttachedRole>>) {
        let pending: Vec<(String, String)> = self.pending.keys().filter(|(c, _)| c == container).cloned().collect();
        for key in pending {
            let remaining = self.pending.get_mut(&key).map(|r| {
                *r = r.saturating_sub(1);
                *r
            });
            if remaining == Some(0) {
                self.pending.remove(&key);
                if let Some(roles) = roles_of(&mut self.state).get_mut(container) {
                    for role in roles.iter_mut().filter(|r| r.arn == key.1) {
                        role.status = ApplyStatus::InSync;
                    }
                }
            }
        }
    }
}

/// The ports of one account in the fake world.
#[derive(Debug, Clone)]
pub struct FakeAccount {
    aws: FakeAws,
    account: AccountId,
}

impl FakeAccount {
    fn role_key(&self, world: &World, name: &str) -> Option<String> {
        world.state.roles.iter().find(|(_, r)| r.arn.account() == self.account && r.arn.name() == name).map(|(k, _)| k.clone())
    }

    fn no_role(name: &str) -> AwsError {
        AwsError::not_found(format!("The role with name {name} cannot be found."))
    }

    fn key<'w>(&self, world: &'w mut World, key: &KmsKeyArn) -> AwsResult<&'w mut FakeKey> {
        if key.account() != self.account {
            return Err(AwsError::AccessDenied {
                action: Some("kms:GetKeyPolicy".to_owned()),
                principal: None,
                message: format!("key `{key}` is in another account"),
            });
        }
        world.state.keys.get_mut(&key.to_string()).ok_or_else(|| AwsError::not_found(format!("Key '{key}' does not exist")))
    }
}

impl Iam for FakeAccount {
    async fn get_role(&self, name: &str) -> AwsResult<Option<RoleInfo>> {
        let world = self.aws.call("iam:GetRole", name)?;
        Ok(self.role_key(&world, name).and_then(|k| world.state.roles.get(&k)).map(|r| RoleInfo {
            arn: r.arn.clone(),
            trust_policy: r.trust_policy.clone(),
            tags: r.tags.clone(),
            description: r.description.clone(),
        }))
    }

    async fn create_role(&self, role: &NewRole) -> AwsResult<()> {
        let mut world = self.aws.call("iam:CreateRole", role.arn.name())?;
        if role.arn.account() != self.account {
            return Err(AwsError::Invalid { code: "InvalidInput".into(), message: format!("`{}` is not in this account", role.arn) });
        }
        if self.role_key(&world, role.arn.name()).is_some() {
            return Err(AwsError::Conflict {
                code: "EntityAlreadyExists".into(),
                message: format!("Role with name {} already exists.", role.arn.name()),
            });
        }
        world.validate_principals(&role.trust_policy, "MalformedPolicyDocument")?;
        let arn = role.arn.to_string();
        let invisible = world.invisible_calls;
        world.invisible.insert(arn.clone(), invisible);
        world.state.roles.insert(
            arn,
            FakeRole {
                arn: role.arn.clone(),
                trust_policy: role.trust_policy.clone(),
                tags: role.tags.clone(),
                description: Some(role.description.clone()),
                inline_policies: BTreeMap::new(),
            },
        );
        Ok(())
    }

    async fn update_trust_policy(&self, name: &str, policy: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.aws.call("iam:UpdateAssumeRolePolicy", name)?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        world.validate_principals(policy, "MalformedPolicyDocument")?;
        if let Some(role) = world.state.roles.get_mut(&key) {
            role.trust_policy = policy.clone();
        }
        Ok(())
    }

    async fn tag_role(&self, name: &str, tags: &[(String, String)]) -> AwsResult<()> {
        let mut world = self.aws.call("iam:TagRole", name)?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        if let Some(role) = world.state.roles.get_mut(&key) {
            for (k, v) in tags {
                match role.tags.iter_mut().find(|(existing, _)| existing == k) {
                    Some(tag) => tag.1.clone_from(v),
                    None => role.tags.push((k.clone(), v.clone())),
                }
            }
        }
        Ok(())
    }

    async fn delete_role(&self, name: &str) -> AwsResult<()> {
        let mut world = self.aws.call("iam:DeleteRole", name)?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        if world.state.roles.get(&key).is_some_and(|r| !r.inline_policies.is_empty()) {
            return Err(AwsError::Conflict {
                code: "DeleteConflict".into(),
                message: "Cannot delete entity, must delete policies first.".into(),
            });
        }
        world.state.roles.remove(&key);
        Ok(())
    }

    async fn get_role_policy(&self, role: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.aws.call("iam:GetRolePolicy", role)?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).and_then(|r| r.inline_policies.get(policy)).cloned())
    }

    async fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.aws.call("iam:PutRolePolicy", role)?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        if let Some(found) = world.state.roles.get_mut(&key) {
            found.inline_policies.insert(policy.to_owned(), document.clone());
        }
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy: &str) -> AwsResult<()> {
        let mut world = self.aws.call("iam:DeleteRolePolicy", role)?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        match world.state.roles.get_mut(&key).and_then(|r| r.inline_policies.remove(policy)) {
            Some(_) => Ok(()),
            None => Err(AwsError::not_found(format!("The role policy with name {policy} cannot be found."))),
        }
    }

    async fn list_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let world = self.aws.call("iam:ListRolePolicies", role)?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).map(|r| r.inline_policies.keys().cloned().collect()).unwrap_or_default())
    }
}

impl Sts for FakeAccount {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let _world = self.aws.call("sts:GetCallerIdentity", self.account.as_str())?;
        Ok(CallerIdentity { account: self.account, arn: format!("arn:aws:iam::{}:user/fake", self.account) })
    }
}

impl Kms for FakeAccount {
    async fn get_key_policy(&self, key: &KmsKeyArn) -> AwsResult<PolicyDocument> {
        let mut world = self.aws.call("kms:GetKeyPolicy", key.key_id())?;
        Ok(self.key(&mut world, key)?.policy.clone())
    }

    async fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.aws.call("kms:PutKeyPolicy", key.key_id())?;
        self.key(&mut world, key)?;
        world.validate_principals(policy, "MalformedPolicyDocumentException")?;
        self.key(&mut world, key)?.policy = policy.clone();
        Ok(())
    }

    async fn describe_key(&self, key: &KmsKeyArn) -> AwsResult<KeyInfo> {
        let mut world = self.aws.call("kms:DescribeKey", key.key_id())?;
        let found = self.key(&mut world, key)?;
        Ok(KeyInfo { arn: key.to_string(), enabled: true, customer_managed: found.customer_managed })
    }
}

impl S3 for FakeAccount {
    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let world = self.aws.call("s3:GetBucketLocation", bucket)?;
        world.state.buckets.get(bucket).map(|b| b.0.clone()).ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.aws.call("s3:GetBucketPolicy", bucket)?;
        world.state.buckets.get(bucket).map(|b| b.1.clone()).ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }
}

/// The Redshift ports of the fake world.
#[derive(Debug, Clone)]
pub struct FakeRedshift {
    aws: FakeAws,
}

fn check_attachable(world: &World, role: &str) -> AwsResult<()> {
    if world.state.roles.contains_key(role) {
        Ok(())
    } else {
        Err(AwsError::Invalid {
            code: "InvalidParameterValue".into(),
            message: format!("The IAM role {role} is not valid. The IAM role must delegate access to an Amazon Redshift account."),
        })
    }
}

impl Redshift for FakeRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call("redshift:DescribeClusters", cluster)?;
        let roles = world.state.clusters.get(cluster).cloned().ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        world.settle(cluster, |s| &mut s.clusters);
        Ok(roles)
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.aws.call("redshift:ModifyClusterIamRoles", cluster)?;
        check_attachable(&world, role)?;
        let delay = world.adding_polls;
        let roles = world.state.clusters.get_mut(cluster).ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        if !roles.iter().any(|r| r.arn == role) {
            let status = if delay == 0 { ApplyStatus::InSync } else { ApplyStatus::Adding };
            roles.push(AttachedRole { arn: role.to_owned(), status });
            if delay > 0 {
                world.pending.insert((cluster.to_owned(), role.to_owned()), delay);
            }
        }
        Ok(())
    }

    async fn remove_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.aws.call("redshift:ModifyClusterIamRoles", cluster)?;
        let roles = world.state.clusters.get_mut(cluster).ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        roles.retain(|r| r.arn != role);
        Ok(())
    }
}

impl RedshiftServerless for FakeRedshift {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call("redshift-serverless:GetNamespace", namespace)?;
        let roles = world
            .state
            .namespaces
            .get(namespace)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("namespace {namespace} not found")))?;
        world.settle(namespace, |s| &mut s.namespaces);
        Ok(roles)
    }

    async fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> AwsResult<()> {
        let mut world = self.aws.call("redshift-serverless:UpdateNamespace", namespace)?;
        let current = world
            .state
            .namespaces
            .get(namespace)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("namespace {namespace} not found")))?;
        for role in roles.iter().filter(|r| !current.iter().any(|c| &c.arn == *r)) {
            check_attachable(&world, role)?;
        }
        let delay = world.adding_polls;
        let mut next = Vec::new();
        for role in roles {
            match current.iter().find(|c| &c.arn == role) {
                Some(existing) => next.push(existing.clone()),
                None => {
                    let status = if delay == 0 { ApplyStatus::InSync } else { ApplyStatus::Adding };
                    next.push(AttachedRole { arn: role.clone(), status });
                    if delay > 0 {
                        world.pending.insert((namespace.to_owned(), role.clone()), delay);
                    }
                }
            }
        }
        world.state.namespaces.insert(namespace.to_owned(), next);
        Ok(())
    }
}

impl RedshiftData for FakeRedshift {
    async fn execute_statement(&self, target: &DataTarget, _database: &str, _sql: &str) -> AwsResult<String> {
        let label = match target {
            DataTarget::Cluster { cluster, .. } => cluster.clone(),
            DataTarget::Workgroup { workgroup } => workgroup.clone(),
        };
        let mut world = self.aws.call("redshift-data:ExecuteStatement", &label)?;
        world.statements += 1;
        Ok(format!("fake-statement-{}", world.statements))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        let world = self.aws.call("redshift-data:DescribeStatement", id)?;
        let known = id.strip_prefix("fake-statement-").and_then(|n| n.parse::<u64>().ok()).is_some_and(|n| n <= world.statements);
        if known { Ok(StatementState::Finished { rows: Some(0) }) } else { Err(AwsError::not_found(format!("statement {id}"))) }
    }
}
