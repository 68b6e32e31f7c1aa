//! A query's result read column by column straight from SQLite into typed vectors (no value
//! held as a `String` of its own), for UNLOAD's writers; and each value's text as UNLOAD
//! writes it.

use std::io::Write as _;

use rusqlite::types::ValueRef;

use crate::column_type::ColumnType;
use crate::sql_engine::sqlite_text;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    /// SMALLINT, INTEGER, BIGINT, and BOOLEAN's 0/1.
    Int(Vec<i64>),
    /// DECIMAL's unscaled values (`12.50` in `numeric(10,2)` is 1250).
    Decimal(Vec<i128>),
    /// REAL (an f32 widened) and DOUBLE PRECISION.
    Float(Vec<f64>),
    /// Every other type, as text: value `i` is `bytes[ends[i - 1]..ends[i]]`.
    Text { bytes: Vec<u8>, ends: Vec<usize> },
}

/// One column of the result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub name: String,
    pub column_type: ColumnType,
    pub values: Values,
    /// `false` for a NULL.
    pub valid: Vec<bool>,
}

/// The rows of a query, by column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub rows: usize,
}

/// How a column is read before its type is known (an expression's column).
enum Reading {
    Int(Vec<i64>),
    Decimal {
        scale: u8,
        values: Vec<i128>,
    },
    Float(Vec<f64>),
    Text {
        bytes: Vec<u8>,
        ends: Vec<usize>,
    },
    /// No declared type: every value kept as SQLite gave it, typed at the end.
    Dynamic(Vec<Dynamic>, Vec<u8>),
}

/// A value of an expression's column.
enum Dynamic {
    Null,
    Int(i64),
    Float(f64),
    Text(usize, usize),
}

fn reading_for(column_type: ColumnType) -> Reading {
    match column_type {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt | ColumnType::Boolean => {
            Reading::Int(Vec::new())
        }
        ColumnType::Decimal { scale, .. } => Reading::Decimal { scale, values: Vec::new() },
        ColumnType::Real | ColumnType::Double => Reading::Float(Vec::new()),
        ColumnType::Other => Reading::Dynamic(Vec::new(), Vec::new()),
        _ => Reading::Text { bytes: Vec::new(), ends: Vec::new() },
    }
}

/// A value the column's type cannot hold (SQLite kept text in a numeric column, say).
fn mismatch(name: &str, column_type: ColumnType, value: ValueRef<'_>) -> String {
    let shown = match value {
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(d) => d.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(_) => "a blob".to_owned(),
        ValueRef::Null => "NULL".to_owned(),
    };
    format!("UNLOAD: the column `{name}` ({}) holds `{shown}`, which is not of its type", column_type.sql_name())
}

/// A DECIMAL's unscaled value from what SQLite holds: the storage convention keeps values that
/// survive the REAL round trip, so rounding `d × 10^scale` gives the exact digits back.
fn unscaled(value: ValueRef<'_>, scale: u8) -> Option<i128> {
    let factor = 10_i128.checked_pow(u32::from(scale))?;
    match value {
        ValueRef::Integer(n) => i128::from(n).checked_mul(factor),
        ValueRef::Real(d) => {
            let scaled = (d * 10_f64.powi(i32::from(scale))).round();
            (scaled.is_finite() && scaled.abs() < 1e38).then_some(scaled as i128)
        }
        ValueRef::Text(t) => parse_decimal(std::str::from_utf8(t).ok()?, scale),
        _ => None,
    }
}

/// `-12.5` with scale 2 → -1250; more fraction digits than `scale` → `None`.
fn parse_decimal(text: &str, scale: u8) -> Option<i128> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if fraction.len() > usize::from(scale) || !(whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())) {
        return None;
    }
    // The digits, then the zeros the fraction lacks, without a `String` per value.
    let mut value: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    let missing = u32::try_from(usize::from(scale) - fraction.len()).ok()?;
    let value = value.checked_mul(10_i128.checked_pow(missing)?)?;
    Some(if negative { -value } else { value })
}

