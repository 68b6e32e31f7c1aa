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
use crate::converge::{Action, Diff};
use crate::plan::Plan;
use crate::spec::Target;

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
    /// AWS refused the call (the policies could not be judged beforehand).
    AccessDenied {
        /// AWS's message.
        message: String,
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
            Self::AccessDenied { message } => format!("AWS denied it: {message}"),
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
    check_calls(plan, command, account, principal, |_| true)
}

/// [`check`] of the calls `keep` selects (apply judges only the writes its diff makes).
pub fn check_calls(
    plan: &Plan,
    command: OperatorCommand,
    account: AccountId,
    principal: &PrincipalPolicies,
    keep: impl Fn(&OperatorCall) -> bool,
) -> Result<Vec<MissingPermission>, String> {
    if !principal.limited_by_identity_policies() {
        return Ok(Vec::new());
    }
    let policies = Policies {
        identity_policies: principal.policies.iter().map(|p| p.document.clone()).collect(),
        permissions_boundary: principal.permissions_boundary.as_ref().map(|b| b.document.clone()),
        ..Policies::default()
    };
    let compile = |policies: &Policies| {
        PolicySet::compile(policies).map_err(|e| format!("cannot judge the policies of `{}`: {e}", principal.principal))
    };
    let set = compile(&policies)?;
    // A key's policy must allow too: the check judges the operator's own side, so it assumes
    // the key policy's usual statement that lets the account's IAM policies grant (the
    // default key policy's `Enable IAM User Permissions`; doctor judges the real one).
    let root = format!("arn:{}:iam::{account}:root", plan.spec.region.partition());
    let delegating = PolicyDocument::new(vec![
        Statement::allow(["kms:*"], ["*"]).with_principal(redbridge_iam::policy::Principal::aws([root])),
    ]);
    let key_set = compile(&Policies { resource_policy: Some(delegating), ..policies.clone() })?;
    let planned = planned_policy(plan, command, account);
    let mut missing: Vec<MissingPermission> = Vec::new();
    for call in operator_calls(plan).into_iter().filter(|c| c.command == command && c.account == account && keep(c)) {
        if missing.iter().any(|m| m.action == call.action && m.resource == call.resource) {
            continue;
        }
        let set = if call.action.starts_with("kms:") { &key_set } else { &set };
        if let Some(cause) = denial(&call, principal, set)? {
            let statement = planned_statement(&planned, call.action, &call.resource);
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

fn planned_policy(plan: &Plan, command: OperatorCommand, account: AccountId) -> PolicyDocument {
    let planned = operator_policies(plan);
    [&planned.redshift, &planned.s3]
        .into_iter()
        .chain(&planned.intermediate)
        .find(|p| p.account == account)
        .map(|p| p.policy(command).clone())
        .unwrap_or_else(|| PolicyDocument::new(Vec::new()))
}

/// The statement of `planned` that grants `action` on `resource` (or, failing that, on anything).
fn planned_statement(planned: &PolicyDocument, action: &str, resource: &str) -> Statement {
    let grants = |s: &&Statement| s.action_patterns().iter().any(|a| a == action);
    planned
        .statements
        .iter()
        .filter(grants)
        .find(|s| s.resource_patterns().iter().any(|r| r == resource))
        .or_else(|| planned.statements.iter().find(grants))
        .cloned()
        .unwrap_or_else(|| Statement::allow([action], [resource]))
}

/// What `apply` tells when AWS denied `action` in `account` during a change: the resource (from
/// AWS's message, else the planned one) and the planned statement that grants it.
pub fn access_denied_guidance(plan: &Plan, account: AccountId, action: &str, message: &str) -> MissingPermission {
    let planned = planned_policy(plan, OperatorCommand::Apply, account);
    let calls = operator_calls(plan);
    let call = calls.iter().find(|c| c.command == OperatorCommand::Apply && c.account == account && c.action == action);
    let resource = message
        .split_once(" on resource: ")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or_default().to_owned())
        .filter(|r| !r.is_empty())
        .or_else(|| call.map(|c| c.resource.clone()))
        .unwrap_or_else(|| "*".to_owned());
    MissingPermission {
        account,
        action: call.map(|c| c.action).unwrap_or("unknown"),
        statement: planned_statement(&planned, action, &resource),
        resource,
        condition: call.and_then(|c| c.condition.clone()),
        cause: DenialCause::AccessDenied { message: message.to_owned() },
    }
}

/// The writes `diff` makes, as IAM actions with the resource when it is known: what `apply`
/// judges before its first change (its reads were made already).
pub fn diff_needs(diff: &Diff) -> Vec<(&'static str, Option<String>)> {
    let mut needs = Vec::new();
    for change in diff.accounts.iter().flat_map(|a| &a.changes) {
        let redshift = |target: &Target| match target {
            Target::Provisioned { .. } => "redshift:ModifyClusterIamRoles",
            Target::Serverless { .. } => "redshift-serverless:UpdateNamespace",
        };
        match &change.action {
            Action::CreateRole { role, .. } => {
                needs.push(("iam:CreateRole", Some(role.to_string())));
                needs.push(("iam:TagRole", Some(role.to_string())));
            }
            Action::TagRole { role, .. } => needs.push(("iam:TagRole", Some(role.to_string()))),
            Action::UpdateTrust { role, .. } => needs.push(("iam:UpdateAssumeRolePolicy", Some(role.to_string()))),
            Action::PutRolePolicy { role, .. } => needs.push(("iam:PutRolePolicy", Some(role.to_string()))),
            Action::PutKeyPolicy { key, .. } => needs.push(("kms:PutKeyPolicy", Some(key.to_string()))),
            Action::Attach { target, role, .. } => {
                needs.push(("iam:PassRole", Some(role.to_string())));
                needs.push((redshift(target), None));
            }
            Action::Detach { target, .. } => needs.push((redshift(target), None)),
            Action::DeleteRolePolicy { role, .. } => needs.push(("iam:DeleteRolePolicy", Some(role.to_string()))),
            Action::DeleteRole { role } => needs.push(("iam:DeleteRole", Some(role.to_string()))),
            Action::WaitInSync { .. } | Action::None => {}
        }
    }
    needs
}

/// Whether `call` is one of `needs`.
pub fn needed(needs: &[(&'static str, Option<String>)], call: &OperatorCall) -> bool {
    needs
        .iter()
        .any(|(action, resource)| *action == call.action && resource.as_ref().is_none_or(|r| *r == call.resource))
}

/// What one account's operator may do for one command.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OperatorVerdict {
    /// Everything the command does is allowed.
    Ok {
        /// The caller.
        principal: String,
        /// Why nothing could be missing (root), if that is why.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Some calls are not allowed.
    Missing {
        /// The caller.
        principal: String,
        /// What is missing, in call order.
        missing: Vec<MissingPermission>,
        /// The statements to add, as one policy.
        policy_to_add: PolicyDocument,
    },
    /// The operator's policies could not be read (or judged).
    Unreadable {
        /// The caller, when STS said who it is.
        #[serde(skip_serializing_if = "Option::is_none")]
        principal: Option<String>,
        /// Why.
        reason: String,
    },
}

impl OperatorVerdict {
    /// The verdict of [`check_calls`]' answer for `principal`.
    pub fn of(principal: &PrincipalPolicies, checked: Result<Vec<MissingPermission>, String>) -> Self {
        match checked {
            Ok(missing) if missing.is_empty() => Self::Ok {
                principal: principal.principal.clone(),
                note: (!principal.limited_by_identity_policies()).then(|| super::principal::ROOT_UNLIMITED.to_owned()),
            },
            Ok(missing) => Self::Missing {
                principal: principal.principal.clone(),
                policy_to_add: statements_to_add(&missing),
                missing,
            },
            Err(reason) => Self::Unreadable { principal: Some(principal.principal.clone()), reason },
        }
    }
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
