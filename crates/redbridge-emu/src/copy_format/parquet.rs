//! COPY from Parquet with Redshift's columnar rules: columns by position, the file's column count
//! equal to the table's (or the column list's; fewer with FILLRECORD), each Parquet type loaded
//! only into the Redshift types it maps to, values read column-wise from Arrow record batches and
//! bound without a string per value.
//!
//! "COPY inserts values into the target table's columns in the same order as the columns occur in
//! the columnar data files. The number of columns in the target table and the number of columns
//! in the data file must match"
//! (<https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>).
//! The pairings follow Redshift Spectrum's, which columnar COPY reads through ("COPY from the
//! Parquet and ORC file formats uses Redshift Spectrum", same page): an integer into a column at
//! least as wide (INT64 into INTEGER is refused, as users report:
//! "`user_level` … `INTEGER` (int32) … numpy gives int64 → the whole COPY fails"), DECIMAL from
//! Parquet DECIMAL only ("`DECIMAL(12,2)` does not accept Parquet's double"), FLOAT into REAL or
//! DOUBLE PRECISION, DOUBLE into DOUBLE PRECISION, strings into CHAR/VARCHAR, DATE into DATE,
//! TIMESTAMP (INT64 or INT96 as Spark and Hive write it) into TIMESTAMP or TIMESTAMPTZ.

use arrow_array::cast::AsArray as _;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::sink::Rows;
use super::value::{Typed, ValueError, decimal_text, decimal_value, integer_value, sized_text};
use super::{Sink, TargetColumn, format_date, format_timestamp};
use crate::column_type::ColumnType;
use crate::texts;

/// Rows per record batch.
const BATCH_ROWS: usize = 8192;

/// One Parquet object COPY reads.
pub(crate) struct ParquetFile {
    /// `https://s3.<region>.amazonaws.com/<bucket>/<key>`, as Redshift names the file.
    pub url: String,
    /// `s3://<bucket>/<key>`.
    pub s3: String,
    /// Its bytes.
    pub bytes: bytes::Bytes,
}

/// The type Redshift names in the incompatible-schema text.
fn type_name(kind: ColumnType) -> String {
    match kind {
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Integer => "INT".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Decimal { precision, scale } => format!("DECIMAL({precision},{scale})"),
        ColumnType::Real => "REAL".into(),
        ColumnType::Double => "DOUBLE PRECISION".into(),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Char { length } => format!("CHAR({length})"),
        ColumnType::Varchar { length } => format!("VARCHAR({length})"),
        ColumnType::Date => "DATE".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::Timestamptz => "TIMESTAMPTZ".into(),
        ColumnType::Other => "VARCHAR".into(),
    }
}

/// Whether a Parquet column (as Arrow reads it) loads into a column of `kind`. A column the
/// emulator does not model takes any scalar.
fn compatible(data_type: &DataType, kind: ColumnType) -> bool {
    use ColumnType as C;
    use DataType as D;
    let other = kind == C::Other;
    match data_type {
        D::Int8 | D::Int16 | D::UInt8 => matches!(kind, C::SmallInt | C::Integer | C::BigInt) || other,
        D::Int32 | D::UInt16 => matches!(kind, C::Integer | C::BigInt) || other,
        D::Int64 | D::UInt32 | D::UInt64 => kind == C::BigInt || other,
        D::Float32 => matches!(kind, C::Real | C::Double) || other,
        D::Float64 => kind == C::Double || other,
        D::Boolean => kind == C::Boolean || other,
        D::Utf8 | D::LargeUtf8 | D::Utf8View => matches!(kind, C::Char { .. } | C::Varchar { .. }) || other,
        D::Decimal128(_, scale) => *scale >= 0 && (matches!(kind, C::Decimal { .. }) || other),
        D::Date32 => kind == C::Date || other,
        D::Timestamp(_, _) => matches!(kind, C::Timestamp | C::Timestamptz) || other,
        _ => false,
    }
}

