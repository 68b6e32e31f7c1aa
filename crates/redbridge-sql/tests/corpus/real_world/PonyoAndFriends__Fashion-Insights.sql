-- repo: PonyoAndFriends/Fashion-Insights
-- source: https://github.com/PonyoAndFriends/Fashion-Insights
-- template: jinja

-- statement: dbt_dockerfiles/dbt/models/staging/staging_table.sql
-- expect: RB-SQL-050 RB-SQL-052
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
COPY {{ table_name }}
FROM '{{ s3_path }}'
IAM_ROLE 'arn:aws:iam::your-account-id:role/RedshiftCopyRole'
FORMAT AS PARQUET;
