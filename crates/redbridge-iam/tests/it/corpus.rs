//! Runs every case of `tests/corpus/*.json` through the evaluator and checks the expected decision.
//!
//! Each case is an explain input plus `name`, `rule` (the AWS documentation it checks) and
//! `expect` (`allowed`, `explicit_deny`, `implicit_deny` or `error`).

use std::path::PathBuf;

use redbridge_iam::eval::{PolicySet, evaluate, input::parse_case};
use serde_json::Value;

/// One corpus case as read from disk.
pub struct Case {
    pub file: String,
    pub name: String,
    pub expect: String,
    pub value: Value,
}

/// Every corpus case, in file order.
pub fn load() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let items: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in items {
            let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            cases.push(Case {
                file: path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
                name: field("name"),
                expect: field("expect"),
                value: item.clone(),
            });
        }
    }
    cases
}

/// The decision for one case, as `allowed`/`explicit_deny`/`implicit_deny`/`error`.
pub fn decide(value: &Value) -> String {
    let decided = parse_case(value, &["name", "rule", "expect"])
        .and_then(|(request, policies)| evaluate(&request, &PolicySet::compile(&policies)?));
    match decided {
        Ok(decision) => decision.outcome.as_str().to_owned(),
        Err(_) => "error".to_owned(),
    }
}

#[test]
fn corpus_cases_decide_as_documented() {
    let cases = load();
    assert!(cases.len() >= 150, "the corpus has {} cases, the issue asks for at least 150", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = decide(&case.value);
        if got != case.expect {
            failures.push(format!("{} / {}: expected {}, got {got}", case.file, case.name, case.expect));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_corpus_case_cites_a_documented_rule() {
    for case in load() {
        let rule = case.value.get("rule").and_then(Value::as_str).unwrap_or_default();
        assert!(
            rule.starts_with("https://docs.aws.amazon.com/"),
            "{} / {}: `rule` must cite AWS documentation",
            case.file,
            case.name
        );
        assert!(
            ["allowed", "explicit_deny", "implicit_deny", "error"].contains(&case.expect.as_str()),
            "{} / {}",
            case.file,
            case.name
        );
    }
}

#[test]
fn corpus_names_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for case in load() {
        assert!(seen.insert((case.file.clone(), case.name.clone())), "duplicate case {} / {}", case.file, case.name);
    }
}
