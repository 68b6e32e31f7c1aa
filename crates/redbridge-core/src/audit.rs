//! `redbridge audit`: every chain from every Redshift cluster and serverless workgroup of many
//! accounts to the buckets its roles reach, judged with doctor's hop analysis.
//!
//! The reader in `redbridge-aws` fills an [`AuditWorld`] (following the grants [`reach`]
//! finds); [`audit`] walks the same grants over it without I/O: from each attached role, every
//! `sts:AssumeRole` grant hop by hop (at most [`MAX_ROLES`] roles, no
//! role twice), and at every role that is granted objects of a bucket, a chain. Each chain
//! becomes a spec and a snapshot, so doctor judges it exactly as `redbridge doctor` would judge
//! that setup; [`breadth`] adds what is wider than it needs to be.

pub mod breadth;
pub mod drawing;
pub mod policy;
pub mod reach;
pub mod report;
pub mod world;

use std::collections::{BTreeMap, BTreeSet};

use redbridge_iam::eval::redshift::{access_request, role_assume_request};
use redbridge_iam::eval::{Outcome, Policies, PolicySet, evaluate};
use redbridge_iam::{AccountId, Region, RoleArn};

pub use breadth::{Breadth, BreadthCode, PREFIXES_TAG};
pub use policy::audit_policy;
pub use reach::BucketGrant;
pub use report::{AuditAccount, AuditChain, AuditReport, AuditSummary, ChainFinding, ChainStart, ChainStatus, NotRead};
pub use world::{AccountRead, AuditWorld, BucketRead, RedshiftTarget, TargetKind};

use crate::chain::{MAX_ROLES, RoleChain};
use crate::doctor::{Hop, Known, RedshiftState, RoleState, Severity, Snapshot, Verdict, analyze};
use crate::plan::Plan;
use crate::spec::{Access, RawSpec, Spec};

/// The most chains one cluster or workgroup may have before the walk stops (wildcard grants can
/// make the number of paths explode); the chains cut are said in `not_read`.
pub const MAX_CHAINS_PER_TARGET: usize = 1000;

/// The most roles the walk from one cluster or workgroup visits (roles that may all assume one
/// another make the simple paths of ten roles astronomically many); the rest is said in
/// `not_read`, so the audit's cost stays linear in the world.
pub const MAX_WALK_STEPS: usize = 20_000;

/// What is left of one target's walk.
struct Budget {
    chains: usize,
    steps: usize,
}

impl Budget {
    fn spent(&self) -> bool {
        self.chains >= MAX_CHAINS_PER_TARGET || self.steps >= MAX_WALK_STEPS
    }
}

/// Judges every chain of `world`.
pub fn audit(world: &AuditWorld) -> AuditReport {
    let known_roles: Vec<RoleArn> = world.roles.keys().filter_map(|arn| RoleArn::parse(arn).ok()).collect();
    let known_buckets: Vec<&str> = world.buckets.keys().map(String::as_str).collect();
    let walk = Walk { world, known_roles: &known_roles, known_buckets: &known_buckets, next: Default::default() };
    let mut chains = Vec::new();
    let mut not_read: BTreeSet<NotRead> = world.not_read.iter().cloned().collect();
    let mut accounts = Vec::new();
    let mut targets_total = 0;
    for (account, read) in &world.accounts {
        let mut targets = 0;
        for (region, listed) in &read.targets {
            match listed {
                Known::Known { value: list } => {
                    targets += list.len();
                    for target in list {
                        let start =
                            ChainStart { account: *account, region: region.clone(), target: target.kind.clone() };
                        walk.target(&start, target, &mut chains, &mut not_read);
                    }
                }
                Known::Unknown { reason } => {
                    not_read.insert(NotRead {
                        account: Some(*account),
                        what: format!("clusters and workgroups in {region}"),
                        reason: reason.clone(),
                    });
                }
                Known::Absent => {}
            }
        }
        targets_total += targets;
        let (entered, how) = match &read.entered {
            Known::Known { value: how } => (true, how.clone()),
            Known::Unknown { reason } => {
                not_read.insert(NotRead {
                    account: Some(*account),
                    what: "account".to_owned(),
                    reason: reason.clone(),
                });
                (false, reason.clone())
            }
            Known::Absent => (false, "not tried".to_owned()),
        };
        accounts.push(AuditAccount { id: *account, name: read.name.clone(), entered, how, targets });
    }
    for (arn, role) in &world.roles {
        if let Known::Unknown { reason } = role {
            let account = RoleArn::parse(arn).ok().map(|r| r.account());
            not_read.insert(NotRead { account, what: arn.clone(), reason: reason.clone() });
        }
    }
    for (name, bucket) in &world.buckets {
        if let Known::Unknown { reason } = &bucket.state {
            not_read.insert(NotRead { account: bucket.owner, what: format!("bucket {name}"), reason: reason.clone() });
        }
    }
    chains.sort_by(|a: &AuditChain, b: &AuditChain| {
        (&a.redshift, &a.roles, &a.bucket, &a.prefix).cmp(&(&b.redshift, &b.roles, &b.bucket, &b.prefix))
    });
    for (index, chain) in chains.iter_mut().enumerate() {
        chain.id = format!("chain-{}", index + 1);
    }
    let count = |status| chains.iter().filter(|c| c.status == status).count();
    let summary = AuditSummary {
        accounts: accounts.len(),
        accounts_entered: accounts.iter().filter(|a| a.entered).count(),
        targets: targets_total,
        chains: chains.len(),
        working: count(ChainStatus::Working),
        broken: count(ChainStatus::Broken),
        unknown: count(ChainStatus::Unknown),
        not_judged: count(ChainStatus::NotJudged),
        over_broad: chains.iter().filter(|c| !c.over_broad.is_empty()).count(),
    };
    AuditReport { summary, accounts, chains, not_read: not_read.into_iter().collect() }
}

