//! A Data API statement's run: SUBMITTED → PICKED → STARTED, then each SQL text in its session
//! within its timeout and cancel flag, to FINISHED, FAILED or ABORTED.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use redbridge_aws::ports::Connect;

use crate::api::data::Target;
use crate::api::data_secret::SecretLogin;
use crate::db_identity;
use crate::db_login::LoginTarget;
use crate::sql_engine::{self, ExecContext, Session};
use crate::sql_pool::Budget;
use crate::state::{self, Service};

/// Moves a statement to `status` unless it was cancelled; returns whether it may go on.
fn advance<C: Connect>(service: &Service<C>, id: &str, status: &'static str) -> bool {
    let mut registry = service.registry();
    let Some(record) = registry.statements.get_mut(id) else { return false };
    if record.finished() {
        return false;
    }
    record.status = status;
    record.updated = SystemTime::now();
    true
}

/// Runs a statement to its end.
pub(crate) async fn run<C: Connect>(service: Arc<Service<C>>, id: String) {
    let step = service.config.statement_step_delay;
    tokio::time::sleep(step).await;
    if !advance(&service, &id, "PICKED") {
        return;
    }
    tokio::time::sleep(step).await;
    if !advance(&service, &id, "STARTED") {
        return;
    }
    tokio::time::sleep(step).await;
    let Some(context) = context_for(&service, &id) else { return };
    let (sqls, is_batch, auto_commit, database) = {
        let registry = service.registry();
        let Some(record) = registry.statements.get(&id) else { return };
        let sqls = record.subs.iter().map(|s| s.sql.clone()).collect::<Vec<_>>();
        (sqls, record.is_batch, record.auto_commit, record.database.clone())
    };
    let (mut context, db_user) = match context {
        Ok(context) => context,
        Err(error) => return finish(&service, &id, Some(error)),
    };
    // The session waits for its turn on the database (see `state::Database`) within its
    // cancel flag and the emulator's cap: Redshift's statement_timeout counts queueing too.
    let waiting_since = Instant::now();
    let turn = Arc::clone(&context.session_turn);
    let waiting = stop_on_cancel(&context.budget, async { Ok(turn.lock_owned().await) });
    let deadline = Session::default()
        .effective_timeout(service.config.statement_timeout)
        .and_then(|t| waiting_since.checked_add(t));
    let turn = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline.into(), waiting)
            .await
            .unwrap_or_else(|_| Err(crate::texts::statement_timeout(crate::time::next_number() as i64))),
        None => waiting.await,
    };
    let _turn = match turn {
        Ok(turn) => turn,
        // Cancelled: CancelStatement already marked the statement ABORTED.
        Err(_) if context.budget.cancelled.load(Ordering::SeqCst) => return,
        Err(text) => return finish(&service, &id, Some(format!("ERROR: {text}"))),
    };
    // Every statement runs in a transaction that commits only if the statement ends FINISHED, so a
    // cancelled one leaves nothing behind: a batch as one transaction ("By default, the SQL
    // statements are run as a single transaction. If any SQL statement fails, all work is rolled
    // back"), with `ExecutionMode` `AUTO_COMMIT` each statement in its own ("each SQL statement is
    // committed individually": API_BatchExecuteStatement; statements after a failure do not run,
    // as in a transaction batch, since the page does not say they do); a single statement in its
    // own, unless it is itself transaction control.
    let in_transaction = !is_transaction_control(&sqls[0]) || is_batch;
    if in_transaction {
        let _ = sql_engine::run_plain(&service, &context, "BEGIN").await;
    }
    let mut session = Session::default();
    let mut failure = None;
    for (index, sql) in sqls.iter().enumerate() {
        let started = Instant::now();
        let query_id = crate::time::next_number() as i64;
        {
            let mut registry = service.registry();
            let Some(record) = registry.statements.get_mut(&id) else { return };
            if record.finished() {
                failure = Some(None);
                break;
            }
            record.subs[index].status = "STARTED";
            record.subs[index].updated = SystemTime::now();
            record.subs[index].query_id = query_id;
        }
        // Redshift's statement_timeout counts from the statement's start, queueing included
        // (https://docs.aws.amazon.com/redshift/latest/dg/r_statement_timeout.html).
        let deadline = session.effective_timeout(service.config.statement_timeout).and_then(|t| started.checked_add(t));
        context.budget.deadline = deadline;
        context.query_id = query_id;
        // Who the session is (`select current_user`, …) is answered as the wire protocol answers it.
        let identity = crate::wire::catalog::identity(sql, &db_user, &database);
        let outcome = if let Some(result) = identity {
            Ok(sql_engine::Done {
                result_rows: i64::try_from(result.rows.len()).unwrap_or(i64::MAX),
                result: Some(result),
            })
        } else {
            let running = stop_on_cancel(&context.budget, sql_engine::execute(&service, &context, &mut session, sql));
            match deadline {
                // The SQLite parts stop themselves at the deadline; this also bounds COPY's and
                // UNLOAD's S3 work.
                Some(deadline) => tokio::time::timeout_at(deadline.into(), running)
                    .await
                    .unwrap_or_else(|_| Err(crate::texts::statement_timeout(query_id))),
                None => running.await,
            }
        };
        let cancelled = context.budget.cancelled.load(Ordering::SeqCst);
        if auto_commit && outcome.is_ok() && !cancelled && index + 1 < sqls.len() {
            // Each statement but the last commits here; the last below, with the end claimed.
            let _ = sql_engine::run_plain(&service, &context, "COMMIT").await;
            let _ = sql_engine::run_plain(&service, &context, "BEGIN").await;
        }
        let mut registry = service.registry();
        let Some(record) = registry.statements.get_mut(&id) else { return };
        let sub = &mut record.subs[index];
        sub.updated = SystemTime::now();
        sub.duration_ns = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        if cancelled {
            // CancelStatement already marked the statement and its unfinished parts ABORTED.
            failure = Some(None);
            break;
        }
        match outcome {
            Ok(done) => {
                sub.status = "FINISHED";
                sub.result_rows = done.result_rows;
                sub.result_size = done
                    .result
                    .as_ref()
                    .map_or(0, |r| i64::try_from(sql_engine::result_json_size(r)).unwrap_or(i64::MAX));
                sub.result = done.result;
            }
            Err(text) => {
                let text = format!("ERROR: {text}");
                sub.status = "FAILED";
                sub.error = Some(text.clone());
                for later in record.subs.iter_mut().skip(index + 1) {
                    later.status = "ABORTED";
                }
                failure = Some(Some(text));
                break;
            }
        }
    }
    // The end is claimed under the registry's lock before committing: a CancelStatement after it
    // finds the statement FINISHED and is refused, one before it made it ABORTED and it rolls back.
    let committed = failure.is_none() && claim_finished(&service, &id, &context.budget);
    if in_transaction {
        let _ = sql_engine::run_plain(&service, &context, if committed { "COMMIT" } else { "ROLLBACK" }).await;
    }
    let _ = sql_engine::end_session(&service, &context).await;
    if let Some(Some(text)) = failure {
        finish(&service, &id, Some(text));
    }
}

