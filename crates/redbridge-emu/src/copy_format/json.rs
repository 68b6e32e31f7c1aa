//! COPY from JSON, as AWS documents it
//! (<https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html#copy-json>,
//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html>): the file
//! is a stream of root-level objects (or arrays, with a JSONPaths file) separated by white space;
//! `'auto'` matches keys to column names exactly ("Column names in Amazon Redshift tables are always
//! lowercase, so matching JSON field name keys must also be lowercase"), `'auto ignorecase'`
//! ignores case, a JSONPaths file maps one expression to each column in order. Nested values go
//! into CHAR/VARCHAR as JSON text; "Empty strings for other data types, such as INT, are always
//! loaded with NULL".

use serde_json::Value;

use super::value::{TextConversion, Typed, ValueError, sized_text, text_value};
use super::{CopySettings, Sink, TargetColumn};
use crate::column_type::ColumnType;
use crate::texts;

/// One step of a JSONPath expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// `.name` or `['name']`.
    Key(String),
    /// `[n]`.
    Index(usize),
}

/// How the fields of a record find their columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapping {
    /// By key, case kept or ignored.
    Auto {
        /// `'auto ignorecase'`.
        ignore_case: bool,
    },
    /// One path per column, in order.
    Paths(Vec<Vec<Step>>),
}

/// Reads a JSONPaths file. "If the key name is any string other than "jsonpaths", the COPY
/// command doesn't return an error, but it ignores jsonpaths_file and uses the 'auto' argument
/// instead"; it fails when "The JSON is malformed", "There is more than one JSON object", "Any
/// characters except white space exist outside the object" or "An array element is an empty
/// string or isn't a string" (same page, "JSONPaths file"). The texts are the emulator's, each
/// naming the documented rule.
pub(crate) fn parse_jsonpaths(bytes: &[u8], column_count: usize) -> Result<Mapping, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| texts::jsonpaths_invalid("the JSON is malformed"))?;
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let document = match stream.next() {
        Some(Ok(document)) => document,
        _ => return Err(texts::jsonpaths_invalid("the JSON is malformed")),
    };
    if stream.next().is_some() {
        return Err(texts::jsonpaths_invalid("there is more than one JSON object, or characters outside it"));
    }
    let Value::Object(object) = document else {
        return Err(texts::jsonpaths_invalid("it must contain a single JSON object, not an array"));
    };
    let Some(paths) = object.get("jsonpaths") else { return Ok(Mapping::Auto { ignore_case: false }) };
    let Value::Array(paths) = paths else {
        return Err(texts::jsonpaths_invalid("`jsonpaths` must be an array of JSONPath expressions"));
    };
    let mut parsed = Vec::with_capacity(paths.len());
    for path in paths {
        match path {
            Value::String(expression) if !expression.is_empty() => parsed.push(parse_expression(expression)?),
            _ => return Err(texts::jsonpaths_invalid("an array element is an empty string or isn't a string")),
        }
    }
    if parsed.len() != column_count {
        return Err(texts::jsonpaths_count(parsed.len(), column_count));
    }
    Ok(Mapping::Paths(parsed))
}

/// `$.a.b[0]` or `$['a']['b'][0]`: "either bracket notation or dot notation, but you can't mix
/// notations"; no wildcards or filters.
fn parse_expression(expression: &str) -> Result<Vec<Step>, String> {
    let bad = || texts::jsonpath_format(&format!("`{expression}` is not a path to a single element"));
    let mut rest = expression.strip_prefix('$').ok_or_else(bad)?;
    let mut steps = Vec::new();
    let (mut dots, mut brackets) = (false, false);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name.contains(['*', '?', '@', '\'', '"', ']']) {
                return Err(bad());
            }
            steps.push(Step::Key(name.to_owned()));
            dots = true;
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(bad)?;
            let inside = after[..end].trim();
            if let Ok(index) = inside.parse::<usize>() {
                steps.push(Step::Index(index));
            } else {
                let quoted = inside
                    .strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
                    .ok_or_else(bad)?;
                steps.push(Step::Key(quoted.to_owned()));
                brackets = true;
            }
            rest = &after[end + 1..];
        } else {
            return Err(bad());
        }
    }
    if steps.is_empty() || dots && brackets {
        return Err(bad());
    }
    Ok(steps)
}

