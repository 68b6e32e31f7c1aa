//! Redshift's error texts for COPY and UNLOAD, worded as in the project's reference
//! (`redshift-cross-account.md`) so that `redbridge_core::doctor::classify` recognises them.
//!
//! The Data API puts them in `DescribeStatement.Error` behind `ERROR: `, as Redshift does.

/// The first role is not attached to the cluster or namespace, or not yet `in-sync` (code 8001).
pub fn not_authorized_to_assume(db_user_arn: &str, role: &str) -> String {
    format!("User {db_user_arn} is not authorized to assume IAM Role {role}")
}

/// The database user lacks the ASSUMEROLE privilege on the chain for the command (the reference's
/// table of Redshift's texts, `redshift-cross-account.md`; doctor's `RB182`).
pub fn no_assumerole_permission(user: &str, chain: &str, command: &str) -> String {
    format!("User {user} does not have ASSUMEROLE permission on IAM role \"{chain}\" for {command}")
}

/// A role's trust refused the assume, or (unconfirmed wording) a later hop was refused (code 30000).
pub fn not_authorized_to_get_credentials(role: &str) -> String {
    format!("Not authorized to get credentials of role {role}")
}

/// A login the database refuses: a wrong password, or a user with no password here (after
/// `FATAL: ` in the Data API, SQLSTATE `28000` on the wire), as redshift_connector users report it
/// (`'M': 'password authentication failed for user "ag_readonly"'`:
/// <https://github.com/aws/amazon-redshift-python-driver/issues/237>).
pub fn password_failed(user: &str) -> String {
    format!("password authentication failed for user \"{user}\"")
}

/// S3 refused without an explicit deny.
pub fn s3_access_denied() -> String {
    "S3ServiceException:Access Denied,Status 403,Error AccessDenied".to_owned()
}

/// S3 or KMS refused; the session ARN names the hop. `explicit` adds AWS's explicit-deny wording.
pub fn not_authorized_to_perform(session_arn: &str, action: &str, resource: &str, explicit: bool) -> String {
    let why = if explicit { " with an explicit deny" } else { "" };
    format!(
        "S3ServiceException:User: {session_arn} is not authorized to perform: {action} on resource: \"{resource}\"{why},Status 403,Error AccessDenied"
    )
}

/// The bucket is in another region than the statement assumes.
pub fn wrong_region() -> String {
    "S3ServiceException:The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.,Status 301,Error PermanentRedirect".to_owned()
}

/// The bucket does not exist.
pub fn no_such_bucket() -> String {
    "S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket".to_owned()
}

/// COPY found nothing under the prefix.
pub fn empty_prefix(prefix: &str) -> String {
    format!("The specified S3 prefix '{prefix}' does not exist")
}

/// UNLOAD into a prefix that has objects, without ALLOWOVERWRITE.
pub fn unload_not_empty() -> String {
    "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.".to_owned()
}

/// A table that does not exist.
pub fn no_such_relation(table: &str) -> String {
    format!("relation \"{table}\" does not exist")
}

/// A data error while loading.
pub fn load_failed(table: &str) -> String {
    format!("Load into table '{table}' failed.  Check 'stl_load_errors' system table for details.")
}

/// A failure reading COPY's manifest: Redshift puts `Problem reading manifest file - ` before the
/// S3 text, as users report it for a missing key ("Problem reading manifest file -
/// S3ServiceException:The specified key does not exist.,Status 404":
/// <https://github.com/databricks/spark-redshift/issues/136>) and for a bucket in another region
/// (`… - S3ServiceException:The bucket you are attempting to access must be addressed using the
/// specified endpoint. …,Status 301,Error PermanentRedirect`: spark-redshift's README, "S3 bucket
/// and Redshift cluster are in different AWS regions"); the emulator prefixes every S3 or KMS
/// failure of the manifest's read the same way.
pub fn manifest_problem(s3_text: &str) -> String {
    format!("Problem reading manifest file - {s3_text}")
}

/// A manifest that is not JSON with `entries` of `url`s: "Manifest file is not in correct json
/// format" (<https://github.com/databricks/spark-redshift/issues/321>).
pub fn manifest_not_json() -> String {
    "Manifest file is not in correct json format".to_owned()
}

/// A feature of the statement that the emulator does not reproduce.
pub fn not_emulated(what: &str) -> String {
    format!("not emulated: {what} (see the redbridge-emu README)")
}

/// A statement stopped by `statement_timeout` (or the emulator's cap). Redshift's documented
/// example: `set statement_timeout = 1; select * from listing where listid>5000;` answers
/// `ERROR:  Query (150) canceled on user's request`
/// (<https://docs.aws.amazon.com/redshift/latest/dg/r_statement_timeout.html>).
pub fn statement_timeout(query_id: i64) -> String {
    format!("Query ({query_id}) canceled on user's request")
}

/// A result past the Data API's size limit. The Data API's troubleshooting page names the error
/// "Database response exceeded size limit"
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html>).
pub fn result_too_large(limit_bytes: usize) -> String {
    format!("Database response exceeded size limit: the result passed {limit_bytes} bytes")
}

/// Several statements in one ExecuteStatement text (or one entry of a batch). ExecuteStatement
/// runs "a single SQL statement"
/// (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html>);
/// the words are PostgreSQL's for several commands in one prepared statement.
pub fn multiple_statements() -> String {
    "cannot insert multiple commands into a prepared statement".to_owned()
}

/// A SQL text with no statement in it (PostgreSQL's wording).
pub fn empty_query() -> String {
    "syntax error at end of input".to_owned()
}

/// A value `SET` cannot take (PostgreSQL's wording).
pub fn invalid_setting(name: &str, value: &str) -> String {
    format!("invalid value for parameter \"{name}\": \"{value}\"")
}

