//! COPY's file formats: the statement's options read into [`CopySettings`] (Redshift's syntax and
//! option checks, made before the chain and S3 are touched), the values each format yields turned
//! into the typed values the table holds (`storage.md`'s convention: ranges, lengths, precision
//! checked), and the batched insert every format feeds.

pub(crate) mod delimited;
pub(crate) mod json;
pub(crate) mod parquet;
pub(crate) mod settings;
pub(crate) mod value;

pub(crate) use settings::{CopySettings, Format, JsonMode};
use value::{Typed, format_date, format_timestamp};

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

/// The rows of one COPY under a savepoint (all or none), inserted [`BATCH_ROWS`] at a time by one
/// prepared multi-row `INSERT … VALUES (…), (…)`, and the rest one by one.
///
/// A multi-row statement saves SQLite's per-statement work (opening the table's cursor, finding
/// its last row, halting and resetting the program) on all but one row in [`BATCH_ROWS`]: about a
/// third of a bulk COPY's time (`cargo xtask bench emu`). A row's values wait in `pending` until
/// its batch runs.
pub(crate) struct Sink<'c> {
    /// One row.
    one: rusqlite::Statement<'c>,
    /// [`Self::batch`] rows, when the table is narrow enough for more than one.
    many: Option<rusqlite::Statement<'c>>,
    /// Rows per multi-row statement.
    batch: usize,
    columns: usize,
    /// The values of the rows not inserted yet, row after row, the row being bound last.
    pending: Vec<Pending>,
    /// The text of the pending values.
    text: String,
    /// Rows bound and not inserted yet.
    pending_rows: usize,
    /// Rows inserted or pending so far.
    pub rows: usize,
}

/// A value waiting for its row's insert.
#[derive(Debug, Clone, Copy)]
enum Pending {
    Null,
    Int(i64),
    Real(f64),
    /// `text[start..end]`.
    Text(usize, usize),
}

/// Rows per multi-row insert: 64, fewer for wide tables (SQLite allows 32,766 parameters in one
/// statement, <https://www.sqlite.org/limits.html#max_variable_number>).
const BATCH_ROWS: usize = 64;
const MAX_PARAMETERS: usize = 32_766;

