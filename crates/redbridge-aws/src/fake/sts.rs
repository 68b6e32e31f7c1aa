//! The fake STS: the caller is a user of the account or a session the fake issued; AssumeRole
//! issues sessions of roles that exist (trust is not checked: callers judge it themselves).

use redbridge_iam::RoleArn;

use super::FakeAccount;
use crate::AwsError;
use crate::ports::{AwsResult, CallerIdentity, SessionCredentials, Sts};

impl Sts for FakeAccount {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let _world = self.call("sts:GetCallerIdentity", self.account.as_str()).await?;
        Ok(CallerIdentity { account: self.account, arn: self.caller_arn() })
    }

    async fn assume_role(
        &self,
        role: &RoleArn,
        session_name: &str,
        external_id: Option<&str>,
    ) -> AwsResult<SessionCredentials> {
        let caller = self.caller_arn();
        let mut world = self.call("sts:AssumeRole", &role.to_string()).await?;
        if !world.state.roles.contains_key(&role.to_string()) {
            return Err(AwsError::AccessDenied {
                action: Some("sts:AssumeRole".to_owned()),
                principal: Some(caller.clone()),
                message: format!("User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}"),
            });
        }
        Ok(world.sessions.issue(caller, role, session_name, external_id))
    }
}
