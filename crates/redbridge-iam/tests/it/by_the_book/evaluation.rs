//! The evaluation-logic pages: resource-based policies against implicit denies in identity
//! policies, permissions boundaries and session policies, same account and across accounts.
//!
//! Pages: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>

use redbridge_iam::eval::Missing;
use serde_json::{Value, json};

use super::{allow, decide, outcome, policy, request, with};

const USER: &str = "arn:aws:iam::111111111111:user/Shirley";
const ROLE: &str = "arn:aws:iam::111111111111:role/Loader";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/Loader/etl";
const FEDERATED: &str = "arn:aws:sts::111111111111:federated-user/Bob";
const OBJECT: &str = "arn:aws:s3:::lake/data/part-0000.csv";

/// A bucket policy letting `principal` read the object.
fn bucket_naming(principal: &str) -> Value {
    policy(
        json!({ "Effect": "Allow", "Principal": { "AWS": principal }, "Action": "s3:GetObject", "Resource": OBJECT }),
    )
}

/// `caller` reads the object of a bucket in `bucket_account` whose policy names `named`; no
/// identity policy, a boundary and a session policy that allow nothing of it.
fn capped(caller: &str, named: &str, bucket_account: &str) -> Value {
    let nothing = allow("ec2:DescribeInstances", "*");
    let case = with(request(caller, "s3:GetObject", OBJECT, bucket_account), "resource_policy", bucket_naming(named));
    with(with(case, "permissions_boundary", nothing.clone()), "session_policies", json!([nothing]))
}

