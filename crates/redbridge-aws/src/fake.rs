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

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use crate::AwsError;
use crate::ports::{
    AwsResult, CallerIdentity, ClusterInfo, DataTarget, DefaultEncryption, Iam, KeyInfo, Kms, NewRole, Redshift,
    RedshiftData, RedshiftServerless, RoleInfo, S3, StatementDetail, StatementState, Sts, SubStatement, WorkgroupInfo,
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
    /// Buckets by name: object ownership and default encryption.
    pub bucket_settings: BTreeMap<String, FakeBucketSettings>,
    /// Objects by bucket, then key.
    pub objects: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// Managed policies by ARN: their default version.
    pub managed_policies: BTreeMap<String, PolicyDocument>,
    /// Managed policy ARNs attached to each role, by role ARN.
    pub attached_policies: BTreeMap<String, Vec<String>>,
    /// Permissions boundary policy ARN of each role, by role ARN.
    pub boundaries: BTreeMap<String, String>,
    /// Clusters and workgroups with enhanced VPC routing on.
    pub enhanced_vpc_routing: BTreeSet<String>,
    /// Serverless workgroups by name.
    pub workgroups: BTreeMap<String, FakeWorkgroup>,
    /// Key states other than `Enabled`, by key ARN.
    pub key_states: BTreeMap<String, String>,
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

/// How a Data API statement submitted to the fake ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FakeOutcome {
    /// `FINISHED`, returning these rows from the last statement.
    Finished {
        /// The rows of the last (sub-)statement.
        records: Vec<Vec<Option<String>>>,
    },
    /// `FAILED` at the statement of this index (0-based; always 0 for a single statement).
    Failed {
        /// Which sub-statement fails.
        at: usize,
        /// Redshift's error text.
        error: String,
    },
    /// `ABORTED`.
    Aborted,
}

/// A scripted Data API statement: how many polls it stays running, then how it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeStatement {
    /// Polls answered `SUBMITTED`, `PICKED`, then `STARTED` before the outcome.
    pub running_polls: u32,
    /// The end.
    pub outcome: FakeOutcome,
}

#[derive(Debug, Clone)]
struct SubmittedStatement {
    sqls: Vec<String>,
    batch: bool,
    polls: u32,
    script: FakeStatement,
    cancelled: bool,
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
    latency: Duration,
    serial: bool,
    busy: bool,
    denials: Vec<(Option<AccountId>, String)>,
    scripts: VecDeque<FakeStatement>,
    submitted: BTreeMap<String, SubmittedStatement>,
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

    /// Every call waits this long first, like a round trip to AWS (needs a runtime with time).
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// With `true`, calls wait for one another: each waits until no other call is in its
    /// latency, as if every read were made one after another (for comparing with concurrency).
    pub fn set_serial(&self, serial: bool) {
        self.lock().serial = serial;
    }

    /// Denies `operation` (`iam:GetRole`, a service prefix such as `iam:`, or `*`) in `account`
    /// (`None`: every account, including Redshift's ports) with `AccessDenied`.
    pub fn deny(&self, account: Option<AccountId>, operation: &str) {
        self.lock().denials.push((account, operation.to_owned()));
    }

    /// Adds a bucket in `region` with this policy.
    pub fn seed_bucket(&self, bucket: &str, region: Region, policy: Option<PolicyDocument>) {
        self.edit(|s| {
            s.buckets.insert(bucket.to_owned(), (region, policy));
        });
    }

    /// Adds a workgroup of `namespace` with this id.
    pub fn seed_workgroup(&self, workgroup: &str, namespace: &str, id: &str) {
        self.edit(|s| {
            s.workgroups
                .insert(workgroup.to_owned(), FakeWorkgroup { id: id.to_owned(), namespace: namespace.to_owned() });
        });
    }

    /// The next Data API statement (or batch) submitted runs as scripted; unscripted ones
    /// finish at once.
    pub fn script_statement(&self, statement: FakeStatement) {
        self.lock().scripts.push_back(statement);
    }

    /// The SQL of every statement or batch submitted, in order.
    pub fn submitted_sql(&self) -> Vec<Vec<String>> {
        let world = self.lock();
        let mut submitted: Vec<(u64, Vec<String>)> = world
            .submitted
            .iter()
            .filter_map(|(id, s)| id.strip_prefix("fake-statement-")?.parse().ok().map(|n: u64| (n, s.sqls.clone())))
            .collect();
        submitted.sort();
        submitted.into_iter().map(|(_, sqls)| sqls).collect()
    }

