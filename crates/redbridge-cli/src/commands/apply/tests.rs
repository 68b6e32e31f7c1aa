//! The `apply` and `destroy` flow over the fakes, with a scripted terminal: the diff, the
//! confirmation, the report, `--verbose`, and the refusals before any change.

use redbridge_aws::apply_engine::{NoSleep, Ports, RunSettings, Silent};
use redbridge_aws::fake::FakeAws;
use redbridge_core::{Plan, Spec};

use super::*;
use crate::commands::schema_check::assert_matches_schema;

struct Scripted {
    out: String,
    notes: Vec<String>,
    answer: bool,
    asked: usize,
}

impl Ui for Scripted {
    fn out(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn note(&mut self, text: &str) {
        self.notes.push(text.to_owned());
    }

    fn confirm(&mut self, _question: &str) -> anyhow::Result<bool> {
        self.asked += 1;
        Ok(self.answer)
    }
}

fn plan() -> Plan {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
            .unwrap();
    Plan::new(&Spec::from_toml(&text).unwrap()).unwrap()
}

fn world(plan: &Plan) -> FakeAws {
    let aws = FakeAws::new();
    aws.seed_namespace("analytics-ns", &[]);
    if let Some(key) = &plan.spec.kms_key {
        aws.seed_key(key, redbridge_iam::policy::PolicyDocument::new(vec![]));
    }
    aws
}

fn run(aws: &FakeAws, plan: &Plan, options: Options, answer: bool) -> (ExitCode, Scripted) {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer, asked: 0 };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let code = runtime
        .block_on(converge(
            plan,
            &ports,
            Some(&s3),
            &options,
            &RunSettings::default(),
            &NoSleep::default(),
            &Silent,
            &mut ui,
        ))
        .unwrap();
    (code, ui)
}

fn options(mode: Mode) -> Options {
    Options { dry_run: false, yes: true, output: OutputFormat::Text, verbose: false, mode }
}

#[test]
fn apply_prints_a_terraform_like_diff_then_what_it_did_and_a_rerun_reports_no_changes() {
    let plan = plan();
    let aws = world(&plan);
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
    assert_eq!(ui.asked, 0, "`--yes` does not ask");
    assert!(
        ui.out.contains(
            "account 111111111111 (Redshift account)\n  + role arn:aws:iam::111111111111:role/redbridge-analytics-wg"
        ),
        "{}",
        ui.out
    );
    assert!(ui.out.contains("  ~ key policy of arn:aws:kms:"), "{}", ui.out);
    assert!(ui.out.contains("      + "), "policy diff lines: {}", ui.out);
    assert!(ui.out.contains("apply: 5 to create, 1 to update, 0 to delete, 0 unchanged"), "{}", ui.out);
    assert!(
        ui.out.contains("done      + role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"),
        "{}",
        ui.out
    );
    assert!(ui.out.ends_with("apply complete\n"), "{}", ui.out);

    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(
        ui.out.contains(
            "  = role arn:aws:iam::111111111111:role/redbridge-analytics-wg attached to namespace `analytics-ns`"
        ),
        "{}",
        ui.out
    );
    assert!(ui.out.ends_with("no changes: AWS already matches the plan\n"), "{}", ui.out);
}

#[test]
fn dry_run_and_a_declined_confirmation_change_nothing() {
    let plan = plan();
    let aws = world(&plan);
    let before = aws.state();
    let (code, ui) = run(&aws, &plan, Options { dry_run: true, ..options(Mode::Apply { adopt: false }) }, true);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(ui.out.ends_with("dry run: nothing was changed\n"));
    assert_eq!(aws.state(), before);
    let (code, ui) = run(&aws, &plan, Options { yes: false, ..options(Mode::Apply { adopt: false }) }, false);
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(ui.asked, 1);
    assert!(ui.out.ends_with("cancelled: nothing was changed\n"));
    assert_eq!(aws.state(), before);
}

