//! `doctor`: evaluate every hop of the chain against what both accounts really hold, and say
//! which link is broken, why, and how to fix it. Pure: the adapters read the [`Snapshot`], this
//! module only judges it.

mod analysis;
mod user_sql;
pub mod classify;
mod findings;
pub mod snapshot;

pub use analysis::{analyze, analyze_with_sql};
pub use user_sql::listed_prefixes;
pub use classify::{Classification, classify};
pub use findings::{Check, Finding, Hop, HopReport, HopStatus, Report, Severity, Verdict, CODES};
pub use snapshot::{AttachedRole, BucketState, KeyState, Known, RedshiftState, RoleState, Snapshot, LISTED_KEYS, SNAPSHOT_VERSION};
