//! Runs one SQL text: COPY and UNLOAD through the chain and the accounts' ports, everything else in the
//! embedded SQLite database of the cluster or workgroup.

use std::sync::{Arc, Mutex, MutexGuard};

use redbridge_iam::S3Uri;
use redbridge_sql::{Statement, TableName};
use rusqlite::types::ValueRef;

use redbridge_aws::ports::Connect;

use crate::api::data::Target;
use crate::state::Service;
use crate::texts;

/// Where and as whom a statement runs.
#[derive(Debug, Clone)]
pub(crate) struct ExecContext {
    pub account: String,
    pub region: String,
    pub target: Target,
    /// `arn:aws:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER` (or the serverless form): the external id.
    pub db_user_arn: String,
    pub serverless: bool,
    pub database: Arc<Mutex<rusqlite::Connection>>,
}

impl ExecContext {
    pub fn connection(&self) -> MutexGuard<'_, rusqlite::Connection> {
        self.database.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

impl SqlValue {
    /// The value as UNLOAD writes it; `None` for NULL.
    pub fn render(&self) -> Option<String> {
        match self {
            Self::Null => None,
            Self::Long(n) => Some(n.to_string()),
            Self::Double(d) => Some(d.to_string()),
            Self::Text(s) => Some(s.clone()),
            Self::Bool(b) => Some(if *b { "t" } else { "f" }.to_owned()),
        }
    }
}

/// A result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    pub type_name: String,
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

/// Runs SQL that returns nothing (transaction control).
pub(crate) fn run_plain(context: &ExecContext, sql: &str) -> Result<(), String> {
    context.connection().execute_batch(sql).map_err(|e| sqlite_text(&e))
}

/// Ends the statement's session: its temporary tables go away, as in Redshift, where every
/// Data API statement or batch runs in a session of its own (unless a session is kept alive,
/// which the emulator does not do).
pub(crate) fn end_session(context: &ExecContext) -> Result<(), String> {
    let connection = context.connection();
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
}

/// Runs one SQL text; the error is the text Redshift would put after `ERROR: `.
pub(crate) async fn execute<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    sql: &str,
) -> Result<Done, String> {
    let text = sql.trim().trim_end_matches(';').trim();
    let first = text.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
    match first.as_str() {
        "COPY" | "UNLOAD" => {
            let statement = redbridge_sql::parse_statement(text).map_err(|e| format!("syntax error: {e}"))?;
            match statement {
                Statement::Copy(copy) => crate::copy_run::copy(service, context, &copy).await,
                Statement::Unload(unload) => crate::unload_run::unload(service, context, &unload).await,
            }
        }
        _ => run_sql(&context.connection(), &translate(text)),
    }
}

