//! `bench-audit` (run by `cargo xtask bench audit`): `redbridge audit`'s read and judgement of
//! an organization of 200 accounts (100 with Redshift: 400 clusters and workgroups; 100 with
//! buckets) and 1,000 chain roles, against the fakes with 50 ms injected per AWS call and one
//! call in 97 throttled. Prints wall time, calls, retries, the process's peak memory, and the
//! ratio to reading one call after another (measured on a slice of the organization in the same
//! process, scaled by the number of calls). Fails above 20 s or 200 MB.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use redbridge_aws::audit_reader::{AuditEntry, AuditSettings, read_world};
use redbridge_aws::fake::{FakeAws, FakeOrganization};
use redbridge_core::audit::{ChainStatus, audit};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

const MANAGEMENT: u64 = 900_000_000_000;
const TARGET_WALL: Duration = Duration::from_secs(20);
const TARGET_PEAK_MB: f64 = 200.0;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-audit: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn account(n: u64) -> AccountId {
    AccountId::parse(&format!("{n:012}")).expect("twelve digits")
}

fn region() -> Region {
    Region::parse("us-east-1").expect("a region")
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).expect("the bench's policies parse")
}

fn role(aws: &FakeAws, arn: &RoleArn, trust: &str, policy: &str) {
    aws.seed_role(arn, doc(trust), &[]);
    aws.edit(|s| {
        if let Some(role) = s.roles.get_mut(&arn.to_string()) {
            role.inline_policies.insert("access".to_owned(), doc(policy));
        }
    });
}

