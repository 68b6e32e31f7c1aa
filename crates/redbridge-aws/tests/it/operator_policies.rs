//! The operator policies of `redbridge_core::operator` against what the commands really do:
//! every call `apply`, `destroy`, `doctor` and `test` make against the fakes is allowed by the
//! policy of its account and command (judged by redbridge's evaluator), and every action a
//! policy grants is one of those calls — the policies allow exactly what the commands need.

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use redbridge_aws::apply_engine::{self, NoSleep, Ports, RunSettings, Silent};
use redbridge_aws::converge_run::{self, Mode};
use redbridge_aws::data_api::PollSettings;
use redbridge_aws::fake::{FakeAws, FakeCall, FakeOrganization, FakeOutcome, FakeStatement};
use redbridge_aws::ports::DataTarget;
use redbridge_aws::round_trip_run::{TestSettings, data_target, run_test};
use redbridge_aws::snapshot_reader::read_snapshot_listing;
use redbridge_core::doctor::listed_prefixes;
use redbridge_core::operator::{OperatorCommand, OperatorPolicies, operator_policies};
use redbridge_core::{Plan, RawSpec, Spec};
use redbridge_iam::AccountId;
use redbridge_iam::eval::{Outcome, Policies, PolicySet, Request, evaluate};
use redbridge_iam::policy::{PolicyDocument, Statement};

use crate::block_on;
use crate::snapshot_reader::world;

const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const WORKGROUP_ID: &str = "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f";
const USER_ID: &str = "AIDAOPERATOR";

