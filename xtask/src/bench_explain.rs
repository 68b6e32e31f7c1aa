//! `cargo xtask bench explain`: the whole `redbridge explain` process against the whole
//! iam-simulate process (node, `xtask/iam-simulate/run.mjs explain`) on one generated file of
//! about 22,000 decisions: wall time (median of a few runs), decisions per second, peak RSS of
//! each child and their ratio. It prints figures; nothing asserts them.
//!
//! Usage: `cargo xtask bench explain [--runs N] [--binary PATH]`. Runs itself in release mode and
//! builds the release `redbridge` unless `--binary` names one already built.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::iam_diff::{Rng, corpus_inputs, generate, install_iam_simulate};
use crate::util::{project_root, target_dir, tools_dir};

/// Decisions in the generated file.
const DECISIONS: usize = 22_000;

/// The largest generated case kept, in bytes of compact JSON.
const MAX_CASE_BYTES: usize = 700;

/// `cargo xtask bench explain [--runs N] [--binary PATH]`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    if crate::fuzz_lint::ensure_release(&[&["bench", "explain"], args].concat())? {
        return Ok(());
    }
    let mut runs = 5usize;
    let mut binary: Option<PathBuf> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--runs" => {
                let n = rest.next().context("`--runs` needs a number")?;
                runs = n.parse().with_context(|| format!("`{n}` is not a number of runs"))?;
            }
            "--binary" => binary = Some(PathBuf::from(rest.next().context("`--binary` needs a path")?)),
            other => bail!("unknown argument `{other}`; usage: cargo xtask bench explain [--runs N] [--binary PATH]"),
        }
    }
    let binary = match binary {
        Some(path) => path,
        None => build_release_cli()?,
    };
    let dir = tools_dir().join("bench-explain");
    std::fs::create_dir_all(&dir)?;
    let mut inputs: Vec<Value> = corpus_inputs()?.into_iter().map(|(_, v)| v).collect();
    let mut rng = Rng::new(0xe4_91a1);
    // The file must stay under `explain`'s 16 MiB input limit: generated cases of at most
    // `MAX_CASE_BYTES` (about two in three of them).
    while inputs.len() < DECISIONS {
        let case = generate(&mut rng);
        if case.to_string().len() <= MAX_CASE_BYTES {
            inputs.push(case);
        }
    }
    let cases = dir.join("decisions.json");
    std::fs::write(&cases, serde_json::to_string(&inputs)?)?;
    let size = std::fs::metadata(&cases)?.len();
    let prefix = install_iam_simulate()?;

    let script = project_root().join("xtask/iam-simulate/run.mjs");
    let ours_args =
        [path_arg(&binary), "explain".into(), "--input".into(), path_arg(&cases), "-o".into(), "json".into()];
    let peer_args = ["node".into(), path_arg(&script), path_arg(&cases), "explain".into()];
    let mut ours = Vec::new();
    let mut peer = Vec::new();
    // Interleaved, so that a busy moment of the machine costs both sides alike.
    for _ in 0..runs.max(1) {
        ours.push(measure(&ours_args, &dir.join("ours.jsonl"), None)?);
        peer.push(measure(&peer_args, &dir.join("peer.jsonl"), Some(&prefix))?);
    }
    let (ours, peer) = (median(ours), median(peer));
    if ours.lines != inputs.len() || peer.lines != inputs.len() {
        bail!(
            "decisions differ: {} inputs, redbridge printed {} lines, iam-simulate {}",
            inputs.len(),
            ours.lines,
            peer.lines
        );
    }
    let rate = |c: &Cost| inputs.len() as f64 / c.wall.as_secs_f64().max(1e-9);
    println!(
        "bench explain: {} decisions in one file ({:.1} MB), median of {runs} runs",
        inputs.len(),
        size as f64 / 1e6
    );
    for (name, c) in [("redbridge explain -o json", &ours), ("iam-simulate (node run.mjs)", &peer)] {
        println!(
            "  {name:<28} {:>8.3} s wall {:>8.3} s CPU {:>10.0} decisions/s  peak RSS {:>6.1} MB",
            c.wall.as_secs_f64(),
            c.cpu.as_secs_f64(),
            rate(c),
            c.peak_rss_kb as f64 / 1024.0
        );
    }
    println!(
        "  ratio (iam-simulate / redbridge, wall): {:.1}x",
        peer.wall.as_secs_f64() / ours.wall.as_secs_f64().max(1e-9)
    );
    println!(
        "  ratio (iam-simulate / redbridge, CPU): {:.1}x",
        peer.cpu.as_secs_f64() / ours.cpu.as_secs_f64().max(1e-9)
    );
    println!("  ratio (peak RSS): {:.1}x", peer.peak_rss_kb as f64 / (ours.peak_rss_kb as f64).max(1.0));
    println!("  file: {}; binary: {}", cases.display(), binary.display());
    Ok(())
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Builds the release CLI (as `cargo xtask bench scaling` does) and returns its path.
fn build_release_cli() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::util::run(Command::new(cargo).current_dir(project_root()).args([
        "build",
        "--quiet",
        "--locked",
        "--release",
        "--package",
        "redbridge-cli",
    ]))?;
    let binary = target_dir().join("release").join("redbridge");
    if !binary.exists() {
        bail!("the release binary is not at {}", binary.display());
    }
    Ok(binary)
}

/// What one run of a child cost, and how many lines it printed.
#[derive(Debug, Clone, Copy)]
struct Cost {
    wall: Duration,
    cpu: Duration,
    peak_rss_kb: u64,
    lines: usize,
}

/// The run with the median wall time.
fn median(mut costs: Vec<Cost>) -> Cost {
    costs.sort_by_key(|c| c.wall);
    costs[costs.len() / 2]
}

/// Starts the child from Python, which measures what std cannot without `unsafe` (forbidden in
/// this workspace): the child's wall time, and from `os.wait4` its own CPU time and `ru_maxrss`
/// (peak RSS in kilobytes on Linux). Standard output goes to the file given first. Prints
/// `wall-seconds cpu-seconds kilobytes status`.
const MEASURE_PY: &str = r#"
import os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"#;

/// One run of `argv`, its standard output in `out`; `iam_simulate` is the npm prefix for node.
fn measure(argv: &[String], out: &Path, iam_simulate: Option<&Path>) -> anyhow::Result<Cost> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut command = Command::new(&python);
    command.arg("-c").arg(MEASURE_PY).arg(out).args(argv).current_dir(project_root()).stdin(Stdio::null());
    if let Some(prefix) = iam_simulate {
        command.env("IAM_SIMULATE_DIR", prefix);
    }
    let output = command.output().with_context(|| format!("starting `{python}` to measure {argv:?}"))?;
    let report = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = report.split_whitespace().collect();
    let [seconds, cpu, kilobytes, status] = fields.as_slice() else {
        bail!("measuring {argv:?} printed `{report}` ({})", output.status);
    };
    // 0: every input evaluated; 1: some input could not be (its error printed in place).
    if !["0", "1"].contains(status) {
        bail!("{argv:?} ended with status {status}");
    }
    let lines = std::fs::read_to_string(out)?.lines().count();
    Ok(Cost {
        wall: Duration::from_secs_f64(seconds.parse().with_context(|| format!("time `{seconds}`"))?),
        cpu: Duration::from_secs_f64(cpu.parse().with_context(|| format!("CPU time `{cpu}`"))?),
        peak_rss_kb: kilobytes.parse().with_context(|| format!("peak RSS `{kilobytes}`"))?,
        lines,
    })
}
