//! UNLOAD: a query's rows written to S3 as delimited text, CSV, JSON or Parquet (formats in
//! [`crate::unload_format`]), with Redshift's file names, partitions, manifests, compression and
//! encryption, every S3 and KMS call checked first (through [`crate::object_io`]).

use redbridge_aws::ports::{Connect, ObjectEncryption};
use redbridge_sql::UnloadStatement;

use crate::chain_access;
use crate::compression::Codec;
use crate::object_io::{delete, gzip, list, write};
use crate::sql_engine::{self, Done, ExecContext};
use crate::state::Service;
use crate::texts;
use crate::unload_format::files::{self, Written};
use crate::unload_format::table::{self, Table};
use crate::unload_format::{Format, Settings, delimited, json, parquet};

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
    settings: &Settings,
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

/// A file to write: its key, body and record count.
type FileToWrite = (String, Vec<u8>, usize);

/// The files of an UNLOAD: each partition folder's rows (all rows in one unnamed folder when
/// there is no PARTITION BY) in the format, split at MAXFILESIZE, compressed, named; with the
/// columns the files hold (PARTITION BY's dropped unless INCLUDE: "Partition columns aren't
/// included in the output file", r_UNLOAD).
fn render(table: &Table, settings: &Settings, base: &str) -> Result<(Vec<FileToWrite>, Vec<usize>), String> {
    let (groups, data_columns): (Vec<(String, Vec<usize>)>, Vec<usize>) = match &settings.partition {
        Some((names, include)) => {
            let partition = files::partition_columns(table, names)?;
            let data = (0..table.columns.len()).filter(|i| *include || !partition.contains(i)).collect();
            (files::partitions(table, &partition), data)
        }
        None => (vec![(String::new(), (0..table.rows).collect())], (0..table.columns.len()).collect()),
    };
    let extension = settings.file_extension();
    let mut out = Vec::new();
    for (folder, rows) in groups {
        let parts = match settings.format {
            Format::Parquet => parquet::write(table, &data_columns, &rows, settings)?,
            Format::Json => json::write(table, &data_columns, &rows, settings),
            Format::Text | Format::Csv => delimited::write(table, &data_columns, &rows, settings),
        };
        for (index, part) in parts.into_iter().enumerate() {
            let key = format!("{base}{folder}{}", files::file_name(settings.parallel, index, &extension));
            let body = match settings.codec {
                // "Unload to Parquet doesn't use file level compression" (r_UNLOAD).
                _ if settings.format == Format::Parquet => part.body,
                Some(Codec::Gzip) => gzip(&part.body)?,
                Some(codec) => codec.compress(&part.body)?,
                None => part.body,
            };
            out.push((key, body, part.records));
        }
    }
    Ok((out, data_columns))
}

/// Runs an UNLOAD.
pub(crate) async fn unload<C: Connect>(
    service: &Service<C>,
    context: &ExecContext,
    statement: &UnloadStatement,
) -> Result<Done, String> {
    let settings = Settings::from_options(&statement.options)?;
    // The query is admitted like any statement, and must be one that returns rows. UNLOAD writes
    // to S3, so the Data API's result size limit does not apply to it.
    let query = crate::sql_gate::admit_query(&statement.query)?;
    let table = sql_engine::on_database(service, context, move |connection| table::read(connection, &query)).await?;
    let to = sql_engine::s3_location(&statement.to)?;
    let bucket = to.bucket().as_str();
    let base = files::base_prefix(to.key(), settings.partition.is_some());
    // The files are rendered off the async threads: a large result takes a while.
    let (table, rendered) = {
        let (settings, base) = (settings.clone(), base.clone());
        tokio::task::spawn_blocking(move || {
            let rendered = render(&table, &settings, &base);
            (table, rendered)
        })
        .await
        .map_err(|e| format!("UNLOAD: rendering the files failed ({e})"))?
    };
    let (outputs, data_columns) = rendered?;

    let chain = statement.iam_roles();
    crate::assume_role_grants::check(service, context, &chain.join(","), crate::assume_role_grants::Command::Unload)?;
    let access = chain_access::assume_chain(service, context, &chain).await?;
    let region = settings.region.clone().unwrap_or_else(|| context.region.clone());
    let info = access.bucket(service, bucket, &region).await?;
    let existing = list(service, &access, &info, bucket, &base).await?;
    if !existing.is_empty() {
        if settings.clean_path {
            // "If you include the PARTITION BY clause, existing files are removed only from the
            // partition folders to receive new files generated by the UNLOAD operation" (r_UNLOAD).
            let folders: Vec<&str> =
                outputs.iter().map(|(key, _, _)| key.rsplit_once('/').map_or("", |(f, _)| f)).collect();
            for object in &existing {
                let folder = object.key.rsplit_once('/').map_or("", |(f, _)| f);
                if settings.partition.is_none() || folders.contains(&folder) {
                    delete(service, &access, &info, bucket, &object.key).await?;
                }
            }
        } else if !settings.allow_overwrite {
            return Err(texts::unload_not_empty());
        }
    }

    let encryption = encryption(service, &settings, &access, &info, bucket).await?;
    let mut written = Vec::with_capacity(outputs.len());
    for (key, body, records) in outputs {
        let content_length = body.len();
        write(service, &access, &info, bucket, &key, body, &encryption).await?;
        written.push(Written { key, content_length, records });
    }
    if let Some(verbose) = settings.manifest {
        let manifest = files::manifest(bucket, &written, verbose, &table, &data_columns);
        let manifest_key = format!("{base}manifest");
        write(service, &access, &info, bucket, &manifest_key, manifest.to_string().into_bytes(), &encryption).await?;
    }
    Ok(Done { result_rows: i64::try_from(table.rows).unwrap_or(i64::MAX), result: None })
}
