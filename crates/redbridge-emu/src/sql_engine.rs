//! Runs one SQL text: COPY and UNLOAD through the chain and the accounts' ports, everything else in the
//! embedded SQLite database of the cluster or workgroup.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use redbridge_iam::S3Uri;
use redbridge_sql::{Statement, TableName};
use rusqlite::types::ValueRef;

use redbridge_aws::ports::Connect;

use crate::api::data::Target;
use crate::column_type::ColumnType;
use crate::sql_gate::{self, Admitted};
use crate::sql_pool::{self, Bounded, Budget};
use crate::state::Service;
use crate::texts;

/// Where and as whom a statement runs, and within what budget.
#[derive(Debug, Clone)]
pub(crate) struct ExecContext {
    pub account: String,
    pub region: String,
    pub target: Target,
    /// `arn:aws:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER` (or the serverless form): the external id.
    pub db_user_arn: String,
    pub serverless: bool,
    pub database: Arc<Mutex<rusqlite::Connection>>,
    pub grants: Arc<Mutex<crate::assume_role_grants::AssumeRoleGrants>>,
    /// The database's session turn (see [`crate::state::Database`]).
    pub session_turn: Arc<tokio::sync::Mutex<()>>,
    /// The statement's cancel flag and the running SQL text's deadline.
    pub budget: Budget,
    /// The `RedshiftQueryId` of the running SQL text (named in the timeout's error).
    pub query_id: i64,
    /// The largest result, as GetStatementResult's JSON would carry it.
    pub result_size_limit: usize,
}

/// What a session remembers between its SQL texts: a Data API statement or batch is a session
/// of its own.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// `SET statement_timeout`; `None` (or 0 set) is no limit of the session's own.
    pub statement_timeout: Option<Duration>,
}

impl Session {
    /// The timeout a SQL text of this session gets: the session's, capped by the emulator's
    /// (`Config::statement_timeout`, zero for none). Redshift's `statement_timeout` defaults to
    /// 0, "turns off limitation" (https://docs.aws.amazon.com/redshift/latest/dg/r_statement_timeout.html);
    /// the Data API still ends a query after 24 hours
    /// (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html, "Considerations").
    pub fn effective_timeout(&self, cap: Duration) -> Option<Duration> {
        let cap = (!cap.is_zero()).then_some(cap);
        match (self.statement_timeout, cap) {
            (Some(own), Some(cap)) => Some(own.min(cap)),
            (own, cap) => own.or(cap),
        }
    }
}

/// Runs `work` on the context's database on a SQL pool thread, within the context's budget; a
/// budget that runs out interrupts SQLite and answers Redshift's timeout text.
pub(crate) async fn on_database<C, T, F>(service: &Service<C>, context: &ExecContext, work: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> Result<T, String> + Send + 'static,
{
    let database = Arc::clone(&context.database);
    let budget = context.budget.clone();
    match service.sql_pool.run(move || sql_pool::within(&database, &budget, work)).await? {
        Bounded::Done(answer) => answer,
        Bounded::Stopped => Err(texts::statement_timeout(context.query_id)),
    }
}

/// Runs the emulator's own bookkeeping on a database (transaction control, session end), with no
/// budget: it must run even after a cancel.
async fn maintain<C, F>(
    service: &Service<C>,
    database: &Arc<Mutex<rusqlite::Connection>>,
    work: F,
) -> Result<(), String>
where
    F: FnOnce(&rusqlite::Connection) -> Result<(), String> + Send + 'static,
{
    let database = Arc::clone(database);
    match service.sql_pool.run(move || sql_pool::within(&database, &Budget::unbounded(), work)).await? {
        Bounded::Done(answer) => answer,
        Bounded::Stopped => Ok(()),
    }
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    Null,
    Long(i64),
    Double(f64),
    Text(String),
    Bool(bool),
}

/// A result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    /// The PostgreSQL type name (`int4`, `numeric`, `bpchar`, …): the Data API's `typeName`, the
    /// wire protocol's type.
    pub type_name: String,
    /// The Redshift type: from the declared type, else (an expression) from the first value
    /// (`BigInt`, `Double`, or `Other` for text).
    pub column_type: ColumnType,
}

