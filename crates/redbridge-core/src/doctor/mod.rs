//! `doctor`: evaluate every hop of the chain against what both accounts really hold, and say
//! which link is broken, why, and how to fix it. Pure: the adapters read the [`Snapshot`], this
//! module only judges it.

mod analysis;
pub mod classify;
mod findings;
pub mod snapshot;

pub use analysis::analyze;
pub use classify::{Classification, classify};
pub use findings::{Check, Finding, Hop, HopReport, HopStatus, Report, Severity, Verdict, CODES};
pub use snapshot::{AttachedRole, BucketState, KeyState, Known, RedshiftState, RoleState, Snapshot, SNAPSHOT_VERSION};
