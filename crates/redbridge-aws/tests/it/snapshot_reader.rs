//! Doctor's snapshot reader over the fakes: a clean `apply` reads back healthy, failures
//! injected into the fake world come out as the exact codes and hops, unreadable accounts as
//! unknowns (exit 3), and the reads stay within three dependent round trips.

use std::time::{Duration, Instant};

use redbridge_aws::apply_engine::{self, AccountPorts, NoSleep, Ports, RunSettings, Silent};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::fake::{FakeAccount, FakeAws, FakeBucketSettings};
use redbridge_aws::ports::DefaultEncryption;
use redbridge_aws::ports::S3 as _;
use redbridge_aws::snapshot_reader::{ReadStats, read_snapshot, read_snapshot_listing};
use redbridge_core::Plan;
use redbridge_core::doctor::{
    FindingCode, Hop, Known, LISTED_KEYS, Report, Severity, Snapshot, Verdict, analyze, analyze_with_sql,
    listed_prefixes,
};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, Region};

use crate::{block_on, provisioned_plan, serverless_plan};

const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const WORKGROUP_ID: &str = "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f";

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

/// Both plans' Redshift sides, buckets and key, before `apply`.
pub fn world(plan: &Plan) -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_namespace("analytics-ns", &[]);
    aws.seed_workgroup("analytics-wg", "analytics-ns", WORKGROUP_ID);
    aws.seed_cluster("analytics", &[]);
    aws.seed_key(
        &KmsKeyArn::parse(KEY).unwrap(),
        PolicyDocument::new(vec![
            Statement::allow(["kms:*"], ["*"]).with_principal(Principal::aws(["arn:aws:iam::222222222222:root"])),
        ]),
    );
    let bucket = plan.spec.bucket.to_string();
    aws.seed_bucket(&bucket, Region::parse("eu-west-1").unwrap(), None);
    aws.edit(|s| {
        s.bucket_settings.insert(
            bucket.clone(),
            FakeBucketSettings {
                object_ownership: Some("BucketOwnerEnforced".into()),
                default_encryption: Some(DefaultEncryption {
                    algorithm: if plan.spec.kms_key.is_some() { "aws:kms" } else { "AES256" }.into(),
                    kms_key: plan.spec.kms_key.as_ref().map(ToString::to_string),
                }),
            },
        );
    });
    aws
}

/// The world after a clean `apply` of `plan`.
pub fn applied(plan: &Plan) -> FakeAws {
    let aws = world(plan);
    let ports = Ports::for_fake(&aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let report = block_on(async {
        let prepared = converge_run::prepare(plan, &ports, Some(&s3), Mode::Apply { adopt: false }).await;
        let diff = prepared.expect("accounts").diff.expect("read current");
        apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent).await
    });
    assert!(report.succeeded(), "{report:?}");
    aws
}

/// The fake ports, and the bucket account's S3.
pub fn read(plan: &Plan, aws: &FakeAws) -> (Snapshot, ReadStats) {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    block_on(read_snapshot(plan, &ports, Some(&s3)))
}

fn errors(report: &Report) -> Vec<(FindingCode, Hop)> {
    report.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| (f.code, f.hop.clone())).collect()
}

#[test]
fn a_clean_apply_reads_back_healthy_for_serverless_and_provisioned() {
    for plan in [serverless_plan(), provisioned_plan()] {
        let aws = applied(&plan);
        let (snapshot, stats) = read(&plan, &aws);
        let report = analyze(&plan, &snapshot);
        assert_eq!(report.verdict, Verdict::Healthy, "{:#?}\n{snapshot:#?}", report.findings);
        assert!(stats.depth <= 3, "{stats:?}");
        // The snapshot survives its own JSON.
        let json = serde_json::to_string(&snapshot).unwrap();
        assert_eq!(Snapshot::from_json(&json).unwrap(), snapshot);
    }
}

