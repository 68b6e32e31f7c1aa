//! <https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>, the parameters: formats,
//! PARTITION BY, MANIFEST, HEADER, DELIMITER, FIXEDWIDTH, encryption, codecs, sizes, EXTENSION.

/// The start of every UNLOAD here.
macro_rules! unload {
    ($($options:tt)*) => {
        concat!("UNLOAD ('select * from venue') TO 's3://mybucket/unload/' IAM_ROLE default ", $($options)*)
    };
}

/// A KMS key ARN.
macro_rules! key {
    () => {
        "'arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab'"
    };
}

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Keywords to specify the unload format to override the default format."
    format_as_csv_names_the_format: unload!("FORMAT AS CSV") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use CSV with FIXEDWIDTH or ADDQUOTES."
    csv_cannot_be_used_with_fixedwidth: unload!("CSV FIXEDWIDTH 'a:1'") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use CSV with FIXEDWIDTH or ADDQUOTES."
    csv_cannot_be_used_with_addquotes: unload!("CSV ADDQUOTES") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_delimiter: unload!("PARQUET DELIMITER ','") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_fixedwidth: unload!("PARQUET FIXEDWIDTH 'a:1'") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_addquotes: unload!("PARQUET ADDQUOTES") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_escape: unload!("PARQUET ESCAPE") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_null_as: unload!("PARQUET NULL AS 'null'") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_header: unload!("PARQUET HEADER") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_gzip: unload!("PARQUET GZIP") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_bzip2: unload!("PARQUET BZIP2") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use PARQUET with DELIMITER, FIXEDWIDTH, ADDQUOTES, ESCAPE, NULL AS, HEADER, GZIP, BZIP2, or ZSTD."
    parquet_cannot_be_used_with_zstd: unload!("PARQUET ZSTD") => ["RB-SQL-022"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "PARQUET with ENCRYPTED is only supported with server-side encryption with an AWS Key Management Service key (SSE-KMS)."
    parquet_with_sse_kms_is_accepted: unload!("PARQUET ENCRYPTED KMS_KEY_ID ", key!()) => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "PARQUET with ENCRYPTED is only supported with server-side encryption with an AWS Key Management Service key (SSE-KMS)."
    parquet_with_encrypted_auto_is_accepted: unload!("PARQUET ENCRYPTED AUTO") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "PARQUET with ENCRYPTED is only supported with server-side encryption with an AWS Key Management Service key (SSE-KMS)."
    parquet_with_a_root_key_is_refused: unload!("PARQUET ENCRYPTED MASTER_SYMMETRIC_KEY 'k'") => ["RB-SQL-036", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "PARQUET with ENCRYPTED is only supported with server-side encryption with an AWS Key Management Service key (SSE-KMS)."
    parquet_with_a_root_key_in_credentials_is_refused:
        "UNLOAD ('select 1') TO 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R;master_symmetric_key=k' \
         PARQUET ENCRYPTED" => ["RB-SQL-065", "RB-SQL-036"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_null_as: unload!("JSON NULL AS 'null'") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_delimiter: unload!("JSON DELIMITER ','") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_header: unload!("JSON HEADER") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_fixedwidth: unload!("JSON FIXEDWIDTH 'a:1'") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_addquotes: unload!("JSON ADDQUOTES") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use JSON with DELIMITER, HEADER, FIXEDWIDTH, ADDQUOTES, ESCAPE, or NULL AS."
    json_cannot_be_used_with_escape: unload!("JSON ESCAPE") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the partition keys for the unload operation."
    partition_by_with_include: unload!("PARQUET PARTITION BY (year, month) INCLUDE") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Amazon Redshift doesn't support string literals in PARTITION BY clauses."
    partition_by_takes_no_string_literal: unload!("PARQUET PARTITION BY ('year')") => ["RB-SQL-002"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Creates a manifest file that explicitly lists details for the data files that are created by the UNLOAD process."
    manifest_verbose: unload!("MANIFEST VERBOSE") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can specify VERBOSE only following MANIFEST."
    verbose_only_following_manifest: unload!("VERBOSE MANIFEST") => ["RB-SQL-004"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Adds a header line containing column names at the top of each output file."
    /// > "You can't use HEADER with FIXEDWIDTH."
    header_cannot_be_used_with_fixedwidth: unload!("FIXEDWIDTH 'a:1' HEADER") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies a single ASCII character that is used to separate fields in the output file, such as a pipe character ( | ), a comma ( , ), or a tab ( \t )."
    /// > "You can't use DELIMITER with FIXEDWIDTH."
    delimiter_cannot_be_used_with_fixedwidth: unload!("FIXEDWIDTH 'a:1' DELIMITER '|'") => ["RB-SQL-025"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies a single ASCII character that is used to separate fields in the output file, such as a pipe character ( | ), a comma ( , ), or a tab ( \t )."
    delimiter_is_a_single_character: unload!("DELIMITER AS '::'") => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Unloads the data to a file where each column width is a fixed length, rather than separated by a delimiter."
    /// > "You can't use FIXEDWIDTH with DELIMITER or HEADER."
    fixedwidth_alone_is_accepted: unload!("FIXEDWIDTH AS 'venueid:3,venuename:39'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies that the output files on Amazon S3 are encrypted using Amazon S3 server-side encryption or client-side encryption."
    /// > "Specifies the key ID for an AWS Key Management Service (AWS KMS) key to be used to encrypt data files on Amazon S3."
    encrypted_with_a_kms_key: unload!("ENCRYPTED KMS_KEY_ID ", key!()) => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "If you specify KMS_KEY_ID, you must specify the ENCRYPTED parameter also."
    kms_key_id_requires_encrypted: unload!("KMS_KEY_ID ", key!()) => ["RB-SQL-020"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use the CREDENTIALS parameter with the KMS_KEY_ID parameter."
    kms_key_id_cannot_be_used_with_credentials:
        concat!("UNLOAD ('select 1') TO 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' ",
                "ENCRYPTED KMS_KEY_ID ", key!()) => ["RB-SQL-034"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use this option with KMS_KEY_ID, MASTER_SYMMETRIC_KEY, or CREDENTIALS that contains master_symmetric_key."
    encrypted_auto_cannot_be_used_with_kms_key_id: unload!("ENCRYPTED AUTO KMS_KEY_ID ", key!()) => ["RB-SQL-035"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use this option with KMS_KEY_ID, MASTER_SYMMETRIC_KEY, or CREDENTIALS that contains master_symmetric_key."
    encrypted_auto_cannot_be_used_with_master_symmetric_key:
        unload!("ENCRYPTED AUTO MASTER_SYMMETRIC_KEY 'k'") => ["RB-SQL-035", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use this option with KMS_KEY_ID, MASTER_SYMMETRIC_KEY, or CREDENTIALS that contains master_symmetric_key."
    encrypted_auto_cannot_be_used_with_a_root_key_in_credentials:
        "UNLOAD ('select 1') TO 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R;master_symmetric_key=k' \
         ENCRYPTED AUTO" => ["RB-SQL-065", "RB-SQL-035"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use this option with KMS_KEY_ID, MASTER_SYMMETRIC_KEY, or CREDENTIALS that contains master_symmetric_key."
    encrypted_auto_with_credentials_without_a_root_key_is_accepted:
        "UNLOAD ('select 1') TO 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' ENCRYPTED AUTO"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the root symmetric key to be used to encrypt data files on Amazon S3."
    /// > "If you specify MASTER_SYMMETRIC_KEY, you must specify the ENCRYPTED parameter also."
    master_symmetric_key_requires_encrypted: unload!("MASTER_SYMMETRIC_KEY 'k'") => ["RB-SQL-033", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use MASTER_SYMMETRIC_KEY with the CREDENTIALS parameter."
    master_symmetric_key_cannot_be_used_with_credentials:
        "UNLOAD ('select 1') TO 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' \
         ENCRYPTED MASTER_SYMMETRIC_KEY 'k'" => ["RB-SQL-034", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Unloads data to one or more bzip2-compressed files per slice."
    bzip2_compresses: unload!("BZIP2") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Unloads data to one or more gzip-compressed files per slice."
    gzip_compresses: unload!("GZIP") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Unloads data to one or more Zstandard-compressed files per slice."
    zstd_compresses: unload!("ZSTD") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Unloads data to one or more gzip-compressed files per slice."
    lzop_is_not_an_unload_codec: unload!("LZOP") => ["RB-SQL-004"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Places quotation marks around each unloaded data field, so that Amazon Redshift can unload data values that contain the delimiter itself."
    addquotes_with_delimited_text: unload!("DELIMITER ',' ADDQUOTES ESCAPE") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies a string that represents a null value in unload files."
    null_as_with_text: unload!("NULL AS 'null'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "For CHAR and VARCHAR columns in delimited unload files, an escape character (\) is placed before every occurrence of the following characters:"
    escape_with_text: unload!("ESCAPE") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "By default, UNLOAD fails if it finds files that it would possibly overwrite."
    allowoverwrite_alone: unload!("ALLOWOVERWRITE") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "The CLEANPATH option removes existing files located in the Amazon S3 path specified in the TO clause before unloading files to the specified location."
    /// > "You can't specify the CLEANPATH option if you specify the ALLOWOVERWRITE option."
    cleanpath_cannot_be_used_with_allowoverwrite: unload!("CLEANPATH ALLOWOVERWRITE") => ["RB-SQL-021"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "By default, UNLOAD writes data in parallel to multiple files, according to the number of slices in the cluster."
    parallel_off: unload!("PARALLEL OFF") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the maximum size of files that UNLOAD creates in Amazon S3."
    /// > "Specify a decimal value between 5 MB and 6.2 GB."
    maxfilesize_at_its_bounds: unload!("MAXFILESIZE 6.2 GB") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specify a decimal value between 5 MB and 6.2 GB."
    maxfilesize_defaults_to_megabytes: unload!("MAXFILESIZE AS 5") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specify a decimal value between 5 MB and 6.2 GB."
    maxfilesize_below_5_mb: unload!("MAXFILESIZE 4.9 MB") => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specify a decimal value between 5 MB and 6.2 GB."
    maxfilesize_above_6_2_gb: unload!("MAXFILESIZE 6.3 GB") => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the size of row groups."
    /// > "Specify an integer value between 32 MB and 128 MB."
    rowgroupsize_in_range: unload!("PARQUET ROWGROUPSIZE 128 MB") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specify an integer value between 32 MB and 128 MB."
    rowgroupsize_below_32_mb: unload!("PARQUET ROWGROUPSIZE 31") => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specify an integer value between 32 MB and 128 MB."
    rowgroupsize_is_an_integer: unload!("PARQUET ROWGROUPSIZE 64.5 MB") => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "To use this parameter, the storage format must be Parquet and the node type must be ra3.4xlarge, ra3.16xlarge, ds2.8xlarge, or dc2.8xlarge."
    rowgroupsize_requires_parquet: unload!("CSV ROWGROUPSIZE 64 MB") => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the AWS Region where the target Amazon S3 bucket is located."
    /// > "REGION is required for UNLOAD to an Amazon S3 bucket that isn't in the same AWS Region as the Amazon Redshift cluster."
    region_names_the_bucket_region: unload!("REGION 'eu-west-1'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the UNLOAD command runs."
    iam_role_default_for_unload: unload!("") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "Specifies the file extension to append to the names of the unloaded files."
    /// > "If you're using a compression method such as GZIP, you still have to specify .gz in the extension parameter."
    extension_with_the_codec_suffix: unload!("CSV GZIP EXTENSION 'csv.gz'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "If you're using a compression method such as GZIP, you still have to specify .gz in the extension parameter."
    extension_without_the_codec_suffix_is_warned: unload!("CSV GZIP EXTENSION 'csv'") => ["RB-SQL-062"];
}
