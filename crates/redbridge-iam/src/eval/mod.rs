//! The IAM policy evaluator: decides a request against every policy that applies, and explains why.
//!
//! Semantics follow the AWS documentation:
//! [policy evaluation logic](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
//! and [cross-account policy evaluation](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
//!
//! Use it in two steps: compile the policies once ([`PolicySet::compile`]), then evaluate as many
//! [`Request`]s as needed ([`evaluate`]). The result is a [`Decision`]: the [`Outcome`], the
//! statements that decided it and, for an implicit deny, what was missing.
//!
//! ```
//! use redbridge_iam::eval::{evaluate, Outcome, Policies, PolicySet, Request};
//! use redbridge_iam::policy::PolicyDocument;
//!
//! let identity = PolicyDocument::from_json(r#"{"Version":"2012-10-17","Statement":
//!     {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}}"#).unwrap();
//! let set = PolicySet::compile(&Policies { identity_policies: vec![identity], ..Policies::default() }).unwrap();
//! let request = Request::new("arn:aws:iam::111111111111:role/Reader", "s3:GetObject", "arn:aws:s3:::data/a.csv")
//!     .unwrap()
//!     .with_resource_account("111111111111".parse().unwrap());
//! assert_eq!(evaluate(&request, &set).unwrap().outcome, Outcome::Allowed);
//! ```

mod compile;
mod condition;
pub mod input;
mod pattern;
pub mod redshift;
mod request;
mod values;

use std::fmt;

use crate::Arn;
use crate::policy::PolicyDocument;

pub use compile::{CompiledPolicy, PolicyKind, PolicyLocation, StatementRef};
pub use condition::ConditionOutcome;
pub use request::{ContextValue, Request, RequestPrincipal};

use compile::Grant;

/// Why a policy or a request could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A policy statement cannot be evaluated (unknown operator, bad value, misplaced element).
    #[error("{location}, statement {statement}{}: {message}", sid.as_deref().map(|s| format!(" (`{s}`)")).unwrap_or_default())]
    Policy {
        /// The policy.
        location: PolicyLocation,
        /// The statement index.
        statement: usize,
        /// The statement's `Sid`.
        sid: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The request is incomplete or malformed.
    #[error("{0}")]
    Request(String),
}

/// Every policy that applies to a request, as documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    /// The caller's identity-based policies, inline and managed alike.
    pub identity_policies: Vec<PolicyDocument>,
    /// The resource-based policy (bucket policy, trust policy, key policy), if the resource has one.
    pub resource_policy: Option<PolicyDocument>,
    /// The caller's permissions boundary, if any.
    pub permissions_boundary: Option<PolicyDocument>,
    /// Session policies passed when the caller's session was created; together they cap the session.
    pub session_policies: Vec<PolicyDocument>,
    /// The caller's SCPs, one list per level of its organization path (root first).
    pub scps: Vec<Vec<PolicyDocument>>,
    /// The resource owner's RCPs, one list per level of its organization path (root first).
    pub rcps: Vec<Vec<PolicyDocument>>,
}

/// Policies compiled once for many evaluations.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    identity: Vec<CompiledPolicy>,
    resource: Option<CompiledPolicy>,
    boundary: Option<CompiledPolicy>,
    session: Vec<CompiledPolicy>,
    scps: Vec<Vec<CompiledPolicy>>,
    rcps: Vec<Vec<CompiledPolicy>>,
}

