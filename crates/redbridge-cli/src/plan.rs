//! `redbridge plan`: derive the whole cross-account setup offline and print it as a runbook
//! (text) or as one JSON document whose policies are JSON objects.

use std::fmt::Write as _;
use std::process::ExitCode;

use redbridge_core::Plan;
use redbridge_core::plan::{NoteLevel, Side, Step, StatementKind};
use redbridge_core::spec::Target;

use crate::output::OutputFormat;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = args.spec.resolve()?;
    let plan = Plan::new(&spec).map_err(|e| anyhow::anyhow!("cannot plan this spec: {e}"))?;
    let text = match args.output {
        OutputFormat::Text => render_text(&plan),
        OutputFormat::Json => serde_json::to_string_pretty(&plan)? + "\n",
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The plan as a short runbook: one section per account, numbered steps, pretty policies.
pub fn render_text(plan: &Plan) -> String {
    let spec = &plan.spec;
    let mut out = String::new();
    let target = match &spec.target {
        Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
        Target::Serverless { workgroup, namespace } => format!("serverless workgroup `{workgroup}` (namespace `{namespace}`)"),
    };
    let access = match (spec.access.copy(), spec.access.unload()) {
        (true, true) => "COPY and UNLOAD",
        (true, false) => "COPY",
        _ => "UNLOAD",
    };
    let _ = writeln!(out, "Plan: {access} between Redshift {target} in account {} ({})", spec.redshift_account, spec.region);
    let _ = writeln!(out, "      and s3://{} in account {} ({})", spec.bucket, spec.s3_account, spec.bucket_region);
    let _ = writeln!(out, "Role chain ({} role{}):", plan.chain.roles().len(), if plan.chain.roles().len() == 1 { "" } else { "s" });
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

fn push_indented(out: &mut String, text: &str, indent: usize) {
    for line in text.lines() {
        let _ = writeln!(out, "{:indent$}{line}", "");
    }
}