#[test]
fn json_output_carries_the_diff_and_the_report() {
    let plan = plan();
    let aws = world(&plan);
    let (_, ui) =
        run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Apply { adopt: false }) }, true);
    assert_matches_schema("apply.schema.json", &ui.out);
    let value: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["status"], "done");
    assert_eq!(value["diff"]["accounts"][0]["changes"][0]["kind"], "create");
    assert_eq!(value["report"]["steps"][0]["outcome"], "done");
    let (_, ui) = run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Destroy) }, true);
    assert_matches_schema("destroy.schema.json", &ui.out);
    let value: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
    assert_eq!(value["command"], "destroy");
    assert_eq!(value["status"], "done");
}

#[test]
fn json_of_every_status_matches_its_schema() {
    let json = |mode| Options { output: OutputFormat::Json, ..options(mode) };
    let apply = Mode::Apply { adopt: false };
    let status = |out: &str| serde_json::from_str::<serde_json::Value>(out).unwrap()["status"].clone();
    let plan = plan();
    let aws = world(&plan);
    let (_, dry) = run(&aws, &plan, Options { dry_run: true, ..json(apply) }, true);
    let reads = aws.calls().len() as u64;
    let (_, cancelled) = run(&aws, &plan, Options { yes: false, ..json(apply) }, false);
    // A failed first write: the report holds `failed` with its error and `not_run` after it.
    aws.fail_call(reads + 1);
    let (_, failed) = run(&aws, &plan, json(apply), true);
    let (_, done) = run(&aws, &plan, json(apply), true);
    let (_, unchanged) = run(&aws, &plan, json(apply), true);
    for (out, expected) in
        [(&dry, "dry_run"), (&cancelled, "cancelled"), (&failed, "failed"), (&done, "done"), (&unchanged, "no_changes")]
    {
        assert_matches_schema("apply.schema.json", &out.out);
        assert_eq!(status(&out.out), expected, "{}", out.out);
    }
    let (_, destroyed) = run(&aws, &plan, json(Mode::Destroy), true);
    assert_matches_schema("destroy.schema.json", &destroyed.out);
    assert_eq!(status(&destroyed.out), "done");
    // Blocked: one document, whose diff names the blocker, and exit 2 (the error is on standard error).
    let aws = world(&plan);
    aws.seed_role(plan.chain.first(), redbridge_iam::policy::PolicyDocument::new(vec![]), &[]);
    let (code, blocked) = run(&aws, &plan, json(apply), true);
    assert_eq!(code, ExitCode::from(2));
    assert_matches_schema("apply.schema.json", &blocked.out);
    assert_eq!(status(&blocked.out), "blocked");
    let value: serde_json::Value = serde_json::from_str(&blocked.out).unwrap();
    assert_eq!(value["diff"]["blockers"][0]["role"], plan.chain.first().to_string());
}

#[test]
fn a_failed_apply_says_what_was_done_and_what_was_not() {
    let plan = plan();
    let aws = world(&plan);
    // The account check and the reads first (as many as a dry run makes); fail the first write.
    let (_, dry) = run(&aws, &plan, Options { dry_run: true, ..options(Mode::Apply { adopt: false }) }, true);
    assert!(dry.out.ends_with("dry run: nothing was changed\n"));
    let reads = aws.calls().len() as u64;
    aws.fail_call(reads + 1);
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::from(1), "{}", ui.out);
    assert!(
        ui.out.contains(
            "FAILED    + role arn:aws:iam::111111111111:role/redbridge-analytics-wg: iam:CreateRole: injected failure"
        ),
        "{}",
        ui.out
    );
    assert!(
        ui.out.contains("not run   + role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"),
        "{}",
        ui.out
    );
    assert!(ui.out.contains("apply failed: the steps marked `done` were made"), "{}", ui.out);
}

#[test]
fn destroy_shows_deletions_and_leaves_nothing_of_redbridge() {
    let plan = plan();
    let aws = world(&plan);
    let before = aws.state();
    run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    let (code, ui) = run(&aws, &plan, options(Mode::Destroy), true);
    assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
    assert!(ui.out.contains("  - role arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports"), "{}", ui.out);
    assert!(ui.out.contains("destroy complete"), "{}", ui.out);
    assert_eq!(aws.state().settled(), before.settled());
}

