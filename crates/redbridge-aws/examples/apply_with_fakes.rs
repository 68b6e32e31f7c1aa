//! Applies the serverless UNLOAD example of the repository to the in-memory fakes, then reads both
//! accounts back the way `redbridge doctor` does and judges the chain: the whole converge loop of
//! `redbridge apply` without AWS.
//!
//! ```text
//! cargo run -p redbridge-aws --example apply_with_fakes --features testing
//! ```

use redbridge_aws::apply_engine::{self, Event, NoSleep, Ports, Progress, RunSettings};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::fake::{FakeAws, FakeBucketSettings};
use redbridge_aws::ports::DefaultEncryption;
use redbridge_aws::snapshot_reader::read_snapshot;
use redbridge_core::doctor::{Verdict, analyze};
use redbridge_core::{Plan, Spec};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};

/// The spec file of `examples/serverless-unload-kms.toml`.
const SPEC: &str = include_str!("../../../examples/serverless-unload-kms.toml");

/// Prints each change as it is done.
struct PrintDone;

impl Progress for PrintDone {
    fn event(&self, event: &Event) {
        if let Event::Done { subject } = event {
            println!("  done: {subject}");
        }
    }
}

/// The world before the apply: the workgroup, the key and the bucket exist, no role does.
fn world(plan: &Plan) -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_namespace("analytics-ns", &[]);
    aws.seed_workgroup("analytics-wg", "analytics-ns", "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f");
    if let Some(key) = &plan.spec.kms_key {
        let root = format!("arn:aws:iam::{}:root", key.account());
        aws.seed_key(
            key,
            PolicyDocument::new(vec![Statement::allow(["kms:*"], ["*"]).with_principal(Principal::aws([root]))]),
        );
        aws.edit(|state| {
            state.bucket_settings.insert(
                plan.spec.bucket.to_string(),
                FakeBucketSettings {
                    object_ownership: Some("BucketOwnerEnforced".into()),
                    default_encryption: Some(DefaultEncryption {
                        algorithm: "aws:kms".into(),
                        kms_key: Some(key.to_string()),
                    }),
                },
            );
        });
    }
    aws.seed_bucket(plan.spec.bucket.as_str(), plan.spec.bucket_region.clone(), None);
    aws
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = Plan::new(&Spec::from_toml(SPEC)?)?;
    let aws = world(&plan);
    let ports = Ports::for_fake(&aws, &plan);
    let s3 = aws.account(plan.spec.s3_account);
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;

    let prepared = runtime.block_on(converge_run::prepare(&plan, &ports, Some(&s3), Mode::Apply { adopt: false }))?;
    let diff = prepared.diff.map_err(|unreadable| format!("the accounts could not be read: {unreadable:?}"))?;
    let (create, update, delete, unchanged) = diff.counts();
    println!("plan: {create} to create, {update} to update, {delete} to delete, {unchanged} unchanged");
    let report = runtime.block_on(apply_engine::execute(
        &diff,
        &ports,
        &RunSettings::default(),
        &NoSleep::default(),
        &PrintDone,
    ));
    if let Some(failure) = report.failure() {
        return Err(format!("apply failed at `{}`", failure.subject).into());
    }
    println!("applied {} change(s)", report.steps.len());

    let (snapshot, stats) = runtime.block_on(read_snapshot(&plan, &ports, Some(&s3)));
    let doctor = analyze(&plan, &snapshot);
    println!("doctor read both accounts with {} calls: {:?}", stats.calls, doctor.verdict);
    for finding in &doctor.findings {
        println!("  {}: {}", finding.code, finding.message);
    }
    if doctor.verdict != Verdict::Healthy {
        return Err("doctor found the applied chain broken".into());
    }
    Ok(())
}
