//! One module per command: its arguments, how they resolve into settings, the one library call
//! that does the work, and where the rendered result goes.

pub mod apply;
pub mod completions;
pub mod destroy;
pub mod doctor;
pub mod explain;
pub mod lint;
pub mod plan;
pub mod sql;
pub mod test;
