//! Hostile input (issue 18): arbitrary bytes and byte-level mutations of the fixture corpus
//! (valid and invalid statements) and of the seed article's statements, fed to `parse_statement`
//! and `lint`. Each case ends without a panic and within the hang guard; every diagnostic has a
//! span inside the text (its location) and a message with control characters escaped.

use proptest::prelude::*;
use redbridge_sql::{LintContext, lint, parse_statement};

use crate::hostile::{corpus, edits, has_raw_control, mutate, within_hang_guard};

/// Every statement file the crate's fixtures hold, and the seed article's SQL.
fn statements() -> Vec<Vec<u8>> {
    let mut files = corpus("crates/redbridge-sql/tests/fixtures/valid", ".sql");
    files.extend(corpus("crates/redbridge-sql/tests/fixtures/invalid", ".sql"));
    files.push(
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed-article.sql")).unwrap_or_default(),
    );
    files
}

fn check(text: &str) {
    for context in [LintContext::default(), crate::spec_context(true)] {
        for report in lint(text, &context) {
            for d in &report.diagnostics {
                assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{d:?} in {text:?}");
                assert!(text.is_char_boundary(d.span.start), "{d:?} splits a character of {text:?}");
                assert!(!has_raw_control(&d.message) && !has_raw_control(&d.help), "{d:?}");
            }
        }
    }
    if let Err(redbridge_sql::SqlError::Syntax { message, offset }) = parse_statement(text) {
        assert!(offset <= text.len(), "{offset} past {}", text.len());
        assert!(!has_raw_control(&message), "{message:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_get_located_escaped_diagnostics(bytes in any::<Vec<u8>>()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        within_hang_guard(move || check(&text));
    }

    #[test]
    fn mutated_corpus_statements_get_located_escaped_diagnostics(
        base in proptest::sample::select(statements()),
        edits in edits(5),
    ) {
        let text = String::from_utf8_lossy(&mutate(&base, &edits)).into_owned();
        within_hang_guard(move || check(&text));
    }
}

#[test]
fn an_ansi_escape_in_an_identifier_is_escaped_in_the_diagnostic() {
    let text =
        "COPY t FROM 's3://acme-data/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/\u{1b}[31mR' FORMAT \u{1b}[2J CSV";
    let messages: Vec<String> =
        lint(text, &LintContext::default()).into_iter().flat_map(|r| r.diagnostics).map(|d| d.message).collect();
    assert!(messages.iter().any(|m| m.contains("role/\\u{1b}[31mR")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("found `\\u{1b}`")), "{messages:?}");
    assert!(!messages.iter().any(|m| has_raw_control(m)), "{messages:?}");
}
