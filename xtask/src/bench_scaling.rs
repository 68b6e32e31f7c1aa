//! `cargo xtask bench scaling`: every command's cost is linear in its input. Each case generates
//! an input of size `n` and of size `8n`, runs the release (or with `--debug` the debug) `redbridge` binary on each as a child
//! process (best of a few runs; CPU time and peak RSS from the child's resource usage, read by a
//! small Python wrapper with `os.wait4`; wall time shown beside), and prints the ratios; a CPU
//! time or memory ratio over 10 (where linear is 8) fails the bench. CPU time rather than wall
//! time is judged because it does not move with the load of other processes on a shared machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::util::project_root;

/// Runs of each input; the best time is kept.
const RUNS: usize = 5;
/// The largest ratio of 8n to n accepted: linear is 8, quadratic 64.
const MAX_RATIO: f64 = 10.0;
/// The factor between the two sizes.
const FACTOR: usize = 8;

const CHAIN: &str = "arn:aws:iam::111111111111:role/redbridge-analytics-wg,arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports";

/// One command measured at two sizes.
struct Case {
    name: &'static str,
    /// `n`; the second run uses `FACTOR * n`.
    n: usize,
    /// Writes the input of size `size` into `dir` and returns the arguments of `redbridge`.
    input: fn(size: usize, dir: &Path) -> anyhow::Result<Vec<String>>,
}

/// What one run of the child cost.
#[derive(Debug, Clone, Copy)]
struct Cost {
    /// Wall time.
    wall: Duration,
    /// CPU time (user and system): what the ratio is judged on, as it does not move with the
    /// load other processes put on the machine.
    cpu: Duration,
    peak_rss_kb: u64,
}

fn cases() -> Vec<Case> {
    vec![
        Case { name: "lint (repeated options)", n: 20_000, input: lint_repeated_options },
        Case { name: "lint (statements)", n: 5_000, input: lint_statements },
        Case { name: "lint (one long word)", n: 200_000, input: lint_long_word },
        Case { name: "lint (unclosed quotes)", n: 8_000, input: lint_unclosed_quotes },
        Case { name: "explain", n: 8_000, input: |n, dir| explain(n, dir, "text") },
        Case { name: "explain -o json", n: 8_000, input: |n, dir| explain(n, dir, "json") },
        Case { name: "doctor --sql-file", n: 1_000, input: |n, dir| doctor_sql(n, dir, "\n") },
        Case { name: "doctor --sql-file (one line)", n: 1_000, input: |n, dir| doctor_sql(n, dir, "") },
        // IAM caps a role's inline policies at 10,240 characters, which the plan checks: about
        // 100 prefixes of this length fit, so 8n = 96 is the most plan accepts.
        Case { name: "plan --output json (prefixes)", n: 12, input: plan_prefixes },
    ]
}

/// `cargo xtask bench scaling [--debug]`: `--debug` measures the debug binary `cargo test`
/// already built (what `cargo xtask ci` does, sparing a release build of the AWS SDK); a
/// quadratic shows in either profile.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let profile = match args {
        [] => Profile::Release,
        ["--debug"] => Profile::Debug,
        _ => bail!("usage: cargo xtask bench scaling [--debug], got {args:?}"),
    };
    let binary = build_cli(profile)?;
    println!("measuring the {} `redbridge` binary", profile.name());
    let dir = project_root().join("target").join("xtask").join("bench-scaling");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    println!(
        "{:<32} {:>7} {:>7} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6}",
        "command", "n", "8n", "cpu n", "cpu 8n", "ratio", "wall n", "wall 8n", "ratio", "RSS n", "RSS 8n", "ratio"
    );
    let mut failed = Vec::new();
    for case in cases() {
        let ratio = |large: Duration, small: Duration| large.as_secs_f64() / small.as_secs_f64().max(1e-9);
        // A case over the limit is measured once more, both sizes: a machine slowed for a few
        // seconds (seen once: 10.12 where the run before gave 7.80) must not fail CI, while a
        // cost that really grows faster than the input is over the limit both times.
        let (mut small, mut large, mut time_ratio, mut rss_ratio) = (None, None, 0.0, 0.0);
        for attempt in 0..2 {
            let s = measure(&binary, &(case.input)(case.n, &dir)?)?;
            let l = measure(&binary, &(case.input)(FACTOR * case.n, &dir)?)?;
            time_ratio = ratio(l.cpu, s.cpu);
            rss_ratio = l.peak_rss_kb as f64 / s.peak_rss_kb.max(1) as f64;
            small = Some(s);
            large = Some(l);
            if time_ratio <= MAX_RATIO && rss_ratio <= MAX_RATIO {
                break;
            }
            if attempt == 0 {
                println!("{:<32} over {MAX_RATIO} ({time_ratio:.2}, {rss_ratio:.2}): measuring again", case.name);
            }
        }
        let (small, large) = (small.context("measured")?, large.context("measured")?);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:<32} {:>7} {:>7} {:>7.1}ms {:>7.1}ms {:>6.2} {:>7.1}ms {:>7.1}ms {:>6.2} {:>7}KB {:>7}KB {:>6.2}",
            case.name,
            case.n,
            FACTOR * case.n,
            ms(small.cpu),
            ms(large.cpu),
            time_ratio,
            ms(small.wall),
            ms(large.wall),
            ratio(large.wall, small.wall),
            small.peak_rss_kb,
            large.peak_rss_kb,
            rss_ratio
        );
        if time_ratio > MAX_RATIO || rss_ratio > MAX_RATIO {
            failed.push(case.name);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if !failed.is_empty() {
        bail!(
            "cost grows faster than the input (ratio over {MAX_RATIO} for {FACTOR}x the input): {}",
            failed.join(", ")
        );
    }
    println!("every ratio is at most {MAX_RATIO} for {FACTOR} times the input");
    Ok(())
}

