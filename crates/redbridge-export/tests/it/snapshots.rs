//! Snapshots of every format for every snapshot spec: all accounts at once, and each side of the
//! three-role chain on its own (where the other accounts' roles become inputs).

use redbridge_export::{AccountSelection, Export, Format, export};

use crate::{SPECS, plan};

fn joined(export: &Export) -> String {
    let mut out = String::new();
    for file in &export.files {
        out.push_str(&format!("==> {} <==\n{}\n", file.name, file.contents));
    }
    out
}

#[test]
fn every_format_for_every_spec() {
    for name in SPECS {
        let plan = plan(name);
        for format in [Format::Terraform, Format::CloudFormation, Format::AwsCli] {
            let exported = export(&plan, format, AccountSelection::Both).expect("exports");
            insta::assert_snapshot!(format!("{name}-{format}"), joined(&exported));
        }
    }
}

#[test]
fn one_side_of_a_three_role_chain() {
    let plan = plan("three-role-chain");
    for format in [Format::Terraform, Format::CloudFormation, Format::AwsCli] {
        for (side, selection) in [("redshift", AccountSelection::Redshift), ("s3", AccountSelection::S3)] {
            let exported = export(&plan, format, selection).expect("exports");
            insta::assert_snapshot!(format!("three-role-chain-{format}-{side}-only"), joined(&exported));
        }
    }
}