struct Walk<'a> {
    world: &'a AuditWorld,
    known_roles: &'a [RoleArn],
    known_buckets: &'a [&'a str],
    /// The roles followed from each role, by ARN (see [`Walk::next_roles`]).
    next: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Vec<RoleArn>>>>,
}

impl Walk<'_> {
    fn role(&self, arn: &RoleArn) -> Option<&RoleState> {
        self.world.roles.get(&arn.to_string()).and_then(Known::value)
    }

    fn target(
        &self,
        start: &ChainStart,
        target: &RedshiftTarget,
        chains: &mut Vec<AuditChain>,
        not_read: &mut BTreeSet<NotRead>,
    ) {
        let mut firsts: Vec<RoleArn> = Vec::new();
        for attached in &target.attached_roles {
            match RoleArn::parse(&attached.arn) {
                Ok(role) if !firsts.contains(&role) => firsts.push(role),
                Ok(_) => {}
                Err(error) => {
                    not_read.insert(NotRead {
                        account: Some(start.account),
                        what: format!("role `{}` attached to {}", attached.arn, start.label()),
                        reason: error.to_string(),
                    });
                }
            }
        }
        let mut budget = Budget { chains: 0, steps: 0 };
        for first in firsts {
            let mut path = vec![first];
            self.walk(start, target, &mut path, chains, &mut budget);
        }
        if budget.spent() {
            not_read.insert(NotRead {
                account: Some(start.account),
                what: format!("chains of {} in {}", start.label(), start.region),
                reason: format!(
                    "more than {MAX_CHAINS_PER_TARGET} chains or {MAX_WALK_STEPS} roles visited; the rest were not followed"
                ),
            });
        }
    }

    fn walk(
        &self,
        start: &ChainStart,
        target: &RedshiftTarget,
        path: &mut Vec<RoleArn>,
        chains: &mut Vec<AuditChain>,
        budget: &mut Budget,
    ) {
        if budget.spent() {
            return;
        }
        budget.steps += 1;
        let Some(last) = path.last().cloned() else { return };
        let Some(state) = self.role(&last) else {
            // A role that could not be read, or does not exist, ends the walk: the chain is
            // reported as not judged, with the reason, instead of vanishing.
            chains.push(self.judge_unreadable(start, target, path));
            budget.chains += 1;
            return;
        };
        for grant in reach::granted_buckets(state, self.known_buckets.iter().copied()) {
            if budget.spent() {
                return;
            }
            // A wildcard grant reaches another account's bucket only if that bucket's policy
            // lets the role in; otherwise every bucket of the organization would be a "chain".
            if reach::is_pattern(&grant.resource) && !self.bucket_admits(&grant.bucket, &last) {
                continue;
            }
            chains.push(self.judge(start, target, path, &grant));
            budget.chains += 1;
        }
        if path.len() >= MAX_ROLES {
            return;
        }
        for next in self.next_roles(&last, state).iter() {
            if path.contains(next) {
                continue;
            }
            path.push(next.clone());
            self.walk(start, target, path, chains, budget);
            path.pop();
        }
    }

    /// The roles the walk follows from `role`, computed once per role: an exact grant is
    /// followed even when the next role refuses (doctor then reports the broken trust); a
    /// wildcard match only when the next role was read and the hop is allowed, or every role of
    /// the organization would be a "chain".
    fn next_roles(&self, role: &RoleArn, state: &RoleState) -> std::rc::Rc<Vec<RoleArn>> {
        let key = role.to_string();
        if let Some(known) = self.next.borrow().get(&key) {
            return known.clone();
        }
        let wildcards = !reach::assume_patterns(state).is_empty();
        let exact = reach::assumable_roles(state, std::iter::empty());
        let next: Vec<RoleArn> = reach::assumable_roles(state, self.known_roles)
            .into_iter()
            .filter(|next| {
                exact.contains(next) || (wildcards && self.role(next).is_some() && self.hop_allowed(role, state, next))
            })
            .collect();
        let next = std::rc::Rc::new(next);
        self.next.borrow_mut().insert(key, next.clone());
        next
    }

    /// Whether `role` may reach `bucket` across accounts: the bucket is its own account's, or
    /// the bucket's policy allows the role, its account or everyone.
    fn bucket_admits(&self, bucket: &str, role: &RoleArn) -> bool {
        let Some(read) = self.world.buckets.get(bucket) else { return false };
        if read.owner.is_none_or(|owner| owner == role.account()) {
            return true;
        }
        let Some(policy) = read.state.value().and_then(|b| b.policy.as_ref()) else { return false };
        let (arn, account) = (role.to_string(), role.account().to_string());
        let root = format!("arn:{}:iam::{account}:root", role.partition());
        policy.statements.iter().filter(|s| s.effect == redbridge_iam::policy::Effect::Allow).any(|s| {
            match &s.principal {
                Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) => {
                    p.any || p.aws.iter().any(|a| *a == "*" || *a == arn || *a == account || *a == root)
                }
                _ => false,
            }
        })
    }

    fn hop_allowed(&self, from: &RoleArn, from_state: &RoleState, to: &RoleArn) -> bool {
        let Some(to_state) = self.role(to) else { return false };
        let policies = Policies {
            identity_policies: from_state.identity_policies().into_iter().map(|(_, p)| p.clone()).collect(),
            resource_policy: Some(to_state.trust_policy.clone()),
            permissions_boundary: from_state.permissions_boundary.clone(),
            ..Policies::default()
        };
        let Ok(set) = PolicySet::compile(&policies) else { return false };
        evaluate(&role_assume_request(from, to, None), &set).is_ok_and(|d| d.outcome == Outcome::Allowed)
    }

    fn judge_unreadable(&self, start: &ChainStart, target: &RedshiftTarget, path: &[RoleArn]) -> AuditChain {
        let mut chain = self.chain_shell(
            start,
            target,
            path,
            &BucketGrant { bucket: String::new(), prefix: String::new(), resource: String::new() },
        );
        chain.status = ChainStatus::NotJudged;
        let last = &path[path.len() - 1];
        chain.reason = Some(match self.world.roles.get(&last.to_string()) {
            Some(Known::Unknown { reason }) => {
                format!("`{last}` could not be read, so the chain cannot be followed further: {reason}")
            }
            Some(_) => format!("`{last}` does not exist"),
            None => format!("`{last}` was not read: account {} was not entered", last.account()),
        });
        chain
    }

    fn chain_shell(
        &self,
        start: &ChainStart,
        target: &RedshiftTarget,
        path: &[RoleArn],
        grant: &BucketGrant,
    ) -> AuditChain {
        let roles: Vec<String> = path.iter().map(ToString::to_string).collect();
        AuditChain {
            id: String::new(),
            redshift: start.clone(),
            iam_role: roles.join(","),
            default_role: target.default_role.as_deref() == roles.first().map(String::as_str),
            roles,
            bucket: grant.bucket.clone(),
            bucket_account: self.world.buckets.get(&grant.bucket).and_then(|b| b.owner),
            prefix: grant.prefix.clone(),
            access: Access::Both,
            kms_key: None,
            db_users: Vec::new(),
            status: ChainStatus::NotJudged,
            verdict: None,
            findings: Vec::new(),
            over_broad: Vec::new(),
            reason: None,
        }
    }

    fn judge(&self, start: &ChainStart, target: &RedshiftTarget, path: &[RoleArn], grant: &BucketGrant) -> AuditChain {
        let mut chain = self.chain_shell(start, target, path, grant);
        let states: Vec<(String, &RoleState)> =
            path.iter().filter_map(|r| self.role(r).map(|s| (r.to_string(), s))).collect();
        if states.len() == path.len() {
            chain.over_broad = breadth::chain_breadth(&states, grant);
        }
        let last = &path[path.len() - 1];
        let Some(last_state) = self.role(last) else { return chain };
        let bucket = self.world.buckets.get(&grant.bucket);
        let owner = bucket.and_then(|b| b.owner).unwrap_or(last.account());
        let access = match (
            self.grants(last, last_state, "s3:GetObject", grant, owner),
            self.grants(last, last_state, "s3:PutObject", grant, owner),
        ) {
            (true, true) => Access::Both,
            (true, false) => Access::Copy,
            (false, true) => Access::Unload,
            (false, false) => {
                chain.reason = Some("the last role's grant is conditional or denied for objects here; neither COPY nor UNLOAD is possible".to_owned());
                return chain;
            }
        };
        chain.access = access;
        let bucket_state =
            bucket.map_or_else(|| Known::unknown("no entered account lists this bucket"), |b| b.state.clone());
        chain.kms_key = bucket_state.value().and_then(|b| b.default_kms_key.clone()).filter(|k| k.contains(":key/"));
        chain.db_users = self.role(&path[0]).map(db_users).unwrap_or_default();
        let plan = match self.plan(start, path, grant, owner, &chain, bucket_state.value().map(|b| &b.region)) {
            Ok(plan) => plan,
            Err(reason) => {
                chain.reason = Some(reason);
                return chain;
            }
        };
        let snapshot = self.snapshot(start, target, path, &chain, owner, bucket_state);
        let report = analyze(&plan, &snapshot);
        chain.status = match report.verdict {
            Verdict::Healthy | Verdict::HealthyAsFarAsRead => ChainStatus::Working,
            Verdict::Broken => ChainStatus::Broken,
            Verdict::Unknown => ChainStatus::Unknown,
        };
        chain.verdict = Some(report.verdict);
        chain.findings = report
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| ChainFinding {
                code: f.code.to_string(),
                severity: f.severity,
                hop: f.hop.label(),
                message: f.message.clone(),
                fix: f.fix.to_text(),
                link: link_of(&f.hop, path),
            })
            .collect();
        chain
    }

    /// Whether the last role's own policies allow `action` on an object under the grant's prefix.
    fn grants(&self, role: &RoleArn, state: &RoleState, action: &str, grant: &BucketGrant, owner: AccountId) -> bool {
        let policies = Policies {
            identity_policies: state.identity_policies().into_iter().map(|(_, p)| p.clone()).collect(),
            ..Policies::default()
        };
        let Ok(set) = PolicySet::compile(&policies) else { return false };
        let object = format!("arn:{}:s3:::{}/{}redbridge-audit-probe", role.partition(), grant.bucket, grant.prefix);
        // Identity policies alone: the bucket policy is doctor's to judge.
        let _ = owner;
        let request = access_request(role, action, &object, role.account());
        evaluate(&request, &set).is_ok_and(|d| d.outcome == Outcome::Allowed)
    }

    fn plan(
        &self,
        start: &ChainStart,
        path: &[RoleArn],
        grant: &BucketGrant,
        owner: AccountId,
        chain: &AuditChain,
        bucket_region: Option<&Region>,
    ) -> Result<Plan, String> {
        let (cluster, workgroup, namespace) = match &start.target {
            TargetKind::Provisioned { cluster } => (Some(cluster.clone()), None, None),
            TargetKind::Serverless { workgroup, namespace, .. } => {
                (None, Some(workgroup.clone()), Some(namespace.clone()))
            }
        };
        let raw = RawSpec {
            redshift_account: Some(start.account.to_string()),
            s3_account: Some(owner.to_string()),
            bucket: Some(grant.bucket.clone()),
            prefixes: if grant.prefix.is_empty() { Vec::new() } else { vec![grant.prefix.clone()] },
            access: Some(
                match chain.access {
                    Access::Copy => "copy",
                    Access::Unload => "unload",
                    Access::Both => "both",
                }
                .to_owned(),
            ),
            kms_key: chain.kms_key.clone(),
            cluster,
            workgroup,
            namespace,
            region: Some(start.region.to_string()),
            bucket_region: bucket_region.map(ToString::to_string),
            cluster_role_name: Some(path[0].name().to_owned()),
            bucket_role_name: Some(path[path.len() - 1].name().to_owned()),
            db_users: chain.db_users.clone(),
            intermediate_roles: path
                .get(1..path.len().saturating_sub(1))
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect(),
            ..RawSpec::default()
        };
        let spec = Spec::from_raw(&raw).map_err(|e| format!("cannot be judged as a setup: {e}"))?;
        let mut plan = Plan::new(&spec).map_err(|e| format!("cannot be judged as a setup: {e}"))?;
        // The plan names roles by name; the chain judged is the one found, paths included.
        plan.chain = RoleChain::new(path.to_vec()).map_err(|e| e.to_string())?;
        Ok(plan)
    }

    fn snapshot(
        &self,
        start: &ChainStart,
        target: &RedshiftTarget,
        path: &[RoleArn],
        chain: &AuditChain,
        owner: AccountId,
        bucket: Known<crate::doctor::BucketState>,
    ) -> Snapshot {
        let mut snapshot = Snapshot::empty();
        snapshot.redshift = Known::known(RedshiftState {
            region: start.region.clone(),
            attached_roles: target.attached_roles.clone(),
            enhanced_vpc_routing: target.enhanced_vpc_routing,
            workgroup_id: match &target.kind {
                TargetKind::Serverless { workgroup_id, .. } => workgroup_id.clone(),
                TargetKind::Provisioned { .. } => None,
            },
        });
        for role in path {
            let state = self
                .world
                .roles
                .get(&role.to_string())
                .cloned()
                .unwrap_or_else(|| Known::unknown(format!("account {} was not entered", role.account())));
            snapshot.roles.insert(role.to_string(), state);
        }
        snapshot.bucket = bucket;
        snapshot.kms_key = chain
            .kms_key
            .as_ref()
            .map(|key| self.world.keys.get(key).cloned().unwrap_or_else(|| Known::unknown("the key was not read")));
        let mut accounts: BTreeMap<AccountId, ()> = BTreeMap::new();
        accounts.insert(start.account, ());
        accounts.insert(owner, ());
        for role in path {
            accounts.insert(role.account(), ());
        }
        for account in accounts.keys() {
            if let Some(organization) = self.world.accounts.get(account).and_then(|a| a.organization.clone()) {
                snapshot.organizations.insert(account.to_string(), organization);
            }
        }
        snapshot
    }
}

