//! `cargo xtask check-install`: the README's `cargo install --locked --path …` exercised for
//! both binaries, into `target/xtask/install-root` (a fresh root each run), then each installed
//! binary's `--version`; the root is removed once both pass. `--debug` and the workspace's
//! target directory (`CARGO_TARGET_DIR` when set, otherwise `target/`) let it reuse the dev
//! build that the tests already made.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::util::{project_root, run as run_command, tools_dir};

/// The installable packages: their folder and the binary each installs.
pub const BINARIES: [(&str, &str); 2] =
    [("crates/redbridge-cli", "redbridge"), ("crates/redbridge-emu", "redbridge-emu")];

pub fn run() -> anyhow::Result<()> {
    let root = project_root();
    let install_root = tools_dir().join("install-root");
    if install_root.exists() {
        std::fs::remove_dir_all(&install_root).with_context(|| format!("removing {}", install_root.display()))?;
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    for (package_dir, binary) in BINARIES {
        run_command(
            Command::new(cargo())
                .current_dir(&root)
                .env("CARGO_TARGET_DIR", &target_dir)
                .args(["install", "--locked", "--debug", "--path"])
                .arg(root.join(package_dir))
                .arg("--root")
                .arg(&install_root),
        )
        .with_context(|| format!("`cargo install --locked --path {package_dir}` failed"))?;
        let line = installed_version(&install_root.join("bin").join(binary), binary)?;
        eprintln!("check-install: {} --version: {line}", install_root.join("bin").join(binary).display());
    }
    // The two debug binaries take about 1 GB; kept only when a check fails.
    std::fs::remove_dir_all(&install_root).with_context(|| format!("removing {}", install_root.display()))?;
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `path --version` and returns its first line, which must start with `binary VERSION`
/// (this workspace's version).
pub fn installed_version(path: &Path, binary: &str) -> anyhow::Result<String> {
    let output = Command::new(path)
        .arg("--version")
        .output()
        .with_context(|| format!("could not run `{} --version`", path.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().next().unwrap_or_default().to_owned();
    check_version_line(&line, binary).with_context(|| {
        format!(
            "`{} --version` exited with {} and printed {line:?} (stderr: {:?})",
            path.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })?;
    if !output.status.success() {
        bail!("`{} --version` exited with {}", path.display(), output.status);
    }
    Ok(line)
}

/// A `--version` line names the binary and this workspace's version: `redbridge 0.1.0` and
/// anything after it (the commit and target, for example).
fn check_version_line(line: &str, binary: &str) -> anyhow::Result<()> {
    let wanted = format!("{binary} {}", env!("CARGO_PKG_VERSION"));
    let rest = line.strip_prefix(&wanted);
    if !rest.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '-', '+'])) {
        bail!("the version line should start with `{wanted}`, not `{line}`");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_line_names_the_binary_and_the_workspace_version() {
        let version = env!("CARGO_PKG_VERSION");
        check_version_line(&format!("redbridge {version}"), "redbridge").unwrap();
        check_version_line(&format!("redbridge {version} (abc1234 x86_64-unknown-linux-gnu)"), "redbridge").unwrap();
        check_version_line(&format!("redbridge-emu {version}"), "redbridge-emu").unwrap();
        for wrong in [
            format!("redbridge-emu {version}"),
            "redbridge 9.9.9".to_owned(),
            format!("redbridge {version}9"),
            String::new(),
        ] {
            let error = check_version_line(&wrong, "redbridge").unwrap_err().to_string();
            assert!(error.contains(&format!("should start with `redbridge {version}`")), "{error}");
        }
    }
}