/// Whether `sql` is transaction control (`BEGIN`, `START TRANSACTION`, `COMMIT`, `END`,
/// `ROLLBACK`, `ABORT`), which a single statement runs without a transaction of its own.
fn is_transaction_control(sql: &str) -> bool {
    let first = sql.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default();
    ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"].iter().any(|k| k.eq_ignore_ascii_case(first))
}

/// Marks the statement FINISHED unless it was cancelled or already ended; returns whether it did.
fn claim_finished<C: Connect>(service: &Service<C>, id: &str, budget: &Budget) -> bool {
    let mut registry = service.registry();
    match registry.statements.get_mut(id) {
        Some(record) if !record.finished() && !budget.cancelled.load(Ordering::SeqCst) => {
            record.status = "FINISHED";
            record.updated = SystemTime::now();
            true
        }
        _ => false,
    }
}

/// How often a running statement's async work (COPY's and UNLOAD's S3 calls) looks at its
/// cancel flag; its SQLite work is interrupted by the progress handler instead.
const CANCEL_POLL: std::time::Duration = std::time::Duration::from_millis(10);

/// Drops `work` once CancelStatement sets the flag, so COPY's and UNLOAD's S3 work stops too.
async fn stop_on_cancel<T>(
    budget: &Budget,
    work: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    let cancelled = async {
        while !budget.cancelled.load(Ordering::SeqCst) {
            tokio::time::sleep(CANCEL_POLL).await;
        }
    };
    tokio::select! {
        outcome = work => outcome,
        () = cancelled => Err("query cancelled on user's request".to_owned()),
    }
}

