//! `redbridge sql copy|unload`: build one statement from flags, or from a spec's chain, and
//! print it only when our own linter finds nothing wrong with it.

use std::process::ExitCode;

use redbridge_core::statements::{StatementSettings, copy_statement, lint_context, unload_statement};
use redbridge_core::{DataFormat, Plan, RoleChain};
use redbridge_iam::{KmsKeyArn, Region, RoleArn, S3Uri};
use redbridge_sql::{LintContext, Severity, Statement, TableName};

use crate::exit;
use crate::output::{self, OutputFormat};
use crate::spec_args::SpecArgs;

/// The statement to build.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build a COPY statement.
    Copy(CopyArgs),
    /// Build an UNLOAD statement.
    Unload(UnloadArgs),
}

/// Flags common to both statements.
#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// A role of the chain, in hop order (repeat for each hop); or give `--spec`.
    #[arg(long = "iam-role", value_name = "ROLE_ARN")]
    pub iam_roles: Vec<String>,
    /// Take the chain, region and key from a spec file or `-` (as `redbridge plan --spec`).
    #[arg(long, value_name = "FILE|-")]
    pub spec: Option<std::path::PathBuf>,
    /// Data format.
    #[arg(long, value_parser = ["csv", "text", "json", "parquet"])]
    pub format: Option<String>,
    /// The bucket's region, when it differs from the cluster's (adds REGION).
    #[arg(long)]
    pub region: Option<String>,
    /// Any further parameter as SQL, e.g. `--option 'IGNOREHEADER 1'` (repeatable).
    #[arg(long = "option", value_name = "SQL")]
    pub options: Vec<String>,
    /// How to print the statement.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Flags of `redbridge sql copy`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge sql copy --spec examples/provisioned-copy.toml --table public.sales \\\n      --from s3://acme-analytics-exports/sales/ --option 'IGNOREHEADER 1'",
        "redbridge sql copy --table public.sales --from s3://acme-analytics-exports/sales/ --format csv \\\n      --iam-role arn:aws:iam::111111111111:role/A --iam-role arn:aws:iam::222222222222:role/B",
    ],
    &[(exit::SUCCESS, "the statement was printed (a statement our linter rejects is an input error)")],
))]
pub struct CopyArgs {
    /// The table to load, optionally schema-qualified.
    #[arg(long)]
    pub table: String,
    /// The S3 object, prefix or manifest to load from.
    #[arg(long, value_name = "S3_URI")]
    pub from: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags of `redbridge sql unload`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge sql unload --spec examples/serverless-unload-kms.toml \\\n      --query 'SELECT * FROM daily_sales' --to s3://acme-analytics-exports/unload/daily/ -o json",
    ],
    &[(exit::SUCCESS, "the statement was printed (a statement our linter rejects is an input error)")],
))]
pub struct UnloadArgs {
    /// The SELECT whose result is unloaded, as plain SQL (quotes are escaped for you).
    #[arg(long)]
    pub query: String,
    /// The S3 prefix the part files are written under.
    #[arg(long, value_name = "S3_URI")]
    pub to: String,
    /// Encrypt with this KMS key ARN (adds `KMS_KEY_ID … ENCRYPTED`).
    #[arg(long, value_name = "KEY_ARN")]
    pub kms_key: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    let (statement, context, output) = match command {
        Command::Copy(args) => {
            let table = TableName::parse(&args.table).map_err(|e| anyhow::anyhow!("`--table`: {e}"))?;
            let from = S3Uri::parse(&args.from).map_err(|e| anyhow::anyhow!("`--from`: {e}"))?;
            let (chain, settings, context) = resolve(&args.common, None)?;
            let built = copy_statement(&table, &from, &chain, &settings);
            (with_options(&args.common, Statement::Copy(built))?, context, args.common.output)
        }
        Command::Unload(args) => {
            let to = S3Uri::parse(&args.to).map_err(|e| anyhow::anyhow!("`--to`: {e}"))?;
            let (chain, settings, context) = resolve(&args.common, args.kms_key.as_deref())?;
            let built = unload_statement(&args.query, &to, &chain, &settings);
            (with_options(&args.common, Statement::Unload(built))?, context, args.common.output)
        }
    };
    let sql = statement.to_string();
    let problems: Vec<String> = redbridge_sql::lint(&sql, &context)
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {} ({})", d.code, d.message, d.help))
        .collect();
    if !problems.is_empty() {
        anyhow::bail!("the statement would not work:\n  {}\n  {sql}", problems.join("\n  "));
    }
    match output {
        OutputFormat::Text => output::print(&format!("{sql};\n"))?,
        OutputFormat::Json => output::print(&format!(
            "{}\n",
            serde_json::json!({"schema_version": output::SCHEMA_VERSION, "kind": statement_kind(&statement), "sql": sql, "iam_roles": statement.iam_roles()})
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn statement_kind(statement: &Statement) -> &'static str {
    match statement {
        Statement::Copy(_) => "copy",
        Statement::Unload(_) => "unload",
    }
}

/// The chain, the statement settings and the lint context: from `--spec` (its plan's chain,
/// region and key), or from `--iam-role` flags; `--format`, `--region` and `--kms-key` override.
fn resolve(
    common: &CommonArgs,
    kms_key: Option<&str>,
) -> anyhow::Result<(Vec<RoleArn>, StatementSettings, LintContext)> {
    let (chain, mut settings, context) = if let Some(path) = &common.spec {
        anyhow::ensure!(common.iam_roles.is_empty(), "give either `--iam-role` or `--spec`, not both");
        let spec = SpecArgs { spec: Some(path.clone()), ..SpecArgs::default() }.resolve()?;
        let plan =
            Plan::new(&spec).map_err(|e| anyhow::anyhow!("cannot plan `{}`: {e}", crate::input::display_name(path)))?;
        (plan.chain.roles().to_vec(), StatementSettings::from_spec(&spec), lint_context(&spec))
    } else {
        anyhow::ensure!(
            !common.iam_roles.is_empty(),
            "give the chain with `--iam-role ARN` (once per hop) or `--spec FILE`"
        );
        let roles = common
            .iam_roles
            .iter()
            .enumerate()
            .map(|(i, r)| RoleArn::parse(r).map_err(|e| anyhow::anyhow!("`--iam-role` #{}: {e}", i + 1)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let chain = RoleChain::new(roles).map_err(|e| anyhow::anyhow!("`--iam-role`: {e}"))?;
        (chain.roles().to_vec(), StatementSettings::default(), LintContext::default())
    };
    if let Some(format) = &common.format {
        settings.format = DataFormat::parse(format).map_err(|e| anyhow::anyhow!("`--format`: {e}"))?;
    }
    if let Some(region) = &common.region {
        settings.region = Some(Region::parse(region).map_err(|e| anyhow::anyhow!("`--region`: {e}"))?);
    }
    if let Some(key) = kms_key {
        settings.kms_key = Some(KmsKeyArn::parse(key).map_err(|e| anyhow::anyhow!("`--kms-key`: {e}"))?);
    }
    Ok((chain, settings, context))
}

/// Appends the `--option` parameters and reads the result back with our parser, so what is
/// printed is the canonical form of a statement that parses.
fn with_options(common: &CommonArgs, statement: Statement) -> anyhow::Result<Statement> {
    if common.options.is_empty() {
        return Ok(statement);
    }
    let text = format!("{statement} {}", common.options.join(" "));
    redbridge_sql::parse_statement(&text)
        .map_err(|e| anyhow::anyhow!("an `--option` does not fit the statement: {e}\n  {text}"))
}
