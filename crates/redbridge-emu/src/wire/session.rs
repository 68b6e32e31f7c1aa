//! A wire connection's session: its database user (whose ARN is every hop's `sts:ExternalId`),
//! its settings and its transaction block, and how one statement runs in it on
//! [`crate::sql_engine::execute`].
//!
//! Outside a block each statement runs in a transaction of its own (autocommit, as Redshift
//! does): it commits if the statement succeeds and rolls back if it fails, so a failed COPY leaves
//! nothing. `BEGIN` opens a block; a statement that fails in it puts the session in PostgreSQL's
//! aborted state, where every statement but `ROLLBACK`/`ABORT` (and `COMMIT`/`END`, which roll
//! back) is refused with `current transaction is aborted, commands ignored until end of
//! transaction block` (25P02) — a failed COPY too ("If any error occurs during the COPY, the
//! whole transaction is rolled back" is the Data API's single-transaction rule; over the wire it
//! is PostgreSQL's).
//!
//! The database of a cluster or workgroup is one SQLite connection shared with the Data API, so
//! a session holds the database's session turn (`state::Database::session_turn`) for one
//! statement outside a block and for the whole block inside one.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use redbridge_aws::ports::Connect;

use crate::api::data::Target;
use crate::db_login::LoginTarget;
use crate::sql_engine::{self, Done, ExecContext};
use crate::sql_gate::TransactionControl;
use crate::sql_pool::Budget;
use crate::state::{self, Service};

use super::catalog::{self, Answer};
use super::sqlstate;

/// What one statement answered.
#[derive(Debug)]
pub(super) enum Outcome {
    /// Rows and the command tag's verb (pgwire adds the row count).
    Rows(sql_engine::ResultSet, String),
    /// A command's tag.
    Command(String),
    /// A block began (`BEGIN`).
    Began,
    /// A block ended, with `COMMIT` or `ROLLBACK` as its tag.
    Ended(&'static str),
    /// An error, as the engine worded it.
    Failed(Box<pgwire::error::ErrorInfo>),
}

/// An open transaction block.
struct Block {
    /// The database's session turn, held until the block ends.
    turn: tokio::sync::OwnedMutexGuard<()>,
    /// Whether a statement failed in it.
    aborted: bool,
}

/// A connection's session, from authentication to disconnection.
pub(super) struct WireSession {
    pub user: String,
    pub database: String,
    /// `arn:aws:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER` or the serverless form.
    pub db_user_arn: String,
    settings: catalog::Settings,
    engine: sql_engine::Session,
    block: Option<Block>,
}

impl std::fmt::Debug for WireSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireSession")
            .field("user", &self.user)
            .field("db_user_arn", &self.db_user_arn)
            .field("in_block", &self.block.is_some())
            .finish_non_exhaustive()
    }
}

impl WireSession {
    pub fn new(user: String, database: String, db_user_arn: String) -> Self {
        Self {
            user,
            database,
            db_user_arn,
            settings: catalog::Settings::default(),
            engine: sql_engine::Session::default(),
            block: None,
        }
    }

    /// Whether a block is open.
    pub fn in_block(&self) -> bool {
        self.block.is_some()
    }

    /// Runs one statement (parameters already bound).
    pub async fn run<C: Connect>(&mut self, service: &Arc<Service<C>>, target: &LoginTarget, sql: &str) -> Outcome {
        let control = crate::sql_gate::transaction_control(sql);
        if self.block.as_ref().is_some_and(|b| b.aborted) {
            return match control {
                Some(TransactionControl::Commit | TransactionControl::Rollback) => {
                    self.end_block(service, target, false).await;
                    Outcome::Ended("ROLLBACK")
                }
                _ => Outcome::Failed(sqlstate::error("25P02", sqlstate::ABORTED.to_owned())),
            };
        }
        match control {
            // PostgreSQL warns and goes on for a BEGIN in a block and a COMMIT or ROLLBACK outside one.
            Some(TransactionControl::Begin) if self.block.is_some() => Outcome::Began,
            Some(TransactionControl::Begin) => match self.begin(service, target).await {
                Ok(()) => Outcome::Began,
                Err(text) => Outcome::Failed(sqlstate::of_text(&text)),
            },
            Some(TransactionControl::Commit) => {
                let committed = self.end_block(service, target, true).await;
                Outcome::Ended(if committed { "COMMIT" } else { "ROLLBACK" })
            }
            Some(TransactionControl::Rollback) => {
                self.end_block(service, target, false).await;
                Outcome::Ended("ROLLBACK")
            }
            None => self.statement(service, target, sql).await,
        }
    }

    /// Opens a block: waits for the database's turn and begins a transaction.
    async fn begin<C: Connect>(&mut self, service: &Arc<Service<C>>, target: &LoginTarget) -> Result<(), String> {
        let context = self.context(service, target)?;
        let turn = Arc::clone(&context.session_turn).lock_owned().await;
        sql_engine::run_plain(service, &context, "BEGIN").await?;
        self.block = Some(Block { turn, aborted: false });
        Ok(())
    }

    /// Ends the block (if any), committing when asked and it did not fail; returns whether it
    /// committed.
    pub async fn end_block<C: Connect>(
        &mut self,
        service: &Arc<Service<C>>,
        target: &LoginTarget,
        commit: bool,
    ) -> bool {
        let Some(block) = self.block.take() else { return commit };
        let Ok(context) = self.context(service, target) else { return false };
        let committed = commit && !block.aborted && sql_engine::run_plain(service, &context, "COMMIT").await.is_ok();
        if !committed {
            let _ = sql_engine::run_plain(service, &context, "ROLLBACK").await;
        }
        drop(block.turn);
        committed
    }

