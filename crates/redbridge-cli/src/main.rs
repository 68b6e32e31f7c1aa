//! `redbridge`: set up, prove and diagnose Redshift COPY/UNLOAD into another account's S3 bucket.
//!
//! This binary is thin: it parses arguments, resolves settings, calls the libraries and renders
//! the result, as text for people or JSON (`--output json`) for machines.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod accounts;
mod color;
mod commands;
mod exit;
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
    /// When to colour the output: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t, global = true, value_name = "WHEN")]
    color: color::ColorChoice,
    /// Print only results and errors: no notes or progress on standard error.
    #[arg(short, long, global = true)]
    quiet: bool,
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
    let json = wants_json(std::env::args_os().skip(1));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if json && err.use_stderr() => {
            // A usage error under `--output json` is a JSON object too.
            let message = err.render().to_string();
            return report_error(json, exit::ErrorKind::Usage, message.trim_end().trim_start_matches("error: "));
        }
        Err(err) => err.exit(),
    };
    color::init(cli.color);
    output::set_quiet(cli.quiet);
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
            let text = format!("{err:#}");
            let message = redbridge_iam::escape::escape_controls_except(&text, &['\n']);
            report_error(json, exit::ErrorKind::of(&err), &message)
        }
    }
}

/// Writes an error to standard error and, under `--output json`, as a JSON object on standard
/// output; returns its exit code.
fn report_error(json: bool, kind: exit::ErrorKind, message: &str) -> ExitCode {
    let label = color::paint(color::stderr(), color::styles::ERROR, "error");
    output::error(&format!("{label}: {message}"));
    if json {
        let document = serde_json::json!({
            "schema_version": output::SCHEMA_VERSION,
            "error": { "kind": kind.as_str(), "message": message, "exit_code": kind.code() },
        });
        let _ = output::print(&format!("{document:#}\n"));
    }
    ExitCode::from(kind.code())
}

/// Whether the arguments ask for JSON (`--output json`, `--output=json`, `-o json`), read before
/// clap so that even a usage error can be reported as JSON.
fn wants_json(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    args.iter().enumerate().any(|(i, arg)| match arg.as_str() {
        "--output=json" | "-ojson" => true,
        "--output" | "-o" => args.get(i + 1).is_some_and(|next| next == "json"),
        _ => false,
    })
}
