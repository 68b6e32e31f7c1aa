//! The contract suites against the fakes.

use redbridge_aws::apply_engine::NoSleep;
use redbridge_aws::contract;
use redbridge_aws::fake::FakeAws;
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, Partition, RoleArn};

use crate::block_on;

fn account() -> AccountId {
    AccountId::parse("111111111111").unwrap()
}

#[test]
fn fake_iam_passes_the_iam_contract() {
    let aws = FakeAws::new();
    block_on(contract::iam(&aws.account(account()), Partition::Aws, account(), "rb"));
}

#[test]
fn fake_iam_passes_the_iam_users_contract() {
    let aws = FakeAws::new();
    block_on(contract::iam_users(&aws.account(account()), "rb"));
}

#[test]
fn fake_secrets_manager_passes_the_secrets_manager_contract() {
    use redbridge_aws::ports::{Connect as _, Credentials};
    let aws = FakeAws::new();
    let region = redbridge_iam::Region::parse("us-east-1").unwrap();
    let value = r#"{"username":"awsuser","password":"contract"}"#;
    let arn = aws.seed_secret(account(), &region, "rb/contract", value);
    let secrets = aws.secrets_manager(&Credentials::Account(account()), &region);
    block_on(contract::secrets_manager(&secrets, &arn, "rb/contract", value));
}

#[test]
fn fake_sts_passes_the_sts_contract() {
    let aws = FakeAws::new();
    block_on(contract::sts(&aws.account(account()), account()));
}

#[test]
fn fake_kms_passes_the_kms_contract() {
    let aws = FakeAws::new();
    let key = KmsKeyArn::parse("arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab").unwrap();
    aws.seed_key(
        &key,
        PolicyDocument::new(vec![
            Statement::allow(["kms:*"], ["*"])
                .with_sid("EnableRoot")
                .with_principal(Principal::aws(["arn:aws:iam::111111111111:root"])),
        ]),
    );
    block_on(contract::kms(&aws.account(account()), &key));
}

#[test]
fn fake_redshift_passes_the_redshift_contract_with_a_slow_attach() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/contract").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    aws.seed_cluster("analytics", &["arn:aws:iam::111111111111:role/foreign"]);
    aws.set_attach_delay(3);
    block_on(contract::redshift(&aws.redshift(), &NoSleep::default(), "analytics", &role.to_string()));
}

#[test]
fn fake_serverless_passes_the_serverless_contract_with_a_slow_attach() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/contract").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    aws.seed_namespace("analytics-ns", &["arn:aws:iam::111111111111:role/foreign"]);
    aws.set_attach_delay(2);
    block_on(contract::serverless(&aws.redshift(), &NoSleep::default(), "analytics-ns", &role.to_string()));
}

#[test]
fn fake_s3_passes_the_s3_contract() {
    let aws = FakeAws::new();
    let region = redbridge_iam::Region::parse("eu-west-1").unwrap();
    aws.seed_bucket("contract-bucket", region.clone(), None);
    block_on(contract::s3(&aws.account(account()), "contract-bucket", &region));
}

#[test]
fn fake_sts_passes_the_assume_role_contract_and_records_every_assume_role() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::222222222222:role/contract").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![]), &[]);
    block_on(contract::assume_role(&aws, account(), &role));
    let assumed = aws.assumed_roles();
    let seen: Vec<(&str, Option<&str>)> =
        assumed.iter().map(|a| (a.caller.as_str(), a.external_id.as_deref())).collect();
    let external = Some("arn:aws:redshift:us-east-1:111111111111:dbuser:contract/awsuser");
    assert_eq!(
        seen,
        [
            ("arn:aws:iam::111111111111:user/fake", None),
            ("arn:aws:iam::111111111111:user/fake", external),
            ("arn:aws:sts::222222222222:assumed-role/contract/RedshiftIamRoleSession", external),
        ],
        "every AssumeRole with its caller and external id"
    );
    assert!(assumed.iter().all(|a| a.role == role));
}

#[test]
fn the_fake_refuses_a_missing_role_and_keys_it_never_issued() {
    use redbridge_aws::AwsError;
    use redbridge_aws::ports::{Connect as _, Credentials, SessionKeys, Sts as _};
    let aws = FakeAws::new();
    let missing = RoleArn::parse("arn:aws:iam::222222222222:role/missing").unwrap();
    let sts = aws.sts(&Credentials::Account(account()));
    assert!(matches!(block_on(sts.assume_role(&missing, "s", None)), Err(AwsError::AccessDenied { .. })));
    let forged =
        SessionKeys { access_key_id: "ASIAFORGED".into(), secret_access_key: "x".into(), session_token: "y".into() };
    let result = block_on(aws.sts(&Credentials::Session(forged)).caller_identity());
    assert!(matches!(result, Err(AwsError::AccessDenied { .. })), "{result:?}");
}

#[test]
fn fake_s3_passes_the_encryption_contract() {
    let aws = FakeAws::new();
    let region = redbridge_iam::Region::parse("eu-west-1").unwrap();
    aws.seed_bucket("contract-bucket", region, None);
    let key = KmsKeyArn::parse("arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab").unwrap();
    block_on(contract::s3_encryption(&aws.account(account()), "contract-bucket", &key));
}

