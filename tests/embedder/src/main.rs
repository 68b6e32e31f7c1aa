//! An application that embeds redbridge and brings its own Redshift client: it depends on
//! `redbridge-aws` with `default-features = false` (no AWS SDK is compiled), implements the
//! [`RedshiftData`] port over its client, and runs the plan's COPY through redbridge's Data API
//! runner, which polls, retries and classifies a failure into doctor's finding codes.
//!
//! The client here is a stand-in (it answers from memory, as an application's own HTTP client,
//! proxy or test double would answer from its service). `cargo xtask check-docs` builds this
//! package alone, checks its dependency tree and runs it.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use redbridge_aws::AwsError;
use redbridge_aws::apply_engine::TokioSleeper;
use redbridge_aws::data_api::{self, PollSettings, RunOutcome};
use redbridge_aws::ports::{AwsResult, DataTarget, RedshiftData, StatementDetail, StatementState};
use redbridge_aws::round_trip_run::data_target;
use redbridge_core::doctor::FindingCode;
use redbridge_core::{Plan, Spec};

/// The application's own client for its warehouse gateway: statements are submitted and polled
/// by ticket. A statement naming `RoleB` fails the way Redshift fails when a role's trust refuses it.
#[derive(Debug, Default)]
struct GatewayClient {
    /// Ticket to (SQL, polls left before it ends).
    tickets: Mutex<BTreeMap<String, (String, u32)>>,
}

impl GatewayClient {
    fn submit(&self, sql: &str) -> String {
        let mut tickets = self.tickets.lock().expect("tickets");
        let ticket = format!("ticket-{}", tickets.len() + 1);
        tickets.insert(ticket.clone(), (sql.to_owned(), 1));
        ticket
    }

    /// `None` while running, then the error text of a failure or `Some(None)` when done.
    fn poll(&self, ticket: &str) -> Option<Option<Option<String>>> {
        let mut tickets = self.tickets.lock().expect("tickets");
        let (sql, polls_left) = tickets.get_mut(ticket)?;
        if *polls_left > 0 {
            *polls_left -= 1;
            return Some(None);
        }
        let error = sql
            .contains("role/RoleB")
            .then(|| "Not authorized to get credentials of role arn:aws:iam::111111111111:role/RoleB".to_owned());
        Some(Some(error))
    }
}

/// The [`RedshiftData`] port over the application's client: what redbridge needs of it.
#[derive(Debug, Default)]
struct GatewayData {
    client: GatewayClient,
}

impl GatewayData {
    fn state(&self, id: &str) -> AwsResult<StatementState> {
        match self.client.poll(id) {
            None => Err(AwsError::not_found(format!("no statement `{id}`"))),
            Some(None) => Ok(StatementState::Running),
            Some(Some(None)) => Ok(StatementState::Finished { rows: Some(0) }),
            Some(Some(Some(error))) => Ok(StatementState::Failed { error }),
        }
    }
}

impl RedshiftData for GatewayData {
    async fn execute_statement(&self, _target: &DataTarget, _database: &str, sql: &str) -> AwsResult<String> {
        Ok(self.client.submit(sql))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        self.state(id)
    }

    async fn batch_execute_statement(
        &self,
        _target: &DataTarget,
        _database: &str,
        sqls: &[String],
    ) -> AwsResult<String> {
        Ok(self.client.submit(&sqls.join(";\n")))
    }

    async fn statement_detail(&self, id: &str) -> AwsResult<StatementDetail> {
        let state = self.state(id)?;
        let status = match &state {
            StatementState::Running => "STARTED",
            StatementState::Finished { .. } => "FINISHED",
            StatementState::Failed { .. } => "FAILED",
            StatementState::Aborted => "ABORTED",
        };
        Ok(StatementDetail { status: status.to_owned(), state, has_result_set: false, sub_statements: Vec::new() })
    }

    async fn get_statement_result(&self, _id: &str) -> AwsResult<Vec<Vec<Option<String>>>> {
        Ok(Vec::new())
    }

    async fn cancel_statement(&self, _id: &str) -> AwsResult<bool> {
        Ok(false)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = Spec::from_toml(include_str!("../../../examples/provisioned-copy.toml"))?;
    let plan = Plan::new(&spec)?;
    let data = GatewayData::default();
    let target = data_target(&plan, None);
    let settings = PollSettings { interval: Duration::from_millis(10), ..PollSettings::default() };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    let run = |sql: &str| {
        let sqls = [sql.to_owned()];
        runtime.block_on(data_api::run(&data, &target, "dev", &sqls, &settings, &TokioSleeper, &|_| {}))
    };

    let copy = &plan.statements[0].sql;
    let outcome = run(copy)?;
    println!("the plan's COPY through the application's client: {outcome:?}");
    if !outcome.succeeded() {
        return Err("the plan's COPY did not finish".into());
    }

    let article = copy.replace(&plan.chain.first().to_string(), "arn:aws:iam::111111111111:role/RoleB");
    match run(&article)? {
        RunOutcome::Failed { classification, .. } if classification.code == FindingCode::ServiceNotTrusted => {
            println!("a COPY naming RoleB fails as {}: {}", classification.code, classification.meaning);
            Ok(())
        }
        other => Err(format!("a COPY naming RoleB should fail as RB111, got {other:?}").into()),
    }
}
