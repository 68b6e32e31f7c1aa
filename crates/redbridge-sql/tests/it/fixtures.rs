//! Data-driven tests over `tests/fixtures`: every valid statement lints clean and round-trips,
//! every invalid fixture yields exactly the codes its `-- expect:` line names.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use redbridge_sql::{LineIndex, LintContext, Severity, lint, parse_statement};

fn fixture_files(kind: &str) -> Vec<PathBuf> {
    sql_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind))
}

/// The `.sql` files of `dir`, sorted.
pub(crate) fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// The context a fixture asks for with a `-- context:` line.
fn context_of(text: &str) -> LintContext {
    match text.lines().find_map(|l| l.strip_prefix("-- context: ")).map(str::trim) {
        Some("spec") => crate::spec_context(false),
        Some("spec-cross-region") => crate::spec_context(true),
        Some(other) => panic!("unknown fixture context `{other}`"),
        None => LintContext::default(),
    }
}

/// Every statement of every valid fixture: no diagnostic at all, and the tree survives
/// rendering and re-parsing in both layouts.
#[test]
fn valid_fixtures_lint_clean_and_round_trip() {
    let mut statements = 0;
    for path in fixture_files("valid") {
        let text = std::fs::read_to_string(&path).unwrap();
        let index = LineIndex::new(&text);
        for report in lint(&text, &context_of(&text)) {
            let line = index.position(report.span.start).line;
            assert!(
                report.diagnostics.is_empty(),
                "{}:{line}: expected no diagnostics, got {:#?}",
                path.display(),
                report.diagnostics
            );
            let statement = report.statement.unwrap_or_else(|| panic!("{}:{line}: no tree", path.display()));
            for rendered in [statement.to_string(), format!("{statement:#}")] {
                assert_eq!(
                    parse_statement(&rendered).as_ref(),
                    Ok(&statement),
                    "{}:{line}: {rendered}",
                    path.display()
                );
            }
            statements += 1;
        }
    }
    assert!(statements >= 80, "only {statements} valid statements");
}

/// Every invalid fixture: exactly one statement, and the set of codes equals `-- expect:`.
#[test]
fn invalid_fixtures_report_exactly_the_expected_codes() {
    let files = fixture_files("invalid");
    assert!(files.len() >= 40, "only {} invalid fixtures", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .find_map(|l| l.strip_prefix("-- expect: "))
            .unwrap_or_else(|| panic!("{} has no `-- expect:` line", path.display()))
            .split(',')
            .map(str::trim)
            .collect();
        let reports = lint(&text, &context_of(&text));
        assert_eq!(reports.len(), 1, "{}: one statement per invalid fixture", path.display());
        let mut codes: Vec<&str> = reports[0].diagnostics.iter().map(|d| d.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, expected, "{}: {:#?}", path.display(), reports[0].diagnostics);
        for diagnostic in &reports[0].diagnostics {
            assert!(diagnostic.span.start <= diagnostic.span.end && diagnostic.span.end <= text.len());
            assert!(!diagnostic.help.is_empty());
            let first = diagnostic.message.chars().next().unwrap();
            assert!(
                !first.is_uppercase(),
                "{}: message should start lowercase: {}",
                path.display(),
                diagnostic.message
            );
            assert!(!diagnostic.message.ends_with('.'), "no trailing period: {}", diagnostic.message);
        }
    }
}

/// Every diagnostic of every invalid fixture, rendered with position and help, as one reviewed
/// snapshot.
#[test]
fn invalid_fixture_diagnostics_snapshot() {
    let mut out = String::new();
    for path in fixture_files("invalid") {
        let text = std::fs::read_to_string(&path).unwrap();
        let index = LineIndex::new(&text);
        let _ = writeln!(out, "== {}", path.file_name().unwrap().to_string_lossy());
        for report in lint(&text, &context_of(&text)) {
            for d in &report.diagnostics {
                let p = index.position(d.span.start);
                let severity = if d.severity == Severity::Error { "error" } else { "warning" };
                let spanned = text.get(d.span.start..d.span.end).unwrap_or("");
                let spanned: String = spanned.chars().take(60).collect();
                let _ = writeln!(out, "{severity}[{}] {}:{}: {}", d.code, p.line, p.column, d.message);
                let _ = writeln!(out, "  at: {spanned}");
                let _ = writeln!(out, "  help: {}", d.help);
            }
        }
    }
    insta::assert_snapshot!("invalid_diagnostics", out);
}

/// The article's Parquet example: the one defect is the unclosed IAM_ROLE quote, reported at
/// the opening quote (line 2, column 70) with the place the closing quote belongs.
#[test]
fn article_parquet_example_reports_the_unclosed_quote_with_its_fix() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/article_parquet_unclosed_iam_role.sql"),
    )
    .unwrap();
    let reports = lint(&text, &LintContext::default());
    let [diagnostic] = reports[0].diagnostics.as_slice() else { panic!("{:#?}", reports[0].diagnostics) };
    assert_eq!(diagnostic.code, "RB-SQL-001");
    assert_eq!(diagnostic.severity, Severity::Error);
    let position = LineIndex::new(&text).position(diagnostic.span.start);
    assert_eq!((position.line, position.column), (2, 70));
    assert!(text[diagnostic.span.start..diagnostic.span.end].ends_with("role/RoleA"));
    assert!(diagnostic.help.contains("add `'` after") && diagnostic.help.contains("role/RoleA"), "{}", diagnostic.help);
}

/// Regression: an unclosed quote used to swallow every statement after it, so the article's
/// other two statements were never checked.
#[test]
fn an_unclosed_quote_does_not_hide_the_next_statements() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed-article.sql")).unwrap();
    let reports = redbridge_sql::lint(&text, &redbridge_sql::LintContext::default());
    assert_eq!(reports.len(), 3, "{reports:#?}");
    let codes: Vec<Vec<&str>> = reports.iter().map(|r| r.diagnostics.iter().map(|d| d.code).collect()).collect();
    assert_eq!(codes, vec![vec!["RB-SQL-001"], vec![], vec![]]);
    assert!(reports[1].statement.is_some() && reports[2].statement.is_some());
    let index = redbridge_sql::LineIndex::new(&text);
    assert_eq!(index.position(reports[0].diagnostics[0].span.start).line, 3);
    assert_eq!(index.position(reports[2].span.start).line, 7);
}
