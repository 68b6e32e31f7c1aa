//! `redbridge lint`: check COPY and UNLOAD statements before Redshift runs them.
//!
//! Reads files, globs and standard input ([`inputs`]), runs `redbridge_sql::lint_template` on
//! each (`--template`, `auto` by default) with the facts of the plan's spec when `--spec` is given, and prints one report for all of them:
//! rustc-like diagnostics ([`text`]), JSON ([`json`]), SARIF 2.1.0 ([`sarif`]) or GitHub
//! workflow commands ([`github`]). Exit 0 when there is no error-severity diagnostic, 1 when
//! there is one; usage and input errors exit 2 through `main`.

mod github;
mod inputs;
mod json;
mod sarif;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use redbridge_sql::{LineIndex, LintContext, Span, StatementReport, TemplateMode};

use crate::exit;
use crate::output::StdoutClosed;

/// Arguments of `redbridge lint`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  redbridge lint examples/seed-article.sql\n  \
    redbridge lint --spec examples/provisioned-copy.toml 'examples/*.sql'\n  \
    redbridge lint --output sarif 'examples/*.sql' > lint.sarif\n  \
    redbridge lint - < examples/seed-article.sql\n  \
    redbridge lint --template jinja examples/seed-article.sql\n\n\
    Exit codes:\n  \
    0    no error (warnings allowed)\n  \
    1    at least one error\n  \
    2    usage or input error\n  \
    4    runtime or AWS error (standard output could not be written)")]
pub struct Args {
    /// The SQL files to check, and globs (`'sql/**/*.sql'`); `-` reads standard input; nothing
    /// reads standard input.
    #[arg(value_name = "FILE|GLOB")]
    files: Vec<String>,
    /// The plan's spec (TOML): also check accounts, bucket, prefixes, region and KMS key against
    /// it; `-` reads it from standard input.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// How to print the result.
    #[arg(short, long, value_enum, default_value_t)]
    output: LintOutput,
    /// How to read template syntax: each placeholder is linted as an opaque value, with a note
    /// naming the checks it hid.
    #[arg(long, value_enum, default_value_t)]
    template: Template,
}

/// `redbridge lint --template`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Template {
    /// Jinja's `{{ }}`, `{% %}` and `{# #}`, then Python's placeholders outside them; reading
    /// something as a placeholder only skips a check, with a note.
    #[default]
    Auto,
    /// Jinja (dbt, Airflow): `{{ … }}` values, `{% … %}` tags, `{# … #}` comments.
    Jinja,
    /// Python: `%s`, `%(name)s`, `{}`, `{0}`, `{name}`.
    Python,
    /// Plain SQL.
    None,
}

impl From<Template> for TemplateMode {
    fn from(template: Template) -> Self {
        match template {
            Template::Auto => Self::Auto,
            Template::Jinja => Self::Jinja,
            Template::Python => Self::Python,
            Template::None => Self::None,
        }
    }
}

/// `redbridge lint --output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LintOutput {
    /// For people: rustc-style diagnostics and a summary line.
    #[default]
    Text,
    /// For machines: one JSON document for all files.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per diagnostic.
    Github,
}

/// One checked input: its name as given (`<stdin>` for standard input), its text and the reports.
#[derive(Debug)]
pub struct LintedFile {
    /// The path as given on the command line or found by a glob, or `<stdin>`.
    pub name: String,
    /// The text.
    pub text: String,
    /// One report per statement.
    pub reports: Vec<StatementReport>,
}

/// Where a diagnostic is: 1-based lines and columns (in characters); the end is exclusive, the
/// position of the character after the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The first line.
    pub start_line: usize,
    /// The first column.
    pub start_column: usize,
    /// The line of the end.
    pub end_line: usize,
    /// The column after the last character.
    pub end_column: usize,
}

impl Region {
    /// The region of `span` in the text `index` indexes.
    pub fn of(index: &LineIndex<'_>, span: Span) -> Self {
        let start = index.position(span.start);
        let end = index.position(span.end.max(span.start));
        Self { start_line: start.line, start_column: start.column, end_line: end.line, end_column: end.column }
    }
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec_on_stdin = args.spec.as_ref().is_some_and(|path| path.as_os_str() == "-");
    // The inputs are expanded first: a glob that matches nothing is reported before standard
    // input is waited for.
    let inputs = inputs::expand(&args.files, spec_on_stdin)?;
    let context = match &args.spec {
        Some(_) if spec_on_stdin => {
            let spec = crate::input::read_stdin()?;
            lint_context_from_spec(&spec).map_err(|e| anyhow::anyhow!("{}:{e}", inputs::STDIN_NAME))?
        }
        Some(path) => {
            let spec = crate::input::read_file(path, "spec")?;
            lint_context_from_spec(&spec).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?
        }
        None => LintContext::default(),
    };
    let files: Vec<LintedFile> = inputs::read_all(inputs)?
        .into_iter()
        .map(|(name, text)| {
            let reports = redbridge_sql::lint_template(&text, &context, args.template.into());
            LintedFile { name, text, reports }
        })
        .collect();
    let rendered = match args.output {
        LintOutput::Text => text::render(&files, crate::color::stdout()),
        LintOutput::Json => json::render(&files),
        LintOutput::Sarif => sarif::render(&files),
        LintOutput::Github => github::render(&files),
    };
    print_rendered(&rendered)?;
    let failed = files.iter().flat_map(|file| &file.reports).any(StatementReport::has_errors);
    Ok(ExitCode::from(if failed { exit::FINDINGS } else { exit::SUCCESS }))
}

/// Writes the report to standard output as it is. Unlike `output::print`, which escapes every
/// control character, this keeps the colours of the text format: each renderer escapes what it
/// takes from the input (file names, source lines) itself, and the diagnostics' messages come
/// escaped from `redbridge_sql`.
fn print_rendered(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(error) => Err(anyhow::Error::new(error).context("cannot write to standard output")),
    }
}

/// Reads the linter's facts from the plan's spec (TOML): the same file `redbridge plan --spec` takes.
fn lint_context_from_spec(text: &str) -> Result<LintContext, redbridge_core::SpecFileError> {
    let spec = redbridge_core::Spec::from_toml(text)?;
    Ok(redbridge_core::statements::lint_context(&spec))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_region_ends_after_its_span_and_an_empty_span_is_a_point() {
        let text = "ab\ncdé f";
        let index = LineIndex::new(text);
        let region = Region::of(&index, Span::new(1, 7));
        assert_eq!(region, Region { start_line: 1, start_column: 2, end_line: 2, end_column: 4 });
        let point = Region::of(&index, Span::new(4, 4));
        assert_eq!(point, Region { start_line: 2, start_column: 2, end_line: 2, end_column: 2 });
    }
}
