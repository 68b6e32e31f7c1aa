//! The audit's reader: enters every account (its own profile, or a role assumed by name), lists
//! each Redshift account's clusters and workgroups region by region, and follows the roles'
//! grants hop by hop (as [`redbridge_core::audit::reach`] finds them) into the roles, buckets
//! and keys the chains reach, filling an [`AuditWorld`] for [`redbridge_core::audit::audit`].
//!
//! Scale: every independent read runs at once up to [`AuditSettings::concurrency`]; a throttled
//! call is retried with jittered backoff (the snapshot reader's); no bucket is ever listed (only
//! accounts' bucket names, for ownership), so memory does not grow with the objects in buckets.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use futures_util::StreamExt as _;
use futures_util::stream;
use redbridge_core::audit::{AccountRead, AuditWorld, BucketRead, NotRead, RedshiftTarget, TargetKind, reach};
use redbridge_core::chain::MAX_ROLES;
use redbridge_core::doctor::{AttachedRole, Known, RoleState};
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use crate::ports::{Connect, Credentials, Iam, Organizations, Redshift, RedshiftServerless, S3, Sts};
use crate::snapshot_reader::organization::read_own;
use crate::snapshot_reader::{Tally, read_bucket, read_key, read_role_counted, reason};

/// The session name the audit's role sessions carry, so CloudTrail shows who read.
pub const AUDIT_SESSION_NAME: &str = "redbridge-audit";

/// An account entered with its own credentials (a profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The account, as `GetCallerIdentity` said.
    pub account: AccountId,
    /// How, in words (`profile analytics`).
    pub how: String,
    /// Whether its clusters and workgroups are audited (a `--profile-for` account is only passed
    /// through).
    pub redshift: bool,
}

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// The regions whose clusters and workgroups are listed.
    pub regions: Vec<Region>,
    /// Accounts entered with their own credentials; the first one also lists the organization
    /// and assumes roles into the others.
    pub entries: Vec<AuditEntry>,
    /// `--org`: audit every active account of the organization the first entry lists.
    pub organization: bool,
    /// The role name assumed to enter accounts without credentials of their own (every account
    /// of the organization, and the accounts chains pass through).
    pub assume_role_name: Option<String>,
    /// The most reads in flight at once.
    pub concurrency: usize,
}

/// How far the read is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditProgress {
    /// `accounts`, `roles`, `buckets` or `keys`.
    pub phase: &'static str,
    /// Items done in this phase.
    pub done: usize,
    /// Items known in this phase so far.
    pub total: usize,
}

/// What the read produced, and what it cost.
#[derive(Debug, Clone)]
pub struct AuditRead {
    /// Everything read.
    pub world: AuditWorld,
    /// AWS calls made.
    pub calls: u32,
    /// Throttled calls retried.
    pub retries: u32,
}

/// One entered account's credentials, and whether its Redshift is audited.
struct Entered {
    credentials: Credentials,
    redshift: bool,
}

struct Reader<'a, C: Connect> {
    connect: &'a C,
    settings: &'a AuditSettings,
    tally: Tally,
    progress: &'a (dyn Fn(AuditProgress) + Send + Sync),
    entered: Mutex<BTreeMap<AccountId, Entered>>,
    world: Mutex<AuditWorld>,
}

/// Reads every account `settings` names through `connect`, reporting progress as it goes.
pub async fn read_world<C: Connect>(
    connect: &C,
    settings: &AuditSettings,
    progress: &(dyn Fn(AuditProgress) + Send + Sync),
) -> AuditRead {
    let reader = Reader {
        connect,
        settings,
        tally: Tally::default(),
        progress,
        entered: Mutex::new(BTreeMap::new()),
        world: Mutex::new(AuditWorld::default()),
    };
    reader.run().await;
    let Reader { tally, world, .. } = reader;
    AuditRead {
        world: world.into_inner().unwrap_or_else(|p| p.into_inner()),
        calls: tally.calls.load(Ordering::Relaxed),
        retries: tally.retries.load(Ordering::Relaxed),
    }
}