fn finish<C: Connect>(service: &Service<C>, id: &str, error: Option<String>) {
    let mut registry = service.registry();
    let Some(record) = registry.statements.get_mut(id) else { return };
    if record.finished() {
        return;
    }
    record.updated = SystemTime::now();
    match error {
        Some(text) => {
            record.status = "FAILED";
            if let Some(first) =
                record.subs.iter_mut().find(|s| s.status != "FINISHED" && s.status != "FAILED" && s.status != "ABORTED")
            {
                first.status = "FAILED";
                first.error = Some(text.clone());
            }
            record.error = Some(text);
        }
        None => record.status = "FINISHED",
    }
}

/// The database user a `SecretArn` logged in as (`None` without one), or the statement's
/// failure when the database refused the login: `FATAL: password authentication failed for user
/// "x"`, the wire protocol's text behind the severity Redshift gives it (see
/// [`crate::api::data_secret`] for why it fails the statement and not the call).
fn secret_user(record: &crate::api::data::StatementRecord) -> Result<Option<String>, String> {
    match &record.secret_login {
        None => Ok(None),
        Some(SecretLogin::User(user)) => Ok(Some(user.clone())),
        Some(SecretLogin::Refused(user)) => Err(format!("FATAL: {}", crate::texts::password_failed(user))),
    }
}

/// The execution context of a statement (its database, user's ARN and target) and its database
/// user; `Err` with the statement's whole error text.
fn context_for<C: Connect>(service: &Service<C>, id: &str) -> Option<Result<(ExecContext, String), String>> {
    let mut registry = service.registry();
    let record = registry.statements.get(id)?.clone();
    let account = record.account.clone();
    let region = record.region.clone();
    let (database_key, db_user_arn, serverless, db_user) = match &record.target {
        Target::Cluster(c) => {
            let Some(cluster) = registry.clusters.get(&state::key(&account, &region, c)) else {
                return Some(Err(format!("ERROR: cluster `{c}` was deleted")));
            };
            // `DbUser`, else the secret's user, else the caller's IAM identity; as the root, the
            // master user.
            let user = match secret_user(&record) {
                Err(text) => return Some(Err(text)),
                Ok(secret) => record
                    .db_user
                    .clone()
                    .or(secret)
                    .or_else(|| record.iam_db_user.clone())
                    .unwrap_or_else(|| cluster.master_username.clone()),
            };
            let target = LoginTarget::Cluster(state::key(&account, &region, c));
            let arn = match db_identity::db_user_arn(&registry, &target, &user) {
                Ok(arn) => arn,
                Err(error) => return Some(Err(format!("ERROR: {error}"))),
            };
            (state::cluster_database(&account, &region, c), arn, false, user)
        }
        Target::Workgroup(w) => {
            let Some(workgroup) = registry.workgroups.get(&state::key(&account, &region, w)) else {
                return Some(Err(format!("ERROR: workgroup `{w}` was deleted")));
            };
            let admin = registry
                .namespaces
                .get(&state::key(&account, &region, &workgroup.namespace))
                .map(|n| n.admin_username.clone())
                .unwrap_or_else(|| "admin".to_owned());
            // The secret's user, else the caller's IAM identity; as the root, the admin user.
            let user = match secret_user(&record) {
                Err(text) => return Some(Err(text)),
                Ok(secret) => secret.or_else(|| record.iam_db_user.clone()).unwrap_or(admin),
            };
            let target = LoginTarget::Workgroup(state::key(&account, &region, w));
            let arn = match db_identity::db_user_arn(&registry, &target, &user) {
                Ok(arn) => arn,
                Err(error) => return Some(Err(format!("ERROR: {error}"))),
            };
            (state::workgroup_database(&account, &region, w), arn, true, user)
        }
    };
    let database = match registry.database(&database_key) {
        Ok(db) => db,
        Err(e) => return Some(Err(format!("ERROR: {}", e.message))),
    };
    let context = ExecContext {
        account,
        region,
        target: record.target.clone(),
        db_user_arn,
        serverless,
        database: database.connection,
        grants: database.grants,
        session_turn: database.session_turn,
        budget: Budget { cancelled: Arc::clone(&record.cancelled), deadline: None },
        query_id: 0,
        result_size_limit: service.config.result_size_limit,
    };
    Some(Ok((context, db_user)))
}
