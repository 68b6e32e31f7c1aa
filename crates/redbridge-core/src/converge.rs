//! Desired versus current state: what `apply` must change and what `destroy` must remove.
//!
//! Pure: the adapters read the current state of each account into [`Current`], this module
//! compares it with a [`Plan`] and returns a [`Diff`] of [`Change`]s that carry the exact
//! documents to write. Shared documents (trust and key policies, a namespace's role list) are
//! merged, never replaced: redbridge's statements are the ones whose `Sid` starts with
//! [`SID_PREFIX`], everything else is kept as it is, in its place.

use std::collections::BTreeMap;
use std::fmt;

use redbridge_iam::policy::{PolicyDocument, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, RoleArn};
use serde::Serialize;

use crate::plan::{MANAGED_TAG, Plan, SID_PREFIX, Side, Step};
use crate::spec::Target;

/// The tag put on a role that existed before and that the user let redbridge adopt with
/// `--adopt`: redbridge then owns its statements in it, never the role itself.
pub const ADOPTED_TAG: (&str, &str) = ("adopted-by", "redbridge");

/// Whether a statement is one of redbridge's (its `Sid` starts with [`SID_PREFIX`]).
pub fn is_ours(statement: &Statement) -> bool {
    statement.sid.as_deref().is_some_and(|sid| sid.starts_with(SID_PREFIX))
}

/// Merges redbridge's statements into an existing document: every foreign statement stays, in
/// its place; redbridge's old statements are replaced by `ours`, at the position of the first
/// of them (or at the end when there was none). `Version` and `Id` are kept.
pub fn merge_statements(existing: &PolicyDocument, ours: &[Statement]) -> PolicyDocument {
    let mut statements = Vec::with_capacity(existing.statements.len() + ours.len());
    let mut placed = false;
    for statement in &existing.statements {
        if is_ours(statement) {
            if !placed {
                statements.extend(ours.iter().cloned());
                placed = true;
            }
        } else {
            statements.push(statement.clone());
        }
    }
    if !placed {
        statements.extend(ours.iter().cloned());
    }
    PolicyDocument { version: existing.version.clone(), id: existing.id.clone(), statements }
}

/// Removes redbridge's statements from a document, keeping every other one as it is.
pub fn remove_statements(existing: &PolicyDocument) -> PolicyDocument {
    PolicyDocument {
        version: existing.version.clone(),
        id: existing.id.clone(),
        statements: existing.statements.iter().filter(|s| !is_ours(s)).cloned().collect(),
    }
}

/// A role attached to a cluster or namespace, as Redshift reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachedRole {
    /// The role ARN, exactly as Redshift returned it (foreign roles are never rewritten).
    pub arn: String,
    /// Where the attachment is.
    pub status: ApplyStatus,
}

/// Where an attachment is (`DescribeClusters` `IamRoles[].ApplyStatus`; the serverless
/// `applyStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyStatus {
    /// Usable.
    InSync,
    /// Being attached.
    Adding,
    /// Being detached.
    Removing,
    /// A status this version does not know, verbatim.
    Other(String),
}

impl ApplyStatus {
    /// Parses AWS's spelling (`in-sync`, `adding`, `removing`).
    pub fn parse(input: &str) -> Self {
        match input.trim() {
            "in-sync" => Self::InSync,
            "adding" => Self::Adding,
            "removing" => Self::Removing,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ApplyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InSync => "in-sync",
            Self::Adding => "adding",
            Self::Removing => "removing",
            Self::Other(other) => other,
        })
    }
}

/// The union of the current role list and `role`: every current role stays, in order, and
/// `role` is appended when it is not there yet (compared without regard to case of nothing:
/// ARNs compare exactly).
pub fn merge_roles(current: &[String], role: &str) -> Vec<String> {
    let mut roles = current.to_vec();
    if !roles.iter().any(|r| r == role) {
        roles.push(role.to_owned());
    }
    roles
}

/// The current role list without `role`.
pub fn remove_role(current: &[String], role: &str) -> Vec<String> {
    current.iter().filter(|r| r.as_str() != role).cloned().collect()
}

/// A role as it exists now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingRole {
    /// Its trust policy.
    pub trust_policy: PolicyDocument,
    /// Its tags.
    pub tags: Vec<(String, String)>,
    /// The names of its inline policies.
    pub inline_policies: Vec<String>,
}

impl ExistingRole {
    fn has_tag(&self, tag: (&str, &str)) -> bool {
        self.tags.iter().any(|(k, v)| k == tag.0 && v == tag.1)
    }

    /// Created by redbridge (tagged [`MANAGED_TAG`]).
    pub fn is_managed(&self) -> bool {
        self.has_tag(MANAGED_TAG)
    }

