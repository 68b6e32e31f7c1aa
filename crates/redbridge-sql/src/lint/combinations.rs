//! The documented rules about combining parameters ("can't be used with", "requires", "always
//! use with"), read from the keyword table's [`crate::options::Combination`] rows: which
//! parameters a statement has, under the names those rules use, and what each broken rule
//! reports.

use std::collections::HashSet;

use super::Linter;
use crate::ast::{CopyOption, CopyStatement, UnloadOption, UnloadStatement, credentials_has_root_key};
use crate::codes;
use crate::diagnostic::Span;
use crate::options::{self, CREDENTIALS_WITH_ROOT_KEY, CombinationRule, book};
use crate::parser::{AuthKeyword, StatementKind};

/// The parameters of a statement, each once, under the names the combination rules use, with
/// the span of its first occurrence.
#[derive(Debug, Default)]
pub(super) struct Present {
    names: Vec<(&'static str, Span)>,
}

impl Present {
    fn add(&mut self, name: &'static str, span: Span) {
        if !self.names.iter().any(|(n, _)| *n == name) {
            self.names.push((name, span));
        }
    }

    fn span(&self, name: &str) -> Option<Span> {
        self.names.iter().find(|(n, _)| *n == name).map(|(_, span)| *span)
    }
}

impl Linter<'_> {
    /// The parameters of a COPY, authorization included.
    pub(super) fn present_in_copy(&self, copy: &CopyStatement) -> Present {
        let mut present = self.present_authorization();
        for (index, option) in copy.options.iter().enumerate() {
            let keyword = option.keyword();
            let name = match option {
                CopyOption::NullAs(_) => "NULL",
                _ => keyword,
            };
            present.add(name, self.option_span(index));
        }
        present
    }

    /// The parameters of an UNLOAD, authorization included, with `ENCRYPTED AUTO` as a variant.
    pub(super) fn present_in_unload(&self, unload: &UnloadStatement) -> Present {
        let mut present = self.present_authorization();
        for (index, option) in unload.options.iter().enumerate() {
            let span = self.option_span(index);
            let name = match option {
                UnloadOption::NullAs(_) => "NULL",
                UnloadOption::PartitionBy { .. } => "PARTITION",
                UnloadOption::Manifest { .. } => "MANIFEST",
                _ => option.keyword(),
            };
            present.add(name, span);
            if let UnloadOption::Encrypted { auto: true } = option {
                present.add("ENCRYPTED AUTO", span);
            }
        }
        present
    }

    fn present_authorization(&self) -> Present {
        let mut present = Present::default();
        for clause in &self.parsed.auth {
            present.add(clause.keyword.as_str(), clause.span);
            if clause.keyword == AuthKeyword::Credentials && credentials_has_root_key(&clause.value) {
                present.add(CREDENTIALS_WITH_ROOT_KEY, clause.span);
            }
        }
        present
    }

    /// Reports every combination rule of `statement` that the parameters break, on the
    /// parameter the rule is about.
    pub(super) fn combinations(&mut self, statement: StatementKind, present: &Present) {
        let mut reported: HashSet<(&str, &str)> = HashSet::new();
        for (_, combination) in options::combinations(statement) {
            let Some(span) = present.span(combination.subject) else { continue };
            let subject = combination.subject;
            match combination.rule {
                CombinationRule::Excludes(others) => {
                    for other in others.iter().copied().filter(|other| present.span(other).is_some()) {
                        let pair = if subject < other { (subject, other) } else { (other, subject) };
                        if !reported.insert(pair) {
                            continue;
                        }
                        let message = format!("{} cannot be combined with {}", name(subject), name(other));
                        self.error(combination.code, span, message, excludes_help(combination.code, subject, other));
                    }
                }
                CombinationRule::Requires(any) if !any.iter().any(|other| present.span(other).is_some()) => {
                    let (message, help) = requires_text(combination.code, subject, any);
                    self.error(combination.code, span, message, help);
                }
                CombinationRule::Recommends(any) if !any.iter().any(|other| present.span(other).is_some()) => {
                    let wanted = any.iter().map(|other| name(other)).collect::<Vec<_>>().join(" or ");
                    self.warning(
                        combination.code,
                        span,
                        format!("{} without {wanted}", name(subject)),
                        format!("add {wanted}; the COPY documentation says to always use them together"),
                    );
                }
                CombinationRule::Requires(_) | CombinationRule::Recommends(_) => {}
            }
        }
    }
}

