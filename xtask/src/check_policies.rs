//! `cargo xtask check-policies`: runs parliament (an AWS IAM policy linter, from PyPI) over every
//! policy the example and snapshot specs produce. Any finding fails the task unless it is listed
//! in [`KNOWN_FALSE_POSITIVES`], each of which the README explains.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;
use redbridge_core::{Plan, Spec};

use crate::util::{project_root, python_venv, tools_dir};

/// The parliament release the check is pinned to.
pub(crate) const PARLIAMENT: &str = "parliament==1.6.4";

/// Findings parliament reports on our policies that are not problems: the finding, which
/// policies it is accepted on (a label ending), and why. Keep in step with the README section
/// "Policy checks".
pub const KNOWN_FALSE_POSITIVES: &[(&str, &str, &str)] = &[
    (
        "MALFORMED",
        " trust",
        "parliament reads every document as an identity policy; a trust policy has no Resource element \
         (IAM rejects one), its resource is the role itself",
    ),
    (
        "CREDENTIALS_EXPOSURE",
        "inline redbridge-assume-",
        "`sts:AssumeRole` on the next role's exact ARN is what a role chain is; it returns that role's credentials by design",
    ),
    (
        "INVALID_ARN",
        "operator ",
        "AWS managed policies' ARNs have `aws` in the account field (`arn:aws:iam::aws:policy/…`); the operator reads those \
         attached to the chain's roles",
    ),
    (
        "CREDENTIALS_EXPOSURE",
        " test",
        "`test` connects to the planned cluster: `redshift:GetClusterCredentials` on the planned database users (or \
         `GetClusterCredentialsWithIAM` on its databases) returns temporary database credentials by design",
    ),
    (
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        " test",
        "parliament counts `redshift:GetClusterCredentials` as permissions management; it only returns the planned user's \
         temporary database password",
    ),
    (
        "RESOURCE_STAR",
        "key policy statements",
        "in a key policy `Resource: *` means the key the policy is attached to; it is the only valid form",
    ),
];

/// The spec files whose plans are checked: `examples/*.toml` and `tests/specs/*.toml`.
pub fn spec_files() -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/specs"] {
        let Ok(entries) = std::fs::read_dir(project_root().join(dir)) else { continue };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "toml") {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no spec files found under examples/ or tests/specs/");
    Ok(files)
}

pub fn run() -> anyhow::Result<()> {
    let bin = python_venv("parliament", &[PARLIAMENT])?;
    let out_dir = tools_dir().join("policies");
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir)?;
    }
    std::fs::create_dir_all(&out_dir)?;
    let mut checked = 0;
    let mut findings = Vec::new();
    let mut accepted_counts: Vec<&str> = Vec::new();
    let specs = spec_files()?;
    let spec_count = specs.len();
    for spec_file in specs {
        let text = std::fs::read_to_string(&spec_file)?;
        let spec = Spec::from_toml(&text).with_context(|| format!("{}", spec_file.display()))?;
        let plan = Plan::new(&spec).with_context(|| format!("planning {}", spec_file.display()))?;
        let stem = spec_file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let mut policies = plan.policies();
        // The operator's policies, as `plan` prints them for the account admins.
        let operator = &plan.operator_policies;
        for account in [&operator.redshift, &operator.s3].into_iter().chain(&operator.intermediate) {
            for command in redbridge_core::operator::OperatorCommand::ALL {
                let policy = account.policy(command);
                if !policy.statements.is_empty() {
                    policies.push((format!("operator {} {}", account.account, command.as_str()), policy.clone()));
                }
            }
        }
        for (index, (label, policy)) in policies.into_iter().enumerate() {
            let path = out_dir.join(format!("{stem}-{index}.json"));
            std::fs::write(&path, policy.to_json_pretty())?;
            let mut command = Command::new(bin.join("parliament"));
            // parliament reads the policy from standard input whenever it is not a terminal.
            command.args(["--json", "--minimum_severity", "INFO", "--include-community-auditors"]);
            command.stdin(std::fs::File::open(&path)?);
            let output = command.output().with_context(|| format!("running parliament on {}", path.display()))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
                let issue = line.split('"').nth(3).unwrap_or(line).to_owned();
                let accepted = KNOWN_FALSE_POSITIVES.iter().find(|(code, applies_to, _)| {
                    issue == *code
                        && label.contains(applies_to)
                        && (issue != "MALFORMED" || line.contains("neither Resource nor NotResource"))
                        && (issue != "INVALID_ARN" || line.contains(":iam::aws:policy/"))
                        && (issue != "CREDENTIALS_EXPOSURE"
                            || !label.starts_with("operator")
                            || line.contains("getclustercredentials"))
                        && (issue != "PERMISSIONS_MANAGEMENT_ACTIONS" || line.contains("getclustercredentials"))
                });
                if let Some((code, _, _)) = accepted {
                    accepted_counts.push(*code);
                    continue;
                }
                findings.push(format!("{stem}: {label}: {issue}\n    {line}"));
            }
            if !output.status.success() && stdout.trim().is_empty() {
                anyhow::bail!("parliament failed on {}: {}", path.display(), String::from_utf8_lossy(&output.stderr));
            }
            checked += 1;
        }
    }
    // The audit's read policy, as `redbridge audit --print-policy` prints it.
    let audit =
        redbridge_core::audit::audit_policy(redbridge_iam::Partition::Aws, Some("OrganizationAccountAccessRole"));
    let path = out_dir.join("audit-read-policy.json");
    std::fs::write(&path, audit.to_json_pretty())?;
    let mut command = Command::new(bin.join("parliament"));
    command.args(["--json", "--minimum_severity", "INFO", "--include-community-auditors"]);
    command.stdin(std::fs::File::open(&path)?);
    let output = command.output().with_context(|| format!("running parliament on {}", path.display()))?;
    for line in String::from_utf8_lossy(&output.stdout).lines().filter(|l| !l.trim().is_empty()) {
        // Entering every account by a role name is what `--assume-role-name` is: the one
        // statement that returns credentials, on that role name only.
        if line.contains("CREDENTIALS_EXPOSURE") && line.contains("\"sts:assumerole\"") {
            eprintln!(
                "  accepted 1 x CREDENTIALS_EXPOSURE on the audit read policy: `sts:AssumeRole` on the audit role's name is how `--org` enters each account"
            );
            continue;
        }
        findings.push(format!("audit read policy: {line}"));
    }
    checked += 1;
    eprintln!(
        "check-policies: {checked} policies from {spec_count} specs checked with {PARLIAMENT}: {} finding(s), {} known false positive(s) accepted",
        findings.len(),
        accepted_counts.len()
    );
    for (code, applies_to, reason) in KNOWN_FALSE_POSITIVES {
        let n = accepted_counts.iter().filter(|c| *c == code).count();
        if n > 0 {
            eprintln!("  accepted {n} x {code} on `…{applies_to}…`: {reason}");
        }
    }
    for finding in &findings {
        eprintln!("  {finding}");
    }
    anyhow::ensure!(findings.is_empty(), "parliament reported findings");
    Ok(())
}
