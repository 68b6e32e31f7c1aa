//! The fake IAM: roles, their trust and inline policies, attached managed policies; users and
//! groups with theirs.

use std::collections::BTreeMap;

use redbridge_iam::policy::PolicyDocument;

use super::{FakeAccount, FakeRole, World};
use crate::AwsError;
use crate::ports::{AwsResult, Iam, NewRole, RoleInfo, UserInfo};

impl FakeAccount {
    fn role_key(&self, world: &World, name: &str) -> Option<String> {
        world
            .state
            .roles
            .iter()
            .find(|(_, r)| r.arn.account() == self.account && r.arn.name() == name)
            .map(|(k, _)| k.clone())
    }

    /// The ARN of this account's user or group (`kind`) of this name, if it exists.
    fn principal_key<'w, T>(&self, entries: &'w BTreeMap<String, T>, kind: &str, name: &str) -> Option<&'w str> {
        let account = format!(":{}:{kind}/", self.account);
        entries.keys().find(|arn| arn.contains(&account) && arn.rsplit('/').next() == Some(name)).map(String::as_str)
    }

    fn user_key(&self, world: &World, name: &str) -> AwsResult<String> {
        self.principal_key(&world.state.users, "user", name)
            .map(str::to_owned)
            .ok_or_else(|| AwsError::not_found(format!("The user with name {name} cannot be found.")))
    }

    fn group_key(&self, world: &World, name: &str) -> AwsResult<String> {
        self.principal_key(&world.state.groups, "group", name)
            .map(str::to_owned)
            .ok_or_else(|| AwsError::not_found(format!("The group with name {name} cannot be found.")))
    }

    fn no_role(name: &str) -> AwsError {
        AwsError::not_found(format!("The role with name {name} cannot be found."))
    }
}

impl Iam for FakeAccount {
    async fn get_role(&self, name: &str) -> AwsResult<Option<RoleInfo>> {
        let world = self.call("iam:GetRole", name).await?;
        Ok(self.role_key(&world, name).and_then(|k| world.state.roles.get(&k)).map(|r| RoleInfo {
            arn: r.arn.clone(),
            trust_policy: r.trust_policy.clone(),
            tags: r.tags.clone(),
            description: r.description.clone(),
            permissions_boundary: world.state.boundaries.get(&r.arn.to_string()).cloned(),
        }))
    }

    async fn create_role(&self, role: &NewRole) -> AwsResult<()> {
        let mut world = self.call("iam:CreateRole", role.arn.name()).await?;
        if role.arn.account() != self.account {
            return Err(AwsError::Invalid {
                code: "InvalidInput".into(),
                message: format!("`{}` is not in this account", role.arn),
            });
        }
        if self.role_key(&world, role.arn.name()).is_some() {
            return Err(AwsError::Conflict {
                code: "EntityAlreadyExists".into(),
                message: format!("Role with name {} already exists.", role.arn.name()),
            });
        }
        world.validate_principals(&role.trust_policy, "MalformedPolicyDocument")?;
        let arn = role.arn.to_string();
        let invisible = world.invisible_calls;
        world.invisible.insert(arn.clone(), invisible);
        world.state.roles.insert(
            arn,
            FakeRole {
                arn: role.arn.clone(),
                trust_policy: role.trust_policy.clone(),
                tags: role.tags.clone(),
                description: Some(role.description.clone()),
                inline_policies: BTreeMap::new(),
            },
        );
        Ok(())
    }

    async fn update_trust_policy(&self, name: &str, policy: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.call("iam:UpdateAssumeRolePolicy", name).await?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        world.validate_principals(policy, "MalformedPolicyDocument")?;
        if let Some(role) = world.state.roles.get_mut(&key) {
            role.trust_policy = policy.clone();
        }
        Ok(())
    }

    async fn tag_role(&self, name: &str, tags: &[(String, String)]) -> AwsResult<()> {
        let mut world = self.call("iam:TagRole", name).await?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        if let Some(role) = world.state.roles.get_mut(&key) {
            for (k, v) in tags {
                match role.tags.iter_mut().find(|(existing, _)| existing == k) {
                    Some(tag) => tag.1.clone_from(v),
                    None => role.tags.push((k.clone(), v.clone())),
                }
            }
        }
        Ok(())
    }

    async fn delete_role(&self, name: &str) -> AwsResult<()> {
        let mut world = self.call("iam:DeleteRole", name).await?;
        let key = self.role_key(&world, name).ok_or_else(|| Self::no_role(name))?;
        if world.state.roles.get(&key).is_some_and(|r| !r.inline_policies.is_empty()) {
            return Err(AwsError::Conflict {
                code: "DeleteConflict".into(),
                message: "Cannot delete entity, must delete policies first.".into(),
            });
        }
        world.state.roles.remove(&key);
        Ok(())
    }

