//! The request being authorized: who calls, what action on which resource, and the context keys.

use std::collections::HashMap;

use crate::{AccountId, Arn, Partition};

use super::EvalError;

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// The account's root user, `arn:aws:iam::111111111111:root`.
    Root {
        /// The partition.
        partition: Partition,
        /// The account.
        account: AccountId,
    },
    /// An IAM user.
    User {
        /// The user ARN, as given.
        arn: String,
        /// The account.
        account: AccountId,
        /// The user name (last path element).
        name: String,
    },
    /// An IAM role named by its role ARN (a request made with the role's credentials).
    Role {
        /// The role ARN, as given.
        arn: String,
        /// The account.
        account: AccountId,
        /// The role name (last path element).
        name: String,
    },
    /// A role session, `arn:aws:sts::111111111111:assumed-role/Role/session`.
    AssumedRole {
        /// The session ARN, as given.
        arn: String,
        /// The partition.
        partition: Partition,
        /// The account.
        account: AccountId,
        /// The role name.
        role_name: String,
        /// The session name.
        session_name: String,
    },
    /// A federated user session, `arn:aws:sts::111111111111:federated-user/name`.
    FederatedUser {
        /// The session ARN.
        arn: String,
        /// The account.
        account: AccountId,
    },
    /// An AWS service principal such as `redshift.amazonaws.com`.
    Service(String),
}

impl RequestPrincipal {
    /// Parses a principal: a root, user, role, assumed-role or federated-user ARN, a 12-digit
    /// account id (its root), or a service principal name.
    pub fn parse(text: &str) -> Result<Self, EvalError> {
        let bad = |reason: &str| EvalError::Request(format!("principal `{text}`: {reason}"));
        if text.starts_with("arn:") {
            let arn = Arn::parse(text).map_err(|e| bad(e.reason()))?;
            let account = arn.account_id().ok_or_else(|| bad("the ARN has no account id"))?;
            let resource = arn.resource();
            let last = |r: &str| r.rsplit('/').next().unwrap_or_default().to_owned();
            return match arn.service() {
                "iam" if resource == "root" => Ok(Self::Root { partition: arn.partition(), account }),
                "iam" if resource.starts_with("user/") => {
                    Ok(Self::User { arn: text.to_owned(), account, name: last(resource) })
                }
                "iam" if resource.starts_with("role/") => {
                    Ok(Self::Role { arn: text.to_owned(), account, name: last(resource) })
                }
                "sts" if resource.starts_with("assumed-role/") => {
                    let mut parts = resource["assumed-role/".len()..].splitn(2, '/');
                    match (parts.next(), parts.next()) {
                        (Some(role), Some(session)) if !role.is_empty() && !session.is_empty() => {
                            Ok(Self::AssumedRole {
                                arn: text.to_owned(),
                                partition: arn.partition(),
                                account,
                                role_name: role.to_owned(),
                                session_name: session.to_owned(),
                            })
                        }
                        _ => Err(bad("an assumed-role ARN ends in `assumed-role/ROLE/SESSION`")),
                    }
                }
                "sts" if resource.starts_with("federated-user/") => {
                    Ok(Self::FederatedUser { arn: text.to_owned(), account })
                }
                _ => Err(bad("expected a root, user, role, assumed-role or federated-user ARN")),
            };
        }
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            let account = AccountId::parse(text).map_err(|e| bad(e.reason()))?;
            return Ok(Self::Root { partition: Partition::Aws, account });
        }
        if !text.is_empty()
            && text.contains('.')
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return Ok(Self::Service(text.to_owned()));
        }
        Err(bad("expected an ARN, an account id or a service principal such as `redshift.amazonaws.com`"))
    }

    /// The principal's account; `None` for service principals.
    pub fn account(&self) -> Option<AccountId> {
        match self {
            Self::Root { account, .. }
            | Self::User { account, .. }
            | Self::Role { account, .. }
            | Self::AssumedRole { account, .. }
            | Self::FederatedUser { account, .. } => Some(*account),
            Self::Service(_) => None,
        }
    }

    /// Whether this is an AWS service principal.
    pub fn is_service(&self) -> bool {
        matches!(self, Self::Service(_))
    }

    /// The principal as written in requests and error messages.
    pub fn display(&self) -> String {
        match self {
            Self::Root { partition, account } => format!("arn:{partition}:iam::{account}:root"),
            Self::User { arn, .. }
            | Self::Role { arn, .. }
            | Self::AssumedRole { arn, .. }
            | Self::FederatedUser { arn, .. } => arn.clone(),
            Self::Service(s) => s.clone(),
        }
    }
}

