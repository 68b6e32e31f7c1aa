//! `$n` parameters of the extended query protocol, bound into the SQL text as literals: the
//! engine runs SQL texts (the Data API's way), so each value becomes a literal that cannot end
//! early or change the statement. A number is checked to be one and written bare; anything else
//! becomes a quoted string with `'` doubled and a backslash written as `char(92)`, since Redshift
//! reads `\'` inside a literal as a quote and SQLite does not; a NUL is refused, as PostgreSQL
//! refuses it in text (`invalid byte sequence for encoding "UTF8": 0x00`, 22021).

use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::error::ErrorInfo;

use super::sqlstate;

/// The highest `$n` in `sql`, outside literals, quoted names and comments.
pub(super) fn count(sql: &str) -> usize {
    let mut highest = 0;
    scan(sql, |_, number| {
        highest = highest.max(number);
        None
    });
    highest
}

/// `sql` with every `$n` replaced by the literal of parameter `n`.
pub(super) fn bind(
    sql: &str,
    values: &[Option<bytes::Bytes>],
    types: &[Option<Type>],
    format: &Format,
) -> Result<String, Box<ErrorInfo>> {
    let mut literals = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let ty = types.get(index).cloned().flatten().unwrap_or(Type::UNKNOWN);
        literals.push(literal(value.as_deref(), &ty, format.is_binary(index))?);
    }
    let mut missing = None;
    let out = scan(sql, |_, number| match literals.get(number.wrapping_sub(1)) {
        Some(literal) => Some(literal.clone()),
        None => {
            missing.get_or_insert(number);
            Some(String::new())
        }
    });
    if let Some(number) = missing {
        // PostgreSQL's words for a `$n` with no value bound to it.
        return Err(sqlstate::error("42P02", format!("there is no parameter ${number}")));
    }
    Ok(out)
}

