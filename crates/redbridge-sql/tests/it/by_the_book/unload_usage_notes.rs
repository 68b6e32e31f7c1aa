//! <https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html>, the query and the usage notes:
//! quotes inside the query, LIMIT in the outer SELECT, access point aliases.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "If your query contains quotation marks (for example to enclose literal values), put the literal between two sets of single quotation marks—you must also enclose the query between single quotation marks:"
    quotes_inside_the_query_are_doubled:
        "unload ('select * from venue where venuestate=''NV''') to 's3://mybucket/venue_' iam_role default" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "If your query contains quotation marks (for example to enclose literal values), put the literal between two sets of single quotation marks—you must also enclose the query between single quotation marks:"
    a_single_quote_inside_the_query_ends_it:
        "unload ('select * from venue where venuestate='NV'') to 's3://mybucket/venue_' iam_role default"
        => ["RB-SQL-002"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "The SELECT query can't use a LIMIT clause in the outer SELECT."
    limit_in_the_outer_select_is_refused:
        "unload ('select * from venue limit 10') to 's3://mybucket/venue_pipe_' \
         iam_role 'arn:aws:iam::210987654321:role/MyRedshiftRole'" => ["RB-SQL-038"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "The SELECT query can't use a LIMIT clause in the outer SELECT."
    limit_in_a_nested_select_is_accepted:
        "unload ('select * from venue where venueid in (select venueid from venue order by venueid desc limit 10)') \
         to 's3://mybucket/venue_pipe_' iam_role 'arn:aws:iam::210987654321:role/MyRedshiftRole'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "You can't use Amazon S3 access point aliases with the UNLOAD command."
    access_point_aliases_are_refused:
        "unload ('select * from venue') to 's3://my-access-point-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias/venue_' \
         iam_role default" => ["RB-SQL-061"];
}

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-s3-access-point-alias.html
    /// > "COPY supports Amazon S3 access point aliases."
    copy_reads_through_an_access_point_alias:
        "copy venue from 's3://my-access-point-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias/venue_' iam_role default" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD."
    client_side_encryption_is_retired_for_unload:
        "unload ('select * from venue') to 's3://mybucket/venue_' iam_role default master_symmetric_key 'k' encrypted"
        => ["RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD."
    server_side_encryption_stays_for_unload:
        "unload ('select * from venue') to 's3://mybucket/venue_' iam_role default encrypted auto" => [];
}
