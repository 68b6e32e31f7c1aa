//! AWS Organizations (AWS JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.*`): the four
//! calls doctor makes — `DescribeOrganization`, `ListParents`, `ListPoliciesForTarget`,
//! `DescribePolicy` — and `ListAccounts`, which audit makes, answered from the organization the
//! emulator was given, with the member names of the Organizations model (as
//! `aws-sdk-organizations` 1.137 reads them). A delegated administrator account named in the
//! organization file may make them too. `ListAccounts` "can be called only from the
//! organization's management account or by a member account that is a delegated administrator",
//! pages by `MaxResults` ("Valid Range: Minimum value of 1. Maximum value of 20.") and `NextToken`
//! (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html>); a
//! member gets the same `AccessDeniedException` text
//! (aws-samples/aws-iam-access-key-auto-rotation#10: `An error occurred (AccessDeniedException)
//! when calling the ListAccounts operation: You don't have permissions to access this resource.`).
//!
//! Who may call (<https://docs.aws.amazon.com/organizations/latest/APIReference/>, each
//! operation's page): `DescribeOrganization` any account of the organization; the others "only
//! from the organization's management account". Texts AWS answers, as observed:
//! `AWSOrganizationsNotInUseException: Your account is not a member of an organization.`
//! (duo-labs/cloudmapper#733) and `AccessDeniedException: You don't have permissions to access
//! this resource.` (prowler-cloud/prowler#2133, a member account calling `ListPolicies`).

use serde_json::{Value, json};

use crate::api::serverless::Input;
use crate::error::ApiError;
use crate::organization::{Organization, OrganizationPolicy, PolicyType, is_policy_id, is_root_id, is_unit_id};

/// The target prefix of the Organizations API.
pub(crate) const TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";

