//! Integration tests of redbridge-sql: fixture files, round trips, and no panic on any input.

mod builder;
mod by_the_book;
mod fixtures;
#[path = "../../../../tests/support/hostile.rs"]
mod hostile;
mod hostile_input;
mod linear;
mod no_panic;
mod real_world;
mod template_no_panic;
mod template_valid;

use redbridge_iam::{AccountId, BucketName, Region};
use redbridge_sql::LintContext;

/// The key ARN the fixture spec uses.
pub const SPEC_KMS_KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// The facts of the fixture spec: cluster account 111111111111 in us-east-1, bucket `data-bucket`
/// of account 222222222222 under `in/` and `out/`, encrypted with [`SPEC_KMS_KEY`]; with
/// `cross_region`, the bucket is in eu-west-1.
pub fn spec_context(cross_region: bool) -> LintContext {
    LintContext {
        redshift_account: Some(AccountId::parse("111111111111").unwrap()),
        s3_account: Some(AccountId::parse("222222222222").unwrap()),
        bucket: Some(BucketName::parse("data-bucket").unwrap()),
        prefixes: vec!["in/".into(), "out/".into()],
        redshift_region: Some(Region::parse("us-east-1").unwrap()),
        bucket_region: Some(Region::parse(if cross_region { "eu-west-1" } else { "us-east-1" }).unwrap()),
        kms_key: Some(SPEC_KMS_KEY.into()),
    }
}
