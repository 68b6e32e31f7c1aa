//! Desired versus current state: what `apply` must change and what `destroy` must remove.
//!
//! Pure: the adapters read both accounts into doctor's [`Snapshot`](crate::doctor::Snapshot)
//! (the one read model: `apply`, `destroy` and `doctor` judge the same state), [`apply_diff`]
//! and [`destroy_diff`] compare it with a [`Plan`](crate::Plan) and return a [`Diff`] of
//! [`Change`]s that carry the exact documents to write, or [`Unreadable`] when what a step
//! would change could not be read. Shared documents (trust and key policies, a namespace's role list) are
//! merged, never replaced: redbridge's statements are the ones whose `Sid` starts with
//! [`SID_PREFIX`], everything else is kept as it is, in its place.

mod changes;
mod diff;

use redbridge_iam::policy::{PolicyDocument, Statement};

pub use self::changes::{AccountDiff, Action, Blocker, Change, ChangeKind, Diff, DiffLine, line_diff};
pub use self::diff::{ApplyOptions, Unreadable, UnreadablePart, apply_diff, destroy_diff};
use crate::doctor::RoleState;
/// The attachment types live with the snapshot, the one read model; they are re-exported here
/// for the ports that write attachments.
pub use crate::doctor::{ApplyStatus, AttachedRole};
use crate::plan::{MANAGED_TAG, SETUP_TAG, SID_PREFIX};

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

impl RoleState {
    fn has_tag(&self, tag: (&str, &str)) -> bool {
        self.tags.get(tag.0).is_some_and(|value| value == tag.1)
    }

    /// Created by redbridge (tagged [`MANAGED_TAG`]).
    pub fn is_managed(&self) -> bool {
        self.has_tag(MANAGED_TAG)
    }

    /// Adopted by redbridge earlier (tagged [`ADOPTED_TAG`]).
    pub fn is_adopted(&self) -> bool {
        self.has_tag(ADOPTED_TAG)
    }

    /// The setup the role's [`SETUP_TAG`] names; `None` for roles without it (not redbridge's,
    /// or created by a redbridge from before the tag).
    pub fn setup(&self) -> Option<&str> {
        self.tags.get(SETUP_TAG).map(String::as_str)
    }

    /// Whether the role's [`SETUP_TAG`] names a setup other than `setup`.
    pub fn belongs_to_another_setup(&self, setup: &str) -> bool {
        self.setup().is_some_and(|owner| owner != setup)
    }
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