/// Runs `sql` and reads its rows by column, typed by each column's declared type.
pub(crate) fn read(connection: &rusqlite::Connection, sql: &str) -> Result<Table, String> {
    let mut statement = connection.prepare(sql).map_err(|e| sqlite_text(&e))?;
    if statement.column_count() == 0 {
        return Err("UNLOAD needs a query that returns rows".to_owned());
    }
    let declared: Vec<(String, ColumnType)> = statement
        .columns()
        .iter()
        .map(|c| (c.name().to_owned(), c.decl_type().map_or(ColumnType::Other, ColumnType::parse)))
        .collect();
    let mut readings: Vec<Reading> = declared.iter().map(|(_, t)| reading_for(*t)).collect();
    let mut valid: Vec<Vec<bool>> = vec![Vec::new(); declared.len()];
    let mut rows = statement.query([]).map_err(|e| sqlite_text(&e))?;
    let mut count = 0_usize;
    while let Some(row) = rows.next().map_err(|e| sqlite_text(&e))? {
        count += 1;
        for (index, reading) in readings.iter_mut().enumerate() {
            let value = row.get_ref(index).map_err(|e| sqlite_text(&e))?;
            let (name, column_type) = &declared[index];
            let null = matches!(value, ValueRef::Null);
            valid[index].push(!null);
            match reading {
                Reading::Int(values) => values.push(match value {
                    ValueRef::Null => 0,
                    ValueRef::Integer(n) => n,
                    ValueRef::Real(d) if d.fract() == 0.0 && d.abs() < 9.2e18 => d as i64,
                    ValueRef::Text(t) => std::str::from_utf8(t)
                        .ok()
                        .and_then(|t| t.trim().parse().ok())
                        .ok_or_else(|| mismatch(name, *column_type, value))?,
                    _ => return Err(mismatch(name, *column_type, value)),
                }),
                Reading::Decimal { scale, values } => values.push(if null {
                    0
                } else {
                    unscaled(value, *scale).ok_or_else(|| mismatch(name, *column_type, value))?
                }),
                Reading::Float(values) => values.push(match value {
                    ValueRef::Null => 0.0,
                    ValueRef::Integer(n) => n as f64,
                    ValueRef::Real(d) => d,
                    ValueRef::Text(t) => std::str::from_utf8(t)
                        .ok()
                        .and_then(|t| t.trim().parse().ok())
                        .ok_or_else(|| mismatch(name, *column_type, value))?,
                    ValueRef::Blob(_) => return Err(mismatch(name, *column_type, value)),
                }),
                Reading::Text { bytes, ends } => {
                    match value {
                        ValueRef::Null => {}
                        ValueRef::Integer(n) => write!(bytes, "{n}").map_err(|e| e.to_string())?,
                        ValueRef::Real(d) => write!(bytes, "{d}").map_err(|e| e.to_string())?,
                        ValueRef::Text(t) | ValueRef::Blob(t) => bytes.extend_from_slice(t),
                    }
                    ends.push(bytes.len());
                }
                Reading::Dynamic(values, bytes) => values.push(match value {
                    ValueRef::Null => Dynamic::Null,
                    ValueRef::Integer(n) => Dynamic::Int(n),
                    ValueRef::Real(d) => Dynamic::Float(d),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        let start = bytes.len();
                        bytes.extend_from_slice(t);
                        Dynamic::Text(start, bytes.len())
                    }
                }),
            }
        }
    }
    let columns = declared
        .into_iter()
        .zip(readings)
        .zip(valid)
        .map(|(((name, column_type), reading), valid)| {
            let (column_type, values) = finish(column_type, reading);
            Column { name, column_type, values, valid }
        })
        .collect();
    Ok(Table { columns, rows: count })
}

/// The column's values, and its type once read: an expression's column is BIGINT when every
/// value is an integer, DOUBLE PRECISION when every value is a number, text otherwise.
fn finish(column_type: ColumnType, reading: Reading) -> (ColumnType, Values) {
    match reading {
        Reading::Int(values) => (column_type, Values::Int(values)),
        Reading::Decimal { values, .. } => (column_type, Values::Decimal(values)),
        Reading::Float(values) => (column_type, Values::Float(values)),
        Reading::Text { bytes, ends } => (column_type, Values::Text { bytes, ends }),
        Reading::Dynamic(values, bytes) => {
            let text = values.iter().any(|v| matches!(v, Dynamic::Text(..)));
            let float = values.iter().any(|v| matches!(v, Dynamic::Float(_)));
            if !text && !float {
                let ints = values.iter().map(|v| if let Dynamic::Int(n) = v { *n } else { 0 }).collect();
                (ColumnType::BigInt, Values::Int(ints))
            } else if !text {
                let floats = values
                    .iter()
                    .map(|v| match v {
                        Dynamic::Int(n) => *n as f64,
                        Dynamic::Float(d) => *d,
                        _ => 0.0,
                    })
                    .collect();
                (ColumnType::Double, Values::Float(floats))
            } else {
                let mut out = Vec::with_capacity(bytes.len());
                let mut ends = Vec::with_capacity(values.len());
                for value in &values {
                    match value {
                        Dynamic::Null => {}
                        Dynamic::Int(n) => out.extend_from_slice(n.to_string().as_bytes()),
                        Dynamic::Float(d) => out.extend_from_slice(d.to_string().as_bytes()),
                        Dynamic::Text(start, end) => out.extend_from_slice(&bytes[*start..*end]),
                    }
                    ends.push(out.len());
                }
                (ColumnType::Other, Values::Text { bytes: out, ends })
            }
        }
    }
}

