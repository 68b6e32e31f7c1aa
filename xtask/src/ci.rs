//! `cargo xtask ci`: everything CI runs, cheapest first, stopping at the first failure: the
//! formatting check, clippy, the test suite (which includes `tidy`), the completions and man
//! pages in their shells and `man` (`check_shells.rs`), `check-lint-hooks` (the pre-commit hook
//! through `pre-commit try-repo`, the GitHub Action's YAML and scripts), the API documentation and
//! the crates' examples (`check-docs`), the emulator's container files (hadolint, the Compose
//! schema), `bench scaling --debug` (every command linear in its input), the emulator's 60 s
//! soak, the external linters over every policy, `iam-diff` on 5,000 generated cases (no
//! disagreement with iam-simulate outside the recorded classes), every exported file, the end-to-end run
//! against LocalStack and the emulator, then `cargo install` of both binaries into a temporary
//! root.
//!
//! While the compiler runs, `prefetch.rs` installs the tools of the later steps in a child process.
//!
//! The formatting and clippy checks are functions over a manifest so that tests can run them on
//! a fixture crate exactly as `ci` runs them on the workspace.

use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use anyhow::{Context, bail};

use crate::util::{project_root, run as run_command};

/// `cargo xtask ci`, in the order of the module comment.
pub fn run() -> anyhow::Result<()> {
    let manifest = project_root().join("Cargo.toml");
    // The apt-get, pip and npm installs of the later steps overlap the compilation.
    let mut prefetch = crate::prefetch::Prefetch::start_for_ci();
    check_format(&manifest).context("ci stopped at the formatting check")?;
    check_clippy(&manifest, &[]).context("ci stopped at clippy")?;
    run_command(Command::new(cargo()).current_dir(project_root()).args(["test", "--workspace", "--locked"]))
        .context("ci stopped at the test suite")?;
    prefetch.finish();
    // The debug `redbridge` the test suite just built.
    crate::check_shells::check(&crate::check_shells::debug_binary()).context("ci stopped at check-shells")?;
    crate::check_lint_hooks::run().context("ci stopped at check-lint-hooks")?;
    crate::check_docs::run().context("ci stopped at check-docs")?;
    crate::check_container::run().context("ci stopped at check-container")?;
    crate::bench_scaling::run(&["--debug"]).context("ci stopped at bench scaling")?;
    crate::soak::run(&[]).context("ci stopped at the soak")?;
    crate::check_policies::run().context("ci stopped at check-policies")?;
    crate::iam_diff::run(&[CI_IAM_DIFF_CASES]).context("ci stopped at iam-diff")?;
    crate::validate_exports::run().context("ci stopped at validate-exports")?;
    crate::e2e::run(&[]).context("ci stopped at the end-to-end run")?;
    crate::check_install::run().context("ci stopped at check-install")?;
    Ok(())
}

/// Generated cases `ci` compares with iam-simulate (the corpus too); `cargo xtask iam-diff 100000`
/// runs many more on demand.
const CI_IAM_DIFF_CASES: &str = "5000";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// `cargo fmt --all --check` over the workspace of `manifest`; on a difference, fails naming the
/// files that differ and the fix.
pub fn check_format(manifest: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(cargo());
    command.args(["fmt", "--all", "--check", "--manifest-path"]).arg(manifest);
    let output = run_teed(&mut command)?;
    if output.status.success() {
        return Ok(());
    }
    let base = manifest.parent().unwrap_or(Path::new(""));
    let mut files: Vec<String> = output
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Diff in "))
        .map(|place| {
            // `Diff in /abs/path/src/lib.rs:12:` (older rustfmt: `… at line 12:`).
            let path = place.split(" at line").next().unwrap_or(place).trim_end_matches(':');
            let path = path.rsplit_once(':').filter(|(_, n)| n.parse::<u32>().is_ok()).map_or(path, |(p, _)| p);
            Path::new(path).strip_prefix(base).unwrap_or(Path::new(path)).display().to_string()
        })
        .collect();
    files.dedup();
    if files.is_empty() {
        bail!("`cargo fmt --all --check` failed ({}):\n{}", output.status, output.stderr.trim());
    }
    bail!(
        "`cargo fmt --all --check`: the formatting of {} differs from `rustfmt.toml` (the diff is above); run `cargo fmt --all` and commit the result",
        files.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
    )
}

