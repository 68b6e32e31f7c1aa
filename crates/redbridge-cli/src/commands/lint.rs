//! `redbridge lint`: check COPY and UNLOAD statements before Redshift runs them.
//!
//! Reads a file (or standard input), runs `redbridge_sql::lint` with the facts of the plan's spec
//! when `--spec` is given, and prints rustc-like diagnostics or JSON. Exit 0 when there is no
//! error-severity diagnostic, 1 when there is one; usage errors exit 2 through `main`.

use std::path::PathBuf;
use std::process::ExitCode;

use redbridge_iam::escape::escape_controls_except;
use redbridge_sql::{LineIndex, LintContext, Severity, StatementKind, StatementReport};

use crate::output::{self, OutputFormat};

/// Arguments of `redbridge lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQL file to check; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The plan's spec (TOML): also check accounts, bucket, prefixes, region and KMS key against it.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t)]
    output: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (name, text) = read_input(args.file.as_ref())?;
    let context = match &args.spec {
        Some(path) => {
            let spec = crate::input::read_file(path, "spec")?;
            lint_context_from_spec(&spec).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?
        }
        None => LintContext::default(),
    };
    let reports = redbridge_sql::lint(&text, &context);
    let rendered = match args.output {
        OutputFormat::Text => render_text(&name, &text, &reports),
        OutputFormat::Json => render_json(&text, &reports),
    };
    output::print(&rendered)?;
    let failed = reports.iter().any(StatementReport::has_errors);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn read_input(file: Option<&PathBuf>) -> anyhow::Result<(String, String)> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            let text = crate::input::read_file(path, "SQL file")?;
            Ok((path.display().to_string(), text))
        }
        _ => Ok(("<stdin>".to_owned(), crate::input::read_stdin()?)),
    }
}

/// Reads the linter's facts from the plan's spec (TOML): the same file `redbridge plan --spec` takes.
fn lint_context_from_spec(text: &str) -> Result<LintContext, redbridge_core::SpecFileError> {
    let spec = redbridge_core::Spec::from_toml(text)?;
    Ok(redbridge_core::statements::lint_context(&spec))
}

/// rustc-like text: a header per diagnostic, the source line, a caret under the span, the help.
fn render_text(name: &str, text: &str, reports: &[StatementReport]) -> String {
    use std::fmt::Write as _;
    let index = LineIndex::new(text);
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
        match diagnostic.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
        let start = index.position(diagnostic.span.start);
        // The line, or a window of it around the span when it is long: what is printed per
        // diagnostic does not grow with the line.
        let excerpt = index.excerpt(diagnostic.span.start);
        let line = excerpt.text.as_ref();
        let gutter = " ".repeat(start.line.to_string().len());
        // The caret covers the span on its first line, at least one column.
        let end = index.position(diagnostic.span.end);
        let line_chars = line.chars().count();
        let width = if end.line == start.line { end.column.saturating_sub(start.column) } else { 0 };
        let width = width.max(1).min(line_chars.saturating_sub(excerpt.column - 1).max(1));
        // The line is shown with its control characters escaped (an ANSI escape in an
        // identifier must not reach the terminal); pad and caret are measured on what is shown,
        // so they stay under the span.
        let shown = |chars: &mut dyn Iterator<Item = char>| {
            escape_controls_except(&chars.collect::<String>(), &['\t']).into_owned()
        };
        let pad: String = shown(&mut line.chars().take(excerpt.column - 1))
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = shown(&mut line.chars().skip(excerpt.column - 1).take(width)).chars().count().max(1);
        let line = escape_controls_except(line, &['\t']);
        let _ = writeln!(out, "{}[{}]: {}", diagnostic.severity.as_str(), diagnostic.code, diagnostic.message);
        let _ = writeln!(out, "{gutter}--> {name}:{}:{}", start.line, start.column);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{} | {line}", start.line);
        let _ = writeln!(out, "{gutter} | {pad}{}", "^".repeat(width));
        let _ = writeln!(out, "{gutter} = help: {}", diagnostic.help);
        out.push('\n');
    }
    let checked = reports.iter().filter(|r| r.kind != StatementKind::Other).count();
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let _ = writeln!(
        out,
        "{}: {}, {} in {}",
        if errors > 0 { "failed" } else { "ok" },
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(checked, "statement"),
    );
    out
}