#[test]
fn a_foreign_role_blocks_apply_with_a_message_naming_adopt() {
    let plan = plan();
    let aws = world(&plan);
    aws.seed_role(plan.chain.first(), redbridge_iam::policy::PolicyDocument::new(vec![]), &[]);
    let ports = Ports::for_fake(&aws, &plan);
    let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer: true, asked: 0 };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let error = runtime
        .block_on(converge(
            &plan,
            &ports,
            None::<&redbridge_aws::fake::FakeAccount>,
            &options(Mode::Apply { adopt: false }),
            &RunSettings::default(),
            &NoSleep::default(),
            &Silent,
            &mut ui,
        ))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("nothing was changed: role `arn:aws:iam::111111111111:role/redbridge-analytics-wg` exists"),
        "{error}"
    );
    assert!(error.to_string().contains("`--adopt`"));
}

#[test]
fn verbose_prints_what_reading_cost_and_an_unreadable_role_stops_before_any_change() {
    let plan = plan();
    let aws = world(&plan);
    let (code, ui) = run(&aws, &plan, Options { verbose: true, ..options(Mode::Apply { adopt: false }) }, true);
    assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
    // The reads up to the operator's own policies (`iam:GetUser`), which come after the diff.
    let calls = aws.calls().iter().take_while(|c| !c.starts_with("iam:GetUser")).count();
    assert_eq!(
        ui.notes[0],
        format!("read both accounts with {calls} AWS calls; longest dependent sequence: 2 round trip(s)")
    );
    // The fakes' callers have no readable policies: said in one line per account, and apply goes on.
    assert_eq!(
        ui.notes[1..],
        ["111111111111", "222222222222"].map(|account| format!(
            "could not read the operator's policies in account `{account}`: user `fake` does not exist; going on (a change AWS denies stops the run)"
        ))
    );

    aws.deny(Some(plan.spec.redshift_account), "iam:GetRole");
    let before = aws.state();
    let ports = Ports::for_fake(&aws, &plan);
    let mut ui = Scripted { out: String::new(), notes: Vec::new(), answer: true, asked: 0 };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let error = runtime
        .block_on(converge(
            &plan,
            &ports,
            None::<&redbridge_aws::fake::FakeAccount>,
            &options(Mode::Destroy),
            &RunSettings::default(),
            &NoSleep::default(),
            &Silent,
            &mut ui,
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the current state: role `{role}`: access denied for `iam:GetRole` reading role `{role}`; nothing was changed",
            role = plan.chain.first()
        )
    );
    assert!(ui.out.is_empty(), "no diff is shown: {}", ui.out);
    assert_eq!(aws.state(), before);
}

/// The fakes' caller in `account` (`user/fake`) with `policy` inline.
fn grant(aws: &FakeAws, account: &str, policy: redbridge_iam::policy::PolicyDocument) {
    let arn = format!("arn:aws:iam::{account}:user/fake");
    aws.edit(|state| {
        state.users.insert(
            arn.clone(),
            redbridge_aws::fake::FakeUser {
                arn,
                inline_policies: std::collections::BTreeMap::from([("redbridge".into(), policy)]),
                groups: Vec::new(),
            },
        );
    });
}

/// Operators with the planned apply policies, less `iam:PassRole` in the Redshift account.
fn operators_without_pass_role(plan: &Plan, aws: &FakeAws) -> redbridge_iam::policy::Statement {
    let planned = redbridge_core::operator::operator_policies(plan);
    let mut apply = planned.redshift.apply.clone();
    let index = apply.statements.iter().position(|s| s.action_patterns().iter().any(|a| a == "iam:PassRole")).unwrap();
    let pass_role = apply.statements.remove(index);
    grant(aws, "111111111111", apply);
    grant(aws, "222222222222", planned.s3.apply.clone());
    pass_role
}