impl<C: Connect> Reader<'_, C> {
    fn concurrency(&self) -> usize {
        self.settings.concurrency.max(1)
    }

    fn world(&self) -> std::sync::MutexGuard<'_, AuditWorld> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn entered(&self) -> std::sync::MutexGuard<'_, BTreeMap<AccountId, Entered>> {
        self.entered.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn credentials(&self, account: AccountId) -> Option<Credentials> {
        self.entered().get(&account).map(|e| e.credentials.clone())
    }

    fn base(&self) -> Option<Credentials> {
        self.settings.entries.first().map(|e| Credentials::Account(e.account))
    }

    fn not_read(&self, account: Option<AccountId>, what: impl Into<String>, why: impl Into<String>) {
        self.world().not_read.push(NotRead { account, what: what.into(), reason: why.into() });
    }

    async fn run(&self) {
        for entry in &self.settings.entries {
            self.entered().insert(
                entry.account,
                Entered { credentials: Credentials::Account(entry.account), redshift: entry.redshift },
            );
            self.world().accounts.insert(entry.account, AccountRead::entered(entry.how.clone()));
        }
        if self.settings.organization {
            self.enter_organization().await;
        }
        let accounts: Vec<AccountId> = self.entered().keys().copied().collect();
        self.read_accounts(&accounts).await;
        self.follow_roles().await;
        self.read_buckets().await;
        self.read_keys().await;
    }

    /// Lists the organization with the first entry's credentials and enters every other active
    /// account by assuming the role name.
    async fn enter_organization(&self) {
        let Some(base) = self.base() else { return };
        let organizations = self.connect.organizations(&base);
        let listed = self.tally.call(|| organizations.list_accounts()).await;
        let accounts = match listed {
            Ok(accounts) => accounts,
            Err(error) => {
                self.not_read(None, "the organization's accounts", reason("the organization's accounts", &error));
                return;
            }
        };
        let names: BTreeMap<AccountId, String> = accounts.iter().map(|a| (a.id, a.name.clone())).collect();
        let todo: Vec<AccountId> = accounts
            .iter()
            .filter(|a| a.status.eq_ignore_ascii_case("ACTIVE"))
            .map(|a| a.id)
            .filter(|id| !self.entered().contains_key(id))
            .collect();
        self.enter_all(&todo, true).await;
        let mut world = self.world();
        for (id, name) in names {
            if let Some(read) = world.accounts.get_mut(&id) {
                read.name = Some(name);
            }
        }
    }

    /// Enters `accounts` by assuming the role name from the first entry, at once.
    async fn enter_all(&self, accounts: &[AccountId], redshift: bool) {
        let total = accounts.len();
        let done = &std::sync::atomic::AtomicUsize::new(0);
        stream::iter(accounts.iter().copied())
            .map(|account| async move {
                let read = self.enter(account, redshift).await;
                self.world().accounts.insert(account, read);
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                (self.progress)(AuditProgress { phase: "accounts", done, total });
            })
            .buffer_unordered(self.concurrency())
            .collect::<Vec<()>>()
            .await;
    }

    async fn enter(&self, account: AccountId, redshift: bool) -> AccountRead {
        let (Some(base), Some(name)) = (self.base(), self.settings.assume_role_name.as_deref()) else {
            return AccountRead::not_entered(format!(
                "no credentials for account {account}: give `--profile-for {account}=PROFILE` or `--assume-role-name`"
            ));
        };
        let partition = self.settings.regions.first().map_or(redbridge_iam::Partition::Aws, Region::partition);
        let role = match RoleArn::parse(&format!("arn:{partition}:iam::{account}:role/{name}")) {
            Ok(role) => role,
            Err(error) => return AccountRead::not_entered(format!("`{name}` is not a usable role name: {error}")),
        };
        let sts = self.connect.sts(&base);
        match self.tally.call(|| sts.assume_role(&role, AUDIT_SESSION_NAME, None)).await {
            Ok(session) => {
                self.entered().insert(account, Entered { credentials: Credentials::from(&session), redshift });
                AccountRead::entered(format!("role {role}"))
            }
            Err(error) => AccountRead::not_entered(reason(&format!("account {account} through `{role}`"), &error)),
        }
    }

    /// Per account at once: its bucket names, its organization, and (for a Redshift account)
    /// its clusters and workgroups in every region.
    async fn read_accounts(&self, accounts: &[AccountId]) {
        let total = accounts.len();
        let done = &std::sync::atomic::AtomicUsize::new(0);
        stream::iter(accounts.iter().copied())
            .map(|account| async move {
                self.read_account(account).await;
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                (self.progress)(AuditProgress { phase: "accounts", done, total });
            })
            .buffer_unordered(self.concurrency())
            .collect::<Vec<()>>()
            .await;
    }

    async fn read_account(&self, account: AccountId) {
        let Some((credentials, redshift)) = self.entered().get(&account).map(|e| (e.credentials.clone(), e.redshift))
        else {
            return;
        };
        let region = self.connect.default_region();
        let s3 = self.connect.s3(&credentials, &region);
        let buckets = async {
            match self.tally.call(|| s3.list_buckets()).await {
                Ok(names) => {
                    let mut world = self.world();
                    for name in names {
                        world.buckets.entry(name).or_insert(BucketRead {
                            owner: Some(account),
                            state: Known::unknown("not reached by any chain"),
                        });
                    }
                }
                Err(error) => self.not_read(Some(account), "bucket names", reason("the account's buckets", &error)),
            }
        };
        let organization = async {
            let own = read_own(&self.connect.organizations(&credentials), account, &self.tally).await;
            match (&own.organization, self.base()) {
                (Known::Unknown { .. }, Some(base)) if base != credentials => {
                    read_own(&self.connect.organizations(&base), account, &self.tally).await.organization
                }
                _ => own.organization,
            }
        };
        let targets = async {
            let mut out = BTreeMap::new();
            if redshift {
                for region in &self.settings.regions {
                    out.insert(region.clone(), self.read_targets(&credentials, region).await);
                }
            }
            out
        };
        let ((), organization, targets) = tokio::join!(buckets, organization, targets);
        let mut world = self.world();
        if let Some(read) = world.accounts.get_mut(&account) {
            read.organization = Some(organization);
            read.targets = targets;
        }
    }

    async fn read_targets(&self, credentials: &Credentials, region: &Region) -> Known<Vec<RedshiftTarget>> {
        let redshift = self.connect.redshift(credentials, region);
        let serverless = self.connect.serverless(credentials, region);
        let (clusters, namespaces, workgroups) = tokio::join!(
            self.tally.call(|| redshift.list_clusters()),
            self.tally.call(|| serverless.list_namespaces()),
            self.tally.call(|| serverless.list_workgroups())
        );
        let what = format!("clusters and workgroups in {region}");
        let (clusters, namespaces, workgroups) = match (clusters, namespaces, workgroups) {
            (Ok(c), Ok(n), Ok(w)) => (c, n, w),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                return Known::unknown(reason(&what, &error));
            }
        };
        let mut targets: Vec<RedshiftTarget> = clusters
            .into_iter()
            .map(|c| RedshiftTarget {
                kind: TargetKind::Provisioned { cluster: c.identifier },
                attached_roles: c.roles,
                default_role: c.default_iam_role,
                enhanced_vpc_routing: c.enhanced_vpc_routing,
            })
            .collect();
        for workgroup in workgroups {
            let namespace = namespaces.iter().find(|n| n.name == workgroup.namespace);
            targets.push(RedshiftTarget {
                kind: TargetKind::Serverless {
                    workgroup: workgroup.name,
                    namespace: workgroup.namespace.clone(),
                    workgroup_id: workgroup.workgroup_id,
                },
                attached_roles: namespace.map(|n| n.roles.clone()).unwrap_or_default(),
                default_role: namespace.and_then(|n| n.default_iam_role.clone()),
                enhanced_vpc_routing: workgroup.enhanced_vpc_routing,
            });
        }
        targets.sort_by(|a, b| a.kind.cmp(&b.kind));
        Known::known(targets)
    }

    /// The attached roles, then every role they may assume, level by level (at most a chain's
    /// length deep), entering the accounts they live in on the way.
    async fn follow_roles(&self) {
        let mut frontier: BTreeSet<String> = BTreeSet::new();
        {
            let world = self.world();
            for read in world.accounts.values() {
                for targets in read.targets.values() {
                    for target in targets.value().into_iter().flatten() {
                        frontier.extend(target.attached_roles.iter().map(|r: &AttachedRole| r.arn.clone()));
                    }
                }
            }
        }
        let mut listed_roles: Option<Vec<RoleArn>> = None;
        let mut done_total = 0;
        for _depth in 0..MAX_ROLES {
            let roles: Vec<RoleArn> = {
                let world = self.world();
                frontier
                    .iter()
                    .filter(|r| !world.roles.contains_key(*r))
                    .filter_map(|r| RoleArn::parse(r).ok())
                    .collect()
            };
            if roles.is_empty() {
                break;
            }
            let new_accounts: BTreeSet<AccountId> = {
                let entered = self.entered();
                let world = self.world();
                roles
                    .iter()
                    .map(RoleArn::account)
                    .filter(|a| !entered.contains_key(a) && !world.accounts.contains_key(a))
                    .collect()
            };
            if !new_accounts.is_empty() {
                let new_accounts: Vec<AccountId> = new_accounts.into_iter().collect();
                self.enter_all(&new_accounts, false).await;
                self.read_accounts(&new_accounts).await;
                listed_roles = None;
            }
            let total = done_total + roles.len();
            let done = std::sync::atomic::AtomicUsize::new(done_total);
            let read: Vec<(RoleArn, Known<RoleState>)> = stream::iter(roles.iter().cloned())
                .map(|role| async {
                    let state = match self.credentials(role.account()) {
                        Some(credentials) => {
                            read_role_counted(&self.connect.iam(&credentials), &role, &self.tally).await.0
                        }
                        None => Known::unknown(format!("account {} was not entered", role.account())),
                    };
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    (self.progress)(AuditProgress { phase: "roles", done, total });
                    (role, state)
                })
                .buffer_unordered(self.concurrency())
                .collect()
                .await;
            done_total = total;
            let wildcards = read.iter().any(|(_, s)| s.value().is_some_and(|s| !reach::assume_patterns(s).is_empty()));
            if wildcards && listed_roles.is_none() {
                listed_roles = Some(self.list_roles().await);
            }
            let known: Vec<RoleArn> = listed_roles.clone().unwrap_or_default();
            frontier.clear();
            let mut world = self.world();
            let bucket_names: Vec<String> = world.buckets.keys().cloned().collect();
            for (role, state) in read {
                if let Some(value) = state.value() {
                    frontier.extend(reach::assumable_roles(value, &known).iter().map(ToString::to_string));
                    for grant in reach::granted_buckets(value, bucket_names.iter().map(String::as_str)) {
                        world.buckets.entry(grant.bucket).or_insert(BucketRead {
                            owner: None,
                            state: Known::unknown("no entered account lists this bucket"),
                        });
                    }
                }
                world.roles.insert(role.to_string(), state);
            }
        }
    }

    /// Every role of every entered account (for wildcard `sts:AssumeRole` grants).
    async fn list_roles(&self) -> Vec<RoleArn> {
        let accounts: Vec<(AccountId, Credentials)> =
            self.entered().iter().map(|(a, e)| (*a, e.credentials.clone())).collect();
        let lists: Vec<Vec<RoleArn>> = stream::iter(accounts)
            .map(|(account, credentials)| async move {
                let iam = self.connect.iam(&credentials);
                match self.tally.call(|| iam.list_roles()).await {
                    Ok(roles) => roles.into_iter().map(|r| r.arn).collect(),
                    Err(error) => {
                        self.not_read(Some(account), "role list", reason("the account's roles", &error));
                        Vec::new()
                    }
                }
            })
            .buffer_unordered(self.concurrency())
            .collect()
            .await;
        lists.into_iter().flatten().collect()
    }

    /// Every bucket a chain reaches: its region from the owner's S3, then its policy, ownership
    /// and encryption there.
    async fn read_buckets(&self) {
        let wanted: Vec<(String, Option<AccountId>)> = {
            let mut world = self.world();
            let names: Vec<&str> = world.buckets.keys().map(String::as_str).collect();
            let reached: BTreeSet<String> = world
                .roles
                .values()
                .filter_map(Known::value)
                .flat_map(|r| reach::granted_buckets(r, names.iter().copied()).into_iter().map(|g| g.bucket))
                .collect();
            // Buckets no chain reaches were only listed for ownership: keep them out of the world.
            world.buckets.retain(|name, _| reached.contains(name));
            world.buckets.iter().map(|(name, b)| (name.clone(), b.owner)).collect()
        };
        let total = wanted.len();
        let done = &std::sync::atomic::AtomicUsize::new(0);
        let read: Vec<(String, Option<AccountId>, Known<redbridge_core::doctor::BucketState>)> = stream::iter(wanted)
            .map(|(name, owner)| async move {
                let state = match owner.and_then(|o| self.credentials(o)) {
                    None => Known::unknown(match owner {
                        Some(owner) => format!("account {owner} was not entered"),
                        None => "no entered account lists this bucket".to_owned(),
                    }),
                    Some(credentials) => {
                        let s3 = self.connect.s3(&credentials, &self.connect.default_region());
                        match self.tally.call(|| s3.bucket_region(&name)).await {
                            Ok(region) => {
                                read_bucket(&self.connect.s3(&credentials, &region), &name, Some(&region), &self.tally)
                                    .await
                                    .0
                            }
                            Err(crate::AwsError::NotFound { .. }) => Known::Absent,
                            Err(error) => Known::unknown(reason(&format!("bucket `{name}`"), &error)),
                        }
                    }
                };
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                (self.progress)(AuditProgress { phase: "buckets", done, total });
                (name, owner, state)
            })
            .buffer_unordered(self.concurrency())
            .collect()
            .await;
        let mut world = self.world();
        for (name, owner, state) in read {
            world.buckets.insert(name, BucketRead { owner, state });
        }
    }

    /// Every bucket's default KMS key, with the key account's credentials.
    async fn read_keys(&self) {
        let keys: Vec<KmsKeyArn> = {
            let world = self.world();
            let mut keys: Vec<KmsKeyArn> = world
                .buckets
                .values()
                .filter_map(|b| b.state.value()?.default_kms_key.as_deref().and_then(|k| KmsKeyArn::parse(k).ok()))
                .collect();
            keys.sort_by_key(ToString::to_string);
            keys.dedup();
            keys
        };
        let read: Vec<(String, Known<redbridge_core::doctor::KeyState>)> = stream::iter(keys)
            .map(|key| async move {
                let state = match self.credentials(key.account()) {
                    Some(credentials) => {
                        read_key(&self.connect.kms(&credentials, key.region()), &key, &self.tally).await
                    }
                    None => Known::unknown(format!("account {} was not entered", key.account())),
                };
                (key.to_string(), state)
            })
            .buffer_unordered(self.concurrency())
            .collect()
            .await;
        self.world().keys.extend(read);
    }
}
