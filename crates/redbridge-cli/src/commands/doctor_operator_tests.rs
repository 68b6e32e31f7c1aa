//! `doctor --operator` over the fakes: operators with the planned policies may run everything
//! (exit 0), a read-only operator may run doctor only and is told what apply and test lack
//! (exit 1), unreadable policies say why (exit 3); the JSON matches its schema.

use redbridge_aws::apply_engine::Ports;
use redbridge_aws::fake::{FakeAws, FakeUser};
use redbridge_core::Spec;
use redbridge_core::operator::operator_policies;
use redbridge_iam::policy::PolicyDocument;

use super::*;
use crate::commands::schema_check::assert_matches_schema;

fn plan() -> Plan {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
            .unwrap();
    Plan::new(&Spec::from_toml(&text).unwrap()).unwrap()
}

/// The fakes' caller in `account` (`user/fake`) with `policies` inline.
fn grant(aws: &FakeAws, account: AccountId, policies: &[&PolicyDocument]) {
    let arn = format!("arn:aws:iam::{account}:user/fake");
    let inline = policies.iter().enumerate().map(|(n, p)| (format!("redbridge-{n}"), (*p).clone())).collect();
    aws.edit(|state| {
        state.users.insert(arn.clone(), FakeUser { arn, inline_policies: inline, groups: Vec::new() });
    });
}

fn judged(aws: &FakeAws, plan: &Plan) -> OperatorReport {
    let ports = Ports::for_fake(aws, plan);
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(judge_operators(plan, &ports)).unwrap()
}

fn statuses(report: &OperatorReport) -> Vec<(String, &'static str, &'static str)> {
    report
        .accounts
        .iter()
        .flat_map(|a| {
            a.commands.iter().map(move |c| {
                let status = match c.verdict {
                    OperatorVerdict::Ok { .. } => "ok",
                    OperatorVerdict::Missing { .. } => "missing",
                    OperatorVerdict::Unreadable { .. } => "unreadable",
                };
                (a.account.to_string(), c.command.as_str(), status)
            })
        })
        .collect()
}

#[test]
fn operators_with_every_planned_policy_may_run_everything() {
    let plan = plan();
    let aws = FakeAws::new();
    let planned = operator_policies(&plan);
    for account in [&planned.redshift, &planned.s3] {
        grant(&aws, account.account, &[&account.apply, &account.doctor, &account.test]);
    }
    let report = judged(&aws, &plan);
    assert_eq!(report.verdict, "ok");
    assert_eq!(report.exit_code(), exit::SUCCESS);
    assert!(statuses(&report).iter().all(|(_, _, status)| *status == "ok"), "{:?}", statuses(&report));
    let text = render(&report);
    assert!(
        text.starts_with("account `111111111111` (`arn:aws:iam::111111111111:user/fake`):\n  apply   ok\n"),
        "{text}"
    );
    assert!(text.ends_with("ok: these profiles may run apply, doctor and test\n"), "{text}");
}

#[test]
fn a_read_only_operator_may_run_doctor_and_is_told_what_apply_and_test_lack() {
    let plan = plan();
    let aws = FakeAws::new();
    let planned = operator_policies(&plan);
    for account in [&planned.redshift, &planned.s3] {
        grant(&aws, account.account, &[&account.doctor]);
    }
    let report = judged(&aws, &plan);
    assert_eq!(report.exit_code(), exit::FINDINGS);
    assert_eq!(
        statuses(&report),
        [
            ("111111111111".to_owned(), "apply", "missing"),
            ("111111111111".to_owned(), "doctor", "ok"),
            ("111111111111".to_owned(), "test", "missing"),
            ("222222222222".to_owned(), "apply", "missing"),
            ("222222222222".to_owned(), "doctor", "ok"),
            ("222222222222".to_owned(), "test", "missing"),
        ]
    );
    let OperatorVerdict::Missing { missing, policy_to_add, .. } = &report.accounts[0].commands[0].verdict else {
        unreachable!()
    };
    assert!(missing.iter().any(|m| m.action == "iam:PassRole"), "{missing:?}");
    assert!(policy_to_add.statements.iter().all(|s| planned.redshift.apply.statements.contains(s)));
    let text = render(&report);
    assert!(text.contains("  apply   missing "), "{text}");
    assert!(text.contains("    - `iam:PassRole` on `arn:aws:iam::111111111111:role/"), "{text}");
    assert!(
        text.ends_with("missing: grant the statements above, then rerun `redbridge doctor --operator`\n"),
        "{text}"
    );
    let json = output::json_document(&report).unwrap();
    assert_matches_schema("doctor-operator.schema.json", &json);
}

#[test]
fn unreadable_policies_say_why_and_exit_3() {
    let plan = plan();
    let aws = FakeAws::new();
    let report = judged(&aws, &plan);
    assert_eq!(report.verdict, "unreadable");
    assert_eq!(report.exit_code(), exit::INCOMPLETE);
    let text = render(&report);
    assert!(text.contains("  apply   could not read the operator's policies: user `fake` does not exist\n"), "{text}");
    assert_matches_schema("doctor-operator.schema.json", &output::json_document(&report).unwrap());

    aws.deny(None, "iam:ListAttachedUserPolicies");
    let planned = operator_policies(&plan);
    grant(&aws, planned.redshift.account, &[&planned.redshift.doctor]);
    let report = judged(&aws, &plan);
    assert!(render(&report).contains("access denied for `iam:ListAttachedUserPolicies`"), "{}", render(&report));
}

#[test]
fn operator_conflicts_with_a_snapshot_and_sql() {
    use clap::Parser as _;
    for extra in [["--snapshot", "x.json"], ["--sql", "select 1"]] {
        let args = ["redbridge", "doctor", "--spec", "x.toml", "--operator", extra[0], extra[1]];
        let error = crate::Cli::try_parse_from(args).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict, "{extra:?}");
    }
}
