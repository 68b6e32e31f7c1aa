//! `cargo xtask check-lint-hooks`: proves the CI integrations of `redbridge lint` as users run
//! them. pre-commit (pinned, in a venv under `target/xtask/`) runs the repository's
//! `.pre-commit-hooks.yaml` with `pre-commit try-repo` in a temporary git repository holding the
//! seed article's unclosed-quote statement and a clean file, with the debug `redbridge` on PATH:
//! the bad file must fail naming `RB-SQL-001`, the clean one must pass. Then `action.yml` must
//! parse as YAML with the inputs and steps the README documents, keep `${{ }}` out of its
//! scripts, and its scripts must pass shellcheck.
//!
//! The hook exercised is `redbridge-lint-system` (`language: system`): a `language: rust` hook
//! would be built by pre-commit with `cargo install --path .` at the root, which a virtual
//! workspace manifest refuses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail, ensure};

use crate::util::{project_root, python_venv, tools_dir};

/// The pre-commit release the check is pinned to (it brings PyYAML, which reads `action.yml`).
pub(crate) const PRE_COMMIT: &str = "pre-commit==4.7.0";

/// The hook the check runs.
const HOOK: &str = "redbridge-lint-system";

/// The seed article's Parquet example: its IAM_ROLE quote is never closed.
const BAD_SQL: &str = "COPY table_name FROM 's3://awsexamplebucket/crosscopy1.csv' IAM_ROLE \
    'arn:aws:iam::111111111111:role/RoleB,arn:aws:iam::222222222222:role/RoleA FORMAT AS PARQUET;\n";

/// A statement with nothing to report.
const CLEAN_SQL: &str = "UNLOAD ('SELECT * FROM sales') TO 's3://acme-data/out/sales_' IAM_ROLE \
    'arn:aws:iam::111111111111:role/RedshiftClusterRole,arn:aws:iam::222222222222:role/BucketRole' FORMAT AS PARQUET;\n";

pub fn run() -> anyhow::Result<()> {
    let venv = python_venv("pre-commit", &[PRE_COMMIT])?;
    let binary_dir = build_redbridge()?;
    check_pre_commit_hook(&venv, &binary_dir)?;
    check_action(&venv)?;
    eprintln!(
        "check-lint-hooks: the pre-commit hook flags the unclosed quote and passes a clean file; action.yml is sound"
    );
    Ok(())
}

