//! Running SQL through the Redshift Data API: submit one statement or a batch, poll
//! `DescribeStatement` (`SUBMITTED → PICKED → STARTED → FINISHED | FAILED | ABORTED`) with
//! progress, retry throttling, give up (and cancel) after a timeout, fetch the rows, and
//! classify a failure's error text into doctor's finding codes.
//!
//! Time goes through a [`Sleeper`], so tests never wait.

use std::future::Future;
use std::time::Duration;

use redbridge_core::doctor::{Classification, classify};
use serde::Serialize;

use crate::AwsError;
use crate::apply_engine::Sleeper;
use crate::ports::{AwsResult, DataTarget, RedshiftData, StatementDetail, StatementState};

/// How to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSettings {
    /// Time between two `DescribeStatement` calls.
    pub interval: Duration,
    /// Give up (and cancel the statement) after waiting this long.
    pub timeout: Duration,
    /// Attempts per call when AWS throttles.
    pub max_attempts: u32,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self { interval: Duration::from_millis(500), timeout: Duration::from_secs(300), max_attempts: 6 }
    }
}

/// What the poller tells the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DataEvent {
    /// The statement or batch was accepted.
    Submitted {
        /// Its id.
        id: String,
    },
    /// Its status changed.
    Status {
        /// `SUBMITTED`, `PICKED`, `STARTED`, …
        status: String,
        /// For a batch: the statement running now (1-based) and how many there are.
        statement: Option<(usize, usize)>,
        /// How long it has been waited for.
        waited_ms: u64,
    },
    /// AWS throttled a call; it is retried.
    Throttled {
        /// The call.
        operation: String,
        /// The wait before the next attempt.
        delay_ms: u64,
    },
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RunOutcome {
    /// Every statement finished.
    Finished {
        /// The statement or batch id.
        id: String,
        /// Rows affected by the (last) statement, when Redshift says.
        rows_affected: Option<i64>,
        /// The rows the last statement returned, if it returned any.
        records: Vec<Vec<Option<String>>>,
    },
    /// A statement failed.
    Failed {
        /// The statement or batch id.
        id: String,
        /// Which statement failed (0-based), when Redshift says.
        statement: Option<usize>,
        /// Redshift's error text.
        error: String,
        /// What the text means, in doctor's codes.
        classification: Classification,
    },
    /// Redshift aborted it (cancelled, or the session ended).
    Aborted {
        /// The statement or batch id.
        id: String,
    },
    /// Still running when the timeout came; a cancel was sent.
    TimedOut {
        /// The statement or batch id.
        id: String,
        /// The last status seen.
        last_status: String,
        /// Whether the cancel reached a running statement.
        cancelled: bool,
    },
}

impl RunOutcome {
    /// Whether every statement finished.
    pub fn succeeded(&self) -> bool {
        matches!(self, Self::Finished { .. })
    }
}

/// Calls `call`, retrying AWS throttling with exponential backoff (starting at the poll
/// interval) up to `settings.max_attempts` times.
async fn throttled<T, F, Fut, Z>(
    operation: &str,
    settings: &PollSettings,
    sleeper: &Z,
    progress: &(dyn Fn(&DataEvent) + Sync),
    mut call: F,
) -> AwsResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = AwsResult<T>>,
    Z: Sleeper,
{
    let mut delay = settings.interval.max(Duration::from_millis(100));
    let mut attempt = 1;
    loop {
        match call().await {
            Err(AwsError::Throttled { .. }) if attempt < settings.max_attempts => {
                progress(&DataEvent::Throttled { operation: operation.to_owned(), delay_ms: delay.as_millis() as u64 });
                sleeper.sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(20));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Runs `sqls` as one batch (one transaction, one session: temporary tables live from one
/// statement to the next) or, for a single statement, with `ExecuteStatement`, and waits for
/// the end.
pub async fn run<D, Z>(
    data: &D,
    target: &DataTarget,
    database: &str,
    sqls: &[String],
    settings: &PollSettings,
    sleeper: &Z,
    progress: &(dyn Fn(&DataEvent) + Sync),
) -> AwsResult<RunOutcome>
where
    D: RedshiftData,
    Z: Sleeper,
{
    let batch = sqls.len() > 1;
    let id = match sqls {
        [] => {
            return Err(AwsError::Invalid {
                code: "NoStatement".into(),
                message: "there is no statement to run".into(),
            });
        }
        [single] => {
            throttled("redshift-data:ExecuteStatement", settings, sleeper, progress, || {
                data.execute_statement(target, database, single)
            })
            .await?
        }
        _ => {
            throttled("redshift-data:BatchExecuteStatement", settings, sleeper, progress, || {
                data.batch_execute_statement(target, database, sqls)
            })
            .await?
        }
    };
    progress(&DataEvent::Submitted { id: id.clone() });
    let mut waited = Duration::ZERO;
    let mut last_seen = String::new();
    loop {
        let detail =
            throttled("redshift-data:DescribeStatement", settings, sleeper, progress, || data.statement_detail(&id))
                .await?;
        let running_statement = running_statement(&detail, batch);
        let seen = format!("{} {running_statement:?}", detail.status);
        if seen != last_seen {
            progress(&DataEvent::Status {
                status: detail.status.clone(),
                statement: running_statement,
                waited_ms: waited.as_millis() as u64,
            });
            last_seen = seen;
        }
        match &detail.state {
            StatementState::Running => {}
            StatementState::Finished { rows } => {
                let (result_id, rows_affected) = result_of(&id, &detail, *rows);
                let records = match result_id {
                    Some(result_id) => {
                        throttled("redshift-data:GetStatementResult", settings, sleeper, progress, || {
                            data.get_statement_result(&result_id)
                        })
                        .await?
                    }
                    None => Vec::new(),
                };
                return Ok(RunOutcome::Finished { id, rows_affected, records });
            }
            StatementState::Failed { error } => {
                let failed = detail.sub_statements.iter().position(|s| s.status == "FAILED");
                let error = failed
                    .and_then(|index| detail.sub_statements[index].error.clone())
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| error.clone());
                let classification = classify(&error);
                return Ok(RunOutcome::Failed { id, statement: failed, error, classification });
            }
            StatementState::Aborted => return Ok(RunOutcome::Aborted { id }),
        }
        if waited >= settings.timeout {
            // Best effort: the statement may have ended between the two calls.
            let cancelled = data.cancel_statement(&id).await.unwrap_or(false);
            return Ok(RunOutcome::TimedOut { id, last_status: detail.status, cancelled });
        }
        sleeper.sleep(settings.interval).await;
        waited += settings.interval;
    }
}

/// For a batch, the first statement not finished yet (1-based) and the count.
fn running_statement(detail: &StatementDetail, batch: bool) -> Option<(usize, usize)> {
    if !batch || detail.sub_statements.is_empty() {
        return None;
    }
    let total = detail.sub_statements.len();
    let current = detail.sub_statements.iter().position(|s| s.status != "FINISHED").unwrap_or(total - 1);
    Some((current + 1, total))
}

/// The id whose rows to fetch (the last statement's, when it returned rows) and the rows affected.
fn result_of(id: &str, detail: &StatementDetail, rows: Option<i64>) -> (Option<String>, Option<i64>) {
    match detail.sub_statements.last() {
        Some(last) => (last.has_result_set.then(|| last.id.clone()), last.result_rows.or(rows)),
        None => (detail.has_result_set.then(|| id.to_owned()), rows),
    }
}
