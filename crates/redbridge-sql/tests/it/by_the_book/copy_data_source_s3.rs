//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html>: COPY
//! from Amazon S3 (FROM, MANIFEST, ENCRYPTED, MASTER_SYMMETRIC_KEY, REGION).

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "Specifies that a manifest is used to identify the data files to be loaded from Amazon S3."
    /// > "If a manifest file is used, the MANIFEST parameter must be specified with the COPY command."
    manifest_names_a_manifest_file:
        "copy customer from 's3://mybucket/cust.manifest' iam_role 'arn:aws:iam::210987654321:role/MyRedshiftRole' manifest"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "A clause that specifies that the input files on Amazon S3 are encrypted using client-side encryption with customer managed keys."
    /// > "If you specify the ENCRYPTED parameter, you must also specify the MASTER_SYMMETRIC_KEY parameter or include the master_symmetric_key value in the CREDENTIALS string."
    encrypted_requires_a_root_key:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default ENCRYPTED" => ["RB-SQL-032", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "If you specify the ENCRYPTED parameter, you must also specify the MASTER_SYMMETRIC_KEY parameter or include the master_symmetric_key value in the CREDENTIALS string."
    encrypted_with_master_symmetric_key_is_complete:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default ENCRYPTED MASTER_SYMMETRIC_KEY 'EXAMPLEMASTERKEY'" => ["RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "If you specify the ENCRYPTED parameter, you must also specify the MASTER_SYMMETRIC_KEY parameter or include the master_symmetric_key value in the CREDENTIALS string."
    encrypted_with_a_root_key_in_credentials_is_complete:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS \
         'aws_iam_role=arn:aws:iam::210987654321:role/R;master_symmetric_key=EXAMPLEMASTERKEY' ENCRYPTED" => ["RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "The root symmetric key that was used to encrypt data files on Amazon S3."
    /// > "If MASTER_SYMMETRIC_KEY is specified, the ENCRYPTED parameter must also be specified."
    master_symmetric_key_requires_encrypted:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default MASTER_SYMMETRIC_KEY 'EXAMPLEMASTERKEY'" => ["RB-SQL-033", "RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "MASTER_SYMMETRIC_KEY can't be used with the CREDENTIALS parameter."
    master_symmetric_key_cannot_be_used_with_credentials:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' \
         ENCRYPTED MASTER_SYMMETRIC_KEY 'EXAMPLEMASTERKEY'" => ["RB-SQL-065", "RB-SQL-034"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "Specifies the AWS Region where the source data is located."
    /// > "The value for aws_region must match a Region listed in the Amazon Redshift regions and endpoints table."
    region_must_be_a_region:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default REGION 'west'" => ["RB-SQL-028"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "The value for aws_region must match a Region listed in the Amazon Redshift regions and endpoints table."
    region_with_as_names_the_region:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default REGION AS 'us-west-2'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "You can't use the following parameters with COPY from Amazon S3:" (SSH, READRATIO)
    ssh_is_not_a_parameter_of_copy_from_s3:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default SSH" => ["RB-SQL-031"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "You can't use the following parameters with COPY from Amazon S3:" (SSH, READRATIO)
    readratio_is_not_a_parameter_of_copy_from_s3:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default READRATIO 50" => ["RB-SQL-031"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
    /// > "The source of the data to be loaded." (FROM 's3://…')
    from_must_be_an_s3_location:
        "COPY t FROM 'https://b.s3.amazonaws.com/p' IAM_ROLE default" => ["RB-SQL-027"];
}
