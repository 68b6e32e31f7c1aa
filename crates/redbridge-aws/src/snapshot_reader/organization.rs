//! Each account's organization for doctor: read with the account's own profile, and, where that
//! profile may not read the tree and the policies (a member account usually may not), with the
//! profile of another account of the chain that may (the management account's or a delegated
//! administrator's of the same organization).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use futures_util::future::join_all;
use redbridge_core::Plan;
use redbridge_core::doctor::{AccountOrganization, Known, OrgPolicy};
use redbridge_iam::{AccountId, RoleArn};

use super::{Deep, ReadStats, Tally, reason};
use crate::AwsError;
use crate::ports::{OrgParent, OrgPolicyType, OrganizationInfo, Organizations};

/// The accounts whose organization doctor needs: the Redshift account, every role's, the
/// bucket's and the key's, each once.
pub(super) fn organization_accounts(plan: &Plan) -> Vec<AccountId> {
    let spec = &plan.spec;
    let mut accounts = vec![spec.redshift_account];
    accounts.extend(plan.chain.roles().iter().map(RoleArn::account));
    accounts.push(spec.s3_account);
    accounts.extend(spec.kms_key.as_ref().map(redbridge_iam::KmsKeyArn::account));
    let mut unique = Vec::new();
    for account in accounts {
        if !unique.contains(&account) {
            unique.push(account);
        }
    }
    unique
}

/// How many parents `ListParents` may walk: AWS allows five levels of units under the root.
const MAX_ORGANIZATION_DEPTH: usize = 6;

/// One account's organization as its own profile read it.
#[derive(Debug)]
pub(crate) struct OrgRead {
    /// What was read.
    pub(crate) organization: Known<AccountOrganization>,
    /// The organization, when `DescribeOrganization` answered.
    info: Option<OrganizationInfo>,
    /// Whether this profile may read the organization's tree and policies.
    reader: bool,
    /// The round trips it took.
    pub(super) depth: u32,
}

impl OrgRead {
    pub(super) fn unknown(reason: String) -> Self {
        Self { organization: Known::unknown(reason), info: None, reader: false, depth: 0 }
    }
}

/// Reads one account's organization with its own credentials: `DescribeOrganization`; then,
/// unless it is the management account (no SCP or RCP applies to it), `ListParents` up to the
/// root, `ListPoliciesForTarget` of both types at every level at once, and `DescribePolicy` of
/// each policy at once. Absent when the account is in no organization; unknown with the reason
/// when the tree or the policies cannot be read (a member account usually may not).
pub async fn read_organization<O: Organizations>(
    organizations: &O,
    account: AccountId,
) -> (Known<AccountOrganization>, ReadStats) {
    let tally = Tally::default();
    let read = read_own(organizations, account, &tally).await;
    (read.organization, ReadStats { calls: tally.calls.load(Ordering::Relaxed), depth: read.depth })
}

/// [`read_organization`], counted, keeping what a second reader needs.
pub(crate) async fn read_own(organizations: &impl Organizations, account: AccountId, tally: &Tally) -> OrgRead {
    let info = match tally.call(|| organizations.describe_organization()).await {
        Ok(Some(info)) => info,
        Ok(None) => return OrgRead { organization: Known::Absent, info: None, reader: false, depth: 1 },
        Err(error) => {
            let organization = Known::unknown(reason(&format!("the organization of account `{account}`"), &error));
            return OrgRead { organization, info: None, reader: false, depth: 1 };
        }
    };
    if info.management_account == account {
        let organization = Known::known(AccountOrganization {
            organization_id: info.id.clone(),
            management_account: info.management_account,
            scps: Vec::new(),
            rcps: Vec::new(),
        });
        return OrgRead { organization, info: Some(info), reader: true, depth: 1 };
    }
    let (organization, depth) = read_policies(organizations, account, &info, tally).await;
    let reader = matches!(organization, Known::Known { .. });
    OrgRead { organization, info: Some(info), reader, depth: 1 + depth }
}

