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

/// The Cargo target folder: `CARGO_TARGET_DIR` (relative to the workspace root) or `target/`.
pub fn target_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from);
    if target.is_relative() { project_root().join(target) } else { target }
}

/// Builds the workspace's debug binary `bin` and returns its path.
///
/// It builds the whole workspace with every target, as `cargo test --workspace` and the e2e run
/// do: `-p` with one package resolves other features for shared dependencies and so compiles a
/// second copy of the dependency graph, which in CI is minutes and gigabytes for nothing.
pub fn build_debug_binary(bin: &str) -> anyhow::Result<PathBuf> {
    run(&mut workspace_debug_build())?;
    let path = target_dir().join("debug").join(bin);
    anyhow::ensure!(path.is_file(), "`cargo build` did not leave `{}`", path.display());
    Ok(path)
}

/// `cargo build --locked --quiet --workspace --all-targets`: the debug build the test suite
/// makes, so that after it this is a no-op.
pub fn workspace_debug_build() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.current_dir(project_root()).args(["build", "--locked", "--quiet", "--workspace", "--all-targets"]);
    command
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

/// A directory under the system's temporary directory, removed when dropped; tests build
/// fixture trees in it.
#[cfg(test)]
#[derive(Debug)]
pub struct TempDir(PathBuf);

#[cfg(test)]
impl TempDir {
    /// A new, empty directory whose name starts with `redbridge-xtask-{label}`.
    pub fn new(label: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let number = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("redbridge-xtask-{label}-{}-{number}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).expect("removing a stale fixture directory");
        }
        std::fs::create_dir_all(&path).expect("creating a fixture directory");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `relative` under the directory, creating its parents.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating a fixture folder");
        }
        std::fs::write(&path, text).expect("writing a fixture file");
    }

    /// Removes `relative` (a file) under the directory.
    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.0.join(relative)).expect("removing a fixture file");
    }
}

#[cfg(test)]
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
