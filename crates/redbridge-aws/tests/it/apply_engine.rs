//! The engine over the fakes: clean apply, idempotence, dependency order and eventual
//! consistency, attachment waits, foreign statements and roles, fault injection, destroy.

use std::time::Duration;

use redbridge_aws::apply_engine::{self, Event, NoSleep, Outcome, Ports, Progress, RunSettings, Silent};
use redbridge_aws::converge_run::{self, Mode, Prepared};
use redbridge_aws::fake::{FakeAws, FakeState};
use redbridge_core::Plan;
use redbridge_core::converge::{Diff, Unreadable};
use redbridge_core::plan::Step;
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{KmsKeyArn, RoleArn};

use crate::{block_on, provisioned_plan, serverless_plan};

const FOREIGN_NAMESPACE_ROLE: &str = "arn:aws:iam::111111111111:role/someone-elses-role";
const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn foreign_key_policy() -> PolicyDocument {
    let mut doc = PolicyDocument::new(vec![
        Statement::allow(["kms:*"], ["*"])
            .with_sid("Enable IAM User Permissions")
            .with_principal(Principal::aws(["arn:aws:iam::222222222222:root"])),
        Statement::allow(["kms:Decrypt"], ["*"])
            .with_principal(Principal::aws(["arn:aws:iam::222222222222:role/reporting"])),
    ]);
    doc.id = Some("key-default-1".into());
    doc
}

/// A world where the namespace already has someone else's role and the key a policy of its own.
fn seeded_world() -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_namespace("analytics-ns", &[FOREIGN_NAMESPACE_ROLE]);
    aws.seed_cluster("analytics", &[FOREIGN_NAMESPACE_ROLE]);
    aws.seed_role(&RoleArn::parse(FOREIGN_NAMESPACE_ROLE).unwrap(), PolicyDocument::new(vec![]), &[]);
    aws.seed_role(
        &RoleArn::parse("arn:aws:iam::222222222222:role/reporting").unwrap(),
        PolicyDocument::new(vec![]),
        &[],
    );
    aws.seed_key(&KmsKeyArn::parse(KEY).unwrap(), foreign_key_policy());
    aws
}

fn fast() -> RunSettings {
    RunSettings { attach_timeout: Duration::from_secs(60), ..RunSettings::default() }
}

/// What `apply` or `destroy` reads (the accounts checked, then doctor's snapshot) and would change.
pub fn prepare(plan: &Plan, aws: &FakeAws, mode: Mode) -> Prepared {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    block_on(converge_run::prepare(plan, &ports, Some(&s3), mode)).expect("accounts")
}

/// The diff of `mode`, or what it could not read.
fn read_diff(plan: &Plan, aws: &FakeAws, mode: Mode) -> Result<Diff, Unreadable> {
    prepare(plan, aws, mode).diff
}

fn diff(plan: &Plan, aws: &FakeAws, adopt: bool) -> Diff {
    read_diff(plan, aws, Mode::Apply { adopt }).expect("read current")
}

fn run(plan: &Plan, aws: &FakeAws, mode: Mode) -> apply_engine::Report {
    let diff = read_diff(plan, aws, mode).expect("read current");
    assert!(diff.blockers.is_empty(), "{:?}", diff.blockers);
    let ports = Ports::for_fake(aws, plan);
    block_on(apply_engine::execute(&diff, &ports, &fast(), &NoSleep::default(), &Silent))
}

fn apply(plan: &Plan, aws: &FakeAws) -> apply_engine::Report {
    run(plan, aws, Mode::Apply { adopt: false })
}

fn destroy(plan: &Plan, aws: &FakeAws) -> apply_engine::Report {
    run(plan, aws, Mode::Destroy)
}

fn clean_apply_state(plan: &Plan) -> FakeState {
    let aws = seeded_world();
    assert!(apply(plan, &aws).succeeded());
    aws.state().settled()
}

