//! The linter: syntax diagnostics from the parser plus semantic checks, optionally against the
//! facts of the plan's spec ([`LintContext`]).
//!
//! Every check returns data (a [`Diagnostic`] with a stable code from [`crate::codes`], a span
//! and a help text saying what to write instead); nothing here fails or panics on bad input.

use std::collections::HashMap;

use redbridge_iam::{AccountId, BucketName, KmsKeyRef, Region, RoleArn, S3Uri};

use crate::ast::{
    Authorization, CopyFormat, CopyOption, CopyStatement, IamRoleSpec, Statement, UnloadFormat, UnloadOption,
    UnloadStatement, credentials_roles,
};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::source_offset_in_string;
use crate::parser::{AuthClause, AuthKeyword, ParsedStatement, StatementKind, parse};

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

/// Parses and checks every statement in `text`.
pub fn lint(text: &str, context: &LintContext) -> Vec<StatementReport> {
    parse(text).into_iter().map(|parsed| lint_parsed(text, parsed, context)).collect()
}

/// Checks one statement that [`parse`] produced.
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

/// The options that COPY accepts together with PARQUET or ORC, besides the format itself and
/// authorization (developer guide, "COPY from columnar data formats").
const COLUMNAR_COPY_OPTIONS: &[&str] = &["ACCEPTINVCHARS", "FILLRECORD", "STATUPDATE", "MANIFEST", "EXPLICIT_IDS"];

