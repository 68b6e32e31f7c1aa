//! The organization read through the ports (fakes): SCPs and RCPs level by level when the
//! account may read them, unknown with the action named when it may not, absent outside any
//! organization, and doctor's verdict over what was read.

use redbridge_aws::apply_engine::Ports;
use redbridge_aws::fake::{FakeAws, FakeOrganization};
use redbridge_aws::ports::OrgPolicyType;
use redbridge_aws::snapshot_reader::{read_organization, read_snapshot};
use redbridge_core::Plan;
use redbridge_core::doctor::{FindingCode, Hop, Known, Snapshot, Verdict, analyze};
use redbridge_iam::AccountId;
use redbridge_iam::policy::PolicyDocument;

use crate::snapshot_reader::applied;
use crate::{block_on, provisioned_plan};

const MANAGEMENT: &str = "999999999999";

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

/// The Redshift account under `ou-fake-analytics`, the bucket account under the root.
fn organization() -> FakeOrganization {
    let mut organization = FakeOrganization::new("o-fake1234", account(MANAGEMENT));
    organization
        .add_unit("ou-fake-analytics", "r-fake")
        .add_account(account("111111111111"), "ou-fake-analytics")
        .add_account(account("222222222222"), "r-fake");
    organization
}

fn read(plan: &Plan, aws: &FakeAws) -> Snapshot {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    block_on(read_snapshot(plan, &ports, Some(&s3))).0
}

