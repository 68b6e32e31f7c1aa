//! Values as the table holds them (`storage.md`): integers range-checked, DECIMAL(p,s) as its
//! canonical text with exactly s fraction digits (`-12.50`, every digit kept), REAL as an
//! f32 widened, BOOLEAN 0/1, CHAR/VARCHAR length-checked in bytes, DATE `YYYY-MM-DD`, TIMESTAMP
//! `YYYY-MM-DD HH:MM:SS[.ffffff]`, TIMESTAMPTZ the same in UTC with `+00`.

use std::fmt::Write as _;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, Timelike as _};

use super::{Sink, TargetColumn};
use crate::column_type::{ColumnType, ascii_digits};

/// A value ready to bind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Typed<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

impl Typed<'_> {
    /// Binds it as parameter `index` of the sink's next row.
    pub fn bind(self, sink: &mut Sink<'_>, index: usize) -> Result<(), String> {
        sink.bind(index, self)
    }
}

/// Why a value does not go into its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueError {
    /// Not a value of the column's type.
    Invalid,
    /// Out of the type's range or precision.
    Overflow,
    /// Longer than the column (bytes), without TRUNCATECOLUMNS.
    TooLong {
        /// The value's length in bytes.
        length: usize,
        /// The column's.
        limit: u32,
    },
    /// A value the emulator cannot hold faithfully: the whole text to return.
    NotEmulated(String),
}

/// How delimited text and JSON values are read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TextConversion {
    /// TRUNCATECOLUMNS: a too-long string is cut to the column's length.
    pub truncate: bool,
}

/// Binds a text value into its column, or says why it does not fit (the caller words it).
pub(crate) fn bind_text(
    sink: &mut Sink<'_>,
    index: usize,
    column: &TargetColumn,
    text: &str,
    conversion: TextConversion,
    scratch: &mut String,
) -> Result<(), ValueError> {
    let typed = text_value(column.kind, text, conversion, scratch)?;
    typed.bind(sink, index).map_err(ValueError::NotEmulated)
}

fn integer_range(kind: ColumnType) -> Option<(i64, i64)> {
    match kind {
        ColumnType::SmallInt => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
        ColumnType::Integer => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        ColumnType::BigInt => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// An integer into an integer column, range-checked.
pub(crate) fn integer_value(kind: ColumnType, value: i64) -> Result<Typed<'static>, ValueError> {
    let (low, high) = integer_range(kind).unwrap_or((i64::MIN, i64::MAX));
    if value < low || value > high { Err(ValueError::Overflow) } else { Ok(Typed::Int(value)) }
}

/// A text value in the column's type.
pub(crate) fn text_value<'a>(
    kind: ColumnType,
    text: &'a str,
    conversion: TextConversion,
    scratch: &'a mut String,
) -> Result<Typed<'a>, ValueError> {
    let trimmed = text.trim();
    match kind {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            let value = trimmed.strip_prefix('+').unwrap_or(trimmed).parse::<i64>().map_err(|e| {
                use std::num::IntErrorKind::{NegOverflow, PosOverflow};
                if matches!(e.kind(), PosOverflow | NegOverflow) { ValueError::Overflow } else { ValueError::Invalid }
            })?;
            integer_value(kind, value)
        }
        ColumnType::Decimal { precision, scale } => {
            let (unscaled, text_scale) = parse_decimal(trimmed).ok_or(ValueError::Invalid)?;
            decimal_value(unscaled, text_scale, precision, scale, scratch)
        }
        ColumnType::Real => trimmed.parse::<f32>().map(|v| Typed::Real(f64::from(v))).map_err(|_| ValueError::Invalid),
        ColumnType::Double => trimmed.parse::<f64>().map(Typed::Real).map_err(|_| ValueError::Invalid),
        // "Valid literal values for 'true' … 't' 'true' 'y' 'yes' '1' … for 'false' … 'f' 'false'
        // 'n' 'no' '0'" (<https://docs.aws.amazon.com/redshift/latest/dg/r_Boolean_type.html>).
        ColumnType::Boolean => {
            let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(trimmed));
            if is(&["t", "true", "y", "yes", "1"]) {
                Ok(Typed::Int(1))
            } else if is(&["f", "false", "n", "no", "0"]) {
                Ok(Typed::Int(0))
            } else {
                Err(ValueError::Invalid)
            }
        }
        ColumnType::Char { length } | ColumnType::Varchar { length } => sized_text(text, length, conversion.truncate),
        ColumnType::Date => {
            let date = parse_date(trimmed).ok_or(ValueError::Invalid)?;
            format_date(date, scratch);
            Ok(Typed::Text(scratch))
        }
        ColumnType::Timestamp => {
            let moment = parse_timestamp(trimmed).ok_or(ValueError::Invalid)?;
            format_timestamp(moment, false, scratch);
            Ok(Typed::Text(scratch))
        }
        ColumnType::Timestamptz => {
            let moment = parse_timestamptz(trimmed).ok_or(ValueError::Invalid)?;
            format_timestamp(moment, true, scratch);
            Ok(Typed::Text(scratch))
        }
        ColumnType::Other => Ok(Typed::Text(text)),
    }
}

