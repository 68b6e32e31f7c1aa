//! `redbridge test`: prove the chain with real statements through the Redshift Data API: the
//! round trip (UNLOAD a marker row with the plan's chain, COPY it back, count it, delete what
//! it wrote), in the spec's format (CSV, text, JSON, Parquet), or one statement of the user's (`--sql`), with a failure diagnosed in doctor's
//! codes and hops, refined by reading both accounts as doctor does (only when it fails). The
//! statements and the diagnosis are `redbridge_core::round_trip`; running them and the cleanup
//! is `redbridge_aws::round_trip_run::run_test`, the reading `refine_by_reading`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use redbridge_aws::apply_engine::TokioSleeper;
use redbridge_aws::config::{self, AccountSettings};
use redbridge_aws::data_api::{DataEvent, PollSettings};
use redbridge_aws::round_trip_run::{TestError, TestSettings, data_target, fresh_name, refine_by_reading, run_test};
use redbridge_aws::sdk::SdkRedshiftData;

use crate::accounts::{Profiles, live_ports};
use crate::exit;
use crate::output::{self, OutputFormat};
use crate::render;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge test`.
#[derive(Debug, clap::Args)]
#[command(after_help = after_help())]
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
    #[arg(long, short, value_enum, default_value_t)]
    pub output: OutputFormat,
}

fn after_help() -> String {
    let examples = exit::after_help(
        &[
            "redbridge test --spec examples/serverless-unload-kms.toml",
            "redbridge test --spec examples/provisioned-copy.toml --sql 'SELECT 1' -o json",
        ],
        &[
            (exit::SUCCESS, "the round trip (or `--sql`) succeeded"),
            (exit::FINDINGS, "it failed, was aborted or timed out (the report names the hop)"),
        ],
    );
    format!(
        "Runs as the spec's first `--db-user` (provisioned), as `--secret-arn`, or as the caller's IAM identity.\n\n\
         The round trip UNLOADs and COPYs in the spec's `format`; a COPY-only chain first writes its marker object in \
         that format with `--s3-profile` (for `parquet`, a fixed one-row file).\n\n{examples}"
    )
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let plan = args.spec.plan()?;
    let spec = &plan.spec;
    if args.sql.as_deref().is_some_and(|s| s.trim().is_empty()) {
        anyhow::bail!("`--sql` is empty");
    }
    let settings = TestSettings {
        target: data_target(&plan, args.secret_arn.as_deref()),
        database: args.database.clone(),
        sql: args.sql.clone(),
        poll: PollSettings { timeout: Duration::from_secs(args.timeout), ..PollSettings::default() },
        unique: fresh_name(),
    };
    crate::logging::init();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    let interactive = std::io::stderr().is_terminal() && args.output == OutputFormat::Text;
    let progress = move |event: &DataEvent| match event {
        DataEvent::Submitted { id } => crate::output::note(&format!("submitted `{id}`")),
        DataEvent::Status { status, statement, waited_ms } => {
            let which = statement.map(|(n, total)| format!(" (statement {n} of {total})")).unwrap_or_default();
            crate::output::note(&format!(
                "{}{which} after {:.1}s",
                status.to_ascii_lowercase(),
                *waited_ms as f64 / 1000.0
            ));
        }
        DataEvent::Throttled { operation, delay_ms } => {
            if interactive {
                crate::output::note(&format!("`{operation}` throttled; retrying in {:.1}s", *delay_ms as f64 / 1000.0));
            }
        }
    };
    let report = runtime
        .block_on(async {
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
            let report = run_test(&plan, &data, Some(&s3), &settings, &TokioSleeper, &progress).await?;
            if report.diagnosis.is_none() {
                return Ok(report);
            }
            // Redshift's text names the hop but not why: read both accounts as doctor does.
            crate::output::note("reading both accounts as `redbridge doctor` does, to name the cause");
            let profiles =
                Profiles { redshift: args.redshift_profile.as_deref(), s3: args.s3_profile.as_deref(), hops: &[] };
            let (ports, s3) = live_ports(spec, profiles).await;
            Ok(refine_by_reading(&plan, report, &ports, Some(&s3)).await)
        })
        .map_err(test_error)?;
    match args.output {
        OutputFormat::Text => output::print_styled(&render::test_report(&report), render::test_style)?,
        OutputFormat::Json => output::print(&output::json_document(&report)?)?,
    }
    Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(exit::FINDINGS) })
}

/// A test that could not run: AWS failing or refusing is a runtime error (exit 4), the rest
/// (no round trip in this plan, such as Parquet COPY across regions; no bucket profile) is the
/// user's input (exit 2).
fn test_error(error: TestError) -> anyhow::Error {
    match error {
        TestError::Statement { .. } | TestError::Statements { .. } | TestError::MarkerObject { .. } => {
            anyhow::Error::new(exit::RuntimeError(error.to_string()))
        }
        other => anyhow::Error::new(other),
    }
}

#[cfg(test)]
mod tests {
    use redbridge_aws::apply_engine::NoSleep;
    use redbridge_aws::fake::{FakeAws, FakeOutcome, FakeStatement};
    use redbridge_aws::round_trip_run::TestReport;
    use redbridge_core::doctor::FindingCode;
    use redbridge_core::round_trip::{Diagnosis, DoctorReading};
    use redbridge_core::{DataFormat, Plan, Spec};

    use super::*;

    /// Runs the round trip of the example over the fakes, with one scripted outcome.
    fn report_of(outcome: FakeOutcome, running_polls: u32) -> (Plan, TestReport) {
        report_in(DataFormat::Csv, "unload", outcome, running_polls)
    }

    /// Runs the round trip of the example in `format` with `access` over the fakes, with one
    /// scripted outcome.
    fn report_in(format: DataFormat, access: &str, outcome: FakeOutcome, running_polls: u32) -> (Plan, TestReport) {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
                .unwrap();
        let mut spec = Spec::from_toml(&text).unwrap();
        spec.format = format;
        spec.access = redbridge_core::spec::Access::parse(access).unwrap();
        let plan = Plan::new(&spec).unwrap();
        let aws = FakeAws::new();
        aws.seed_bucket(plan.spec.bucket.as_str(), plan.spec.bucket_region.clone(), None);
        aws.script_statement(FakeStatement { running_polls, outcome });
        let settings = TestSettings {
            poll: PollSettings { interval: Duration::from_secs(1), timeout: Duration::from_secs(30), max_attempts: 3 },
            ..TestSettings::new(data_target(&plan, None), "redbridge-test-1")
        };
        let s3 = aws.account(plan.spec.s3_account);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let report = runtime
            .block_on(run_test(&plan, &aws.redshift(), Some(&s3), &settings, &NoSleep::default(), &|_| {}))
            .unwrap();
        (plan, report)
    }

    #[test]
    fn a_passing_round_trip_reads_as_the_statements_then_the_cleanup() {
        let (plan, report) = report_of(FakeOutcome::Finished { records: vec![vec![Some("1".into())]] }, 3);
        let text = render::test_report(&report);
        let location = format!("s3://{}/{}redbridge-test-1/", plan.spec.bucket, plan.spec.prefixes[0]);
        assert!(
            text.starts_with(&format!("round trip through `{location}` in `csv`\n  1. CREATE TEMP TABLE")),
            "{text}"
        );
        assert!(text.ends_with("cleanup: deleted 1 object(s) the test wrote\npassed\n"), "{text}");
    }

    /// A Parquet round trip names its format in the heading and in JSON, and its statements
    /// UNLOAD and COPY as Parquet.
    #[test]
    fn a_parquet_round_trip_names_its_format_in_text_and_json() {
        let (_, report) =
            report_in(DataFormat::Parquet, "both", FakeOutcome::Finished { records: vec![vec![Some("1".into())]] }, 0);
        let text = render::test_report(&report);
        let heading = text.lines().next().unwrap();
        assert!(heading.starts_with("round trip through `s3://") && heading.ends_with("/` in `parquet`"), "{text}");
        assert_eq!(render::test_style(heading), Some(crate::color::styles::HEADING));
        assert!(text.contains("FORMAT AS PARQUET KMS_KEY_ID"), "{text}");
        assert!(text.lines().any(|l| l.starts_with("  5. COPY ") && l.ends_with("FORMAT AS PARQUET")), "{text}");
        let json = output::json_document(&report).unwrap();
        crate::commands::schema_check::assert_matches_schema("test.schema.json", &json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format"], "parquet");
        assert_eq!(value["passed"], true);
    }

    #[test]
    fn a_failure_reads_with_its_statement_code_and_hop() {
        let (plan, _) = report_of(FakeOutcome::Aborted, 0);
        let role = plan.chain.last().name().to_owned();
        let error = format!(
            "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/{role}/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::{}/x",
            plan.spec.bucket
        );
        let (_, report) = report_of(FakeOutcome::Failed { at: 2, error }, 1);
        let text = render::test_report(&report);
        assert!(text.contains("✗ failed at statement 3: S3ServiceException"), "{text}");
        assert!(text.contains(&format!("error[RB131] at {role} → S3")), "{text}");
        assert!(text.ends_with("failed\n"), "{text}");
        let (_, report) = report_of(FakeOutcome::Finished { records: Vec::new() }, 1000);
        assert!(render::test_report(&report).contains("✗ timed out while `STARTED`"));
    }

    #[test]
    fn json_of_a_pass_a_failure_an_abort_and_a_timeout_matches_the_schema() {
        let (plan, _) = report_of(FakeOutcome::Aborted, 0);
        let error = format!(
            "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/{}/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::{}/x",
            plan.chain.last().name(),
            plan.spec.bucket
        );
        let outcomes = [
            (FakeOutcome::Finished { records: vec![vec![Some("1".into())]] }, 3, "finished"),
            (FakeOutcome::Failed { at: 2, error }, 1, "failed"),
            (FakeOutcome::Aborted, 0, "aborted"),
            (FakeOutcome::Finished { records: Vec::new() }, 1000, "timed_out"),
        ];
        for (outcome, polls, expected) in outcomes {
            let (_, report) = report_of(outcome, polls);
            let json = output::json_document(&report).unwrap();
            crate::commands::schema_check::assert_matches_schema("test.schema.json", &json);
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["schema_version"], 1);
            assert_eq!(value["outcome"]["outcome"], expected, "{json}");
        }
    }

    /// A failed round trip whose diagnosis doctor's reading refined to the boundary, and one it
    /// could not refine.
    fn refined_and_unrefined() -> (TestReport, TestReport) {
        let (plan, _) = report_of(FakeOutcome::Aborted, 0);
        let error = "S3ServiceException:Access Denied,Status 403,Error AccessDenied".to_owned();
        let (_, failed) = report_of(FakeOutcome::Failed { at: 2, error }, 0);
        let text_only = failed.diagnosis.clone().unwrap();
        let role = plan.chain.last().name().to_owned();
        let code = FindingCode::PermissionsBoundaryDenies;
        let refined = Diagnosis {
            code,
            title: code.meaning(),
            meaning: format!("the permissions boundary of `{role}` does not allow `s3:PutObject`"),
            certain: true,
            fix: Some(format!("allow `s3:PutObject` in the permissions boundary of `{role}`")),
            evidence: vec![format!("redshift's text alone: `{}` at `{}`", text_only.code, text_only.hop)],
            from_text: Some(text_only.code),
            doctor: Some(DoctorReading { refined: true, reason: None }),
            ..text_only.clone()
        };
        let unrefined = text_only.unrefined("doctor's reading of the accounts finds nothing wrong on the hop");
        (TestReport { diagnosis: Some(refined), ..failed.clone() }, TestReport { diagnosis: Some(unrefined), ..failed })
    }

    #[test]
    fn a_refined_diagnosis_reads_with_doctors_code_fix_and_the_texts_own_code() {
        let (refined, unrefined) = refined_and_unrefined();
        let text = render::test_report(&refined);
        assert!(text.contains("  error[RB185] at "), "{text}");
        assert!(text.contains("\n    evidence: redshift's text alone: `RB131` at "), "{text}");
        assert!(text.contains("\n    fix: allow `s3:PutObject` in the permissions boundary of "), "{text}");
        assert!(!text.contains("doctor's reading did not"), "{text}");
        let text = render::test_report(&unrefined);
        assert!(text.contains("  error[RB131] at "), "{text}");
        assert!(
            text.contains("\n    doctor's reading did not name the cause: doctor's reading of the accounts finds nothing wrong on the hop\n"),
            "{text}"
        );
    }

    #[test]
    fn json_of_a_refined_and_an_unrefined_diagnosis_matches_the_schema() {
        let (refined, unrefined) = refined_and_unrefined();
        let json = output::json_document(&refined).unwrap();
        crate::commands::schema_check::assert_matches_schema("test.schema.json", &json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["diagnosis"]["code"], "RB185");
        assert_eq!(value["diagnosis"]["from_text"], "RB131");
        assert_eq!(value["diagnosis"]["doctor"], serde_json::json!({"refined": true}));
        let json = output::json_document(&unrefined).unwrap();
        crate::commands::schema_check::assert_matches_schema("test.schema.json", &json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["diagnosis"]["doctor"]["refined"], false);
        assert!(value["diagnosis"].get("from_text").is_none(), "{json}");
    }
}
