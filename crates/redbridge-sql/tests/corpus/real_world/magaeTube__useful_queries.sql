-- repo: magaeTube/useful_queries
-- source: https://github.com/magaeTube/useful_queries
-- template: none

-- statement: redshift/copy_orc_datas_from_s3.sql (standard)
-- expect: RB-SQL-027 RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: FROM takes "the path to the Amazon S3 objects" (`s3://…`); `'S3 Location'` is not one (RB-SQL-027)
COPY schemaname.tablename
FROM 'S3 Location'
IAM_ROLE 'arn:aws:iam::<aws-account-id>:role/<role-name>'
FORMAT AS ORC
;

-- statement: redshift/copy_orc_datas_from_s3.sql (column list)
-- expect: RB-SQL-027 RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: FROM takes an `s3://` path (RB-SQL-027); the file's `...` between columns is left out, the statement is otherwise verbatim
COPY schemaname.tablename (
    col1,
    col2,
    col3
)
FROM 'S3 Location'
IAM_ROLE 'arn:aws:iam::<aws-account-id>:role/<role-name>'
FORMAT AS ORC
;

-- statement: redshift/copy_orc_datas_from_s3.sql (STATUPDATE/COMPUPDATE)
-- expect: RB-SQL-024 RB-SQL-027 RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: FROM takes an `s3://` path (RB-SQL-027)
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html: "COPY doesn't automatically apply compression encodings." and "Only the following COPY parameters are supported", a list without COMPUPDATE (RB-SQL-024)
COPY schemaname.tablename
FROM 'S3 Location'
IAM_ROLE 'arn:aws:iam::<aws-account-id>:role/<role-name>'
FORMAT AS ORC
STATUPDATE OFF COMPUPDATE OFF
;
