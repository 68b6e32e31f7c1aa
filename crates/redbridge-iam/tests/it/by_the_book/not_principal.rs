//! `NotPrincipal`: whom a `Deny` spares, where it may appear, and the page's own examples.
//!
//! Page: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>

use serde_json::{Value, json};

use super::{allow, error, outcome, policy, request, with};

const BOB: &str = "arn:aws:iam::444455556666:user/Bob";
const BOB_ACCOUNT: &str = "arn:aws:iam::444455556666:root";
const SESSION: &str = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
const ROLE: &str = "arn:aws:iam::444455556666:role/cross-account-read-only-role";

/// The page's bucket policy: deny everyone except `spared`, plus an allow for `granted` (the page:
/// "To allow Bob access to the resource, another policy statement must explicitly allow access").
fn bucket_policy(spared: &[&str], granted: &str) -> Value {
    policy(json!([
        {
            "Effect": "Deny",
            "NotPrincipal": { "AWS": spared },
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]
        },
        {
            "Effect": "Allow",
            "Principal": { "AWS": granted },
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::BUCKETNAME/*"
        }
    ]))
}

/// `principal` (in 444455556666) reads an object of BUCKETNAME (in 111122223333), its identity
/// policy allowing it, under `bucket`.
fn read(principal: &str, bucket: Value) -> Value {
    let case = request(principal, "s3:GetObject", "arn:aws:s3:::BUCKETNAME/report.csv", "111122223333");
    let case = with(case, "identity_policies", json!([allow("s3:GetObject", "*")]));
    with(case, "resource_policy", bucket)
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "In the following example, all principals except the user named Bob in AWS account
/// > 444455556666 are explicitly denied access to a resource."
#[test]
fn the_pages_user_example_spares_bob_named_with_his_account() {
    assert_eq!(outcome(&read(BOB, bucket_policy(&[BOB, BOB_ACCOUNT], BOB))), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "the actions specified in the policy statement are explicitly denied to all principals
/// > except for the ones specified."
#[test]
fn the_pages_user_example_denies_another_user_of_bobs_account() {
    let alice = "arn:aws:iam::444455556666:user/Alice";
    assert_eq!(outcome(&read(alice, bucket_policy(&[BOB, BOB_ACCOUNT], alice))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "If the NotPrincipal element contained only Bob's ARN, the effect of the policy might be to
/// > explicitly deny access to the AWS account that contains the user Bob."
#[test]
fn a_user_named_without_its_account_is_not_spared() {
    assert_eq!(outcome(&read(BOB, bucket_policy(&[BOB], BOB))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "This example by itself does not grant access to Bob, it only omits Bob from the list of
/// > principals that are explicitly denied."
#[test]
fn sparing_bob_grants_him_nothing() {
    let deny_only = policy(json!({
        "Effect": "Deny",
        "NotPrincipal": { "AWS": [BOB, BOB_ACCOUNT] },
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]
    }));
    assert_eq!(outcome(&read(BOB, deny_only)), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "In the following example, all principals except the assumed-role user named
/// > cross-account-audit-app in AWS account 444455556666 are explicitly denied access to a resource."
#[test]
fn the_pages_role_example_spares_the_session_named_with_its_role_and_account() {
    assert_eq!(outcome(&read(SESSION, bucket_policy(&[SESSION, ROLE, BOB_ACCOUNT], ROLE))), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "If the NotPrincipal element was missing the ARN of the role, the effect of the policy might
/// > be to explicitly deny access to the role."
#[test]
fn a_session_named_without_its_role_is_not_spared() {
    assert_eq!(outcome(&read(SESSION, bucket_policy(&[SESSION, BOB_ACCOUNT], ROLE))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "Similarly, if the NotPrincipal element was missing the ARN of the AWS account that the role
/// > belongs to, the effect of the policy might be to explicitly deny access to the AWS account and
/// > all entities in that account."
#[test]
fn a_session_named_without_its_account_is_not_spared() {
    assert_eq!(outcome(&read(SESSION, bucket_policy(&[SESSION, ROLE], ROLE))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "If an assumed-role user (someone who is using a role) is being evaluated, AWS might validate
/// > the account first, then the role, and then the assumed-role user."
#[test]
fn naming_the_role_and_account_without_the_session_spares_no_session() {
    assert_eq!(outcome(&read(SESSION, bucket_policy(&[ROLE, BOB_ACCOUNT], ROLE))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "Depending on the service that you include in your policy, AWS might validate the account
/// > first and then the user."
#[test]
fn naming_only_the_account_spares_its_root_but_not_its_users() {
    let bucket = bucket_policy(&[BOB_ACCOUNT], "444455556666");
    assert_eq!(outcome(&read(BOB_ACCOUNT, bucket.clone())), "allowed");
    assert_eq!(outcome(&read(BOB, bucket)), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "When you specify an assumed-role session in a NotPrincipal element, you cannot use a wildcard
/// > (*) to mean "all sessions". Principals must always name a specific session."
#[test]
fn another_session_of_the_named_role_is_not_spared() {
    let other = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/someone-else";
    assert_eq!(outcome(&read(other, bucket_policy(&[SESSION, ROLE, BOB_ACCOUNT], ROLE))), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
/// > permissions boundary policy attached, regardless of the values specified in the NotPrincipal
/// > element."
#[test]
fn a_principal_with_a_permissions_boundary_is_never_spared() {
    let case = read(SESSION, bucket_policy(&[SESSION, ROLE, BOB_ACCOUNT], ROLE));
    assert_eq!(outcome(&case), "allowed");
    let bounded = with(case, "permissions_boundary", allow("s3:*", "*"));
    assert_eq!(outcome(&bounded), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not supported."
#[test]
fn not_principal_with_allow_is_an_error() {
    let bucket = policy(json!({
        "Effect": "Allow",
        "NotPrincipal": { "AWS": BOB },
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::BUCKETNAME/*"
    }));
    let message = error(&read(SESSION, bucket));
    assert!(message.contains("`NotPrincipal` with `Allow` is not supported"), "{message}");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM role
/// > trust policy."
#[test]
fn not_principal_in_a_role_trust_policy_is_an_error() {
    let trust = policy(json!([
        { "Effect": "Allow", "Principal": { "AWS": BOB_ACCOUNT }, "Action": "sts:AssumeRole" },
        { "Effect": "Deny", "NotPrincipal": { "AWS": [BOB, BOB_ACCOUNT] }, "Action": "sts:AssumeRole" }
    ]));
    let case = request(BOB, "sts:AssumeRole", "arn:aws:iam::111122223333:role/Target", "111122223333");
    let case = with(with(case, "identity_policies", json!([allow("sts:AssumeRole", "*")])), "resource_policy", trust);
    let message = error(&case);
    assert!(message.contains("`NotPrincipal` cannot be used in a role trust policy"), "{message}");
    assert!(message.contains("statement 1"), "{message}");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM role
/// > trust policy."
#[test]
fn not_principal_in_an_identity_policy_is_an_error() {
    let identity = policy(json!({
        "Effect": "Deny", "NotPrincipal": { "AWS": BOB }, "Action": "s3:*", "Resource": "*"
    }));
    let case = with(
        request(BOB, "s3:GetObject", "arn:aws:s3:::BUCKETNAME/a", "444455556666"),
        "identity_policies",
        json!([identity]),
    );
    assert_eq!(outcome(&case), "error");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
/// > "A principal can be an IAM user, AWS STS federated user principal, IAM role, assumed role
/// > session, AWS account, AWS service, or other principal type."
#[test]
fn a_named_service_principal_is_spared_and_another_is_not() {
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let key_policy = |spared: &str| {
        policy(json!([
            { "Effect": "Allow", "Principal": { "Service": ["redshift.amazonaws.com", "s3.amazonaws.com"] },
              "Action": "kms:Decrypt", "Resource": "*" },
            { "Effect": "Deny", "NotPrincipal": { "Service": spared }, "Action": "kms:Decrypt", "Resource": "*" }
        ]))
    };
    let case = |spared: &str| {
        with(
            request("redshift.amazonaws.com", "kms:Decrypt", key, "111122223333"),
            "resource_policy",
            key_policy(spared),
        )
    };
    assert_eq!(outcome(&case("redshift.amazonaws.com")), "allowed");
    assert_eq!(outcome(&case("s3.amazonaws.com")), "explicit_deny");
}
