//! What COPY and UNLOAD share after the location: the loop over the parameters, the
//! authorization clauses, and the report of a word that is not a parameter, with suggestions
//! taken from the keyword table.

use super::cursor::{Parser, Reported};
use super::{AuthClause, AuthKeyword, ParsedStatement, StatementKind};
use crate::ast::{Authorization, IamRoleSpec};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::TokenKind;
use crate::options;

impl Parser<'_> {
    /// Tries an authorization clause at the cursor; `Ok(false)` when there is none.
    pub(super) fn authorization(&mut self, parsed: &mut ParsedStatement) -> Result<bool, Reported> {
        let start = self.peek().map_or(0, |t| t.span.start);
        let Some(word) = self.peek_word() else { return Ok(false) };
        let Some(row) = options::resolve(&word) else { return Ok(false) };
        let keyword = match row.keyword {
            "IAM_ROLE" => AuthKeyword::IamRole,
            "CREDENTIALS" => AuthKeyword::Credentials,
            "ACCESS_KEY_ID" => AuthKeyword::AccessKeyId,
            "SECRET_ACCESS_KEY" => AuthKeyword::SecretAccessKey,
            "SESSION_TOKEN" => AuthKeyword::SessionToken,
            _ => return Ok(false),
        };
        self.pos += 1;
        // An alias such as `WITH CREDENTIALS`: the rest of its words must follow.
        if word != row.keyword
            && let Some(alias) = row.aliases.iter().find(|alias| alias.split(' ').next() == Some(word.as_str()))
        {
            for rest in alias.split(' ').skip(1) {
                if !self.eat_word(rest) {
                    return Err(self.expected(&format!("`{rest}` after `{word}`")));
                }
            }
        }
        if keyword == AuthKeyword::IamRole && self.at_word("DEFAULT") {
            self.pos += 1;
            parsed.auth.push(AuthClause {
                keyword,
                span: Span::new(start, self.end_of_previous()),
                value_span: None,
                value: "default".into(),
            });
            return Ok(true);
        }
        if keyword != AuthKeyword::IamRole {
            self.eat_word("AS");
        }
        let what = match keyword {
            AuthKeyword::IamRole => "a quoted role ARN or chain, or `default`, after `IAM_ROLE`",
            AuthKeyword::Credentials => "a quoted credentials string after `CREDENTIALS`",
            AuthKeyword::AccessKeyId => "a quoted access key id after `ACCESS_KEY_ID`",
            AuthKeyword::SecretAccessKey => "a quoted secret access key after `SECRET_ACCESS_KEY`",
            AuthKeyword::SessionToken => "a quoted session token after `SESSION_TOKEN`",
        };
        let (value, value_span) = self.string(what)?;
        parsed.auth.push(AuthClause {
            keyword,
            span: Span::new(start, value_span.end),
            value_span: Some(value_span),
            value,
        });
        Ok(true)
    }

    /// The parameters after the location, in any order: authorization clauses go to
    /// `parsed.auth`, everything else is read by `option`; after an error, parsing resumes at
    /// the next keyword `statement` takes.
    pub(super) fn options<T>(
        &mut self,
        parsed: &mut ParsedStatement,
        statement: StatementKind,
        option: fn(&mut Self) -> Result<T, Reported>,
    ) -> Vec<T> {
        let mut options = Vec::new();
        while self.pos < self.tokens.len() {
            let start = self.peek().map_or(0, |t| t.span.start);
            // A placeholder where a parameter starts stands for a run of parameters not shown
            // (`{{ copy_options }}`); `crate::template` says which checks it hides.
            if self.at_placeholder() {
                self.pos += 1;
                continue;
            }
            if statement == StatementKind::Copy && self.at_copy_job_clause() {
                self.copy_job_create(parsed);
                continue;
            }
            match self.authorization(parsed) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(Reported) => {
                    self.recover(statement);
                    continue;
                }
            }
            match option(self) {
                Ok(option) => {
                    options.push(option);
                    parsed.option_spans.push(Span::new(start, self.end_of_previous()));
                }
                Err(Reported) => self.recover(statement),
            }
        }
        options
    }

    /// Reports a word that is not a parameter of `kind`, with a suggestion: the other statement's
    /// parameter, or the closest keyword of this one.
    pub(super) fn unknown_option(&mut self, kind: StatementKind) -> Reported {
        let (statement, other_kind, other_name) = match kind {
            StatementKind::Copy => ("COPY", StatementKind::Unload, "UNLOAD"),
            _ => ("UNLOAD", StatementKind::Copy, "COPY"),
        };
        let Some(token) = self.peek() else { return self.expected("an option") };
        if token.kind != TokenKind::Word {
            return self.expected("an option keyword");
        }
        let raw = self.raw(token);
        let upper = raw.to_ascii_uppercase();
        let help = if options::usage(&upper, other_kind).is_some() {
            format!(
                "`{upper}` is a{} {other_name} option; {statement} does not accept it, remove it",
                if other_name == "UNLOAD" { "n" } else { "" }
            )
        } else if let Some(suggestion) =
            closest(&upper, options::keywords(kind)).or_else(|| last_word_of(&upper, options::keywords(kind)))
        {
            format!("did you mean `{suggestion}`?")
        } else {
            format!("remove it; see the {statement} parameters in the Redshift developer guide")
        };
        self.diagnostics.push(Diagnostic {
            code: codes::UNKNOWN_OPTION,
            severity: Severity::Error,
            span: token.span,
            message: format!("unknown {statement} option `{raw}`"),
            help,
        });
        self.pos += 1;
        Reported
    }
}

