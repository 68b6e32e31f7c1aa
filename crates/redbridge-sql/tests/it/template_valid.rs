//! No false error on a valid template: every valid fixture statement, with any one of its string
//! literals (a location, a role chain, a query, a parameter's value) or its table name replaced
//! by a Jinja or Python placeholder, lints without an error, and each placeholder gets a note.

use std::path::Path;

use redbridge_sql::{LintContext, Severity, TemplateMode, codes, lint_template};

fn valid_statements() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut statements = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
        statements.extend(body.split(";\n").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
    }
    statements
}

/// The byte ranges of the simple `'…'` literals of `sql` (no `''` or `\` inside), contents only.
fn literal_contents(sql: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open = None;
    for (i, c) in sql.char_indices() {
        if c == '\'' {
            match open.take() {
                Some(start) => ranges.push((start, i)),
                None => open = Some(i + 1),
            }
        }
    }
    ranges.into_iter().filter(|&(a, b)| !sql[a..b].contains(['\\', '\''])).collect()
}

fn assert_no_error(sql: &str, mode: TemplateMode, placeholder: &str) {
    let reports = lint_template(sql, &LintContext::default(), mode);
    let diagnostics: Vec<_> = reports.iter().flat_map(|r| &r.diagnostics).collect();
    assert!(diagnostics.iter().all(|d| d.severity != Severity::Error), "{mode:?}: {sql}\n{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == codes::TEMPLATE_PLACEHOLDER && &sql[d.span.start..d.span.end] == placeholder),
        "{mode:?}: no note for `{placeholder}` in {sql}\n{diagnostics:#?}"
    );
}

#[test]
fn a_placeholder_for_any_value_of_a_valid_statement_draws_a_note_and_no_error() {
    let mut checked = 0;
    for statement in valid_statements() {
        for (start, end) in literal_contents(&statement) {
            for (mode, placeholder) in [(TemplateMode::Jinja, "{{ value }}"), (TemplateMode::Python, "%(value)s")] {
                let sql = format!("{}{placeholder}{}", &statement[..start], &statement[end..]);
                assert_no_error(&sql, mode, placeholder);
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} templates checked");
}

#[test]
fn a_placeholder_for_the_table_of_a_valid_copy_draws_a_note_and_no_error() {
    let mut checked = 0;
    // Tables written as quoted identifiers (which may hold spaces) are left out.
    for statement in
        valid_statements().iter().filter(|s| s.to_ascii_uppercase().starts_with("COPY ") && !s.contains('"'))
    {
        let rest = &statement[5..];
        let table_end = rest.find([' ', '(', '\n']).unwrap_or(rest.len());
        let sql = format!("COPY {{{{ this }}}}{}", &rest[table_end..]);
        assert_no_error(&sql, TemplateMode::Jinja, "{{ this }}");
        checked += 1;
    }
    assert!(checked > 30, "only {checked} templates checked");
}
