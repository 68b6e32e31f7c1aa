//! What the fakes give `audit`: Redshift per account (listing, recording, sessions through
//! `Connect`), the organization's accounts, and throttling injected every n-th call.

use redbridge_aws::AwsError;
use redbridge_aws::fake::{FakeAws, FakeCall, FakeOrganization};
use redbridge_aws::ports::{
    Connect, Credentials, Iam as _, Organizations as _, Redshift as _, RedshiftServerless as _, Sts as _,
};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::block_on;

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

fn region() -> Region {
    Region::parse("eu-west-1").unwrap()
}

fn identifiers(aws: &FakeAws, credentials: &Credentials) -> Vec<String> {
    let clusters = block_on(Connect::redshift(aws, credentials, &region()).list_clusters()).unwrap();
    clusters.into_iter().map(|c| c.identifier).collect()
}

#[test]
fn each_account_lists_only_its_own_clusters_while_the_global_ports_list_every_one() {
    let aws = FakeAws::new();
    aws.seed_owned_cluster(account("111111111111"), "a-one", &[], None);
    aws.seed_owned_cluster(account("111111111111"), "a-two", &[], None);
    aws.seed_owned_cluster(account("222222222222"), "b-one", &[], None);
    aws.seed_cluster("unowned", &[]);
    assert_eq!(identifiers(&aws, &Credentials::Account(account("111111111111"))), ["a-one", "a-two"]);
    assert_eq!(identifiers(&aws, &Credentials::Account(account("222222222222"))), ["b-one"]);
    assert_eq!(identifiers(&aws, &Credentials::Account(account("333333333333"))), Vec::<String>::new());
    let every: Vec<String> =
        block_on(aws.redshift().list_clusters()).unwrap().into_iter().map(|c| c.identifier).collect();
    assert_eq!(every, ["a-one", "a-two", "b-one", "unowned"]);
}

#[test]
fn an_account_cannot_read_or_change_another_accounts_cluster_or_namespace() {
    let aws = FakeAws::new();
    aws.seed_owned_cluster(account("111111111111"), "a-one", &[], None);
    aws.seed_owned_namespace(account("111111111111"), "a-ns", &[], None);
    aws.seed_owned_workgroup(account("111111111111"), "a-wg", "a-ns", "wg-1");
    let role = RoleArn::parse("arn:aws:iam::222222222222:role/loader").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    let other = aws.redshift_of(account("222222222222"));
    assert!(matches!(block_on(other.describe_cluster("a-one")), Err(AwsError::NotFound { .. })));
    assert!(matches!(block_on(other.add_cluster_role("a-one", &role.to_string())), Err(AwsError::NotFound { .. })));
    assert!(matches!(block_on(other.namespace_roles("a-ns")), Err(AwsError::NotFound { .. })));
    assert!(matches!(block_on(other.workgroup("a-wg")), Err(AwsError::NotFound { .. })));
    let owner = aws.redshift_of(account("111111111111"));
    assert!(block_on(owner.describe_cluster("a-one")).is_ok());
    assert!(block_on(aws.redshift().describe_cluster("a-one")).is_ok(), "the global ports still see it");
}

#[test]
fn an_accounts_redshift_calls_are_recorded_with_that_account() {
    let aws = FakeAws::new();
    aws.seed_owned_namespace(account("111111111111"), "a-ns", &[], None);
    block_on(aws.redshift_of(account("111111111111")).list_namespaces()).unwrap();
    block_on(aws.redshift().list_workgroups()).unwrap();
    assert_eq!(
        aws.recorded_calls(),
        [
            FakeCall {
                account: Some(account("111111111111")),
                operation: "redshift-serverless:ListNamespaces".into(),
                target: "*".into()
            },
            FakeCall { account: None, operation: "redshift-serverless:ListWorkgroups".into(), target: "*".into() },
        ]
    );
}

#[test]
fn a_session_lists_the_clusters_of_the_assumed_roles_account() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::222222222222:role/auditor").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    aws.seed_owned_cluster(account("222222222222"), "b-one", &[], None);
    aws.seed_owned_cluster(account("111111111111"), "a-one", &[], None);
    let session =
        block_on(aws.sts(&Credentials::Account(account("111111111111"))).assume_role(&role, "audit", None)).unwrap();
    assert_eq!(identifiers(&aws, &Credentials::from(&session)), ["b-one"]);
    let namespaces = block_on(aws.serverless(&Credentials::from(&session), &region()).list_namespaces()).unwrap();
    assert!(namespaces.is_empty());
}

