-- repo: Mahmoud-Elbahnasawy/Data_pipeline_airflow
-- source: https://github.com/Mahmoud-Elbahnasawy/Data_pipeline_airflow
-- template: python

-- statement: airflow/my_create_tables.py (staging_songs_copy, str.format)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
COPY staging_songs FROM {}
    CREDENTIALS 'aws_iam_role={}'
    compupdate off region 'us-west-2'
    FORMAT AS JSON 'auto'
    TRUNCATECOLUMNS BLANKSASNULL EMPTYASNULL;
