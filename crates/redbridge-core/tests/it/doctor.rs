//! Doctor's analysis over a catalog of snapshots: the healthy setups, and each common failure
//! from the reference injected into an otherwise healthy snapshot, with the exact codes and hops.

use std::collections::BTreeMap;

use redbridge_core::doctor::{
    ApplyStatus, AttachedRole, BucketState, FindingCode, FixPolicy, Hop, HopStatus, KeyState, Known, RedshiftState,
    Report, RoleState, Severity, Snapshot, Verdict, analyze, classify,
};
use redbridge_core::plan::Step;
use redbridge_core::{Plan, Spec};
use redbridge_iam::policy::{PolicyDocument, Statement};

pub(crate) const PROVISIONED: &str = r#"
redshift_account = "111111111111"
s3_account = "222222222222"
bucket = "acme-lake"
prefixes = ["exports/"]
access = "both"
cluster = "warehouse"
region = "us-east-1"
kms_key = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
"#;

pub(crate) const SERVERLESS: &str = r#"
redshift_account = "111111111111"
s3_account = "222222222222"
bucket = "acme-lake"
prefixes = ["exports/"]
access = "both"
workgroup = "analytics-wg"
namespace = "analytics-ns"
region = "us-east-1"
db_users = ["etl"]
"#;

pub(crate) fn plan(spec: &str) -> Plan {
    Plan::new(&Spec::from_toml(spec).unwrap()).unwrap()
}

/// What both accounts hold right after a clean `apply` of `plan`, with a default key policy.
pub(crate) fn healthy(plan: &Plan) -> Snapshot {
    let mut snapshot = Snapshot::empty();
    let spec = &plan.spec;
    snapshot.redshift = Known::known(RedshiftState {
        region: spec.region.clone(),
        attached_roles: vec![AttachedRole { arn: plan.chain.first().to_string(), status: ApplyStatus::InSync }],
        enhanced_vpc_routing: false,
        workgroup_id: spec.target.is_serverless().then(|| "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f".to_owned()),
    });
    for step in plan.accounts.iter().flat_map(|a| &a.steps) {
        match step {
            Step::CreateRole { role, trust_policy, tags, .. } => {
                snapshot.roles.insert(
                    role.to_string(),
                    Known::known(RoleState {
                        trust_policy: trust_policy.clone(),
                        inline_policies: BTreeMap::new(),
                        managed_policies: BTreeMap::new(),
                        permissions_boundary: None,
                        tags: tags.clone(),
                    }),
                );
            }
            Step::PutRolePolicy { role, policy_name, policy } => {
                if let Some(Known::Known { value }) = snapshot.roles.get_mut(&role.to_string()) {
                    value.inline_policies.insert(policy_name.clone(), policy.clone());
                }
            }
            _ => {}
        }
    }
    snapshot.bucket = Known::known(BucketState {
        region: spec.bucket_region.clone(),
        policy: None,
        object_ownership: Some("BucketOwnerEnforced".into()),
        default_encryption: Some(if spec.kms_key.is_some() { "aws:kms" } else { "AES256" }.into()),
        default_kms_key: spec.kms_key.as_ref().map(ToString::to_string),
    });
    // Every account outside any organization: no SCP or RCP applies (tests/it/doctor_org.rs
    // puts them in one).
    for account in [spec.redshift_account, spec.s3_account] {
        snapshot.organizations.insert(account.to_string(), Known::Absent);
    }
    if let Some(key) = &spec.kms_key {
        snapshot.kms_key = Some(Known::known(KeyState {
            arn: key.clone(),
            key_state: "Enabled".into(),
            key_manager: "CUSTOMER".into(),
            policy: doc(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow",
                "Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#,
                key.account()
            )),
        }));
    }
    snapshot
}

pub(crate) fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

fn role_mut<'a>(snapshot: &'a mut Snapshot, plan: &Plan, index: usize) -> &'a mut RoleState {
    let arn = plan.chain.roles()[index].to_string();
    match snapshot.roles.get_mut(&arn) {
        Some(Known::Known { value }) => value,
        _ => panic!("no role {arn}"),
    }
}

fn errors(report: &Report) -> Vec<(FindingCode, Hop)> {
    report.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| (f.code, f.hop.clone())).collect()
}

