-- repo: transferwise/pipelinewise-target-redshift
-- source: https://github.com/transferwise/pipelinewise-target-redshift
-- commit: dbba7c8f00f9b3168061bb9d8db73f5486499294
-- template: python

-- statement: target_redshift/db_sync.py (load_csv, copy_sql)
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: `{copy_credentials}` and `{copy_options}` stand for runs of parameters (IAM_ROLE or access keys, the default options), so the authorization check is skipped with a note, not failed; `ESCAPE{compression_option}` is one name glued to a placeholder, read as hidden parameters
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: DELIMITER, REMOVEQUOTES and ESCAPE together are the default text format's parameters
COPY {table} ({columns}) FROM 's3://{s3_bucket}/{s3_key}'
                    {copy_credentials}
                    {copy_options}
                    DELIMITER ',' REMOVEQUOTES ESCAPE{compression_option}
