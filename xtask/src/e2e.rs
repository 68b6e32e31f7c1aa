//! `cargo xtask e2e [--docker] [--filter TEXT]`: builds `redbridge`, `redbridge-emu` and `redbridge-e2e`,
//! starts LocalStack (a host process from the venv under `target/`, or with `--docker` the
//! community image through testcontainers) and the emulator, runs the
//! adapters' contract suites and then the scenario files of `tests/scenarios/` with the real
//! `redbridge` binary, prints the summary table, and stops both services by PID. While it
//! compiles, `clients.rs` installs psql and the venv of pyarrow, psycopg and redshift_connector
//! the scenarios' `sql` and pyarrow steps use. Before the
//! services start it runs the render checks' self-test (`render_check.rs`), which installs
//! Graphviz, Chromium and playwright-core for the drawings the scenarios check; after the
//! scenarios it renders the drawings they listed in `target/e2e/renders.txt` (an audit's DOT
//! with `dot -Tsvg`, its HTML in headless Chromium, screenshot kept as a `.png` beside it).
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

/// Where LocalStack runs: a host process (default) or a container (`--docker`).
enum Cloud {
    Host(localstack::LocalStack),
    /// `redbridge-e2e localstack-docker`, which removes its container when its stdin closes.
    Docker {
        child: Child,
        endpoint: String,
    },
}

impl Cloud {
    fn start(docker: bool) -> anyhow::Result<Self> {
        if !docker {
            return Ok(Self::Host(localstack::start()?));
        }
        let binary = target_dir().join("debug").join("redbridge-e2e");
        let (child, endpoint) =
            spawn_announcing(Command::new(&binary).arg("localstack-docker").stdin(Stdio::piped()), "http://127.0.0.1:")
                .context("LocalStack's container did not start (see the error above)")?;
        let cloud = Self::Docker { child, endpoint: endpoint.clone() };
        eprintln!("xtask: LocalStack's image runs at {endpoint}");
        Ok(cloud)
    }

    fn endpoint(&self) -> &str {
        match self {
            Self::Host(localstack) => localstack.endpoint(),
            Self::Docker { endpoint, .. } => endpoint,
        }
    }
}

impl Drop for Cloud {
    fn drop(&mut self) {
        if let Self::Docker { child, .. } = self {
            // Closing stdin asks it to remove the container; SIGTERM would skip that.
            drop(child.stdin.take());
            let deadline = Instant::now() + std::time::Duration::from_secs(60);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            localstack::stop(child, "redbridge-e2e localstack-docker");
        }
    }
}

/// Spawns a program that prints one line once it is ready (its address) and returns it, or
/// stops the program and fails when the line does not start with `prefix`.
fn spawn_announcing(command: &mut Command, prefix: &str) -> anyhow::Result<(Child, String)> {
    let shown = format!("{command:?}");
    let mut child =
        command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().with_context(|| format!("starting {shown}"))?;
    let mut line = String::new();
    let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
    let line = line.trim().to_owned();
    if !matches!(read, Some(Ok(_))) || !line.starts_with(prefix) {
        localstack::stop(&mut child, &shown);
        bail!("{shown} did not print its address (got `{line}`)");
    }
    Ok((child, line))
}

fn start_emulator(aws: &str) -> anyhow::Result<EmulatorProcess> {
    let binary = target_dir().join("debug").join("redbridge-emu");
    let (child, address) = spawn_announcing(
        Command::new(&binary)
            .args([
                "--aws-endpoint",
                aws,
                "--listen",
                "127.0.0.1:0",
                "--role-apply-delay-ms",
                "1000",
                "--statement-step-ms",
                "10",
            ])
            .stdin(Stdio::null()),
        "127.0.0.1:",
    )?;
    Ok(EmulatorProcess { child, endpoint: format!("http://{address}") })
}

/// Builds `redbridge`, `redbridge-emu` and `redbridge-e2e` so the services never wait on the
/// compiler; `docker` adds testcontainers to `redbridge-e2e`. Every target of the workspace is
/// built, as `cargo test` builds them: the same features, so after `cargo test` (in CI) nothing
/// is built twice.
fn build(docker: bool) -> anyhow::Result<()> {
    let features: &[&str] = if docker { &["--features", "redbridge-e2e/docker"] } else { &[] };
    crate::util::run(crate::util::workspace_debug_build().args(features))
}

/// The AWS CLI (v1, from PyPI) the exported scripts and templates are deployed with; pinned
/// like every tool the tasks install, in a venv under `target/xtask/awscli`.
pub(crate) const AWS_CLI: &str = "awscli==1.45.11";