fn cluster_role(plan: &Plan) -> String {
    plan.chain.first().to_string()
}
fn bucket_role(plan: &Plan) -> String {
    plan.chain.last().to_string()
}

#[test]
fn healthy_provisioned_and_serverless_setups_pass() {
    for spec in [PROVISIONED, SERVERLESS] {
        let plan = plan(spec);
        let report = analyze(&plan, &healthy(&plan));
        assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
        assert!(report.hops.iter().all(|h| h.status == HopStatus::Ok), "{:#?}", report.hops);
        assert_eq!(report.verdict.exit_code(), 0);
    }
}

#[test]
fn role_not_attached() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.redshift {
        value.attached_roles =
            vec![AttachedRole { arn: "arn:aws:iam::111111111111:role/other".into(), status: ApplyStatus::InSync }];
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::FirstRoleNotAttached, Hop::Attachment)]);
    let fix = &report.findings[0].fix;
    assert!(fix.to_text().contains("modify-cluster-iam-roles --cluster-identifier warehouse --add-iam-roles"));
    assert_eq!(fix.policy, Some(FixPolicy::Attachment));
    assert_eq!(fix.account.map(|a| a.to_string()).as_deref(), Some("111111111111"));
    assert_eq!(fix.resource.as_deref(), Some("arn:aws:redshift:us-east-1:111111111111:cluster:warehouse"));
    assert_eq!(report.verdict.exit_code(), 1);
}

#[test]
fn role_still_adding() {
    let plan = plan(SERVERLESS);
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.redshift {
        value.attached_roles[0].status = ApplyStatus::Adding;
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::FirstRoleNotInSync, Hop::Attachment)]);
}

#[test]
fn serverless_trust_without_redshift_serverless() {
    let plan = plan(SERVERLESS);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 0);
    let redbridge_iam::policy::PrincipalBlock::Principal(p) =
        role.trust_policy.statements[0].principal.as_mut().unwrap()
    else {
        panic!()
    };
    p.service.retain(|s| s == "redshift.amazonaws.com");
    let report = analyze(&plan, &snapshot);
    assert_eq!(
        errors(&report),
        vec![(FindingCode::ServerlessServiceNotTrusted, Hop::Service { role: cluster_role(&plan) })]
    );
    assert!(
        report.findings[0].fix.to_text().contains("redshift-serverless.amazonaws.com"),
        "{}",
        report.findings[0].fix.to_text()
    );
}

/// <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>:
/// a trust naming `redshift.<region>.amazonaws.com` restricts the role to that region; it is not
/// broken in its own region, and is in another.
#[test]
fn regional_redshift_principal_in_the_cluster_role_trust() {
    let plan = plan(PROVISIONED);
    for (regional, broken) in [("redshift.us-east-1.amazonaws.com", false), ("redshift.us-west-2.amazonaws.com", true)]
    {
        let mut snapshot = healthy(&plan);
        let role = role_mut(&mut snapshot, &plan, 0);
        let redbridge_iam::policy::PrincipalBlock::Principal(p) =
            role.trust_policy.statements[0].principal.as_mut().unwrap()
        else {
            panic!()
        };
        p.service = vec![regional.to_owned()];
        let report = analyze(&plan, &snapshot);
        let expected = if broken {
            vec![(FindingCode::ServiceNotTrusted, Hop::Service { role: cluster_role(&plan) })]
        } else {
            vec![]
        };
        assert_eq!(errors(&report), expected, "{regional}: {:#?}", report.findings);
    }
}

#[test]
fn mfa_condition_in_the_cluster_role_trust() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 0);
    role.trust_policy.statements[0] =
        role.trust_policy.statements[0].clone().with_condition("Bool", "aws:MultiFactorAuthPresent", [true]);
    let report = analyze(&plan, &snapshot);
    assert_eq!(
        errors(&report),
        vec![(FindingCode::TrustConditionUnsatisfiable, Hop::Service { role: cluster_role(&plan) })]
    );
    assert!(report.findings[0].message.contains("without MFA"), "{}", report.findings[0].message);
}