/// `cargo clippy --workspace --all-targets --locked [extra] -- -D warnings` over the workspace
/// of `manifest`; on a warning, fails with each diagnostic's place and message. `extra` is for
/// tests (`--offline`, `--target-dir`).
pub fn check_clippy(manifest: &Path, extra: &[&OsStr]) -> anyhow::Result<()> {
    let mut command = Command::new(cargo());
    command
        .args(["clippy", "--workspace", "--all-targets", "--locked", "--manifest-path"])
        .arg(manifest)
        .args(extra)
        .args(["--", "-D", "warnings"]);
    let output = run_teed(&mut command)?;
    if output.status.success() {
        return Ok(());
    }
    let diagnostics = diagnostics(&output.stderr);
    if diagnostics.is_empty() {
        bail!("`cargo clippy` failed ({}):\n{}", output.status, output.stderr.trim());
    }
    bail!(
        "`cargo clippy --workspace --all-targets -- -D warnings` found {} problem(s); fix them (the full output is above):\n{}",
        diagnostics.len(),
        diagnostics.join("\n")
    )
}

/// `place: message` for every diagnostic in rustc's human-readable output, without the
/// summaries (`could not compile`, `N warnings emitted`).
fn diagnostics(stderr: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(message) = ["error", "warning"].iter().find_map(|level| {
            let rest = line.strip_prefix(level)?;
            let rest = if rest.starts_with('[') { &rest[rest.find(']')? + 1..] } else { rest };
            rest.strip_prefix(": ").map(|m| format!("{level}: {m}"))
        }) else {
            continue;
        };
        let Some(place) = lines.peek().and_then(|next| next.trim_start().strip_prefix("--> ")) else {
            continue;
        };
        found.push(format!("  {place}: {message}"));
    }
    found
}

/// What a command printed, once it has finished.
#[derive(Debug)]
struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs a command, passing its output through as it comes (a workspace's clippy run takes a
/// while) and keeping it for the error message.
fn run_teed(command: &mut Command) -> anyhow::Result<Output> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {shown}"))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let stderr = child.stderr.take().context("no stderr")?;
    let stdout = std::thread::spawn(move || tee(stdout, |line| println!("{line}")));
    let stderr = tee(stderr, |line| eprintln!("{line}"));
    let stdout = stdout.join().unwrap_or_default();
    let status = child.wait().with_context(|| format!("waiting for {shown}"))?;
    Ok(Output { status, stdout, stderr })
}

fn tee(from: impl Read, echo: impl Fn(&str)) -> String {
    let mut kept = String::new();
    for line in BufReader::new(from).lines().map_while(Result::ok) {
        echo(&line);
        kept.push_str(&line);
        kept.push('\n');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    /// A standalone crate with no dependencies, its lock file, and `lib` as its `src/lib.rs`.
    fn fixture_crate(label: &str, lib: &str) -> TempDir {
        let dir = TempDir::new(label);
        dir.write(
            "Cargo.toml",
            "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
        );
        dir.write(
            "Cargo.lock",
            "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"fixture\"\nversion = \"0.1.0\"\n",
        );
        dir.write("src/lib.rs", lib);
        dir
    }

    #[test]
    fn the_format_check_fails_on_a_formatting_diff_and_names_the_file() {
        let dir = fixture_crate("fmt", "//! A fixture.\n\npub fn answer( )->u32{42}\n");
        let manifest = dir.path().join("Cargo.toml");
        let error = check_format(&manifest).expect_err("a formatting diff must fail").to_string();
        assert!(error.contains("`src/lib.rs`"), "{error}");
        assert!(error.contains("run `cargo fmt --all`"), "{error}");

        dir.write("src/lib.rs", "//! A fixture.\n\npub fn answer() -> u32 {\n    42\n}\n");
        check_format(&manifest).expect("formatted code passes");
    }

    #[test]
    fn the_clippy_check_fails_on_a_warning_and_names_it() {
        let lib = "//! A fixture.\n\npub fn answer() -> u32 {\n    return 42;\n}\n";
        let dir = fixture_crate("clippy", lib);
        let manifest = dir.path().join("Cargo.toml");
        let target = dir.path().join("target");
        let extra = [OsStr::new("--offline"), OsStr::new("--target-dir"), target.as_os_str()];
        let error = check_clippy(&manifest, &extra).expect_err("a clippy warning must fail").to_string();
        assert!(error.contains("src/lib.rs:4:5: error: unneeded `return` statement"), "{error}");

        dir.write("src/lib.rs", "//! A fixture.\n\npub fn answer() -> u32 {\n    42\n}\n");
        check_clippy(&manifest, &extra).expect("code without warnings passes");
    }

    #[test]
    fn diagnostics_pair_each_message_with_its_place_and_skip_the_summaries() {
        let stderr = "\
    Checking fixture v0.1.0
error: unneeded `return` statement
 --> src/lib.rs:4:5
  |
warning[E0001]: something
  --> src/main.rs:1:1
error: could not compile `fixture` (lib) due to 1 previous error
";
        assert_eq!(
            diagnostics(stderr),
            ["  src/lib.rs:4:5: error: unneeded `return` statement", "  src/main.rs:1:1: warning: something"]
        );
    }
}