/// A string checked against the column's length in bytes (cut at a character boundary with
/// TRUNCATECOLUMNS).
pub(crate) fn sized_text(text: &str, limit: u32, truncate: bool) -> Result<Typed<'_>, ValueError> {
    let max = usize::try_from(limit).unwrap_or(usize::MAX);
    if text.len() <= max {
        return Ok(Typed::Text(text));
    }
    if !truncate {
        return Err(ValueError::TooLong { length: text.len(), limit });
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Ok(Typed::Text(&text[..end]))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    iso_date(text.as_bytes())
        .or_else(|| ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok()))
}

/// `YYYY-MM-DD` exactly, read without chrono's format parser (the common case of every date and
/// timestamp column, and most of a bulk COPY's time when parsed through it).
fn iso_date(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(ascii_digits(&bytes[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, ascii_digits(&bytes[5..7])?, ascii_digits(&bytes[8..10])?)
}

/// `YYYY-MM-DD HH:MM:SS[.f…]` (or `T` between) exactly, fractions of up to nine digits.
fn iso_timestamp(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !matches!(bytes[10], b' ' | b'T') || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let date = iso_date(&bytes[..10])?;
    let (hour, minute, second) =
        (ascii_digits(&bytes[11..13])?, ascii_digits(&bytes[14..16])?, ascii_digits(&bytes[17..19])?);
    let nanos = match &bytes[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            ascii_digits(fraction)? * 10_u32.pow(u32::try_from(9 - fraction.len()).ok()?)
        }
        _ => return None,
    };
    date.and_hms_nano_opt(hour, minute, second, nanos)
}

fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    if let Some(moment) = iso_timestamp(text) {
        return Some(moment);
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

fn parse_timestamptz(text: &str) -> Option<NaiveDateTime> {
    let zulu = text.strip_suffix('Z').or_else(|| text.strip_suffix(" UTC"));
    if let Some(naive) = zulu {
        return parse_timestamp(naive.trim_end());
    }
    ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f %#z"]
        .iter()
        .find_map(|f| chrono::DateTime::parse_from_str(text, f).ok())
        .map(|moment| moment.naive_utc())
        .or_else(|| parse_timestamp(text))
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date(date: NaiveDate, out: &mut String) {
    out.clear();
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => push_digits(out, year, 4),
        // Outside 0..=9999 (a sign, a fifth digit): the general formatter.
        _ => {
            let _ = write!(out, "{:04}", date.year());
        }
    }
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

/// `value` as exactly `width` decimal digits, zero-padded (`value` has at most `width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10_u32.pow(place) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` in microseconds, trailing zeros dropped, `+00` when `utc`.
pub(crate) fn format_timestamp(moment: NaiveDateTime, utc: bool, out: &mut String) {
    format_date(moment.date(), out);
    for (separator, part) in [(' ', moment.hour()), (':', moment.minute()), (':', moment.second())] {
        out.push(separator);
        push_digits(out, part, 2);
    }
    let micros = moment.nanosecond() / 1000 % 1_000_000;
    if micros != 0 {
        let mut digits = micros;
        let mut width = 6;
        while digits.is_multiple_of(10) {
            digits /= 10;
            width -= 1;
        }
        out.push('.');
        push_digits(out, digits, width);
    }
    if utc {
        out.push_str("+00");
    }
}

/// A decimal text as its unscaled value and scale (`-12.50` is `(-1250, 2)`).
pub(crate) fn parse_decimal(text: &str) -> Option<(i128, u32)> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        || whole.len() + fraction.len() > 38
    {
        return None;
    }
    let mut unscaled: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        unscaled = unscaled * 10 + i128::from(b - b'0');
    }
    Some((if negative { -unscaled } else { unscaled }, u32::try_from(fraction.len()).ok()?))
}

/// [`decimal_text`] into `out` (cleared first), without allocating once `out` has room.
fn write_decimal(unscaled: i128, scale: u32, out: &mut String) {
    out.clear();
    if unscaled < 0 {
        out.push('-');
    }
    let sign = out.len();
    let _ = write!(out, "{}", unscaled.unsigned_abs());
    let scale = scale as usize;
    let digits = out.len() - sign;
    if digits <= scale {
        // `0.` and the zeros the fraction lacks go in front of its digits.
        let zeros = scale + 1 - digits;
        for _ in 0..zeros {
            out.insert(sign, '0');
        }
    }
    if scale > 0 {
        out.insert(out.len() - scale, '.');
    }
}

/// The text of an unscaled decimal with `scale` digits after the point.
pub(crate) fn decimal_text(unscaled: i128, scale: u32) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded =
        if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// A decimal `unscaled × 10^-scale` into DECIMAL(precision, column_scale): rescaled (rounded half
/// away from zero, as Redshift rounds), checked against the precision, and held as its text with
/// exactly `column_scale` fraction digits.
pub(crate) fn decimal_value<'a>(
    unscaled: i128,
    scale: u32,
    precision: u8,
    column_scale: u8,
    scratch: &'a mut String,
) -> Result<Typed<'a>, ValueError> {
    let target = u32::from(column_scale);
    let value = if scale <= target {
        10i128.checked_pow(target - scale).and_then(|f| unscaled.checked_mul(f)).ok_or(ValueError::Overflow)?
    } else {
        let factor = 10i128.checked_pow(scale - target).ok_or(ValueError::Overflow)?;
        let (quotient, remainder) = (unscaled / factor, unscaled % factor);
        if remainder.abs() * 2 >= factor { quotient + unscaled.signum() } else { quotient }
    };
    let limit = 10i128.checked_pow(u32::from(precision)).unwrap_or(i128::MAX);
    if value.abs() >= limit {
        return Err(ValueError::Overflow);
    }
    write_decimal(value, target, scratch);
    Ok(Typed::Text(scratch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(kind: &str, text: &str) -> Result<String, ValueError> {
        let mut scratch = String::new();
        text_value(ColumnType::parse(kind), text, TextConversion::default(), &mut scratch).map(|t| format!("{t:?}"))
    }

    #[test]
    fn integers_are_range_checked_per_type() {
        assert_eq!(value("smallint", "32767").unwrap(), "Int(32767)");
        assert_eq!(value("smallint", "32768").unwrap_err(), ValueError::Overflow);
        assert_eq!(value("integer", "-2147483649").unwrap_err(), ValueError::Overflow);
        assert_eq!(value("bigint", "9223372036854775808").unwrap_err(), ValueError::Overflow);
        assert_eq!(value("integer", "1.5").unwrap_err(), ValueError::Invalid);
    }

    #[test]
    fn decimals_are_held_as_canonical_text_with_every_digit() {
        assert_eq!(value("numeric(10,2)", "12.5").unwrap(), "Text(\"12.50\")");
        assert_eq!(value("numeric(10,2)", "12").unwrap(), "Text(\"12.00\")");
        assert_eq!(value("numeric(10,2)", "-12.345").unwrap(), "Text(\"-12.35\")");
        assert_eq!(value("numeric(4,2)", "100.00").unwrap_err(), ValueError::Overflow);
        assert_eq!(
            value("numeric(38,10)", "-9999999999999999999999999999.9999999999").unwrap(),
            "Text(\"-9999999999999999999999999999.9999999999\")"
        );
        assert_eq!(value("numeric(38,10)", ".0000000001").unwrap(), "Text(\"0.0000000001\")");
    }

    #[test]
    fn decimals_written_in_place_match_decimal_text() {
        let mut out = String::from("left over");
        for (unscaled, scale) in [(0, 0), (0, 2), (5, 2), (-5, 2), (1250, 2), (-1250, 2), (7, 0), (-123_456, 3)] {
            write_decimal(unscaled, scale, &mut out);
            assert_eq!(out, decimal_text(unscaled, scale), "{unscaled} {scale}");
        }
        write_decimal(-99_999_999_999_999_999_999_999_999_999_999_999_999, 10, &mut out);
        assert_eq!(out, "-9999999999999999999999999999.9999999999");
    }

    #[test]
    fn iso_dates_and_timestamps_read_fast_as_chrono_reads_them() {
        for text in ["2024-02-29", "0001-01-01", "9999-12-31", "2023-02-29", "2024-13-01", "2024-1-01", "2024-01-0x"] {
            let chrono =
                ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok());
            assert_eq!(parse_date(text), chrono, "{text}");
        }
        for text in [
            "2024-01-02 03:04:05",
            "2024-01-02T03:04:05.1",
            "2024-01-02 03:04:05.123456789",
            "2024-01-02 23:59:60",
            "2024-01-02 24:00:00",
            "2024-01-02 03:04:05.",
            "2024-01-02 03:04:05.1234567890",
        ] {
            // What `parse_timestamp` gave before its fast path: chrono's formats alone.
            let chrono = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S%.f"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok());
            assert_eq!(parse_timestamp(text), chrono, "{text}");
        }
        assert!(iso_timestamp("2024-01-02 03:04:05.123456").is_some());
        assert!(iso_date(b"2024-02-29").is_some());
        assert_eq!(value("timestamp", "2024-01-02 03:04:05.000100").unwrap(), "Text(\"2024-01-02 03:04:05.0001\")");
        assert_eq!(value("date", "0099-01-01").unwrap(), "Text(\"0099-01-01\")");
        assert_eq!(value("boolean", "FALSE").unwrap(), "Int(0)");
        assert_eq!(value("boolean", "yess").unwrap_err(), ValueError::Invalid);
    }

    #[test]
    fn strings_dates_and_timestamps_take_redshifts_forms() {
        assert_eq!(value("varchar(3)", "abcd").unwrap_err(), ValueError::TooLong { length: 4, limit: 3 });
        let mut scratch = String::new();
        let cut = text_value(ColumnType::parse("varchar(3)"), "aé€", TextConversion { truncate: true }, &mut scratch);
        assert_eq!(cut.unwrap(), Typed::Text("aé"));
        assert_eq!(value("date", "2024-02-29").unwrap(), "Text(\"2024-02-29\")");
        assert_eq!(value("timestamp", "2024-01-02T03:04:05.120").unwrap(), "Text(\"2024-01-02 03:04:05.12\")");
        assert_eq!(value("timestamptz", "2024-01-02 03:04:05+02").unwrap(), "Text(\"2024-01-02 01:04:05+00\")");
        assert_eq!(value("boolean", "Yes").unwrap(), "Int(1)");
        assert_eq!(value("date", "02/30/2024").unwrap_err(), ValueError::Invalid);
    }
}
