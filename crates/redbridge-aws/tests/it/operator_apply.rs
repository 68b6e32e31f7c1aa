//! apply and the operator's own permissions over the fakes: the pre-check reads each account's
//! caller and names what the diff's writes lack, and a change AWS denies (ModifyClusterIamRoles,
//! or iam:PassRole on the role being attached) stops the run with nothing half-attached; after
//! the grant a rerun converges.

use std::collections::BTreeMap;

use redbridge_aws::apply_engine::{self, NoSleep, Outcome, Ports, RunSettings, Silent};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::fake::{FakeAws, FakeUser};
use redbridge_core::Plan;
use redbridge_core::operator::check::{DenialCause, OperatorVerdict, access_denied_guidance};
use redbridge_core::operator::operator_policies;
use redbridge_iam::policy::PolicyDocument;

use crate::block_on;
use crate::provisioned_plan;

const APPLY: Mode = Mode::Apply { adopt: false };

fn world() -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_cluster("analytics", &[]);
    aws
}

/// The fake's caller in `account` (`user/fake`) with `policy` inline.
fn grant(aws: &FakeAws, account: &str, policy: PolicyDocument) {
    let arn = format!("arn:aws:iam::{account}:user/fake");
    aws.edit(|state| {
        state.users.insert(
            arn.clone(),
            FakeUser { arn, inline_policies: BTreeMap::from([("redbridge".into(), policy)]), groups: Vec::new() },
        );
    });
}

fn verdicts(plan: &Plan, aws: &FakeAws) -> Vec<OperatorVerdict> {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let prepared = block_on(converge_run::prepare(plan, &ports, Some(&s3), APPLY)).unwrap();
    let diff = prepared.diff.unwrap();
    block_on(converge_run::check_operator(plan, &ports, &prepared.callers, &diff)).into_iter().map(|(_, v)| v).collect()
}

fn execute(plan: &Plan, aws: &FakeAws) -> apply_engine::Report {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let diff = block_on(converge_run::prepare(plan, &ports, Some(&s3), APPLY)).unwrap().diff.unwrap();
    block_on(apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent))
}

#[test]
fn operators_with_the_planned_apply_policies_are_ok_in_both_accounts() {
    let plan = provisioned_plan();
    let aws = world();
    let planned = operator_policies(&plan);
    grant(&aws, "111111111111", planned.redshift.apply.clone());
    grant(&aws, "222222222222", planned.s3.apply.clone());
    for verdict in verdicts(&plan, &aws) {
        assert!(matches!(verdict, OperatorVerdict::Ok { .. }), "{verdict:?}");
    }
}

#[test]
fn an_operator_without_pass_role_is_told_exactly_that_before_any_change() {
    let plan = provisioned_plan();
    let aws = world();
    let planned = operator_policies(&plan);
    let mut apply = planned.redshift.apply.clone();
    apply.statements.retain(|s| !s.action_patterns().iter().any(|a| a == "iam:PassRole"));
    grant(&aws, "111111111111", apply);
    grant(&aws, "222222222222", planned.s3.apply.clone());
    let before = aws.state();
    let verdicts = verdicts(&plan, &aws);
    match &verdicts[..] {
        [OperatorVerdict::Missing { missing, principal, .. }, OperatorVerdict::Ok { .. }] => {
            assert_eq!(principal, "arn:aws:iam::111111111111:user/fake");
            let named: Vec<(&str, &str)> = missing.iter().map(|m| (m.action, m.resource.as_str())).collect();
            assert_eq!(named, [("iam:PassRole", plan.chain.roles()[0].to_string().as_str())]);
        }
        other => panic!("expected PassRole missing in the Redshift account only, got {other:?}"),
    }
    assert_eq!(aws.state(), before, "judging changes nothing");
}

#[test]
fn unreadable_operator_policies_are_said_and_do_not_block() {
    let plan = provisioned_plan();
    let aws = world();
    aws.deny(None, "iam:GetUser");
    for verdict in verdicts(&plan, &aws) {
        match verdict {
            OperatorVerdict::Unreadable { reason, .. } => {
                assert!(reason.contains("access denied for `iam:GetUser`"), "{reason}");
            }
            other => panic!("expected unreadable, got {other:?}"),
        }
    }
}

#[test]
fn a_denied_attach_stops_with_nothing_attached_and_a_rerun_after_the_grant_converges() {
    for denied in ["redshift:ModifyClusterIamRoles", "iam:PassRole"] {
        let plan = provisioned_plan();
        let aws = world();
        aws.deny(None, denied);
        let report = execute(&plan, &aws);
        let failure = report.failure().expect("the attach fails");
        assert_eq!(failure.denied_action.as_deref(), Some(denied), "{failure:?}");
        assert!(failure.subject.contains("attached to"), "{failure:?}");
        assert!(report.steps.iter().skip_while(|s| s != &failure).skip(1).all(|s| s.outcome == Outcome::NotRun));
        assert_eq!(aws.state().clusters["analytics"], [], "nothing half-attached");
        let Outcome::Failed { error } = &failure.outcome else { unreachable!() };
        let guidance = access_denied_guidance(&plan, failure.account, denied, error);
        assert_eq!(guidance.action, denied);
        assert!(matches!(guidance.cause, DenialCause::AccessDenied { .. }));
        assert!(guidance.statement.action_patterns().iter().any(|a| a == denied), "{:?}", guidance.statement);
        if denied == "iam:PassRole" {
            assert_eq!(guidance.resource, plan.chain.roles()[0].to_string(), "the resource from AWS's message");
        }

        aws.clear_denials();
        assert!(execute(&plan, &aws).succeeded(), "{denied}: the rerun converges");
        let ports = Ports::for_fake(&aws, &plan);
        let again = block_on(converge_run::prepare(&plan, &ports, None::<&redbridge_aws::fake::FakeAccount>, APPLY));
        assert!(!again.unwrap().diff.unwrap().has_changes(), "{denied}: nothing left to do");
    }
}
