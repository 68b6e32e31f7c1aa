//! `apply` and `destroy` up to their first change: check each account's credentials, read both
//! accounts into doctor's [`Snapshot`] (concurrently, the same reads `doctor` makes), and diff
//! the plan against it. The caller shows the diff, decides, and runs it with
//! [`apply_engine::execute`](crate::apply_engine::execute).
//!
//! The account check comes first and on its own: credentials of another account stop the run
//! before anything else is read. What a step would change but could not be read stops it too
//! ([`Prepared::diff`] is then [`Unreadable`]); what no step changes (the bucket's settings) is
//! read for the record and never blocks.

use redbridge_core::Plan;
use redbridge_core::converge::{ApplyOptions, Diff, Unreadable, apply_diff, destroy_diff};
use redbridge_core::doctor::Snapshot;

use crate::apply_engine::{AccountCheckError, Ports, verify_accounts};
use crate::ports::{Iam, Kms, Organizations, Redshift, RedshiftServerless, S3, Sts};
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
    verify_accounts(ports).await?;
    // Apply and destroy need no organization policies: `read_organizations` is false.
    let (snapshot, read) = snapshot_reader::read(plan, ports, s3, &[], false, false).await;
    // The account check is one round trip of its own, before the reads.
    let checks = ports.accounts.len() as u32;
    let stats = ReadStats { calls: checks + read.calls, depth: u32::from(checks > 0) + read.depth };
    let diff = match mode {
        Mode::Apply { adopt } => apply_diff(plan, &snapshot, ApplyOptions { adopt }),
        Mode::Destroy => destroy_diff(plan, &snapshot),
    };
    Ok(Prepared { snapshot, stats, diff })
}
