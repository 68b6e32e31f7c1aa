-- repo: sqlfluff/sqlfluff
-- source: https://github.com/sqlfluff/sqlfluff
-- commit: 2d07707dc79342d4e9eeecd61a43c8ef48e9ea01 (redshift_copy.sql), ece4d08a4ed06a3d9b096f78c25e398b3cda4561 (unload.sql)
-- template: none

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (listing)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy listing
from 's3://mybucket/data/listing/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (customer manifest)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy customer
from 's3://mybucket/cust.manifest'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
manifest;

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (listing parquet)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy listing
from 's3://mybucket/data/listings/parquet/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
format as parquet;

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (event)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy event
from 's3://mybucket/data/allevents_pipe.txt'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
removequotes
emptyasnull
blanksasnull
maxerror 5
delimiter '|'
timeformat 'YYYY-MM-DD HH:MI:SS';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (venue fixedwidth)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy venue
from 's3://mybucket/data/venue_fw.txt'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
fixedwidth 'venueid:3,venuename:25,venuecity:12,venuestate:2,venueseats:6';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (category csv quote)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy category
from 's3://mybucket/data/category_csv.txt'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
csv quote as '%';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (category json auto)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy category
from 's3://mybucket/category_object_auto.json'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
json 'auto';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (category avro)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
copy category
from 's3://mybucket/category_auto-ignorecase.avro'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
format as avro 'auto ignorecase';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (norway_water shapefile)
-- expect: RB-SQL-027 RB-SQL-053
-- why: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: "Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-)" (RB-SQL-027)
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: `123456789012` is the account id AWS's pages use in examples; a warning (RB-SQL-053), the ARN being valid
COPY norway_water FROM 's3://bucket_name/shapefiles/norway/gis_osm_water_a_free_1.shp'
FORMAT SHAPEFILE
SIMPLIFY AUTO 1.1E-05
MAXERROR 2
CREDENTIALS 'aws_iam_role=arn:aws:iam::123456789012:role/MyRoleName';

-- statement: test/fixtures/dialects/redshift/redshift_copy.sql (some_table)
-- expect: RB-SQL-014 RB-SQL-027
-- why: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: "Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-)" (RB-SQL-027)
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html: IAM_ROLE takes a role ARN; `some_iam_role` is not one (RB-SQL-014)
COPY some_table
FROM 's3://some_bucket/some/path'
IAM_ROLE 'some_iam_role'
FORMAT AS CSV TRUNCATECOLUMNS
IGNOREHEADER 1
ACCEPTINVCHARS
;

-- statement: test/fixtures/dialects/redshift/unload.sql (lineitem parquet)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from lineitem')
to 's3://mybucket/lineitem/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
PARQUET
PARTITION BY (l_shipdate);

-- statement: test/fixtures/dialects/redshift/unload.sql (manifest verbose)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue')
to 's3://mybucket/unload_venue_folder/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
manifest verbose;

-- statement: test/fixtures/dialects/redshift/unload.sql (kms)
-- expect: RB-SQL-014 RB-SQL-029
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
-- why: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html: to use a key of another account, give its key ARN; a bare key id resolves in the caller's account (RB-SQL-029)
unload ('select * from venue')
to 's3://mybucket/venue_encrypt_kms'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
kms_key_id '1234abcd-12ab-34cd-56ef-1234567890ab'
manifest
encrypted;

-- statement: test/fixtures/dialects/redshift/unload.sql (master symmetric key)
-- expect: RB-SQL-014 RB-SQL-065
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014); https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: "After April 30, 2026, you won't be able to use client-side encryption for COPY and UNLOAD" (RB-SQL-065)
unload ('select * from venue')
to 's3://mybucket/venue_encrypt_cmk'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
master_symmetric_key 'EXAMPLEMASTERKEYtkbjk/OpCwtYSx/M4/t7DMCDIK722'
encrypted;

-- statement: test/fixtures/dialects/redshift/unload.sql (csv header credentials)
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: every parameter is in the UNLOAD syntax, in any order, with one authorization
unload ('select * from tbl')
to 's3://mybucket/unload/'
csv header credentials 'aws_access_key_id=abc;aws_secret_access_key=def'
extension 'csv' parallel false;

-- statement: test/fixtures/dialects/redshift/unload.sql (header parallel off)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue where venueseats > 75000')
to 's3://mybucket/unload/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
header
parallel off;

-- statement: test/fixtures/dialects/redshift/unload.sql (maxfilesize)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue')
to 's3://mybucket/unload/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
maxfilesize 1 gb;

-- statement: test/fixtures/dialects/redshift/unload.sql (fixedwidth)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue')
to 's3://mybucket/venue_fw_'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
fixedwidth as 'venueid:3,venuename:39,venuecity:16,venuestate:2,venueseats:6';

-- statement: test/fixtures/dialects/redshift/unload.sql (tab gzip)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue')
to 's3://mybucket/venue_tab_'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
delimiter as '\t'
gzip;

-- statement: test/fixtures/dialects/redshift/unload.sql (addquotes)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select id, location from location')
to 's3://mybucket/location_'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
delimiter ',' addquotes;

-- statement: test/fixtures/dialects/redshift/unload.sql (winsum)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select venuecity, venuestate, caldate, pricepaid,
sum(pricepaid) over(partition by venuecity, venuestate
order by caldate rows between 3 preceding and 3 following) as winsum
from sales join date on sales.dateid=date.dateid
join event on event.eventid=sales.eventid
join venue on event.venueid=venue.venueid
order by 1,2')
to 's3://mybucket/tickit/winsum'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole';

-- statement: test/fixtures/dialects/redshift/unload.sql (nulls)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `0123456789012` (the examples' account, 13 digits) is not one, so the role ARN is not an IAM role ARN (RB-SQL-014)
unload ('select * from venue')
to 's3://mybucket/nulls/'
iam_role 'arn:aws:iam::0123456789012:role/MyRedshiftRole'
null as 'fred';