/// Builds the debug `redbridge` and returns the folder it is in.
fn build_redbridge() -> anyhow::Result<PathBuf> {
    let binary = crate::util::build_debug_binary("redbridge")?;
    Ok(binary.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// `pre-commit try-repo` with the repository's hooks in a fixture repository.
fn check_pre_commit_hook(venv: &Path, binary_dir: &Path) -> anyhow::Result<()> {
    let work = tools_dir().join("lint-hooks");
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    let fixture = work.join("fixture");
    std::fs::create_dir_all(fixture.join("sql"))?;
    std::fs::write(fixture.join("sql/article.sql"), BAD_SQL)?;
    std::fs::write(fixture.join("sql/clean.sql"), CLEAN_SQL)?;
    std::fs::write(fixture.join("notes.txt"), "not SQL: the hook must skip it\n")?;
    git(&fixture, &["init", "-q"])?;
    git(&fixture, &["add", "."])?;

    let path = std::env::join_paths(
        std::iter::once(binary_dir.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    let try_repo = |files: &[&str]| -> anyhow::Result<Output> {
        let mut command = Command::new(venv.join("pre-commit"));
        command
            .current_dir(&fixture)
            .args(["try-repo"])
            .arg(project_root())
            .args([HOOK, "--verbose", "--files"])
            .args(files)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", work.join("cache"))
            .env("NO_COLOR", "1");
        for (name, value) in [("NAME", "redbridge xtask"), ("EMAIL", "xtask@redbridge.invalid")] {
            command.env(format!("GIT_AUTHOR_{name}"), value).env(format!("GIT_COMMITTER_{name}"), value);
        }
        eprintln!("$ {command:?}");
        command.output().context("could not start pre-commit")
    };

    let bad = try_repo(&["sql/article.sql", "notes.txt"])?;
    let bad_text = shown(&bad);
    eprintln!("{bad_text}");
    ensure!(bad.status.code() == Some(1), "pre-commit on the unclosed quote exited {}, not 1", bad.status);
    ensure!(bad_text.contains("Failed"), "pre-commit did not report the hook as failed:\n{bad_text}");
    ensure!(
        bad_text.contains("error[RB-SQL-001]") && bad_text.contains("sql/article.sql:1:70"),
        "the hook's output does not name RB-SQL-001 at `sql/article.sql:1:70`:\n{bad_text}"
    );

    let clean = try_repo(&["sql/clean.sql", "notes.txt"])?;
    let clean_text = shown(&clean);
    eprintln!("{clean_text}");
    ensure!(clean.status.success(), "pre-commit on a clean file exited {}:\n{clean_text}", clean.status);
    ensure!(clean_text.contains("Passed"), "pre-commit did not report the hook as passed:\n{clean_text}");
    ensure!(
        clean_text.contains("ok: 0 errors, 0 warnings in 1 statement"),
        "the hook did not lint exactly the one clean statement (`notes.txt` must be skipped):\n{clean_text}"
    );
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    crate::util::run(Command::new("git").current_dir(dir).args(args))
}

fn shown(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// `action.yml`: read with PyYAML (from the pre-commit venv), checked, its scripts shellchecked.
fn check_action(venv: &Path) -> anyhow::Result<()> {
    let path = project_root().join("action.yml");
    let script = "import json, sys, yaml\nwith open(sys.argv[1]) as f:\n    print(json.dumps(yaml.safe_load(f)))\n";
    let output = Command::new(venv.join("python")).arg("-c").arg(script).arg(&path).output()?;
    ensure!(output.status.success(), "action.yml does not parse as YAML:\n{}", shown(&output));
    let action: serde_json::Value = serde_json::from_slice(&output.stdout).context("PyYAML's JSON")?;
    let problems = action_problems(&action);
    if !problems.is_empty() {
        bail!("action.yml:\n  {}", problems.join("\n  "));
    }
    let dir = tools_dir().join("lint-hooks").join("action");
    std::fs::create_dir_all(&dir)?;
    let mut scripts = Vec::new();
    for (index, text) in run_scripts(&action).into_iter().enumerate() {
        let file = dir.join(format!("step-{}.sh", index + 1));
        std::fs::write(&file, format!("#!/usr/bin/env bash\n{text}"))?;
        scripts.push(file);
    }
    let shellcheck = crate::validate_exports::ensure_shellcheck()?;
    let output = Command::new(shellcheck).args(["--severity=style", "--format=gcc"]).args(&scripts).output()?;
    ensure!(
        output.status.success() && output.stdout.is_empty(),
        "shellcheck finds problems in action.yml's scripts (written to `{}`):\n{}",
        dir.display(),
        shown(&output)
    );
    Ok(())
}

/// The `run:` scripts of the action's steps, in order.
fn run_scripts(action: &serde_json::Value) -> Vec<String> {
    let steps = action["runs"]["steps"].as_array().cloned().unwrap_or_default();
    steps.iter().filter_map(|step| step["run"].as_str().map(str::to_owned)).collect()
}

/// What is wrong with the action: each problem a line.
fn action_problems(action: &serde_json::Value) -> Vec<String> {
    let mut problems = Vec::new();
    for key in ["name", "description"] {
        if action[key].as_str().is_none_or(str::is_empty) {
            problems.push(format!("`{key}` is missing"));
        }
    }
    match action["inputs"]["files"]["default"].as_str() {
        Some("**/*.sql") => {}
        other => problems.push(format!("input `files` must default to `**/*.sql`, not {other:?}")),
    }
    for input in ["spec", "version"] {
        if action["inputs"][input]["required"] != serde_json::Value::Bool(false) {
            problems.push(format!("input `{input}` must be optional (`required: false`)"));
        }
    }
    if action["runs"]["using"] != "composite" {
        problems.push("`runs.using` must be `composite`".to_owned());
    }
    let steps = action["runs"]["steps"].as_array().cloned().unwrap_or_default();
    for (index, step) in steps.iter().enumerate() {
        if step.get("run").is_some() && step["shell"] != "bash" {
            problems.push(format!("step {} runs a script without `shell: bash`", index + 1));
        }
    }
    let scripts = run_scripts(action);
    if scripts.iter().any(|script| script.contains("${{")) {
        problems.push("a `run:` script holds a `${{ }}` expression; pass it through `env:`".to_owned());
    }
    let all = scripts.join("\n");
    for needed in ["cargo install --locked --path \"$GITHUB_ACTION_PATH/crates/redbridge-cli\"", "redbridge lint"] {
        if !all.contains(needed) {
            problems.push(format!("no step runs `{needed}`"));
        }
    }
    if !all.contains("--output github") {
        problems.push("the lint step does not use `--output github`".to_owned());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action() -> serde_json::Value {
        serde_json::json!({
            "name": "redbridge lint",
            "description": "lint",
            "inputs": {
                "files": { "default": "**/*.sql", "required": false },
                "spec": { "required": false },
                "version": { "required": false },
            },
            "runs": {
                "using": "composite",
                "steps": [
                    { "shell": "bash", "run": "cargo install --locked --path \"$GITHUB_ACTION_PATH/crates/redbridge-cli\"\n" },
                    { "shell": "bash", "env": { "FILES": "${{ inputs.files }}" }, "run": "redbridge lint --output github \"$FILES\"\n" },
                ],
            },
        })
    }

    #[test]
    fn a_sound_action_has_no_problem() {
        assert_eq!(action_problems(&action()), Vec::<String>::new());
        assert_eq!(run_scripts(&action()).len(), 2);
    }

    #[test]
    fn an_expression_inside_a_script_and_a_missing_shell_are_problems() {
        let mut action = action();
        action["runs"]["steps"][1]["run"] = "redbridge lint --output github ${{ inputs.files }}\n".into();
        action["runs"]["steps"][0].as_object_mut().unwrap().remove("shell");
        let problems = action_problems(&action);
        assert!(problems.iter().any(|p| p.contains("`${{ }}`")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("step 1 runs a script without `shell: bash`")), "{problems:#?}");
    }

    #[test]
    fn a_wrong_default_and_a_required_spec_are_problems() {
        let mut action = action();
        action["inputs"]["files"]["default"] = "*.sql".into();
        action["inputs"]["spec"]["required"] = true.into();
        let problems = action_problems(&action);
        assert!(problems.iter().any(|p| p.contains("`files` must default to `**/*.sql`")), "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("input `spec` must be optional")), "{problems:#?}");
    }
}