/// The element a path names; `Ok(None)` when an object key is missing (loaded as NULL). "If an
/// array element referenced by a JSONPath expression isn't found … COPY fails with the following
/// error: `Invalid JSONPath format: Not an array or index out of range.`"
fn follow<'v>(record: &'v Value, steps: &[Step]) -> Result<Option<&'v Value>, String> {
    let mut current = record;
    for step in steps {
        current = match (step, current) {
            (Step::Key(key), Value::Object(object)) => match object.get(key) {
                Some(next) => next,
                None => return Ok(None),
            },
            (Step::Key(_), _) => return Ok(None),
            (Step::Index(index), Value::Array(items)) => {
                items.get(*index).ok_or_else(|| texts::jsonpath_format("Not an array or index out of range."))?
            }
            (Step::Index(_), _) => return Err(texts::jsonpath_format("Not an array or index out of range.")),
        };
    }
    Ok(Some(current))
}

/// A JSON value in a column's type.
fn json_value<'a>(
    value: &'a Value,
    kind: ColumnType,
    s: &CopySettings,
    scratch: &'a mut String,
) -> Result<Typed<'a>, ValueError> {
    let conversion = TextConversion { truncate: s.truncate_columns };
    let character = matches!(kind, ColumnType::Char { .. } | ColumnType::Varchar { .. } | ColumnType::Other);
    match value {
        Value::Null => Ok(Typed::Null),
        Value::String(text) if text.is_empty() => {
            if character && !s.empty_as_null {
                Ok(Typed::Text(""))
            } else {
                Ok(Typed::Null)
            }
        }
        Value::String(text) => {
            if s.blanks_as_null && text.trim().is_empty() {
                return Ok(Typed::Null);
            }
            text_value(kind, text, conversion, scratch)
        }
        Value::Number(number) => {
            let text = number.to_string();
            let mut converted = String::new();
            let owned = match text_value(kind, &text, conversion, &mut converted)? {
                Typed::Text(t) => t.to_owned(),
                other => return Ok(detach(other)),
            };
            *scratch = owned;
            Ok(Typed::Text(scratch))
        }
        Value::Bool(flag) => match kind {
            ColumnType::Boolean => Ok(Typed::Int(i64::from(*flag))),
            _ if character => Ok(Typed::Text(if *flag { "true" } else { "false" })),
            _ => Err(ValueError::Invalid),
        },
        Value::Array(_) | Value::Object(_) if character => {
            *scratch = value.to_string();
            match kind {
                ColumnType::Char { length } | ColumnType::Varchar { length } => {
                    sized_text(scratch, length, conversion.truncate)
                }
                _ => Ok(Typed::Text(scratch)),
            }
        }
        Value::Array(_) | Value::Object(_) => Err(ValueError::Invalid),
    }
}

/// The JSON text with every number with a point (a double would round it or print it with an
/// exponent) or an integer past 64 bits written as a string of the same digits: serde_json
/// reads numbers as `f64` otherwise, and a DECIMAL(38,s) column must get every digit. The string
/// goes through the same conversion as the number would.
pub(crate) fn quote_long_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut index = 0;
    while index < bytes.len() {
        let b = bytes[index];
        if in_string {
            match b {
                b'\\' => index += 1,
                b'"' => in_string = false,
                _ => {}
            }
            index += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            index += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = index;
            let mut end = index + 1;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'+' | b'-'))
            {
                end += 1;
            }
            let token = &text[start..end];
            if long_number(token) {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                out.push_str(&text[copied..start]);
                out.push('"');
                out.push_str(token);
                out.push('"');
                copied = end;
            }
            index = end;
            continue;
        }
        index += 1;
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// A plain JSON number (no exponent) a double or a 64-bit integer would not hold.
fn long_number(token: &str) -> bool {
    let digits = token.strip_prefix('-').unwrap_or(token);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return false;
    }
    if digits.contains('.') {
        // A double would also print `0.0000000001` as `1e-10`: keep every fraction as written.
        true
    } else {
        token.parse::<i64>().is_err() && token.parse::<u64>().is_err()
    }
}

