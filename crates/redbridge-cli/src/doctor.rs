//! `redbridge doctor`: judge every hop of the chain against what the accounts hold (or a saved
//! snapshot), and print each broken link with its evidence and fix.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use redbridge_core::Plan;
use redbridge_core::doctor::{HopStatus, Report, Severity, Snapshot, Verdict, analyze};

use crate::output::OutputFormat;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge doctor`.
#[derive(Debug, clap::Args)]
#[command(after_help = "exit status: 0 every needed action is allowed; 1 something blocks; 3 the answer depends on \
                        state that could not be read; 2 usage or input errors")]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Analyse a snapshot saved with `--save` instead of reading the accounts.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = args.spec.resolve()?;
    let plan = Plan::new(&spec).map_err(|e| anyhow::anyhow!("cannot plan this spec: {e}"))?;
    let Some(path) = &args.snapshot else {
        anyhow::bail!("reading both accounts live is not available in this build yet; give a saved snapshot with `--snapshot FILE`")
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read snapshot `{}`", path.display()))?;
    let snapshot = Snapshot::from_json(&text).map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
    let report = analyze(&plan, &snapshot);
    match args.output {
        OutputFormat::Text => print!("{}", render_text(&plan, &report)),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(ExitCode::from(report.verdict.exit_code()))
}

/// The report as the chain reads, top to bottom: each hop with ✓ or ✗ and its findings.
pub fn render_text(plan: &Plan, report: &Report) -> String {
    let spec = &plan.spec;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Chain: {} ({}) → s3://{} ({})",
        spec.target.name(),
        spec.redshift_account,
        spec.bucket,
        spec.s3_account
    );
    for hop in &report.hops {
        let mark = match hop.status {
            HopStatus::Ok => "✓",
            HopStatus::Broken => "✗",
            HopStatus::Unknown => "?",
            HopStatus::Skipped => "-",
        };
        let status = match hop.status {
            HopStatus::Skipped => " (skipped: the role it starts from could not be read)",
            HopStatus::Unknown => " (could not be fully checked)",
            _ => "",
        };
        let _ = writeln!(out, "{mark} {}{status}", hop.hop.label());
        for check in &hop.checks {
            let mark = match check.ok {
                Some(true) => "ok",
                Some(false) => "no",
                None => "??",
            };
            let _ = writeln!(out, "    [{mark}] {}", check.what);
        }
        for finding in report.findings.iter().filter(|f| f.hop == hop.hop) {
            let level = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Unknown => "unknown",
                Severity::Info => "note",
            };
            let _ = writeln!(out, "    {level}[{}]: {}", finding.code, finding.message);
            for evidence in &finding.evidence {
                let _ = writeln!(out, "      evidence: {evidence}");
            }
            let mut lines = finding.fix.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(out, "      fix: {first}");
                for line in lines {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
    }
    let count = |severity: Severity| report.findings.iter().filter(|f| f.severity == severity).count();
    let verdict = match report.verdict {
        Verdict::Healthy => "healthy: every action COPY and UNLOAD need is allowed",
        Verdict::Broken => "broken: fix the errors above, top first",
        Verdict::Unknown => "unknown: nothing found broken, but some state could not be read",
    };
    let _ = writeln!(
        out,
        "\n{verdict} ({} error(s), {} warning(s), {} unknown)",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Unknown)
    );
    out
}
