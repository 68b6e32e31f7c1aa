//! The linter: syntax diagnostics from the parser plus semantic checks, optionally against the spec.

use redbridge_iam::{AccountId, BucketName, Region};

use crate::diagnostic::{Diagnostic, Span};
use crate::parser::{ParsedStatement, StatementKind, parse};
use crate::Statement;

/// What the plan's spec says, for the checks that compare a statement with the intended setup.
/// Every field is optional; a check runs only when its facts are known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintContext {
    /// The account of the cluster or namespace: the first role of the chain lives here.
    pub redshift_account: Option<AccountId>,
    /// The account that owns the bucket: the last role of the chain lives here.
    pub s3_account: Option<AccountId>,
    /// The bucket the statements must use.
    pub bucket: Option<BucketName>,
    /// Key prefixes the statements must stay under (empty: any).
    pub prefixes: Vec<String>,
    /// The region of the cluster or workgroup.
    pub redshift_region: Option<Region>,
    /// The bucket's region, when it is known to differ or is given.
    pub bucket_region: Option<Region>,
    /// The KMS key ARN the bucket is encrypted with, if any.
    pub kms_key: Option<String>,
}

/// One statement's result: what it is, where, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementReport {
    /// COPY, UNLOAD or something else.
    pub kind: StatementKind,
    /// The statement's span.
    pub span: Span,
    /// The tree, when the statement parsed.
    pub statement: Option<Statement>,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and checks every statement in `text`.
pub fn lint(text: &str, context: &LintContext) -> Vec<StatementReport> {
    parse(text).into_iter().map(|parsed| lint_parsed(text, parsed, context)).collect()
}

fn lint_parsed(_text: &str, parsed: ParsedStatement, _context: &LintContext) -> StatementReport {
    let mut diagnostics = parsed.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.code));
    StatementReport { kind: parsed.kind, span: parsed.span, statement: parsed.statement, diagnostics }
}