impl Linter<'_> {
    /// Reports client-side encryption once per statement, on its first parameter: a parameter
    /// whose row cites the notice that retired it, or a CREDENTIALS string with a root key.
    pub(super) fn client_side_encryption(&mut self, statement: StatementKind, present: &Present) {
        let retired = |name: &str| {
            let notice = [book::COPY_CLIENT_SIDE_RETIRED, book::UNLOAD_CLIENT_SIDE_RETIRED];
            name == CREDENTIALS_WITH_ROOT_KEY
                || options::usage(name, statement).is_some_and(|usage| {
                    usage.group != crate::options::OptionGroup::Authorization
                        && usage.sources.iter().any(|source| notice.contains(source))
                })
        };
        let Some((name, span)) = present.names.iter().filter(|(name, _)| retired(name)).min_by_key(|(_, s)| s.start)
        else {
            return;
        };
        let what =
            if *name == CREDENTIALS_WITH_ROOT_KEY { "`master_symmetric_key`".to_owned() } else { format!("`{name}`") };
        self.error(
            codes::CLIENT_SIDE_ENCRYPTION_RETIRED,
            *span,
            format!(
                "{what} asks for client-side encryption, which COPY and UNLOAD no longer take after April 30, 2026"
            ),
            "use server-side encryption: SSE-S3 or SSE-KMS objects need no parameter in COPY; \
             UNLOAD takes `ENCRYPTED KMS_KEY_ID '<key ARN>'` or `ENCRYPTED AUTO`"
                .into(),
        );
    }
}

/// How a rule's name reads in a message: `` `ENCRYPTED AUTO` ``, or the CREDENTIALS variant.
fn name(parameter: &str) -> String {
    if parameter == CREDENTIALS_WITH_ROOT_KEY {
        "a `CREDENTIALS` string with `master_symmetric_key`".to_owned()
    } else {
        format!("`{parameter}`")
    }
}

fn excludes_help(code: &str, subject: &str, other: &str) -> String {
    match code {
        codes::FIXEDWIDTH_DELIMITER => {
            "fixed-width data has no delimiter: keep `FIXEDWIDTH` or `DELIMITER`, not both".to_owned()
        }
        codes::CLEANPATH_ALLOWOVERWRITE => {
            "keep `CLEANPATH` to delete the old files first, or `ALLOWOVERWRITE` to overwrite them".to_owned()
        }
        codes::KEY_WITH_CREDENTIALS => {
            format!("authorize with `IAM_ROLE` (or the access key parameters) and keep `{subject}`")
        }
        codes::ENCRYPTED_AUTO_CONFLICT => format!(
            "`ENCRYPTED AUTO` uses the bucket's default KMS key: remove {}, or write `ENCRYPTED` without `AUTO`",
            name(other)
        ),
        codes::PARQUET_CLIENT_SIDE => {
            "PARQUET takes only SSE-KMS: write `ENCRYPTED KMS_KEY_ID '<key ARN>'` or `ENCRYPTED AUTO`".to_owned()
        }
        _ => format!("remove {} or {}", name(subject), name(other)),
    }
}

fn requires_text(code: &str, subject: &str, any: &[&str]) -> (String, String) {
    match code {
        codes::KMS_WITHOUT_ENCRYPTED => (
            "`KMS_KEY_ID` without `ENCRYPTED`: Redshift rejects it".to_owned(),
            "add `ENCRYPTED` to the statement".to_owned(),
        ),
        codes::ENCRYPTED_WITHOUT_KEY => (
            "`ENCRYPTED` without the root key: COPY cannot decrypt client-side encrypted files".to_owned(),
            "add `MASTER_SYMMETRIC_KEY '<root key>'`; for SSE-S3 or SSE-KMS objects remove `ENCRYPTED`, \
             COPY reads them as they are"
                .to_owned(),
        ),
        _ => {
            let wanted = any.iter().map(|other| name(other)).collect::<Vec<_>>().join(" or ");
            (format!("{} without {wanted}", name(subject)), format!("add {wanted}, or remove {}", name(subject)))
        }
    }
}
