//! Reading doctor's [`Snapshot`] from both accounts, concurrently and in as few dependent round
//! trips as the APIs allow.
//!
//! The reads form three levels at most:
//! 1. in parallel: STS in every account, the cluster (or namespace and workgroup), every role's
//!    `GetRole` + `ListRolePolicies` + `ListAttachedRolePolicies`, the bucket's location, policy,
//!    ownership and encryption, the first keys under each prefix `doctor --sql` needs listed,
//!    and the key's description and policy;
//! 2. every inline policy document, and every managed policy's (and permissions boundary's)
//!    default version id;
//! 3. every managed policy's default version document.
//!
//! Alongside them, each account of the chain reads its organization with its own credentials
//! (doctor only; apply and destroy skip it): `DescribeOrganization`; then, for a member account,
//! `ListParents` up to the root (one round trip per level), `ListPoliciesForTarget` of both
//! types at every level at once and `DescribePolicy` of each policy at once — four round trips
//! more than its units are deep. A member account usually may not read the tree: that is
//! unknown, with the reason.
//!
//! The account check runs alongside the reads rather than before them: what was read with
//! credentials of another account is thrown away and recorded as unknown. (`apply` and
//! `destroy` check the accounts first and refuse on a mismatch, then read the same snapshot
//! without checking again: see [`converge_run`](crate::converge_run).) Access denied, a
//! missing profile and any other failure become [`Known::Unknown`] with the reason; only
//! "does not exist" becomes [`Known::Absent`].

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::future::join_all;
use redbridge_core::Plan;
use redbridge_core::doctor::{
    BucketState, KeyState, Known, LISTED_KEYS, RedshiftState, RoleState, SNAPSHOT_VERSION, Snapshot,
};
use redbridge_core::spec::Target;
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};
use serde::Serialize;

pub(crate) mod organization;

pub use organization::read_organization;
use organization::{OrgRead, fill_in, organization_accounts, read_own};

use crate::AwsError;
use crate::apply_engine::{AccountPorts, Ports};
use crate::ports::{AwsResult, Iam, Kms, Organizations, Redshift, RedshiftServerless, S3, Sts};

/// How much reading cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadStats {
    /// AWS calls made.
    pub calls: u32,
    /// The longest chain of calls that had to wait for one another (round trips of wall time).
    pub depth: u32,
}

/// Counts calls, and retries the throttled ones.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) calls: AtomicU32,
    pub(crate) retries: AtomicU32,
}

/// How many times a throttled read is tried in all.
pub(crate) const THROTTLE_ATTEMPTS: u32 = 6;

/// The wait before retry `attempt` (1-based) of a throttled call: exponential from 100 ms,
/// capped at 5 s, with full jitter (a uniformly random wait up to that bound), as AWS advises so
/// that many readers throttled at once do not retry in step
/// (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>).
pub(crate) fn backoff(attempt: u32) -> std::time::Duration {
    use std::hash::{BuildHasher, Hasher};
    let cap_ms = 100u64.saturating_mul(1 << attempt.min(16)).min(5_000);
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    std::time::Duration::from_millis(random % (cap_ms + 1))
}

