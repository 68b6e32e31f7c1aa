//! `cargo xtask validate-exports`: renders every export format for the snapshot specs into
//! `target/xtask/exports/` and runs the tools teams would run on them: `cfn-lint` on the
//! CloudFormation templates, `python-hcl2` and `checkov` on the Terraform, `shellcheck` on the
//! AWS CLI scripts (and `terraform fmt -check` when `terraform` is installed). Python tools live in
//! pinned venvs under `target/xtask/`. Any finding fails the task; a summary is printed at the end.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use redbridge_core::{Plan, Spec};
use redbridge_export::{AccountSelection, ExportOptions, Format};

use crate::util::{python_venv, tools_dir};

/// Pinned tool versions; bump deliberately and re-run.
pub(crate) const CFN_LINT: &str = "cfn-lint==1.58.0";
pub(crate) const PYTHON_HCL2: &str = "python-hcl2==8.1.4";
pub(crate) const CHECKOV: &str = "checkov==3.3.30";

/// Checkov findings accepted on purpose, with the reason (also in `crates/redbridge-export/README.md`).
/// Empty: every check passes.
const DELIBERATE_CHECKOV_FAILURES: &[(&str, &str)] = &[];

pub fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let out = tools_dir().join("exports");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    let mut summary: Vec<String> = Vec::new();
    let files = generate(&out)?;
    summary.push(format!(
        "generated {} Terraform files, {} CloudFormation templates, {} AWS CLI scripts into `{}`",
        files.terraform.len(),
        files.cloudformation.len(),
        files.scripts.len(),
        out.display()
    ));
    let mut failures: Vec<String> = Vec::new();

    let step = Instant::now();
    let cfn = python_venv("cfn-lint", &[CFN_LINT])?;
    let hcl2 = python_venv("python-hcl2", &[PYTHON_HCL2])?;
    let checkov = python_venv("checkov", &[CHECKOV])?;
    summary.push(format!("python tools ready in {:.0?} ({CFN_LINT}, {PYTHON_HCL2}, {CHECKOV})", step.elapsed()));

    // cfn-lint: errors, warnings (and informational findings, if any are enabled) all count.
    let step = Instant::now();
    let output =
        Command::new(cfn.join("cfn-lint")).arg("--format").arg("parseable").args(&files.cloudformation).output()?;
    let findings = String::from_utf8_lossy(&output.stdout).lines().filter(|l| !l.trim().is_empty()).count();
    if findings > 0 || !output.status.success() {
        eprintln!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        failures.push(format!("cfn-lint: {findings} findings (exit {})", output.status));
    }
    summary.push(format!(
        "cfn-lint: {} templates, {findings} errors or warnings ({:.1?})",
        files.cloudformation.len(),
        step.elapsed()
    ));

    // python-hcl2: every file parses.
    let step = Instant::now();
    let script = "import sys, hcl2\nbad = 0\nfor path in sys.argv[1:]:\n    try:\n        with open(path) as f:\n            hcl2.load(f)\n    except Exception as e:\n        bad += 1\n        print(f'{path}: {e}')\nprint(bad)\n";
    let output = Command::new(hcl2.join("python")).arg("-c").arg(script).args(&files.terraform).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let unparsed: usize = stdout.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(usize::MAX);
    if unparsed != 0 || !output.status.success() {
        eprintln!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
        failures.push(format!("python-hcl2: {unparsed} files do not parse"));
    }
    summary.push(format!(
        "python-hcl2: {} of {} files parse ({:.1?})",
        files.terraform.len().saturating_sub(unparsed),
        files.terraform.len(),
        step.elapsed()
    ));

    // checkov: every module directory; then a canary proves it reads the heredoc policies.
    let step = Instant::now();
    let report = checkov_report(&checkov, &out.join("terraform"))?;
    let deliberate: Vec<&str> = DELIBERATE_CHECKOV_FAILURES.iter().map(|(id, _)| *id).collect();
    let unexplained: Vec<&String> =
        report.failed.iter().filter(|f| !deliberate.iter().any(|id| f.starts_with(id))).collect();
    let iam_failed = report.failed.iter().filter(|f| f.contains("aws_iam")).count();
    if !unexplained.is_empty() {
        for failure in &unexplained {
            eprintln!("checkov: {failure}");
        }
        failures.push(format!("checkov: {} failed checks not explained as deliberate", unexplained.len()));
    }
    let canary_dir = out.join("checkov-canary");
    write_canary(&files.terraform, &canary_dir)?;
    let canary = checkov_report(&checkov, &canary_dir)?;
    if !canary.failed.iter().any(|f| f.starts_with("CKV_AWS_63")) {
        failures.push("checkov: the canary policy with `\"Action\": \"*\"` was not flagged, so checkov does not read the heredoc policies".to_owned());
    }
    summary.push(format!(
        "checkov: {} passed, {} failed ({iam_failed} on IAM resources, {} deliberate), canary flagged: {} ({:.1?})",
        report.passed,
        report.failed.len(),
        report.failed.len() - unexplained.len(),
        canary.failed.iter().any(|f| f.starts_with("CKV_AWS_63")),
        step.elapsed()
    ));

    // shellcheck at its strictest default severity (style).
    let step = Instant::now();
    let shellcheck = ensure_shellcheck()?;
    let output = Command::new(&shellcheck).args(["--severity=style", "--format=gcc"]).args(&files.scripts).output()?;
    let findings = String::from_utf8_lossy(&output.stdout).lines().filter(|l| !l.trim().is_empty()).count();
    if findings > 0 || !output.status.success() {
        eprintln!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        failures.push(format!("shellcheck: {findings} findings"));
    }
    summary.push(format!("shellcheck: {} scripts, {findings} findings ({:.1?})", files.scripts.len(), step.elapsed()));

    // terraform fmt: optional, only when terraform is installed (it needs no providers).
    match Command::new("terraform").arg("fmt").arg("-check").arg("-recursive").arg(out.join("terraform")).output() {
        Ok(output) if output.status.success() => summary.push("terraform fmt -check: clean".to_owned()),
        Ok(output) => {
            eprintln!("{}", String::from_utf8_lossy(&output.stdout));
            failures.push("terraform fmt -check: files are not formatted canonically".to_owned());
        }
        Err(_) => summary.push("terraform fmt -check: skipped, `terraform` is not installed".to_owned()),
    }

    eprintln!("\nvalidate-exports summary:");
    for line in &summary {
        eprintln!("  {line}");
    }
    eprintln!("  total {:.1?}", started.elapsed());
    if !failures.is_empty() {
        bail!("validate-exports found problems:\n  {}", failures.join("\n  "));
    }
    Ok(())
}