#[test]
fn source_account_of_another_account() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 0);
    role.trust_policy.statements[0].condition.clear();
    role.trust_policy.statements[0] =
        role.trust_policy.statements[0].clone().with_condition("StringEquals", "aws:SourceAccount", ["999999999999"]);
    let report = analyze(&plan, &snapshot);
    assert_eq!(
        errors(&report),
        vec![(FindingCode::TrustConditionUnsatisfiable, Hop::Service { role: cluster_role(&plan) })]
    );
    assert!(report.findings[0].message.contains("999999999999"));
}

#[test]
fn external_id_for_another_user() {
    let plan = plan(SERVERLESS);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 1);
    role.trust_policy.statements[0].condition.clear();
    role.trust_policy.statements[0] = role.trust_policy.statements[0].clone().with_condition(
        "StringEquals",
        "sts:ExternalId",
        ["arn:aws:redshift:us-east-1:111111111111:dbuser:analytics-wg/someone"],
    );
    let report = analyze(&plan, &snapshot);
    let hop = Hop::Role { from: cluster_role(&plan), to: bucket_role(&plan) };
    assert_eq!(errors(&report), vec![(FindingCode::PreviousRoleNotTrusted, hop)]);
}

#[test]
fn bucket_role_trust_names_another_role() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 1);
    role.trust_policy = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/SomeOtherRole"},"Action":"sts:AssumeRole"}]}"#,
    );
    let report = analyze(&plan, &snapshot);
    let hop = Hop::Role { from: cluster_role(&plan), to: bucket_role(&plan) };
    assert_eq!(errors(&report), vec![(FindingCode::PreviousRoleNotTrusted, hop)]);
    let finding = &report.findings[0];
    assert!(finding.evidence.iter().any(|e| e.contains("SomeOtherRole")), "{:?}", finding.evidence);
    assert!(finding.fix.to_text().contains(&cluster_role(&plan)), "{}", finding.fix.to_text());
    // The fix as data: the planned trust statement, for the bucket role, in the bucket account.
    assert_eq!(finding.fix.policy, Some(FixPolicy::TrustPolicy));
    assert_eq!(finding.fix.resource.as_deref(), Some(bucket_role(&plan).as_str()));
    assert_eq!(finding.fix.account.map(|a| a.to_string()).as_deref(), Some("222222222222"));
    let planned_trust = plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
        Step::CreateRole { role, trust_policy, .. } if role.to_string() == bucket_role(&plan) => {
            Some(trust_policy.statements[0].clone())
        }
        _ => None,
    });
    assert_eq!(finding.fix.add, planned_trust.into_iter().collect::<Vec<_>>());
    assert!(finding.fix.remove.is_empty());
    // Text output: the words, then the statement as IAM JSON.
    let text = finding.fix.to_text();
    let (words, statement) = text.split_once('\n').expect("a statement after the words");
    assert_eq!(words, format!("put this statement in the trust policy of `{}`:", plan.chain.last().name()));
    assert_eq!(serde_json::to_string_pretty(&finding.fix.add[0]).unwrap(), statement);
}

#[test]
fn cluster_role_without_assume_role_permission() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    role_mut(&mut snapshot, &plan, 0).inline_policies.clear();
    let report = analyze(&plan, &snapshot);
    let hop = Hop::Role { from: cluster_role(&plan), to: bucket_role(&plan) };
    assert_eq!(errors(&report), vec![(FindingCode::AssumeRoleNotAllowed, hop)]);
    assert!(report.findings[0].fix.to_text().contains("\"sts:AssumeRole\""), "{}", report.findings[0].fix.to_text());
    let fix = &report.findings[0].fix;
    assert_eq!(fix.policy, Some(FixPolicy::IdentityPolicy));
    assert_eq!(fix.resource.as_deref(), Some(cluster_role(&plan).as_str()));
    assert!(fix.policy_name.is_some());
    assert_eq!(fix.add.len(), 1);
    assert_eq!(fix.add[0].sid.as_deref(), Some("RedbridgeAssumeNextRole"));
}

