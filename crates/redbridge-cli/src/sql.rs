//! `redbridge sql copy|unload`: build one statement from flags.

use std::process::ExitCode;

/// The statement to build.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build a COPY statement.
    Copy,
    /// Build an UNLOAD statement.
    Unload,
}

pub fn run(_command: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`redbridge sql` is being written")
}