    /// Counts a call after the injected latency; fails it when asked to or when denied.
    async fn call_in(
        &self,
        account: Option<AccountId>,
        operation: &str,
        target: &str,
    ) -> AwsResult<MutexGuard<'_, World>> {
        let latency = self.lock().latency;
        if !latency.is_zero() {
            loop {
                {
                    let mut world = self.lock();
                    if !world.serial || !world.busy {
                        world.busy = world.serial;
                        break;
                    }
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            tokio::time::sleep(latency).await;
            self.lock().busy = false;
        }
        let mut world = self.lock();
        world.calls += 1;
        let number = world.calls;
        world.log.push(format!("{operation} {target}"));
        if world.fail_at.contains(&number) {
            return Err(AwsError::other(format!("{operation}: injected failure of call {number}")));
        }
        let denied = world.denials.iter().any(|(denied_account, denied_operation)| {
            let account_matches = denied_account.is_none() || *denied_account == account;
            let operation_matches = denied_operation == "*"
                || denied_operation == operation
                || (denied_operation.ends_with(':') && operation.starts_with(denied_operation.as_str()));
            account_matches && operation_matches
        });
        if denied {
            let caller = account
                .map(|a| format!("arn:aws:iam::{a}:user/fake"))
                .unwrap_or_else(|| "arn:aws:iam::000000000000:user/fake".to_owned());
            return Err(AwsError::AccessDenied {
                action: Some(operation.to_owned()),
                principal: Some(caller.clone()),
                message: format!("User: {caller} is not authorized to perform: {operation} on resource: {target}"),
            });
        }
        Ok(world)
    }
}

impl World {
    /// Rejects a policy naming a role that does not exist or is not visible yet.
    fn validate_principals(&mut self, policy: &PolicyDocument, code: &str) -> AwsResult<()> {
        for statement in &policy.statements {
            let principal = match &statement.principal {
                Some(
                    redbridge_iam::policy::PrincipalBlock::Principal(p)
                    | redbridge_iam::policy::PrincipalBlock::NotPrincipal(p),
                ) => p,
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
        world
            .state
            .roles
            .iter()
            .find(|(_, r)| r.arn.account() == self.account && r.arn.name() == name)
            .map(|(k, _)| k.clone())
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
        world
            .state
            .keys
            .get_mut(&key.to_string())
            .ok_or_else(|| AwsError::not_found(format!("Key '{key}' does not exist")))
    }
}

impl Iam for FakeAccount {
    async fn get_role(&self, name: &str) -> AwsResult<Option<RoleInfo>> {
        let world = self.aws.call_in(Some(self.account), "iam:GetRole", name).await?;
        Ok(self.role_key(&world, name).and_then(|k| world.state.roles.get(&k)).map(|r| RoleInfo {
            arn: r.arn.clone(),
            trust_policy: r.trust_policy.clone(),
            tags: r.tags.clone(),
            description: r.description.clone(),
            permissions_boundary: world.state.boundaries.get(&r.arn.to_string()).cloned(),
        }))
    }

    async fn create_role(&self, role: &NewRole) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "iam:CreateRole", role.arn.name()).await?;
        if role.arn.account() != self.account {
            return Err(AwsError::Invalid {
                code: "InvalidInput".into(),
                message: format!("`{}` is not in this account", role.arn),
            });
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
        let mut world = self.aws.call_in(Some(self.account), "iam:UpdateAssumeRolePolicy", name).await?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        world.validate_principals(policy, "MalformedPolicyDocument")?;
        if let Some(role) = world.state.roles.get_mut(&key) {
            role.trust_policy = policy.clone();
        }
        Ok(())
    }

    async fn tag_role(&self, name: &str, tags: &[(String, String)]) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "iam:TagRole", name).await?;
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
        let mut world = self.aws.call_in(Some(self.account), "iam:DeleteRole", name).await?;
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
        let world = self.aws.call_in(Some(self.account), "iam:GetRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).and_then(|r| r.inline_policies.get(policy)).cloned())
    }

