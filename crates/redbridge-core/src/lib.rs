//! The cross-account setup as pure data: the user's intent ([`spec`]), the role chain
//! ([`chain`]) and the plan derived from them ([`plan`]). No I/O, no AWS SDK, no async runtime.

pub mod chain;
pub mod converge;
pub mod doctor;
pub mod iam_limits;
pub mod input;
pub mod plan;
pub mod round_trip;
pub mod spec;
pub mod statements;

pub use chain::{ChainError, RoleChain};
pub use plan::{Plan, PlanError};
pub use spec::{Access, DataFormat, RawSpec, Spec, SpecError, SpecFileError, Target};
