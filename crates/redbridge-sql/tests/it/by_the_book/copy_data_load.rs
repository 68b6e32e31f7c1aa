//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html>: COMPROWS,
//! COMPUPDATE, IGNOREALLERRORS, MAXERROR, NOLOAD and STATUPDATE.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "Specifies the number of rows to be used as the sample size for compression analysis."
    /// > "The accepted range for this argument is a number between 1000 and 2147483647 (2,147,483,647)."
    comprows_in_range_is_accepted:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default COMPROWS 1000000" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "The accepted range for this argument is a number between 1000 and 2147483647 (2,147,483,647)."
    comprows_below_1000_is_out_of_range:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default COMPROWS 999" => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "The accepted range for this argument is a number between 1000 and 2147483647 (2,147,483,647)."
    comprows_above_2147483647_is_out_of_range:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default COMPROWS 2147483648" => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "Controls whether compression encodings are automatically applied during a COPY."
    compupdate_takes_preset:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default COMPUPDATE PRESET" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "You can specify this option to ignore all errors that occur during the load operation."
    ignoreallerrors_is_a_copy_parameter:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default IGNOREALLERRORS" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "You can't specify the IGNOREALLERRORS option if you specify the MAXERROR option."
    ignoreallerrors_cannot_be_used_with_maxerror:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default IGNOREALLERRORS MAXERROR 10" => ["RB-SQL-037"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "You can't specify the IGNOREALLERRORS option for columnar formats including ORC and Parquet."
    ignoreallerrors_cannot_be_used_with_columnar_formats:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS ORC IGNOREALLERRORS" => ["RB-SQL-024"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "If the load returns the error_count number of errors or greater, the load fails."
    /// > "The MAXERROR default value is 0 and the limit is 100000."
    maxerror_at_the_limit_is_accepted:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default MAXERROR AS 100000" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "The MAXERROR default value is 0 and the limit is 100000."
    /// Whether a larger value is refused or capped the page does not say: a warning.
    maxerror_above_the_limit_is_warned:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default MAXERROR 100001" => ["RB-SQL-064"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "Checks the validity of the data file without actually loading the data."
    noload_is_a_flag:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default NOLOAD" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-load.html
    /// > "Governs automatic computation and refresh of optimizer statistics at the end of a successful COPY command."
    statupdate_takes_on_or_off:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default STATUPDATE OFF" => [];
}
