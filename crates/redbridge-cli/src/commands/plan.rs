//! `redbridge plan`: derive the whole cross-account setup offline and print it as a runbook
//! (text) or as one JSON document whose policies are JSON objects, or export it as Terraform,
//! CloudFormation or AWS CLI scripts.
//!
//! Without `--format`, the plan is a runbook printed as `--output` says (text or JSON), or its
//! chain drawn (`--output dot|mermaid`: the target, each role, the bucket and the key).
//! With `--format`, `--output` is refused: the format decides. `--format json` is the plan JSON
//! restricted to the accounts `--account` chooses. The other formats make one file per account
//! plus a `README.md` for the other team; `--out DIR` writes them there, and without it they are
//! printed one after another, each under a `==> NAME <==` line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use redbridge_core::Plan;
use redbridge_core::plan::{NoteLevel, Side, StatementKind, Step};
use redbridge_core::spec::Target;
use redbridge_export::{AccountSelection, ExportOptions, Format};

use crate::exit;
use crate::output::{self, ChainOutput};
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge plan`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge plan --spec examples/serverless-unload-kms.toml",
        "redbridge plan --spec examples/provisioned-copy.toml -o json",
        "redbridge plan --spec examples/provisioned-copy.toml -o dot | dot -Tsvg > chain.svg",
        "redbridge plan --spec examples/provisioned-copy.toml --format terraform --account s3",
        "redbridge plan --spec examples/provisioned-copy.toml --format terraform --with-operator-policies",
        "cat examples/provisioned-copy.toml | redbridge plan --spec - --prefix archive/",
    ],
    &[(exit::SUCCESS, "the plan was printed or written")],
))]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// How to print the runbook, or draw its chain as a graph (without `--format`; default text).
    #[arg(long, short, value_enum, conflicts_with = "format")]
    pub output: Option<ChainOutput>,
    /// Export the plan as infrastructure code instead of a runbook.
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Which accounts to export: `redshift`, `s3`, `both` (every account, the default) or an account id.
    #[arg(long, value_name = "ACCOUNT", value_parser = AccountSelection::parse, requires = "format")]
    pub account: Option<AccountSelection>,
    /// Write one file per account and a README into this directory (created if missing).
    #[arg(long, value_name = "DIR", requires = "format")]
    pub out: Option<PathBuf>,
    /// Overwrite files already in the `--out` directory (refused without it).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Also export, per account, the managed policies the person running redbridge needs there
    /// (`operator-<side>-<account>` files; `--format json` always has them, as part of the plan).
    #[arg(long, requires = "format")]
    pub with_operator_policies: bool,
}

/// The forms `--format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Terraform HCL, one aliased `aws` provider per account.
    Terraform,
    /// One CloudFormation template per account.
    Cloudformation,
    /// One bash script per account, safe to run twice.
    AwsCli,
    /// The plan as JSON, restricted to the chosen accounts.
    Json,
}

/// What the arguments resolve to.
#[derive(Debug)]
enum Rendering {
    /// The runbook, as text or JSON, or its chain drawn.
    Runbook(ChainOutput),
    /// An export.
    Export { format: ExportFormat, selection: AccountSelection, options: ExportOptions, out: Option<PathBuf> },
}

