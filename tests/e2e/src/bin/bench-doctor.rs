//! `bench-doctor` (run by `cargo xtask bench doctor`): doctor's live reads against the fakes with 50 ms injected per
//! call, concurrent as doctor runs them and one after another, with calls, depth and the ratio.
//!
//! The fake world is the serverless example after a clean `apply`, plus a managed policy and a
//! permissions boundary on the bucket role so the deepest read path (GetRole → GetPolicy →
//! GetPolicyVersion) is taken. Fails when the reads need more than six round trips.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use redbridge_aws::apply_engine::{self, NoSleep, Ports, RunSettings, Silent};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::fake::{FakeAws, FakeBucketSettings};
use redbridge_aws::ports::DefaultEncryption;
use redbridge_aws::snapshot_reader::{ReadStats, read_snapshot};
use redbridge_core::doctor::{Verdict, analyze};
use redbridge_core::{Plan, Spec};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};

fn project_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-doctor: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The round trips the whole read may take.
const MAX_ROUND_TRIPS: u32 = 6;

fn run(args: &[&str]) -> anyhow::Result<()> {
    let latency = match args {
        [] => Duration::from_millis(50),
        ["--latency-ms", ms] => Duration::from_millis(ms.parse().context("`--latency-ms` takes a number")?),
        _ => bail!("usage: cargo xtask bench doctor [--latency-ms N]"),
    };
    let path = project_root().join("examples/serverless-unload-kms.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let plan =
        Plan::new(&Spec::from_toml(&text).map_err(|e| anyhow::anyhow!("{e}"))?).map_err(|e| anyhow::anyhow!("{e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    let aws = world(&plan, &runtime)?;
    aws.set_latency(latency);

    let (concurrent, stats, verdict) = timed(&plan, &aws, &runtime);
    aws.set_serial(true);
    let (serial, serial_stats, _) = timed(&plan, &aws, &runtime);
    aws.set_serial(false);
    if serial_stats.calls != stats.calls {
        bail!("the serial run made {} calls, the concurrent one {}", serial_stats.calls, stats.calls);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "bench doctor: {} AWS calls, dependency depth {} (target ≤ {MAX_ROUND_TRIPS}), {:.0} ms injected per call, verdict {verdict:?}",
        stats.calls,
        stats.depth,
        ms(latency)
    );
    println!(
        "  concurrent (as doctor reads): {:>7.0} ms wall = {:.1} round trips",
        ms(concurrent),
        ms(concurrent) / ms(latency)
    );
    println!(
        "  one after another:            {:>7.0} ms wall = {:.1} round trips",
        ms(serial),
        ms(serial) / ms(latency)
    );
    println!("  ratio serial / concurrent:    {:>7.1}×", ms(serial) / ms(concurrent));
    if stats.depth > MAX_ROUND_TRIPS || concurrent > latency * (MAX_ROUND_TRIPS + 1) {
        bail!(
            "doctor's reads took {} round trips ({:.0} ms); the target is {MAX_ROUND_TRIPS}",
            stats.depth,
            ms(concurrent)
        );
    }
    if verdict != Verdict::Healthy {
        bail!("the benchmark world should read back healthy, got {verdict:?}");
    }
    Ok(())
}

/// Best of three reads.
fn timed(plan: &Plan, aws: &FakeAws, runtime: &tokio::runtime::Runtime) -> (Duration, ReadStats, Verdict) {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let mut best = Duration::MAX;
    let mut last = (ReadStats::default(), Verdict::Unknown);
    for _ in 0..3 {
        let started = Instant::now();
        let (snapshot, stats) = runtime.block_on(read_snapshot(plan, &ports, Some(&s3)));
        best = best.min(started.elapsed());
        last = (stats, analyze(plan, &snapshot).verdict);
    }
    (best, last.0, last.1)
}

/// The example after a clean apply, with a managed policy and a boundary on the bucket role.
fn world(plan: &Plan, runtime: &tokio::runtime::Runtime) -> anyhow::Result<FakeAws> {
    let aws = FakeAws::new();
    let spec = &plan.spec;
    aws.seed_namespace("analytics-ns", &[]);
    aws.seed_workgroup("analytics-wg", "analytics-ns", "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f");
    let key = spec.kms_key.clone().context("the example names a key")?;
    aws.seed_key(
        &key,
        PolicyDocument::new(vec![
            Statement::allow(["kms:*"], ["*"])
                .with_principal(Principal::aws([format!("arn:aws:iam::{}:root", key.account())])),
        ]),
    );
    aws.seed_bucket(spec.bucket.as_str(), spec.bucket_region.clone(), None);
    aws.edit(|s| {
        s.bucket_settings.insert(
            spec.bucket.to_string(),
            FakeBucketSettings {
                object_ownership: Some("BucketOwnerEnforced".into()),
                default_encryption: Some(DefaultEncryption {
                    algorithm: "aws:kms".into(),
                    kms_key: Some(key.to_string()),
                }),
            },
        );
    });
    let ports = Ports::for_fake(&aws, plan);
    let s3 = aws.account(spec.s3_account);
    let report = runtime.block_on(async {
        let prepared = converge_run::prepare(plan, &ports, Some(&s3), Mode::Apply { adopt: false }).await?;
        let diff = prepared.diff?;
        anyhow::Ok(apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent).await)
    })?;
    if !report.succeeded() {
        bail!("the fake apply failed: {report:?}");
    }
    let bucket_role = plan.chain.last().to_string();
    let managed = format!("arn:aws:iam::{}:policy/readers", spec.s3_account);
    let boundary = format!("arn:aws:iam::{}:policy/boundary", spec.s3_account);
    aws.edit(|s| {
        s.managed_policies
            .insert(managed.clone(), PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["*"])]));
        s.attached_policies.insert(bucket_role.clone(), vec![managed]);
        s.managed_policies.insert(boundary.clone(), PolicyDocument::new(vec![Statement::allow(["*"], ["*"])]));
        s.boundaries.insert(bucket_role, boundary);
    });
    Ok(aws)
}
