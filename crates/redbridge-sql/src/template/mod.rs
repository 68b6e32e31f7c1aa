//! Linting templates: COPY and UNLOAD as dbt macros, Airflow operators and loader libraries
//! write them, with Jinja (`{{ … }}`, `{% … %}`, `{# … #}`) or Python (`%s`, `%(name)s`, `{}`,
//! `{0}`, `{name}`) placeholders, and the placeholders people leave in copied examples.
//!
//! # How a template is linted
//!
//! As sqlfluff's placeholder templater does
//! (<https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html>: "it is
//! then necessary to replace these placeholders with sample values"), each placeholder is read
//! as an opaque value of the kind its slot takes, with the same byte length so every span still
//! points into the text as written:
//!
//! - a placeholder where a string, a name or a number goes is that value (`FROM '{{ path }}'`,
//!   `FROM {s3_location}`, `COPY {{ this }}`, `IGNOREHEADER {{ n }}`); inside a string it is
//!   part of the string (`'s3://{{ bucket }}/x/'`);
//! - a placeholder where a parameter starts stands for a run of parameters not shown
//!   (`{{ copy_options }}`, `{{ compression|upper }}`), and after `FORMAT [AS]` for the format;
//! - Jinja tags and comments are transparent: the text between them is linted. Of an
//!   `{% if %}` (or `{% for %}`), only the first branch is linted: its `elif`/`else` branches are
//!   alternatives (dbt's `unload_table` has `IAM_ROLE` in one and access keys in the other), and
//!   linting them together would report a conflict no rendering has. A note says so.
//!
//! Every check a placeholder makes impossible is said, never silently passed: each placeholder
//! gets a note ([`codes::TEMPLATE_PLACEHOLDER`]) naming it and the checks it hid, and the
//! diagnostics those checks would have drawn from the placeholder text are dropped: a check
//! that judges a value holding a placeholder, and, when a placeholder hides parameters, a check
//! that needs to see every parameter (no authorization, `KMS_KEY_ID` without `ENCRYPTED`, no
//! `REGION`). A check that judges two parameters both shown still runs.
//!
//! # Modes
//!
//! [`TemplateMode::None`] (the library's [`crate::lint()`]) reads the text as SQL. `Jinja` and
//! `Python` read one syntax. `Auto` (the CLI's default) reads Jinja's delimiters, which are
//! never Redshift syntax, and then Python's placeholders outside them. It is safe: reading
//! something as a placeholder can only skip a check, with a note saying so, never add an error;
//! the one misreading it allows is a `%s` or `{3}` inside an UNLOAD query (a `LIKE` pattern, a
//! regular expression), whose query check is then skipped with a note.
//!
//! # Leftover placeholders
//!
//! In every mode, values copied from examples and never filled in are named as such
//! (`leftover.rs`): `<Your-AWS-Account-Number>`, `XXXXXXXXXXXX`, `your-bucket`
//! ([`codes::LEFTOVER_PLACEHOLDER`]), and AWS's documentation example values
//! ([`codes::EXAMPLE_VALUE`]).

mod leftover;
mod scan;
mod slots;

use crate::codes;
use crate::diagnostic::Span;
use crate::lexer::lex_from_until;
use crate::lint::{LintContext, StatementReport, lint_parsed};
use crate::parser::parse_with_placeholders;

/// How `redbridge lint` reads template syntax in SQL files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TemplateMode {
    /// Plain SQL: no template syntax.
    #[default]
    None,
    /// Jinja: `{{ … }}` expressions, `{% … %}` tags, `{# … #}` comments.
    Jinja,
    /// Python: `%s`, `%(name)s`, `{}`, `{0}`, `{name}`.
    Python,
    /// Jinja's syntax, then Python's placeholders outside it.
    Auto,
}

impl TemplateMode {
    /// `none`, `jinja`, `python` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Jinja => "jinja",
            Self::Python => "python",
            Self::Auto => "auto",
        }
    }
}

