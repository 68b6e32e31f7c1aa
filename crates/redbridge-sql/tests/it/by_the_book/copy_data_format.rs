//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html>: FORMAT,
//! CSV, DELIMITER, FIXEDWIDTH, SHAPEFILE, AVRO, JSON, ORC and PARQUET.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "(Optional) Identifies data format keywords."
    format_identifies_the_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS JSON 'auto'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Enables use of CSV format in the input data."
    csv_with_a_quote_character:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CSV QUOTE AS '%'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "CSV can't be used with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    csv_cannot_be_used_with_fixedwidth:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CSV FIXEDWIDTH 'a:1'" => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "CSV can't be used with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    csv_cannot_be_used_with_removequotes:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CSV REMOVEQUOTES" => ["RB-SQL-026"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "CSV can't be used with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    csv_cannot_be_used_with_escape:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CSV ESCAPE" => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "The QUOTE parameter can be used only with the CSV parameter."
    quote_can_be_used_only_with_csv:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default DELIMITER ',' QUOTE AS '%'" => ["RB-SQL-004"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "DELIMITER can't be used with FIXEDWIDTH."
    delimiter_cannot_be_used_with_fixedwidth:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FIXEDWIDTH 'a:1' DELIMITER '|'" => ["RB-SQL-025"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Specifies the single ASCII character that is used to separate fields in the input file, such as a pipe character ( | ), a comma ( , ), or a tab ( \t )."
    delimiter_is_a_single_character:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default DELIMITER '||'" => ["RB-SQL-009"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Specifies the single ASCII character that is used to separate fields in the input file, such as a pipe character ( | ), a comma ( , ), or a tab ( \t )."
    delimiter_may_be_an_escaped_tab:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default DELIMITER AS '\\t'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Specifies the single ASCII character that is used to separate fields in the input file, such as a pipe character ( | ), a comma ( , ), or a tab ( \t )."
    /// ASCII characters can also be represented in octal, using the format '\ddd'.
    delimiter_may_be_an_octal_escape:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default DELIMITER '\\011'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Loads the data from a file where each column width is a fixed length, rather than columns being separated by a delimiter."
    /// > "FIXEDWIDTH can't be used with CSV or DELIMITER."
    fixedwidth_alone_is_a_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FIXEDWIDTH 'venueid:3,venuename:25'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Enables use of SHAPEFILE format in the input data."
    /// > "You can't use SHAPEFILE with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    shapefile_cannot_be_used_with_fixedwidth:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT SHAPEFILE FIXEDWIDTH 'a:1'" => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "You can't use SHAPEFILE with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    shapefile_cannot_be_used_with_removequotes:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT SHAPEFILE REMOVEQUOTES" => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "You can't use SHAPEFILE with FIXEDWIDTH, REMOVEQUOTES, or ESCAPE."
    shapefile_cannot_be_used_with_escape:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT SHAPEFILE ESCAPE" => ["RB-SQL-030"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Specifies that the source data is in Avro format."
    avro_takes_auto_ignorecase:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS AVRO 'auto ignorecase'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "The source data is in JSON format."
    json_takes_a_jsonpaths_file:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default JSON 's3://mybucket/jsonpaths.txt'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Loads the data from a file that uses Optimized Row Columnar (ORC) file format."
    /// > "COPY from columnar format is supported with certain restriction."
    orc_is_a_columnar_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS ORC" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Loads the data from a file that uses Parquet file format."
    parquet_is_a_columnar_format:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET SERIALIZETOJSON" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
    /// > "Loads the data from a file that uses Parquet file format."
    one_format_only:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default FORMAT AS PARQUET JSON" => ["RB-SQL-005"];
}
