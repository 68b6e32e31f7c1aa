-- repo: kondasaispoorthy/sample
-- source: https://github.com/kondasaispoorthy/sample
-- template: python

-- statement: S3_to_Stage_Scripts/s3_to_redshift(employees).py (f-string)
-- expect: RB-SQL-004 RB-SQL-050
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html writes QUOTE only as part of `CSV [ QUOTE [AS] 'quote_character' ]`; after `DELIMITER ','` it is read as an unknown parameter (RB-SQL-004). Whether Redshift takes QUOTE apart from CSV is not documented; the option table decides
-- why: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html: a role ARN may have a path (`role/service-role/…`)
COPY dev.stage.employees(
employeenumber,
lastname,
firstname,
extension,
email,
officecode,
reportsto,
jobtitle,
create_timestamp,
update_timestamp
)
FROM 's3://{bucket_name}/Employees/20050609/Employees.csv' IAM_ROLE 'arn:aws:iam::854668443937:role/service-role/AmazonRedshift-CommandsAccessRole-20231102T150508'  
ACCEPTINVCHARS 
FORMAT AS CSV DELIMITER
 ',' QUOTE '"' IGNOREHEADER 1 REGION AS 'eu-north-1';
