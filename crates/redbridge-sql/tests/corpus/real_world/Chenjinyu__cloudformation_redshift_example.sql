-- repo: Chenjinyu/cloudformation_redshift_example
-- source: https://github.com/Chenjinyu/cloudformation_redshift_example
-- template: none

-- statement: s3_to_redshift/copy_data.sql (1)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `123` is not (RB-SQL-014); IAM_ROLE after the other parameters is options in any order
COPY cjy.title
FROM 's3://colibri-digital-source-data/title.akas.tsv'
IGNOREHEADER 1
ACCEPTINVCHARS
DELIMITER '\t'
iam_role 'arn:aws:iam::123:role/first-redshift-AccessS3BucketsRole-xxx';

-- statement: s3_to_redshift/copy_data.sql (2)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `123` is not (RB-SQL-014)
COPY cjy.title_basics
FROM 's3://colibri-digital-source-data/title.basics.tsv.gz'
IGNOREHEADER 1
ACCEPTINVCHARS
DELIMITER '\t'
GZIP
iam_role 'arn:aws:iam::123:role/first-redshift-AccessS3BucketsRole-xxx';

-- statement: parallel_s3_to_redshift/copy_data.sql (manifest)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: "The AWS account ID is a 12-digit number"; `123` is not (RB-SQL-014)
COPY imdb.title_basics
FROM 's3://colibri-digital-source-data/import.manifest'
IGNOREHEADER 1
ACCEPTINVCHARS
DELIMITER '\t'
GZIP
iam_role 'arn:aws:iam::123:role/jinyu-redshift-AccessS3BucketsRole-xxx'
manifest;

-- statement: parallel_s3_to_redshift/copy_data.sql (one file)
-- expect: RB-SQL-014
-- why: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html: `123` is not a 12-digit account id (RB-SQL-014)
COPY imdb.name_basics
FROM 's3://colibri-digital-source-data/name.basics.tsv.gz'
IGNOREHEADER 1
ACCEPTINVCHARS
DELIMITER '\t'
GZIP
iam_role 'arn:aws:iam::123:role/jinyu-redshift-AccessS3BucketsRole-xxx';