impl<'c> Sink<'c> {
    /// Opens the savepoint and prepares the inserts of `columns` into `table`.
    pub fn open(connection: &'c rusqlite::Connection, table: &str, columns: &[TargetColumn]) -> Result<Self, String> {
        let column_list =
            columns.iter().map(|c| format!("\"{}\"", c.name.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        let insert = |rows: usize| {
            format!(
                "INSERT INTO \"{}\" ({column_list}) VALUES {}",
                table.replace('"', "\"\""),
                vec![row.as_str(); rows].join(", ")
            )
        };
        let batch = BATCH_ROWS.min(MAX_PARAMETERS / columns.len().max(1)).max(1);
        connection.execute_batch("SAVEPOINT redbridge_copy").map_err(|e| sql_engine::sqlite_text(&e))?;
        let prepared = connection
            .prepare(&insert(1))
            .and_then(|one| Ok((one, if batch > 1 { Some(connection.prepare(&insert(batch))?) } else { None })));
        match prepared {
            Ok((one, many)) => Ok(Self {
                one,
                many,
                batch,
                columns: columns.len(),
                pending: vec![Pending::Null; columns.len()],
                text: String::new(),
                pending_rows: 0,
                rows: 0,
            }),
            Err(e) => {
                let _ = connection.execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy");
                Err(sql_engine::sqlite_text(&e))
            }
        }
    }

    /// Binds parameter `index` (0-based) of the row being bound.
    pub fn bind(&mut self, index: usize, value: Typed<'_>) -> Result<(), String> {
        let pending = match value {
            Typed::Null => Pending::Null,
            Typed::Int(v) => Pending::Int(v),
            Typed::Real(v) => Pending::Real(v),
            Typed::Text(text) => {
                let start = self.text.len();
                self.text.push_str(text);
                Pending::Text(start, self.text.len())
            }
        };
        let slot = self.pending_rows * self.columns + index;
        *self.pending.get_mut(slot).ok_or("COPY: a value past the table's columns")? = pending;
        Ok(())
    }

    /// Ends the row bound; inserts the pending rows once there is a batch of them. `failed` is the
    /// text of a refused row (a constraint, say).
    pub fn insert(&mut self, failed: impl FnOnce() -> String) -> Result<(), String> {
        self.pending_rows += 1;
        self.rows += 1;
        if self.pending_rows == self.batch
            && let Some(many) = &mut self.many
        {
            bind_rows(many, &self.pending, &self.text)?;
            many.raw_execute().map_err(|_| failed())?;
            self.clear();
        } else if self.many.is_none() {
            self.flush(failed)?;
        }
        self.pending.resize((self.pending_rows + 1) * self.columns, Pending::Null);
        Ok(())
    }

    /// Inserts the rows still pending, one by one (each format's loader calls it at the end of
    /// a file, so that `failed` names the file).
    pub fn flush(&mut self, failed: impl FnOnce() -> String) -> Result<(), String> {
        let mut failed = Some(failed);
        for row in 0..self.pending_rows {
            let values = &self.pending[row * self.columns..(row + 1) * self.columns];
            bind_rows(&mut self.one, values, &self.text)?;
            if self.one.raw_execute().is_err() {
                return Err(failed.take().map(|f| f()).unwrap_or_default());
            }
        }
        self.clear();
        self.pending.resize(self.columns, Pending::Null);
        Ok(())
    }

    fn clear(&mut self) {
        self.pending.clear();
        self.text.clear();
        self.pending_rows = 0;
    }
}

/// Binds `values` as the statement's parameters, in order.
fn bind_rows(statement: &mut rusqlite::Statement<'_>, values: &[Pending], text: &str) -> Result<(), String> {
    for (index, value) in values.iter().enumerate() {
        let bound = match *value {
            Pending::Null => statement.raw_bind_parameter(index + 1, rusqlite::types::Null),
            Pending::Int(v) => statement.raw_bind_parameter(index + 1, v),
            Pending::Real(v) => statement.raw_bind_parameter(index + 1, v),
            Pending::Text(start, end) => statement.raw_bind_parameter(index + 1, &text[start..end]),
        };
        bound.map_err(|e| sql_engine::sqlite_text(&e))?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> (rusqlite::Connection, Vec<TargetColumn>) {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection.execute_batch("CREATE TABLE t (id INTEGER NOT NULL, name TEXT, score REAL)").unwrap();
        let columns = [("id", "integer"), ("name", "varchar(8)"), ("score", "double precision")]
            .map(|(name, kind)| TargetColumn { name: name.to_owned(), kind: ColumnType::parse(kind) })
            .to_vec();
        (connection, columns)
    }

    /// Binds `rows` rows (row `bad`'s id NULL) and flushes once, as a loader does per file.
    fn load(sink: &mut Sink<'_>, rows: i64, bad: Option<i64>) -> Result<(), String> {
        for id in 0..rows {
            if Some(id) == bad {
                sink.bind(0, Typed::Null)?;
            } else {
                sink.bind(0, Typed::Int(id))?;
            }
            if id % 3 == 0 {
                sink.bind(1, Typed::Null)?;
            } else {
                sink.bind(1, Typed::Text(&format!("n{id}")))?;
            }
            sink.bind(2, Typed::Real(id as f64 / 2.0))?;
            sink.insert(|| "refused".to_owned())?;
        }
        sink.flush(|| "refused".to_owned())
    }

    #[test]
    fn rows_across_batches_and_a_remainder_all_arrive_in_order_with_their_values() {
        let (connection, columns) = table();
        let rows = 2 * BATCH_ROWS as i64 + 7;
        let inserted = in_savepoint(&connection, "t", &columns, true, |sink| load(sink, rows, None)).unwrap();
        assert_eq!(inserted, usize::try_from(rows).unwrap());
        let mut statement = connection.prepare("SELECT id, name, score FROM t ORDER BY rowid").unwrap();
        let read: Vec<(i64, Option<String>, f64)> =
            statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(read.len(), usize::try_from(rows).unwrap());
        for (expected, (id, name, score)) in (0..).zip(read) {
            assert_eq!(id, expected);
            assert_eq!(name, (id % 3 != 0).then(|| format!("n{id}")), "{id}");
            assert!((score - id as f64 / 2.0).abs() < f64::EPSILON, "{id}");
        }
    }

    #[test]
    fn a_refused_row_in_a_batch_or_in_the_remainder_keeps_nothing() {
        for bad in [5, BATCH_ROWS as i64 + 3, 2 * BATCH_ROWS as i64 + 2] {
            let (connection, columns) = table();
            let error =
                in_savepoint(&connection, "t", &columns, true, |sink| load(sink, 2 * BATCH_ROWS as i64 + 5, Some(bad)));
            assert_eq!(error.unwrap_err(), "refused", "row {bad}");
            let count: i64 = connection.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(count, 0, "row {bad}");
        }
    }
}
