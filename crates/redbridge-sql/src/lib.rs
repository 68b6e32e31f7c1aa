//! Redshift COPY and UNLOAD as data: a syntax tree with a builder, a parser with positions, and
//! a linter that catches the mistakes people make when they copy these statements from articles.
//! Pure: no I/O, no AWS SDK.
//!
//! # What we parse ourselves, and why
//!
//! COPY and UNLOAD are parsed by the hand-written lexer and
//! recursive-descent parser in this crate, not by `sqlparser`:
//!
//! - the linter needs the byte span of every clause, every option and every element *inside*
//!   the IAM_ROLE string (to point a caret at the space in `'arn1, arn2'`), and it must keep
//!   going after an error so that one mistake does not hide the next; `sqlparser` gives neither;
//! - `sqlparser` 0.64 fails on `KMS_KEY_ID`, so it cannot read the article's own UNLOAD example,
//!   and its `Display` of UNLOAD does not re-escape quotes, so its output does not parse back;
//! - an unterminated string must be reported with a fix (where the `'` belongs), which needs a
//!   lexer that knows which value was being written.
//!
//! String literals follow PostgreSQL 8 escape-string rules, which Redshift uses: `''` and `\'`
//! are a quote, `\\` a backslash. The tree stores values unescaped; the builder escapes them.
//!
//! What this crate does *not* parse is the query inside `UNLOAD ('…')`: that is general SQL.
//! The linter hands it (unescaped) to `sqlparser`'s Redshift dialect and reports a warning when
//! it does not parse; a warning, because `sqlparser` does not know every Redshift function.
//!
//! # Layers
//!
//! - [`ast`]: [`CopyStatement`], [`UnloadStatement`] and their parts; `Display` renders
//!   canonical SQL (no trailing `;`), and [`CopyStatement::new`] / [`UnloadStatement::new`] build
//!   the statements `redbridge plan` prints.
//! - [`options`]: the one table of parameter keywords ([`options::OPTIONS`]): which statement
//!   takes each, its value, its group and the formats it excludes; the parser and the linter
//!   read it.
//! - [`parse`] / [`parse_statement`]: text to [`ParsedStatement`]s with spans and syntax errors.
//! - [`lint`](mod@lint): [`Diagnostic`]s with stable codes ([`codes`]), optionally against a
//!   [`LintContext`] derived from the plan's spec.
//! - [`template`]: [`lint_template`] lints Jinja and Python templates, each placeholder an
//!   opaque value with a note naming the checks it hid; every mode names the placeholders left
//!   from copied examples.
//!
//! Each of `ast`, `parser` and `lint` has a `copy` and an `unload` submodule for what belongs to
//! one statement, and keeps what both share in its `mod.rs` (and `authorization.rs`).
//!
//! # Lint a statement
//!
//! A space after the comma of a role chain is the classic mistake: Redshift reads it as part of
//! the next ARN. The diagnostic's span points at the space, and its help says what to write.
//!
//! ```
//! use redbridge_sql::{LintContext, Severity, StatementKind, codes, lint};
//!
//! let sql = "COPY sales FROM 's3://acme-imports/sales/' \
//!     IAM_ROLE 'arn:aws:iam::111111111111:role/RoleA, arn:aws:iam::222222222222:role/RoleB' CSV;";
//! let reports = lint(sql, &LintContext::default());
//! assert_eq!(reports.len(), 1);
//! assert_eq!(reports[0].kind, StatementKind::Copy);
//! assert!(reports[0].has_errors());
//! let space = &reports[0].diagnostics[0];
//! assert_eq!((space.code, space.severity), (codes::CHAIN_WHITESPACE, Severity::Error));
//! assert_eq!(&sql[space.span.start..space.span.end], " ");
//!
//! // Against the plan's facts, the linter also checks the accounts, bucket and region.
//! let context = LintContext { bucket: Some("acme-exports".parse().unwrap()), ..LintContext::default() };
//! let fixed = sql.replace(", ", ",");
//! let codes: Vec<&str> = lint(&fixed, &context)[0].diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, [codes::SPEC_BUCKET]);
//! ```

#![deny(missing_docs)]

pub mod ast;
pub mod codes;
mod diagnostic;
mod keywords;
mod lexer;
pub mod lint;
pub mod options;
mod parser;
pub mod template;

pub use ast::{
    Authorization, CompUpdate, Compression, CopyFormat, CopyOption, CopyStatement, Encoding, IamRoleSpec, Ident,
    JsonSource, Lit, Simplify, Size, SizeUnit, Statement, TableName, UnloadFormat, UnloadOption, UnloadStatement,
};
pub use diagnostic::{Diagnostic, Excerpt, LineIndex, Position, Severity, Span};
pub use lint::{LintContext, StatementReport, lint};
pub use parser::{AuthClause, AuthKeyword, ParsedStatement, StatementKind, parse, parse_statement};
pub use template::{TemplateMode, lint_template};

/// Why a piece of SQL given to a constructor could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    /// The text does not follow the grammar.
    #[error("{message} at byte {offset}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// The 0-based byte offset.
        offset: usize,
    },
}
