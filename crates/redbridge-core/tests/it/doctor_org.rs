//! Doctor with organization policies: SCPs of the caller's account and RCPs of the resource
//! owner's account judged on every hop, the deciding one named, and a qualified verdict when
//! they could not be read.

use redbridge_core::Plan;
use redbridge_core::doctor::{
    AccountOrganization, FindingCode, FixPolicy, Hop, HopStatus, Known, OrgPolicy, Severity, Snapshot, Verdict, analyze,
};

use crate::doctor::{PROVISIONED, doc, healthy, plan};

const REDSHIFT_ACCOUNT: &str = "111111111111";
const BUCKET_ACCOUNT: &str = "222222222222";
const MANAGEMENT_ACCOUNT: &str = "999999999999";

fn full_scp() -> OrgPolicy {
    OrgPolicy {
        id: "p-FullAWSAccess".into(),
        name: "FullAWSAccess".into(),
        document: doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
    }
}

fn full_rcp() -> OrgPolicy {
    OrgPolicy {
        id: "p-RCPFullAWSAccess".into(),
        name: "RCPFullAWSAccess".into(),
        document: doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        ),
    }
}

/// Root, one OU and the account, each with the full-access defaults.
pub(crate) fn organization(id: &str) -> AccountOrganization {
    AccountOrganization {
        organization_id: id.into(),
        management_account: MANAGEMENT_ACCOUNT.parse().unwrap(),
        scps: vec![vec![full_scp()], vec![full_scp()], vec![full_scp()]],
        rcps: vec![vec![full_rcp()], vec![full_rcp()], vec![full_rcp()]],
    }
}

/// The healthy snapshot with each account in the organization given.
pub(crate) fn in_organizations(plan: &Plan, redshift: AccountOrganization, bucket: AccountOrganization) -> Snapshot {
    let mut snapshot = healthy(plan);
    snapshot.organizations.insert(REDSHIFT_ACCOUNT.into(), Known::known(redshift));
    snapshot.organizations.insert(BUCKET_ACCOUNT.into(), Known::known(bucket));
    snapshot
}

/// An SCP denying `sts:AssumeRole` on roles of other accounts.
pub(crate) fn deny_cross_account_assume() -> OrgPolicy {
    OrgPolicy {
        id: "p-denyxacct1".into(),
        name: "DenyCrossAccountAssumeRole".into(),
        document: doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"NoForeignRoles","Effect":"Deny","Action":"sts:AssumeRole",
            "NotResource":"arn:aws:iam::{REDSHIFT_ACCOUNT}:role/*"}}]}}"#
        )),
    }
}

/// The data-perimeter RCP AWS documents: only principals of `org`, or AWS services.
fn identity_perimeter(org: &str) -> OrgPolicy {
    OrgPolicy {
        id: "p-perimeter1".into(),
        name: "EnforceIdentityPerimeter".into(),
        document: doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"RCPEnforceIdentityPerimeter","Effect":"Deny","Principal":"*",
            "Action":["s3:*","sts:AssumeRole"],"Resource":"*",
            "Condition":{{"StringNotEqualsIfExists":{{"aws:PrincipalOrgID":"{org}"}},"Bool":{{"aws:PrincipalIsAWSService":"false"}}}}}}]}}"#
        )),
    }
}

#[test]
fn full_aws_access_at_every_level_is_healthy_and_lists_what_was_read() {
    let plan = plan(PROVISIONED);
    let report = analyze(&plan, &in_organizations(&plan, organization("o-aaaa1111"), organization("o-aaaa1111")));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.organization_policies.read);
    let redshift = &report.organization_policies.accounts[0];
    assert_eq!(redshift.organization_id.as_deref(), Some("o-aaaa1111"));
    assert_eq!(redshift.scps[0], "root: FullAWSAccess (p-FullAWSAccess)");
    assert_eq!(redshift.scps[2], "account: FullAWSAccess (p-FullAWSAccess)");
}

