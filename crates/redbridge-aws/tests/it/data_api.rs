//! Data API runs through the SDK adapter against aws-smithy-mocks: the status sequence to
//! FINISHED with rows, FAILED with every error text of the reference (classified into doctor's
//! codes, with the failing statement of a batch), ABORTED, throttling and the timeout.

use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_redshiftdata::operation::batch_execute_statement::BatchExecuteStatementOutput;
use aws_sdk_redshiftdata::operation::cancel_statement::CancelStatementOutput;
use aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput;
use aws_sdk_redshiftdata::operation::execute_statement::ExecuteStatementOutput;
use aws_sdk_redshiftdata::operation::get_statement_result::GetStatementResultOutput;
use aws_sdk_redshiftdata::types::{Field, StatementStatusString, StatusString, SubStatementData};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::apply_engine::NoSleep;
use redbridge_aws::data_api::{DataEvent, PollSettings, RunOutcome, run};
use redbridge_aws::ports::DataTarget;
use redbridge_aws::sdk::SdkRedshiftData;
use redbridge_core::doctor::FindingCode;

use crate::block_on;

/// Every Redshift error text in the reference, with the code doctor gives it.
pub const ERROR_TEXTS: &[(&str, FindingCode)] = &[
    (
        "User arn:aws:redshift:eu-west-1:111111111111:dbuser:analytics/etl is not authorized to assume IAM Role arn:aws:iam::111111111111:role/redbridge-analytics",
        FindingCode::FirstRoleNotAttached,
    ),
    (
        "Not authorized to get credentials of role arn:aws:iam::111111111111:role/redbridge-analytics",
        FindingCode::ServiceNotTrusted,
    ),
    ("UnauthorizedException, error type : 135", FindingCode::ServiceNotTrusted),
    (
        "User etl does not have ASSUMEROLE permission on IAM role \"arn:aws:iam::111111111111:role/redbridge-analytics,arn:aws:iam::222222222222:role/redbridge-acme-exports\" for COPY",
        FindingCode::AssumeRolePrivilegeMissing,
    ),
    ("S3ServiceException:Access Denied,Status 403,Error AccessDenied", FindingCode::S3PermissionMissing),
    (
        "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/redbridge-acme-exports/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::acme-exports/unload/x with an explicit deny in a resource-based policy",
        FindingCode::S3ExplicitDeny,
    ),
    (
        "S3ServiceException:The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.,Status 301,Error PermanentRedirect",
        FindingCode::BucketRegionDiffers,
    ),
    (
        "S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket",
        FindingCode::BucketMissing,
    ),
    ("The specified S3 prefix 'unload/redbridge-test-1/' does not exist", FindingCode::CopySourceEmpty),
    (
        "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.",
        FindingCode::UnloadTargetNotEmpty,
    ),
];

fn describe(status: StatusString) -> DescribeStatementOutput {
    DescribeStatementOutput::builder().id("s-1").status(status).build().unwrap()
}

fn settings() -> PollSettings {
    PollSettings { interval: Duration::from_secs(1), timeout: Duration::from_secs(10), max_attempts: 4 }
}

fn workgroup() -> DataTarget {
    DataTarget::Workgroup { workgroup: "analytics-wg".into() }
}

/// Runs `sqls` and returns the outcome with every progress event.
fn run_recorded(
    data: &SdkRedshiftData,
    sqls: &[&str],
    settings: PollSettings,
) -> (Result<RunOutcome, AwsError>, Vec<DataEvent>, Vec<Duration>) {
    let events = Mutex::new(Vec::new());
    let sleeper = NoSleep::default();
    let sqls: Vec<String> = sqls.iter().map(|s| (*s).to_owned()).collect();
    let outcome = block_on(run(data, &workgroup(), "dev", &sqls, &settings, &sleeper, &|e| {
        events.lock().unwrap().push(e.clone())
    }));
    (outcome, events.into_inner().unwrap(), sleeper.waits())
}

