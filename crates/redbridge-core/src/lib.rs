//! The cross-account setup as pure data: the user's intent ([`spec`]), the role chain
//! ([`chain`]) and the plan derived from them ([`plan`]). No I/O, no AWS SDK, no async runtime.
//! Beside them: what `doctor` concludes from a [`doctor::Snapshot`] of both accounts
//! ([`doctor`]), the changes `apply` and `destroy` make ([`converge`]), IAM's size limits
//! ([`iam_limits`]), the statements to run ([`statements`]) and `test`'s round trip
//! ([`round_trip`]), and any of it drawn as DOT, Mermaid or HTML ([`graph`]). Reading AWS is `redbridge-aws`'s business; this crate only judges.
//!
//! # Plan from a spec
//!
//! A spec file ([`Spec::from_toml`]; [`RawSpec`] in code) becomes a [`Plan`]: the role chain,
//! every step per account with its policy documents, and the COPY or UNLOAD to run.
//!
//! ```
//! use redbridge_core::{Plan, Spec};
//! use redbridge_core::plan::StatementKind;
//!
//! let spec = Spec::from_toml(
//!     r#"
//!     redshift_account = "111111111111"
//!     s3_account = "222222222222"
//!     bucket = "acme-imports"
//!     access = "copy"
//!     cluster = "analytics"
//!     region = "eu-west-1"
//!     "#,
//! )
//! .unwrap();
//! let plan = Plan::new(&spec).unwrap();
//! // One role in each account: Redshift assumes the first, the first assumes the second.
//! let roles: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
//! assert_eq!(roles, [
//!     "arn:aws:iam::111111111111:role/redbridge-analytics",
//!     "arn:aws:iam::222222222222:role/redbridge-acme-imports",
//! ]);
//! let copy = &plan.statements[0];
//! assert_eq!(copy.kind, StatementKind::Copy);
//! assert!(copy.sql.contains(&format!("IAM_ROLE '{}'", roles.join(","))));
//!
//! // A spec error says where: line and column of the value.
//! let error = Spec::from_toml("redshift_account = \"1111\"").unwrap_err();
//! assert_eq!(error.at().line, 1);
//! ```
//!
//! # Analyze a snapshot
//!
//! `doctor` judges every hop of the chain against what both accounts hold: a
//! [`doctor::Snapshot`] (the JSON `redbridge doctor --save` writes, or what
//! `redbridge-aws` reads live) goes into [`doctor::analyze`], which returns the verdict, a report
//! per hop and the findings with their fixes.
//!
//! ```
//! use redbridge_core::doctor::{FindingCode, Snapshot, Verdict, analyze};
//! use redbridge_core::{Plan, Spec};
//!
//! let spec = Spec::from_toml(include_str!("../../../examples/serverless-unload-kms.toml")).unwrap();
//! let plan = Plan::new(&spec).unwrap();
//! let snapshot = Snapshot::from_json(include_str!("../../../examples/serverless-broken.snapshot.json")).unwrap();
//! let report = analyze(&plan, &snapshot);
//! assert_eq!(report.verdict, Verdict::Broken);
//! assert_eq!(report.verdict.exit_code(), 1);
//! // The first role's trust lacks the serverless service; the bucket role trusts someone else.
//! assert_eq!(report.codes(), [FindingCode::ServerlessServiceNotTrusted, FindingCode::PreviousRoleNotTrusted]);
//! ```

#![deny(missing_docs)]

pub mod audit;
pub mod chain;
pub mod converge;
pub mod doctor;
pub mod graph;
pub mod iam_limits;
pub mod input;
pub mod operator;
pub mod plan;
pub mod round_trip;
pub mod spec;
pub mod statements;

pub use chain::{ChainError, RoleChain};
pub use plan::{Plan, PlanError};
pub use spec::{Access, DataFormat, RawSpec, Spec, SpecError, SpecFileError, Target};
