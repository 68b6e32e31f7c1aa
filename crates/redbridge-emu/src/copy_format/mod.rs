//! COPY's file formats: the statement's options read into [`CopySettings`] (Redshift's syntax and
//! option checks, made before the chain and S3 are touched), the values each format yields turned
//! into the typed values the table holds (`storage.md`'s convention: ranges, lengths, precision
//! checked), and the one prepared insert every format feeds.

pub(crate) mod delimited;
pub(crate) mod json;
pub(crate) mod parquet;
pub(crate) mod settings;
pub(crate) mod value;

pub(crate) use settings::{CopySettings, Format, JsonMode};
use value::{format_date, format_timestamp};

use crate::column_type::ColumnType;
use crate::sql_engine;

/// A column COPY fills: its name, its declared type and the type read from it.
#[derive(Debug, Clone)]
pub(crate) struct TargetColumn {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub kind: ColumnType,
}

/// The rows of one COPY, inserted by one prepared statement under a savepoint: all or none.
pub(crate) struct Sink<'c> {
    statement: rusqlite::Statement<'c>,
    /// Rows inserted so far.
    pub rows: usize,
}

impl<'c> Sink<'c> {
    /// Opens the savepoint and prepares the insert of `columns` into `table`.
    pub fn open(connection: &'c rusqlite::Connection, table: &str, columns: &[TargetColumn]) -> Result<Self, String> {
        let column_list =
            columns.iter().map(|c| format!("\"{}\"", c.name.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
        let placeholders = vec!["?"; columns.len()].join(", ");
        let insert = format!("INSERT INTO \"{}\" ({column_list}) VALUES ({placeholders})", table.replace('"', "\"\""));
        connection.execute_batch("SAVEPOINT redbridge_copy").map_err(|e| sql_engine::sqlite_text(&e))?;
        match connection.prepare(&insert) {
            Ok(statement) => Ok(Self { statement, rows: 0 }),
            Err(e) => {
                let _ = connection.execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy");
                Err(sql_engine::sqlite_text(&e))
            }
        }
    }

    /// Binds parameter `index` (0-based) of the next row.
    pub fn bind<T: rusqlite::ToSql>(&mut self, index: usize, value: T) -> Result<(), String> {
        self.statement.raw_bind_parameter(index + 1, value).map_err(|e| sql_engine::sqlite_text(&e))
    }

    /// Inserts the row bound; `failed` is the text of a refused row (a constraint, say).
    pub fn insert(&mut self, failed: impl FnOnce() -> String) -> Result<(), String> {
        self.statement.raw_execute().map_err(|_| failed())?;
        self.rows += 1;
        Ok(())
    }
}

/// Runs `load` inside a savepoint: released when it succeeds and `keep` (NOLOAD checks the files
/// and keeps nothing), rolled back otherwise.
pub(crate) fn in_savepoint(
    connection: &rusqlite::Connection,
    table: &str,
    columns: &[TargetColumn],
    keep: bool,
    load: impl FnOnce(&mut Sink<'_>) -> Result<(), String>,
) -> Result<usize, String> {
    let outcome = {
        let mut sink = Sink::open(connection, table, columns)?;
        load(&mut sink).map(|()| sink.rows)
    };
    match outcome {
        Ok(rows) if !keep => {
            connection
                .execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy")
                .map_err(|e| sql_engine::sqlite_text(&e))?;
            Ok(rows)
        }
        Ok(rows) => {
            connection.execute_batch("RELEASE redbridge_copy").map_err(|e| sql_engine::sqlite_text(&e))?;
            Ok(rows)
        }
        Err(error) => {
            // Interrupted, this may fail too: the session's end rolls back what is left open.
            let _ = connection.execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy");
            Err(error)
        }
    }
}