impl Args {
    fn rendering(&self) -> Rendering {
        match self.format {
            None => Rendering::Runbook(self.output.unwrap_or_default()),
            Some(format) => Rendering::Export {
                format,
                selection: self.account.unwrap_or(AccountSelection::Both),
                options: ExportOptions::with_operator_policies(self.with_operator_policies),
                out: self.out.clone(),
            },
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let plan = args.spec.plan()?;
    match args.rendering() {
        Rendering::Runbook(ChainOutput::Text) => output::print_styled(&render_text(&plan), runbook_style)?,
        Rendering::Runbook(ChainOutput::Json) => output::print(&output::json_document(&plan)?)?,
        Rendering::Runbook(drawing @ (ChainOutput::Dot | ChainOutput::Mermaid)) => {
            let graph = redbridge_core::graph::Graph::of_plan(&plan);
            output::print(&drawing.draw(&graph).unwrap_or_default())?;
        }
        Rendering::Export { format, selection, options, out } => {
            let files = export_files(&plan, format, selection, options)?;
            match out {
                Some(dir) => write_files(&dir, &files, args.force)?,
                None if files.len() == 1 => output::print(&files[0].1)?,
                None => {
                    let mut text = String::new();
                    for (index, (name, contents)) in files.iter().enumerate() {
                        if index > 0 {
                            text.push('\n');
                        }
                        let _ = write!(text, "==> {name} <==\n{contents}");
                    }
                    output::print(&text)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The files of an export as (name, contents).
fn export_files(
    plan: &Plan,
    format: ExportFormat,
    selection: AccountSelection,
    options: ExportOptions,
) -> anyhow::Result<Vec<(String, String)>> {
    let format = match format {
        ExportFormat::Terraform => Format::Terraform,
        ExportFormat::Cloudformation => Format::CloudFormation,
        ExportFormat::AwsCli => Format::AwsCli,
        ExportFormat::Json => {
            let mut plan = plan.clone();
            let accounts: Vec<_> = plan.accounts.iter().map(|a| a.account).collect();
            plan.accounts.retain(|a| selection.includes(&plan.spec, a.account));
            if plan.accounts.is_empty() {
                let account = match selection {
                    AccountSelection::Account(account) => account,
                    _ => plan.spec.redshift_account,
                };
                return Err(redbridge_export::ExportError::AccountNotInPlan { account, accounts }.into());
            }
            return Ok(vec![("plan.json".to_owned(), output::json_document(&plan)?)]);
        }
    };
    let export = redbridge_export::export_with(plan, format, selection, options)?;
    Ok(export.files.into_iter().map(|f| (f.name, f.contents)).collect())
}

/// Writes the export into `dir`; without `force`, refuses before writing anything when one of
/// its files is already there, so that no export is half written over an old one.
fn write_files(dir: &Path, files: &[(String, String)], force: bool) -> anyhow::Result<()> {
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| format!("`{}`", path.display()))
        .collect();
    if !existing.is_empty() && !force {
        anyhow::bail!(
            "refusing to overwrite {} already in `{}`: {} (pass `--force` to overwrite)",
            if existing.len() == 1 { "a file" } else { "files" },
            dir.display(),
            existing.join(", ")
        );
    }
    let mut written = String::new();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for (name, contents) in files {
        let path = dir.join(name);
        std::fs::write(&path, contents).with_context(|| format!("cannot write `{}`", path.display()))?;
        #[cfg(unix)]
        if name.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot make `{}` executable", path.display()))?;
        }
        let _ = writeln!(written, "wrote `{}`", path.display());
    }
    output::print(&written)
}

/// The plan as a short runbook: one section per account, numbered steps, pretty policies.
pub fn render_text(plan: &Plan) -> String {
    let spec = &plan.spec;
    let mut out = String::new();
    let target = match &spec.target {
        Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
        Target::Serverless { workgroup, namespace } => {
            format!("serverless workgroup `{workgroup}` (namespace `{namespace}`)")
        }
    };
    let access = match (spec.access.copy(), spec.access.unload()) {
        (true, true) => "COPY and UNLOAD",
        (true, false) => "COPY",
        _ => "UNLOAD",
    };
    let _ = writeln!(
        out,
        "Plan: {access} between Redshift {target} in account {} ({})",
        spec.redshift_account, spec.region
    );
    let _ = writeln!(out, "      and s3://{} in account {} ({})", spec.bucket, spec.s3_account, spec.bucket_region);
    let _ = writeln!(
        out,
        "Role chain ({} role{}):",
        plan.chain.roles().len(),
        if plan.chain.roles().len() == 1 { "" } else { "s" }
    );
    for (i, role) in plan.chain.roles().iter().enumerate() {
        let _ = writeln!(out, "  {}. {role}", i + 1);
    }
    let mut number = 0;
    for account in &plan.accounts {
        let side = match account.side {
            Side::Redshift => "Redshift account",
            Side::Intermediate => "intermediate account",
            Side::S3 => "bucket account",
            Side::RedshiftAndS3 => "Redshift and bucket account",
        };
        let _ = writeln!(out, "\n== {side} {} ==", account.account);
        for step in &account.steps {
            number += 1;
            match step {
                Step::CreateRole { role, description, trust_policy, tags } => {
                    let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    let _ = writeln!(out, "{number}. Create role `{}`: {description}", role.name());
                    let _ = writeln!(out, "   ARN: {role}");
                    let _ = writeln!(out, "   Tags: {}", tags.join(", "));
                    let _ = writeln!(out, "   Trust policy:");
                    push_indented(&mut out, &trust_policy.to_json_pretty(), 6);
                }
                Step::PutRolePolicy { role, policy_name, policy } => {
                    let _ = writeln!(out, "{number}. Put inline policy `{policy_name}` on role `{}`:", role.name());
                    push_indented(&mut out, &policy.to_json_pretty(), 6);
                }
                Step::MergeKeyPolicy { key, statements, reason } => {
                    let _ = writeln!(out, "{number}. Merge into the key policy of {key}");
                    let _ = writeln!(out, "   ({reason}):");
                    for statement in statements {
                        push_indented(&mut out, &serde_json::to_string_pretty(statement).unwrap_or_default(), 6);
                    }
                }
                Step::AttachRole { target, role, how } => {
                    let what = match target {
                        Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
                        Target::Serverless { namespace, .. } => format!("namespace `{namespace}`"),
                    };
                    let _ = writeln!(out, "{number}. Attach `{}` to {what}:", role.name());
                    let _ = writeln!(out, "   {how}");
                }
            }
        }
    }
    if !plan.statements.is_empty() {
        let _ = writeln!(out, "\n== SQL ==");
        for statement in &plan.statements {
            let label = match statement.kind {
                StatementKind::Copy => format!("COPY from {}", statement.location),
                StatementKind::Unload => format!("UNLOAD to {}", statement.location),
                StatementKind::Grant => "GRANT (only after REVOKE ASSUMEROLE ON ALL FROM PUBLIC)".to_owned(),
            };
            let _ = writeln!(out, "-- {label}\n{};", statement.sql);
        }
    }
    push_operator_policies(&mut out, plan);
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\n== Notes ==");
        for note in &plan.notes {
            let level = match note.level {
                NoteLevel::Info => "note",
                NoteLevel::Warning => "warning",
            };
            let _ = writeln!(out, "{level}[{}]: {}", note.code, note.message);
        }
    }
    out
}

/// The identity policies the person running redbridge needs, per account and command.
fn push_operator_policies(out: &mut String, plan: &Plan) {
    use redbridge_core::operator::{AccountOperatorPolicies, OperatorCommand};
    let policies = &plan.operator_policies;
    let _ = writeln!(out, "\n== Operator permissions ==");
    let _ = writeln!(
        out,
        "What the profile running redbridge needs in each account (ask the account's admins for these; \
         `plan --output json` has them under `operator_policies`):"
    );
    let mut accounts: Vec<(&str, &AccountOperatorPolicies)> = vec![("Redshift account", &policies.redshift)];
    if policies.s3.account != policies.redshift.account {
        accounts.push(("bucket account", &policies.s3));
    }
    accounts.extend(policies.intermediate.iter().map(|p| ("intermediate account", p)));
    for (side, account) in accounts {
        for command in OperatorCommand::ALL {
            let what = match command {
                OperatorCommand::Apply => "`apply` and `destroy`",
                OperatorCommand::Doctor => "`doctor` (read only)",
                OperatorCommand::Test => "`test`",
            };
            let policy = account.policy(command);
            if policy.statements.is_empty() {
                let _ = writeln!(out, "-- {side} {}, for {what}: nothing", account.account);
            } else {
                let _ = writeln!(out, "-- {side} {}, for {what}:", account.account);
                push_indented(out, &policy.to_json_pretty(), 3);
            }
        }
    }
}

/// The style of a runbook line: headings bold, warnings yellow, SQL comments dim.
pub fn runbook_style(line: &str) -> Option<anstyle::Style> {
    use crate::color::styles;
    if line.starts_with("== ") || line.starts_with("Plan: ") || line.starts_with("Role chain") {
        Some(styles::HEADING)
    } else if line.starts_with("warning[") {
        Some(styles::WARNING)
    } else if line.starts_with("-- ") {
        Some(styles::NOTE)
    } else {
        None
    }
}

fn push_indented(out: &mut String, text: &str, indent: usize) {
    for line in text.lines() {
        let _ = writeln!(out, "{:indent$}{line}", "");
    }
}