#[test]
fn fake_s3_passes_the_bucket_owner_contract() {
    let aws = FakeAws::new();
    let region = redbridge_iam::Region::parse("eu-west-1").unwrap();
    aws.seed_owned_bucket(account(), "contract-bucket", region, None);
    let stranger = AccountId::parse("222222222222").unwrap();
    block_on(contract::bucket_owner(&aws, account(), stranger, "contract-bucket"));
}

/// A role with one inline policy, one attached managed policy and a permissions boundary, the
/// managed policies reading `document`; in the fake world.
fn seeded_role_policies(aws: &FakeAws, role: &RoleArn, document: &PolicyDocument) -> (String, String) {
    let managed = format!("arn:aws:iam::{}:policy/rb-contract-managed", role.account());
    let boundary = format!("arn:aws:iam::{}:policy/rb-contract-boundary", role.account());
    aws.seed_role(role, PolicyDocument::new(vec![]), &[]);
    aws.edit(|s| {
        let key = role.to_string();
        s.roles.get_mut(&key).unwrap().inline_policies.insert("rb-contract-inline".into(), document.clone());
        s.managed_policies.insert(managed.clone(), document.clone());
        s.managed_policies.insert(boundary.clone(), document.clone());
        s.attached_policies.insert(key.clone(), vec![managed.clone()]);
        s.boundaries.insert(key, boundary.clone());
    });
    (managed, boundary)
}

#[test]
fn fake_iam_passes_the_role_policies_contract() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/rb-contract-bounded").unwrap();
    let document = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"])]);
    let (managed, boundary) = seeded_role_policies(&aws, &role, &document);
    block_on(contract::iam_role_policies(
        &aws.account(account()),
        &role,
        ("rb-contract-inline", &document),
        &managed,
        &boundary,
        &document,
    ));
}

#[test]
fn fake_s3_passes_the_bucket_policy_contract() {
    let aws = FakeAws::new();
    let policy = PolicyDocument::new(vec![
        Statement::allow(["s3:GetObject"], ["arn:aws:s3:::rb-contract-policy/*"])
            .with_sid("PartnerReads")
            .with_principal(Principal::aws(["arn:aws:iam::222222222222:root"])),
    ]);
    aws.seed_bucket("rb-contract-policy", redbridge_iam::Region::parse("eu-west-1").unwrap(), Some(policy.clone()));
    block_on(contract::s3_bucket_policy(&aws.account(account()), "rb-contract-policy", &policy));
}

#[test]
fn fake_organizations_pass_the_organizations_contract() {
    use redbridge_aws::fake::FakeOrganization;
    let aws = FakeAws::new();
    let management = AccountId::parse("999999999999").unwrap();
    let mut organization = FakeOrganization::new("o-contract1", management);
    organization
        .add_unit("ou-fake-data", "r-fake")
        .add_unit("ou-fake-lake", "ou-fake-data")
        .add_account(account(), "ou-fake-lake");
    aws.seed_organization(organization);
    let outsider = aws.account(AccountId::parse("333333333333").unwrap());
    block_on(contract::organizations(
        &aws.account(management),
        &aws.account(account()),
        &outsider,
        account(),
        "o-contract1",
    ));
}

#[test]
fn fake_iam_passes_the_list_roles_contract() {
    let aws = FakeAws::new();
    let elsewhere = RoleArn::parse("arn:aws:iam::222222222222:role/elsewhere").unwrap();
    aws.seed_role(&elsewhere, PolicyDocument::new(vec![]), &[]);
    block_on(contract::list_roles(&aws.account(account()), Partition::Aws, account(), "rb"));
}

#[test]
fn fake_redshift_of_an_account_passes_the_list_clusters_contract() {
    let aws = FakeAws::new();
    let stranger = AccountId::parse("222222222222").unwrap();
    let role = "arn:aws:iam::111111111111:role/loader";
    aws.seed_owned_cluster(account(), "analytics", &[role], Some(role));
    aws.seed_owned_cluster(stranger, "elsewhere", &[], None);
    aws.edit(|s| {
        s.enhanced_vpc_routing.insert("analytics".into());
    });
    block_on(contract::list_clusters(&aws.redshift_of(account()), &aws.redshift_of(stranger), "analytics", Some(role)));
}

#[test]
fn fake_serverless_of_an_account_passes_the_list_namespaces_and_workgroups_contracts() {
    let aws = FakeAws::new();
    let stranger = AccountId::parse("222222222222").unwrap();
    let role = "arn:aws:iam::111111111111:role/loader";
    aws.seed_owned_namespace(account(), "lake-ns", &[role], None);
    aws.seed_owned_workgroup(account(), "lake-wg", "lake-ns", "wg-1111");
    aws.seed_owned_namespace(stranger, "other-ns", &[], Some("arn:aws:iam::222222222222:role/other"));
    let (owner, other) = (aws.redshift_of(account()), aws.redshift_of(stranger));
    block_on(contract::list_namespaces(&owner, &other, "lake-ns", None));
    block_on(contract::list_workgroups(&owner, &other, "lake-wg"));
}

#[test]
fn fake_organizations_pass_the_list_accounts_contract() {
    use redbridge_aws::fake::FakeOrganization;
    let aws = FakeAws::new();
    let management = AccountId::parse("999999999999").unwrap();
    let mut organization = FakeOrganization::new("o-contract1", management);
    organization.add_unit("ou-fake-data", "r-fake").add_account(account(), "ou-fake-data");
    aws.seed_organization(organization);
    block_on(contract::list_accounts(&aws.account(management), &aws.account(account()), &[management, account()]));
}