#[test]
fn the_reads_are_counted_and_planned_in_two_levels_without_managed_policies() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let before = aws.calls().len();
    let (snapshot, stats) = read(&plan, &aws);
    let made = aws.calls()[before..].to_vec();
    assert_eq!(stats.calls as usize, made.len(), "{made:#?}");
    // STS ×2, GetNamespace + GetWorkgroup, per role GetRole + 2 lists + 1 inline policy, four
    // bucket reads, DescribeKey + GetKeyPolicy, DescribeOrganization ×2 (in no organization).
    assert_eq!(stats.calls, 2 + 2 + 2 * 4 + 4 + 2 + 2, "{made:#?}");
    assert_eq!(stats.depth, 2);
    let Known::Known { value } = &snapshot.redshift else { panic!("{:?}", snapshot.redshift) };
    assert_eq!(value.workgroup_id.as_deref(), Some(WORKGROUP_ID));
    let Some(Known::Known { value: key }) = &snapshot.kms_key else { panic!("{:?}", snapshot.kms_key) };
    assert_eq!((key.key_state.as_str(), key.key_manager.as_str()), ("Enabled", "CUSTOMER"));
    let Known::Known { value: bucket } = &snapshot.bucket else { panic!() };
    assert_eq!(bucket.object_ownership.as_deref(), Some("BucketOwnerEnforced"));
    assert_eq!(bucket.default_kms_key.as_deref(), Some(KEY));
}

#[test]
fn managed_policies_and_boundaries_are_read_at_their_default_version() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let bucket_role = plan.chain.last().to_string();
    // Move the bucket role's inline policy into a managed policy, and give it a boundary.
    let managed = "arn:aws:iam::222222222222:policy/acme-exports-access";
    let boundary = "arn:aws:iam::222222222222:policy/boundary";
    aws.edit(|s| {
        let role = s.roles.get_mut(&bucket_role).unwrap();
        let policies = std::mem::take(&mut role.inline_policies);
        let document = policies.into_values().next().unwrap();
        s.managed_policies.insert(managed.into(), document);
        s.attached_policies.insert(bucket_role.clone(), vec![managed.into()]);
        s.managed_policies.insert(boundary.into(), PolicyDocument::new(vec![Statement::allow(["*"], ["*"])]));
        s.boundaries.insert(bucket_role.clone(), boundary.into());
    });
    let (snapshot, stats) = read(&plan, &aws);
    let Known::Known { value: role } = &snapshot.roles[&bucket_role] else { panic!() };
    assert!(role.inline_policies.is_empty());
    assert_eq!(role.managed_policies.keys().collect::<Vec<_>>(), [managed]);
    assert!(role.permissions_boundary.is_some());
    assert_eq!(stats.depth, 3, "GetRole → GetPolicy → GetPolicyVersion");
    assert_eq!(analyze(&plan, &snapshot).verdict, Verdict::Healthy);

    // A boundary that does not allow S3 blocks the bucket hop, and is named.
    aws.edit(|s| {
        s.managed_policies.insert(boundary.into(), PolicyDocument::new(vec![Statement::allow(["kms:*"], ["*"])]));
    });
    let (snapshot, _) = read(&plan, &aws);
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(
        errors(&report).iter().any(|(code, hop)| *code == FindingCode::PermissionsBoundaryDenies
            && *hop == Hop::S3 { role: bucket_role.clone() }),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_removed_inline_policy_breaks_the_hop_it_allowed() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let cluster_role = plan.chain.first().to_string();
    let bucket_role = plan.chain.last().to_string();
    aws.edit(|s| s.roles.get_mut(&cluster_role).unwrap().inline_policies.clear());
    let (snapshot, _) = read(&plan, &aws);
    let report = analyze(&plan, &snapshot);
    assert_eq!(
        errors(&report),
        vec![(FindingCode::AssumeRoleNotAllowed, Hop::Role { from: cluster_role, to: bucket_role })]
    );
    assert_eq!(report.verdict.exit_code(), 1);
}

#[test]
fn a_detached_role_is_rb101_at_the_attachment() {
    for plan in [serverless_plan(), provisioned_plan()] {
        let aws = applied(&plan);
        aws.edit(|s| {
            s.namespaces.values_mut().for_each(Vec::clear);
            s.clusters.values_mut().for_each(Vec::clear);
        });
        let (snapshot, _) = read(&plan, &aws);
        assert_eq!(errors(&analyze(&plan, &snapshot)), vec![(FindingCode::FirstRoleNotAttached, Hop::Attachment)]);
    }
}

