//! Rules of AWS's IAM documentation, one test each, citing the page and quoting the sentence.
//!
//! Every test here carries a `/// <https://docs.aws.amazon.com/…>` line and a `/// > "…"` line
//! with the sentence it pins (checked by [`every_test_cites_a_page_and_quotes_it`]); the
//! checklist of pages read is `docs/iam-checklist.md`.

mod conditions;
mod elements;
mod evaluation;
mod not_principal;
mod principal;
mod sts;

use redbridge_iam::eval::{Decision, PolicySet, evaluate, input::parse_case};
use serde_json::{Value, json};

/// The decision for one explain input (the corpus format), or the error message.
pub fn decide(case: &Value) -> Result<Decision, String> {
    let (request, policies) = parse_case(case, &[]).map_err(|e| e.to_string())?;
    let set = PolicySet::compile(&policies).map_err(|e| e.to_string())?;
    evaluate(&request, &set).map_err(|e| e.to_string())
}

/// The outcome of one explain input: `allowed`, `explicit_deny`, `implicit_deny` or `error`.
pub fn outcome(case: &Value) -> &'static str {
    match decide(case) {
        Ok(decision) => decision.outcome.as_str(),
        Err(_) => "error",
    }
}

/// The error message of one explain input that must not evaluate.
pub fn error(case: &Value) -> String {
    match decide(case) {
        Ok(decision) => panic!("expected an error, got {}", decision.outcome),
        Err(message) => message,
    }
}

/// `{"Version":"2012-10-17","Statement":[statements…]}`.
pub fn policy(statements: Value) -> Value {
    let statements = if statements.is_array() { statements } else { json!([statements]) };
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// An identity policy allowing `action` on `resource`.
pub fn allow(action: &str, resource: &str) -> Value {
    policy(json!({ "Effect": "Allow", "Action": action, "Resource": resource }))
}

/// A request by `principal` for `action` on `resource` owned by `resource_account`.
pub fn request(principal: &str, action: &str, resource: &str, resource_account: &str) -> Value {
    json!({ "principal": principal, "action": action, "resource": resource, "resource_account": resource_account })
}

/// `case` with `field` set to `value`.
pub fn with(mut case: Value, field: &str, value: Value) -> Value {
    case[field] = value;
    case
}

#[test]
fn every_test_cites_a_page_and_quotes_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/by_the_book");
    let mut tests = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[test]" {
                continue;
            }
            tests += 1;
            let doc: Vec<&str> =
                lines[..i].iter().rev().take_while(|l| l.trim_start().starts_with("///")).copied().collect();
            let name = lines.get(i + 1).copied().unwrap_or_default();
            assert!(
                doc.iter().any(|l| l.trim_start().starts_with("/// <https://docs.aws.amazon.com/")),
                "{}: `{name}` cites no AWS page (`/// <https://docs.aws.amazon.com/…>`)",
                path.display()
            );
            assert!(
                doc.iter().any(|l| l.trim_start().starts_with("/// > \"")),
                "{}: `{name}` quotes no sentence (`/// > \"…\"`)",
                path.display()
            );
        }
    }
    assert!(tests >= 40, "only {tests} by-the-book tests");
}
