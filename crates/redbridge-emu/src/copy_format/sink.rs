//! Where every format's rows go: [`Sink`], the batched insert of one COPY under a savepoint, and
//! [`Rows`], rows of typed values held row after row (what a decoding thread hands the SQLite one).

use super::TargetColumn;
use super::value::Typed;
use crate::sql_engine;

/// Rows of values, row after row, their text in one buffer: no allocation per value or row once
/// the buffer has grown. The row being filled is the last.
#[derive(Debug)]
pub(crate) struct Rows {
    columns: usize,
    values: Vec<Pending>,
    text: String,
    /// Complete rows.
    count: usize,
}

/// A value of [`Rows`].
#[derive(Debug, Clone, Copy)]
enum Pending {
    Null,
    Int(i64),
    Real(f64),
    /// `text[start..end]`.
    Text(usize, usize),
}

impl Rows {
    /// No rows yet, for a table of `columns` columns.
    pub fn new(columns: usize) -> Self {
        Self { columns, values: vec![Pending::Null; columns], text: String::new(), count: 0 }
    }

    /// Sets value `index` (0-based) of the row being filled; a value never set is NULL.
    pub fn set(&mut self, index: usize, value: Typed<'_>) -> Result<(), String> {
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
        let slot = self.count * self.columns + index;
        *self.values.get_mut(slot).ok_or("COPY: a value past the table's columns")? = pending;
        Ok(())
    }

    /// Ends the row being filled.
    pub fn end_row(&mut self) {
        self.count += 1;
        self.values.resize((self.count + 1) * self.columns, Pending::Null);
    }

    /// How many complete rows there are.
    pub fn len(&self) -> usize {
        self.count
    }

    fn clear(&mut self) {
        self.values.clear();
        self.values.resize(self.columns, Pending::Null);
        self.text.clear();
        self.count = 0;
    }

    /// The values of complete rows `first..first + rows`.
    fn span(&self, first: usize, rows: usize) -> &[Pending] {
        &self.values[first * self.columns..(first + rows) * self.columns]
    }
}

/// The rows of one COPY under a savepoint (all or none), inserted [`BATCH_ROWS`] at a time by one
/// prepared multi-row `INSERT … VALUES (…), (…)`, and the rest one by one.
///
/// A multi-row statement saves SQLite's per-statement work (opening the table's cursor, finding
/// its last row, halting and resetting the program) on all but one row in [`BATCH_ROWS`]
/// (`cargo xtask bench emu`). A row's values wait in `pending` until its batch runs.
pub(crate) struct Sink<'c> {
    /// One row.
    one: rusqlite::Statement<'c>,
    /// [`Self::batch`] rows, when the table is narrow enough for more than one.
    many: Option<rusqlite::Statement<'c>>,
    /// Rows per multi-row statement.
    batch: usize,
    /// The rows bound and not inserted yet.
    pending: Rows,
    /// Rows inserted or pending so far.
    pub rows: usize,
}

/// Rows per multi-row insert: 64, fewer for wide tables (SQLite allows 32,766 parameters in one
/// statement, <https://www.sqlite.org/limits.html#max_variable_number>).
pub(crate) const BATCH_ROWS: usize = 64;
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
            Ok((one, many)) => Ok(Self { one, many, batch, pending: Rows::new(columns.len()), rows: 0 }),
            Err(e) => {
                let _ = connection.execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy");
                Err(sql_engine::sqlite_text(&e))
            }
        }
    }

    /// Binds parameter `index` (0-based) of the row being bound.
    pub fn bind(&mut self, index: usize, value: Typed<'_>) -> Result<(), String> {
        self.pending.set(index, value)
    }

    /// Ends the row bound; inserts the pending rows once there is a batch of them. `failed` is the
    /// text of a refused row (a constraint, say).
    pub fn insert(&mut self, failed: impl FnOnce() -> String) -> Result<(), String> {
        self.pending.end_row();
        self.rows += 1;
        if self.pending.len() == self.batch
            && let Some(many) = &mut self.many
        {
            bind_rows(many, self.pending.span(0, self.batch), &self.pending.text)?;
            many.raw_execute().map_err(|_| failed())?;
            self.pending.clear();
        } else if self.many.is_none() {
            self.flush(failed)?;
        }
        Ok(())
    }

    /// Inserts `rows` (after any pending ones): whole batches, then the rest one by one.
    pub fn insert_rows(&mut self, rows: &Rows, failed: impl Fn() -> String) -> Result<(), String> {
        self.flush(&failed)?;
        let mut first = 0;
        if let Some(many) = &mut self.many {
            while rows.len() - first >= self.batch {
                bind_rows(many, rows.span(first, self.batch), &rows.text)?;
                many.raw_execute().map_err(|_| failed())?;
                first += self.batch;
            }
        }
        for row in first..rows.len() {
            bind_rows(&mut self.one, rows.span(row, 1), &rows.text)?;
            self.one.raw_execute().map_err(|_| failed())?;
        }
        self.rows += rows.len();
        Ok(())
    }

    /// Inserts the rows still pending, one by one (each format's loader calls it at the end of
    /// a file, so that `failed` names the file).
    pub fn flush(&mut self, failed: impl FnOnce() -> String) -> Result<(), String> {
        let mut failed = Some(failed);
        for row in 0..self.pending.len() {
            bind_rows(&mut self.one, self.pending.span(row, 1), &self.pending.text)?;
            if self.one.raw_execute().is_err() {
                return Err(failed.take().map(|f| f()).unwrap_or_default());
            }
        }
        self.pending.clear();
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column_type::ColumnType;
    use crate::copy_format::in_savepoint;

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