#[test]
fn a_deleted_role_is_absent_not_unknown() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    let bucket_role = plan.chain.last().to_string();
    aws.edit(|s| {
        s.roles.remove(&bucket_role);
    });
    let (snapshot, _) = read(&plan, &aws);
    assert_eq!(snapshot.roles[&bucket_role], Known::Absent);
    let report = analyze(&plan, &snapshot);
    assert!(report.codes().contains(&FindingCode::RoleMissing), "{:#?}", report.findings);
    assert_eq!(report.verdict, Verdict::Broken);
}

#[test]
fn access_denied_in_the_bucket_account_is_unknown_and_exit_3() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    aws.deny(Some(account("222222222222")), "*");
    let (snapshot, _) = read(&plan, &aws);
    let bucket_role = plan.chain.last().to_string();
    let Known::Unknown { reason } = &snapshot.roles[&bucket_role] else { panic!("{:?}", snapshot.roles[&bucket_role]) };
    assert!(reason.contains("access denied") || reason.contains("cannot check the credentials"), "{reason}");
    assert!(matches!(snapshot.bucket, Known::Unknown { .. }));
    assert!(matches!(snapshot.kms_key, Some(Known::Unknown { .. })));
    // The Redshift account was read.
    assert!(matches!(snapshot.redshift, Known::Known { .. }));
    assert!(matches!(snapshot.roles[&plan.chain.first().to_string()], Known::Known { .. }));
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Unknown, "{:#?}", report.findings);
    assert_eq!(report.verdict.exit_code(), 3);
    assert!(report.codes().contains(&FindingCode::StateUnreadable));
}

#[test]
fn one_denied_read_makes_only_its_part_unknown() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    aws.deny(Some(account("222222222222")), "s3:GetBucketPolicy");
    let (snapshot, _) = read(&plan, &aws);
    let Known::Unknown { reason } = &snapshot.bucket else { panic!("{:?}", snapshot.bucket) };
    assert!(reason.contains("access denied for `s3:GetBucketPolicy`"), "{reason}");
    assert!(snapshot.roles.values().all(|r| matches!(r, Known::Known { .. })));
    assert_eq!(analyze(&plan, &snapshot).verdict, Verdict::Unknown);
}

#[test]
fn credentials_of_another_account_are_not_believed() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    // The "bucket account" ports actually talk to the Redshift account: the reads would say
    // the bucket role does not exist, which would be a guess.
    let wrong = aws.account(account("111111111111"));
    let mut ports = Ports::for_fake(&aws, &plan);
    ports.accounts[1] = AccountPorts {
        account: account("222222222222"),
        iam: wrong.clone(),
        sts: wrong.clone(),
        kms: wrong.clone(),
        organizations: wrong.clone(),
    };
    let (snapshot, _) = block_on(read_snapshot(&plan, &ports, Some(&wrong)));
    let Known::Unknown { reason } = &snapshot.roles[&plan.chain.last().to_string()] else { panic!() };
    assert!(reason.contains("belong to account `111111111111`"), "{reason}");
    assert_eq!(analyze(&plan, &snapshot).verdict, Verdict::Unknown);
}

#[test]
fn no_profile_for_the_bucket_account_is_unknown() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let mut ports = Ports::for_fake(&aws, &plan);
    ports.accounts.retain(|a| a.account == plan.spec.redshift_account);
    let (snapshot, _) = block_on(read_snapshot::<_, _, _, _, _, FakeAccount, _>(&plan, &ports, None));
    let Known::Unknown { reason } = &snapshot.bucket else { panic!() };
    assert!(reason.contains("no credentials for account `222222222222`"), "{reason}");
    assert_eq!(analyze(&plan, &snapshot).verdict, Verdict::Unknown);
}

#[test]
fn missing_cluster_is_absent_and_a_key_pending_deletion_is_rb143() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    aws.edit(|s| {
        s.key_states.insert(KEY.into(), "PendingDeletion".into());
    });
    let (snapshot, _) = read(&plan, &aws);
    assert!(analyze(&plan, &snapshot).codes().contains(&FindingCode::KmsKeyNotEnabled));
    aws.edit(|s| {
        s.namespaces.clear();
    });
    let (snapshot, _) = read(&plan, &aws);
    assert_eq!(snapshot.redshift, Known::Absent);
}