#[test]
fn trust_naming_the_account_root_works_but_warns() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let role = role_mut(&mut snapshot, &plan, 1);
    role.trust_policy = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#,
    );
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Healthy);
    assert_eq!(report.codes(), vec![FindingCode::TrustsWholeAccount]);
    // The fix swaps the statement naming the account for the planned one naming the role.
    let fix = &report.findings[0].fix;
    assert_eq!(fix.policy, Some(FixPolicy::TrustPolicy));
    assert_eq!(fix.remove, role_mut(&mut snapshot, &plan, 1).trust_policy.statements);
    assert_eq!(fix.add.len(), 1);
    assert!(serde_json::to_string(&fix.add[0]).unwrap().contains(&cluster_role(&plan)));
    assert!(!fix.text.contains('{'), "no JSON in the words: {}", fix.text);
}

#[test]
fn bucket_role_without_put_object() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    for policy in role_mut(&mut snapshot, &plan, 1).inline_policies.values_mut() {
        policy.statements.retain(|s| s.sid.as_deref() != Some("RedbridgeWriteObjects"));
    }
    let report = analyze(&plan, &snapshot);
    let hop = Hop::S3 { role: bucket_role(&plan) };
    assert_eq!(errors(&report), vec![(FindingCode::S3PermissionMissing, hop)]);
    assert!(report.findings[0].message.contains("s3:PutObject"));
    assert!(report.findings[0].message.contains("UNLOAD"));
    assert!(report.findings[0].fix.to_text().contains("RedbridgeWriteObjects"));
}

#[test]
fn prefix_scoping_denies_other_paths() {
    // The role was set up for `exports/`; the spec now asks for `other/` too.
    let plan_before = plan(PROVISIONED);
    let snapshot = healthy(&plan_before);
    let plan_after = plan(&PROVISIONED.replace(r#"prefixes = ["exports/"]"#, r#"prefixes = ["exports/", "other/"]"#));
    let report = analyze(&plan_after, &snapshot);
    assert_eq!(report.verdict, Verdict::Broken);
    assert!(report.findings.iter().all(|f| f.code == FindingCode::S3PermissionMissing), "{:#?}", report.findings);
    assert!(report.findings.iter().all(|f| f.message.contains("other/")));
}

#[test]
fn key_policy_without_the_bucket_role() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    if let Some(Known::Known { value }) = &mut snapshot.kms_key {
        value.policy = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/KeyAdmin"},"Action":"kms:*","Resource":"*"}]}"#,
        );
    }
    let report = analyze(&plan, &snapshot);
    let hop = Hop::Kms { role: bucket_role(&plan) };
    assert_eq!(
        errors(&report),
        vec![(FindingCode::KmsKeyNotAllowed, hop.clone()), (FindingCode::KmsKeyNotAllowed, hop)]
    );
    assert!(
        report.findings[0].fix.to_text().contains("RedbridgeBucketRoleUsesKey"),
        "{}",
        report.findings[0].fix.to_text()
    );
    let fix = &report.findings[0].fix;
    assert_eq!(fix.policy, Some(FixPolicy::KeyPolicy));
    assert_eq!(
        fix.resource.as_deref(),
        Some("arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    );
    assert_eq!(fix.add[0].sid.as_deref(), Some("RedbridgeBucketRoleUsesKey"));
}

#[test]
fn aws_managed_key_from_another_account_and_disabled_key() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    if let Some(Known::Known { value }) = &mut snapshot.kms_key {
        value.key_state = "Disabled".into();
    }
    let report = analyze(&plan, &snapshot);
    assert!(report.codes().contains(&FindingCode::KmsKeyNotEnabled), "{:?}", report.codes());
}

#[test]
fn bucket_policy_requiring_sse_kms_with_unencrypted_unload() {
    let plan = plan(
        &PROVISIONED
            .replace("kms_key = \"arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab\"", ""),
    );
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.bucket {
        value.policy = Some(doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"RequireKms","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
               "Resource":"arn:aws:s3:::acme-lake/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#,
        ));
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::UnloadWithoutSseKms, Hop::S3 { role: bucket_role(&plan) })]);
    assert!(
        report.findings[0].evidence.iter().any(|e| e.contains("`RequireKms`")),
        "{:?}",
        report.findings[0].evidence
    );
}

