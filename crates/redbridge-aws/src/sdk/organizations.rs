//! AWS Organizations through `aws-sdk-organizations`: the organization, the parents of an
//! account or unit, the SCPs and RCPs attached to each, and the accounts. Organizations is global: the
//! endpoint comes from the configuration (`AWS_ENDPOINT_URL_ORGANIZATIONS` or `AWS_ENDPOINT_URL`
//! in an emulator), the region is the configuration's.

use aws_sdk_organizations::types::{ParentType, PolicyType};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use redbridge_core::doctor::OrgPolicy;
use redbridge_iam::AccountId;

use super::{SdkResultExt, parse_policy};
use crate::AwsError;
use crate::ports::{
    AwsResult, OrgAccount, OrgParent, OrgPolicySummary, OrgPolicyType, OrganizationInfo, Organizations,
};

adapter! {
    /// AWS Organizations through `aws-sdk-organizations`, as one account's credentials.
    SdkOrganizations(aws_sdk_organizations::Client), from_conf
}

const DESCRIBE_ORGANIZATION: &str = "organizations:DescribeOrganization";
const LIST_PARENTS: &str = "organizations:ListParents";
const LIST_POLICIES_FOR_TARGET: &str = "organizations:ListPoliciesForTarget";
const DESCRIBE_POLICY: &str = "organizations:DescribePolicy";
const LIST_ACCOUNTS: &str = "organizations:ListAccounts";

/// Organizations' own "does not exist" codes, which the shared error mapping does not know.
const NOT_FOUND_CODES: &[&str] = &["ChildNotFoundException", "TargetNotFoundException", "PolicyNotFoundException"];

/// Organizations' access denied text (`You don't have permissions to access this resource.`)
/// names no action: name the one called, so the reason says what to grant. Its not-found codes
/// become [`AwsError::NotFound`].
fn naming(action: &'static str) -> impl Fn(AwsError) -> AwsError {
    move |error| match error {
        AwsError::AccessDenied { action: None, principal, message } => {
            AwsError::AccessDenied { action: Some(action.to_owned()), principal, message }
        }
        AwsError::Other { message } if NOT_FOUND_CODES.iter().any(|code| message.starts_with(&format!("{code}:"))) => {
            AwsError::NotFound { message }
        }
        other => other,
    }
}

fn policy_type(policy_type: OrgPolicyType) -> PolicyType {
    match policy_type {
        OrgPolicyType::ServiceControlPolicy => PolicyType::ServiceControlPolicy,
        OrgPolicyType::ResourceControlPolicy => PolicyType::ResourceControlPolicy,
    }
}

impl Organizations for SdkOrganizations {
    async fn describe_organization(&self) -> AwsResult<Option<OrganizationInfo>> {
        let output = match self.client.describe_organization().send().await {
            Ok(output) => output,
            // The account is in no organization.
            Err(SdkError::ServiceError(context)) if context.err().is_aws_organizations_not_in_use_exception() => {
                return Ok(None);
            }
            Err(error) => return Err(error).or_aws(DESCRIBE_ORGANIZATION).map_err(naming(DESCRIBE_ORGANIZATION)),
        };
        let organization = output
            .organization()
            .ok_or_else(|| AwsError::other("organizations:DescribeOrganization returned no organization"))?;
        let id = organization
            .id()
            .ok_or_else(|| AwsError::other("organizations:DescribeOrganization returned no organization id"))?;
        let management = organization.master_account_id().unwrap_or_default();
        let management_account = AccountId::parse(management).map_err(|e| {
            AwsError::other(format!(
                "organizations:DescribeOrganization returned a management account id that is not one: {e}"
            ))
        })?;
        Ok(Some(OrganizationInfo { id: id.to_owned(), management_account }))
    }

    async fn list_parents(&self, child_id: &str) -> AwsResult<Vec<OrgParent>> {
        let pages: Vec<_> = self
            .client
            .list_parents()
            .child_id(child_id)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws(LIST_PARENTS)
            .map_err(naming(LIST_PARENTS))?;
        pages
            .iter()
            .flat_map(|page| page.parents())
            .map(|parent| {
                let id = parent.id().unwrap_or_default().to_owned();
                match parent.r#type() {
                    Some(ParentType::Root) => Ok(OrgParent::Root(id)),
                    Some(ParentType::OrganizationalUnit) => Ok(OrgParent::OrganizationalUnit(id)),
                    other => Err(AwsError::other(format!(
                        "organizations:ListParents returned a parent `{id}` of unknown type `{}`",
                        other.map(ParentType::as_str).unwrap_or("none")
                    ))),
                }
            })
            .collect()
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type_wanted: OrgPolicyType,
    ) -> AwsResult<Vec<OrgPolicySummary>> {
        let listed: Result<Vec<_>, _> = self
            .client
            .list_policies_for_target()
            .target_id(target_id)
            .filter(policy_type(policy_type_wanted))
            .into_paginator()
            .send()
            .try_collect()
            .await;
        let pages = match listed {
            Ok(pages) => pages,
            // A policy type the organization has not enabled applies to no one.
            Err(SdkError::ServiceError(context)) if context.err().code() == Some("PolicyTypeNotEnabledException") => {
                Vec::new()
            }
            Err(error) => return Err(error).or_aws(LIST_POLICIES_FOR_TARGET).map_err(naming(LIST_POLICIES_FOR_TARGET)),
        };
        Ok(pages
            .iter()
            .flat_map(|page| page.policies())
            .map(|p| OrgPolicySummary {
                id: p.id().unwrap_or_default().to_owned(),
                name: p.name().unwrap_or_default().to_owned(),
            })
            .collect())
    }

    async fn describe_policy(&self, policy_id: &str) -> AwsResult<OrgPolicy> {
        let output = self
            .client
            .describe_policy()
            .policy_id(policy_id)
            .send()
            .await
            .or_aws(DESCRIBE_POLICY)
            .map_err(naming(DESCRIBE_POLICY))?;
        let policy =
            output.policy().ok_or_else(|| AwsError::other("organizations:DescribePolicy returned no policy"))?;
        let summary = policy.policy_summary();
        let name = summary.and_then(|s| s.name()).unwrap_or(policy_id).to_owned();
        let document =
            parse_policy(&format!("organization policy `{name}` (`{policy_id}`)"), policy.content().unwrap_or("{}"))?;
        Ok(OrgPolicy { id: summary.and_then(|s| s.id()).unwrap_or(policy_id).to_owned(), name, document })
    }

    async fn list_accounts(&self) -> AwsResult<Vec<OrgAccount>> {
        let pages: Vec<_> = self
            .client
            .list_accounts()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws(LIST_ACCOUNTS)
            .map_err(naming(LIST_ACCOUNTS))?;
        pages
            .iter()
            .flat_map(|page| page.accounts())
            .map(|account| {
                let raw = account.id().unwrap_or_default();
                let id = AccountId::parse(raw).map_err(|e| {
                    AwsError::other(format!("{LIST_ACCOUNTS} returned an account id `{raw}` that is not one: {e}"))
                })?;
                // `Status` is retired since September 2026 in favour of `State`; read either.
                #[allow(deprecated)]
                let status = account
                    .state()
                    .map(|s| s.as_str().to_owned())
                    .or_else(|| account.status().map(|s| s.as_str().to_owned()))
                    .unwrap_or_default();
                Ok(OrgAccount { id, name: account.name().unwrap_or_default().to_owned(), status })
            })
            .collect()
    }
}
