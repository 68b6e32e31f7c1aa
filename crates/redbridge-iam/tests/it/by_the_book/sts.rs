//! STS `AssumeRole`: the trust policy's actions for session tags and source identity, and `sts:ExternalId`.
//!
//! Pages: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>

use serde_json::{Value, json};

use super::{allow, outcome, policy, request, with};

const CALLER: &str = "arn:aws:sts::222222222222:assumed-role/ClusterRole/RedshiftIamRoleSession";
const TARGET: &str = "arn:aws:iam::111111111111:role/BucketRole";

/// `CALLER` (its identity policy allowing `sts:*`) asks for `action` on `TARGET`, whose trust
/// policy allows `trusted` actions to the caller's role under `condition`.
fn assume(action: &str, trusted: Value, condition: Value, context: Value) -> Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::222222222222:role/ClusterRole" },
        "Action": trusted
    });
    if !condition.is_null() {
        statement["Condition"] = condition;
    }
    let case = with(request(CALLER, action, TARGET, "111111111111"), "resource_policy", policy(statement));
    with(with(case, "identity_policies", json!([allow("sts:*", "*")])), "context", context)
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
/// > "When using session tags, trust policies for all roles connected to the identity provider
/// > (IdP) passing tags must have the sts:TagSession permission. For roles without this permission
/// > in the trust policy, the AssumeRole operation fails."
#[test]
fn passing_session_tags_needs_sts_tag_session_in_the_trust_policy() {
    let tags = json!({ "aws:TagKeys": ["team"], "aws:RequestTag/team": "data" });
    assert_eq!(outcome(&assume("sts:AssumeRole", json!("sts:AssumeRole"), Value::Null, tags.clone())), "allowed");
    assert_eq!(outcome(&assume("sts:TagSession", json!("sts:AssumeRole"), Value::Null, tags.clone())), "implicit_deny");
    let both = json!(["sts:AssumeRole", "sts:TagSession"]);
    assert_eq!(outcome(&assume("sts:TagSession", both, Value::Null, tags)), "allowed");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
/// > "sts:TransitiveTagKeys - Compares the transitive session tag keys in the request with those
/// > specified in the policy."
#[test]
fn the_trust_policy_can_limit_which_tags_are_transitive() {
    let condition = json!({ "ForAllValues:StringEquals": { "sts:TransitiveTagKeys": ["team"] } });
    let action = json!("sts:TagSession");
    let ok = json!({ "sts:TransitiveTagKeys": ["team"] });
    let too_many = json!({ "sts:TransitiveTagKeys": ["team", "admin"] });
    assert_eq!(outcome(&assume("sts:TagSession", action.clone(), condition.clone(), ok)), "allowed");
    assert_eq!(outcome(&assume("sts:TagSession", action, condition, too_many)), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html>
/// > "When you assume a role with another role, called role chaining, permissions for
/// > sts:SetSourceIdentity are required in both the permissions policy of the principal who is
/// > assuming the role and in the role trust policy of the target role."
#[test]
fn setting_a_source_identity_needs_both_the_trust_and_the_identity_policy() {
    let context = json!({ "sts:SourceIdentity": "alice" });
    let trusted = json!(["sts:AssumeRole", "sts:SetSourceIdentity"]);
    let case = assume("sts:SetSourceIdentity", trusted.clone(), Value::Null, context.clone());
    assert_eq!(outcome(&case), "allowed");
    assert_eq!(
        outcome(&assume("sts:SetSourceIdentity", json!("sts:AssumeRole"), Value::Null, context)),
        "implicit_deny"
    );
    let no_identity = with(case, "identity_policies", json!([allow("sts:AssumeRole", "*")]));
    assert_eq!(outcome(&no_identity), "implicit_deny");
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>
/// > "In other words, when a role policy includes an external ID, anyone who wants to assume the
/// > role must be a principal in the role and must include the correct external ID."
#[test]
fn a_trust_policy_requiring_an_external_id_needs_that_id() {
    let condition = json!({ "StringEquals": { "sts:ExternalId": "Unique ID Assigned by Example Corp" } });
    let action = json!("sts:AssumeRole");
    let right = json!({ "sts:ExternalId": "Unique ID Assigned by Example Corp" });
    assert_eq!(outcome(&assume("sts:AssumeRole", action.clone(), condition.clone(), right)), "allowed");
    let wrong = json!({ "sts:ExternalId": "someone else" });
    assert_eq!(outcome(&assume("sts:AssumeRole", action.clone(), condition.clone(), wrong)), "implicit_deny");
    assert_eq!(outcome(&assume("sts:AssumeRole", action, condition, json!({}))), "implicit_deny");
}