/// Walks `sql`, calling `found(offset, n)` at each `$n` outside literals, quoted names and
/// comments; returns `sql` with each `$n` replaced by what `found` returns (kept when `None`).
fn scan(sql: &str, mut found: impl FnMut(usize, usize) -> Option<String>) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\\' && quote == b'\'' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote {
                        if bytes.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !(i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let number = sql[start + 1..i].parse().unwrap_or(usize::MAX);
                if let Some(replacement) = found(start, number) {
                    out.push_str(&sql[copied..start]);
                    out.push_str(&replacement);
                    copied = i;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(sql.get(copied..).unwrap_or_default());
    out
}

/// A value of `ty` in text format, for learning a query's columns before its values are known.
pub(super) fn sample(ty: &Type) -> bytes::Bytes {
    let numeric = [Type::INT2, Type::INT4, Type::INT8, Type::NUMERIC, Type::FLOAT4, Type::FLOAT8, Type::OID];
    if numeric.contains(ty) {
        bytes::Bytes::from_static(b"0")
    } else if *ty == Type::BOOL {
        bytes::Bytes::from_static(b"f")
    } else {
        bytes::Bytes::new()
    }
}

/// The SQL literal of one parameter value.
fn literal(value: Option<&[u8]>, ty: &Type, binary: bool) -> Result<String, Box<ErrorInfo>> {
    let Some(bytes) = value else { return Ok("NULL".to_owned()) };
    let invalid = |what: &str| sqlstate::error("22P02", format!("invalid input syntax for type {}: {what}", ty.name()));
    if binary {
        let number = |n: usize| -> Result<[u8; 8], Box<ErrorInfo>> {
            let mut wide = [0_u8; 8];
            if bytes.len() != n {
                return Err(invalid(&format!("{} bytes", bytes.len())));
            }
            wide[8 - n..].copy_from_slice(bytes);
            Ok(wide)
        };
        return match ty {
            t if *t == Type::INT2 => {
                let w = number(2)?;
                Ok(format!("({})", i16::from_be_bytes([w[6], w[7]])))
            }
            t if *t == Type::INT4 => {
                let w = number(4)?;
                Ok(format!("({})", i32::from_be_bytes([w[4], w[5], w[6], w[7]])))
            }
            t if *t == Type::INT8 => Ok(format!("({})", i64::from_be_bytes(number(8)?))),
            t if *t == Type::FLOAT4 => {
                let w = number(4)?;
                float(f64::from(f32::from_be_bytes([w[4], w[5], w[6], w[7]])))
            }
            t if *t == Type::FLOAT8 => float(f64::from_be_bytes(number(8)?)),
            t if *t == Type::BOOL => Ok(if number(1)?[7] != 0 { "TRUE" } else { "FALSE" }.to_owned()),
            t if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::UNKNOWN, Type::NAME].contains(t) => {
                text_literal(bytes)
            }
            other => Err(sqlstate::error(
                "0A000",
                crate::texts::not_emulated(&format!("a parameter of type `{}` in binary format", other.name())),
            )),
        };
    }
    let text = std::str::from_utf8(bytes).map_err(|_| invalid("not UTF-8"))?;
    let numeric = [Type::INT2, Type::INT4, Type::INT8, Type::NUMERIC, Type::FLOAT4, Type::FLOAT8, Type::OID];
    if numeric.contains(ty) {
        let trimmed = text.trim();
        let is_number = trimmed.parse::<i128>().is_ok()
            || (trimmed.parse::<f64>().is_ok_and(f64::is_finite)
                && trimmed.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')));
        return if is_number { Ok(format!("({trimmed})")) } else { Err(invalid(&format!("\"{text}\""))) };
    }
    if *ty == Type::BOOL {
        return match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" | "on" => Ok("TRUE".to_owned()),
            "f" | "false" | "0" | "n" | "no" | "off" => Ok("FALSE".to_owned()),
            _ => Err(invalid(&format!("\"{text}\""))),
        };
    }
    text_literal(bytes)
}

/// A finite float as a literal.
fn float(value: f64) -> Result<String, Box<ErrorInfo>> {
    if value.is_finite() {
        Ok(format!("({value:?})"))
    } else {
        Err(sqlstate::error("0A000", crate::texts::not_emulated("a parameter that is NaN or infinite")))
    }
}

/// A quoted string literal: `'` doubled, a backslash as `char(92)`, NUL refused.
fn text_literal(bytes: &[u8]) -> Result<String, Box<ErrorInfo>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| sqlstate::error("22021", "invalid byte sequence for encoding \"UTF8\"".to_owned()))?;
    if text.contains('\0') {
        return Err(sqlstate::error("22021", "invalid byte sequence for encoding \"UTF8\": 0x00".to_owned()));
    }
    if !text.contains('\\') {
        return Ok(format!("'{}'", text.replace('\'', "''")));
    }
    let parts: Vec<String> = text.split('\\').map(|part| format!("'{}'", part.replace('\'', "''"))).collect();
    Ok(format!("({})", parts.join(" || char(92) || ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(sql: &str, values: &[Option<&str>], types: &[Type]) -> Result<String, Box<ErrorInfo>> {
        let values: Vec<Option<bytes::Bytes>> =
            values.iter().map(|v| v.map(|t| bytes::Bytes::copy_from_slice(t.as_bytes()))).collect();
        let types: Vec<Option<Type>> = types.iter().cloned().map(Some).collect();
        bind(sql, &values, &types, &Format::UnifiedText)
    }

    #[test]
    fn parameters_outside_literals_and_comments_are_counted() {
        assert_eq!(count("select $1, '$2', \"$3\", $10 -- $11\n /* $12 */ from t where a$4 = 1"), 10);
        assert_eq!(count("select 1"), 0);
    }

    #[test]
    fn values_become_literals_that_cannot_end_early() {
        let sql = bound(
            "select $1, $2, $3, $4",
            &[Some("o'neil"), None, Some("42"), Some("a\\'b")],
            &[Type::VARCHAR, Type::VARCHAR, Type::INT8, Type::UNKNOWN],
        )
        .unwrap();
        assert_eq!(sql, "select 'o''neil', NULL, (42), ('a' || char(92) || '''b')");
        let error = bound("select $1", &[Some("1; drop table t")], &[Type::INT4]).unwrap_err();
        assert_eq!(error.code, "22P02");
        assert!(bound("select $1", &[Some("a\0b")], &[Type::TEXT]).is_err());
        assert_eq!(bound("select $2", &[Some("x")], &[Type::TEXT]).unwrap_err().code, "42P02");
    }

    #[test]
    fn binary_integers_and_booleans_are_read_big_endian() {
        let values = vec![Some(bytes::Bytes::from_static(&[0, 0, 0, 7])), Some(bytes::Bytes::from_static(&[1]))];
        let types = vec![Some(Type::INT4), Some(Type::BOOL)];
        assert_eq!(bind("select $1, $2", &values, &types, &Format::UnifiedBinary).unwrap(), "select (7), TRUE");
    }
}
