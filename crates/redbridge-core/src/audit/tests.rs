//! The audit judged over hand-built worlds: healthy, broken, over-broad and unreadable chains.

use std::collections::BTreeMap;

use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region};

use super::*;
use crate::doctor::{ApplyStatus, AttachedRole, BucketState};

const REDSHIFT: &str = "111111111111";
const BUCKETS: &str = "222222222222";
const HOP: &str = "333333333333";
const CLOSED: &str = "444444444444";

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

fn region() -> Region {
    Region::parse("us-east-1").unwrap()
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

fn role(trust: &str, policy: &str) -> Known<RoleState> {
    Known::known(RoleState {
        trust_policy: doc(trust),
        inline_policies: BTreeMap::from([("access".to_owned(), doc(policy))]),
        managed_policies: BTreeMap::new(),
        permissions_boundary: None,
        tags: BTreeMap::new(),
    })
}

fn redshift_trust(conditioned: bool) -> String {
    let condition = if conditioned {
        format!(r#","Condition":{{"StringEquals":{{"aws:SourceAccount":"{REDSHIFT}"}}}}"#)
    } else {
        String::new()
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

fn trust_of(principal: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn assume(resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{resource}"}}]}}"#
    )
}

fn s3_access(bucket: &str, prefix: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{bucket}/{prefix}*"}},
            {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{bucket}"}}]}}"#
    )
}

fn cluster_role() -> String {
    format!("arn:aws:iam::{REDSHIFT}:role/cluster")
}

fn bucket_role() -> String {
    format!("arn:aws:iam::{BUCKETS}:role/loader")
}

/// One cluster `analytics` whose role chains to a bucket role over `data/in/`.
fn world() -> AuditWorld {
    let mut world = AuditWorld::default();
    let mut redshift = AccountRead::entered("profile redshift");
    redshift.targets.insert(
        region(),
        Known::known(vec![RedshiftTarget {
            kind: TargetKind::Provisioned { cluster: "analytics".to_owned() },
            attached_roles: vec![AttachedRole { arn: cluster_role(), status: ApplyStatus::InSync }],
            default_role: None,
            enhanced_vpc_routing: false,
        }]),
    );
    world.accounts.insert(account(REDSHIFT), redshift);
    world.accounts.insert(account(BUCKETS), AccountRead::entered("role arn:aws:iam::222222222222:role/rb-audit"));
    world.roles.insert(cluster_role(), role(&redshift_trust(true), &assume(&bucket_role())));
    world.roles.insert(bucket_role(), role(&trust_of(&cluster_role()), &s3_access("data", "in/")));
    world.buckets.insert(
        "data".to_owned(),
        BucketRead {
            owner: Some(account(BUCKETS)),
            state: Known::known(BucketState {
                region: region(),
                policy: None,
                object_ownership: Some("BucketOwnerEnforced".to_owned()),
                default_encryption: None,
                default_kms_key: None,
            }),
        },
    );
    world
}

#[test]
fn a_healthy_cross_account_chain_is_working_with_its_iam_role_string() {
    let report = audit(&world());
    assert_eq!(report.chains.len(), 1, "{report:#?}");
    let chain = &report.chains[0];
    assert_eq!(chain.status, ChainStatus::Working, "{:#?}", chain.findings);
    assert_eq!(chain.iam_role, format!("{},{}", cluster_role(), bucket_role()));
    assert_eq!((chain.bucket.as_str(), chain.prefix.as_str(), chain.access), ("data", "in/", Access::Both));
    assert_eq!(chain.bucket_account, Some(account(BUCKETS)));
    // No organization was read: never a bare "healthy".
    assert_eq!(chain.verdict, Some(Verdict::HealthyAsFarAsRead));
    assert!(chain.over_broad.is_empty(), "{:#?}", chain.over_broad);
    assert_eq!((report.summary.chains, report.summary.working, report.summary.accounts_entered), (1, 1, 2));
}

#[test]
fn a_trust_naming_another_role_breaks_the_chain_with_doctors_code() {
    let mut world = world();
    world.roles.insert(
        bucket_role(),
        role(&trust_of(&format!("arn:aws:iam::{REDSHIFT}:role/other")), &s3_access("data", "in/")),
    );
    let report = audit(&world);
    let chain = &report.chains[0];
    assert_eq!(chain.status, ChainStatus::Broken);
    assert!(chain.findings.iter().any(|f| f.code == "RB122"), "{:#?}", chain.findings);
    assert_eq!(report.summary.broken, 1);
}

#[test]
fn wide_trusts_and_wildcard_grants_are_over_broad() {
    let mut world = world();
    world.roles.insert(cluster_role(), role(&redshift_trust(false), &assume(&bucket_role())));
    world.roles.insert(
        bucket_role(),
        role(
            &trust_of(&format!("arn:aws:iam::{REDSHIFT}:root")),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ),
    );
    let report = audit(&world);
    let chain = &report.chains[0];
    assert_eq!(chain.status, ChainStatus::Working, "{:#?}", chain.findings);
    assert_eq!(chain.prefix, "");
    let codes: Vec<&str> = chain.over_broad.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, vec!["RB201", "RB202", "RB204", "RB205"], "{:#?}", chain.over_broad);
    assert_eq!(report.summary.over_broad, 1);
}

/// A trust naming only the regional principal (the documented way to restrict a role to a
/// region, <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>)
/// is Redshift's trust: the chain works, and without `aws:SourceAccount` it is as wide as the
/// global name's.
#[test]
fn a_regional_redshift_trust_is_judged_like_the_global_one() {
    let mut world = world();
    let regional = redshift_trust(false).replace("redshift.amazonaws.com", "redshift.us-east-1.amazonaws.com");
    world.roles.insert(cluster_role(), role(&regional, &assume(&bucket_role())));
    let report = audit(&world);
    let chain = &report.chains[0];
    assert_eq!(chain.status, ChainStatus::Working, "{:#?}", chain.findings);
    let codes: Vec<&str> = chain.over_broad.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, vec!["RB202"], "{:#?}", chain.over_broad);
}

#[test]
fn a_prefix_outside_the_stated_tag_is_over_broad() {
    let mut world = world();
    if let Some(Known::Known { value }) = world.roles.get_mut(&bucket_role()) {
        value.tags.insert(PREFIXES_TAG.to_owned(), "exports/ in/daily/".to_owned());
    }
    let chain = &audit(&world).chains[0];
    assert_eq!(chain.over_broad.len(), 1);
    assert_eq!(chain.over_broad[0].code, BreadthCode::OutsideStatedPrefixes);
    assert!(chain.over_broad[0].message.contains("s3://data/in/"), "{}", chain.over_broad[0].message);
}

#[test]
fn a_hop_through_a_third_account_is_one_three_role_chain() {
    let mut world = world();
    let hop = format!("arn:aws:iam::{HOP}:role/hop");
    world.accounts.insert(account(HOP), AccountRead::entered("profile partner"));
    world.roles.insert(cluster_role(), role(&redshift_trust(true), &assume(&hop)));
    world.roles.insert(hop.clone(), role(&trust_of(&cluster_role()), &assume(&bucket_role())));
    world.roles.insert(bucket_role(), role(&trust_of(&hop), &s3_access("data", "in/")));
    let report = audit(&world);
    assert_eq!(report.chains.len(), 1);
    assert_eq!(report.chains[0].roles, vec![cluster_role(), hop, bucket_role()]);
    assert_eq!(report.chains[0].status, ChainStatus::Working, "{:#?}", report.chains[0].findings);
}

#[test]
fn a_role_in_an_account_not_entered_is_said_not_judged() {
    let mut world = world();
    let closed = format!("arn:aws:iam::{CLOSED}:role/loader");
    world
        .accounts
        .insert(account(CLOSED), AccountRead::not_entered("AccessDenied: not authorized to perform sts:AssumeRole"));
    world.roles.insert(cluster_role(), role(&redshift_trust(true), &assume(&closed)));
    let report = audit(&world);
    assert_eq!(report.chains.len(), 1);
    let chain = &report.chains[0];
    assert_eq!(chain.status, ChainStatus::NotJudged);
    assert!(chain.reason.as_deref().unwrap().contains("444444444444 was not entered"), "{:?}", chain.reason);
    assert!(report.not_read.iter().any(|n| n.what == "account" && n.account == Some(account(CLOSED))));
    assert_eq!((report.summary.accounts, report.summary.accounts_entered), (3, 2));
}

#[test]
fn wildcard_grants_follow_only_roles_whose_trust_allows_the_hop() {
    let mut world = world();
    let stranger = format!("arn:aws:iam::{BUCKETS}:role/stranger");
    world.roles.insert(cluster_role(), role(&redshift_trust(true), &assume("arn:aws:iam::*:role/*")));
    world.roles.insert(stranger, role(&trust_of("arn:aws:iam::999999999999:role/x"), &s3_access("data", "")));
    let report = audit(&world);
    assert_eq!(report.chains.len(), 1, "{:#?}", report.chains);
    assert_eq!(report.chains[0].roles, vec![cluster_role(), bucket_role()]);
    assert!(report.chains[0].over_broad.iter().any(|b| b.code == BreadthCode::WildcardAssumeRole));
}

#[test]
fn roles_that_assume_each_other_do_not_loop() {
    let mut world = world();
    let both = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["{}","{}"]}}]}}"#,
        bucket_role(),
        cluster_role()
    );
    world.roles.insert(cluster_role(), role(&redshift_trust(true), &both));
    world.roles.insert(bucket_role(), role(&trust_of(&cluster_role()), &both));
    let report = audit(&world);
    assert!(report.chains.is_empty(), "{:#?}", report.chains);
}

