//! `--with-operator-policies`: one file per chosen account holding exactly the plan's
//! `operator_policies` of that account, read back as each format's tool reads it; none without it.

use redbridge_core::Plan;
use redbridge_core::operator::{AccountOperatorPolicies, OperatorCommand};
use redbridge_export::{AccountSelection, ExportOptions, FileKind, Format, export, export_with};
use redbridge_iam::AccountId;

use crate::extract;
use crate::{SPECS, plan};

const FORMATS: [Format; 3] = [Format::Terraform, Format::CloudFormation, Format::AwsCli];

fn account_policies(plan: &Plan, account: AccountId) -> &AccountOperatorPolicies {
    let all = &plan.operator_policies;
    [&all.redshift, &all.s3].into_iter().chain(&all.intermediate).find(|p| p.account == account).expect("planned")
}

#[test]
fn each_chosen_account_gets_one_operator_file_with_exactly_the_plans_documents() {
    for name in SPECS {
        let plan = plan(name);
        for format in FORMATS {
            let export =
                export_with(&plan, format, AccountSelection::Both, ExportOptions::with_operator_policies(true))
                    .unwrap();
            let accounts: Vec<AccountId> = export
                .account_files()
                .map(|f| match f.kind {
                    FileKind::Account { account, .. } => account,
                    _ => unreachable!(),
                })
                .collect();
            let operator_files: Vec<_> = export.operator_files().collect();
            assert_eq!(operator_files.len(), accounts.len(), "{name} {format}: one operator file per account");
            for file in operator_files {
                let FileKind::OperatorPolicies { account, .. } = file.kind else { unreachable!() };
                assert!(file.name.starts_with("operator-") && file.name.contains(account.as_str()), "{}", file.name);
                let planned = account_policies(&plan, account);
                let mut read: Vec<_> = extract::operator_policies(format, &file.contents);
                let mut expected: Vec<_> = OperatorCommand::ALL
                    .iter()
                    .map(|&command| (command, planned.policy(command).clone()))
                    .filter(|(_, document)| !document.statements.is_empty())
                    .map(|(command, document)| {
                        let name = read
                            .iter()
                            .map(|(n, _)| n.clone())
                            .find(|n| n.starts_with(&format!("redbridge-operator-{}-", command.as_str())))
                            .unwrap_or_else(|| panic!("{name} {format} {account}: no policy for {}", command.as_str()));
                        assert!(name.len() <= 128, "{name}: over IAM's 128 characters");
                        (name, document)
                    })
                    .collect();
                read.sort_by(|a, b| a.0.cmp(&b.0));
                expected.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(read, expected, "{name} {format} {}: not the plan's operator policies", file.name);
            }
            let readme = export.readme().unwrap();
            assert!(readme.contents.contains("## The operator's policies"), "{name} {format}: README section");
            assert!(readme.contents.contains("redbridge doctor --operator"), "{name} {format}: README names the check");
        }
    }
}

#[test]
fn the_test_policys_userid_variable_survives_every_format_as_a_policy_variable() {
    let plan = plan("provisioned-copy");
    let test = plan.operator_policies.redshift.test.to_value().to_string();
    assert!(test.contains("${aws:userid}"), "the planned test policy limits statements to their owner: {test}");
    for format in FORMATS {
        let export =
            export_with(&plan, format, AccountSelection::Redshift, ExportOptions::with_operator_policies(true))
                .unwrap();
        let file = export.operator_files().next().expect("the Redshift account's operator file");
        let read = extract::operator_policies(format, &file.contents);
        assert!(
            read.iter().any(|(_, document)| document.to_value().to_string().contains("${aws:userid}")),
            "{format}: `${{aws:userid}}` was lost or expanded"
        );
    }
}

#[test]
fn without_the_option_no_operator_file_is_written_and_the_readme_does_not_mention_them() {
    for format in FORMATS {
        let export = export(&plan("provisioned-copy"), format, AccountSelection::Both).unwrap();
        assert_eq!(export.operator_files().count(), 0, "{format}");
        assert!(!export.readme().unwrap().contents.contains("operator's policies"), "{format}");
    }
}

#[test]
fn one_account_setups_get_one_operator_file_and_a_selection_only_its_own() {
    let plan = plan("same-account");
    for format in FORMATS {
        let export =
            export_with(&plan, format, AccountSelection::Both, ExportOptions::with_operator_policies(true)).unwrap();
        assert_eq!(export.operator_files().count(), 1, "{format}");
    }
    let plan = crate::plan("provisioned-copy");
    let export =
        export_with(&plan, Format::Terraform, AccountSelection::S3, ExportOptions::with_operator_policies(true))
            .unwrap();
    let names: Vec<&str> = export.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["s3-222222222222.tf", "operator-s3-222222222222.tf", "README.md"]);
}