/// One Parquet column's schema line (`optional int64 id`), as the incompatible-schema text shows it.
fn parquet_column_schema(builder: &ParquetRecordBatchReaderBuilder<bytes::Bytes>, index: usize) -> String {
    let root = builder.parquet_schema().root_schema();
    let Some(field) = root.get_fields().get(index) else { return String::new() };
    let mut out = Vec::new();
    parquet::schema::printer::print_schema(&mut out, field);
    String::from_utf8_lossy(&out).trim().trim_end_matches(';').to_ascii_lowercase()
}

/// Loads one Parquet file into the sink: `columns` are the table's (or the column list's).
pub(crate) fn load(
    sink: &mut Sink<'_>,
    file: &ParquetFile,
    columns: &[TargetColumn],
    fill_record: bool,
) -> Result<(), String> {
    let corrupt = |e: &dyn std::fmt::Display| {
        texts::spectrum_scan_error(&format!("File '{}' is not a readable Parquet file: {e}", file.url))
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file.bytes.clone()).map_err(|e| corrupt(&e))?;
    let fields = builder.schema().fields().clone();
    if fields.len() > columns.len() || (fields.len() < columns.len() && !fill_record) {
        return Err(texts::spectrum_scan_error(&format!(
            "Unmatched number of columns between table and file. Table columns: {}, Data columns: {}, File name: {}",
            columns.len(),
            fields.len(),
            file.url
        )));
    }
    for (index, (field, column)) in fields.iter().zip(columns).enumerate() {
        if !compatible(field.data_type(), column.kind) {
            return Err(texts::spectrum_scan_error(&format!(
                "File '{}' has an incompatible Parquet schema for column '{}.{}'. Column type: {}, Parquet schema:\n{}",
                file.url,
                file.s3,
                column.name,
                type_name(column.kind),
                parquet_column_schema(&builder, index)
            )));
        }
    }
    let reader = builder.with_batch_size(BATCH_ROWS).build().map_err(|e| corrupt(&e))?;
    // Decoding and converting run on a thread of their own while this one inserts: two batches
    // in flight at most. An insert that fails drops the receiver, which ends the decoder at its
    // next batch; a cancel or a timeout stops the inserts the same way.
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Rows, String>>(2);
        scope.spawn(move || {
            let mut scratch = String::new();
            for batch in reader {
                let rows =
                    batch.map_err(|e| corrupt(&e)).and_then(|batch| rows_of(&batch, file, columns, &mut scratch));
                let stop = rows.is_err();
                if sender.send(rows).is_err() || stop {
                    return;
                }
            }
        });
        for rows in receiver {
            sink.insert_rows(&rows?, || refused(file))?;
        }
        Ok::<(), String>(())
    })?;
    sink.flush(|| refused(file))
}

/// One batch's rows converted to the table's columns (a column the file lacks is NULL:
/// FILLRECORD).
fn rows_of(
    batch: &arrow_array::RecordBatch,
    file: &ParquetFile,
    columns: &[TargetColumn],
    scratch: &mut String,
) -> Result<Rows, String> {
    let arrays = batch.columns();
    let mut rows = Rows::new(columns.len());
    for row in 0..batch.num_rows() {
        for (index, column) in columns.iter().enumerate() {
            let Some(array) = arrays.get(index) else { continue };
            let typed = value_at(array, row, column.kind, scratch).map_err(|e| match e {
                ValueError::NotEmulated(text) => text,
                ValueError::TooLong { length, limit } => texts::spectrum_scan_error(&format!(
                    "The length of the data column {} is longer than the length defined in the table. Table: {limit}, Data: {length}",
                    column.name
                )),
                ValueError::Overflow | ValueError::Invalid => texts::spectrum_scan_error(&format!(
                    "File '{}': a value of column {} is out of range for {}",
                    file.url,
                    column.name,
                    type_name(column.kind)
                )),
            })?;
            rows.set(index, typed)?;
        }
        rows.end_row();
    }
    Ok(rows)
}

/// A row the table refused (a constraint, say); emulator's own text, in Spectrum's frame.
fn refused(file: &ParquetFile) -> String {
    texts::spectrum_scan_error(&format!("File '{}': a row was refused by the table", file.url))
}

