//! `cargo xtask iam-diff`: runs our corpus and generated cases through our evaluator and through
//! `@cloud-copilot/iam-simulate`, and prints how often they agree.
//!
//! Usage: `cargo xtask iam-diff [N]` with N generated cases (default 10,000). Disagreements are
//! written to `target/xtask/iam-diff/disagreements.jsonl`; the known ones are explained in
//! `docs/iam-simulate-differences.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use redbridge_iam::eval::{PolicySet, evaluate, input::parse_case};
use serde_json::{Value, json};

use crate::util::{self, project_root, tools_dir};

/// The iam-simulate version the comparison was written against.
pub const IAM_SIMULATE_VERSION: &str = "0.1.173";

/// Installs iam-simulate under `target/xtask/iam-simulate` (once) and returns the npm prefix.
pub fn install_iam_simulate() -> anyhow::Result<PathBuf> {
    let prefix = tools_dir().join("iam-simulate");
    let package = prefix.join("node_modules/@cloud-copilot/iam-simulate/package.json");
    let installed = std::fs::read_to_string(&package)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() != Some(IAM_SIMULATE_VERSION) {
        std::fs::create_dir_all(&prefix)?;
        util::run(
            Command::new("npm")
                .arg("install")
                .arg("--no-audit")
                .arg("--no-fund")
                .arg("--prefix")
                .arg(&prefix)
                .arg(format!("@cloud-copilot/iam-simulate@{IAM_SIMULATE_VERSION}")),
        )?;
    }
    Ok(prefix)
}

