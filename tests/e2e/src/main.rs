//! `redbridge-e2e`: the end-to-end runs against LocalStack and `redbridge-emu`. `cargo xtask e2e`
//! starts both services and calls this; it lives in its own package so that xtask does not build
//! the AWS SDK.
//!
//! - `scenarios --aws URL --emu URL [--dir DIR] [--filter TEXT] [--work DIR] [--aws-cli PATH]`:
//!   the scenario files (`tests/scenarios/`) with the real `redbridge` binary; prints the summary table.
//! - `contracts --aws URL --emu URL`: the adapters' contract suites against the services.
//! - `demo --aws URL --emu URL [--dir DIR] [--filter NAME] [--work DIR]`: one scenario's happy path
//!   (default `serverless-kms-happy`) shown as `redbridge plan`, `apply`, `doctor` and `test` print it.
//! - `localstack-docker` (feature `docker`): LocalStack's image through testcontainers; prints its
//!   endpoint and keeps it until standard input closes.
//! - `smoke --aws URL --emu URL`: one happy path and one failure through the bare AWS SDK.
//!
//! Every flag but `--filter` falls back to an environment variable (`--help` names them).

mod contracts;
#[cfg(feature = "docker")]
mod docker;
mod governance;
mod run;
mod scenario;
mod smoke;
mod world;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "redbridge-e2e", version, about = "End-to-end runs against LocalStack and redbridge-emu")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Run(RunCommand),
    /// Starts LocalStack's image through testcontainers (feature `docker`), prints its endpoint
    /// and keeps it until standard input closes.
    LocalstackDocker,
}

/// The commands that run against both services, on one thread.
#[derive(Debug, Subcommand)]
enum RunCommand {
    /// Runs the scenario files with the real `redbridge` binary and prints the summary table.
    Scenarios {
        #[command(flatten)]
        services: ServiceArgs,
        #[command(flatten)]
        scenarios: ScenarioArgs,
        /// Only the scenarios whose name contains this text.
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        /// The `aws` command (AWS CLI v1) the exported scripts and templates are deployed with.
        #[arg(long, value_name = "PATH", env = "REDBRIDGE_E2E_AWS_CLI", default_value = "aws")]
        aws_cli: PathBuf,
        #[command(flatten)]
        clients: ClientArgs,
    },
    /// Runs the adapters' contract suites against both services.
    Contracts {
        #[command(flatten)]
        services: ServiceArgs,
    },
    /// Shows one scenario's happy path as `redbridge plan`, `apply`, `doctor` and `test` print it.
    Demo {
        #[command(flatten)]
        services: ServiceArgs,
        #[command(flatten)]
        scenarios: ScenarioArgs,
        /// The scenario to show.
        #[arg(long = "filter", value_name = "NAME", default_value = "serverless-kms-happy")]
        scenario: String,
    },
    /// Runs one COPY/UNLOAD happy path and one failure through the bare AWS SDK.
    Smoke {
        #[command(flatten)]
        services: ServiceArgs,
    },
}

/// Where the two services listen.
#[derive(Debug, Args)]
struct ServiceArgs {
    /// LocalStack's endpoint (`http://127.0.0.1:PORT`).
    #[arg(long, value_name = "URL", env = "REDBRIDGE_E2E_AWS", value_parser = loopback_url)]
    aws: String,
    /// redbridge-emu's endpoint (`http://127.0.0.1:PORT`).
    #[arg(long, value_name = "URL", env = "REDBRIDGE_E2E_EMU", value_parser = loopback_url)]
    emu: String,
}

/// The outside clients of the `sql`, `put_table` and `check_unload` steps.
#[derive(Debug, Args)]
struct ClientArgs {
    /// The Python with pyarrow, psycopg and redshift_connector (`cargo xtask e2e` installs a venv).
    #[arg(long, value_name = "PATH", env = "REDBRIDGE_E2E_PYTHON", default_value = "python3")]
    python: PathBuf,
    /// Debian's `psql` (postgresql-client).
    #[arg(long, value_name = "PATH", env = "REDBRIDGE_E2E_PSQL", default_value = "psql")]
    psql: PathBuf,
}

