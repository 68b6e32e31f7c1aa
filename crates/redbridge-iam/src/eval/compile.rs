//! Policies compiled for evaluation: operators parsed, patterns prepared, principals classified.

use std::fmt;
use std::sync::Arc;

use crate::policy::{ActionBlock, Effect, PolicyDocument, PrincipalBlock, ResourceBlock, Statement, VERSION_2012};
use crate::{AccountId, Arn};

use super::EvalError;
use super::condition::{ArnPattern, Condition};
use super::pattern::{NoVariables, Pattern};
use super::request::{Request, RequestPrincipal};

/// The kind of a policy, which decides how it takes part in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// An identity-based policy (inline or managed) of the caller.
    Identity,
    /// The resource-based policy: a bucket policy, a role trust policy, a KMS key policy.
    Resource,
    /// The caller's permissions boundary.
    PermissionsBoundary,
    /// A session policy passed when the session was created.
    Session,
    /// A service control policy of the caller's organization.
    Scp,
    /// A resource control policy of the resource owner's organization.
    Rcp,
}

impl PolicyKind {
    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Resource => "resource",
            Self::PermissionsBoundary => "permissions_boundary",
            Self::Session => "session",
            Self::Scp => "scp",
            Self::Rcp => "rcp",
        }
    }

    /// Whether statements of this kind name principals.
    fn has_principals(self) -> bool {
        matches!(self, Self::Resource | Self::Rcp)
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Identity => "identity policy",
            Self::Resource => "resource policy",
            Self::PermissionsBoundary => "permissions boundary",
            Self::Session => "session policy",
            Self::Scp => "SCP",
            Self::Rcp => "RCP",
        })
    }
}

/// Where a policy sits in a [`PolicySet`](super::PolicySet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyLocation {
    /// The kind.
    pub kind: PolicyKind,
    /// For SCPs and RCPs, the level of the organization path (0 = root).
    pub level: Option<usize>,
    /// The index among the policies of that kind (and level).
    pub index: usize,
}

impl fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.level) {
            (PolicyKind::Resource | PolicyKind::PermissionsBoundary, _) => write!(f, "{}", self.kind),
            (kind, Some(level)) => write!(f, "{kind} level {level} policy {}", self.index),
            (kind, None) => write!(f, "{kind} {}", self.index),
        }
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The policy it belongs to.
    pub policy: PolicyLocation,
    /// Its index in the policy's `Statement` list.
    pub statement: usize,
    /// Its `Sid`, if any.
    pub sid: Option<Arc<str>>,
    /// Its effect.
    pub effect: Effect,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} statement {}", self.policy, self.statement)?;
        if let Some(sid) = &self.sid {
            write!(f, " (`{sid}`)")?;
        }
        write!(f, " ({})", self.effect)
    }
}

/// How a resource-policy statement matched the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Grant {
    /// Through the caller's account (`111111111111` or `arn:aws:iam::111111111111:root`):
    /// the account's own IAM policies must also allow.
    Account,
    /// Through the role ARN of the caller's session: boundaries and session policies still apply.
    Role,
    /// Naming the caller itself (user ARN, session ARN, service, or everyone).
    Exact,
}

/// A compiled `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, Default)]
struct PrincipalMatcher {
    negated: bool,
    everyone: bool,
    aws_everyone: bool,
    accounts: Vec<AccountId>,
    users: Vec<String>,
    /// (account, role name) of role ARNs, which also match the role's sessions.
    roles: Vec<(AccountId, String)>,
    sessions: Vec<String>,
    other_arns: Vec<String>,
    services: Vec<String>,
    /// Unique ids (`AIDA…`, `AROA…`) left by deleted users and roles: they match no caller.
    unique_ids: Vec<String>,
}