/// One call as IAM judges it: who, what, on what, with which context.
#[derive(Debug, Clone)]
struct Judged {
    account: AccountId,
    action: String,
    resource: String,
    context: Vec<(&'static str, String)>,
}

/// What IAM action and resource a fake call stands for. `None` for calls that need no
/// permission (`sts:GetCallerIdentity`).
fn judged(plan: &Plan, call: &FakeCall) -> Option<Judged> {
    let spec = &plan.spec;
    let account = call.account.unwrap_or(spec.redshift_account);
    let bucket = format!("arn:aws:s3:::{}", spec.bucket);
    let region = &spec.region;
    let (action, resource, context): (&str, String, Vec<(&'static str, String)>) = match call.operation.as_str() {
        "sts:GetCallerIdentity" => return None,
        // The organization's id, hence every ARN under it, is not known at plan time: the
        // policies grant these on `*`; any ARN stands for the target here.
        // Judged as in the caller's account: a delegated administrator reads the organization's
        // policies under its delegation policy, which the evaluator does not see here.
        "organizations:DescribePolicy" => (
            "organizations:DescribePolicy",
            format!("arn:aws:organizations::{account}:policy/o-operator01/service_control_policy/{}", call.target),
            vec![],
        ),
        "organizations:DescribeOrganization" => ("organizations:DescribeOrganization", "*".to_owned(), vec![]),
        op if op.starts_with("organizations:") => {
            let kind = match call.target.split('-').next() {
                Some("ou") => "ou",
                Some("r") => "root",
                _ => "account",
            };
            (op, format!("arn:aws:organizations::{account}:{kind}/o-operator01/{}", call.target), vec![])
        }
        "iam:GetPolicy" | "iam:GetPolicyVersion" => (&call.operation, call.target.clone(), vec![]),
        op if op.starts_with("iam:") => (op, format!("arn:aws:iam::{account}:role/{}", call.target), vec![]),
        op if op.starts_with("kms:") => {
            assert_eq!(spec.kms_key.as_ref().map(|k| k.key_id().to_owned()), Some(call.target.clone()));
            (op, KEY.to_owned(), vec![])
        }
        "s3:GetBucketEncryption" => ("s3:GetEncryptionConfiguration", bucket, vec![]),
        "s3:ListObjectsV2" => ("s3:ListBucket", bucket, vec![("s3:prefix", call.target.clone())]),
        "s3:PutObject" | "s3:GetObject" | "s3:DeleteObject" => {
            (&call.operation, format!("{bucket}/{}", call.target), vec![])
        }
        op if op.starts_with("s3:") => (op, bucket, vec![]),
        "redshift:DescribeClusters" | "redshift:ModifyClusterIamRoles" => {
            (&call.operation, format!("arn:aws:redshift:{region}:{account}:cluster:{}", call.target), vec![])
        }
        "redshift-serverless:GetNamespace" | "redshift-serverless:UpdateNamespace" => (
            &call.operation,
            format!("arn:aws:redshift-serverless:{region}:{account}:namespace/ns-id-of-{}", call.target),
            vec![],
        ),
        "redshift-serverless:GetWorkgroup" => (
            &call.operation,
            format!("arn:aws:redshift-serverless:{region}:{account}:workgroup/{WORKGROUP_ID}"),
            vec![],
        ),
        "redshift-data:ExecuteStatement" | "redshift-data:BatchExecuteStatement" => {
            let resource = match &spec.target {
                redbridge_core::Target::Provisioned { cluster } => {
                    format!("arn:aws:redshift:{region}:{account}:cluster:{cluster}")
                }
                redbridge_core::Target::Serverless { .. } => {
                    format!("arn:aws:redshift-serverless:{region}:{account}:workgroup/{WORKGROUP_ID}")
                }
            };
            (&call.operation, resource, vec![])
        }
        op if op.starts_with("redshift-data:") => {
            (op, "*".to_owned(), vec![("redshift-data:statement-owner-iam-userid", USER_ID.to_owned())])
        }
        other => panic!("no IAM mapping for the fake's `{other}`: add it here and to the operator policies"),
    };
    Some(Judged { account, action: action.to_owned(), resource, context })
}

/// The calls a command makes besides those the fake records: passing the role when attaching,
/// and the Data API's credentials for the database user.
fn implied(plan: &Plan, calls: &[Judged]) -> Vec<Judged> {
    let spec = &plan.spec;
    let region = &spec.region;
    let account = spec.redshift_account;
    let mut out = Vec::new();
    let cluster_role = plan.chain.roles()[0].to_string();
    for call in calls {
        match call.action.as_str() {
            "redshift:ModifyClusterIamRoles" | "redshift-serverless:UpdateNamespace" => out.push(Judged {
                account,
                action: "iam:PassRole".into(),
                resource: cluster_role.clone(),
                context: vec![("iam:PassedToService", "redshift.amazonaws.com".into())],
            }),
            "redshift-data:BatchExecuteStatement" | "redshift-data:ExecuteStatement" => {
                let (action, resource) = match data_target(plan, None) {
                    DataTarget::Cluster { cluster, db_user: Some(user) } => (
                        "redshift:GetClusterCredentials",
                        format!("arn:aws:redshift:{region}:{account}:dbuser:{cluster}/{user}"),
                    ),
                    DataTarget::Cluster { cluster, db_user: None } => (
                        "redshift:GetClusterCredentialsWithIAM",
                        format!("arn:aws:redshift:{region}:{account}:dbname:{cluster}/dev"),
                    ),
                    _ => (
                        "redshift-serverless:GetCredentials",
                        format!("arn:aws:redshift-serverless:{region}:{account}:workgroup/{WORKGROUP_ID}"),
                    ),
                };
                out.push(Judged { account, action: action.into(), resource, context: vec![] });
            }
            // S3 asks KMS for a data key on the writer's behalf under an SSE-KMS default
            // (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms>).
            "s3:PutObject" if spec.kms_key.is_some() => out.push(Judged {
                account: call.account,
                action: "kms:GenerateDataKey".into(),
                resource: KEY.into(),
                context: vec![],
            }),
            _ => {}
        }
    }
    out
}

fn outcome(policy: &PolicyDocument, call: &Judged) -> Outcome {
    // A KMS key answers to its key policy first: identity policies count only where it delegates
    // to the account, as the default key policy does
    // (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam>).
    let resource_policy = call.resource.starts_with("arn:aws:kms:").then(|| {
        PolicyDocument::new(vec![
            Statement::allow(["kms:*"], ["*"])
                .with_principal(redbridge_iam::policy::Principal::aws([format!("arn:aws:iam::{}:root", call.account)])),
        ])
    });
    let set = PolicySet::compile(&Policies {
        identity_policies: vec![policy.clone()],
        resource_policy,
        ..Policies::default()
    })
    .unwrap();
    let mut request =
        Request::new(&format!("arn:aws:iam::{}:user/operator", call.account), &call.action, &call.resource)
            .unwrap()
            .with_context("aws:userid", USER_ID);
    if call.resource.starts_with("arn:aws:s3:::") {
        request = request.with_resource_account(call.account);
    }
    for (key, value) in &call.context {
        request = request.with_context(key, value.as_str());
    }
    evaluate(&request, &set).unwrap().outcome
}

fn policy_for<'a>(
    policies: &'a OperatorPolicies,
    plan: &Plan,
    account: AccountId,
    command: OperatorCommand,
) -> &'a PolicyDocument {
    if account == plan.spec.redshift_account {
        policies.redshift.policy(command)
    } else if account == plan.spec.s3_account {
        policies.s3.policy(command)
    } else {
        panic!("a call in account {account}, which the plan does not name")
    }
}

