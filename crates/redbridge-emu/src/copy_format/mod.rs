//! COPY's file formats: the statement's options read into [`CopySettings`] (Redshift's syntax and
//! option checks, made before the chain and S3 are touched), the values each format yields turned
//! into the typed values the table holds (`storage.md`'s convention: ranges, lengths, precision
//! checked), and the batched insert every format feeds.

pub(crate) mod delimited;
pub(crate) mod json;
pub(crate) mod parquet;
pub(crate) mod settings;
pub(crate) mod sink;
pub(crate) mod value;

pub(crate) use settings::{CopySettings, Format, JsonMode};
pub(crate) use sink::Sink;
use value::{format_date, format_timestamp};

use crate::column_type::ColumnType;
use crate::sql_engine;
use crate::texts;

/// A column COPY fills: its name, its declared type and the type read from it.
#[derive(Debug, Clone)]
pub(crate) struct TargetColumn {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub kind: ColumnType,
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
        // The loaders flush at the end of each file; this catches a row left by one that did not.
        load(&mut sink).and_then(|()| sink.flush(|| texts::load_failed(table))).map(|()| sink.rows)
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
