//! `redbridge test` over the fakes: one batch, the marker checked, only the test's own objects
//! deleted (whatever happened), failures diagnosed to the hop, timeouts and aborts failing, and
//! the round trip in the spec's format (Parquet, JSON).

use std::time::Duration;

use redbridge_aws::apply_engine::NoSleep;
use redbridge_aws::apply_engine::Ports;
use redbridge_aws::data_api::{PollSettings, RunOutcome};
use redbridge_aws::fake::{FakeAws, FakeOutcome, FakeStatement};
use redbridge_aws::round_trip_run::{
    TestError, TestReport, TestSettings, data_target, fresh_name, refine_by_reading, run_test,
};
use redbridge_core::doctor::FindingCode;
use redbridge_core::round_trip::{DoctorReading, PARQUET_MARKER, PARQUET_MARKER_VALUE, RoundTripError};
use redbridge_core::{DataFormat, Plan, Spec};
use redbridge_iam::AccountId;
use redbridge_iam::policy::{PolicyDocument, Statement};

use crate::block_on;

pub fn plan(access: &str) -> Plan {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
            .unwrap();
    let mut spec = Spec::from_toml(&text).unwrap();
    spec.access = redbridge_core::spec::Access::parse(access).unwrap();
    Plan::new(&spec).unwrap()
}

pub fn settings(plan: &Plan) -> TestSettings {
    TestSettings {
        poll: PollSettings { interval: Duration::from_secs(1), timeout: Duration::from_secs(30), max_attempts: 3 },
        ..TestSettings::new(data_target(plan, None), "redbridge-test-1")
    }
}

/// The bucket, with someone else's object under the spec's prefix: the test must leave it.
pub fn world(plan: &Plan) -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_bucket(plan.spec.bucket.as_str(), plan.spec.bucket_region.clone(), None);
    let base = plan.spec.prefixes.first().cloned().unwrap_or_default();
    aws.edit(|s| {
        s.objects.entry(plan.spec.bucket.to_string()).or_default().insert(format!("{base}keep-me.csv"), b"x".to_vec());
    });
    aws
}

pub fn run_on(plan: &Plan, aws: &FakeAws, settings: &TestSettings) -> TestReport {
    let data = aws.redshift();
    let s3 = aws.account(plan.spec.s3_account);
    block_on(run_test(plan, &data, Some(&s3), settings, &NoSleep::default(), &|_| {})).unwrap()
}

fn objects(aws: &FakeAws) -> Vec<String> {
    aws.state().objects.values().flat_map(|o| o.keys().cloned()).collect()
}

#[test]
fn a_passing_round_trip_is_one_batch_and_deletes_only_what_it_wrote() {
    let plan = plan("both");
    let aws = world(&plan);
    aws.script_statement(FakeStatement {
        running_polls: 3,
        outcome: FakeOutcome::Finished { records: vec![vec![Some("1".into())]] },
    });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(report.passed, "{report:#?}");
    assert_eq!(report.mode, "round_trip");
    let submitted = aws.submitted_sql();
    assert_eq!(submitted.len(), 1, "one batch: the temporary tables share its session");
    assert_eq!(submitted[0], report.statements);
    let cleanup = report.cleanup.clone().unwrap();
    assert_eq!(cleanup.deleted, [format!("{}redbridge-test-1/part_0000_part_00", plan.spec.prefixes[0])]);
    assert_eq!(cleanup.problem, None);
    assert_eq!(objects(&aws), [format!("{}keep-me.csv", plan.spec.prefixes[0])], "the foreign object stays");
}

#[test]
fn a_missing_marker_fails_the_test() {
    let plan = plan("both");
    let aws = world(&plan);
    aws.script_statement(FakeStatement {
        running_polls: 0,
        outcome: FakeOutcome::Finished { records: vec![vec![Some("0".into())]] },
    });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(!report.passed);
    assert!(report.problem.unwrap().contains("COPY loaded `0` rows"));
}

