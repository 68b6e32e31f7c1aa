-- repo: Piyushpatel21/lyca_mobile
-- source: https://github.com/Piyushpatel21/lyca_mobile
-- template: none

-- statement: stg_etlscripts/copy_s3_to_stg_table.sql
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: every parameter is in the COPY syntax, in any order, with one authorization
-- why: https://docs.aws.amazon.com/redshift/latest/dg/cross-database-overview.html: three-part notation `database.schema.object`; the table is read as `schema.table` of that database
copy ukdev.uk_dev_stg.stg_rrbs_uk_voice from 's3://mis-dl-uk-eu-west-2-311477489434-dev-raw/RRBS/UK/VOICE/2019/11/07/VOICE_2019110722.cdr'
iam_role 'arn:aws:iam::311477489434:role/Redshift-S3-uk-AllSubAccounts'
csv
delimiter ',';
