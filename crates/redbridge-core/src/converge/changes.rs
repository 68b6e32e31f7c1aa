//! The diff's vocabulary: what a change does ([`ChangeKind`]), the AWS write it needs
//! ([`Action`]), the changes of an account and of the whole plan ([`Diff`]), and the line diff
//! of two policy documents.

use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, RoleArn};
use serde::Serialize;

use crate::plan::Side;
use crate::spec::Target;

/// What a change does to its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// `+`: created.
    Create,
    /// `~`: changed in place.
    Update,
    /// `=`: already as planned.
    Unchanged,
    /// `-`: removed.
    Delete,
}

impl ChangeKind {
    /// The Terraform-like sign.
    pub fn sign(self) -> char {
        match self {
            Self::Create => '+',
            Self::Update => '~',
            Self::Unchanged => '=',
            Self::Delete => '-',
        }
    }
}

/// One AWS write, with every value it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// `iam:CreateRole` with the trust policy and tags.
    CreateRole {
        /// The role.
        role: RoleArn,
        /// Its description.
        description: String,
        /// Its trust policy.
        trust_policy: PolicyDocument,
        /// Its tags.
        tags: Vec<(String, String)>,
    },
    /// `iam:TagRole`: [`ADOPTED_TAG`](super::ADOPTED_TAG) on a role `--adopt` takes over, and
    /// [`SETUP_TAG`](crate::plan::SETUP_TAG) on a role of this setup that lacks it.
    TagRole {
        /// The role.
        role: RoleArn,
        /// The tags to add (or overwrite).
        tags: Vec<(String, String)>,
    },
    /// `iam:UpdateAssumeRolePolicy` with the merged document.
    UpdateTrust {
        /// The role.
        role: RoleArn,
        /// The whole new trust policy.
        trust_policy: PolicyDocument,
    },
    /// `iam:PutRolePolicy`.
    PutRolePolicy {
        /// The role.
        role: RoleArn,
        /// The inline policy's name.
        policy_name: String,
        /// The policy.
        policy: PolicyDocument,
    },
    /// `kms:PutKeyPolicy` with the merged document.
    PutKeyPolicy {
        /// The key.
        key: KmsKeyArn,
        /// The whole new key policy.
        policy: PolicyDocument,
    },
    /// Attach a role to Redshift and wait until it is in sync.
    Attach {
        /// The cluster or namespace.
        target: Target,
        /// The role to add.
        role: RoleArn,
        /// For namespaces: the whole list to write (current roles plus this one).
        roles: Vec<String>,
    },
    /// Wait for an attachment that is already under way.
    WaitInSync {
        /// The cluster or namespace.
        target: Target,
        /// The role.
        role: RoleArn,
    },
    /// Detach a role from Redshift.
    Detach {
        /// The cluster or namespace.
        target: Target,
        /// The role to remove.
        role: RoleArn,
        /// For namespaces: the whole list to write (current roles minus this one).
        roles: Vec<String>,
    },
    /// `iam:DeleteRolePolicy`.
    DeleteRolePolicy {
        /// The role.
        role: RoleArn,
        /// The inline policy's name.
        policy_name: String,
    },
    /// `iam:DeleteRole`.
    DeleteRole {
        /// The role.
        role: RoleArn,
    },
    /// Nothing to do.
    None,
}

/// One line of a policy diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "line", rename_all = "snake_case")]
pub enum DiffLine {
    /// In both.
    Same(String),
    /// Only in the new document.
    Added(String),
    /// Only in the old document.
    Removed(String),
}

/// One entry of the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Create, update, unchanged or delete.
    pub kind: ChangeKind,
    /// What it is about, for people (`role arn:…`, `inline policy x on arn:…`).
    pub subject: String,
    /// What to do.
    pub action: Action,
    /// For policy updates: old versus new, line by line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policy_diff: Vec<DiffLine>,
}

/// The changes in one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountDiff {
    /// The account.
    pub account: AccountId,
    /// Its part in the setup.
    pub side: Side,
    /// Its changes, in the order they must run.
    pub changes: Vec<Change>,
}

/// Why the plan cannot be applied as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The role concerned.
    pub role: RoleArn,
    /// What is wrong, for people.
    pub message: String,
}

/// The whole diff, account by account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Per account, in the order they are visited.
    pub accounts: Vec<AccountDiff>,
    /// Reasons to stop before changing anything.
    pub blockers: Vec<Blocker>,
}

impl Diff {
    /// Whether anything would change.
    pub fn has_changes(&self) -> bool {
        self.changes().any(|c| c.kind != ChangeKind::Unchanged)
    }

    /// Every change, in execution order.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.accounts.iter().flat_map(|a| a.changes.iter())
    }

    /// How many changes of each kind: (create, update, delete, unchanged).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |kind| self.changes().filter(|c| c.kind == kind).count();
        (count(ChangeKind::Create), count(ChangeKind::Update), count(ChangeKind::Delete), count(ChangeKind::Unchanged))
    }
}

/// A line diff (longest common subsequence) of two texts.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let old: Vec<&str> = if old.is_empty() { Vec::new() } else { old.lines().collect() };
    let new: Vec<&str> = if new.is_empty() { Vec::new() } else { new.lines().collect() };
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n && j < m {
        if old[i] == new[j] {
            out.push(DiffLine::Same(old[i].to_owned()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(DiffLine::Removed(old[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffLine::Added(new[j].to_owned()));
            j += 1;
        }
    }
    out.extend(old[i..].iter().map(|l| DiffLine::Removed((*l).to_owned())));
    out.extend(new[j..].iter().map(|l| DiffLine::Added((*l).to_owned())));
    out
}
