-- repo: USDOT-SDC-Archive/sdc-dot-waze-data-persistence
-- source: https://github.com/USDOT-SDC-Archive/sdc-dot-waze-data-persistence
-- template: jinja

-- statement: redshift_sql/nightly_sql/copy_realtime_data_alert.sql
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: `CSV [ QUOTE [ AS ] 'quote_character' ]` and `DELIMITER` together are in the syntax; `DELIMITER ','` before `CSV` is options in any order
COPY {{ dw_schema_name }}.stage_alert_nightly
FROM 's3://{{ curated_bucket_name }}/{{ manifest_curated_key }}'
IAM_ROLE '{{ redshift_role_arn }}'
REGION '{{ region_name }}'
GZIP
DELIMITER ','
CSV
QUOTE '"'
NULL as ''
FILLRECORD;