fn not_in_use() -> ApiError {
    ApiError::client("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

fn access_denied() -> ApiError {
    ApiError::client("AccessDeniedException", "You don't have permissions to access this resource.")
}

/// `InvalidInputException` with its `Reason`, as the model has it.
fn invalid(reason: &str, message: &str) -> ApiError {
    ApiError::client("InvalidInputException", message).with("Reason", reason)
}

/// The IAM action and resource of an operation, for the caller's identity policies
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html>):
/// `DescribeOrganization` and `ListAccounts` take `*`, `ListParents` the child,
/// `ListPoliciesForTarget` the target, `DescribePolicy` the policy.
pub(crate) fn action_and_resource(
    organization: Option<&Organization>,
    operation: &str,
    input: &Value,
) -> Option<(String, String)> {
    let input = Input(input);
    let action = format!("organizations:{operation}");
    let Some(organization) = organization else { return Some((action, "*".to_owned())) };
    let resource = match operation {
        "ListParents" => input.string("ChildId").ok().flatten().map(|child| target_arn(organization, child)),
        "ListPoliciesForTarget" => {
            input.string("TargetId").ok().flatten().map(|target| target_arn(organization, target))
        }
        "DescribePolicy" => input
            .string("PolicyId")
            .ok()
            .flatten()
            .and_then(|id| organization.policies.iter().find(|p| p.id == id))
            .map(|policy| organization.policy_arn(policy)),
        _ => None,
    };
    Some((action, resource.unwrap_or_else(|| "*".to_owned())))
}

/// The ARN of a root, OU or account id.
fn target_arn(organization: &Organization, id: &str) -> String {
    let (management, org) = (organization.management_account, &organization.id);
    if id.starts_with("r-") {
        format!("arn:aws:organizations::{management}:root/{org}/{id}")
    } else if id.starts_with("ou-") {
        format!("arn:aws:organizations::{management}:ou/{org}/{id}")
    } else {
        format!("arn:aws:organizations::{management}:account/{org}/{id}")
    }
}

/// Handles one `AWSOrganizationsV20161128.*` operation for a caller of `account`.
pub(crate) fn handle(
    organization: Option<&Organization>,
    account: redbridge_iam::AccountId,
    operation: &str,
    input: &Value,
) -> Result<Value, ApiError> {
    let known = ["DescribeOrganization", "ListParents", "ListPoliciesForTarget", "DescribePolicy", "ListAccounts"];
    if !known.contains(&operation) {
        return Err(ApiError::client(
            "UnknownOperationException",
            format!("the operation `{operation}` is not emulated by redbridge-emu"),
        ));
    }
    let organization = organization.filter(|o| o.contains(account)).ok_or_else(not_in_use)?;
    if operation == "DescribeOrganization" {
        return Ok(json!({ "Organization": {
            "Id": organization.id,
            "Arn": organization.arn(),
            "FeatureSet": "ALL",
            "MasterAccountArn": target_arn(organization, organization.management_account.as_str()),
            "MasterAccountId": organization.management_account.as_str(),
        }}));
    }
    // A delegated administrator reads what the management account reads: the organization's
    // delegation policy grants it `organizations:Describe*` and `List*`
    // (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs-policy-delegate.html>).
    if account != organization.management_account && !organization.delegated_administrators.contains(&account) {
        return Err(access_denied());
    }
    let input = Input(input);
    match operation {
        "ListParents" => list_parents(organization, &input),
        "ListPoliciesForTarget" => list_policies_for_target(organization, &input),
        "ListAccounts" => list_accounts(organization, &input),
        _ => describe_policy(organization, &input),
    }
}

/// `MaxResults` (1 to 20) and the offset a `NextToken` stands for.
fn page(input: &Input<'_>, len: usize) -> Result<(usize, usize), ApiError> {
    let max = match input.integer("MaxResults")? {
        None => 20,
        Some(n) if (1..=20).contains(&n) => n as usize,
        Some(n) => {
            return Err(invalid("MAX_VALUE_EXCEEDED", &format!("MaxResults `{n}` is out of range: use 1 to 20")));
        }
    };
    let start = match input.string("NextToken")? {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .ok()
            .filter(|start| *start <= len)
            .ok_or_else(|| invalid("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken."))?,
    };
    Ok((start, max))
}

fn with_next_token(mut output: Value, start: usize, max: usize, len: usize) -> Value {
    let next = start.saturating_add(max);
    if next < len {
        output["NextToken"] = json!(next.to_string());
    }
    output
}

fn list_parents(organization: &Organization, input: &Input<'_>) -> Result<Value, ApiError> {
    let child = input.required("ChildId", "InvalidInputException")?;
    let is_account = child.len() == 12 && child.bytes().all(|b| b.is_ascii_digit());
    if !is_account && !is_unit_id(child) {
        return Err(invalid("INVALID_PATTERN", "You provided a value that does not match the required pattern."));
    }
    let parent = organization.parent(child).ok_or_else(|| {
        ApiError::client(
            "ChildNotFoundException",
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
        )
    })?;
    let kind = if parent.starts_with("r-") { "ROOT" } else { "ORGANIZATIONAL_UNIT" };
    Ok(json!({ "Parents": [{ "Id": parent, "Type": kind }] }))
}

fn list_accounts(organization: &Organization, input: &Input<'_>) -> Result<Value, ApiError> {
    let accounts: Vec<Value> = organization
        .accounts
        .keys()
        .map(|account| {
            let joined = if *account == organization.management_account { "CREATED" } else { "INVITED" };
            json!({
                "Id": account.as_str(),
                "Arn": format!(
                    "arn:aws:organizations::{}:account/{}/{account}",
                    organization.management_account, organization.id
                ),
                "Email": format!("{account}@example.com"),
                "Name": organization.account_name(*account),
                "Status": "ACTIVE",
                "State": "ACTIVE",
                "JoinedMethod": joined,
                "JoinedTimestamp": 1_700_000_000,
            })
        })
        .collect();
    let (start, max) = page(input, accounts.len())?;
    let shown: Vec<Value> = accounts.iter().skip(start).take(max).cloned().collect();
    Ok(with_next_token(json!({ "Accounts": shown }), start, max, accounts.len()))
}

fn summary(organization: &Organization, policy: &OrganizationPolicy) -> Value {
    let description = if policy.aws_managed { "Allows access to every operation" } else { "" };
    json!({
        "Id": policy.id,
        "Arn": organization.policy_arn(policy),
        "Name": policy.name,
        "Description": description,
        "Type": policy.policy_type.as_str(),
        "AwsManaged": policy.aws_managed,
    })
}

fn list_policies_for_target(organization: &Organization, input: &Input<'_>) -> Result<Value, ApiError> {
    let target = input.required("TargetId", "InvalidInputException")?;
    let filter = input.required("Filter", "InvalidInputException")?;
    let is_account = target.len() == 12 && target.bytes().all(|b| b.is_ascii_digit());
    if !is_account && !is_unit_id(target) && !is_root_id(target) {
        return Err(invalid(
            "INVALID_PATTERN_TARGET_ID",
            "You provided a value that does not match the required pattern.",
        ));
    }
    let exists =
        target == organization.root || organization.units.contains_key(target) || organization.parent(target).is_some();
    if !exists {
        return Err(ApiError::client(
            "TargetNotFoundException",
            "We can't find a root, OU, account, or policy with the TargetId that you specified.",
        ));
    }
    let policy_type = match filter {
        "SERVICE_CONTROL_POLICY" => Some(PolicyType::ServiceControl),
        "RESOURCE_CONTROL_POLICY" => Some(PolicyType::ResourceControl),
        // The other types of the model's `PolicyType` enum exist but none is attached here.
        "AISERVICES_OPT_OUT_POLICY"
        | "BACKUP_POLICY"
        | "BEDROCK_POLICY"
        | "CHATBOT_POLICY"
        | "DECLARATIVE_POLICY_EC2"
        | "GUARDDUTY_POLICY"
        | "INSPECTOR_POLICY"
        | "NETWORK_SECURITY_DIRECTOR_POLICY"
        | "S3_POLICY"
        | "SECURITYHUB_POLICY"
        | "TAG_POLICY"
        | "UPGRADE_ROLLOUT_POLICY" => None,
        other => {
            return Err(invalid(
                "INVALID_ENUM_POLICY_TYPE",
                &format!("You specified an invalid policy type `{other}`."),
            ));
        }
    };
    let policies: Vec<Value> = match policy_type {
        Some(policy_type) => organization.attached(target, policy_type).map(|p| summary(organization, p)).collect(),
        None => Vec::new(),
    };
    let (start, max) = page(input, policies.len())?;
    let shown: Vec<Value> = policies.iter().skip(start).take(max).cloned().collect();
    Ok(with_next_token(json!({ "Policies": shown }), start, max, policies.len()))
}

fn describe_policy(organization: &Organization, input: &Input<'_>) -> Result<Value, ApiError> {
    let id = input.required("PolicyId", "InvalidInputException")?;
    if !is_policy_id(id) {
        return Err(invalid("INVALID_PATTERN", "You provided a value that does not match the required pattern."));
    }
    let policy = organization.policies.iter().find(|p| p.id == id).ok_or_else(|| {
        ApiError::client("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
    })?;
    Ok(json!({ "Policy": { "PolicySummary": summary(organization, policy), "Content": policy.content } }))
}