/// Which build of the CLI is measured.
#[derive(Debug, Clone, Copy)]
enum Profile {
    Release,
    Debug,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Debug => "debug",
        }
    }
}

/// Builds the CLI in `profile` and returns its path.
fn build_cli(profile: Profile) -> anyhow::Result<PathBuf> {
    let mut command = match profile {
        // The test suite's build, reused (see `util::workspace_debug_build`).
        Profile::Debug => crate::util::workspace_debug_build(),
        Profile::Release => {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut command = Command::new(cargo);
            command.current_dir(project_root()).args(["build", "--quiet", "--locked", "--package", "redbridge-cli"]);
            command.arg("--release");
            command
        }
    };
    crate::util::run(&mut command)?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from);
    let target = if target.is_relative() { project_root().join(target) } else { target };
    let binary = target.join(profile.name()).join("redbridge");
    if !binary.exists() {
        bail!("the {} binary is not at {}", profile.name(), binary.display());
    }
    Ok(binary)
}

/// Runs `binary args` [`RUNS`] times: the best wall and CPU times and the smallest peak RSS.
fn measure(binary: &Path, args: &[String]) -> anyhow::Result<Cost> {
    let mut best: Option<Cost> = None;
    for _ in 0..RUNS {
        let cost = run_child(binary, args)?;
        best = Some(match best {
            None => cost,
            Some(b) => Cost {
                wall: b.wall.min(cost.wall),
                cpu: b.cpu.min(cost.cpu),
                peak_rss_kb: b.peak_rss_kb.min(cost.peak_rss_kb),
            },
        });
    }
    best.context("no run")
}

/// Starts the child from Python, which measures what std cannot without `unsafe` (forbidden in
/// this workspace): it times the child alone and reaps it with `os.wait4`, whose resource usage
/// is that child's own (user and system CPU time, and `ru_maxrss`, the peak RSS in kilobytes on
/// Linux). Prints `wall-seconds cpu-seconds kilobytes status`.
const MEASURE_PY: &str = r#"
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
elapsed = time.perf_counter() - start
child.returncode = os.waitstatus_to_exitcode(status)
print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode)
"#;

/// One run of the child, its output discarded; any exit status but a crash counts (lint and
/// doctor exit 1 on the broken inputs they are given).
fn run_child(binary: &Path, args: &[String]) -> anyhow::Result<Cost> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(&python)
        .arg("-c")
        .arg(MEASURE_PY)
        .arg(binary)
        .args(args)
        .current_dir(project_root())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-bench")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-bench")
        .output()
        .with_context(|| format!("starting `{python}` to measure {}", binary.display()))?;
    let report = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = report.split_whitespace().collect();
    let [seconds, cpu, kilobytes, status] = fields.as_slice() else {
        bail!("measuring {} {args:?} printed `{report}` ({})", binary.display(), output.status);
    };
    let status: i32 = status.parse().with_context(|| format!("exit status `{status}`"))?;
    // Negative: killed by a signal; above 3: not one of redbridge's documented exit codes.
    if !(0..=3).contains(&status) {
        bail!("{} {args:?} ended with status {status}", binary.display());
    }
    let seconds: f64 = seconds.parse().with_context(|| format!("time `{seconds}`"))?;
    let cpu: f64 = cpu.parse().with_context(|| format!("CPU time `{cpu}`"))?;
    Ok(Cost {
        wall: Duration::from_secs_f64(seconds),
        cpu: Duration::from_secs_f64(cpu),
        peak_rss_kb: kilobytes.parse().with_context(|| format!("peak RSS `{kilobytes}`"))?,
    })
}

fn write(dir: &Path, name: &str, text: &str) -> anyhow::Result<String> {
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.to_string_lossy().into_owned())
}