#[test]
fn an_scp_read_level_by_level_breaks_the_role_hop() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    let mut organization = organization();
    organization.delegated_administrators.insert(account("111111111111"));
    organization.delegated_administrators.insert(account("222222222222"));
    organization.attach_policy(
        "p-denyxacct1",
        "DenyCrossAccountAssumeRole",
        OrgPolicyType::ServiceControlPolicy,
        doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::111111111111:role/*"}]}"#),
        "ou-fake-analytics",
    );
    aws.seed_organization(organization);
    let (organization, stats) =
        block_on(read_organization(&aws.account(account("111111111111")), account("111111111111")));
    let Known::Known { value } = &organization else { panic!("{organization:?}") };
    assert_eq!(value.organization_id, "o-fake1234");
    let names = |levels: &[Vec<redbridge_core::doctor::OrgPolicy>]| -> Vec<Vec<String>> {
        levels.iter().map(|l| l.iter().map(|p| p.name.clone()).collect()).collect()
    };
    assert_eq!(
        names(&value.scps),
        [vec!["FullAWSAccess"], vec!["FullAWSAccess", "DenyCrossAccountAssumeRole"], vec!["FullAWSAccess"]]
    );
    assert_eq!(names(&value.rcps), [vec!["RCPFullAWSAccess"], vec!["RCPFullAWSAccess"], vec!["RCPFullAWSAccess"]]);
    // DescribeOrganization, ListParents ×2, ListPoliciesForTarget ×6 at once, DescribePolicy ×3 at once.
    assert_eq!((stats.calls, stats.depth), (1 + 2 + 6 + 3, 5), "{stats:?}");
    let report = analyze(&plan, &read(&plan, &aws));
    assert_eq!(report.verdict, Verdict::Broken, "{:#?}", report.findings);
    assert_eq!(report.codes(), [FindingCode::ScpDenies]);
    assert!(matches!(report.findings[0].hop, Hop::Role { .. }));
    assert!(report.findings[0].message.contains("`DenyCrossAccountAssumeRole` (`p-denyxacct1`)"));
}

#[test]
fn member_accounts_that_may_not_read_their_policies_are_healthy_as_far_as_read() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    aws.seed_organization(organization());
    let snapshot = read(&plan, &aws);
    let Known::Unknown { reason } = &snapshot.organizations["111111111111"] else { panic!("{snapshot:?}") };
    assert!(reason.contains("organizations:ListParents"), "{reason}");
    assert!(reason.contains("o-fake1234"), "{reason}");
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::HealthyAsFarAsRead, "{:#?}", report.findings);
    assert_eq!(report.verdict.exit_code(), 0);
    assert_eq!(report.organization_policies.not_read.len(), 2);
}

#[test]
fn a_perimeter_rcp_read_from_the_bucket_account_denies_a_redshift_account_outside_the_organization() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    let mut organization = FakeOrganization::new("o-fake1234", account(MANAGEMENT));
    organization.add_account(account("222222222222"), "r-fake");
    organization.delegated_administrators.insert(account("222222222222"));
    organization.attach_policy(
        "p-perimeter1",
        "EnforceIdentityPerimeter",
        OrgPolicyType::ResourceControlPolicy,
        doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*","sts:AssumeRole"],"Resource":"*",
            "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-fake1234"},"Bool":{"aws:PrincipalIsAWSService":"false"}}}]}"#),
        "r-fake",
    );
    aws.seed_organization(organization);
    let snapshot = read(&plan, &aws);
    assert_eq!(snapshot.organizations["111111111111"], Known::Absent);
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.verdict, Verdict::Broken);
    assert_eq!(report.codes(), [FindingCode::RcpDenies]);
    assert!(report.findings[0].message.contains("`EnforceIdentityPerimeter` (`p-perimeter1`)"));
}

#[test]
fn the_management_accounts_organization_is_read_without_its_policies() {
    let aws = FakeAws::new();
    aws.seed_organization(organization());
    let (organization, stats) = block_on(read_organization(&aws.account(account(MANAGEMENT)), account(MANAGEMENT)));
    let Known::Known { value } = organization else { panic!() };
    assert!(value.scps.is_empty() && value.rcps.is_empty());
    assert_eq!(stats.calls, 1);
}

#[test]
fn a_denied_describe_organization_is_unknown_naming_the_action() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    aws.deny(Some(account("111111111111")), "organizations:");
    let snapshot = read(&plan, &aws);
    let Known::Unknown { reason } = &snapshot.organizations["111111111111"] else { panic!() };
    assert!(reason.contains("access denied for `organizations:DescribeOrganization`"), "{reason}");
    assert_eq!(snapshot.organizations["222222222222"], Known::Absent);
}

#[test]
fn a_member_accounts_policies_are_read_with_the_profile_of_a_delegated_administrator_of_the_chain() {
    let plan = provisioned_plan();
    let aws = applied(&plan);
    let mut organization = organization();
    // The bucket account may read the organization; the Redshift account may not.
    organization.delegated_administrators.insert(account("222222222222"));
    organization.attach_policy(
        "p-denyxacct1",
        "DenyCrossAccountAssumeRole",
        OrgPolicyType::ServiceControlPolicy,
        doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::111111111111:role/*"}]}"#),
        "111111111111",
    );
    aws.seed_organization(organization);
    let ports = Ports::for_fake(&aws, &plan);
    let s3 = aws.account(plan.spec.s3_account);
    aws.clear_calls();
    let (snapshot, stats) = block_on(read_snapshot(&plan, &ports, Some(&s3)));
    let Known::Known { value } = &snapshot.organizations["111111111111"] else { panic!("{snapshot:?}") };
    assert_eq!(value.scps[2].len(), 2, "{value:?}");
    // The Redshift account's own ListParents was refused, then the bucket account's profile read it.
    let parents: Vec<_> = aws
        .recorded_calls()
        .into_iter()
        .filter(|c| c.operation == "organizations:ListParents" && c.target == "111111111111")
        .map(|c| c.account)
        .collect();
    assert_eq!(parents, [Some(account("111111111111")), Some(account("222222222222"))]);
    // Own read (describe, refused ListParents), then the second reader's four round trips.
    assert!(stats.depth >= 2 + 4, "{stats:?}");
    let report = analyze(&plan, &snapshot);
    assert_eq!(report.codes(), [FindingCode::ScpDenies]);
    assert!(report.organization_policies.read);
}
