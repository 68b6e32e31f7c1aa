-- repo: da-amit-mujawar/test-repo
-- source: https://github.com/da-amit-mujawar/test-repo
-- template: none

-- statement: develop_idms/dag/builds/business/CA-018-2-export-as-csv.sql
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: every parameter is in the UNLOAD syntax, in any order, with one authorization
UNLOAD ('SELECT * FROM ca_tblBusinessIndividual_ctas1')
    TO 's3://idms-7933-prod/temp/business-csv/CA_full'
IAM_ROLE 'arn:aws:iam::479134617933:role/da-idms-redshift-role'
FORMAT CSV
DELIMITER '|'
GZIP 
CLEANPATH
PARALLEL ON
MAXFILESIZE 200 MB;

-- statement: main_idms/dag/de-core-business/SQL/bf_changes_copy.sql
-- template: python
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
COPY core_bf.{table}_changes
FROM 's3://{output_bucket}/{output_path}{table}_manifest.json'
IAM_ROLE '{iam}'
MANIFEST
IGNOREHEADER 1
IGNOREBLANKLINES 
TRIMBLANKS 
TRUNCATECOLUMNS 
MAXERROR 10000 
CSV
DELIMITER '|'
GZIP;
