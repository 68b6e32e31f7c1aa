//! `cargo xtask bench audit`: runs the `bench-audit` binary of `tests/e2e` in release mode, which
//! measures `redbridge audit`'s read and judgement of a 200-account organization against the
//! fakes with latency injected per call. It lives there so that xtask builds no AWS SDK.

use std::process::Command;

use crate::util::{project_root, run as run_command};

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_command(
        Command::new(cargo)
            .current_dir(project_root())
            .args(["run", "--quiet", "--release", "-p", "redbridge-e2e", "--bin", "bench-audit", "--"])
            .args(args),
    )
}