/// The link of `path` a doctor hop is about (see [`ChainFinding::link`]).
fn link_of(hop: &Hop, path: &[RoleArn]) -> usize {
    match hop {
        Hop::Attachment | Hop::Service { .. } => 0,
        Hop::Role { to, .. } => path.iter().position(|r| r.to_string() == *to).unwrap_or(path.len()),
        Hop::S3 { .. } | Hop::Kms { .. } | Hop::Statement | Hop::Organization { .. } | Hop::UserStatement { .. } => {
            path.len()
        }
    }
}

/// The database users a first role's trust names in `sts:ExternalId` (the user part of each
/// database-user ARN); empty when the trust names none.
fn db_users(role: &RoleState) -> Vec<String> {
    let mut users = BTreeSet::new();
    for statement in &role.trust_policy.statements {
        for keys in statement.condition.values() {
            for (key, values) in keys {
                if !key.eq_ignore_ascii_case("sts:ExternalId") {
                    continue;
                }
                for value in values {
                    let value = value.as_string();
                    let user =
                        value.split_once(":dbuser:").and_then(|(_, rest)| rest.rsplit_once('/')).map(|(_, user)| user);
                    if let Some(user) = user.filter(|u| !u.is_empty() && !u.contains(['*', '?'])) {
                        users.insert(user.to_owned());
                    }
                }
            }
        }
    }
    users.into_iter().collect()
}

#[cfg(test)]
mod tests;
