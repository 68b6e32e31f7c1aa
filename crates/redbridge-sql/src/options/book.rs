//! The AWS documentation pages the keyword table rests on, and the sentences it quotes from
//! them, exactly as written (read on [`super::AUDITED_ON`]; `docs/copy-unload-checklist.md`
//! lists each page with the rules and tests that pin it).

use super::DocSource;

/// The COPY command: syntax and overview.
pub const COPY: &str = "https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html";
/// COPY from Amazon S3: FROM, MANIFEST, ENCRYPTED, MASTER_SYMMETRIC_KEY, REGION.
pub const DATA_SOURCE_S3: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html";
/// Authorization parameters: IAM_ROLE, the access keys, SESSION_TOKEN, CREDENTIALS.
pub const AUTHORIZATION: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html";
/// Column mapping options: the column list and JSONPaths files.
pub const COLUMN_MAPPING: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html";
/// Data format parameters: FORMAT, CSV, DELIMITER, FIXEDWIDTH, SHAPEFILE, AVRO, JSON, ORC, PARQUET.
pub const DATA_FORMAT: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html";
/// File compression parameters: BZIP2, GZIP, LZOP, ZSTD.
pub const FILE_COMPRESSION: &str =
    "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html";
/// Data conversion parameters: ACCEPTANYDATE … TRUNCATECOLUMNS.
pub const DATA_CONVERSION: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html";
/// Data load operations: COMPROWS, COMPUPDATE, IGNOREALLERRORS, MAXERROR, NOLOAD, STATUPDATE.
pub const DATA_LOAD: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html";
/// COPY usage notes: COPY from columnar data formats.
pub const COLUMNAR: &str = "https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html";
/// COPY usage notes: permissions to access other AWS resources.
pub const ACCESS_PERMISSIONS: &str =
    "https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html";
/// The UNLOAD command: syntax, parameters and usage notes.
pub const UNLOAD: &str = "https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html";
/// The management guide's section on chaining IAM roles.
pub const CHAINING: &str = "https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles";

/// A sentence of a page.
pub const fn cite(page: &'static str, sentence: &'static str) -> DocSource {
    DocSource { page, sentence }
}

