//! `NotAction` and `NotResource`, with the pages' own examples.
//!
//! Pages: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>

use serde_json::{Value, json};

use super::{allow, outcome, policy, request, with};

const CALLER: &str = "arn:aws:iam::111111111111:user/Shirley";

/// Shirley asks for `action` on `resource` under `policies`, with `context`.
fn ask(action: &str, resource: &str, policies: Value, context: Value) -> &'static str {
    let case = with(request(CALLER, action, resource, "111111111111"), "identity_policies", policies);
    outcome(&with(case, "context", context))
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
/// > "You can use the NotAction element in a statement with "Effect": "Allow" to provide access to
/// > all of the actions in an AWS service, except for the actions specified in NotAction."
#[test]
fn not_action_with_allow_grants_every_other_action() {
    let everything_but_iam = json!([policy(json!({ "Effect": "Allow", "NotAction": "iam:*", "Resource": "*" }))]);
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::b/k", everything_but_iam.clone(), json!({})), "allowed");
    assert_eq!(
        ask("iam:CreateUser", "arn:aws:iam::111111111111:user/x", everything_but_iam, json!({})),
        "implicit_deny"
    );
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
/// > "This combination does not allow the listed items, but instead explicitly denies the actions
/// > not listed. You must still allow actions that you want to allow."
#[test]
fn the_pages_mfa_example_denies_non_iam_actions_without_mfa_and_grants_nothing() {
    let deny = policy(json!({
        "Sid": "DenyAllUsersNotUsingMFA",
        "Effect": "Deny",
        "NotAction": "iam:*",
        "Resource": "*",
        "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } }
    }));
    let with_allow = json!([deny.clone(), allow("*", "*")]);
    let no_mfa = json!({ "aws:MultiFactorAuthPresent": false });
    let mfa = json!({ "aws:MultiFactorAuthPresent": true });
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::b/k", with_allow.clone(), no_mfa.clone()), "explicit_deny");
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::b/k", with_allow.clone(), json!({})), "explicit_deny");
    assert_eq!(ask("iam:ListUsers", "*", with_allow.clone(), no_mfa), "allowed");
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::b/k", with_allow, mfa.clone()), "allowed");
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::b/k", json!([deny]), mfa), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>
/// > "NotResource is an advanced policy element that explicitly matches every resource except those
/// > specified."
#[test]
fn the_pages_payroll_example_denies_every_s3_resource_but_the_payroll_folder() {
    let policies = json!([
        policy(json!({
            "Effect": "Deny",
            "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]
        })),
        allow("*", "*")
    ]);
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/june.csv", policies.clone(), json!({})), "allowed");
    assert_eq!(
        ask("s3:GetObject", "arn:aws:s3:::HRBucket/Legal/case.pdf", policies.clone(), json!({})),
        "explicit_deny"
    );
    assert_eq!(ask("s3:GetObject", "arn:aws:s3:::OtherBucket/a", policies, json!({})), "explicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>
/// > "In the example above, the policy affects only Amazon S3 actions, and therefore only Amazon S3
/// > resources."
#[test]
fn not_resource_limits_only_the_statements_actions() {
    let policies = json!([
        policy(json!({ "Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::HRBucket/Payroll/*" })),
        allow("*", "*")
    ]);
    let instance = "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc";
    assert_eq!(ask("ec2:StartInstances", instance, policies, json!({})), "allowed");
}