impl Column {
    /// A column of the given type.
    pub fn typed(name: &str, column_type: ColumnType) -> Self {
        Self { name: name.to_owned(), type_name: column_type.pg_name().to_owned(), column_type }
    }
}

/// The rows a query returned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultSet {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<SqlValue>>,
}

/// What a finished SQL text reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Done {
    pub result_rows: i64,
    pub result: Option<ResultSet>,
}

/// Runs SQL that returns nothing (transaction control of a batch).
pub(crate) async fn run_plain<C>(service: &Service<C>, context: &ExecContext, sql: &'static str) -> Result<(), String> {
    maintain(service, &context.database, move |c| c.execute_batch(sql).map_err(|e| sqlite_text(&e))).await
}

/// Ends the statement's session: an open transaction is rolled back and its temporary tables go
/// away, as in Redshift, where every Data API statement or batch runs in a session of its own
/// (unless a session is kept alive, which the emulator does not do).
pub(crate) async fn end_session<C>(service: &Service<C>, context: &ExecContext) -> Result<(), String> {
    maintain(service, &context.database, |connection| {
        if !connection.is_autocommit() {
            connection.execute_batch("ROLLBACK").map_err(|e| sqlite_text(&e))?;
        }
        let names: Vec<String> = {
            let mut query = connection
                .prepare("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
                .map_err(|e| sqlite_text(&e))?;
            let rows = query.query_map([], |row| row.get::<_, String>(0)).map_err(|e| sqlite_text(&e))?;
            rows.collect::<Result<_, _>>().map_err(|e| sqlite_text(&e))?
        };
        for name in names {
            connection
                .execute_batch(&format!("DROP TABLE temp.\"{}\"", name.replace('"', "\"\"")))
                .map_err(|e| sqlite_text(&e))?;
        }
        Ok(())
    })
    .await
}

/// Runs one SQL text of `session`; the error is the text Redshift would put after `ERROR: `.
pub(crate) async fn execute<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    session: &mut Session,
    sql: &str,
) -> Result<Done, String> {
    let nothing = Done { result_rows: 0, result: None };
    match sql_gate::admit(sql)? {
        Admitted::Copy | Admitted::Unload => {
            let text = sql.trim().trim_end_matches(';').trim();
            let statement = redbridge_sql::parse_statement(text).map_err(|e| format!("syntax error: {e}"))?;
            match statement {
                Statement::Copy(copy) => crate::copy_run::copy(service, context, &copy).await,
                Statement::Unload(unload) => crate::unload_run::unload(service, context, &unload).await,
            }
        }
        Admitted::AssumeRole => crate::assume_role_grants::run(service, context, sql),
        Admitted::Sqlite(text) => {
            let limit = Some(context.result_size_limit);
            on_database(service, context, move |connection| run_sql(connection, &text, limit)).await
        }
        Admitted::Set { name, value } if name == STATEMENT_TIMEOUT => {
            let millis: u64 = value.parse().map_err(|_| texts::invalid_setting(&name, &value))?;
            session.statement_timeout = (millis > 0).then(|| Duration::from_millis(millis));
            Ok(nothing)
        }
        Admitted::Reset(name) if name == STATEMENT_TIMEOUT || name == "all" => {
            session.statement_timeout = None;
            Ok(nothing)
        }
        Admitted::Show(name) if name == STATEMENT_TIMEOUT => {
            let millis = session.statement_timeout.map_or(0, |d| d.as_millis());
            let result = ResultSet {
                columns: vec![Column::typed(STATEMENT_TIMEOUT, ColumnType::Other)],
                rows: vec![vec![SqlValue::Text(millis.to_string())]],
            };
            Ok(Done { result_rows: 1, result: Some(result) })
        }
        Admitted::Set { name, .. } | Admitted::Reset(name) | Admitted::Show(name) => {
            Err(texts::not_emulated(&format!("the setting `{name}` (only `{STATEMENT_TIMEOUT}` is)")))
        }
    }
}

