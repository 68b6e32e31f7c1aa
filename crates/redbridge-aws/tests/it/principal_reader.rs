//! The principal reader over the fakes: a user's own and its groups' policies and its boundary,
//! a role session's role, root, and unknowns with the reason when IAM refuses or the principal
//! does not exist.

use std::collections::BTreeMap;

use redbridge_aws::fake::{FakeAws, FakeGroup, FakeUser};
use redbridge_aws::principal_reader::read_principal;
use redbridge_core::doctor::Known;
use redbridge_core::operator::principal::{PolicySource, PrincipalKind, PrincipalPolicies};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, RoleArn};

use crate::block_on;

const USER: &str = "arn:aws:iam::111111111111:user/team/operator";
const GROUP: &str = "arn:aws:iam::111111111111:group/deployers";
const MANAGED: &str = "arn:aws:iam::111111111111:policy/redbridge-apply";
const GROUP_MANAGED: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const BOUNDARY: &str = "arn:aws:iam::111111111111:policy/boundary";

fn account() -> AccountId {
    AccountId::parse("111111111111").unwrap()
}

fn allow(action: &str) -> PolicyDocument {
    PolicyDocument::new(vec![Statement::allow([action], ["*"])])
}

/// A user with one policy of every kind: its own inline and managed, its group's inline and
/// managed, and a boundary.
fn world_with_user() -> FakeAws {
    let aws = FakeAws::new();
    aws.edit(|state| {
        state.users.insert(
            USER.into(),
            FakeUser {
                arn: USER.into(),
                inline_policies: BTreeMap::from([("own".into(), allow("iam:CreateRole"))]),
                groups: vec!["deployers".into()],
            },
        );
        state.groups.insert(
            GROUP.into(),
            FakeGroup {
                arn: GROUP.into(),
                inline_policies: BTreeMap::from([("shared".into(), allow("iam:PassRole"))]),
            },
        );
        state.managed_policies.insert(MANAGED.into(), allow("iam:PutRolePolicy"));
        state.managed_policies.insert(GROUP_MANAGED.into(), allow("iam:Get*"));
        state.managed_policies.insert(BOUNDARY.into(), allow("iam:*"));
        state.attached_policies.insert(USER.into(), vec![MANAGED.into()]);
        state.attached_policies.insert(GROUP.into(), vec![GROUP_MANAGED.into()]);
        state.boundaries.insert(USER.into(), BOUNDARY.into());
    });
    aws
}

fn known(read: Known<PrincipalPolicies>) -> PrincipalPolicies {
    match read {
        Known::Known { value } => value,
        other => panic!("expected the principal's policies, got {other:?}"),
    }
}

#[test]
fn a_user_reads_its_own_and_its_groups_policies_and_its_boundary() {
    let aws = world_with_user();
    let read = known(block_on(read_principal(&aws.account(account()), USER)));
    assert_eq!(read.principal, USER);
    assert_eq!(read.kind, PrincipalKind::User { name: "operator".into() });
    let named: Vec<(String, PolicySource)> = read.policies.iter().map(|p| (p.name.clone(), p.source.clone())).collect();
    assert_eq!(
        named,
        [
            ("own".to_owned(), PolicySource::Inline),
            (MANAGED.to_owned(), PolicySource::Managed),
            ("shared".to_owned(), PolicySource::GroupInline { group: "deployers".into() }),
            (GROUP_MANAGED.to_owned(), PolicySource::GroupManaged { group: "deployers".into() }),
        ]
    );
    assert_eq!(read.policies[2].document, allow("iam:PassRole"), "the group's inline document");
    let boundary = read.permissions_boundary.expect("the boundary");
    assert_eq!((boundary.name.as_str(), boundary.document), (BOUNDARY, allow("iam:*")));
}

#[test]
fn a_role_session_reads_its_roles_policies_and_boundary() {
    let aws = FakeAws::new();
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/deployer").unwrap();
    aws.seed_role(&role, PolicyDocument::new(vec![Statement::trust(Principal::aws(["111111111111"]))]), &[]);
    aws.edit(|state| {
        if let Some(found) = state.roles.get_mut(&role.to_string()) {
            found.inline_policies.insert("apply".into(), allow("redshift:ModifyClusterIamRoles"));
        }
        state.managed_policies.insert(MANAGED.into(), allow("iam:PutRolePolicy"));
        state.managed_policies.insert(BOUNDARY.into(), allow("redshift:*"));
        state.attached_policies.insert(role.to_string(), vec![MANAGED.into()]);
        state.boundaries.insert(role.to_string(), BOUNDARY.into());
    });
    let session = "arn:aws:sts::111111111111:assumed-role/deployer/alice";
    let read = known(block_on(read_principal(&aws.account(account()), session)));
    assert_eq!(read.kind, PrincipalKind::AssumedRole { role, session: "alice".into() });
    let named: Vec<&str> = read.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(named, ["apply", MANAGED]);
    assert_eq!(read.permissions_boundary.map(|b| b.name), Some(BOUNDARY.to_owned()));
}

#[test]
fn root_is_known_without_policies_and_makes_no_call() {
    let aws = FakeAws::new();
    let read = known(block_on(read_principal(&aws.account(account()), "arn:aws:iam::111111111111:root")));
    assert_eq!(read, PrincipalPolicies::root("arn:aws:iam::111111111111:root"));
    assert!(aws.calls().is_empty(), "{:?}", aws.calls());
}

#[test]
fn access_denied_on_any_read_makes_the_principal_unknown_with_the_action() {
    for operation in ["iam:GetUser", "iam:ListAttachedUserPolicies", "iam:GetGroupPolicy", "iam:GetPolicyVersion"] {
        let aws = world_with_user();
        aws.deny(Some(account()), operation);
        match block_on(read_principal(&aws.account(account()), USER)) {
            Known::Unknown { reason } => {
                assert!(reason.contains(&format!("access denied for `{operation}`")), "{operation}: {reason}");
            }
            other => panic!("{operation} denied: expected unknown, got {other:?}"),
        }
    }
}

#[test]
fn a_missing_user_or_role_and_a_federated_user_are_unknown_with_the_reason() {
    let aws = FakeAws::new();
    let reason = |arn: &str| match block_on(read_principal(&aws.account(account()), arn)) {
        Known::Unknown { reason } => reason,
        other => panic!("{arn}: expected unknown, got {other:?}"),
    };
    assert_eq!(reason("arn:aws:iam::111111111111:user/ghost"), "user `ghost` does not exist");
    assert_eq!(
        reason("arn:aws:sts::111111111111:assumed-role/gone/s"),
        "role `arn:aws:iam::111111111111:role/gone` does not exist"
    );
    assert!(reason("arn:aws:sts::111111111111:federated-user/bob").contains("federated user"));
}
