//! STS through `aws-sdk-sts`: who the caller is.

use redbridge_iam::AccountId;

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, CallerIdentity, Sts};

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
}