/// The one session setting the emulator honours.
const STATEMENT_TIMEOUT: &str = "statement_timeout";

/// Roughly how many bytes a result takes in GetStatementResult's JSON (DescribeStatement's
/// `ResultSize`), counted as [`run_sql`] counts it against the limit.
pub(crate) fn result_json_size(result: &ResultSet) -> usize {
    result.rows.iter().fold(0_usize, |size, row| {
        row.iter().fold(size.saturating_add(ROW_JSON_BYTES), |size, value| size.saturating_add(json_size(value)))
    })
}

/// The brackets and comma around a row in GetStatementResult's `Records`.
const ROW_JSON_BYTES: usize = 3;

/// Roughly how many bytes a value takes in GetStatementResult's JSON (`{"longValue":1},`).
fn json_size(value: &SqlValue) -> usize {
    match value {
        SqlValue::Null => 16,
        SqlValue::Long(n) => 15 + n.to_string().len(),
        SqlValue::Double(d) => 17 + d.to_string().len(),
        SqlValue::Text(s) => 18 + s.len() + s.bytes().filter(|b| matches!(b, b'"' | b'\\') || *b < 0x20).count(),
        SqlValue::Bool(_) => 21,
    }
}

/// Runs a query or command in SQLite. With a `limit`, reading stops with the Data API's error
/// as soon as the rows read pass it (as GetStatementResult's JSON, roughly).
pub(crate) fn run_sql(connection: &rusqlite::Connection, sql: &str, limit: Option<usize>) -> Result<Done, String> {
    let mut statement = connection.prepare(sql).map_err(|e| sqlite_text(&e))?;
    if statement.column_count() == 0 {
        let changed = statement.execute([]).map_err(|e| sqlite_text(&e))?;
        return Ok(Done { result_rows: i64::try_from(changed).unwrap_or(i64::MAX), result: None });
    }
    let declared: Vec<(String, ColumnType)> = statement
        .columns()
        .iter()
        .map(|c| (c.name().to_owned(), c.decl_type().map_or(ColumnType::Other, ColumnType::parse)))
        .collect();
    let mut rows = statement.query([]).map_err(|e| sqlite_text(&e))?;
    let mut out = Vec::new();
    let mut seen_types: Vec<Option<ColumnType>> = vec![None; declared.len()];
    let mut size: usize = 0;
    while let Some(row) = rows.next().map_err(|e| sqlite_text(&e))? {
        let mut values = Vec::with_capacity(declared.len());
        for (index, (_, column_type)) in declared.iter().enumerate() {
            let value = row.get_ref(index).map_err(|e| sqlite_text(&e))?;
            let converted = typed_value(*column_type, value);
            if seen_types[index].is_none() {
                seen_types[index] = match value {
                    ValueRef::Integer(_) => Some(ColumnType::BigInt),
                    ValueRef::Real(_) => Some(ColumnType::Double),
                    ValueRef::Text(_) | ValueRef::Blob(_) => Some(ColumnType::Other),
                    ValueRef::Null => None,
                };
            }
            size = size.saturating_add(json_size(&converted));
            values.push(converted);
        }
        size = size.saturating_add(ROW_JSON_BYTES);
        if let Some(limit) = limit.filter(|limit| size > *limit) {
            return Err(texts::result_too_large(limit));
        }
        out.push(values);
    }
    let columns = declared
        .iter()
        .zip(&seen_types)
        .map(|((name, declared), seen)| match declared {
            ColumnType::Other => Column::typed(name, seen.unwrap_or(ColumnType::Other)),
            declared => Column::typed(name, *declared),
        })
        .collect();
    let result_rows = i64::try_from(out.len()).unwrap_or(i64::MAX);
    Ok(Done { result_rows, result: Some(ResultSet { columns, rows: out }) })
}

