//! What `doctor` reports: findings with stable codes, grouped hop by hop along the chain.

use redbridge_iam::AccountId;
use redbridge_iam::policy::Statement;
use serde::Serialize;

use super::FindingCode;
use super::org_checks::OrganizationPolicies;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something to know; nothing breaks.
    Info,
    /// Works, but is fragile, wider than needed, or cannot be checked from here.
    Warning,
    /// The answer depends on state that could not be read.
    Unknown,
    /// COPY or UNLOAD fails because of this.
    Error,
}

/// The link of the chain a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hop {
    /// The first role's attachment to the cluster or namespace.
    Attachment,
    /// The Redshift service assuming the first role.
    Service {
        /// The role assumed.
        role: String,
    },
    /// One role's session assuming the next role.
    Role {
        /// The role whose session calls.
        from: String,
        /// The role assumed.
        to: String,
    },
    /// The last role reading or writing the bucket.
    S3 {
        /// The role whose session calls S3.
        role: String,
    },
    /// The last role using the KMS key.
    Kms {
        /// The role whose session calls KMS.
        role: String,
    },
    /// Where the bucket is, how traffic reaches it, and the statement itself.
    Statement,
    /// The organization policies (SCPs and RCPs) of one account of the chain.
    Organization {
        /// The account.
        account: String,
    },
    /// A COPY or UNLOAD the user gave with `doctor --sql`, judged against the chain and the state.
    UserStatement {
        /// Its number among the statements given, from 1.
        number: usize,
        /// `COPY`, `UNLOAD`, or `statement` when it is neither or did not parse.
        operation: String,
        /// The FROM or TO location as written, when it parsed.
        location: Option<String>,
    },
}

impl Hop {
    /// A short label for text output.
    pub fn label(&self) -> String {
        match self {
            Self::Attachment => "attachment".to_owned(),
            Self::Service { role } => format!("Redshift → {}", short(role)),
            Self::Role { from, to } => format!("{} → {}", short(from), short(to)),
            Self::S3 { role } => format!("{} → S3", short(role)),
            Self::Kms { role } => format!("{} → KMS", short(role)),
            Self::Statement => "statement".to_owned(),
            Self::Organization { account } => format!("organization of {account}"),
            Self::UserStatement { number, operation, location } => match location {
                Some(location) => format!("your statement {number}: {operation} `{location}`"),
                None => format!("your statement {number}: {operation}"),
            },
        }
    }
}

fn short(role: &str) -> &str {
    role.rsplit('/').next().unwrap_or(role)
}

/// One thing that is wrong or worth knowing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Its stable code: doctor's own `RB1xx`, or for a statement given with `doctor --sql` also
    /// the linter's `RB-SQL-NNN` ([`FindingCode::Lint`]).
    pub code: FindingCode,
    /// How much it matters.
    pub severity: Severity,
    /// The link it is about.
    pub hop: Hop,
    /// What is wrong.
    pub message: String,
    /// What decided it: the statements or the state read.
    pub evidence: Vec<String>,
    /// How to fix it: the statement to add, the flag to pass, the command to run.
    pub fix: Fix,
}

/// How to fix a finding: the words, and when the fix is a change to one resource, the change as
/// data (the account, the resource's ARN, which of its policies, the statements to add and to
/// remove), so that a script can apply it without reading the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What to do, in words; text output prints the statements to add after it.
    pub text: String,
    /// The account the change is made in.
    pub account: Option<AccountId>,
    /// The ARN of the resource changed: the role, the bucket, the key or the cluster.
    pub resource: Option<String>,
    /// What of the resource changes.
    pub policy: Option<FixPolicy>,
    /// The inline policy's name, for an identity policy.
    pub policy_name: Option<String>,
    /// Statements to add to the policy, as IAM JSON.
    pub add: Vec<Statement>,
    /// Statements to remove from the policy, as IAM JSON.
    pub remove: Vec<Statement>,
}

