//! In-memory fakes of every port, sharing one world of accounts, for tests and doc examples.
//! This file holds the world and its controls; the port implementations are one file per service.
//!
//! The fakes behave like AWS where redbridge depends on it: policies naming a role that does
//! not exist are rejected as `Invalid principal`, a role created moments ago can stay invisible
//! to policy validation for a few calls (IAM's eventual consistency), attachments go through
//! `adding` before `in-sync`, any call can be made to fail (fault injection) and every n-th call
//! can be throttled. Clusters, namespaces and workgroups may have an owning account, whose
//! Redshift ports alone see them.
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

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use crate::AwsError;
use crate::ports::AwsResult;

mod connect;
mod data;
mod iam;
mod kms;
mod organizations;
mod redshift;
mod s3;
mod secrets_manager;
mod serverless;
mod state;
mod sts;

pub use connect::FakeAssumedRole;
pub use data::{FakeOutcome, FakeStatement};
pub use state::{
    FULL_AWS_ACCESS, FakeBucketSettings, FakeGroup, FakeKey, FakeOrgPolicy, FakeOrganization, FakeRole, FakeSecret,
    FakeState, FakeUser, FakeWorkgroup, RCP_FULL_AWS_ACCESS,
};

use data::SubmittedStatement;

/// One call a port made, as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeCall {
    /// The account of the ports that made it; `None` for the Redshift ports of
    /// [`FakeAws::redshift`] (an account's, [`FakeAws::redshift_of`], record their account).
    pub account: Option<AccountId>,
    /// The operation, as `service:Operation` (`s3:ListObjectsV2`, `iam:GetRole`).
    pub operation: String,
    /// What it was made on: a role name, a bucket, an object key or prefix, a key id, a
    /// cluster, namespace or workgroup name, a statement id.
    pub target: String,
}

