//! `cargo xtask bench emu`: runs the emulator's `bench_emu` example in release mode (without the
//! release profile's fat LTO, so that it builds in minutes), which COPYs 1,000,000 rows as CSV
//! and as Parquet and UNLOADs them to Parquet through a two-account chain over the fakes, and
//! compares each with pyarrow on the same bytes in the same run (the e2e clients' venv). It fails
//! below 0.25× pyarrow on one core.

use std::process::Command;

use anyhow::Context;

use crate::util::{project_root, run as run_command};

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let bin = crate::util::python_venv(crate::clients::VENV, &crate::clients::packages())
        .context("creating the venv with pyarrow")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run_command(
        Command::new(cargo)
            .current_dir(project_root())
            .args(["run", "--quiet", "--release", "--config", "profile.release.lto=false"])
            .args([
                "--config",
                "profile.release.codegen-units=16",
                "-p",
                "redbridge-emu",
                "--example",
                "bench_emu",
                "--features",
                "bench",
                "--",
            ])
            .arg("--python")
            .arg(bin.join("python"))
            .args(args),
    )
}
