-- repo: petaly-labs/petaly
-- source: https://github.com/petaly-labs/petaly
-- template: python

-- statement: src/petaly/connectors/aws/redshift/config/extract_to_stmt.sql
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
UNLOAD ('SELECT {column_list} FROM {schema_name}.{table_name}')
TO '{extract_to_fpath}'
IAM_ROLE '{iam_role}'
FORMAT AS CSV
GZIP
PARALLEL OFF
ALLOWOVERWRITE
MAXFILESIZE 100 MB
{extract_to_options}
;
