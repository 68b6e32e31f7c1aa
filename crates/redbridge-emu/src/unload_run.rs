//! UNLOAD: a query's rows written to S3 as delimited text or CSV, with Redshift's file names,
//! manifests, compression and encryption, every S3 and KMS call checked first (through
//! [`crate::object_io`]).

use redbridge_aws::ports::{Connect, ObjectEncryption};
use redbridge_sql::{UnloadFormat, UnloadOption, UnloadStatement};
use serde_json::json;

use crate::chain_access;
use crate::copy_run::single_char;
use crate::object_io::{delete, gzip, list, write};
use crate::sql_engine::{self, Done, ExecContext, ResultSet};
use crate::state::Service;
use crate::texts;

/// How UNLOAD writes its files.
#[derive(Debug, Clone, Default)]
struct UnloadSettings {
    csv: bool,
    header: bool,
    delimiter: Option<char>,
    null_as: String,
    add_quotes: bool,
    escape: bool,
    gzip: bool,
    parallel: bool,
    manifest: Option<bool>,
    encrypted: Option<bool>,
    kms_key_id: Option<String>,
    allow_overwrite: bool,
    clean_path: bool,
    extension: Option<String>,
    region: Option<String>,
}

impl UnloadSettings {
    fn from_options(options: &[UnloadOption]) -> Result<Self, String> {
        let mut s = Self { parallel: true, ..Self::default() };
        for option in options {
            match option {
                UnloadOption::Format(UnloadFormat::Csv) => s.csv = true,
                UnloadOption::Format(other) => {
                    return Err(texts::not_emulated(&format!("UNLOAD to `{}`", other.keyword())));
                }
                UnloadOption::Header => s.header = true,
                UnloadOption::Delimiter(d) => s.delimiter = Some(single_char("DELIMITER", d)?),
                UnloadOption::NullAs(n) => s.null_as = n.clone(),
                UnloadOption::AddQuotes => s.add_quotes = true,
                UnloadOption::Escape => s.escape = true,
                UnloadOption::Compression(redbridge_sql::Compression::Gzip) => s.gzip = true,
                UnloadOption::Parallel(on) => s.parallel = *on,
                UnloadOption::Manifest { verbose } => s.manifest = Some(*verbose),
                UnloadOption::Encrypted { auto } => s.encrypted = Some(*auto),
                UnloadOption::KmsKeyId(k) => s.kms_key_id = Some(k.clone()),
                UnloadOption::AllowOverwrite => s.allow_overwrite = true,
                UnloadOption::CleanPath => s.clean_path = true,
                UnloadOption::Extension(e) => s.extension = Some(e.trim_start_matches('.').to_owned()),
                UnloadOption::Region(r) => s.region = Some(r.clone()),
                UnloadOption::MaxFileSize(_) => {}
                other => return Err(texts::not_emulated(&format!("UNLOAD option `{}`", other.keyword()))),
            }
        }
        if s.kms_key_id.is_some() && s.encrypted.is_none() {
            return Err("KMS_KEY_ID requires the ENCRYPTED option".to_owned());
        }
        if s.allow_overwrite && s.clean_path {
            return Err("CLEANPATH cannot be used with ALLOWOVERWRITE".to_owned());
        }
        if s.csv && (s.add_quotes || s.escape) {
            return Err("ADDQUOTES and ESCAPE cannot be used with CSV".to_owned());
        }
        Ok(s)
    }

    fn encryption(&self) -> ObjectEncryption {
        match (&self.encrypted, &self.kms_key_id) {
            (Some(_), Some(key)) => ObjectEncryption::Kms(key.clone()),
            (Some(true), None) => ObjectEncryption::BucketDefault,
            _ => ObjectEncryption::S3,
        }
    }
}

