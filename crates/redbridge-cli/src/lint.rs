//! `redbridge lint`: not written yet.

use std::process::ExitCode;

/// Arguments of `redbridge lint`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`redbridge lint` is not available yet")
}