    async fn get_role_policy(&self, role: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.call("iam:GetRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).and_then(|r| r.inline_policies.get(policy)).cloned())
    }

    async fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> AwsResult<()> {
        let mut world = self.call("iam:PutRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        if let Some(found) = world.state.roles.get_mut(&key) {
            found.inline_policies.insert(policy.to_owned(), document.clone());
        }
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy: &str) -> AwsResult<()> {
        let mut world = self.call("iam:DeleteRolePolicy", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        match world.state.roles.get_mut(&key).and_then(|r| r.inline_policies.remove(policy)) {
            Some(_) => Ok(()),
            None => Err(AwsError::not_found(format!("The role policy with name {policy} cannot be found."))),
        }
    }

    async fn list_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListRolePolicies", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.roles.get(&key).map(|r| r.inline_policies.keys().cloned().collect()).unwrap_or_default())
    }

    async fn list_attached_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListAttachedRolePolicies", role).await?;
        let key = self.role_key(&world, role).ok_or_else(|| Self::no_role(role))?;
        Ok(world.state.attached_policies.get(&key).cloned().unwrap_or_default())
    }

    async fn managed_policy_default_version(&self, policy_arn: &str) -> AwsResult<Option<String>> {
        let world = self.call("iam:GetPolicy", policy_arn).await?;
        Ok(world.state.managed_policies.contains_key(policy_arn).then(|| "v1".to_owned()))
    }

    async fn managed_policy_version(&self, policy_arn: &str, version: &str) -> AwsResult<PolicyDocument> {
        let world = self.call("iam:GetPolicyVersion", policy_arn).await?;
        match (version, world.state.managed_policies.get(policy_arn)) {
            ("v1", Some(document)) => Ok(document.clone()),
            _ => Err(AwsError::not_found(format!(
                "Policy {policy_arn} version {version} does not exist or is not attachable."
            ))),
        }
    }

    async fn get_user(&self, name: &str) -> AwsResult<Option<UserInfo>> {
        let world = self.call("iam:GetUser", name).await?;
        let Ok(key) = self.user_key(&world, name) else { return Ok(None) };
        Ok(Some(UserInfo { permissions_boundary: world.state.boundaries.get(&key).cloned(), arn: key }))
    }

    async fn list_user_policies(&self, user: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListUserPolicies", user).await?;
        let key = self.user_key(&world, user)?;
        Ok(world.state.users.get(&key).map(|u| u.inline_policies.keys().cloned().collect()).unwrap_or_default())
    }

    async fn get_user_policy(&self, user: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.call("iam:GetUserPolicy", user).await?;
        let key = self.user_key(&world, user)?;
        Ok(world.state.users.get(&key).and_then(|u| u.inline_policies.get(policy)).cloned())
    }

    async fn list_attached_user_policies(&self, user: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListAttachedUserPolicies", user).await?;
        let key = self.user_key(&world, user)?;
        Ok(world.state.attached_policies.get(&key).cloned().unwrap_or_default())
    }

    async fn list_groups_for_user(&self, user: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListGroupsForUser", user).await?;
        let key = self.user_key(&world, user)?;
        Ok(world.state.users.get(&key).map(|u| u.groups.clone()).unwrap_or_default())
    }

    async fn list_group_policies(&self, group: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListGroupPolicies", group).await?;
        let key = self.group_key(&world, group)?;
        Ok(world.state.groups.get(&key).map(|g| g.inline_policies.keys().cloned().collect()).unwrap_or_default())
    }

    async fn get_group_policy(&self, group: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        let world = self.call("iam:GetGroupPolicy", group).await?;
        let key = self.group_key(&world, group)?;
        Ok(world.state.groups.get(&key).and_then(|g| g.inline_policies.get(policy)).cloned())
    }

    async fn list_attached_group_policies(&self, group: &str) -> AwsResult<Vec<String>> {
        let world = self.call("iam:ListAttachedGroupPolicies", group).await?;
        let key = self.group_key(&world, group)?;
        Ok(world.state.attached_policies.get(&key).cloned().unwrap_or_default())
    }

    /// This account's roles by ARN; like ListRoles, without tags or boundary.
    async fn list_roles(&self) -> AwsResult<Vec<RoleInfo>> {
        let world = self.call("iam:ListRoles", self.account.as_str()).await?;
        Ok(world
            .state
            .roles
            .values()
            .filter(|r| r.arn.account() == self.account)
            .map(|r| RoleInfo {
                arn: r.arn.clone(),
                trust_policy: r.trust_policy.clone(),
                tags: Vec::new(),
                description: r.description.clone(),
                permissions_boundary: None,
            })
            .collect())
    }
}
