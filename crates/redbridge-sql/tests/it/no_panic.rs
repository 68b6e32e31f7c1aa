//! The parser and linter never panic: arbitrary strings, and valid statements mutated by
//! deleting, inserting and duplicating pieces.

use std::path::Path;

use proptest::prelude::*;
use redbridge_sql::{LintContext, lint};

fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut statements = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        statements.extend(text.split(";\n").map(str::to_owned));
    }
    statements
}

/// Characters that matter to the lexer and parser.
const INTERESTING: &[char] = &['\'', '"', '\\', ',', ';', '(', ')', ' ', '\n', '-', '/', '*', '.', '1', 'é', '\u{0}'];

/// Applies edits at character positions (taken modulo the length), never splitting a character.
fn mutate(base: &str, edits: &[(usize, u8, usize)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, op, arg) in edits {
        let len = chars.len();
        let at = if len == 0 { 0 } else { at % (len + 1) };
        match op % 4 {
            0 if at < len => {
                let end = (at + 1 + arg % 8).min(len);
                chars.drain(at..end);
            }
            1 => chars.insert(at, INTERESTING[arg % INTERESTING.len()]),
            2 if at < len => {
                let end = (at + 1 + arg % 16).min(len);
                let piece: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, piece);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

fn check(text: &str) {
    for context in [LintContext::default(), crate::spec_context(true)] {
        for report in lint(text, &context) {
            for d in report.diagnostics {
                assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{d:?} in {text:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_do_not_panic(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn sql_shaped_strings_do_not_panic(text in "(COPY|UNLOAD|\\(|\\)|'|''|\"|IAM_ROLE|FROM|TO|,|;| |\n|--|/\\*|\\*/|arn:aws:iam::111111111111:role/R|s3://b-1/x|FORMAT|AS|PARQUET|CSV|[0-9]|\\\\){0,40}") {
        check(&text);
    }

    #[test]
    fn mutated_valid_statements_do_not_panic(
        base in proptest::sample::select(corpus()),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<usize>()), 1..6),
    ) {
        check(&mutate(&base, &edits));
    }
}
