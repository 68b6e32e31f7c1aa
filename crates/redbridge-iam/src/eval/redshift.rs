//! Requests for the hops of a Redshift role chain, and a chain evaluator that stops at the first denied hop.
//!
//! A COPY or UNLOAD with `IAM_ROLE 'arn:…:role/ClusterRole,arn:…:role/BucketRole'` makes these requests:
//! 1. the Redshift service principal calls `sts:AssumeRole` on the cluster role (its trust policy may
//!    check `aws:SourceAccount` and `sts:ExternalId`, the database user's ARN);
//! 2. the cluster role's session calls `sts:AssumeRole` on the bucket role, across accounts;
//! 3. the bucket role's session calls S3 (and KMS) in its own account.
//!
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-chaining-roles.html>

use crate::{AccountId, RoleArn};

use super::{Decision, EvalError, Outcome, PolicySet, Request, RequestPrincipal, evaluate};

/// The session name Redshift gives the role sessions it creates.
pub const SESSION_NAME: &str = "RedshiftIamRoleSession";

/// The ARN of the session Redshift holds for `role`.
pub fn session_arn(role: &RoleArn) -> String {
    format!("arn:{}:sts::{}:assumed-role/{}/{SESSION_NAME}", role.partition(), role.account(), role.name())
}

fn session_principal(role: &RoleArn) -> RequestPrincipal {
    RequestPrincipal::AssumedRole {
        arn: session_arn(role),
        partition: role.partition(),
        account: role.account(),
        role_name: role.name().to_owned(),
        session_name: SESSION_NAME.to_owned(),
    }
}

/// Hop 1: `service` (such as `redshift.amazonaws.com`) assumes the cluster role on behalf of a
/// cluster in `source_account`; `external_id` is the database user's ARN when Redshift sends one.
pub fn service_assume_request(
    service: &str,
    cluster_role: &RoleArn,
    source_account: AccountId,
    external_id: Option<&str>,
) -> Request {
    let mut request = Request::from_principal(
        RequestPrincipal::Service(service.to_owned()),
        "sts:AssumeRole",
        &cluster_role.to_string(),
    )
    .with_context("aws:SourceAccount", source_account.to_string());
    if let Some(id) = external_id {
        request = request.with_context("sts:ExternalId", id);
    }
    request
}

/// Hop 2 and later: the session of `from` assumes `to`.
pub fn role_assume_request(from: &RoleArn, to: &RoleArn, external_id: Option<&str>) -> Request {
    let mut request = Request::from_principal(session_principal(from), "sts:AssumeRole", &to.to_string());
    if let Some(id) = external_id {
        request = request.with_context("sts:ExternalId", id);
    }
    request
}

/// Last hop: the session of `role` calls `action` on `resource`, owned by `resource_account`.
pub fn access_request(role: &RoleArn, action: &str, resource: &str, resource_account: AccountId) -> Request {
    Request::from_principal(session_principal(role), action, resource)
        .with_resource_account(resource_account)
        .with_context("aws:SecureTransport", true)
}

/// The decisions of a chain, hop by hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainDecision {
    /// One decision per evaluated hop, in order; evaluation stops after the first denied hop.
    pub decisions: Vec<Decision>,
    /// The index of the first denied hop, if any.
    pub first_denied: Option<usize>,
}

impl ChainDecision {
    /// Whether every hop was allowed.
    pub fn allowed(&self) -> bool {
        self.first_denied.is_none()
    }
}

/// Evaluates each hop in order and stops at the first one that is not allowed.
pub fn evaluate_chain(hops: &[(Request, &PolicySet)]) -> Result<ChainDecision, EvalError> {
    let mut decisions = Vec::with_capacity(hops.len());
    for (index, (request, policies)) in hops.iter().enumerate() {
        let decision = evaluate(request, policies)?;
        let denied = decision.outcome != Outcome::Allowed;
        decisions.push(decision);
        if denied {
            return Ok(ChainDecision { decisions, first_denied: Some(index) });
        }
    }
    Ok(ChainDecision { decisions, first_denied: None })
}
