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
}

/// The encryption UNLOAD asks S3 for, and the KMS checks S3 makes for it beforehand.
///
/// - No ENCRYPTED: SSE-S3, whatever the bucket's default ("UNLOAD automatically creates files
///   using Amazon S3 server-side encryption with AWS managed encryption keys (SSE-S3)":
///   <https://docs.aws.amazon.com/redshift/latest/dg/t_unloading_encrypted_files.html>; users see
///   SSE-S3 objects in a bucket whose default is SSE-KMS:
///   <https://dev.classmethod.jp/en/articles/redshift-sse-kms-s3-unload>), so the `AES256` header.
/// - `KMS_KEY_ID` with ENCRYPTED: SSE-KMS with that key. AWS's own example gives a bare key id
///   (`KMS_KEY_ID '1234abcd-12ab-34cd-56ef-1234567890ab'`, same page); S3 resolves it where the
///   request is made, the last role's account ("if the KMS key doesn't exist in the same account
///   that's issuing the command, you must use the full Key ARN not the Key ID":
///   <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html>, SSEKMSKeyId), in the
///   bucket's region (S3 calls KMS there). Aliases stay refused (not emulated).
/// - ENCRYPTED AUTO: no header, the bucket's default encryption applies; when that is SSE-KMS
///   with a key, S3 asks KMS for a data key as the requester, so `kms:GenerateDataKey` on that
///   key (resolved in the bucket owner's account and region when given by id) is checked.
async fn encryption<C: Connect>(
    service: &Service<C>,
    settings: &UnloadSettings,
    access: &chain_access::Access,
    info: &chain_access::BucketInfo,
    bucket: &str,
) -> Result<ObjectEncryption, String> {
    match (&settings.encrypted, &settings.kms_key_id) {
        (Some(_), Some(key)) => Ok(ObjectEncryption::Kms(key_arn(key, access.role.account(), &info.region)?)),
        (Some(true), None) => {
            use redbridge_aws::ports::S3 as _;
            let owner = redbridge_aws::ports::Credentials::Account(info.owner);
            let default = service
                .cloud
                .s3(&owner, &info.region)
                .default_encryption(bucket)
                .await
                .map_err(|e| chain_access::backend_text(&e))?;
            if let Some(default) = default
                && default.algorithm.starts_with("aws:kms")
                && let Some(key) = default.kms_key
            {
                let key = key_arn(&key, info.owner, &info.region)?;
                access.check_key(service, "kms:GenerateDataKey", &key).await?;
            }
            Ok(ObjectEncryption::BucketDefault)
        }
        _ => Ok(ObjectEncryption::S3),
    }
}

/// A KMS key as S3 resolves it: an ARN as given, a bare key id in `account` and `region`.
fn key_arn(key: &str, account: redbridge_iam::AccountId, region: &redbridge_iam::Region) -> Result<String, String> {
    if key.starts_with("arn:") {
        return Ok(key.to_owned());
    }
    if key.starts_with("alias/") {
        return Err(texts::not_emulated(&format!("KMS key `{key}` given by alias; give the key id or ARN")));
    }
    let arn = format!("arn:aws:kms:{region}:{account}:key/{key}");
    redbridge_iam::KmsKeyArn::parse(&arn).map(|_| arn).map_err(|e| format!("the KMS key id `{key}` is not valid: {e}"))
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
    let encryption = encryption(service, &settings, &access, &info, bucket).await?;
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
