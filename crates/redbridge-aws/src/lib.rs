//! AWS for redbridge: ports (traits that speak domain types) for IAM, STS, S3, KMS, Redshift,
//! Redshift Serverless and the Redshift Data API ([`ports`]); their implementations with the AWS
//! SDK for Rust (`sdk`, `config`: feature `sdk`, on by default); in-memory fakes (`fake`) and
//! contract suites any implementation must pass (`contract`: feature `testing`); the engine that applies and destroys a plan through them ([`apply_engine`]),
//! preceded by the account check, the read and the diff ([`converge_run`]); the reader of
//! doctor's snapshot, which apply and destroy read too ([`snapshot_reader`]); running SQL
//! through the Data API ([`data_api`]); and `redbridge test`'s round trip and cleanup
//! ([`round_trip_run`]).
//!
//! SDK types never leave `sdk` and `config`; every port returns [`AwsError`].
//!
//! # Features
//!
//! - `sdk` (default): the adapters over the AWS SDK for Rust and the shared configuration
//!   loader. An embedder that brings its own clients turns it off
//!   (`default-features = false`), implements the [`ports`] it needs, and compiles no
//!   `aws-sdk-*` or `aws-config` crate; the apply engine, the snapshot reader, the Data API
//!   runner and the round trip stay available.
//! - `testing`: the in-memory fakes of every port and the contract suites, for tests of code
//!   built on the ports (the example below needs it).
//!
//! ```
//! # #[cfg(feature = "testing")] {
//! use redbridge_aws::fake::FakeAws;
//! use redbridge_aws::ports::Iam;
//! use redbridge_iam::AccountId;
//!
//! let aws = FakeAws::new();
//! let iam = aws.account(AccountId::parse("111111111111").unwrap());
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! assert_eq!(rt.block_on(iam.get_role("nobody")).unwrap(), None);
//! # }
//! ```

#![deny(missing_docs)]

pub mod apply_engine;
pub mod audit_reader;
#[cfg(feature = "sdk")]
pub mod config;
#[cfg(feature = "testing")]
pub mod contract;
pub mod converge_run;
pub mod data_api;
mod error;
#[cfg(feature = "testing")]
pub mod fake;
pub mod ports;
pub mod principal_reader;
pub mod redact;
pub mod round_trip_run;
#[cfg(feature = "sdk")]
pub mod sdk;
pub mod snapshot_reader;

pub use error::AwsError;
