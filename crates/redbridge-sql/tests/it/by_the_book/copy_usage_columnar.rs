//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>:
//! the few parameters COPY takes with ORC and PARQUET.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "Only the following COPY parameters are supported:" (ACCEPTINVCHARS, FILLRECORD, FROM, IAM_ROLE, CREDENTIALS, STATUPDATE, MANIFEST, the access keys, EXPLICIT_IDS)
    the_listed_parameters_are_accepted_with_parquet:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET ACCEPTINVCHARS FILLRECORD STATUPDATE ON MANIFEST EXPLICIT_IDS"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "Only the following COPY parameters are supported:"
    the_access_keys_are_accepted_with_orc:
        "COPY t FROM 's3://mybucket/p' ACCESS_KEY_ID 'ASIAEXAMPLE' SECRET_ACCESS_KEY 'secret' SESSION_TOKEN 'token' FORMAT AS ORC"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "Only the following COPY parameters are supported:"
    other_parameters_are_refused_with_parquet:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET IGNOREHEADER 1" => ["RB-SQL-024"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "Only the following COPY parameters are supported:"
    a_codec_is_refused_with_orc:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS ORC GZIP" => ["RB-SQL-024"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "Only the following COPY parameters are supported:"
    encrypted_is_refused_with_parquet:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET ENCRYPTED MASTER_SYMMETRIC_KEY 'k'"
        => ["RB-SQL-024", "RB-SQL-065", "RB-SQL-024"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "ACCEPTANYDATE and MAXERROR aren't supported for columnar data types."
    acceptanydate_is_refused_with_parquet:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET ACCEPTANYDATE" => ["RB-SQL-024", "RB-SQL-060"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "ACCEPTANYDATE and MAXERROR aren't supported for columnar data types."
    maxerror_is_refused_with_orc:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS ORC MAXERROR 10" => ["RB-SQL-024"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
    /// > "The Amazon S3 bucket must be in the same AWS Region as the Amazon Redshift database."
    region_is_refused_with_parquet:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET REGION 'us-west-2'" => ["RB-SQL-023"];
}