    /// Adopted by redbridge earlier (tagged [`ADOPTED_TAG`]).
    pub fn is_adopted(&self) -> bool {
        self.has_tag(ADOPTED_TAG)
    }
}

/// Everything the plan touches, as it is now. Missing entries mean "does not exist".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Current {
    /// Roles that exist, by ARN.
    pub roles: BTreeMap<String, ExistingRole>,
    /// Inline policies that exist, by role ARN and policy name.
    pub inline_policies: BTreeMap<(String, String), PolicyDocument>,
    /// Key policies, by key ARN.
    pub key_policies: BTreeMap<String, PolicyDocument>,
    /// The roles attached to the plan's cluster or namespace.
    pub attached_roles: Vec<AttachedRole>,
}

impl Current {
    /// The role, if it exists.
    pub fn role(&self, role: &RoleArn) -> Option<&ExistingRole> {
        self.roles.get(&role.to_string())
    }

    /// The inline policy, if it exists.
    pub fn inline_policy(&self, role: &RoleArn, name: &str) -> Option<&PolicyDocument> {
        self.inline_policies.get(&(role.to_string(), name.to_owned()))
    }

    /// The attached role ARNs, in Redshift's order.
    pub fn attached_arns(&self) -> Vec<String> {
        self.attached_roles.iter().map(|r| r.arn.clone()).collect()
    }
}

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
    /// `iam:TagRole` with [`ADOPTED_TAG`] (`--adopt`).
    AdoptRole {
        /// The role.
        role: RoleArn,
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

/// Options that change what `apply` may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Take over existing roles of the planned names that redbridge did not create.
    pub adopt: bool,
}

/// What `apply` must do to reach the plan from the current state.
pub fn apply_diff(plan: &Plan, current: &Current, options: ApplyOptions) -> Diff {
    let mut blockers = Vec::new();
    let mut accounts = Vec::new();
    for account in &plan.accounts {
        let mut changes = Vec::new();
        for step in &account.steps {
            match step {
                Step::CreateRole { role, description, trust_policy, tags } => match current.role(role) {
                    None => changes.push(Change {
                        kind: ChangeKind::Create,
                        subject: format!("role {role}"),
                        action: Action::CreateRole {
                            role: role.clone(),
                            description: description.clone(),
                            trust_policy: trust_policy.clone(),
                            tags: tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                        },
                        policy_diff: Vec::new(),
                    }),
                    Some(existing) => {
                        if !existing.is_managed() && !existing.is_adopted() {
                            if options.adopt {
                                changes.push(Change {
                                    kind: ChangeKind::Update,
                                    subject: format!("role {role} (adopt: tag `{}={}`)", ADOPTED_TAG.0, ADOPTED_TAG.1),
                                    action: Action::AdoptRole { role: role.clone() },
                                    policy_diff: Vec::new(),
                                });
                            } else {
                                blockers.push(Blocker {
                                    role: role.clone(),
                                    message: format!(
                                        "role `{role}` exists and was not created by redbridge (no `{}={}` tag); \
                                         pass `--adopt` to merge redbridge's statements into it, or choose another role name",
                                        MANAGED_TAG.0, MANAGED_TAG.1
                                    ),
                                });
                            }
                        }
                        let merged = merge_statements(&existing.trust_policy, &trust_policy.statements);
                        changes.push(policy_change(
                            format!("trust policy of {role}"),
                            &existing.trust_policy,
                            &merged,
                            Action::UpdateTrust { role: role.clone(), trust_policy: merged.clone() },
                        ));
                    }
                },
                Step::PutRolePolicy { role, policy_name, policy } => {
                    let subject = format!("inline policy `{policy_name}` on {role}");
                    let action = Action::PutRolePolicy {
                        role: role.clone(),
                        policy_name: policy_name.clone(),
                        policy: policy.clone(),
                    };
                    match current.inline_policy(role, policy_name) {
                        None => changes.push(Change {
                            kind: ChangeKind::Create,
                            subject,
                            action,
                            policy_diff: line_diff("", &policy.to_json_pretty()),
                        }),
                        Some(existing) => changes.push(policy_change(subject, existing, policy, action)),
                    }
                }
                Step::MergeKeyPolicy { key, statements, .. } => {
                    let subject = format!("key policy of {key}");
                    match current.key_policies.get(&key.to_string()) {
                        // The key must exist: apply does not create keys. The adapter reports
                        // a missing key before the diff is computed.
                        None => {}
                        Some(existing) => {
                            let merged = merge_statements(existing, statements);
                            changes.push(policy_change(
                                subject,
                                existing,
                                &merged,
                                Action::PutKeyPolicy { key: key.clone(), policy: merged.clone() },
                            ));
                        }
                    }
                }
                Step::AttachRole { target, role, .. } => {
                    let subject = format!("role {role} attached to {}", target_label(target));
                    let arn = role.to_string();
                    match current.attached_roles.iter().find(|r| r.arn == arn) {
                        None => changes.push(Change {
                            kind: ChangeKind::Create,
                            subject,
                            action: Action::Attach {
                                target: target.clone(),
                                role: role.clone(),
                                roles: merge_roles(&current.attached_arns(), &arn),
                            },
                            policy_diff: Vec::new(),
                        }),
                        Some(attached) if attached.status == ApplyStatus::InSync => changes.push(Change {
                            kind: ChangeKind::Unchanged,
                            subject,
                            action: Action::None,
                            policy_diff: Vec::new(),
                        }),
                        Some(attached) => changes.push(Change {
                            kind: ChangeKind::Update,
                            subject: format!("{subject} (now `{}`: wait until `in-sync`)", attached.status),
                            action: Action::WaitInSync { target: target.clone(), role: role.clone() },
                            policy_diff: Vec::new(),
                        }),
                    }
                }
            }
        }
        accounts.push(AccountDiff { account: account.account, side: account.side, changes });
    }
    Diff { accounts, blockers }
}

