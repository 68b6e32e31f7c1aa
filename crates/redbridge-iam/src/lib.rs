//! AWS identifiers and the IAM policy language, as pure data: no I/O, no AWS SDK.
//!
//! Every identifier is a validated newtype whose `parse` says what is wrong and where, and whose
//! `Display` output parses back to the same value.

mod account;
mod arn;
mod db_user;
mod error;
pub mod escape;
pub mod eval;
mod kms;
pub mod policy;
mod s3;

pub use account::{AccountId, Partition, Region};
pub use arn::{Arn, ArnAccount, RoleArn};
pub use db_user::DbUserArn;
pub use error::IdError;
pub use kms::{KmsKeyArn, KmsKeyRef};
pub use s3::{BucketName, S3Uri};
