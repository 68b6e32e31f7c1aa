//! `redbridge plan --format … --account … --out …`: the export flags, run through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn spec(name: &str) -> PathBuf {
    ["tests/specs", "examples"]
        .iter()
        .map(|dir| crate::root().join(dir).join(format!("{name}.toml")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no spec `{name}` in tests/specs/ or examples/"))
}

fn redbridge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge")).args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("redbridge-it-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn one_side_writes_its_file_and_a_readme_for_the_other_team() {
    let dir = TempDir::new("one-side");
    let spec = spec("serverless-unload-kms");
    let out = dir.0.to_string_lossy().into_owned();
    let output = redbridge(&[
        "plan",
        "--spec",
        spec.to_str().expect("utf-8"),
        "--format",
        "terraform",
        "--account",
        "s3",
        "--out",
        &out,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(file_names(&dir.0), ["README.md", "s3-222222222222.tf"]);
    let readme = std::fs::read_to_string(dir.0.join("README.md")).expect("readme");
    assert!(readme.contains("## For the team of the Redshift account `111111111111`"), "{readme}");
    assert!(readme.contains("`--format terraform --account redshift`"), "{readme}");
    assert!(
        readme.contains("Send back: the cluster role ARN, `arn:aws:iam::111111111111:role/redbridge-analytics-wg`"),
        "{readme}"
    );
    let terraform = std::fs::read_to_string(dir.0.join("s3-222222222222.tf")).expect("terraform");
    assert!(terraform.contains("variable \"cluster_role_arn\""), "the other side's role is an input");
    assert!(terraform.contains("\"AWS\": \"${var.cluster_role_arn}\""));
    assert!(stdout(&output).contains("wrote `"));
}

#[test]
fn scripts_are_written_executable_one_per_account() {
    let dir = TempDir::new("scripts");
    let spec = spec("three-role-chain");
    let out = dir.0.to_string_lossy().into_owned();
    let output = redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "aws-cli", "--out", &out]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        file_names(&dir.0),
        ["README.md", "hop-333333333333.sh", "redshift-111111111111.sh", "s3-222222222222.sh"]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.0.join("hop-333333333333.sh")).expect("script").permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "scripts are executable");
    }
    let script = std::fs::read_to_string(dir.0.join("s3-222222222222.sh")).expect("script");
    assert!(script.starts_with("#!/usr/bin/env bash\n"));
    assert!(script.contains("\nset -euo pipefail\n"));
    assert!(!script.contains("aws_secret_access_key") && !script.contains("AWS_SECRET_ACCESS_KEY"), "no credentials");
}

#[test]
fn without_out_the_files_are_printed_under_their_names() {
    let spec = spec("provisioned-copy");
    let output = redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "cloudformation"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(
        headers,
        ["==> redshift-111111111111.template.json <==", "==> s3-222222222222.template.json <==", "==> README.md <=="]
    );
}

#[test]
fn format_json_keeps_only_the_chosen_accounts() {
    let spec = spec("provisioned-copy");
    let output =
        redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "json", "--account", "redshift"]);
    assert!(output.status.success(), "{}", stderr(&output));
    crate::schema::assert_matches_schema("plan.schema.json", &stdout(&output));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    let accounts: Vec<&str> =
        plan["accounts"].as_array().expect("accounts").iter().map(|a| a["account"].as_str().expect("id")).collect();
    assert_eq!(accounts, ["111111111111"]);
}

#[test]
fn without_format_the_runbook_is_unchanged() {
    let spec = spec("provisioned-copy");
    let output = redbridge(&["plan", "--spec", spec.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("Plan: COPY between Redshift cluster `analytics`"));
    let json = redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--output", "json"]);
    crate::schema::assert_matches_schema("plan.schema.json", &stdout(&json));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(plan["accounts"].as_array().expect("accounts").len(), 2);
}

#[test]
fn output_and_format_cannot_be_combined_and_account_needs_format() {
    let spec = spec("provisioned-copy");
    let spec = spec.to_str().expect("utf-8");
    let both = redbridge(&["plan", "--spec", spec, "--output", "json", "--format", "terraform"]);
    assert!(!both.status.success());
    assert!(stderr(&both).contains("cannot be used with"), "{}", stderr(&both));
    // Under `--output json` the usage error is also a JSON object on standard output.
    crate::schema::assert_matches_schema("error.schema.json", &stdout(&both));
    let account = redbridge(&["plan", "--spec", spec, "--account", "s3"]);
    assert!(!account.status.success());
    assert!(stderr(&account).contains("--format"), "{}", stderr(&account));
}

#[test]
fn an_account_outside_the_plan_is_an_error_naming_the_plans_accounts() {
    let spec = spec("provisioned-copy");
    let output = redbridge(&[
        "plan",
        "--spec",
        spec.to_str().expect("utf-8"),
        "--format",
        "aws-cli",
        "--account",
        "333333333333",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim_end(),
        "error: account `333333333333` has nothing to deploy in this plan; its accounts are `111111111111`, `222222222222`"
    );
    let bad =
        redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "aws-cli", "--account", "bucket"]);
    assert!(
        stderr(&bad).contains("`bucket` is not an account choice; use redshift, s3, both or a 12-digit account id")
    );
}

#[test]
fn out_refuses_to_overwrite_existing_files_and_writes_nothing() {
    let dir = TempDir::new("no-overwrite");
    std::fs::create_dir_all(&dir.0).expect("dir");
    std::fs::write(dir.0.join("README.md"), "mine\n").expect("readme");
    let spec = spec("three-role-chain");
    let out = dir.0.to_string_lossy().into_owned();
    let output = redbridge(&["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "aws-cli", "--out", &out]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let readme = dir.0.join("README.md");
    assert!(
        stderr(&output).contains(&format!(
            "refusing to overwrite a file already in `{out}`: `{}` (pass `--force` to overwrite)",
            readme.display()
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(file_names(&dir.0), ["README.md"], "nothing of the export is written");
    assert_eq!(std::fs::read_to_string(&readme).expect("readme"), "mine\n");
    assert_eq!(stdout(&output), "");
}

#[test]
fn out_with_force_overwrites_existing_files() {
    let dir = TempDir::new("force");
    let spec = spec("three-role-chain");
    let out = dir.0.to_string_lossy().into_owned();
    let args = ["plan", "--spec", spec.to_str().expect("utf-8"), "--format", "aws-cli", "--out", &out];
    assert!(redbridge(&args).status.success());
    std::fs::write(dir.0.join("README.md"), "mine\n").expect("readme");
    let again = redbridge(&args);
    assert_eq!(again.status.code(), Some(2), "a second export without `--force` is refused");
    assert!(stderr(&again).contains("refusing to overwrite files already in"), "{}", stderr(&again));
    let forced = redbridge(&[&args[..], &["--force"]].concat());
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_ne!(std::fs::read_to_string(dir.0.join("README.md")).expect("readme"), "mine\n");
    assert_eq!(stdout(&forced).matches("wrote `").count(), 4);
}
