//! The diagnostics for a string, quoted identifier or block comment that is never closed, with
//! the place the missing quote most likely belongs.

use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{LexError, Token, TokenKind};

/// The diagnostic for an unterminated string, identifier or comment, with a concrete fix.
pub(super) fn lex_error_diagnostic(text: &str, tokens: &[Token], error: LexError) -> Diagnostic {
    match error {
        LexError::UnterminatedString(span) if text.as_bytes().get(span.start) == Some(&b'$') => {
            let tag = crate::lexer::dollar_tag(text, span.start).unwrap_or("$$");
            Diagnostic {
                code: codes::UNTERMINATED_STRING,
                severity: Severity::Error,
                span: Span::new(span.start, span.start + tag.len()),
                message: format!("unterminated dollar-quoted string: the closing `{tag}` is missing"),
                help: format!(
                    "close the string with `{tag}`; `$name$` variables of a template are not read as placeholders (`--template` reads Jinja and Python)"
                ),
            }
        }
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
        let swallowed = crate::options::find(&next_word.to_ascii_uppercase()).is_some();
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