impl Linter<'_> {
    fn push(&mut self, code: &'static str, severity: Severity, span: Span, message: String, help: String) {
        self.out.push(Diagnostic { code, severity, span, message, help });
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

    fn authorization(&mut self, authorization: Option<&Authorization>) {
        let clauses = &self.parsed.auth;
        // A clause that failed to parse has been reported already.
        let syntax_errors = self.parsed.diagnostics.iter().any(|d| d.severity == Severity::Error);
        if clauses.is_empty() && !syntax_errors {
            let example = self.chain_example();
            self.error(
                codes::MISSING_AUTHORIZATION,
                self.keyword_span(),
                "no authorization: the statement has no `IAM_ROLE`, `CREDENTIALS` or access keys".into(),
                format!("add `IAM_ROLE '{example}'` after the location"),
            );
            return;
        }
        if clauses.is_empty() {
            return;
        }
        let mut seen: HashMap<AuthKeyword, &AuthClause> = HashMap::new();
        for clause in clauses {
            if seen.contains_key(&clause.keyword) {
                self.error(
                    codes::DUPLICATE_OPTION,
                    clause.span,
                    format!("`{}` is given twice", clause.keyword.as_str()),
                    "keep one; Redshift rejects a repeated parameter".into(),
                );
            }
            seen.entry(clause.keyword).or_insert(clause);
        }
        let iam_role = seen.get(&AuthKeyword::IamRole).copied();
        let credentials = seen.get(&AuthKeyword::Credentials).copied();
        let keys: Vec<&AuthClause> = clauses
            .iter()
            .filter(|c| {
                matches!(c.keyword, AuthKeyword::AccessKeyId | AuthKeyword::SecretAccessKey | AuthKeyword::SessionToken)
            })
            .collect();
        if iam_role.is_some() {
            for other in clauses.iter().filter(|c| c.keyword != AuthKeyword::IamRole) {
                self.error(
                    codes::AUTH_CONFLICT,
                    other.span,
                    format!("`IAM_ROLE` cannot be combined with `{}`", other.keyword.as_str()),
                    "remove this clause; with role chaining, `IAM_ROLE` alone gives Redshift its credentials".into(),
                );
            }
        } else if credentials.is_some() {
            for other in &keys {
                self.error(
                    codes::AUTH_CONFLICT,
                    other.span,
                    format!("`CREDENTIALS` cannot be combined with `{}`", other.keyword.as_str()),
                    "use either `CREDENTIALS` or the access key parameters, not both".into(),
                );
            }
        }
        if iam_role.is_none() && credentials.is_none() && !keys.is_empty() {
            let has = |k| keys.iter().any(|c| c.keyword == k);
            let missing = if !has(AuthKeyword::AccessKeyId) {
                Some("ACCESS_KEY_ID")
            } else if !has(AuthKeyword::SecretAccessKey) {
                Some("SECRET_ACCESS_KEY")
            } else {
                None
            };
            if let Some(missing) = missing {
                self.error(
                    codes::AUTH_INCOMPLETE,
                    keys[0].span,
                    format!("access key authorization without `{missing}`"),
                    format!("add `{missing} '…'`, or better, use `IAM_ROLE` with a role chain"),
                );
            }
        }
        // Chain checks on the clause that the tree uses.
        match authorization {
            Some(Authorization::IamRole { role: IamRoleSpec::Chain(_) }) => {
                if let Some(clause) = iam_role
                    && let Some(literal) = clause.value_span
                {
                    self.chain(&clause.value, literal, 0);
                }
            }
            Some(Authorization::Credentials { credentials: value }) => {
                if let Some(clause) = credentials
                    && let Some(literal) = clause.value_span
                    && let Some(roles) = credentials_roles(value)
                {
                    let byte = roles.as_ptr() as usize - value.as_ptr() as usize;
                    let base = value.get(..byte).map_or(0, |s| s.chars().count());
                    self.chain(roles, literal, base);
                }
            }
            _ => {}
        }
    }

    /// An example chain for help texts, with the spec's accounts when known.
    fn chain_example(&self) -> String {
        let redshift = self.context.redshift_account.map_or("<redshift-account>".to_owned(), |a| a.to_string());
        let s3 = self.context.s3_account.map_or("<s3-account>".to_owned(), |a| a.to_string());
        format!("arn:aws:iam::{redshift}:role/<cluster-role>,arn:aws:iam::{s3}:role/<bucket-role>")
    }

    /// Checks a role chain: `chain` is the text of the chain, which starts at character `base`
    /// of the string literal at `literal`.
    fn chain(&mut self, chain: &str, literal: Span, base: usize) {
        let whole = self.value_span(literal, base, base + chain.chars().count());
        // Whitespace: either stray spaces around commas, or a string that runs past the chain
        // because its closing quote is in the wrong place.
        if let Some((byte, _)) = chain.char_indices().find(|(_, c)| c.is_whitespace()) {
            let from = base + chain[..byte].chars().count();
            let run = chain[byte..].chars().take_while(|c| c.is_whitespace()).count();
            let span = self.value_span(literal, from, from + run);
            let runs_past = chain.split(',').any(|element| {
                let element = element.trim();
                element.contains(char::is_whitespace)
            });
            if runs_past {
                let before = chain[..byte].trim_end();
                let tail: String = before.chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
                self.error(
                    codes::CHAIN_WHITESPACE,
                    span,
                    "the IAM_ROLE string runs past the role chain: it contains words after a role ARN".into(),
                    format!("close the string right after `{tail}` and move the rest out of the quotes"),
                );
            } else {
                let fixed: String = chain.split(',').map(str::trim).collect::<Vec<_>>().join(",");
                self.error(
                    codes::CHAIN_WHITESPACE,
                    span,
                    "the IAM role chain contains whitespace; Redshift reads it as part of a role ARN".into(),
                    format!("write the chain without spaces: `'{fixed}'`"),
                );
            }
        }
        let elements: Vec<&str> = chain.split(',').collect();
        if elements.len() > 10 {
            self.error(
                codes::CHAIN_TOO_LONG,
                whole,
                format!("the role chain has {} roles; Redshift chains at most 10", elements.len()),
                "shorten the chain: one cluster role and one bucket role are enough for cross-account access".into(),
            );
        }
        let mut offset = base;
        let mut seen: Vec<&str> = Vec::new();
        let count = elements.len();
        for (index, element) in elements.iter().enumerate() {
            let len = element.chars().count();
            let span = self.value_span(literal, offset, offset + len);
            let trimmed = element.trim();
            if trimmed.contains(char::is_whitespace) {
                // Already reported: the string runs past the chain.
            } else if trimmed.is_empty() {
                let (span, help) = if count == 1 {
                    (whole, "put the role ARN between the quotes, or write `IAM_ROLE default`".to_owned())
                } else {
                    // Point at the comma that makes the empty element.
                    let comma = if index + 1 < count { offset + len } else { offset.saturating_sub(1) };
                    (self.value_span(literal, comma, comma + 1), "remove the extra `,`".to_owned())
                };
                self.error(codes::CHAIN_EMPTY_ELEMENT, span, format!("role {} of the chain is empty", index + 1), help);
            } else if trimmed.eq_ignore_ascii_case("default") {
                let help = if count == 1 {
                    "write `IAM_ROLE default` without quotes".to_owned()
                } else {
                    "`IAM_ROLE default` cannot be part of a chain; write the default role's ARN".to_owned()
                };
                self.error(
                    codes::CHAIN_DEFAULT,
                    span,
                    "`default` inside a quoted role chain is not supported".into(),
                    help,
                );
            } else {
                match RoleArn::parse(trimmed) {
                    Err(error) => {
                        self.error(
                            codes::CHAIN_NOT_ROLE_ARN,
                            span,
                            format!("`{trimmed}` is not an IAM role ARN: {}", error.reason()),
                            "write `arn:aws:iam::<12-digit account>:role/<role name>`".into(),
                        );
                    }
                    Ok(role) => {
                        if seen.contains(&trimmed) {
                            self.error(
                                codes::CHAIN_DUPLICATE,
                                span,
                                format!("role `{}` appears twice in the chain", role.name()),
                                "remove the repeated role; each hop assumes the next role once".into(),
                            );
                        }
                        self.chain_accounts(&role, index, count, span);
                    }
                }
                seen.push(trimmed);
            }
            offset += len + 1;
        }
    }

    /// Spec checks on the first and last role of the chain.
    fn chain_accounts(&mut self, role: &RoleArn, index: usize, count: usize, span: Span) {
        if index == 0
            && let Some(account) = self.context.redshift_account
            && role.account() != account
        {
            self.error(
                codes::SPEC_FIRST_ROLE_ACCOUNT,
                span,
                format!(
                    "the first role is in account `{}`, but the spec's Redshift account is `{account}`",
                    role.account()
                ),
                format!(
                    "start the chain with the cluster role `arn:aws:iam::{account}:role/…` attached to the cluster"
                ),
            );
        }
        if index + 1 == count
            && let Some(account) = self.context.s3_account
            && role.account() != account
            && !(count == 1 && index == 0 && self.context.redshift_account.is_some_and(|r| r == role.account()))
        {
            self.error(
                codes::SPEC_LAST_ROLE_ACCOUNT,
                span,
                format!("the last role is in account `{}`, but the spec's S3 account is `{account}`", role.account()),
                format!("end the chain with the bucket role `arn:aws:iam::{account}:role/…`"),
            );
        }
    }

    /// Checks the FROM or TO location and returns it when it is a valid URI.
    fn location(&mut self, location: &str) -> Option<S3Uri> {
        let literal = self.parsed.location_span.unwrap_or(self.parsed.span);
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

    /// Reports every later option whose slot (option, format or codec) was already taken.
    fn duplicates(&mut self, slots: &[(&'static str, &'static str)]) {
        let mut seen: HashMap<&'static str, &'static str> = HashMap::new();
        for (index, (slot, keyword)) in slots.iter().enumerate() {
            if let Some(first) = seen.get(slot) {
                let (message, help) = match *slot {
                    "format" => (
                        format!("two formats: `{first}` and `{keyword}`"),
                        "keep the one format the files are in".to_owned(),
                    ),
                    "compression" => (
                        format!("two compression codecs: `{first}` and `{keyword}`"),
                        "keep the one codec the files use".to_owned(),
                    ),
                    _ => (format!("`{keyword}` is given twice"), "remove the repeated parameter".to_owned()),
                };
                self.error(codes::DUPLICATE_OPTION, self.option_span(index), message, help);
            } else {
                seen.insert(slot, keyword);
            }
        }
    }

    fn conflict(&mut self, code: &'static str, index: usize, message: String, help: String) {
        self.error(code, self.option_span(index), message, help);
    }

    fn copy(&mut self, copy: &CopyStatement) {
        self.authorization(copy.authorization.as_ref());
        self.location(&copy.from);
        let slots: Vec<_> = copy.options.iter().map(|o| (o.slot(), o.keyword())).collect();
        self.duplicates(&slots);
        let format = copy.options.iter().find_map(|o| match o {
            CopyOption::Format(format) => Some(format),
            _ => None,
        });
        let find = |keyword: &str| copy.options.iter().position(|o| o.keyword() == keyword);
        let columnar = format.is_some_and(CopyFormat::is_columnar);
        let mut region = None;
        for (index, option) in copy.options.iter().enumerate() {
            let keyword = option.keyword();
            if let CopyOption::Region(value) = option {
                region = Some((value.as_str(), self.option_span(index)));
            }
            if let Some(format) = format.filter(|f| f.is_columnar()) {
                let name = format.keyword();
                if matches!(option, CopyOption::Region(_)) {
                    self.conflict(
                        codes::COPY_COLUMNAR_REGION,
                        index,
                        format!("`COPY` from `{name}` does not accept `REGION`"),
                        format!(
                            "remove `REGION`; COPY reads {name} only from a bucket in the cluster's region, \
                             so copy the files there first"
                        ),
                    );
                } else if !matches!(option, CopyOption::Format(_)) && !COLUMNAR_COPY_OPTIONS.contains(&keyword) {
                    let help = if matches!(option, CopyOption::Compression(_)) {
                        format!("remove `{keyword}`; COPY detects `.gz`, `.bz2` and `.snappy` {name} files itself")
                    } else {
                        format!(
                            "remove `{keyword}`; with {name}, COPY accepts only ACCEPTINVCHARS, FILLRECORD, \
                             STATUPDATE, MANIFEST and EXPLICIT_IDS"
                        )
                    };
                    self.conflict(
                        codes::COPY_COLUMNAR_OPTION,
                        index,
                        format!("`COPY` from `{name}` does not support `{keyword}`"),
                        help,
                    );
                }
                continue;
            }
            match option {
                CopyOption::Delimiter(_) if find("FIXEDWIDTH").is_some() => self.conflict(
                    codes::FIXEDWIDTH_DELIMITER,
                    index,
                    "`DELIMITER` cannot be combined with `FIXEDWIDTH`".into(),
                    "fixed-width files have no delimiter: keep `FIXEDWIDTH` or `DELIMITER`, not both".into(),
                ),
                CopyOption::RemoveQuotes if matches!(format, Some(CopyFormat::Csv { .. })) => self.conflict(
                    codes::REMOVEQUOTES_CSV,
                    index,
                    "`REMOVEQUOTES` cannot be combined with `CSV`".into(),
                    "remove `REMOVEQUOTES`; CSV already removes the quotes around fields".into(),
                ),
                CopyOption::FixedWidth(_) | CopyOption::Escape if matches!(format, Some(CopyFormat::Csv { .. })) => {
                    self.conflict(
                        codes::FORMAT_OPTION_CONFLICT,
                        index,
                        format!("`{keyword}` cannot be combined with `CSV`"),
                        format!("remove `{keyword}`; CSV has its own quoting rules"),
                    );
                }
                CopyOption::Delimiter(_)
                | CopyOption::FixedWidth(_)
                | CopyOption::RemoveQuotes
                | CopyOption::Escape
                | CopyOption::FillRecord
                    if matches!(
                        format,
                        Some(CopyFormat::Json { .. } | CopyFormat::Avro { .. } | CopyFormat::Shapefile { .. })
                    ) =>
                {
                    let name = format.map_or("", CopyFormat::keyword);
                    self.conflict(
                        codes::FORMAT_OPTION_CONFLICT,
                        index,
                        format!("`{keyword}` does not apply to `{name}` files"),
                        format!("remove `{keyword}`; it applies to delimited text files"),
                    );
                }
                _ => {}
            }
        }
        self.region(region, columnar);
    }

    fn unload(&mut self, unload: &UnloadStatement) {
        self.authorization(unload.authorization.as_ref());
        self.inner_query(&unload.query);
        self.location(&unload.to);
        let slots: Vec<_> = unload.options.iter().map(|o| (o.slot(), o.keyword())).collect();
        self.duplicates(&slots);
        let format = unload.options.iter().find_map(|o| match o {
            UnloadOption::Format(format) => Some(*format),
            _ => None,
        });
        let find = |keyword: &str| unload.options.iter().position(|o| o.keyword() == keyword);
        let encrypted = find("ENCRYPTED");
        let mut region = None;
        for (index, option) in unload.options.iter().enumerate() {
            let keyword = option.keyword();
            match option {
                UnloadOption::Region(value) => region = Some((value.as_str(), self.option_span(index))),
                UnloadOption::KmsKeyId(key) => {
                    if encrypted.is_none() {
                        self.conflict(
                            codes::KMS_WITHOUT_ENCRYPTED,
                            index,
                            "`KMS_KEY_ID` without `ENCRYPTED`: Redshift rejects it".into(),
                            "add `ENCRYPTED` to the statement".into(),
                        );
                    }
                    self.kms_key(key, index);
                }
                UnloadOption::CleanPath if find("ALLOWOVERWRITE").is_some() => self.conflict(
                    codes::CLEANPATH_ALLOWOVERWRITE,
                    index,
                    "`CLEANPATH` cannot be combined with `ALLOWOVERWRITE`".into(),
                    "keep `CLEANPATH` to delete the old files first, or `ALLOWOVERWRITE` to overwrite them".into(),
                ),
                _ => {}
            }
            match format {
                Some(UnloadFormat::Parquet) => {
                    if matches!(
                        option,
                        UnloadOption::Delimiter(_)
                            | UnloadOption::FixedWidth(_)
                            | UnloadOption::AddQuotes
                            | UnloadOption::Escape
                            | UnloadOption::NullAs(_)
                            | UnloadOption::Header
                            | UnloadOption::Compression(_)
                    ) {
                        let help = if matches!(option, UnloadOption::Compression(_)) {
                            format!("remove `{keyword}`; PARQUET files are compressed with Snappy")
                        } else {
                            format!("remove `{keyword}`; it applies to text output, not PARQUET")
                        };
                        self.conflict(
                            codes::UNLOAD_PARQUET_OPTION,
                            index,
                            format!("`UNLOAD` to `PARQUET` does not accept `{keyword}`"),
                            help,
                        );
                    }
                }
                Some(UnloadFormat::Json)
                    if matches!(
                        option,
                        UnloadOption::Delimiter(_)
                            | UnloadOption::FixedWidth(_)
                            | UnloadOption::AddQuotes
                            | UnloadOption::Escape
                            | UnloadOption::Header
                    ) =>
                {
                    self.conflict(
                        codes::FORMAT_OPTION_CONFLICT,
                        index,
                        format!("`UNLOAD` to `JSON` does not accept `{keyword}`"),
                        format!("remove `{keyword}`; it applies to delimited text output"),
                    );
                }
                Some(UnloadFormat::Csv) if matches!(option, UnloadOption::FixedWidth(_) | UnloadOption::AddQuotes) => {
                    self.conflict(
                        codes::FORMAT_OPTION_CONFLICT,
                        index,
                        format!("`UNLOAD` to `CSV` does not accept `{keyword}`"),
                        format!("remove `{keyword}`; CSV quotes fields itself"),
                    );
                }
                _ => {}
            }
            if format != Some(UnloadFormat::Parquet) && matches!(option, UnloadOption::RowGroupSize(_)) {
                self.conflict(
                    codes::FORMAT_OPTION_CONFLICT,
                    index,
                    "`ROWGROUPSIZE` applies only to `FORMAT AS PARQUET`".into(),
                    "remove `ROWGROUPSIZE`, or unload to PARQUET".into(),
                );
            }
            if let UnloadOption::Delimiter(_) = option
                && find("FIXEDWIDTH").is_some()
            {
                self.conflict(
                    codes::FIXEDWIDTH_DELIMITER,
                    index,
                    "`DELIMITER` cannot be combined with `FIXEDWIDTH`".into(),
                    "fixed-width output has no delimiter: keep `FIXEDWIDTH` or `DELIMITER`, not both".into(),
                );
            }
            if let UnloadOption::Header = option
                && find("FIXEDWIDTH").is_some()
                && format != Some(UnloadFormat::Parquet)
            {
                self.conflict(
                    codes::FORMAT_OPTION_CONFLICT,
                    index,
                    "`HEADER` cannot be combined with `FIXEDWIDTH`".into(),
                    "remove `HEADER` or `FIXEDWIDTH`".into(),
                );
            }
            let range = match option {
                UnloadOption::MaxFileSize(size) => Some((size, 5.0, 6.2 * 1024.0, "5 MB and 6.2 GB")),
                UnloadOption::RowGroupSize(size) => Some((size, 32.0, 128.0, "32 MB and 128 MB")),
                _ => None,
            };
            if let Some((size, min, max, words)) = range
                && let Some(mb) = size.megabytes()
                && !(min..=max).contains(&mb)
            {
                self.conflict(
                    codes::INVALID_VALUE,
                    index,
                    format!("`{keyword} {size}` is out of range"),
                    format!("give a size between {words}"),
                );
            }
        }
        if let Some(kms_key) = &self.context.kms_key
            && encrypted.is_none()
        {
            self.error(
                codes::SPEC_ENCRYPTED_MISSING,
                self.keyword_span(),
                "`UNLOAD` without `ENCRYPTED` writes SSE-S3 objects, but the spec's bucket uses a KMS key".into(),
                format!("add `ENCRYPTED KMS_KEY_ID '{kms_key}'`"),
            );
        }
        self.region(region, false);
    }

    fn kms_key(&mut self, key: &str, index: usize) {
        match KmsKeyRef::parse(key) {
            Err(error) => self.conflict(
                codes::KMS_KEY_FORM,
                index,
                format!("`{key}` is not a KMS key: {}", error.reason()),
                "give the key ARN, `arn:aws:kms:<region>:<account>:key/<key id>`".into(),
            ),
            Ok(KmsKeyRef::KeyArn(arn)) => {
                if let Some(expected) = &self.context.kms_key
                    && arn.to_string() != *expected
                {
                    let span = self.option_span(index);
                    self.warning(
                        codes::SPEC_KMS_KEY_MISMATCH,
                        span,
                        format!("`KMS_KEY_ID` is not the spec's key `{expected}`"),
                        format!("use `KMS_KEY_ID '{expected}'`"),
                    );
                }
            }
            Ok(_) => {
                let span = self.option_span(index);
                self.warning(
                    codes::KMS_KEY_FORM,
                    span,
                    format!("`{key}` is an alias or a bare key id, resolved in the Redshift account"),
                    "give the key ARN; an alias or key id cannot name a key in the bucket's account".into(),
                );
            }
        }
    }

    /// Checks the UNLOAD query with `sqlparser`'s Redshift dialect (a warning: `sqlparser` does
    /// not know every Redshift construct).
    fn inner_query(&mut self, query: &str) {
        let span = self.parsed.query_span.unwrap_or(self.parsed.span);
        if query.trim().is_empty() {
            self.error(codes::INVALID_VALUE, span, "the UNLOAD query is empty".into(), "write `('select …')`".into());
            return;
        }
        // Keep the recursion bounded on adversarial input.
        let dialect = sqlparser::dialect::RedshiftSqlDialect {};
        let result = sqlparser::parser::Parser::new(&dialect)
            .with_recursion_limit(64)
            .try_with_sql(query)
            .and_then(|mut parser| parser.parse_statements());
        match result {
            Err(error) => {
                let message = error.to_string();
                let message = message.strip_prefix("sql parser error: ").unwrap_or(&message);
                self.warning(
                    codes::INNER_QUERY,
                    span,
                    format!("the UNLOAD query does not parse as SQL: {message}"),
                    "check the query; quotes inside it are written `''`".into(),
                );
            }
            Ok(statements) => {
                let selects = statements.iter().all(|s| matches!(s, sqlparser::ast::Statement::Query(_)));
                if statements.len() != 1 || !selects {
                    self.warning(
                        codes::INNER_QUERY,
                        span,
                        "the UNLOAD query should be exactly one SELECT".into(),
                        "UNLOAD runs one query; a `;` inside the quotes starts a second statement".into(),
                    );
                }
            }
        }
    }
}
