//! `cargo xtask emu-smoke`: starts LocalStack and the `redbridge-emu` binary, then runs the
//! `redbridge-e2e smoke` scenario against them (one provisioned happy path and one failure through
//! the unmodified AWS SDK), and stops both by PID.

use std::io::{BufRead as _, BufReader};
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

fn start_emulator() -> anyhow::Result<EmulatorProcess> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::util::run(Command::new(&cargo).current_dir(project_root()).args(["build", "--quiet", "-p", "redbridge-emu", "--bin", "redbridge-emu"]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), std::path::PathBuf::from);
    let binary = target.join("debug").join("redbridge-emu");
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

pub fn run(_args: &[&str]) -> anyhow::Result<()> {
    let started = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Build first, so the services do not wait on the compiler.
    crate::util::run(Command::new(&cargo).current_dir(project_root()).args(["build", "--quiet", "-p", "redbridge-e2e"]))?;
    let localstack = localstack::start()?;
    let emulator = start_emulator()?;
    eprintln!("xtask: emu-smoke: redbridge-emu at {} ({:.1}s since start)", emulator.endpoint, started.elapsed().as_secs_f64());
    let result = crate::util::run(
        Command::new(&cargo)
            .current_dir(project_root())
            .args(["run", "--quiet", "-p", "redbridge-e2e", "--", "smoke", "--aws", localstack.endpoint(), "--emu", &emulator.endpoint]),
    );
    drop(emulator);
    drop(localstack);
    result?;
    eprintln!("xtask: emu-smoke: ok in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}