/// Where an account's own profile could not read its policies, reads them with the profile of
/// another account of the chain that could, in the same organization; concurrently, one more
/// round trip per level. The other unknowns stay as they are.
pub(super) async fn fill_in<'p, O: Organizations + 'p>(
    reads: Vec<(AccountId, OrgRead)>,
    port_of: impl Fn(AccountId) -> Option<&'p O>,
    mask: &impl Fn(AccountId) -> Option<String>,
    tally: &Tally,
) -> Vec<(AccountId, OrgRead)> {
    let reader_of = |organization_id: &str, account: AccountId| {
        reads.iter().find_map(|(other, read)| {
            let same = read.info.as_ref().is_some_and(|i| i.id == organization_id);
            (read.reader && same && *other != account && mask(*other).is_none()).then(|| port_of(*other)).flatten()
        })
    };
    let retried = join_all(reads.iter().map(|(account, read)| async move {
        match (&read.organization, &read.info) {
            (Known::Unknown { .. }, Some(info)) if mask(*account).is_none() => match reader_of(&info.id, *account) {
                Some(port) => Some(read_policies(port, *account, info, tally).await),
                None => None,
            },
            _ => None,
        }
    }))
    .await;
    reads
        .into_iter()
        .zip(retried)
        .map(|((account, read), retried)| match retried {
            Some((organization @ Known::Known { .. }, depth)) => {
                (account, OrgRead { organization, depth: read.depth + depth, ..read })
            }
            _ => (account, read),
        })
        .collect()
}

/// The SCPs and RCPs of a member `account` of `info`'s organization, read with `organizations`
/// (a profile that may read them).
async fn read_policies(
    organizations: &impl Organizations,
    account: AccountId,
    info: &OrganizationInfo,
    tally: &Tally,
) -> Deep<Known<AccountOrganization>> {
    let what = format!(
        "the organization policies of account `{account}` (organization `{}`, management account `{}`; a member account usually may not read them)",
        info.id, info.management_account
    );
    // The path from the account up to the root.
    let mut targets = vec![account.to_string()];
    let mut depth = 0;
    loop {
        if targets.len() > MAX_ORGANIZATION_DEPTH {
            return (Known::unknown(format!("{what}: the tree is deeper than AWS allows")), depth);
        }
        depth += 1;
        let child = targets.last().cloned().unwrap_or_default();
        let parents = match tally.call(|| organizations.list_parents(&child)).await {
            Ok(parents) => parents,
            Err(error) => return (Known::unknown(reason(&what, &error)), depth),
        };
        match parents.first() {
            Some(OrgParent::Root(id)) => {
                targets.push(id.clone());
                break;
            }
            Some(OrgParent::OrganizationalUnit(id)) => targets.push(id.clone()),
            None => return (Known::unknown(format!("{what}: `{child}` has no parent")), depth),
        }
    }
    targets.reverse();
    let types = [OrgPolicyType::ServiceControlPolicy, OrgPolicyType::ResourceControlPolicy];
    let listed = join_all(targets.iter().flat_map(|target| {
        types.map(|policy_type| async move {
            (policy_type, tally.call(|| organizations.list_policies_for_target(target, policy_type)).await)
        })
    }))
    .await;
    depth += 1;
    let mut levels: BTreeMap<OrgPolicyType, Vec<Vec<String>>> = BTreeMap::new();
    for (policy_type, result) in listed {
        let level = match result {
            Ok(summaries) => summaries.into_iter().map(|s| s.id).collect(),
            // A policy type the organization has not enabled applies to no one.
            Err(AwsError::Invalid { code, .. }) if code == "PolicyTypeNotEnabledException" => Vec::new(),
            Err(error) => return (Known::unknown(reason(&what, &error)), depth),
        };
        levels.entry(policy_type).or_default().push(level);
    }
    let mut ids: Vec<&String> = levels.values().flatten().flatten().collect();
    ids.sort();
    ids.dedup();
    let described = join_all(ids.iter().map(|id| tally.call(|| organizations.describe_policy(id)))).await;
    depth += 1;
    let mut policies: BTreeMap<String, OrgPolicy> = BTreeMap::new();
    for result in described {
        match result {
            Ok(policy) => {
                policies.insert(policy.id.clone(), policy);
            }
            Err(error) => return (Known::unknown(reason(&what, &error)), depth),
        }
    }
    let resolve = |levels: Option<&Vec<Vec<String>>>| -> Vec<Vec<OrgPolicy>> {
        let levels: Vec<Vec<OrgPolicy>> = levels
            .map(|levels| {
                levels.iter().map(|ids| ids.iter().filter_map(|id| policies.get(id).cloned()).collect()).collect()
            })
            .unwrap_or_default();
        // With the type enabled every level has at least one policy (AWS keeps the full-access
        // default unless another is attached); no policy at any level means it is not enabled.
        if levels.iter().all(Vec::is_empty) { Vec::new() } else { levels }
    };
    let organization = AccountOrganization {
        organization_id: info.id.clone(),
        management_account: info.management_account,
        scps: resolve(levels.get(&OrgPolicyType::ServiceControlPolicy)),
        rcps: resolve(levels.get(&OrgPolicyType::ResourceControlPolicy)),
    };
    (Known::known(organization), depth)
}