impl PrincipalMatcher {
    fn compile(block: &PrincipalBlock) -> Result<Self, String> {
        let (negated, principal) = match block {
            PrincipalBlock::Principal(p) => (false, p),
            PrincipalBlock::NotPrincipal(p) => (true, p),
        };
        let mut out = Self { negated, everyone: principal.any, ..Self::default() };
        for entry in &principal.aws {
            if entry == "*" {
                out.aws_everyone = true;
            } else if entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit()) {
                out.accounts.push(AccountId::parse(entry).map_err(|e| e.to_string())?);
            } else if is_unique_id(entry) {
                // A saved trust policy shows a deleted user's or role's unique id: it names
                // nobody now, not even a new user or role of the same name.
                out.unique_ids.push(entry.clone());
            } else if entry.contains('*') || entry.contains('?') {
                return Err(format!(
                    "`AWS` principal `{entry}`: a principal cannot use a wildcard to match part of a name or ARN; \
                     use `*` alone or a condition on `aws:PrincipalArn`"
                ));
            } else if let Ok(arn) = Arn::parse(entry) {
                let Some(account) = arn.account_id() else {
                    return Err(format!("`AWS` principal `{entry}` has no account id"));
                };
                let resource = arn.resource();
                match arn.service() {
                    "iam" if resource == "root" => out.accounts.push(account),
                    "iam" if resource.starts_with("user/") => out.users.push(entry.clone()),
                    "iam" if resource.starts_with("role/") => {
                        let name = resource.rsplit('/').next().unwrap_or_default().to_owned();
                        out.roles.push((account, name));
                    }
                    "sts" if resource.starts_with("assumed-role/") => out.sessions.push(entry.clone()),
                    _ => out.other_arns.push(entry.clone()),
                }
            } else {
                return Err(format!("`AWS` principal `{entry}` is not an account id, an ARN or `*`"));
            }
        }
        out.services.extend(principal.service.iter().cloned());
        out.other_arns.extend(principal.federated.iter().cloned());
        out.other_arns.extend(principal.canonical_user.iter().cloned());
        Ok(out)
    }

    /// How the listed principals match the caller, ignoring `NotPrincipal`.
    fn grant(&self, principal: &RequestPrincipal) -> Option<Grant> {
        // A wildcard does not name a role session, so session policies and boundaries still cap it.
        let wildcard = match principal {
            RequestPrincipal::AssumedRole { .. } | RequestPrincipal::Role { .. } => Grant::Role,
            _ => Grant::Exact,
        };
        if self.everyone {
            return Some(wildcard);
        }
        if let RequestPrincipal::Service(name) = principal {
            return self.services.iter().any(|s| s == name).then_some(Grant::Exact);
        }
        if self.aws_everyone {
            return Some(wildcard);
        }
        let mut best = None;
        match principal {
            RequestPrincipal::User { arn, .. } | RequestPrincipal::FederatedUser { arn, .. } => {
                if self.users.iter().chain(&self.other_arns).any(|u| u == arn) {
                    return Some(Grant::Exact);
                }
            }
            RequestPrincipal::Role { account, name, .. } => {
                if self.roles.iter().any(|(a, n)| a == account && n == name) {
                    best = Some(Grant::Role);
                }
            }
            RequestPrincipal::AssumedRole { arn, account, role_name, .. } => {
                if self.sessions.iter().any(|s| s == arn) {
                    return Some(Grant::Exact);
                }
                if self.roles.iter().any(|(a, n)| a == account && n == role_name) {
                    best = Some(Grant::Role);
                }
            }
            RequestPrincipal::Root { .. } | RequestPrincipal::Service(_) => {}
        }
        if best.is_none() && principal.account().is_some_and(|a| self.accounts.contains(&a)) {
            best = Some(Grant::Account);
        }
        best
    }

    /// Whether `NotPrincipal` spares the caller: every entity AWS may validate for it is named.
    ///
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>:
    /// AWS "might validate the account first and then the user", and for a role session "the
    /// account first, then the role, and then the assumed-role user"; an entity left out may be
    /// denied. So a user is spared only when its ARN and its account are named, a role session
    /// only when its session ARN, its role ARN and its account are.
    fn spares(&self, principal: &RequestPrincipal) -> bool {
        if self.everyone {
            return true;
        }
        if let RequestPrincipal::Service(name) = principal {
            return self.services.iter().any(|s| s == name);
        }
        if self.aws_everyone {
            return true;
        }
        let account_named = principal.account().is_some_and(|a| self.accounts.contains(&a));
        let role_named = |account: &AccountId, name: &str| self.roles.iter().any(|(a, n)| a == account && n == name);
        account_named
            && match principal {
                RequestPrincipal::Root { .. } => true,
                RequestPrincipal::User { arn, .. } => self.users.iter().any(|u| u == arn),
                RequestPrincipal::FederatedUser { arn, .. } => self.other_arns.iter().any(|u| u == arn),
                RequestPrincipal::Role { account, name, .. } => role_named(account, name),
                RequestPrincipal::AssumedRole { arn, account, role_name, .. } => {
                    self.sessions.iter().any(|s| s == arn) && role_named(account, role_name)
                }
                RequestPrincipal::Service(_) => false,
            }
    }

    /// Whether the statement applies to the caller, and how it grants; `bounded`: the caller
    /// has a permissions boundary, which no `NotPrincipal` spares.
    fn applies(&self, principal: &RequestPrincipal, bounded: bool) -> Option<Grant> {
        if !self.negated {
            return self.grant(principal);
        }
        // "The NotPrincipal element with a Deny effect will always deny any IAM principal that
        // has a permissions boundary policy attached, regardless of the values specified in the
        // NotPrincipal element." (only `Deny` statements may carry `NotPrincipal`)
        let boundary_applies = bounded && !principal.is_service();
        (boundary_applies || !self.spares(principal)).then_some(Grant::Exact)
    }
}

/// A compiled statement.
#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub(crate) index: usize,
    pub(crate) sid: Option<Arc<str>>,
    pub(crate) effect: Effect,
    principal: Option<PrincipalMatcher>,
    not_action: bool,
    actions: Vec<Pattern>,
    not_resource: bool,
    /// `None`: no `Resource` element (trust policies): every resource.
    resources: Option<Vec<ArnPattern>>,
    conditions: Vec<Condition>,
}

