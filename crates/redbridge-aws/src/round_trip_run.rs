//! Running `redbridge test` through the ports: the round trip of
//! [`redbridge_core::round_trip`] as **one `BatchExecuteStatement`** (a batch runs its
//! statements one after another in one transaction and one session, so the temporary tables it
//! creates live from one statement to the next; separate `ExecuteStatement` calls are separate
//! sessions unless a session is kept alive, and a kept-alive session outlives a failed test),
//! or one statement of the user's; then the cleanup of the objects under the round trip's fresh
//! prefix, and nothing else. The round trip UNLOADs and COPYs in the spec's format (CSV, text,
//! JSON or Parquet). A COPY-only chain writes the marker object, in that format, with the bucket
//! account's S3 port first (for Parquet, `redbridge_core::round_trip::PARQUET_MARKER`). A failure's error text is diagnosed in doctor's codes and hops,
//! and [`refine_by_reading`] then reads the accounts as `redbridge doctor` does to name the
//! cause the text does not say (an SCP, an RCP, a permissions boundary).
//!
//! ```
//! # #[cfg(feature = "testing")] {
//! use redbridge_aws::apply_engine::NoSleep;
//! use redbridge_aws::fake::{FakeAws, FakeOutcome, FakeStatement};
//! use redbridge_aws::round_trip_run::{self, TestSettings};
//! use redbridge_core::{Plan, RawSpec, Spec};
//!
//! let raw = RawSpec {
//!     redshift_account: Some("111111111111".into()),
//!     s3_account: Some("222222222222".into()),
//!     bucket: Some("shared-data".into()),
//!     cluster: Some("analytics".into()),
//!     region: Some("eu-west-1".into()),
//!     access: Some("both".into()),
//!     ..RawSpec::default()
//! };
//! let plan = Plan::new(&Spec::from_raw(&raw).unwrap()).unwrap();
//! let aws = FakeAws::new();
//! aws.seed_bucket("shared-data", plan.spec.bucket_region.clone(), None);
//! aws.script_statement(FakeStatement {
//!     running_polls: 0,
//!     outcome: FakeOutcome::Finished { records: vec![vec![Some("1".into())]] },
//! });
//! let settings = TestSettings::new(round_trip_run::data_target(&plan, None), "redbridge-test-1");
//! let s3 = aws.account(plan.spec.s3_account);
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let report = rt
//!     .block_on(round_trip_run::run_test(&plan, &aws.redshift(), Some(&s3), &settings, &NoSleep::default(), &|_| {}))
//!     .unwrap();
//! assert!(report.passed);
//! # }
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use redbridge_core::doctor::analyze;
use redbridge_core::round_trip::{
    Diagnosis, RoundTripError, diagnose, refine_for_statement, refine_with_report, round_trip,
};
use redbridge_core::spec::Target;
use redbridge_core::{DataFormat, Plan};
use serde::Serialize;

use crate::AwsError;
use crate::apply_engine::{Ports, Sleeper};
use crate::data_api::{self, DataEvent, PollSettings, RunOutcome};
use crate::ports::{DataTarget, Iam, Kms, Organizations, Redshift, RedshiftData, RedshiftServerless, S3, Sts};
use crate::snapshot_reader::read_snapshot;

/// What `run_test` needs besides the ports.
#[derive(Debug, Clone)]
pub struct TestSettings {
    /// Where statements run.
    pub target: DataTarget,
    /// The database.
    pub database: String,
    /// A statement of the user's (`--sql`), or `None` for the round trip.
    pub sql: Option<String>,
    /// Polling and timeout.
    pub poll: PollSettings,
    /// The fresh prefix's last part, and the marker ([`fresh_name`]).
    pub unique: String,
}

impl TestSettings {
    /// The round trip on `target` in the `dev` database, polled with the default settings.
    pub fn new(target: DataTarget, unique: impl Into<String>) -> Self {
        Self { target, database: "dev".to_owned(), sql: None, poll: PollSettings::default(), unique: unique.into() }
    }
}

