//! `doctor`: evaluate every hop of the chain against what both accounts really hold, and say
//! which link is broken, why, and how to fix it. Pure: the adapters read the [`Snapshot`], this
//! module only judges it.

mod access_hops;
mod analysis;
mod assume_hops;
pub mod classify;
mod finding_code;
mod findings;
mod org_checks;
pub mod organization;
pub mod snapshot;
mod user_sql;

pub use analysis::{analyze, analyze_with_sql};
pub use classify::{Classification, classify};
pub use finding_code::FindingCode;
pub use findings::{Check, Finding, Fix, FixPolicy, Hop, HopReport, HopStatus, Report, Severity, Verdict};
pub use org_checks::{AccountPolicies, NotRead, OrganizationPolicies};
pub use organization::{AccountOrganization, OrgPolicy, OrgPolicyKind, RCP_SERVICES};
pub use snapshot::{
    ApplyStatus, AttachedRole, BucketState, KeyState, Known, LISTED_KEYS, RedshiftState, RoleState, SNAPSHOT_VERSION,
    Snapshot,
};
pub use user_sql::listed_prefixes;
