//! `cargo xtask check-docs`: the crates as a library user meets them. The API documentation
//! (the examples' included) builds with rustdoc's warnings denied (broken links, bad code
//! blocks), reusing the dependencies clippy checked; the embedder example
//! (`tests/embedder`, redbridge-aws without its default features) builds on its own, so that
//! the workspace's features do not leak into it, and has no AWS SDK crate in its tree; it and
//! the runnable examples of redbridge-core and redbridge-aws run to success, each printing the
//! line that shows it did its work.
//!
//! The examples are the ones the workspace's test build compiles (`cargo build --workspace
//! --all-targets` resolves the features as `cargo test --workspace` does), so after the tests
//! nothing is compiled again. A lone `cargo run -p redbridge-aws --example …` would compile the
//! package's dev-dependencies (the SDK crates with `test-util`, proptest) anew under that one
//! package's features: about 165 s in a cold CI run.

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

/// The runnable examples: package, example, and a line of their output that shows they did their
/// work (the plan's role chain; the applied chain judged healthy by doctor).
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "redbridge-core",
        "plan_from_spec",
        "chain: arn:aws:iam::111111111111:role/redbridge-analytics -> arn:aws:iam::222222222222:role/",
    ),
    ("redbridge-aws", "apply_with_fakes", "doctor read both accounts with "),
];

pub fn run() -> anyhow::Result<()> {
    timed("cargo doc", || {
        let metadata = output(cargo().args(["metadata", "--no-deps", "--format-version", "1", "--locked"]))?;
        let doc = ["doc", "--no-deps", "--workspace", "--locked"];
        run_command(
            cargo().env("RUSTDOCFLAGS", "-D warnings").args(doc).args(doc_targets(&metadata)?).args(DOC_FEATURES),
        )
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
    let mut built = String::new();
    timed("examples build", || {
        let build = ["build", "--locked", "--workspace", "--all-targets", "--message-format=json-render-diagnostics"];
        built = output(cargo().args(build).stderr(std::process::Stdio::inherit()))?;
        Ok(())
    })
    .context("the workspace's targets do not build")?;
    let executables = example_executables(&built);
    for (package, example, expected) in EXAMPLES {
        timed(&format!("example {example}"), || {
            let executable =
                executables.iter().find(|(name, _)| name == example).map(|(_, path)| path).with_context(|| {
                    format!("`cargo build --workspace --all-targets` built no example `{example}` of `{package}`")
                })?;
            let printed = output(Command::new(executable).current_dir(project_root()))?;
            eprint!("{printed}");
            example_did_its_work(&printed, expected)
        })
        .with_context(|| format!("the example `{example}` of `{package}` failed"))?;
    }
    Ok(())
}

/// The targets to document: what `cargo doc` documents by default (every library, and every
/// binary not named like its package's library), and the examples. The examples' dev-dependencies
/// make rustdoc resolve the features as clippy's `--all-targets` run does, so that it reuses the
/// dependencies clippy checked; without them about 56 dependencies, the AWS SDK crates among
/// them, are checked again under other features. `--bins` would document `redbridge-emu`'s
/// binary over its library, so the binaries are named one by one from `cargo metadata`.
fn doc_targets(metadata: &str) -> anyhow::Result<Vec<String>> {
    let metadata: serde_json::Value = serde_json::from_str(metadata).context("`cargo metadata` did not print JSON")?;
    let mut targets = vec!["--lib".to_owned(), "--examples".to_owned()];
    for package in metadata["packages"].as_array().context("`cargo metadata` lists no packages")? {
        let library: Vec<String> = targets_of_kind(package, "lib").map(|name| name.replace('-', "_")).collect();
        for binary in targets_of_kind(package, "bin").filter(|name| !library.contains(&name.replace('-', "_"))) {
            targets.extend(["--bin".to_owned(), binary.to_owned()]);
        }
    }
    Ok(targets)
}

/// The names of a `cargo metadata` package's targets of one kind.
fn targets_of_kind<'a>(package: &'a serde_json::Value, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    package["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |target| target["kind"].as_array().is_some_and(|kinds| kinds.iter().any(|k| k == kind)))
        .filter_map(|target| target["name"].as_str())
}

/// Each example's name and executable, from `cargo build --message-format=json` (one JSON object
/// a line; an example's `compiler-artifact` has the kind `example` and an `executable`).
fn example_executables(messages: &str) -> Vec<(String, std::path::PathBuf)> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "example")))
        .filter_map(|message| {
            let name = message["target"]["name"].as_str()?.to_owned();
            Some((name, std::path::PathBuf::from(message["executable"].as_str()?)))
        })
        .collect()
}

/// Fails unless a line of what the example printed starts with `expected`.
fn example_did_its_work(printed: &str, expected: &str) -> anyhow::Result<()> {
    if printed.lines().any(|line| line.starts_with(expected)) {
        return Ok(());
    }
    bail!("it ran, but printed no line starting with `{expected}`")
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
    fn the_documented_targets_are_cargo_docs_defaults_and_the_examples() {
        let metadata = r#"{"packages":[
            {"name":"redbridge-emu","targets":[{"kind":["lib"],"name":"redbridge_emu"},{"kind":["bin"],"name":"redbridge-emu"}]},
            {"name":"redbridge-cli","targets":[{"kind":["bin"],"name":"redbridge"},{"kind":["test"],"name":"it"}]},
            {"name":"redbridge-aws","targets":[{"kind":["lib"],"name":"redbridge_aws"},{"kind":["example"],"name":"apply_with_fakes"}]}
        ]}"#;
        assert_eq!(doc_targets(metadata).expect("targets"), ["--lib", "--examples", "--bin", "redbridge"]);
        assert!(doc_targets("not json").is_err());
    }

    #[test]
    fn the_examples_are_found_in_cargo_build_messages_by_kind_and_name() {
        let messages = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"redbridge_aws"},"executable":null}
{"reason":"compiler-artifact","target":{"kind":["example"],"name":"apply_with_fakes"},"executable":"/t/debug/examples/apply_with_fakes"}
{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"redbridge"},"executable":"/t/debug/redbridge"}
{"reason":"build-finished","success":true}
"#;
        assert_eq!(
            example_executables(messages),
            [("apply_with_fakes".to_owned(), std::path::PathBuf::from("/t/debug/examples/apply_with_fakes"))]
        );
    }

    #[test]
    fn an_example_that_runs_without_printing_its_result_fails() {
        let printed = "plan: 5 to create\napplied 6 change(s)\ndoctor read both accounts with 20 calls: Healthy\n";
        assert!(example_did_its_work(printed, "doctor read both accounts with ").is_ok());
        let error = example_did_its_work("plan: 5 to create\n", "doctor read both accounts with ").unwrap_err();
        assert!(error.to_string().contains("no line starting with `doctor read both accounts with `"), "{error}");
    }

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
