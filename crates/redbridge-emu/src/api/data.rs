//! The Redshift Data API (AWS JSON 1.1): statements run asynchronously, SUBMITTED → PICKED →
//! STARTED → FINISHED | FAILED | ABORTED, against the cluster's or workgroup's database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use serde_json::{Value, json};

use redbridge_aws::ports::Connect;

use crate::api::data_secret::{SecretLogin, secret_login};
use crate::api::serverless::Input;
use crate::caller::Caller;
use crate::caller_access::{Check, Shape, authorize};
use crate::db_identity;
use crate::error::ApiError;
use crate::sql_engine::{ResultSet, SqlValue};
use crate::state::{self, Service};

/// Where a statement runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Cluster(String),
    Workgroup(String),
}

/// One SQL text of a statement (a batch has several).
#[derive(Debug, Clone)]
pub(crate) struct SubStatement {
    pub sql: String,
    pub status: &'static str,
    pub error: Option<String>,
    pub result_rows: i64,
    /// "The size in bytes of the returned results"
    /// (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_DescribeStatement.html),
    /// counted as GetStatementResult's JSON carries them (roughly).
    pub result_size: i64,
    pub result: Option<ResultSet>,
    pub query_id: i64,
    pub created: SystemTime,
    pub updated: SystemTime,
    pub duration_ns: i64,
}

/// A statement and everything DescribeStatement tells about it.
#[derive(Debug, Clone)]
pub(crate) struct StatementRecord {
    pub id: String,
    pub account: String,
    pub region: String,
    pub target: Target,
    pub database: String,
    pub db_user: Option<String>,
    pub secret_arn: Option<String>,
    /// The database user of a caller that gave neither `DbUser` nor `SecretArn` (see
    /// [`crate::db_identity::iam_db_user`]).
    pub iam_db_user: Option<String>,
    /// With `SecretArn`: the secret's login, as the database took it (see
    /// [`crate::api::data_secret`]); never the password.
    pub secret_login: Option<SecretLogin>,
    pub statement_name: Option<String>,
    /// The submitter's `aws:userid`, for `redshift-data:statement-owner-iam-userid`.
    pub owner: String,
    /// The submitter's IAM role (its ARN for a user or the root), for ListStatements' `RoleLevel`.
    pub owner_role: String,
    /// `JSON` or `CSV`: which of GetStatementResult and GetStatementResultV2 reads the result.
    pub result_format: &'static str,
    /// A batch with `ExecutionMode` `AUTO_COMMIT`: each statement commits on its own.
    pub auto_commit: bool,
    pub is_batch: bool,
    pub status: &'static str,
    pub error: Option<String>,
    pub created: SystemTime,
    pub updated: SystemTime,
    pub pid: i64,
    pub subs: Vec<SubStatement>,
    /// Set by CancelStatement; SQLite's progress handler sees it and interrupts the running work.
    pub cancelled: Arc<AtomicBool>,
}

impl StatementRecord {
    pub(crate) fn finished(&self) -> bool {
        matches!(self.status, "FINISHED" | "FAILED" | "ABORTED")
    }

    /// Whether the statement ended `retention` or more before `now`: the Data API no longer
    /// has it (see [`crate::state::Registry::drop_expired_statements`]).
    pub(crate) fn expired(&self, now: SystemTime, retention: std::time::Duration) -> bool {
        self.finished() && now.duration_since(self.updated).is_ok_and(|age| age >= retention)
    }
}

/// The caller's role for ListStatements' `RoleLevel`: a session's role, else the caller itself.
fn owner_role(caller: &Caller) -> String {
    match &caller.principal {
        redbridge_iam::eval::RequestPrincipal::AssumedRole { partition, account, role_name, .. } => {
            format!("arn:{partition}:iam::{account}:role/{role_name}")
        }
        _ => caller.arn.clone(),
    }
}

/// The longest `WaitTimeSeconds`: "The maximum value is 30 seconds"
/// (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html>).
const MAX_WAIT_SECONDS: i64 = 30;

/// AWS's answer to a batch's result asked for without a sub-statement id, as Airflow users report
/// it (<https://github.com/apache/airflow/issues/40427>).
pub(crate) const BATCH_NEEDS_SUB_ID: &str = "BatchExecuteStatement result can only be retrieved with sub-statement id.";

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::client("ValidationException", message)
}