/// One COPY with `n` repeated options on one line (the issue: 16,000 took 5.4 GB).
fn lint_repeated_options(n: usize, dir: &Path) -> anyhow::Result<Vec<String>> {
    let sql = format!("COPY t FROM 's3://b/k/' IAM_ROLE '{CHAIN}' CSV{};\n", " REMOVEQUOTES".repeat(n));
    Ok(vec!["lint".into(), write(dir, &format!("repeated-{n}.sql"), &sql)?])
}

/// `n` statements, one per line, each with a few diagnostics.
fn lint_statements(n: usize, dir: &Path) -> anyhow::Result<Vec<String>> {
    let statement = format!("COPY t FROM 's3://b/k/' IAM_ROLE '{CHAIN} ' CSV REMOVEQUOTES GZIPP;\n");
    Ok(vec!["lint".into(), write(dir, &format!("statements-{n}.sql"), &statement.repeat(n))?])
}

/// `n` statements whose IAM_ROLE string is never closed, each running into the next one.
fn lint_unclosed_quotes(n: usize, dir: &Path) -> anyhow::Result<Vec<String>> {
    let statement = "COPY t FROM 's3://b/k/' IAM_ROLE 'arn:aws:iam::111111111111:role/A CSV;\n";
    Ok(vec!["lint".into(), write(dir, &format!("unclosed-{n}.sql"), &statement.repeat(n))?])
}

/// One unknown word of `n` characters, for which no suggestion is worth computing.
fn lint_long_word(n: usize, dir: &Path) -> anyhow::Result<Vec<String>> {
    let sql = format!("COPY t FROM 's3://b/k/' IAM_ROLE '{CHAIN}' {};\n", "A".repeat(n));
    Ok(vec!["lint".into(), write(dir, &format!("word-{n}.sql"), &sql)?])
}

/// One request denied by `n` statements, each with a condition: `n` deciding statements.
fn explain(n: usize, dir: &Path, output: &str) -> anyhow::Result<Vec<String>> {
    let statements: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "Sid": format!("Deny{i}"),
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": { "StringEquals": { "aws:PrincipalAccount": "111111111111" } },
            })
        })
        .collect();
    let input = serde_json::json!({
        "principal": "arn:aws:iam::111111111111:user/U",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/k",
        "resource_account": "111111111111",
        "identity_policies": [{ "Version": "2012-10-17", "Statement": statements }],
    });
    let path = write(dir, &format!("explain-{n}.json"), &input.to_string())?;
    Ok(vec!["explain".into(), "--input".into(), path, "--output".into(), output.into()])
}

/// `doctor` on the example's broken snapshot (no AWS) with `n` UNLOADs, each with a REGION
/// finding and a linter finding, separated by `separator` after each `;`.
fn doctor_sql(n: usize, dir: &Path, separator: &str) -> anyhow::Result<Vec<String>> {
    let statement = format!(
        "UNLOAD ('select 1') TO 's3://acme-analytics-exports/unload/daily/x_' IAM_ROLE '{CHAIN}' \
         ALLOWOVERWRITE ENCRYPTED REGION 'us-east-1' MAXFILESIZE 1 MB;{separator}"
    );
    let name = format!("doctor-{n}-{}.sql", if separator.is_empty() { "line" } else { "lines" });
    let path = write(dir, &name, &statement.repeat(n))?;
    Ok([
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-broken.snapshot.json",
        "--sql-file",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([path])
    .collect())
}

/// A spec with `n` prefixes.
fn plan_prefixes(n: usize, dir: &Path) -> anyhow::Result<Vec<String>> {
    let path = write(dir, &format!("plan-{n}.toml"), &prefixes_spec(n))?;
    Ok(vec!["plan".into(), "--spec".into(), path, "--output".into(), "json".into()])
}

/// The spec text of [`plan_prefixes`].
fn prefixes_spec(n: usize) -> String {
    let prefixes: Vec<String> = (0..n).map(|i| format!("\"p{i:04}/\"")).collect();
    format!(
        "redshift_account = \"111111111111\"\ns3_account = \"222222222222\"\nbucket = \"acme-analytics-exports\"\n\
         access = \"both\"\ncluster = \"analytics\"\nregion = \"us-east-1\"\nprefixes = [{}]\n",
        prefixes.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_case_at_8n_is_still_within_iam_limits() {
        let plan_case = cases().into_iter().find(|c| c.name.starts_with("plan")).expect("a plan case");
        let spec = redbridge_core::Spec::from_toml(&prefixes_spec(FACTOR * plan_case.n)).expect("a valid spec");
        assert_eq!(spec.prefixes.len(), FACTOR * plan_case.n);
        redbridge_core::Plan::new(&spec).expect("8n prefixes fit IAM's inline policy limit");
    }
}