#[test]
fn an_scp_denying_cross_account_assume_role_breaks_the_role_hop_and_names_the_scp() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-aaaa1111");
    redshift.scps[1].push(deny_cross_account_assume());
    let report = analyze(&plan, &in_organizations(&plan, redshift, organization("o-aaaa1111")));
    assert_eq!(report.verdict, Verdict::Broken);
    assert_eq!(report.codes(), [FindingCode::ScpDenies]);
    let finding = &report.findings[0];
    assert!(matches!(&finding.hop, Hop::Role { .. }), "{:?}", finding.hop);
    for part in
        ["SCP `DenyCrossAccountAssumeRole`", "`p-denyxacct1`", "organizational unit 1", "account `111111111111`"]
    {
        assert!(finding.message.contains(part), "{part} not in {}", finding.message);
    }
    assert!(finding.evidence.iter().any(|e| e.contains("NoForeignRoles")), "{:?}", finding.evidence);
    assert_eq!(finding.fix.policy, Some(FixPolicy::ServiceControlPolicy));
    assert_eq!(finding.fix.account, Some(MANAGEMENT_ACCOUNT.parse().unwrap()));
    assert_eq!(
        finding.fix.resource.as_deref(),
        Some("arn:aws:organizations::999999999999:policy/o-aaaa1111/service_control_policy/p-denyxacct1")
    );
    assert_eq!(finding.fix.remove.len(), 1);
    // Redshift's own hop is a service principal's: SCPs never apply to it.
    assert_eq!(report.hops[1].status, HopStatus::Ok);
}

#[test]
fn scps_do_not_apply_to_the_management_account() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-aaaa1111");
    redshift.management_account = REDSHIFT_ACCOUNT.parse().unwrap();
    redshift.scps[0].push(deny_cross_account_assume());
    let report = analyze(&plan, &in_organizations(&plan, redshift, organization("o-aaaa1111")));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
    assert!(report.organization_policies.accounts[0].management_account);
}

#[test]
fn an_scp_level_without_an_allow_denies_and_names_the_level() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-aaaa1111");
    redshift.scps[2] = vec![OrgPolicy {
        id: "p-onlys3".into(),
        name: "OnlyS3".into(),
        document: doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
    }];
    let report = analyze(&plan, &in_organizations(&plan, redshift, organization("o-aaaa1111")));
    assert_eq!(report.codes(), [FindingCode::ScpDenies]);
    let message = &report.findings[0].message;
    assert!(message.contains("no SCP attached to account `111111111111` itself"), "{message}");
    assert!(message.contains("`OnlyS3` (`p-onlys3`)"), "{message}");
}

#[test]
fn a_perimeter_rcp_in_the_bucket_account_denies_a_redshift_account_of_another_organization() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let report = analyze(&plan, &in_organizations(&plan, organization("o-other111"), bucket));
    assert_eq!(report.verdict, Verdict::Broken);
    // The cluster role's session (account 111…, another organization) assuming the bucket role
    // (an STS resource of the bucket account) is what the perimeter stops; the bucket role's own
    // S3 calls come from inside the bucket's organization and pass.
    assert_eq!(report.codes(), [FindingCode::RcpDenies]);
    let finding = &report.findings[0];
    assert!(matches!(finding.hop, Hop::Role { .. }), "{:?}", finding.hop);
    for part in ["RCP `EnforceIdentityPerimeter`", "`p-perimeter1`", "root", "account `222222222222`", "o-bucket222"] {
        assert!(finding.message.contains(part), "{part} not in {}", finding.message);
    }
    assert!(
        finding.evidence.iter().any(|e| e.contains("`aws:PrincipalOrgID` is `o-other111`")),
        "{:?}",
        finding.evidence
    );
    assert_eq!(finding.fix.policy, Some(FixPolicy::ResourceControlPolicy));
    assert!(
        finding.fix.text.contains("run Redshift in an account of organization `o-bucket222`"),
        "{}",
        finding.fix.text
    );
    assert_eq!(report.hops.iter().find(|h| matches!(h.hop, Hop::S3 { .. })).unwrap().status, HopStatus::Ok);
    // The service principal's hop is exempt by the policy's own `aws:PrincipalIsAWSService` condition.
    assert_eq!(report.hops[1].status, HopStatus::Ok);
}

