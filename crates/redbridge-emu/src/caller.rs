//! Who calls: the account and ARN behind a request's SigV4 `Authorization` header, and the
//! caller's identity policies and permissions boundary, read through the ports and kept for a
//! short time so a busy client does not multiply IAM reads.
//!
//! A 12-digit access key id is the account's root, as in LocalStack; any other key (LocalStack's
//! `AKIA…` user keys, `ASIA…` or `LSIA…` session keys) is asked of STS `GetCallerIdentity`
//! through the ports, once per key. A key STS does not know is LocalStack's default account's
//! root, as LocalStack treats it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redbridge_aws::ports::{Connect, Credentials, SessionKeys, Sts as _};
use redbridge_aws::principal_reader::read_principal;
use redbridge_core::doctor::Known;
use redbridge_iam::AccountId;
use redbridge_iam::eval::RequestPrincipal;
use redbridge_iam::policy::PolicyDocument;

use crate::state::Service;

/// The account LocalStack assigns to access keys it does not know.
pub(crate) const DEFAULT_ACCOUNT: &str = "000000000000";

/// How long a caller's policies are kept before they are read again: IAM itself is eventually
/// consistent, a change "takes time to become visible" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency>).
pub const DEFAULT_CALLER_POLICY_TTL: Duration = Duration::from_secs(2);

/// Who is calling.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The account.
    pub account: AccountId,
    /// The region of the credential scope.
    pub region: String,
    /// The caller's ARN: the account's root, a user, or an assumed-role session.
    pub arn: String,
    /// The ARN as the evaluator takes it.
    pub principal: RequestPrincipal,
    /// The keys the request was signed with, to act on the caller's behalf (the Data API reads a
    /// `SecretArn` with them): the account's own for a 12-digit key or a key STS does not know,
    /// otherwise the key id and session token (LocalStack checks no signature, so the secret
    /// key, which a request never carries, is not needed). `Debug` shows the key id only.
    pub credentials: Credentials,
}

/// The parts of a SigV4 `Authorization` header the emulator uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub access_key_id: String,
    pub region: String,
}

impl Signature {
    /// Reads `Credential=KEY/DATE/REGION/SERVICE/aws4_request` from an `Authorization` header.
    pub fn parse(header: &str) -> Option<Self> {
        let credential = header.split(['=', ',', ' ']).skip_while(|part| *part != "Credential").nth(1)?;
        let mut scope = credential.split('/');
        let key = scope.next().filter(|k| !k.is_empty())?;
        let _date = scope.next()?;
        let region = scope.next().filter(|r| !r.is_empty())?;
        Some(Self { access_key_id: key.to_owned(), region: region.to_owned() })
    }
}

impl Caller {
    /// The caller of a signed request (see the module's documentation).
    pub async fn resolve<C: Connect>(
        service: &Service<C>,
        signature: Signature,
        session_token: Option<&str>,
    ) -> Option<Self> {
        let key = signature.access_key_id.as_str();
        let direct =
            (key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit())).then(|| AccountId::parse(key).ok()).flatten();
        let signed = Credentials::Session(signed_keys(key, session_token));
        let (account, arn, credentials) = match direct {
            Some(account) => (account, root_arn(account), Credentials::Account(account)),
            None => match service.callers.identity(key) {
                Some((account, arn)) => (account, arn, signed),
                None => {
                    let found = identity(service, key, session_token).await;
                    if let Some(found) = &found {
                        service.callers.remember_identity(key, found.clone());
                    }
                    match found {
                        Some((account, arn)) => (account, arn, signed),
                        None => {
                            let account = AccountId::parse(DEFAULT_ACCOUNT).ok()?;
                            (account, root_arn(account), Credentials::Account(account))
                        }
                    }
                }
            },
        };
        let principal = RequestPrincipal::parse(&arn).ok()?;
        Some(Self { account, region: signature.region, arn, principal, credentials })
    }

    /// Whether the caller is its account's root (identity policies do not limit it).
    pub fn is_root(&self) -> bool {
        matches!(self.principal, RequestPrincipal::Root { .. })
    }

    /// `aws:userid` as the emulator gives it: the account id for the root (as AWS does), the
    /// caller's ARN otherwise (AWS gives unique ids the ports do not return; only equality with
    /// `redshift-data:statement-owner-iam-userid` matters here).
    pub fn user_id(&self) -> String {
        if self.is_root() { self.account.to_string() } else { self.arn.clone() }
    }
}

fn root_arn(account: AccountId) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// The keys of a signed request as the ports take them: the key id and session token; the
/// secret key is never sent in a request, and the emulator and LocalStack check no signature.
fn signed_keys(access_key_id: &str, session_token: Option<&str>) -> SessionKeys {
    SessionKeys {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: "unused".to_owned(),
        session_token: session_token.unwrap_or_default().to_owned(),
    }
}

/// The account and ARN of keys, as STS answers for them; `None` when it does not know them.
async fn identity<C: Connect>(
    service: &Service<C>,
    access_key_id: &str,
    session_token: Option<&str>,
) -> Option<(AccountId, String)> {
    // The emulator does not check signatures, and neither does LocalStack: the key and the
    // token identify the caller.
    let keys = signed_keys(access_key_id, session_token);
    let identity = service.cloud.sts(&Credentials::Session(keys)).caller_identity().await.ok()?;
    Some((identity.account, identity.arn))
}

