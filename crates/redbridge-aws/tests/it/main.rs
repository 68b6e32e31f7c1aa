//! Tests of redbridge-aws: SDK adapters against aws-smithy-mocks, the fakes against the contract
//! suites, and the engine (apply, destroy, faults) over the fakes. The adapters' tests need the
//! `sdk` feature (on by default); the rest run with `--no-default-features` too.

mod apply_engine;
mod audit_reader;
mod contract;
#[cfg(feature = "sdk")]
mod data_api;
mod fake_audit;
#[cfg(feature = "sdk")]
mod mocks;
#[cfg(feature = "sdk")]
mod mocks_doctor;
#[cfg(feature = "sdk")]
mod mocks_listing;
#[cfg(feature = "sdk")]
mod mocks_organizations;
#[cfg(feature = "sdk")]
mod mocks_pages;
#[cfg(feature = "sdk")]
mod mocks_secrets;
#[cfg(feature = "sdk")]
mod mocks_sessions;
#[cfg(feature = "sdk")]
mod mocks_users;
mod operator_apply;
mod operator_policies;
mod principal_reader;
mod round_trip_run;
mod secrets_manager;
mod snapshot_reader;
mod snapshot_reader_org;

use redbridge_core::{Plan, RawSpec, Spec};

/// Runs a future on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime").block_on(future)
}

/// A serverless UNLOAD into a KMS-encrypted bucket in another account.
pub fn serverless_plan() -> Plan {
    let raw = RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("acme-exports".into()),
        prefixes: vec!["unload/".into()],
        access: Some("unload".into()),
        kms_key: Some("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into()),
        workgroup: Some("analytics-wg".into()),
        namespace: Some("analytics-ns".into()),
        region: Some("eu-west-1".into()),
        db_users: vec!["etl_user".into()],
        ..RawSpec::default()
    };
    Plan::new(&Spec::from_raw(&raw).expect("valid spec")).expect("plan")
}

/// A provisioned COPY from a bucket in another account.
pub fn provisioned_plan() -> Plan {
    let raw = RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("acme-imports".into()),
        access: Some("copy".into()),
        cluster: Some("analytics".into()),
        region: Some("eu-west-1".into()),
        ..RawSpec::default()
    };
    Plan::new(&Spec::from_raw(&raw).expect("valid spec")).expect("plan")
}
