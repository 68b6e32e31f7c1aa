//! `redbridge apply`: converge both accounts to the plan. Checks each profile's account with
//! STS, reads the current state, prints a Terraform-like diff, asks (unless `--yes`), then
//! creates in dependency order, merges shared policies, attaches and waits for `in-sync`.
//!
//! The tokio runtime and the AWS configuration exist only inside [`run`] (and `destroy`'s):
//! every other command stays offline.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use redbridge_aws::apply_engine::{self, Event, Outcome, Ports, Progress, Report, RunSettings, Sleeper};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::ports::{Iam, Kms, Redshift, RedshiftServerless, S3, Sts};
use redbridge_core::Plan;
use redbridge_core::Spec;
use redbridge_core::converge::{ChangeKind, Diff, DiffLine};
use redbridge_core::plan::Side;
use serde::Serialize;

use crate::accounts::{self, HopProfile, Profiles, parse_hop_profile};
use crate::output::OutputFormat;
use crate::spec_args::SpecArgs;

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
    #[arg(long, value_enum, default_value_t)]
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
    init_tracing();
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

pub(crate) fn init_tracing() {
    // `REDBRIDGE_LOG=debug` shows what the SDK does; logs go to standard error.
    let filter = tracing_subscriber::EnvFilter::try_from_env("REDBRIDGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    // The SDK's debug logs print access key ids: every line goes through the redactor.
    let secrets = redbridge_aws::redact::secrets_from_env();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || redbridge_aws::redact::RedactingWriter::new(std::io::stderr(), secrets.clone()))
        .with_ansi(std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal())
        .try_init();
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

/// Where text goes and where the answer comes from.
pub trait Ui {
    /// Prints to standard output.
    fn out(&mut self, text: &str);
    /// Prints a line to standard error.
    fn note(&mut self, text: &str);
    /// Asks whether to go on.
    fn confirm(&mut self, question: &str) -> anyhow::Result<bool>;
}

struct Terminal;

impl Ui for Terminal {
    fn out(&mut self, text: &str) {
        print!("{text}");
        let _ = std::io::stdout().flush();
    }

    fn note(&mut self, text: &str) {
        eprintln!("{text}");
    }

    fn confirm(&mut self, question: &str) -> anyhow::Result<bool> {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!("standard input is not a terminal: pass `--yes` to go ahead without asking, or `--dry-run`");
        }
        eprint!("{question} ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).context("cannot read the answer")?;
        Ok(matches!(answer.trim(), "yes" | "y"))
    }
}

/// Progress on standard error: a spinner on a terminal, plain lines otherwise.
struct TerminalProgress {
    spinner: Option<indicatif::ProgressBar>,
    last: Mutex<Option<String>>,
}

impl TerminalProgress {
    fn new() -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { spinner, last: Mutex::new(None) }
    }

    fn line(&self, text: String) {
        match &self.spinner {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }
}

impl Drop for TerminalProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

impl Progress for TerminalProgress {
    fn event(&self, event: &Event) {
        match event {
            Event::Started { subject } => match &self.spinner {
                Some(bar) => bar.set_message(subject.clone()),
                None => eprintln!("{subject}: starting"),
            },
            Event::Done { subject } => self.line(format!("{subject}: done")),
            Event::Retrying { subject, attempt, delay_ms, reason } => {
                self.line(format!("{subject}: attempt {attempt} failed ({reason}); retrying in {}s", delay_ms / 1000))
            }
            Event::Waiting { role, status, waited_ms } => {
                let text = format!("waiting for `{role}` to be `in-sync` (now `{status}`, {}s)", waited_ms / 1000);
                match &self.spinner {
                    Some(bar) => bar.set_message(text),
                    None => {
                        // One line per status change, and one every minute.
                        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                        let key = format!("{role} {status} {}", waited_ms / 60_000);
                        if last.as_deref() != Some(key.as_str()) {
                            eprintln!("{text}");
                            *last = Some(key);
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Serialize)]
struct JsonResult<'a> {
    command: &'static str,
    dry_run: bool,
    diff: &'a Diff,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a Report>,
    status: &'static str,
}

/// The whole command over any ports: verify, read, diff, print, confirm, execute, report.
#[allow(clippy::too_many_arguments)]
pub async fn converge<I, S, K, R, N, B, Z, P>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N>,
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
    B: S3,
    Z: Sleeper,
    P: Progress,
{
    let verb = options.mode.verb();
    let prepared = converge_run::prepare(plan, ports, s3, options.mode).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if options.verbose {
        ui.note(&crate::doctor::render_stats(&prepared.stats));
    }
    let diff = prepared.diff.map_err(|e| anyhow::anyhow!("{e}; nothing was changed"))?;
    let json = options.output == OutputFormat::Json;
    let emit_json = |ui: &mut dyn Ui, report: Option<&Report>, status: &'static str| {
        let result = JsonResult { command: verb, dry_run: options.dry_run, diff: &diff, report, status };
        ui.out(&(serde_json::to_string_pretty(&result).unwrap_or_default() + "\n"));
    };
    if !json {
        ui.out(&render_diff(&diff, verb));
    }
    if !diff.blockers.is_empty() {
        if json {
            emit_json(ui, None, "blocked");
        }
        let reasons: Vec<String> = diff.blockers.iter().map(|b| b.message.clone()).collect();
        anyhow::bail!("nothing was changed: {}", reasons.join("; "));
    }
    if !diff.has_changes() {
        if json {
            emit_json(ui, None, "no_changes");
        } else {
            ui.out("no changes: AWS already matches the plan\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if options.dry_run {
        if json {
            emit_json(ui, None, "dry_run");
        } else {
            ui.out("dry run: nothing was changed\n");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !options.yes && !ui.confirm(&format!("{verb} these changes? type `yes` to go ahead:"))? {
        if json {
            emit_json(ui, None, "cancelled");
        } else {
            ui.out("cancelled: nothing was changed\n");
        }
        return Ok(ExitCode::from(1));
    }
    let report = apply_engine::execute(&diff, ports, settings, sleeper, progress).await;
    if json {
        emit_json(ui, Some(&report), if report.succeeded() { "done" } else { "failed" });
    } else {
        ui.out(&render_report(&report, verb));
    }
    Ok(if report.succeeded() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Redshift => "Redshift account",
        Side::Intermediate => "intermediate account",
        Side::S3 => "bucket account",
        Side::RedshiftAndS3 => "Redshift and bucket account",
    }
}

/// The diff as Terraform prints a plan: `+` create, `~` update (with the policy diff), `-`
/// delete, `=` unchanged, account by account.
pub fn render_diff(diff: &Diff, verb: &str) -> String {
    let mut out = String::new();
    for account in &diff.accounts {
        let _ = writeln!(out, "account {} ({})", account.account, side_label(account.side));
        if account.changes.is_empty() {
            let _ = writeln!(out, "  nothing to {verb}");
        }
        for change in &account.changes {
            let _ = writeln!(out, "  {} {}", change.kind.sign(), change.subject);
            if change.kind != ChangeKind::Unchanged {
                for line in &change.policy_diff {
                    let _ = match line {
                        DiffLine::Same(text) => writeln!(out, "        {text}"),
                        DiffLine::Added(text) => writeln!(out, "      + {text}"),
                        DiffLine::Removed(text) => writeln!(out, "      - {text}"),
                    };
                }
            }
        }
    }
    let (create, update, delete, unchanged) = diff.counts();
    let _ =
        writeln!(out, "\n{verb}: {create} to create, {update} to update, {delete} to delete, {unchanged} unchanged");
    for blocker in &diff.blockers {
        let _ = writeln!(out, "blocked: {}", blocker.message);
    }
    out
}

/// What was done and what was not.
pub fn render_report(report: &Report, verb: &str) -> String {
    let mut out = String::new();
    for step in &report.steps {
        let _ = match &step.outcome {
            Outcome::Done => writeln!(out, "done      {} {}", step.kind.sign(), step.subject),
            Outcome::Unchanged => writeln!(out, "unchanged = {}", step.subject),
            Outcome::Failed { error } => writeln!(out, "FAILED    {} {}: {error}", step.kind.sign(), step.subject),
            Outcome::NotRun => writeln!(out, "not run   {} {}", step.kind.sign(), step.subject),
        };
    }
    if report.succeeded() {
        let _ = writeln!(out, "{verb} complete");
    } else {
        let _ = writeln!(
            out,
            "{verb} failed: the steps marked `done` were made, the others were not; fix the cause and rerun `redbridge {verb}`, it continues from the current state"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use redbridge_aws::apply_engine::{NoSleep, Ports, RunSettings, Silent};
    use redbridge_aws::fake::FakeAws;
    use redbridge_core::{Plan, Spec};

    use super::*;

    struct Scripted {
        out: String,
        notes: Vec<String>,
        answer: bool,
        asked: usize,
    }

    impl Ui for Scripted {
        fn out(&mut self, text: &str) {
            self.out.push_str(text);
        }

        fn note(&mut self, text: &str) {
            self.notes.push(text.to_owned());
        }

        fn confirm(&mut self, _question: &str) -> anyhow::Result<bool> {
            self.asked += 1;
            Ok(self.answer)
        }
    }

    fn plan() -> Plan {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
                .unwrap();
        Plan::new(&Spec::from_toml(&text).unwrap()).unwrap()
    }

    fn world(plan: &Plan) -> FakeAws {
        let aws = FakeAws::new();
        aws.seed_namespace("analytics-ns", &[]);
        if let Some(key) = &plan.spec.kms_key {
            aws.seed_key(key, redbridge_iam::policy::PolicyDocument::new(vec![]));
        }
        aws
    }

    fn run(aws: &FakeAws, plan: &Plan, options: Options, answer: bool) -> (ExitCode, Scripted) {
        let ports = Ports::for_fake(aws, plan);
        let s3 = aws.account(plan.spec.s3_account);
        let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer, asked: 0 };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let code = runtime
            .block_on(converge(
                plan,
                &ports,
                Some(&s3),
                &options,
                &RunSettings::default(),
                &NoSleep::default(),
                &Silent,
                &mut ui,
            ))
            .unwrap();
        (code, ui)
    }

    fn options(mode: Mode) -> Options {
        Options { dry_run: false, yes: true, output: OutputFormat::Text, verbose: false, mode }
    }

    #[test]
    fn apply_prints_a_terraform_like_diff_then_what_it_did_and_a_rerun_reports_no_changes() {
        let plan = plan();
        let aws = world(&plan);
        let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
        assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
        assert_eq!(ui.asked, 0, "`--yes` does not ask");
        assert!(ui.out.contains("account 111111111111 (Redshift account)\n  + role arn:aws:iam::111111111111:role/redbridge-analytics-wg"), "{}", ui.out);
        assert!(ui.out.contains("  ~ key policy of arn:aws:kms:"), "{}", ui.out);
        assert!(ui.out.contains("      + "), "policy diff lines: {}", ui.out);
        assert!(ui.out.contains("apply: 5 to create, 1 to update, 0 to delete, 0 unchanged"), "{}", ui.out);
        assert!(
            ui.out.contains("done      + role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"),
            "{}",
            ui.out
        );
        assert!(ui.out.ends_with("apply complete\n"), "{}", ui.out);

        let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(
            ui.out.contains(
                "  = role arn:aws:iam::111111111111:role/redbridge-analytics-wg attached to namespace `analytics-ns`"
            ),
            "{}",
            ui.out
        );
        assert!(ui.out.ends_with("no changes: AWS already matches the plan\n"), "{}", ui.out);
    }

    #[test]
    fn dry_run_and_a_declined_confirmation_change_nothing() {
        let plan = plan();
        let aws = world(&plan);
        let before = aws.state();
        let (code, ui) = run(&aws, &plan, Options { dry_run: true, ..options(Mode::Apply { adopt: false }) }, true);
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(ui.out.ends_with("dry run: nothing was changed\n"));
        assert_eq!(aws.state(), before);
        let (code, ui) = run(&aws, &plan, Options { yes: false, ..options(Mode::Apply { adopt: false }) }, false);
        assert_eq!(code, ExitCode::from(1));
        assert_eq!(ui.asked, 1);
        assert!(ui.out.ends_with("cancelled: nothing was changed\n"));
        assert_eq!(aws.state(), before);
    }

    #[test]
    fn json_output_carries_the_diff_and_the_report() {
        let plan = plan();
        let aws = world(&plan);
        let (_, ui) =
            run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Apply { adopt: false }) }, true);
        let value: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
        assert_eq!(value["status"], "done");
        assert_eq!(value["diff"]["accounts"][0]["changes"][0]["kind"], "create");
        assert_eq!(value["report"]["steps"][0]["outcome"], "done");
        let (_, ui) = run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Destroy) }, true);
        let value: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
        assert_eq!(value["command"], "destroy");
        assert_eq!(value["status"], "done");
    }

    #[test]
    fn a_failed_apply_says_what_was_done_and_what_was_not() {
        let plan = plan();
        let aws = world(&plan);
        // The account check and the reads first (as many as a dry run makes); fail the first write.
        let (_, dry) = run(&aws, &plan, Options { dry_run: true, ..options(Mode::Apply { adopt: false }) }, true);
        assert!(dry.out.ends_with("dry run: nothing was changed\n"));
        let reads = aws.calls().len() as u64;
        aws.fail_call(reads + 1);
        let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
        assert_eq!(code, ExitCode::from(1), "{}", ui.out);
        assert!(ui.out.contains("FAILED    + role arn:aws:iam::111111111111:role/redbridge-analytics-wg: iam:CreateRole: injected failure"), "{}", ui.out);
        assert!(
            ui.out.contains("not run   + role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"),
            "{}",
            ui.out
        );
        assert!(ui.out.contains("apply failed: the steps marked `done` were made"), "{}", ui.out);
    }

    #[test]
    fn destroy_shows_deletions_and_leaves_nothing_of_redbridge() {
        let plan = plan();
        let aws = world(&plan);
        let before = aws.state();
        run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
        let (code, ui) = run(&aws, &plan, options(Mode::Destroy), true);
        assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
        assert!(
            ui.out.contains("  - role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"),
            "{}",
            ui.out
        );
        assert!(ui.out.contains("destroy complete"), "{}", ui.out);
        assert_eq!(aws.state().settled(), before.settled());
    }

    #[test]
    fn a_foreign_role_blocks_apply_with_a_message_naming_adopt() {
        let plan = plan();
        let aws = world(&plan);
        aws.seed_role(plan.chain.first(), redbridge_iam::policy::PolicyDocument::new(vec![]), &[]);
        let ports = Ports::for_fake(&aws, &plan);
        let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer: true, asked: 0 };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let error = runtime
            .block_on(converge(
                &plan,
                &ports,
                None::<&redbridge_aws::fake::FakeAccount>,
                &options(Mode::Apply { adopt: false }),
                &RunSettings::default(),
                &NoSleep::default(),
                &Silent,
                &mut ui,
            ))
            .unwrap_err();
        assert!(
            error.to_string().starts_with(
                "nothing was changed: role `arn:aws:iam::111111111111:role/redbridge-analytics-wg` exists"
            ),
            "{error}"
        );
        assert!(error.to_string().contains("`--adopt`"));
    }

    #[test]
    fn verbose_prints_what_reading_cost_and_an_unreadable_role_stops_before_any_change() {
        let plan = plan();
        let aws = world(&plan);
        let (code, ui) = run(&aws, &plan, Options { verbose: true, ..options(Mode::Apply { adopt: false }) }, true);
        assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
        let calls = aws.calls().iter().take_while(|c| !c.starts_with("iam:CreateRole")).count();
        assert_eq!(
            ui.notes,
            [format!("read both accounts with {calls} AWS calls; longest dependent sequence: 2 round trip(s)")]
        );

        aws.deny(Some(plan.spec.redshift_account), "iam:GetRole");
        let before = aws.state();
        let ports = Ports::for_fake(&aws, &plan);
        let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer: true, asked: 0 };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let error = runtime
            .block_on(converge(
                &plan,
                &ports,
                None::<&redbridge_aws::fake::FakeAccount>,
                &options(Mode::Destroy),
                &RunSettings::default(),
                &NoSleep::default(),
                &Silent,
                &mut ui,
            ))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "cannot read the current state: role `{role}`: access denied for `iam:GetRole` reading role `{role}`; nothing was changed",
                role = plan.chain.first()
            )
        );
        assert!(ui.out.is_empty(), "no diff is shown: {}", ui.out);
        assert_eq!(aws.state(), before);
    }
}
