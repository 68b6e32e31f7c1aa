//! The operator's own permissions in words: what `apply` refuses over before its first change,
//! the guidance when AWS denies a change, and `doctor --operator`'s verdicts.

use std::fmt::Write as _;

use redbridge_core::operator::check::{MissingPermission, OperatorVerdict};
use redbridge_iam::AccountId;

/// Indents every line of `text` by `by` spaces.
fn indent(text: &str, by: usize) -> String {
    text.lines().map(|line| format!("{}{line}\n", " ".repeat(by))).collect()
}

/// The missing permissions of one account and the policy to add, as `apply` and `doctor
/// --operator` print them.
pub fn missing_text(account: AccountId, principal: &str, missing: &[MissingPermission]) -> String {
    let mut out = format!("account `{account}`: `{principal}` may not:\n");
    for permission in missing {
        let _ =
            writeln!(out, "  - `{}` on `{}`: {}", permission.action, permission.resource, permission.cause.describe());
    }
    let policy = redbridge_core::operator::check::statements_to_add(missing);
    out.push_str("  add these statements to its policies (a policy ready to paste):\n");
    out.push_str(&indent(&policy.to_json_pretty(), 4));
    out
}

/// One line for an account whose operator's policies could not be read.
pub fn unreadable_line(account: AccountId, reason: &str) -> String {
    format!("could not read the operator's policies in account `{account}`: {reason}")
}

/// `apply`'s refusal: every account's missing permissions at once, `None` when nothing is missing.
pub fn refusal(verdicts: &[(AccountId, OperatorVerdict)], verb: &str) -> Option<String> {
    let mut out = String::new();
    for (account, verdict) in verdicts {
        if let OperatorVerdict::Missing { principal, missing, .. } = verdict {
            out.push_str(&missing_text(*account, principal, missing));
        }
    }
    (!out.is_empty()).then(|| {
        format!(
            "the operator lacks permissions {verb} needs; nothing was changed\n{out}then rerun `redbridge {verb}`\n"
        )
    })
}

/// The guidance after a change failed with access denied.
pub fn denied_text(guidance: &MissingPermission, verb: &str) -> String {
    let mut out =
        format!("access denied: `{}` on `{}` in account `{}`\n", guidance.action, guidance.resource, guidance.account);
    out.push_str("  add this statement to the operator's policies in that account (a policy ready to paste):\n");
    out.push_str(&indent(
        &redbridge_core::operator::check::statements_to_add(std::slice::from_ref(guidance)).to_json_pretty(),
        4,
    ));
    let _ = writeln!(out, "then rerun `redbridge {verb}`: it continues from the current state");
    out
}