/// One value as a column of `column_type` gives it (the storage convention of
/// [`crate::column_type`]): BOOLEAN's 0/1 as a boolean, DECIMAL with exactly its scale.
fn typed_value(column_type: ColumnType, value: ValueRef<'_>) -> SqlValue {
    match (column_type, value) {
        (_, ValueRef::Null) => SqlValue::Null,
        (ColumnType::Boolean, ValueRef::Integer(n)) => SqlValue::Bool(n != 0),
        (ColumnType::Decimal { scale, .. }, ValueRef::Integer(n)) => {
            match i128::from(n).checked_mul(10_i128.pow(u32::from(scale))) {
                Some(unscaled) => SqlValue::Text(decimal_text(unscaled, scale)),
                None => SqlValue::Text(format!("{n}.{}", "0".repeat(usize::from(scale)))),
            }
        }
        (ColumnType::Decimal { scale, .. }, ValueRef::Real(d)) => {
            SqlValue::Text(format!("{d:.precision$}", precision = usize::from(scale)))
        }
        (ColumnType::Decimal { scale, .. }, ValueRef::Text(t)) => {
            let text = String::from_utf8_lossy(t);
            match crate::copy_format::value::parse_decimal(text.trim()) {
                Some((unscaled, text_scale)) => SqlValue::Text(rescaled_text(unscaled, text_scale, scale)),
                None => match text.trim().parse::<f64>() {
                    Ok(d) => SqlValue::Text(format!("{d:.precision$}", precision = usize::from(scale))),
                    Err(_) => SqlValue::Text(text.into_owned()),
                },
            }
        }
        (_, ValueRef::Integer(n)) => SqlValue::Long(n),
        (_, ValueRef::Real(d)) => SqlValue::Double(d),
        (_, ValueRef::Text(t)) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        (_, ValueRef::Blob(b)) => SqlValue::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}

/// `unscaled × 10^-from` with exactly `to` fraction digits (rounded half away from zero).
fn rescaled_text(unscaled: i128, from: u32, to: u8) -> String {
    let target = u32::from(to);
    let value = if from <= target {
        10_i128.checked_pow(target - from).and_then(|f| unscaled.checked_mul(f))
    } else {
        10_i128.checked_pow(from - target).map(|factor| {
            let (quotient, remainder) = (unscaled / factor, unscaled % factor);
            if remainder.abs() * 2 >= factor { quotient + unscaled.signum() } else { quotient }
        })
    };
    match value {
        Some(value) => decimal_text(value, to),
        None => crate::copy_format::value::decimal_text(unscaled, from),
    }
}

/// A DECIMAL's text from its unscaled value: exactly `scale` digits after the point, as
/// Redshift prints `numeric(10,2)` (`12.50`, `-0.05`).
pub(crate) fn decimal_text(unscaled: i128, scale: u8) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let scale = usize::from(scale);
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// Redshift's words for SQLite's errors where they differ.
pub(crate) fn sqlite_text(error: &rusqlite::Error) -> String {
    let text = error.to_string();
    // The guard's authorizer refused (sql_guard.rs): SQLite's own features, not Redshift's.
    // SQLite words these "not authorized…" (ATTACH, pragmas, functions) or "authorization
    // denied" (VACUUM INTO's inner ATTACH).
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::AuthorizationForStatementDenied)
        || text.starts_with("not authorized")
        || text.starts_with("authorization denied")
    {
        return texts::not_emulated("SQLite's attached files, pragmas and extension functions");
    }
    if let Some(table) = text.strip_prefix("no such table: ") {
        return texts::no_such_relation(table.trim_start_matches("main."));
    }
    text
}

