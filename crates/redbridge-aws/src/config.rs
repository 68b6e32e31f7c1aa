//! AWS configuration per account, like every AWS tool: the standard credential chain, an
//! optional profile, the region, and endpoint overrides from profiles and the environment
//! (`endpoint_url`, `services` sections, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`),
//! all resolved by `aws-config`.

use aws_config::{BehaviorVersion, SdkConfig};
use redbridge_iam::Region;

/// How to reach one account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountSettings {
    /// The named profile, or `None` for the default chain (environment, default profile, …).
    pub profile: Option<String>,
    /// The region to use, or `None` for the profile's or environment's.
    pub region: Option<Region>,
}

/// Loads the shared configuration for one account. Reads files and the environment; makes no
/// network call (credentials are fetched lazily on the first request).
pub async fn load(settings: &AccountSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(aws_config::Region::new(region.as_str().to_owned()));
    }
    loader.load().await
}

/// The same configuration in another region (KMS keys live in their own region).
pub fn in_region(config: &SdkConfig, region: &Region) -> SdkConfig {
    config.to_builder().region(aws_config::Region::new(region.as_str().to_owned())).build()
}

/// Whether S3's endpoint is overridden (globally or for S3 only, by profile or environment):
/// emulators then need path-style addressing.
pub fn s3_endpoint_overridden(config: &SdkConfig) -> bool {
    if config.endpoint_url().is_some() {
        return true;
    }
    let Ok(key) = aws_types::service_config::ServiceConfigKey::builder()
        .service_id("S3")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
    else {
        return false;
    };
    config.service_config().and_then(|c| c.load_config(key)).is_some()
}
