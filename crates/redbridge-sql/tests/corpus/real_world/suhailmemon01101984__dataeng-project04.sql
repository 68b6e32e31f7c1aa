-- repo: suhailmemon01101984/dataeng-project04
-- source: https://github.com/suhailmemon01101984/dataeng-project04
-- template: none

-- statement: load_from_s3_to_redshift.py (dimension_date)
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: every parameter is in the COPY syntax, in any order, with one authorization
copy dev.public.dimension_date from 's3://suhailmemon84-covid-de-project/output/dimension_date.csv' iam_role 'arn:aws:iam::236765750193:role/suhailmemon84-reshift-s3-readonly-access' REGION 'us-east-1' IGNOREHEADER 1 delimiter ',';
