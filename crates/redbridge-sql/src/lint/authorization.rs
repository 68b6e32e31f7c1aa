//! The authorization checks: one kind of credentials, complete access keys, and a role chain
//! that Redshift can assume (no spaces, no empty or repeated roles, at most 10, role ARNs only),
//! starting and ending in the spec's accounts.

use std::collections::{HashMap, HashSet};

use redbridge_iam::RoleArn;

use super::{Linter, Repeats};
use crate::ast::{Authorization, CREDENTIALS_KEYS, IamRoleSpec, credentials_roles};
use crate::codes;
use crate::diagnostic::{Severity, Span};
use crate::lexer::source_offsets_in_string;
use crate::parser::{AuthClause, AuthKeyword};

impl Linter<'_> {
    pub(super) fn authorization(&mut self, authorization: Option<&Authorization>) {
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
        // One diagnostic per repeated keyword, however often it is repeated.
        let mut seen: HashMap<AuthKeyword, &AuthClause> = HashMap::new();
        let mut repeats = Repeats::default();
        for (index, clause) in clauses.iter().enumerate() {
            if seen.contains_key(&clause.keyword) {
                repeats.add(clause.keyword, index);
            }
            seen.entry(clause.keyword).or_insert(clause);
        }
        for (keyword, repeat) in repeats.into_groups() {
            let message = match repeat.count {
                1 => format!("`{}` is given twice", keyword.as_str()),
                count => format!("`{}` is given {} times", keyword.as_str(), count + 1),
            };
            self.error(
                codes::DUPLICATE_OPTION,
                clauses[repeat.first].span.to(clauses[repeat.last].span),
                message,
                "keep one; Redshift rejects a repeated parameter".into(),
            );
        }
        // The conflicts below are reported on the first clause of each keyword only.
        let firsts: Vec<&AuthClause> =
            clauses.iter().filter(|c| seen.get(&c.keyword).is_some_and(|f| std::ptr::eq(*f, *c))).collect();
        let iam_role = seen.get(&AuthKeyword::IamRole).copied();
        let credentials = seen.get(&AuthKeyword::Credentials).copied();
        let keys: Vec<&AuthClause> = firsts
            .iter()
            .copied()
            .filter(|c| {
                matches!(c.keyword, AuthKeyword::AccessKeyId | AuthKeyword::SecretAccessKey | AuthKeyword::SessionToken)
            })
            .collect();
        if iam_role.is_some() {
            for other in firsts.iter().filter(|c| c.keyword != AuthKeyword::IamRole) {
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
        if let Some(clause) = credentials
            && let Some(literal) = clause.value_span
        {
            self.credentials_syntax(&clause.value, literal);
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

    /// Checks a CREDENTIALS string against its documented forms: `aws_iam_role=<arn>`, or
    /// `aws_access_key_id=<id>;aws_secret_access_key=<secret>[;token=<token>]`, either optionally
    /// followed by `;master_symmetric_key=<root key>`; case-sensitive keys, no spaces. Messages
    /// name keys only, never a value.
    fn credentials_syntax(&mut self, value: &str, literal: Span) {
        let report = |linter: &mut Self, message: String, help: &str| {
            linter.error(codes::CREDENTIALS_SYNTAX, literal, message, help.to_owned());
        };
        if value.contains(char::is_whitespace) {
            // Whitespace inside the role chain is reported, more precisely, by the chain check.
            if credentials_roles(value).is_some_and(|roles| roles.contains(char::is_whitespace)) {
                return;
            }
            report(
                self,
                "the `CREDENTIALS` string contains whitespace; Redshift requires it without spaces".into(),
                "remove the spaces around `;` and `=`",
            );
            return;
        }
        let mut keys: Vec<&str> = Vec::new();
        // A trailing `;` leaves an empty last part, which is not a problem of its own.
        for part in value.split(';').filter(|part| !part.is_empty()) {
            let Some((key, part_value)) = part.split_once('=') else {
                report(
                    self,
                    "a part of the `CREDENTIALS` string is not `key=value`".into(),
                    "write `'aws_iam_role=arn:aws:iam::<account>:role/<name>'`",
                );
                return;
            };
            if !CREDENTIALS_KEYS.contains(&key) {
                let help = match CREDENTIALS_KEYS.iter().find(|known| known.eq_ignore_ascii_case(key)) {
                    Some(known) => format!("the keys are case-sensitive: write `{known}`"),
                    None => format!(
                        "the keys are {}",
                        CREDENTIALS_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                report(self, format!("`{key}` is not a key of a `CREDENTIALS` string"), &help);
                return;
            }
            if part_value.is_empty() {
                report(self, format!("`{key}=` has no value in the `CREDENTIALS` string"), "give the value after `=`");
                return;
            }
            if keys.contains(&key) {
                report(self, format!("`{key}` is given twice in the `CREDENTIALS` string"), "keep one");
                return;
            }
            keys.push(key);
        }
        let has = |key: &str| keys.contains(&key);
        let any_key = has("aws_access_key_id") || has("aws_secret_access_key") || has("token");
        if has("aws_iam_role") && any_key {
            report(
                self,
                "the `CREDENTIALS` string has both `aws_iam_role` and access keys".into(),
                "use either role-based (`aws_iam_role=`) or key-based credentials, not both",
            );
        } else if any_key && !(has("aws_access_key_id") && has("aws_secret_access_key")) {
            let missing = if has("aws_access_key_id") { "aws_secret_access_key" } else { "aws_access_key_id" };
            report(
                self,
                format!("the `CREDENTIALS` string has no `{missing}`"),
                "key-based credentials need `aws_access_key_id` and `aws_secret_access_key` (and `token` for temporary ones)",
            );
        } else if !has("aws_iam_role") && !any_key {
            report(
                self,
                "the `CREDENTIALS` string names no role and no access keys".into(),
                "write `'aws_iam_role=arn:aws:iam::<account>:role/<name>'`, or better, use `IAM_ROLE`",
            );
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
        // Where each character of the literal is written, found once: a chain of thousands of
        // roles costs one pass, not one per role.
        let offsets = source_offsets_in_string(self.text, literal.start);
        let end = offsets.last().copied().unwrap_or(literal.end);
        let value_span = |from: usize, to: usize| {
            Span::new(offsets.get(from).copied().unwrap_or(end), offsets.get(to).copied().unwrap_or(end))
        };
        let whole = value_span(base, base + chain.chars().count());
        // Whitespace: either stray spaces around commas, or a string that runs past the chain
        // because its closing quote is in the wrong place.
        if let Some((byte, _)) = chain.char_indices().find(|(_, c)| c.is_whitespace()) {
            let from = base + chain[..byte].chars().count();
            let run = chain[byte..].chars().take_while(|c| c.is_whitespace()).count();
            let span = value_span(from, from + run);
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
        // How often each role is named; a repeated role is reported once, at its first repeat.
        let mut times: HashMap<&str, usize> = HashMap::new();
        for element in &elements {
            *times.entry(element.trim()).or_default() += 1;
        }
        let mut seen: HashSet<&str> = HashSet::new();
        let mut reported: HashSet<&str> = HashSet::new();
        let count = elements.len();
        for (index, element) in elements.iter().enumerate() {
            let len = element.chars().count();
            let span = value_span(offset, offset + len);
            let trimmed = element.trim();
            if trimmed.contains(char::is_whitespace) {
                // Already reported: the string runs past the chain.
            } else if trimmed.is_empty() {
                let (span, help) = if count == 1 {
                    (whole, "put the role ARN between the quotes, or write `IAM_ROLE default`".to_owned())
                } else {
                    // Point at the comma that makes the empty element.
                    let comma = if index + 1 < count { offset + len } else { offset.saturating_sub(1) };
                    (value_span(comma, comma + 1), "remove the extra `,`".to_owned())
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
                        if seen.contains(trimmed) && reported.insert(trimmed) {
                            let message = match times.get(trimmed).copied().unwrap_or(2) {
                                2 => format!("role `{}` appears twice in the chain", role.name()),
                                n => format!("role `{}` appears {n} times in the chain", role.name()),
                            };
                            self.error(
                                codes::CHAIN_DUPLICATE,
                                span,
                                message,
                                "remove the repeated role; each hop assumes the next role once".into(),
                            );
                        }
                        self.chain_accounts(&role, index, count, span);
                    }
                }
                seen.insert(trimmed);
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
}
