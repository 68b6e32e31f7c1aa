//! UNLOAD's Parquet: Arrow arrays built column by column from the typed vectors of
//! [`super::table`], written by the parquet crate's `ArrowWriter` as Redshift writes them:
//! "Apache Parquet version 1.0 format. By default, each row group is compressed using SNAPPY
//! compression"; row groups of ROWGROUPSIZE (32 MB by default); files split by rows at
//! MAXFILESIZE "rounded down to the nearest multiple of 32 MB"
//! (<https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>, FORMAT AS PARQUET clause).
//!
//! The Parquet type of each Redshift type: AWS does not publish UNLOAD's mapping as a table;
//! the emulator writes each type as the Parquet logical type that holds it exactly, the
//! types Redshift Spectrum maps back to the same Redshift type
//! (<https://docs.aws.amazon.com/redshift/latest/dg/c-spectrum-data-files.html>):
//! SMALLINT → INT32 annotated INT(16), INTEGER → INT32, BIGINT → INT64, DECIMAL(p,s) →
//! DECIMAL(p,s), REAL → FLOAT, DOUBLE PRECISION → DOUBLE, BOOLEAN → BOOLEAN, CHAR and
//! VARCHAR → UTF8 strings, DATE → DATE (days), TIMESTAMP → TIMESTAMP(MICROS, not adjusted to
//! UTC), TIMESTAMPTZ → TIMESTAMP(MICROS, adjusted to UTC) — the instant, without the zone ("If
//! a column uses TIMESTAMPTZ data format, only the timestamp values are unloaded. The time
//! zone information isn't unloaded", same page). No Arrow schema is embedded: readers see
//! the Parquet types alone, as in Redshift's files.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder, Int16Builder, Int32Builder,
    Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::basic::Compression;
use parquet::file::properties::{WriterProperties, WriterVersion};

use super::Settings;
use super::delimited::Part;
use super::table::{Column, Table, Values};
use crate::column_type::ColumnType;

/// Rows per Arrow batch handed to the writer: the grain at which files are split.
const BATCH_ROWS: usize = 8_192;

/// "Amazon Redshift tries to create Parquet files that contain equally sized 32-MB row groups"
/// (r_UNLOAD, FORMAT AS PARQUET clause).
const ROW_GROUP_GRAIN: u64 = 32 * 1024 * 1024;

/// The Arrow type a Redshift type is written as (see the module's note).
pub(crate) fn arrow_type(column_type: ColumnType) -> DataType {
    match column_type {
        ColumnType::SmallInt => DataType::Int16,
        ColumnType::Integer => DataType::Int32,
        ColumnType::BigInt => DataType::Int64,
        ColumnType::Decimal { precision, scale } => DataType::Decimal128(precision, scale as i8),
        ColumnType::Real => DataType::Float32,
        ColumnType::Double => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        ColumnType::Timestamptz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ColumnType::Char { .. } | ColumnType::Varchar { .. } | ColumnType::Other => DataType::Utf8,
    }
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn number(digits: &[u8]) -> Option<i64> {
    crate::column_type::ascii_digits(digits).map(i64::from)
}

/// `text` split at the first byte that is one of `at`: before, the byte, after.
fn split_at_any<'t>(text: &'t [u8], at: &[u8]) -> Option<(&'t [u8], u8, &'t [u8])> {
    let index = text.iter().position(|b| at.contains(b))?;
    Some((&text[..index], text[index], &text[index + 1..]))
}

