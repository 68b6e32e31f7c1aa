//! <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html>, section
//! "Chaining IAM roles in Amazon Redshift": the syntax of a role chain in `IAM_ROLE`.

/// Two roles of the management guide's example, in hop order.
const CHAIN: &str = "arn:aws:iam::210987654321:role/RoleA,arn:aws:iam::210987654321:role/RoleB";

by_the_book! {
    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "When you run an UNLOAD, COPY, CREATE EXTERNAL FUNCTION, or CREATE EXTERNAL SCHEMA command, you chain roles by including a comma-separated list of role ARNs in the iam_role parameter."
    a_comma_separated_list_chains_roles:
        &format!("copy venue from 's3://companyb/redshift/venue_pipe_' iam_role '{CHAIN}'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "The entire role chain is enclosed in single quotes and must not contain spaces."
    a_role_chain_must_not_contain_spaces:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'arn:aws:iam::210987654321:role/RoleA, arn:aws:iam::210987654321:role/RoleB'"
        => ["RB-SQL-010"];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "The entire role chain is enclosed in single quotes and must not contain spaces."
    each_role_of_a_chain_is_quoted_once_not_each:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'arn:aws:iam::210987654321:role/RoleA','arn:aws:iam::210987654321:role/RoleB'"
        => ["RB-SQL-002"];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "When you run an UNLOAD, COPY, CREATE EXTERNAL FUNCTION, or CREATE EXTERNAL SCHEMA command, you chain roles by including a comma-separated list of role ARNs in the iam_role parameter."
    every_element_of_a_chain_is_a_role_arn:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'arn:aws:iam::210987654321:role/RoleA,arn:aws:iam::210987654321:user/Bob'"
        => ["RB-SQL-014"];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "When you run an UNLOAD, COPY, CREATE EXTERNAL FUNCTION, or CREATE EXTERNAL SCHEMA command, you chain roles by including a comma-separated list of role ARNs in the iam_role parameter."
    an_empty_element_is_not_a_role:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'arn:aws:iam::210987654321:role/RoleA,,arn:aws:iam::210987654321:role/RoleB'"
        => ["RB-SQL-011"];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "The maximum number of IAM roles that you can associate is subject to a quota."
    /// The page once said "up to 10 roles"; the quota page's default is 10 (decision in the checklist).
    a_chain_of_eleven_roles_is_too_long:
        &format!(
            "COPY t FROM 's3://mybucket/p' IAM_ROLE '{}'",
            (1..=11).map(|i| format!("arn:aws:iam::210987654321:role/R{i}")).collect::<Vec<_>>().join(",")
        ) => ["RB-SQL-013"];

    /// https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
    /// > "The maximum number of IAM roles that you can associate is subject to a quota."
    a_chain_of_ten_roles_is_accepted:
        &format!(
            "COPY t FROM 's3://mybucket/p' IAM_ROLE '{}'",
            (1..=10).map(|i| format!("arn:aws:iam::210987654321:role/R{i}")).collect::<Vec<_>>().join(",")
        ) => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
    /// > "The IAM_ROLE can be chained."
    unload_takes_a_chain:
        &format!("unload ('select * from venue') to 's3://companyb/redshift/venue_pipe_' iam_role '{CHAIN}'") => [];

    /// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
    /// > "Use the default keyword to have Amazon Redshift use the IAM role that is set as default and associated with the cluster when the COPY command runs."
    default_cannot_be_part_of_a_chain:
        "COPY t FROM 's3://mybucket/p' IAM_ROLE 'default,arn:aws:iam::210987654321:role/RoleB'" => ["RB-SQL-015"];
}