/// Where a page starts: the `NextToken` of a `GetStatementResult` or `ListStatements` call, an
/// offset into `len` items. A token is "a value that indicates the starting point for the next
/// set of response records", one AWS returned
/// (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html,
/// https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_GetStatementResult.html);
/// the emulator only hands out offsets up to `len`, so anything else (not a number, past
/// `usize`, past the end) is a `ValidationException`, never arithmetic on it.
pub(crate) fn next_token(input: &Input<'_>, len: usize) -> Result<usize, ApiError> {
    match input.string("NextToken")? {
        None => Ok(0),
        Some(t) => {
            t.parse::<usize>().ok().filter(|start| *start <= len).ok_or_else(|| validation("The NextToken is invalid."))
        }
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::client("ResourceNotFoundException", "Query does not exist.").with("ResourceId", id)
}

/// Handles one `RedshiftData.*` operation.
pub(crate) async fn handle<C: Connect>(
    service: &Arc<Service<C>>,
    caller: &Caller,
    operation: &str,
    input: &Value,
) -> Result<Value, ApiError> {
    let input = Input(input);
    match operation {
        "ExecuteStatement" => {
            let sql = input.required("Sql", "ValidationException")?.to_owned();
            submit(service, caller, &input, vec![sql], false, operation).await
        }
        "BatchExecuteStatement" => {
            let sqls = input.strings("Sqls")?.unwrap_or_default();
            if sqls.is_empty() || sqls.len() > 40 || sqls.iter().any(|s| s.trim().is_empty()) {
                return Err(validation("Sqls must contain between 1 and 40 non-empty SQL statements."));
            }
            submit(service, caller, &input, sqls, true, operation).await
        }
        "DescribeStatement" | "GetStatementResult" | "GetStatementResultV2" | "CancelStatement" | "ListStatements" => {
            // No resource; the statement's owner is the condition AWS documents for limiting
            // them to one's own statements (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html>).
            let mut check = Check::new(&format!("redshift-data:{operation}"), "*");
            if operation != "ListStatements"
                && let Some(id) = input.string("Id")?
                && let Ok(record) = record_for(service, caller, id)
            {
                check = check.with("redshift-data:statement-owner-iam-userid", record.owner);
            }
            authorize(service, caller, &[check], Shape::Json).await?;
            match operation {
                "DescribeStatement" => describe(service, caller, &input),
                "GetStatementResult" => get_result(service, caller, &input),
                "GetStatementResultV2" => crate::api::data_csv::get_result_v2(service, caller, &input),
                "ListStatements" => list(service, caller, &input),
                _ => cancel(service, caller, &input),
            }
        }
        other => Err(ApiError::client(
            "UnknownOperationException",
            format!("the operation `{other}` is not emulated by redbridge-emu"),
        )),
    }
}

/// What running a statement needs besides `redshift-data:ExecuteStatement` on the cluster or
/// workgroup: temporary database credentials, judged as the credentials calls judge them
/// ([`crate::db_identity`]): GetClusterCredentials' with a `DbUser`,
/// GetClusterCredentialsWithIAM's without one, serverless GetCredentials' on a workgroup
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html>).
/// With a `SecretArn` no credentials call is made: the secret is read instead, its
/// `secretsmanager:GetSecretValue` judged by [`crate::api::data_secret::secret_login`].
fn statement_checks(
    caller: &Caller,
    operation: &str,
    target: &Target,
    workgroup_id: Option<&str>,
    database: &str,
    db_user: Option<&str>,
    secret: bool,
) -> Vec<Check> {
    match target {
        Target::Cluster(cluster) => {
            let mut checks = vec![Check::new(
                &format!("redshift-data:{operation}"),
                crate::api::provisioned::cluster_arn(caller, cluster),
            )];
            match (db_user, secret) {
                (_, true) => {}
                (Some(user), false) => {
                    checks.extend(db_identity::cluster_credentials_checks(
                        caller,
                        cluster,
                        user,
                        Some(database),
                        false,
                        &[],
                    ));
                }
                (None, false) => checks.push(db_identity::with_iam_check(caller, cluster, Some(database))),
            }
            checks
        }
        Target::Workgroup(_) => {
            let workgroup = crate::api::serverless::resource_arn(caller, "workgroup", workgroup_id.unwrap_or("*"));
            let mut checks = vec![Check::new(&format!("redshift-data:{operation}"), workgroup.clone())];
            if !secret {
                checks.push(db_identity::serverless_credentials_check(&workgroup));
            }
            checks
        }
    }
}