#[test]
fn a_failed_unload_is_classified_to_the_bucket_hop_and_still_cleaned() {
    let plan = plan("both");
    let aws = world(&plan);
    let role = plan.chain.last().name().to_owned();
    let error = format!(
        "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/{role}/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::{}/x",
        plan.spec.bucket
    );
    aws.script_statement(FakeStatement { running_polls: 1, outcome: FakeOutcome::Failed { at: 2, error } });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(!report.passed);
    assert!(matches!(report.outcome, RunOutcome::Failed { statement: Some(2), .. }), "{:?}", report.outcome);
    let diagnosis = report.diagnosis.clone().unwrap();
    assert_eq!(diagnosis.code, "RB131");
    assert_eq!(diagnosis.hop, format!("{role} → S3"));
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["outcome"]["outcome"], "failed");
    assert_eq!(json["diagnosis"]["code"], "RB131");
    assert_eq!(objects(&aws).len(), 1, "only the foreign object");
}

#[test]
fn timeout_and_abort_fail_the_test() {
    let plan = plan("both");
    let aws = world(&plan);
    aws.script_statement(FakeStatement { running_polls: 1000, outcome: FakeOutcome::Finished { records: Vec::new() } });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(matches!(report.outcome, RunOutcome::TimedOut { cancelled: true, .. }), "{:?}", report.outcome);
    assert!(!report.passed);
    aws.script_statement(FakeStatement { running_polls: 0, outcome: FakeOutcome::Aborted });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(!report.passed);
    assert!(matches!(report.outcome, RunOutcome::Aborted { .. }));
}

#[test]
fn a_copy_only_chain_writes_the_marker_itself_and_removes_it() {
    let plan = plan("copy");
    let aws = world(&plan);
    aws.script_statement(FakeStatement {
        running_polls: 0,
        outcome: FakeOutcome::Finished { records: vec![vec![Some("1".into())]] },
    });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(report.passed, "{report:#?}");
    assert_eq!(report.statements.len(), 3);
    assert!(aws.calls().iter().any(|c| c.starts_with("s3:PutObject")));
    assert_eq!(report.cleanup.unwrap().deleted.len(), 1);
    assert_eq!(objects(&aws).len(), 1);

    let error = block_on(run_test(
        &plan,
        &aws.redshift(),
        None::<&redbridge_aws::fake::FakeAccount>,
        &settings(&plan),
        &NoSleep::default(),
        &|_| {},
    ))
    .unwrap_err();
    assert_eq!(error, TestError::NoBucketAccess);
    assert_eq!(
        error.to_string(),
        "a COPY-only chain needs the bucket account's profile (`--s3-profile`) to write the marker object"
    );
}

fn plan_in(access: &str, format: DataFormat) -> Plan {
    let mut spec = plan(access).spec;
    spec.format = format;
    Plan::new(&spec).unwrap()
}

fn finishing_with(aws: &FakeAws, count: &str) {
    aws.script_statement(FakeStatement {
        running_polls: 1,
        outcome: FakeOutcome::Finished { records: vec![vec![Some(count.into())]] },
    });
}

/// The Parquet and JSON round trips UNLOAD and COPY back in the spec's format, in one batch,
/// pass on the marker's count, say their format, and delete what they wrote.
#[test]
fn parquet_and_json_round_trips_run_in_their_format_and_pass() {
    for (format, unload, copy, name) in [
        (DataFormat::Parquet, "FORMAT AS PARQUET KMS_KEY_ID", "FORMAT AS PARQUET", "parquet"),
        (DataFormat::Json, "FORMAT AS JSON KMS_KEY_ID", "FORMAT AS JSON 'auto'", "json"),
    ] {
        let plan = plan_in("both", format);
        let aws = world(&plan);
        finishing_with(&aws, "1");
        let report = run_on(&plan, &aws, &settings(&plan));
        assert!(report.passed, "{format:?}: {report:#?}");
        assert_eq!(report.format, Some(format));
        let submitted = aws.submitted_sql();
        assert_eq!(submitted, std::slice::from_ref(&report.statements), "one batch");
        assert!(submitted[0][2].starts_with("UNLOAD (") && submitted[0][2].contains(unload), "{}", submitted[0][2]);
        assert!(submitted[0][4].starts_with("COPY ") && submitted[0][4].ends_with(copy), "{}", submitted[0][4]);
        assert_eq!(report.cleanup.clone().unwrap().deleted.len(), 1, "{format:?}");
        assert_eq!(objects(&aws), [format!("{}keep-me.csv", plan.spec.prefixes[0])]);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["format"], name);
    }
}