/// `YYYY-MM-DD` → days since 1970-01-01.
fn parse_date(text: &[u8]) -> Option<i64> {
    let (year, _, rest) = split_at_any(text, b"-")?;
    let (month, _, day) = split_at_any(rest, b"-")?;
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month).contains(&day).then(|| days_from_civil(year, month, day))
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM]]` → microseconds since the epoch, in UTC when an
/// offset is given (the storage convention writes TIMESTAMPTZ with `+00`).
fn parse_timestamp(text: &[u8]) -> Option<i64> {
    let (date, _, time) = split_at_any(text, b" T")?;
    let days = parse_date(date)?;
    let (clock, offset_seconds) = match split_at_any(time, b"+-") {
        Some((clock, sign, zone)) => {
            let sign = if sign == b'-' { -1 } else { 1 };
            let (hours, minutes) = split_at_any(zone, b":").map_or((zone, &b"0"[..]), |(h, _, m)| (h, m));
            (clock, sign * (number(hours)? * 3600 + number(minutes)? * 60))
        }
        None => (time, 0),
    };
    let (whole, fraction) = split_at_any(clock, b".").map_or((clock, &b""[..]), |(w, _, f)| (w, f));
    let (hour, _, rest) = split_at_any(whole, b":")?;
    let (minute, _, second) = split_at_any(rest, b":")?;
    let (hour, minute, second) = (number(hour)?, number(minute)?, number(second)?);
    if hour > 23 || minute > 59 || second > 59 || fraction.len() > 6 {
        return None;
    }
    // `.12` is 120,000 µs: the digits, scaled to six places.
    let micros = if fraction.is_empty() { 0 } else { number(fraction)? * 10_i64.pow(6 - fraction.len() as u32) };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    seconds.checked_mul(1_000_000)?.checked_add(micros)
}

fn not_of_type(column: &Column, row: usize) -> String {
    format!(
        "UNLOAD: the column `{}` ({}) holds `{}`, which is not of its type",
        column.name,
        column.column_type.sql_name(),
        String::from_utf8_lossy(column.text(row))
    )
}

/// The Arrow array of `rows` of one column.
fn array(column: &Column, rows: &[usize]) -> Result<ArrayRef, String> {
    let n = rows.len();
    let valid = &column.valid;
    macro_rules! build {
        ($builder:expr, $value:expr) => {{
            let mut builder = $builder;
            for &row in rows {
                if valid[row] {
                    builder.append_value($value(row)?);
                } else {
                    builder.append_null();
                }
            }
            Arc::new(builder.finish()) as ArrayRef
        }};
    }
    let out_of_range =
        |row: usize| format!("UNLOAD: the value in row {row} of `{}` is out of its type's range", column.name);
    Ok(match (&column.values, column.column_type) {
        (Values::Int(v), ColumnType::SmallInt) => {
            build!(Int16Builder::with_capacity(n), |r: usize| i16::try_from(v[r]).map_err(|_| out_of_range(r)))
        }
        (Values::Int(v), ColumnType::Integer) => {
            build!(Int32Builder::with_capacity(n), |r: usize| i32::try_from(v[r]).map_err(|_| out_of_range(r)))
        }
        (Values::Int(v), ColumnType::Boolean) => {
            build!(BooleanBuilder::with_capacity(n), |r: usize| Ok::<_, String>(v[r] != 0))
        }
        (Values::Int(v), _) => build!(Int64Builder::with_capacity(n), |r: usize| Ok::<_, String>(v[r])),
        (Values::Decimal(v), ColumnType::Decimal { precision, scale }) => build!(
            Decimal128Builder::with_capacity(n)
                .with_precision_and_scale(precision, scale as i8)
                .map_err(|e| e.to_string())?,
            |r: usize| Ok::<_, String>(v[r])
        ),
        (Values::Decimal(v), _) => build!(Decimal128Builder::with_capacity(n), |r: usize| Ok::<_, String>(v[r])),
        (Values::Float(v), ColumnType::Real) => {
            build!(Float32Builder::with_capacity(n), |r: usize| Ok::<_, String>(v[r] as f32))
        }
        (Values::Float(v), _) => build!(Float64Builder::with_capacity(n), |r: usize| Ok::<_, String>(v[r])),
        (Values::Text { .. }, ColumnType::Date) => build!(Date32Builder::with_capacity(n), |r: usize| {
            parse_date(column.text(r)).and_then(|days| i32::try_from(days).ok()).ok_or_else(|| not_of_type(column, r))
        }),
        (Values::Text { .. }, ColumnType::Timestamp | ColumnType::Timestamptz) => {
            let zone = (column.column_type == ColumnType::Timestamptz).then_some("UTC");
            build!(TimestampMicrosecondBuilder::with_capacity(n).with_timezone_opt(zone), |r: usize| {
                parse_timestamp(column.text(r)).ok_or_else(|| not_of_type(column, r))
            })
        }
        (Values::Text { bytes, .. }, _) => {
            let average = bytes.len() / column.valid.len().max(1);
            build!(StringBuilder::with_capacity(n, average.saturating_mul(n)), |r: usize| {
                std::str::from_utf8(column.text(r)).map_err(|_| not_of_type(column, r))
            })
        }
    })
}

/// The writer of one file.
fn writer(schema: &Arc<Schema>, row_group_bytes: u64) -> Result<ArrowWriter<Vec<u8>>, String> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_max_row_group_row_count(None)
        .set_max_row_group_bytes(Some(usize::try_from(row_group_bytes.max(1)).unwrap_or(usize::MAX)))
        .build();
    let options = ArrowWriterOptions::new().with_properties(properties).with_skip_arrow_metadata(true);
    ArrowWriter::try_new_with_options(Vec::new(), Arc::clone(schema), options).map_err(|e| format!("parquet: {e}"))
}

/// The most a Parquet file holds: MAXFILESIZE rounded down to whole 32 MB row groups ("if you
/// specify MAXFILESIZE 200 MB, then each Parquet file unloaded is approximately 192 MB"), or
/// MAXFILESIZE itself when it is under one row group.
fn file_limit(max_file_size: u64) -> u64 {
    match max_file_size / ROW_GROUP_GRAIN * ROW_GROUP_GRAIN {
        0 => max_file_size,
        rounded => rounded,
    }
}

/// Writes `rows` of `columns` as Parquet files.
pub(crate) fn write(table: &Table, columns: &[usize], rows: &[usize], s: &Settings) -> Result<Vec<Part>, String> {
    write_sized(table, columns, rows, s.row_group_size, file_limit(s.max_file_size), BATCH_ROWS)
}

/// Writes Parquet files of at most about `file_bytes`, `batch_rows` rows at a time.
fn write_sized(
    table: &Table,
    columns: &[usize],
    rows: &[usize],
    row_group_bytes: u64,
    file_bytes: u64,
    batch_rows: usize,
) -> Result<Vec<Part>, String> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|i| Field::new(table.columns[*i].name.clone(), arrow_type(table.columns[*i].column_type), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let failed = |e: parquet::errors::ParquetError| format!("parquet: {e}");
    let mut parts = Vec::new();
    let mut current: Option<(ArrowWriter<Vec<u8>>, usize)> = None;
    // The Arrow arrays of the next batch are built on a thread of their own while this one
    // encodes and compresses the last (two batches in flight at most); a failure on either side
    // ends the other at its next batch.
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<(RecordBatch, usize), String>>(2);
        let schema_for_batches = Arc::clone(&schema);
        scope.spawn(move || {
            for chunk in rows.chunks(batch_rows.max(1)) {
                let batch =
                    columns.iter().map(|i| array(&table.columns[*i], chunk)).collect::<Result<Vec<_>, _>>().and_then(
                        |arrays| {
                            RecordBatch::try_new(Arc::clone(&schema_for_batches), arrays)
                                .map_err(|e| format!("parquet: {e}"))
                        },
                    );
                let stop = batch.is_err();
                if sender.send(batch.map(|batch| (batch, chunk.len()))).is_err() || stop {
                    return;
                }
            }
        });
        for batch in receiver {
            let (batch, rows) = batch?;
            let (writer, records) = match &mut current {
                Some(open) => open,
                None => current.insert((writer(&schema, row_group_bytes)?, 0)),
            };
            writer.write(&batch).map_err(failed)?;
            *records += rows;
            if (writer.bytes_written() + writer.in_progress_size()) as u64 >= file_bytes
                && let Some((writer, records)) = current.take()
            {
                parts.push(Part { body: writer.into_inner().map_err(failed)?, records });
            }
        }
        Ok::<(), String>(())
    })?;
    if current.is_none() && parts.is_empty() {
        current = Some((writer(&schema, row_group_bytes)?, 0));
    }
    if let Some((writer, records)) = current {
        parts.push(Part { body: writer.into_inner().map_err(failed)?, records });
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader as _, SerializedFileReader};

    #[test]
    fn dates_and_timestamps_parse_to_days_and_utc_microseconds() {
        assert_eq!(parse_date(b"1970-01-01"), Some(0));
        assert_eq!(parse_date(b"2024-02-29"), Some(19_782));
        assert_eq!(parse_date(b"2023-02-29"), None);
        assert_eq!(parse_date(b"2024-02-2-"), None);
        assert_eq!(parse_timestamp(b"1970-01-01 00:00:01.5"), Some(1_500_000));
        assert_eq!(parse_timestamp(b"1970-01-01T00:00:00.000001"), Some(1));
        assert_eq!(parse_timestamp(b"1970-01-01 01:00:00+01"), Some(0));
        assert_eq!(parse_timestamp(b"1970-01-01 00:00:00-00:30"), Some(1_800_000_000));
        assert_eq!(parse_timestamp(b"2024-01-02"), None);
        assert_eq!(parse_timestamp(b"2024-01-02 03:04:05:06"), None);
        assert_eq!(parse_timestamp(b"2024-01-02 03:4a:05"), None);
        assert_eq!(parse_timestamp(b"2024-01-02 03:04:05.1234567"), None);
    }

    #[test]
    fn files_split_by_rows_and_keep_every_row() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "create table t (id bigint, name varchar(40)); \
                 with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000) \
                 insert into t select i, 'name number ' || i from n",
            )
            .unwrap();
        let table = super::super::table::read(&connection, "select * from t order by id").unwrap();
        let rows: Vec<usize> = (0..table.rows).collect();
        let parts = write_sized(&table, &[0, 1], &rows, 1 << 20, 4_000, 100).unwrap();
        assert!(parts.len() > 1, "{} parts", parts.len());
        assert_eq!(parts.iter().map(|p| p.records).sum::<usize>(), 2000);
        let mut total = 0;
        for part in &parts {
            let reader = SerializedFileReader::new(bytes::Bytes::from(part.body.clone())).unwrap();
            total += reader.metadata().file_metadata().num_rows();
            assert_eq!(reader.metadata().file_metadata().version(), 1);
        }
        assert_eq!(total, 2000);
        assert_eq!(file_limit(200 * 1024 * 1024), 192 * 1024 * 1024);
        assert_eq!(file_limit(5 * 1024 * 1024), 5 * 1024 * 1024);
    }
}
