//! Tests of the `redbridge` binary as users run it.

mod apply;
mod audit;
mod broken_pipe;
mod conventions;
mod doctor;
mod drawings;
mod export;
mod help;
#[path = "../../../../tests/support/hostile.rs"]
mod hostile;
mod hostile_files;
mod input;
mod json_contract;
mod lint_ci;
mod plan;
mod schema;
mod sql;
mod test_cmd;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `redbridge` with `args` from the workspace root, with no AWS configuration visible.
pub fn redbridge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(args)
        .current_dir(root())
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-test")
        .output()
        .expect("the redbridge binary runs")
}

/// A file under the system temp dir with `bytes`, removed when dropped.
#[derive(Debug)]
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("redbridge-it-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("temp file");
        Self(path)
    }

    pub fn arg(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Standard output of a successful run.
pub fn stdout_ok(args: &[&str]) -> String {
    let output = redbridge(args);
    assert!(output.status.success(), "redbridge {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Standard error of a failed run, with its exit code.
pub fn stderr_err(args: &[&str]) -> (i32, String) {
    let output = redbridge(args);
    assert!(!output.status.success(), "redbridge {args:?} should fail:\n{}", String::from_utf8_lossy(&output.stdout));
    (output.status.code().unwrap_or(-1), String::from_utf8(output.stderr).expect("utf-8 output"))
}
