//! The fake Redshift Data API: scripted statements and batches (an UNLOAD writes an object),
//! polled through `SUBMITTED`, `PICKED`, `STARTED` to their scripted end.

use super::{FakeRedshift, World};
use crate::AwsError;
use crate::ports::{AwsResult, DataTarget, RedshiftData, StatementDetail, StatementState, SubStatement};

/// How a Data API statement submitted to the fake ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FakeOutcome {
    /// `FINISHED`, returning these rows from the last statement.
    Finished {
        /// The rows of the last (sub-)statement.
        records: Vec<Vec<Option<String>>>,
    },
    /// `FAILED` at the statement of this index (0-based; always 0 for a single statement).
    Failed {
        /// Which sub-statement fails.
        at: usize,
        /// Redshift's error text.
        error: String,
    },
    /// `ABORTED`.
    Aborted,
}

/// A scripted Data API statement: how many polls it stays running, then how it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeStatement {
    /// Polls answered `SUBMITTED`, `PICKED`, then `STARTED` before the outcome.
    pub running_polls: u32,
    /// The end.
    pub outcome: FakeOutcome,
}

/// A statement or batch the fake accepted, with its script and how often it was polled.
#[derive(Debug, Clone)]
pub(super) struct SubmittedStatement {
    pub(super) sqls: Vec<String>,
    batch: bool,
    polls: u32,
    script: FakeStatement,
    cancelled: bool,
}

impl FakeRedshift {
    /// Records a statement or batch; an UNLOAD writes one object at its `TO` location.
    fn submit(world: &mut World, sqls: Vec<String>, batch: bool) -> String {
        world.statements += 1;
        let id = format!("fake-statement-{}", world.statements);
        let script = world
            .scripts
            .pop_front()
            .unwrap_or(FakeStatement { running_polls: 0, outcome: FakeOutcome::Finished { records: Vec::new() } });
        let runs = match &script.outcome {
            FakeOutcome::Finished { .. } => sqls.len(),
            FakeOutcome::Failed { at, .. } => *at,
            FakeOutcome::Aborted => 0,
        };
        for sql in sqls.iter().take(runs) {
            if let Some((bucket, key)) = unload_location(sql) {
                let body = format!("written by {id}\n").into_bytes();
                world.state.objects.entry(bucket).or_default().insert(format!("{key}0000_part_00"), body);
            }
        }
        world.submitted.insert(id.clone(), SubmittedStatement { sqls, batch, polls: 0, script, cancelled: false });
        id
    }

