//! COPY: delimited text, CSV, JSON and Parquet from S3 into a table, with Redshift's options,
//! manifests and compression (GZIP, BZIP2, ZSTD). Redshift's syntax and option checks come first
//! ([`crate::copy_format::CopySettings`]), then the chain, then every S3 and KMS call, each checked
//! ([`crate::object_io`]), the JSONPaths file's read included; the files are then loaded by their
//! format ([`crate::copy_format`]) under one savepoint.

use redbridge_aws::ports::Connect;
use redbridge_sql::CopyStatement;

use crate::chain_access;
use crate::column_type::ColumnType;
use crate::compression::{Codec, INFLATED_LIMIT};
use crate::copy_format::json::{self, Mapping};
use crate::copy_format::parquet::{self, ParquetFile};
use crate::copy_format::{self, CopySettings, Format, JsonMode, TargetColumn, delimited};
use crate::object_io::{list, read};
use crate::sql_engine::{self, Done, ExecContext};
use crate::state::Service;
use crate::texts;

/// UNLOAD reads its single-character options the same way.
pub(crate) use crate::copy_format::settings::single_char;

/// A file read from S3, inflated.
struct Loaded {
    bucket: String,
    key: String,
    body: Vec<u8>,
}

/// "If the file you specify for the COPY operation includes one of the following extensions, we
/// decompress the data without the need for adding any parameters: .gz .snappy .bz2"
/// (<https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>);
/// whole-file Snappy is not emulated.
fn columnar_codec(key: &str) -> Result<Option<Codec>, String> {
    if key.ends_with(".gz") {
        Ok(Some(Codec::Gzip))
    } else if key.ends_with(".bz2") {
        Ok(Some(Codec::Bzip2))
    } else if key.ends_with(".snappy") {
        Err(texts::not_emulated("COPY from a whole-file `.snappy` Parquet object"))
    } else {
        Ok(None)
    }
}

/// Runs a COPY.
pub(crate) async fn copy<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    statement: &CopyStatement,
) -> Result<Done, String> {
    let settings = CopySettings::from_statement(statement)?;
    let table = sql_engine::table_name(&statement.table);
    let lookup = table.clone();
    let table_columns =
        sql_engine::on_database(service, context, move |connection| sql_engine::table_columns(connection, &lookup))
            .await?;
    let named: Vec<(String, String)> = if statement.columns.is_empty() {
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
    let columns: Vec<TargetColumn> =
        named.into_iter().map(|(name, declared)| TargetColumn { kind: ColumnType::parse(&declared), name }).collect();
    let from = sql_engine::s3_location(&statement.from)?;
    let chain = statement.iam_roles();
    crate::assume_role_grants::check(service, context, &chain.join(","), crate::assume_role_grants::Command::Copy)?;
    let access = chain_access::assume_chain(service, context, &chain).await?;
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

    let mapping = match &settings.format {
        Format::Json(JsonMode::Auto { ignore_case }) => Some(Mapping::Auto { ignore_case: *ignore_case }),
        Format::Json(JsonMode::Paths(uri)) => {
            // Read through the chain like the data files: `s3:GetObject` judged for the last hop.
            let location = sql_engine::s3_location(uri)?;
            let paths_bucket = location.bucket().as_str();
            let paths_info = if paths_bucket == bucket {
                info.clone()
            } else {
                access.bucket(service, paths_bucket, &region).await?
            };
            let bytes = read(service, &access, &paths_info, paths_bucket, location.key()).await?;
            Some(json::parse_jsonpaths(&bytes, columns.len())?)
        }
        _ => None,
    };

    let mut loaded = Vec::with_capacity(files.len());
    for (bucket, key) in files {
        let mut body = read(service, &access, &info, &bucket, &key).await?;
        let codec = if settings.format == Format::Parquet { columnar_codec(&key)? } else { settings.codec };
        if let Some(codec) = codec {
            body = codec.decompress(&body, INFLATED_LIMIT)?;
        }
        loaded.push(Loaded { bucket, key, body });
    }
    let region = info.region.to_string();
    let keep = !settings.no_load;
    sql_engine::on_database(service, context, move |connection| {
        let rows = copy_format::in_savepoint(connection, &table, &columns, keep, |sink| {
            for file in loaded {
                match &settings.format {
                    Format::Parquet => {
                        let file = ParquetFile {
                            url: format!("https://s3.{region}.amazonaws.com/{}/{}", file.bucket, file.key),
                            s3: format!("s3://{}/{}", file.bucket, file.key),
                            bytes: bytes::Bytes::from(file.body),
                        };
                        parquet::load(sink, &file, &columns, settings.fill_record)?;
                    }
                    Format::Json(_) => {
                        let text = std::str::from_utf8(&file.body).map_err(|_| texts::load_failed(&table))?;
                        let mapping = mapping.as_ref().ok_or_else(|| texts::load_failed(&table))?;
                        json::load(sink, text, &settings, mapping, &columns, &table)?;
                    }
                    Format::Text | Format::Csv => {
                        let text = std::str::from_utf8(&file.body).map_err(|_| texts::load_failed(&table))?;
                        delimited::load(sink, text, &settings, &columns, &table)?;
                    }
                }
            }
            Ok(())
        })?;
        let rows = if keep { rows } else { 0 };
        Ok(Done { result_rows: i64::try_from(rows).unwrap_or(i64::MAX), result: None })
    })
    .await
}