/// What the cleanup did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cleanup {
    /// The objects deleted.
    pub deleted: Vec<String>,
    /// Why some may be left, if so.
    pub problem: Option<String>,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// `round_trip` or `sql`.
    pub mode: &'static str,
    /// The location written to, for the round trip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The format the round trip UNLOADed and COPYed in: the spec's (`None` with `--sql`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<DataFormat>,
    /// The statements run.
    pub statements: Vec<String>,
    /// How they ended.
    pub outcome: RunOutcome,
    /// Whether the test passed (finished, and the marker came back).
    pub passed: bool,
    /// Why it did not pass, beyond the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The failure in doctor's terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Diagnosis>,
    /// What was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup: Option<Cleanup>,
}

/// Why the test could not run at all (a failing statement is a [`TestReport`], not an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestError {
    /// The plan has no round trip.
    #[error(transparent)]
    RoundTrip(#[from] RoundTripError),
    /// `--sql` could not be submitted or polled.
    #[error("cannot run the statement: {error}")]
    Statement {
        /// What failed.
        error: AwsError,
    },
    /// The round trip's batch could not be submitted or polled.
    #[error("cannot run the test statements: {error}")]
    Statements {
        /// What failed.
        error: AwsError,
    },
    /// A COPY-only chain without the bucket account's S3 port.
    #[error("a COPY-only chain needs the bucket account's profile (`--s3-profile`) to write the marker object")]
    NoBucketAccess,
    /// The marker object could not be written.
    #[error("cannot write the marker object `{key}` with the bucket account's profile: {error}")]
    MarkerObject {
        /// The object key.
        key: String,
        /// What failed.
        error: AwsError,
    },
}

/// A name no earlier run used: `redbridge-test-<seconds>-<nanos>-<pid>`.
pub fn fresh_name() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("redbridge-test-{}-{:09}-{}", now.as_secs(), now.subsec_nanos(), std::process::id())
}

/// Where statements run and as whom: the spec's cluster as its first database user (or with
/// `secret_arn`), or its workgroup as the caller's IAM identity (or with `secret_arn`).
pub fn data_target(plan: &Plan, secret_arn: Option<&str>) -> DataTarget {
    match (&plan.spec.target, secret_arn) {
        (Target::Provisioned { cluster }, Some(secret)) => {
            DataTarget::ClusterWithSecret { cluster: cluster.clone(), secret_arn: secret.to_owned() }
        }
        (Target::Provisioned { cluster }, None) => {
            DataTarget::Cluster { cluster: cluster.clone(), db_user: plan.spec.db_users.first().cloned() }
        }
        (Target::Serverless { workgroup, .. }, Some(secret)) => {
            DataTarget::WorkgroupWithSecret { workgroup: workgroup.clone(), secret_arn: secret.to_owned() }
        }
        (Target::Serverless { workgroup, .. }, None) => DataTarget::Workgroup { workgroup: workgroup.clone() },
    }
}