// UNLOAD formats. Redshift's own wording for these refusals could not be sourced; each text is
// the sentence of the UNLOAD page (<https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>)
// that states the rule, so that a user can look it up.

/// PARQUET with a text option: "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES,
/// ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
pub fn unload_parquet_refuses() -> String {
    "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
        .to_owned()
}

/// JSON with a text option: "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES,
/// ESCAPE, or NULL AS."
pub fn unload_json_refuses() -> String {
    "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS.".to_owned()
}

/// MAXFILESIZE out of range: "Specify a decimal value between 5 MB and 6.2 GB."
pub fn unload_max_file_size_range(size: &str) -> String {
    format!("MAXFILESIZE {size}: Specify a decimal value between 5 MB and 6.2 GB.")
}

/// ROWGROUPSIZE out of range: "Specify an integer value between 32 MB and 128 MB."
pub fn unload_row_group_size_range(size: &str) -> String {
    format!("ROWGROUPSIZE {size}: Specify an integer value between 32 MB and 128 MB.")
}

/// ROWGROUPSIZE without PARQUET: "To use this parameter, the storage format must be Parquet".
pub fn unload_row_group_size_needs_parquet() -> String {
    "ROWGROUPSIZE: To use this parameter, the storage format must be Parquet.".to_owned()
}

/// A PARTITION BY column the query does not return: "The value for column_name must be a column
/// in the query results being unloaded."
pub fn unload_partition_column_missing(column: &str) -> String {
    format!(
        "PARTITION BY column \"{column}\": The value for column_name must be a column in the query results being unloaded."
    )
}

/// Every column in PARTITION BY: "there should be at least one nonpartition column to be part of
/// the file."
pub fn unload_partition_needs_a_data_column() -> String {
    "PARTITION BY: there should be at least one nonpartition column to be part of the file.".to_owned()
}

/// A PARTITION BY column of another type: "The column data types that you can use as the
/// partition key are SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, BOOLEAN, CHAR, VARCHAR, DATE, and
/// TIMESTAMP."
pub fn unload_partition_column_type(column: &str, column_type: &str) -> String {
    format!(
        "PARTITION BY column \"{column}\" is {column_type}: The column data types that you can use as the partition key are SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, BOOLEAN, CHAR, VARCHAR, DATE, and TIMESTAMP."
    )
}

// COPY formats

/// Columnar COPY with credentials other than `IAM_ROLE`: "COPY from this file format only accepts
/// IAM_ROLE credentials." (reported in <https://github.com/awsdocs/amazon-redshift-developer-guide/pull/34>).
pub fn columnar_credentials() -> String {
    "COPY from this file format only accepts IAM_ROLE credentials.".to_owned()
}

/// A parameter columnar COPY does not take. Observed (SQLSTATE 0A000) for REGION ("REGION argument
/// is not supported for PARQUET based COPY", quoted in <https://github.com/apache/iggy/pull/3654>)
/// and TRUNCATECOLUMNS ("TRUNCATECOLUMNS argument is not supported for PARQUET based COPY", a
/// user's proof-of-concept log of 2026-09-21); the emulator words every other refused parameter
/// the same way.
pub fn columnar_argument(keyword: &str) -> String {
    format!("{keyword} argument is not supported for PARQUET based COPY")
}

/// A parameter JSON COPY does not take ("The following options aren't supported with JSON: …",
/// <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html#copy-json>);
/// worded as the columnar refusal (no observed text found).
pub fn json_argument(keyword: &str) -> String {
    format!("{keyword} argument is not supported for JSON based COPY")
}

/// A columnar COPY's failure while reading files: Redshift answers `Spectrum Scan Error` with the
/// detail block (code 15007), e.g. `context: Unmatched number of columns between table and file.
/// Table columns: 20, Data columns: 16, File name: https://s3.us-east-1.amazonaws.com/…`
/// (<https://github.com/rudderlabs/rudder-server/pull/3178>) or `context: File 'https://…' has an
/// incompatible Parquet schema for column 's3://….c1'`
/// (<https://github.com/aws/amazon-redshift-python-driver/issues/107>); the Data API shows it as
/// `Spectrum Scan Error Detail: ----- error: Spectrum Scan Error code: 15007 context: …`
/// (<https://www.parsnips.net/2025/10/21/redshift-parquet-column-order.html>).
pub fn spectrum_scan_error(context: &str) -> String {
    format!(
        "Spectrum Scan Error Detail: \n  -----------------------------------------------\n  error:  Spectrum Scan Error\n  code:      15007\n  context:   {context}\n  -----------------------------------------------"
    )
}

/// A JSONPaths file that breaks one of AWS's rules ("If any of the following occurs, the COPY
/// command fails: The JSON is malformed. There is more than one JSON object. …",
/// <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html#copy-json-jsonpaths>);
/// the wording is the emulator's.
pub fn jsonpaths_invalid(reason: &str) -> String {
    format!("Invalid JSONPaths file: {reason}")
}

/// A JSONPath expression COPY cannot follow; AWS documents the form
/// `Invalid JSONPath format: Not an array or index out of range.` (same page).
pub fn jsonpath_format(detail: &str) -> String {
    format!("Invalid JSONPath format: {detail}")
}

/// A JSONPaths file with more or fewer expressions than columns, as users report it
/// ("Number of jsonpaths and the number of columns should match. JSONPath size: 1, Number of
/// columns in table or column list: 2").
pub fn jsonpaths_count(paths: usize, columns: usize) -> String {
    format!(
        "Number of jsonpaths and the number of columns should match. JSONPath size: {paths}, Number of columns in table or column list: {columns}"
    )
}
