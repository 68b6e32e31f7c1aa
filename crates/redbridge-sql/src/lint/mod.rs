//! The linter: syntax diagnostics from the parser plus semantic checks, optionally against the
//! facts of the plan's spec ([`LintContext`]).
//!
//! Every check returns data (a [`Diagnostic`] with a stable code from [`crate::codes`], a span
//! and a help text saying what to write instead); nothing here fails or panics on bad input.
//!
//! This module holds the entry points and the checks COPY and UNLOAD share (location, region,
//! repeated parameters); `authorization.rs` checks the credentials and the role chain,
//! `copy.rs` and `unload.rs` the parameters of each statement.

mod authorization;
mod combinations;
mod copy;
mod unload;

#[cfg(test)]
pub(crate) use copy::COLUMNAR_COPY_PARAMETERS;

use std::collections::HashMap;

use redbridge_iam::{AccountId, BucketName, Region, S3Uri};

use crate::ast::Statement;
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::source_offset_in_string;
use crate::parser::{ParsedStatement, StatementKind};

/// What the plan's spec says, for the checks that compare a statement with the intended setup.
/// Every field is optional; a check runs only when the facts it needs are known.
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
    /// The bucket's region; when absent it is taken to be the Redshift region.
    pub bucket_region: Option<Region>,
    /// The KMS key ARN the bucket's objects are encrypted with, if any.
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

impl StatementReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Parses and checks every statement in `text` (plain SQL; for templates see
/// [`crate::lint_template`], which also names placeholders left from examples).
pub fn lint(text: &str, context: &LintContext) -> Vec<StatementReport> {
    crate::template::lint_template(text, context, crate::template::TemplateMode::None)
}

/// Checks one statement that [`crate::parse`] produced.
pub fn lint_parsed(text: &str, parsed: ParsedStatement, context: &LintContext) -> StatementReport {
    let mut linter = Linter { text, parsed: &parsed, context, out: parsed.diagnostics.clone() };
    match &parsed.statement {
        Some(Statement::Copy(copy)) => linter.copy(copy),
        Some(Statement::Unload(unload)) => linter.unload(unload),
        None => {}
    }
    let mut diagnostics = linter.out;
    diagnostics.sort_by_key(|d| (d.span.start, d.code));
    diagnostics.dedup();
    StatementReport { kind: parsed.kind, span: parsed.span, statement: parsed.statement, diagnostics }
}

struct Linter<'a> {
    text: &'a str,
    parsed: &'a ParsedStatement,
    context: &'a LintContext,
    out: Vec<Diagnostic>,
}

