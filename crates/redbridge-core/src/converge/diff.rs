//! `apply_diff` and `destroy_diff`: the plan against the [`Snapshot`] read from both accounts.
//!
//! Both first resolve what the plan's steps would change (its roles, its key, the roles
//! attached to its cluster or namespace) and refuse with [`Unreadable`] when any of it is
//! [`Known::Unknown`]: nothing is changed on a guess. The rest of the snapshot (the bucket, the
//! listings) is not needed here and does not block.

use std::collections::BTreeMap;
use std::fmt;

use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;
use serde::Serialize;

use super::changes::{AccountDiff, Action, Blocker, Change, ChangeKind, Diff, line_diff};
use super::{ADOPTED_TAG, merge_roles, merge_statements, remove_role, remove_statements};
use crate::doctor::{ApplyStatus, AttachedRole, KeyState, Known, RoleState, Snapshot};
use crate::plan::{MANAGED_TAG, Plan, SETUP_TAG, Step, setup_id};
use crate::spec::Target;

/// One thing a step would change that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadablePart {
    /// What it is, for people (`role `arn:…``, `KMS key `arn:…``, `namespace `x``).
    pub subject: String,
    /// Why it could not be read, as the reader recorded it.
    pub reason: String,
}

/// What `apply` or `destroy` would change but could not be read: they refuse to run without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// Each part, in the plan's order.
    pub parts: Vec<UnreadablePart>,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot read the current state: ")?;
        for (index, part) in self.parts.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", part.subject, part.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for Unreadable {}

/// The parts of a snapshot the plan's steps touch, each known (a role may be absent).
struct Touched<'a> {
    /// Every role of the plan's steps, `None` when it does not exist.
    roles: BTreeMap<String, Option<&'a RoleState>>,
    /// The key of a `MergeKeyPolicy` step.
    key: Option<&'a KeyState>,
    /// The roles attached to the plan's cluster or namespace.
    attached: &'a [AttachedRole],
}

impl<'a> Touched<'a> {
    /// Resolves what the plan's steps touch, or says what of it could not be read.
    fn resolve(plan: &Plan, snapshot: &'a Snapshot) -> Result<Self, Unreadable> {
        let mut current = Touched { roles: BTreeMap::new(), key: None, attached: &[] };
        let mut parts = Vec::new();
        let mut missing = |subject: String, reason: &str| {
            if !parts.iter().any(|p: &UnreadablePart| p.subject == subject) {
                parts.push(UnreadablePart { subject, reason: reason.to_owned() });
            }
        };
        for step in plan.accounts.iter().flat_map(|a| a.steps.iter()) {
            match step {
                Step::CreateRole { role, .. } | Step::PutRolePolicy { role, .. } => {
                    match snapshot.roles.get(&role.to_string()) {
                        Some(Known::Known { value }) => {
                            current.roles.insert(role.to_string(), Some(value));
                        }
                        Some(Known::Absent) => {
                            current.roles.insert(role.to_string(), None);
                        }
                        Some(Known::Unknown { reason }) => missing(format!("role `{role}`"), reason),
                        None => missing(format!("role `{role}`"), "not read"),
                    }
                }
                Step::MergeKeyPolicy { key, .. } => match &snapshot.kms_key {
                    Some(Known::Known { value }) if value.arn == *key => current.key = Some(value),
                    Some(Known::Known { value }) => {
                        missing(format!("KMS key `{key}`"), &format!("the snapshot holds key `{}` instead", value.arn))
                    }
                    Some(Known::Absent) => missing(
                        format!("KMS key `{key}`"),
                        "it does not exist (or is in another region); redbridge does not create keys",
                    ),
                    Some(Known::Unknown { reason }) => missing(format!("KMS key `{key}`"), reason),
                    None => missing(format!("KMS key `{key}`"), "not read"),
                },
                Step::AttachRole { target, .. } => match &snapshot.redshift {
                    Known::Known { value } => current.attached = &value.attached_roles,
                    Known::Absent => missing(target_label(target), "it does not exist"),
                    Known::Unknown { reason } => missing(target_label(target), reason),
                },
            }
        }
        if parts.is_empty() { Ok(current) } else { Err(Unreadable { parts }) }
    }

