//! Who runs redbridge in one account and the identity policies that limit it: the value
//! `redbridge_aws::principal_reader` reads and the operator check judges.

use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;
use serde::{Deserialize, Serialize};

/// What root is told in place of its policies.
pub const ROOT_UNLIMITED: &str = "root: identity policies do not limit it";

/// The kind of principal a caller ARN names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrincipalKind {
    /// The account's root user: identity policies do not limit it (only SCPs and RCPs do).
    Root,
    /// An IAM user.
    User {
        /// The user's name.
        name: String,
    },
    /// An IAM role, named directly.
    Role {
        /// The role.
        role: RoleArn,
    },
    /// A session of a role (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`): the role's
    /// policies apply.
    AssumedRole {
        /// The role the session is of (its path is `/` when only the session ARN was known).
        role: RoleArn,
        /// The session name.
        session: String,
    },
}

impl PrincipalKind {
    /// The kind of principal `arn` names, or why it is not one redbridge can read the policies of.
    pub fn of(arn: &str) -> Result<Self, String> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, _, account, resource] = parts[..] else {
            return Err(format!("`{arn}` is not an ARN"));
        };
        let invalid = |e: &dyn std::fmt::Display| format!("`{arn}` does not name a role: {e}");
        let role = |name: &str| {
            let partition = redbridge_iam::Partition::parse(partition).map_err(|e| invalid(&e))?;
            let account = redbridge_iam::AccountId::parse(account).map_err(|e| invalid(&e))?;
            RoleArn::new(partition, account, "/", name).map_err(|e| invalid(&e))
        };
        match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => Ok(Self::Root),
            ("iam", Some(("user", path_and_name))) => {
                Ok(Self::User { name: path_and_name.rsplit('/').next().unwrap_or(path_and_name).to_owned() })
            }
            ("iam", Some(("role", _))) => Ok(Self::Role { role: RoleArn::parse(arn).map_err(|e| invalid(&e))? }),
            ("sts", Some(("assumed-role", role_and_session))) => match role_and_session.split_once('/') {
                Some((name, session)) => Ok(Self::AssumedRole { role: role(name)?, session: session.to_owned() }),
                None => Err(format!("`{arn}` names no session")),
            },
            ("sts", Some(("federated-user", _))) => Err(format!(
                "`{arn}` is a federated user: its permissions are those of the call that created the session, which IAM cannot show"
            )),
            _ => Err(format!("`{arn}` is neither a user, a role, a role session nor root")),
        }
    }
}

/// Where an identity policy comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum PolicySource {
    /// An inline policy of the user or role.
    Inline,
    /// A managed policy attached to the user or role (its default version).
    Managed,
    /// An inline policy of a group the user belongs to.
    GroupInline {
        /// The group's name.
        group: String,
    },
    /// A managed policy attached to a group the user belongs to.
    GroupManaged {
        /// The group's name.
        group: String,
    },
}

/// One identity policy with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedPolicy {
    /// The inline policy's name, or the managed policy's ARN.
    pub name: String,
    /// Where it comes from.
    #[serde(flatten)]
    pub source: PolicySource,
    /// The document.
    pub document: PolicyDocument,
}

impl NamedPolicy {
    /// The policy in words: ``inline policy `x` ``, ``managed policy `arn` of group `g` ``.
    pub fn describe(&self) -> String {
        match &self.source {
            PolicySource::Inline => format!("inline policy `{}`", self.name),
            PolicySource::Managed => format!("managed policy `{}`", self.name),
            PolicySource::GroupInline { group } => format!("inline policy `{}` of group `{group}`", self.name),
            PolicySource::GroupManaged { group } => format!("managed policy `{}` of group `{group}`", self.name),
        }
    }
}

/// The principal running redbridge in one account and what limits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalPolicies {
    /// The caller's ARN as STS gives it.
    pub principal: String,
    /// What kind of principal it is.
    #[serde(flatten)]
    pub kind: PrincipalKind,
    /// Its identity policies (a user's own, then each group's; a role's). Empty for root.
    pub policies: Vec<NamedPolicy>,
    /// Its permissions boundary (the managed policy's default version), if any.
    pub permissions_boundary: Option<NamedPolicy>,
}

impl PrincipalPolicies {
    /// The account's root user, which identity policies do not limit.
    pub fn root(principal: impl Into<String>) -> Self {
        Self {
            principal: principal.into(),
            kind: PrincipalKind::Root,
            policies: Vec::new(),
            permissions_boundary: None,
        }
    }

    /// Whether identity policies limit this principal (every principal but root).
    pub fn limited_by_identity_policies(&self) -> bool {
        self.kind != PrincipalKind::Root
    }

    /// What limits the principal, in words: [`ROOT_UNLIMITED`] for root, else its policies.
    pub fn describe(&self) -> String {
        if !self.limited_by_identity_policies() {
            return ROOT_UNLIMITED.to_owned();
        }
        let mut policies: Vec<String> = self.policies.iter().map(NamedPolicy::describe).collect();
        if policies.is_empty() {
            policies.push("no identity policy".to_owned());
        }
        match &self.permissions_boundary {
            Some(boundary) => format!("{}; boundary `{}`", policies.join(", "), boundary.name),
            None => policies.join(", "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_arns_name_their_kind() {
        assert_eq!(PrincipalKind::of("arn:aws:iam::111111111111:root"), Ok(PrincipalKind::Root));
        assert_eq!(
            PrincipalKind::of("arn:aws:iam::111111111111:user/team/ops"),
            Ok(PrincipalKind::User { name: "ops".into() })
        );
        let role = RoleArn::parse("arn:aws:iam::111111111111:role/admin/deployer").unwrap();
        assert_eq!(
            PrincipalKind::of("arn:aws:iam::111111111111:role/admin/deployer"),
            Ok(PrincipalKind::Role { role })
        );
        let role = RoleArn::parse("arn:aws:iam::111111111111:role/deployer").unwrap();
        assert_eq!(
            PrincipalKind::of("arn:aws-cn:sts::111111111111:assumed-role/deployer/alice").map(|k| match k {
                PrincipalKind::AssumedRole { role, session } => (role.name().to_owned(), session),
                other => panic!("{other:?}"),
            }),
            Ok((role.name().to_owned(), "alice".to_owned()))
        );
    }

    #[test]
    fn federated_users_and_other_arns_are_refused_with_the_reason() {
        let federated = PrincipalKind::of("arn:aws:sts::111111111111:federated-user/bob").unwrap_err();
        assert!(federated.contains("federated user"), "{federated}");
        let bucket = PrincipalKind::of("arn:aws:s3:::bucket").unwrap_err();
        assert!(bucket.contains("neither a user"), "{bucket}");
        assert!(PrincipalKind::of("operator").unwrap_err().contains("not an ARN"));
    }

    #[test]
    fn root_says_identity_policies_do_not_limit_it() {
        let root = PrincipalPolicies::root("arn:aws:iam::111111111111:root");
        assert!(!root.limited_by_identity_policies());
        assert_eq!(root.describe(), ROOT_UNLIMITED);
    }
}