impl CompiledStatement {
    /// Whether the statement applies to the request; for statements with principals, how it grants.
    /// `bounded`: the caller has a permissions boundary (see [`PrincipalMatcher::applies`]).
    pub(crate) fn applies(&self, request: &Request, bounded: bool) -> Option<Grant> {
        let action = request.action_lower();
        let action_hit = self.actions.iter().any(|p| p.matches(action, &NoVariables));
        if action_hit == self.not_action {
            return None;
        }
        if let Some(resources) = &self.resources {
            let resource = request.resource();
            let hit = resources.iter().any(|p| p.matches(resource, request));
            if hit == self.not_resource {
                return None;
            }
        }
        let grant = match &self.principal {
            Some(p) => p.applies(request.principal(), bounded)?,
            None => Grant::Exact,
        };
        if self.conditions.iter().all(|c| c.holds(request)) { Some(grant) } else { None }
    }

    /// Whether the statement names its principals with `NotPrincipal`.
    pub(crate) fn has_not_principal(&self) -> bool {
        self.principal.as_ref().is_some_and(|p| p.negated)
    }

    /// The outcome of every condition, for explanations.
    pub(crate) fn condition_outcomes(&self, request: &Request) -> Vec<super::ConditionOutcome> {
        self.conditions.iter().map(|c| c.outcome(request)).collect()
    }
}

/// A policy compiled for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub(crate) location: PolicyLocation,
    pub(crate) statements: Vec<CompiledStatement>,
}

impl CompiledPolicy {
    /// Compiles `document` as the policy at `location`; errors name the policy and the statement.
    pub fn compile(document: &PolicyDocument, location: PolicyLocation) -> Result<Self, EvalError> {
        let variables = document.version.as_deref() == Some(VERSION_2012);
        let statements = document
            .statements
            .iter()
            .enumerate()
            .map(|(index, statement)| {
                compile_statement(statement, index, location.kind, variables).map_err(|message| EvalError::Policy {
                    location,
                    statement: index,
                    sid: statement.sid.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { location, statements })
    }

    /// Where this policy sits.
    pub fn location(&self) -> PolicyLocation {
        self.location
    }

    pub(crate) fn reference(&self, statement: &CompiledStatement) -> StatementRef {
        StatementRef {
            policy: self.location,
            statement: statement.index,
            sid: statement.sid.clone(),
            effect: statement.effect,
        }
    }
}

fn compile_statement(
    statement: &Statement,
    index: usize,
    kind: PolicyKind,
    variables: bool,
) -> Result<CompiledStatement, String> {
    let principal = match (&statement.principal, kind.has_principals()) {
        (Some(PrincipalBlock::NotPrincipal(_)), true) if statement.effect == Effect::Allow => {
            return Err("`NotPrincipal` with `Allow` is not supported; `NotPrincipal` must be used with `Deny` \
                 (grant with `Principal` and a condition on `aws:PrincipalArn`)"
                .to_owned());
        }
        (Some(block), true) => Some(PrincipalMatcher::compile(block)?),
        (None, true) => return Err(format!("a {kind} statement needs `Principal` or `NotPrincipal`")),
        (Some(_), false) => return Err(format!("`Principal` is not allowed in a {kind}")),
        (None, false) => None,
    };
    let (not_action, action_texts) = match &statement.action {
        ActionBlock::Action(a) => (false, a),
        ActionBlock::NotAction(a) => (true, a),
    };
    let actions = action_texts
        .iter()
        .map(|a| {
            if a != "*" && !a.contains(':') {
                return Err(format!("action `{a}` is not `service:Action` or `*`"));
            }
            Pattern::compile(a, true, false)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (not_resource, resources) = match &statement.resource {
        Some(ResourceBlock::Resource(r)) => (false, Some(r)),
        Some(ResourceBlock::NotResource(r)) => (true, Some(r)),
        None if kind == PolicyKind::Resource => (false, None),
        None => return Err(format!("a {kind} statement needs `Resource` or `NotResource`")),
    };
    let resources = resources
        .map(|r| r.iter().map(|r| ArnPattern::compile(r, variables)).collect::<Result<Vec<_>, _>>())
        .transpose()?;
    let mut conditions = Vec::new();
    for (operator, keys) in &statement.condition {
        for (key, values) in keys {
            conditions.push(Condition::compile(operator, key, values, variables)?);
        }
    }
    let _ = index;
    Ok(CompiledStatement {
        index,
        sid: statement.sid.as_deref().map(Arc::from),
        effect: statement.effect,
        principal,
        not_action,
        actions,
        not_resource,
        resources,
        conditions,
    })
}

/// Whether `text` is an IAM unique id of a user (`AIDA…`) or a role (`AROA…`), as a saved policy
/// shows a principal whose user or role was deleted.
fn is_unique_id(text: &str) -> bool {
    (text.starts_with("AIDA") || text.starts_with("AROA"))
        && text.len() >= 16
        && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