/// The tree's single authorization from the clauses as written: the first clause's kind wins
/// (the linter reports the conflict); access key parts are gathered.
pub(super) fn combine_auth(clauses: &[AuthClause]) -> Option<Authorization> {
    let first = clauses.first()?;
    let value_of = |keyword| clauses.iter().find(|c| c.keyword == keyword).map(|c| c.value.clone());
    Some(match first.keyword {
        AuthKeyword::IamRole if first.value_span.is_none() => Authorization::IamRole { role: IamRoleSpec::Default },
        AuthKeyword::IamRole => {
            Authorization::IamRole { role: IamRoleSpec::Chain(first.value.split(',').map(str::to_owned).collect()) }
        }
        AuthKeyword::Credentials => Authorization::Credentials { credentials: first.value.clone() },
        AuthKeyword::AccessKeyId | AuthKeyword::SecretAccessKey | AuthKeyword::SessionToken => {
            Authorization::AccessKeys {
                access_key_id: value_of(AuthKeyword::AccessKeyId).unwrap_or_default(),
                secret_access_key: value_of(AuthKeyword::SecretAccessKey).unwrap_or_default(),
                session_token: value_of(AuthKeyword::SessionToken),
            }
        }
    })
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo: at
/// most `max(2, len / 4)` edits from a candidate of `len` characters.
///
/// The distance is at least the difference in length, so a candidate whose length differs by
/// more than its limit is skipped without computing it, and the computation stops as soon as
/// the limit is passed: a word far longer than every keyword (a 100 KB token) costs one count
/// of its characters, not a table of its length times each keyword's.
fn closest<'k>(word: &str, candidates: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let longest = options::longest_keyword_chars();
    // Counting stops past the longest keyword plus the largest limit: no candidate is closer.
    let word_chars = word.chars().take(longest + limit(longest) + 1).count();
    if word_chars > longest + limit(longest) {
        return None;
    }
    let word: Vec<char> = word.chars().collect();
    candidates
        .filter_map(|c| {
            let candidate: Vec<char> = c.chars().collect();
            let bound = limit(candidate.len());
            if word.len().abs_diff(candidate.len()) > bound {
                return None;
            }
            bounded_edit_distance(&word, &candidate, bound).map(|d| (d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The one keyword whose last `_`-separated word is `word`: `SESSION_TOKEN` for `TOKEN`, the
/// spelling of the access-permissions page's examples. `None` when none or several are.
fn last_word_of<'k>(word: &str, candidates: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    let mut matching = candidates.filter(|c| c.rsplit('_').next() == Some(word) && *c != word);
    let first = matching.next()?;
    matching.next().is_none().then_some(first)
}

/// How many edits away from a keyword of `len` characters a word is still taken for a typo.
fn limit(len: usize) -> usize {
    2.max(len / 4)
}

/// The Levenshtein distance of `a` and `b` when it is at most `bound`, `None` past it; each row
/// stops early once every cell is past the bound.
fn bounded_edit_distance(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().all(|&d| d > bound) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&d| d <= bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_of_a_keyword_gets_the_keyword() {
        let keywords = ["DELIMITER", "REMOVEQUOTES", "ZSTD"];
        assert_eq!(closest("DELIMTER", keywords.into_iter()), Some("DELIMITER"));
        assert_eq!(closest("ZSDT", keywords.into_iter()), Some("ZSTD"));
        assert_eq!(closest("NOTHINGLIKEIT", keywords.into_iter()), None);
    }

    #[test]
    fn a_last_word_of_a_keyword_gets_the_keyword_when_only_one_ends_with_it() {
        let keywords = ["ACCESS_KEY_ID", "KMS_KEY_ID", "SESSION_TOKEN"];
        assert_eq!(last_word_of("TOKEN", keywords.into_iter()), Some("SESSION_TOKEN"));
        assert_eq!(last_word_of("ID", keywords.into_iter()), None);
        assert_eq!(last_word_of("SESSION_TOKEN", keywords.into_iter()), None);
    }

    #[test]
    fn the_bounded_distance_is_the_distance_up_to_the_bound() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(bounded_edit_distance(&chars("kitten"), &chars("sitting"), 3), Some(3));
        assert_eq!(bounded_edit_distance(&chars("kitten"), &chars("sitting"), 2), None);
        assert_eq!(bounded_edit_distance(&chars(""), &chars("ab"), 2), Some(2));
        assert_eq!(bounded_edit_distance(&chars("é"), &chars("e"), 2), Some(1));
    }

    #[test]
    fn no_suggestion_is_computed_for_a_token_far_longer_than_every_keyword() {
        // A 100 KB word is refused by its length alone: no candidate is even compared.
        let word = "A".repeat(100_000);
        let compared = std::cell::Cell::new(0);
        let candidates =
            options::keywords(crate::parser::StatementKind::Copy).inspect(|_| compared.set(compared.get() + 1));
        assert_eq!(closest(&word, candidates), None);
        assert_eq!(compared.get(), 0);
        // One past the longest keyword plus its limit is still refused; a typo-length word is judged.
        let just_past = "A".repeat(options::longest_keyword_chars() + limit(options::longest_keyword_chars()) + 1);
        assert_eq!(closest(&just_past, options::keywords(crate::parser::StatementKind::Copy)), None);
        assert_eq!(closest("GZIPP", options::keywords(crate::parser::StatementKind::Copy)), Some("GZIP"));
    }
}
