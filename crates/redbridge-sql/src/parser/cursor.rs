//! The cursor over one statement's tokens and the small readers every clause uses: words,
//! strings, numbers, sizes, identifiers, and skipping ahead after an error.

use super::{StatementKind, describe};
use crate::ast::{Ident, Size, SizeUnit, TableName};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{Token, TokenKind};

/// A recursive-descent parser over one statement's tokens.
pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) tokens: &'a [Token],
    pub(super) pos: usize,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The `JOB CREATE name [AUTO ON | OFF]` clause of a COPY, when there is one.
    pub(super) copy_job: Option<Span>,
}

/// Something went wrong and has been reported; the caller recovers.
pub(super) struct Reported;

impl<'a> Parser<'a> {
    /// A parser at the first of `tokens`.
    pub(super) fn new(text: &'a str, tokens: &'a [Token]) -> Self {
        Self { text, tokens, pos: 0, diagnostics: Vec::new(), copy_job: None }
    }

    pub(super) fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    pub(super) fn raw(&self, token: &Token) -> &'a str {
        &self.text[token.span.start..token.span.end]
    }

    /// The uppercase word at the cursor, if the next token is a word.
    pub(super) fn peek_word(&self) -> Option<String> {
        let token = self.peek()?;
        (token.kind == TokenKind::Word).then(|| self.raw(token).to_ascii_uppercase())
    }

    pub(super) fn at_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Word && self.raw(t).eq_ignore_ascii_case(word))
    }

    pub(super) fn eat_word(&mut self, word: &str) -> bool {
        let at = self.at_word(word);
        if at {
            self.pos += 1;
        }
        at
    }

    pub(super) fn end_of_previous(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.span.end)
    }

    /// Reports "expected X" at the cursor.
    pub(super) fn expected(&mut self, what: &str) -> Reported {
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

    /// Whether the next token is a template placeholder.
    pub(super) fn at_placeholder(&self) -> bool {
        self.peek().is_some_and(|t| t.kind == TokenKind::Placeholder)
    }

    /// A string literal, or a placeholder standing for one (its value is the placeholder as
    /// written: the checks of the value are then skipped, see `crate::template`).
    pub(super) fn string(&mut self, what: &str) -> Result<(String, Span), Reported> {
        match self.peek() {
            Some(Token { kind: TokenKind::Str(value), span }) => {
                self.pos += 1;
                Ok((value.clone(), *span))
            }
            Some(token @ Token { kind: TokenKind::Placeholder, span }) => {
                self.pos += 1;
                Ok((self.raw(token).to_owned(), *span))
            }
            _ => Err(self.expected(what)),
        }
    }

    pub(super) fn expect(&mut self, kind: &TokenKind, what: &str) -> Result<Span, Reported> {
        match self.peek() {
            Some(token) if &token.kind == kind => {
                self.pos += 1;
                Ok(token.span)
            }
            _ => Err(self.expected(what)),
        }
    }

    pub(super) fn ident(&mut self) -> Option<Ident> {
        match self.peek() {
            Some(token @ Token { kind: TokenKind::Word | TokenKind::Placeholder, .. }) => {
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

    pub(super) fn table_name(&mut self) -> Option<TableName> {
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
            // `database.schema.table`, Redshift's three-part name: the tree keeps the schema
            // and the table; no check depends on the database.
            if self.peek().is_some_and(|t| t.kind == TokenKind::Dot) {
                self.pos += 1;
                let Some(table) = self.ident() else {
                    self.expected("a table name after `.`");
                    return None;
                };
                return Some(TableName { schema: Some(name), name: table });
            }
            return Some(TableName { schema: Some(first), name });
        }
        Some(TableName { schema: None, name: first })
    }

    /// `( ident, ... )`, the cursor on `(`.
    pub(super) fn ident_list(&mut self) -> Result<Vec<Ident>, Reported> {
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

    pub(super) fn unsigned(&mut self, what: &str) -> Result<u64, Reported> {
        if self.at_placeholder() {
            // A placeholder for the number: taken as 0, a value no check refuses.
            self.pos += 1;
            return Ok(0);
        }
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

    pub(super) fn size(&mut self, what: &str) -> Result<Size, Reported> {
        self.eat_word("AS");
        let value = match self.peek() {
            Some(token @ Token { kind: TokenKind::Number, .. }) => {
                self.pos += 1;
                self.raw(token).to_owned()
            }
            // A placeholder for the size (`{{ max_file_size }}`, which may hold the unit too):
            // taken as 32 MB, a size both MAXFILESIZE and ROWGROUPSIZE accept.
            Some(Token { kind: TokenKind::Placeholder, .. }) => {
                self.pos += 1;
                return Ok(Size { value: 32.to_string(), unit: Some(SizeUnit::Mb) });
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

    /// Skips to the next word that could start a parameter of `statement` (a keyword of the
    /// table or an alias's first word), after an error.
    pub(super) fn recover(&mut self, statement: StatementKind) {
        while let Some(token) = self.peek() {
            if token.kind == TokenKind::Word {
                let word = self.raw(token).to_ascii_uppercase();
                if crate::options::starts_parameter(&word, statement) {
                    return;
                }
            }
            self.pos += 1;
        }
    }
}
