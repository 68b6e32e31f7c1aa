//! `redbridge apply`: converge both accounts to the plan. Checks each profile's account with
//! STS, reads both accounts (the snapshot `doctor` judges), prints a Terraform-like diff, asks
//! (unless `--yes`), then creates in dependency order, merges shared policies, attaches and
//! waits for `in-sync`. Everything up to the diff is `redbridge_aws::converge_run::prepare`;
//! the changes are `redbridge_aws::apply_engine::execute`.
//!
//! Before the first change, each account's caller's own policies are read and the writes of the
//! diff judged with them: what is missing is listed at once, per account, with the policy to add
//! (`operator.rs`); what cannot be read is said in one line, and a change AWS then denies stops
//! the run with the same guidance.
//!
//! The tokio runtime and the AWS configuration exist only inside [`run_mode`] (for `apply` and
//! `destroy`): every other command stays offline.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use redbridge_aws::apply_engine::{self, Ports, Progress, Report, RunSettings, Sleeper};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::ports::{Iam, Kms, Organizations, Redshift, RedshiftServerless, S3, Sts};
use redbridge_core::Plan;
use redbridge_core::Spec;
use redbridge_core::converge::Diff;
use redbridge_core::operator::check::{MissingPermission, OperatorVerdict, access_denied_guidance};
use redbridge_iam::AccountId;
use serde::Serialize;

use crate::accounts::{self, HopProfile, Profiles, parse_hop_profile};
use crate::exit;
use crate::output::OutputFormat;
use crate::render;
use crate::spec_args::SpecArgs;
use crate::terminal::{Terminal, TerminalProgress, Ui};

/// The AWS flags `apply` and `destroy` share.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// The AWS profile of the Redshift account (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE")]
    pub redshift_profile: Option<String>,
    /// The AWS profile of the bucket account (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE")]
    pub s3_profile: Option<String>,
    /// The profile of an account the chain passes through (a hop role outside the Redshift and
    /// bucket accounts), as `ACCOUNT=PROFILE`; repeatable.
    #[arg(long, value_name = "ACCOUNT=PROFILE", value_parser = parse_hop_profile)]
    pub hop_profile: Vec<HopProfile>,
    /// Show the diff and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask before changing anything.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How to print the diff and the result.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: OutputFormat,
    /// Seconds to wait for an attached role to be `in-sync`.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub attach_timeout: u64,
    /// Print how many AWS calls reading the accounts took and the longest dependent sequence of them.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Arguments of `redbridge apply`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge apply --spec examples/serverless-unload-kms.toml --dry-run",
        "redbridge apply --spec examples/serverless-unload-kms.toml --yes \\\n      --redshift-profile analytics --s3-profile data",
    ],
    &[
        (exit::SUCCESS, "applied, nothing to change, or a dry run"),
        (exit::FINDINGS, "a change failed, the operator lacks a permission, or the confirmation was declined"),
    ],
))]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Merge redbridge's statements into existing roles of the planned names that redbridge did
    /// not create (they are tagged `adopted-by=redbridge`; `destroy` then keeps them).
    #[arg(long)]
    pub adopt: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = args.spec.resolve()?;
    run_mode(&spec, &args.aws, Mode::Apply { adopt: args.adopt })
}

/// Runs `apply` or `destroy` against AWS: the only place a runtime is started.
pub fn run_mode(spec: &Spec, aws: &AwsArgs, mode: Mode) -> anyhow::Result<ExitCode> {
    crate::logging::init();
    let plan = Plan::new(spec).map_err(|e| anyhow::anyhow!("cannot plan this spec: {e}"))?;
    if let Some(account) =
        accounts::unreachable_accounts(plan.accounts.iter().map(|a| a.account), spec, &aws.hop_profile).first()
    {
        anyhow::bail!(
            "the chain goes through account `{account}`; give `redbridge {}` its profile with `--hop-profile {account}=PROFILE`, \
             or set up that hop by hand (see `redbridge plan`)",
            mode.verb()
        );
    }
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let profiles = Profiles {
            redshift: aws.redshift_profile.as_deref(),
            s3: aws.s3_profile.as_deref(),
            hops: &aws.hop_profile,
        };
        let (ports, s3) = accounts::live_ports(spec, profiles).await;
        let settings =
            RunSettings { attach_timeout: Duration::from_secs(aws.attach_timeout), ..RunSettings::default() };
        let progress = TerminalProgress::new();
        let mut ui = Terminal;
        let options = Options { dry_run: aws.dry_run, yes: aws.yes, output: aws.output, verbose: aws.verbose, mode };
        converge(&plan, &ports, Some(&s3), &options, &settings, &apply_engine::TokioSleeper, &progress, &mut ui).await
    })
}

/// What the user asked for, resolved.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub dry_run: bool,
    pub yes: bool,
    pub output: OutputFormat,
    pub verbose: bool,
    pub mode: Mode,
}

#[derive(Debug, Serialize)]
struct JsonResult<'a> {
    schema_version: u32,
    command: &'static str,
    dry_run: bool,
    diff: &'a Diff,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a Report>,
    /// Each account's operator judged before the first change.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    operator: &'a [AccountVerdict<'a>],
    /// What to grant when a change failed with access denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_denied: Option<&'a MissingPermission>,
    status: &'static str,
}