/// Everything behind the fakes: the state, and what tests set to shape the calls (faults,
/// eventual consistency, attach delays, latency, denials, scripted statements).
#[derive(Debug, Default)]
struct World {
    state: FakeState,
    calls: u64,
    fail_at: Vec<u64>,
    log: Vec<String>,
    recorded: Vec<FakeCall>,
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
    sessions: connect::Sessions,
    throttle_every: u64,
    throttle_from: u64,
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
        FakeAccount { aws: self.clone(), account, session: connect::SessionIdentity::None }
    }

    /// The Redshift ports (provisioned, serverless, Data API) seeing every cluster, namespace
    /// and workgroup, owned or not; their calls are recorded with no account.
    pub fn redshift(&self) -> FakeRedshift {
        FakeRedshift { aws: self.clone(), owner: None, session: connect::SessionIdentity::None }
    }

    /// The Redshift ports of one account: they see (list, read, change) only the clusters,
    /// namespaces and workgroups `account` owns, and their calls are recorded with `account`.
    pub fn redshift_of(&self, account: AccountId) -> FakeRedshift {
        FakeRedshift { aws: self.clone(), owner: Some(account), session: connect::SessionIdentity::None }
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

    /// Adds (or replaces) a secret named `name` owned by `account` in `region` holding `value` as
    /// its `SecretString`, and returns its ARN: Secrets Manager's form, the name and a six-character
    /// suffix (`arn:aws:secretsmanager:R:A:secret:NAME-AbCdEf`,
    /// <https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources>).
    pub fn seed_secret(&self, account: AccountId, region: &Region, name: &str, value: &str) -> String {
        let mut world = self.lock();
        let existing = world.state.secrets.iter().find(|(_, s)| s.account == account && s.name == name);
        let arn = match existing {
            Some((arn, _)) => arn.clone(),
            None => {
                let n = world.state.secrets.len() + 1;
                format!("arn:aws:secretsmanager:{region}:{account}:secret:{name}-Fake{n:02}")
            }
        };
        let secret = FakeSecret { name: name.to_owned(), account, value: value.to_owned() };
        world.state.secrets.insert(arn.clone(), secret);
        arn
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

    /// Adds a cluster owned by `owner` with these attached roles (in sync) and default role.
    /// Names are unique in the fake world, whatever the owner.
    pub fn seed_owned_cluster(&self, owner: AccountId, cluster: &str, roles: &[&str], default_role: Option<&str>) {
        self.seed_cluster(cluster, roles);
        self.edit(|s| {
            s.cluster_owners.insert(cluster.to_owned(), owner);
            match default_role {
                Some(role) => s.cluster_default_roles.insert(cluster.to_owned(), role.to_owned()),
                None => s.cluster_default_roles.remove(cluster),
            };
        });
    }

    /// Adds a namespace owned by `owner` with these attached roles (in sync) and default role.
    pub fn seed_owned_namespace(&self, owner: AccountId, namespace: &str, roles: &[&str], default_role: Option<&str>) {
        self.seed_namespace(namespace, roles);
        self.edit(|s| {
            s.namespace_owners.insert(namespace.to_owned(), owner);
            match default_role {
                Some(role) => s.namespace_default_roles.insert(namespace.to_owned(), role.to_owned()),
                None => s.namespace_default_roles.remove(namespace),
            };
        });
    }

    /// Adds a workgroup owned by `owner`, of `namespace`, with this id.
    pub fn seed_owned_workgroup(&self, owner: AccountId, workgroup: &str, namespace: &str, id: &str) {
        self.seed_workgroup(workgroup, namespace, id);
        self.edit(|s| {
            s.workgroup_owners.insert(workgroup.to_owned(), owner);
        });
    }

    /// Makes every `n`-th call from now on fail with [`AwsError::Throttled`] (`Rate exceeded`, as
    /// AWS says it); `0` turns throttling off. A retry is a new call.
    pub fn throttle_every(&self, n: u64) {
        let mut world = self.lock();
        world.throttle_every = n;
        world.throttle_from = world.calls;
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

    /// Every call so far with the account whose ports made it (`None` for the Redshift ports of
    /// [`FakeAws::redshift`], which belong to the Redshift account), in order; failed, denied
    /// and throttled calls included.
    pub fn recorded_calls(&self) -> Vec<FakeCall> {
        self.lock().recorded.clone()
    }

    /// Forgets the calls recorded so far (the plain log of [`FakeAws::calls`] included).
    pub fn clear_calls(&self) {
        let mut world = self.lock();
        world.recorded.clear();
        world.log.clear();
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

    /// Lifts every denial [`deny`](Self::deny) made (the grant after an access denied).
    pub fn clear_denials(&self) {
        self.lock().denials.clear();
    }

    /// Adds a bucket in `region` with this policy.
    pub fn seed_bucket(&self, bucket: &str, region: Region, policy: Option<PolicyDocument>) {
        self.edit(|s| {
            s.buckets.insert(bucket.to_owned(), (region, policy));
        });
    }

    /// Adds a bucket owned by `owner` in `region` with this policy.
    pub fn seed_owned_bucket(&self, owner: AccountId, bucket: &str, region: Region, policy: Option<PolicyDocument>) {
        self.edit(|s| {
            s.buckets.insert(bucket.to_owned(), (region, policy));
            s.bucket_owners.insert(bucket.to_owned(), owner);
        });
    }

    /// Puts the world's accounts in this organization (replacing any other).
    pub fn seed_organization(&self, organization: FakeOrganization) {
        self.edit(|s| s.organization = Some(organization));
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
        world.recorded.push(FakeCall { account, operation: operation.to_owned(), target: target.to_owned() });
        if world.fail_at.contains(&number) {
            return Err(AwsError::other(format!("{operation}: injected failure of call {number}")));
        }
        if world.throttle_every > 0 && (number - world.throttle_from).is_multiple_of(world.throttle_every) {
            return Err(AwsError::Throttled { message: "Rate exceeded".to_owned() });
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
    session: connect::SessionIdentity,
}

/// The Redshift ports of the fake world: of one account ([`FakeAws::redshift_of`], or a
/// [`Connect`](crate::ports::Connect)'s), or seeing everything ([`FakeAws::redshift`]).
#[derive(Debug, Clone)]
pub struct FakeRedshift {
    aws: FakeAws,
    owner: Option<AccountId>,
    session: connect::SessionIdentity,
}

impl FakeRedshift {
    /// Counts the call, recorded with the owner; refuses it when the credentials are not the
    /// fake's.
    async fn call(&self, operation: &str, target: &str) -> AwsResult<MutexGuard<'_, World>> {
        let world = self.aws.call_in(self.owner, operation, target).await?;
        if matches!(self.session, connect::SessionIdentity::Unknown) {
            drop(world);
            return Err(AwsError::from_code(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ));
        }
        Ok(world)
    }

    /// Whether these ports see `name`: every one when they belong to no account, else the ones
    /// their account owns (`owners_of` picks the clusters', namespaces' or workgroups' owners).
    fn sees(&self, state: &FakeState, owners_of: fn(&FakeState) -> &BTreeMap<String, AccountId>, name: &str) -> bool {
        self.owner.is_none_or(|owner| owners_of(state).get(name) == Some(&owner))
    }
}

/// Rejects attaching a role that does not exist, as Redshift does, and passing a role when
/// `iam:PassRole` is denied (with IAM's text, as Redshift returns it).
fn check_attachable(world: &World, role: &str) -> AwsResult<()> {
    let account = role.split(':').nth(4).and_then(|a| AccountId::parse(a).ok());
    if world.denials.iter().any(|(a, op)| op == "iam:PassRole" && (a.is_none() || *a == account)) {
        let caller = format!("arn:aws:iam::{}:user/fake", account.map(|a| a.to_string()).unwrap_or_default());
        return Err(AwsError::AccessDenied {
            action: Some("iam:PassRole".to_owned()),
            principal: Some(caller.clone()),
            message: format!(
                "User: {caller} is not authorized to perform: iam:PassRole on resource: {role} because no identity-based policy allows the iam:PassRole action"
            ),
        });
    }
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