/// Takes the fake's calls since the last take, judges each against its policy, and adds its
/// action to `used`.
fn check(
    plan: &Plan,
    aws: &FakeAws,
    policies: &OperatorPolicies,
    command: OperatorCommand,
    used: &mut BTreeSet<(AccountId, OperatorCommand, String)>,
) -> Result<(), TestCaseError> {
    let calls: Vec<Judged> = aws.recorded_calls().iter().filter_map(|c| judged(plan, c)).collect();
    aws.clear_calls();
    let implied = implied(plan, &calls);
    for call in calls.iter().chain(&implied) {
        let policy = policy_for(policies, plan, call.account, command);
        prop_assert_eq!(
            outcome(policy, call),
            Outcome::Allowed,
            "{:?} is not allowed to {:?}: {:?}\n{}",
            command,
            call.action,
            call,
            policy.to_json_pretty()
        );
        used.insert((call.account, command, call.action.clone()));
    }
    Ok(())
}

fn apply(plan: &Plan, aws: &FakeAws, mode: Mode) {
    let ports = Ports::for_fake(aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    let report = block_on(async {
        let prepared = converge_run::prepare(plan, &ports, Some(&s3), mode).await;
        let diff = prepared.expect("accounts").diff.expect("read current");
        apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent).await
    });
    assert!(report.succeeded(), "{report:?}");
}

