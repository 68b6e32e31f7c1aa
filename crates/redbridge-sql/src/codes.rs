//! The stable diagnostic codes. A code never changes meaning; retired codes are not reused.

/// Every code with its severity and a one-line summary, for documentation and `--explain`-style
/// listings.
pub const ALL: &[(&str, &str)] = &[
    (UNTERMINATED_STRING, "a string literal is never closed"),
    (SYNTAX, "the statement does not follow the COPY or UNLOAD grammar"),
    (UNTERMINATED_QUOTE, "a quoted identifier or block comment is never closed"),
    (UNKNOWN_OPTION, "a word that is not a parameter of this statement"),
    (DUPLICATE_OPTION, "a parameter given twice, or two formats or codecs"),
    (NOT_COPY_OR_UNLOAD, "a statement that is not COPY or UNLOAD (not checked)"),
    (MISSING_AUTHORIZATION, "no IAM_ROLE, CREDENTIALS or access keys"),
    (INNER_QUERY, "the UNLOAD query does not parse as SQL"),
    (INVALID_VALUE, "an option value Redshift does not accept"),
    (CHAIN_WHITESPACE, "whitespace inside an IAM role chain"),
    (CHAIN_EMPTY_ELEMENT, "an empty element in an IAM role chain"),
    (CHAIN_DUPLICATE, "the same role twice in a chain"),
    (CHAIN_TOO_LONG, "more than 10 roles in a chain"),
    (CHAIN_NOT_ROLE_ARN, "a chain element that is not an IAM role ARN"),
    (CHAIN_DEFAULT, "`default` inside a role chain"),
    (AUTH_CONFLICT, "IAM_ROLE together with CREDENTIALS or access keys"),
    (AUTH_INCOMPLETE, "access keys without their secret, or a session token alone"),
    (KMS_WITHOUT_ENCRYPTED, "KMS_KEY_ID without ENCRYPTED"),
    (CLEANPATH_ALLOWOVERWRITE, "CLEANPATH together with ALLOWOVERWRITE"),
    (UNLOAD_PARQUET_OPTION, "an option UNLOAD cannot combine with PARQUET"),
    (COPY_COLUMNAR_REGION, "COPY from PARQUET or ORC with REGION"),
    (COPY_COLUMNAR_OPTION, "an option COPY does not support with PARQUET or ORC"),
    (FIXEDWIDTH_DELIMITER, "FIXEDWIDTH together with DELIMITER"),
    (REMOVEQUOTES_CSV, "REMOVEQUOTES together with CSV"),
    (MALFORMED_S3_URI, "a FROM or TO location that is not a valid `s3://` URI"),
    (INVALID_REGION, "a REGION value that is not a region code"),
    (KMS_KEY_FORM, "a KMS_KEY_ID that does not work across accounts"),
    (FORMAT_OPTION_CONFLICT, "an option that does not apply to the chosen format"),
    (NOT_FOR_S3, "a COPY parameter of another data source (SSH, READRATIO)"),
    (ENCRYPTED_WITHOUT_KEY, "COPY ENCRYPTED without the root key that decrypts the files"),
    (REQUIRES_ENCRYPTED, "MASTER_SYMMETRIC_KEY without ENCRYPTED"),
    (KEY_WITH_CREDENTIALS, "MASTER_SYMMETRIC_KEY or KMS_KEY_ID together with CREDENTIALS"),
    (ENCRYPTED_AUTO_CONFLICT, "ENCRYPTED AUTO together with a key of its own"),
    (PARQUET_CLIENT_SIDE, "UNLOAD to PARQUET with client-side encryption"),
    (PARAMETER_CONFLICT, "two parameters the documentation says cannot be used together"),
    (UNLOAD_OUTER_LIMIT, "a LIMIT in the outer SELECT of the UNLOAD query"),
    (CREDENTIALS_SYNTAX, "a CREDENTIALS string that is not `key=value;…` as documented"),
    (SPEC_FIRST_ROLE_ACCOUNT, "the first role is not in the Redshift account of the spec"),
    (SPEC_LAST_ROLE_ACCOUNT, "the last role is not in the S3 account of the spec"),
    (SPEC_BUCKET, "the bucket is not the spec's bucket"),
    (SPEC_REGION_MISSING, "REGION missing while the bucket is in another region"),
    (SPEC_ENCRYPTED_MISSING, "UNLOAD without ENCRYPTED while the spec has a KMS key"),
    (SPEC_PREFIX, "the location is outside the spec's prefixes"),
    (SPEC_REGION_MISMATCH, "REGION names a region other than the bucket's"),
    (SPEC_COLUMNAR_CROSS_REGION, "COPY from PARQUET or ORC across regions"),
    (SPEC_KMS_KEY_MISMATCH, "KMS_KEY_ID is not the spec's key"),
    (TEMPLATE_PLACEHOLDER, "a template placeholder hides a value; the checks it hides were skipped (note)"),
    (TEMPLATE_BRANCH_SKIPPED, "a Jinja `elif`/`else` branch that was not checked (note)"),
    (LEFTOVER_PLACEHOLDER, "a placeholder from an example left in the statement (`<bucket>`, `XXXXXXXXXXXX`)"),
    (EXAMPLE_VALUE, "a value from AWS's documentation examples (`123456789012`, `amzn-s3-demo-bucket`)"),
    (COPY_JOB_COMMAND, "a COPY JOB command that holds no COPY to check (note)"),
    (COPY_JOB_PARAMETER, "a parameter a COPY JOB cannot be created with"),
    (ACCEPTANYDATE_WITHOUT_DATEFORMAT, "ACCEPTANYDATE without DATEFORMAT"),
    (UNLOAD_ACCESS_POINT_ALIAS, "UNLOAD to an S3 access point alias"),
    (EXTENSION_WITHOUT_CODEC_SUFFIX, "EXTENSION without the suffix of the compression codec"),
    (NULL_AS_NEWLINE, "NULL AS '\\n', the line delimiter"),
    (MAXERROR_ABOVE_LIMIT, "MAXERROR above the documented limit of 100000"),
    (CLIENT_SIDE_ENCRYPTION_RETIRED, "client-side encryption, retired for COPY and UNLOAD after April 30, 2026"),
];