#[test]
fn trusts_limited_to_database_users_name_them() {
    let mut world = world();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"sts:AssumeRole",
        "Condition":{{"StringEquals":{{"aws:SourceAccount":"{REDSHIFT}","sts:ExternalId":["arn:aws:redshift:us-east-1:{REDSHIFT}:dbuser:analytics/etl"]}}}}}}]}}"#
    );
    world.roles.insert(cluster_role(), role(&trust, &assume(&bucket_role())));
    let chain = &audit(&world).chains[0];
    assert_eq!(chain.db_users, vec!["etl"]);
    assert_eq!(chain.status, ChainStatus::Working, "{:#?}", chain.findings);
}

#[test]
fn unlisted_regions_and_unreadable_buckets_are_said() {
    let mut world = world();
    world.accounts.get_mut(&account(REDSHIFT)).unwrap().targets.insert(
        Region::parse("eu-west-1").unwrap(),
        Known::unknown("AccessDeniedException: not authorized to perform redshift:DescribeClusters"),
    );
    world.buckets.get_mut("data").unwrap().state = Known::unknown("AccessDenied");
    let report = audit(&world);
    assert!(report.not_read.iter().any(|n| n.what == "clusters and workgroups in eu-west-1"));
    assert!(report.not_read.iter().any(|n| n.what == "bucket data"));
    assert_eq!(report.chains[0].status, ChainStatus::Unknown, "{:#?}", report.chains[0].findings);
}

