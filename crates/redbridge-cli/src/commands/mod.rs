//! One module per command: its arguments, how they resolve into settings, the one library call
//! that does the work, and where the rendered result goes.

pub mod apply;
pub mod audit;
pub mod completions;
pub mod destroy;
pub mod doctor;
pub mod doctor_operator;
pub mod explain;
pub mod lint;
pub mod plan;
pub mod sql;
pub mod test;

/// The schema checks of `tests/it/schema.rs`, for the unit tests that take JSON snapshots.
#[cfg(test)]
#[path = "../../tests/it/schema.rs"]
#[allow(dead_code, reason = "the integration tests use the rest of the helper")]
pub(crate) mod schema_check;