async fn submit<C: Connect>(
    service: &Arc<Service<C>>,
    caller: &Caller,
    input: &Input<'_>,
    sqls: Vec<String>,
    is_batch: bool,
    operation: &str,
) -> Result<Value, ApiError> {
    let cluster = input.string("ClusterIdentifier")?;
    let workgroup = input.string("WorkgroupName")?;
    let db_user = input.string("DbUser")?.map(str::to_owned);
    let secret_arn = input.string("SecretArn")?.map(str::to_owned);
    if input.string("SessionId")?.is_some() || input.integer("SessionKeepAliveSeconds")?.is_some() {
        return Err(validation(crate::texts::not_emulated(
            "Data API sessions (`SessionId`, `SessionKeepAliveSeconds`)",
        )));
    }
    if input.0.get("Parameters").is_some_and(|p| !p.is_null()) {
        return Err(validation(crate::texts::not_emulated("statement `Parameters`")));
    }
    let target = match (cluster, workgroup) {
        (Some(c), None) => Target::Cluster(c.to_ascii_lowercase()),
        (None, Some(w)) => Target::Workgroup(w.to_owned()),
        (Some(_), Some(_)) => {
            return Err(validation("Either ClusterIdentifier or WorkgroupName must be specified, but not both."));
        }
        // The text AWS answers, as boto3 users report it (<https://github.com/boto/boto3/issues/3336>).
        (None, None) => return Err(validation("Either ClusterIdentifier or WorkgroupName needs to be specified.")),
    };
    if db_user.is_some() && secret_arn.is_some() {
        return Err(validation("Either DbUser or SecretArn can be specified, but not both."));
    }
    if db_user.is_some() && matches!(target, Target::Workgroup(_)) {
        return Err(validation(
            "DbUser is not supported for serverless workgroups. Use SecretArn or IAM authentication.",
        ));
    }
    let database = input.required("Database", "ValidationException")?.to_owned();
    // ResultFormat: "If no format is specified, the default is JSON"; ExecutionMode (batches only):
    // "TRANSACTION (the default)" or "AUTO_COMMIT"; WaitTimeSeconds: at most 30
    // (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html>).
    // The texts refusing other values are the emulator's: AWS's could not be sourced.
    let result_format = match input.string("ResultFormat")? {
        None | Some("JSON") => "JSON",
        Some("CSV") => "CSV",
        Some(other) => return Err(validation(format!("ResultFormat {other} is invalid; use JSON or CSV."))),
    };
    let auto_commit = match input.string("ExecutionMode")? {
        None | Some("TRANSACTION") => false,
        Some("AUTO_COMMIT") if is_batch => true,
        Some(other) => {
            return Err(validation(format!(
                "ExecutionMode {other} is invalid; use TRANSACTION or AUTO_COMMIT with BatchExecuteStatement."
            )));
        }
    };
    let wait_seconds = input.integer("WaitTimeSeconds")?;
    if wait_seconds.is_some_and(|w| !(0..=MAX_WAIT_SECONDS).contains(&w)) {
        return Err(validation(format!("WaitTimeSeconds must be between 0 and {MAX_WAIT_SECONDS}.")));
    }
    let workgroup_id = {
        let registry = service.registry();
        let (exists, workgroup_id) = match &target {
            Target::Cluster(c) => {
                (registry.clusters.contains_key(&state::key(caller.account.as_str(), &caller.region, c)), None)
            }
            Target::Workgroup(w) => {
                let found = registry.workgroups.get(&state::key(caller.account.as_str(), &caller.region, w));
                (found.is_some(), found.map(|w| w.id.clone()))
            }
        };
        if !exists {
            return Err(match &target {
                Target::Cluster(_) => validation("Redshift endpoint doesn't exist in this region."),
                Target::Workgroup(w) => validation(format!("Workgroup {w} does not exist.")),
            });
        }
        workgroup_id
    };
    let checks = statement_checks(
        caller,
        operation,
        &target,
        workgroup_id.as_deref(),
        &database,
        db_user.as_deref(),
        secret_arn.is_some(),
    );
    authorize(service, caller, &checks, Shape::Json).await?;
    // The secret is read, and its login checked, when the statement is submitted: a secret that
    // cannot be read fails this call (see `data_secret.rs`).
    let secret_login = match &secret_arn {
        Some(secret) => Some(secret_login(service, caller, &target, secret).await?),
        None => None,
    };
    let now = SystemTime::now();
    let id = crate::time::uuid();
    let record = StatementRecord {
        id: id.clone(),
        account: caller.account.to_string(),
        region: caller.region.clone(),
        target: target.clone(),
        database: database.clone(),
        db_user: db_user.clone(),
        secret_arn: secret_arn.clone(),
        iam_db_user: if db_user.is_none() && secret_arn.is_none() { db_identity::iam_db_user(caller) } else { None },
        secret_login,
        statement_name: input.string("StatementName")?.map(str::to_owned),
        owner: caller.user_id(),
        owner_role: owner_role(caller),
        result_format,
        auto_commit,
        is_batch,
        status: "SUBMITTED",
        error: None,
        created: now,
        updated: now,
        pid: (crate::time::next_number() % 100_000) as i64 + 1_073_741_824,
        subs: sqls
            .into_iter()
            .map(|sql| SubStatement {
                sql,
                status: "SUBMITTED",
                error: None,
                result_rows: -1,
                result_size: 0,
                result: None,
                query_id: 0,
                created: now,
                updated: now,
                duration_ns: 0,
            })
            .collect(),
        cancelled: Arc::new(AtomicBool::new(false)),
    };
    {
        let mut registry = service.registry();
        registry.statements.insert(id.clone(), record);
        registry.statement_order.push(id.clone());
    }
    tokio::spawn(crate::api::statement_run::run(Arc::clone(service), id.clone()));
    // "The number of seconds to wait for the SQL statement to complete execution before returning
    // the response. If the SQL statement does not complete within the specified time, the response
    // returns the current status" (ExecuteStatement's API reference).
    let waited = match wait_seconds {
        Some(seconds) if seconds > 0 => {
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds.unsigned_abs());
            loop {
                let record = service.registry().statements.get(&id).cloned();
                match record {
                    Some(r) if !r.finished() && tokio::time::Instant::now() < deadline => {
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    }
                    other => break other,
                }
            }
        }
        Some(_) => service.registry().statements.get(&id).cloned(),
        None => None,
    };
    let mut output = json!({
        "Id": id,
        "CreatedAt": crate::time::epoch_seconds(now),
        "Database": database,
    });
    match &target {
        Target::Cluster(c) => output["ClusterIdentifier"] = json!(c),
        Target::Workgroup(w) => output["WorkgroupName"] = json!(w),
    }
    if let Some(u) = db_user {
        output["DbUser"] = json!(u);
    }
    if let Some(s) = secret_arn {
        output["SecretArn"] = json!(s);
    }
    if let Some(record) = waited {
        output["Status"] = json!(record.status);
        output["RedshiftPid"] = json!(record.pid);
        output["HasResultSet"] = json!(record.subs.iter().any(|s| s.result.is_some()));
    }
    Ok(output)
}