/// Runs `xtask/iam-simulate/run.mjs` over `cases` in `mode`, returning its standard output.
pub fn run_peer(prefix: &Path, cases: &Path, mode: &[&str]) -> anyhow::Result<String> {
    let script = project_root().join("xtask/iam-simulate/run.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(cases)
        .args(mode)
        .env("IAM_SIMULATE_DIR", prefix)
        .output()
        .with_context(|| "could not start `node` (node 20 is needed)".to_owned())?;
    if !output.status.success() {
        bail!("`node {}` failed: {}", script.display(), String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The corpus inputs (cases expected to evaluate, without their `name`/`rule`/`expect`), with names.
pub fn corpus_inputs() -> anyhow::Result<Vec<(String, Value)>> {
    let dir = project_root().join("crates/redbridge-iam/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let items: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path)?)
            .with_context(|| format!("reading `{}`", path.display()))?;
        for mut item in items {
            if item["expect"] == "error" {
                continue;
            }
            let name = format!(
                "{}: {}",
                path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default(),
                item["name"].as_str().unwrap_or_default()
            );
            if let Value::Object(map) = &mut item {
                for k in ["name", "rule", "expect"] {
                    map.remove(k);
                }
            }
            out.push((name, item));
        }
    }
    Ok(out)
}

/// Our decision for one input: `allowed`, `explicit_deny`, `implicit_deny` or `error`.
pub fn ours(input: &Value) -> String {
    parse_case(input, &[])
        .and_then(|(request, policies)| evaluate(&request, &PolicySet::compile(&policies)?))
        .map(|d| d.outcome.as_str().to_owned())
        .unwrap_or_else(|_| "error".to_owned())
}

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const A: &str = "111111111111";
const B: &str = "222222222222";

/// One generated case: realistic principals, actions and resources so both engines accept it.
pub fn generate(rng: &mut Rng) -> Value {
    let principals = [
        format!("arn:aws:sts::{A}:assumed-role/R/s"),
        format!("arn:aws:iam::{A}:user/alice"),
        format!("arn:aws:sts::{B}:assumed-role/X/s"),
        format!("arn:aws:iam::{B}:user/bob"),
    ];
    // (action, resource, resource account, condition keys valid for it)
    let requests: [(&str, String, &str); 6] = [
        ("s3:GetObject", "arn:aws:s3:::bucket/data/a.csv".to_owned(), A),
        ("s3:PutObject", "arn:aws:s3:::bucket/data/a.csv".to_owned(), A),
        ("s3:ListBucket", "arn:aws:s3:::bucket".to_owned(), A),
        ("sts:AssumeRole", format!("arn:aws:iam::{A}:role/Target"), A),
        ("kms:Decrypt", format!("arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"), A),
        ("sqs:SendMessage", format!("arn:aws:sqs:us-east-1:{A}:queue"), A),
    ];
    let principal = rng.pick(&principals).clone();
    let (action, resource, account) = rng.pick(&requests).clone();
    let action_patterns: Vec<String> = vec![
        action.to_owned(),
        format!("{}:*", action.split(':').next().unwrap_or("s3")),
        "*".to_owned(),
        action.to_lowercase(),
        format!("{}*", &action[..action.len() - 3]),
        "s3:Get*".to_owned(),
        "ec2:RunInstances".to_owned(),
    ];
    let resource_patterns: Vec<String> = vec![
        resource.clone(),
        "*".to_owned(),
        format!("{}*", &resource[..resource.len() - 2]),
        "arn:aws:s3:::bucket/*".to_owned(),
        "arn:aws:s3:::other/*".to_owned(),
        resource.to_uppercase(),
        format!("arn:aws:iam::{A}:role/*"),
        "arn:aws:kms:*:*:key/*".to_owned(),
    ];
    let conditions = [
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"StringEquals": {"aws:PrincipalAccount": A}}),
        json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}),
        json!({"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}}),
        json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/R*"}}),
        json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{A}:*")}}),
        json!({"Null": {"aws:PrincipalOrgID": "true"}}),
        json!({"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["data", "ops"]}}),
        json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}}),
        json!({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
        json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
    ];
    let principal_values = [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": format!("arn:aws:iam::{A}:root")}),
        json!({"AWS": B}),
        json!({"AWS": format!("arn:aws:iam::{A}:role/R")}),
        json!({"AWS": format!("arn:aws:iam::{B}:role/X")}),
        json!({"AWS": format!("arn:aws:iam::{A}:user/alice")}),
        json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/R/s")}),
    ];
    let statement = |rng: &mut Rng, with_principal: bool, with_resource: bool| -> Value {
        let mut s = serde_json::Map::new();
        s.insert("Effect".into(), json!(if rng.chance(25) { "Deny" } else { "Allow" }));
        let a = rng.pick(&action_patterns).clone();
        s.insert(if rng.chance(10) { "NotAction" } else { "Action" }.into(), json!(a));
        if with_resource {
            let r = rng.pick(&resource_patterns).clone();
            s.insert(if rng.chance(10) { "NotResource" } else { "Resource" }.into(), json!(r));
        }
        if with_principal {
            s.insert("Principal".into(), rng.pick(&principal_values).clone());
        }
        if rng.chance(35) {
            s.insert("Condition".into(), rng.pick(&conditions).clone());
        }
        Value::Object(s)
    };
    let policy = |rng: &mut Rng, with_principal: bool, with_resource: bool| -> Value {
        let n = 1 + rng.below(3);
        let statements: Vec<Value> = (0..n).map(|_| statement(rng, with_principal, with_resource)).collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    };
    let identity: Vec<Value> = (0..rng.below(3)).map(|_| policy(rng, false, true)).collect();
    let is_trust = action == "sts:AssumeRole";
    let resource_policy = if action == "sqs:SendMessage" && rng.chance(30) || rng.chance(60) {
        Some(policy(rng, true, !is_trust))
    } else if action.starts_with("kms:") {
        Some(policy(rng, true, true))
    } else {
        None
    };
    let boundary = rng.chance(15).then(|| policy(rng, false, true));
    let session: Vec<Value> =
        if rng.chance(10) && principal.contains("assumed-role") { vec![policy(rng, false, true)] } else { vec![] };
    let scps: Vec<Vec<Value>> = if rng.chance(15) {
        vec![
            vec![json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})],
            vec![policy(rng, false, true)],
        ]
    } else {
        vec![]
    };
    let mut context = serde_json::Map::new();
    if rng.chance(70) {
        context.insert("aws:SecureTransport".into(), json!(rng.chance(80)));
    }
    if rng.chance(40) {
        context.insert("aws:PrincipalOrgID".into(), json!(*rng.pick(&["o-123", "o-999"])));
    }
    if rng.chance(50) {
        context.insert("aws:SourceIp".into(), json!(*rng.pick(&["10.1.2.3", "192.0.2.1", "2001:db8::5"])));
    }
    if rng.chance(30) {
        context.insert("aws:PrincipalTag/team".into(), json!(*rng.pick(&["data", "Data", "web"])));
    }
    if rng.chance(30) {
        context.insert("aws:CurrentTime".into(), json!("2025-06-01T00:00:00Z"));
    }
    if rng.chance(20) {
        context.insert("aws:MultiFactorAuthAge".into(), json!(*rng.pick(&["100", "7200"])));
    }
    let mut input = json!({
        "principal": principal, "action": action, "resource": resource, "resource_account": account,
        "context": context, "identity_policies": identity, "session_policies": session, "scps": scps,
    });
    if let Some(p) = resource_policy {
        input["resource_policy"] = p;
    }
    if let Some(b) = boundary {
        input["permissions_boundary"] = b;
    }
    input
}

/// `cargo xtask iam-diff [N]`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let generated: usize = match args.first() {
        Some(n) => n.parse().with_context(|| format!("`{n}` is not a number of cases"))?,
        None => 10_000,
    };
    let prefix = install_iam_simulate()?;
    let out_dir = tools_dir().join("iam-diff");
    std::fs::create_dir_all(&out_dir)?;

    let mut cases = corpus_inputs()?;
    let corpus_len = cases.len();
    let mut rng = Rng::new(0x5eed_1a2b);
    cases.extend((0..generated).map(|i| (format!("generated #{i}"), generate(&mut rng))));
    let inputs: Vec<&Value> = cases.iter().map(|(_, v)| v).collect();
    let cases_path = out_dir.join("cases.json");
    std::fs::write(&cases_path, serde_json::to_string(&inputs)?)?;

    eprintln!("running {} cases through iam-simulate {IAM_SIMULATE_VERSION}", cases.len());
    let peer_out = run_peer(&prefix, &cases_path, &["diff"])?;
    let peer: Vec<Value> = peer_out.lines().map(|l| serde_json::from_str(l).unwrap_or(Value::Null)).collect();
    if peer.len() != cases.len() {
        bail!("iam-simulate answered {} cases of {}", peer.len(), cases.len());
    }

    let mut agree = [0usize; 2];
    let mut total = [0usize; 2];
    let mut peer_errors = [0usize; 2];
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for (i, ((name, input), theirs)) in cases.iter().zip(&peer).enumerate() {
        let group = usize::from(i >= corpus_len);
        let ours = ours(input);
        let theirs_decision = theirs["decision"].as_str().map(str::to_owned);
        if theirs_decision.is_none() {
            peer_errors[group] += 1;
            lines.push(
                json!({"case": name, "ours": ours, "iam_simulate_error": theirs["error"], "input": input}).to_string(),
            );
            continue;
        }
        total[group] += 1;
        let theirs_decision = theirs_decision.unwrap_or_default();
        if ours == theirs_decision {
            agree[group] += 1;
        } else {
            *kinds.entry(format!("ours {ours} / iam-simulate {theirs_decision}")).or_default() += 1;
            lines.push(json!({"case": name, "ours": ours, "iam_simulate": theirs_decision, "ignored_context": theirs["ignored"], "input": input}).to_string());
        }
    }
    let disagreements = out_dir.join("disagreements.jsonl");
    std::fs::write(&disagreements, lines.join("\n") + "\n")?;
    let pct = |a: usize, t: usize| if t == 0 { 100.0 } else { 100.0 * a as f64 / t as f64 };
    println!("iam-diff against @cloud-copilot/iam-simulate {IAM_SIMULATE_VERSION}");
    println!(
        "  corpus:    {}/{} agree ({:.2}%), {} rejected by iam-simulate",
        agree[0],
        total[0],
        pct(agree[0], total[0]),
        peer_errors[0]
    );
    println!(
        "  generated: {}/{} agree ({:.2}%), {} rejected by iam-simulate",
        agree[1],
        total[1],
        pct(agree[1], total[1]),
        peer_errors[1]
    );
    for (kind, n) in &kinds {
        println!("  {n:>6}  {kind}");
    }
    println!("  details: {} (see docs/iam-simulate-differences.md)", disagreements.display());
    Ok(())
}