    fn role(&self, role: &RoleArn) -> Option<&'a RoleState> {
        self.roles.get(&role.to_string()).copied().flatten()
    }

    fn inline_policy(&self, role: &RoleArn, name: &str) -> Option<&'a PolicyDocument> {
        self.role(role).and_then(|r| r.inline_policies.get(name))
    }

    fn key_policy(&self) -> Option<&'a PolicyDocument> {
        self.key.map(|k| &k.policy)
    }

    fn attached_arns(&self) -> Vec<String> {
        self.attached.iter().map(|r| r.arn.clone()).collect()
    }
}

/// Options that change what `apply` may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Take over existing roles of the planned names that redbridge did not create.
    pub adopt: bool,
}

/// What `apply` must do to reach the plan from the state in `snapshot`, or what of that state
/// could not be read.
pub fn apply_diff(plan: &Plan, snapshot: &Snapshot, options: ApplyOptions) -> Result<Diff, Unreadable> {
    let current = Touched::resolve(plan, snapshot)?;
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
                        let setup = setup_id(&plan.spec);
                        if existing.belongs_to_another_setup(&setup) {
                            blockers.push(Blocker {
                                role: role.clone(),
                                message: format!(
                                    "role `{role}` belongs to another redbridge setup (`{SETUP_TAG}={}`), not to this \
                                     one (`{setup}`); choose another role name (`cluster_role_name`, `bucket_role_name`) \
                                     or destroy that setup first",
                                    existing.setup().unwrap_or_default()
                                ),
                            });
                            continue;
                        }
                        let setup_tag = (SETUP_TAG.to_owned(), setup.clone());
                        if !existing.is_managed() && !existing.is_adopted() {
                            if options.adopt {
                                changes.push(Change {
                                    kind: ChangeKind::Update,
                                    subject: format!("role {role} (adopt: tag `{}={}`)", ADOPTED_TAG.0, ADOPTED_TAG.1),
                                    action: Action::TagRole {
                                        role: role.clone(),
                                        tags: vec![(ADOPTED_TAG.0.to_owned(), ADOPTED_TAG.1.to_owned()), setup_tag],
                                    },
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
                        } else if existing.setup().is_none() {
                            // Created or adopted by a redbridge from before the setup tag: it is
                            // this setup's (its name is this plan's), and gets the tag now.
                            changes.push(Change {
                                kind: ChangeKind::Update,
                                subject: format!("role {role} (tag `{SETUP_TAG}={setup}`)"),
                                action: Action::TagRole { role: role.clone(), tags: vec![setup_tag] },
                                policy_diff: Vec::new(),
                            });
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
                    if current.role(role).is_some_and(|r| r.belongs_to_another_setup(&setup_id(&plan.spec))) {
                        // Blocked at its `CreateRole` step: nothing is written into it.
                        continue;
                    }
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
                    // The key exists: `Touched::resolve` refused an absent one.
                    match current.key_policy() {
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
                    match current.attached.iter().find(|r| r.arn == arn) {
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
    Ok(Diff { accounts, blockers })
}

/// What `destroy` must do to remove everything redbridge created or added, and nothing else:
/// its attachment, its key-policy statements, its inline policies, the roles it created, its
/// statements in the trust of roles it adopted. Runs in reverse dependency order. Refuses, like
/// [`apply_diff`], when what it would change could not be read.
pub fn destroy_diff(plan: &Plan, snapshot: &Snapshot) -> Result<Diff, Unreadable> {
    let current = Touched::resolve(plan, snapshot)?;
    let setup = setup_id(&plan.spec);
    // A role tagged for another setup is that setup's to destroy, whatever its name.
    let ours = |role: &RoleArn| current.role(role).filter(|r| !r.belongs_to_another_setup(&setup));
    let mut accounts = Vec::new();
    for account in plan.accounts.iter().rev() {
        let mut changes = Vec::new();
        for step in account.steps.iter().rev() {
            match step {
                Step::AttachRole { target, role, .. } => {
                    let arn = role.to_string();
                    let owned = ours(role).is_some_and(RoleState::is_managed);
                    if owned && current.attached.iter().any(|r| r.arn == arn) {
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
                    if let Some(existing) = current.key_policy() {
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
                    let Some(existing_role) = ours(role) else { continue };
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
                    let Some(existing) = ours(role) else { continue };
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
                .map(|r| r.inline_policies.keys().filter(|p| !planned.contains(&p.as_str())).collect())
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
    Ok(Diff { accounts, blockers })
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