/// Drops the `public.` schema SQLite does not know, outside string literals and quoted names;
/// in CREATE TABLE, gives each DECIMAL/NUMERIC column the declared type
/// [`DECIMAL_TEXT`](crate::column_type::DECIMAL_TEXT) with the collation
/// [`DECIMAL_COLLATION`](crate::sql_guard::DECIMAL_COLLATION), so SQLite keeps every digit as
/// text and orders it by value; quotes a numeric literal SQLite would round to a double (more than
/// 15 significant digits with a point, or an integer past 64 bits), so a DECIMAL column stores
/// its digits exactly.
pub(crate) fn translate(sql: &str) -> String {
    let create = sql.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("create"));
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            previous = Some(c);
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            previous = Some(c);
            continue;
        }
        let boundary = previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '.'));
        if boundary && sql[i..].len() >= 7 && sql[i..i + 7].eq_ignore_ascii_case("public.") {
            for _ in 0..6 {
                chars.next();
            }
            previous = Some('.');
            continue;
        }
        if boundary && let Some(length) = numeric_literal(sql, i, &out) {
            let literal = &sql[i..i + length];
            if needs_quotes(literal) {
                out.push('\'');
                out.push_str(literal);
                out.push('\'');
            } else {
                out.push_str(literal);
            }
            for _ in 1..literal.chars().count() {
                chars.next();
            }
            previous = literal.chars().last();
            continue;
        }
        if create
            && boundary
            && let Some(length) = decimal_column_type(sql, i, &out)
        {
            let arguments = sql[i..i + length].trim_start_matches(|c: char| c.is_ascii_alphabetic());
            out.push_str(crate::column_type::DECIMAL_TEXT);
            out.push_str(arguments);
            out.push_str(" COLLATE ");
            out.push_str(crate::sql_guard::DECIMAL_COLLATION);
            for _ in 1..length {
                chars.next();
            }
            previous = Some(')');
            continue;
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// The length of a numeric literal starting at `start` (a digit, a point before a digit, or a
/// unary minus before either), if one does.
fn numeric_literal(sql: &str, start: usize, before: &str) -> Option<usize> {
    let bytes = sql.as_bytes();
    let mut end = start;
    if bytes[end] == b'-' {
        // Unary only after an operator, a parenthesis, a comma or the start.
        let prior = before.trim_end().chars().last();
        if prior.is_some_and(|p| p.is_alphanumeric() || matches!(p, '_' | ')' | '\'' | '"' | ']')) {
            return None;
        }
        end += 1;
    }
    let digits_from = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let body = &sql[digits_from..end];
    if !body.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // An exponent, or a letter glued on: leave the whole token as written.
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
        end += 1;
        if matches!(bytes[end - 1], b'e' | b'E') && end < bytes.len() && matches!(bytes[end], b'+' | b'-') {
            end += 1;
        }
    }
    Some(end - start)
}

/// Whether SQLite would read the literal as a double that loses digits.
fn needs_quotes(literal: &str) -> bool {
    let digits = literal.trim_start_matches('-');
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    if digits.contains('.') {
        let significant = digits.replace('.', "");
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        // SQLite writes a double below 1e-4 with an exponent (`1.0e-10`) into a text column.
        let tiny = whole.trim_start_matches('0').is_empty() && fraction.starts_with("0000");
        significant.trim_start_matches('0').len() > 15 || tiny
    } else {
        digits.parse::<i64>().is_err()
    }
}

/// The length of `DECIMAL`/`NUMERIC` with its `(p[,s])` at `start`, where a column type goes
/// (after a column name, not after `AS` of a cast).
fn decimal_column_type(sql: &str, start: usize, before: &str) -> Option<usize> {
    let rest = &sql[start..];
    let word_length = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let word = &rest[..word_length];
    if !(word.eq_ignore_ascii_case("decimal") || word.eq_ignore_ascii_case("numeric")) {
        return None;
    }
    let before = before.trim_end();
    let prior_word = before.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default();
    if !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"') || prior_word.eq_ignore_ascii_case("as")
    {
        return None;
    }
    let after = &rest[word_length..];
    let spaces = after.len() - after.trim_start().len();
    match after.trim_start().strip_prefix('(').and_then(|a| a.find(')')) {
        Some(close) => Some(word_length + spaces + close + 2),
        None => Some(word_length),
    }
}