impl PolicySet {
    /// Compiles every policy; the first malformed statement is an error naming its policy.
    pub fn compile(policies: &Policies) -> Result<Self, EvalError> {
        let one = |doc: &PolicyDocument, kind, level, index| {
            CompiledPolicy::compile(doc, PolicyLocation { kind, level, index })
        };
        let list = |docs: &[PolicyDocument], kind| {
            docs.iter().enumerate().map(|(i, d)| one(d, kind, None, i)).collect::<Result<Vec<_>, _>>()
        };
        let levels = |levels: &[Vec<PolicyDocument>], kind| {
            levels
                .iter()
                .enumerate()
                .map(|(level, docs)| {
                    docs.iter().enumerate().map(|(i, d)| one(d, kind, Some(level), i)).collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            identity: list(&policies.identity_policies, PolicyKind::Identity)?,
            resource: policies.resource_policy.as_ref().map(|d| one(d, PolicyKind::Resource, None, 0)).transpose()?,
            boundary: policies
                .permissions_boundary
                .as_ref()
                .map(|d| one(d, PolicyKind::PermissionsBoundary, None, 0))
                .transpose()?,
            session: list(&policies.session_policies, PolicyKind::Session)?,
            scps: levels(&policies.scps, PolicyKind::Scp)?,
            rcps: levels(&policies.rcps, PolicyKind::Rcp)?,
        })
    }

    /// The policy at `location`, found by its kind, level and index (no scan of the others).
    fn policy(&self, location: PolicyLocation) -> Option<&CompiledPolicy> {
        let policy = match (location.kind, location.level) {
            (PolicyKind::Identity, _) => self.identity.get(location.index),
            (PolicyKind::Session, _) => self.session.get(location.index),
            (PolicyKind::Resource, _) => self.resource.as_ref().filter(|_| location.index == 0),
            (PolicyKind::PermissionsBoundary, _) => self.boundary.as_ref().filter(|_| location.index == 0),
            (PolicyKind::Scp, Some(level)) => self.scps.get(level).and_then(|l| l.get(location.index)),
            (PolicyKind::Rcp, Some(level)) => self.rcps.get(level).and_then(|l| l.get(location.index)),
            (PolicyKind::Scp | PolicyKind::Rcp, None) => None,
        };
        policy.filter(|p| p.location == location)
    }

    /// How each condition of the statement `reference` fares for `request` (for explanations).
    ///
    /// The statement is found by its place (policy, then statement index), not by scanning every
    /// statement, so explaining `n` deciding statements costs time linear in `n`.
    pub fn condition_outcomes(&self, reference: &StatementRef, request: &Request) -> Vec<ConditionOutcome> {
        self.policy(reference.policy)
            .and_then(|p| p.statements.get(reference.statement))
            .filter(|s| s.index == reference.statement)
            .map(|s| s.condition_outcomes(request))
            .unwrap_or_default()
    }
}

/// The three outcomes IAM knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Every required policy allows and none denies.
    Allowed,
    /// A statement denies explicitly; nothing can override it.
    ExplicitDeny,
    /// No explicit deny, but a required allow is missing.
    ImplicitDeny,
}

impl Outcome {
    /// `allowed`, `explicit_deny` or `implicit_deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::ExplicitDeny => "explicit_deny",
            Self::ImplicitDeny => "implicit_deny",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A required allow that was missing, for implicit denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No SCP at this level of the caller's organization allows the action.
    ScpLevel(usize),
    /// No RCP at this level of the resource owner's organization allows the request.
    RcpLevel(usize),
    /// The resource-based policy does not allow this caller (required across accounts, for role
    /// trust, KMS keys and service principals).
    ResourcePolicy,
    /// The resource policy grants only to the caller's account, so the caller's identity policies must allow.
    IdentityPolicy,
    /// Same account: neither an identity policy nor the resource policy allows.
    IdentityOrResourcePolicy,
    /// The permissions boundary does not allow.
    PermissionsBoundary,
    /// No session policy allows.
    SessionPolicy,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ScpLevel(level) => write!(f, "no SCP at organization level {level} allows the action"),
            Self::RcpLevel(level) => write!(f, "no RCP at organization level {level} allows the request"),
            Self::ResourcePolicy => f.write_str("the resource policy does not allow this principal"),
            Self::IdentityPolicy => f.write_str("no identity policy of the caller allows the action on the resource"),
            Self::IdentityOrResourcePolicy => {
                f.write_str("neither an identity policy nor the resource policy allows the action")
            }
            Self::PermissionsBoundary => f.write_str("the permissions boundary does not allow the action"),
            Self::SessionPolicy => f.write_str("no session policy allows the action"),
        }
    }
}

/// How an allowed request got through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowPath {
    /// A service principal trusted by the resource policy.
    ServiceTrust,
    /// Same account: the resource policy names the caller (or its role).
    SameAccountResourcePolicy,
    /// Same account: the caller's identity policies allow.
    SameAccountIdentity,
    /// Across accounts: the resource policy and the caller's identity policies both allow.
    CrossAccount,
}