impl Column {
    /// Value `row` as text, for a text column.
    pub fn text(&self, row: usize) -> &[u8] {
        match &self.values {
            Values::Text { bytes, ends } => {
                let start = if row == 0 { 0 } else { ends[row - 1] };
                &bytes[start..ends[row]]
            }
            _ => &[],
        }
    }

    /// Appends value `row` as UNLOAD writes it in text: BOOLEAN as `t`/`f`, DECIMAL with exactly
    /// its scale, REAL as the f32 it is. Returns `false` (appending nothing) for NULL.
    pub fn write_text(&self, row: usize, out: &mut Vec<u8>) -> bool {
        if !self.valid[row] {
            return false;
        }
        // Writing into a Vec cannot fail.
        let _ = match (&self.values, self.column_type) {
            (Values::Int(values), ColumnType::Boolean) => {
                out.push(if values[row] != 0 { b't' } else { b'f' });
                Ok(())
            }
            (Values::Int(values), _) => write!(out, "{}", values[row]),
            (Values::Decimal(values), ColumnType::Decimal { scale, .. }) => write_decimal(values[row], scale, out),
            (Values::Decimal(values), _) => write!(out, "{}", values[row]),
            (Values::Float(values), ColumnType::Real) => write!(out, "{}", values[row] as f32),
            (Values::Float(values), _) => write!(out, "{}", values[row]),
            (Values::Text { .. }, _) => {
                out.extend_from_slice(self.text(row));
                Ok(())
            }
        };
        true
    }
}

/// `unscaled` with `scale` digits after the point (`1250`, 2 → `12.50`).
fn write_decimal(unscaled: i128, scale: u8, out: &mut Vec<u8>) -> std::io::Result<()> {
    if scale == 0 {
        return write!(out, "{unscaled}");
    }
    let factor = 10_u128.pow(u32::from(scale));
    let magnitude = unscaled.unsigned_abs();
    let sign = if unscaled < 0 { "-" } else { "" };
    write!(out, "{sign}{}.{:0width$}", magnitude / factor, magnitude % factor, width = usize::from(scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(create: &str, insert: &str, query: &str) -> Table {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection.execute_batch(create).unwrap();
        connection.execute_batch(insert).unwrap();
        read(&connection, query).unwrap()
    }

    fn texts(column: &Column, rows: usize) -> Vec<Option<String>> {
        (0..rows)
            .map(|row| {
                let mut out = Vec::new();
                column.write_text(row, &mut out).then(|| String::from_utf8(out).unwrap())
            })
            .collect()
    }

    #[test]
    fn columns_are_read_by_their_declared_types_and_written_as_redshift_prints_them() {
        let t = table(
            "create table t (a smallint, b boolean, c numeric(10,2), d real, e char(2), f timestamptz)",
            "insert into t values (1, 1, 12.5, 1.1, 'x', '2024-01-02 03:04:05+00'), (null, 0, -0.05, null, null, null)",
            "select * from t",
        );
        assert_eq!(t.rows, 2);
        assert_eq!(texts(&t.columns[0], 2), [Some("1".into()), None]);
        assert_eq!(texts(&t.columns[1], 2), [Some("t".into()), Some("f".into())]);
        assert_eq!(texts(&t.columns[2], 2), [Some("12.50".into()), Some("-0.05".into())]);
        assert_eq!(t.columns[2].values, Values::Decimal(vec![1250, -5]));
        assert_eq!(texts(&t.columns[3], 2), [Some("1.1".into()), None]);
        assert_eq!(texts(&t.columns[5], 2), [Some("2024-01-02 03:04:05+00".into()), None]);
    }

    #[test]
    fn an_expressions_column_takes_the_type_of_its_values() {
        let t = table(
            "create table t (a integer)",
            "insert into t values (1), (2)",
            "select a * 2, a * 1.5, 'x' || a from t",
        );
        let types: Vec<ColumnType> = t.columns.iter().map(|c| c.column_type).collect();
        assert_eq!(types, [ColumnType::BigInt, ColumnType::Double, ColumnType::Other]);
        assert_eq!(texts(&t.columns[2], 2), [Some("x1".into()), Some("x2".into())]);
    }

    #[test]
    fn text_in_a_numeric_column_is_refused_with_the_column_named() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection.execute_batch("create table t (a integer); insert into t values ('abc')").unwrap();
        let error = read(&connection, "select * from t").unwrap_err();
        assert!(error.contains("`a`") && error.contains("`abc`"), "{error}");
    }

    #[test]
    fn decimal_text_parses_within_its_scale() {
        assert_eq!(parse_decimal("-12.5", 2), Some(-1250));
        assert_eq!(parse_decimal("7", 0), Some(7));
        assert_eq!(parse_decimal("1.234", 2), None);
    }
}