impl Linter<'_> {
    fn push(&mut self, code: &'static str, severity: Severity, span: Span, message: String, help: String) {
        self.out.push(Diagnostic { code, severity, span, message, help }.with_controls_escaped());
    }

    fn error(&mut self, code: &'static str, span: Span, message: String, help: String) {
        self.push(code, Severity::Error, span, message, help);
    }

    fn warning(&mut self, code: &'static str, span: Span, message: String, help: String) {
        self.push(code, Severity::Warning, span, message, help);
    }

    /// The span of the statement keyword (`COPY`, `UNLOAD`).
    fn keyword_span(&self) -> Span {
        let len = match self.parsed.kind {
            StatementKind::Copy => 4,
            _ => 6,
        };
        Span::new(self.parsed.span.start, (self.parsed.span.start + len).min(self.text.len()))
    }

    /// The span of the characters `from..to` (counted in the unescaped value) of the string
    /// literal at `literal`.
    fn value_span(&self, literal: Span, from: usize, to: usize) -> Span {
        Span::new(
            source_offset_in_string(self.text, literal.start, from),
            source_offset_in_string(self.text, literal.start, to),
        )
    }

    fn option_span(&self, index: usize) -> Span {
        self.parsed.option_spans.get(index).copied().unwrap_or(self.parsed.span)
    }

    /// Checks the FROM or TO location and returns it when it is a valid URI.
    fn location(&mut self, location: &str) -> Option<S3Uri> {
        let literal = self.parsed.location_span.unwrap_or(self.parsed.span);
        // An access point alias is not a bucket name (S3 reserves the suffix for aliases): COPY
        // reads through one, UNLOAD cannot write through one.
        let alias = location.strip_prefix("s3://").and_then(|rest| rest.split('/').next()).filter(|bucket| {
            bucket.ends_with("-s3alias")
                && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
        if let Some(alias) = alias {
            if self.parsed.kind == StatementKind::Unload {
                self.error(
                    codes::UNLOAD_ACCESS_POINT_ALIAS,
                    literal,
                    format!("`{alias}` is an S3 access point alias; UNLOAD cannot write through one"),
                    "unload to the bucket's own name".into(),
                );
            }
            return None;
        }
        let uri = match S3Uri::parse(location) {
            Ok(uri) => uri,
            Err(error) => {
                let span = match error.position() {
                    Some(p) if p > 1 => self.value_span(literal, p - 1, p),
                    _ => literal,
                };
                self.error(
                    codes::MALFORMED_S3_URI,
                    span,
                    format!("`{location}` is not a valid S3 location: {}", error.reason()),
                    "write `s3://<bucket>/<prefix>`".into(),
                );
                return None;
            }
        };
        if let Some(bucket) = &self.context.bucket
            && uri.bucket() != bucket
        {
            self.error(
                codes::SPEC_BUCKET,
                literal,
                format!("the bucket `{}` is not the spec's bucket `{bucket}`", uri.bucket()),
                format!("use `s3://{bucket}/…`, or add this bucket to the spec and re-run `redbridge plan`"),
            );
        } else if !self.context.prefixes.is_empty()
            && !self
                .context
                .prefixes
                .iter()
                .any(|p| uri.key().starts_with(p.as_str()) || uri.key().starts_with(p.trim_start_matches('/')))
        {
            let prefixes = self.context.prefixes.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
            self.warning(
                codes::SPEC_PREFIX,
                literal,
                format!("the key `{}` is outside the spec's prefixes", uri.key()),
                format!("the bucket role is scoped to {prefixes}; use a key under one of them"),
            );
        }
        Some(uri)
    }

    /// Checks a REGION value and the spec's region facts.
    fn region(&mut self, region: Option<(&str, Span)>, columnar_copy: bool) {
        if let Some((value, span)) = region
            && let Err(error) = Region::parse(value)
        {
            self.error(
                codes::INVALID_REGION,
                span,
                format!("`{value}` is not a region: {}", error.reason()),
                "write the bucket's region code, such as `REGION 'us-west-2'`".into(),
            );
            return;
        }
        let Some(bucket_region) = &self.context.bucket_region else { return };
        let cross_region = self.context.redshift_region.as_ref().is_some_and(|r| r != bucket_region);
        match region {
            Some((value, span)) if value != bucket_region.as_str() => self.error(
                codes::SPEC_REGION_MISMATCH,
                span,
                format!("`REGION '{value}'` does not match the bucket's region `{bucket_region}`"),
                format!("write `REGION '{bucket_region}'`"),
            ),
            None if cross_region && columnar_copy => self.error(
                codes::SPEC_COLUMNAR_CROSS_REGION,
                self.keyword_span(),
                format!("`COPY` from `PARQUET` or `ORC` cannot read a bucket in another region (`{bucket_region}`)"),
                "copy the files to a bucket in the cluster's region, or load a row format (CSV, JSON) with `REGION`"
                    .into(),
            ),
            None if cross_region => self.error(
                codes::SPEC_REGION_MISSING,
                self.parsed.location_span.unwrap_or(self.parsed.span),
                format!("the bucket is in `{bucket_region}`, another region than the cluster, and `REGION` is missing"),
                format!("add `REGION '{bucket_region}'`"),
            ),
            _ => {}
        }
    }

    /// Reports the options whose slot (option, format or codec) was already taken: one
    /// diagnostic per repeated keyword, spanning its first to its last repeat and saying how
    /// often it was given, so a statement with thousands of repeats gets one diagnostic each.
    fn duplicates(&mut self, slots: &[(&'static str, &'static str)]) {
        let mut taken: HashMap<&'static str, &'static str> = HashMap::new();
        let mut repeats = Repeats::default();
        for (index, (slot, keyword)) in slots.iter().enumerate() {
            if taken.contains_key(slot) {
                repeats.add((*slot, *keyword), index);
            } else {
                taken.insert(slot, keyword);
            }
        }
        for ((slot, keyword), repeat) in repeats.into_groups() {
            let first = taken.get(slot).copied().unwrap_or(keyword);
            let again = if repeat.count > 1 { format!(" (`{keyword}` {} times)", repeat.count) } else { String::new() };
            let (message, help) = match slot {
                // The same format or codec again is a repeat like any other.
                "format" | "compression" if keyword == first && repeat.count == 1 => {
                    (format!("`{keyword}` is given twice"), "remove the repeated parameter".to_owned())
                }
                "format" | "compression" if keyword == first => (
                    format!("`{keyword}` is given {} times", repeat.count + 1),
                    format!("remove the {} repeated parameters", repeat.count),
                ),
                "format" => (
                    format!("two formats: `{first}` and `{keyword}`{again}"),
                    "keep the one format the files are in".to_owned(),
                ),
                "compression" => (
                    format!("two compression codecs: `{first}` and `{keyword}`{again}"),
                    "keep the one codec the files use".to_owned(),
                ),
                _ if repeat.count == 1 => {
                    (format!("`{keyword}` is given twice"), "remove the repeated parameter".to_owned())
                }
                _ => (
                    format!("`{keyword}` is given {} times", repeat.count + 1),
                    format!("remove the {} repeated parameters", repeat.count),
                ),
            };
            let span = self.option_span(repeat.first).to(self.option_span(repeat.last));
            self.error(codes::DUPLICATE_OPTION, span, message, help);
        }
    }

    /// Whether each option is the first with its keyword. The checks of a parameter judge its
    /// first occurrence only: a repeat is reported once, as repeated, by [`Self::duplicates`].
    fn first_of_keyword(keywords: impl Iterator<Item = &'static str>) -> Vec<bool> {
        let mut seen = std::collections::HashSet::new();
        keywords.map(|keyword| seen.insert(keyword)).collect()
    }

    /// Checks a value the documentation calls a single ASCII character: one character, an
    /// escape such as `\t`, or an octal escape `\ddd`.
    fn single_character(&mut self, keyword: &str, value: &str, index: usize) {
        let octal = value.len() == 4 && value.starts_with('\\') && value[1..].chars().all(|c| ('0'..='7').contains(&c));
        let escape = value.len() == 2 && value.starts_with('\\');
        let single = value.chars().count() == 1;
        if !value.is_ascii() || !(single || escape || octal) {
            self.conflict(
                codes::INVALID_VALUE,
                index,
                format!("`{keyword}` takes a single ASCII character, not `{value}`"),
                "give one character, such as `'|'`, `','` or `'\\t'`".into(),
            );
        }
    }

    fn conflict(&mut self, code: &'static str, index: usize, message: String, help: String) {
        self.error(code, self.option_span(index), message, help);
    }
}

/// Repeated things grouped by key, in the order of their first repeat: where the first and the
/// last repeat are and how many there are.
#[derive(Debug)]
struct Repeats<K> {
    groups: Vec<(K, Repeat)>,
    by_key: HashMap<K, usize>,
}

impl<K> Default for Repeats<K> {
    fn default() -> Self {
        Self { groups: Vec::new(), by_key: HashMap::new() }
    }
}

/// One key's repeats.
#[derive(Debug, Clone, Copy)]
struct Repeat {
    first: usize,
    last: usize,
    count: usize,
}

impl<K: std::hash::Hash + Eq + Clone> Repeats<K> {
    fn add(&mut self, key: K, index: usize) {
        match self.by_key.get(&key) {
            Some(&group) => {
                let repeat = &mut self.groups[group].1;
                repeat.last = index;
                repeat.count += 1;
            }
            None => {
                self.by_key.insert(key.clone(), self.groups.len());
                self.groups.push((key, Repeat { first: index, last: index, count: 1 }));
            }
        }
    }

    fn into_groups(self) -> Vec<(K, Repeat)> {
        self.groups
    }
}
