-- repo: robertengel/redshift_sqlalchemy
-- source: https://github.com/robertengel/redshift_sqlalchemy
-- template: none

-- statement: tests/test_copy_command.py (expected_result)
-- expect: 
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html: the same parameters as sqlalchemy-redshift's, in another order: options in any order
COPY schema1.t1 FROM 's3://mybucket/data/listing/' CREDENTIALS 'aws_access_key_id=cookies;aws_secret_access_key=cookies' TRUNCATECOLUMNS EMPTYASNULL BLANKSASNULL CSV DELIMITER ',' IGNOREHEADER 0 ;
