//! `redbridge test`: prove the chain with real statements through the Redshift Data API.
//!
//! The default round trip runs as **one `BatchExecuteStatement`**: a batch runs its statements
//! one after another in one transaction and one session, so the temporary tables it creates
//! live from one statement to the next (separate `ExecuteStatement` calls are separate sessions
//! unless a session is kept alive, and a kept-alive session outlives a failed test). It creates
//! a temporary table with a marker row, UNLOADs it with the plan's chain, key and REGION to a
//! fresh prefix under the spec's, COPYs it back into a second temporary table and counts the
//! marker. A COPY-only chain writes the marker object with the bucket account's profile first;
//! an UNLOAD-only chain checks the objects appeared. Only the objects under the fresh prefix are
//! deleted afterwards. A failure's error text is classified into doctor's codes and hops.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use redbridge_aws::apply_engine::{Sleeper, TokioSleeper};
use redbridge_aws::config::{self, AccountSettings};
use redbridge_aws::data_api::{self, DataEvent, PollSettings, RunOutcome};
use redbridge_aws::ports::{DataTarget, RedshiftData, S3};
use redbridge_aws::sdk::SdkRedshiftData;
use redbridge_core::Plan;
use redbridge_core::doctor::{Classification, FindingCode, Hop};
use redbridge_core::spec::{DataFormat, Target};
use redbridge_core::statements::{StatementSettings, copy_statement, unload_statement};
use redbridge_iam::S3Uri;
use redbridge_sql::TableName;
use serde::Serialize;

