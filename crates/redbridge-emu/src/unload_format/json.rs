//! UNLOAD's JSON: "each line containing a JSON object, representing a full record in the query
//! result … In the JSON file, boolean values are unloaded as `t` or `f`, and NULL values are
//! unloaded as `null`" (<https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>, FORMAT
//! JSON); keys are the column names and numbers are bare, as in AWS's example
//! (`{"venueid":1,"venuename":"Pinewood Racetrack",…,"venueseats":0}`,
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD_command_examples.html>). Booleans are
//! written as the JSON strings `"t"` and `"f"`, the valid JSON nearest the page's words.

use std::io::Write as _;

use super::Settings;
use super::delimited::{Part, Splitter};
use super::table::{Table, Values};
use crate::column_type::ColumnType;

/// Appends `text` as a JSON string.
fn push_string(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..0x20 => {
                let _ = write!(out, "\\u{b:04x}");
            }
            _ => out.push(*b),
        }
    }
    out.push(b'"');
}

/// Writes `rows` of `columns` as JSON lines, split at MAXFILESIZE.
pub(crate) fn write(table: &Table, columns: &[usize], rows: &[usize], s: &Settings) -> Vec<Part> {
    let mut keys: Vec<Vec<u8>> = Vec::with_capacity(columns.len());
    for (i, index) in columns.iter().enumerate() {
        let mut key = Vec::new();
        key.push(if i == 0 { b'{' } else { b',' });
        push_string(table.columns[*index].name.as_bytes(), &mut key);
        key.push(b':');
        keys.push(key);
    }
    let mut splitter = Splitter::new(None, s.max_file_size);
    let mut line = Vec::new();
    let mut value = Vec::new();
    for row in rows {
        line.clear();
        for (key, index) in keys.iter().zip(columns) {
            line.extend_from_slice(key);
            let column = &table.columns[*index];
            value.clear();
            if !column.write_text(*row, &mut value) {
                line.extend_from_slice(b"null");
                continue;
            }
            let bare = match (&column.values, column.column_type) {
                (Values::Int(_), ColumnType::Boolean) => false,
                (Values::Int(_) | Values::Decimal(_), _) => true,
                (Values::Float(values), _) => values[*row].is_finite(),
                (Values::Text { .. }, _) => false,
            };
            if bare {
                line.extend_from_slice(&value);
            } else {
                push_string(&value, &mut line);
            }
        }
        if keys.is_empty() {
            line.push(b'{');
        }
        line.extend_from_slice(b"}\n");
        splitter.push(&line);
    }
    splitter.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_json_objects_one_per_line_with_redshifts_values() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "create table t (id integer, name varchar(30), ok boolean, price numeric(8,2), d date); \
                 insert into t values (2, 'Columbus \"Crew\" Stadium', 1, 12.5, '2024-01-02'), (4, null, 0, null, null)",
            )
            .unwrap();
        let t = super::super::table::read(&connection, "select * from t order by id").unwrap();
        let parts = write(&t, &[0, 1, 2, 3, 4], &[0, 1], &Settings::default());
        let text = String::from_utf8(parts[0].body.clone()).unwrap();
        assert_eq!(
            text,
            "{\"id\":2,\"name\":\"Columbus \\\"Crew\\\" Stadium\",\"ok\":\"t\",\"price\":12.50,\"d\":\"2024-01-02\"}\n\
             {\"id\":4,\"name\":null,\"ok\":\"f\",\"price\":null,\"d\":null}\n"
        );
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("each line is a JSON object");
        }
    }
}
