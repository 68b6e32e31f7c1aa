//! [`Connect`] over already-loaded configurations, for real AWS: each account entered with its
//! own profile's [`SdkConfig`], any other with the base one, and a role session's keys signed
//! with the base configuration's settings (endpoint, region, retries) and the session's keys.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_types::sdk_config::SharedCredentialsProvider;
use redbridge_iam::{AccountId, Region};

use super::connect::ConfigSource;
use crate::config::{in_region, s3_endpoint_overridden};
use crate::ports::Credentials;

/// The region used when the base configuration names none.
const FALLBACK_REGION: &str = "us-east-1";

/// SDK ports over loaded configurations: the base one, and one per account given a profile.
#[derive(Debug, Clone)]
pub struct ProfileConnector {
    base: SdkConfig,
    accounts: BTreeMap<AccountId, SdkConfig>,
}

impl ProfileConnector {
    /// Ports signing with `base` (as [`crate::config::load`] returned it) for any account
    /// without its own configuration, and for role sessions.
    pub fn new(base: SdkConfig) -> Self {
        Self { base, accounts: BTreeMap::new() }
    }

    /// Enters `account` with `config` (its profile's) when asked for the account's own
    /// credentials.
    pub fn with_account(mut self, account: AccountId, config: SdkConfig) -> Self {
        self.accounts.insert(account, config);
        self
    }

    /// The configuration the ports of `credentials` are built from, in `region` (or in the
    /// configuration's own region when `None`): the account's own, else the base; a session's
    /// keys over the base.
    pub fn config(&self, credentials: &Credentials, region: Option<&Region>) -> SdkConfig {
        let config = match credentials {
            Credentials::Account(account) => self.accounts.get(account).unwrap_or(&self.base).clone(),
            Credentials::Session(keys) => {
                let session = aws_sdk_sts::config::Credentials::new(
                    keys.access_key_id.clone(),
                    keys.secret_access_key.clone(),
                    Some(keys.session_token.clone()).filter(|t| !t.is_empty()),
                    None,
                    "redbridge-session",
                );
                self.base.to_builder().credentials_provider(SharedCredentialsProvider::new(session)).build()
            }
        };
        match region {
            Some(region) => in_region(&config, region),
            None => config,
        }
    }
}

impl ConfigSource for ProfileConnector {
    fn config_for(&self, credentials: &Credentials, region: Option<&Region>) -> SdkConfig {
        self.config(credentials, region)
    }

    /// Path-style when S3's endpoint is overridden (an emulator), virtual-hosted otherwise.
    fn path_style(&self, config: &SdkConfig) -> bool {
        s3_endpoint_overridden(config)
    }

    /// The base configuration's region, `us-east-1` when it names none (or one that is not a
    /// region).
    fn default_region(&self) -> Region {
        self.base
            .region()
            .and_then(|r| Region::parse(r.as_ref()).ok())
            .unwrap_or_else(|| Region::parse(FALLBACK_REGION).expect("a valid region"))
    }
}

#[cfg(test)]
mod tests {
    use aws_config::BehaviorVersion;
    use aws_credential_types::provider::ProvideCredentials;

    use super::*;
    use crate::ports::SessionKeys;

    fn account(id: &str) -> AccountId {
        AccountId::parse(id).unwrap()
    }

    fn region(name: &str) -> Region {
        Region::parse(name).unwrap()
    }

    /// A configuration with static keys `key`, in `region`, at `endpoint`.
    fn loaded(key: &str, region: &str, endpoint: &str) -> SdkConfig {
        let keys = aws_sdk_sts::config::Credentials::new(key, "secret", None, None, "test");
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_owned()))
            .endpoint_url(endpoint)
            .credentials_provider(SharedCredentialsProvider::new(keys))
            .build()
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    /// The access key id and session token the configuration signs with.
    fn signing_keys(config: &SdkConfig) -> (String, Option<String>) {
        let provider = config.credentials_provider().expect("a credentials provider");
        let keys = block_on(provider.provide_credentials()).expect("static credentials");
        (keys.access_key_id().to_owned(), keys.session_token().map(str::to_owned))
    }

    fn connector() -> ProfileConnector {
        ProfileConnector::new(loaded("AKIABASE", "eu-west-1", "http://base.example"))
            .with_account(account("111111111111"), loaded("AKIAPROD", "eu-central-1", "http://prod.example"))
    }

    #[test]
    fn an_account_with_its_own_profile_signs_with_that_profile() {
        let config = connector().config(&Credentials::Account(account("111111111111")), None);
        assert_eq!(signing_keys(&config).0, "AKIAPROD");
        assert_eq!(config.endpoint_url(), Some("http://prod.example"));
        assert_eq!(config.region().map(|r| r.as_ref().to_owned()), Some("eu-central-1".to_owned()));
    }

    #[test]
    fn an_account_without_a_profile_signs_with_the_base() {
        let config = connector().config(&Credentials::Account(account("222222222222")), None);
        assert_eq!(signing_keys(&config).0, "AKIABASE");
        assert_eq!(config.endpoint_url(), Some("http://base.example"));
    }

    #[test]
    fn a_session_signs_with_its_keys_over_the_base_settings() {
        let keys = SessionKeys {
            access_key_id: "ASIASESSION".into(),
            secret_access_key: "s".into(),
            session_token: "token".into(),
        };
        let config = connector().config(&Credentials::Session(keys), None);
        assert_eq!(signing_keys(&config), ("ASIASESSION".to_owned(), Some("token".to_owned())));
        assert_eq!(config.endpoint_url(), Some("http://base.example"), "the base endpoint is kept");
        assert_eq!(config.region().map(|r| r.as_ref().to_owned()), Some("eu-west-1".to_owned()));
    }

    #[test]
    fn region_bound_ports_get_the_region_asked_for_and_keep_the_account() {
        let config = connector().config(&Credentials::Account(account("111111111111")), Some(&region("ap-south-1")));
        assert_eq!(config.region().map(|r| r.as_ref().to_owned()), Some("ap-south-1".to_owned()));
        assert_eq!(signing_keys(&config).0, "AKIAPROD");
    }

    #[test]
    fn the_default_region_is_the_base_region() {
        assert_eq!(connector().default_region(), region("eu-west-1"));
        let bare = SdkConfig::builder().behavior_version(BehaviorVersion::latest()).build();
        assert_eq!(ProfileConnector::new(bare).default_region(), region("us-east-1"));
    }
}