use crate::output::OutputFormat;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge test`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "runs as the first `--db-user` of the spec (provisioned), as `--secret-arn`, or as the caller's IAM identity\n\n\
                        exit status: 0 the round trip (or `--sql`) succeeded; 1 it failed, was aborted or timed out; 2 usage or input errors"
)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The database to connect to.
    #[arg(long, default_value = "dev")]
    pub database: String,
    /// A Secrets Manager secret with the database credentials (instead of `--db-user`).
    #[arg(long, value_name = "ARN")]
    pub secret_arn: Option<String>,
    /// Run this statement instead of the UNLOAD/COPY round trip.
    #[arg(long, value_name = "STMT")]
    pub sql: Option<String>,
    /// Seconds to wait for the statements before cancelling them.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    /// The AWS profile of the Redshift account (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE")]
    pub redshift_profile: Option<String>,
    /// The AWS profile of the bucket account: writes the COPY marker and deletes the test's objects.
    #[arg(long, value_name = "PROFILE")]
    pub s3_profile: Option<String>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// The marker row and where the test writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestPlan {
    /// The marker value.
    pub marker: String,
    /// The fresh prefix (ends with `/`).
    pub prefix: String,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// The object the test writes itself (COPY-only chains), with its body.
    #[serde(skip)]
    pub marker_object: Option<(String, Vec<u8>)>,
    /// Whether the last statement counts the marker (the result must be `1`).
    pub counts_marker: bool,
}

const SOURCE_TABLE: &str = "redbridge_test_source";
const TARGET_TABLE: &str = "redbridge_test_target";

/// The statements of the round trip for `plan`, writing under `<spec prefix><unique>/`.
pub fn round_trip(plan: &Plan, unique: &str) -> anyhow::Result<TestPlan> {
    let spec = &plan.spec;
    let base = spec.prefixes.first().map(String::as_str).unwrap_or("");
    let prefix = format!("{base}{unique}/");
    let marker = unique.to_owned();
    let settings = StatementSettings { cleanpath: false, ..StatementSettings::from_spec(spec) };
    let location = S3Uri::new(spec.bucket.clone(), &format!("{prefix}part_"));
    let source = TableName::parse(SOURCE_TABLE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let target = TableName::parse(TARGET_TABLE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut statements = Vec::new();
    let mut marker_object = None;
    if spec.access.unload() {
        statements.push(format!("CREATE TEMP TABLE {source} (marker VARCHAR(64))"));
        statements.push(format!("INSERT INTO {source} VALUES ('{marker}')"));
        statements.push(
            unload_statement(&format!("SELECT marker FROM {source}"), &location, plan.chain.roles(), &settings)
                .to_string(),
        );
    } else {
        let body = match spec.format {
            DataFormat::Csv | DataFormat::Text => format!("{marker}\n"),
            DataFormat::Json => format!("{{\"marker\":\"{marker}\"}}\n"),
            DataFormat::Parquet => anyhow::bail!(
                "`redbridge test` cannot write a PARQUET marker for a COPY-only chain; test with `--sql` and a COPY of your own files"
            ),
        };
        marker_object = Some((format!("{prefix}part_0000_part_00"), body.into_bytes()));
    }
    let counts_marker = spec.access.copy();
    if counts_marker {
        statements.push(format!("CREATE TEMP TABLE {target} (marker VARCHAR(64))"));
        statements.push(copy_statement(&target, &location, plan.chain.roles(), &settings).to_string());
        statements.push(format!("SELECT COUNT(*) FROM {target} WHERE marker = '{marker}'"));
    }
    Ok(TestPlan { marker, prefix, statements, marker_object, counts_marker })
}

/// A name no earlier run used: `redbridge-test-<seconds>-<nanos>-<pid>`.
fn unique_name() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("redbridge-test-{}-{:09}-{}", now.as_secs(), now.subsec_nanos(), std::process::id())
}

/// What the cleanup did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cleanup {
    /// The objects deleted.
    pub deleted: Vec<String>,
    /// Why some may be left, if so.
    pub problem: Option<String>,
}

/// A classified failure: the code, the hop it points at, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The finding code.
    pub code: &'static str,
    /// The code's one-line meaning.
    pub title: &'static str,
    /// The hop, as doctor labels it.
    pub hop: String,
    /// What the text means.
    pub meaning: String,
    /// Whether the text pins the hop down.
    pub certain: bool,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// `round_trip` or `sql`.
    pub mode: &'static str,
    /// The location written to, for the round trip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
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

/// The hop a classified error points at, as doctor labels it.
pub fn diagnose(plan: &Plan, classification: &Classification) -> Diagnosis {
    let first = plan.chain.first().to_string();
    let last = plan.chain.last().to_string();
    let named_role = classification.subject.as_ref().and_then(|subject| {
        plan.chain.roles().iter().map(ToString::to_string).find(|r| r == subject || r.ends_with(&format!("/{subject}")))
    });
    let hop = match classification.code.as_str() {
        "RB101" | "RB102" => Hop::Attachment.label(),
        "RB111" | "RB112" | "RB113" => {
            match named_role.as_ref().and_then(|r| plan.chain.roles().iter().find(|x| x.to_string() == *r)) {
                Some(role) => match plan.chain.previous(role) {
                    Some(previous) => Hop::Role { from: previous.to_string(), to: role.to_string() }.label(),
                    None => Hop::Service { role: role.to_string() }.label(),
                },
                None => Hop::Service { role: first }.label(),
            }
        }
        "RB131" | "RB132" | "RB133" => Hop::S3 { role: named_role.unwrap_or(last) }.label(),
        "RB141" | "RB142" | "RB143" => Hop::Kms { role: named_role.unwrap_or(last) }.label(),
        "RB182" => "database privilege".to_owned(),
        _ => Hop::Statement.label(),
    };
    let title = classification.code.meaning();
    Diagnosis {
        code: classification.code.as_str(),
        title,
        hop,
        meaning: classification.meaning.clone(),
        certain: classification.certain,
    }
}

/// Settings `run_test` needs besides the ports.
#[derive(Debug, Clone)]
pub struct TestSettings {
    /// Where statements run.
    pub target: DataTarget,
    /// The database.
    pub database: String,
    /// `--sql`, or `None` for the round trip.
    pub sql: Option<String>,
    /// Polling and timeout.
    pub poll: PollSettings,
    /// The fresh prefix's last part.
    pub unique: String,
}

/// The whole command over any ports: plan the statements, write the marker if needed, run,
/// check, clean up.
pub async fn run_test<D, B, Z>(
    plan: &Plan,
    data: &D,
    s3: Option<&B>,
    settings: &TestSettings,
    sleeper: &Z,
    progress: &(dyn Fn(&DataEvent) + Sync),
) -> anyhow::Result<TestReport>
where
    D: RedshiftData,
    B: S3,
    Z: Sleeper,
{
    let bucket = plan.spec.bucket.as_str();
    if let Some(sql) = &settings.sql {
        let statements = vec![sql.clone()];
        let outcome =
            data_api::run(data, &settings.target, &settings.database, &statements, &settings.poll, sleeper, progress)
                .await
                .map_err(|e| anyhow::anyhow!("cannot run the statement: {e}"))?;
        let diagnosis = failure(plan, &outcome).map(|d| refine_for_statement(plan, sql, d));
        let passed = outcome.succeeded();
        return Ok(TestReport {
            mode: "sql",
            location: None,
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
        let Some(s3) = s3 else {
            anyhow::bail!(
                "a COPY-only chain needs the bucket account's profile (`--s3-profile`) to write the marker object"
            );
        };
        s3.put_object(bucket, key, body.clone()).await.map_err(|e| {
            anyhow::anyhow!("cannot write the marker object `{key}` with the bucket account's profile: {e}")
        })?;
    }
    let run =
        data_api::run(data, &settings.target, &settings.database, &test.statements, &settings.poll, sleeper, progress)
            .await;
    let cleanup = match s3 {
        Some(s3) => clean(s3, bucket, &test.prefix).await,
        None => Cleanup {
            deleted: Vec::new(),
            problem: Some(format!("no bucket account profile: delete `{location}` by hand")),
        },
    };
    let outcome = run.map_err(|e| anyhow::anyhow!("cannot run the test statements: {e}"))?;
    let mut problem = None;
    if let RunOutcome::Finished { records, .. } = &outcome {
        if test.counts_marker {
            let count = records.first().and_then(|row| row.first()).cloned().flatten();
            if count.as_deref() != Some("1") {
                problem = Some(format!(
                    "the marker row did not come back: COPY loaded `{}` rows with marker `{}`",
                    count.unwrap_or_else(|| "no".to_owned()),
                    test.marker
                ));
            }
        } else if cleanup.deleted.is_empty() && cleanup.problem.is_none() {
            problem = Some(format!("UNLOAD finished but no object appeared under `{location}`"));
        }
    }
    let diagnosis = failure(plan, &outcome);
    let passed = outcome.succeeded() && problem.is_none();
    Ok(TestReport {
        mode: "round_trip",
        location: Some(location),
        statements: test.statements,
        outcome,
        passed,
        problem,
        diagnosis,
        cleanup: Some(cleanup),
    })
}

/// Redshift says only "not authorized to assume IAM Role <the string as written>" when the
/// statement's own chain is wrong (a space after a comma, another order, a partial chain): the
/// statement tells which, so the diagnosis can be certain.
fn refine_for_statement(plan: &Plan, sql: &str, diagnosis: Diagnosis) -> Diagnosis {
    if diagnosis.code != "RB101" {
        return diagnosis;
    }
    let authorization = match redbridge_sql::parse_statement(sql) {
        Ok(redbridge_sql::Statement::Copy(copy)) => copy.authorization,
        Ok(redbridge_sql::Statement::Unload(unload)) => unload.authorization,
        Err(_) => None,
    };
    let written = authorization.map(|a| a.iam_roles()).unwrap_or_default();
    let planned: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
    let fixed = planned.join(",");
    let meaning = if written.iter().any(|role| role.trim() != role) {
        format!(
            "the statement's IAM_ROLE string has a space around a comma, so Redshift looks for a role named with it; write `IAM_ROLE '{fixed}'`"
        )
    } else if !written.is_empty() && written != planned {
        format!(
            "the statement's chain `{}` is not the plan's (order, a missing hop, or other roles); write `IAM_ROLE '{fixed}'`",
            written.join(",")
        )
    } else {
        return diagnosis;
    };
    let code = FindingCode::StatementChainWrong;
    Diagnosis { code: code.as_str(), title: code.meaning(), hop: Hop::Statement.label(), meaning, certain: true }
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

/// The report for people.
pub fn render_text(report: &TestReport) -> String {
    let mut out = String::new();
    if let Some(location) = &report.location {
        let _ = writeln!(out, "round trip through `{location}`");
    }
    for (index, statement) in report.statements.iter().enumerate() {
        let _ = writeln!(out, "  {}. {statement}", index + 1);
    }
    match &report.outcome {
        RunOutcome::Finished { rows_affected, .. } => {
            let rows = rows_affected.map(|r| format!(" ({r} row(s))")).unwrap_or_default();
            let _ = writeln!(out, "✓ finished{rows}");
        }
        RunOutcome::Failed { statement, error, .. } => {
            let which = statement.map(|s| format!(" at statement {}", s + 1)).unwrap_or_default();
            let _ = writeln!(out, "✗ failed{which}: {error}");
        }
        RunOutcome::Aborted { id } => {
            let _ = writeln!(out, "✗ aborted (statement `{id}`)");
        }
        RunOutcome::TimedOut { id, last_status, cancelled } => {
            let _ = writeln!(
                out,
                "✗ timed out while `{last_status}` (statement `{id}`){}",
                if *cancelled { "; cancelled" } else { "" }
            );
        }
    }
    if let Some(diagnosis) = &report.diagnosis {
        let _ = writeln!(out, "  error[{}] at {}: {}", diagnosis.code, diagnosis.hop, diagnosis.title);
        let _ = writeln!(out, "    {}", diagnosis.meaning);
        if !diagnosis.certain {
            let _ = writeln!(
                out,
                "    the text fits more than one hop: run `redbridge doctor` with the same flags to tell which"
            );
        }
    }
    if let Some(problem) = &report.problem {
        let _ = writeln!(out, "✗ {problem}");
    }
    if let Some(cleanup) = &report.cleanup {
        let _ = writeln!(out, "cleanup: deleted {} object(s) the test wrote", cleanup.deleted.len());
        if let Some(problem) = &cleanup.problem {
            let _ = writeln!(out, "cleanup: {problem}");
        }
    }
    let _ = writeln!(out, "{}", if report.passed { "passed" } else { "failed" });
    out
}

/// Where statements run and as whom, from the spec and flags.
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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = args.spec.resolve()?;
    let plan = Plan::new(&spec).map_err(|e| anyhow::anyhow!("cannot plan this spec: {e}"))?;
    if args.sql.as_deref().is_some_and(|s| s.trim().is_empty()) {
        anyhow::bail!("`--sql` is empty");
    }
    let settings = TestSettings {
        target: data_target(&plan, args.secret_arn.as_deref()),
        database: args.database.clone(),
        sql: args.sql.clone(),
        poll: PollSettings { timeout: Duration::from_secs(args.timeout), ..PollSettings::default() },
        unique: unique_name(),
    };
    crate::apply::init_tracing();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    let interactive = std::io::stderr().is_terminal() && args.output == OutputFormat::Text;
    let progress = move |event: &DataEvent| match event {
        DataEvent::Submitted { id } => eprintln!("submitted `{id}`"),
        DataEvent::Status { status, statement, waited_ms } => {
            let which = statement.map(|(n, total)| format!(" (statement {n} of {total})")).unwrap_or_default();
            eprintln!("{}{which} after {:.1}s", status.to_ascii_lowercase(), *waited_ms as f64 / 1000.0);
        }
        DataEvent::Throttled { operation, delay_ms } => {
            if interactive {
                eprintln!("`{operation}` throttled; retrying in {:.1}s", *delay_ms as f64 / 1000.0);
            }
        }
    };
    let report = runtime.block_on(async {
        let redshift_config = config::load(&AccountSettings {
            profile: args.redshift_profile.clone(),
            region: Some(spec.region.clone()),
        })
        .await;
        let data = SdkRedshiftData::from_conf(&redshift_config);
        let s3_config = config::load(&AccountSettings {
            profile: args.s3_profile.clone().or_else(|| {
                (spec.s3_account == spec.redshift_account).then(|| args.redshift_profile.clone()).flatten()
            }),
            region: Some(spec.bucket_region.clone()),
        })
        .await;
        let s3 = redbridge_aws::sdk::SdkS3::from_conf(&s3_config, config::s3_endpoint_overridden(&s3_config));
        run_test(&plan, &data, Some(&s3), &settings, &TokioSleeper, &progress).await
    })?;
    match args.output {
        OutputFormat::Text => print!("{}", render_text(&report)),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(test)]
mod tests {
    use redbridge_aws::apply_engine::NoSleep;
    use redbridge_aws::fake::{FakeAws, FakeOutcome, FakeStatement};
    use redbridge_core::Spec;

    use super::*;

    fn plan(access: &str) -> Plan {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
                .unwrap();
        let mut spec = Spec::from_toml(&text).unwrap();
        spec.access = redbridge_core::spec::Access::parse(access).unwrap();
        Plan::new(&spec).unwrap()
    }

    fn settings(plan: &Plan) -> TestSettings {
        TestSettings {
            target: data_target(plan, None),
            database: "dev".into(),
            sql: None,
            poll: PollSettings { interval: Duration::from_secs(1), timeout: Duration::from_secs(30), max_attempts: 3 },
            unique: "redbridge-test-1".into(),
        }
    }

    fn world(plan: &Plan) -> FakeAws {
        let aws = FakeAws::new();
        aws.seed_bucket(plan.spec.bucket.as_str(), plan.spec.bucket_region.clone(), None);
        // Someone else's object under the spec's prefix: the test must leave it.
        let base = plan.spec.prefixes.first().cloned().unwrap_or_default();
        aws.edit(|s| {
            s.objects
                .entry(plan.spec.bucket.to_string())
                .or_default()
                .insert(format!("{base}keep-me.csv"), b"x".to_vec());
        });
        aws
    }

    fn run_on(plan: &Plan, aws: &FakeAws, settings: &TestSettings) -> TestReport {
        let data = aws.redshift();
        let s3 = aws.account(plan.spec.s3_account);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(run_test(plan, &data, Some(&s3), settings, &NoSleep::default(), &|_| {})).unwrap()
    }

    fn objects(aws: &FakeAws) -> Vec<String> {
        aws.state().objects.values().flat_map(|o| o.keys().cloned()).collect()
    }

    #[test]
    fn the_round_trip_is_one_batch_with_the_chain_key_and_fresh_prefix() {
        let plan = plan("both");
        let test = round_trip(&plan, "redbridge-test-1").unwrap();
        let chain = plan.chain.to_string();
        assert_eq!(test.statements.len(), 6, "{:#?}", test.statements);
        assert!(test.statements[0].starts_with("CREATE TEMP TABLE redbridge_test_source"));
        let unload = &test.statements[2];
        assert!(unload.starts_with("UNLOAD ('SELECT marker FROM redbridge_test_source')"), "{unload}");
        assert!(
            unload.contains(&format!("TO 's3://{}/{}redbridge-test-1/part_'", plan.spec.bucket, plan.spec.prefixes[0])),
            "{unload}"
        );
        assert!(unload.contains(&format!("IAM_ROLE '{chain}'")), "{unload}");
        assert!(unload.contains("KMS_KEY_ID") && unload.contains("ENCRYPTED"), "{unload}");
        assert!(test.statements[4].starts_with("COPY redbridge_test_target FROM"), "{}", test.statements[4]);
        assert_eq!(test.statements[5], "SELECT COUNT(*) FROM redbridge_test_target WHERE marker = 'redbridge-test-1'");
        for statement in &test.statements[2..=4] {
            let reports = redbridge_sql::lint(statement, &redbridge_core::statements::lint_context(&plan.spec));
            let errors: Vec<_> = reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .filter(|d| d.severity == redbridge_sql::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{statement}: {errors:?}");
        }
    }

    #[test]
    fn a_passing_round_trip_deletes_only_what_it_wrote() {
        let plan = plan("both");
        let aws = world(&plan);
        aws.script_statement(FakeStatement {
            running_polls: 3,
            outcome: FakeOutcome::Finished { records: vec![vec![Some("1".into())]] },
        });
        let report = run_on(&plan, &aws, &settings(&plan));
        assert!(report.passed, "{}", render_text(&report));
        let submitted = aws.submitted_sql();
        assert_eq!(submitted.len(), 1, "one batch: the temporary tables share its session");
        assert_eq!(submitted[0], report.statements);
        let cleanup = report.cleanup.clone().unwrap();
        assert_eq!(cleanup.deleted, [format!("{}redbridge-test-1/part_0000_part_00", plan.spec.prefixes[0])]);
        assert_eq!(objects(&aws), [format!("{}keep-me.csv", plan.spec.prefixes[0])], "the foreign object stays");
        assert!(
            render_text(&report).ends_with("cleanup: deleted 1 object(s) the test wrote\npassed\n"),
            "{}",
            render_text(&report)
        );
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
        aws.script_statement(FakeStatement {
            running_polls: 1,
            outcome: FakeOutcome::Failed { at: 2, error: error.clone() },
        });
        let report = run_on(&plan, &aws, &settings(&plan));
        assert!(!report.passed);
        let diagnosis = report.diagnosis.clone().unwrap();
        assert_eq!(diagnosis.code, "RB131");
        assert_eq!(diagnosis.hop, format!("{role} → S3"));
        let text = render_text(&report);
        assert!(text.contains("✗ failed at statement 3: S3ServiceException"), "{text}");
        assert!(text.contains(&format!("error[RB131] at {role} → S3")), "{text}");
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        assert_eq!(json["outcome"]["outcome"], "failed");
        assert_eq!(json["diagnosis"]["code"], "RB131");
        assert_eq!(objects(&aws).len(), 1, "only the foreign object");
    }

    #[test]
    fn first_hop_errors_point_at_the_attachment_and_the_service() {
        let plan = plan("both");
        let first = plan.chain.first().to_string();
        let assume = redbridge_core::doctor::classify(&format!(
            "User arn:aws:redshift:eu-west-1:1:dbuser:c/u is not authorized to assume IAM Role {first}"
        ));
        assert_eq!(diagnose(&plan, &assume).hop, "attachment");
        let chain: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
        let spaced = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, chain.join(", "));
        let refined = refine_for_statement(&plan, &spaced, diagnose(&plan, &assume));
        assert_eq!((refined.code, refined.hop.as_str(), refined.certain), ("RB181", "statement", true));
        assert!(refined.meaning.contains(&format!("IAM_ROLE '{}'", chain.join(","))), "{}", refined.meaning);
        let reversed: Vec<String> = chain.iter().rev().cloned().collect();
        let reversed = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, reversed.join(","));
        assert_eq!(refine_for_statement(&plan, &reversed, diagnose(&plan, &assume)).code, "RB181");
        let right = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, chain.join(","));
        assert_eq!(
            refine_for_statement(&plan, &right, diagnose(&plan, &assume)).code,
            "RB101",
            "a right chain stays RB101"
        );
        let credentials =
            redbridge_core::doctor::classify(&format!("Not authorized to get credentials of role {first}"));
        let diagnosis = diagnose(&plan, &credentials);
        assert_eq!((diagnosis.code, diagnosis.certain), ("RB111", false));
        assert_eq!(diagnosis.hop, format!("Redshift → {}", plan.chain.first().name()));
    }

    #[test]
    fn timeout_and_abort_fail_the_test() {
        let plan = plan("both");
        let aws = world(&plan);
        aws.script_statement(FakeStatement {
            running_polls: 1000,
            outcome: FakeOutcome::Finished { records: Vec::new() },
        });
        let report = run_on(&plan, &aws, &settings(&plan));
        assert!(matches!(report.outcome, RunOutcome::TimedOut { cancelled: true, .. }), "{:?}", report.outcome);
        assert!(render_text(&report).contains("✗ timed out while `STARTED`"));
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
        assert!(report.passed, "{}", render_text(&report));
        assert_eq!(report.statements.len(), 3);
        assert!(aws.calls().iter().any(|c| c.starts_with("s3:PutObject")));
        assert_eq!(report.cleanup.unwrap().deleted.len(), 1);
        assert_eq!(objects(&aws).len(), 1);
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
        let settings =
            TestSettings { sql: Some("COPY t FROM 's3://nope/x' IAM_ROLE default".into()), ..settings(&plan) };
        let report = run_on(&plan, &aws, &settings);
        assert_eq!(report.mode, "sql");
        assert_eq!(report.diagnosis.unwrap().code, "RB153");
        assert!(report.cleanup.is_none(), "`--sql` deletes nothing");
        assert_eq!(objects(&aws).len(), 1);
    }
}