/// Where the scenarios are read from and where their runs are written.
#[derive(Debug, Args)]
struct ScenarioArgs {
    /// The folder of scenario files.
    #[arg(long, value_name = "DIR", env = "REDBRIDGE_E2E_SCENARIOS", default_value_os_t = project_root().join("tests/scenarios"))]
    dir: PathBuf,
    /// Where each scenario writes its spec, AWS config and command outputs (emptied first).
    #[arg(long, value_name = "DIR", env = "REDBRIDGE_E2E_WORK", default_value_os_t = project_root().join("target/e2e"))]
    work: PathBuf,
}

/// The workspace root, two folders above this package.
fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().and_then(Path::parent).unwrap_or(manifest).to_path_buf()
}

/// The services run on this machine: anything else would be a real account.
fn loopback_url(url: &str) -> Result<String, String> {
    if url.starts_with("http://127.0.0.1:") {
        Ok(url.to_owned())
    } else {
        Err(format!("must be a loopback URL (`http://127.0.0.1:PORT`), got `{url}`"))
    }
}

fn main() -> ExitCode {
    let command = match Cli::parse().command {
        Command::Run(command) => command,
        Command::LocalstackDocker => return localstack_docker(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("redbridge-e2e: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match command {
            RunCommand::Smoke { services } => smoke::scenario(&services.aws, &services.emu).await,
            RunCommand::Contracts { services } => contracts::run(&services.aws, &services.emu).await,
            RunCommand::Scenarios { services, scenarios: args, filter, aws_cli, clients } => {
                scenarios(&services, &args, filter.as_deref(), aws_cli, clients).await
            }
            RunCommand::Demo { services, scenarios, scenario } => demo(&services, &scenarios, &scenario).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("redbridge-e2e: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `localstack-docker`: needs the `docker` feature.
fn localstack_docker() -> ExitCode {
    #[cfg(feature = "docker")]
    {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
        let result = runtime.map_err(anyhow::Error::from).and_then(|r| r.block_on(docker::run()));
        if let Err(e) = result {
            eprintln!("redbridge-e2e: error: {e:#}");
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    }
    #[cfg(not(feature = "docker"))]
    {
        eprintln!(
            "redbridge-e2e: `localstack-docker` needs the `docker` feature (`cargo xtask e2e --docker` builds it)"
        );
        ExitCode::from(2)
    }
}

fn settings(
    services: &ServiceArgs,
    work: &Path,
    aws_cli: PathBuf,
    clients: ClientArgs,
) -> anyhow::Result<run::Settings> {
    Ok(run::Settings {
        python: clients.python,
        psql: clients.psql,
        redbridge: run::sibling_binary("redbridge")?,
        work: work.to_path_buf(),
        services: world::Services { aws: services.aws.clone(), emu: services.emu.clone() },
        aws_cli,
    })
}

async fn demo(services: &ServiceArgs, args: &ScenarioArgs, name: &str) -> anyhow::Result<()> {
    let scenarios = scenario::load_all(&args.dir, Some(name))?;
    let scenario = scenarios.iter().find(|s| s.name == name).with_context(|| format!("no scenario `{name}`"))?;
    run::fresh_dir(&args.work)?;
    // The demo deploys no exports, so it needs no AWS CLI.
    let clients = ClientArgs { python: PathBuf::from("python3"), psql: PathBuf::from("psql") };
    run::demo(scenario, &settings(services, &args.work, PathBuf::from("aws"), clients)?).await
}

async fn scenarios(
    services: &ServiceArgs,
    args: &ScenarioArgs,
    filter: Option<&str>,
    aws_cli: PathBuf,
    clients: ClientArgs,
) -> anyhow::Result<()> {
    let scenarios = scenario::load_all(&args.dir, filter)?;
    run::fresh_dir(&args.work)?;
    let settings = settings(services, &args.work, aws_cli, clients)?;
    let outcomes = run::run_all(&scenarios, &settings).await;
    let table = run::table(&outcomes);
    println!("\n{table}");
    std::fs::write(args.work.join("summary.txt"), &table)?;
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    if failed > 0 {
        bail!(
            "{failed} of {} scenarios failed (logs of every redbridge run: `{}`)",
            outcomes.len(),
            args.work.display()
        );
    }
    Ok(())
}
