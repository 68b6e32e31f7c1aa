//! Tests of the operator policies: what each command may do, judged with redbridge's evaluator.

use redbridge_iam::eval::{Outcome, Policies, PolicySet, Request, evaluate};
use redbridge_iam::policy::PolicyDocument;

use super::*;
use crate::RawSpec;

const OPERATOR_REDSHIFT: &str = "arn:aws:iam::111111111111:user/operator";
const OPERATOR_S3: &str = "arn:aws:iam::222222222222:user/operator";

fn plan(edit: impl FnOnce(&mut RawSpec)) -> Plan {
    let mut raw = RawSpec {
        redshift_account: Some("111111111111".into()),
        s3_account: Some("222222222222".into()),
        bucket: Some("shared-data".into()),
        prefixes: vec!["sales/".into()],
        cluster: Some("analytics".into()),
        region: Some("eu-west-1".into()),
        access: Some("both".into()),
        ..RawSpec::default()
    };
    edit(&mut raw);
    Plan::new(&Spec::from_raw(&raw).unwrap()).unwrap()
}

fn outcome(
    policy: &PolicyDocument,
    principal: &str,
    action: &str,
    resource: &str,
    context: &[(&str, &str)],
) -> Outcome {
    let set = PolicySet::compile(&Policies { identity_policies: vec![policy.clone()], ..Policies::default() }).unwrap();
    let mut request = Request::new(principal, action, resource).unwrap();
    if resource.starts_with("arn:aws:s3:::") {
        request = request.with_resource_account(AccountId::parse("222222222222").unwrap());
    }
    for (key, value) in context {
        request = request.with_context(key, *value);
    }
    evaluate(&request, &set).unwrap().outcome
}

fn actions(policy: &PolicyDocument) -> Vec<String> {
    policy.statements.iter().flat_map(|s| s.action_patterns().iter().cloned()).collect()
}

#[test]
fn pass_role_is_allowed_only_for_the_cluster_role_and_only_to_redshift() {
    let plan = plan(|_| {});
    let apply = &operator_policies(&plan).redshift.apply;
    let cluster_role = plan.chain.roles()[0].to_string();
    let pass = |resource: &str, service: &str| {
        outcome(apply, OPERATOR_REDSHIFT, "iam:PassRole", resource, &[("iam:PassedToService", service)])
    };
    assert_eq!(pass(&cluster_role, "redshift.amazonaws.com"), Outcome::Allowed);
    assert_eq!(pass(&cluster_role, "ec2.amazonaws.com"), Outcome::ImplicitDeny);
    assert_eq!(pass("arn:aws:iam::111111111111:role/admin", "redshift.amazonaws.com"), Outcome::ImplicitDeny);
}

#[test]
fn attaching_is_allowed_on_the_planned_cluster_only() {
    let plan = plan(|_| {});
    let apply = &operator_policies(&plan).redshift.apply;
    let modify = |cluster: &str| {
        outcome(
            apply,
            OPERATOR_REDSHIFT,
            "redshift:ModifyClusterIamRoles",
            &format!("arn:aws:redshift:eu-west-1:111111111111:cluster:{cluster}"),
            &[],
        )
    };
    assert_eq!(modify("analytics"), Outcome::Allowed);
    assert_eq!(modify("finance"), Outcome::ImplicitDeny);
}

#[test]
fn each_account_gets_only_its_own_resources() {
    let plan = plan(|_| {});
    let policies = operator_policies(&plan);
    for command in OperatorCommand::ALL {
        for statement in &policies.redshift.policy(command).statements {
            for resource in statement.resource_patterns() {
                assert!(
                    resource == "*"
                        || resource.contains(":111111111111:")
                        || resource.contains(":iam::aws:policy/")
                        || resource.starts_with("arn:aws:organizations::*:"),
                    "{command:?} in the Redshift account names {resource}"
                );
            }
        }
        for statement in &policies.s3.policy(command).statements {
            // The organization's reads take `*`: its id is not known at plan time.
            let organization_only = statement.action_patterns().iter().all(|a| a.starts_with("organizations:"));
            for resource in statement.resource_patterns() {
                assert!(
                    ((resource == "*" || resource.starts_with("arn:aws:organizations::*:")) && organization_only)
                        || resource.contains(":222222222222:")
                        || resource.starts_with("arn:aws:s3:::shared-data")
                        || resource.contains(":iam::aws:policy/"),
                    "{command:?} in the bucket account names {resource}"
                );
            }
        }
    }
    assert!(actions(&policies.redshift.apply).iter().all(|a| !a.starts_with("s3:")));
    assert!(policies.intermediate.is_empty());
}

