//! AWS for redbridge: ports (traits that speak domain types) for IAM, STS, S3, KMS, Redshift,
//! Redshift Serverless and the Redshift Data API; their implementations with the AWS SDK for
//! Rust ([`sdk`]); in-memory fakes ([`fake`]); contract suites any implementation must pass
//! ([`contract`]); the engine that applies and destroys a plan through them ([`apply_engine`]),
//! preceded by the account check, the read and the diff ([`converge_run`]); the reader of
//! doctor's snapshot, which apply and destroy read too ([`snapshot_reader`]); running SQL
//! through the Data API ([`data_api`]); and `redbridge test`'s round trip and cleanup
//! ([`round_trip_run`]).
//!
//! SDK types never leave [`sdk`] and [`config`]; every port returns [`AwsError`].
//!
//! ```
//! use redbridge_aws::fake::FakeAws;
//! use redbridge_aws::ports::Iam;
//! use redbridge_iam::AccountId;
//!
//! let aws = FakeAws::new();
//! let iam = aws.account(AccountId::parse("111111111111").unwrap());
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! assert_eq!(rt.block_on(iam.get_role("nobody")).unwrap(), None);
//! ```

#![deny(missing_docs)]

pub mod apply_engine;
pub mod config;
pub mod contract;
pub mod converge_run;
pub mod data_api;
mod error;
pub mod fake;
pub mod ports;
pub mod redact;
pub mod round_trip_run;
pub mod sdk;
pub mod snapshot_reader;

pub use error::AwsError;