    /// Runs a statement that is not transaction control.
    async fn statement<C: Connect>(&mut self, service: &Arc<Service<C>>, target: &LoginTarget, sql: &str) -> Outcome {
        match catalog::answer(sql, &mut self.settings, &self.user, &self.database) {
            Some(Ok(Answer::Rows(result))) => return Outcome::Rows(result, "SELECT".to_owned()),
            Some(Ok(Answer::Command(tag))) => return Outcome::Command(tag.to_owned()),
            Some(Err(text)) => return self.failed(&text),
            None => {}
        }
        let context = match self.context(service, target) {
            Ok(context) => context,
            Err(text) => return self.failed(&text),
        };
        let outcome = if self.block.is_some() {
            self.execute(service, &context, sql).await
        } else {
            // Autocommit: the statement in a transaction of its own, within the database's turn.
            let _turn = Arc::clone(&context.session_turn).lock_owned().await;
            let plain = crate::sql_gate::admit(sql).is_ok_and(|a| {
                !matches!(a, crate::sql_gate::Admitted::Set { .. } | crate::sql_gate::Admitted::Show(_))
            });
            if plain {
                let _ = sql_engine::run_plain(service, &context, "BEGIN").await;
            }
            let outcome = self.execute(service, &context, sql).await;
            if plain {
                let end = if outcome.is_ok() { "COMMIT" } else { "ROLLBACK" };
                let _ = sql_engine::run_plain(service, &context, end).await;
            }
            outcome
        };
        match outcome {
            Ok(done) => done_outcome(sql, done),
            Err(text) => self.failed(&text),
        }
    }

    /// The engine's run of `sql`, within the session's statement timeout.
    async fn execute<C: Connect>(
        &mut self,
        service: &Arc<Service<C>>,
        context: &ExecContext,
        sql: &str,
    ) -> Result<Done, String> {
        let started = Instant::now();
        let mut context = context.clone();
        let deadline =
            self.engine.effective_timeout(service.config.statement_timeout).and_then(|t| started.checked_add(t));
        context.budget.deadline = deadline;
        let running = sql_engine::execute(service, &context, &mut self.engine, sql);
        match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), running)
                .await
                .unwrap_or_else(|_| Err(crate::texts::statement_timeout(context.query_id))),
            None => running.await,
        }
    }

    /// A failure: in a block, the block is aborted.
    fn failed(&mut self, text: &str) -> Outcome {
        if let Some(block) = self.block.as_mut() {
            block.aborted = true;
        }
        Outcome::Failed(sqlstate::of_text(text))
    }

    /// Where and as whom the statement runs.
    fn context<C: Connect>(&self, service: &Service<C>, target: &LoginTarget) -> Result<ExecContext, String> {
        let (key, exec_target, database_key, serverless) = match target {
            LoginTarget::Cluster(key) => {
                let (account, region, name) = key;
                (key, Target::Cluster(name.clone()), state::cluster_database(account, region, name), false)
            }
            LoginTarget::Workgroup(key) => {
                let (account, region, name) = key;
                (key, Target::Workgroup(name.clone()), state::workgroup_database(account, region, name), true)
            }
        };
        let mut registry = service.registry();
        let exists = match target {
            LoginTarget::Cluster(key) => registry.clusters.contains_key(key),
            LoginTarget::Workgroup(key) => registry.workgroups.contains_key(key),
        };
        if !exists {
            return Err(format!("`{}` was deleted", key.2));
        }
        let database = registry.database(&database_key).map_err(|e| e.message)?;
        Ok(ExecContext {
            account: key.0.clone(),
            region: key.1.clone(),
            target: exec_target,
            db_user_arn: self.db_user_arn.clone(),
            serverless,
            database: database.connection,
            grants: database.grants,
            session_turn: database.session_turn,
            budget: Budget { cancelled: Arc::new(AtomicBool::new(false)), deadline: None },
            query_id: crate::time::next_number() as i64,
            result_size_limit: service.config.result_size_limit,
        })
    }
}

/// The outcome of a statement the engine ran, with Redshift's command tag: `SELECT n`,
/// `INSERT 0 n`, `UPDATE n`, `DELETE n`, `CREATE TABLE`, … and `COPY` and `UNLOAD` without a
/// count. Redshift's server is PostgreSQL 8.0.2, whose `COPY` tag has no count (the count came
/// with PostgreSQL 8.2: <https://www.postgresql.org/docs/8.2/release-8-2.html>), and
/// redshift_connector reads a count only from `INSERT`, `DELETE`, `UPDATE` and `MOVE` below
/// server version 8.2 (`_commands_with_count` in its `core.py`); `UNLOAD` likewise.
fn done_outcome(sql: &str, done: Done) -> Outcome {
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(3)
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first().map(String::as_str).unwrap_or_default();
    let second = words.get(1).map(String::as_str).unwrap_or_default();
    let count = done.result_rows.max(0);
    if let Some(result) = done.result {
        // pgwire adds the row count to a result's tag.
        let tag = if first == "SHOW" { "SHOW" } else { "SELECT" };
        return Outcome::Rows(result, tag.to_owned());
    }
    let tag = match first {
        "INSERT" => format!("INSERT 0 {count}"),
        "UPDATE" | "DELETE" => format!("{first} {count}"),
        "TRUNCATE" => "TRUNCATE TABLE".to_owned(),
        "CREATE" | "DROP" => {
            let what = if matches!(second, "TEMP" | "TEMPORARY") { "TABLE" } else { second };
            format!("{first} {what}")
        }
        "COPY" | "UNLOAD" | "SET" | "RESET" => first.to_owned(),
        other => other.to_owned(),
    };
    Outcome::Command(tag)
}