    async fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "iam:PutRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        if let Some(found) = world.state.roles.get_mut(&key) {
            found.inline_policies.insert(policy.to_owned(), document.clone());
        }
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "iam:DeleteRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        match world.state.roles.get_mut(&key).and_then(|r| r.inline_policies.remove(policy)) {
            Some(_) => Ok(()),
            None => Err(AwsError::not_found(format!("The role policy with name {policy} cannot be found."))),
        }
    }

    async fn list_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let world = self.aws.call_in(Some(self.account), "iam:ListRolePolicies", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).map(|r| r.inline_policies.keys().cloned().collect()).unwrap_or_default())
    }

    async fn list_attached_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let world = self.aws.call_in(Some(self.account), "iam:ListAttachedRolePolicies", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.attached_policies.get(&key).cloned().unwrap_or_default())
    }

    async fn managed_policy_default_version(&self, policy_arn: &str) -> AwsResult<Option<String>> {
        let world = self.aws.call_in(Some(self.account), "iam:GetPolicy", policy_arn).await?;
        Ok(world.state.managed_policies.contains_key(policy_arn).then(|| "v1".to_owned()))
    }

    async fn managed_policy_version(&self, policy_arn: &str, version: &str) -> AwsResult<PolicyDocument> {
        let world = self.aws.call_in(Some(self.account), "iam:GetPolicyVersion", policy_arn).await?;
        match (version, world.state.managed_policies.get(policy_arn)) {
            ("v1", Some(document)) => Ok(document.clone()),
            _ => Err(AwsError::not_found(format!(
                "Policy {policy_arn} version {version} does not exist or is not attachable."
            ))),
        }
    }
}

impl Sts for FakeAccount {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let _world = self.aws.call_in(Some(self.account), "sts:GetCallerIdentity", self.account.as_str()).await?;
        Ok(CallerIdentity { account: self.account, arn: format!("arn:aws:iam::{}:user/fake", self.account) })
    }
}

impl Kms for FakeAccount {
    async fn get_key_policy(&self, key: &KmsKeyArn) -> AwsResult<PolicyDocument> {
        let mut world = self.aws.call_in(Some(self.account), "kms:GetKeyPolicy", key.key_id()).await?;
        Ok(self.key(&mut world, key)?.policy.clone())
    }

    async fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "kms:PutKeyPolicy", key.key_id()).await?;
        self.key(&mut world, key)?;
        world.validate_principals(policy, "MalformedPolicyDocumentException")?;
        self.key(&mut world, key)?.policy = policy.clone();
        Ok(())
    }

    async fn describe_key(&self, key: &KmsKeyArn) -> AwsResult<KeyInfo> {
        let mut world = self.aws.call_in(Some(self.account), "kms:DescribeKey", key.key_id()).await?;
        let found = self.key(&mut world, key)?;
        let customer_managed = found.customer_managed;
        let state = world.state.key_states.get(&key.to_string()).cloned().unwrap_or_else(|| "Enabled".to_owned());
        Ok(KeyInfo { arn: key.to_string(), enabled: state == "Enabled", customer_managed, state })
    }
}

impl S3 for FakeAccount {
    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketLocation", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.0.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketPolicy", bucket).await?;
        world
            .state
            .buckets
            .get(bucket)
            .map(|b| b.1.clone())
            .ok_or_else(|| AwsError::not_found("The specified bucket does not exist"))
    }

    async fn object_ownership(&self, bucket: &str) -> AwsResult<Option<String>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketOwnershipControls", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.object_ownership.clone()))
    }

    async fn default_encryption(&self, bucket: &str) -> AwsResult<Option<DefaultEncryption>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetBucketEncryption", bucket).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world.state.bucket_settings.get(bucket).and_then(|b| b.default_encryption.clone()))
    }

    async fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "s3:PutObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world.state.objects.entry(bucket.to_owned()).or_default().insert(key.to_owned(), body);
        Ok(())
    }

    async fn get_object(&self, bucket: &str, key: &str) -> AwsResult<Vec<u8>> {
        let world = self.aws.call_in(Some(self.account), "s3:GetObject", key).await?;
        no_such_bucket(&world, bucket)?;
        world
            .state
            .objects
            .get(bucket)
            .and_then(|objects| objects.get(key))
            .cloned()
            .ok_or_else(|| AwsError::not_found("The specified key does not exist."))
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> AwsResult<Vec<String>> {
        let world = self.aws.call_in(Some(self.account), "s3:ListObjectsV2", prefix).await?;
        no_such_bucket(&world, bucket)?;
        Ok(world
            .state
            .objects
            .get(bucket)
            .map(|objects| objects.keys().filter(|k| k.starts_with(prefix)).cloned().collect())
            .unwrap_or_default())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(Some(self.account), "s3:DeleteObject", key).await?;
        no_such_bucket(&world, bucket)?;
        if let Some(objects) = world.state.objects.get_mut(bucket) {
            objects.remove(key);
            if objects.is_empty() {
                world.state.objects.remove(bucket);
            }
        }
        Ok(())
    }
}