#[test]
fn with_latency_the_reads_take_as_long_as_their_depth_not_their_count() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    aws.set_latency(Duration::from_millis(20));
    let started = Instant::now();
    let (_, stats) = read(&plan, &aws);
    let elapsed = started.elapsed();
    assert!(stats.calls >= 18, "{stats:?}");
    // Serial would be calls × 20 ms ≥ 360 ms; concurrent is depth × 20 ms plus scheduling.
    assert!(elapsed < Duration::from_millis(20 * u64::from(stats.depth) + 150), "{elapsed:?} for {stats:?}");
}

/// The plan's own UNLOAD, as a user would pass it to `doctor --sql`.
fn planned_unload(plan: &Plan) -> String {
    redbridge_core::statements::planned_statements(&plan.spec, &plan.chain)
        .unwrap()
        .into_iter()
        .find(|s| s.kind == redbridge_core::plan::StatementKind::Unload)
        .unwrap()
        .sql
}

#[test]
fn the_live_read_lists_the_target_prefix_of_a_given_unload_alongside_the_other_reads() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let s3 = aws.account(plan.spec.s3_account);
    let bucket = plan.spec.bucket.to_string();
    let sql = vec![planned_unload(&plan)];
    let prefixes = listed_prefixes(&plan.spec, &sql);
    assert_eq!(prefixes, vec!["unload/example_".to_owned()]);
    let ports = Ports::for_fake(&aws, &plan);

    // Empty target: healthy, and the listing adds one call but no round trip.
    let before = aws.calls().len();
    let (snapshot, stats) = block_on(read_snapshot_listing(&plan, &ports, Some(&s3), &prefixes));
    let made = aws.calls()[before..].to_vec();
    assert!(made.iter().any(|c| c.contains("s3:ListObjectsV2") && c.contains("unload/example_")), "{made:#?}");
    assert_eq!(stats.calls, 2 + 2 + 2 * 4 + 4 + 2 + 2 + 1, "{made:#?}");
    assert_eq!(stats.depth, 2);
    assert_eq!(snapshot.prefix_objects["unload/example_"], Known::known(Vec::new()));
    let report = analyze_with_sql(&plan, &snapshot, &sql);
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);

    // Objects under the target: RB183 on the statement, with the keys as evidence.
    for n in 0..7 {
        block_on(s3.put_object(&bucket, &format!("unload/example_000{n}_part_00"), b"x".to_vec())).unwrap();
    }
    block_on(s3.put_object(&bucket, "unload/other", b"x".to_vec())).unwrap();
    let (snapshot, _) = block_on(read_snapshot_listing(&plan, &ports, Some(&s3), &prefixes));
    let Known::Known { value: keys } = &snapshot.prefix_objects["unload/example_"] else {
        panic!("{:?}", snapshot.prefix_objects)
    };
    assert_eq!(keys.len(), LISTED_KEYS);
    assert!(keys.iter().all(|k| k.starts_with("unload/example_")), "{keys:?}");
    let report = analyze_with_sql(&plan, &snapshot, &sql);
    assert_eq!(report.codes(), vec![FindingCode::UnloadTargetNotEmpty], "{:#?}", report.findings);
    assert!(matches!(report.findings[0].hop, Hop::UserStatement { number: 1, .. }));

    // A denied listing is unknown, not empty.
    aws.deny(Some(account("222222222222")), "s3:ListObjectsV2");
    let (snapshot, _) = block_on(read_snapshot_listing(&plan, &ports, Some(&s3), &prefixes));
    let Known::Unknown { reason } = &snapshot.prefix_objects["unload/example_"] else {
        panic!("{:?}", snapshot.prefix_objects)
    };
    assert!(reason.contains("s3:ListObjectsV2"), "{reason}");
    assert_eq!(analyze_with_sql(&plan, &snapshot, &sql).verdict, Verdict::Unknown);
}

#[test]
fn without_statements_nothing_is_listed_and_the_snapshot_has_no_listings() {
    let plan = serverless_plan();
    let aws = applied(&plan);
    let before = aws.calls().len();
    let (snapshot, _) = read(&plan, &aws);
    assert!(!aws.calls()[before..].iter().any(|c| c.contains("s3:ListObjectsV2")));
    assert!(snapshot.prefix_objects.is_empty());
    assert!(!serde_json::to_string(&snapshot).unwrap().contains("prefix_objects"));
}