    fn detail(world: &mut World, id: &str) -> AwsResult<StatementDetail> {
        let submitted =
            world.submitted.get_mut(id).ok_or_else(|| AwsError::not_found(format!("Query does not exist: {id}")))?;
        submitted.polls += 1;
        let running = !submitted.cancelled && submitted.polls <= submitted.script.running_polls;
        let (status, state) = if submitted.cancelled {
            ("ABORTED", StatementState::Aborted)
        } else if running {
            let status = match submitted.polls {
                1 => "SUBMITTED",
                2 => "PICKED",
                _ => "STARTED",
            };
            (status, StatementState::Running)
        } else {
            match &submitted.script.outcome {
                FakeOutcome::Finished { records } => {
                    ("FINISHED", StatementState::Finished { rows: Some(records.len() as i64) })
                }
                FakeOutcome::Failed { error, .. } => ("FAILED", StatementState::Failed { error: error.clone() }),
                FakeOutcome::Aborted => ("ABORTED", StatementState::Aborted),
            }
        };
        let last = submitted.sqls.len().saturating_sub(1);
        let has_rows = |index: usize| {
            index == last && submitted.sqls[index].trim_start().to_ascii_uppercase().starts_with("SELECT")
        };
        let sub_statements = if submitted.batch {
            submitted
                .sqls
                .iter()
                .enumerate()
                .map(|(index, _)| {
                    let (status, error) = match (&state, &submitted.script.outcome) {
                        (StatementState::Running, _) => (status.to_owned(), None),
                        (StatementState::Failed { error }, FakeOutcome::Failed { at, .. }) => match index.cmp(at) {
                            std::cmp::Ordering::Less => ("FINISHED".to_owned(), None),
                            std::cmp::Ordering::Equal => ("FAILED".to_owned(), Some(error.clone())),
                            std::cmp::Ordering::Greater => ("ABORTED".to_owned(), None),
                        },
                        (StatementState::Finished { .. }, _) => ("FINISHED".to_owned(), None),
                        _ => ("ABORTED".to_owned(), None),
                    };
                    SubStatement {
                        id: format!("{id}:{}", index + 1),
                        status,
                        error,
                        result_rows: None,
                        has_result_set: has_rows(index),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let has_result_set = matches!(state, StatementState::Finished { .. }) && !submitted.batch && has_rows(0);
        Ok(StatementDetail { status: status.to_owned(), state, has_result_set, sub_statements })
    }
}

/// The bucket and key an `UNLOAD (…) TO 's3://bucket/key'` writes to.
fn unload_location(sql: &str) -> Option<(String, String)> {
    if !sql.trim_start().to_ascii_uppercase().starts_with("UNLOAD") {
        return None;
    }
    let start = sql.find("'s3://")? + "'s3://".len();
    let rest = &sql[start..];
    let end = rest.find('\'')?;
    let (bucket, key) = rest[..end].split_once('/').unwrap_or((&rest[..end], ""));
    Some((bucket.to_owned(), key.to_owned()))
}

impl RedshiftData for FakeRedshift {
    async fn execute_statement(&self, target: &DataTarget, _database: &str, sql: &str) -> AwsResult<String> {
        let mut world = self.call("redshift-data:ExecuteStatement", target.name()).await?;
        Ok(Self::submit(&mut world, vec![sql.to_owned()], false))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        let mut world = self.call("redshift-data:DescribeStatement", id).await?;
        Ok(Self::detail(&mut world, id)?.state)
    }

    async fn batch_execute_statement(
        &self,
        target: &DataTarget,
        _database: &str,
        sqls: &[String],
    ) -> AwsResult<String> {
        let mut world = self.call("redshift-data:BatchExecuteStatement", target.name()).await?;
        if sqls.is_empty() {
            return Err(AwsError::Invalid {
                code: "ValidationException".into(),
                message: "Sqls must not be empty".into(),
            });
        }
        Ok(Self::submit(&mut world, sqls.to_vec(), true))
    }

    async fn statement_detail(&self, id: &str) -> AwsResult<StatementDetail> {
        let mut world = self.call("redshift-data:DescribeStatement", id).await?;
        Self::detail(&mut world, id)
    }

    async fn get_statement_result(&self, id: &str) -> AwsResult<Vec<Vec<Option<String>>>> {
        let world = self.call("redshift-data:GetStatementResult", id).await?;
        let base = id.split(':').next().unwrap_or(id);
        match world.submitted.get(base).map(|s| &s.script.outcome) {
            Some(FakeOutcome::Finished { records }) => Ok(records.clone()),
            Some(_) => Err(AwsError::Invalid {
                code: "ValidationException".into(),
                message: "Query does not have result. Please check query status with DescribeStatement.".into(),
            }),
            None => Err(AwsError::not_found(format!("Query does not exist: {id}"))),
        }
    }

    async fn cancel_statement(&self, id: &str) -> AwsResult<bool> {
        let mut world = self.call("redshift-data:CancelStatement", id).await?;
        let submitted =
            world.submitted.get_mut(id).ok_or_else(|| AwsError::not_found(format!("Query does not exist: {id}")))?;
        let running = !submitted.cancelled && submitted.polls < submitted.script.running_polls;
        if running {
            submitted.cancelled = true;
        }
        Ok(running)
    }
}
