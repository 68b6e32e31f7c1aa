//! What the commands that read or change AWS print for people: doctor's report, what reading
//! cost (`--verbose`), the `apply`/`destroy` diff and what was done, and the `test` result.
//! Pure text; the commands decide where it goes.

use std::collections::HashMap;
use std::fmt::Write as _;

use redbridge_aws::apply_engine::{Outcome, Report as RunReport};
use redbridge_aws::data_api::RunOutcome;
use redbridge_aws::round_trip_run::TestReport;
use redbridge_aws::snapshot_reader::ReadStats;
use redbridge_core::Plan;
use redbridge_core::converge::{ChangeKind, Diff, DiffLine};
use redbridge_core::doctor::{Finding, Hop, HopStatus, Report, Severity, Verdict};
use redbridge_core::plan::Side;

/// What reading cost, for `--verbose`.
pub fn read_stats(stats: &ReadStats) -> String {
    format!(
        "read both accounts with {} AWS calls; longest dependent sequence: {} round trip(s)",
        stats.calls, stats.depth
    )
}

/// The report as the chain reads, top to bottom: each hop with ✓ or ✗ and its findings.
pub fn doctor_report(plan: &Plan, report: &Report) -> String {
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
    // The findings of each hop, gathered in one pass: the report lists one hop per statement
    // given with `--sql`, so looking them up per hop would cost hops × findings.
    let mut by_hop: HashMap<&Hop, Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        by_hop.entry(&finding.hop).or_default().push(finding);
    }
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
        for finding in by_hop.get(&hop.hop).into_iter().flatten() {
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
            let fix = finding.fix.to_text();
            let mut lines = fix.lines();
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
pub fn diff(diff: &Diff, verb: &str) -> String {
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
pub fn run_report(report: &RunReport, verb: &str) -> String {
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

/// The report for people.
pub fn test_report(report: &TestReport) -> String {
    let mut out = String::new();
    if let Some(location) = &report.location {
        let _ = writeln!(out, "round trip through `{location}`");
    }
    for (index, statement) in report.statements.iter().enumerate() {
        let _ = writeln!(out, "  {}. {statement}", index + 1);
    }
    match &report.outcome {
        RunOutcome::Finished { rows_affected, .. } => {
            let rows = rows_affected.map(|r| format!(" ({r} row(s))")).unwrap_or_default();
            let _ = writeln!(out, "✓ finished{rows}");
        }
        RunOutcome::Failed { statement, error, .. } => {
            let which = statement.map(|s| format!(" at statement {}", s + 1)).unwrap_or_default();
            let _ = writeln!(out, "✗ failed{which}: {error}");
        }
        RunOutcome::Aborted { id } => {
            let _ = writeln!(out, "✗ aborted (statement `{id}`)");
        }
        RunOutcome::TimedOut { id, last_status, cancelled } => {
            let _ = writeln!(
                out,
                "✗ timed out while `{last_status}` (statement `{id}`){}",
                if *cancelled { "; cancelled" } else { "" }
            );
        }
    }
    if let Some(diagnosis) = &report.diagnosis {
        let _ = writeln!(out, "  error[{}] at {}: {}", diagnosis.code, diagnosis.hop, diagnosis.title);
        let _ = writeln!(out, "    {}", diagnosis.meaning);
        if !diagnosis.certain {
            let _ = writeln!(
                out,
                "    the text fits more than one hop: run `redbridge doctor` with the same flags to tell which"
            );
        }
    }
    if let Some(problem) = &report.problem {
        let _ = writeln!(out, "✗ {problem}");
    }
    if let Some(cleanup) = &report.cleanup {
        let _ = writeln!(out, "cleanup: deleted {} object(s) the test wrote", cleanup.deleted.len());
        if let Some(problem) = &cleanup.problem {
            let _ = writeln!(out, "cleanup: {problem}");
        }
    }
    let _ = writeln!(out, "{}", if report.passed { "passed" } else { "failed" });
    out
}
