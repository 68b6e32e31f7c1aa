//! COPY: delimited text and CSV from S3 into a table, with Redshift's options, manifests and
//! compression, every S3 and KMS call checked first (through [`crate::object_io`]).

use redbridge_aws::ports::Connect;
use redbridge_sql::{CopyFormat, CopyOption, CopyStatement};

use crate::chain_access;
use crate::object_io::{gunzip, list, read};
use crate::sql_engine::{self, Done, ExecContext};
use crate::state::Service;
use crate::texts;

/// How COPY reads its files.
#[derive(Debug, Clone)]
struct CopySettings {
    csv: bool,
    quote: char,
    delimiter: char,
    remove_quotes: bool,
    escape: bool,
    ignore_header: u64,
    null_as: Option<String>,
    empty_as_null: bool,
    blanks_as_null: bool,
    trim_blanks: bool,
    fill_record: bool,
    ignore_blank_lines: bool,
    gzip: bool,
    manifest: bool,
    no_load: bool,
    region: Option<String>,
}

pub(crate) fn single_char(option: &str, value: &str) -> Result<char, String> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{option} must be a single character, not `{value}`")),
    }
}

impl CopySettings {
    fn from_options(options: &[CopyOption]) -> Result<Self, String> {
        let mut s = Self {
            csv: false,
            quote: '"',
            delimiter: '|',
            remove_quotes: false,
            escape: false,
            ignore_header: 0,
            null_as: None,
            empty_as_null: false,
            blanks_as_null: false,
            trim_blanks: false,
            fill_record: false,
            ignore_blank_lines: false,
            gzip: false,
            manifest: false,
            no_load: false,
            region: None,
        };
        let mut delimiter = None;
        for option in options {
            match option {
                CopyOption::Format(CopyFormat::Csv { quote }) => {
                    s.csv = true;
                    if let Some(q) = quote {
                        s.quote = single_char("QUOTE", q)?;
                    }
                }
                CopyOption::Format(other) => {
                    return Err(texts::not_emulated(&format!("COPY from `{}`", other.keyword())));
                }
                CopyOption::Delimiter(d) => delimiter = Some(single_char("DELIMITER", d)?),
                CopyOption::RemoveQuotes => s.remove_quotes = true,
                CopyOption::Escape => s.escape = true,
                CopyOption::IgnoreHeader(n) => s.ignore_header = *n,
                CopyOption::NullAs(n) => s.null_as = Some(n.clone()),
                CopyOption::EmptyAsNull => s.empty_as_null = true,
                CopyOption::BlanksAsNull => s.blanks_as_null = true,
                CopyOption::TrimBlanks => s.trim_blanks = true,
                CopyOption::FillRecord => s.fill_record = true,
                CopyOption::IgnoreBlankLines => s.ignore_blank_lines = true,
                CopyOption::Compression(redbridge_sql::Compression::Gzip) => s.gzip = true,
                CopyOption::Manifest => s.manifest = true,
                CopyOption::NoLoad => s.no_load = true,
                CopyOption::Region(r) => s.region = Some(r.clone()),
                CopyOption::Encoding(redbridge_sql::Encoding::Utf8) => {}
                // Accepted and without effect here: they tune types, statistics and error tolerance.
                CopyOption::AcceptAnyDate
                | CopyOption::AcceptInvChars(_)
                | CopyOption::DateFormat(_)
                | CopyOption::TimeFormat(_)
                | CopyOption::CompRows(_)
                | CopyOption::CompUpdate(_)
                | CopyOption::StatUpdate(_)
                | CopyOption::MaxError(_)
                | CopyOption::TruncateColumns
                | CopyOption::RoundDec
                | CopyOption::ExplicitIds => {}
                other => return Err(texts::not_emulated(&format!("COPY option `{}`", other.keyword()))),
            }
        }
        if s.csv && s.remove_quotes {
            return Err("REMOVEQUOTES cannot be used with CSV".to_owned());
        }
        if s.csv && s.escape {
            return Err("ESCAPE cannot be used with CSV".to_owned());
        }
        s.delimiter = delimiter.unwrap_or(if s.csv { ',' } else { '|' });
        Ok(s)
    }
}

