//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html>: BZIP2,
//! GZIP, LZOP and ZSTD.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
    /// > "A value that specifies that the input file or files are in compressed bzip2 format (.bz2 files)."
    bzip2_reads_bz2_files:
        "COPY t FROM 's3://mybucket/p.bz2' IAM_ROLE default BZIP2" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
    /// > "A value that specifies that the input file or files are in compressed gzip format (.gz files)."
    gzip_reads_gz_files:
        "COPY t FROM 's3://mybucket/p.gz' IAM_ROLE default GZIP" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
    /// > "A value that specifies that the input file or files are in compressed lzop format (.lzo files)."
    lzop_reads_lzo_files:
        "COPY t FROM 's3://mybucket/p.lzo' IAM_ROLE default LZOP" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
    /// > "A value that specifies that the input file or files are in compressed Zstandard format (.zst files)."
    /// > "ZSTD is supported only with COPY from Amazon S3."
    zstd_reads_zst_files_from_s3:
        "COPY t FROM 's3://mybucket/p.zst' IAM_ROLE default ZSTD" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
    /// > "A value that specifies that the input file or files are in compressed gzip format (.gz files)."
    one_codec_only:
        "COPY t FROM 's3://mybucket/p.gz' IAM_ROLE default GZIP BZIP2" => ["RB-SQL-005"];
}
