//! `cargo xtask bench iam`: decisions per second of our evaluator and of iam-simulate on the same
//! inputs (corpus plus generated cases), their ratio, and the cost of one Redshift-chain decision.
//!
//! Usage: `cargo xtask bench iam [SECONDS]` (default 3 seconds per side). Runs itself in release mode.

use std::time::{Duration, Instant};

use anyhow::Context;
use redbridge_iam::eval::{Policies, PolicySet, evaluate, input::parse_case, redshift};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, RoleArn};
use serde_json::Value;

use crate::iam_diff::{Rng, corpus_inputs, generate, install_iam_simulate, run_peer};
use crate::util::tools_dir;

/// `cargo xtask bench iam [SECONDS]`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    if crate::fuzz_lint::ensure_release(&[&["bench", "iam"], args].concat())? {
        return Ok(());
    }
    let seconds: f64 = match args.first() {
        Some(s) => s.parse().with_context(|| format!("`{s}` is not a number of seconds"))?,
        None => 3.0,
    };
    let mut inputs: Vec<Value> = corpus_inputs()?.into_iter().map(|(_, v)| v).collect();
    let mut rng = Rng::new(0xbe_4c4);
    inputs.extend((0..2000).map(|_| generate(&mut rng)));

    // Ours: compile once, evaluate many times (as doctor and the emulator do).
    let compiled: Vec<_> = inputs
        .iter()
        .filter_map(|v| parse_case(v, &[]).ok())
        .filter_map(|(request, policies)| PolicySet::compile(&policies).ok().map(|set| (request, set)))
        .collect();
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut ours = 0u64;
    let mut allowed = 0u64;
    while start.elapsed() < budget {
        for (request, set) in &compiled {
            if let Ok(d) = evaluate(request, set) {
                allowed += u64::from(d.outcome == redbridge_iam::eval::Outcome::Allowed);
            }
            ours += 1;
        }
    }
    let ours_rate = ours as f64 / start.elapsed().as_secs_f64();

    // The same, compiling the policies for every decision (what a one-shot caller pays).
    let start = Instant::now();
    let mut cold = 0u64;
    while start.elapsed() < budget / 3 {
        for v in &inputs {
            if let Ok((request, policies)) = parse_case(v, &[])
                && let Ok(set) = PolicySet::compile(&policies)
            {
                let _ = evaluate(&request, &set);
            }
            cold += 1;
        }
    }
    let cold_rate = cold as f64 / start.elapsed().as_secs_f64();

    // One Redshift chain: service → cluster role, cluster role → bucket role, bucket role → S3.
    let chain_ns = chain_cost()?;

    // iam-simulate on the same inputs.
    let prefix = install_iam_simulate()?;
    let dir = tools_dir().join("bench-iam");
    std::fs::create_dir_all(&dir)?;
    let cases = dir.join("cases.json");
    std::fs::write(&cases, serde_json::to_string(&inputs)?)?;
    let peer_out = run_peer(&prefix, &cases, &["bench", &seconds.to_string()])?;
    let peer: Value = serde_json::from_str(peer_out.trim()).context("reading iam-simulate bench output")?;
    let peer_rate = peer["decisions"].as_f64().unwrap_or(0.0) / peer["seconds"].as_f64().unwrap_or(1.0);

    println!("bench iam: {} inputs ({} corpus + generated), {seconds} s per side", inputs.len(), inputs.len() - 2000);
    println!("  redbridge (compiled once):      {ours_rate:>12.0} decisions/s ({allowed} allowed of {ours})");
    println!("  redbridge (compile each time):  {cold_rate:>12.0} decisions/s");
    println!("  iam-simulate (node):            {peer_rate:>12.0} decisions/s");
    println!("  ratio (compiled / iam-simulate): {:.0}x", ours_rate / peer_rate.max(1e-9));
    println!("  ratio (compile each time / iam-simulate): {:.0}x", cold_rate / peer_rate.max(1e-9));
    println!("  one Redshift chain decision (3 hops, compiled): {chain_ns:.0} ns");
    Ok(())
}

fn chain_cost() -> anyhow::Result<f64> {
    let cluster_account = AccountId::parse("444444444444")?;
    let bucket_account = AccountId::parse("555555555555")?;
    let cluster_role = RoleArn::parse("arn:aws:iam::444444444444:role/ClusterRole")?;
    let bucket_role = RoleArn::parse("arn:aws:iam::555555555555:role/BucketRole")?;
    let db_user = "arn:aws:redshift:us-east-1:444444444444:dbuser:cluster1/etl";
    let doc = |json: &str| PolicyDocument::from_json(json).map_err(|e| anyhow::anyhow!("{e}"));
    let hop1 = PolicySet::compile(&Policies {
        resource_policy: Some(doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"444444444444"}}}}"#,
        )?),
        ..Policies::default()
    })?;
    let hop2 = PolicySet::compile(&Policies {
        identity_policies: vec![doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::555555555555:role/BucketRole"}}"#,
        )?],
        resource_policy: Some(doc(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:role/ClusterRole"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"arn:aws:redshift:us-east-1:444444444444:dbuser:cluster1/etl"}}}}"#,
        )?),
        ..Policies::default()
    })?;
    let hop3 = PolicySet::compile(&Policies {
        identity_policies: vec![doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::target-bucket/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::target-bucket"}]}"#,
        )?],
        ..Policies::default()
    })?;
    let hops = [
        (
            redshift::service_assume_request("redshift.amazonaws.com", &cluster_role, cluster_account, Some(db_user)),
            &hop1,
        ),
        (redshift::role_assume_request(&cluster_role, &bucket_role, Some(db_user)), &hop2),
        (
            redshift::access_request(
                &bucket_role,
                "s3:GetObject",
                "arn:aws:s3:::target-bucket/unload/part_000",
                bucket_account,
            ),
            &hop3,
        ),
    ];
    let check = redshift::evaluate_chain(&hops)?;
    anyhow::ensure!(check.allowed(), "the benchmark chain should be allowed: {:?}", check.first_denied);
    let iterations = 200_000u32;
    let start = Instant::now();
    for _ in 0..iterations {
        let decision = redshift::evaluate_chain(std::hint::black_box(&hops))?;
        std::hint::black_box(decision);
    }
    Ok(start.elapsed().as_nanos() as f64 / f64::from(iterations))
}
