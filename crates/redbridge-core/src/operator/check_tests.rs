//! Tests of the operator check: the planned policies pass, a missing `iam:PassRole` is named
//! with its statement, a boundary and an explicit deny are named as the cause.

use redbridge_iam::policy::{Effect, PolicyDocument, Statement};
use redbridge_iam::{AccountId, RoleArn};

use super::*;
use crate::operator::principal::{NamedPolicy, PolicySource, PrincipalKind, PrincipalPolicies};
use crate::{RawSpec, Spec};

const USER: &str = "arn:aws:iam::111111111111:user/operator";

fn redshift_account() -> AccountId {
    AccountId::parse("111111111111").unwrap()
}

fn plan() -> Plan {
    let raw = RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("shared-data".into()),
        prefixes: vec!["sales/".into()],
        cluster: Some("analytics".into()),
        region: Some("eu-west-1".into()),
        access: Some("both".into()),
        db_users: vec!["etl".into()],
        // A key's permissions need its policy too: the check assumes it delegates to IAM.
        kms_key: Some("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into()),
        ..RawSpec::default()
    };
    Plan::new(&Spec::from_raw(&raw).unwrap()).unwrap()
}

fn user(arn: &str, policies: Vec<PolicyDocument>, boundary: Option<PolicyDocument>) -> PrincipalPolicies {
    let named = |(n, document): (usize, PolicyDocument)| NamedPolicy {
        name: format!("policy-{n}"),
        source: PolicySource::Inline,
        document,
    };
    PrincipalPolicies {
        principal: arn.to_owned(),
        kind: PrincipalKind::of(arn).unwrap(),
        policies: policies.into_iter().enumerate().map(named).collect(),
        permissions_boundary: boundary.map(|document| NamedPolicy {
            name: "arn:aws:iam::111111111111:policy/boundary".into(),
            source: PolicySource::Managed,
            document,
        }),
    }
}

#[test]
fn an_operator_with_the_planned_policies_may_run_every_command_in_both_accounts() {
    let plan = plan();
    let planned = operator_policies(&plan);
    for account in [&planned.redshift, &planned.s3] {
        let arn = format!("arn:aws:iam::{}:user/operator", account.account);
        for command in OperatorCommand::ALL {
            let operator = user(&arn, vec![account.policy(command).clone()], None);
            assert_eq!(check(&plan, command, account.account, &operator), Ok(Vec::new()), "{command:?} {arn}");
        }
    }
}

#[test]
fn without_pass_role_exactly_pass_role_on_the_cluster_role_is_missing_with_its_statement() {
    let plan = plan();
    let mut apply = operator_policies(&plan).redshift.apply;
    let index = apply.statements.iter().position(|s| s.action_patterns().iter().any(|a| a == "iam:PassRole")).unwrap();
    let pass_role = apply.statements.remove(index);
    let missing = check(&plan, OperatorCommand::Apply, redshift_account(), &user(USER, vec![apply], None)).unwrap();
    let cluster_role = plan.chain.roles()[0].to_string();
    assert_eq!(
        missing.iter().map(|m| (m.action, m.resource.as_str(), &m.cause)).collect::<Vec<_>>(),
        [("iam:PassRole", cluster_role.as_str(), &DenialCause::NoIdentityPolicy)]
    );
    assert_eq!(missing[0].statement, pass_role, "the planned statement, with its iam:PassedToService condition");
    assert_eq!(missing[0].account, redshift_account());
    assert_eq!(statements_to_add(&missing), PolicyDocument::new(vec![pass_role]));
    assert_eq!(
        missing[0].describe(),
        format!("`iam:PassRole` on `{cluster_role}` in account `111111111111`: no identity-based policy allows it")
    );
}

