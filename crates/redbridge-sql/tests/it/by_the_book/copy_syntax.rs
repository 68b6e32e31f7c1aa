//! <https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html>: the COPY command's syntax and
//! its required parameters.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "The COPY command requires three elements:"
    copy_with_table_source_and_authorization_is_complete:
        "copy catdemo from 's3://awssampledbuswest2/tickit/category_pipe.txt' \
         iam_role 'arn:aws:iam::210987654321:role/MyRedshiftRole' region 'us-west-2'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "The COPY command requires three elements:"
    copy_without_authorization_is_incomplete:
        "copy catdemo from 's3://awssampledbuswest2/tickit/category_pipe.txt' region 'us-west-2'"
        => ["RB-SQL-007"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "[ [ FORMAT ] [ AS ] data_format ]" (the syntax block): FORMAT and AS are optional.
    format_and_as_are_optional_before_the_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS CSV" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "[ [ FORMAT ] [ AS ] data_format ]" (the syntax block).
    format_without_as_names_the_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT CSV" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "[ [ FORMAT ] [ AS ] data_format ]" (the syntax block).
    the_format_keyword_alone_names_the_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CSV" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "[ parameter [ argument ] [, ... ] ]" (the syntax block): parameters in any order.
    parameters_come_in_any_order:
        "COPY t FROM 's3://mybucket/p' GZIP IAM_ROLE default IGNOREHEADER 1 CSV" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD."
    client_side_encryption_is_retired_for_copy:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default ENCRYPTED MASTER_SYMMETRIC_KEY 'EXAMPLEMASTERKEY'"
        => ["RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
    /// > "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD."
    server_side_encrypted_files_need_no_parameter:
        "COPY t FROM 's3://mybucket/sse-kms/' IAM_ROLE default" => [];
}