#[derive(Debug, Serialize)]
struct AccountVerdict<'a> {
    account: AccountId,
    #[serde(flatten)]
    verdict: &'a OperatorVerdict,
}

/// The whole command over any ports: verify, read, diff, print, confirm, execute, report.
#[allow(clippy::too_many_arguments)]
pub async fn converge<I, S, K, R, N, O, B, Z, P>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
    options: &Options,
    settings: &RunSettings,
    sleeper: &Z,
    progress: &P,
    ui: &mut dyn Ui,
) -> anyhow::Result<ExitCode>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    O: Organizations,
    B: S3,
    Z: Sleeper,
    P: Progress,
{
    let verb = options.mode.verb();
    // The account check failed (AWS unreachable, credentials refused or of another account):
    // a runtime error, exit 4, not the user's input.
    let prepared = converge_run::prepare(plan, ports, s3, options.mode)
        .await
        .map_err(|e| anyhow::Error::new(exit::RuntimeError(e.to_string())))?;
    if options.verbose {
        ui.note(&render::read_stats(&prepared.stats));
    }
    let diff =
        prepared.diff.map_err(|e| anyhow::Error::new(exit::RuntimeError(format!("{e}; nothing was changed"))))?;
    let json = options.output == OutputFormat::Json;
    let mut verdicts: Vec<(AccountId, OperatorVerdict)> = Vec::new();
    let emit_json = |ui: &mut dyn Ui,
                     verdicts: &[(AccountId, OperatorVerdict)],
                     report: Option<&Report>,
                     access_denied: Option<&MissingPermission>,
                     status: &'static str| {
        let operator: Vec<AccountVerdict> =
            verdicts.iter().map(|(account, verdict)| AccountVerdict { account: *account, verdict }).collect();
        let result = JsonResult {
            schema_version: crate::output::SCHEMA_VERSION,
            command: verb,
            dry_run: options.dry_run,
            diff: &diff,
            report,
            operator: &operator,
            access_denied,
            status,
        };
        ui.out(&(serde_json::to_string_pretty(&result).unwrap_or_default() + "\n"));
    };
    if !json {
        ui.out_styled(&render::diff(&diff, verb), render::diff_style);
    }
    if !diff.blockers.is_empty() {
        let reasons: Vec<String> = diff.blockers.iter().map(|b| b.message.clone()).collect();
        if json {
            // One JSON document on standard output, the blockers in its diff; the error goes to
            // standard error (even under `--quiet`) with the exit code the error would have had.
            emit_json(ui, &verdicts, None, None, "blocked");
            let label = crate::color::paint(crate::color::stderr(), crate::color::styles::ERROR, "error");
            crate::output::error(&format!("{label}: nothing was changed: {}", reasons.join("; ")));
            return Ok(ExitCode::from(crate::exit::USAGE));
        }
        anyhow::bail!("nothing was changed: {}", reasons.join("; "));
    }
    if !diff.has_changes() {
        if json {
            emit_json(ui, &verdicts, None, None, "no_changes");
        } else {
            ui.out("no changes: AWS already matches the plan\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The operator's own permissions, judged on the writes this diff makes.
    verdicts = converge_run::check_operator(plan, ports, &prepared.callers, &diff).await;
    for (account, verdict) in &verdicts {
        if let OperatorVerdict::Unreadable { reason, .. } = verdict {
            ui.note(&format!(
                "{}; going on (a change AWS denies stops the run)",
                operator::unreadable_line(*account, reason)
            ));
        }
    }
    let refusal = operator::refusal(&verdicts, verb);
    if let (Some(refusal), false) = (&refusal, options.dry_run) {
        if json {
            emit_json(ui, &verdicts, None, None, "refused");
        } else {
            ui.out(refusal);
        }
        return Ok(ExitCode::from(exit::FINDINGS));
    }
    if options.dry_run {
        if let (Some(refusal), false) = (&refusal, json) {
            ui.out(refusal);
        }
        if json {
            emit_json(ui, &verdicts, None, None, "dry_run");
        } else {
            ui.out("dry run: nothing was changed\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !options.yes && !ui.confirm(&format!("{verb} these changes? type `yes` to go ahead:"))? {
        if json {
            emit_json(ui, &verdicts, None, None, "cancelled");
        } else {
            ui.out("cancelled: nothing was changed\n");
        }
        return Ok(ExitCode::from(exit::FINDINGS));
    }
    let report = apply_engine::execute(&diff, ports, settings, sleeper, progress).await;
    let denied = report.failure().and_then(|step| {
        let action = step.denied_action.as_deref()?;
        let apply_engine::Outcome::Failed { error } = &step.outcome else { return None };
        Some(access_denied_guidance(plan, step.account, action, error))
    });
    if json {
        emit_json(ui, &verdicts, Some(&report), denied.as_ref(), if report.succeeded() { "done" } else { "failed" });
    } else {
        ui.out_styled(&render::run_report(&report, verb), render::diff_style);
        if let Some(denied) = &denied {
            ui.out(&operator::denied_text(denied, verb));
        }
    }
    Ok(if report.succeeded() { ExitCode::SUCCESS } else { ExitCode::from(exit::FINDINGS) })
}

pub mod operator;

#[cfg(test)]
mod tests;
