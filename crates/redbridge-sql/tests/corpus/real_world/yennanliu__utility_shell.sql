-- repo: yennanliu/utility_shell
-- source: https://github.com/yennanliu/utility_shell
-- template: none

-- statement: redshift/upload_redshift_table_s3.sql
-- expect: RB-SQL-008 RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: the query `SELECT * FROM <db_name>.<table_name>;` does not parse as SQL either (RB-SQL-008, a warning); leftovers inside the query are not named, the query being SQL
UNLOAD ('

SELECT *
FROM <db_name>.<table_name>;')
TO 's3://<s3_bucket>/<s3_file>/<s3_file_name>.csv' CREDENTIALS 'aws_access_key_id=<aws_access_key_id>;aws_secret_access_key=<aws_secret_access_key>' 
ALLOWOVERWRITE
delimiter ',' 
PARALLEL OFF ;
