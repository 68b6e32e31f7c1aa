//! Helpers shared by tasks: the project root, running commands, and tool environments under `target/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where tasks keep the tools they install: `target/xtask/`.
pub fn tools_dir() -> PathBuf {
    project_root().join("target").join("xtask")
}

/// Runs a command to completion with inherited output; fails with the command line on a non-zero exit.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let status = command.status().with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// Creates (once) a Python virtual environment at `target/xtask/<name>` with `packages` installed,
/// and returns its `bin/` folder. The environment is rebuilt when the package list changes.
pub fn python_venv(name: &str, packages: &[&str]) -> anyhow::Result<PathBuf> {
    let dir = tools_dir().join(name);
    let bin = dir.join("bin");
    let stamp = dir.join(".redbridge-packages");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(bin);
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing stale {}", dir.display()))?;
    }
    run(Command::new(&python).arg("-m").arg("venv").arg(&dir))?;
    run(Command::new(bin.join("pip")).args(["install", "--quiet", "--disable-pip-version-check"]).args(packages))?;
    std::fs::write(&stamp, wanted)?;
    Ok(bin)
}

/// `cargo xtask ci`: everything CI runs, in order: the test suite, the external linters over
/// every policy and every exported file, then the end-to-end run against LocalStack and the
/// emulator (contract suites and every scenario).
pub fn ci() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run(Command::new(&cargo).current_dir(project_root()).args(["test", "--workspace", "--locked"]))?;
    crate::check_policies::run()?;
    crate::validate_exports::run()?;
    crate::e2e::run(&[])?;
    Ok(())
}
