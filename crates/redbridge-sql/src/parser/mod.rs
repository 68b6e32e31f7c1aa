//! The parser: tokens to [`Statement`]s with the spans the linter needs, recovering from errors
//! so one mistake does not hide the next.

use crate::ast::{
    Authorization, CompUpdate, Compression, CopyFormat, CopyOption, CopyStatement, Encoding, IamRoleSpec, Ident,
    JsonSource, Simplify, Size, SizeUnit, Statement, TableName, UnloadFormat, UnloadOption, UnloadStatement,
};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{LexError, Token, TokenKind, lex};
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
    let mut statements = Vec::new();
    // `text` with what is already parsed blanked out: offsets stay those of `text`.
    let mut rest = std::borrow::Cow::Borrowed(text);
    loop {
        let (tokens, lex_error) = lex(&rest);
        if let Some(cut) = runaway_string_end(&rest, &tokens, lex_error.as_ref()) {
            let head = &rest[..cut];
            let (head_tokens, head_error) = lex(head);
            push_statements(head, &head_tokens, head_error, &mut statements);
            let mut blanked = " ".repeat(cut + 1);
            blanked.push_str(&rest[cut + 1..]);
            rest = std::borrow::Cow::Owned(blanked);
            continue;
        }
        push_statements(&rest, &tokens, lex_error, &mut statements);
        return statements;
    }
}

/// Splits `tokens` on `;` and parses each statement.
fn push_statements(text: &str, tokens: &[Token], lex_error: Option<LexError>, out: &mut Vec<ParsedStatement>) {
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind == TokenKind::Semicolon {
            if i > start {
                out.push(parse_one(text, &tokens[start..i], None));
            }
            start = i + 1;
        }
    }
    if start < tokens.len() || lex_error.is_some() {
        out.push(parse_one(text, &tokens[start..], lex_error));
    }
}