/// `pairs` Redshift accounts (4 targets and 4 roles each) and as many bucket accounts (6 roles,
/// 2 buckets each); every tenth pair's bucket roles trust the wrong role (broken chains).
fn world(pairs: u64) -> FakeAws {
    let aws = FakeAws::new();
    let mut organization = FakeOrganization::new("o-bench00001", account(MANAGEMENT));
    let root = organization.root_id.clone();
    for i in 0..pairs {
        organization.add_account(account(100_000_000_000 + i), &root);
        organization.add_account(account(200_000_000_000 + i), &root);
    }
    aws.seed_organization(organization);
    let audit_trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MANAGEMENT:012}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    for i in 0..pairs {
        let (r, b) = (100_000_000_000 + i, 200_000_000_000 + i);
        for id in [r, b] {
            aws.seed_role(&arn(id, "rb-audit"), doc(&audit_trust), &[]);
        }
        let service = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["redshift.amazonaws.com","redshift-serverless.amazonaws.com"]}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{r:012}"}}}}}}]}}"#
        );
        for n in 0..4 {
            let loader = arn(b, &format!("loader{n}"));
            let grant = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{loader}"}}]}}"#
            );
            role(&aws, &arn(r, &format!("cluster{n}")), &service, &grant);
        }
        for n in 0..6 {
            let previous = if i % 10 == 9 { arn(r, "someone-else") } else { arn(r, &format!("cluster{}", n % 4)) };
            let trust = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{previous}"}},"Action":"sts:AssumeRole"}}]}}"#
            );
            let bucket = format!("bench-{b:012}-{}", n % 2);
            let access = format!(
                r#"{{"Version":"2012-10-17","Statement":[
                    {{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{bucket}/part{n}/*"}},
                    {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{bucket}"}}]}}"#
            );
            role(&aws, &arn(b, &format!("loader{n}")), &trust, &access);
        }
        for n in 0..2 {
            aws.seed_owned_bucket(account(b), &format!("bench-{b:012}-{n}"), region(), None);
        }
        let owner = account(r);
        for n in 0..2 {
            let cluster_role = arn(r, &format!("cluster{n}")).to_string();
            aws.seed_owned_cluster(owner, &format!("c{r:012}-{n}"), &[&cluster_role], None);
        }
        let namespace = format!("ns{r:012}");
        let roles = [arn(r, "cluster2").to_string(), arn(r, "cluster3").to_string()];
        aws.seed_owned_namespace(owner, &namespace, &[&roles[0], &roles[1]], None);
        for n in 0..2 {
            aws.seed_owned_workgroup(owner, &format!("wg{r:012}-{n}"), &namespace, &format!("wg-{r:012}-{n}"));
        }
    }
    aws
}

fn arn(account: u64, name: &str) -> RoleArn {
    RoleArn::parse(&format!("arn:aws:iam::{account:012}:role/{name}")).expect("a role ARN")
}

fn settings(concurrency: usize) -> AuditSettings {
    AuditSettings {
        regions: vec![region()],
        entries: vec![AuditEntry {
            account: account(MANAGEMENT),
            how: "profile management".to_owned(),
            redshift: true,
        }],
        organization: true,
        assume_role_name: Some("rb-audit".to_owned()),
        concurrency,
    }
}

/// The process's peak resident memory (`VmHWM`), in MB.
fn peak_mb() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status").context("cannot read /proc/self/status")?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmHWM in /proc/self/status")?;
    Ok(kb / 1024.0)
}

fn run(args: &[&str]) -> anyhow::Result<()> {
    let (latency, concurrency) = match args {
        [] => (Duration::from_millis(50), 64),
        ["--latency-ms", ms] => (Duration::from_millis(ms.parse().context("`--latency-ms` takes a number")?), 64),
        ["--latency-ms", ms, "--concurrency", n] => (
            Duration::from_millis(ms.parse().context("`--latency-ms` takes a number")?),
            n.parse().context("`--concurrency` takes a number")?,
        ),
        _ => bail!("usage: cargo xtask bench audit [--latency-ms N [--concurrency N]]"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;

    // The peer: one call after another, on a slice of the organization.
    let slice = world(5);
    slice.set_latency(latency);
    slice.set_serial(true);
    let started = Instant::now();
    let serial = runtime.block_on(read_world(&slice, &settings(1), &|_| {}));
    let serial_wall = started.elapsed();
    let per_call = serial_wall / serial.calls.max(1);
    drop(slice);

    let aws = world(100);
    let (roles, clusters) = {
        let state = aws.state();
        (
            state.roles.keys().filter(|r| !r.ends_with("/rb-audit")).count(),
            state.clusters.len() + state.workgroups.len(),
        )
    };
    aws.set_latency(latency);
    aws.throttle_every(97);
    let started = Instant::now();
    let read = runtime.block_on(read_world(&aws, &settings(concurrency), &|_| {}));
    let read_wall = started.elapsed();
    let judged = Instant::now();
    let report = audit(&read.world);
    let judge_wall = judged.elapsed();
    let wall = read_wall + judge_wall;
    let peak = peak_mb()?;
    let sequential = per_call * read.calls;
    let count = |status| report.chains.iter().filter(|c| c.status == status).count();
    println!(
        "bench audit: {} accounts, {clusters} clusters and workgroups, {roles} chain roles; {:.0} ms injected per call, 1 call in 97 throttled, {concurrency} reads in flight",
        report.summary.accounts,
        ms(latency)
    );
    println!(
        "  chains: {} ({} working, {} broken, {} over-broad)",
        report.summary.chains,
        count(ChainStatus::Working),
        count(ChainStatus::Broken),
        report.summary.over_broad
    );
    println!("  AWS calls: {} ({} throttled and retried)", read.calls, read.retries);
    println!("  read:    {:>8.0} ms wall", ms(read_wall));
    println!("  judge:   {:>8.0} ms wall", ms(judge_wall));
    println!("  total:   {:>8.0} ms wall (target ≤ {:.0} ms)", ms(wall), ms(TARGET_WALL));
    println!("  peak memory: {peak:.0} MB (target ≤ {TARGET_PEAK_MB:.0} MB)");
    println!(
        "  sequential peer: {:.1} ms per call measured one after another on a 10-account slice ({} calls in {:.0} ms); × {} calls = {:.0} ms",
        ms(per_call),
        serial.calls,
        ms(serial_wall),
        read.calls,
        ms(sequential)
    );
    println!("  ratio sequential / audit: {:.1}×", ms(sequential) / ms(wall));
    if report.summary.accounts != 201 || clusters != 400 || roles != 1000 {
        bail!(
            "the bench world is not the one described: {} accounts, {clusters} targets, {roles} roles",
            report.summary.accounts
        );
    }
    if wall > TARGET_WALL || peak > TARGET_PEAK_MB {
        bail!(
            "audit took {:.0} ms and {peak:.0} MB; the targets are {:.0} ms and {TARGET_PEAK_MB:.0} MB",
            ms(wall),
            ms(TARGET_WALL)
        );
    }
    Ok(())
}