/// Runs a query or command in SQLite.
pub(crate) fn run_sql(connection: &rusqlite::Connection, sql: &str) -> Result<Done, String> {
    let mut statement = connection.prepare(sql).map_err(|e| sqlite_text(&e))?;
    if statement.column_count() == 0 {
        let changed = statement.execute([]).map_err(|e| sqlite_text(&e))?;
        return Ok(Done { result_rows: i64::try_from(changed).unwrap_or(i64::MAX), result: None });
    }
    let declared: Vec<(String, Option<String>)> =
        statement.columns().iter().map(|c| (c.name().to_owned(), c.decl_type().map(str::to_ascii_lowercase))).collect();
    let mut rows = statement.query([]).map_err(|e| sqlite_text(&e))?;
    let mut out = Vec::new();
    let mut seen_types: Vec<Option<&'static str>> = vec![None; declared.len()];
    while let Some(row) = rows.next().map_err(|e| sqlite_text(&e))? {
        let mut values = Vec::with_capacity(declared.len());
        for (index, (_, decl)) in declared.iter().enumerate() {
            let value = row.get_ref(index).map_err(|e| sqlite_text(&e))?;
            let decl = decl.as_deref().unwrap_or_default();
            let converted = match value {
                ValueRef::Null => SqlValue::Null,
                ValueRef::Integer(n) if decl.contains("bool") => SqlValue::Bool(n != 0),
                ValueRef::Integer(n) if decl.contains("numeric") || decl.contains("decimal") => {
                    SqlValue::Text(n.to_string())
                }
                ValueRef::Integer(n) => SqlValue::Long(n),
                ValueRef::Real(d) if decl.contains("numeric") || decl.contains("decimal") => {
                    SqlValue::Text(d.to_string())
                }
                ValueRef::Real(d) => SqlValue::Double(d),
                ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => SqlValue::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
            };
            if seen_types[index].is_none() {
                seen_types[index] = match value {
                    ValueRef::Integer(_) => Some("int8"),
                    ValueRef::Real(_) => Some("float8"),
                    ValueRef::Text(_) | ValueRef::Blob(_) => Some("varchar"),
                    ValueRef::Null => None,
                };
            }
            values.push(converted);
        }
        out.push(values);
    }
    let columns = declared
        .iter()
        .zip(&seen_types)
        .map(|((name, decl), seen)| Column {
            name: name.clone(),
            type_name: redshift_type(decl.as_deref()).unwrap_or(seen.unwrap_or("varchar")).to_owned(),
        })
        .collect();
    let result_rows = i64::try_from(out.len()).unwrap_or(i64::MAX);
    Ok(Done { result_rows, result: Some(ResultSet { columns, rows: out }) })
}

/// The Redshift type name for a declared column type.
fn redshift_type(declared: Option<&str>) -> Option<&'static str> {
    let d = declared?;
    Some(if d.contains("bool") {
        "bool"
    } else if d.contains("bigint") || d.contains("int8") {
        "int8"
    } else if d.contains("smallint") || d.contains("int2") {
        "int2"
    } else if d.contains("int") {
        "int4"
    } else if d.contains("numeric") || d.contains("decimal") {
        "numeric"
    } else if d.contains("double") || d.contains("float") || d.contains("real") {
        "float8"
    } else if d.contains("timestamp") {
        "timestamp"
    } else if d.contains("date") {
        "date"
    } else if d.contains("char") || d.contains("text") {
        "varchar"
    } else {
        return None;
    })
}

/// Redshift's words for SQLite's errors where they differ.
pub(crate) fn sqlite_text(error: &rusqlite::Error) -> String {
    let text = error.to_string();
    if let Some(table) = text.strip_prefix("no such table: ") {
        return texts::no_such_relation(table.trim_start_matches("main."));
    }
    text
}

/// Drops the `public.` schema SQLite does not know, outside string literals and quoted names.
pub(crate) fn translate(sql: &str) -> String {
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
        out.push(c);
        previous = Some(c);
    }
    out
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
    fn queries_return_typed_rows_and_commands_count_rows() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        run_sql(&connection, "create table t (id integer, name varchar(10), ok boolean, price numeric(10,2))").unwrap();
        let inserted = run_sql(&connection, "insert into t values (1, 'a', 1, 1.5), (2, null, 0, 2)").unwrap();
        assert_eq!(inserted.result_rows, 2);
        let done = run_sql(&connection, "select * from t order by id").unwrap();
        let result = done.result.unwrap();
        assert_eq!(
            result.columns.iter().map(|c| c.type_name.as_str()).collect::<Vec<_>>(),
            ["int4", "varchar", "bool", "numeric"]
        );
        assert_eq!(
            result.rows[0],
            [SqlValue::Long(1), SqlValue::Text("a".into()), SqlValue::Bool(true), SqlValue::Text("1.5".into())]
        );
        assert_eq!(result.rows[1][1], SqlValue::Null);
        assert_eq!(run_sql(&connection, "select * from missing").unwrap_err(), "relation \"missing\" does not exist");
    }
}
