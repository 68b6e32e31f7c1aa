//! Audit scenarios: an organization of many accounts, each chain set up in its own accounts
//! through the real paths (`redbridge apply`, then faults), the audit role created in every
//! account, and `redbridge audit --org` run as a user would, its whole JSON compared with the
//! expected document (`REDBRIDGE_E2E_BLESS=1` rewrites that document instead, for review).
//!
//! With `render = true` the audit's DOT and HTML are written next to the logs and listed in
//! `renders.txt` at the top of the work folder; `cargo xtask e2e` renders the DOT with Graphviz
//! and opens the HTML in headless Chromium (screenshot kept as `audit.png`) after the run.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use redbridge_aws::ports::{Iam as _, NewRole};
use redbridge_aws::sdk::SdkIam;
use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;
use serde_json::{Value, json};

use super::{Run, Runner, Settings, environment, fresh_dir, refresh_chain};
use crate::governance::http_put;
use crate::scenario::{AuditSetup, Scenario, Step};
use crate::world::{World, sdk_config, services_section};

/// The profile of the organization's management account in the audit's AWS config.
const MANAGEMENT_PROFILE: &str = "management";

/// `{management_account}`, `{redshift_account_K}`, `{s3_account_K}`, `{hop_account_K}` and
/// their accounts for scenario `index`.
fn accounts(audit: &AuditSetup, index: usize) -> Vec<(String, String)> {
    let mut list = vec![("{management_account}".to_owned(), format!("4{index:011}"))];
    for (kind, digit, count) in
        [("redshift", 1, audit.redshift_accounts), ("s3", 2, audit.s3_accounts), ("hop", 3, audit.hop_accounts)]
    {
        for number in 1..=count {
            list.push((format!("{{{kind}_account_{number}}}"), format!("{digit}{number}{index:010}")));
        }
    }
    list
}

fn replace_all(placeholders: &[(String, String)], text: &str) -> String {
    placeholders.iter().fold(text.to_owned(), |text, (name, value)| text.replace(name, value))
}

fn account(placeholders: &[(String, String)], kind: &str, number: usize) -> anyhow::Result<String> {
    let name = format!("{{{kind}_account_{number}}}");
    placeholders.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).with_context(|| format!("no `{name}`"))
}

/// Sets the audit scenario up, then runs its `audit` steps.
pub(super) async fn run(
    scenario: &Scenario,
    index: usize,
    settings: &Settings,
    done: &mut usize,
) -> anyhow::Result<()> {
    let audit = scenario.audit.as_ref().context("not an audit scenario")?;
    let dir = settings.work.join(&scenario.name);
    fresh_dir(&dir)?;
    let mut placeholders = accounts(audit, index);
    for chain in &scenario.chains {
        let started = Instant::now();
        // A chain without a hop gets this scenario's own unused hop number.
        let hop = match chain.hop {
            Some(number) => account(&placeholders, "hop", number)?,
            None => format!("3{index:011}"),
        };
        let three = [account(&placeholders, "redshift", chain.redshift)?, account(&placeholders, "s3", chain.s3)?, hop];
        let mut world =
            World::with_accounts(dir.join(&chain.name), &chain.spec, &chain.setup, three, &settings.services)?;
        world.placeholders.clone_from(&placeholders);
        world.set_up(&chain.setup, &chain.name).await.with_context(|| format!("setting chain `{}` up", chain.name))?;
        refresh_chain(&mut world, settings)?;
        if let (Some(id), Some(name)) = (&world.workgroup_id, chain.spec.get("workgroup").and_then(toml::Value::as_str))
        {
            placeholders.push((format!("{{workgroup_id:{name}}}"), id.clone()));
        }
        let mut runner = Runner::new(world, settings, &super::NO_TABLES);
        for step in &chain.steps {
            let what = runner.step(step).await.with_context(|| format!("chain `{}`", chain.name))?;
            eprintln!("       {}: {what}", chain.name);
        }
        eprintln!("       chain {} set up in {:.1}s", chain.name, started.elapsed().as_secs_f64());
    }
    let management = account_of(&placeholders, "{management_account}")?;
    let organization = replace_all(&placeholders, &audit.organization);
    serde_json::from_str::<Value>(&organization).context("`audit.organization` is not JSON")?;
    let answer = http_put(&format!("{}/_emu/organization", settings.services.emu), &organization)?;
    ensure!(answer.starts_with("HTTP/1.1 200"), "the emulator refused the organization: {answer}");
    create_audit_roles(audit, &placeholders, &management, settings).await?;
    write_config(&dir, &management, settings)?;
    let mut audit_run = AuditRun { scenario, settings, dir: &dir, placeholders: &placeholders, management, calls: 0 };
    for step in &scenario.steps {
        let started = Instant::now();
        let Step::Audit { args, expect, exit, render } = step else {
            bail!("an audit scenario runs `audit` steps only")
        };
        let what = audit_run.audit(args, expect, *exit, *render)?;
        eprintln!("   {:>2}. {what} ({:.1}s)", *done + 1, started.elapsed().as_secs_f64());
        *done += 1;
    }
    Ok(())
}