/// The offset of the `;` at which a string that was never closed ran into the next COPY or
/// UNLOAD: inside a string token (closed only by the next statement's first quote) or in an
/// unterminated string at the end of the input.
fn runaway_string_end(text: &str, tokens: &[Token], lex_error: Option<&LexError>) -> Option<usize> {
    let open_strings = tokens
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Str(_)))
        .map(|t| (t.span.start + 1, t.span.end.saturating_sub(1)))
        .chain(lex_error.and_then(|e| match e {
            LexError::UnterminatedString(span) => Some((span.start + 1, text.len())),
            _ => None,
        }));
    for (start, end) in open_strings {
        let Some(body) = text.get(start..end) else { continue };
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
    let mut parser = Parser { text: input, tokens: &tokens, pos: 0, diagnostics: Vec::new() };
    let table = parser.table_name().ok_or_else(|| SqlError::Syntax {
        message: parser.diagnostics.first().map_or_else(|| "expected a table name".into(), |d| d.message.clone()),
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
    let mut parser = Parser { text, tokens, pos: 0, diagnostics: Vec::new() };
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

/// The diagnostic for an unterminated string, identifier or comment, with a concrete fix.
fn lex_error_diagnostic(text: &str, tokens: &[Token], error: LexError) -> Diagnostic {
    match error {
        LexError::UnterminatedString(span) => {
            if let Some(diagnostic) = earlier_unclosed_string(text, tokens) {
                return diagnostic;
            }
            let content = &text[span.start + 1..];
            let previous = tokens.last().map(|t| &text[t.span.start..t.span.end]).unwrap_or("");
            // Values other than the UNLOAD query (ARNs, URIs, regions, keys) contain no spaces, so the
            // string almost certainly was meant to end where the first whitespace is.
            let value_end = content.find(|c: char| c.is_whitespace() || c == ';').unwrap_or(content.len());
            let quoted_value = previous != "(" && value_end > 0;
            if quoted_value {
                let value = &content[..value_end];
                let tail: String = value.chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
                let tail = if tail.len() < value.len() { format!("…{tail}") } else { tail };
                Diagnostic {
                    code: codes::UNTERMINATED_STRING,
                    severity: Severity::Error,
                    span: Span::new(span.start, span.start + 1 + value_end),
                    message: format!("unterminated string literal after `{previous}`: the closing `'` is missing"),
                    help: format!("add `'` after `{tail}`, before the next parameter"),
                }
            } else {
                Diagnostic {
                    code: codes::UNTERMINATED_STRING,
                    severity: Severity::Error,
                    span: Span::new(span.start, span.start + 1),
                    message: "unterminated string literal: the closing `'` is missing".into(),
                    help: "close the string with `'`; a quote inside a string is written `''`".into(),
                }
            }
        }
        LexError::UnterminatedIdent(span) => Diagnostic {
            code: codes::UNTERMINATED_QUOTE,
            severity: Severity::Error,
            span: Span::new(span.start, span.start + 1),
            message: "unterminated quoted identifier: the closing `\"` is missing".into(),
            help: "close the identifier with `\"`; a quote inside it is written `\"\"`".into(),
        },
        LexError::UnterminatedComment(span) => Diagnostic {
            code: codes::UNTERMINATED_QUOTE,
            severity: Severity::Error,
            span: Span::new(span.start, span.start + 2),
            message: "unterminated block comment: `*/` is missing".into(),
            help: "close the comment with `*/`".into(),
        },
    }
}

/// When a string reaches the end of the input, the quote that is really missing is often an
/// earlier one: a FROM, TO or IAM_ROLE value that swallowed the following parameter up to its
/// opening quote (`FROM 's3://b/p IAM_ROLE 'arn…'`), or an UNLOAD query that swallowed `) TO`.
fn earlier_unclosed_string(text: &str, tokens: &[Token]) -> Option<Diagnostic> {
    for (index, token) in tokens.iter().enumerate() {
        let TokenKind::Str(value) = &token.kind else { continue };
        let previous = index.checked_sub(1).map(|i| &tokens[i]);
        let after_paren = previous.is_some_and(|t| t.kind == TokenKind::LParen);
        if after_paren {
            // `('select … from t) TO '`: the query ran into the TO clause.
            let lower = value.to_ascii_lowercase();
            let Some(close) = lower.find(')').filter(|&i| lower[i + 1..].trim_start().starts_with("to")) else {
                continue;
            };
            let query_end = source_offset(text, token.span.start, value, close);
            return Some(Diagnostic {
                code: codes::UNTERMINATED_STRING,
                severity: Severity::Error,
                span: Span::new(token.span.start, query_end),
                message: "the UNLOAD query string is not closed before `)`: it runs into the `TO` clause".into(),
                help: format!("add `'` before the `)` that ends the query: `('{}')`", &value[..close]),
            });
        }
        let keyword_before = previous.is_some_and(|t| t.kind == TokenKind::Word);
        let Some(space) = value.find(char::is_whitespace) else { continue };
        let rest = value[space..].trim_start();
        let next_word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let swallowed = COPY_KEYWORDS.iter().chain(UNLOAD_KEYWORDS).any(|k| next_word.eq_ignore_ascii_case(k));
        if keyword_before && swallowed && space > 0 {
            let end = source_offset(text, token.span.start, value, space);
            return Some(Diagnostic {
                code: codes::UNTERMINATED_STRING,
                severity: Severity::Error,
                span: Span::new(token.span.start, end),
                message: format!(
                    "the string is not closed before `{}`: it swallows the next parameter",
                    next_word.to_ascii_uppercase()
                ),
                help: format!("add `'` after `{}`", &value[..space]),
            });
        }
    }
    None
}

/// The source offset of byte `value_byte` of the unescaped `value` of the literal at `start`.
fn source_offset(text: &str, start: usize, value: &str, value_byte: usize) -> usize {
    let chars = value.get(..value_byte).map_or(0, |v| v.chars().count());
    crate::lexer::source_offset_in_string(text, start, chars)
}

/// Every COPY option keyword, for unknown-option suggestions.
pub(crate) const COPY_KEYWORDS: &[&str] = &[
    "ACCEPTANYDATE",
    "ACCEPTINVCHARS",
    "ACCESS_KEY_ID",
    "AVRO",
    "BLANKSASNULL",
    "BZIP2",
    "COMPROWS",
    "COMPUPDATE",
    "CREDENTIALS",
    "CSV",
    "DATEFORMAT",
    "DELIMITER",
    "EMPTYASNULL",
    "ENCODING",
    "ENCRYPTED",
    "ESCAPE",
    "EXPLICIT_IDS",
    "FILLRECORD",
    "FIXEDWIDTH",
    "FORMAT",
    "GZIP",
    "IAM_ROLE",
    "IGNOREBLANKLINES",
    "IGNOREHEADER",
    "JSON",
    "LZOP",
    "MANIFEST",
    "MASTER_SYMMETRIC_KEY",
    "MAXERROR",
    "NOLOAD",
    "NULL",
    "ORC",
    "PARQUET",
    "REGION",
    "REMOVEQUOTES",
    "ROUNDEC",
    "SECRET_ACCESS_KEY",
    "SESSION_TOKEN",
    "SHAPEFILE",
    "STATUPDATE",
    "TIMEFORMAT",
    "TRIMBLANKS",
    "TRUNCATECOLUMNS",
];

/// Every UNLOAD option keyword, for unknown-option suggestions.
pub(crate) const UNLOAD_KEYWORDS: &[&str] = &[
    "ACCESS_KEY_ID",
    "ADDQUOTES",
    "ALLOWOVERWRITE",
    "BZIP2",
    "CLEANPATH",
    "CREDENTIALS",
    "CSV",
    "DELIMITER",
    "ENCRYPTED",
    "ESCAPE",
    "EXTENSION",
    "FIXEDWIDTH",
    "FORMAT",
    "GZIP",
    "HEADER",
    "IAM_ROLE",
    "JSON",
    "KMS_KEY_ID",
    "MANIFEST",
    "MASTER_SYMMETRIC_KEY",
    "MAXFILESIZE",
    "NULL",
    "PARALLEL",
    "PARQUET",
    "PARTITION",
    "REGION",
    "ROWGROUPSIZE",
    "SECRET_ACCESS_KEY",
    "SESSION_TOKEN",
    "ZSTD",
];

/// A recursive-descent parser over one statement's tokens.
struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Token],
    pos: usize,
    diagnostics: Vec<Diagnostic>,
}

/// Something went wrong and has been reported; the caller recovers.
struct Reported;

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn raw(&self, token: &Token) -> &'a str {
        &self.text[token.span.start..token.span.end]
    }

    /// The uppercase word at the cursor, if the next token is a word.
    fn peek_word(&self) -> Option<String> {
        let token = self.peek()?;
        (token.kind == TokenKind::Word).then(|| self.raw(token).to_ascii_uppercase())
    }

    fn at_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Word && self.raw(t).eq_ignore_ascii_case(word))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let at = self.at_word(word);
        if at {
            self.pos += 1;
        }
        at
    }

    fn end_of_previous(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.span.end)
    }

    /// Reports "expected X" at the cursor.
    fn expected(&mut self, what: &str) -> Reported {
        let (span, found) = match self.peek() {
            Some(token) => (token.span, describe(self.text, token)),
            None => {
                let end = self.end_of_previous();
                (Span::new(end, end), "the end of the statement".to_owned())
            }
        };
        self.diagnostics.push(Diagnostic {
            code: codes::SYNTAX,
            severity: Severity::Error,
            span,
            message: format!("expected {what}, found {found}"),
            help: format!("write {what} here"),
        });
        Reported
    }

    fn string(&mut self, what: &str) -> Result<(String, Span), Reported> {
        match self.peek() {
            Some(Token { kind: TokenKind::Str(value), span }) => {
                self.pos += 1;
                Ok((value.clone(), *span))
            }
            _ => Err(self.expected(what)),
        }
    }

    fn expect(&mut self, kind: &TokenKind, what: &str) -> Result<Span, Reported> {
        match self.peek() {
            Some(token) if &token.kind == kind => {
                self.pos += 1;
                Ok(token.span)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn ident(&mut self) -> Option<Ident> {
        match self.peek() {
            Some(token @ Token { kind: TokenKind::Word, .. }) => {
                self.pos += 1;
                Some(Ident { value: self.raw(token).to_owned(), quoted: false })
            }
            Some(Token { kind: TokenKind::QuotedIdent(value), .. }) => {
                self.pos += 1;
                Some(Ident { value: value.clone(), quoted: true })
            }
            _ => None,
        }
    }

    fn table_name(&mut self) -> Option<TableName> {
        let Some(first) = self.ident() else {
            self.expected("a table name");
            return None;
        };
        if self.peek().is_some_and(|t| t.kind == TokenKind::Dot) {
            self.pos += 1;
            let Some(name) = self.ident() else {
                self.expected("a table name after `.`");
                return None;
            };
            return Some(TableName { schema: Some(first), name });
        }
        Some(TableName { schema: None, name: first })
    }

    /// `( ident, ... )`, the cursor on `(`.
    fn ident_list(&mut self) -> Result<Vec<Ident>, Reported> {
        self.expect(&TokenKind::LParen, "`(`")?;
        let mut idents = Vec::new();
        loop {
            match self.ident() {
                Some(ident) => idents.push(ident),
                None => return Err(self.expected("a column name")),
            }
            match self.peek().map(|t| &t.kind) {
                Some(TokenKind::Comma) => self.pos += 1,
                Some(TokenKind::RParen) => {
                    self.pos += 1;
                    return Ok(idents);
                }
                _ => return Err(self.expected("`,` or `)`")),
            }
        }
    }

    fn unsigned(&mut self, what: &str) -> Result<u64, Reported> {
        match self.peek() {
            Some(token @ Token { kind: TokenKind::Number, span }) => {
                self.pos += 1;
                self.raw(token).parse::<u64>().map_err(|_| {
                    self.diagnostics.push(Diagnostic {
                        code: codes::INVALID_VALUE,
                        severity: Severity::Error,
                        span: *span,
                        message: format!("{what} must be a whole number from 0 to {}", u64::MAX),
                        help: "write the number without a fraction or exponent".into(),
                    });
                    Reported
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    fn size(&mut self, what: &str) -> Result<Size, Reported> {
        self.eat_word("AS");
        let value = match self.peek() {
            Some(token @ Token { kind: TokenKind::Number, .. }) => {
                self.pos += 1;
                self.raw(token).to_owned()
            }
            _ => return Err(self.expected(what)),
        };
        let unit = if self.eat_word("MB") {
            Some(SizeUnit::Mb)
        } else if self.eat_word("GB") {
            Some(SizeUnit::Gb)
        } else {
            None
        };
        Ok(Size { value, unit })
    }

    /// Skips to the next word that could start an option, after an error.
    fn recover(&mut self, keywords: &[&str]) {
        while let Some(token) = self.peek() {
            if token.kind == TokenKind::Word {
                let word = self.raw(token).to_ascii_uppercase();
                if keywords.contains(&word.as_str()) || word == "WITH" {
                    return;
                }
            }
            self.pos += 1;
        }
    }

    /// Tries an authorization clause at the cursor; `Ok(false)` when there is none.
    fn authorization(&mut self, parsed: &mut ParsedStatement) -> Result<bool, Reported> {
        let start = self.peek().map_or(0, |t| t.span.start);
        let Some(word) = self.peek_word() else { return Ok(false) };
        let keyword = match word.as_str() {
            "IAM_ROLE" => AuthKeyword::IamRole,
            "CREDENTIALS" | "WITH" => AuthKeyword::Credentials,
            "ACCESS_KEY_ID" => AuthKeyword::AccessKeyId,
            "SECRET_ACCESS_KEY" => AuthKeyword::SecretAccessKey,
            "SESSION_TOKEN" => AuthKeyword::SessionToken,
            _ => return Ok(false),
        };
        self.pos += 1;
        if word == "WITH" && !self.eat_word("CREDENTIALS") {
            return Err(self.expected("`CREDENTIALS` after `WITH`"));
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

    fn copy(&mut self, parsed: &mut ParsedStatement) {
        self.pos = 1;
        let Some(table) = self.table_name() else { return };
        let mut columns = Vec::new();
        if self.peek().is_some_and(|t| t.kind == TokenKind::LParen) {
            match self.ident_list() {
                Ok(list) => columns = list,
                Err(Reported) => return,
            }
        }
        if !self.eat_word("FROM") {
            self.expected("`FROM`");
            return;
        }
        let Ok((from, from_span)) = self.string("a quoted `s3://` path after `FROM`") else { return };
        parsed.location_span = Some(from_span);
        let options = self.options(parsed, COPY_KEYWORDS, Self::copy_option);
        let authorization = combine_auth(&parsed.auth);
        parsed.statement = Some(Statement::Copy(CopyStatement { table, columns, from, authorization, options }));
    }

    /// The parameters after the location, in any order: authorization clauses go to
    /// `parsed.auth`, everything else is read by `option`; after an error, parsing resumes at
    /// the next of `keywords`.
    fn options<T>(
        &mut self,
        parsed: &mut ParsedStatement,
        keywords: &[&str],
        option: fn(&mut Self) -> Result<T, Reported>,
    ) -> Vec<T> {
        let mut options = Vec::new();
        while self.pos < self.tokens.len() {
            let start = self.peek().map_or(0, |t| t.span.start);
            match self.authorization(parsed) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(Reported) => {
                    self.recover(keywords);
                    continue;
                }
            }
            match option(self) {
                Ok(option) => {
                    options.push(option);
                    parsed.option_spans.push(Span::new(start, self.end_of_previous()));
                }
                Err(Reported) => self.recover(keywords),
            }
        }
        options
    }

    fn unload(&mut self, parsed: &mut ParsedStatement) {
        self.pos = 1;
        if self.expect(&TokenKind::LParen, "`(` and the quoted query after `UNLOAD`").is_err() {
            return;
        }
        let Ok((query, query_span)) = self.string("the query as a string literal, `('select …')`") else { return };
        parsed.query_span = Some(query_span);
        if self.expect(&TokenKind::RParen, "`)` after the query").is_err() {
            return;
        }
        if !self.eat_word("TO") {
            self.expected("`TO`");
            return;
        }
        let Ok((to, to_span)) = self.string("a quoted `s3://` prefix after `TO`") else { return };
        parsed.location_span = Some(to_span);
        let options = self.options(parsed, UNLOAD_KEYWORDS, Self::unload_option);
        let authorization = combine_auth(&parsed.auth);
        parsed.statement = Some(Statement::Unload(UnloadStatement { query, to, authorization, options }));
    }

    /// Reports a word that is not an option of this statement, with a suggestion.
    fn unknown_option(&mut self, statement: &str, own: &[&str], other: &[&str], other_name: &str) -> Reported {
        let Some(token) = self.peek() else { return self.expected("an option") };
        if token.kind != TokenKind::Word {
            return self.expected("an option keyword");
        }
        let raw = self.raw(token);
        let upper = raw.to_ascii_uppercase();
        let help = if other.contains(&upper.as_str()) {
            format!(
                "`{upper}` is a{} {other_name} option; {statement} does not accept it, remove it",
                if other_name == "UNLOAD" { "n" } else { "" }
            )
        } else if let Some(suggestion) = closest(&upper, own) {
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

    fn copy_option(&mut self) -> Result<CopyOption, Reported> {
        let Some(word) = self.peek_word() else {
            return Err(self.unknown_option("COPY", COPY_KEYWORDS, UNLOAD_KEYWORDS, "UNLOAD"));
        };
        let format_keyword = word == "FORMAT";
        let word = if format_keyword {
            self.pos += 1;
            self.eat_word("AS");
            match self.peek_word() {
                Some(w)
                    if ["CSV", "JSON", "AVRO", "PARQUET", "ORC", "SHAPEFILE", "DELIMITER", "FIXEDWIDTH"]
                        .contains(&w.as_str()) =>
                {
                    w
                }
                _ => return Err(self.expected("a format (`CSV`, `JSON`, `AVRO`, `PARQUET`, `ORC`, `SHAPEFILE`)")),
            }
        } else {
            word
        };
        let simple = match word.as_str() {
            "MANIFEST" => Some(CopyOption::Manifest),
            "GZIP" => Some(CopyOption::Compression(Compression::Gzip)),
            "LZOP" => Some(CopyOption::Compression(Compression::Lzop)),
            "BZIP2" => Some(CopyOption::Compression(Compression::Bzip2)),
            "ZSTD" => Some(CopyOption::Compression(Compression::Zstd)),
            "ENCRYPTED" => Some(CopyOption::Encrypted),
            "ACCEPTANYDATE" => Some(CopyOption::AcceptAnyDate),
            "BLANKSASNULL" => Some(CopyOption::BlanksAsNull),
            "EMPTYASNULL" => Some(CopyOption::EmptyAsNull),
            "ESCAPE" => Some(CopyOption::Escape),
            "EXPLICIT_IDS" => Some(CopyOption::ExplicitIds),
            "FILLRECORD" => Some(CopyOption::FillRecord),
            "IGNOREBLANKLINES" => Some(CopyOption::IgnoreBlankLines),
            "REMOVEQUOTES" => Some(CopyOption::RemoveQuotes),
            "ROUNDEC" => Some(CopyOption::RoundDec),
            "TRIMBLANKS" => Some(CopyOption::TrimBlanks),
            "TRUNCATECOLUMNS" => Some(CopyOption::TruncateColumns),
            "NOLOAD" => Some(CopyOption::NoLoad),
            _ => None,
        };
        if let Some(option) = simple {
            self.pos += 1;
            return Ok(option);
        }
        let option = match word.as_str() {
            "REGION" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::Region(self.string("a quoted region after `REGION`")?.0)
            }
            "CSV" => {
                self.pos += 1;
                let quote = if self.eat_word("QUOTE") {
                    self.eat_word("AS");
                    Some(self.string("a quoted quote character after `QUOTE`")?.0)
                } else {
                    None
                };
                CopyOption::Format(CopyFormat::Csv { quote })
            }
            "JSON" | "AVRO" => {
                self.pos += 1;
                let source = if self.eat_word("AS") {
                    JsonSource::Value(
                        self.string("`'auto'`, `'auto ignorecase'` or a quoted JSONPaths `s3://` path")?.0,
                    )
                } else if let Some(Token { kind: TokenKind::Str(value), .. }) = self.peek() {
                    self.pos += 1;
                    JsonSource::Value(value.clone())
                } else {
                    JsonSource::Default
                };
                if word == "JSON" {
                    CopyOption::Format(CopyFormat::Json { source })
                } else {
                    CopyOption::Format(CopyFormat::Avro { source })
                }
            }
            "PARQUET" | "ORC" => {
                self.pos += 1;
                let serialize_to_json = self.eat_word("SERIALIZETOJSON");
                if word == "PARQUET" {
                    CopyOption::Format(CopyFormat::Parquet { serialize_to_json })
                } else {
                    CopyOption::Format(CopyFormat::Orc { serialize_to_json })
                }
            }
            "SHAPEFILE" => {
                self.pos += 1;
                let simplify = if self.eat_word("SIMPLIFY") {
                    let auto = self.eat_word("AUTO");
                    let tolerance = match self.peek() {
                        Some(token @ Token { kind: TokenKind::Number, .. }) => {
                            self.pos += 1;
                            Some(self.raw(token).to_owned())
                        }
                        _ => None,
                    };
                    Some(Simplify { auto, tolerance })
                } else {
                    None
                };
                CopyOption::Format(CopyFormat::Shapefile { simplify })
            }
            "DELIMITER" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::Delimiter(self.string("a quoted delimiter character after `DELIMITER`")?.0)
            }
            "FIXEDWIDTH" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::FixedWidth(self.string("a quoted `'column:width,…'` spec after `FIXEDWIDTH`")?.0)
            }
            "MASTER_SYMMETRIC_KEY" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::MasterSymmetricKey(self.string("a quoted key after `MASTER_SYMMETRIC_KEY`")?.0)
            }
            "ACCEPTINVCHARS" => {
                self.pos += 1;
                if self.eat_word("AS") {
                    CopyOption::AcceptInvChars(Some(self.string("a quoted replacement character")?.0))
                } else if let Some(Token { kind: TokenKind::Str(value), .. }) = self.peek() {
                    self.pos += 1;
                    CopyOption::AcceptInvChars(Some(value.clone()))
                } else {
                    CopyOption::AcceptInvChars(None)
                }
            }
            "DATEFORMAT" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::DateFormat(self.string("a quoted date format or `'auto'`")?.0)
            }
            "TIMEFORMAT" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::TimeFormat(self.string("a quoted time format, `'auto'` or `'epochsecs'`")?.0)
            }
            "ENCODING" => {
                self.pos += 1;
                self.eat_word("AS");
                let encoding = match self.peek_word().as_deref() {
                    Some("UTF8") => Encoding::Utf8,
                    Some("UTF16") => Encoding::Utf16,
                    Some("UTF16LE") => Encoding::Utf16Le,
                    Some("UTF16BE") => Encoding::Utf16Be,
                    _ => return Err(self.expected("`UTF8`, `UTF16`, `UTF16LE` or `UTF16BE`")),
                };
                self.pos += 1;
                CopyOption::Encoding(encoding)
            }
            "IGNOREHEADER" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::IgnoreHeader(self.unsigned("the number of header lines")?)
            }
            "NULL" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::NullAs(self.string("a quoted null string after `NULL AS`")?.0)
            }
            "COMPROWS" => {
                self.pos += 1;
                CopyOption::CompRows(self.unsigned("the number of rows")?)
            }
            "COMPUPDATE" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("PRESET") => CompUpdate::Preset,
                    Some("ON" | "TRUE") => CompUpdate::On,
                    Some("OFF" | "FALSE") => CompUpdate::Off,
                    _ => return Ok(CopyOption::CompUpdate(CompUpdate::Default)),
                };
                self.pos += 1;
                CopyOption::CompUpdate(value)
            }
            "MAXERROR" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::MaxError(self.unsigned("the error count")?)
            }
            "STATUPDATE" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("ON" | "TRUE") => Some(true),
                    Some("OFF" | "FALSE") => Some(false),
                    _ => return Ok(CopyOption::StatUpdate(None)),
                };
                self.pos += 1;
                CopyOption::StatUpdate(value)
            }
            _ => return Err(self.unknown_option("COPY", COPY_KEYWORDS, UNLOAD_KEYWORDS, "UNLOAD")),
        };
        Ok(option)
    }

    fn unload_option(&mut self) -> Result<UnloadOption, Reported> {
        let Some(word) = self.peek_word() else {
            return Err(self.unknown_option("UNLOAD", UNLOAD_KEYWORDS, COPY_KEYWORDS, "COPY"));
        };
        let word = if word == "FORMAT" {
            self.pos += 1;
            self.eat_word("AS");
            match self.peek_word() {
                Some(w) if ["CSV", "JSON", "PARQUET"].contains(&w.as_str()) => w,
                _ => return Err(self.expected("a format (`CSV`, `PARQUET` or `JSON`)")),
            }
        } else {
            word
        };
        let simple = match word.as_str() {
            "CSV" => Some(UnloadOption::Format(UnloadFormat::Csv)),
            "PARQUET" => Some(UnloadOption::Format(UnloadFormat::Parquet)),
            "JSON" => Some(UnloadOption::Format(UnloadFormat::Json)),
            "HEADER" => Some(UnloadOption::Header),
            "BZIP2" => Some(UnloadOption::Compression(Compression::Bzip2)),
            "GZIP" => Some(UnloadOption::Compression(Compression::Gzip)),
            "ZSTD" => Some(UnloadOption::Compression(Compression::Zstd)),
            "ADDQUOTES" => Some(UnloadOption::AddQuotes),
            "ESCAPE" => Some(UnloadOption::Escape),
            "ALLOWOVERWRITE" => Some(UnloadOption::AllowOverwrite),
            "CLEANPATH" => Some(UnloadOption::CleanPath),
            _ => None,
        };
        if let Some(option) = simple {
            self.pos += 1;
            return Ok(option);
        }
        let option = match word.as_str() {
            "PARTITION" => {
                self.pos += 1;
                if !self.eat_word("BY") {
                    return Err(self.expected("`BY` after `PARTITION`"));
                }
                let columns = self.ident_list()?;
                let include = self.eat_word("INCLUDE");
                UnloadOption::PartitionBy { columns, include }
            }
            "MANIFEST" => {
                self.pos += 1;
                UnloadOption::Manifest { verbose: self.eat_word("VERBOSE") }
            }
            "DELIMITER" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Delimiter(self.string("a quoted delimiter character after `DELIMITER`")?.0)
            }
            "FIXEDWIDTH" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::FixedWidth(self.string("a quoted `'column:width,…'` spec after `FIXEDWIDTH`")?.0)
            }
            "ENCRYPTED" => {
                self.pos += 1;
                UnloadOption::Encrypted { auto: self.eat_word("AUTO") }
            }
            "KMS_KEY_ID" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::KmsKeyId(self.string("a quoted KMS key ARN after `KMS_KEY_ID`")?.0)
            }
            "MASTER_SYMMETRIC_KEY" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::MasterSymmetricKey(self.string("a quoted key after `MASTER_SYMMETRIC_KEY`")?.0)
            }
            "NULL" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::NullAs(self.string("a quoted null string after `NULL AS`")?.0)
            }
            "PARALLEL" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("ON" | "TRUE") => true,
                    Some("OFF" | "FALSE") => false,
                    _ => return Ok(UnloadOption::Parallel(true)),
                };
                self.pos += 1;
                UnloadOption::Parallel(value)
            }
            "MAXFILESIZE" => {
                self.pos += 1;
                UnloadOption::MaxFileSize(self.size("a size after `MAXFILESIZE`, such as `100 MB`")?)
            }
            "ROWGROUPSIZE" => {
                self.pos += 1;
                UnloadOption::RowGroupSize(self.size("a size after `ROWGROUPSIZE`, such as `128 MB`")?)
            }
            "REGION" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Region(self.string("a quoted region after `REGION`")?.0)
            }
            "EXTENSION" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Extension(self.string("a quoted file extension after `EXTENSION`")?.0)
            }
            _ => return Err(self.unknown_option("UNLOAD", UNLOAD_KEYWORDS, COPY_KEYWORDS, "COPY")),
        };
        Ok(option)
    }
}

/// The tree's single authorization from the clauses as written: the first clause's kind wins
/// (the linter reports the conflict); access key parts are gathered.
fn combine_auth(clauses: &[AuthClause]) -> Option<Authorization> {
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

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub(crate) fn closest<'k>(word: &str, candidates: &[&'k str]) -> Option<&'k str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current[j + 1] = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