fn statuses(events: &[DataEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            DataEvent::Status { status, .. } => Some(status.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn submitted_picked_started_finished_with_rows() {
    let execute = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .match_requests(|r| r.workgroup_name() == Some("analytics-wg") && r.sql() == Some("select 1"))
        .then_output(|| ExecuteStatementOutput::builder().id("s-1").build());
    let poll = mock!(aws_sdk_redshiftdata::Client::describe_statement)
        .sequence()
        .output(|| describe(StatusString::Submitted))
        .output(|| describe(StatusString::Picked))
        .output(|| describe(StatusString::Started))
        .times(2)
        .output(|| {
            DescribeStatementOutput::builder()
                .id("s-1")
                .status(StatusString::Finished)
                .has_result_set(true)
                .result_rows(1)
                .build()
                .unwrap()
        })
        .build();
    let result = mock!(aws_sdk_redshiftdata::Client::get_statement_result)
        .match_requests(|r| r.id() == Some("s-1"))
        .then_output(|| GetStatementResultOutput::builder().records(vec![Field::LongValue(1)]).build().unwrap());
    let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&execute, &poll, &result]));
    let (outcome, events, waits) = run_recorded(&data, &["select 1"], settings());
    assert_eq!(
        outcome.unwrap(),
        RunOutcome::Finished { id: "s-1".into(), rows_affected: Some(1), records: vec![vec![Some("1".into())]] }
    );
    assert_eq!(events[0], DataEvent::Submitted { id: "s-1".into() });
    assert_eq!(
        statuses(&events),
        ["SUBMITTED", "PICKED", "STARTED", "FINISHED"],
        "a status is reported once, when it changes"
    );
    assert_eq!(waits.len(), 4, "one wait between two polls");
    assert_eq!(poll.num_calls(), 5);
}

fn failed_batch(error: &'static str) -> aws_smithy_mocks::Rule {
    mock!(aws_sdk_redshiftdata::Client::describe_statement).then_output(move || {
        let sub = |n: usize, status: StatementStatusString, error: Option<&str>| {
            SubStatementData::builder()
                .id(format!("b-1:{n}"))
                .status(status)
                .set_error(error.map(str::to_owned))
                .build()
                .unwrap()
        };
        DescribeStatementOutput::builder()
            .id("b-1")
            .status(StatusString::Failed)
            .error(error)
            .sub_statements(sub(1, StatementStatusString::Finished, None))
            .sub_statements(sub(2, StatementStatusString::Failed, Some(error)))
            .sub_statements(sub(3, StatementStatusString::Aborted, None))
            .build()
            .unwrap()
    })
}

#[test]
fn failed_with_every_reference_error_text_is_classified_and_names_the_statement() {
    for (text, code) in ERROR_TEXTS {
        let batch = mock!(aws_sdk_redshiftdata::Client::batch_execute_statement)
            .match_requests(|r| r.sqls().len() == 3 && r.workgroup_name() == Some("analytics-wg"))
            .then_output(|| BatchExecuteStatementOutput::builder().id("b-1").build());
        let poll = failed_batch(text);
        let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&batch, &poll]));
        let (outcome, _, _) = run_recorded(&data, &["create temp table t (c int)", "unload …", "copy …"], settings());
        match outcome.unwrap() {
            RunOutcome::Failed { id, statement, error, classification } => {
                assert_eq!(id, "b-1");
                assert_eq!(statement, Some(1), "the second statement failed");
                assert_eq!(error, *text);
                assert_eq!(classification.code, *code, "{text}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn aborted_is_reported_as_aborted() {
    let execute = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .then_output(|| ExecuteStatementOutput::builder().id("s-1").build());
    let poll = mock!(aws_sdk_redshiftdata::Client::describe_statement)
        .sequence()
        .output(|| describe(StatusString::Started))
        .output(|| describe(StatusString::Aborted))
        .build();
    let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&execute, &poll]));
    let (outcome, events, _) = run_recorded(&data, &["select 1"], settings());
    assert_eq!(outcome.unwrap(), RunOutcome::Aborted { id: "s-1".into() });
    assert_eq!(statuses(&events), ["STARTED", "ABORTED"]);
}

fn throttling() -> (u16, Option<String>) {
    (400, Some("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}".into()))
}

