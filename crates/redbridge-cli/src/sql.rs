//! `redbridge sql`.
use std::process::ExitCode;
#[derive(Debug, clap::Subcommand)]
pub enum Command { Copy }
pub fn run(_c: Command) -> anyhow::Result<ExitCode> { anyhow::bail!("soon") }