/// The whole test over any ports: plan the statements, write the marker if needed, run, check,
/// clean up. `s3` is the bucket account's S3 port (`None`: nothing is written or deleted).
pub async fn run_test<D, B, Z>(
    plan: &Plan,
    data: &D,
    s3: Option<&B>,
    settings: &TestSettings,
    sleeper: &Z,
    progress: &(dyn Fn(&DataEvent) + Sync),
) -> Result<TestReport, TestError>
where
    D: RedshiftData,
    B: S3,
    Z: Sleeper,
{
    let bucket = plan.spec.bucket.as_str();
    let (target, database, poll) = (&settings.target, settings.database.as_str(), &settings.poll);
    if let Some(sql) = &settings.sql {
        let statements = vec![sql.clone()];
        let outcome = data_api::run(data, target, database, &statements, poll, sleeper, progress)
            .await
            .map_err(|error| TestError::Statement { error })?;
        let diagnosis = failure(plan, &outcome).map(|d| refine_for_statement(plan, sql, d));
        let passed = outcome.succeeded();
        return Ok(TestReport {
            mode: "sql",
            location: None,
            format: None,
            statements,
            outcome,
            passed,
            problem: None,
            diagnosis,
            cleanup: None,
        });
    }
    let test = round_trip(plan, &settings.unique)?;
    let location = format!("s3://{bucket}/{}", test.prefix);
    if let Some((key, body)) = &test.marker_object {
        let s3 = s3.ok_or(TestError::NoBucketAccess)?;
        s3.put_object(bucket, key, body.clone())
            .await
            .map_err(|error| TestError::MarkerObject { key: key.clone(), error })?;
    }
    let run = data_api::run(data, target, database, &test.statements, poll, sleeper, progress).await;
    let cleanup = match s3 {
        Some(s3) => clean(s3, bucket, &test.prefix).await,
        None => Cleanup {
            deleted: Vec::new(),
            problem: Some(format!("no bucket account profile: delete `{location}` by hand")),
        },
    };
    let outcome = run.map_err(|error| TestError::Statements { error })?;
    let problem = match &outcome {
        RunOutcome::Finished { records, .. } => {
            let count = records.first().and_then(|row| row.first()).cloned().flatten();
            let objects_may_exist = !cleanup.deleted.is_empty() || cleanup.problem.is_some();
            test.problem(count.as_deref(), objects_may_exist, &location)
        }
        _ => None,
    };
    let diagnosis = failure(plan, &outcome);
    let passed = outcome.succeeded() && problem.is_none();
    Ok(TestReport {
        mode: "round_trip",
        location: Some(location),
        format: Some(plan.spec.format),
        statements: test.statements,
        outcome,
        passed,
        problem,
        diagnosis,
        cleanup: Some(cleanup),
    })
}

/// After a failed statement, reads the accounts as `redbridge doctor` does (the same reader,
/// organizations included) and refines the diagnosis with doctor's analysis: Redshift's text
/// names the hop but not why. A report without a diagnosis (passed, or a wrong marker count) is
/// returned as it is and nothing is read. When the first account cannot be reached at all,
/// the text's diagnosis stands and says so.
pub async fn refine_by_reading<I, S, K, R, N, B, O>(
    plan: &Plan,
    mut report: TestReport,
    ports: &Ports<I, S, K, R, N, O>,
    s3: Option<&B>,
) -> TestReport
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    B: S3,
    O: Organizations,
{
    let Some(diagnosis) = report.diagnosis.take() else { return report };
    if let Some(account) = ports.accounts.first()
        && let Err(error) = account.sts.caller_identity().await
    {
        let reason = format!("cannot read account `{}` as doctor does: {error}", account.account);
        report.diagnosis = Some(diagnosis.unrefined(reason));
        return report;
    }
    let (snapshot, _) = read_snapshot(plan, ports, s3).await;
    report.diagnosis = Some(refine_with_report(diagnosis, &analyze(plan, &snapshot)));
    report
}

fn failure(plan: &Plan, outcome: &RunOutcome) -> Option<Diagnosis> {
    match outcome {
        RunOutcome::Failed { classification, .. } => Some(diagnose(plan, classification)),
        _ => None,
    }
}

/// Deletes every object under the test's own prefix, and nothing else.
async fn clean<B: S3>(s3: &B, bucket: &str, prefix: &str) -> Cleanup {
    let mut cleanup = Cleanup::default();
    // The prefix is fresh and ends with `/`: nothing but this run's objects can be under it.
    if !prefix.ends_with('/') || !prefix.contains("redbridge-test-") {
        cleanup.problem = Some(format!("refusing to delete under `{prefix}`: not a test prefix"));
        return cleanup;
    }
    match s3.list_objects(bucket, prefix).await {
        Ok(keys) => {
            for key in keys {
                match s3.delete_object(bucket, &key).await {
                    Ok(()) => cleanup.deleted.push(key),
                    Err(e) => {
                        cleanup.problem = Some(format!("cannot delete `s3://{bucket}/{key}`: {e}"));
                    }
                }
            }
        }
        Err(e) => cleanup.problem = Some(format!("cannot list `s3://{bucket}/{prefix}` to clean up: {e}")),
    }
    cleanup
}
