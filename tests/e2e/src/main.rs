//! `redbridge-e2e`: the end-to-end runs against LocalStack and `redbridge-emu`. `cargo xtask e2e`
//! starts both services and calls this; it lives in its own package so that xtask does not build
//! the AWS SDK.
//!
//! - `scenarios --aws URL --emu URL [--dir DIR] [--filter TEXT] [--work DIR]`: the scenario files
//!   (`tests/scenarios/`) with the real `redbridge` binary; prints the summary table.
//! - `contracts --aws URL --emu URL`: the adapters' contract suites against the services.
//! - `demo --aws URL --emu URL [--filter NAME]`: one scenario's happy path (default
//!   `serverless-kms-happy`) shown as `redbridge plan`, `apply`, `doctor` and `test` print it.
//! - `localstack-docker` (feature `docker`): LocalStack's image through testcontainers; prints its
//!   endpoint and keeps it until standard input closes.
//! - `smoke --aws URL --emu URL`: one happy path and one failure through the bare AWS SDK.

mod contracts;
#[cfg(feature = "docker")]
mod docker;
mod run;
mod scenario;
mod smoke;
mod world;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

const USAGE: &str = "usage: redbridge-e2e (scenarios|contracts|smoke|demo) --aws URL --emu URL [--dir DIR] [--filter TEXT] [--work DIR]";

struct Args {
    command: String,
    aws: String,
    emu: String,
    dir: PathBuf,
    filter: Option<String>,
    work: PathBuf,
}

fn parse(args: &[String]) -> anyhow::Result<Args> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut parsed = Args {
        command: args.first().cloned().context(USAGE)?,
        aws: String::new(),
        emu: String::new(),
        dir: root.join("tests/scenarios"),
        filter: None,
        work: root.join("target/e2e"),
    };
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().with_context(|| format!("`{flag}` needs a value\n{USAGE}"))?.clone();
        match flag.as_str() {
            "--aws" => parsed.aws = value,
            "--emu" => parsed.emu = value,
            "--dir" => parsed.dir = PathBuf::from(value),
            "--filter" => parsed.filter = Some(value),
            "--work" => parsed.work = PathBuf::from(value),
            _ => bail!("unknown flag `{flag}`\n{USAGE}"),
        }
    }
    for (name, url) in [("--aws", &parsed.aws), ("--emu", &parsed.emu)] {
        if !url.starts_with("http://127.0.0.1:") {
            bail!("`{name}` must be a loopback URL (`http://127.0.0.1:PORT`), got `{url}`");
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "localstack-docker") {
        return localstack_docker();
    }
    let args = match parse(&args) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("redbridge-e2e: {e:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("redbridge-e2e: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match args.command.as_str() {
            "smoke" => smoke::scenario(&args.aws, &args.emu).await,
            "contracts" => contracts::run(&args.aws, &args.emu).await,
            "scenarios" => scenarios(&args).await,
            "demo" => demo(&args).await,
            other => bail!("unknown command `{other}`\n{USAGE}"),
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

fn settings(args: &Args) -> anyhow::Result<run::Settings> {
    Ok(run::Settings {
        redbridge: run::sibling_binary("redbridge")?,
        work: args.work.clone(),
        services: world::Services { aws: args.aws.clone(), emu: args.emu.clone() },
        aws_cli: std::env::var_os("REDBRIDGE_E2E_AWS_CLI").map_or_else(|| PathBuf::from("aws"), PathBuf::from),
    })
}

async fn demo(args: &Args) -> anyhow::Result<()> {
    let name = args.filter.as_deref().unwrap_or("serverless-kms-happy");
    let scenarios = scenario::load_all(&args.dir, Some(name))?;
    let scenario = scenarios.iter().find(|s| s.name == name).context("no such scenario")?;
    run::fresh_dir(&args.work)?;
    run::demo(scenario, &settings(args)?).await
}

async fn scenarios(args: &Args) -> anyhow::Result<()> {
    let scenarios = scenario::load_all(&args.dir, args.filter.as_deref())?;
    run::fresh_dir(&args.work)?;
    let settings = settings(args)?;
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
