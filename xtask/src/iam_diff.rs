//! `cargo xtask iam-diff`: runs our corpus and generated cases through our evaluator and through
//! `@cloud-copilot/iam-simulate`, and prints how often they agree.
//!
//! Usage: `cargo xtask iam-diff [N]` with N generated cases (default 10,000). Every disagreement
//! is classified by the predicates of `iam_diff/classes.rs` (the rows of
//! `docs/iam-simulate-differences.md`); one that fits none is unrecorded and fails the run. All
//! disagreements are written to `target/xtask/iam-diff/disagreements.jsonl`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use redbridge_iam::eval::{Decision, PolicySet, evaluate, input::parse_case};
use serde_json::{Value, json};

use crate::util::{self, project_root, tools_dir};

mod classes;
mod generate;

pub use generate::{Rng, generate};

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
    ours_decision(input).map_or_else(|_| "error".to_owned(), |d| d.outcome.as_str().to_owned())
}

/// Our whole decision for one input, or why it cannot be evaluated.
pub fn ours_decision(input: &Value) -> Result<Decision, String> {
    parse_case(input, &[])
        .and_then(|(request, policies)| evaluate(&request, &PolicySet::compile(&policies)?))
        .map_err(|e| e.to_string())
}

/// One case's answers: ours, and iam-simulate's (`decision` or `error`, with `ignored` keys).
struct Answers {
    ours: Result<Decision, String>,
    theirs: Value,
}

/// How the cases of one group (corpus or generated) fared.
#[derive(Default)]
struct Tally {
    compared: usize,
    agree: usize,
    rejected: usize,
    classes: BTreeMap<usize, usize>,
}

/// `cargo xtask iam-diff [N]`: fails when a disagreement fits no recorded class.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let started = Instant::now();
    let generated: usize = match args.first() {
        Some(n) => n.replace(['_', ','], "").parse().with_context(|| format!("`{n}` is not a number of cases"))?,
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
    eprintln!("iam-diff: {} cases through iam-simulate {IAM_SIMULATE_VERSION} and redbridge", cases.len());
    let peer = peer_answers(&prefix, &out_dir.join("cases.json"), &inputs)?;
    let answers: Vec<Answers> =
        inputs.iter().zip(peer).map(|(input, theirs)| Answers { ours: ours_decision(input), theirs }).collect();

    // Class 1 first: ask iam-simulate again, given the keys the principal implies, for every
    // disagreement; what then agrees is class 1, the rest is classified on that second answer.
    let disagreeing: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            let a = &answers[i];
            a.theirs["decision"].is_string()
                && a.ours.as_ref().map_or("error", |d| d.outcome.as_str()) != a.theirs["decision"]
        })
        .collect();
    let aligned_inputs: Vec<Value> = disagreeing.iter().map(|&i| classes::with_derived_keys(inputs[i])).collect();
    let aligned =
        peer_answers(&prefix, &out_dir.join("cases-aligned.json"), &aligned_inputs.iter().collect::<Vec<_>>())?;
    let aligned: BTreeMap<usize, Value> = disagreeing.iter().copied().zip(aligned).collect();

    let mut tallies = [Tally::default(), Tally::default()];
    let mut lines = Vec::new();
    let mut unrecorded = Vec::new();
    for (i, ((name, input), answer)) in cases.iter().zip(&answers).enumerate() {
        let tally = &mut tallies[usize::from(i >= corpus_len)];
        let ours_name = answer.ours.as_ref().map_or("error", |d| d.outcome.as_str());
        let class = if let Some(message) = answer.theirs["error"].as_str() {
            tally.rejected += 1;
            let class = classes::explains_rejection(input, message);
            lines.push(
                json!({"case": name, "class": class, "ours": ours_name, "iam_simulate_error": message, "input": input}),
            );
            class
        } else if Some(ours_name) == answer.theirs["decision"].as_str() {
            tally.compared += 1;
            tally.agree += 1;
            continue;
        } else {
            tally.compared += 1;
            let second = aligned.get(&i).unwrap_or(&answer.theirs);
            let ignored: Vec<String> = serde_json::from_value(second["ignored"].clone()).unwrap_or_default();
            let class = match &answer.ours {
                Err(_) => None,
                Ok(_) if Some(ours_name) == second["decision"].as_str() => Some(classes::PRINCIPAL_KEYS),
                Ok(decision) => {
                    let d = classes::Disagreement {
                        input,
                        ours: decision,
                        theirs: second["decision"].as_str().unwrap_or_default(),
                        ignored: &ignored,
                    };
                    classes::CLASSES.iter().find(|c| (c.explains)(&d)).map(|c| c.number)
                }
            };
            lines.push(
                json!({"case": name, "class": class, "ours": ours_name, "iam_simulate": answer.theirs["decision"],
                "iam_simulate_with_principal_keys": second["decision"], "ignored_context": ignored, "input": input}),
            );
            class
        };
        match class {
            Some(class) => *tally.classes.entry(class).or_default() += 1,
            None => unrecorded.push(lines.last().cloned().unwrap_or_default()),
        }
    }
    let disagreements = out_dir.join("disagreements.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&disagreements, text)?;

    let pct = |t: &Tally| if t.compared == 0 { 100.0 } else { 100.0 * t.agree as f64 / t.compared as f64 };
    println!(
        "iam-diff against @cloud-copilot/iam-simulate {IAM_SIMULATE_VERSION} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    for (group, t) in ["corpus", "generated"].iter().zip(&tallies) {
        println!(
            "  {group:<10} {}/{} agree ({:.2}%), {} rejected by iam-simulate",
            t.agree,
            t.compared,
            pct(t),
            t.rejected
        );
    }
    println!("  class  generated  corpus");
    let numbers: std::collections::BTreeSet<usize> = tallies.iter().flat_map(|t| t.classes.keys().copied()).collect();
    for number in numbers {
        let n = |t: &Tally| t.classes.get(&number).copied().unwrap_or(0);
        println!("  {number:>5}  {:>9}  {:>6}  {}", n(&tallies[1]), n(&tallies[0]), classes::name(number));
    }
    println!("  details: {} (classes: docs/iam-simulate-differences.md)", disagreements.display());
    if !unrecorded.is_empty() {
        for line in unrecorded.iter().take(5) {
            eprintln!("unrecorded: {line}");
        }
        bail!(
            "{} disagreement(s) fit no recorded class (the first ones above): fix our evaluator or record the class in docs/iam-simulate-differences.md and xtask/src/iam_diff/classes.rs",
            unrecorded.len()
        );
    }
    Ok(())
}

/// iam-simulate's answer for each input: `{"decision", "ignored"}` or `{"error"}`.
fn peer_answers(prefix: &Path, path: &Path, inputs: &[&Value]) -> anyhow::Result<Vec<Value>> {
    std::fs::write(path, serde_json::to_string(inputs)?)?;
    let out = run_peer(prefix, path, &["diff"])?;
    let answers: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap_or(Value::Null)).collect();
    if answers.len() != inputs.len() {
        bail!("iam-simulate answered {} cases of {}", answers.len(), inputs.len());
    }
    Ok(answers)
}