fn no_such_bucket(world: &World, bucket: &str) -> AwsResult<()> {
    if world.state.buckets.contains_key(bucket) {
        Ok(())
    } else {
        Err(AwsError::not_found("The specified bucket does not exist"))
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
            message: format!(
                "The IAM role {role} is not valid. The IAM role must delegate access to an Amazon Redshift account."
            ),
        })
    }
}

impl Redshift for FakeRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call_in(None, "redshift:DescribeClusters", cluster).await?;
        let roles = world
            .state
            .clusters
            .get(cluster)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        world.settle(cluster, |s| &mut s.clusters);
        Ok(roles)
    }

    async fn describe_cluster(&self, cluster: &str) -> AwsResult<ClusterInfo> {
        let mut world = self.aws.call_in(None, "redshift:DescribeClusters", cluster).await?;
        let roles = world
            .state
            .clusters
            .get(cluster)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        world.settle(cluster, |s| &mut s.clusters);
        Ok(ClusterInfo { roles, enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(cluster) })
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(None, "redshift:ModifyClusterIamRoles", cluster).await?;
        check_attachable(&world, role)?;
        let delay = world.adding_polls;
        let roles = world
            .state
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
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
        let mut world = self.aws.call_in(None, "redshift:ModifyClusterIamRoles", cluster).await?;
        let roles = world
            .state
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        roles.retain(|r| r.arn != role);
        Ok(())
    }
}

impl RedshiftServerless for FakeRedshift {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call_in(None, "redshift-serverless:GetNamespace", namespace).await?;
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
        let mut world = self.aws.call_in(None, "redshift-serverless:UpdateNamespace", namespace).await?;
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

    async fn workgroup(&self, workgroup: &str) -> AwsResult<WorkgroupInfo> {
        let world = self.aws.call_in(None, "redshift-serverless:GetWorkgroup", workgroup).await?;
        let found = world
            .state
            .workgroups
            .get(workgroup)
            .ok_or_else(|| AwsError::not_found(format!("Workgroup {workgroup} not found.")))?;
        Ok(WorkgroupInfo {
            workgroup_id: Some(found.id.clone()),
            namespace: Some(found.namespace.clone()),
            enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(workgroup),
        })
    }
}

impl FakeRedshift {
    /// Records a statement or batch; an UNLOAD writes one object at its `TO` location.
    fn submit(world: &mut World, sqls: Vec<String>, batch: bool) -> String {
        world.statements += 1;
        let id = format!("fake-statement-{}", world.statements);
        let script = world
            .scripts
            .pop_front()
            .unwrap_or(FakeStatement { running_polls: 0, outcome: FakeOutcome::Finished { records: Vec::new() } });
        let runs = match &script.outcome {
            FakeOutcome::Finished { .. } => sqls.len(),
            FakeOutcome::Failed { at, .. } => *at,
            FakeOutcome::Aborted => 0,
        };
        for sql in sqls.iter().take(runs) {
            if let Some((bucket, key)) = unload_location(sql) {
                let body = format!("written by {id}\n").into_bytes();
                world.state.objects.entry(bucket).or_default().insert(format!("{key}0000_part_00"), body);
            }
        }
        world.submitted.insert(id.clone(), SubmittedStatement { sqls, batch, polls: 0, script, cancelled: false });
        id
    }

