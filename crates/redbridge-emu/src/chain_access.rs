//! The role chain of a COPY or UNLOAD: its roles read through the shared reader
//! (`redbridge_aws::snapshot_reader::read_role`), judged hop by hop with the redbridge evaluator,
//! then really assumed through the STS port; the bucket found among the chain's accounts; and
//! every S3 and KMS call checked before it is made.
//!
//! With an organization, every hop is also judged against the SCPs of the principal's account
//! (not for the Redshift service principal's hop: "SCPs don't affect service principals") and
//! the RCPs of the resource's account, with `aws:PrincipalOrgID` set for principals in the
//! organization. RCPs apply to S3, STS and KMS among others, so to every hop here; they are not
//! limited to callers outside the organization, and they do apply to AWS service principals
//! unless a condition exempts them
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>,
//! "List of AWS services that support RCPs"; <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>).

use redbridge_aws::AwsError;
use redbridge_aws::ports::{AwsResult, Connect, Credentials, Kms as _, S3 as _, SessionCredentials, Sts as _};
use redbridge_aws::snapshot_reader::read_role;
use redbridge_core::doctor::{Known, RoleState};
use redbridge_iam::eval::redshift::{
    SESSION_NAME, access_request, role_assume_request, service_assume_request, session_arn,
};
use redbridge_iam::eval::{Outcome, Policies, PolicySet, evaluate};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use std::sync::Arc;

use crate::api::data::Target;
use crate::organization::Organization;
use crate::sql_engine::ExecContext;
use crate::state::{self, Service};
use crate::texts;

/// The most roles a chain may have.
const MAX_CHAIN: usize = 10;

/// The last hop of an assumed chain: whose session it is, its credentials and its policies.
#[derive(Debug)]
pub(crate) struct Access {
    pub role: RoleArn,
    pub session: SessionCredentials,
    pub policies: RolePolicies,
    /// Every account of the chain, to find the bucket's owner.
    pub accounts: Vec<AccountId>,
    /// The organization whose SCPs and RCPs apply, as it was when the chain was judged.
    pub organization: Option<Arc<Organization>>,
}

/// The SCP levels of `principal_account`, the RCP levels of `resource_account`, and the
/// `aws:PrincipalOrgID` of the principal, under `organization`.
fn organization_levels(
    organization: Option<&Organization>,
    principal_account: Option<AccountId>,
    resource_account: AccountId,
) -> (Vec<Vec<PolicyDocument>>, Vec<Vec<PolicyDocument>>, Option<String>) {
    let Some(organization) = organization else { return (Vec::new(), Vec::new(), None) };
    let scps = principal_account.map(|a| organization.scp_levels(a)).unwrap_or_default();
    let org_id = principal_account.filter(|a| organization.contains(*a)).map(|_| organization.id.clone());
    (scps, organization.rcp_levels(resource_account), org_id)
}

/// A role's policies as the evaluator takes them.
#[derive(Debug, Clone)]
pub(crate) struct RolePolicies {
    /// The trust policy.
    pub trust: PolicyDocument,
    /// Inline and attached managed policies.
    pub identity: Vec<PolicyDocument>,
    /// The permissions boundary, if any.
    pub boundary: Option<PolicyDocument>,
}

impl From<RoleState> for RolePolicies {
    fn from(role: RoleState) -> Self {
        let identity = role.inline_policies.into_values().chain(role.managed_policies.into_values()).collect();
        Self { trust: role.trust_policy, identity, boundary: role.permissions_boundary }
    }
}

/// What the emulator needs to know about a bucket.
#[derive(Debug, Clone)]
pub(crate) struct BucketInfo {
    /// The account that owns it.
    pub owner: AccountId,
    /// Its region.
    pub region: Region,
    /// The bucket policy, if any.
    pub policy: Option<PolicyDocument>,
}

/// A failure of the ports, as the statement's error text.
pub(crate) fn backend_text(error: &AwsError) -> String {
    format!("the cloud backend failed: {error}")
}

/// A role's policies, read with its account's credentials; `None` when it does not exist.
pub(crate) async fn role_policies<C: Connect>(cloud: &C, role: &RoleArn) -> Result<Option<RolePolicies>, String> {
    let iam = cloud.iam(&Credentials::Account(role.account()));
    match read_role(&iam, role).await.0 {
        Known::Known { value } => Ok(Some(value.into())),
        Known::Absent => Ok(None),
        Known::Unknown { reason } => Err(reason),
    }
}

/// The bucket among `candidates` (the accounts of the chain and of the cluster): the first
/// account whose `ListBuckets` names it owns it; then its region and policy.
async fn find_bucket<C: Connect>(cloud: &C, bucket: &str, candidates: &[AccountId]) -> AwsResult<Option<BucketInfo>> {
    let home = cloud.default_region();
    for account in candidates {
        let credentials = Credentials::Account(*account);
        let s3 = cloud.s3(&credentials, &home);
        if !s3.list_buckets().await?.iter().any(|name| name == bucket) {
            continue;
        }
        let region = s3.bucket_region(bucket).await?;
        let policy = cloud.s3(&credentials, &region).bucket_policy(bucket).await?;
        return Ok(Some(BucketInfo { owner: *account, region, policy }));
    }
    Ok(None)
}