/// Splits delimited text into records of raw fields; `Some` marks a field that was quoted.
fn parse_text(text: &str, s: &CopySettings) -> Vec<Vec<(String, bool)>> {
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
fn parse_csv(text: &str, s: &CopySettings) -> Result<Vec<Vec<(String, bool)>>, ()> {
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

fn is_char_type(declared: &str) -> bool {
    declared.contains("char") || declared.contains("text") || declared.is_empty()
}

/// Turns a raw field into the value to insert.
fn field_value(raw: &str, quoted: bool, declared: &str, s: &CopySettings) -> Option<String> {
    let value = if s.trim_blanks { raw.trim_end() } else { raw };
    if !quoted {
        let null = s.null_as.as_deref().unwrap_or(if s.csv { "" } else { "\\N" });
        if (s.null_as.is_some() || !s.csv) && value == null {
            return None;
        }
    }
    if value.is_empty() && (s.empty_as_null || !is_char_type(declared)) {
        return None;
    }
    if s.blanks_as_null && value.trim().is_empty() {
        return None;
    }
    Some(value.to_owned())
}

/// Runs a COPY.
pub(crate) async fn copy<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    statement: &CopyStatement,
) -> Result<Done, String> {
    let settings = CopySettings::from_options(&statement.options)?;
    let table = sql_engine::table_name(&statement.table);
    let lookup = table.clone();
    let table_columns =
        sql_engine::on_database(service, context, move |connection| sql_engine::table_columns(connection, &lookup))
            .await?;
    let columns: Vec<(String, String)> = if statement.columns.is_empty() {
        table_columns
    } else {
        statement
            .columns
            .iter()
            .map(|c| {
                let name = if c.quoted { c.value.clone() } else { c.value.to_ascii_lowercase() };
                table_columns
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                    .cloned()
                    .ok_or_else(|| format!("column \"{name}\" of relation \"{table}\" does not exist"))
            })
            .collect::<Result<_, _>>()?
    };
    let from = sql_engine::s3_location(&statement.from)?;
    let access = chain_access::assume_chain(service, context, &statement.iam_roles()).await?;
    let bucket = from.bucket().as_str();
    let region = settings.region.clone().unwrap_or_else(|| context.region.clone());
    let manifest_problem = |text: String| if settings.manifest { texts::manifest_problem(&text) } else { text };
    let info = access.bucket(service, bucket, &region).await.map_err(manifest_problem)?;

    let mut files: Vec<(String, String)> = Vec::new();
    if settings.manifest {
        let manifest = read(service, &access, &info, bucket, from.key()).await.map_err(manifest_problem)?;
        let value: serde_json::Value = serde_json::from_slice(&manifest).map_err(|_| texts::manifest_not_json())?;
        let entries = value.get("entries").and_then(|e| e.as_array()).ok_or_else(texts::manifest_not_json)?;
        for entry in entries {
            let url = entry.get("url").and_then(|u| u.as_str()).ok_or_else(texts::manifest_not_json)?;
            let location = sql_engine::s3_location(url)?;
            let mandatory = entry.get("mandatory").and_then(serde_json::Value::as_bool).unwrap_or(false);
            if location.bucket().as_str() != bucket {
                return Err(texts::not_emulated("manifest entries in another bucket than the manifest"));
            }
            let present =
                list(service, &access, &info, bucket, location.key()).await?.iter().any(|o| o.key == location.key());
            if present {
                files.push((bucket.to_owned(), location.key().to_owned()));
            } else if mandatory {
                return Err(format!("Manifest file entry {url} is mandatory but the file does not exist"));
            }
        }
    } else {
        let objects = list(service, &access, &info, bucket, from.key()).await?;
        if objects.is_empty() {
            return Err(texts::empty_prefix(from.key()));
        }
        files.extend(objects.into_iter().filter(|o| !o.key.ends_with('/')).map(|o| (bucket.to_owned(), o.key)));
    }

    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for (bucket, key) in &files {
        let mut body = read(service, &access, &info, bucket, key).await?;
        if settings.gzip {
            body = gunzip(&body)?;
        }
        let text = String::from_utf8(body).map_err(|_| texts::load_failed(&table))?;
        let records = if settings.csv {
            parse_csv(&text, &settings).map_err(|()| texts::load_failed(&table))?
        } else {
            parse_text(&text, &settings)
        };
        let skip = usize::try_from(settings.ignore_header).unwrap_or(usize::MAX);
        for mut record in records.into_iter().skip(skip) {
            if settings.ignore_blank_lines && record.len() == 1 && record[0].0.is_empty() {
                continue;
            }
            if record.len() < columns.len() && settings.fill_record {
                record.resize(columns.len(), (String::new(), false));
            }
            if record.len() != columns.len() {
                return Err(texts::load_failed(&table));
            }
            rows.push(
                record
                    .iter()
                    .zip(&columns)
                    .map(|((raw, quoted), (_, declared))| field_value(raw, *quoted, declared, &settings))
                    .collect(),
            );
        }
    }
    if settings.no_load {
        return Ok(Done { result_rows: 0, result: None });
    }
    let column_list =
        columns.iter().map(|(n, _)| format!("\"{}\"", n.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
    let placeholders = vec!["?"; columns.len()].join(", ");
    let insert = format!("INSERT INTO \"{}\" ({column_list}) VALUES ({placeholders})", table.replace('"', "\"\""));
    sql_engine::on_database(service, context, move |connection| insert_rows(connection, &table, &insert, &rows)).await
}

/// Inserts the loaded rows under a savepoint: all of them or none.
fn insert_rows(
    connection: &rusqlite::Connection,
    table: &str,
    insert: &str,
    rows: &[Vec<Option<String>>],
) -> Result<Done, String> {
    connection.execute_batch("SAVEPOINT redbridge_copy").map_err(|e| sql_engine::sqlite_text(&e))?;
    let loaded = (|| -> Result<usize, String> {
        let mut prepared = connection.prepare(insert).map_err(|e| sql_engine::sqlite_text(&e))?;
        for row in rows {
            prepared.execute(rusqlite::params_from_iter(row.iter())).map_err(|_| texts::load_failed(table))?;
        }
        Ok(rows.len())
    })();
    match loaded {
        Ok(n) => {
            connection.execute_batch("RELEASE redbridge_copy").map_err(|e| sql_engine::sqlite_text(&e))?;
            Ok(Done { result_rows: i64::try_from(n).unwrap_or(i64::MAX), result: None })
        }
        Err(error) => {
            // Interrupted, this may fail too: the session's end rolls back what is left open.
            let _ = connection.execute_batch("ROLLBACK TO redbridge_copy; RELEASE redbridge_copy");
            Err(error)
        }
    }
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
        records.iter().map(|r| r.iter().map(|(raw, q)| field_value(raw, *q, declared, s)).collect()).collect()
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
    fn unsupported_formats_are_refused_as_not_emulated() {
        let sql = "COPY t FROM 's3://b/p' IAM_ROLE 'arn:aws:iam::111111111111:role/R' FORMAT AS PARQUET";
        let Ok(redbridge_sql::Statement::Copy(copy)) = redbridge_sql::parse_statement(sql) else { panic!() };
        assert!(
            CopySettings::from_options(&copy.options).unwrap_err().starts_with("not emulated: COPY from `PARQUET`")
        );
    }
}
