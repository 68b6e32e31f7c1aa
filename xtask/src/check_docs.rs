//! `cargo xtask check-docs`: the crates as a library user meets them. The API documentation
//! builds with rustdoc's warnings denied (broken links, bad code blocks); the embedder example
//! (`tests/embedder`, redbridge-aws without its default features) builds on its own, so that
//! the workspace's features do not leak into it, and has no AWS SDK crate in its tree; it and
//! the runnable examples of redbridge-core and redbridge-aws run to success.

use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::util::{project_root, run as run_command};

/// The embedder example's package.
const EMBEDDER: &str = "redbridge-embedder";

/// Crates an embedder that brings its own clients must not compile, by name prefix.
const FORBIDDEN_PREFIXES: &[&str] = &["aws-sdk-", "aws-config", "aws-smithy-runtime"];

/// Every feature of the library crates. Not `--all-features`: that would add the end-to-end
/// harness's `docker` feature, which compiles testcontainers and its Docker client (over a
/// hundred crates CI builds nowhere else) for a module that is not API.
const DOC_FEATURES: &[&str] = &["--features", "redbridge-aws/sdk,redbridge-aws/testing"];

/// The runnable examples: package, example, extra cargo arguments.
const EXAMPLES: &[(&str, &str, &[&str])] =
    &[("redbridge-core", "plan_from_spec", &[]), ("redbridge-aws", "apply_with_fakes", &["--features", "testing"])];

pub fn run() -> anyhow::Result<()> {
    timed("cargo doc", || {
        let doc = ["doc", "--no-deps", "--workspace", "--locked"];
        run_command(cargo().env("RUSTDOCFLAGS", "-D warnings").args(doc).args(DOC_FEATURES))
    })
    .context("the API documentation has rustdoc warnings")?;
    timed("embedder build", || run_command(cargo().args(["build", "--locked", "-p", EMBEDDER])))
        .context("the embedder example (redbridge-aws without default features) does not build")?;
    let tree = output(cargo().args(["tree", "--locked", "-p", EMBEDDER, "-e", "normal", "--prefix", "none"]))?;
    let forbidden = forbidden_crates(&tree);
    if !forbidden.is_empty() {
        bail!(
            "`{EMBEDDER}` depends on redbridge-aws without default features, yet its tree holds {}; \
             a dependency of redbridge-aws's base needs to move behind the `sdk` feature",
            forbidden.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        );
    }
    eprintln!("check-docs: `{EMBEDDER}` compiles no AWS SDK crate");
    timed("embedder run", || run_command(cargo().args(["run", "--locked", "-p", EMBEDDER])))?;
    for (package, example, extra) in EXAMPLES {
        timed(&format!("example {example}"), || {
            run_command(cargo().args(["run", "--locked", "-p", package, "--example", example]).args(*extra))
        })
        .with_context(|| format!("the example `{example}` of `{package}` failed"))?;
    }
    Ok(())
}

/// `cargo` in the project root.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(project_root());
    command
}

/// Runs `step`, then says how long it took.
fn timed(label: &str, step: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let start = Instant::now();
    let result = step();
    eprintln!("check-docs: {label} took {:.1} s", start.elapsed().as_secs_f64());
    result
}

/// A command's standard output; fails with its standard error on a non-zero exit.
fn output(command: &mut Command) -> anyhow::Result<String> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let output = command.output().with_context(|| format!("could not start {shown}"))?;
    if !output.status.success() {
        bail!("{shown} failed with {}:\n{}", output.status, String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The crates of a `cargo tree --prefix none` listing whose names start with a forbidden
/// prefix, each once, in order.
fn forbidden_crates(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in tree.lines() {
        let Some(name) = line.split_whitespace().next() else { continue };
        if FORBIDDEN_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_crates_names_each_sdk_crate_once_and_passes_the_rest() {
        let tree = "\
redbridge-embedder v0.1.0 (/w/tests/embedder)
redbridge-aws v0.1.0 (/w/crates/redbridge-aws)
aws-sdk-s3 v1.157.0
aws-types v1.3.0
aws-config v1.13.0
aws-sdk-s3 v1.157.0 (*)
aws-smithy-runtime v1.9.0
aws-smithy-runtime-api v1.9.0
tokio v1.54.1
";
        assert_eq!(
            forbidden_crates(tree),
            ["aws-sdk-s3", "aws-config", "aws-smithy-runtime", "aws-smithy-runtime-api"]
        );
        assert!(forbidden_crates("redbridge-embedder v0.1.0\nserde v1.0.0\n\n").is_empty());
    }
}