pub(crate) fn record_for<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    id: &str,
) -> Result<StatementRecord, ApiError> {
    let base = id.split(':').next().unwrap_or(id);
    let registry = service.registry();
    let now = SystemTime::now();
    registry
        .statements
        .get(base)
        .filter(|r| r.account == caller.account.as_str() && !r.expired(now, service.config.result_retention))
        .cloned()
        .ok_or_else(|| not_found(id))
}

pub(crate) fn sub_index(id: &str, record: &StatementRecord) -> Result<Option<usize>, ApiError> {
    match id.split_once(':') {
        None => Ok(None),
        Some((_, n)) => {
            let n: usize = n.parse().map_err(|_| not_found(id))?;
            if n == 0 || n > record.subs.len() || !record.is_batch {
                return Err(not_found(id));
            }
            Ok(Some(n - 1))
        }
    }
}

fn describe<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let id = input.required("Id", "ValidationException")?;
    let record = record_for(service, caller, id)?;
    if let Some(index) = sub_index(id, &record)? {
        let mut value = sub_json(&record, index);
        value["Id"] = json!(id);
        return Ok(value);
    }
    let duration: i64 = record.subs.iter().map(|s| s.duration_ns).sum();
    let mut output = json!({
        "Id": record.id,
        "Status": record.status,
        "CreatedAt": crate::time::epoch_seconds(record.created),
        "UpdatedAt": crate::time::epoch_seconds(record.updated),
        "Database": record.database,
        "RedshiftPid": record.pid,
        "Duration": if record.finished() { duration } else { -1 },
        "HasResultSet": record.subs.iter().any(|s| s.result.is_some()),
        "ResultRows": if record.is_batch { -1 } else { record.subs[0].result_rows },
        "ResultSize": record.subs.iter().map(|s| s.result_size).fold(0_i64, i64::saturating_add),
        "ResultFormat": record.result_format,
        "RedshiftQueryId": if record.is_batch { 0 } else { record.subs[0].query_id },
    });
    if !record.is_batch {
        output["QueryString"] = json!(record.subs[0].sql);
    } else {
        output["SubStatements"] = Value::Array((0..record.subs.len()).map(|i| sub_json(&record, i)).collect());
    }
    if let Some(error) = &record.error {
        output["Error"] = json!(error);
    }
    add_target(&mut output, &record);
    Ok(output)
}

