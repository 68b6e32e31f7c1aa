//! <https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html>:
//! role-based and key-based access, and temporary security credentials.

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html
    /// > "The following COPY command example uses the CREDENTIALS parameter to specify the IAM role."
    credentials_name_a_role:
        "copy customer from 's3://mybucket/mydata' credentials 'aws_iam_role=arn:aws:iam::210987654321:role/MyRedshiftRole'"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html
    /// > "The access key ID and secret access key generated with the token can't be used without the token, and a user who has these temporary security credentials can access your resources only until the credentials expire."
    /// The examples write `token '…'`; the syntax is SESSION_TOKEN, which the help suggests.
    temporary_credentials_as_parameters:
        "copy table1 from 's3://objectpath' access_key_id 'ASIAEXAMPLE' secret_access_key 'secret' token 'token'"
        => ["RB-SQL-004"];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html
    /// > "The access key ID and secret access key generated with the token can't be used without the token, and a user who has these temporary security credentials can access your resources only until the credentials expire."
    temporary_credentials_with_session_token:
        "copy table1 from 's3://objectpath' access_key_id 'ASIAEXAMPLE' secret_access_key 'secret' session_token 'token'"
        => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html
    /// > "To authenticate using CREDENTIALS, include token=<temporary-token> in the credentials string as shown following."
    temporary_credentials_in_the_credentials_string:
        "copy table1 from 's3://objectpath' credentials \
         'aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=secret;token=token'" => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html
    /// > "To authenticate using CREDENTIALS, include token=<temporary-token> in the credentials string as shown following."
    temporary_credentials_with_a_root_key:
        "copy table1 from 's3://objectpath' credentials \
         'aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=secret;token=token;master_symmetric_key=KEY' encrypted"
        => ["RB-SQL-065"];
}