#[test]
fn a_pass_role_limited_to_another_service_is_missing() {
    let plan = plan();
    let cluster_role = plan.chain.roles()[0].to_string();
    let mut apply = operator_policies(&plan).redshift.apply;
    apply.statements.retain(|s| !s.action_patterns().iter().any(|a| a == "iam:PassRole"));
    apply.statements.push(Statement::allow(["iam:PassRole"], [cluster_role.clone()]).with_condition(
        "StringEquals",
        "iam:PassedToService",
        vec!["ec2.amazonaws.com".to_owned()],
    ));
    let missing = check(&plan, OperatorCommand::Apply, redshift_account(), &user(USER, vec![apply], None)).unwrap();
    assert_eq!(missing.iter().map(|m| m.action).collect::<Vec<_>>(), ["iam:PassRole"]);
}

#[test]
fn a_boundary_cutting_create_role_is_named_as_the_boundary() {
    let plan = plan();
    let apply = operator_policies(&plan).redshift.apply;
    let mut actions: Vec<String> = apply.statements.iter().flat_map(|s| s.action_patterns().iter().cloned()).collect();
    actions.retain(|a| a != "iam:CreateRole");
    let boundary = PolicyDocument::new(vec![Statement::allow(actions, ["*"])]);
    let missing =
        check(&plan, OperatorCommand::Apply, redshift_account(), &user(USER, vec![apply], Some(boundary))).unwrap();
    let roles: Vec<String> =
        plan.chain.roles().iter().filter(|r| r.account() == redshift_account()).map(RoleArn::to_string).collect();
    assert_eq!(missing.iter().map(|m| m.resource.clone()).collect::<Vec<_>>(), roles);
    for permission in &missing {
        assert_eq!(permission.action, "iam:CreateRole");
        assert_eq!(
            permission.cause,
            DenialCause::PermissionsBoundary { boundary: "arn:aws:iam::111111111111:policy/boundary".into() }
        );
        assert!(permission.cause.describe().contains("permissions boundary"), "{}", permission.cause.describe());
    }
}

#[test]
fn an_explicit_deny_is_named_by_its_policy_and_sid() {
    let plan = plan();
    let apply = operator_policies(&plan).redshift.apply;
    let mut deny = Statement::allow(["redshift:ModifyClusterIamRoles"], ["*"]).with_sid("NoClusterChanges");
    deny.effect = Effect::Deny;
    let operator = user(USER, vec![apply, PolicyDocument::new(vec![deny])], None);
    let missing = check(&plan, OperatorCommand::Apply, redshift_account(), &operator).unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].action, "redshift:ModifyClusterIamRoles");
    assert_eq!(
        missing[0].cause,
        DenialCause::ExplicitDeny { statements: vec!["inline policy `policy-1` statement `NoClusterChanges`".into()] }
    );
}

#[test]
fn a_doctor_only_operator_misses_every_write_of_apply_and_nothing_of_doctor() {
    let plan = plan();
    let planned = operator_policies(&plan).redshift;
    let operator = user(USER, vec![planned.doctor.clone()], None);
    assert_eq!(check(&plan, OperatorCommand::Doctor, redshift_account(), &operator), Ok(Vec::new()));
    let missing = check(&plan, OperatorCommand::Apply, redshift_account(), &operator).unwrap();
    let actions: std::collections::BTreeSet<&str> = missing.iter().map(|m| m.action).collect();
    assert!(actions.contains("iam:CreateRole") && actions.contains("iam:PassRole"), "{actions:?}");
    assert!(
        actions.iter().all(|a| !a.contains(":Get") && !a.contains(":List") && !a.contains(":Describe")),
        "{actions:?}"
    );
    let pasted = statements_to_add(&missing);
    assert!(pasted.statements.iter().all(|s| planned.apply.statements.contains(s)), "only planned statements");
}

#[test]
fn root_is_never_missing_anything() {
    let plan = plan();
    let root = PrincipalPolicies::root("arn:aws:iam::111111111111:root");
    for command in OperatorCommand::ALL {
        assert_eq!(check(&plan, command, redshift_account(), &root), Ok(Vec::new()));
    }
}
