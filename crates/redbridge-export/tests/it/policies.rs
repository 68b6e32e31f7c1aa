//! Every format carries exactly the plan's policy documents: nothing more, nothing less, nothing
//! wider. Each export is read back (see `extract`) and compared, document by document, with
//! `Plan::policies()`.

use std::collections::BTreeMap;

use redbridge_core::Plan;
use redbridge_export::{AccountSelection, Export, FileKind, Format, export};
use redbridge_iam::policy::PolicyDocument;

use crate::extract::{self, Labelled};
use crate::{SPECS, plan};

const FORMATS: [Format; 3] = [Format::Terraform, Format::CloudFormation, Format::AwsCli];

/// The policies of an export, read back as the deploying tool would read them.
fn read_back(plan: &Plan, export: &Export, format: Format) -> Vec<Labelled> {
    let partition = plan.spec.region.partition().to_string();
    match format {
        // The Terraform files of one export are one module.
        Format::Terraform => {
            let texts: Vec<&str> = export.account_files().map(|f| f.contents.as_str()).collect();
            extract::terraform(&texts, &partition)
        }
        Format::CloudFormation | Format::AwsCli => export
            .account_files()
            .flat_map(|file| {
                let FileKind::Account { account, .. } = file.kind else { unreachable!("account files only") };
                match format {
                    Format::CloudFormation => extract::cloudformation(&file.contents, account.as_str(), &partition),
                    _ => extract::aws_cli(&file.contents, account.as_str(), &partition),
                }
            })
            .collect(),
    }
}

/// Labels to documents, failing on a label seen twice.
fn by_label(policies: Vec<Labelled>, what: &str) -> BTreeMap<String, PolicyDocument> {
    let mut map = BTreeMap::new();
    for (label, document) in policies {
        assert!(map.insert(label.clone(), document).is_none(), "{what}: `{label}` appears twice");
    }
    map
}

fn assert_same(expected: &BTreeMap<String, PolicyDocument>, actual: &BTreeMap<String, PolicyDocument>, what: &str) {
    let expected_labels: Vec<&String> = expected.keys().collect();
    let actual_labels: Vec<&String> = actual.keys().collect();
    assert_eq!(actual_labels, expected_labels, "{what}: not the plan's set of policies");
    for (label, document) in expected {
        assert_eq!(&actual[label], document, "{what}: `{label}` differs from the plan");
    }
}

#[test]
fn every_format_of_every_account_carries_exactly_the_plans_policies() {
    for name in SPECS {
        let plan = plan(name);
        let expected = by_label(plan.policies(), name);
        for format in FORMATS {
            let what = format!("{name} as {format}");
            let both = export(&plan, format, AccountSelection::Both).expect("exports");
            assert_same(&expected, &by_label(read_back(&plan, &both, format), &what), &format!("{what}, all accounts"));

            // Each account on its own, as separate teams deploy them: together, the whole plan.
            let mut union = Vec::new();
            for account in &plan.accounts {
                let single = export(&plan, format, AccountSelection::Account(account.account)).expect("exports");
                union.extend(read_back(&plan, &single, format));
            }
            assert_same(&expected, &by_label(union, &what), &format!("{what}, account by account"));
        }
    }
}

#[test]
fn one_side_exports_hold_only_that_sides_policies() {
    for name in SPECS {
        let plan = plan(name);
        for format in FORMATS {
            for (selection, account) in
                [(AccountSelection::Redshift, plan.spec.redshift_account), (AccountSelection::S3, plan.spec.s3_account)]
            {
                let exported = export(&plan, format, selection).expect("exports");
                let files: Vec<_> = exported.account_files().collect();
                assert_eq!(files.len(), 1, "{name} {format} {selection:?}: one account file");
                assert!(matches!(files[0].kind, FileKind::Account { account: a, .. } if a == account));
                let expected: Vec<Labelled> = plan
                    .policies()
                    .into_iter()
                    .filter(|(label, _)| {
                        plan.accounts.iter().filter(|a| a.account == account).any(|a| {
                            a.steps.iter().any(|step| step_label_prefix(step).is_some_and(|p| label.starts_with(&p)))
                        })
                    })
                    .collect();
                assert_same(
                    &by_label(expected, name),
                    &by_label(read_back(&plan, &exported, format), name),
                    &format!("{name} as {format}, {selection:?}"),
                );
            }
        }
    }
}

/// The start of the `Plan::policies()` labels a step produces.
fn step_label_prefix(step: &redbridge_core::plan::Step) -> Option<String> {
    use redbridge_core::plan::Step;
    match step {
        Step::CreateRole { role, .. } => Some(format!("{role} trust")),
        Step::PutRolePolicy { role, policy_name, .. } => Some(format!("{role} inline {policy_name}")),
        Step::MergeKeyPolicy { key, .. } => Some(format!("{key} key policy statements")),
        Step::AttachRole { .. } => None,
    }
}

#[test]
fn terraform_never_manages_a_key_policy_or_a_namespace() {
    let allowed = ["aws_iam_role", "aws_iam_role_policy", "aws_redshift_cluster_iam_roles"];
    for name in SPECS {
        let exported = export(&plan(name), Format::Terraform, AccountSelection::Both).expect("exports");
        for file in exported.account_files() {
            let body = hcl::parse(&file.contents).expect("HCL");
            for block in body.blocks().filter(|b| b.identifier() == "resource" || b.identifier() == "data") {
                let kind = block.labels()[0].as_str();
                assert!(allowed.contains(&kind), "{name}: `{}` has a `{kind}` block", file.name);
            }
        }
    }
}

#[test]
fn an_account_outside_the_plan_is_refused_with_the_plans_accounts() {
    let plan = plan("provisioned-copy");
    let stranger = redbridge_iam::AccountId::parse("999999999999").expect("an id");
    let err = export(&plan, Format::Terraform, AccountSelection::Account(stranger)).expect_err("not in the plan");
    assert_eq!(
        err.to_string(),
        "account `999999999999` has nothing to deploy in this plan; its accounts are `111111111111`, `222222222222`"
    );
}