fn missing(case: &Value) -> Option<Missing> {
    decide(case).unwrap_or_else(|e| panic!("{e}")).missing
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "For most resources, you only need an explicit allow for the principal in either an
/// > identity-based policy or a resource-based policy to grant access."
#[test]
fn same_account_either_an_identity_policy_or_the_resource_policy_is_enough() {
    let by_identity = with(
        request(USER, "s3:GetObject", OBJECT, "111111111111"),
        "identity_policies",
        json!([allow("s3:GetObject", "*")]),
    );
    let by_resource =
        with(request(USER, "s3:GetObject", OBJECT, "111111111111"), "resource_policy", bucket_naming(USER));
    assert_eq!(outcome(&by_identity), "allowed");
    assert_eq!(outcome(&by_resource), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "IAM user – Within the same account, resource-based policies that grant permissions to an IAM
/// > user ARN (that is not a federated user session) are not limited by an implicit deny in an
/// > identity-based policy or permissions boundary."
#[test]
fn same_account_a_resource_policy_naming_the_user_is_not_limited_by_its_boundary() {
    let case = with(
        with(request(USER, "s3:GetObject", OBJECT, "111111111111"), "resource_policy", bucket_naming(USER)),
        "permissions_boundary",
        allow("ec2:DescribeInstances", "*"),
    );
    assert_eq!(outcome(&case), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited by
/// > an implicit deny in a permissions boundary or session policy."
#[test]
fn same_account_a_resource_policy_naming_the_role_is_limited_by_the_boundary() {
    let case = capped(SESSION, ROLE, "111111111111");
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::PermissionsBoundary));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited by
/// > an implicit deny in a permissions boundary or session policy."
#[test]
fn same_account_a_resource_policy_naming_the_role_is_limited_by_the_session_policy() {
    let case = with(capped(SESSION, ROLE, "111111111111"), "permissions_boundary", allow("s3:*", "*"));
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::SessionPolicy));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>
/// > "A resource-based policy can specify the ARN of the user or role as a principal. In that case,
/// > the permissions from the resource-based policy are added to the role or user's identity-based
/// > policy before the session is created."
#[test]
fn same_account_a_resource_policy_naming_the_role_stands_in_for_its_identity_policy() {
    let case = with(
        with(capped(SESSION, ROLE, "111111111111"), "permissions_boundary", allow("s3:*", "*")),
        "session_policies",
        json!([allow("s3:GetObject", "*")]),
    );
    assert_eq!(outcome(&case), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "Permissions granted directly to a session are not limited by an implicit deny in an
/// > identity-based policy, a permissions boundary, or session policy."
#[test]
fn same_account_a_resource_policy_naming_the_role_session_is_not_limited() {
    assert_eq!(outcome(&capped(SESSION, SESSION, "111111111111")), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>
/// > "However, a permissions boundary does not limit permissions granted by a resource-based
/// > policy that specifies the ARN of the resulting session."
#[test]
fn same_account_a_boundary_does_not_limit_a_grant_to_the_session_arn() {
    let case = with(capped(SESSION, SESSION, "111111111111"), "session_policies", json!([]));
    assert_eq!(outcome(&case), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "Within the same account, resource-based policies that grant permissions to a federated user
/// > ARN grant permissions directly to the session."
#[test]
fn same_account_a_resource_policy_naming_the_federated_user_session_is_not_limited() {
    assert_eq!(outcome(&capped(FEDERATED, FEDERATED, "111111111111")), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "Deny evaluation – By default, all requests are denied."
/// > "If the enforcement code finds even one explicit deny that applies, the code returns a final
/// > decision of Deny."
#[test]
fn an_explicit_deny_in_the_boundary_beats_a_grant_to_the_session() {
    let deny = policy(json!({ "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*" }));
    let case = with(capped(SESSION, SESSION, "111111111111"), "permissions_boundary", deny);
    assert_eq!(outcome(&case), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
/// > "An entity's permissions boundary allows it to perform only the actions that are allowed by
/// > both its identity-based policies and its permissions boundaries."
#[test]
fn an_identity_allow_outside_the_boundary_is_denied() {
    let case = with(
        with(
            request(SESSION, "s3:GetObject", OBJECT, "111111111111"),
            "identity_policies",
            json!([allow("s3:*", "*")]),
        ),
        "permissions_boundary",
        allow("s3:ListBucket", "*"),
    );
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::PermissionsBoundary));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>
/// > "The permissions for a session are the intersection of the identity-based policies for the IAM
/// > entity (user or role) used to create the session and the session policies."
#[test]
fn an_identity_allow_outside_the_session_policy_is_denied() {
    let case = with(
        with(
            request(SESSION, "s3:GetObject", OBJECT, "111111111111"),
            "identity_policies",
            json!([allow("s3:*", "*")]),
        ),
        "session_policies",
        json!([allow("s3:ListBucket", "*")]),
    );
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::SessionPolicy));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
/// > "AWS allows the request only if both account policy evaluations allow the request."
#[test]
fn across_accounts_a_grant_to_the_session_is_still_limited_by_its_boundary() {
    let caller = "arn:aws:sts::222222222222:assumed-role/Loader/etl";
    let case = with(capped(caller, caller, "111111111111"), "identity_policies", json!([allow("s3:GetObject", "*")]));
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::PermissionsBoundary));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
/// > "The principal's identity-based policy must allow the requested access to the resource in the
/// > trusting service."
#[test]
fn across_accounts_a_grant_to_the_user_needs_its_identity_policy() {
    let caller = "arn:aws:iam::222222222222:user/carlossalazar";
    let case = with(request(caller, "s3:GetObject", OBJECT, "111111111111"), "resource_policy", bucket_naming(caller));
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::IdentityPolicy));
    let case = with(case, "identity_policies", json!([allow("s3:GetObject", OBJECT)]));
    assert_eq!(outcome(&case), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "IAM role trust policies and KMS key policies are exceptions to this logic, because they must
/// > explicitly allow access for principals."
#[test]
fn same_account_an_identity_policy_alone_cannot_assume_a_role_or_use_a_key() {
    let assume = with(
        request(SESSION, "sts:AssumeRole", "arn:aws:iam::111111111111:role/Other", "111111111111"),
        "identity_policies",
        json!([allow("sts:AssumeRole", "*")]),
    );
    let key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let decrypt = with(
        request(SESSION, "kms:Decrypt", key, "111111111111"),
        "identity_policies",
        json!([allow("kms:Decrypt", "*")]),
    );
    assert_eq!(outcome(&assume), "implicit_deny");
    assert_eq!(outcome(&decrypt), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "If the enforcement code does not find any applicable Allow statements in the SCPs, the
/// > request is explicitly denied, even if the denial is implicit."
///
/// The decision is a deny that no allow can lift; we report it as `implicit_deny` naming the SCP
/// level that lacks an allow, as AWS's access-denied messages do ("no service control policy allows").
#[test]
fn an_scp_without_an_allow_denies_a_resource_policy_grant_to_the_session() {
    let case = with(capped(SESSION, SESSION, "111111111111"), "scps", json!([[allow("ec2:*", "*")]]));
    assert_eq!(outcome(&case), "implicit_deny");
    assert_eq!(missing(&case), Some(Missing::ScpLevel(0)));
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
/// > "By default, all requests are implicitly denied with the exception of the AWS account root
/// > user, which has full access."
#[test]
fn the_root_user_needs_no_identity_policy_in_its_account() {
    let case = request("arn:aws:iam::111111111111:root", "s3:GetObject", OBJECT, "111111111111");
    assert_eq!(outcome(&case), "allowed");
}
