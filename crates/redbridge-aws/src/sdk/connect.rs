//! [`Connect`] with the AWS SDK: the ports of given credentials at one endpoint, as the
//! emulator needs them against LocalStack. An account's own credentials are LocalStack's
//! (access key id = the 12-digit account id, secret `test`); a session's are its keys. S3 uses
//! path-style addressing.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_types::sdk_config::SharedCredentialsProvider;
use redbridge_iam::Region;

use super::{SdkIam, SdkKms, SdkOrganizations, SdkRedshift, SdkRedshiftServerless, SdkS3, SdkSecretsManager, SdkSts};
use crate::ports::{Connect, Credentials};

/// SDK ports at one endpoint with static credentials.
#[derive(Debug, Clone)]
pub struct SdkConnector {
    endpoint: String,
    region: Region,
}

impl SdkConnector {
    /// Ports at `endpoint` (a URL such as `http://127.0.0.1:4566`) whose default region is
    /// `region`.
    pub fn new(endpoint: impl Into<String>, region: Region) -> Self {
        Self { endpoint: endpoint.into(), region }
    }

    /// The shared configuration for `credentials` in `region`, at the endpoint: build any SDK
    /// adapter with it (`SdkRedshift::from_conf(&connector.config(…))`).
    pub fn config(&self, credentials: &Credentials, region: &Region) -> SdkConfig {
        let (key, secret, token) = match credentials {
            Credentials::Account(account) => (account.to_string(), "test".to_owned(), None),
            Credentials::Session(keys) => (
                keys.access_key_id.clone(),
                keys.secret_access_key.clone(),
                Some(keys.session_token.clone()).filter(|t| !t.is_empty()),
            ),
        };
        let credentials = aws_sdk_sts::config::Credentials::new(key, secret, token, None, "redbridge");
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_config::Region::new(region.as_str().to_owned()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .build()
    }
}

impl ConfigSource for SdkConnector {
    fn config_for(&self, credentials: &Credentials, region: Option<&Region>) -> SdkConfig {
        self.config(credentials, region.unwrap_or(&self.region))
    }

    /// Emulators need path-style addressing.
    fn path_style(&self, _config: &SdkConfig) -> bool {
        true
    }

    fn default_region(&self) -> Region {
        self.region.clone()
    }
}

/// Where SDK ports get their configuration: the one thing [`SdkConnector`] and
/// [`super::ProfileConnector`] differ in; every port is built from it the same way.
pub trait ConfigSource: Send + Sync + 'static {
    /// The configuration for `credentials` in `region` (`None`: the source's default region).
    fn config_for(&self, credentials: &Credentials, region: Option<&Region>) -> SdkConfig;
    /// Whether S3 uses path-style addressing with `config`.
    fn path_style(&self, config: &SdkConfig) -> bool;
    /// The region used when a call names none.
    fn default_region(&self) -> Region;
}

impl<T: ConfigSource> Connect for T {
    type Iam = SdkIam;
    type Sts = SdkSts;
    type Kms = SdkKms;
    type S3 = SdkS3;
    type Redshift = SdkRedshift;
    type Serverless = SdkRedshiftServerless;
    type Organizations = SdkOrganizations;
    type SecretsManager = SdkSecretsManager;

    fn iam(&self, credentials: &Credentials) -> SdkIam {
        SdkIam::from_conf(&self.config_for(credentials, None))
    }

    fn sts(&self, credentials: &Credentials) -> SdkSts {
        SdkSts::from_conf(&self.config_for(credentials, None))
    }

    fn kms(&self, credentials: &Credentials, region: &Region) -> SdkKms {
        SdkKms::from_conf(&self.config_for(credentials, Some(region)))
    }

    fn s3(&self, credentials: &Credentials, region: &Region) -> SdkS3 {
        let config = self.config_for(credentials, Some(region));
        let path_style = self.path_style(&config);
        SdkS3::from_conf(&config, path_style)
    }

    fn redshift(&self, credentials: &Credentials, region: &Region) -> SdkRedshift {
        SdkRedshift::from_conf(&self.config_for(credentials, Some(region)))
    }

    fn serverless(&self, credentials: &Credentials, region: &Region) -> SdkRedshiftServerless {
        SdkRedshiftServerless::from_conf(&self.config_for(credentials, Some(region)))
    }

    fn organizations(&self, credentials: &Credentials) -> SdkOrganizations {
        SdkOrganizations::from_conf(&self.config_for(credentials, None))
    }

    fn secrets_manager(&self, credentials: &Credentials, region: &Region) -> SdkSecretsManager {
        SdkSecretsManager::from_conf(&self.config_for(credentials, Some(region)))
    }

    fn default_region(&self) -> Region {
        ConfigSource::default_region(self)
    }
}
