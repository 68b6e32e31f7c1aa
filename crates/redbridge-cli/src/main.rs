//! `redbridge`: set up, prove and diagnose Redshift COPY/UNLOAD into another account's S3 bucket.
//!
//! This binary is thin: it parses arguments, resolves settings, calls the libraries and renders
//! the result, as text for people or JSON (`--output json`) for machines.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod accounts;
mod commands;
mod input;
mod logging;
mod output;
mod render;
mod spec_args;
mod terminal;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{apply, destroy, doctor, explain, lint, plan, sql, test};

/// Make Redshift COPY and UNLOAD work against an S3 bucket in another AWS account.
#[derive(Debug, Parser)]
#[command(name = "redbridge", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Derive every role, policy, attach step and SQL statement for a cross-account setup (offline).
    Plan(plan::Args),
    /// Build one COPY or UNLOAD statement.
    #[command(subcommand)]
    Sql(sql::Command),
    /// Explain an IAM decision with the statements that decided it.
    Explain(explain::Args),
    /// Check COPY and UNLOAD statements before Redshift runs them.
    Lint(lint::Args),
    /// Find the broken hop of the chain, with evidence and the fix.
    Doctor(doctor::Args),
    /// Create or converge the roles, policies and attachment of the plan in both accounts.
    Apply(apply::Args),
    /// Remove what redbridge created or added, and nothing else.
    Destroy(destroy::Args),
    /// Prove the chain with real statements through the Redshift Data API (UNLOAD, COPY back, compare).
    Test(test::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Plan(args) => plan::run(args),
        Command::Sql(command) => sql::run(command),
        Command::Explain(args) => explain::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Destroy(args) => destroy::run(args),
        Command::Test(args) => test::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if err.chain().any(|cause| cause.is::<output::StdoutClosed>()) => {
            ExitCode::from(output::STDOUT_CLOSED_EXIT)
        }
        Err(err) => {
            // The message may quote hostile input (a file name, a bucket name holding an ANSI
            // escape): control characters are escaped, keeping the lines of multi-line errors.
            output::note(&format!(
                "error: {}",
                redbridge_iam::escape::escape_controls_except(&format!("{err:#}"), &['\n'])
            ));
            ExitCode::from(2)
        }
    }
}
