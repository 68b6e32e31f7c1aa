//! Delimited text and CSV: records split into raw fields, each field made a value (NULL AS,
//! EMPTYASNULL, BLANKSASNULL, TRIMBLANKS, FILLRECORD, IGNOREHEADER, IGNOREBLANKLINES as today) and
//! bound into its typed column.

use super::value::{TextConversion, ValueError, bind_text};
use super::{CopySettings, Format, Sink, TargetColumn};
use crate::column_type::ColumnType;
use crate::texts;

/// Splits delimited text into records of raw fields; `Some` marks a field that was quoted.
pub(crate) fn parse_text(text: &str, s: &CopySettings) -> Vec<Vec<(String, bool)>> {
    let mut records = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if s.escape && c == '\\' {
                if let Some(next) = chars.next() {
                    field.push(next);
                }
                continue;
            }
            if s.remove_quotes && c == '"' {
                in_quotes = !in_quotes;
                quoted = true;
                continue;
            }
            if c == s.delimiter && !in_quotes {
                fields.push((std::mem::take(&mut field), quoted));
                quoted = false;
                continue;
            }
            field.push(c);
        }
        fields.push((field, quoted));
        records.push(fields);
    }
    if text.ends_with('\n') {
        records.pop();
    }
    records
}

/// Splits CSV into records of raw fields, honouring quotes (which may span lines).
pub(crate) fn parse_csv(text: &str, s: &CopySettings) -> Result<Vec<Vec<(String, bool)>>, ()> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut pending = false;
    while let Some(c) = chars.next() {
        pending = true;
        if in_quotes {
            if c == s.quote {
                if chars.peek() == Some(&s.quote) {
                    chars.next();
                    field.push(s.quote);
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        if c == s.quote && field.is_empty() {
            in_quotes = true;
            quoted = true;
        } else if c == s.delimiter {
            fields.push((std::mem::take(&mut field), quoted));
            quoted = false;
        } else if c == '\n' {
            if field.ends_with('\r') && !quoted {
                field.pop();
            }
            fields.push((std::mem::take(&mut field), quoted));
            records.push(std::mem::take(&mut fields));
            quoted = false;
            pending = false;
        } else if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        } else {
            field.push(c);
        }
    }
    if in_quotes {
        return Err(());
    }
    if pending {
        fields.push((field, quoted));
        records.push(fields);
    }
    Ok(records)
}

fn is_char_type(kind: ColumnType) -> bool {
    matches!(kind, ColumnType::Char { .. } | ColumnType::Varchar { .. } | ColumnType::Other)
}

/// Turns a raw field into the text to convert, or `None` for NULL.
pub(crate) fn field_value<'a>(raw: &'a str, quoted: bool, kind: ColumnType, s: &CopySettings) -> Option<&'a str> {
    let csv = s.format == Format::Csv;
    let value = if s.trim_blanks { raw.trim_end() } else { raw };
    if !quoted {
        let null = s.null_as.as_deref().unwrap_or(if csv { "" } else { "\\N" });
        if (s.null_as.is_some() || !csv) && value == null {
            return None;
        }
    }
    if value.is_empty() && (s.empty_as_null || !is_char_type(kind)) {
        return None;
    }
    if s.blanks_as_null && value.trim().is_empty() {
        return None;
    }
    Some(value)
}

/// Loads one file's text into the sink.
pub(crate) fn load(
    sink: &mut Sink<'_>,
    text: &str,
    s: &CopySettings,
    columns: &[TargetColumn],
    table: &str,
) -> Result<(), String> {
    let records = if s.format == Format::Csv {
        parse_csv(text, s).map_err(|()| texts::load_failed(table))?
    } else {
        parse_text(text, s)
    };
    let conversion = TextConversion { truncate: s.truncate_columns };
    let skip = usize::try_from(s.ignore_header).unwrap_or(usize::MAX);
    let mut scratch = String::new();
    for mut record in records.into_iter().skip(skip) {
        if s.ignore_blank_lines && record.len() == 1 && record[0].0.is_empty() {
            continue;
        }
        if record.len() < columns.len() && s.fill_record {
            record.resize(columns.len(), (String::new(), false));
        }
        if record.len() != columns.len() {
            return Err(texts::load_failed(table));
        }
        for (index, ((raw, quoted), column)) in record.iter().zip(columns).enumerate() {
            match field_value(raw, *quoted, column.kind, s) {
                None => sink.bind(index, rusqlite::types::Null)?,
                Some(text) => bind_text(sink, index, column, text, conversion, &mut scratch).map_err(|e| match e {
                    ValueError::NotEmulated(text) => text,
                    _ => texts::load_failed(table),
                })?,
            }
        }
        sink.insert(|| texts::load_failed(table))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_settings(sql_options: &str) -> CopySettings {
        let sql = format!("COPY t FROM 's3://b/p' IAM_ROLE 'arn:aws:iam::111111111111:role/R' {sql_options}");
        let Ok(redbridge_sql::Statement::Copy(copy)) = redbridge_sql::parse_statement(&sql) else { panic!("{sql}") };
        CopySettings::from_options(&copy.options).unwrap()
    }

    fn values(records: &[Vec<(String, bool)>], s: &CopySettings, declared: &str) -> Vec<Vec<Option<String>>> {
        let kind = ColumnType::parse(declared);
        records
            .iter()
            .map(|r| r.iter().map(|(raw, q)| field_value(raw, *q, kind, s).map(str::to_owned)).collect())
            .collect()
    }

    #[test]
    fn text_fields_split_on_the_delimiter_with_nulls_and_removequotes() {
        let s = copy_settings("DELIMITER ',' REMOVEQUOTES EMPTYASNULL");
        let records = parse_text("1,\"a,b\",\\N\n2,,x\n", &s);
        assert_eq!(
            values(&records, &s, "varchar"),
            [vec![Some("1".into()), Some("a,b".into()), None], vec![Some("2".into()), None, Some("x".into())]]
        );
    }

    #[test]
    fn csv_honours_quotes_across_lines_and_doubled_quotes() {
        let s = copy_settings("CSV QUOTE AS '\"' NULL AS 'NULL'");
        let records = parse_csv("1,\"say \"\"hi\"\"\nthere\",NULL\r\n2,\"NULL\",\n", &s).unwrap();
        assert_eq!(
            values(&records, &s, "varchar"),
            [
                vec![Some("1".into()), Some("say \"hi\"\nthere".into()), None],
                vec![Some("2".into()), Some("NULL".into()), Some(String::new())]
            ]
        );
        assert!(parse_csv("\"open", &s).is_err());
    }

    #[test]
    fn an_empty_field_is_null_for_every_type_but_character_ones() {
        let s = copy_settings("CSV");
        assert_eq!(field_value("", false, ColumnType::parse("integer"), &s), None);
        assert_eq!(field_value("", false, ColumnType::parse("varchar(3)"), &s), Some(""));
        let empty_as_null = copy_settings("CSV EMPTYASNULL");
        assert_eq!(field_value("", true, ColumnType::parse("varchar(3)"), &empty_as_null), None);
    }
}