/// Renders rows as UNLOAD writes them.
fn render(result: &ResultSet, s: &UnloadSettings) -> String {
    let delimiter = s.delimiter.unwrap_or(if s.csv { ',' } else { '|' });
    let field = |value: Option<String>| -> String {
        let Some(text) = value else { return s.null_as.clone() };
        if s.csv {
            if text.contains(delimiter) || text.contains('"') || text.contains('\n') || text.contains('\r') {
                return format!("\"{}\"", text.replace('"', "\"\""));
            }
            return text;
        }
        let mut text = text;
        if s.escape {
            let mut escaped = String::with_capacity(text.len());
            for c in text.chars() {
                if c == delimiter || c == '\\' || c == '\n' || c == '\r' || c == '"' || c == '\'' {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            text = escaped;
        }
        if s.add_quotes { format!("\"{text}\"") } else { text }
    };
    let mut out = String::new();
    let separator = delimiter.to_string();
    if s.header {
        out.push_str(&result.columns.iter().map(|c| field(Some(c.name.clone()))).collect::<Vec<_>>().join(&separator));
        out.push('\n');
    }
    for row in &result.rows {
        out.push_str(&row.iter().map(|v| field(v.render())).collect::<Vec<_>>().join(&separator));
        out.push('\n');
    }
    out
}

/// Runs an UNLOAD.
pub(crate) async fn unload<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    statement: &UnloadStatement,
) -> Result<Done, String> {
    let settings = UnloadSettings::from_options(&statement.options)?;
    // The query is admitted like any statement, and must be one that returns rows. UNLOAD writes
    // to S3, so the Data API's result size limit does not apply to it.
    let query = crate::sql_gate::admit_query(&statement.query)?;
    let result =
        sql_engine::on_database(service, context, move |connection| sql_engine::run_sql(connection, &query, None))
            .await?;
    let result = result.result.ok_or("UNLOAD needs a query that returns rows")?;
    let to = sql_engine::s3_location(&statement.to)?;
    let access = chain_access::assume_chain(service, context, &statement.iam_roles()).await?;
    let bucket = to.bucket().as_str();
    let prefix = to.key();
    let region = settings.region.clone().unwrap_or_else(|| context.region.clone());
    let info = access.bucket(service, bucket, &region).await?;

    let existing = list(service, &access, &info, bucket, prefix).await?;
    if !existing.is_empty() {
        if settings.clean_path {
            for object in &existing {
                delete(service, &access, &info, bucket, &object.key).await?;
            }
        } else if !settings.allow_overwrite {
            return Err(texts::unload_not_empty());
        }
    }

    let mut name = if settings.parallel { format!("{prefix}0000_part_00") } else { format!("{prefix}000") };
    if let Some(extension) = &settings.extension {
        name.push('.');
        name.push_str(extension);
    }
    if settings.gzip && !name.ends_with(".gz") {
        name.push_str(".gz");
    }
    let text = render(&result, &settings);
    let body = if settings.gzip { gzip(text.as_bytes())? } else { text.into_bytes() };
    let length = body.len();
    let encryption = settings.encryption();
    write(service, &access, &info, bucket, &name, body, &encryption).await?;

    if let Some(verbose) = settings.manifest {
        let mut manifest = json!({
            "entries": [{ "url": format!("s3://{bucket}/{name}"), "meta": { "content_length": length } }]
        });
        if verbose {
            manifest["entries"][0]["meta"]["record_count"] = json!(result.rows.len());
            manifest["schema"] = json!({
                "elements": result.columns.iter().map(|c| json!({ "name": c.name, "type": { "base": c.type_name } })).collect::<Vec<_>>()
            });
            manifest["meta"] = json!({ "content_length": length, "record_count": result.rows.len() });
            manifest["author"] = json!({ "name": "Amazon Redshift", "version": "1.0.0" });
        }
        let manifest_key = format!("{prefix}manifest");
        write(service, &access, &info, bucket, &manifest_key, manifest.to_string().into_bytes(), &encryption).await?;
    }
    Ok(Done { result_rows: i64::try_from(result.rows.len()).unwrap_or(i64::MAX), result: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unload_renders_csv_and_text_with_headers_and_nulls() {
        let result = ResultSet {
            columns: vec![
                crate::sql_engine::Column { name: "id".into(), type_name: "int4".into() },
                crate::sql_engine::Column { name: "name".into(), type_name: "varchar".into() },
            ],
            rows: vec![
                vec![crate::sql_engine::SqlValue::Long(1), crate::sql_engine::SqlValue::Text("a,b".into())],
                vec![crate::sql_engine::SqlValue::Long(2), crate::sql_engine::SqlValue::Null],
            ],
        };
        let csv = UnloadSettings { csv: true, header: true, ..UnloadSettings::default() };
        assert_eq!(render(&result, &csv), "id,name\n1,\"a,b\"\n2,\n");
        let text = UnloadSettings { null_as: "\\N".into(), ..UnloadSettings::default() };
        assert_eq!(render(&result, &text), "1|a,b\n2|\\N\n");
    }
}