#[test]
fn an_operator_without_pass_role_is_refused_before_any_change_with_the_policy_to_add() {
    let plan = plan();
    let aws = world(&plan);
    let pass_role = operators_without_pass_role(&plan, &aws);
    let before = aws.state();
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::from(exit::FINDINGS), "{}", ui.out);
    assert_eq!(aws.state(), before, "nothing was changed");
    let refusal = &ui.out[ui.out.find("the operator lacks").expect(&ui.out)..];
    let role = plan.chain.roles()[0].to_string();
    let pasted = redbridge_iam::policy::PolicyDocument::new(vec![pass_role]).to_json_pretty();
    let indented: String = pasted.lines().map(|l| format!("    {l}\n")).collect();
    assert_eq!(
        refusal,
        format!(
            "the operator lacks permissions apply needs; nothing was changed\n\
             account `111111111111`: `arn:aws:iam::111111111111:user/fake` may not:\n  \
             - `iam:PassRole` on `{role}`: no identity-based policy allows it\n  \
             add these statements to its policies (a policy ready to paste):\n{indented}\
             then rerun `redbridge apply`\n"
        )
    );
    assert!(ui.notes.is_empty(), "both operators were read: {:?}", ui.notes);

    let (code, ui) =
        run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Apply { adopt: false }) }, true);
    assert_eq!(code, ExitCode::from(exit::FINDINGS));
    assert_matches_schema("apply.schema.json", &ui.out);
    let json: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
    assert_eq!(json["status"], "refused");
    assert_eq!(json["operator"][0]["status"], "missing");
    assert_eq!(json["operator"][0]["missing"][0]["action"], "iam:PassRole");
    assert_eq!(json["operator"][0]["missing"][0]["cause"], "no_identity_policy");
    assert_eq!(json["operator"][1]["status"], "ok");
}

#[test]
fn a_dry_run_shows_what_the_operator_lacks_and_exits_0() {
    let plan = plan();
    let aws = world(&plan);
    operators_without_pass_role(&plan, &aws);
    let (code, ui) = run(&aws, &plan, Options { dry_run: true, ..options(Mode::Apply { adopt: false }) }, true);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(ui.out.contains("- `iam:PassRole` on"), "{}", ui.out);
    assert!(ui.out.ends_with("dry run: nothing was changed\n"), "{}", ui.out);
}

#[test]
fn a_pass_role_denied_during_apply_stops_with_the_guidance_and_a_rerun_converges() {
    let plan = plan();
    let aws = world(&plan);
    aws.deny(Some(plan.spec.redshift_account), "iam:PassRole");
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::from(exit::FINDINGS), "{}", ui.out);
    let role = plan.chain.roles()[0].to_string();
    assert!(
        ui.out.contains(&format!("access denied: `iam:PassRole` on `{role}` in account `111111111111`\n")),
        "{}",
        ui.out
    );
    assert!(ui.out.contains("\"iam:PassedToService\""), "the planned statement with its condition: {}", ui.out);
    assert!(ui.out.ends_with("then rerun `redbridge apply`: it continues from the current state\n"), "{}", ui.out);
    assert!(aws.state().namespaces["analytics-ns"].is_empty(), "nothing half-attached");

    let (code, ui) =
        run(&aws, &plan, Options { output: OutputFormat::Json, ..options(Mode::Apply { adopt: false }) }, true);
    assert_eq!(code, ExitCode::from(exit::FINDINGS));
    assert_matches_schema("apply.schema.json", &ui.out);
    let json: serde_json::Value = serde_json::from_str(&ui.out).unwrap();
    assert_eq!(json["access_denied"]["action"], "iam:PassRole");
    assert_eq!(json["access_denied"]["cause"], "access_denied");

    aws.clear_denials();
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(ui.out.contains("no changes"), "{}", ui.out);
}

#[test]
fn operators_with_the_planned_apply_policies_apply_without_a_word_about_permissions() {
    let plan = plan();
    let aws = world(&plan);
    let planned = redbridge_core::operator::operator_policies(&plan);
    grant(&aws, "111111111111", planned.redshift.apply.clone());
    grant(&aws, "222222222222", planned.s3.apply.clone());
    let (code, ui) = run(&aws, &plan, options(Mode::Apply { adopt: false }), true);
    assert_eq!(code, ExitCode::SUCCESS, "{}", ui.out);
    assert!(ui.notes.is_empty(), "{:?}", ui.notes);
    assert!(!ui.out.contains("the operator lacks"), "{}", ui.out);
    let (_, destroyed) = run(&aws, &plan, options(Mode::Destroy), true);
    assert!(destroyed.notes.is_empty() && !destroyed.out.contains("lacks"), "{}", destroyed.out);
}
