//! Integration tests of `redbridge-export`: snapshots of every format for the snapshot specs, and
//! the policies read back out of every format compared with the plan's.

mod extract;
mod operator_policies;
mod policies;
mod snapshots;

use std::path::Path;

use redbridge_core::{Plan, Spec};

/// The snapshot specs, by file stem, in the workspace's `tests/specs/` or `examples/`.
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = ["tests/specs", "examples"]
        .iter()
        .map(|dir| root.join(dir).join(format!("{name}.toml")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no spec `{name}` in tests/specs/ or examples/"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = Spec::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Plan::new(&spec).unwrap_or_else(|e| panic!("{name}: {e}"))
}
