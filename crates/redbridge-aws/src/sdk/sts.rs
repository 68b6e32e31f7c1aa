//! STS through `aws-sdk-sts`: who the caller is, and assuming a role as it.

use redbridge_iam::{AccountId, RoleArn};

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, CallerIdentity, SessionCredentials, SessionKeys, Sts};

adapter! {
    /// STS through `aws-sdk-sts`.
    SdkSts(aws_sdk_sts::Client), from_conf
}

impl Sts for SdkSts {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let output = self.client.get_caller_identity().send().await.or_aws("sts:GetCallerIdentity")?;
        let account = output.account().unwrap_or_default();
        let account = AccountId::parse(account)
            .map_err(|e| AwsError::other(format!("STS returned account `{account}` that does not parse: {e}")))?;
        Ok(CallerIdentity { account, arn: output.arn().unwrap_or_default().to_owned() })
    }

    async fn assume_role(
        &self,
        role: &RoleArn,
        session_name: &str,
        external_id: Option<&str>,
    ) -> AwsResult<SessionCredentials> {
        let output = self
            .client
            .assume_role()
            .role_arn(role.to_string())
            .role_session_name(session_name)
            .set_external_id(external_id.map(str::to_owned))
            .send()
            .await
            .or_aws("sts:AssumeRole")?;
        let credentials =
            output.credentials().ok_or_else(|| AwsError::other("sts:AssumeRole returned no credentials"))?;
        let assumed_role_arn = output.assumed_role_user().map(|u| u.arn().to_owned()).unwrap_or_else(|| {
            format!("arn:{}:sts::{}:assumed-role/{}/{session_name}", role.partition(), role.account(), role.name())
        });
        Ok(SessionCredentials {
            keys: SessionKeys {
                access_key_id: credentials.access_key_id().to_owned(),
                secret_access_key: credentials.secret_access_key().to_owned(),
                session_token: credentials.session_token().to_owned(),
            },
            account: role.account(),
            assumed_role_arn,
        })
    }
}
