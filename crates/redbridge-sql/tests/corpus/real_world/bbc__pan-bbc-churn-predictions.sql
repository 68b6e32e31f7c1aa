-- repo: bbc/pan-bbc-churn-predictions
-- source: https://github.com/bbc/pan-bbc-churn-predictions
-- template: jinja

-- statement: SQL/pipeline/unload_churn_train.sql
-- expect: RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: a dollar-quoted query: Airflow's RedshiftToS3Operator emits `UNLOAD ($$…$$)` (apache/airflow PR #35986, issue #30287: "I'm using `$$` in my queries and it works fine"), so the lexer reads `$$…$$` as a string
UNLOAD($$
SELECT * FROM {{params.SCHEMA}}.tp_churn_iplayer_training_sample
    $$)
TO '{{params.S3_OUTPUT_PATH}}' -- ''
CREDENTIALS 'aws_access_key_id={{params.AWS_ACCESS_KEY_ID}};aws_secret_access_key={{params.AWS_SECRET_ACCESS_KEY}};token={{params.TOKEN}}'
ALLOWOVERWRITE
PARALLEL OFF
BZIP2;