// The notice at the top of the COPY and UNLOAD pages (live pages, read on the audit date).
/// Quoted from [`COPY`].
pub const COPY_CLIENT_SIDE_RETIRED: DocSource =
    cite(COPY, "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_CLIENT_SIDE_RETIRED: DocSource =
    cite(UNLOAD, "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD.");

// COPY from Amazon S3.
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_ENCRYPTED_KEY: DocSource = cite(
    DATA_SOURCE_S3,
    "If you specify the ENCRYPTED parameter, you must also specify the MASTER_SYMMETRIC_KEY parameter or include the master_symmetric_key value in the CREDENTIALS string.",
);
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_MASTER_KEY_ENCRYPTED: DocSource =
    cite(DATA_SOURCE_S3, "If MASTER_SYMMETRIC_KEY is specified, the ENCRYPTED parameter must also be specified.");
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_MASTER_KEY_CREDENTIALS: DocSource =
    cite(DATA_SOURCE_S3, "MASTER_SYMMETRIC_KEY can't be used with the CREDENTIALS parameter.");
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_MANIFEST: DocSource =
    cite(DATA_SOURCE_S3, "If a manifest file is used, the MANIFEST parameter must be specified with the COPY command.");
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_REGION: DocSource = cite(
    DATA_SOURCE_S3,
    "The value for aws_region must match a Region listed in the Amazon Redshift regions and endpoints table.",
);
/// Quoted from [`DATA_SOURCE_S3`].
pub const S3_UNSUPPORTED: DocSource =
    cite(DATA_SOURCE_S3, "You can't use the following parameters with COPY from Amazon S3:");

// Authorization.
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_IAM_ROLE: DocSource = cite(
    AUTHORIZATION,
    "If you specify IAM_ROLE, you can't use ACCESS_KEY_ID and SECRET_ACCESS_KEY, SESSION_TOKEN, or CREDENTIALS.",
);
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_IAM_ROLE_DEFAULT: DocSource = cite(
    AUTHORIZATION,
    "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the COPY command runs.",
);
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_SESSION_TOKEN: DocSource = cite(
    AUTHORIZATION,
    "When SESSION_TOKEN is specified, you must also use ACCESS_KEY_ID and SECRET_ACCESS_KEY to provide temporary access key credentials.",
);
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_SESSION_TOKEN_ALONE: DocSource =
    cite(AUTHORIZATION, "If you specify SESSION_TOKEN you can't use CREDENTIALS or IAM_ROLE.");
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_CREDENTIALS: DocSource = cite(
    AUTHORIZATION,
    "You can't use the CREDENTIALS parameter with IAM_ROLE or ACCESS_KEY_ID and SECRET_ACCESS_KEY.",
);
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_CREDENTIALS_SPACES: DocSource =
    cite(AUTHORIZATION, "The credentials-args string is case-sensitive and must not contain spaces.");
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_CREDENTIALS_WITH_AS: DocSource =
    cite(AUTHORIZATION, "The keywords WITH and AS are optional and are ignored.");
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_CREDENTIALS_TOKEN: DocSource = cite(
    AUTHORIZATION,
    "To use temporary token credentials, you must provide the temporary access key ID, the temporary secret access key, and the temporary token.",
);
/// Quoted from [`AUTHORIZATION`].
pub const AUTH_CREDENTIALS_ROOT_KEY: DocSource = cite(
    AUTHORIZATION,
    "If the ENCRYPTED parameter is used, the credentials-args string is in the following format, where <root-key> is the value of the root key that was used to encrypt the files.",
);
/// Quoted from [`ACCESS_PERMISSIONS`].
pub const ACCESS_TOKEN_KEYS: DocSource = cite(
    ACCESS_PERMISSIONS,
    "The access key ID and secret access key generated with the token can't be used without the token, and a user who has these temporary security credentials can access your resources only until the credentials expire.",
);
/// Quoted from [`CHAINING`].
pub const CHAIN_NO_SPACES: DocSource =
    cite(CHAINING, "The entire role chain is enclosed in single quotes and must not contain spaces.");
/// Quoted from [`CHAINING`].
pub const CHAIN_LIST: DocSource = cite(
    CHAINING,
    "When you run an UNLOAD, COPY, CREATE EXTERNAL FUNCTION, or CREATE EXTERNAL SCHEMA command, you chain roles by including a comma-separated list of role ARNs in the iam_role parameter.",
);
/// Quoted from [`CHAINING`].
pub const CHAIN_QUOTA: DocSource =
    cite(CHAINING, "The maximum number of IAM roles that you can associate is subject to a quota.");

// Data format.
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_CSV: DocSource = cite(DATA_FORMAT, "CSV can't be used with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE.");
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_QUOTE: DocSource = cite(DATA_FORMAT, "The QUOTE parameter can be used only with the CSV parameter.");
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_DELIMITER: DocSource = cite(DATA_FORMAT, "DELIMITER can't be used with FIXEDWIDTH.");
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_DELIMITER_CHAR: DocSource = cite(
    DATA_FORMAT,
    "Specifies the single ASCII character that is used to separate fields in the input file, such as a pipe character ( | ), a comma ( , ), or a tab ( \\t ).",
);
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_FIXEDWIDTH: DocSource = cite(DATA_FORMAT, "FIXEDWIDTH can't be used with CSV or DELIMITER.");
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_SHAPEFILE: DocSource =
    cite(DATA_FORMAT, "You can't use SHAPEFILE with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE.");
/// Quoted from [`DATA_FORMAT`].
pub const FORMAT_COLUMNAR: DocSource =
    cite(DATA_FORMAT, "COPY from columnar format is supported with certain restriction.");

// File compression.
/// Quoted from [`FILE_COMPRESSION`].
pub const COMPRESSION_ZSTD: DocSource = cite(FILE_COMPRESSION, "ZSTD is supported only with COPY from Amazon S3.");

// Data conversion.
/// Quoted from [`DATA_CONVERSION`].
pub const CONVERSION_ACCEPTANYDATE: DocSource =
    cite(DATA_CONVERSION, "Always use ACCEPTANYDATE with the DATEFORMAT parameter.");
/// Quoted from [`DATA_CONVERSION`].
pub const CONVERSION_ACCEPTINVCHARS: DocSource =
    cite(DATA_CONVERSION, "The replacement character can be any ASCII character except NULL.");
/// Quoted from [`DATA_CONVERSION`].
pub const CONVERSION_ESCAPE_FIXEDWIDTH: DocSource = cite(
    DATA_CONVERSION,
    "You can't use the ESCAPE parameter for FIXEDWIDTH loads, and you can't specify the escape character itself; the escape character is always the backslash character.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const CONVERSION_NULL_NEWLINE: DocSource =
    cite(DATA_CONVERSION, "Do not use '\\n' (newline) for the null_string value.");
/// The same sentence as [`FORMAT_CSV`].
pub const CONVERSION_REMOVEQUOTES: DocSource = FORMAT_CSV;

// Data load.
/// Quoted from [`DATA_LOAD`].
pub const LOAD_COMPROWS: DocSource =
    cite(DATA_LOAD, "The accepted range for this argument is a number between 1000 and 2147483647 (2,147,483,647).");
/// Quoted from [`DATA_LOAD`].
pub const LOAD_IGNOREALLERRORS_MAXERROR: DocSource =
    cite(DATA_LOAD, "You can't specify the IGNOREALLERRORS option if you specify the MAXERROR option.");
/// Quoted from [`DATA_LOAD`].
pub const LOAD_IGNOREALLERRORS_COLUMNAR: DocSource =
    cite(DATA_LOAD, "You can't specify the IGNOREALLERRORS option for columnar formats including ORC and Parquet.");
/// Quoted from [`DATA_LOAD`].
pub const LOAD_MAXERROR: DocSource = cite(DATA_LOAD, "The MAXERROR default value is 0 and the limit is 100000.");

// COPY from columnar data formats.
/// Quoted from [`COLUMNAR`].
pub const COLUMNAR_ONLY: DocSource = cite(COLUMNAR, "Only the following COPY parameters are supported:");
/// Quoted from [`COLUMNAR`].
pub const COLUMNAR_NOT_SUPPORTED: DocSource =
    cite(COLUMNAR, "ACCEPTANYDATE and MAXERROR aren't supported for columnar data types.");
/// Quoted from [`COLUMNAR`].
pub const COLUMNAR_SAME_REGION: DocSource =
    cite(COLUMNAR, "The Amazon S3 bucket must be in the same AWS Region as the Amazon Redshift database.");

// UNLOAD.
/// Quoted from [`UNLOAD`].
pub const UNLOAD_CSV: DocSource = cite(UNLOAD, "You can't use CSV with FIXEDWIDTH or ADDQUOTES.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_PARQUET: DocSource = cite(
    UNLOAD,
    "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD.",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_PARQUET_ENCRYPTED: DocSource = cite(
    UNLOAD,
    "PARQUET with ENCRYPTED is only supported with server-side encryption with an AWS Key Management Service key (SSE-KMS).",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_JSON: DocSource =
    cite(UNLOAD, "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_VERBOSE: DocSource = cite(UNLOAD, "You can specify VERBOSE only following MANIFEST.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_HEADER: DocSource = cite(UNLOAD, "You can't use HEADER with FIXEDWIDTH.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_DELIMITER: DocSource = cite(UNLOAD, "You can't use DELIMITER with FIXEDWIDTH.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_FIXEDWIDTH: DocSource = cite(UNLOAD, "You can't use FIXEDWIDTH with DELIMITER or HEADER.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_KMS_CREDENTIALS: DocSource =
    cite(UNLOAD, "You can't use the CREDENTIALS parameter with the KMS_KEY_ID parameter.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_ENCRYPTED_AUTO: DocSource = cite(
    UNLOAD,
    "You can't use this option with KMS_KEY_ID, MASTER_SYMMETRIC_KEY, or CREDENTIALS that contains master_symmetric_key.",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_KMS_ENCRYPTED: DocSource =
    cite(UNLOAD, "If you specify KMS_KEY_ID, you must specify the ENCRYPTED parameter also.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_MASTER_KEY_ENCRYPTED: DocSource =
    cite(UNLOAD, "If you specify MASTER_SYMMETRIC_KEY, you must specify the ENCRYPTED parameter also.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_MASTER_KEY_CREDENTIALS: DocSource =
    cite(UNLOAD, "You can't use MASTER_SYMMETRIC_KEY with the CREDENTIALS parameter.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_CLEANPATH: DocSource =
    cite(UNLOAD, "You can't specify the CLEANPATH option if you specify the ALLOWOVERWRITE option.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_MAXFILESIZE: DocSource = cite(UNLOAD, "Specify a decimal value between 5 MB and 6.2 GB.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_ROWGROUPSIZE: DocSource = cite(UNLOAD, "Specify an integer value between 32 MB and 128 MB.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_ROWGROUPSIZE_PARQUET: DocSource = cite(
    UNLOAD,
    "To use this parameter, the storage format must be Parquet and the node type must be ra3.4xlarge, ra3.16xlarge, ds2.8xlarge, or dc2.8xlarge.",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_EXTENSION: DocSource = cite(
    UNLOAD,
    "If you're using a compression method such as GZIP, you still have to specify .gz in the extension parameter.",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_LIMIT: DocSource = cite(UNLOAD, "The SELECT query can't use a LIMIT clause in the outer SELECT.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_QUOTES: DocSource = cite(
    UNLOAD,
    "If your query contains quotation marks (for example to enclose literal values), put the literal between two sets of single quotation marks—you must also enclose the query between single quotation marks:",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_ACCESS_POINT: DocSource =
    cite(UNLOAD, "You can't use Amazon S3 access point aliases with the UNLOAD command.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_PARTITION_LITERALS: DocSource =
    cite(UNLOAD, "Amazon Redshift doesn't support string literals in PARTITION BY clauses.");
/// Quoted from [`UNLOAD`].
pub const UNLOAD_REGION: DocSource = cite(
    UNLOAD,
    "REGION is required for UNLOAD to an Amazon S3 bucket that isn't in the same AWS Region as the Amazon Redshift cluster.",
);
/// Quoted from [`UNLOAD`].
pub const UNLOAD_IAM_CHAINED: DocSource = cite(UNLOAD, "The IAM_ROLE can be chained.");

// What each parameter is: the first sentence of its entry.
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_FORMAT: DocSource = cite(DATA_FORMAT, "(Optional) Identifies data format keywords.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_CSV: DocSource = cite(DATA_FORMAT, "Enables use of CSV format in the input data.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_FIXEDWIDTH: DocSource = cite(
    DATA_FORMAT,
    "Loads the data from a file where each column width is a fixed length, rather than columns being separated by a delimiter.",
);
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_SHAPEFILE: DocSource = cite(DATA_FORMAT, "Enables use of SHAPEFILE format in the input data.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_AVRO: DocSource = cite(DATA_FORMAT, "Specifies that the source data is in Avro format.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_JSON: DocSource = cite(DATA_FORMAT, "The source data is in JSON format.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_ORC: DocSource =
    cite(DATA_FORMAT, "Loads the data from a file that uses Optimized Row Columnar (ORC) file format.");
/// Quoted from [`DATA_FORMAT`].
pub const DEF_COPY_PARQUET: DocSource = cite(DATA_FORMAT, "Loads the data from a file that uses Parquet file format.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_ACCEPTANYDATE: DocSource = cite(
    DATA_CONVERSION,
    "Allows any date format, including invalid formats such as 00/00/00 00:00:00, to be loaded without generating an error.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_ACCEPTINVCHARS: DocSource = cite(
    DATA_CONVERSION,
    "Enables loading of data into VARCHAR columns even if the data contains invalid UTF-8 characters.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_BLANKSASNULL: DocSource =
    cite(DATA_CONVERSION, "Loads blank fields, which consist of only white space characters, as NULL.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_DATEFORMAT: DocSource =
    cite(DATA_CONVERSION, "If no DATEFORMAT is specified, the default format is 'YYYY-MM-DD'.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_EMPTYASNULL: DocSource =
    cite(DATA_CONVERSION, "Indicates that Amazon Redshift should load empty CHAR and VARCHAR fields as NULL.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_ENCODING: DocSource = cite(DATA_CONVERSION, "Specifies the encoding type of the load data.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_EXPLICIT_IDS: DocSource = cite(
    DATA_CONVERSION,
    "Use EXPLICIT_IDS with tables that have IDENTITY columns if you want to override the autogenerated values with explicit values from the source data files for the tables.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_FILLRECORD: DocSource = cite(
    DATA_CONVERSION,
    "Allows data files to be loaded when contiguous columns are missing at the end of some of the records.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_IGNOREBLANKLINES: DocSource = cite(
    DATA_CONVERSION,
    "Ignores blank lines that only contain a line feed in a data file and does not try to load them.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_IGNOREHEADER: DocSource =
    cite(DATA_CONVERSION, "Treats the specified number_rows as a file header and doesn't load them.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_NULL: DocSource =
    cite(DATA_CONVERSION, "Loads fields that match null_string as NULL, where null_string can be any string.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_REMOVEQUOTES: DocSource =
    cite(DATA_CONVERSION, "Removes surrounding quotation marks from strings in the incoming data.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_ROUNDEC: DocSource = cite(
    DATA_CONVERSION,
    "Rounds up numeric values when the scale of the input value is greater than the scale of the column.",
);
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_TIMEFORMAT: DocSource = cite(DATA_CONVERSION, "Specifies the time format.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_TRIMBLANKS: DocSource =
    cite(DATA_CONVERSION, "Removes the trailing white space characters from a VARCHAR string.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_TRUNCATECOLUMNS: DocSource = cite(
    DATA_CONVERSION,
    "Truncates data in columns to the appropriate number of characters so that it fits the column specification.",
);
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_COMPROWS: DocSource =
    cite(DATA_LOAD, "Specifies the number of rows to be used as the sample size for compression analysis.");
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_COMPUPDATE: DocSource =
    cite(DATA_LOAD, "Controls whether compression encodings are automatically applied during a COPY.");
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_IGNOREALLERRORS: DocSource =
    cite(DATA_LOAD, "You can specify this option to ignore all errors that occur during the load operation.");
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_MAXERROR: DocSource =
    cite(DATA_LOAD, "If the load returns the error_count number of errors or greater, the load fails.");
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_NOLOAD: DocSource =
    cite(DATA_LOAD, "Checks the validity of the data file without actually loading the data.");
/// Quoted from [`DATA_LOAD`].
pub const DEF_COPY_STATUPDATE: DocSource = cite(
    DATA_LOAD,
    "Governs automatic computation and refresh of optimizer statistics at the end of a successful COPY command.",
);
/// Quoted from [`FILE_COMPRESSION`].
pub const DEF_COPY_BZIP2: DocSource = cite(
    FILE_COMPRESSION,
    "A value that specifies that the input file or files are in compressed bzip2 format (.bz2 files).",
);
/// Quoted from [`FILE_COMPRESSION`].
pub const DEF_COPY_GZIP: DocSource = cite(
    FILE_COMPRESSION,
    "A value that specifies that the input file or files are in compressed gzip format (.gz files).",
);
/// Quoted from [`FILE_COMPRESSION`].
pub const DEF_COPY_LZOP: DocSource = cite(
    FILE_COMPRESSION,
    "A value that specifies that the input file or files are in compressed lzop format (.lzo files).",
);
/// Quoted from [`FILE_COMPRESSION`].
pub const DEF_COPY_ZSTD: DocSource = cite(
    FILE_COMPRESSION,
    "A value that specifies that the input file or files are in compressed Zstandard format (.zst files).",
);
/// Quoted from [`DATA_SOURCE_S3`].
pub const DEF_COPY_MANIFEST: DocSource =
    cite(DATA_SOURCE_S3, "Specifies that a manifest is used to identify the data files to be loaded from Amazon S3.");
/// Quoted from [`DATA_SOURCE_S3`].
pub const DEF_COPY_ENCRYPTED: DocSource = cite(
    DATA_SOURCE_S3,
    "A clause that specifies that the input files on Amazon S3 are encrypted using client-side encryption with customer managed keys.",
);
/// Quoted from [`DATA_SOURCE_S3`].
pub const DEF_COPY_MASTER_SYMMETRIC_KEY: DocSource =
    cite(DATA_SOURCE_S3, "The root symmetric key that was used to encrypt data files on Amazon S3.");
/// Quoted from [`DATA_SOURCE_S3`].
pub const DEF_COPY_REGION: DocSource =
    cite(DATA_SOURCE_S3, "Specifies the AWS Region where the source data is located.");
/// Quoted from [`AUTHORIZATION`].
pub const DEF_COPY_IAM_ROLE: DocSource = cite(
    AUTHORIZATION,
    "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the COPY command runs.",
);
/// Quoted from [`AUTHORIZATION`].
pub const DEF_COPY_ACCESS_KEY_ID: DocSource = cite(AUTHORIZATION, "This authorization method is not recommended.");
/// Quoted from [`AUTHORIZATION`].
pub const DEF_COPY_SESSION_TOKEN: DocSource =
    cite(AUTHORIZATION, "The session token for use with temporary access credentials.");
/// Quoted from [`AUTHORIZATION`].
pub const DEF_COPY_CREDENTIALS: DocSource = cite(
    AUTHORIZATION,
    "A clause that indicates the method your cluster will use when accessing other AWS resources that contain data files or manifest files.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_PARTITION: DocSource = cite(UNLOAD, "Specifies the partition keys for the unload operation.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_MANIFEST: DocSource = cite(
    UNLOAD,
    "Creates a manifest file that explicitly lists details for the data files that are created by the UNLOAD process.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_HEADER: DocSource =
    cite(UNLOAD, "Adds a header line containing column names at the top of each output file.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_FIXEDWIDTH: DocSource = cite(
    UNLOAD,
    "Unloads the data to a file where each column width is a fixed length, rather than separated by a delimiter.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ENCRYPTED: DocSource = cite(
    UNLOAD,
    "Specifies that the output files on Amazon S3 are encrypted using Amazon S3 server-side encryption or client-side encryption.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_KMS_KEY_ID: DocSource = cite(
    UNLOAD,
    "Specifies the key ID for an AWS Key Management Service (AWS KMS) key to be used to encrypt data files on Amazon S3.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_MASTER_SYMMETRIC_KEY: DocSource =
    cite(UNLOAD, "Specifies the root symmetric key to be used to encrypt data files on Amazon S3.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_BZIP2: DocSource = cite(UNLOAD, "Unloads data to one or more bzip2-compressed files per slice.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_GZIP: DocSource = cite(UNLOAD, "Unloads data to one or more gzip-compressed files per slice.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ZSTD: DocSource =
    cite(UNLOAD, "Unloads data to one or more Zstandard-compressed files per slice.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ADDQUOTES: DocSource = cite(
    UNLOAD,
    "Places quotation marks around each unloaded data field, so that Amazon Redshift can unload data values that contain the delimiter itself.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_NULL: DocSource = cite(UNLOAD, "Specifies a string that represents a null value in unload files.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ALLOWOVERWRITE: DocSource =
    cite(UNLOAD, "By default, UNLOAD fails if it finds files that it would possibly overwrite.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_CLEANPATH: DocSource = cite(
    UNLOAD,
    "The CLEANPATH option removes existing files located in the Amazon S3 path specified in the TO clause before unloading files to the specified location.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_PARALLEL: DocSource = cite(
    UNLOAD,
    "By default, UNLOAD writes data in parallel to multiple files, according to the number of slices in the cluster.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_MAXFILESIZE: DocSource =
    cite(UNLOAD, "Specifies the maximum size of files that UNLOAD creates in Amazon S3.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ROWGROUPSIZE: DocSource = cite(UNLOAD, "Specifies the size of row groups.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_REGION: DocSource =
    cite(UNLOAD, "Specifies the AWS Region where the target Amazon S3 bucket is located.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_IAM_ROLE: DocSource = cite(
    UNLOAD,
    "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the UNLOAD command runs.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_EXTENSION: DocSource =
    cite(UNLOAD, "Specifies the file extension to append to the names of the unloaded files.");
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_DELIMITER: DocSource = FORMAT_DELIMITER_CHAR;
/// Quoted from [`DATA_CONVERSION`].
pub const DEF_COPY_ESCAPE: DocSource = cite(
    DATA_CONVERSION,
    "When this parameter is specified, the backslash character (\\) in input data is treated as an escape character.",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_FORMAT: DocSource =
    cite(UNLOAD, "Keywords to specify the unload format to override the default format.");
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_DELIMITER: DocSource = cite(
    UNLOAD,
    "Specifies a single ASCII character that is used to separate fields in the output file, such as a pipe character ( | ), a comma ( , ), or a tab ( \\t ).",
);
/// Quoted from [`UNLOAD`].
pub const DEF_UNLOAD_ESCAPE: DocSource = cite(
    UNLOAD,
    "For CHAR and VARCHAR columns in delimited unload files, an escape character (\\) is placed before every occurrence of the following characters:",
);