#[test]
fn explicit_deny_in_the_bucket_policy() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.bucket {
        value.policy = Some(doc(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-lake/exports/*"}]}"#,
        ));
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::S3ExplicitDeny, Hop::S3 { role: bucket_role(&plan) })]);
    // The fix names the denying statement of the bucket policy, to remove.
    let fix = &report.findings[0].fix;
    assert_eq!(fix.policy, Some(FixPolicy::BucketPolicy));
    assert_eq!(fix.resource.as_deref(), Some("arn:aws:s3:::acme-lake"));
    assert_eq!(fix.account.map(|a| a.to_string()).as_deref(), Some("222222222222"));
    assert_eq!(fix.remove.len(), 1);
    assert_eq!(fix.remove[0].sid.as_deref(), Some("NoDeletes"));
    assert!(fix.add.is_empty());
}

#[test]
fn bucket_in_another_region_than_the_spec_says() {
    let plan = plan(
        PROVISIONED
            .replace(
                "kms_key = \"arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab\"",
                "format = \"parquet\"",
            )
            .as_str(),
    );
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.bucket {
        value.region = "eu-west-1".parse().unwrap();
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(
        errors(&report),
        vec![(FindingCode::BucketRegionDiffers, Hop::Statement), (FindingCode::ColumnarCrossRegion, Hop::Statement)]
    );
    assert!(report.findings[0].fix.to_text().contains("bucket_region = \"eu-west-1\""));
}

#[test]
fn enhanced_vpc_routing_warns() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    if let Known::Known { value } = &mut snapshot.redshift {
        value.enhanced_vpc_routing = true;
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Healthy);
    assert_eq!(report.codes(), vec![FindingCode::EnhancedVpcRouting]);
}

#[test]
fn missing_role_and_unreadable_state() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    snapshot.roles.insert(bucket_role(&plan), Known::Absent);
    let report = analyze(&plan, &snapshot);
    assert!(report.codes().contains(&FindingCode::RoleMissing), "{:?}", report.codes());
    assert_eq!(report.verdict, Verdict::Broken);

    let mut snapshot = healthy(&plan);
    snapshot.bucket = Known::unknown("no profile for account 222222222222");
    snapshot.kms_key = Some(Known::unknown("no profile for account 222222222222"));
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Unknown, "{:#?}", report.findings);
    assert_eq!(report.verdict.exit_code(), 3);
    assert!(report.findings.iter().all(|f| f.code == FindingCode::StateUnreadable));
}

#[test]
fn snapshots_round_trip_and_refuse_other_versions() {
    let plan = plan(SERVERLESS);
    let snapshot = healthy(&plan);
    let json = serde_json::to_string_pretty(&snapshot).unwrap();
    assert_eq!(Snapshot::from_json(&json).unwrap(), snapshot);
    let other = json.replacen("\"version\": 1", "\"version\": 7", 1);
    let error = Snapshot::from_json(&other).unwrap_err().to_string();
    assert!(error.contains("format version 7"), "{error}");
    let at = redbridge_core::input::position_in(&other, other.find("\"version\"").unwrap());
    assert!(error.starts_with(&format!("{}:{}: ", at.line, at.column)), "{error}");
    assert_eq!(
        Snapshot::from_json("{}").unwrap_err().to_string(),
        "1:1: the snapshot has no `version` field; is it a redbridge snapshot?"
    );
}

#[test]
fn snapshot_syntax_and_shape_errors_say_their_line_and_column() {
    assert_eq!(
        Snapshot::from_json("{\"version\": 1,\n  \"roles\": [}").unwrap_err().to_string(),
        "2:13: the snapshot is not valid JSON: expected value"
    );
    assert_eq!(
        Snapshot::from_json("{\"version\": 1,\n  \"roles\": 5}").unwrap_err().to_string(),
        "2:12: the snapshot does not have the expected shape: invalid type: integer `5`, expected a map"
    );
}

#[test]
fn redshift_error_texts_are_classified() {
    let cases = [
        (
            "User arn:aws:redshift:us-east-1:111111111111:dbuser:warehouse/etl is not authorized to assume IAM Role arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole",
            FindingCode::FirstRoleNotAttached,
            Some("arn:aws:iam::111111111111:role/ClusterRole"),
        ),
        (
            "Not authorized to get credentials of role arn:aws:iam::111111111111:role/ClusterRole",
            FindingCode::ServiceNotTrusted,
            Some("arn:aws:iam::111111111111:role/ClusterRole"),
        ),
        ("UnauthorizedException, error type : 135", FindingCode::ServiceNotTrusted, None),
        (
            "User etl does not have ASSUMEROLE permission on IAM role \"arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole\" for COPY",
            FindingCode::AssumeRolePrivilegeMissing,
            Some("arn:aws:iam::111111111111:role/ClusterRole"),
        ),
        ("S3ServiceException:Access Denied,Status 403,Error AccessDenied", FindingCode::S3PermissionMissing, None),
        (
            "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::acme-lake/exports/x_0000_part_00 with an explicit deny",
            FindingCode::S3ExplicitDeny,
            Some("BucketRole"),
        ),
        (
            "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::acme-lake/exports/x",
            FindingCode::S3PermissionMissing,
            Some("BucketRole"),
        ),
        (
            "S3ServiceException:The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.,Status 301,Error PermanentRedirect",
            FindingCode::BucketRegionDiffers,
            None,
        ),
        (
            "S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket",
            FindingCode::BucketMissing,
            None,
        ),
        ("The specified S3 prefix 'exports/none' does not exist", FindingCode::CopySourceEmpty, Some("exports/none")),
        (
            "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.",
            FindingCode::UnloadTargetNotEmpty,
            None,
        ),
        ("something else entirely", FindingCode::UnrecognisedError, None),
    ];
    for (text, code, subject) in cases {
        let c = classify(text);
        assert_eq!(c.code, code, "{text}");
        assert_eq!(c.subject.as_deref(), subject, "{text}");
        assert!(FindingCode::ALL.contains(&c.code), "{text}");
    }
}

#[test]
fn every_code_is_documented_once() {
    let codes = FindingCode::ALL;
    for (i, code) in codes.iter().enumerate() {
        assert!(code.as_str().starts_with("RB") && code.as_str().len() == 5, "{code}");
        assert!(!code.meaning().is_empty());
        assert!(!codes[..i].iter().any(|c| c.as_str() == code.as_str()), "{code} twice");
    }
    let _ = Statement::allow(["s3:GetObject"], ["*"]);
}

#[test]
fn a_trust_denying_the_service_gets_a_fix_removing_the_deny_and_adding_the_planned_statement() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let deny: Statement = serde_json::from_str(
        r#"{"Sid":"NoRedshift","Effect":"Deny","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
    )
    .unwrap();
    role_mut(&mut snapshot, &plan, 0).trust_policy.statements.push(deny.clone());
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::ServiceNotTrusted, Hop::Service { role: cluster_role(&plan) })]);
    let fix = &report.findings[0].fix;
    assert_eq!(fix.policy, Some(FixPolicy::TrustPolicy));
    assert_eq!(fix.resource.as_deref(), Some(cluster_role(&plan).as_str()));
    assert_eq!(fix.remove, vec![deny]);
    assert_eq!(fix.add.len(), 1);
    assert_eq!(fix.add[0].sid.as_deref(), Some("RedbridgeRedshiftService"));
}

#[test]
fn a_key_policy_denying_the_bucket_role_gets_a_fix_removing_the_deny() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let deny: Statement = serde_json::from_str(&format!(
        r#"{{"Sid":"NoDecrypt","Effect":"Deny","Principal":{{"AWS":"{}"}},"Action":"kms:Decrypt","Resource":"*"}}"#,
        bucket_role(&plan)
    ))
    .unwrap();
    if let Some(Known::Known { value }) = &mut snapshot.kms_key {
        value.policy.statements.push(deny.clone());
    }
    let report = analyze(&plan, &snapshot);
    assert_eq!(errors(&report), vec![(FindingCode::KmsKeyNotAllowed, Hop::Kms { role: bucket_role(&plan) })]);
    let fix = &report.findings[0].fix;
    assert_eq!(fix.text, "remove or narrow the denying statement named in the evidence");
    assert_eq!(fix.policy, Some(FixPolicy::KeyPolicy));
    assert_eq!(fix.account.map(|a| a.to_string()).as_deref(), Some("222222222222"));
    assert_eq!(fix.remove, vec![deny]);
    assert!(fix.add.is_empty());
}
