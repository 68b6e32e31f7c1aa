//! `cargo xtask e2e [--filter TEXT]`: builds `redbridge`, `redbridge-emu` and `redbridge-e2e`,
//! starts LocalStack (a host process from the venv under `target/`) and the emulator, runs the
//! adapters' contract suites and then the scenario files of `tests/scenarios/` with the real
//! `redbridge` binary, prints the summary table, and stops both services by PID.
//!
//! `cargo xtask emu-smoke` runs the bare-SDK smoke scenario instead of the scenario files.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::localstack;
use crate::util::project_root;

/// The emulator process; stopped by PID when dropped.
struct EmulatorProcess {
    child: Child,
    endpoint: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        localstack::stop(&mut self.child, "redbridge-emu");
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from)
}

fn start_emulator() -> anyhow::Result<EmulatorProcess> {
    let binary = target_dir().join("debug").join("redbridge-emu");
    let mut child = Command::new(&binary)
        .args(["--aws-endpoint", localstack::ENDPOINT, "--listen", "127.0.0.1:0", "--role-apply-delay-ms", "1000", "--statement-step-ms", "10"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting `{}`", binary.display()))?;
    let stdout = child.stdout.take().context("no stdout from redbridge-emu")?;
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    let address = line.trim().to_owned();
    let process = EmulatorProcess { child, endpoint: format!("http://{address}") };
    if read.is_err() || !address.starts_with("127.0.0.1:") {
        bail!("redbridge-emu did not print its address (got `{address}`)");
    }
    Ok(process)
}

/// Builds the three binaries in one cargo run, so the services never wait on the compiler.
fn build() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::util::run(Command::new(&cargo).current_dir(project_root()).args([
        "build",
        "--locked",
        "--quiet",
        "-p",
        "redbridge-e2e",
        "-p",
        "redbridge-emu",
        "-p",
        "redbridge-cli",
    ]))
}

/// The AWS CLI (v1, from PyPI) the exported scripts and templates are deployed with; pinned
/// like every tool the tasks install, in a venv under `target/xtask/awscli`.
const AWS_CLI: &str = "awscli==1.45.11";

/// Runs `redbridge-e2e <command> --aws … --emu …` with the services up.
fn e2e(command: &str, extra: &[&str], emulator: &EmulatorProcess) -> anyhow::Result<()> {
    let binary = target_dir().join("debug").join("redbridge-e2e");
    let aws_cli = crate::util::python_venv("awscli", &[AWS_CLI])?.join("aws");
    crate::util::run(
        Command::new(binary)
            .current_dir(project_root())
            .env("REDBRIDGE_E2E_AWS_CLI", aws_cli)
            .args([command, "--aws", localstack::ENDPOINT, "--emu", &emulator.endpoint])
            .args(extra),
    )
}

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut filter = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--filter" => filter = Some(*rest.next().context("`--filter` needs a value")?),
            other => bail!("unknown argument `{other}`; usage: cargo xtask e2e [--filter TEXT]"),
        }
    }
    let started = Instant::now();
    build()?;
    let built = started.elapsed();
    let localstack = localstack::start()?;
    let emulator = start_emulator()?;
    eprintln!("xtask: e2e: LocalStack at {}, redbridge-emu at {}", localstack.endpoint(), emulator.endpoint);
    let services = Instant::now();
    let mut result = Ok(());
    if filter.is_none() {
        result = e2e("contracts", &[], &emulator);
    }
    if result.is_ok() {
        let extra: Vec<&str> = filter.map(|f| vec!["--filter", f]).unwrap_or_default();
        result = e2e("scenarios", &extra, &emulator);
    }
    drop(emulator);
    drop(localstack);
    eprintln!(
        "xtask: e2e: build {:.1}s, services and scenarios {:.1}s",
        built.as_secs_f64(),
        services.elapsed().as_secs_f64()
    );
    result
}

/// `cargo xtask demo`: one happy path, shown as `redbridge` prints it.
pub fn demo() -> anyhow::Result<()> {
    build()?;
    let localstack = localstack::start()?;
    let emulator = start_emulator()?;
    let result = e2e("demo", &["--work", "target/e2e-demo"], &emulator);
    drop(emulator);
    drop(localstack);
    result
}

/// `cargo xtask emu-smoke`: the bare-SDK smoke scenario.
pub fn smoke() -> anyhow::Result<()> {
    build()?;
    let localstack = localstack::start()?;
    let emulator = start_emulator()?;
    let result = e2e("smoke", &[], &emulator);
    drop(emulator);
    drop(localstack);
    result
}