fn add_target(output: &mut Value, record: &StatementRecord) {
    match &record.target {
        Target::Cluster(c) => output["ClusterIdentifier"] = json!(c),
        Target::Workgroup(w) => output["WorkgroupName"] = json!(w),
    }
    if let Some(u) = &record.db_user {
        output["DbUser"] = json!(u);
    }
    if let Some(s) = &record.secret_arn {
        output["SecretArn"] = json!(s);
    }
}

fn sub_json(record: &StatementRecord, index: usize) -> Value {
    let sub = &record.subs[index];
    let mut value = json!({
        "Id": format!("{}:{}", record.id, index + 1),
        "Status": sub.status,
        "QueryString": sub.sql,
        "CreatedAt": crate::time::epoch_seconds(sub.created),
        "UpdatedAt": crate::time::epoch_seconds(sub.updated),
        "Duration": sub.duration_ns,
        "HasResultSet": sub.result.is_some(),
        "ResultRows": sub.result_rows,
        "ResultSize": sub.result_size,
        "RedshiftQueryId": sub.query_id,
    });
    if let Some(e) = &sub.error {
        value["Error"] = json!(e);
    }
    value
}

/// Rows per GetStatementResult page.
const PAGE: usize = 1000;

/// The result `Id` names, once its statement finished having been run with `ResultFormat`
/// `format`, and the rows of the page `NextToken` asks for. `other` is the API that reads the
/// other format.
pub(crate) fn result_page<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    input: &Input<'_>,
    format: &str,
    other: &str,
) -> Result<(ResultSet, std::ops::Range<usize>), ApiError> {
    let id = input.required("Id", "ValidationException")?;
    let mut record = record_for(service, caller, id)?;
    let index = match sub_index(id, &record)? {
        Some(i) => i,
        None if record.is_batch => {
            return Err(validation(crate::api::data::BATCH_NEEDS_SUB_ID));
        }
        None => 0,
    };
    if record.result_format != format {
        // GetStatementResult reads JSON results ("The ExecuteStatement or BatchExecuteStatement
        // operation that ran the SQL statement must have specified ResultFormat as JSON, or let the
        // format default to JSON", API_GetStatementResult); GetStatementResultV2 CSV ones. The
        // text is the emulator's: AWS's could not be sourced.
        return Err(validation(format!(
            "The statement's ResultFormat is {}; read its result with {other}.",
            record.result_format
        )));
    }
    let sub = record.subs.swap_remove(index);
    if sub.status != "FINISHED" {
        return Err(validation(format!(
            "Query has not finished yet. Its status is {}. Check the status with DescribeStatement.",
            sub.status
        )));
    }
    let Some(result) = sub.result else {
        return Err(validation("Query does not have result. Please check query status with DescribeStatement."));
    };
    let start = next_token(input, result.rows.len())?;
    let end = start.saturating_add(PAGE).min(result.rows.len());
    Ok((result, start..end))
}

fn get_result<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let (result, std::ops::Range { start, end }) = result_page(service, caller, input, "JSON", "GetStatementResultV2")?;
    let records: Vec<Value> = result
        .rows
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|row| Value::Array(row.iter().map(field_json).collect()))
        .collect();
    let columns: Vec<Value> = result.columns.iter().map(crate::api::data_csv::column_metadata).collect();
    let mut output = json!({ "Records": records, "ColumnMetadata": columns, "TotalNumRows": result.rows.len() });
    if end < result.rows.len() {
        output["NextToken"] = json!(end.to_string());
    }
    Ok(output)
}

