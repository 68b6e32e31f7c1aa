//! AWS identifiers and the IAM policy language, as pure data: no I/O, no AWS SDK.
//!
//! Every identifier is a validated newtype whose `parse` says what is wrong and where, and whose
//! `Display` output parses back to the same value.
//!
//! The policy language is [`policy`] (documents as AWS writes them, parsed and rendered back);
//! [`eval`] decides a request against every policy that applies, the way AWS does across
//! accounts, and says which statements decided it.
//!
//! # Evaluate a request
//!
//! A role in account 111111111111 reads an object of a bucket owned by 222222222222: its own
//! policy allows it, but across accounts the bucket policy must allow it too.
//!
//! ```
//! use redbridge_iam::eval::{Outcome, Policies, PolicySet, Request, evaluate};
//! use redbridge_iam::policy::PolicyDocument;
//! use redbridge_iam::{AccountId, RoleArn};
//!
//! let reader = RoleArn::parse("arn:aws:iam::111111111111:role/Reader").unwrap();
//! let identity = PolicyDocument::from_json(
//!     r#"{"Version": "2012-10-17", "Statement":
//!         {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}}"#,
//! )
//! .unwrap();
//! let request = Request::new(&reader.to_string(), "s3:GetObject", "arn:aws:s3:::shared/a.csv")
//!     .unwrap()
//!     .with_resource_account(AccountId::parse("222222222222").unwrap());
//!
//! let no_bucket_policy = Policies { identity_policies: vec![identity.clone()], ..Policies::default() };
//! let decision = evaluate(&request, &PolicySet::compile(&no_bucket_policy).unwrap()).unwrap();
//! assert_eq!(decision.outcome, Outcome::ImplicitDeny);
//!
//! let bucket_policy = PolicyDocument::from_json(&format!(
//!     r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{reader}"}},
//!         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}}}}"#,
//! ))
//! .unwrap();
//! let both = Policies { identity_policies: vec![identity], resource_policy: Some(bucket_policy), ..Policies::default() };
//! let decision = evaluate(&request, &PolicySet::compile(&both).unwrap()).unwrap();
//! assert_eq!(decision.outcome, Outcome::Allowed);
//! ```

#![deny(missing_docs)]

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