fn account_of(placeholders: &[(String, String)], name: &str) -> anyhow::Result<String> {
    placeholders.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).with_context(|| format!("no `{name}`"))
}

/// The audit role in every account but the management account: trusting the management
/// account, with the account's `audit.policy_for`, else `audit.policy`, else the policy
/// `redbridge audit --print-policy` publishes, as its inline policy.
async fn create_audit_roles(
    audit: &AuditSetup,
    placeholders: &[(String, String)],
    management: &str,
    settings: &Settings,
) -> anyhow::Result<()> {
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{management}:root")}, "Action": "sts:AssumeRole"}],
    });
    let trust: PolicyDocument = serde_json::from_value(trust)?;
    let published = redbridge_core::audit::audit_policy(redbridge_iam::Partition::Aws, None);
    for (name, account) in placeholders.iter().filter(|(n, _)| n.contains("_account_")) {
        let text = audit.policy_for.iter().find(|(key, _)| replace_all(placeholders, key) == *account).map(|(_, p)| p);
        let policy = match text.or(audit.policy.as_ref()) {
            Some(text) => PolicyDocument::from_json(&replace_all(placeholders, text))
                .map_err(|e| anyhow::anyhow!("the audit role's policy for {name}: {e}"))?,
            None => published.clone(),
        };
        let iam = SdkIam::from_conf(&sdk_config(account, "us-east-1", &settings.services.aws));
        let arn = RoleArn::parse(&format!("arn:aws:iam::{account}:role/{}", audit.role))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let role = NewRole {
            arn,
            trust_policy: trust.clone(),
            description: "organization-wide read-only audit".to_owned(),
            tags: Vec::new(),
        };
        iam.create_role(&role).await.with_context(|| format!("creating `{}` in {name}", audit.role))?;
        iam.put_role_policy(&audit.role, "audit-read", &policy).await?;
    }
    Ok(())
}

/// The audit's AWS config: the management account's root as profile `management`.
fn write_config(dir: &Path, management: &str, settings: &Settings) -> anyhow::Result<()> {
    let text = format!(
        "[profile {MANAGEMENT_PROFILE}]\naws_access_key_id = {management}\naws_secret_access_key = {}\nregion = us-east-1\nendpoint_url = {}\nservices = redbridge-emu\n\n{}",
        secret(management),
        settings.services.aws,
        services_section(&settings.services.emu)
    );
    std::fs::write(dir.join("config"), text)?;
    std::fs::write(dir.join("credentials"), "")?;
    Ok(())
}

/// The management profile's secret key: unique, so no output may contain it.
fn secret(management: &str) -> String {
    format!("redbridge-e2e-secret-{management}")
}

struct AuditRun<'a> {
    scenario: &'a Scenario,
    settings: &'a Settings,
    dir: &'a Path,
    placeholders: &'a [(String, String)],
    management: String,
    calls: usize,
}