#[test]
fn a_single_role_with_a_wildcard_grant_reaches_its_own_buckets_and_admitting_ones_only() {
    let mut world = world();
    let wide = format!("arn:aws:iam::{REDSHIFT}:role/wide");
    world.roles.insert(
        wide.clone(),
        role(
            &redshift_trust(true),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ),
    );
    if let Some(Known::Known { value }) = world.accounts.get_mut(&account(REDSHIFT)).unwrap().targets.get_mut(&region())
    {
        value[0].attached_roles = vec![AttachedRole { arn: wide.clone(), status: ApplyStatus::InSync }];
    }
    let mut own = world.buckets["data"].clone();
    own.owner = Some(account(REDSHIFT));
    world.buckets.insert("scratch".to_owned(), own);
    let report = audit(&world);
    let reached: Vec<(&str, ChainStatus)> = report.chains.iter().map(|c| (c.bucket.as_str(), c.status)).collect();
    assert_eq!(reached, vec![("scratch", ChainStatus::Working)], "{:#?}", report.chains);
    assert_eq!(report.chains[0].roles, vec![wide.clone()]);
    // A bucket policy that lets the role's account in makes the other account's bucket a chain.
    world.buckets.get_mut("data").unwrap().state = Known::known(BucketState {
        region: region(),
        policy: Some(doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{REDSHIFT}:root"}},"Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}}]}}"#
        ))),
        object_ownership: Some("BucketOwnerEnforced".to_owned()),
        default_encryption: None,
        default_kms_key: None,
    });
    let report = audit(&world);
    let reached: Vec<(&str, ChainStatus)> = report.chains.iter().map(|c| (c.bucket.as_str(), c.status)).collect();
    assert_eq!(
        reached,
        vec![("data", ChainStatus::Working), ("scratch", ChainStatus::Working)],
        "{:#?}",
        report.chains
    );
}

#[test]
fn roles_that_may_all_assume_one_another_stop_the_walk_within_its_budget() {
    let mut world = world();
    // Forty roles in one account that may each assume any role and trust the whole account:
    // the simple paths of ten roles among them are astronomically many.
    let any = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
    for n in 0..40 {
        world.roles.insert(
            format!("arn:aws:iam::{REDSHIFT}:role/mesh{n}"),
            role(&trust_of(&format!("arn:aws:iam::{REDSHIFT}:root")), any),
        );
    }
    world.roles.insert(cluster_role(), role(&redshift_trust(true), any));
    let report = audit(&world);
    assert!(
        report
            .not_read
            .iter()
            .any(|n| n.what.starts_with("chains of cluster analytics") && n.reason.contains("roles visited")),
        "{:#?}",
        report.not_read
    );
}