/// What `destroy` must do to remove everything redbridge created or added, and nothing else:
/// its attachment, its key-policy statements, its inline policies, the roles it created, its
/// statements in the trust of roles it adopted. Runs in reverse dependency order.
pub fn destroy_diff(plan: &Plan, current: &Current) -> Diff {
    let mut accounts = Vec::new();
    for account in plan.accounts.iter().rev() {
        let mut changes = Vec::new();
        for step in account.steps.iter().rev() {
            match step {
                Step::AttachRole { target, role, .. } => {
                    let arn = role.to_string();
                    let owned = current.role(role).is_some_and(|r| r.is_managed());
                    if owned && current.attached_roles.iter().any(|r| r.arn == arn) {
                        changes.push(Change {
                            kind: ChangeKind::Delete,
                            subject: format!("role {role} attached to {}", target_label(target)),
                            action: Action::Detach {
                                target: target.clone(),
                                role: role.clone(),
                                roles: remove_role(&current.attached_arns(), &arn),
                            },
                            policy_diff: Vec::new(),
                        });
                    }
                }
                Step::MergeKeyPolicy { key, .. } => {
                    if let Some(existing) = current.key_policies.get(&key.to_string()) {
                        let stripped = remove_statements(existing);
                        if &stripped != existing {
                            changes.push(Change {
                                kind: ChangeKind::Update,
                                subject: format!("key policy of {key}"),
                                action: Action::PutKeyPolicy { key: key.clone(), policy: stripped.clone() },
                                policy_diff: line_diff(&existing.to_json_pretty(), &stripped.to_json_pretty()),
                            });
                        }
                    }
                }
                Step::PutRolePolicy { role, policy_name, .. } => {
                    let Some(existing_role) = current.role(role) else { continue };
                    if !existing_role.is_managed() && !existing_role.is_adopted() {
                        continue;
                    }
                    if let Some(existing) = current.inline_policy(role, policy_name) {
                        changes.push(Change {
                            kind: ChangeKind::Delete,
                            subject: format!("inline policy `{policy_name}` on {role}"),
                            action: Action::DeleteRolePolicy { role: role.clone(), policy_name: policy_name.clone() },
                            policy_diff: line_diff(&existing.to_json_pretty(), ""),
                        });
                    }
                }
                Step::CreateRole { role, .. } => {
                    let Some(existing) = current.role(role) else { continue };
                    if existing.is_managed() {
                        changes.push(Change {
                            kind: ChangeKind::Delete,
                            subject: format!("role {role}"),
                            action: Action::DeleteRole { role: role.clone() },
                            policy_diff: Vec::new(),
                        });
                    } else if existing.is_adopted() {
                        let stripped = remove_statements(&existing.trust_policy);
                        if stripped != existing.trust_policy {
                            changes.push(Change {
                                kind: ChangeKind::Update,
                                subject: format!("trust policy of {role} (adopted: the role stays)"),
                                action: Action::UpdateTrust { role: role.clone(), trust_policy: stripped.clone() },
                                policy_diff: line_diff(
                                    &existing.trust_policy.to_json_pretty(),
                                    &stripped.to_json_pretty(),
                                ),
                            });
                        }
                    }
                }
            }
        }
        accounts.push(AccountDiff { account: account.account, side: account.side, changes });
    }
    // Roles that other inline policies still hold cannot be deleted without deleting those.
    let mut blockers = Vec::new();
    for change in accounts.iter().flat_map(|a| a.changes.iter()) {
        if let Action::DeleteRole { role } = &change.action {
            let planned: Vec<&str> = plan
                .accounts
                .iter()
                .flat_map(|a| a.steps.iter())
                .filter_map(|s| match s {
                    Step::PutRolePolicy { role: r, policy_name, .. } if r == role => Some(policy_name.as_str()),
                    _ => None,
                })
                .collect();
            let foreign: Vec<&String> = current
                .role(role)
                .map(|r| r.inline_policies.iter().filter(|p| !planned.contains(&p.as_str())).collect())
                .unwrap_or_default();
            if !foreign.is_empty() {
                blockers.push(Blocker {
                    role: role.clone(),
                    message: format!(
                        "role `{role}` has inline policies redbridge did not write ({}); remove them first, redbridge deletes only its own",
                        foreign.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
    }
    Diff { accounts, blockers }
}

fn target_label(target: &Target) -> String {
    match target {
        Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
        Target::Serverless { namespace, .. } => format!("namespace `{namespace}`"),
    }
}

fn policy_change(subject: String, existing: &PolicyDocument, desired: &PolicyDocument, action: Action) -> Change {
    if existing == desired {
        Change { kind: ChangeKind::Unchanged, subject, action: Action::None, policy_diff: Vec::new() }
    } else {
        Change {
            kind: ChangeKind::Update,
            subject,
            action,
            policy_diff: line_diff(&existing.to_json_pretty(), &desired.to_json_pretty()),
        }
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

#[cfg(test)]
mod tests {
    use redbridge_iam::policy::{PolicyDocument, Principal, Statement};

    use super::*;

    fn foreign(sid: &str) -> Statement {
        Statement::trust(Principal::service(["ec2.amazonaws.com"])).with_sid(sid)
    }

    fn ours(sid: &str, service: &str) -> Statement {
        Statement::trust(Principal::service([service])).with_sid(format!("{SID_PREFIX}{sid}"))
    }

    #[test]
    fn merge_keeps_foreign_statements_in_place_and_replaces_ours_where_they_were() {
        let mut existing = PolicyDocument::new(vec![
            foreign("A"),
            ours("Old", "redshift.amazonaws.com"),
            foreign("B"),
            ours("Older", "x.amazonaws.com"),
        ]);
        existing.id = Some("keep-me".into());
        let merged = merge_statements(&existing, &[ours("New", "redshift.amazonaws.com")]);
        assert_eq!(merged.id.as_deref(), Some("keep-me"));
        assert_eq!(merged.statements, [foreign("A"), ours("New", "redshift.amazonaws.com"), foreign("B")]);
        // Idempotent: merging again changes nothing.
        assert_eq!(merge_statements(&merged, &[ours("New", "redshift.amazonaws.com")]), merged);
    }

    #[test]
    fn merge_appends_when_there_was_nothing_of_ours_and_remove_undoes_it() {
        let existing = PolicyDocument::new(vec![foreign("A"), Statement::trust(Principal::aws(["*"]))]);
        let merged = merge_statements(&existing, &[ours("X", "redshift.amazonaws.com")]);
        assert_eq!(merged.statements.len(), 3);
        assert_eq!(remove_statements(&merged), existing);
    }

    #[test]
    fn a_sid_that_merely_contains_the_prefix_is_foreign() {
        assert!(!is_ours(&foreign("NotRedbridge")));
        assert!(is_ours(&ours("", "x")));
    }

    #[test]
    fn role_lists_merge_as_a_union_and_remove_only_the_one_role() {
        let current = vec!["arn:a".to_owned(), "arn:b".to_owned()];
        assert_eq!(merge_roles(&current, "arn:c"), ["arn:a", "arn:b", "arn:c"]);
        assert_eq!(merge_roles(&current, "arn:b"), ["arn:a", "arn:b"]);
        assert_eq!(remove_role(&current, "arn:a"), ["arn:b"]);
        assert_eq!(remove_role(&current, "arn:z"), current);
    }

    #[test]
    fn apply_status_parses_aws_spellings() {
        assert_eq!(ApplyStatus::parse("in-sync"), ApplyStatus::InSync);
        assert_eq!(ApplyStatus::parse(" adding "), ApplyStatus::Adding);
        assert_eq!(ApplyStatus::parse("removing"), ApplyStatus::Removing);
        assert_eq!(ApplyStatus::parse("odd").to_string(), "odd");
    }

    #[test]
    fn line_diff_marks_added_and_removed_lines() {
        let diff = line_diff("a\nb\nc", "a\nx\nc");
        assert_eq!(
            diff,
            [
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("c".into())
            ]
        );
        assert_eq!(line_diff("", "a"), [DiffLine::Added("a".into())]);
    }
}