/// Runs every command over a fresh world and checks both directions.
fn every_command(plan: &Plan) -> Result<(), TestCaseError> {
    use OperatorCommand::{Apply, Doctor, Test};
    let policies = operator_policies(plan);
    let aws = world(plan);
    // Both accounts members of one organization and its delegated administrators, so that
    // doctor reads every level's SCPs and RCPs with each account's own profile.
    aws.edit(|s| {
        let management = AccountId::parse("999999999999").expect("an account id");
        let mut organization = FakeOrganization::new("o-operator01", management);
        for account in [plan.spec.redshift_account, plan.spec.s3_account] {
            organization.add_account(account, "r-fake");
            organization.delegated_administrators.insert(account);
        }
        s.organization = Some(organization);
    });
    aws.clear_calls();
    let mut used = BTreeSet::new();
    apply(plan, &aws, Mode::Apply { adopt: false });
    check(plan, &aws, &policies, Apply, &mut used)?;
    // Someone changed the trust policies: apply converges them back.
    aws.edit(|s| {
        for role in s.roles.values_mut() {
            role.trust_policy = PolicyDocument::new(vec![
                Statement::allow(["sts:AssumeRole"], Vec::<String>::new())
                    .with_principal(redbridge_iam::policy::Principal::service(["ec2.amazonaws.com"])),
            ]);
        }
    });
    aws.clear_calls();
    apply(plan, &aws, Mode::Apply { adopt: false });
    check(plan, &aws, &policies, Apply, &mut used)?;
    let ports = Ports::for_fake(&aws, plan);
    let s3 = aws.account(plan.spec.s3_account);
    // `doctor --sql` with the plan's own statements lists what they read and write.
    let sql: Vec<String> = plan.statements.iter().map(|s| s.sql.clone()).collect();
    let prefixes = listed_prefixes(&plan.spec, &sql);
    block_on(read_snapshot_listing(plan, &ports, Some(&s3), &prefixes));
    check(plan, &aws, &policies, Doctor, &mut used)?;
    aws.script_statement(FakeStatement {
        running_polls: 1,
        outcome: FakeOutcome::Finished { records: vec![vec![Some("1".into())]] },
    });
    let settings = TestSettings {
        poll: PollSettings { interval: Duration::from_millis(1), timeout: Duration::from_secs(30), max_attempts: 3 },
        ..TestSettings::new(data_target(plan, None), "redbridge-test-1")
    };
    block_on(run_test(plan, &aws.redshift(), Some(&s3), &settings, &NoSleep::default(), &|_| {})).expect("test runs");
    check(plan, &aws, &policies, Test, &mut used)?;
    apply(plan, &aws, Mode::Destroy);
    check(plan, &aws, &policies, Apply, &mut used)?;

    // The other way: every action granted was needed. `iam:TagRole` authorizes the tags of
    // `CreateRole` (the fake records only CreateRole); `CancelStatement` is for a test that
    // times out, `GetStatementResult` for one that reads rows back (a COPY's count, `test
    // --sql`), `ExecuteStatement` for `test --sql`; `GetPolicy` for managed policies attached by
    // others.
    let authorization_only = [
        "iam:TagRole",
        "redshift-data:CancelStatement",
        "redshift-data:GetStatementResult",
        "redshift-data:ExecuteStatement",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
    ];
    for (account, side) in [(plan.spec.redshift_account, &policies.redshift), (plan.spec.s3_account, &policies.s3)] {
        for command in OperatorCommand::ALL {
            for statement in &side.policy(command).statements {
                for action in statement.action_patterns() {
                    prop_assert!(
                        used.contains(&(account, command, action.clone()))
                            || authorization_only.contains(&action.as_str()),
                        "{:?} in {} grants `{}`, which no call used",
                        command,
                        account,
                        action
                    );
                }
            }
        }
    }
    Ok(())
}

fn spec(serverless: bool, access: &str, kms: bool, prefixes: Vec<String>, db_user: bool) -> Plan {
    let (cluster, workgroup, namespace) = if serverless {
        (None, Some("analytics-wg".into()), Some("analytics-ns".into()))
    } else {
        (Some("analytics".into()), None, None)
    };
    let raw = RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("acme-exports".into()),
        prefixes,
        access: Some(access.into()),
        kms_key: kms.then(|| KEY.into()),
        cluster,
        workgroup,
        namespace,
        region: Some("eu-west-1".into()),
        db_users: if db_user { vec!["etl_user".into()] } else { vec![] },
        ..RawSpec::default()
    };
    Plan::new(&Spec::from_raw(&raw).expect("valid spec")).expect("plan")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn operator_policies_allow_exactly_the_calls_the_commands_make(
        serverless in any::<bool>(),
        access in prop::sample::select(vec!["copy", "unload", "both"]),
        kms in any::<bool>(),
        prefixes in prop::sample::select(vec![vec![], vec!["unload/".to_owned()], vec!["in/".to_owned(), "out/2026/".to_owned()]]),
        db_user in any::<bool>(),
    ) {
        every_command(&spec(serverless, access, kms, prefixes, db_user))?;
    }
}