/// `{"statements":[{"kind","line","iam_roles","options","diagnostics":[…]}]}`.
fn render_json(text: &str, reports: &[StatementReport]) -> String {
    let index = LineIndex::new(text);
    let statements: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let diagnostics: Vec<serde_json::Value> = report
                .diagnostics
                .iter()
                .map(|d| {
                    let position = index.position(d.span.start);
                    serde_json::json!({
                        "code": d.code,
                        "severity": d.severity.as_str(),
                        "line": position.line,
                        "column": position.column,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            serde_json::json!({
                "kind": report.kind.as_str(),
                "line": index.position(report.span.start).line,
                "iam_roles": report.statement.as_ref().map(|s| s.iam_roles()).unwrap_or_default(),
                "options": report.statement.as_ref().map(|s| s.options_json()).unwrap_or_default(),
                "diagnostics": diagnostics,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&serde_json::json!({ "statements": statements })).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE_PARQUET: &str = "COPY table_name FROM 's3://awsexamplebucket/crosscopy1.csv' IAM_ROLE \
        'arn:aws:iam::Amazon_Redshift_Account_ID:role/RoleB,arn:aws:iam::Amazon_S3_Account_ID:role/RoleA FORMAT AS PARQUET;\n";

    #[test]
    fn text_output_points_a_caret_at_the_unclosed_iam_role_quote() {
        let reports = redbridge_sql::lint(ARTICLE_PARQUET, &LintContext::default());
        insta::assert_snapshot!(render_text("article.sql", ARTICLE_PARQUET, &reports));
    }

    #[test]
    fn json_output_has_the_documented_shape() {
        let sql = "unload ('select 1') to 's3://data-bucket/out/' \
                   iam_role 'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B' \
                   format parquet gzip;";
        let reports = redbridge_sql::lint(sql, &LintContext::default());
        insta::assert_snapshot!(render_json(sql, &reports));
    }

    /// A COPY with `n` repeated options on one line, as the issue measured it.
    fn repeated_options(n: usize) -> String {
        format!(
            "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B' CSV{};\n",
            " REMOVEQUOTES".repeat(n)
        )
    }

    #[test]
    fn text_output_for_sixteen_thousand_repeated_options_does_not_grow_with_them() {
        let render = |n| {
            let sql = repeated_options(n);
            render_text("repeat.sql", &sql, &redbridge_sql::lint(&sql, &LintContext::default()))
        };
        let (small, large) = (render(2_000), render(16_000));
        // The same diagnostics, each showing a bounded window of the line: only the count's digits differ.
        assert!(large.len() < 4_096, "{} bytes:\n{large}", large.len());
        assert!(large.len() <= small.len() + 16, "{} bytes against {}", large.len(), small.len());
        assert!(large.contains("`REMOVEQUOTES` is given 16000 times"), "{large}");
    }

    #[test]
    fn text_output_for_many_statements_on_one_line_is_linear_in_them() {
        // One broken statement repeated on a single line: every diagnostic is on that line.
        let render = |n| {
            let sql = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'x y';".repeat(n);
            render_text("one-line.sql", &sql, &redbridge_sql::lint(&sql, &LintContext::default())).len()
        };
        let (n, eight_n) = (render(500), render(4_000));
        assert!(eight_n <= 9 * n, "{eight_n} bytes for 8n statements against {n} for n");
    }

    #[test]
    fn spec_facts_become_a_lint_context() {
        let spec = r#"
            redshift_account = "111111111111"
            s3_account = "222222222222"
            bucket = "data-bucket"
            prefixes = ["in/", "out/"]
            access = "both"
            region = "us-east-1"
            bucket_region = "eu-west-1"
            kms_key = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            cluster = "analytics"
            cluster_role_name = "ClusterRole"
            bucket_role_name = "BucketRole"
            db_users = ["etl"]
        "#;
        let context = lint_context_from_spec(spec).unwrap();
        assert_eq!(context.redshift_account.unwrap().as_str(), "111111111111");
        assert_eq!(context.bucket_region.unwrap().as_str(), "eu-west-1");
        assert_eq!(context.prefixes, ["in/", "out/"]);
        let error = lint_context_from_spec(&spec.replace("222222222222\"\n", "2222\"\n")).unwrap_err();
        assert!(format!("{error:#}").contains("s3_account"), "{error:#}");
    }
}
