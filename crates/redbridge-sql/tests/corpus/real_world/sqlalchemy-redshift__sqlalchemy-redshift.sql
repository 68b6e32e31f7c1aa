-- repo: sqlalchemy-redshift/sqlalchemy-redshift
-- source: https://github.com/sqlalchemy-redshift/sqlalchemy-redshift
-- template: none

-- statement: tests/test_copy_command.py (expected_result)
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_access_key_id=…;aws_secret_access_key=…'` is key-based authorization, complete
COPY schema1.t1 FROM 's3://mybucket/data/listing/' CREDENTIALS 'aws_access_key_id=cookies;aws_secret_access_key=cookies' CSV TRUNCATECOLUMNS DELIMITER ',' IGNOREHEADER 0 EMPTYASNULL BLANKSASNULL;

-- statement: tests/test_unload_from_select.py (basic)
-- expect: RB-SQL-027
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: TO takes "the full path, including bucket name, to the location on Amazon S3"; `'cookies'` is not an `s3://` path (RB-SQL-027)
unload ('SELECT count(t1.id) AS count_1 
FROM t1') to 'cookies' credentials 'aws_access_key_id=cookies;aws_secret_access_key=cookies' delimiter ',' addquotes allowoverwrite parallel on

-- statement: tests/test_unload_from_select.py (parallel off)
-- expect: RB-SQL-027
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: `'cookies'` is not an `s3://` path (RB-SQL-027)
unload ('SELECT count(t1.id) AS count_1 
FROM t1') to 'cookies' credentials 'aws_access_key_id=cookies;aws_secret_access_key=cookies' delimiter ',' addquotes allowoverwrite parallel off
