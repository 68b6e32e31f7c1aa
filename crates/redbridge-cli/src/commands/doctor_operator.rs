//! `redbridge doctor --operator`: whether the callers of the given profiles may run `apply`,
//! `doctor` and `test` for the spec. Each account's caller (STS) and its own identity policies
//! and boundary are read, and every call each command makes there is judged with them against
//! the planned least-privilege policies: `ok`, the missing permissions with the statements to
//! add, or why the policies could not be read.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use redbridge_aws::apply_engine::{AccountCheckError, Ports};
use redbridge_aws::converge_run::{judge, read_account_operators};
use redbridge_aws::ports::{Iam, Kms, Redshift, RedshiftServerless, Sts};
use redbridge_core::Plan;
use redbridge_core::operator::OperatorCommand;
use redbridge_core::operator::check::OperatorVerdict;
use redbridge_iam::AccountId;
use serde::Serialize;

use crate::accounts::{Profiles, live_ports};
use crate::exit;
use crate::output::{self, OutputFormat};

/// One command's verdict in one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandVerdict {
    /// `apply`, `doctor` or `test`.
    pub command: OperatorCommand,
    /// What the caller may do.
    #[serde(flatten)]
    pub verdict: OperatorVerdict,
}

/// One account: its caller and the verdict of each command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountReport {
    /// The account.
    pub account: AccountId,
    /// The caller STS named, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The verdicts, in the order `apply`, `doctor`, `test`.
    pub commands: Vec<CommandVerdict>,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorReport {
    /// `ok`, `missing` (something is) or `unreadable` (nothing is missing, something could not be read).
    pub verdict: &'static str,
    /// Every account of the plan.
    pub accounts: Vec<AccountReport>,
}

impl OperatorReport {
    fn of(accounts: Vec<AccountReport>) -> Self {
        let verdicts = || accounts.iter().flat_map(|a| &a.commands).map(|c| &c.verdict);
        let verdict = if verdicts().any(|v| matches!(v, OperatorVerdict::Missing { .. })) {
            "missing"
        } else if verdicts().any(|v| matches!(v, OperatorVerdict::Unreadable { .. })) {
            "unreadable"
        } else {
            "ok"
        };
        Self { verdict, accounts }
    }

    /// 0 when every command may run, 1 when something is missing, 3 when something could not be read.
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            "missing" => exit::FINDINGS,
            "unreadable" => exit::INCOMPLETE,
            _ => exit::SUCCESS,
        }
    }
}

/// Judges every account's caller for every command over any ports. An account whose STS cannot
/// be asked is a runtime error (AWS unreachable, credentials refused).
pub async fn judge_operators<I, S, K, R, N, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
) -> anyhow::Result<OperatorReport>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
{
    let reads = read_account_operators(ports)
        .await
        .map_err(|error: AccountCheckError| anyhow::Error::new(exit::RuntimeError(error.to_string())))?;
    let accounts = reads
        .iter()
        .map(|read| AccountReport {
            account: read.account,
            principal: Some(read.caller.clone()),
            commands: OperatorCommand::ALL
                .iter()
                .map(|&command| CommandVerdict { command, verdict: judge(plan, read, command, |_| true) })
                .collect(),
        })
        .collect();
    Ok(OperatorReport::of(accounts))
}

/// The report for people.
pub fn render(report: &OperatorReport) -> String {
    let mut out = String::new();
    for account in &report.accounts {
        let principal = account.principal.as_deref().map(|p| format!(" (`{p}`)")).unwrap_or_default();
        let _ = writeln!(out, "account `{}`{principal}:", account.account);
        for command in &account.commands {
            let name = command.command.as_str();
            match &command.verdict {
                OperatorVerdict::Ok { note: Some(note), .. } => {
                    let _ = writeln!(out, "  {name:<7} ok ({note})");
                }
                OperatorVerdict::Ok { .. } => {
                    let _ = writeln!(out, "  {name:<7} ok");
                }
                OperatorVerdict::Unreadable { reason, .. } => {
                    let _ = writeln!(out, "  {name:<7} could not read the operator's policies: {reason}");
                }
                OperatorVerdict::Missing { missing, policy_to_add, .. } => {
                    let _ = writeln!(out, "  {name:<7} missing {} permission(s):", missing.len());
                    for permission in missing {
                        let _ = writeln!(
                            out,
                            "    - `{}` on `{}`: {}",
                            permission.action,
                            permission.resource,
                            permission.cause.describe()
                        );
                    }
                    out.push_str("    add these statements to its policies (a policy ready to paste):\n");
                    for line in policy_to_add.to_json_pretty().lines() {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{}",
        match report.verdict {
            "ok" => "ok: these profiles may run apply, doctor and test",
            "missing" => "missing: grant the statements above, then rerun `redbridge doctor --operator`",
            _ =>
                "unknown: the operator's policies could not be read in every account (apply stops at the first access denied)",
        }
    );
    out
}

/// Runs `doctor --operator` against AWS.
pub fn run(plan: &Plan, profiles: Profiles<'_>, format: OutputFormat) -> anyhow::Result<ExitCode> {
    crate::logging::init();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let (ports, _) = live_ports(&plan.spec, profiles).await;
        judge_operators(plan, &ports).await
    })?;
    match format {
        OutputFormat::Text => output::print(&render(&report))?,
        OutputFormat::Json => output::print(&output::json_document(&report)?)?,
    }
    Ok(ExitCode::from(report.exit_code()))
}

#[cfg(test)]
#[path = "doctor_operator_tests.rs"]
mod tests;