#[test]
fn apply_creates_everything_and_a_second_apply_changes_nothing() {
    for plan in [serverless_plan(), provisioned_plan()] {
        let aws = seeded_world();
        let report = apply(&plan, &aws);
        assert!(report.succeeded(), "{report:?}");
        let state = aws.state();
        for role in plan.chain.roles() {
            let created = &state.roles[&role.to_string()];
            assert!(created.tags.contains(&("managed-by".into(), "redbridge".into())), "{role} tagged");
        }
        let again = diff(&plan, &aws, false);
        assert!(!again.has_changes(), "second apply: {again:#?}");
    }
}

#[test]
fn apply_writes_exactly_the_planned_documents() {
    let plan = serverless_plan();
    let aws = seeded_world();
    assert!(apply(&plan, &aws).succeeded());
    let state = aws.state();
    for step in plan.accounts.iter().flat_map(|a| a.steps.iter()) {
        match step {
            Step::CreateRole { role, trust_policy, .. } => {
                assert_eq!(&state.roles[&role.to_string()].trust_policy, trust_policy)
            }
            Step::PutRolePolicy { role, policy_name, policy } => {
                assert_eq!(&state.roles[&role.to_string()].inline_policies[policy_name], policy)
            }
            Step::MergeKeyPolicy { statements, .. } => {
                let key = &state.keys[KEY].policy;
                assert_eq!(key.id.as_deref(), Some("key-default-1"), "the key policy's Id stays");
                assert_eq!(
                    &key.statements[..2],
                    &foreign_key_policy().statements[..],
                    "foreign key statements stay first, unchanged"
                );
                assert_eq!(&key.statements[2..], &statements[..], "redbridge's statement is added");
            }
            Step::AttachRole { role, .. } => {
                let roles: Vec<&str> = state.namespaces["analytics-ns"].iter().map(|r| r.arn.as_str()).collect();
                assert_eq!(roles, [FOREIGN_NAMESPACE_ROLE, &role.to_string()], "union of the foreign and the new role");
            }
        }
    }
}

#[test]
fn eventual_consistency_of_a_new_role_is_retried_with_backoff() {
    let plan = serverless_plan();
    let aws = seeded_world();
    aws.set_eventual_consistency(3);
    let ports = Ports::for_fake(&aws, &plan);
    let sleeper = NoSleep::default();
    let report = block_on(async {
        let diff = converge_run::prepare(&plan, &ports, no_s3(), APPLY).await.unwrap().diff.unwrap();
        apply_engine::execute(&diff, &ports, &fast(), &sleeper, &Silent).await
    });
    assert!(report.succeeded(), "{report:?}");
    // The bucket role's trust names the cluster role (3 retries); the key policy names the
    // bucket role (3 retries). Backoff doubles from 1 s.
    let waits = sleeper.waits();
    let backoff: Vec<u64> = waits.iter().map(Duration::as_secs).collect();
    assert_eq!(backoff, [1, 2, 4, 1, 2, 4], "{waits:?}");
}

#[test]
fn eventual_consistency_beyond_the_bound_fails_with_the_aws_message() {
    let plan = provisioned_plan();
    let aws = seeded_world();
    aws.set_eventual_consistency(100);
    let ports = Ports::for_fake(&aws, &plan);
    let settings = RunSettings { max_attempts: 4, ..fast() };
    let sleeper = NoSleep::default();
    let report = block_on(async {
        let diff = converge_run::prepare(&plan, &ports, no_s3(), APPLY).await.unwrap().diff.unwrap();
        apply_engine::execute(&diff, &ports, &settings, &sleeper, &Silent).await
    });
    let failure = report.failure().expect("fails");
    assert!(
        matches!(&failure.outcome, Outcome::Failed { error } if error.contains("Invalid principal")),
        "{failure:?}"
    );
    assert_eq!(sleeper.waits().len(), 3, "bounded: 4 attempts, 3 waits");
    assert!(report.steps.iter().any(|s| s.outcome == Outcome::NotRun), "later steps are reported as not run");
}

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<Event>>);

