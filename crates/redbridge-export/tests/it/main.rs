//! Integration tests of `redbridge-export`: snapshots of every format for the snapshot specs, and
//! the policies read back out of every format compared with the plan's.

mod extract;
mod policies;
mod snapshots;

use std::path::Path;

use redbridge_core::{Plan, Spec};

/// The snapshot specs, by file stem, in `tests/specs/`.
pub const SPECS: &[&str] = &[
    "provisioned-copy",
    "serverless-unload-kms",
    "both-two-prefixes",
    "cross-region-csv",
    "three-role-chain",
    "same-account",
];

/// The plan of a snapshot spec.
pub fn plan(name: &str) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = Spec::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Plan::new(&spec).unwrap_or_else(|e| panic!("{name}: {e}"))
}