#[test]
fn keys_the_fake_never_issued_are_refused_by_redshift() {
    let aws = FakeAws::new();
    let forged = redbridge_aws::ports::SessionKeys {
        access_key_id: "ASIAFORGED".into(),
        secret_access_key: "x".into(),
        session_token: "y".into(),
    };
    let result = block_on(Connect::redshift(&aws, &Credentials::Session(forged), &region()).list_clusters());
    assert!(matches!(result, Err(AwsError::AccessDenied { .. })), "{result:?}");
}

#[test]
fn the_listed_summaries_carry_default_roles_ids_and_routing() {
    let aws = FakeAws::new();
    let owner = account("111111111111");
    aws.seed_owned_cluster(
        owner,
        "a-one",
        &["arn:aws:iam::111111111111:role/r"],
        Some("arn:aws:iam::111111111111:role/r"),
    );
    aws.seed_owned_namespace(owner, "a-ns", &[], Some("arn:aws:iam::111111111111:role/n"));
    aws.seed_owned_workgroup(owner, "a-wg", "a-ns", "wg-1");
    aws.edit(|s| {
        s.enhanced_vpc_routing.insert("a-wg".into());
    });
    let ports = aws.redshift_of(owner);
    let cluster = block_on(ports.list_clusters()).unwrap().remove(0);
    assert_eq!(cluster.default_iam_role.as_deref(), Some("arn:aws:iam::111111111111:role/r"));
    assert!(!cluster.enhanced_vpc_routing);
    let namespace = block_on(ports.list_namespaces()).unwrap().remove(0);
    assert_eq!(namespace.default_iam_role.as_deref(), Some("arn:aws:iam::111111111111:role/n"));
    let workgroup = block_on(ports.list_workgroups()).unwrap().remove(0);
    assert_eq!((workgroup.namespace.as_str(), workgroup.workgroup_id.as_deref()), ("a-ns", Some("wg-1")));
    assert!(workgroup.enhanced_vpc_routing);
}

fn organization() -> FakeOrganization {
    let mut organization = FakeOrganization::new("o-audit", account("999999999999"));
    organization
        .add_account(account("111111111111"), "r-fake")
        .add_account(account("222222222222"), "r-fake")
        .name_account(account("111111111111"), "analytics-prod");
    organization.states.insert(account("222222222222"), "SUSPENDED".into());
    organization.delegated_administrators.insert(account("222222222222"));
    organization
}

#[test]
fn the_organizations_accounts_are_listed_with_names_and_states() {
    let aws = FakeAws::new();
    aws.seed_organization(organization());
    let listed = block_on(aws.organizations(&Credentials::Account(account("999999999999"))).list_accounts()).unwrap();
    let seen: Vec<(&str, &str, &str)> =
        listed.iter().map(|a| (a.id.as_str(), a.name.as_str(), a.status.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("111111111111", "analytics-prod", "ACTIVE"),
            ("222222222222", "account-222222222222", "SUSPENDED"),
            ("999999999999", "account-999999999999", "ACTIVE"),
        ]
    );
    let delegated = block_on(aws.account(account("222222222222")).list_accounts()).unwrap();
    assert_eq!(delegated, listed, "a delegated administrator lists the same accounts");
}

#[test]
fn a_member_listing_accounts_gets_the_access_denied_aws_gives() {
    let aws = FakeAws::new();
    aws.seed_organization(organization());
    match block_on(aws.account(account("111111111111")).list_accounts()) {
        Err(AwsError::AccessDenied { action, message, .. }) => {
            assert_eq!(action.as_deref(), Some("organizations:ListAccounts"));
            assert_eq!(message, "You don't have permissions to access this resource.");
        }
        other => panic!("a member may not list accounts, got {other:?}"),
    }
}

#[test]
fn every_nth_call_is_throttled_with_rate_exceeded_and_zero_turns_it_off() {
    let aws = FakeAws::new();
    let iam = aws.account(account("111111111111"));
    aws.throttle_every(3);
    let outcomes: Vec<bool> = (0..7).map(|_| block_on(iam.list_roles()).is_ok()).collect();
    assert_eq!(outcomes, [true, true, false, true, true, false, true]);
    aws.throttle_every(0);
    assert!((0..5).all(|_| block_on(iam.list_roles()).is_ok()));
    aws.throttle_every(1);
    match block_on(iam.list_roles()) {
        Err(AwsError::Throttled { message }) => assert_eq!(message, "Rate exceeded"),
        other => panic!("throttled, got {other:?}"),
    }
    assert!(block_on(iam.list_roles()).unwrap_err().is_transient(), "a throttle is transient");
}
