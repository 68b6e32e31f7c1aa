//! The fake AWS Organizations: any member describes its organization; only the management
//! account or a delegated administrator lists accounts, parents and policies, as in AWS.

use redbridge_core::doctor::OrgPolicy;

use super::{FakeAccount, FakeOrganization, World};
use crate::AwsError;
use crate::ports::{
    AwsResult, OrgAccount, OrgParent, OrgPolicySummary, OrgPolicyType, OrganizationInfo, Organizations,
};

impl FakeAccount {
    /// The organization, when this account may read it; AWS's refusals otherwise.
    fn readable_organization<'w>(&self, world: &'w World, action: &str) -> AwsResult<&'w FakeOrganization> {
        let denied = || {
            let caller = self.caller_arn();
            AwsError::AccessDenied {
                action: Some(action.to_owned()),
                principal: Some(caller.clone()),
                message: format!(
                    "You don't have permissions to access this resource. (User: {caller} is not authorized to perform: {action})"
                ),
            }
        };
        match &world.state.organization {
            Some(organization) if organization.accounts.contains_key(&self.account) => {
                if organization.may_read(self.account) { Ok(organization) } else { Err(denied()) }
            }
            _ => Err(AwsError::Invalid {
                code: "AWSOrganizationsNotInUseException".to_owned(),
                message: "Your account is not a member of an organization.".to_owned(),
            }),
        }
    }
}

impl Organizations for FakeAccount {
    async fn describe_organization(&self) -> AwsResult<Option<OrganizationInfo>> {
        let world = self.call("organizations:DescribeOrganization", self.account.as_str()).await?;
        Ok(world
            .state
            .organization
            .as_ref()
            .filter(|o| o.accounts.contains_key(&self.account))
            .map(|o| OrganizationInfo { id: o.id.clone(), management_account: o.management_account }))
    }

    async fn list_parents(&self, child_id: &str) -> AwsResult<Vec<OrgParent>> {
        let world = self.call("organizations:ListParents", child_id).await?;
        let organization = self.readable_organization(&world, "organizations:ListParents")?;
        let parent = organization
            .accounts
            .iter()
            .find(|(account, _)| account.as_str() == child_id)
            .map(|(_, parent)| parent)
            .or_else(|| organization.units.get(child_id))
            .ok_or_else(|| AwsError::not_found(format!("We can't find a child with the ID {child_id}")))?;
        Ok(vec![if *parent == organization.root_id {
            OrgParent::Root(parent.clone())
        } else {
            OrgParent::OrganizationalUnit(parent.clone())
        }])
    }

    async fn list_policies_for_target(
        &self,
        target_id: &str,
        policy_type: OrgPolicyType,
    ) -> AwsResult<Vec<OrgPolicySummary>> {
        let world = self.call("organizations:ListPoliciesForTarget", target_id).await?;
        let organization = self.readable_organization(&world, "organizations:ListPoliciesForTarget")?;
        let exists = target_id == organization.root_id
            || organization.units.contains_key(target_id)
            || organization.accounts.keys().any(|a| a.as_str() == target_id);
        if !exists {
            return Err(AwsError::not_found(format!("We can't find a target with the ID {target_id}")));
        }
        let attached = organization.attachments.get(target_id).map(Vec::as_slice).unwrap_or_default();
        Ok(attached
            .iter()
            .filter_map(|id| organization.policies.get(id).map(|p| (id, p)))
            .filter(|(_, p)| p.policy_type == policy_type)
            .map(|(id, p)| OrgPolicySummary { id: id.clone(), name: p.name.clone() })
            .collect())
    }

    async fn describe_policy(&self, policy_id: &str) -> AwsResult<OrgPolicy> {
        let world = self.call("organizations:DescribePolicy", policy_id).await?;
        let organization = self.readable_organization(&world, "organizations:DescribePolicy")?;
        let policy = organization
            .policies
            .get(policy_id)
            .ok_or_else(|| AwsError::not_found(format!("We can't find a policy with the ID {policy_id}")))?;
        Ok(OrgPolicy { id: policy_id.to_owned(), name: policy.name.clone(), document: policy.document.clone() })
    }

    async fn list_accounts(&self) -> AwsResult<Vec<OrgAccount>> {
        let world = self.call("organizations:ListAccounts", self.account.as_str()).await?;
        let organization = match self.readable_organization(&world, "organizations:ListAccounts") {
            Ok(organization) => organization,
            // AWS's text for a member's ListAccounts, word for word: "An error occurred
            // (AccessDeniedException) when calling the ListAccounts operation: You don't have
            // permissions to access this resource."
            // (https://github.com/aws-samples/aws-iam-access-key-auto-rotation/issues/10).
            Err(AwsError::AccessDenied { action, principal, .. }) => {
                return Err(AwsError::AccessDenied {
                    action,
                    principal,
                    message: "You don't have permissions to access this resource.".to_owned(),
                });
            }
            Err(other) => return Err(other),
        };
        Ok(organization
            .accounts
            .keys()
            .map(|account| OrgAccount {
                id: *account,
                name: organization.account_name(*account),
                status: organization.states.get(account).cloned().unwrap_or_else(|| "ACTIVE".to_owned()),
            })
            .collect())
    }
}
