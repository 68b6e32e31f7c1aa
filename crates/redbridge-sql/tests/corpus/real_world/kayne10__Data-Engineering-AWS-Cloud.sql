-- repo: kayne10/Data-Engineering-AWS-Cloud
-- source: https://github.com/kayne10/Data-Engineering-AWS-Cloud
-- template: none

-- statement: redshift/redshift-create-tables/copy_cmd.sql (orders)
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: every parameter is in the COPY syntax, in any order, with one authorization
-- why: `'\"'` is the quote character `"` written with a backslash escape (PostgreSQL escape strings, which Redshift reads)
copy mysql_dwh.orders from 's3://troy-de-course/orders/historical/orders.csv'
iam_role 'arn:aws:iam::387932593219:role/myredshift'
CSV QUOTE '\"' DELIMITER ','
acceptinvchars;

-- statement: redshift/redshift-create-tables/copy_cmd.sql (order_items)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
copy mysql_dwh.order_items from 's3://bucket-name/order_items/historical/order_items.csv'
iam_role 'YOUR_ARN'
CSV QUOTE '\"' DELIMITER ','
acceptinvchars;

-- statement: redshift/redshift-create-tables/copy_cmd.sql (order_payment)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
copy mysql_dwh.order_payment from 's3://bucket-name/order_payments/historical/order_payments.csv'
			iam_role 'YOUR_ARN'
			CSV QUOTE '\"' DELIMITER ','
			acceptinvchars;

-- statement: redshift/redshift-create-tables/copy_cmd.sql (order_reviews)
-- expect: RB-SQL-052
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes "the Amazon Resource Name (ARN) for an IAM role"; a `<…>`/`your-…`/`XXXX` placeholder is no account id or bucket, so RB-SQL-052 names it
copy mysql_dwh.order_reviews from 's3://bucket-name/order_reviews/historical/order_reviews.csv'
			iam_role 'YOUR_ARN'
			CSV QUOTE '\"' DELIMITER ','
			acceptinvchars;
