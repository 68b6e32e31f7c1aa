-- repo: vahid110/sqlxport
-- source: https://github.com/vahid110/sqlxport
-- template: python

-- statement: examples/export_redshift_unload/run_manual.py (f-string)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
    UNLOAD ('{query}')
    TO '{s3_path}'
    IAM_ROLE '{iam_role}'
    FORMAT AS PARQUET;

-- statement: sql2parquet/redshift_unload.py (f-string)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
        UNLOAD ('{query_clean}')
        TO '{s3_output_prefix}'
        IAM_ROLE '{iam_role}'
        FORMAT AS PARQUET;