/// A context key's value as the request gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single value (strings, numbers and booleans are compared as strings).
    Single(String),
    /// A multivalued key, such as `aws:TagKeys` (possibly empty).
    Multi(Vec<String>),
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        Self::Single(s.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        Self::Single(s)
    }
}

impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        Self::Single(b.to_string())
    }
}

/// A borrowed context value, given or derived.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ValueRef<'a> {
    One(&'a str),
    Many(&'a [String]),
}

/// One request to authorize.
#[derive(Debug, Clone)]
pub struct Request {
    principal: RequestPrincipal,
    action: String,
    action_lower: String,
    resource: String,
    resource_account: Option<AccountId>,
    context: HashMap<String, ContextValue>,
    /// Keys derived from the principal, lowercased, used when the context does not give them.
    derived: Vec<(&'static str, String)>,
}

impl Request {
    /// A request by `principal` (see [`RequestPrincipal::parse`]) for `action` on `resource`.
    pub fn new(principal: &str, action: &str, resource: &str) -> Result<Self, EvalError> {
        Ok(Self::from_principal(RequestPrincipal::parse(principal)?, action, resource))
    }

    /// A request by an already parsed principal.
    pub fn from_principal(principal: RequestPrincipal, action: &str, resource: &str) -> Self {
        let derived = derive_keys(&principal);
        Self {
            principal,
            action: action.to_owned(),
            action_lower: action.to_ascii_lowercase(),
            resource: resource.to_owned(),
            resource_account: None,
            context: HashMap::new(),
            derived,
        }
    }

    /// Sets the account that owns the resource (needed when the resource ARN has no account, as in S3).
    pub fn with_resource_account(mut self, account: AccountId) -> Self {
        self.resource_account = Some(account);
        self
    }

    /// Adds a context key; key names are case-insensitive.
    pub fn with_context(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.context.insert(key.to_ascii_lowercase(), value.into());
        self
    }

    /// The principal.
    pub fn principal(&self) -> &RequestPrincipal {
        &self.principal
    }

    /// The action, as given.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The action, lowercased.
    pub(crate) fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The resource, as given.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The resource owner: the explicit one, else the account in the resource ARN.
    pub fn resource_account(&self) -> Option<AccountId> {
        self.resource_account.or_else(|| Arn::parse(&self.resource).ok().and_then(|a| a.account_id()))
    }

    /// A context key's value: given in the request, else derived from the principal.
    pub(crate) fn context_value(&self, key_lower: &str) -> Option<ValueRef<'_>> {
        if let Some(v) = self.context.get(key_lower) {
            return Some(match v {
                ContextValue::Single(s) => ValueRef::One(s),
                ContextValue::Multi(v) => ValueRef::Many(v),
            });
        }
        self.derived.iter().find(|(k, _)| *k == key_lower).map(|(_, v)| ValueRef::One(v.as_str()))
    }
}

/// Global keys IAM sets from the principal itself.
fn derive_keys(principal: &RequestPrincipal) -> Vec<(&'static str, String)> {
    let mut keys = Vec::with_capacity(6);
    match principal {
        RequestPrincipal::Root { partition, account } => {
            keys.push(("aws:principalarn", format!("arn:{partition}:iam::{account}:root")));
            keys.push(("aws:principaltype", "Account".to_owned()));
            keys.push(("aws:userid", account.to_string()));
        }
        RequestPrincipal::User { arn, name, .. } => {
            keys.push(("aws:principalarn", arn.clone()));
            keys.push(("aws:principaltype", "User".to_owned()));
            keys.push(("aws:username", name.clone()));
        }
        RequestPrincipal::Role { arn, .. } => {
            keys.push(("aws:principalarn", arn.clone()));
            keys.push(("aws:principaltype", "AssumedRole".to_owned()));
        }
        RequestPrincipal::AssumedRole { partition, account, role_name, .. } => {
            keys.push(("aws:principalarn", format!("arn:{partition}:iam::{account}:role/{role_name}")));
            keys.push(("aws:principaltype", "AssumedRole".to_owned()));
        }
        RequestPrincipal::FederatedUser { arn, .. } => {
            keys.push(("aws:principalarn", arn.clone()));
            keys.push(("aws:principaltype", "FederatedUser".to_owned()));
        }
        RequestPrincipal::Service(name) => {
            keys.push(("aws:principalservicename", name.clone()));
            keys.push(("aws:principalisawsservice", "true".to_owned()));
        }
    }
    if let Some(account) = principal.account() {
        keys.push(("aws:principalaccount", account.to_string()));
        keys.push(("aws:principalisawsservice", "false".to_owned()));
    }
    keys
}
