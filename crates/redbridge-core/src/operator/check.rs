//! Judges whether the principal running redbridge may make every call a command makes for a
//! plan: each of [`operator_calls`] of the command and account is evaluated with the principal's
//! identity policies and permissions boundary, and what is denied comes back with the statement
//! of the planned least-privilege policy ([`operator_policies`]) that grants it.

use redbridge_iam::AccountId;
use redbridge_iam::eval::{Outcome, Policies, PolicyKind, PolicySet, Request, StatementRef, evaluate};
use redbridge_iam::policy::{PolicyDocument, Statement};
use serde::Serialize;

use super::principal::PrincipalPolicies;
use super::{CallCondition, OperatorCall, OperatorCommand, operator_calls, operator_policies};
use crate::plan::Plan;

/// The unique id the check gives the caller for policies that compare with `${aws:userid}`
/// (the Data API's own-statements condition): the caller's own id, whatever it is.
const CALLER_USER_ID: &str = "AIDAREDBRIDGEOPERATOR";

/// Why a call is denied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum DenialCause {
    /// No identity policy of the principal allows it.
    NoIdentityPolicy,
    /// An identity policy allows it but the permissions boundary does not.
    PermissionsBoundary {
        /// The boundary policy's ARN.
        boundary: String,
    },
    /// A `Deny` statement matches.
    ExplicitDeny {
        /// The denying statements, in words (``inline policy `x` statement 0 (sid `S`)``).
        statements: Vec<String>,
    },
}

impl DenialCause {
    /// The cause in words.
    pub fn describe(&self) -> String {
        match self {
            Self::NoIdentityPolicy => "no identity-based policy allows it".to_owned(),
            Self::PermissionsBoundary { boundary } => {
                format!("the permissions boundary `{boundary}` does not allow it")
            }
            Self::ExplicitDeny { statements } => format!("explicitly denied by {}", statements.join(", ")),
        }
    }
}

/// One permission the operator lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingPermission {
    /// The account the call is made in.
    pub account: AccountId,
    /// The IAM action.
    pub action: &'static str,
    /// The resource (or pattern) the call is made on.
    pub resource: String,
    /// The condition the planned permission carries (the context the call gives).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<CallCondition>,
    /// Why it is denied.
    #[serde(flatten)]
    pub cause: DenialCause,
    /// The statement of the planned operator policy that grants it.
    pub statement: Statement,
}

impl MissingPermission {
    /// One line: `` `iam:PassRole` on `arn…` in account `111…`: no identity-based policy allows it ``.
    pub fn describe(&self) -> String {
        format!("`{}` on `{}` in account `{}`: {}", self.action, self.resource, self.account, self.cause.describe())
    }
}

/// The statements to add for `missing`, each once, in the order first needed: a policy to paste.
pub fn statements_to_add(missing: &[MissingPermission]) -> PolicyDocument {
    let mut statements: Vec<Statement> = Vec::new();
    for permission in missing {
        if !statements.contains(&permission.statement) {
            statements.push(permission.statement.clone());
        }
    }
    PolicyDocument::new(statements)
}

