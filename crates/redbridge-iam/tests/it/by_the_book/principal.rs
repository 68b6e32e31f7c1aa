//! `Principal`: every form it takes, wildcards, and principals whose user or role was deleted.
//!
//! Page: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>

use serde_json::{Value, json};

use super::{allow, error, outcome, policy, request, with};

const OBJECT: &str = "arn:aws:s3:::lake/data/part-0000.csv";

/// `caller` (with an identity policy allowing the read) reads the object of a bucket in
/// 111111111111 whose policy grants to `principal` (a `Principal` value).
fn read(caller: &str, principal: Value) -> Value {
    let bucket =
        policy(json!({ "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": OBJECT }));
    let case = with(request(caller, "s3:GetObject", OBJECT, "111111111111"), "resource_policy", bucket);
    with(case, "identity_policies", json!([allow("s3:GetObject", "*")]))
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "The account ARN and the shortened account ID behave the same way. Both delegate permissions
/// > to the account."
///
/// The account id and its root ARN are the same principal, and they delegate to the account's
/// IAM policies: a caller of that account still needs its identity policy.
#[test]
fn an_account_id_and_its_root_arn_name_the_same_account() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    for principal in ["222222222222", "arn:aws:iam::222222222222:root"] {
        let case = read(caller, json!({ "AWS": principal }));
        assert_eq!(outcome(&case), "allowed", "{principal}");
        assert_eq!(outcome(&with(case, "identity_policies", json!([]))), "implicit_deny", "{principal}");
    }
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "When you specify an assumed-role session in a Principal element, you cannot use a wildcard
/// > "*" to mean all sessions. Principals must always name a specific session."
#[test]
fn a_session_principal_names_one_session_only() {
    let named = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    assert_eq!(outcome(&read(named, json!({ "AWS": named }))), "allowed");
    let other = "arn:aws:sts::222222222222:assumed-role/Loader/someone-else";
    assert_eq!(outcome(&read(other, json!({ "AWS": named }))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "You cannot use a wildcard to match part of a principal name or ARN."
#[test]
fn a_wildcard_in_part_of_a_principal_is_an_error() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    for principal in
        ["arn:aws:iam::222222222222:role/*", "arn:aws:sts::222222222222:assumed-role/Loader/*", "arn:aws:iam::*:root"]
    {
        let message = error(&read(caller, json!({ "AWS": principal })));
        assert!(message.contains("cannot use a wildcard to match part of a name or ARN"), "{principal}: {message}");
    }
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "For resource-based policies, using a wildcard (*) with an Allow effect grants access to all
/// > users, including anonymous users (public access). For IAM users and role principals within
/// > your account, no other permissions are required."
#[test]
fn a_wildcard_principal_needs_no_identity_policy_in_the_same_account_only() {
    let same = with(read("arn:aws:iam::111111111111:user/Shirley", json!("*")), "identity_policies", json!([]));
    assert_eq!(outcome(&same), "allowed");
    let other =
        with(read("arn:aws:iam::222222222222:user/carlos", json!({ "AWS": "*" })), "identity_policies", json!([]));
    assert_eq!(outcome(&other), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "However, if you delete the role, then you break the relationship. The policy no longer
/// > applies, even if you recreate the role because the new role has a new principal ID that does
/// > not match the ID stored in the trust policy."
#[test]
fn a_unique_id_left_by_a_deleted_role_matches_no_session() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    let case = read(caller, json!({ "AWS": "AROADBQP57FF2AEXAMPLE" }));
    assert_eq!(outcome(&case), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "When you specify users in a Principal element, you cannot use a wildcard (*) to mean "all
/// > users". Principals must always name specific users."
#[test]
fn a_user_principal_names_that_user_only() {
    let named = "arn:aws:iam::222222222222:user/carlos";
    assert_eq!(outcome(&read(named, json!({ "AWS": named }))), "allowed");
    assert_eq!(outcome(&read("arn:aws:iam::222222222222:user/ana", json!({ "AWS": named }))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "A service principal is an identifier for a service."
///
/// A service principal is matched by its exact name, and only `Service` names it.
#[test]
fn a_service_principal_is_named_by_service_only() {
    let role = "arn:aws:iam::111111111111:role/ClusterRole";
    let trust = |principal: Value| {
        with(
            request("redshift.amazonaws.com", "sts:AssumeRole", role, "111111111111"),
            "resource_policy",
            policy(json!({ "Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole" })),
        )
    };
    assert_eq!(outcome(&trust(json!({ "Service": "redshift.amazonaws.com" }))), "allowed");
    assert_eq!(outcome(&trust(json!({ "Service": "redshift-serverless.amazonaws.com" }))), "implicit_deny");
    assert_eq!(outcome(&trust(json!({ "AWS": "111111111111" }))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "Some AWS services support additional options for specifying an account principal. For
/// > example, Amazon S3 lets you specify a canonical user ID"
///
/// A canonical user id or an identity provider names no IAM caller.
#[test]
fn canonical_user_and_federated_principals_name_no_iam_caller() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    let canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
    assert_eq!(outcome(&read(caller, json!({ "CanonicalUser": canonical }))), "implicit_deny");
    assert_eq!(outcome(&read(caller, json!({ "Federated": "cognito-identity.amazonaws.com" }))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
/// > "When you use this key, the role session principal is granted the permissions based on the ARN
/// > of role that was assumed, and not the ARN of the resulting session."
#[test]
fn aws_principal_arn_of_a_session_is_its_roles_arn() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    let bucket = policy(json!({
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": OBJECT,
        "Condition": { "ArnEquals": { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/Loader" } }
    }));
    let case = with(read(caller, json!("*")), "resource_policy", bucket.clone());
    assert_eq!(outcome(&case), "allowed");
    let other = with(read("arn:aws:sts::222222222222:assumed-role/Other/etl", json!("*")), "resource_policy", bucket);
    assert_eq!(outcome(&other), "implicit_deny");
}