    fn detail(world: &mut World, id: &str) -> AwsResult<StatementDetail> {
        let submitted =
            world.submitted.get_mut(id).ok_or_else(|| AwsError::not_found(format!("Query does not exist: {id}")))?;
        submitted.polls += 1;
        let running = !submitted.cancelled && submitted.polls <= submitted.script.running_polls;
        let (status, state) = if submitted.cancelled {
            ("ABORTED", StatementState::Aborted)
        } else if running {
            let status = match submitted.polls {
                1 => "SUBMITTED",
                2 => "PICKED",
                _ => "STARTED",
            };
            (status, StatementState::Running)
        } else {
            match &submitted.script.outcome {
                FakeOutcome::Finished { records } => {
                    ("FINISHED", StatementState::Finished { rows: Some(records.len() as i64) })
                }
                FakeOutcome::Failed { error, .. } => ("FAILED", StatementState::Failed { error: error.clone() }),
                FakeOutcome::Aborted => ("ABORTED", StatementState::Aborted),
            }
        };
        let last = submitted.sqls.len().saturating_sub(1);
        let has_rows = |index: usize| {
            index == last && submitted.sqls[index].trim_start().to_ascii_uppercase().starts_with("SELECT")
        };
        let sub_statements = if submitted.batch {
            submitted
                .sqls
                .iter()
                .enumerate()
                .map(|(index, _)| {
                    let (status, error) = match (&state, &submitted.script.outcome) {
                        (StatementState::Running, _) => (status.to_owned(), None),
                        (StatementState::Failed { error }, FakeOutcome::Failed { at, .. }) => match index.cmp(at) {
                            std::cmp::Ordering::Less => ("FINISHED".to_owned(), None),
                            std::cmp::Ordering::Equal => ("FAILED".to_owned(), Some(error.clone())),
                            std::cmp::Ordering::Greater => ("ABORTED".to_owned(), None),
                        },
                        (StatementState::Finished { .. }, _) => ("FINISHED".to_owned(), None),
                        _ => ("ABORTED".to_owned(), None),
                    };
                    SubStatement {
                        id: format!("{id}:{}", index + 1),
                        status,
                        error,
                        result_rows: None,
                        has_result_set: has_rows(index),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let has_result_set = matches!(state, StatementState::Finished { .. }) && !submitted.batch && has_rows(0);
        Ok(StatementDetail { status: status.to_owned(), state, has_result_set, sub_statements })
    }
}

/// The bucket and key an `UNLOAD (…) TO 's3://bucket/key'` writes to.
fn unload_location(sql: &str) -> Option<(String, String)> {
    if !sql.trim_start().to_ascii_uppercase().starts_with("UNLOAD") {
        return None;
    }
    let start = sql.find("'s3://")? + "'s3://".len();
    let rest = &sql[start..];
    let end = rest.find('\'')?;
    let (bucket, key) = rest[..end].split_once('/').unwrap_or((&rest[..end], ""));
    Some((bucket.to_owned(), key.to_owned()))
}

impl RedshiftData for FakeRedshift {
    async fn execute_statement(&self, target: &DataTarget, _database: &str, sql: &str) -> AwsResult<String> {
        let mut world = self.aws.call_in(None, "redshift-data:ExecuteStatement", target.name()).await?;
        Ok(Self::submit(&mut world, vec![sql.to_owned()], false))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        let mut world = self.aws.call_in(None, "redshift-data:DescribeStatement", id).await?;
        Ok(Self::detail(&mut world, id)?.state)
    }

    async fn batch_execute_statement(
        &self,
        target: &DataTarget,
        _database: &str,
        sqls: &[String],
    ) -> AwsResult<String> {
        let mut world = self.aws.call_in(None, "redshift-data:BatchExecuteStatement", target.name()).await?;
        if sqls.is_empty() {
            return Err(AwsError::Invalid {
                code: "ValidationException".into(),
                message: "Sqls must not be empty".into(),
            });
        }
        Ok(Self::submit(&mut world, sqls.to_vec(), true))
    }

    async fn statement_detail(&self, id: &str) -> AwsResult<StatementDetail> {
        let mut world = self.aws.call_in(None, "redshift-data:DescribeStatement", id).await?;
        Self::detail(&mut world, id)
    }

    async fn get_statement_result(&self, id: &str) -> AwsResult<Vec<Vec<Option<String>>>> {
        let world = self.aws.call_in(None, "redshift-data:GetStatementResult", id).await?;
        let base = id.split(':').next().unwrap_or(id);
        match world.submitted.get(base).map(|s| &s.script.outcome) {
            Some(FakeOutcome::Finished { records }) => Ok(records.clone()),
            Some(_) => Err(AwsError::Invalid {
                code: "ValidationException".into(),
                message: "Query does not have result. Please check query status with DescribeStatement.".into(),
            }),
            None => Err(AwsError::not_found(format!("Query does not exist: {id}"))),
        }
    }

    async fn cancel_statement(&self, id: &str) -> AwsResult<bool> {
        let mut world = self.aws.call_in(None, "redshift-data:CancelStatement", id).await?;
        let submitted =
            world.submitted.get_mut(id).ok_or_else(|| AwsError::not_found(format!("Query does not exist: {id}")))?;
        let running = !submitted.cancelled && submitted.polls < submitted.script.running_polls;
        if running {
            submitted.cancelled = true;
        }
        Ok(running)
    }
}
