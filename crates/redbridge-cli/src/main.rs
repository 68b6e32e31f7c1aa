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
mod render_audit;
mod spec_args;
mod terminal;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{apply, audit, completions, destroy, doctor, explain, lint, plan, sql, test};

/// The `--version` line: the version, the commit it was built from and the target.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("REDBRIDGE_BUILD_INFO"), ")");

const ABOUT: &str = "Set up, prove and diagnose Amazon Redshift COPY and UNLOAD across AWS accounts";

const LONG_ABOUT: &str = "\
Set up, prove and diagnose Amazon Redshift COPY and UNLOAD against an S3 bucket in another AWS
account, by IAM role chaining (IAM_ROLE 'arn:...:role/A,arn:...:role/B').

A spec file (or flags) says which accounts, cluster or workgroup, bucket and prefixes; redbridge
plans every role, policy and statement offline, applies them to both accounts, proves the chain
with a real UNLOAD and COPY, and when it breaks, says which hop and why.";

fn top_after_help() -> String {
    format!(
        "Examples:\n  \
         redbridge plan --spec examples/serverless-unload-kms.toml\n  \
         redbridge apply --spec examples/serverless-unload-kms.toml --dry-run\n  \
         redbridge test --spec examples/serverless-unload-kms.toml\n  \
         redbridge doctor --spec examples/serverless-unload-kms.toml \\\n      \
         --snapshot examples/serverless-broken.snapshot.json\n  \
         redbridge lint examples/seed-article.sql\n\n{}",
        exit::table()
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "redbridge",
    version = VERSION,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = "Examples and exit codes: `redbridge --help`",
    after_long_help = top_after_help(),
)]
struct Cli {
    /// When to colour: `auto` (a terminal, unless `NO_COLOR` is set), `always` or `never`.
    #[arg(
        long,
        value_enum,
        default_value_t,
        global = true,
        value_name = "WHEN",
        hide_possible_values = true,
        display_order = 900
    )]
    color: color::ColorChoice,
    /// Print only results and errors: no notes or progress on standard error.
    #[arg(short, long, global = true, display_order = 901)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The commands, in the order a user meets them.
#[derive(Debug, Subcommand)]
enum Command {
    /// Derive every role, policy, attach step and SQL statement for a cross-account setup (offline).
    Plan(plan::Args),
    /// Create or converge the roles, policies and attachment of the plan in both accounts.
    Apply(apply::Args),
    /// Prove the chain with real statements through the Redshift Data API (UNLOAD, COPY back, compare).
    Test(test::Args),
    /// Find the broken hop of the chain, with evidence and the fix.
    Doctor(doctor::Args),
    /// Every chain of many accounts or an organization, judged and drawn.
    Audit(audit::Args),
    /// Build one COPY or UNLOAD statement.
    #[command(subcommand, after_help = exit::after_help(
        &[
            "redbridge sql copy --help",
            "redbridge sql unload --spec examples/serverless-unload-kms.toml --query 'SELECT 1' \\\n      \
             --to s3://acme-analytics-exports/unload/daily/",
        ],
        &[(exit::SUCCESS, "the statement was printed")],
    ))]
    Sql(sql::Command),
    /// Check COPY and UNLOAD statements before Redshift runs them.
    Lint(lint::Args),
    /// Explain an IAM decision with the statements that decided it.
    Explain(explain::Args),
    /// Remove what redbridge created or added, and nothing else.
    Destroy(destroy::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the man page, or write every man page into a directory.
    Man(completions::ManArgs),
}

/// The whole command line, for completions and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

fn main() -> ExitCode {
    let json = wants_json(std::env::args_os().skip(1));
    // clap's own help and errors follow `--color` too, read before clap as `--output` is.
    let help_color = match color_flag(std::env::args_os().skip(1)).as_deref() {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let parsed = command()
        .color(help_color)
        .try_get_matches()
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
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
        Command::Apply(args) => apply::run(args),
        Command::Test(args) => test::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Sql(command) => sql::run(command),
        Command::Lint(args) => lint::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Destroy(args) => destroy::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::man(args),
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

/// The value of `--color WHEN` or `--color=WHEN`, the last one given.
fn color_flag(args: impl Iterator<Item = std::ffi::OsString>) -> Option<String> {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let mut value = None;
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        if let Some(given) = arg.strip_prefix("--color=") {
            value = Some(given.to_owned());
        } else if arg == "--color" {
            value = args.get(i + 1).cloned();
        }
    }
    value
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