/// The AWS CLI's `aws`, installed the first time.
fn aws_cli() -> anyhow::Result<PathBuf> {
    Ok(crate::util::python_venv("awscli", &[AWS_CLI])?.join("aws"))
}

/// Runs `redbridge-e2e <command> --aws … --emu …` with the services up.
fn e2e(
    command: &str,
    extra: &[&str],
    aws: &str,
    emulator: &EmulatorProcess,
    clients: Option<&crate::clients::Clients>,
) -> anyhow::Result<()> {
    let binary = target_dir().join("debug").join("redbridge-e2e");
    let mut run = Command::new(binary);
    // Only the scenarios deploy exports with the AWS CLI; the demo and the smoke run need none.
    if command == "scenarios" {
        run.env("REDBRIDGE_E2E_AWS_CLI", aws_cli()?);
    }
    if let Some(clients) = clients {
        run.env("REDBRIDGE_E2E_PYTHON", &clients.python).env("REDBRIDGE_E2E_PSQL", &clients.psql);
    }
    crate::util::run(
        run.current_dir(project_root()).args([command, "--aws", aws, "--emu", &emulator.endpoint]).args(extra),
    )
}

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut filter = None;
    let mut docker = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--filter" => filter = Some(*rest.next().context("`--filter` needs a value")?),
            "--docker" => docker = true,
            other => bail!("unknown argument `{other}`; usage: cargo xtask e2e [--docker] [--filter TEXT]"),
        }
    }
    let started = Instant::now();
    // psql and the clients' venv install while the workspace compiles.
    let clients = std::thread::spawn(crate::clients::install);
    let built = build(docker);
    let clients = clients.join().map_err(|_| anyhow::anyhow!("installing the e2e clients panicked"))?;
    built?;
    let clients = clients?;
    aws_cli()?;
    // Graphviz, Chromium and playwright-core for the drawings' render checks, proven on their
    // fixtures before any scenario leans on them.
    crate::render_check::self_test().context("the render checks' self-test failed")?;
    let built = started.elapsed();
    let cloud = Cloud::start(docker)?;
    let emulator = start_emulator(cloud.endpoint())?;
    eprintln!("xtask: e2e: LocalStack at {}, redbridge-emu at {}", cloud.endpoint(), emulator.endpoint);
    let services = Instant::now();
    let mut result = Ok(());
    if filter.is_none() {
        result = e2e("contracts", &[], cloud.endpoint(), &emulator, None);
    }
    if result.is_ok() {
        let extra: Vec<&str> = filter.map(|f| vec!["--filter", f]).unwrap_or_default();
        result = e2e("scenarios", &extra, cloud.endpoint(), &emulator, Some(&clients));
    }
    if result.is_ok() {
        result = render_listed(&project_root().join("target/e2e/renders.txt"));
    }
    drop(emulator);
    drop(cloud);
    eprintln!(
        "xtask: e2e: build {:.1}s, services and scenarios {:.1}s",
        built.as_secs_f64(),
        services.elapsed().as_secs_f64()
    );
    result
}

/// The drawings the scenarios listed (one path a line, `renders.txt` in their work folder):
/// each `.dot` rendered to an `.svg` beside it with Graphviz, each `.html` opened in headless
/// Chromium with its screenshot kept as a `.png` beside it. Any failure fails the run.
fn render_listed(list: &std::path::Path) -> anyhow::Result<()> {
    let Ok(text) = std::fs::read_to_string(list) else { return Ok(()) };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let path = PathBuf::from(line.trim());
        match path.extension().and_then(|e| e.to_str()) {
            Some("dot") => crate::render_check::dot_to_svg(&path, &path.with_extension("svg"))?,
            Some("html") => crate::render_check::html_check(&path, &path.with_extension("png"))?,
            _ => bail!("`{}` lists `{}`, which is neither a .dot nor an .html file", list.display(), path.display()),
        }
        eprintln!("xtask: e2e: rendered `{}`", path.display());
    }
    Ok(())
}

/// `cargo xtask demo`: one happy path, shown as `redbridge` prints it.
pub fn demo() -> anyhow::Result<()> {
    build(false)?;
    let cloud = Cloud::start(false)?;
    let emulator = start_emulator(cloud.endpoint())?;
    let result = e2e("demo", &["--work", "target/e2e-demo"], cloud.endpoint(), &emulator, None);
    drop(emulator);
    drop(cloud);
    result
}

/// `cargo xtask emu-smoke`: the bare-SDK smoke scenario.
pub fn smoke() -> anyhow::Result<()> {
    build(false)?;
    let cloud = Cloud::start(false)?;
    let emulator = start_emulator(cloud.endpoint())?;
    let result = e2e("smoke", &[], cloud.endpoint(), &emulator, None);
    drop(emulator);
    drop(cloud);
    result
}