impl fmt::Display for AllowPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ServiceTrust => "the resource policy trusts the service principal",
            Self::SameAccountResourcePolicy => "same account: the resource policy names the principal",
            Self::SameAccountIdentity => "same account: an identity policy allows",
            Self::CrossAccount => "cross account: both the resource policy and an identity policy allow",
        })
    }
}

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed, explicitly denied or implicitly denied.
    pub outcome: Outcome,
    /// The statements that decided: every matching `Deny` for an explicit deny; the allows the
    /// decision rests on when allowed; empty for an implicit deny.
    pub deciding: Vec<StatementRef>,
    /// For an implicit deny: the first required allow that is missing.
    pub missing: Option<Missing>,
    /// For an allow: how the request got through.
    pub path: Option<AllowPath>,
    /// Whether the caller and the resource are in the same account.
    pub same_account: bool,
    /// Whether the caller is an AWS service principal (only the resource policy counts then).
    pub service_principal: bool,
}

impl Decision {
    /// A few lines explaining the decision to a person.
    pub fn explain(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self.outcome {
            Outcome::Allowed => {
                lines.push("allowed".to_owned());
                if let Some(path) = self.path {
                    lines.push(format!("because {path}"));
                }
                for s in &self.deciding {
                    lines.push(format!("  allowed by {s}"));
                }
            }
            Outcome::ExplicitDeny => {
                lines.push("explicitly denied: a deny always wins".to_owned());
                for s in &self.deciding {
                    lines.push(format!("  denied by {s}"));
                }
            }
            Outcome::ImplicitDeny => {
                lines.push("implicitly denied: no explicit deny, but a required allow is missing".to_owned());
                if let Some(missing) = self.missing {
                    lines.push(format!("  {missing}"));
                }
                lines.push(if self.service_principal {
                    "  (a service principal needs only the resource policy, but it must name the service)".to_owned()
                } else if self.same_account {
                    "  (same account: an identity policy or a resource policy naming the principal is enough, except for role trust and KMS keys)".to_owned()
                } else {
                    "  (cross account: both the caller's identity policy and the resource policy must allow)".to_owned()
                });
            }
        }
        lines
    }

    fn denied(missing: Missing, same_account: bool, service_principal: bool) -> Self {
        Self {
            outcome: Outcome::ImplicitDeny,
            deciding: Vec::new(),
            missing: Some(missing),
            path: None,
            same_account,
            service_principal,
        }
    }
}

/// Matches `text` against an IAM wildcard `pattern` (`*` any run, `?` one character), as IAM
/// matches actions (`ignore_case`) and resources (exact case). Policy variables are not expanded.
pub fn matches_wildcard(pattern: &str, text: &str, ignore_case: bool) -> bool {
    match pattern::Pattern::compile(pattern, ignore_case, false) {
        Ok(compiled) if ignore_case => compiled.matches(&text.to_ascii_lowercase(), &pattern::NoVariables),
        Ok(compiled) => compiled.matches(text, &pattern::NoVariables),
        Err(_) => false,
    }
}

/// Whether the request is judged by a role trust policy (`sts:AssumeRole*`, `sts:TagSession`, … on a role).
fn is_role_trust(request: &Request) -> bool {
    let resource = request.resource();
    request.action_lower().starts_with("sts:")
        && resource.starts_with("arn:")
        && resource.contains(":iam::")
        && resource.contains(":role/")
}

/// Whether the resource policy must allow whatever the identity policies say: role trust
/// policies and KMS key policies.
fn resource_policy_required(request: &Request) -> bool {
    let action = request.action_lower();
    let resource = request.resource();
    is_role_trust(request)
        || (action.starts_with("kms:")
            && resource.starts_with("arn:")
            && resource.contains(":kms:")
            && resource.contains(":key/"))
}

/// Statements of one policy that apply: pushes denies, returns the best allow grant.
fn scan(
    policy: &CompiledPolicy,
    request: &Request,
    bounded: bool,
    denies: &mut Vec<StatementRef>,
    allows: &mut Vec<StatementRef>,
) -> Option<Grant> {
    let mut best: Option<Grant> = None;
    for statement in &policy.statements {
        if let Some(grant) = statement.applies(request, bounded) {
            match statement.effect {
                crate::policy::Effect::Deny => denies.push(policy.reference(statement)),
                crate::policy::Effect::Allow => {
                    allows.push(policy.reference(statement));
                    best = best.max(Some(grant));
                }
            }
        }
    }
    best
}

