//! The ports implemented with the AWS SDK for Rust, one file per service. SDK types stay in this
//! module.
//!
//! Each adapter wraps one service client. Build them from an [`aws_config::SdkConfig`] (see
//! [`crate::config`]) or from a client you configured yourself. Lists are read with the SDK's
//! paginators, every page of them.

use std::error::Error;
use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use redbridge_iam::policy::PolicyDocument;

use crate::AwsError;
use crate::error::map_sdk;
use crate::ports::AwsResult;

/// Declares an adapter: a struct wrapping one service client with `new`, and with `from_conf`
/// unless the service builds its client its own way.
macro_rules! adapter {
    ($(#[$doc:meta])* $name:ident($client:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            client: $client,
        }

        impl $name {
            /// Wraps a client.
            pub fn new(client: $client) -> Self {
                Self { client }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident($client:ty), from_conf) => {
        adapter!($(#[$doc])* $name($client));

        impl $name {
            /// Builds a client from shared configuration.
            pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
                Self::new(<$client>::new(config))
            }
        }
    };
}

mod connect;
mod data;
mod iam;
mod kms;
mod organizations;
mod profile_connector;
mod redshift;
mod s3;
mod secrets_manager;
mod serverless;
mod sts;

pub use connect::{ConfigSource, SdkConnector};
pub use data::SdkRedshiftData;
pub use iam::SdkIam;
pub use kms::SdkKms;
pub use organizations::SdkOrganizations;
pub use profile_connector::ProfileConnector;
pub use redshift::SdkRedshift;
pub use s3::SdkS3;
pub use secrets_manager::SdkSecretsManager;
pub use serverless::{SdkRedshiftServerless, parse_namespace_role};
pub use sts::SdkSts;

/// Decodes the percent-encoding IAM applies to policy documents it returns.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a policy document AWS returned, URL-encoded (IAM) or not (KMS, S3).
fn parse_policy(what: &str, text: &str) -> AwsResult<PolicyDocument> {
    let decoded = if text.trim_start().starts_with('{') { text.to_owned() } else { percent_decode(text) };
    PolicyDocument::from_json(&decoded)
        .map_err(|e| AwsError::other(format!("{what} returned by AWS is not a policy redbridge can read: {e}")))
}

/// The outcome of one SDK call (or of a whole pagination) as a port result.
trait SdkResultExt<T> {
    /// The output, or the SDK's error mapped into [`AwsError`] naming `operation`.
    fn or_aws(self, operation: &str) -> AwsResult<T>;

    /// The output, `None` when AWS says the thing does not exist, or the mapped error.
    fn or_none(self, operation: &str) -> AwsResult<Option<T>>;
}

impl<T, E, R> SdkResultExt<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: fmt::Debug + 'static,
{
    fn or_aws(self, operation: &str) -> AwsResult<T> {
        self.map_err(|e| map_sdk(operation, e))
    }

    fn or_none(self, operation: &str) -> AwsResult<Option<T>> {
        match self.or_aws(operation) {
            Ok(output) => Ok(Some(output)),
            Err(AwsError::NotFound { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }
}
