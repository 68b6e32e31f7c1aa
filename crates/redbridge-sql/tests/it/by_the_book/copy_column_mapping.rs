//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html>: the
//! column list and JSONPaths files. The rules about IDENTITY columns and EXPLICIT_IDS need the
//! table's definition, which a statement alone does not have (the checklist says so).

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html
    /// > "You can specify a comma-separated list of column names to load source data fields into specific target columns."
    a_column_list_maps_fields_to_columns:
        "COPY venue (venueid, venuename, venuecity) FROM 's3://mybucket/venue' IAM_ROLE default" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html
    /// > "You can specify a comma-separated list of column names to load source data fields into specific target columns."
    a_column_list_is_not_empty:
        "COPY venue () FROM 's3://mybucket/venue' IAM_ROLE default" => ["RB-SQL-002"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html
    /// > "In these cases, you can use a JSONPaths file to explicitly map JSON or Avro data elements to columns."
    a_jsonpaths_file_maps_json_to_columns:
        "COPY venue (venueid, venuename) FROM 's3://mybucket/venue.json' IAM_ROLE default \
         JSON 's3://mybucket/venue_jsonpaths.json'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html
    /// > "If an IDENTITY column is included in the column list, then EXPLICIT_IDS must also be specified; if an IDENTITY column is omitted, then EXPLICIT_IDS can't be specified."
    /// Which columns are IDENTITY columns only the table says: the statement is accepted.
    explicit_ids_with_a_column_list_is_accepted:
        "COPY venue (venueid, venuename) FROM 's3://mybucket/venue' IAM_ROLE default EXPLICIT_IDS" => [];
}
