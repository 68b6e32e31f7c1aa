//! How COPY and UNLOAD get AWS credentials: `IAM_ROLE` (a role or a chain), `CREDENTIALS`, or
//! access keys.

use std::fmt;

use redbridge_iam::RoleArn;
use serde::Serialize;

use super::Lit;

/// How COPY or UNLOAD gets AWS credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Authorization {
    /// `IAM_ROLE default` or `IAM_ROLE 'arn1,arn2'`.
    IamRole {
        /// The role or chain.
        role: IamRoleSpec,
    },
    /// `CREDENTIALS 'aws_iam_role=...'` or `CREDENTIALS 'aws_access_key_id=...;...'` (legacy).
    Credentials {
        /// The credentials string, unescaped.
        credentials: String,
    },
    /// `ACCESS_KEY_ID '...' SECRET_ACCESS_KEY '...' [SESSION_TOKEN '...']`.
    AccessKeys {
        /// The access key id.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: String,
        /// The session token of temporary credentials.
        session_token: Option<String>,
    },
}

impl Authorization {
    /// `IAM_ROLE 'arn1,arn2,...'` for a chain in hop order; an empty chain gives `IAM_ROLE default`.
    pub fn chain(chain: &[RoleArn]) -> Self {
        let role = if chain.is_empty() {
            IamRoleSpec::Default
        } else {
            IamRoleSpec::Chain(chain.iter().map(ToString::to_string).collect())
        };
        Self::IamRole { role }
    }

    /// The role ARNs named, in hop order, as written: from `IAM_ROLE` or from the
    /// `aws_iam_role=` part of `CREDENTIALS`. Empty for `IAM_ROLE default` and access keys.
    pub fn iam_roles(&self) -> Vec<String> {
        match self {
            Self::IamRole { role: IamRoleSpec::Chain(chain) } => chain.clone(),
            Self::IamRole { role: IamRoleSpec::Default } | Self::AccessKeys { .. } => Vec::new(),
            Self::Credentials { credentials } => credentials_roles(credentials)
                .map(|roles| roles.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// The `aws_iam_role=` value inside a CREDENTIALS string, if there is one.
pub(crate) fn credentials_roles(credentials: &str) -> Option<&str> {
    credentials.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case("aws_iam_role").then_some(value)
    })
}

/// The keys a CREDENTIALS string may hold, as documented (case-sensitive).
pub(crate) const CREDENTIALS_KEYS: &[&str] =
    &["aws_iam_role", "aws_access_key_id", "aws_secret_access_key", "token", "master_symmetric_key"];

/// Whether a CREDENTIALS string holds a `master_symmetric_key=` part.
pub(crate) fn credentials_has_root_key(credentials: &str) -> bool {
    credentials.split(';').any(|part| part.split_once('=').is_some_and(|(key, _)| key.trim() == "master_symmetric_key"))
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IamRole { role: IamRoleSpec::Default } => f.write_str("IAM_ROLE DEFAULT"),
            Self::IamRole { role: IamRoleSpec::Chain(chain) } => {
                write!(f, "IAM_ROLE {}", Lit(&chain.join(",")))
            }
            Self::Credentials { credentials } => write!(f, "CREDENTIALS {}", Lit(credentials)),
            Self::AccessKeys { access_key_id, secret_access_key, session_token } => {
                write!(f, "ACCESS_KEY_ID {} SECRET_ACCESS_KEY {}", Lit(access_key_id), Lit(secret_access_key))?;
                if let Some(token) = session_token {
                    write!(f, " SESSION_TOKEN {}", Lit(token))?;
                }
                Ok(())
            }
        }
    }
}

/// The argument of `IAM_ROLE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IamRoleSpec {
    /// `IAM_ROLE default`: the role marked default on the cluster or namespace.
    Default,
    /// The elements of the quoted, comma-separated chain, as written (spaces kept, so the
    /// linter can point at them).
    Chain(Vec<String>),
}
