//! `redbridge explain`: not written yet.

use std::process::ExitCode;

/// Arguments of `redbridge explain`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`redbridge explain` is not available yet")
}