/// Parses and checks every statement in `text`, reading the template syntax of `mode`.
/// Diagnostics' spans are in `text` as written.
pub fn lint_template(text: &str, context: &LintContext, mode: TemplateMode) -> Vec<StatementReport> {
    let scan = scan::scan(text, mode);
    let masked = mask(text, &scan);
    let (tokens, _) = lex_from_until(&masked, 0, &scan.expressions, &mut |_| false);
    let parsed_all = parse_with_placeholders(&masked, &scan.expressions);
    let starts: Vec<usize> = parsed_all.iter().map(|p| p.span.start).collect();
    let mut reports: Vec<StatementReport> = parsed_all
        .into_iter()
        .map(|parsed| {
            let statement = slots::Statement::new(&masked, &parsed, &tokens, &scan.expressions);
            let mut report = lint_parsed(&masked, parsed.clone(), context);
            statement.apply(text, &mut report);
            leftover::apply(text, &parsed, &tokens, &scan.expressions, &mut report);
            report
        })
        .collect();
    for (tag, _) in &scan.skipped {
        // A skipped branch is told on the statement it is in, or else the one before it.
        let index = starts.iter().rposition(|&start| start <= tag.start).unwrap_or(0);
        if let Some(report) = reports.get_mut(index) {
            report.diagnostics.push(slots::skipped_branch_note(text, *tag));
        }
    }
    for report in &mut reports {
        report.diagnostics.sort_by_key(|d| (d.span.start, d.code));
        report.diagnostics.dedup();
    }
    reports
}

/// `text` with the same length, read as SQL: Jinja tags, comments and skipped branches become
/// white space (line breaks kept), and inside each placeholder the characters that would end a
/// string or identifier (`'`, `"`, `\`, `$`) become `_`, so a placeholder inside a string stays
/// inside it.
fn mask(text: &str, scan: &scan::Scan) -> String {
    if scan.expressions.is_empty() && scan.transparent.is_empty() && scan.skipped.is_empty() {
        return text.to_owned();
    }
    let mut bytes = text.as_bytes().to_vec();
    let blank = |bytes: &mut [u8], span: Span| {
        for byte in &mut bytes[span.start..span.end.min(text.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    for span in scan.transparent.iter().copied().chain(scan.skipped.iter().map(|(_, region)| *region)) {
        blank(&mut bytes, span);
    }
    for span in &scan.expressions {
        for byte in &mut bytes[span.start..span.end.min(text.len())] {
            if matches!(byte, b'\'' | b'"' | b'\\' | b'$') {
                *byte = b'_';
            }
        }
    }
    // Only ASCII bytes were replaced, and every byte of a multi-byte character by a space.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// The codes of checks that judge which parameters are combined, not a value: they still run
/// when a value holds a placeholder.
const COMBINATION_CODES: &[&str] = &[
    codes::DUPLICATE_OPTION,
    codes::AUTH_CONFLICT,
    codes::AUTH_INCOMPLETE,
    codes::KMS_WITHOUT_ENCRYPTED,
    codes::CLEANPATH_ALLOWOVERWRITE,
    codes::UNLOAD_PARQUET_OPTION,
    codes::COPY_COLUMNAR_REGION,
    codes::COPY_COLUMNAR_OPTION,
    codes::FIXEDWIDTH_DELIMITER,
    codes::REMOVEQUOTES_CSV,
    codes::FORMAT_OPTION_CONFLICT,
    codes::COPY_JOB_PARAMETER,
];

/// The codes of checks that need to see every parameter: skipped when a placeholder hides some.
const ABSENCE_CODES: &[&str] = &[
    codes::MISSING_AUTHORIZATION,
    codes::KMS_WITHOUT_ENCRYPTED,
    codes::SPEC_REGION_MISSING,
    codes::SPEC_ENCRYPTED_MISSING,
    codes::SPEC_COLUMNAR_CROSS_REGION,
];

/// Whether `a` and `b` share a byte (an empty `a` counts where it points).
fn overlaps(a: Span, b: Span) -> bool {
    if a.start == a.end {
        return b.start <= a.start && a.start < b.end;
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests;
