//! Delimited text and CSV: records split into raw fields, each field made a value (NULL AS,
//! EMPTYASNULL, BLANKSASNULL, TRIMBLANKS, FILLRECORD, IGNOREHEADER, IGNOREBLANKLINES as today) and
//! bound into its typed column.

use super::value::{TextConversion, Typed, ValueError, bind_text};
use super::{CopySettings, Format, Sink, TargetColumn};
use crate::column_type::ColumnType;
use crate::texts;

/// One record's raw fields, in one buffer reused from record to record (no allocation per
/// field or record once the longest record has been seen).
#[derive(Debug, Default)]
pub(crate) struct Record {
    text: String,
    /// Each field's end in `text`, and whether it was quoted.
    ends: Vec<(usize, bool)>,
}

impl Record {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn end_field(&mut self, quoted: bool) {
        self.ends.push((self.text.len(), quoted));
    }

    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `index`'s text and whether it was quoted; past the last field, an empty unquoted
    /// one (FILLRECORD's filler).
    pub fn field(&self, index: usize) -> (&str, bool) {
        let Some(&(end, quoted)) = self.ends.get(index) else { return ("", false) };
        let start = index.checked_sub(1).and_then(|i| self.ends.get(i)).map_or(0, |&(end, _)| end);
        (&self.text[start..end], quoted)
    }
}

/// Splits delimited text into records of raw fields and hands each to `each`, stopping at its
/// first error.
pub(crate) fn each_text_record<E>(
    text: &str,
    s: &CopySettings,
    mut each: impl FnMut(&Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut record = Record::default();
    // A final newline ends the last record; it does not start an empty one.
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        record.clear();
        let mut quoted = false;
        let mut in_quotes = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if s.escape && c == '\\' {
                if let Some(next) = chars.next() {
                    record.text.push(next);
                }
                continue;
            }
            if s.remove_quotes && c == '"' {
                in_quotes = !in_quotes;
                quoted = true;
                continue;
            }
            if c == s.delimiter && !in_quotes {
                record.end_field(quoted);
                quoted = false;
                continue;
            }
            record.text.push(c);
        }
        record.end_field(quoted);
        each(&record)?;
    }
    Ok(())
}

/// Splits CSV into records of raw fields, honouring quotes (which may span lines), and hands each
/// to `each`, stopping at its first error; a quote still open at the end is `unclosed`.
pub(crate) fn each_csv_record<E>(
    text: &str,
    s: &CopySettings,
    unclosed: impl FnOnce() -> E,
    mut each: impl FnMut(&Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut record = Record::default();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut pending = false;
    // Where the current field starts in `record.text`.
    let mut field_start = 0;
    while let Some(c) = chars.next() {
        pending = true;
        if in_quotes {
            if c == s.quote {
                if chars.peek() == Some(&s.quote) {
                    chars.next();
                    record.text.push(s.quote);
                } else {
                    in_quotes = false;
                }
            } else {
                record.text.push(c);
            }
            continue;
        }
        if c == s.quote && record.text.len() == field_start {
            in_quotes = true;
            quoted = true;
        } else if c == s.delimiter {
            record.end_field(quoted);
            field_start = record.text.len();
            quoted = false;
        } else if c == '\n' {
            if record.text.len() > field_start && record.text.ends_with('\r') && !quoted {
                record.text.pop();
            }
            record.end_field(quoted);
            each(&record)?;
            record.clear();
            field_start = 0;
            quoted = false;
            pending = false;
        } else if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        } else {
            record.text.push(c);
        }
    }
    if in_quotes {
        return Err(unclosed());
    }
    if pending {
        record.end_field(quoted);
        each(&record)?;
    }
    Ok(())
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
    let conversion = TextConversion { truncate: s.truncate_columns };
    let mut skip = usize::try_from(s.ignore_header).unwrap_or(usize::MAX);
    let mut scratch = String::new();
    let each = |record: &Record| -> Result<(), String> {
        if skip > 0 {
            skip -= 1;
            return Ok(());
        }
        if s.ignore_blank_lines && record.len() == 1 && record.field(0).0.is_empty() {
            return Ok(());
        }
        let filled = record.len() < columns.len() && s.fill_record;
        if record.len() != columns.len() && !filled {
            return Err(texts::load_failed(table));
        }
        for (index, column) in columns.iter().enumerate() {
            let (raw, quoted) = record.field(index);
            match field_value(raw, quoted, column.kind, s) {
                None => sink.bind(index, Typed::Null)?,
                Some(text) => bind_text(sink, index, column, text, conversion, &mut scratch).map_err(|e| match e {
                    ValueError::NotEmulated(text) => text,
                    _ => texts::load_failed(table),
                })?,
            }
        }
        sink.insert(|| texts::load_failed(table))
    };
    if s.format == Format::Csv {
        each_csv_record(text, s, || texts::load_failed(table), each)?;
    } else {
        each_text_record(text, s, each)?;
    }
    sink.flush(|| texts::load_failed(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_settings(sql_options: &str) -> CopySettings {
        let sql = format!("COPY t FROM 's3://b/p' IAM_ROLE 'arn:aws:iam::111111111111:role/R' {sql_options}");
        let Ok(redbridge_sql::Statement::Copy(copy)) = redbridge_sql::parse_statement(&sql) else { panic!("{sql}") };
        CopySettings::from_options(&copy.options).unwrap()
    }

    /// Every record's fields as `field_value` reads them for a column of type `declared`.
    fn values(text: &str, s: &CopySettings, declared: &str) -> Result<Vec<Vec<Option<String>>>, ()> {
        let kind = ColumnType::parse(declared);
        let mut out = Vec::new();
        let mut each = |record: &Record| {
            let fields = (0..record.len()).map(|i| record.field(i));
            out.push(fields.map(|(raw, q)| field_value(raw, q, kind, s).map(str::to_owned)).collect());
            Ok(())
        };
        if s.format == Format::Csv {
            each_csv_record(text, s, || (), &mut each)
        } else {
            each_text_record(text, s, &mut each)
        }?;
        Ok(out)
    }

    #[test]
    fn text_fields_split_on_the_delimiter_with_nulls_and_removequotes() {
        let s = copy_settings("DELIMITER ',' REMOVEQUOTES EMPTYASNULL");
        assert_eq!(
            values("1,\"a,b\",\\N\n2,,x\n", &s, "varchar").unwrap(),
            [vec![Some("1".into()), Some("a,b".into()), None], vec![Some("2".into()), None, Some("x".into())]]
        );
    }

    #[test]
    fn csv_honours_quotes_across_lines_and_doubled_quotes() {
        let s = copy_settings("CSV QUOTE AS '\"' NULL AS 'NULL'");
        assert_eq!(
            values("1,\"say \"\"hi\"\"\nthere\",NULL\r\n2,\"NULL\",\n", &s, "varchar").unwrap(),
            [
                vec![Some("1".into()), Some("say \"hi\"\nthere".into()), None],
                vec![Some("2".into()), Some("NULL".into()), Some(String::new())]
            ]
        );
        assert!(values("\"open", &s, "varchar").is_err());
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
