-- repo: apache/airflow
-- source: https://github.com/apache/airflow
-- commit: 9abf58164c46ea63bbe5c1bc3f009bc2af7350a6 (redshift_to_s3.py), ebe8011e022a7628a218e5b8589623ecaf6e54cb (s3_to_redshift.py)
-- template: python

-- statement: providers/amazon/src/airflow/providers/amazon/aws/transfers/redshift_to_s3.py (_build_unload_query)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: the dollar-quoted query is what the operator emits since apache/airflow PR #35986 (closes #30287), tested by test_redshift_to_s3.py (`assert f"UNLOAD ($${expected_query}$$)" in unload_query`)
                    UNLOAD ($${select_query}$$)
                    TO 's3://{self.s3_bucket}/{s3_key}'
                    credentials
                    '{credentials_block}'
                    {unload_options};

-- statement: providers/amazon/src/airflow/providers/amazon/aws/transfers/s3_to_redshift.py (_build_copy_query)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: for UPSERT the operator sets `copy_destination = f"#{self.table}"`, a temporary table, which the lexer reads as one name
                    COPY {copy_destination} {column_names}
                    FROM 's3://{self.s3_bucket}/{self.s3_key}'
                    credentials
                    '{credentials_block}'
                    {region_info}
                    {copy_options};
