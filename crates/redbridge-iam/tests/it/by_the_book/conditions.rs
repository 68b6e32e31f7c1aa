//! Condition operators, set operators and policy variables.
//!
//! Pages: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>

use serde_json::{Value, json};

use super::{outcome, policy, request, with};

const CALLER: &str = "arn:aws:iam::111111111111:user/Shirley";

/// Shirley reads `resource` (in her account) under an identity policy allowing `s3:GetObject` on
/// `allowed` when `condition` holds, with request `context`.
fn read(resource: &str, allowed: &str, condition: Value, context: Value) -> Value {
    let mut statement = json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": allowed });
    if !condition.is_null() {
        statement["Condition"] = condition;
    }
    let case = with(
        request(CALLER, "s3:GetObject", resource, "111111111111"),
        "identity_policies",
        json!([policy(statement)]),
    );
    with(case, "context", context)
}

/// Outcome of Shirley's read of `arn:aws:s3:::b/k` under `condition` with `context`.
fn when(condition: Value, context: Value) -> &'static str {
    outcome(&read("arn:aws:s3:::b/k", "*", condition, context))
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "If the key that you specify in a policy condition is not present in the request context, the
/// > values do not match and the condition is false."
#[test]
fn a_missing_key_fails_a_plain_operator() {
    assert_eq!(when(json!({ "StringEquals": { "aws:PrincipalTag/team": "data" } }), json!({})), "implicit_deny");
    assert_eq!(when(json!({ "NumericLessThan": { "s3:max-keys": "10" } }), json!({})), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "If the policy condition requires that the key is not matched, such as StringNotLike or
/// > ArnNotLike, and the right key is not present, the condition is true."
#[test]
fn a_missing_key_satisfies_a_negated_operator() {
    assert_eq!(when(json!({ "StringNotLike": { "aws:PrincipalTag/team": "data*" } }), json!({})), "allowed");
    assert_eq!(
        when(json!({ "ArnNotLike": { "aws:SourceArn": "arn:aws:redshift:*:111111111111:*" } }), json!({})),
        "allowed"
    );
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "If the key is not present, evaluate the condition element as true."
#[test]
fn if_exists_is_true_for_a_missing_key_and_tests_a_present_one() {
    let condition = json!({ "StringEqualsIfExists": { "aws:PrincipalTag/team": "data" } });
    assert_eq!(when(condition.clone(), json!({})), "allowed");
    assert_eq!(when(condition.clone(), json!({ "aws:PrincipalTag/team": "data" })), "allowed");
    assert_eq!(when(condition, json!({ "aws:PrincipalTag/team": "web" })), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "In the policy statement, use either true (the key doesn't exist — it is null) or false (the
/// > key exists and its value is not null)."
#[test]
fn null_tests_whether_a_key_is_absent() {
    let absent = json!({ "Null": { "aws:TokenIssueTime": "true" } });
    let present = json!({ "Null": { "aws:TokenIssueTime": "false" } });
    let temporary = json!({ "aws:TokenIssueTime": "2026-12-02T03:00:00Z" });
    assert_eq!(when(absent.clone(), json!({})), "allowed");
    assert_eq!(when(absent, temporary.clone()), "implicit_deny");
    assert_eq!(when(present.clone(), temporary), "allowed");
    assert_eq!(when(present, json!({})), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "You can not use a policy variable with the Null condition operator."
#[test]
fn null_with_a_policy_variable_is_an_error() {
    assert_eq!(when(json!({ "Null": { "aws:PrincipalTag/team": "${aws:username}" } }), json!({})), "error");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "You can add IfExists to the end of any condition operator name except the Null condition"
#[test]
fn null_if_exists_is_an_error() {
    assert_eq!(when(json!({ "NullIfExists": { "aws:TokenIssueTime": "true" } }), json!({})), "error");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
/// > "StringEquals | Exact matching, case sensitive"
#[test]
fn string_equals_is_case_sensitive_and_ignore_case_is_not() {
    let context = json!({ "aws:PrincipalTag/team": "Data" });
    assert_eq!(when(json!({ "StringEquals": { "aws:PrincipalTag/team": "data" } }), context.clone()), "implicit_deny");
    assert_eq!(when(json!({ "StringEqualsIgnoreCase": { "aws:PrincipalTag/team": "data" } }), context), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>
/// > "Key names are not case-sensitive."
#[test]
fn condition_key_names_are_not_case_sensitive() {
    let condition = json!({ "StringEquals": { "AWS:PRINCIPALTAG/TEAM": "data" } });
    assert_eq!(when(condition, json!({ "aws:PrincipalTag/team": "data" })), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>
/// > "It also returns true if there are no keys in the request, or if the key values resolve to a
/// > null data set, such as an empty string."
#[test]
fn for_all_values_is_true_for_no_key_or_an_empty_set() {
    let condition = json!({ "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "cost-center"] } });
    assert_eq!(when(condition.clone(), json!({})), "allowed");
    assert_eq!(when(condition.clone(), json!({ "aws:TagKeys": [] })), "allowed");
    assert_eq!(when(condition.clone(), json!({ "aws:TagKeys": ["team"] })), "allowed");
    assert_eq!(when(condition, json!({ "aws:TagKeys": ["team", "owner"] })), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>
/// > "For no matching key or a null dataset, the condition returns false."
#[test]
fn for_any_value_is_false_for_no_key_or_an_empty_set() {
    let condition = json!({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["team", "cost-center"] } });
    assert_eq!(when(condition.clone(), json!({})), "implicit_deny");
    assert_eq!(when(condition.clone(), json!({ "aws:TagKeys": [] })), "implicit_deny");
    assert_eq!(when(condition, json!({ "aws:TagKeys": ["owner", "team"] })), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
/// > "For users without team tags, it sets a default value of company-wide for the bucket name."
#[test]
fn a_variables_default_value_is_used_when_the_key_is_missing() {
    let resource = "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}/*";
    let tagged = json!({ "aws:PrincipalTag/team": "yellow" });
    let yellow = "arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow/a";
    let company = "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide/a";
    assert_eq!(outcome(&read(yellow, resource, Value::Null, tagged.clone())), "allowed");
    assert_eq!(outcome(&read(company, resource, Value::Null, tagged)), "implicit_deny");
    assert_eq!(outcome(&read(company, resource, Value::Null, json!({}))), "allowed");
    assert_eq!(outcome(&read(yellow, resource, Value::Null, json!({}))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
/// > "not present means that the value is not in the current request information, and any attempt
/// > to match it fails and causes the statement to be invalid."
#[test]
fn a_variable_without_a_value_matches_nothing() {
    let resource = "arn:aws:s3:::home/${aws:PrincipalTag/team}/*";
    assert_eq!(outcome(&read("arn:aws:s3:::home/data/a", resource, Value::Null, json!({}))), "implicit_deny");
    let tagged = json!({ "aws:PrincipalTag/team": "data" });
    assert_eq!(outcome(&read("arn:aws:s3:::home/data/a", resource, Value::Null, tagged)), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
/// > "${*} - use where you need an * (asterisk) character."
/// > "${?} - use where you need a ? (question mark) character."
/// > "${$} - use where you need a $ (dollar sign) character."
#[test]
fn special_character_variables_are_literal_characters() {
    let allowed = "arn:aws:s3:::b/${*}${?}${$}";
    assert_eq!(outcome(&read("arn:aws:s3:::b/*?$", allowed, Value::Null, json!({}))), "allowed");
    assert_eq!(outcome(&read("arn:aws:s3:::b/ab$", allowed, Value::Null, json!({}))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
/// > "If you don't include the Version element and set it to an appropriate version date, variables
/// > like ${aws:username} are treated as literal strings in the policy."
#[test]
fn variables_are_literal_without_the_2012_version() {
    let statement =
        json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*" });
    let case = |resource: &str| {
        with(
            request(CALLER, "s3:GetObject", resource, "111111111111"),
            "identity_policies",
            json!([{ "Statement": [statement.clone()] }]),
        )
    };
    assert_eq!(outcome(&case("arn:aws:s3:::home/Shirley/a")), "implicit_deny");
    assert_eq!(outcome(&case("arn:aws:s3:::home/${aws:username}/a")), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
/// > "In order to use policy variables, you must include the Version element in a statement, and
/// > the version must be set to a version that supports policy variables."
#[test]
fn aws_username_is_the_callers_user_name() {
    let resource = "arn:aws:s3:::home/${aws:username}/*";
    assert_eq!(outcome(&read("arn:aws:s3:::home/Shirley/a", resource, Value::Null, json!({}))), "allowed");
    assert_eq!(outcome(&read("arn:aws:s3:::home/Zhang/a", resource, Value::Null, json!({}))), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>
/// > "If your policy has multiple condition operators or multiple keys attached to a single
/// > condition operator, the conditions are evaluated using a logical AND. If a single condition
/// > operator includes multiple values for one key, that condition operator is evaluated using a
/// > logical OR."
#[test]
fn keys_and_operators_are_anded_and_values_are_ored() {
    let condition = json!({
        "StringEquals": { "aws:PrincipalTag/team": ["data", "web"], "aws:PrincipalTag/stage": "prod" },
        "Bool": { "aws:SecureTransport": "true" }
    });
    let all = json!({ "aws:PrincipalTag/team": "web", "aws:PrincipalTag/stage": "prod", "aws:SecureTransport": true });
    assert_eq!(when(condition.clone(), all.clone()), "allowed");
    let mut wrong_stage = all.clone();
    wrong_stage["aws:PrincipalTag/stage"] = json!("dev");
    assert_eq!(when(condition.clone(), wrong_stage), "implicit_deny");
    let mut plain = all;
    plain["aws:SecureTransport"] = json!(false);
    assert_eq!(when(condition, plain), "implicit_deny");
}
