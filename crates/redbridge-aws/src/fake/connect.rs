//! The fake world as a [`Connect`]: ports for an account's own credentials or for the keys of
//! a session its `sts:AssumeRole` issued (they act in the role's account and answer
//! `GetCallerIdentity` with the assumed-role ARN), and the record of every AssumeRole made.

use std::collections::BTreeMap;

use redbridge_iam::{AccountId, Region, RoleArn};

use super::{FakeAccount, FakeAws, FakeRedshift, World};
use crate::AwsError;
use crate::ports::{AwsResult, Connect, Credentials, SessionCredentials, SessionKeys};

/// One `sts:AssumeRole` the fake answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeAssumedRole {
    /// Who assumed it: the caller's ARN (an account's user or an assumed-role session).
    pub caller: String,
    /// The role assumed.
    pub role: RoleArn,
    /// The session name asked for.
    pub session_name: String,
    /// The external id passed, if any.
    pub external_id: Option<String>,
}

/// A session the fake issued.
#[derive(Debug, Clone)]
struct Session {
    session_token: String,
    account: AccountId,
    arn: String,
}

/// The sessions issued and the AssumeRole calls made.
#[derive(Debug, Default)]
pub(super) struct Sessions {
    issued: BTreeMap<String, Session>,
    assumed: Vec<FakeAssumedRole>,
}

impl Sessions {
    /// Issues keys for a session of `role`, and records the call.
    pub(super) fn issue(
        &mut self,
        caller: String,
        role: &RoleArn,
        session_name: &str,
        external_id: Option<&str>,
    ) -> SessionCredentials {
        let n = self.issued.len() + 1;
        let keys = SessionKeys {
            access_key_id: format!("ASIAFAKE{n:012}"),
            secret_access_key: format!("fake-secret-{n}"),
            session_token: format!("fake-token-{n}"),
        };
        let arn =
            format!("arn:{}:sts::{}:assumed-role/{}/{session_name}", role.partition(), role.account(), role.name());
        self.issued.insert(
            keys.access_key_id.clone(),
            Session { session_token: keys.session_token.clone(), account: role.account(), arn: arn.clone() },
        );
        self.assumed.push(FakeAssumedRole {
            caller,
            role: role.clone(),
            session_name: session_name.to_owned(),
            external_id: external_id.map(str::to_owned),
        });
        SessionCredentials { keys, account: role.account(), assumed_role_arn: arn }
    }
}

/// Whose credentials a [`FakeAccount`] holds.
#[derive(Debug, Clone)]
pub(super) enum SessionIdentity {
    /// The account's own.
    None,
    /// A session the fake issued: its assumed-role ARN.
    Assumed(String),
    /// Keys the fake never issued: every call is refused, as AWS refuses an unknown token.
    Unknown,
}

impl FakeAccount {
    /// Counts the call and refuses it when the credentials are not the fake's.
    pub(super) async fn call(&self, operation: &str, target: &str) -> AwsResult<std::sync::MutexGuard<'_, World>> {
        let world = self.aws.call_in(Some(self.account), operation, target).await?;
        if matches!(self.session, SessionIdentity::Unknown) {
            drop(world);
            return Err(AwsError::from_code(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ));
        }
        Ok(world)
    }

    /// The ARN `GetCallerIdentity` answers.
    pub(super) fn caller_arn(&self) -> String {
        match &self.session {
            SessionIdentity::Assumed(arn) => arn.clone(),
            SessionIdentity::None | SessionIdentity::Unknown => format!("arn:aws:iam::{}:user/fake", self.account),
        }
    }
}

impl FakeAws {
    /// Every `sts:AssumeRole` made so far, in order.
    pub fn assumed_roles(&self) -> Vec<FakeAssumedRole> {
        self.lock().sessions.assumed.clone()
    }

    fn connect(&self, credentials: &Credentials) -> FakeAccount {
        match credentials {
            Credentials::Account(account) => self.account(*account),
            Credentials::Session(keys) => {
                let found = self
                    .lock()
                    .sessions
                    .issued
                    .get(&keys.access_key_id)
                    .filter(|s| s.session_token == keys.session_token)
                    .cloned();
                match found {
                    Some(session) => FakeAccount {
                        aws: self.clone(),
                        account: session.account,
                        session: SessionIdentity::Assumed(session.arn),
                    },
                    None => FakeAccount {
                        aws: self.clone(),
                        account: AccountId::parse("000000000000").expect("a valid account id"),
                        session: SessionIdentity::Unknown,
                    },
                }
            }
        }
    }
}

/// Every port of the fake is one [`FakeAccount`], or the [`FakeRedshift`] of the credentials'
/// account (a session's: the role's account); regions do not matter to it.
impl Connect for FakeAws {
    type Iam = FakeAccount;
    type Sts = FakeAccount;
    type Kms = FakeAccount;
    type S3 = FakeAccount;
    type Redshift = FakeRedshift;
    type Serverless = FakeRedshift;
    type Organizations = FakeAccount;
    type SecretsManager = FakeAccount;

    fn iam(&self, credentials: &Credentials) -> FakeAccount {
        self.connect(credentials)
    }

    fn sts(&self, credentials: &Credentials) -> FakeAccount {
        self.connect(credentials)
    }

    fn kms(&self, credentials: &Credentials, _region: &Region) -> FakeAccount {
        self.connect(credentials)
    }

    fn s3(&self, credentials: &Credentials, _region: &Region) -> FakeAccount {
        self.connect(credentials)
    }

    fn redshift(&self, credentials: &Credentials, _region: &Region) -> FakeRedshift {
        let account = self.connect(credentials);
        FakeRedshift { aws: self.clone(), owner: Some(account.account), session: account.session }
    }

    fn serverless(&self, credentials: &Credentials, region: &Region) -> FakeRedshift {
        Connect::redshift(self, credentials, region)
    }

    fn organizations(&self, credentials: &Credentials) -> FakeAccount {
        self.connect(credentials)
    }

    fn secrets_manager(&self, credentials: &Credentials, _region: &Region) -> FakeAccount {
        self.connect(credentials)
    }

    fn default_region(&self) -> Region {
        Region::parse("us-east-1").expect("a valid region")
    }
}