impl AuditRun<'_> {
    /// `redbridge audit <args>` with the audit's AWS config; the run is logged.
    fn redbridge(&mut self, args: &[String]) -> anyhow::Result<Run> {
        let mut command = Command::new(&self.settings.redbridge);
        command.arg("audit").args(args);
        environment(&mut command, self.dir);
        let output = command.output().context("running `redbridge audit`")?;
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.calls += 1;
        let log = format!(
            "$ redbridge audit {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            run.code,
            run.stdout,
            run.stderr
        );
        std::fs::write(self.dir.join(format!("{:02}-audit.log", self.calls)), log)?;
        let secret = secret(&self.management);
        ensure!(!run.stdout.contains(&secret) && !run.stderr.contains(&secret), "`redbridge audit` printed a secret");
        Ok(run)
    }

    fn audit(&mut self, args: &[String], expect: &str, exit: i32, render: bool) -> anyhow::Result<String> {
        let args: Vec<String> = args.iter().map(|a| replace_all(self.placeholders, a)).collect();
        let json_args = [args.clone(), vec!["--output".to_owned(), "json".to_owned()]].concat();
        let run = self.redbridge(&json_args)?;
        let actual = run.json()?;
        let pretty = serde_json::to_string_pretty(&actual)? + "\n";
        std::fs::write(self.dir.join("audit.json"), &pretty)?;
        ensure!(run.code == Some(exit), "audit exited {:?}, expected {exit}; stderr: {}", run.code, run.stderr.trim());
        let expected_path = self.scenario.dir.join(expect);
        let compared = if std::env::var_os("REDBRIDGE_E2E_BLESS").is_some_and(|v| v == "1") {
            if let Some(parent) = expected_path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&expected_path, self.generalize(&pretty))
                .with_context(|| format!("writing `{}`", expected_path.display()))?;
            format!("blessed `{}` (review it)", expected_path.display())
        } else {
            let text = std::fs::read_to_string(&expected_path).with_context(|| {
                format!("reading `{}` (bless it with REDBRIDGE_E2E_BLESS=1)", expected_path.display())
            })?;
            let expected: Value = serde_json::from_str(&replace_all(self.placeholders, &text))
                .with_context(|| format!("`{}` is not JSON", expected_path.display()))?;
            let mut differences = Vec::new();
            differ("$", &expected, &actual, &mut differences);
            ensure!(
                differences.is_empty(),
                "the audit's JSON (`{}`) differs from `{}`:\n  {}",
                self.dir.join("audit.json").display(),
                expected_path.display(),
                differences.join("\n  ")
            );
            format!("equals `{expect}`")
        };
        let summary = &actual["summary"];
        let mut what = format!(
            "audit: {} chains ({} working, {} broken, {} over-broad), {} not read; {compared}",
            summary["chains"],
            summary["working"],
            summary["broken"],
            summary["over_broad"],
            actual["not_read"].as_array().map_or(0, Vec::len)
        );
        if render {
            let mut listed = String::new();
            for (format, file) in [("dot", "audit.dot"), ("html", "audit.html")] {
                let path = self.dir.join(file);
                let drawn = [
                    args.clone(),
                    ["--output", format, "--out"].map(str::to_owned).to_vec(),
                    vec![path.display().to_string()],
                ]
                .concat();
                let run = self.redbridge(&drawn)?;
                ensure!(run.code == Some(exit), "audit --output {format} exited {:?}: {}", run.code, run.stderr.trim());
                ensure!(path.exists(), "audit --output {format} wrote no `{}`", path.display());
                listed.push_str(&format!("{}\n", path.display()));
            }
            let renders = self.settings.work.join("renders.txt");
            std::fs::OpenOptions::new().create(true).append(true).open(&renders)?.write_all(listed.as_bytes())?;
            what.push_str("; audit.dot and audit.html written for the render checks");
        }
        Ok(what)
    }

    /// The document with every account and workgroup id put back as its placeholder.
    fn generalize(&self, text: &str) -> String {
        self.placeholders.iter().fold(text.to_owned(), |text, (name, value)| text.replace(value, name))
    }
}

/// Where `actual` differs from `expected`, as JSON paths (at most 30).
fn differ(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    const MOST: usize = 30;
    let short = |value: &Value| {
        let text = value.to_string();
        if text.chars().count() > 300 { format!("{}…", text.chars().take(300).collect::<String>()) } else { text }
    };
    if out.len() >= MOST || expected == actual {
        return;
    }
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for key in want.keys().chain(got.keys().filter(|k| !want.contains_key(*k))) {
                let here = format!("{path}.{key}");
                match (want.get(key), got.get(key)) {
                    (Some(w), Some(g)) => differ(&here, w, g, out),
                    (Some(w), None) => out.push(format!("{here}: missing, expected {}", short(w))),
                    (None, Some(g)) => out.push(format!("{here}: not expected, got {}", short(g))),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            for i in 0..want.len().max(got.len()) {
                let here = format!("{path}[{i}]");
                match (want.get(i), got.get(i)) {
                    (Some(w), Some(g)) => differ(&here, w, g, out),
                    (Some(w), None) => out.push(format!("{here}: missing, expected {}", short(w))),
                    (None, Some(g)) => out.push(format!("{here}: not expected, got {}", short(g))),
                    (None, None) => {}
                }
            }
        }
        _ => out.push(format!("{path}: expected {}, got {}", short(expected), short(actual))),
    }
    out.truncate(MOST);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_json_path_of_each_changed_missing_or_extra_value() {
        let expected = json!({"summary": {"chains": 2}, "chains": [{"status": "working"}, {"status": "broken"}]});
        let actual = json!({"summary": {"chains": 3, "extra": true}, "chains": [{"status": "working"}]});
        let mut out = Vec::new();
        differ("$", &expected, &actual, &mut out);
        assert_eq!(
            out,
            [
                "$.summary.chains: expected 2, got 3",
                "$.summary.extra: not expected, got true",
                "$.chains[1]: missing, expected {\"status\":\"broken\"}",
            ]
        );
    }

    #[test]
    fn accounts_are_numbered_by_kind_number_and_scenario() {
        let audit: AuditSetup = toml::from_str(
            "redshift_accounts = 2\ns3_accounts = 1\nhop_accounts = 1\nrole = \"rb-audit\"\npolicy = \"{}\"\norganization = \"{}\"",
        )
        .unwrap();
        let list = accounts(&audit, 7);
        let ids: Vec<&str> = list.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["400000000007", "110000000007", "120000000007", "210000000007", "310000000007"]);
        assert_eq!(list[2].0, "{redshift_account_2}");
    }
}