fn field_json(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => json!({ "isNull": true }),
        SqlValue::Long(n) => json!({ "longValue": n }),
        SqlValue::Double(d) => json!({ "doubleValue": d }),
        SqlValue::Text(s) => json!({ "stringValue": s }),
        SqlValue::Bool(b) => json!({ "booleanValue": b }),
    }
}

fn list<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let status = input.string("Status")?.unwrap_or("ALL");
    if !["ABORTED", "ALL", "FAILED", "FINISHED", "PICKED", "STARTED", "SUBMITTED"].contains(&status) {
        return Err(validation(format!("Status {status} is invalid.")));
    }
    let max = input.integer("MaxResults")?.unwrap_or(100);
    if !(0..=100).contains(&max) {
        return Err(validation("MaxResults must be between 0 and 100."));
    }
    let max: usize = if max == 0 { 100 } else { usize::try_from(max).unwrap_or(100) };
    let name = input.string("StatementName")?;
    let cluster = input.string("ClusterIdentifier")?.map(str::to_ascii_lowercase);
    let workgroup = input.string("WorkgroupName")?;
    let database = input.string("Database")?;
    // "If true, all statements run by the caller's IAM role are returned. If false, only
    // statements run by the caller's IAM role in the current IAM session are returned. The
    // default is true" (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html>).
    let role_level = input.boolean("RoleLevel")?.unwrap_or(true);
    let (role, user_id) = (owner_role(caller), caller.user_id());
    let registry = service.registry();
    let now = SystemTime::now();
    // Newest first, as the Data API lists them.
    let matching: Vec<&StatementRecord> = registry
        .statement_order
        .iter()
        .rev()
        .filter_map(|id| registry.statements.get(id))
        .filter(|r| !r.expired(now, service.config.result_retention))
        .filter(|r| r.account == caller.account.as_str() && r.region == caller.region)
        .filter(|r| if role_level { r.owner_role == role } else { r.owner == user_id })
        .filter(|r| status == "ALL" || r.status == status)
        .filter(|r| name.is_none_or(|n| r.statement_name.as_deref().is_some_and(|s| s.starts_with(n))))
        .filter(|r| cluster.as_deref().is_none_or(|c| r.target == Target::Cluster(c.to_owned())))
        .filter(|r| workgroup.is_none_or(|w| r.target == Target::Workgroup(w.to_owned())))
        .filter(|r| database.is_none_or(|d| r.database == d))
        .collect();
    let start = next_token(input, matching.len())?;
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(max)
        .map(|r| {
            let mut v = json!({
                "Id": r.id,
                "Status": r.status,
                "CreatedAt": crate::time::epoch_seconds(r.created),
                "UpdatedAt": crate::time::epoch_seconds(r.updated),
                "IsBatchStatement": r.is_batch,
                "ResultFormat": r.result_format,
            });
            if r.is_batch {
                v["QueryStrings"] = json!(r.subs.iter().map(|s| s.sql.clone()).collect::<Vec<_>>());
            } else {
                v["QueryString"] = json!(r.subs[0].sql);
            }
            if let Some(n) = &r.statement_name {
                v["StatementName"] = json!(n);
            }
            if let Some(s) = &r.secret_arn {
                v["SecretArn"] = json!(s);
            }
            v
        })
        .collect();
    let mut output = json!({ "Statements": page });
    let next = start.saturating_add(max);
    if next < matching.len() {
        output["NextToken"] = json!(next.to_string());
    }
    Ok(output)
}

fn cancel<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let id = input.required("Id", "ValidationException")?;
    let record = record_for(service, caller, id)?;
    if record.finished() {
        return Err(validation(format!("Could not cancel a query that is already in {} state.", record.status)));
    }
    let mut registry = service.registry();
    if let Some(r) = registry.statements.get_mut(&record.id) {
        // The running SQLite work sees the flag within a few thousand instructions and stops.
        r.cancelled.store(true, Ordering::SeqCst);
        r.status = "ABORTED";
        r.updated = SystemTime::now();
        for sub in &mut r.subs {
            if !matches!(sub.status, "FINISHED" | "FAILED") {
                sub.status = "ABORTED";
            }
        }
    }
    Ok(json!({ "Status": true }))
}
