-- repo: eturella/go-parser-test
-- source: https://github.com/eturella/go-parser-test
-- template: none

-- statement: copyfrom.sql (listings_pipe)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy listing 
from 's3://mybucket/data/listings_pipe.txt' 
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole';

-- statement: copyfrom.sql (explicit_ids)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy venue
from 's3://mybucket/data/venue.txt' 
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
explicit_ids;

-- statement: copyfrom.sql (gzip)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy time
from 's3://mybucket/data/timerows.gz' 
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
gzip
delimiter '|';
