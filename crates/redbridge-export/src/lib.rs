//! Renders a [`Plan`] as the infrastructure code teams already use: Terraform, CloudFormation and
//! AWS CLI scripts, one file per account, plus a README for the team on the other side.
//!
//! Rendering only: every output is a `String`; writing files is the caller's business. The policy
//! documents in every output are exactly the plan's (the crate's tests extract them back and
//! compare). Two things are never emitted as resources because they would overwrite what others
//! own: a whole KMS key policy, and a serverless namespace's role list. Both come as documented
//! snippets instead.
//!
//! # Export a plan
//!
//! ```
//! use redbridge_core::{Plan, Spec};
//! use redbridge_export::{AccountSelection, FileKind, Format, export};
//!
//! let spec = Spec::from_toml(include_str!("../../../examples/provisioned-copy.toml")).unwrap();
//! let plan = Plan::new(&spec).unwrap();
//! let files = export(&plan, Format::Terraform, AccountSelection::Both).unwrap();
//! let names: Vec<&str> = files.files.iter().map(|f| f.name.as_str()).collect();
//! assert_eq!(names, ["redshift-111111111111.tf", "s3-222222222222.tf", "README.md"]);
//! let bucket_side = files.account_files().nth(1).unwrap();
//! assert!(matches!(bucket_side.kind, FileKind::Account { .. }));
//! assert!(bucket_side.contents.contains("resource \"aws_iam_role\""));
//! ```

#![deny(missing_docs)]

mod aws_cli;
mod cloudformation;
mod model;
mod operator;
mod readme;
mod terraform;
mod text;

use std::fmt;

use redbridge_core::Plan;
use redbridge_iam::AccountId;

pub use model::AccountKind;

/// The infrastructure-code form to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Terraform HCL with one aliased `aws` provider per account.
    Terraform,
    /// One CloudFormation template (JSON) per account.
    CloudFormation,
    /// One bash script per account that calls the AWS CLI and is safe to run twice.
    AwsCli,
}

impl Format {
    /// The name users type: `terraform`, `cloudformation` or `aws-cli`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Terraform => "terraform",
            Self::CloudFormation => "cloudformation",
            Self::AwsCli => "aws-cli",
        }
    }

    /// The file name ending of an account file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Terraform => "tf",
            Self::CloudFormation => "template.json",
            Self::AwsCli => "sh",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which accounts to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountSelection {
    /// The Redshift account only.
    Redshift,
    /// The bucket account only.
    S3,
    /// Every account of the plan, intermediate ones included.
    Both,
    /// One account by id (for an intermediate hop's account).
    Account(AccountId),
}

impl AccountSelection {
    /// Parses `redshift`, `s3`, `both` or a 12-digit account id.
    pub fn parse(input: &str) -> Result<Self, String> {
        match input {
            "redshift" => Ok(Self::Redshift),
            "s3" => Ok(Self::S3),
            "both" => Ok(Self::Both),
            other => AccountId::parse(other).map(Self::Account).map_err(|_| {
                format!("`{other}` is not an account choice; use redshift, s3, both or a 12-digit account id")
            }),
        }
    }

    /// Whether `account` of the plan of `spec` is chosen.
    pub fn includes(self, spec: &redbridge_core::Spec, account: AccountId) -> bool {
        match self {
            Self::Both => true,
            Self::Redshift => account == spec.redshift_account,
            Self::S3 => account == spec.s3_account,
            Self::Account(chosen) => account == chosen,
        }
    }
}

/// What a rendered file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The resources of one account.
    Account {
        /// The account.
        account: AccountId,
        /// Its part in the setup.
        kind: AccountKind,
    },
    /// The managed policies the operator running redbridge needs in one account
    /// (only with [`ExportOptions::with_operator_policies`]).
    OperatorPolicies {
        /// The account.
        account: AccountId,
        /// Its part in the setup.
        kind: AccountKind,
    },
    /// The README: deployment order, what each team deploys and sends back.
    Readme,
}

/// What an export includes besides the chain's resources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportOptions {
    /// Also render, per account, the managed policies the person running `redbridge apply`,
    /// `doctor` and `test` needs there (the plan's `operator_policies`), one file each.
    pub with_operator_policies: bool,
}

impl ExportOptions {
    /// Options with the operator's policies included or not.
    pub fn with_operator_policies(include: bool) -> Self {
        Self { with_operator_policies: include }
    }
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// The file name, without a directory (`redshift-111111111111.tf`, `README.md`).
    pub name: String,
    /// What it holds.
    pub kind: FileKind,
    /// The text.
    pub contents: String,
}

/// Every file of one export: the account files in deployment order, then the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The files.
    pub files: Vec<ExportFile>,
}

impl Export {
    /// The account files, without the README.
    pub fn account_files(&self) -> impl Iterator<Item = &ExportFile> {
        self.files.iter().filter(|f| matches!(f.kind, FileKind::Account { .. }))
    }

    /// The operator-policy files (empty unless asked for).
    pub fn operator_files(&self) -> impl Iterator<Item = &ExportFile> {
        self.files.iter().filter(|f| matches!(f.kind, FileKind::OperatorPolicies { .. }))
    }

    /// The README.
    pub fn readme(&self) -> Option<&ExportFile> {
        self.files.iter().find(|f| f.kind == FileKind::Readme)
    }
}

/// Why a plan cannot be exported as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// `--account` named an account the plan does not touch.
    #[error("account `{account}` has nothing to deploy in this plan; its accounts are {}", list(.accounts))]
    AccountNotInPlan {
        /// The account asked for.
        account: AccountId,
        /// The plan's accounts.
        accounts: Vec<AccountId>,
    },
}

fn list(accounts: &[AccountId]) -> String {
    accounts.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
}

/// Renders the accounts of `plan` chosen by `selection` in `format`, plus the README.
pub fn export(plan: &Plan, format: Format, selection: AccountSelection) -> Result<Export, ExportError> {
    export_with(plan, format, selection, ExportOptions::default())
}

/// [`export`] with options: with [`ExportOptions::with_operator_policies`], each chosen account's
/// file is followed by its operator-policy file (`operator-<side>-<account>.<extension>`).
pub fn export_with(
    plan: &Plan,
    format: Format,
    selection: AccountSelection,
    options: ExportOptions,
) -> Result<Export, ExportError> {
    let bundle = model::Bundle::new(plan, format, selection)?;
    let mut files = Vec::new();
    let mut operator_files = Vec::new();
    for (index, part) in bundle.selected().enumerate() {
        let contents = match format {
            Format::Terraform => terraform::render(&bundle, part, index == 0),
            Format::CloudFormation => cloudformation::render(&bundle, part),
            Format::AwsCli => aws_cli::render(&bundle, part),
        };
        files.push(ExportFile {
            name: bundle.file_name(part),
            kind: FileKind::Account { account: part.account, kind: part.kind },
            contents,
        });
        if options.with_operator_policies
            && let Some(contents) = operator::render(&bundle, part)
        {
            let name = operator::file_name(part, format);
            operator_files.push((name.clone(), operator::policies(&bundle, part)));
            files.push(ExportFile {
                name,
                kind: FileKind::OperatorPolicies { account: part.account, kind: part.kind },
                contents,
            });
        }
    }
    let readme = readme::render(&bundle, &operator_files);
    files.push(ExportFile { name: "README.md".to_owned(), kind: FileKind::Readme, contents: readme });
    Ok(Export { files })
}