/// A caller's identity policies and boundary.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerPolicies {
    /// Inline and managed (for users, their groups' too).
    pub identity: Vec<PolicyDocument>,
    /// The permissions boundary, if any.
    pub boundary: Option<PolicyDocument>,
}

/// What the emulator remembers of callers: identities per access key, policies per ARN.
#[derive(Debug, Default)]
pub(crate) struct Callers {
    identities: Mutex<HashMap<String, (AccountId, String)>>,
    policies: Mutex<HashMap<String, (Instant, Arc<CallerPolicies>)>>,
}

impl Callers {
    fn identity(&self, access_key_id: &str) -> Option<(AccountId, String)> {
        self.identities.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(access_key_id).cloned()
    }

    fn remember_identity(&self, access_key_id: &str, identity: (AccountId, String)) {
        let mut identities = self.identities.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        identities.insert(access_key_id.to_owned(), identity);
    }

    fn fresh_policies(&self, arn: &str, ttl: Duration) -> Option<Arc<CallerPolicies>> {
        let policies = self.policies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        policies.get(arn).filter(|(read, _)| read.elapsed() < ttl).map(|(_, found)| Arc::clone(found))
    }

    fn remember_policies(&self, arn: &str, found: Arc<CallerPolicies>) {
        let mut policies = self.policies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Entries past their time are dropped as they are replaced; a bound keeps a client that
        // cycles through session keys from growing the map without end.
        if policies.len() >= 10_000 {
            policies.clear();
        }
        policies.insert(arn.to_owned(), (Instant::now(), found));
    }
}

/// The caller's policies, from the cache or read through the ports with its account's
/// credentials (`redbridge_aws::principal_reader::read_principal`: a user's own and its groups',
/// a role's for the role and its sessions, and the boundary); `Err` with the reason when they
/// cannot be read. Not for the root.
pub(crate) async fn caller_policies<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
) -> Result<Arc<CallerPolicies>, String> {
    let ttl = service.config.caller_policy_ttl;
    if let Some(found) = service.callers.fresh_policies(&caller.arn, ttl) {
        return Ok(found);
    }
    let iam = service.cloud.iam(&Credentials::Account(caller.account));
    let found = match read_principal(&iam, &caller.arn).await {
        Known::Known { value } => CallerPolicies {
            identity: value.policies.into_iter().map(|p| p.document).collect(),
            boundary: value.permissions_boundary.map(|p| p.document),
        },
        Known::Absent => return Err(format!("`{}` does not exist", caller.arn)),
        Known::Unknown { reason } => return Err(reason),
    };
    let found = Arc::new(found);
    service.callers.remember_policies(&caller.arn, Arc::clone(&found));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use redbridge_iam::RoleArn;

    use super::*;

    #[test]
    fn the_signature_gives_the_key_and_the_region() {
        let header = "AWS4-HMAC-SHA256 Credential=111111111111/20260101/eu-west-1/redshift/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        let signature = Signature::parse(header).unwrap();
        assert_eq!(signature, Signature { access_key_id: "111111111111".into(), region: "eu-west-1".into() });
        assert!(Signature::parse("Bearer nothing").is_none());
    }

    #[tokio::test]
    async fn twelve_digit_keys_are_roots_session_keys_map_back_and_others_are_the_default_root() {
        use redbridge_aws::fake::FakeAws;
        let aws = FakeAws::new();
        let role = RoleArn::parse("arn:aws:iam::222222222222:role/R").unwrap();
        aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
        let caller = Credentials::Account(AccountId::parse("111111111111").unwrap());
        let session = aws.sts(&caller).assume_role(&role, "s", None).await.unwrap();
        let service = Service::new(crate::Config::default(), aws.clone());
        let signed = |key: &str| Signature { access_key_id: key.to_owned(), region: "us-east-1".to_owned() };
        let root = Caller::resolve(&service, signed("111111111111"), None).await.unwrap();
        assert_eq!((root.account.as_str(), root.arn.as_str()), ("111111111111", "arn:aws:iam::111111111111:root"));
        assert!(root.is_root());
        let by_session =
            Caller::resolve(&service, signed(&session.keys.access_key_id), Some(&session.keys.session_token))
                .await
                .unwrap();
        assert_eq!(by_session.account.as_str(), "222222222222");
        assert_eq!(by_session.arn, "arn:aws:sts::222222222222:assumed-role/R/s");
        assert!(!by_session.is_root());
        aws.clear_calls();
        let again = Caller::resolve(&service, signed(&session.keys.access_key_id), Some(&session.keys.session_token))
            .await
            .unwrap();
        assert_eq!(again.arn, by_session.arn);
        assert!(aws.calls().is_empty(), "the identity of a key is asked once: {:?}", aws.calls());
        let unknown = Caller::resolve(&service, signed("AKIAEXAMPLE"), None).await.unwrap();
        assert_eq!(unknown.arn, format!("arn:aws:iam::{DEFAULT_ACCOUNT}:root"));
    }
}