#[test]
fn a_perimeter_rcp_on_s3_alone_passes_because_the_bucket_role_is_inside_the_perimeter() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    let mut perimeter = identity_perimeter("o-bucket222");
    perimeter.document = doc(&perimeter.document.to_json().replace(r#"["s3:*","sts:AssumeRole"]"#, r#""s3:*""#));
    assert!(!perimeter.document.to_json().contains("sts:AssumeRole"));
    bucket.rcps[0].push(perimeter);
    let report = analyze(&plan, &in_organizations(&plan, organization("o-other111"), bucket));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
}

#[test]
fn an_rcp_denying_s3_to_the_bucket_role_breaks_the_s3_hop_and_names_the_rcp() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[2].push(OrgPolicy {
        id: "p-nowrite22".into(),
        name: "DenyPutObject".into(),
        document: doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}"#,
        ),
    });
    let report = analyze(&plan, &in_organizations(&plan, organization("o-bucket222"), bucket));
    assert_eq!(report.codes(), [FindingCode::RcpDenies]);
    let finding = &report.findings[0];
    assert!(matches!(finding.hop, Hop::S3 { .. }), "{:?}", finding.hop);
    assert!(
        finding.message.contains("RCP `DenyPutObject` (`p-nowrite22`) attached to account `222222222222` itself"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("denies `s3:PutObject` on `arn:aws:s3:::acme-lake/exports/"),
        "{}",
        finding.message
    );
}

#[test]
fn a_perimeter_rcp_passes_a_redshift_account_of_the_same_organization() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-shared000");
    bucket.rcps[0].push(identity_perimeter("o-shared000"));
    let report = analyze(&plan, &in_organizations(&plan, organization("o-shared000"), bucket));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
}

#[test]
fn a_perimeter_rcp_denies_a_redshift_account_in_no_organization() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let mut snapshot = in_organizations(&plan, organization("o-unused"), bucket);
    snapshot.organizations.insert(REDSHIFT_ACCOUNT.into(), Known::Absent);
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Broken);
    assert_eq!(report.codes(), [FindingCode::RcpDenies]);
    assert!(
        report.findings[0].evidence.iter().any(|e| e.contains("in no organization")),
        "{:?}",
        report.findings[0].evidence
    );
}

#[test]
fn rcps_do_not_apply_to_the_management_accounts_resources() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.management_account = BUCKET_ACCOUNT.parse().unwrap();
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let report = analyze(&plan, &in_organizations(&plan, organization("o-other111"), bucket));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
}

#[test]
fn unread_organization_policies_qualify_a_healthy_verdict_and_keep_exit_code_zero() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let reason = "access denied for `organizations:ListParents` reading the organization of account `111111111111`";
    snapshot.organizations.insert(REDSHIFT_ACCOUNT.into(), Known::unknown(reason));
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::HealthyAsFarAsRead);
    assert_eq!(report.verdict.exit_code(), 0);
    assert!(!report.organization_policies.read);
    assert_eq!(report.organization_policies.not_read.len(), 1);
    assert_eq!(report.organization_policies.not_read[0].account.as_str(), REDSHIFT_ACCOUNT);
    assert_eq!(report.organization_policies.not_read[0].reason, reason);
    assert_eq!(report.codes(), [FindingCode::OrganizationPoliciesNotRead]);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.findings[0].fix.text.contains("organizations:ListPoliciesForTarget"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["verdict"], "healthy_as_far_as_read");
    assert_eq!(json["organization_policies"]["read"], false);
    assert_eq!(json["organization_policies"]["not_read"][0]["account"], REDSHIFT_ACCOUNT);
}

#[test]
fn an_old_snapshot_without_organizations_is_never_a_bare_healthy() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    snapshot.organizations.clear();
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::HealthyAsFarAsRead);
    assert_eq!(report.organization_policies.not_read.len(), 2);
}

#[test]
fn a_perimeter_rcp_is_not_certain_when_the_callers_organization_was_not_read() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let mut snapshot = in_organizations(&plan, organization("o-unused"), bucket);
    snapshot.organizations.insert(REDSHIFT_ACCOUNT.into(), Known::unknown("access denied"));
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Unknown, "{:#?}", report.findings);
    assert!(report.findings.iter().any(|f| f.code == FindingCode::RcpDenies && f.severity == Severity::Unknown));
}

#[test]
fn snapshots_with_organizations_round_trip_and_old_ones_load() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let snapshot = in_organizations(&plan, organization("o-other111"), bucket);
    let json = serde_json::to_string(&snapshot).unwrap();
    assert_eq!(Snapshot::from_json(&json).unwrap(), snapshot);
    let mut old = healthy(&plan);
    old.organizations.clear();
    let json = serde_json::to_string(&old).unwrap();
    assert!(!json.contains("organizations"));
    assert_eq!(Snapshot::from_json(&json).unwrap(), old);
}

