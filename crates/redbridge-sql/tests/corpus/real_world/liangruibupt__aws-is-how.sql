-- repo: liangruibupt/aws-is-how
-- source: https://github.com/liangruibupt/aws-is-how
-- template: none

-- statement: analytics/lambda-redshift/scripts/copy_aircraft_table_data.ddl
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: the `aws-cn` partition is a partition of role ARNs (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html: "aws-cn - China Regions"); only the placeholder account is wrong
COPY aircraft
FROM 's3://ray-redshift-training/awsu-spl/spl17-redshift/static/data/lookup_aircraft.csv'
IAM_ROLE 'arn:aws-cn:iam::your-account-id:role/rayRedshiftRole'
IGNOREHEADER 1
DELIMITER ','
REMOVEQUOTES
TRUNCATECOLUMNS
REGION 'cn-northwest-1';