/// Decides `request` against `policies`.
///
/// Errors only when the request cannot be placed: the resource names no account and
/// [`Request::with_resource_account`] was not given, for a caller that is not a service.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Result<Decision, EvalError> {
    let principal = request.principal();
    let is_service = principal.is_service();
    let resource_account = request.resource_account();
    if resource_account.is_none() && !is_service && Arn::parse(request.resource()).is_ok() {
        return Err(EvalError::Request(format!(
            "the resource `{}` names no account; give `resource_account` (the account that owns it)",
            request.resource()
        )));
    }
    let same_account = match (principal.account(), resource_account) {
        (Some(a), Some(b)) => a == b,
        // Resources that are not ARNs (such as `*`) belong to the caller's account.
        (Some(_), None) => true,
        _ => false,
    };
    let is_root = matches!(principal, RequestPrincipal::Root { .. });
    let bounded = policies.boundary.is_some();
    if let Some(trust) = policies.resource.as_ref().filter(|_| is_role_trust(request)) {
        // "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM
        // role trust policy." (reference_policies_elements_notprincipal.html)
        if let Some(statement) = trust.statements.iter().find(|s| s.has_not_principal()) {
            return Err(EvalError::Policy {
                location: trust.location,
                statement: statement.index,
                sid: statement.sid.as_deref().map(str::to_owned),
                message:
                    "`NotPrincipal` cannot be used in a role trust policy; name the trusted principals with `Principal`"
                        .to_owned(),
            });
        }
    }

    let mut denies = Vec::new();
    let mut scp_allows = Vec::new();
    let mut rcp_allows = Vec::new();
    let mut resource_allows = Vec::new();
    let mut boundary_allows = Vec::new();
    let mut session_allows = Vec::new();
    let mut identity_allows = Vec::new();

    // SCPs never apply to service principals.
    let mut scp_missing = None;
    if !is_service {
        for (level, policies) in policies.scps.iter().enumerate() {
            let before = scp_allows.len();
            for policy in policies {
                scan(policy, request, bounded, &mut denies, &mut scp_allows);
            }
            if scp_allows.len() == before && scp_missing.is_none() {
                scp_missing = Some(level);
            }
        }
    }
    let mut rcp_missing = None;
    for (level, policies) in policies.rcps.iter().enumerate() {
        let before = rcp_allows.len();
        for policy in policies {
            scan(policy, request, bounded, &mut denies, &mut rcp_allows);
        }
        if rcp_allows.len() == before && rcp_missing.is_none() {
            rcp_missing = Some(level);
        }
    }
    let grant = policies.resource.as_ref().and_then(|p| scan(p, request, bounded, &mut denies, &mut resource_allows));
    let (mut boundary_ok, mut session_ok, mut identity_ok) = (true, true, is_root);
    if !is_service {
        if let Some(boundary) = &policies.boundary {
            boundary_ok = scan(boundary, request, bounded, &mut denies, &mut boundary_allows).is_some();
        }
        if !policies.session.is_empty() {
            session_ok = false;
            for policy in &policies.session {
                session_ok |= scan(policy, request, bounded, &mut denies, &mut session_allows).is_some();
            }
        }
        for policy in &policies.identity {
            identity_ok |= scan(policy, request, bounded, &mut denies, &mut identity_allows).is_some();
        }
    }

    if !denies.is_empty() {
        return Ok(Decision {
            outcome: Outcome::ExplicitDeny,
            deciding: denies,
            missing: None,
            path: None,
            same_account,
            service_principal: is_service,
        });
    }
    if let Some(level) = scp_missing {
        return Ok(Decision::denied(Missing::ScpLevel(level), same_account, is_service));
    }
    if let Some(level) = rcp_missing {
        return Ok(Decision::denied(Missing::RcpLevel(level), same_account, is_service));
    }

    let allowed = |path: AllowPath, parts: &[&Vec<StatementRef>]| {
        let mut deciding: Vec<StatementRef> = Vec::new();
        for list in [&scp_allows, &rcp_allows].into_iter().chain(parts.iter().copied()) {
            deciding.extend(list.iter().cloned());
        }
        Ok(Decision {
            outcome: Outcome::Allowed,
            deciding,
            missing: None,
            path: Some(path),
            same_account,
            service_principal: is_service,
        })
    };

    if is_service {
        return match grant {
            Some(_) => allowed(AllowPath::ServiceTrust, &[&resource_allows]),
            None => Ok(Decision::denied(Missing::ResourcePolicy, same_account, is_service)),
        };
    }

    // The caller's own side: identity, boundary and session policies must all allow.
    let own_side_missing = if !identity_ok {
        Some(Missing::IdentityPolicy)
    } else if !boundary_ok {
        Some(Missing::PermissionsBoundary)
    } else if !session_ok {
        Some(Missing::SessionPolicy)
    } else {
        None
    };
    let own_side: [&Vec<StatementRef>; 3] = [&identity_allows, &boundary_allows, &session_allows];

    if same_account {
        // A resource policy naming the caller grants on its own; naming the caller's role ARN,
        // it is still capped by the boundary and session policies.
        match grant {
            Some(Grant::Exact) => return allowed(AllowPath::SameAccountResourcePolicy, &[&resource_allows]),
            Some(Grant::Role) if boundary_ok && session_ok => {
                return allowed(
                    AllowPath::SameAccountResourcePolicy,
                    &[&resource_allows, &boundary_allows, &session_allows],
                );
            }
            // The role ARN stands in for the identity policy, so what is missing is the cap.
            Some(Grant::Role) if !resource_policy_required(request) => {
                let missing = if boundary_ok { Missing::SessionPolicy } else { Missing::PermissionsBoundary };
                return Ok(Decision::denied(missing, same_account, is_service));
            }
            _ => {}
        }
        let required = resource_policy_required(request);
        if required && grant.is_none() {
            return Ok(Decision::denied(Missing::ResourcePolicy, same_account, is_service));
        }
        return match own_side_missing {
            None if required => {
                let mut parts = vec![&resource_allows];
                parts.extend(own_side);
                allowed(AllowPath::SameAccountIdentity, &parts)
            }
            None => allowed(AllowPath::SameAccountIdentity, &own_side),
            Some(Missing::IdentityPolicy) if grant.is_none() => {
                Ok(Decision::denied(Missing::IdentityOrResourcePolicy, same_account, is_service))
            }
            Some(missing) => Ok(Decision::denied(missing, same_account, is_service)),
        };
    }

    if grant.is_none() {
        return Ok(Decision::denied(Missing::ResourcePolicy, same_account, is_service));
    }
    match own_side_missing {
        Some(missing) => Ok(Decision::denied(missing, same_account, is_service)),
        None => {
            let mut parts = vec![&resource_allows];
            parts.extend(own_side);
            allowed(AllowPath::CrossAccount, &parts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy of `n` deny statements, statement `i` with a condition on its own key.
    fn denies(n: usize, tag: &str) -> PolicyDocument {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"Sid":"{tag}{i}","Effect":"Deny","Action":"s3:GetObject","Resource":"*",
                        "Condition":{{"StringEqualsIfExists":{{"aws:RequestTag/{tag}{i}":"v"}}}}}}"#
                )
            })
            .collect();
        PolicyDocument::from_json(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_deciding_statement_explains_its_own_conditions_found_by_its_place() {
        let allow = PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let policies = Policies {
            identity_policies: vec![allow.clone(), denies(2_000, "id")],
            scps: vec![vec![allow], vec![denies(3, "scp")]],
            ..Policies::default()
        };
        let set = PolicySet::compile(&policies).unwrap_or_else(|e| panic!("{e}"));
        let request = Request::new("arn:aws:iam::111111111111:user/U", "s3:GetObject", "arn:aws:s3:::b/k")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_resource_account("111111111111".parse().unwrap_or_else(|e| panic!("{e}")));
        let decision = evaluate(&request, &set).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decision.outcome, Outcome::ExplicitDeny);
        assert_eq!(decision.deciding.len(), 2_003);
        for reference in &decision.deciding {
            let sid = reference.sid.as_deref().unwrap_or_default();
            let outcomes = set.condition_outcomes(reference, &request);
            assert_eq!(outcomes.len(), 1, "{sid}");
            assert_eq!(outcomes[0].key, format!("aws:RequestTag/{sid}"));
            assert!(outcomes[0].held);
        }
        // A reference to a place that holds no policy has no conditions (and no panic).
        let mut stray = decision.deciding[0].clone();
        stray.policy.index = 7;
        assert!(set.condition_outcomes(&stray, &request).is_empty());
        stray.statement = usize::MAX;
        assert!(set.condition_outcomes(&stray, &request).is_empty());
    }
}