/// The resource-perimeter SCP AWS documents: the account's principals reach only resources of
/// their own organization.
fn resource_perimeter(org: &str) -> OrgPolicy {
    OrgPolicy {
        id: "p-resperim1".into(),
        name: "EnforceResourcePerimeter".into(),
        document: doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":["sts:AssumeRole","s3:*"],"Resource":"*",
            "Condition":{{"StringNotEqualsIfExists":{{"aws:ResourceOrgID":"{org}"}}}}}}]}}"#
        )),
    }
}

#[test]
fn a_resource_perimeter_scp_judges_the_bucket_accounts_organization() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-redshift1");
    redshift.scps[0].push(resource_perimeter("o-redshift1"));
    let report = analyze(&plan, &in_organizations(&plan, redshift.clone(), organization("o-bucket222")));
    assert_eq!(report.codes(), [FindingCode::ScpDenies]);
    assert!(matches!(report.findings[0].hop, Hop::Role { .. }));

    let report = analyze(&plan, &in_organizations(&plan, redshift.clone(), organization("o-redshift1")));
    assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);

    // The bucket account's organization not read: the denial depends on it.
    let mut snapshot = in_organizations(&plan, redshift, organization("o-unused"));
    snapshot.organizations.insert(BUCKET_ACCOUNT.into(), Known::unknown("access denied"));
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Unknown, "{:#?}", report.findings);
    let scp = report.findings.iter().find(|f| f.code == FindingCode::ScpDenies).unwrap();
    assert_eq!(scp.severity, Severity::Unknown);
    assert!(scp.evidence.iter().any(|e| e.contains("`222222222222` was not read")), "{:?}", scp.evidence);
}

#[test]
fn denial_texts_naming_an_scp_or_an_rcp_are_classified_as_such() {
    use redbridge_core::doctor::classify;
    let scp = classify(
        "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::acme-lake/exports/x with an explicit deny in a service control policy",
    );
    assert_eq!((scp.code, scp.subject.as_deref(), scp.certain), (FindingCode::ScpDenies, Some("BucketRole"), true));
    assert!(scp.meaning.contains("s3:GetObject"), "{}", scp.meaning);
    let rcp = classify(
        "User: arn:aws:sts::111111111111:assumed-role/ClusterRole/RedshiftIamRoleSession is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/BucketRole with an explicit deny in a resource control policy",
    );
    assert_eq!((rcp.code, rcp.subject.as_deref()), (FindingCode::RcpDenies, Some("ClusterRole")));
}

#[test]
fn an_scp_and_an_rcp_denying_the_same_hop_are_each_named() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-other111");
    redshift.scps[2].push(deny_cross_account_assume());
    let mut bucket = organization("o-bucket222");
    bucket.rcps[0].push(identity_perimeter("o-bucket222"));
    let report = analyze(&plan, &in_organizations(&plan, redshift, bucket));
    assert_eq!(report.codes(), [FindingCode::ScpDenies, FindingCode::RcpDenies]);
    assert!(report.findings.iter().all(|f| matches!(f.hop, Hop::Role { .. })));
    assert_eq!(report.findings[1].fix.policy, Some(FixPolicy::ResourceControlPolicy));
}

#[test]
fn redbridge_test_points_an_scp_or_rcp_denial_at_the_hop_the_text_names() {
    use redbridge_core::doctor::classify;
    use redbridge_core::round_trip::diagnose;
    let plan = plan(PROVISIONED);
    let assume = classify(
        "User: arn:aws:sts::111111111111:assumed-role/redbridge-warehouse/RedshiftIamRoleSession is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/redbridge-acme-lake with an explicit deny in a service control policy",
    );
    let diagnosis = diagnose(&plan, &assume);
    assert_eq!(
        (diagnosis.code, diagnosis.hop.as_str()),
        (FindingCode::ScpDenies, "redbridge-warehouse → redbridge-acme-lake")
    );
    let read = classify(
        "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/redbridge-acme-lake/RedshiftIamRoleSession is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::acme-lake/exports/x because no resource control policy allows the s3:GetObject action",
    );
    let diagnosis = diagnose(&plan, &read);
    assert_eq!((diagnosis.code, diagnosis.hop.as_str()), (FindingCode::RcpDenies, "redbridge-acme-lake → S3"));
}
