//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html>: IAM_ROLE,
//! the access keys, SESSION_TOKEN and the exact syntax of the CREDENTIALS string.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the COPY command runs."
    iam_role_default_is_unquoted:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the COPY command runs."
    quoted_default_is_not_the_default_keyword:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'default'" => ["RB-SQL-015"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If you specify IAM_ROLE, you can't use ACCESS_KEY_ID and SECRET_ACCESS_KEY, SESSION_TOKEN, or CREDENTIALS."
    iam_role_cannot_be_used_with_access_keys:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default ACCESS_KEY_ID 'AKIAEXAMPLE' SECRET_ACCESS_KEY 'secret'"
        => ["RB-SQL-016", "RB-SQL-016"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If you specify IAM_ROLE, you can't use ACCESS_KEY_ID and SECRET_ACCESS_KEY, SESSION_TOKEN, or CREDENTIALS."
    iam_role_cannot_be_used_with_credentials:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R'"
        => ["RB-SQL-016"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "This authorization method is not recommended." (ACCESS_KEY_ID and SECRET_ACCESS_KEY: accepted)
    access_key_id_and_secret_access_key_authorize:
        "COPY t FROM 's3://mybucket/p' ACCESS_KEY_ID 'AKIAEXAMPLE' SECRET_ACCESS_KEY 'secret'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "This authorization method is not recommended."
    access_key_id_without_its_secret_is_incomplete:
        "COPY t FROM 's3://mybucket/p' ACCESS_KEY_ID 'AKIAEXAMPLE'" => ["RB-SQL-017"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The session token for use with temporary access credentials."
    /// > "When SESSION_TOKEN is specified, you must also use ACCESS_KEY_ID and SECRET_ACCESS_KEY to provide temporary access key credentials."
    session_token_requires_the_access_keys:
        "COPY t FROM 's3://mybucket/p' SESSION_TOKEN 'token'" => ["RB-SQL-017"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "When SESSION_TOKEN is specified, you must also use ACCESS_KEY_ID and SECRET_ACCESS_KEY to provide temporary access key credentials."
    session_token_with_the_access_keys_authorizes:
        "COPY t FROM 's3://mybucket/p' ACCESS_KEY_ID 'ASIAEXAMPLE' SECRET_ACCESS_KEY 'secret' SESSION_TOKEN 'token'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If you specify SESSION_TOKEN you can't use CREDENTIALS or IAM_ROLE."
    session_token_cannot_be_used_with_credentials:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' SESSION_TOKEN 'token'"
        => ["RB-SQL-016"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If you specify SESSION_TOKEN you can't use CREDENTIALS or IAM_ROLE."
    session_token_cannot_be_used_with_iam_role:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE default SESSION_TOKEN 'token'" => ["RB-SQL-016"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "A clause that indicates the method your cluster will use when accessing other AWS resources that contain data files or manifest files."
    /// > "You can't use the CREDENTIALS parameter with IAM_ROLE or ACCESS_KEY_ID and SECRET_ACCESS_KEY."
    credentials_cannot_be_used_with_access_keys:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R' \
         ACCESS_KEY_ID 'AKIAEXAMPLE' SECRET_ACCESS_KEY 'secret'" => ["RB-SQL-016", "RB-SQL-016"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The keywords WITH and AS are optional and are ignored."
    with_and_as_around_credentials_are_optional:
        "COPY t FROM 's3://mybucket/p' WITH CREDENTIALS AS 'aws_iam_role=arn:aws:iam::210987654321:role/R'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The credentials-args string is case-sensitive and must not contain spaces."
    credentials_string_must_not_contain_spaces:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS \
         'aws_access_key_id=AKIAEXAMPLE; aws_secret_access_key=secret'" => ["RB-SQL-039"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The credentials-args string is case-sensitive and must not contain spaces."
    spaces_in_the_credentials_role_are_chain_whitespace:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_iam_role= arn:aws:iam::210987654321:role/R'" => ["RB-SQL-010"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The credentials-args string is case-sensitive and must not contain spaces."
    credentials_keys_are_case_sensitive:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'AWS_IAM_ROLE=arn:aws:iam::210987654321:role/R'" => ["RB-SQL-039"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "The credentials-args string is case-sensitive and must not contain spaces."
    credentials_string_is_key_value_pairs:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'arn:aws:iam::210987654321:role/R'" => ["RB-SQL-039"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "To use temporary token credentials, you must provide the temporary access key ID, the temporary secret access key, and the temporary token."
    credentials_with_temporary_token_is_complete:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS \
         'aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=secret;token=token'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "To use temporary token credentials, you must provide the temporary access key ID, the temporary secret access key, and the temporary token."
    credentials_token_without_secret_access_key_is_incomplete:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_access_key_id=ASIAEXAMPLE;token=token'" => ["RB-SQL-039"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "You can specify either role-based access control or key-based access control." (rendered from the page's links)
    credentials_cannot_mix_role_and_keys:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS \
         'aws_iam_role=arn:aws:iam::210987654321:role/R;aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=s'"
        => ["RB-SQL-039"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If the ENCRYPTED parameter is used, the credentials-args string is in the following format, where <root-key> is the value of the root key that was used to encrypt the files."
    credentials_carry_the_root_key_after_the_credentials:
        "copy customer from 's3://mybucket/mydata' credentials \
         'aws_iam_role=arn:aws:iam::210987654321:role/R;master_symmetric_key=EXAMPLEMASTERKEY' encrypted" => ["RB-SQL-065"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "If the ENCRYPTED parameter is used, the credentials-args string is in the following format, where <root-key> is the value of the root key that was used to encrypt the files."
    credentials_root_key_needs_a_value:
        "COPY t FROM 's3://mybucket/p' CREDENTIALS 'aws_iam_role=arn:aws:iam::210987654321:role/R;master_symmetric_key='"
        => ["RB-SQL-065", "RB-SQL-039"];
}
