-- repo: aws-samples/aws-blog-redshift-datalake-etl-elt-patterns
-- source: https://github.com/aws-samples/aws-blog-redshift-datalake-etl-elt-patterns
-- template: none

-- statement: ssb/ssb-copy.sql (customer)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_iam_role=arn…'` is the older form of role authorization
copy customer from 's3://awssampledbuswest2/ssbgz/customer' 
credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' 
gzip region 'us-west-2';

-- statement: ssb/ssb-copy.sql (dwdate)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_iam_role=arn…'` is the older form of role authorization
copy dwdate from 's3://awssampledbuswest2/ssbgz/dwdate' 
credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' 
gzip region 'us-west-2';

-- statement: ssb/ssb-copy.sql (lineorder)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_iam_role=arn…'` is the older form of role authorization
copy lineorder from 's3://awssampledbuswest2/ssbgz/lineorder' 
credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' 
gzip region 'us-west-2';

-- statement: ssb/ssb-copy.sql (part)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_iam_role=arn…'` is the older form of role authorization
copy part from 's3://awssampledbuswest2/ssbgz/part' 
credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' 
gzip region 'us-west-2';

-- statement: ssb/ssb-copy.sql (supplier)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: `CREDENTIALS 'aws_iam_role=arn…'` is the older form of role authorization
copy supplier from 's3://awssampledbuswest2/ssbgz/supplier' 
credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' 
gzip region 'us-west-2';

-- statement: concurrency/tickit-unload2.sql
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
UNLOAD ('select * from elt_total_quantity_sold_by_buyer_by_date')
to 's3://eltblogpost/unload_parquet/total_quantity_sold_by_buyer'
iam_role 'arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role'
maxfilesize 96 mb
FORMAT AS PARQUET
PARTITION BY (caldate)
allowoverwrite;

-- statement: concurrency/ssb-unload2.sql
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
UNLOAD ('select * from elt_monthly_revenue_by_region_city_brand')
to 's3://eltblogpost/unload_parquet/monthly_revenue_by_region_city_brand'
iam_role 'arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role'
maxfilesize 96 mb
FORMAT AS PARQUET
PARTITION BY (year, month, supplier_region)
allowoverwrite;