/// The value at `row` of a column already judged compatible with `kind`.
fn value_at<'a>(
    array: &'a ArrayRef,
    row: usize,
    kind: ColumnType,
    scratch: &'a mut String,
) -> Result<Typed<'a>, ValueError> {
    if array.is_null(row) {
        return Ok(Typed::Null);
    }
    let integer = |v: i64| if kind == ColumnType::Other { Ok(Typed::Int(v)) } else { integer_value(kind, v) };
    match array.data_type() {
        DataType::Int8 => integer(i64::from(array.as_primitive::<Int8Type>().value(row))),
        DataType::Int16 => integer(i64::from(array.as_primitive::<Int16Type>().value(row))),
        DataType::Int32 => integer(i64::from(array.as_primitive::<Int32Type>().value(row))),
        DataType::Int64 => integer(array.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => integer(i64::from(array.as_primitive::<UInt8Type>().value(row))),
        DataType::UInt16 => integer(i64::from(array.as_primitive::<UInt16Type>().value(row))),
        DataType::UInt32 => integer(i64::from(array.as_primitive::<UInt32Type>().value(row))),
        DataType::UInt64 => {
            integer(i64::try_from(array.as_primitive::<UInt64Type>().value(row)).map_err(|_| ValueError::Overflow)?)
        }
        DataType::Float32 => Ok(Typed::Real(f64::from(array.as_primitive::<Float32Type>().value(row)))),
        DataType::Float64 => Ok(Typed::Real(array.as_primitive::<Float64Type>().value(row))),
        DataType::Boolean => Ok(Typed::Int(i64::from(array.as_boolean().value(row)))),
        DataType::Utf8 => string(array.as_string::<i32>().value(row), kind),
        DataType::LargeUtf8 => string(array.as_string::<i64>().value(row), kind),
        DataType::Utf8View => string(array.as_string_view().value(row), kind),
        DataType::Decimal128(_, scale) => {
            let unscaled = array.as_primitive::<Decimal128Type>().value(row);
            let scale = u32::try_from(*scale).map_err(|_| ValueError::Invalid)?;
            match kind {
                ColumnType::Decimal { precision, scale: column_scale } => {
                    decimal_value(unscaled, scale, precision, column_scale, scratch)
                }
                _ => {
                    *scratch = decimal_text(unscaled, scale);
                    Ok(Typed::Text(scratch))
                }
            }
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(row);
            let date = NaiveDate::from_ymd_opt(1970, 1, 1)
                .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(days))))
                .ok_or(ValueError::Overflow)?;
            format_date(date, scratch);
            Ok(Typed::Text(scratch))
        }
        DataType::Timestamp(unit, _) => {
            let (value, per_second) = match unit {
                TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().value(row), 1),
                TimeUnit::Millisecond => (array.as_primitive::<TimestampMillisecondType>().value(row), 1_000),
                TimeUnit::Microsecond => (array.as_primitive::<TimestampMicrosecondType>().value(row), 1_000_000),
                TimeUnit::Nanosecond => (array.as_primitive::<TimestampNanosecondType>().value(row), 1_000_000_000),
            };
            let seconds = value.div_euclid(per_second);
            let nanos = u32::try_from(value.rem_euclid(per_second) * (1_000_000_000 / per_second))
                .map_err(|_| ValueError::Overflow)?;
            let moment = chrono::DateTime::from_timestamp(seconds, nanos).ok_or(ValueError::Overflow)?.naive_utc();
            format_timestamp(moment, kind == ColumnType::Timestamptz, scratch);
            Ok(Typed::Text(scratch))
        }
        _ => Err(ValueError::Invalid),
    }
}

fn string(text: &str, kind: ColumnType) -> Result<Typed<'_>, ValueError> {
    match kind {
        ColumnType::Char { length } | ColumnType::Varchar { length } => sized_text(text, length, false),
        _ => Ok(Typed::Text(text)),
    }
}
