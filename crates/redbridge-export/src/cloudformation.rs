//! CloudFormation: one JSON template per account, deployable as it is.
//!
//! Each role is an `AWS::IAM::Role` with its inline policies under `Policies`. Roles in other
//! accounts are parameters whose defaults are the plan's ARNs; the template's own roles are
//! outputs. Attaching the role to Redshift and merging key-policy statements cannot be expressed
//! without replacing what others own, so the template carries them in `Metadata` and its
//! `Description` says so.

use redbridge_core::Target;
use redbridge_core::plan::Step;
use redbridge_iam::policy::PolicyDocument;
use serde_json::{Map, Value, json};

use crate::model::{AccountPart, Bundle, RoleRef, map_strings};
use crate::text::{access_words, target_words};

/// The logical id of the optional permissions boundary parameter.
const BOUNDARY_PARAMETER: &str = "PermissionsBoundaryArn";
/// The condition that says whether a boundary was given.
const BOUNDARY_CONDITION: &str = "HasPermissionsBoundary";

/// Renders one account's template.
pub fn render(bundle: &Bundle<'_>, part: &AccountPart<'_>) -> String {
    let spec = &bundle.plan.spec;
    let mut manual: Vec<String> = Vec::new();
    let mut key_statements: Option<Value> = None;
    for step in &part.steps {
        match step {
            Step::AttachRole { target, role, how } => {
                let what = match target {
                    Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
                    Target::Serverless { namespace, .. } => {
                        format!("serverless namespace `{namespace}`")
                    }
                };
                manual.push(format!("attach `{role}` to {what} after the stack is created: {how}"));
            }
            Step::MergeKeyPolicy { key, statements, reason } => {
                manual.push(format!(
                    "merge Metadata.Redbridge.KeyPolicy.StatementsToMerge into the key policy of `{key}` ({reason}); \
                     a key policy is one document, so this template does not replace it"
                ));
                key_statements = Some(json!({
                    "KeyArn": key.to_string(),
                    "StatementsToMerge": PolicyDocument::new(statements.clone()).to_value(),
                }));
            }
            _ => {}
        }
    }

    let mut description = format!(
        "redbridge: roles in the {} {} for {} between Redshift {} and s3://{}.",
        part.describe(),
        part.account,
        access_words(spec.access),
        target_words(&spec.target).replace('`', ""),
        spec.bucket
    );
    if !manual.is_empty() {
        description.push_str(
            " Not in this template, because CloudFormation would replace what others own: see Metadata.Redbridge.ManualSteps.",
        );
    }

    let mut parameters = Map::new();
    for names in bundle.external_roles(part) {
        let account = names.arn.account();
        parameters.insert(
            names.cfn_parameter(),
            json!({
                "Type": "String",
                "Description": format!("ARN of the {} that account {account} creates (its output {}Arn); the default is the plan's", names.words, names.pascal),
                "Default": names.arn.to_string(),
                "AllowedPattern": format!("^arn:{}:iam::{account}:role/[\\w+=,.@/-]+$", names.arn.partition()),
            }),
        );
    }
    parameters.insert(
        BOUNDARY_PARAMETER.to_owned(),
        json!({
            "Type": "String",
            "Description": "ARN of a permissions boundary for the roles, if your organization requires one (empty: none)",
            "Default": "",
        }),
    );

    let mut resources = Map::new();
    let mut outputs = Map::new();
    for step in &part.steps {
        match step {
            Step::CreateRole { role, description, trust_policy, tags } => {
                let names = bundle.names(role);
                let mut properties = Map::new();
                properties.insert("RoleName".to_owned(), json!(role.name()));
                if role.path() != "/" {
                    properties.insert("Path".to_owned(), json!(role.path()));
                }
                properties.insert("Description".to_owned(), json!(description));
                properties.insert("AssumeRolePolicyDocument".to_owned(), policy(bundle, part, trust_policy));
                let policies: Vec<Value> = part
                    .steps
                    .iter()
                    .filter_map(|s| match s {
                        Step::PutRolePolicy { role: r, policy_name, policy: document } if r == role => Some(json!({
                            "PolicyName": policy_name,
                            "PolicyDocument": policy(bundle, part, document),
                        })),
                        _ => None,
                    })
                    .collect();
                if !policies.is_empty() {
                    properties.insert("Policies".to_owned(), Value::Array(policies));
                }
                properties.insert(
                    "PermissionsBoundary".to_owned(),
                    json!({"Fn::If": [BOUNDARY_CONDITION, {"Ref": BOUNDARY_PARAMETER}, {"Ref": "AWS::NoValue"}]}),
                );
                properties.insert(
                    "Tags".to_owned(),
                    Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()),
                );
                resources.insert(names.pascal.clone(), json!({"Type": "AWS::IAM::Role", "Properties": properties}));
                outputs.insert(
                    format!("{}Arn", names.pascal),
                    json!({
                        "Description": format!("ARN of the {} (send it to the teams of the other accounts)", names.words),
                        "Value": {"Fn::GetAtt": [names.pascal, "Arn"]},
                    }),
                );
            }
            Step::AttachRole { .. } => {
                let elements: Vec<Value> = bundle.chain_refs(part).into_iter().map(reference).collect();
                outputs.insert(
                    "IamRoleChain".to_owned(),
                    json!({
                        "Description": "The IAM_ROLE value of COPY and UNLOAD: the chain's ARNs, comma separated, no spaces",
                        "Value": {"Fn::Join": [",", elements]},
                    }),
                );
            }
            Step::PutRolePolicy { .. } | Step::MergeKeyPolicy { .. } => {}
        }
    }

    let mut redbridge = Map::new();
    redbridge.insert("Account".to_owned(), json!(part.account.to_string()));
    redbridge.insert("RoleChain".to_owned(), json!(bundle.plan.chain.to_string()));
    if !manual.is_empty() {
        redbridge.insert("ManualSteps".to_owned(), json!(manual));
    }
    if let Some(statements) = key_statements {
        redbridge.insert("KeyPolicy".to_owned(), statements);
    }
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        "Metadata": {"Redbridge": redbridge},
        "Parameters": parameters,
        "Conditions": {
            BOUNDARY_CONDITION: {"Fn::Not": [{"Fn::Equals": [{"Ref": BOUNDARY_PARAMETER}, ""]}]},
        },
        "Resources": resources,
        "Outputs": outputs,
    });
    serde_json::to_string_pretty(&template).unwrap_or_default() + "\n"
}

/// A policy document with chain roles written as references: own roles by `Fn::GetAtt`
/// (which also orders creation), other accounts' by parameter.
fn policy(bundle: &Bundle<'_>, part: &AccountPart<'_>, document: &PolicyDocument) -> Value {
    map_strings(&document.to_value(), &mut |text| bundle.role_ref(part, text).map(reference))
}

fn reference(role: RoleRef<'_>) -> Value {
    match role {
        RoleRef::Created(names) => json!({"Fn::GetAtt": [names.pascal, "Arn"]}),
        RoleRef::External(names) => json!({"Ref": names.cfn_parameter()}),
    }
}
