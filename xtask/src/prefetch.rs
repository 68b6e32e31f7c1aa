//! `cargo xtask prefetch-tools`: installs every outside tool that the steps after the tests use
//! (the Debian packages, the Python venvs of the linters, the AWS CLI, the e2e clients and LocalStack,
//! playwright-core and iam-simulate), with the same pins and functions as the steps themselves. `ci` starts it as
//! a child process at once, its output in `target/xtask/prefetch-tools.log`, so that the
//! downloads overlap the compilation of clippy and the tests, and waits for it before the first
//! step that needs a tool. A failure here only costs time: each step still installs what it
//! needs and fails with its own error.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::Context;

use crate::util::{python_venv, tools_dir};

/// The venvs of the steps, each with the pins its step uses.
fn venvs() -> [(&'static str, Vec<&'static str>); 8] {
    [
        ("pre-commit", vec![crate::check_lint_hooks::PRE_COMMIT]),
        (
            "container-lint",
            vec![crate::check_container::HADOLINT, crate::check_container::JSONSCHEMA, crate::check_container::PYYAML],
        ),
        ("parliament", vec![crate::check_policies::PARLIAMENT]),
        ("cfn-lint", vec![crate::validate_exports::CFN_LINT]),
        ("python-hcl2", vec![crate::validate_exports::PYTHON_HCL2]),
        ("checkov", vec![crate::validate_exports::CHECKOV]),
        ("awscli", vec![crate::e2e::AWS_CLI]),
        (crate::clients::VENV, crate::clients::packages()),
    ]
}

/// `cargo xtask prefetch-tools`: every install, in the order the steps need them; the first
/// failure stops it.
pub fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    crate::check_shells::ensure_tools().context("installing zsh, fish and man-db")?;
    crate::validate_exports::ensure_shellcheck().context("installing shellcheck")?;
    crate::render_check::ensure_graphviz()?;
    crate::render_check::ensure_chromium()?;
    crate::render_check::ensure_debian_package("psql", "postgresql-client")?;
    for (name, packages) in venvs() {
        python_venv(name, &packages).with_context(|| format!("creating the `{name}` venv"))?;
    }
    crate::localstack::install().context("creating the LocalStack venv")?;
    crate::render_check::ensure_playwright()?;
    crate::iam_diff::install_iam_simulate().context("installing iam-simulate")?;
    eprintln!("prefetch-tools: every tool is installed ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// The prefetch running beside `ci`; dropping it waits for it, so that no apt-get or pip is cut
/// off halfway (a half-configured dpkg would break the next run).
#[derive(Debug)]
pub struct Prefetch {
    child: Option<Child>,
    log: PathBuf,
}

impl Prefetch {
    /// Starts `command` with its output going to `log`; when it cannot start, says so and goes on
    /// without it.
    pub fn start(mut command: Command, log: PathBuf) -> Self {
        let child = std::fs::create_dir_all(log.parent().unwrap_or(&log))
            .and_then(|()| std::fs::File::create(&log))
            .and_then(|file| {
                let errors = file.try_clone()?;
                command.stdin(Stdio::null()).stdout(file).stderr(errors).spawn()
            });
        match child {
            Ok(child) => {
                eprintln!("ci: installing the tools of the later steps meanwhile (log: `{}`)", log.display());
                Self { child: Some(child), log }
            }
            Err(error) => {
                eprintln!("ci: could not start installing the tools ahead ({error}); each step installs its own");
                Self { child: None, log }
            }
        }
    }

    /// The prefetch of `cargo xtask ci`: this program's `prefetch-tools`.
    pub fn start_for_ci() -> Self {
        let log = tools_dir().join("prefetch-tools.log");
        match std::env::current_exe() {
            Ok(exe) => {
                let mut command = Command::new(exe);
                command.arg("prefetch-tools");
                Self::start(command, log)
            }
            Err(error) => {
                eprintln!("ci: could not find the xtask program ({error}); each step installs its own tools");
                Self { child: None, log }
            }
        }
    }

    /// Waits for the installs to end; returns whether they all succeeded, and says where the log
    /// is when not.
    pub fn finish(&mut self) -> bool {
        let Some(mut child) = self.child.take() else { return false };
        let started = Instant::now();
        let succeeded = child.wait().is_ok_and(|status| status.success());
        let waited = started.elapsed().as_secs_f64();
        if succeeded {
            eprintln!("ci: the tools of the later steps are installed (waited {waited:.1} s)");
        } else {
            eprintln!(
                "ci: installing the tools ahead failed (see `{}`); each step installs what it needs itself",
                self.log.display()
            );
        }
        succeeded
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.finish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn the_prefetch_keeps_its_output_in_the_log_and_reports_success() {
        let dir = TempDir::new("prefetch-ok");
        let log = dir.path().join("logs").join("prefetch.log");
        let mut prefetch = Prefetch::start(sh("echo installing; echo warned >&2"), log.clone());
        assert!(prefetch.finish());
        let written = std::fs::read_to_string(&log).expect("the log");
        assert!(written.contains("installing") && written.contains("warned"), "{written}");
        assert!(!prefetch.finish(), "a finished prefetch has nothing more to wait for");
    }

    #[test]
    fn a_failed_prefetch_is_reported_without_failing() {
        let dir = TempDir::new("prefetch-failed");
        let mut prefetch = Prefetch::start(sh("exit 3"), dir.path().join("prefetch.log"));
        assert!(!prefetch.finish());
        let mut missing = Prefetch::start(Command::new("/nonexistent/xtask"), dir.path().join("missing.log"));
        assert!(!missing.finish());
    }

    #[test]
    fn dropping_the_prefetch_waits_for_it_to_end() {
        let dir = TempDir::new("prefetch-drop");
        let marker = dir.path().join("done");
        let script = format!("sleep 0.3; touch '{}'", marker.display());
        drop(Prefetch::start(sh(&script), dir.path().join("prefetch.log")));
        assert!(marker.exists(), "the drop returned before the installs ended");
    }
}