/// Every call `command` makes for `plan` in `account` that `principal` may not make, with the
/// planned statement that grants it. Empty when everything is allowed, and always for root
/// (identity policies do not limit it). An error when a policy of the principal cannot be compiled.
pub fn check(
    plan: &Plan,
    command: OperatorCommand,
    account: AccountId,
    principal: &PrincipalPolicies,
) -> Result<Vec<MissingPermission>, String> {
    if !principal.limited_by_identity_policies() {
        return Ok(Vec::new());
    }
    let set = PolicySet::compile(&Policies {
        identity_policies: principal.policies.iter().map(|p| p.document.clone()).collect(),
        permissions_boundary: principal.permissions_boundary.as_ref().map(|b| b.document.clone()),
        ..Policies::default()
    })
    .map_err(|e| format!("cannot judge the policies of `{}`: {e}", principal.principal))?;
    let planned = operator_policies(plan);
    let planned = [&planned.redshift, &planned.s3]
        .into_iter()
        .chain(&planned.intermediate)
        .find(|p| p.account == account)
        .map(|p| p.policy(command).clone())
        .unwrap_or_else(|| PolicyDocument::new(Vec::new()));
    let mut missing: Vec<MissingPermission> = Vec::new();
    for call in operator_calls(plan).into_iter().filter(|c| c.command == command && c.account == account) {
        if missing.iter().any(|m| m.action == call.action && m.resource == call.resource) {
            continue;
        }
        if let Some(cause) = denial(&call, principal, &set)? {
            let statement = planned
                .statements
                .iter()
                .find(|s| {
                    s.action_patterns().iter().any(|a| a == call.action)
                        && s.resource_patterns().contains(&call.resource)
                })
                .cloned()
                .unwrap_or_else(|| Statement::allow([call.action], [call.resource.clone()]));
            missing.push(MissingPermission {
                account,
                action: call.action,
                resource: call.resource,
                condition: call.condition,
                cause,
                statement,
            });
        }
    }
    Ok(missing)
}

/// The requests one call stands for: one per value of its condition (each service a role may be
/// passed to, each listed prefix), with the context the call carries.
fn requests(call: &OperatorCall, principal: &str) -> Result<Vec<Request>, String> {
    let base = || -> Result<Request, String> {
        Ok(Request::new(principal, call.action, &call.resource)
            .map_err(|e| format!("cannot judge `{}` on `{}`: {e}", call.action, call.resource))?
            .with_resource_account(call.account)
            .with_context("aws:userid", CALLER_USER_ID))
    };
    let Some(condition) = &call.condition else { return Ok(vec![base()?]) };
    condition
        .values
        .iter()
        .map(|value| {
            let value = match value.as_str() {
                "${aws:userid}" => CALLER_USER_ID.to_owned(),
                // `StringLike` `sales/*`: the call lists under `sales/`.
                _ if condition.operator == "StringLike" => value.trim_end_matches('*').to_owned(),
                _ => value.clone(),
            };
            Ok(base()?.with_context(condition.key, value))
        })
        .collect()
}

fn denial(call: &OperatorCall, principal: &PrincipalPolicies, set: &PolicySet) -> Result<Option<DenialCause>, String> {
    for request in requests(call, &principal.principal)? {
        let decision = evaluate(&request, set).map_err(|e| format!("cannot judge `{}`: {e}", call.action))?;
        match decision.outcome {
            Outcome::Allowed => {}
            Outcome::ExplicitDeny => {
                let statements = decision.deciding.iter().map(|s| deciding_statement(s, principal)).collect();
                return Ok(Some(DenialCause::ExplicitDeny { statements }));
            }
            Outcome::ImplicitDeny => {
                let boundary = principal.permissions_boundary.as_ref().map(|b| b.name.clone());
                return Ok(Some(match (decision.missing, boundary) {
                    (Some(redbridge_iam::eval::Missing::PermissionsBoundary), Some(boundary)) => {
                        DenialCause::PermissionsBoundary { boundary }
                    }
                    _ => DenialCause::NoIdentityPolicy,
                }));
            }
        }
    }
    Ok(None)
}

/// A deciding statement named by the policy it is in.
fn deciding_statement(statement: &StatementRef, principal: &PrincipalPolicies) -> String {
    let policy = match statement.policy.kind {
        PolicyKind::Identity => principal.policies.get(statement.policy.index).map(|p| p.describe()),
        PolicyKind::PermissionsBoundary => {
            principal.permissions_boundary.as_ref().map(|b| format!("permissions boundary `{}`", b.name))
        }
        _ => None,
    }
    .unwrap_or_else(|| statement.policy.to_string());
    match &statement.sid {
        Some(sid) => format!("{policy} statement `{sid}`"),
        None => format!("{policy} statement {}", statement.statement),
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