/// The generated files, by kind.
#[derive(Debug, Default)]
struct Generated {
    terraform: Vec<PathBuf>,
    cloudformation: Vec<PathBuf>,
    scripts: Vec<PathBuf>,
}

/// Writes every format, for every snapshot spec, for every account choice, into
/// `out/<format>/<spec>-<choice>/`: each directory is what one team would deploy (the `both`
/// directories with the operator's policies).
fn generate(out: &Path) -> anyhow::Result<Generated> {
    let specs = crate::check_policies::spec_files()?;
    let mut generated = Generated::default();
    for path in specs {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path)?;
        let spec = Spec::from_toml(&text).map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
        let plan = Plan::new(&spec).map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
        let mut selections = vec![("both".to_owned(), AccountSelection::Both)];
        for account in &plan.accounts {
            selections.push((account.account.to_string(), AccountSelection::Account(account.account)));
        }
        for format in [Format::Terraform, Format::CloudFormation, Format::AwsCli] {
            for (choice, selection) in &selections {
                // The export of every account also carries the operator's policies, so the
                // tools check those files too; the one-account exports stay without them.
                let options = ExportOptions::with_operator_policies(*selection == AccountSelection::Both);
                let export = redbridge_export::export_with(&plan, format, *selection, options)?;
                let dir = out.join(format.name()).join(format!("{name}-{choice}"));
                std::fs::create_dir_all(&dir)?;
                for file in &export.files {
                    let path = dir.join(&file.name);
                    std::fs::write(&path, &file.contents)?;
                    match format {
                        _ if file.name == "README.md" => {}
                        Format::Terraform => generated.terraform.push(path),
                        Format::CloudFormation => generated.cloudformation.push(path),
                        Format::AwsCli => generated.scripts.push(path),
                    }
                }
            }
        }
    }
    Ok(generated)
}

/// Checkov's verdict: the number of passed checks and one line per failed one.
#[derive(Debug)]
struct CheckovReport {
    passed: usize,
    failed: Vec<String>,
}

fn checkov_report(venv_bin: &Path, dir: &Path) -> anyhow::Result<CheckovReport> {
    let output = Command::new(venv_bin.join("checkov"))
        .arg("--directory")
        .arg(dir)
        .args(["--framework", "terraform", "--skip-download", "--quiet", "--output", "json"])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .context("could not start checkov")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).with_context(|| {
        format!("checkov did not print JSON: {}{}", stdout, String::from_utf8_lossy(&output.stderr))
    })?;
    // One report object per framework, or a list of them.
    let reports = match json {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    let mut report = CheckovReport { passed: 0, failed: Vec::new() };
    for item in reports {
        report.passed += item["summary"]["passed"].as_u64().unwrap_or(0) as usize;
        for failed in item["results"]["failed_checks"].as_array().into_iter().flatten() {
            report.failed.push(format!(
                "{} {} in {}: {}",
                failed["check_id"].as_str().unwrap_or("?"),
                failed["resource"].as_str().unwrap_or("?"),
                failed["file_path"].as_str().unwrap_or("?"),
                failed["check_name"].as_str().unwrap_or("?")
            ));
        }
    }
    Ok(report)
}

/// A copy of one generated file whose first `"Action": "s3:GetObject"` is widened to `*`.
fn write_canary(terraform: &[PathBuf], dir: &Path) -> anyhow::Result<()> {
    for path in terraform {
        let text = std::fs::read_to_string(path)?;
        if text.contains("\"Action\": \"s3:GetObject\"") && text.contains("terraform {") {
            std::fs::create_dir_all(dir)?;
            std::fs::write(dir.join("main.tf"), text.replacen("\"Action\": \"s3:GetObject\"", "\"Action\": \"*\"", 1))?;
            return Ok(());
        }
    }
    bail!("no generated Terraform file to make a checkov canary from")
}

/// `shellcheck` from PATH, installed with apt-get (Debian package `shellcheck`) when missing.
pub fn ensure_shellcheck() -> anyhow::Result<PathBuf> {
    if Command::new("shellcheck").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Ok(PathBuf::from("shellcheck"));
    }
    eprintln!("shellcheck is not installed; installing the Debian package");
    let install = || Command::new("apt-get").args(["install", "-y", "-q", "shellcheck"]).status();
    if !install().is_ok_and(|s| s.success()) {
        crate::util::run(Command::new("apt-get").args(["update", "-q"]))?;
        crate::util::run(Command::new("apt-get").args(["install", "-y", "-q", "shellcheck"]))?;
    }
    Ok(PathBuf::from("shellcheck"))
}
