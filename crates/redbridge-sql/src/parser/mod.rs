//! The parser: tokens to [`Statement`]s with the spans the linter needs, recovering from errors
//! so one mistake does not hide the next.
//!
//! This module splits the input into statements and says which is which; `copy.rs` and
//! `unload.rs` read the two statements (`copy_job.rs` the COPY JOB forms), `options.rs` the parameters they share (the loop over
//! them, authorization, unknown-option suggestions from the keyword table), `cursor.rs` the
//! tokens, and `unterminated.rs` explains a string, identifier or comment left open.

mod copy;
mod copy_job;
mod cursor;
mod options;
mod unload;
mod unterminated;

use cursor::Parser;
use unterminated::lex_error_diagnostic;

use crate::ast::{Statement, TableName};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{LexError, Token, TokenKind, lex, lex_from_until};
use crate::{SqlError, codes};

/// Which statement a piece of input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// `COPY`.
    Copy,
    /// `UNLOAD`.
    Unload,
    /// Anything else; redbridge only checks COPY and UNLOAD.
    Other,
}

impl StatementKind {
    /// `copy`, `unload` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Copy => "copy",
            Self::Unload => "unload",
            Self::Other => "other",
        }
    }
}

/// Which authorization keyword a clause uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKeyword {
    /// `IAM_ROLE`.
    IamRole,
    /// `CREDENTIALS`.
    Credentials,
    /// `ACCESS_KEY_ID`.
    AccessKeyId,
    /// `SECRET_ACCESS_KEY`.
    SecretAccessKey,
    /// `SESSION_TOKEN`.
    SessionToken,
}

impl AuthKeyword {
    /// The keyword as written in SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IamRole => "IAM_ROLE",
            Self::Credentials => "CREDENTIALS",
            Self::AccessKeyId => "ACCESS_KEY_ID",
            Self::SecretAccessKey => "SECRET_ACCESS_KEY",
            Self::SessionToken => "SESSION_TOKEN",
        }
    }
}

/// One authorization clause as written, with its spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthClause {
    /// The keyword.
    pub keyword: AuthKeyword,
    /// From the keyword to the end of its argument.
    pub span: Span,
    /// The string literal argument (quotes included), or `None` for `IAM_ROLE default`.
    pub value_span: Option<Span>,
    /// The argument, unescaped (`default` for `IAM_ROLE default`).
    pub value: String,
}

/// A parsed statement with the positions the linter reports against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedStatement {
    /// COPY, UNLOAD or something else.
    pub kind: StatementKind,
    /// The tree, when the statement parsed far enough to build one.
    pub statement: Option<Statement>,
    /// From the first token to the last (the `;` excluded).
    pub span: Span,
    /// The `FROM` or `TO` string literal, quotes included.
    pub location_span: Option<Span>,
    /// The UNLOAD query string literal, quotes included.
    pub query_span: Option<Span>,
    /// Every authorization clause in source order (more than one kind is a mistake).
    pub auth: Vec<AuthClause>,
    /// The span of each option, parallel to the tree's `options`.
    pub option_spans: Vec<Span>,
    /// Syntax errors found while parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every statement in `text`, separated by `;`. Empty statements are skipped.
///
/// A string left open runs on into the statements after it; when it reaches a `;` followed by
/// another COPY or UNLOAD, the broken statement is reported as ending at that `;` and parsing
/// resumes after it, so one missing quote does not hide the statements that follow.
pub fn parse(text: &str) -> Vec<ParsedStatement> {
    parse_with_placeholders(text, &[])
}

/// [`parse`] with template placeholders at `placeholders` (sorted, not overlapping): each one
/// outside a string is an opaque value the parser accepts wherever a value, a name or a run of
/// parameters may stand (see `crate::template`).
pub(crate) fn parse_with_placeholders(text: &str, placeholders: &[Span]) -> Vec<ParsedStatement> {
    let mut statements = Vec::new();
    // Where the input not yet parsed starts. Each round lexes from there only up to the string
    // that runs into the next statement, so many strings left open cost one pass over the
    // input, not one pass per string.
    let mut from = 0;
    loop {
        let mut cut = None;
        let (tokens, lex_error) = lex_from_until(text, from, placeholders, &mut |token| {
            cut = runaway_string_end(text, token.span.start + 1, token.span.end.saturating_sub(1));
            cut.is_some()
        });
        let cut = cut.or_else(|| match lex_error {
            Some(LexError::UnterminatedString(span)) => runaway_string_end(text, span.start + 1, text.len()),
            _ => None,
        });
        if let Some(cut) = cut {
            let head = &text[..cut];
            let (head_tokens, head_error) = lex_from_until(head, from, placeholders, &mut |_| false);
            push_statements(head, &head_tokens, head_error, &mut statements);
            from = cut + 1;
            continue;
        }
        push_statements(text, &tokens, lex_error, &mut statements);
        return statements;
    }
}

/// Splits `tokens` on `;` and parses each statement.
fn push_statements(text: &str, tokens: &[Token], lex_error: Option<LexError>, out: &mut Vec<ParsedStatement>) {
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind == TokenKind::Semicolon {
            if i > start {
                out.push(escape_echoes(parse_one(text, &tokens[start..i], None)));
            }
            start = i + 1;
        }
    }
    if start < tokens.len() || lex_error.is_some() {
        out.push(escape_echoes(parse_one(text, &tokens[start..], lex_error)));
    }
}

/// The statement with control characters in its diagnostics' messages escaped: they quote
/// tokens of the input, which may hold an ANSI escape (see [`Diagnostic::with_controls_escaped`]).
fn escape_echoes(mut parsed: ParsedStatement) -> ParsedStatement {
    parsed.diagnostics = parsed.diagnostics.into_iter().map(Diagnostic::with_controls_escaped).collect();
    parsed
}