#[test]
fn throttling_is_retried_with_backoff_then_mapped_when_it_persists() {
    let retry = aws_smithy_types::retry::RetryConfig::disabled();
    let execute = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .then_output(|| ExecuteStatementOutput::builder().id("s-1").build());
    let (status, body) = throttling();
    let poll = mock!(aws_sdk_redshiftdata::Client::describe_statement)
        .sequence()
        .http_status(status, body.clone())
        .times(2)
        .output(|| describe(StatusString::Finished))
        .build();
    let data =
        SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&execute, &poll], |c| c
            .retry_config(retry.clone())));
    let (outcome, events, waits) = run_recorded(&data, &["select 1"], settings());
    assert!(outcome.unwrap().succeeded());
    let throttled: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            DataEvent::Throttled { delay_ms, .. } => Some(*delay_ms),
            _ => None,
        })
        .collect();
    assert_eq!(throttled, [1000, 2000], "exponential backoff from the poll interval");
    assert_eq!(waits, [Duration::from_secs(1), Duration::from_secs(2)]);

    let always = mock!(aws_sdk_redshiftdata::Client::execute_statement).then_http_response(move || {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
            aws_smithy_types::body::SdkBody::from(
                "{\"__type\":\"ActiveStatementsExceededException\",\"message\":\"too many\"}",
            ),
        )
    });
    let data = SdkRedshiftData::new(
        mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&always], |c| c.retry_config(retry.clone()))
    );
    let (outcome, _, waits) = run_recorded(&data, &["select 1"], settings());
    assert!(matches!(outcome, Err(AwsError::Throttled { .. })), "{outcome:?}");
    assert_eq!(always.num_calls(), 4, "max_attempts");
    assert_eq!(waits.len(), 3);
}

#[test]
fn timeout_cancels_the_statement_and_says_where_it_was() {
    let execute = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .then_output(|| ExecuteStatementOutput::builder().id("s-1").build());
    let poll = mock!(aws_sdk_redshiftdata::Client::describe_statement).then_output(|| describe(StatusString::Started));
    let cancel = mock!(aws_sdk_redshiftdata::Client::cancel_statement)
        .match_requests(|r| r.id() == Some("s-1"))
        .then_output(|| CancelStatementOutput::builder().status(true).build());
    let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&execute, &poll, &cancel]));
    let settings = PollSettings { interval: Duration::from_secs(2), timeout: Duration::from_secs(6), max_attempts: 2 };
    let (outcome, _, waits) = run_recorded(&data, &["select 1"], settings);
    assert_eq!(
        outcome.unwrap(),
        RunOutcome::TimedOut { id: "s-1".into(), last_status: "STARTED".into(), cancelled: true }
    );
    assert_eq!(waits, [Duration::from_secs(2); 3], "waits until the timeout, not beyond");
    assert_eq!(cancel.num_calls(), 1);
}

#[test]
fn a_batch_reports_which_statement_runs_and_fetches_the_last_result() {
    let batch = mock!(aws_sdk_redshiftdata::Client::batch_execute_statement)
        .then_output(|| BatchExecuteStatementOutput::builder().id("b-1").build());
    let sub = |n: usize, status: StatementStatusString, rows: bool| {
        SubStatementData::builder().id(format!("b-1:{n}")).status(status).has_result_set(rows).build().unwrap()
    };
    let poll = mock!(aws_sdk_redshiftdata::Client::describe_statement)
        .sequence()
        .output(move || {
            DescribeStatementOutput::builder()
                .id("b-1")
                .status(StatusString::Started)
                .sub_statements(sub(1, StatementStatusString::Finished, false))
                .sub_statements(sub(2, StatementStatusString::Started, false))
                .build()
                .unwrap()
        })
        .output(move || {
            DescribeStatementOutput::builder()
                .id("b-1")
                .status(StatusString::Finished)
                .sub_statements(sub(1, StatementStatusString::Finished, false))
                .sub_statements(sub(2, StatementStatusString::Finished, true))
                .build()
                .unwrap()
        })
        .build();
    let result = mock!(aws_sdk_redshiftdata::Client::get_statement_result)
        .match_requests(|r| r.id() == Some("b-1:2"))
        .then_output(|| GetStatementResultOutput::builder().records(vec![Field::LongValue(1)]).build().unwrap());
    let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&batch, &poll, &result]));
    let (outcome, events, _) =
        run_recorded(&data, &["create temp table t (c int)", "select count(*) from t"], settings());
    let RunOutcome::Finished { records, .. } = outcome.unwrap() else { panic!() };
    assert_eq!(records, vec![vec![Some("1".to_owned())]]);
    assert!(
        events.contains(&DataEvent::Status { status: "STARTED".into(), statement: Some((2, 2)), waited_ms: 0 }),
        "{events:?}"
    );
}