/// A COPY-only Parquet chain writes the embedded Parquet file (named as UNLOAD names Parquet
/// files) with the bucket account's profile and counts its fixed value; a JSON one writes a
/// JSON line holding the run's marker.
#[test]
fn a_copy_only_chain_writes_its_marker_in_the_specs_format() {
    for (format, suffix, body) in [
        (DataFormat::Parquet, ".parquet", PARQUET_MARKER.to_vec()),
        (DataFormat::Json, "", b"{\"marker\":\"redbridge-test-1\"}\n".to_vec()),
    ] {
        let plan = plan_in("copy", format);
        let aws = world(&plan);
        // Keep what the test wrote, to read it back.
        aws.deny(Some(plan.spec.s3_account), "s3:DeleteObject");
        finishing_with(&aws, "1");
        let report = run_on(&plan, &aws, &settings(&plan));
        assert!(report.passed, "{format:?}: {report:#?}");
        let key = format!("{}redbridge-test-1/part_0000_part_00{suffix}", plan.spec.prefixes[0]);
        let written = aws.state().objects[plan.spec.bucket.as_str()].get(&key).cloned();
        assert_eq!(written, Some(body), "{format:?}");
        let problem = report.cleanup.unwrap().problem.unwrap();
        assert!(problem.starts_with(&format!("cannot delete `s3://{}/{key}`", plan.spec.bucket)), "{problem}");
        let marker = if format == DataFormat::Parquet { PARQUET_MARKER_VALUE } else { "redbridge-test-1" };
        assert_eq!(
            report.statements.last().unwrap(),
            &format!("SELECT COUNT(*) FROM redbridge_test_target WHERE marker = '{marker}'")
        );
    }
}

/// Columnar COPY refuses REGION: a Parquet round trip that would COPY across regions is
/// refused before anything is written or run.
#[test]
fn a_parquet_copy_across_regions_is_refused_before_anything_runs() {
    let mut spec = plan("both").spec;
    spec.format = DataFormat::Parquet;
    spec.bucket_region = redbridge_iam::Region::parse("us-east-1").unwrap();
    let plan = Plan::new(&spec).unwrap();
    let aws = world(&plan);
    aws.clear_calls();
    let s3 = aws.account(plan.spec.s3_account);
    let error = block_on(run_test(&plan, &aws.redshift(), Some(&s3), &settings(&plan), &NoSleep::default(), &|_| {}))
        .unwrap_err();
    assert!(matches!(error, TestError::RoundTrip(RoundTripError::ColumnarCrossRegion { .. })), "{error:?}");
    assert!(error.to_string().contains("RB152"), "{error}");
    assert_eq!(aws.calls(), Vec::<String>::new(), "nothing was written or run");
    assert!(aws.submitted_sql().is_empty());
}

#[test]
fn sql_mode_runs_one_statement_and_classifies_its_failure() {
    let plan = plan("both");
    let aws = world(&plan);
    aws.script_statement(FakeStatement {
        running_polls: 0,
        outcome: FakeOutcome::Failed {
            at: 0,
            error: "S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket".into(),
        },
    });
    let settings = TestSettings { sql: Some("COPY t FROM 's3://nope/x' IAM_ROLE default".into()), ..settings(&plan) };
    let report = run_on(&plan, &aws, &settings);
    assert_eq!(report.mode, "sql");
    assert_eq!(report.diagnosis.unwrap().code, "RB153");
    assert!(report.cleanup.is_none(), "`--sql` deletes nothing");
    assert_eq!(objects(&aws).len(), 1);
}