/// RB-SQL-001: a string literal is never closed.
pub const UNTERMINATED_STRING: &str = "RB-SQL-001";
/// RB-SQL-002: syntax error.
pub const SYNTAX: &str = "RB-SQL-002";
/// RB-SQL-003: an unterminated quoted identifier or block comment.
pub const UNTERMINATED_QUOTE: &str = "RB-SQL-003";
/// RB-SQL-004: unknown option.
pub const UNKNOWN_OPTION: &str = "RB-SQL-004";
/// RB-SQL-005: duplicate or conflicting option.
pub const DUPLICATE_OPTION: &str = "RB-SQL-005";
/// RB-SQL-006: not a COPY or UNLOAD.
pub const NOT_COPY_OR_UNLOAD: &str = "RB-SQL-006";
/// RB-SQL-007: no authorization.
pub const MISSING_AUTHORIZATION: &str = "RB-SQL-007";
/// RB-SQL-008: the UNLOAD query does not parse.
pub const INNER_QUERY: &str = "RB-SQL-008";
/// RB-SQL-009: an invalid option value.
pub const INVALID_VALUE: &str = "RB-SQL-009";
/// RB-SQL-010: whitespace in a role chain.
pub const CHAIN_WHITESPACE: &str = "RB-SQL-010";
/// RB-SQL-011: an empty chain element.
pub const CHAIN_EMPTY_ELEMENT: &str = "RB-SQL-011";
/// RB-SQL-012: a duplicate role in a chain.
pub const CHAIN_DUPLICATE: &str = "RB-SQL-012";
/// RB-SQL-013: more than 10 roles.
pub const CHAIN_TOO_LONG: &str = "RB-SQL-013";
/// RB-SQL-014: a chain element that is not a role ARN.
pub const CHAIN_NOT_ROLE_ARN: &str = "RB-SQL-014";
/// RB-SQL-015: `default` inside a chain.
pub const CHAIN_DEFAULT: &str = "RB-SQL-015";
/// RB-SQL-016: IAM_ROLE with CREDENTIALS or access keys.
pub const AUTH_CONFLICT: &str = "RB-SQL-016";
/// RB-SQL-017: incomplete access keys.
pub const AUTH_INCOMPLETE: &str = "RB-SQL-017";
/// RB-SQL-020: KMS_KEY_ID without ENCRYPTED.
pub const KMS_WITHOUT_ENCRYPTED: &str = "RB-SQL-020";
/// RB-SQL-021: CLEANPATH with ALLOWOVERWRITE.
pub const CLEANPATH_ALLOWOVERWRITE: &str = "RB-SQL-021";
/// RB-SQL-022: UNLOAD PARQUET with an option it cannot take.
pub const UNLOAD_PARQUET_OPTION: &str = "RB-SQL-022";
/// RB-SQL-023: COPY PARQUET/ORC with REGION.
pub const COPY_COLUMNAR_REGION: &str = "RB-SQL-023";
/// RB-SQL-024: COPY PARQUET/ORC with an unsupported option.
pub const COPY_COLUMNAR_OPTION: &str = "RB-SQL-024";
/// RB-SQL-025: FIXEDWIDTH with DELIMITER.
pub const FIXEDWIDTH_DELIMITER: &str = "RB-SQL-025";
/// RB-SQL-026: REMOVEQUOTES with CSV.
pub const REMOVEQUOTES_CSV: &str = "RB-SQL-026";
/// RB-SQL-027: a malformed S3 URI.
pub const MALFORMED_S3_URI: &str = "RB-SQL-027";
/// RB-SQL-028: an invalid REGION value.
pub const INVALID_REGION: &str = "RB-SQL-028";
/// RB-SQL-029: a KMS key reference that does not work across accounts.
pub const KMS_KEY_FORM: &str = "RB-SQL-029";
/// RB-SQL-030: an option that does not apply to the chosen format.
pub const FORMAT_OPTION_CONFLICT: &str = "RB-SQL-030";
/// RB-SQL-031: SSH or READRATIO in a COPY from Amazon S3.
pub const NOT_FOR_S3: &str = "RB-SQL-031";
/// RB-SQL-032: COPY ENCRYPTED without MASTER_SYMMETRIC_KEY or a root key in CREDENTIALS.
pub const ENCRYPTED_WITHOUT_KEY: &str = "RB-SQL-032";
/// RB-SQL-033: MASTER_SYMMETRIC_KEY without ENCRYPTED.
pub const REQUIRES_ENCRYPTED: &str = "RB-SQL-033";
/// RB-SQL-034: MASTER_SYMMETRIC_KEY or KMS_KEY_ID with CREDENTIALS.
pub const KEY_WITH_CREDENTIALS: &str = "RB-SQL-034";
/// RB-SQL-035: ENCRYPTED AUTO with KMS_KEY_ID, MASTER_SYMMETRIC_KEY or a root key in CREDENTIALS.
pub const ENCRYPTED_AUTO_CONFLICT: &str = "RB-SQL-035";
/// RB-SQL-036: UNLOAD PARQUET with client-side encryption (a root key).
pub const PARQUET_CLIENT_SIDE: &str = "RB-SQL-036";
/// RB-SQL-037: two parameters a page says cannot be used together.
pub const PARAMETER_CONFLICT: &str = "RB-SQL-037";
/// RB-SQL-038: LIMIT in the outer SELECT of the UNLOAD query.
pub const UNLOAD_OUTER_LIMIT: &str = "RB-SQL-038";
/// RB-SQL-039: a malformed CREDENTIALS string.
pub const CREDENTIALS_SYNTAX: &str = "RB-SQL-039";
/// RB-SQL-040: first role outside the Redshift account.
pub const SPEC_FIRST_ROLE_ACCOUNT: &str = "RB-SQL-040";
/// RB-SQL-041: last role outside the S3 account.
pub const SPEC_LAST_ROLE_ACCOUNT: &str = "RB-SQL-041";
/// RB-SQL-042: bucket outside the spec.
pub const SPEC_BUCKET: &str = "RB-SQL-042";
/// RB-SQL-043: REGION missing for a bucket in another region.
pub const SPEC_REGION_MISSING: &str = "RB-SQL-043";
/// RB-SQL-044: ENCRYPTED missing while the spec has a KMS key.
pub const SPEC_ENCRYPTED_MISSING: &str = "RB-SQL-044";
/// RB-SQL-045: location outside the spec's prefixes.
pub const SPEC_PREFIX: &str = "RB-SQL-045";
/// RB-SQL-046: REGION differs from the bucket region.
pub const SPEC_REGION_MISMATCH: &str = "RB-SQL-046";
/// RB-SQL-047: COPY PARQUET/ORC across regions.
pub const SPEC_COLUMNAR_CROSS_REGION: &str = "RB-SQL-047";
/// RB-SQL-048: KMS_KEY_ID differs from the spec's key.
pub const SPEC_KMS_KEY_MISMATCH: &str = "RB-SQL-048";
/// RB-SQL-050: a template placeholder hides a value; the checks it hides were skipped.
pub const TEMPLATE_PLACEHOLDER: &str = "RB-SQL-050";
/// RB-SQL-051: a Jinja `elif`/`else` branch that was not checked.
pub const TEMPLATE_BRANCH_SKIPPED: &str = "RB-SQL-051";
/// RB-SQL-052: a placeholder from an example left in the statement.
pub const LEFTOVER_PLACEHOLDER: &str = "RB-SQL-052";
/// RB-SQL-053: a value from AWS's documentation examples.
pub const EXAMPLE_VALUE: &str = "RB-SQL-053";
/// RB-SQL-054: a COPY JOB command that holds no COPY.
pub const COPY_JOB_COMMAND: &str = "RB-SQL-054";
/// RB-SQL-055: a parameter a COPY JOB cannot be created with.
pub const COPY_JOB_PARAMETER: &str = "RB-SQL-055";
/// RB-SQL-060: ACCEPTANYDATE without DATEFORMAT (a warning).
pub const ACCEPTANYDATE_WITHOUT_DATEFORMAT: &str = "RB-SQL-060";
/// RB-SQL-061: UNLOAD to an S3 access point alias.
pub const UNLOAD_ACCESS_POINT_ALIAS: &str = "RB-SQL-061";
/// RB-SQL-062: EXTENSION without the compression codec's suffix (a warning).
pub const EXTENSION_WITHOUT_CODEC_SUFFIX: &str = "RB-SQL-062";
/// RB-SQL-063: NULL AS the newline character.
pub const NULL_AS_NEWLINE: &str = "RB-SQL-063";
/// RB-SQL-064: MAXERROR above 100000 (a warning).
pub const MAXERROR_ABOVE_LIMIT: &str = "RB-SQL-064";
/// RB-SQL-065: client-side encryption (a root key), which COPY and UNLOAD no longer take.
pub const CLIENT_SIDE_ENCRYPTION_RETIRED: &str = "RB-SQL-065";