/// Checks the chain and assumes it; errors are Redshift's texts.
pub(crate) async fn assume_chain<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    chain: &[String],
) -> Result<Access, String> {
    let written = chain.join(",");
    if chain.is_empty() {
        return Err(texts::not_emulated("`IAM_ROLE default` and access-key credentials; name the role chain"));
    }
    if chain.len() > MAX_CHAIN {
        return Err(format!("Role chain exceeds the maximum of {MAX_CHAIN} roles: {written}"));
    }
    let mut roles = Vec::with_capacity(chain.len());
    for element in chain {
        match RoleArn::parse(element) {
            Ok(role) if element.trim() == element => roles.push(role),
            // Redshift matches the string as written: a space or a typo names no attached role.
            _ => return Err(texts::not_authorized_to_assume(&context.db_user_arn, &written)),
        }
    }
    let first = &roles[0];
    let attached = {
        let registry = service.registry();
        let delay = service.config.role_apply_delay;
        let roles = match &context.target {
            Target::Cluster(c) => {
                registry.clusters.get(&state::key(&context.account, &context.region, c)).map(|c| c.roles.clone())
            }
            Target::Workgroup(w) => registry
                .workgroups
                .get(&state::key(&context.account, &context.region, w))
                .and_then(|w| registry.namespaces.get(&state::key(&context.account, &context.region, &w.namespace)))
                .map(|n| n.roles.clone()),
        };
        roles.unwrap_or_default().iter().any(|r| r.arn == first.to_string() && r.apply_status(delay) == Some("in-sync"))
    };
    if !attached {
        return Err(texts::not_authorized_to_assume(&context.db_user_arn, &first.to_string()));
    }
    let source_account = AccountId::parse(&context.account).map_err(|e| e.to_string())?;
    let external_id = context.db_user_arn.as_str();

    // Judge every hop before assuming anything.
    let mut all_policies = Vec::with_capacity(roles.len());
    for role in &roles {
        let policies = role_policies(&service.cloud, role)
            .await
            .map_err(|reason| format!("the cloud backend failed: {reason}"))?;
        let Some(policies) = policies else {
            return Err(texts::not_authorized_to_get_credentials(&role.to_string()));
        };
        all_policies.push(policies);
    }
    let services: &[&str] = if context.serverless {
        &["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    } else {
        &["redshift.amazonaws.com"]
    };
    let organization = service.organization();
    let (_, rcps, _) = organization_levels(organization.as_deref(), None, first.account());
    let trust =
        compile(&Policies { resource_policy: Some(all_policies[0].trust.clone()), rcps, ..Policies::default() })?;
    for service_principal in services {
        // Redshift in the cluster's region is both `redshift.amazonaws.com` and
        // `redshift.<region>.amazonaws.com` (see `state::service_names`): one Allow is enough,
        // a Deny naming either refuses.
        let mut outcomes = Vec::new();
        for principal in state::service_names(service_principal, &context.region) {
            let request = service_assume_request(&principal, first, source_account, Some(external_id));
            outcomes.push(outcome(&request, &trust)?);
        }
        if outcomes.contains(&Outcome::ExplicitDeny) || !outcomes.contains(&Outcome::Allowed) {
            return Err(texts::not_authorized_to_get_credentials(&first.to_string()));
        }
    }
    for hop in 1..roles.len() {
        let (previous, next) = (&all_policies[hop - 1], &all_policies[hop]);
        let (scps, rcps, org_id) =
            organization_levels(organization.as_deref(), Some(roles[hop - 1].account()), roles[hop].account());
        let set = compile(&Policies {
            identity_policies: previous.identity.clone(),
            resource_policy: Some(next.trust.clone()),
            permissions_boundary: previous.boundary.clone(),
            scps,
            rcps,
            ..Policies::default()
        })?;
        let mut request = role_assume_request(&roles[hop - 1], &roles[hop], Some(external_id));
        if let Some(org_id) = org_id {
            request = request.with_context("aws:PrincipalOrgID", org_id);
        }
        if !allowed(&request, &set)? {
            return Err(texts::not_authorized_to_get_credentials(&roles[hop].to_string()));
        }
    }

    // Then assume it for real.
    let assume_error = |role: &RoleArn, error: AwsError| match error {
        AwsError::NotFound { .. } | AwsError::AccessDenied { .. } => {
            texts::not_authorized_to_get_credentials(&role.to_string())
        }
        other => backend_text(&other),
    };
    // The first hop is the Redshift service acting for the cluster's account.
    let mut session = service
        .cloud
        .sts(&Credentials::Account(source_account))
        .assume_role(first, SESSION_NAME, Some(external_id))
        .await
        .map_err(|e| assume_error(first, e))?;
    for role in &roles[1..] {
        session = service
            .cloud
            .sts(&Credentials::from(&session))
            .assume_role(role, SESSION_NAME, Some(external_id))
            .await
            .map_err(|e| assume_error(role, e))?;
    }
    let mut accounts: Vec<AccountId> = roles.iter().rev().map(RoleArn::account).collect();
    accounts.push(source_account);
    accounts.dedup();
    let role = roles.pop().ok_or("empty chain")?;
    let policies = all_policies.pop().ok_or("empty chain")?;
    Ok(Access { role, session, policies, accounts, organization })
}

fn compile(policies: &Policies) -> Result<PolicySet, String> {
    PolicySet::compile(policies).map_err(|e| format!("a policy cannot be evaluated: {e}"))
}

fn outcome(request: &redbridge_iam::eval::Request, set: &PolicySet) -> Result<Outcome, String> {
    Ok(evaluate(request, set).map_err(|e| format!("a request cannot be evaluated: {e}"))?.outcome)
}

fn allowed(request: &redbridge_iam::eval::Request, set: &PolicySet) -> Result<bool, String> {
    Ok(outcome(request, set)? == Outcome::Allowed)
}

impl Access {
    /// Checks an S3 or KMS call of the last hop; `resource_policy` is the bucket or key policy.
    pub fn check(
        &self,
        action: &str,
        resource: &str,
        resource_account: AccountId,
        resource_policy: Option<&PolicyDocument>,
        context: &[(&str, String)],
    ) -> Result<(), String> {
        let (scps, rcps, org_id) =
            organization_levels(self.organization.as_deref(), Some(self.role.account()), resource_account);
        let set = compile(&Policies {
            identity_policies: self.policies.identity.clone(),
            resource_policy: resource_policy.cloned(),
            permissions_boundary: self.policies.boundary.clone(),
            scps,
            rcps,
            ..Policies::default()
        })?;
        let mut request = access_request(&self.role, action, resource, resource_account);
        if let Some(org_id) = org_id {
            request = request.with_context("aws:PrincipalOrgID", org_id);
        }
        for (key, value) in context {
            request = request.with_context(key, value.clone());
        }
        let decision = evaluate(&request, &set).map_err(|e| format!("a request cannot be evaluated: {e}"))?;
        let session = session_arn(&self.role);
        match decision.outcome {
            Outcome::Allowed => Ok(()),
            Outcome::ExplicitDeny => Err(texts::not_authorized_to_perform(&session, action, resource, true)),
            Outcome::ImplicitDeny if action.starts_with("kms:") => {
                Err(texts::not_authorized_to_perform(&session, action, resource, false))
            }
            Outcome::ImplicitDeny => Err(texts::s3_access_denied()),
        }
    }

    /// Finds the bucket and checks its region against `region` (the statement's REGION or the cluster's).
    pub async fn bucket<C: Connect>(
        &self,
        service: &Service<C>,
        bucket: &str,
        region: &str,
    ) -> Result<BucketInfo, String> {
        let info = find_bucket(&service.cloud, bucket, &self.accounts).await.map_err(|e| match e {
            AwsError::NotFound { .. } => texts::no_such_bucket(),
            other => backend_text(&other),
        })?;
        let info = info.ok_or_else(texts::no_such_bucket)?;
        if info.region.as_str() != region {
            return Err(texts::wrong_region());
        }
        Ok(info)
    }

    /// Checks `kms:<action>` on a key given by ARN, against its key policy.
    pub async fn check_key<C: Connect>(&self, service: &Service<C>, action: &str, key: &str) -> Result<(), String> {
        let not_a_key_arn = || texts::not_emulated(&format!("KMS key `{key}` given by id or alias; give the key ARN"));
        let arn = redbridge_iam::Arn::parse(key).ok().filter(|a| a.service() == "kms").ok_or_else(not_a_key_arn)?;
        let account = arn.account_id().ok_or_else(|| format!("the KMS key ARN `{key}` names no account"))?;
        let key_arn = KmsKeyArn::parse(key).map_err(|_| not_a_key_arn())?;
        let kms = service.cloud.kms(&Credentials::Account(key_arn.account()), key_arn.region());
        let policy = match kms.get_key_policy(&key_arn).await {
            Ok(policy) => Some(policy),
            Err(AwsError::NotFound { .. }) => None,
            Err(error) => return Err(backend_text(&error)),
        };
        let Some(policy) = policy else {
            return Err(format!(
                "S3ServiceException:Invalid arn {key} (the KMS key does not exist),Status 400,Error KMS.NotFoundException"
            ));
        };
        self.check(action, key, account, Some(&policy), &[])
    }
}