#[test]
fn doctor_reads_and_never_writes() {
    let plan = plan(|raw| {
        raw.kms_key = Some("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into())
    });
    let policies = operator_policies(&plan);
    for policy in [&policies.redshift.doctor, &policies.s3.doctor] {
        for action in actions(policy) {
            let verb = action.split(':').nth(1).unwrap();
            assert!(["Get", "List", "Describe"].iter().any(|read| verb.starts_with(read)), "doctor may {action}");
        }
    }
    assert!(actions(&policies.s3.doctor).contains(&"kms:GetKeyPolicy".to_owned()));
    assert!(actions(&policies.s3.apply).contains(&"kms:PutKeyPolicy".to_owned()));
}

#[test]
fn the_bucket_account_lists_only_the_planned_prefixes() {
    let plan = plan(|_| {});
    let doctor = &operator_policies(&plan).s3.doctor;
    let list = |prefix: &str| {
        outcome(doctor, OPERATOR_S3, "s3:ListBucket", "arn:aws:s3:::shared-data", &[("s3:prefix", prefix)])
    };
    assert_eq!(list("sales/2026/"), Outcome::Allowed);
    assert_eq!(list("hr/"), Outcome::ImplicitDeny);
}

#[test]
fn test_uses_the_data_api_on_the_planned_cluster_and_its_own_statements() {
    let plan = plan(|raw| raw.db_users = vec!["etl".into()]);
    let test = &operator_policies(&plan).redshift.test;
    let cluster = "arn:aws:redshift:eu-west-1:111111111111:cluster:analytics";
    assert_eq!(outcome(test, OPERATOR_REDSHIFT, "redshift-data:BatchExecuteStatement", cluster, &[]), Outcome::Allowed);
    assert_eq!(
        outcome(
            test,
            OPERATOR_REDSHIFT,
            "redshift:GetClusterCredentials",
            "arn:aws:redshift:eu-west-1:111111111111:dbuser:analytics/etl",
            &[]
        ),
        Outcome::Allowed
    );
    assert_eq!(
        outcome(
            test,
            OPERATOR_REDSHIFT,
            "redshift:GetClusterCredentials",
            "arn:aws:redshift:eu-west-1:111111111111:dbuser:analytics/admin",
            &[]
        ),
        Outcome::ImplicitDeny
    );
    let describe = |owner: &str| {
        outcome(
            test,
            OPERATOR_REDSHIFT,
            "redshift-data:DescribeStatement",
            "*",
            &[("redshift-data:statement-owner-iam-userid", owner), ("aws:userid", "AIDAOPERATOR")],
        )
    };
    assert_eq!(describe("AIDAOPERATOR"), Outcome::Allowed);
    assert_eq!(describe("AIDASOMEONEELSE"), Outcome::ImplicitDeny);
}

#[test]
fn serverless_attaches_through_the_namespace_and_passes_the_role_to_either_principal() {
    let plan = plan(|raw| {
        raw.cluster = None;
        raw.workgroup = Some("etl".into());
        raw.namespace = Some("etl-ns".into());
    });
    let policies = operator_policies(&plan);
    let apply = actions(&policies.redshift.apply);
    assert!(apply.contains(&"redshift-serverless:UpdateNamespace".to_owned()));
    assert!(!apply.iter().any(|a| a.starts_with("redshift:")), "{apply:?}");
    let cluster_role = plan.chain.roles()[0].to_string();
    for service in ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] {
        assert_eq!(
            outcome(
                &policies.redshift.apply,
                OPERATOR_REDSHIFT,
                "iam:PassRole",
                &cluster_role,
                &[("iam:PassedToService", service)]
            ),
            Outcome::Allowed
        );
    }
    assert!(actions(&policies.redshift.test).contains(&"redshift-serverless:GetCredentials".to_owned()));
}

#[test]
fn a_copy_only_test_may_write_its_marker_and_an_unload_test_may_not() {
    let copy = operator_policies(&plan(|raw| raw.access = Some("copy".into())));
    let both = operator_policies(&plan(|_| {}));
    let put = |policies: &OperatorPolicies| {
        outcome(
            &policies.s3.test,
            OPERATOR_S3,
            "s3:PutObject",
            "arn:aws:s3:::shared-data/sales/redbridge-test-1/part_0000_part_00",
            &[],
        )
    };
    assert_eq!(put(&copy), Outcome::Allowed);
    assert_eq!(put(&both), Outcome::ImplicitDeny);
}

#[test]
fn the_same_plan_gives_the_same_policies_with_unique_sids() {
    let plan = plan(|raw| {
        raw.kms_key = Some("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into())
    });
    let first = operator_policies(&plan);
    assert_eq!(first, operator_policies(&plan));
    for account in [&first.redshift, &first.s3] {
        for command in OperatorCommand::ALL {
            let sids: Vec<_> = account.policy(command).statements.iter().filter_map(|s| s.sid.clone()).collect();
            let mut unique = sids.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(sids.len(), unique.len(), "{sids:?}");
            assert!(sids.iter().all(|sid| sid.chars().all(|c| c.is_ascii_alphanumeric())), "{sids:?}");
        }
    }
}