impl Progress for Recorder {
    fn event(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

#[test]
fn attach_waits_through_adding_until_in_sync_and_reports_progress() {
    for plan in [serverless_plan(), provisioned_plan()] {
        let aws = seeded_world();
        aws.set_attach_delay(3);
        let ports = Ports::for_fake(&aws, &plan);
        let sleeper = NoSleep::default();
        let progress = Recorder::default();
        let report = block_on(async {
            let diff = converge_run::prepare(&plan, &ports, no_s3(), APPLY).await.unwrap().diff.unwrap();
            apply_engine::execute(&diff, &ports, &fast(), &sleeper, &progress).await
        });
        assert!(report.succeeded(), "{report:?}");
        let waiting: Vec<String> = progress
            .0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Waiting { status, .. } => Some(status.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(waiting, ["adding", "adding", "adding"]);
        assert_eq!(sleeper.waits(), vec![Duration::from_secs(5); 3], "polls every 5 s, no fixed sleep beyond");
    }
}

#[test]
fn attach_that_never_syncs_times_out_with_a_clear_message() {
    let plan = provisioned_plan();
    let aws = seeded_world();
    aws.set_attach_delay(u32::MAX);
    let ports = Ports::for_fake(&aws, &plan);
    let settings = RunSettings { attach_timeout: Duration::from_secs(30), ..fast() };
    let report = block_on(async {
        let diff = converge_run::prepare(&plan, &ports, no_s3(), APPLY).await.unwrap().diff.unwrap();
        apply_engine::execute(&diff, &ports, &settings, &NoSleep::default(), &Silent).await
    });
    let failure = report.failure().expect("times out");
    assert!(
        matches!(&failure.outcome, Outcome::Failed { error } if error.contains("timed out after 30s") && error.contains("`adding`")),
        "{failure:?}"
    );
    // Once the attachment settles, a rerun finishes the rest (the bucket account).
    aws.set_attach_delay(0);
    aws.edit(|s| *s = s.settled());
    assert!(diff(&plan, &aws, false).has_changes());
    assert!(apply(&plan, &aws).succeeded());
    assert!(!diff(&plan, &aws, false).has_changes());
}

#[test]
fn a_foreign_role_of_the_planned_name_blocks_apply_unless_adopted() {
    let plan = provisioned_plan();
    let aws = seeded_world();
    let cluster_role = plan.chain.first().clone();
    let foreign_trust =
        PolicyDocument::new(vec![Statement::trust(Principal::service(["ec2.amazonaws.com"])).with_sid("Ec2")]);
    aws.seed_role(&cluster_role, foreign_trust.clone(), &[("team", "data")]);
    let blocked = diff(&plan, &aws, false);
    assert_eq!(blocked.blockers.len(), 1);
    assert!(blocked.blockers[0].message.contains("was not created by redbridge"), "{}", blocked.blockers[0].message);

    let adopted = diff(&plan, &aws, true);
    assert!(adopted.blockers.is_empty());
    let ports = Ports::for_fake(&aws, &plan);
    let report = block_on(apply_engine::execute(&adopted, &ports, &fast(), &NoSleep::default(), &Silent));
    assert!(report.succeeded(), "{report:?}");
    let role = &aws.state().roles[&cluster_role.to_string()];
    assert_eq!(role.trust_policy.statements[0], foreign_trust.statements[0], "the foreign trust statement stays");
    assert_eq!(role.trust_policy.statements.len(), 2);
    assert!(role.tags.contains(&("adopted-by".into(), "redbridge".into())));
    assert!(!diff(&plan, &aws, false).has_changes(), "an adopted role no longer blocks");

    // Destroy keeps the adopted role and its foreign statement, removes redbridge's.
    assert!(destroy(&plan, &aws).succeeded());
    let state = aws.state();
    let role = &state.roles[&cluster_role.to_string()];
    assert_eq!(role.trust_policy.statements, foreign_trust.statements);
    assert!(role.inline_policies.is_empty());
    assert!(!state.roles.contains_key(&plan.chain.last().to_string()), "the created bucket role is deleted");
}

/// The provisioned plan's spec for another cluster, its roles named as the first plan's: two
/// specs that share a `cluster_role_name` and a `bucket_role_name` copied from a wiki.
fn same_role_names_other_cluster(first: &Plan) -> Plan {
    let raw = redbridge_core::spec::RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("acme-imports".into()),
        access: Some("copy".into()),
        cluster: Some("reporting".into()),
        region: Some("eu-west-1".into()),
        cluster_role_name: Some(first.chain.first().name().to_owned()),
        bucket_role_name: Some(first.chain.last().name().to_owned()),
        ..Default::default()
    };
    Plan::new(&redbridge_core::Spec::from_raw(&raw).expect("valid spec")).expect("plan")
}

#[test]
fn apply_refuses_roles_tagged_for_another_setup_even_with_adopt_and_destroy_leaves_them() {
    let first = provisioned_plan();
    let aws = seeded_world();
    assert!(apply(&first, &aws).succeeded());
    let second = same_role_names_other_cluster(&first);
    aws.seed_cluster("reporting", &[]);
    let before = aws.state();

    for adopt in [false, true] {
        let blocked = diff(&second, &aws, adopt);
        assert_eq!(blocked.blockers.len(), 2, "both roles are the first setup's: {:?}", blocked.blockers);
        let message = &blocked.blockers[0].message;
        assert!(
            message.contains("belongs to another redbridge setup")
                && message.contains(
                    "`redbridge:setup=redshift:111111111111:eu-west-1:cluster/analytics/s3:222222222222:acme-imports`"
                )
                && message.contains("`redshift:111111111111:eu-west-1:cluster/reporting/s3:222222222222:acme-imports`")
                && message.contains("choose another role name"),
            "{message}"
        );
        let writes_into_them = blocked.accounts.iter().flat_map(|a| &a.changes).any(|c| {
            matches!(&c.action, redbridge_core::converge::Action::PutRolePolicy { role, .. } if second.chain.roles().contains(role))
        });
        assert!(!writes_into_them, "nothing is planned into another setup's roles");
    }

    // Destroying the second setup touches none of the first one's roles.
    let report = destroy(&second, &aws);
    assert!(report.succeeded(), "{report:?}");
    let after = aws.state();
    for role in first.chain.roles() {
        assert_eq!(after.roles[&role.to_string()], before.roles[&role.to_string()], "`{role}` is untouched");
    }
    assert!(!diff(&first, &aws, false).has_changes(), "the first setup is whole");
}

#[test]
fn a_role_from_before_the_setup_tag_is_tagged_and_kept_and_adoption_tags_the_setup() {
    let plan = provisioned_plan();
    let aws = seeded_world();
    assert!(apply(&plan, &aws).succeeded());
    let cluster_role = plan.chain.first().to_string();
    aws.edit(|s| s.roles.get_mut(&cluster_role).unwrap().tags.retain(|(k, _)| k != "redbridge:setup"));
    let legacy = diff(&plan, &aws, false);
    assert!(legacy.blockers.is_empty(), "{:?}", legacy.blockers);
    let tagging: Vec<_> = legacy
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .filter(|c| matches!(c.action, redbridge_core::converge::Action::TagRole { .. }))
        .collect();
    assert_eq!(tagging.len(), 1, "{tagging:?}");
    assert!(apply(&plan, &aws).succeeded());
    let setup = redbridge_core::plan::setup_id(&plan.spec);
    assert!(aws.state().roles[&cluster_role].tags.contains(&("redbridge:setup".into(), setup.clone())));
    assert!(!diff(&plan, &aws, false).has_changes());

    // An adopted role gets the setup tag with the adoption tag.
    let other = provisioned_plan();
    let aws = seeded_world();
    aws.seed_role(other.chain.first(), PolicyDocument::new(vec![]), &[("team", "data")]);
    let adopted = diff(&other, &aws, true);
    let ports = Ports::for_fake(&aws, &other);
    assert!(block_on(apply_engine::execute(&adopted, &ports, &fast(), &NoSleep::default(), &Silent)).succeeded());
    let tags = &aws.state().roles[&other.chain.first().to_string()].tags;
    assert!(
        tags.contains(&("adopted-by".into(), "redbridge".into())) && tags.contains(&("redbridge:setup".into(), setup))
    );
}

#[test]
fn foreign_statements_and_roles_survive_apply_and_destroy() {
    let plan = serverless_plan();
    let aws = seeded_world();
    let before = aws.state();
    assert!(apply(&plan, &aws).succeeded());
    assert!(destroy(&plan, &aws).succeeded());
    let after = aws.state().settled();
    assert_eq!(after, before.settled(), "destroy returns the world to exactly what it was");
    assert_eq!(after.keys[KEY].policy, foreign_key_policy());
    let roles: Vec<&str> = after.namespaces["analytics-ns"].iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(roles, [FOREIGN_NAMESPACE_ROLE]);
    // Destroy twice is a no-op.
    assert!(!read_diff(&plan, &aws, Mode::Destroy).unwrap().has_changes());
}

#[test]
fn a_role_attached_by_someone_else_meanwhile_is_kept_by_the_namespace_merge() {
    let plan = serverless_plan();
    let aws = seeded_world();
    let ports = Ports::for_fake(&aws, &plan);
    let diff = diff(&plan, &aws, false);
    let late = "arn:aws:iam::111111111111:role/attached-meanwhile";
    aws.seed_role(&RoleArn::parse(late).unwrap(), PolicyDocument::new(vec![]), &[]);
    aws.edit(|s| {
        s.namespaces.get_mut("analytics-ns").unwrap().push(redbridge_core::converge::AttachedRole {
            arn: late.into(),
            status: redbridge_core::converge::ApplyStatus::InSync,
        })
    });
    assert!(block_on(apply_engine::execute(&diff, &ports, &fast(), &NoSleep::default(), &Silent)).succeeded());
    let roles: Vec<String> = aws.state().namespaces["analytics-ns"].iter().map(|r| r.arn.clone()).collect();
    assert!(roles.contains(&late.to_owned()), "{roles:?}");
    assert!(roles.contains(&FOREIGN_NAMESPACE_ROLE.to_owned()));
}

/// Every statement in the world is either foreign (present before) or planned: nothing wider.
fn assert_nothing_wider_than_planned(plan: &Plan, before: &FakeState, state: &FakeState) {
    let planned: Vec<Statement> = plan.policies().into_iter().flat_map(|(_, doc)| doc.statements).collect();
    let foreign: Vec<Statement> = before
        .roles
        .values()
        .flat_map(|r| {
            r.trust_policy.statements.iter().chain(r.inline_policies.values().flat_map(|p| p.statements.iter()))
        })
        .chain(before.keys.values().flat_map(|k| k.policy.statements.iter()))
        .cloned()
        .collect();
    for role in state.roles.values() {
        let statements =
            role.trust_policy.statements.iter().chain(role.inline_policies.values().flat_map(|p| p.statements.iter()));
        for statement in statements {
            assert!(
                planned.contains(statement) || foreign.contains(statement),
                "unplanned statement on {}: {statement:?}",
                role.arn
            );
        }
        if !before.roles.contains_key(&role.arn.to_string()) {
            assert!(plan.chain.roles().contains(&role.arn), "unplanned role {}", role.arn);
        }
    }
    for key in state.keys.values() {
        for statement in &key.policy.statements {
            assert!(
                planned.contains(statement) || foreign.contains(statement),
                "unplanned key statement {statement:?}"
            );
        }
    }
}

#[test]
fn failing_any_single_call_then_rerunning_converges_to_the_clean_state() {
    for plan in [serverless_plan(), provisioned_plan()] {
        let clean = clean_apply_state(&plan);
        let calls_of_clean_apply = {
            let aws = seeded_world();
            let before = aws.calls().len();
            assert!(apply(&plan, &aws).succeeded());
            aws.calls().len() - before
        };
        assert!(calls_of_clean_apply > 10, "{calls_of_clean_apply}");
        for k in 1..=calls_of_clean_apply as u64 {
            let aws = seeded_world();
            let before = aws.state();
            aws.fail_call(k);
            let ports = Ports::for_fake(&aws, &plan);
            let s3 = aws.account(plan.spec.s3_account);
            let first = block_on(async {
                let prepared =
                    converge_run::prepare(&plan, &ports, Some(&s3), APPLY).await.map_err(|e| e.to_string())?;
                let diff = prepared.diff.map_err(|e| e.to_string())?;
                Ok::<_, String>(apply_engine::execute(&diff, &ports, &fast(), &NoSleep::default(), &Silent).await)
            });
            let failed = aws.calls()[k as usize - 1].clone();
            match &first {
                // Only a read of what no step changes may fail without stopping the run.
                Ok(report) if report.succeeded() => assert!(
                    not_needed_by_apply(&failed, &before),
                    "call {k} (`{failed}`) failed, so the run must say so"
                ),
                Ok(_) => {}
                Err(error) => assert!(error.contains("injected failure"), "{error}"),
            }
            assert_nothing_wider_than_planned(&plan, &before, &aws.state());
            let rerun = apply(&plan, &aws);
            assert!(rerun.succeeded(), "rerun after failing call {k}: {rerun:?}");
            assert_eq!(aws.state().settled(), clean, "state after failing call {k} and rerunning");
            assert!(!diff(&plan, &aws, false).has_changes());
        }
    }
}

#[test]
fn failing_any_single_call_of_destroy_then_rerunning_restores_the_world() {
    let plan = serverless_plan();
    let original = seeded_world().state().settled();
    let calls = {
        let aws = seeded_world();
        assert!(apply(&plan, &aws).succeeded());
        let before = aws.calls().len();
        assert!(destroy(&plan, &aws).succeeded());
        aws.calls().len() - before
    };
    for k in 1..=calls as u64 {
        let aws = seeded_world();
        assert!(apply(&plan, &aws).succeeded());
        aws.fail_call(k);
        let ports = Ports::for_fake(&aws, &plan);
        let s3 = aws.account(plan.spec.s3_account);
        let _ = block_on(async {
            let prepared = converge_run::prepare(&plan, &ports, Some(&s3), Mode::Destroy).await.ok()?;
            Some(apply_engine::execute(&prepared.diff.ok()?, &ports, &fast(), &NoSleep::default(), &Silent).await)
        });
        assert!(destroy(&plan, &aws).succeeded(), "destroy rerun after failing call {k}");
        assert_eq!(aws.state().settled(), original, "after failing destroy call {k}");
    }
}

#[test]
fn wrong_account_credentials_are_refused_before_any_change() {
    let plan = provisioned_plan();
    let aws = seeded_world();
    let mut ports = Ports::for_fake(&aws, &plan);
    // The bucket account's ports are given the Redshift account's credentials.
    ports.accounts[1].sts = aws.account(plan.spec.redshift_account);
    let error = block_on(apply_engine::verify_accounts(&ports)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the credentials for account `222222222222` belong to account `111111111111` (`arn:aws:iam::111111111111:user/fake`); use the profile of account `222222222222`"
    );
    assert!(aws.calls().iter().all(|c| c.starts_with("sts:")), "{:?}", aws.calls());
}

#[test]
fn a_missing_key_is_reported_before_any_change() {
    let plan = serverless_plan();
    let aws = seeded_world();
    aws.edit(|s| s.keys.clear());
    let before = aws.calls().len();
    for mode in [APPLY, Mode::Destroy] {
        let error = read_diff(&plan, &aws, mode).unwrap_err();
        assert!(error.to_string().contains("redbridge does not create keys"), "{error}");
    }
    assert!(aws.calls()[before..].iter().all(|c| !is_write(c)), "{:?}", aws.calls());
}

#[test]
fn a_role_that_cannot_be_read_stops_apply_and_destroy_before_any_change_naming_it_and_why() {
    let plan = serverless_plan();
    let aws = seeded_world();
    assert!(apply(&plan, &aws).succeeded());
    let before = aws.state();
    aws.deny(Some(plan.spec.s3_account), "iam:GetRolePolicy");
    for mode in [APPLY, Mode::Destroy] {
        let error = read_diff(&plan, &aws, mode).unwrap_err();
        let bucket_role = plan.chain.last();
        assert_eq!(error.parts.len(), 1, "{error}");
        assert!(
            error.to_string().starts_with(&format!(
                "cannot read the current state: role `{bucket_role}`: access denied for `iam:GetRolePolicy`"
            )),
            "{error}"
        );
    }
    assert_eq!(aws.state(), before, "nothing was changed");
}

#[test]
fn what_no_step_changes_does_not_block_apply_even_when_it_cannot_be_read() {
    let plan = serverless_plan();
    let aws = seeded_world();
    aws.deny(Some(plan.spec.s3_account), "s3:");
    let prepared = prepare(&plan, &aws, APPLY);
    assert!(matches!(prepared.snapshot.bucket, redbridge_core::doctor::Known::Unknown { .. }));
    assert!(prepared.diff.expect("the bucket is not needed").has_changes());
    assert!(apply(&plan, &aws).succeeded());
}

#[test]
fn apply_reads_concurrently_and_counts_the_account_check_as_one_round_trip() {
    let plan = serverless_plan();
    let aws = seeded_world();
    assert!(apply(&plan, &aws).succeeded());
    let before = aws.calls().len();
    let prepared = prepare(&plan, &aws, APPLY);
    let made = aws.calls()[before..].to_vec();
    assert_eq!(prepared.stats.calls as usize, made.len(), "{made:#?}");
    // STS ×2 first; then GetNamespace + GetWorkgroup, per role GetRole + 2 lists + 1 inline
    // policy, four bucket reads, DescribeKey + GetKeyPolicy, all at once, then the inline policies.
    assert_eq!(prepared.stats.calls, 2 + 2 + 2 * 4 + 4 + 2, "{made:#?}");
    assert_eq!(prepared.stats.depth, 3);
    assert!(made[..2].iter().all(|c| c.starts_with("sts:")), "{made:#?}");
}

const APPLY: Mode = Mode::Apply { adopt: false };

/// No S3 port: the bucket reads as unknown, which no step needs.
fn no_s3() -> Option<&'static redbridge_aws::fake::FakeAccount> {
    None
}

/// Whether a logged fake call writes.
fn is_write(call: &str) -> bool {
    ["Create", "Put", "Update", "Tag", "Delete", "Modify"].iter().any(|verb| call.contains(&format!(":{verb}")))
}

/// Reads whose answer apply does not need: those made for the record (doctor's), which no step
/// changes, and the policy listings of a role `GetRole` finds absent.
fn not_needed_by_apply(call: &str, before: &FakeState) -> bool {
    let listing_of_absent_role = call
        .strip_prefix("iam:List")
        .and_then(|rest| rest.split_once(' '))
        .is_some_and(|(_, role)| !before.roles.values().any(|r| r.arn.name() == role));
    call.starts_with("s3:") || call.starts_with("redshift-serverless:GetWorkgroup") || listing_of_absent_role
}