/// The SQLite name of a table (the `public` schema is the default one).
pub(crate) fn table_name(table: &TableName) -> String {
    let name = if table.name.quoted { table.name.value.clone() } else { table.name.value.to_ascii_lowercase() };
    match &table.schema {
        Some(schema) if !schema.value.eq_ignore_ascii_case("public") => format!("{}.{name}", schema.value),
        _ => name,
    }
}

/// A table's columns and declared types, or Redshift's "does not exist".
pub(crate) fn table_columns(connection: &rusqlite::Connection, table: &str) -> Result<Vec<(String, String)>, String> {
    let mut statement =
        connection.prepare("SELECT name, type FROM pragma_table_info(?1)").map_err(|e| sqlite_text(&e))?;
    let columns = statement
        .query_map([table], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?.to_ascii_lowercase())))
        .map_err(|e| sqlite_text(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlite_text(&e))?;
    if columns.is_empty() {
        return Err(texts::no_such_relation(table));
    }
    Ok(columns)
}

/// Parses an `s3://` location of a statement.
pub(crate) fn s3_location(text: &str) -> Result<S3Uri, String> {
    S3Uri::parse(text).map_err(|e| format!("invalid S3 location `{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_schema_is_dropped_outside_literals() {
        assert_eq!(translate("select * from public.t where a = 'public.x'"), "select * from t where a = 'public.x'");
        assert_eq!(translate("select * from PUBLIC.t join mypublic.u"), "select * from t join mypublic.u");
    }

    #[test]
    fn long_numeric_literals_are_quoted_and_nothing_else_is_touched() {
        assert_eq!(
            translate("insert into t1 values (99999999.9999999999, -9999999999999999999999999999.9999999999, 12.5)"),
            "insert into t1 values ('99999999.9999999999', '-9999999999999999999999999999.9999999999', 12.5)"
        );
        assert_eq!(
            translate("select col2 - 99999999.9999999999 from t1"),
            "select col2 - '99999999.9999999999' from t1"
        );
        let untouched = "select 'x 99999999.9999999999', \"c 12345678901234567890\", t1.col2, 1e5, 1.5e+300,                          9223372036854775807 from t1";
        assert_eq!(translate(untouched), untouched);
        assert_eq!(translate("select 99999999999999999999"), "select '99999999999999999999'");
        assert_eq!(translate("select 0.0000000001, 0.001"), "select '0.0000000001', 0.001");
    }

    #[test]
    fn decimal_columns_get_text_storage_and_the_decimal_collation() {
        assert_eq!(
            translate("create table t (a numeric(38, 10), b DECIMAL, c int) "),
            "create table t (a decimal_text(38, 10) COLLATE redshift_decimal, b decimal_text COLLATE redshift_decimal, c int) "
        );
        let cast = "create table u as select cast(a as numeric(10,2)) from t";
        assert_eq!(translate(cast), cast);
        assert_eq!(translate("select cast(a as numeric(10,2)) from t"), "select cast(a as numeric(10,2)) from t");
    }

    #[test]
    fn decimal_text_columns_order_compare_and_print_exactly() {
        let connection = crate::sql_guard::open().unwrap();
        let run = |sql: &str| run_sql(&connection, &translate(sql), None).unwrap();
        run("create table t (d numeric(38,10))");
        run(
            "insert into t values (-9999999999999999999999999999.9999999999), (0.0000000001), (99999999.9999999999), (12.5), (12.50)",
        );
        let column =
            |sql: &str| -> Vec<SqlValue> { run(sql).result.unwrap().rows.into_iter().map(|r| r[0].clone()).collect() };
        let text = |v: &[&str]| -> Vec<SqlValue> { v.iter().map(|s| SqlValue::Text((*s).to_owned())).collect() };
        assert_eq!(
            column("select d from t order by d"),
            text(&[
                "-9999999999999999999999999999.9999999999",
                "0.0000000001",
                "12.5000000000",
                "12.5000000000",
                "99999999.9999999999"
            ])
        );
        assert_eq!(
            column("select distinct d from t where d > 1 order by d desc"),
            text(&["99999999.9999999999", "12.5000000000"])
        );
        assert_eq!(column("select count(*) from t where d = 12.5"), [SqlValue::Long(2)]);
        assert_eq!(column("select count(*) from t group by d").len(), 4);
        assert_eq!(column("select max(d) from t"), [SqlValue::Text("99999999.9999999999".into())]);
        assert_eq!(column("select min(d) from t"), [SqlValue::Text("-9999999999999999999999999999.9999999999".into())]);
        assert_eq!(column("select count(*) from t where d < 0.00000000015 and d > 0"), [SqlValue::Long(1)]);
    }

    #[test]
    fn a_tail_the_gate_reads_as_a_literal_never_runs_in_sqlite() {
        // Redshift reads `\'` as an escaped quote, SQLite does not.
        let sql = "select 'a\\'; attach database '/nonexistent/redbridge-tail.db' as w; --'";
        let Ok(crate::sql_gate::Admitted::Sqlite(text)) = crate::sql_gate::admit(sql) else {
            panic!("the gate reads one SELECT in `{sql}`")
        };
        let connection = crate::sql_guard::open().unwrap();
        let error = run_sql(&connection, &text, None).unwrap_err();
        // rusqlite prepares the tail to see whether it is empty; the authorizer refuses the ATTACH.
        assert_eq!(error, texts::not_emulated("SQLite's attached files, pragmas and extension functions"));
    }

    #[test]
    fn declared_types_name_columns_as_redshift_does() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let create = "create table t (a smallint, b bigint, c real, d double precision, e char(3), f date, \
                      g timestamp, h timestamptz, i numeric(12,3))";
        run_sql(&connection, create, None).unwrap();
        let insert = "insert into t values (1, 2, 1.5, 2.5, 'ab', '2024-01-02', '2024-01-02 03:04:05', \
                      '2024-01-02 03:04:05+00', -0.05)";
        run_sql(&connection, insert, None).unwrap();
        let query = "select *, count(*) as n, 1.5 as x, 'v' as y from t";
        let result = run_sql(&connection, query, None).unwrap().result.unwrap();
        assert_eq!(
            result.columns.iter().map(|c| c.type_name.as_str()).collect::<Vec<_>>(),
            [
                "int2",
                "int8",
                "float4",
                "float8",
                "bpchar",
                "date",
                "timestamp",
                "timestamptz",
                "numeric",
                "int8",
                "float8",
                "varchar"
            ]
        );
        assert_eq!(result.columns[8].column_type, ColumnType::Decimal { precision: 12, scale: 3 });
        assert_eq!(result.rows[0][8], SqlValue::Text("-0.050".into()));
    }

    #[test]
    fn decimals_print_exactly_their_scale() {
        assert_eq!(decimal_text(1250, 2), "12.50");
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(decimal_text(0, 3), "0.000");
    }

    #[test]
    fn queries_return_typed_rows_and_commands_count_rows() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        run_sql(&connection, "create table t (id integer, name varchar(10), ok boolean, price numeric(10,2))", None)
            .unwrap();
        let inserted = run_sql(&connection, "insert into t values (1, 'a', 1, 1.5), (2, null, 0, 2)", None).unwrap();
        assert_eq!(inserted.result_rows, 2);
        let done = run_sql(&connection, "select * from t order by id", None).unwrap();
        let result = done.result.unwrap();
        assert_eq!(
            result.columns.iter().map(|c| c.type_name.as_str()).collect::<Vec<_>>(),
            ["int4", "varchar", "bool", "numeric"]
        );
        assert_eq!(
            result.rows[0],
            [SqlValue::Long(1), SqlValue::Text("a".into()), SqlValue::Bool(true), SqlValue::Text("1.50".into())]
        );
        assert_eq!(result.rows[1][3], SqlValue::Text("2.00".into()));
        assert_eq!(result.rows[1][1], SqlValue::Null);
        assert_eq!(
            run_sql(&connection, "select * from missing", None).unwrap_err(),
            "relation \"missing\" does not exist"
        );
    }
}
