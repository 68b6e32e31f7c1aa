//! What the commands that read or change AWS print for people: doctor's report, what reading
//! cost (`--verbose`), the `apply`/`destroy` diff and what was done, and the `test` result.
//! Pure text; the commands decide where it goes.

use std::collections::HashMap;
use std::fmt::Write as _;

use anstyle::Style;

use redbridge_aws::apply_engine::{Outcome, Report as RunReport};
use redbridge_aws::data_api::RunOutcome;
use redbridge_aws::round_trip_run::TestReport;
use redbridge_aws::snapshot_reader::ReadStats;
use redbridge_core::converge::{ChangeKind, Diff, DiffLine};
use redbridge_core::doctor::{Finding, Hop, HopStatus, Report, Severity, Verdict};
use redbridge_core::plan::Side;
use redbridge_core::{DataFormat, Plan};

use crate::color::styles;

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
            write_finding(&mut out, finding);
        }
    }
    organization_section(&mut out, report, &by_hop);
    let count = |severity: Severity| report.findings.iter().filter(|f| f.severity == severity).count();
    let not_read = &report.organization_policies.not_read;
    let verdict = match report.verdict {
        Verdict::Healthy => "healthy: every action COPY and UNLOAD need is allowed".to_owned(),
        Verdict::HealthyAsFarAsRead => format!(
            "healthy as far as read — organization policies of {} were not read: {}; an SCP or RCP there may still deny",
            not_read.iter().map(|n| n.account.to_string()).collect::<Vec<_>>().join(", "),
            not_read.first().map(|n| n.reason.as_str()).unwrap_or_default()
        ),
        Verdict::Broken => "broken: fix the errors above, top first".to_owned(),
        Verdict::Unknown => "unknown: nothing found broken, but some state could not be read".to_owned(),
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

fn write_finding(out: &mut String, finding: &Finding) {
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

/// The SCPs and RCPs read for each account of the chain, or why they were not.
fn organization_section(out: &mut String, report: &Report, by_hop: &HashMap<&Hop, Vec<&Finding>>) {
    let policies = &report.organization_policies;
    let mark = if policies.read { "✓" } else { "?" };
    let _ = writeln!(out, "{mark} organization policies (SCPs, RCPs)");
    for account in &policies.accounts {
        let line = match &account.organization_id {
            None => "in no organization: none apply".to_owned(),
            Some(id) if account.management_account => {
                format!("management account of `{id}`: none apply to it")
            }
            Some(id) => {
                let list = |names: &[String]| if names.is_empty() { "none".to_owned() } else { names.join(", ") };
                format!("organization `{id}`; SCPs: {}; RCPs: {}", list(&account.scps), list(&account.rcps))
            }
        };
        let _ = writeln!(out, "    [ok] {}: {line}", account.account);
    }
    for not_read in &policies.not_read {
        let _ = writeln!(out, "    [??] {}: not read", not_read.account);
        let hop = Hop::Organization { account: not_read.account.to_string() };
        for finding in by_hop.get(&hop).into_iter().flatten() {
            write_finding(out, finding);
        }
    }
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Redshift => "Redshift account",
        Side::Intermediate => "intermediate account",
        Side::S3 => "bucket account",
        Side::RedshiftAndS3 => "Redshift and bucket account",
    }
}

/// The style of a line of [`doctor_report`]: broken red, ok green, unknown yellow.
pub fn doctor_style(line: &str) -> Option<Style> {
    let trimmed = line.trim_start();
    let style = if line.starts_with("Chain: ") {
        styles::HEADING
    } else if line.starts_with("✗ ") || line.starts_with("broken: ") || trimmed.starts_with("error[") {
        styles::ERROR
    } else if line.starts_with("✓ ") || line.starts_with("healthy: ") || trimmed.starts_with("[ok]") {
        styles::GOOD
    } else if line.starts_with("? ")
        || line.starts_with("unknown: ")
        || line.starts_with("healthy as far as read")
        || trimmed.starts_with("unknown[")
        || trimmed.starts_with("warning[")
    {
        styles::WARNING
    } else if trimmed.starts_with("[no]") {
        styles::ERROR
    } else if trimmed.starts_with("[??]") {
        styles::WARNING
    } else {
        return None;
    };
    Some(style)
}

/// The style of a line of [`diff`] and [`run_report`]: `+` green, `-` red, `~` yellow, as
/// Terraform colours a plan.
pub fn diff_style(line: &str) -> Option<Style> {
    let trimmed = line.trim_start();
    let style = if line.starts_with("account ") {
        styles::HEADING
    } else if trimmed.starts_with("+ ") || line.starts_with("done ") || line.ends_with(" complete") {
        styles::GOOD
    } else if trimmed.starts_with("- ")
        || line.starts_with("FAILED ")
        || line.starts_with("blocked: ")
        || line.contains(" failed: ")
    {
        styles::ERROR
    } else if trimmed.starts_with("~ ") || line.starts_with("not run ") {
        styles::WARNING
    } else {
        return None;
    };
    Some(style)
}

/// The style of a line of [`test_report`]: passed green, failed red.
pub fn test_style(line: &str) -> Option<Style> {
    let style = match line {
        "passed" => styles::GOOD,
        "failed" => styles::ERROR,
        _ if line.starts_with("✓ ") => styles::GOOD,
        _ if line.starts_with("✗ ") || line.trim_start().starts_with("error[") => styles::ERROR,
        _ if line.starts_with("round trip through ") => styles::HEADING,
        _ => return None,
    };
    Some(style)
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
        // The spec's own word for it (`format = "parquet"`).
        let format = report.format.map(|format| match format {
            DataFormat::Csv => " in `csv`",
            DataFormat::Text => " in `text`",
            DataFormat::Json => " in `json`",
            DataFormat::Parquet => " in `parquet`",
        });
        let format = format.unwrap_or_default();
        let _ = writeln!(out, "round trip through `{location}`{format}");
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
        for evidence in &diagnosis.evidence {
            let _ = writeln!(out, "    evidence: {evidence}");
        }
        if let Some(fix) = &diagnosis.fix {
            let mut lines = fix.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(out, "    fix: {first}");
            }
            for line in lines {
                let _ = writeln!(out, "      {line}");
            }
        }
        if let Some(reading) = &diagnosis.doctor
            && let Some(reason) = &reading.reason
        {
            let _ = writeln!(out, "    doctor's reading did not name the cause: {reason}");
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lines_are_green_added_red_removed_yellow_changed() {
        assert_eq!(diff_style("  + role `redbridge-analytics`"), Some(styles::GOOD));
        assert_eq!(diff_style("      + \"s3:GetObject\","), Some(styles::GOOD));
        assert_eq!(diff_style("  - role `old`"), Some(styles::ERROR));
        assert_eq!(diff_style("      - \"s3:PutObject\","), Some(styles::ERROR));
        assert_eq!(diff_style("  ~ inline policy `redbridge`"), Some(styles::WARNING));
        assert_eq!(diff_style("  = role `same`"), None);
        assert_eq!(diff_style("        \"Effect\": \"Allow\","), None);
        assert_eq!(diff_style("FAILED    + role `x`: access denied"), Some(styles::ERROR));
        assert_eq!(diff_style("apply complete"), Some(styles::GOOD));
    }

    #[test]
    fn doctor_lines_are_red_broken_green_ok_yellow_unknown() {
        assert_eq!(doctor_style("✗ Redshift → redbridge-analytics-wg"), Some(styles::ERROR));
        assert_eq!(doctor_style("    error[RB112]: the trust policy"), Some(styles::ERROR));
        assert_eq!(doctor_style("✓ attachment"), Some(styles::GOOD));
        assert_eq!(doctor_style("? attachment (could not be fully checked)"), Some(styles::WARNING));
        assert_eq!(doctor_style("    unknown[RB199]: namespace"), Some(styles::WARNING));
        assert_eq!(doctor_style("healthy: every action COPY and UNLOAD need is allowed"), Some(styles::GOOD));
        assert_eq!(doctor_style("broken: fix the errors above, top first"), Some(styles::ERROR));
        assert_eq!(doctor_style("      evidence: the trust names"), None);
    }

    #[test]
    fn test_results_are_green_passed_red_failed() {
        assert_eq!(test_style("passed"), Some(styles::GOOD));
        assert_eq!(test_style("failed"), Some(styles::ERROR));
        assert_eq!(test_style("✗ failed at statement 3: S3ServiceException"), Some(styles::ERROR));
        assert_eq!(test_style("  1. CREATE TEMP TABLE"), None);
    }

    #[test]
    fn styled_lines_keep_their_text_and_line_breaks() {
        let styled = crate::output::style_lines("✓ ok\nplain\n\n✗ broken", doctor_style);
        assert_eq!(styled, "\u{1b}[1m\u{1b}[32m✓ ok\u{1b}[0m\nplain\n\n\u{1b}[1m\u{1b}[31m✗ broken\u{1b}[0m");
    }
}