#[test]
fn fresh_names_are_test_prefixes_and_differ() {
    let (first, second) = (fresh_name(), fresh_name());
    assert!(first.starts_with("redbridge-test-"), "{first}");
    assert_ne!(first, second);
}

/// The applied serverless world whose bucket role has a permissions boundary without
/// `s3:PutObject`, and a test whose UNLOAD fails with S3's bare `Access Denied`.
fn boundary_without_put_object() -> (Plan, FakeAws, TestReport) {
    let plan = crate::serverless_plan();
    let aws = crate::snapshot_reader::applied(&plan);
    let bucket_role = plan.chain.last().to_string();
    let boundary = "arn:aws:iam::222222222222:policy/no-put-object";
    aws.edit(|s| {
        let allowed = Statement::allow(["s3:GetObject", "s3:ListBucket", "kms:*"], ["*"]);
        s.managed_policies.insert(boundary.into(), PolicyDocument::new(vec![allowed]));
        s.boundaries.insert(bucket_role, boundary.into());
    });
    let error = "S3ServiceException:Access Denied,Status 403,Error AccessDenied".to_owned();
    aws.script_statement(FakeStatement { running_polls: 0, outcome: FakeOutcome::Failed { at: 2, error } });
    let report = run_on(&plan, &aws, &settings(&plan));
    (plan, aws, report)
}

fn refine(plan: &Plan, aws: &FakeAws, report: TestReport) -> TestReport {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    block_on(refine_by_reading(plan, report, &ports, Some(&s3)))
}

#[test]
fn a_failed_test_reads_the_accounts_and_names_the_boundary_redshifts_text_does_not() {
    let (plan, aws, report) = boundary_without_put_object();
    assert_eq!(report.diagnosis.as_ref().unwrap().code, FindingCode::S3PermissionMissing);
    aws.clear_calls();
    let report = refine(&plan, &aws, report);
    assert!(!aws.recorded_calls().is_empty(), "a failure reads the accounts");
    let diagnosis = report.diagnosis.clone().unwrap();
    assert_eq!(diagnosis.code, FindingCode::PermissionsBoundaryDenies);
    assert_eq!(diagnosis.from_text, Some(FindingCode::S3PermissionMissing));
    assert_eq!(diagnosis.hop, format!("{} → S3", plan.chain.last().name()));
    assert_eq!(diagnosis.doctor, Some(DoctorReading { refined: true, reason: None }));
    assert!(diagnosis.fix.unwrap().contains("redbridge does not change boundaries"));
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["diagnosis"]["code"], "RB185");
    assert_eq!(json["diagnosis"]["from_text"], "RB131");
    assert_eq!(json["outcome"]["classification"]["code"], "RB131", "redshift's text keeps its own classification");
}

#[test]
fn a_passing_test_reads_nothing_more() {
    let plan = crate::serverless_plan();
    let aws = crate::snapshot_reader::applied(&plan);
    aws.script_statement(FakeStatement { running_polls: 0, outcome: FakeOutcome::Finished { records: Vec::new() } });
    let report = run_on(&plan, &aws, &settings(&plan));
    assert!(report.passed, "{report:#?}");
    aws.clear_calls();
    let refined = refine(&plan, &aws, report.clone());
    assert_eq!(refined, report);
    assert_eq!(aws.recorded_calls(), Vec::new(), "no account was read");
}

#[test]
fn an_unreachable_redshift_account_leaves_the_texts_diagnosis_and_says_why() {
    let (plan, aws, report) = boundary_without_put_object();
    aws.deny(Some(AccountId::parse("111111111111").unwrap()), "*");
    let report = refine(&plan, &aws, report);
    let diagnosis = report.diagnosis.unwrap();
    assert_eq!(diagnosis.code, FindingCode::S3PermissionMissing);
    assert_eq!(diagnosis.from_text, None);
    let reason = diagnosis.doctor.unwrap().reason.unwrap();
    assert!(reason.starts_with("cannot read account `111111111111` as doctor does: "), "{reason}");
}
