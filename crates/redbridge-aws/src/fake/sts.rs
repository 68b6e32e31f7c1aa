//! The fake STS: the caller is a user of the account.

use super::FakeAccount;
use crate::ports::{AwsResult, CallerIdentity, Sts};

impl Sts for FakeAccount {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let _world = self.aws.call_in(Some(self.account), "sts:GetCallerIdentity", self.account.as_str()).await?;
        Ok(CallerIdentity { account: self.account, arn: format!("arn:aws:iam::{}:user/fake", self.account) })
    }
}