impl Tally {
    /// Makes the call `make` returns, again after a jittered wait while AWS throttles it.
    pub(crate) async fn call<T, F: Future<Output = AwsResult<T>>>(&self, mut make: impl FnMut() -> F) -> AwsResult<T> {
        let mut attempt = 1;
        loop {
            self.calls.fetch_add(1, Ordering::Relaxed);
            match make().await {
                Err(AwsError::Throttled { .. }) if attempt < THROTTLE_ATTEMPTS => {
                    self.retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// A value and the depth of the calls that produced it.
pub(crate) type Deep<T> = (T, u32);

/// Why a failed read is unknown, in words.
pub(crate) fn reason(what: &str, error: &AwsError) -> String {
    match error {
        AwsError::AccessDenied { action: Some(action), .. } => format!("access denied for `{action}` reading {what}"),
        AwsError::AccessDenied { .. } => format!("access denied reading {what}"),
        other => format!("cannot read {what}: {other}"),
    }
}

/// `Ok(Some)` → known, `Ok(None)` or not found → absent, anything else → unknown.
fn known_or<T>(what: &str, result: AwsResult<Option<T>>) -> Known<T> {
    match result {
        Ok(Some(value)) => Known::known(value),
        Ok(None) | Err(AwsError::NotFound { .. }) => Known::Absent,
        Err(error) => Known::unknown(reason(what, &error)),
    }
}

/// Reads everything doctor's analysis needs for `plan`. `s3` is the bucket account's S3 port,
/// `None` when there are no credentials for it. Accounts without ports, and accounts whose
/// credentials turn out to belong to another account, are recorded as unknown.
pub async fn read_snapshot<I, S, K, R, N, B, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
) -> (Snapshot, ReadStats)
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    B: S3,
    O: Organizations,
{
    read_snapshot_listing(plan, ports, s3, &[]).await
}

/// [`read_snapshot`], and also the first keys under each of `prefixes` of the spec's bucket
/// (`redbridge_core::doctor::listed_prefixes` of the statements given to `doctor --sql`), with
/// the bucket account's S3 port, alongside the other reads.
pub async fn read_snapshot_listing<I, S, K, R, N, B, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
    prefixes: &[String],
) -> (Snapshot, ReadStats)
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    B: S3,
    O: Organizations,
{
    read(plan, ports, s3, prefixes, true, true).await
}

/// The reads of [`read_snapshot_listing`]; with `check_accounts` false, for ports whose accounts
/// [`verify_accounts`](crate::apply_engine::verify_accounts) has just confirmed (the same reads,
/// without checking the credentials again).
pub(crate) async fn read<I, S, K, R, N, B, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
    prefixes: &[String],
    check_accounts: bool,
    read_organizations: bool,
) -> (Snapshot, ReadStats)
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    B: S3,
    O: Organizations,
{
    let tally_owned = Tally::default();
    let tally = &tally_owned;
    let spec = &plan.spec;
    let port_of = |account: AccountId| ports.accounts.iter().find(|a| a.account == account);

    let checks = join_all(ports.accounts.iter().filter(|_| check_accounts).map(|a| check_account(a, tally)));
    let redshift = read_redshift(plan, ports, tally);
    let roles = join_all(plan.chain.roles().iter().map(|role| async move {
        let state = match port_of(role.account()) {
            Some(account) => read_role_counted(&account.iam, role, tally).await,
            None => (Known::unknown(no_profile(role.account())), 0),
        };
        (role.clone(), state)
    }));
    let bucket = async {
        match s3 {
            Some(s3) => read_bucket(s3, spec.bucket.as_str(), None, tally).await,
            None => (Known::unknown(no_profile(spec.s3_account)), 0),
        }
    };
    let key = async {
        match &spec.kms_key {
            None => (None, 0),
            Some(key) => match port_of(key.account()) {
                Some(account) => (Some(read_key(&account.kms, key, tally).await), 1),
                None => (Some(Known::unknown(no_profile(key.account()))), 0),
            },
        }
    };
    let listings = join_all(prefixes.iter().map(|prefix| async move {
        let listing = match s3 {
            Some(s3) => {
                let result = tally.call(|| s3.list_first_objects(spec.bucket.as_str(), prefix, LISTED_KEYS)).await;
                match result {
                    Ok(keys) => Known::known(keys),
                    Err(AwsError::NotFound { .. }) => Known::Absent,
                    Err(error) => {
                        Known::unknown(reason(&format!("the objects under `s3://{}/{prefix}`", spec.bucket), &error))
                    }
                }
            }
            None => Known::unknown(no_profile(spec.s3_account)),
        };
        (prefix.clone(), listing)
    }));
    let organizations =
        join_all(organization_accounts(plan).into_iter().filter(|_| read_organizations).map(|account| async move {
            let organization = match port_of(account) {
                Some(ports) => read_own(&ports.organizations, account, tally).await,
                None => OrgRead::unknown(no_profile(account)),
            };
            (account, organization)
        }));
    let (
        checks,
        (redshift, redshift_depth),
        roles,
        (bucket, bucket_depth),
        (kms_key, key_depth),
        listings,
        organizations,
    ) = tokio::join!(checks, redshift, roles, bucket, key, listings, organizations);

    // Throw away what was read with the wrong credentials.
    let wrong: BTreeMap<AccountId, String> =
        checks.into_iter().filter_map(|(account, problem)| Some((account, problem?))).collect();
    let mask = |account: AccountId| wrong.get(&account).cloned();
    let mut snapshot = Snapshot::empty();
    snapshot.redshift = match mask(spec.redshift_account) {
        Some(problem) => Known::unknown(problem),
        None => redshift,
    };
    let mut depth = redshift_depth.max(bucket_depth).max(key_depth);
    for (role, (state, role_depth)) in roles {
        depth = depth.max(role_depth);
        let state = match mask(role.account()) {
            Some(problem) => Known::unknown(problem),
            None => state,
        };
        snapshot.roles.insert(role.to_string(), state);
    }
    snapshot.bucket = match mask(spec.s3_account) {
        Some(problem) => Known::unknown(problem),
        None => bucket,
    };
    snapshot.kms_key = match (&spec.kms_key, kms_key) {
        (Some(key), Some(state)) => Some(match mask(key.account()) {
            Some(problem) => Known::unknown(problem),
            None => state,
        }),
        (_, state) => state,
    };
    for (prefix, listing) in listings {
        let listing = match mask(spec.s3_account) {
            Some(problem) => Known::unknown(problem),
            None => listing,
        };
        snapshot.prefix_objects.insert(prefix, listing);
    }
    // What an account's own profile may not read, another profile of the chain may: the
    // management account's or a delegated administrator's of the same organization.
    let organizations =
        fill_in(organizations, |account| port_of(account).map(|p| &p.organizations), &mask, tally).await;
    for (account, OrgRead { organization, depth: organization_depth, .. }) in organizations {
        depth = depth.max(organization_depth);
        let organization = match mask(account) {
            Some(problem) => Known::unknown(problem),
            None => organization,
        };
        snapshot.organizations.insert(account.to_string(), organization);
    }
    if s3.is_some() && !prefixes.is_empty() {
        depth = depth.max(1);
    }
    snapshot.version = SNAPSHOT_VERSION;
    if !ports.accounts.is_empty() {
        depth = depth.max(1);
    }
    (snapshot, ReadStats { calls: tally_owned.calls.load(Ordering::Relaxed), depth })
}

fn no_profile(account: AccountId) -> String {
    format!("no credentials for account `{account}` (pass its profile)")
}

/// `None` when the credentials are this account's; otherwise what is wrong with them.
async fn check_account<I: Iam, S: Sts, K: Kms, O>(
    account: &AccountPorts<I, S, K, O>,
    tally: &Tally,
) -> (AccountId, Option<String>) {
    let problem = match tally.call(|| account.sts.caller_identity()).await {
        Ok(identity) if identity.account == account.account => None,
        Ok(identity) => Some(format!(
            "the credentials for account `{}` belong to account `{}` (`{}`); pass the profile of account `{}`",
            account.account, identity.account, identity.arn, account.account
        )),
        Err(error) => Some(format!("cannot check the credentials for account `{}`: {error}", account.account)),
    };
    (account.account, problem)
}

async fn read_redshift<I, S, K, R, N, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    tally: &Tally,
) -> Deep<Known<RedshiftState>>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
{
    let spec = &plan.spec;
    if !ports.accounts.iter().any(|a| a.account == spec.redshift_account) {
        return (Known::unknown(no_profile(spec.redshift_account)), 0);
    }
    let region = spec.region.clone();
    let state = match &spec.target {
        Target::Provisioned { cluster } => match tally.call(|| ports.redshift.describe_cluster(cluster)).await {
            Ok(info) => Known::known(RedshiftState {
                region,
                attached_roles: info.roles,
                enhanced_vpc_routing: info.enhanced_vpc_routing,
                workgroup_id: None,
            }),
            Err(AwsError::NotFound { .. }) => Known::Absent,
            Err(error) => Known::unknown(reason(&format!("cluster `{cluster}`"), &error)),
        },
        Target::Serverless { workgroup, namespace } => {
            let (roles, group) = tokio::join!(
                tally.call(|| ports.serverless.namespace_roles(namespace)),
                tally.call(|| ports.serverless.workgroup(workgroup))
            );
            match roles {
                Ok(roles) => {
                    // The workgroup only adds its id and routing: without it, the attachment can still be judged.
                    let group = group.ok();
                    Known::known(RedshiftState {
                        region,
                        attached_roles: roles,
                        enhanced_vpc_routing: group.as_ref().is_some_and(|g| g.enhanced_vpc_routing),
                        workgroup_id: group.and_then(|g| g.workgroup_id),
                    })
                }
                Err(AwsError::NotFound { .. }) => Known::Absent,
                Err(error) => Known::unknown(reason(&format!("namespace `{namespace}`"), &error)),
            }
        }
    };
    (state, 1)
}

/// A managed policy's default version: `GetPolicy` then `GetPolicyVersion`.
async fn read_managed<I: Iam>(iam: &I, arn: &str, tally: &Tally) -> Deep<Known<PolicyDocument>> {
    match tally.call(|| iam.managed_policy_default_version(arn)).await {
        Ok(Some(version)) => {
            let document = tally.call(|| iam.managed_policy_version(arn, &version)).await;
            (known_or(&format!("managed policy `{arn}`"), document.map(Some)), 2)
        }
        other => (known_or(&format!("managed policy `{arn}`"), other.map(|_| None)), 1),
    }
}

/// Reads one role as doctor does: `GetRole`, its inline policies, its managed policies'
/// default versions and its permissions boundary, concurrently and every page. Absent when the
/// role does not exist; unknown, with the reason, when any of it cannot be read.
pub async fn read_role<I: Iam>(iam: &I, role: &RoleArn) -> (Known<RoleState>, ReadStats) {
    let tally = Tally::default();
    let (state, depth) = read_role_counted(iam, role, &tally).await;
    (state, ReadStats { calls: tally.calls.load(Ordering::Relaxed), depth })
}

pub(crate) async fn read_role_counted<I: Iam>(iam: &I, role: &RoleArn, tally: &Tally) -> Deep<Known<RoleState>> {
    let name = role.name();
    let (info, inline_names, attached) = tokio::join!(
        tally.call(|| iam.get_role(name)),
        tally.call(|| iam.list_role_policies(name)),
        tally.call(|| iam.list_attached_role_policies(name))
    );
    let what = format!("role `{role}`");
    let info = match known_or(&what, info) {
        Known::Known { value } => value,
        Known::Absent => return (Known::Absent, 1),
        Known::Unknown { reason } => return (Known::unknown(reason), 1),
    };
    let inline_names = match inline_names {
        Ok(names) => names,
        Err(error) => return (Known::unknown(reason(&format!("the inline policies of {what}"), &error)), 1),
    };
    let attached = match attached {
        Ok(arns) => arns,
        Err(error) => return (Known::unknown(reason(&format!("the managed policies of {what}"), &error)), 1),
    };
    let inline = join_all(
        inline_names
            .iter()
            .map(|policy| async move { (policy.clone(), tally.call(|| iam.get_role_policy(name, policy)).await) }),
    );
    let managed =
        join_all(attached.iter().map(|arn| async move { (arn.clone(), read_managed(iam, arn, tally).await) }));
    let boundary = async {
        match &info.permissions_boundary {
            Some(arn) => Some(read_managed(iam, arn, tally).await),
            None => None,
        }
    };
    let (inline, managed, boundary) = tokio::join!(inline, managed, boundary);
    let mut depth = 1;
    let mut state = RoleState {
        trust_policy: info.trust_policy,
        inline_policies: BTreeMap::new(),
        managed_policies: BTreeMap::new(),
        permissions_boundary: None,
        tags: info.tags.into_iter().collect(),
    };
    for (policy, document) in inline {
        depth = depth.max(2);
        match document {
            Ok(Some(document)) => {
                state.inline_policies.insert(policy, document);
            }
            // Deleted between the listing and the read: it no longer applies.
            Ok(None) | Err(AwsError::NotFound { .. }) => {}
            Err(error) => {
                return (Known::unknown(reason(&format!("inline policy `{policy}` of {what}"), &error)), depth);
            }
        }
    }
    for (arn, (document, managed_depth)) in managed {
        depth = depth.max(1 + managed_depth);
        match document {
            Known::Known { value } => {
                state.managed_policies.insert(arn, value);
            }
            Known::Absent => {}
            Known::Unknown { reason } => return (Known::unknown(reason), depth),
        }
    }
    if let Some((document, boundary_depth)) = boundary {
        depth = depth.max(1 + boundary_depth);
        match document {
            Known::Known { value } => state.permissions_boundary = Some(value),
            // IAM refuses to delete a policy in use as a boundary; if it happens anyway, say so.
            Known::Absent => {
                let reason = format!("the permissions boundary of {what} names a policy that does not exist");
                return (Known::unknown(reason), depth);
            }
            Known::Unknown { reason } => return (Known::unknown(reason), depth),
        }
    }
    (Known::known(state), depth)
}

/// Reads a KMS key as doctor does: `DescribeKey` and `GetKeyPolicy` at once.
pub(crate) async fn read_key<K: Kms>(kms: &K, key: &KmsKeyArn, tally: &Tally) -> Known<KeyState> {
    let (describe, policy) = tokio::join!(tally.call(|| kms.describe_key(key)), tally.call(|| kms.get_key_policy(key)));
    match (describe, policy) {
        (Ok(info), Ok(policy)) => Known::known(KeyState {
            arn: key.clone(),
            key_state: info.state,
            key_manager: if info.customer_managed { "CUSTOMER" } else { "AWS" }.to_owned(),
            policy,
        }),
        (Err(AwsError::NotFound { .. }), _) | (_, Err(AwsError::NotFound { .. })) => Known::Absent,
        (Err(error), _) | (_, Err(error)) => Known::unknown(reason(&format!("key `{key}`"), &error)),
    }
}

/// Reads a bucket as doctor does: its region (unless the caller already read it), policy,
/// ownership and default encryption, at once.
pub(crate) async fn read_bucket<B: S3>(
    s3: &B,
    bucket: &str,
    known_region: Option<&Region>,
    tally: &Tally,
) -> Deep<Known<BucketState>> {
    let region = async {
        match known_region {
            Some(region) => Ok(region.clone()),
            None => tally.call(|| s3.bucket_region(bucket)).await,
        }
    };
    let (region, policy, ownership, encryption) = tokio::join!(
        region,
        tally.call(|| s3.bucket_policy(bucket)),
        tally.call(|| s3.object_ownership(bucket)),
        tally.call(|| s3.default_encryption(bucket))
    );
    let what = format!("bucket `{bucket}`");
    let region = match region {
        Ok(region) => region,
        Err(AwsError::NotFound { .. }) => return (Known::Absent, 1),
        Err(error) => return (Known::unknown(reason(&what, &error)), 1),
    };
    let policy = match policy {
        Ok(policy) => policy,
        Err(error) => return (Known::unknown(reason(&format!("the policy of {what} (in `{region}`)"), &error)), 1),
    };
    // Ownership and encryption refine findings; when they cannot be read the analysis says so.
    let object_ownership = ownership.ok().flatten();
    let encryption = encryption.ok().flatten();
    (
        Known::known(BucketState {
            region,
            policy,
            object_ownership,
            default_encryption: encryption.as_ref().map(|e| e.algorithm.clone()),
            default_kms_key: encryption.and_then(|e| e.kms_key),
        }),
        1,
    )
}