impl From<String> for Fix {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl From<&str> for Fix {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

/// What of a resource a [`Fix`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixPolicy {
    /// A role's trust policy.
    TrustPolicy,
    /// An identity policy of a role (an inline policy, named in `policy_name`).
    IdentityPolicy,
    /// A bucket's policy.
    BucketPolicy,
    /// A KMS key's policy.
    KeyPolicy,
    /// The roles attached to a cluster or serverless namespace.
    Attachment,
    /// A service control policy of the organization (the resource is the policy's ARN).
    ServiceControlPolicy,
    /// A resource control policy of the organization (the resource is the policy's ARN).
    ResourceControlPolicy,
}

impl Fix {
    /// A fix in words only: a flag to pass, a command to run, a clause to write.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            account: None,
            resource: None,
            policy: None,
            policy_name: None,
            add: Vec::new(),
            remove: Vec::new(),
        }
    }

    /// A change to one resource's policy (or attachment); add the statements with [`Fix::adding`]
    /// and [`Fix::removing`].
    pub fn change(text: impl Into<String>, account: AccountId, resource: impl Into<String>, policy: FixPolicy) -> Self {
        Self { account: Some(account), resource: Some(resource.into()), policy: Some(policy), ..Self::text(text) }
    }

    /// The same fix, naming the inline policy changed.
    #[must_use]
    pub fn named(mut self, policy_name: impl Into<String>) -> Self {
        self.policy_name = Some(policy_name.into());
        self
    }

    /// The same fix, adding `statements`.
    #[must_use]
    pub fn adding(mut self, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.add.extend(statements);
        self
    }

    /// The same fix, removing `statements`.
    #[must_use]
    pub fn removing(mut self, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.remove.extend(statements);
        self
    }

    /// The fix as people read it: the words, then each statement to add pretty-printed.
    pub fn to_text(&self) -> String {
        let mut text = self.text.clone();
        for statement in &self.add {
            text.push('\n');
            text.push_str(&serde_json::to_string_pretty(statement).unwrap_or_default());
        }
        text
    }
}

/// One check made on a hop (an action evaluated, a state compared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked, e.g. `s3:GetObject on arn:aws:s3:::bucket/prefix/…`.
    pub what: String,
    /// `true` allowed or fine, `false` blocked, `None` unknown.
    pub ok: Option<bool>,
    /// The evaluator's explanation.
    pub detail: Vec<String>,
}

/// The state of one hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopStatus {
    /// Every check passed.
    Ok,
    /// A check failed.
    Broken,
    /// A check could not be made.
    Unknown,
    /// Not checked, because an earlier hop is broken or the hop does not apply.
    Skipped,
}

/// One hop with its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HopReport {
    /// The link.
    pub hop: Hop,
    /// Its state.
    pub status: HopStatus,
    /// What was checked.
    pub checks: Vec<Check>,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every needed action is allowed.
    Healthy,
    /// Every needed action is allowed as far as the state was read, but the organization
    /// policies (SCPs, RCPs) of an account were not read: they may still deny.
    HealthyAsFarAsRead,
    /// Something blocks COPY or UNLOAD.
    Broken,
    /// Nothing found broken, but some state could not be read.
    Unknown,
}

impl Verdict {
    /// The exit code: 0 healthy (also as far as read: a member account usually cannot read its
    /// organization's policies), 1 broken, 3 unknown.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Healthy | Self::HealthyAsFarAsRead => 0,
            Self::Broken => 1,
            Self::Unknown => 3,
        }
    }
}

/// Everything doctor found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The overall answer.
    pub verdict: Verdict,
    /// The chain, hop by hop, in order.
    pub hops: Vec<HopReport>,
    /// The findings, most severe first, then in chain order.
    pub findings: Vec<Finding>,
    /// Whether the SCPs and RCPs of every account of the chain were read, and which.
    pub organization_policies: OrganizationPolicies,
}

impl Report {
    /// The codes of the findings, in order, for tests and scripts.
    pub fn codes(&self) -> Vec<FindingCode> {
        self.findings.iter().map(|f| f.code).collect()
    }
}
