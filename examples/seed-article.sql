-- The statements of the AWS Knowledge Center article redbridge grew from, as published.
-- The Parquet example never closes the IAM_ROLE quote: `redbridge lint` points at it.
COPY table_name FROM 's3://awsexamplebucket/crosscopy1.csv' IAM_ROLE 'arn:aws:iam::111111111111:role/RoleB,arn:aws:iam::222222222222:role/RoleA FORMAT AS PARQUET;

COPY table_name FROM 's3://awsexamplebucket/crosscopy1.csv' IAM_ROLE 'arn:aws:iam::111111111111:role/RoleB,arn:aws:iam::222222222222:role/RoleA' DELIMITER ',' REMOVEQUOTES;

UNLOAD ('SELECT * FROM table_name') TO 's3://awsexamplebucket/folder/table_name_' IAM_ROLE 'arn:aws:iam::111111111111:role/RoleB,arn:aws:iam::222222222222:role/RoleA' KMS_KEY_ID 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' ENCRYPTED;