/// A typed value that borrows nothing.
fn detach(typed: Typed<'_>) -> Typed<'static> {
    match typed {
        Typed::Null | Typed::Text(_) => Typed::Null,
        Typed::Int(v) => Typed::Int(v),
        Typed::Real(v) => Typed::Real(v),
    }
}

/// Loads one file's JSON text into the sink.
pub(crate) fn load(
    sink: &mut Sink<'_>,
    text: &str,
    s: &CopySettings,
    mapping: &Mapping,
    columns: &[TargetColumn],
    table: &str,
) -> Result<(), String> {
    // "If IGNOREHEADER is specified, COPY ignores the specified number of lines in the JSON data."
    let mut body = text;
    for _ in 0..s.ignore_header {
        body = body.split_once('\n').map_or("", |(_, rest)| rest);
    }
    let mut scratch = String::new();
    let load_error = |e: ValueError| match e {
        ValueError::NotEmulated(text) => text,
        _ => texts::load_failed(table),
    };
    let body = quote_long_numbers(body);
    for record in serde_json::Deserializer::from_str(&body).into_iter::<Value>() {
        let record = record.map_err(|_| texts::load_failed(table))?;
        match mapping {
            Mapping::Auto { ignore_case } => {
                let Value::Object(object) = &record else { return Err(texts::load_failed(table)) };
                for (index, column) in columns.iter().enumerate() {
                    let found = if *ignore_case {
                        object.iter().find(|(key, _)| key.eq_ignore_ascii_case(&column.name)).map(|(_, v)| v)
                    } else {
                        object.get(&column.name)
                    };
                    let typed = match found {
                        Some(value) => json_value(value, column.kind, s, &mut scratch).map_err(load_error)?,
                        None => Typed::Null,
                    };
                    typed.bind(sink, index)?;
                }
            }
            Mapping::Paths(paths) => {
                if !matches!(record, Value::Object(_) | Value::Array(_)) {
                    return Err(texts::load_failed(table));
                }
                for (index, (column, path)) in columns.iter().zip(paths).enumerate() {
                    let typed = match follow(&record, path)? {
                        Some(value) => json_value(value, column.kind, s, &mut scratch).map_err(load_error)?,
                        None => Typed::Null,
                    };
                    typed.bind(sink, index)?;
                }
            }
        }
        sink.insert(|| texts::load_failed(table))?;
    }
    sink.flush(|| texts::load_failed(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonpaths_take_dot_or_bracket_notation_but_not_both() {
        let paths = br#"{"jsonpaths": ["$.a", "$['b']['c']", "$.d[1].e"]}"#;
        let Mapping::Paths(parsed) = parse_jsonpaths(paths, 3).unwrap() else { panic!() };
        assert_eq!(parsed[1], [Step::Key("b".into()), Step::Key("c".into())]);
        assert_eq!(parsed[2], [Step::Key("d".into()), Step::Index(1), Step::Key("e".into())]);
        assert!(
            parse_jsonpaths(br#"{"jsonpaths": ["$.a['b']"]}"#, 1).unwrap_err().starts_with("Invalid JSONPath format")
        );
        assert!(parse_jsonpaths(br#"{"jsonpaths": ["$.a[*]"]}"#, 1).is_err());
    }

    #[test]
    fn a_jsonpaths_file_that_breaks_the_documented_rules_is_refused() {
        assert!(parse_jsonpaths(b"{\"jsonpaths\": [", 1).is_err());
        assert!(parse_jsonpaths(br#"{"jsonpaths": ["$.a"]} {}"#, 1).is_err());
        assert!(parse_jsonpaths(br#"["$.a"]"#, 1).is_err());
        assert!(parse_jsonpaths(br#"{"jsonpaths": ["$.a", ""]}"#, 2).is_err());
        assert_eq!(
            parse_jsonpaths(br#"{"jsonpaths": ["$.a"]}"#, 2).unwrap_err(),
            "Number of jsonpaths and the number of columns should match. JSONPath size: 1, Number of columns in table or column list: 2"
        );
        assert_eq!(parse_jsonpaths(br#"{"paths": ["$.a"]}"#, 2).unwrap(), Mapping::Auto { ignore_case: false });
    }

    #[test]
    fn a_missing_index_fails_with_the_documented_text() {
        let record: Value = serde_json::from_str(r#"{"a": [1], "b": {"c": 2}}"#).unwrap();
        assert_eq!(
            quote_long_numbers(
                r#"{"d": -9999999999999999999999999999.9999999999, "e": 12.5, "f": "1.23456789012345678", "g": 1e400}"#
            ),
            r#"{"d": "-9999999999999999999999999999.9999999999", "e": "12.5", "f": "1.23456789012345678", "g": 1e400}"#
        );
        assert_eq!(follow(&record, &[Step::Key("a".into()), Step::Index(0)]).unwrap(), Some(&Value::from(1)));
        assert_eq!(follow(&record, &[Step::Key("z".into())]).unwrap(), None);
        assert_eq!(
            follow(&record, &[Step::Key("a".into()), Step::Index(3)]).unwrap_err(),
            "Invalid JSONPath format: Not an array or index out of range."
        );
    }
}
