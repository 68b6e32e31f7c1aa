//! `apply` and `destroy` up to their first change: check each account's credentials, read both
//! accounts into doctor's [`Snapshot`] (concurrently, the same reads `doctor` makes), and diff
//! the plan against it. The caller shows the diff, decides, and runs it with
//! [`apply_engine::execute`](crate::apply_engine::execute).
//!
//! The account check comes first and on its own: credentials of another account stop the run
//! before anything else is read. What a step would change but could not be read stops it too
//! ([`Prepared::diff`] is then [`Unreadable`]); what no step changes (the bucket's settings) is
//! read for the record and never blocks.
//!
//! Before the first change, [`check_operator`] reads each account's caller's own policies and
//! judges the writes of the diff with them: what is missing is listed at once; what cannot be
//! read is said and the run goes on.

use futures_util::future::join_all;
use redbridge_core::Plan;
use redbridge_core::converge::{ApplyOptions, Diff, Unreadable, apply_diff, destroy_diff};
use redbridge_core::doctor::{Known, Snapshot};
use redbridge_core::operator::OperatorCommand;
use redbridge_core::operator::check::{OperatorVerdict, check_calls, diff_needs, needed};
use redbridge_core::operator::principal::PrincipalPolicies;
use redbridge_iam::AccountId;

use crate::apply_engine::{AccountCheckError, Ports, verify_accounts};
use crate::ports::{CallerIdentity, Iam, Kms, Organizations, Redshift, RedshiftServerless, S3, Sts};
use crate::principal_reader::read_principal;
use crate::snapshot_reader::{self, ReadStats};

/// Apply or destroy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Converge to the plan.
    Apply {
        /// Take over existing roles of the planned names that redbridge did not create (`--adopt`).
        adopt: bool,
    },
    /// Remove what redbridge created or added.
    Destroy,
}

impl Mode {
    /// `apply` or `destroy`, as the command is named.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Apply { .. } => "apply",
            Self::Destroy => "destroy",
        }
    }
}

/// What was read and what would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Both accounts as read (what `doctor` would judge).
    pub snapshot: Snapshot,
    /// What reading cost, the account check included.
    pub stats: ReadStats,
    /// The changes, or what they would touch that could not be read.
    pub diff: Result<Diff, Unreadable>,
    /// Who each account's credentials are, in the ports' order.
    pub callers: Vec<CallerIdentity>,
}

/// Checks the accounts, reads both of them and diffs the plan for `mode`. `s3` is the bucket
/// account's S3 port, `None` when there is none (the bucket is then unknown, which no step needs).
pub async fn prepare<I, S, K, R, N, O, B>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
    mode: Mode,
) -> Result<Prepared, AccountCheckError>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    O: Organizations,
    B: S3,
{
    let callers = verify_accounts(ports).await?;
    // Apply and destroy need no organization policies: `read_organizations` is false.
    let (snapshot, read) = snapshot_reader::read(plan, ports, s3, &[], false, false).await;
    // The account check is one round trip of its own, before the reads.
    let checks = ports.accounts.len() as u32;
    let stats = ReadStats { calls: checks + read.calls, depth: u32::from(checks > 0) + read.depth };
    let diff = match mode {
        Mode::Apply { adopt } => apply_diff(plan, &snapshot, ApplyOptions { adopt }),
        Mode::Destroy => destroy_diff(plan, &snapshot),
    };
    Ok(Prepared { snapshot, stats, diff, callers })
}

/// One account's operator: who it is and its policies, or why they could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorRead {
    /// The account.
    pub account: AccountId,
    /// The caller STS named.
    pub caller: String,
    /// Its identity policies and boundary.
    pub policies: Known<PrincipalPolicies>,
}

/// Reads the policies of every account's caller, concurrently.
pub async fn read_operators<I, S, K, R, N, O>(
    ports: &Ports<I, S, K, R, N, O>,
    callers: &[CallerIdentity],
) -> Vec<OperatorRead>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
{
    join_all(ports.accounts.iter().zip(callers).map(|(account, caller)| async move {
        OperatorRead {
            account: account.account,
            caller: caller.arn.clone(),
            policies: read_principal(&account.iam, &caller.arn).await,
        }
    }))
    .await
}

/// `doctor --operator`'s reads: each account's caller (STS, concurrently) and its policies.
/// Credentials of another account make that account's policies unknown, with the reason; an
/// account whose STS cannot be asked is the error.
pub async fn read_account_operators<I, S, K, R, N, O>(
    ports: &Ports<I, S, K, R, N, O>,
) -> Result<Vec<OperatorRead>, AccountCheckError>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
{
    let answers = join_all(ports.accounts.iter().map(|account| account.sts.caller_identity())).await;
    let mut callers = Vec::new();
    for (account, answer) in ports.accounts.iter().zip(answers) {
        callers.push(answer.map_err(|source| AccountCheckError::Sts { account: account.account, source })?);
    }
    Ok(join_all(ports.accounts.iter().zip(&callers).map(|(account, caller)| async move {
        let policies = if caller.account == account.account {
            read_principal(&account.iam, &caller.arn).await
        } else {
            Known::unknown(format!(
                "the credentials for account `{}` belong to account `{}`; use the profile of account `{}`",
                account.account, caller.account, account.account
            ))
        };
        OperatorRead { account: account.account, caller: caller.arn.clone(), policies }
    }))
    .await)
}

/// The verdict on one account's operator for `command`, judging the calls `keep` selects.
pub fn judge(
    plan: &Plan,
    read: &OperatorRead,
    command: OperatorCommand,
    keep: impl Fn(&redbridge_core::operator::OperatorCall) -> bool,
) -> OperatorVerdict {
    match &read.policies {
        Known::Known { value } => OperatorVerdict::of(value, check_calls(plan, command, read.account, value, keep)),
        Known::Absent => OperatorVerdict::Unreadable {
            principal: Some(read.caller.clone()),
            reason: format!("`{}` does not exist", read.caller),
        },
        Known::Unknown { reason } => {
            OperatorVerdict::Unreadable { principal: Some(read.caller.clone()), reason: reason.clone() }
        }
    }
}

/// Before the first change: each account's operator judged on the writes `diff` makes (apply's
/// and destroy's permissions are the `apply` policy's).
pub async fn check_operator<I, S, K, R, N, O>(
    plan: &Plan,
    ports: &Ports<I, S, K, R, N, O>,
    callers: &[CallerIdentity],
    diff: &Diff,
) -> Vec<(AccountId, OperatorVerdict)>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
{
    let needs = diff_needs(diff);
    read_operators(ports, callers)
        .await
        .iter()
        .map(|read| (read.account, judge(plan, read, OperatorCommand::Apply, |call| needed(&needs, call))))
        .collect()
}
