//! IAM through `aws-sdk-iam`: roles, their trust and inline policies, and the managed policies
//! attached to them; users and groups and their policies (to read the operator's own).

use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;

use super::{SdkResultExt, parse_policy};
use crate::AwsError;
use crate::ports::{AwsResult, Iam, NewRole, RoleInfo, UserInfo};

adapter! {
    /// IAM through `aws-sdk-iam`.
    SdkIam(aws_sdk_iam::Client), from_conf
}

fn iam_tag(key: &str, value: &str) -> AwsResult<aws_sdk_iam::types::Tag> {
    aws_sdk_iam::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|e| AwsError::other(format!("cannot build tag `{key}`: {e}")))
}

impl Iam for SdkIam {
    async fn get_role(&self, name: &str) -> AwsResult<Option<RoleInfo>> {
        let output = self.client.get_role().role_name(name).send().await.or_none("iam:GetRole")?;
        let Some(role) = output.as_ref().and_then(|o| o.role()) else { return Ok(None) };
        let arn = RoleArn::parse(role.arn())
            .map_err(|e| AwsError::other(format!("IAM returned role ARN `{}` that does not parse: {e}", role.arn())))?;
        let trust_policy = parse_policy("trust policy", role.assume_role_policy_document().unwrap_or("{}"))?;
        Ok(Some(RoleInfo {
            arn,
            trust_policy,
            tags: role.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect(),
            description: role.description().map(str::to_owned),
            permissions_boundary: role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_owned),
        }))
    }

    async fn create_role(&self, role: &NewRole) -> AwsResult<()> {
        let mut request = self
            .client
            .create_role()
            .role_name(role.arn.name())
            .path(role.arn.path())
            .description(&role.description)
            .assume_role_policy_document(role.trust_policy.to_json());
        for (key, value) in &role.tags {
            request = request.tags(iam_tag(key, value)?);
        }
        request.send().await.or_aws("iam:CreateRole")?;
        Ok(())
    }

    async fn update_trust_policy(&self, name: &str, policy: &PolicyDocument) -> AwsResult<()> {
        self.client
            .update_assume_role_policy()
            .role_name(name)
            .policy_document(policy.to_json())
            .send()
            .await
            .or_aws("iam:UpdateAssumeRolePolicy")?;
        Ok(())
    }

    async fn tag_role(&self, name: &str, tags: &[(String, String)]) -> AwsResult<()> {
        let mut request = self.client.tag_role().role_name(name);
        for (key, value) in tags {
            request = request.tags(iam_tag(key, value)?);
        }
        request.send().await.or_aws("iam:TagRole")?;
        Ok(())
    }

    async fn delete_role(&self, name: &str) -> AwsResult<()> {
        self.client.delete_role().role_name(name).send().await.or_aws("iam:DeleteRole")?;
        Ok(())
    }

    async fn get_role_policy(&self, role: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let output = self
            .client
            .get_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .or_none("iam:GetRolePolicy")?;
        output.map(|o| parse_policy("inline policy", o.policy_document())).transpose()
    }

    async fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> AwsResult<()> {
        self.client
            .put_role_policy()
            .role_name(role)
            .policy_name(policy)
            .policy_document(document.to_json())
            .send()
            .await
            .or_aws("iam:PutRolePolicy")?;
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy: &str) -> AwsResult<()> {
        self.client
            .delete_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .or_aws("iam:DeleteRolePolicy")?;
        Ok(())
    }

    async fn list_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        self.client
            .list_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListRolePolicies")
    }

    async fn list_attached_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let attached = self
            .client
            .list_attached_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListAttachedRolePolicies")?;
        Ok(attached.iter().filter_map(|p| p.policy_arn()).map(str::to_owned).collect())
    }

    async fn managed_policy_default_version(&self, policy_arn: &str) -> AwsResult<Option<String>> {
        let output = self.client.get_policy().policy_arn(policy_arn).send().await.or_none("iam:GetPolicy")?;
        Ok(output.as_ref().and_then(|o| o.policy()).and_then(|p| p.default_version_id()).map(str::to_owned))
    }

    async fn managed_policy_version(&self, policy_arn: &str, version: &str) -> AwsResult<PolicyDocument> {
        let output = self
            .client
            .get_policy_version()
            .policy_arn(policy_arn)
            .version_id(version)
            .send()
            .await
            .or_aws("iam:GetPolicyVersion")?;
        let document = output.policy_version().and_then(|v| v.document()).unwrap_or("{}");
        parse_policy("managed policy", document)
    }

    async fn get_user(&self, name: &str) -> AwsResult<Option<UserInfo>> {
        let output = self.client.get_user().user_name(name).send().await.or_none("iam:GetUser")?;
        Ok(output.as_ref().and_then(|o| o.user()).map(|user| UserInfo {
            arn: user.arn().to_owned(),
            permissions_boundary: user
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_owned),
        }))
    }

    async fn list_user_policies(&self, user: &str) -> AwsResult<Vec<String>> {
        self.client
            .list_user_policies()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListUserPolicies")
    }

    async fn get_user_policy(&self, user: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let output = self
            .client
            .get_user_policy()
            .user_name(user)
            .policy_name(policy)
            .send()
            .await
            .or_none("iam:GetUserPolicy")?;
        output.map(|o| parse_policy("inline policy", o.policy_document())).transpose()
    }

    async fn list_attached_user_policies(&self, user: &str) -> AwsResult<Vec<String>> {
        let attached = self
            .client
            .list_attached_user_policies()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListAttachedUserPolicies")?;
        Ok(attached.iter().filter_map(|p| p.policy_arn()).map(str::to_owned).collect())
    }

    async fn list_groups_for_user(&self, user: &str) -> AwsResult<Vec<String>> {
        let groups = self
            .client
            .list_groups_for_user()
            .user_name(user)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListGroupsForUser")?;
        Ok(groups.iter().map(|g| g.group_name().to_owned()).collect())
    }

    async fn list_group_policies(&self, group: &str) -> AwsResult<Vec<String>> {
        self.client
            .list_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListGroupPolicies")
    }

    async fn get_group_policy(&self, group: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let output = self
            .client
            .get_group_policy()
            .group_name(group)
            .policy_name(policy)
            .send()
            .await
            .or_none("iam:GetGroupPolicy")?;
        output.map(|o| parse_policy("inline policy", o.policy_document())).transpose()
    }

    async fn list_attached_group_policies(&self, group: &str) -> AwsResult<Vec<String>> {
        let attached = self
            .client
            .list_attached_group_policies()
            .group_name(group)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("iam:ListAttachedGroupPolicies")?;
        Ok(attached.iter().filter_map(|p| p.policy_arn()).map(str::to_owned).collect())
    }

    async fn list_roles(&self) -> AwsResult<Vec<RoleInfo>> {
        let pages: Vec<_> =
            self.client.list_roles().into_paginator().send().try_collect().await.or_aws("iam:ListRoles")?;
        pages
            .iter()
            .flat_map(|page| page.roles())
            .map(|role| {
                let arn = RoleArn::parse(role.arn()).map_err(|e| {
                    AwsError::other(format!("IAM returned role ARN `{}` that does not parse: {e}", role.arn()))
                })?;
                let trust_policy = parse_policy(
                    &format!("the trust policy of role `{}`", role.role_name()),
                    role.assume_role_policy_document().unwrap_or("{}"),
                )?;
                // ListRoles returns neither tags nor permissions boundary (`get_role` does).
                Ok(RoleInfo {
                    arn,
                    trust_policy,
                    tags: Vec::new(),
                    description: role.description().map(str::to_owned),
                    permissions_boundary: None,
                })
            })
            .collect()
    }
}