/// The offset of the `;` at which a string that was never closed ran into the next COPY or
/// UNLOAD, for the string body `start..end` of `text`: a string token (closed only by the next
/// statement's first quote) or an unterminated string at the end of the input.
fn runaway_string_end(text: &str, start: usize, end: usize) -> Option<usize> {
    let body = text.get(start..end)?;
    for (i, _) in body.match_indices(';') {
        let after = skip_blank_and_comments(&body[i + 1..]);
        let word: String = after.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let next = after[word.len()..].chars().next();
        if (word.eq_ignore_ascii_case("copy") || word.eq_ignore_ascii_case("unload"))
            && next.is_some_and(char::is_whitespace)
            && body[..i].contains(['\n', ' '])
        {
            return Some(start + i);
        }
    }
    None
}

/// `text` without leading white space and `--` comment lines.
fn skip_blank_and_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        match text.strip_prefix("--") {
            Some(comment) => text = comment.split_once('\n').map_or("", |(_, rest)| rest),
            None => return text,
        }
    }
}

/// Parses exactly one COPY or UNLOAD (an optional trailing `;` allowed) and fails on any syntax
/// error; for input that is judged rather than trusted, use [`parse`] and the linter.
pub fn parse_statement(text: &str) -> Result<Statement, SqlError> {
    let mut parsed = parse(text);
    if parsed.len() != 1 {
        return Err(SqlError::Syntax { message: format!("expected one statement, found {}", parsed.len()), offset: 0 });
    }
    let parsed = parsed.remove(0);
    if let Some(d) = parsed.diagnostics.iter().find(|d| d.severity == Severity::Error) {
        return Err(SqlError::Syntax { message: d.message.clone(), offset: d.span.start });
    }
    parsed.statement.ok_or(SqlError::Syntax { message: "not a COPY or UNLOAD statement".into(), offset: 0 })
}

/// Parses `name` or `schema.name`, quoted or not.
pub(crate) fn parse_table_name(input: &str) -> Result<TableName, SqlError> {
    let (tokens, error) = lex(input);
    if let Some(error) = error {
        let span = match error {
            LexError::UnterminatedString(s) | LexError::UnterminatedIdent(s) | LexError::UnterminatedComment(s) => s,
        };
        return Err(SqlError::Syntax { message: "unterminated quote or comment".into(), offset: span.start });
    }
    let mut parser = Parser::new(input, &tokens);
    let table = parser.table_name().ok_or_else(|| SqlError::Syntax {
        message: parser
            .diagnostics
            .first()
            .map_or_else(|| "expected a table name".into(), |d| d.clone().with_controls_escaped().message),
        offset: parser.diagnostics.first().map_or(0, |d| d.span.start),
    })?;
    if let Some(token) = parser.peek() {
        return Err(SqlError::Syntax {
            message: format!("unexpected {} after the table name", describe(input, token)),
            offset: token.span.start,
        });
    }
    Ok(table)
}

/// A short description of a token for messages: ``word `FROM` ``, ``string `'x'` ``.
fn describe(text: &str, token: &Token) -> String {
    let raw = &text[token.span.start..token.span.end];
    let shown: String = raw.chars().take(40).collect();
    let shown = if shown.len() < raw.len() { format!("{shown}…") } else { shown };
    match token.kind {
        TokenKind::Word => format!("`{shown}`"),
        TokenKind::Str(_) => format!("string `{shown}`"),
        TokenKind::Number => format!("number `{shown}`"),
        TokenKind::QuotedIdent(_) => format!("identifier `{shown}`"),
        TokenKind::Placeholder => format!("placeholder `{shown}`"),
        _ => format!("`{shown}`"),
    }
}

fn parse_one(text: &str, tokens: &[Token], lex_error: Option<LexError>) -> ParsedStatement {
    let first_span = tokens.first().map(|t| t.span);
    let last_end = tokens.last().map_or(0, |t| t.span.end);
    let kind = match tokens.first() {
        Some(t) if t.kind == TokenKind::Word && text[t.span.start..t.span.end].eq_ignore_ascii_case("copy") => {
            StatementKind::Copy
        }
        Some(t) if t.kind == TokenKind::Word && text[t.span.start..t.span.end].eq_ignore_ascii_case("unload") => {
            StatementKind::Unload
        }
        _ => StatementKind::Other,
    };
    let mut parsed = ParsedStatement {
        kind,
        statement: None,
        span: Span::new(first_span.map_or(0, |s| s.start), last_end),
        location_span: None,
        query_span: None,
        auth: Vec::new(),
        option_spans: Vec::new(),
        diagnostics: Vec::new(),
    };
    if let Some(error) = lex_error {
        let diagnostic = lex_error_diagnostic(text, tokens, error);
        if first_span.is_none() {
            parsed.span = diagnostic.span;
        }
        parsed.span.end = text.len();
        parsed.diagnostics.push(diagnostic);
        return parsed;
    }
    let mut parser = Parser::new(text, tokens);
    match kind {
        StatementKind::Copy => parser.copy(&mut parsed),
        StatementKind::Unload => parser.unload(&mut parsed),
        StatementKind::Other => {
            let word = tokens.first().map(|t| describe(text, t)).unwrap_or_default();
            parser.diagnostics.push(Diagnostic {
                code: codes::NOT_COPY_OR_UNLOAD,
                severity: Severity::Warning,
                span: first_span.unwrap_or_default(),
                message: format!("statement starting with {word} is not a COPY or UNLOAD; it was not checked"),
                help: "redbridge lints COPY and UNLOAD statements only".into(),
            });
        }
    }
    parsed.diagnostics.append(&mut parser.diagnostics);
    parsed
}
