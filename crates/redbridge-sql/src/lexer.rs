//! The lexer: words, quoted identifiers, string literals, numbers and punctuation, with spans;
//! comments and whitespace are skipped.

use crate::diagnostic::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A keyword or unquoted identifier, as written.
    Word,
    /// `"..."`, with the value unescaped.
    QuotedIdent(String),
    /// `'...'`, with the value unescaped.
    Str(String),
    /// Digits with an optional fraction.
    Number,
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `,`.
    Comma,
    /// `;`.
    Semicolon,
    /// `.`.
    Dot,
    /// Any other character.
    Other(char),
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Why lexing stopped early.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexError {
    /// A `'` string runs to the end of the input; the span starts at the opening quote.
    UnterminatedString(Span),
    /// A `"` identifier runs to the end of the input.
    UnterminatedIdent(Span),
    /// A `/*` comment runs to the end of the input.
    UnterminatedComment(Span),
}

/// Tokenizes `text`. On an unterminated string, identifier or comment, returns the tokens before
/// it and the error; everything after the opening delimiter is part of the broken token.
pub(crate) fn lex(text: &str) -> (Vec<Token>, Option<LexError>) {
    lex_from_until(text, 0, &mut |_| false)
}

/// [`lex`] from byte `from` of `text` (spans stay those of `text`), stopping right after the
/// first string token for which `stop` is true.
pub(crate) fn lex_from_until(
    text: &str,
    from: usize,
    stop: &mut dyn FnMut(&Token) -> bool,
) -> (Vec<Token>, Option<LexError>) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let single = |kind| Token { kind, span: Span::new(start, start + 1) };
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => i = i + 2 + n + 2,
                None => return (tokens, Some(LexError::UnterminatedComment(Span::new(start, bytes.len())))),
            },
            b'\'' => match lex_string(text, i) {
                Some((value, end)) => {
                    let token = Token { kind: TokenKind::Str(value), span: Span::new(start, end) };
                    let stopped = stop(&token);
                    tokens.push(token);
                    if stopped {
                        return (tokens, None);
                    }
                    i = end;
                }
                None => return (tokens, Some(LexError::UnterminatedString(Span::new(start, bytes.len())))),
            },
            b'"' => match lex_quoted_ident(text, i) {
                Some((value, end)) => {
                    tokens.push(Token { kind: TokenKind::QuotedIdent(value), span: Span::new(start, end) });
                    i = end;
                }
                None => return (tokens, Some(LexError::UnterminatedIdent(Span::new(start, bytes.len())))),
            },
            b'(' => {
                tokens.push(single(TokenKind::LParen));
                i += 1;
            }
            b')' => {
                tokens.push(single(TokenKind::RParen));
                i += 1;
            }
            b',' => {
                tokens.push(single(TokenKind::Comma));
                i += 1;
            }
            b';' => {
                tokens.push(single(TokenKind::Semicolon));
                i += 1;
            }
            b'.' => {
                tokens.push(single(TokenKind::Dot));
                i += 1;
            }
            b'0'..=b'9' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                // An exponent, as in `SIMPLIFY AUTO 1.1E-05`.
                if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                    let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
                    if bytes.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                        i += 1 + sign;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                tokens.push(Token { kind: TokenKind::Number, span: Span::new(start, i) });
            }
            _ if is_word_start(text, i) => {
                i += char_len(text, i);
                while i < bytes.len() && is_word_continue(text, i) {
                    i += char_len(text, i);
                }
                tokens.push(Token { kind: TokenKind::Word, span: Span::new(start, i) });
            }
            _ => {
                let len = char_len(text, i);
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                tokens.push(Token { kind: TokenKind::Other(c), span: Span::new(start, i + len) });
                i += len;
            }
        }
    }
    (tokens, None)
}

fn char_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

fn is_word_start(text: &str, i: usize) -> bool {
    text[i..].chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn is_word_continue(text: &str, i: usize) -> bool {
    text[i..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Lexes a string literal starting at the `'` at `start`; returns the unescaped value and the
/// offset after the closing quote. Escapes follow PostgreSQL 8 escape strings, which Redshift
/// uses: `''` and `\'` are a quote, `\\` a backslash, `\n \r \t \b \f` control characters,
/// `\ooo` an octal code, and `\c` any other character `c`.
pub(crate) fn lex_string(text: &str, start: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\'' => {
                if let Some(&(_, '\'')) = chars.peek() {
                    chars.next();
                    value.push('\'');
                } else {
                    return Some((value, start + 1 + offset + 1));
                }
            }
            '\\' => {
                let (_, escaped) = chars.next()?;
                match escaped {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    '0'..='7' => {
                        let mut code = escaped as u32 - '0' as u32;
                        for _ in 0..2 {
                            match chars.peek() {
                                Some(&(_, d @ '0'..='7')) => {
                                    code = code * 8 + (d as u32 - '0' as u32);
                                    chars.next();
                                }
                                _ => break,
                            }
                        }
                        value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => value.push(other),
                }
            }
            other => value.push(other),
        }
    }
    None
}

/// Lexes a `"` identifier; `""` is a quote inside it.
fn lex_quoted_ident(text: &str, start: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c == '"' {
            if let Some(&(_, '"')) = chars.peek() {
                chars.next();
                value.push('"');
            } else {
                return Some((value, start + 1 + offset + 1));
            }
        } else {
            value.push(c);
        }
    }
    None
}

/// [`source_offset_in_string`] for every character offset at once, in one pass: element `k` is
/// where the value's character `k` is written; the last element is where the value ends (the
/// closing quote, or the end of the text), which is also the answer for any larger offset.
pub(crate) fn source_offsets_in_string(text: &str, literal_start: usize) -> Vec<usize> {
    let mut chars = text.get(literal_start + 1..).unwrap_or("").char_indices().peekable();
    let mut offsets = Vec::new();
    while let Some((offset, c)) = chars.next() {
        offsets.push(literal_start + 1 + offset);
        if c == '\'' && chars.peek().map(|&(_, n)| n) != Some('\'') {
            return offsets;
        }
        match c {
            '\'' => {
                chars.next();
            }
            '\\' => {
                if let Some((_, '0'..='7')) = chars.next() {
                    for _ in 0..2 {
                        if matches!(chars.peek(), Some(&(_, '0'..='7'))) {
                            chars.next();
                        }
                    }
                }
            }
            _ => {}
        }
    }
    offsets.push(text.len());
    offsets
}

/// Maps a character offset in a string literal's unescaped value to the byte offset in the
/// source where that character is written. `literal_start` is the offset of the opening quote.
pub(crate) fn source_offset_in_string(text: &str, literal_start: usize, value_chars: usize) -> usize {
    let mut chars = text.get(literal_start + 1..).unwrap_or("").char_indices().peekable();
    let mut seen = 0;
    while let Some((offset, c)) = chars.next() {
        if seen == value_chars || (c == '\'' && chars.peek().map(|&(_, n)| n) != Some('\'')) {
            return literal_start + 1 + offset;
        }
        match c {
            '\'' => {
                chars.next();
            }
            '\\' => {
                if let Some((_, d @ '0'..='7')) = chars.next() {
                    let _ = d;
                    for _ in 0..2 {
                        if matches!(chars.peek(), Some(&(_, '0'..='7'))) {
                            chars.next();
                        }
                    }
                }
            }
            _ => {}
        }
        seen += 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex(text).0.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn strings_unescape_doubled_quotes_and_backslashes() {
        assert_eq!(
            kinds(r"'it''s' 'a\'b' '\\' '\t'"),
            vec![
                TokenKind::Str("it's".into()),
                TokenKind::Str("a'b".into()),
                TokenKind::Str("\\".into()),
                TokenKind::Str("\t".into()),
            ]
        );
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(kinds("a -- x 'y\n/* 'z */ b"), vec![TokenKind::Word, TokenKind::Word]);
    }

    #[test]
    fn unterminated_string_reports_the_opening_quote() {
        let (tokens, error) = lex("x 'abc");
        assert_eq!(tokens.len(), 1);
        assert_eq!(error, Some(LexError::UnterminatedString(Span::new(2, 6))));
    }

    #[test]
    fn value_offsets_map_back_through_escapes() {
        let text = "x 'a''b,c'";
        // value is `a'b,c`; `,` is value char 3, written at byte 7.
        assert_eq!(source_offset_in_string(text, 2, 3), 7);
        assert_eq!(source_offset_in_string(text, 2, 5), 9);
    }

    #[test]
    fn all_value_offsets_at_once_are_the_offsets_one_at_a_time() {
        for text in ["x 'a''b\\101c\\nd' y", "'é''€'", "'open", "''", "'a\\'"] {
            let offsets = source_offsets_in_string(text, text.find('\'').unwrap_or(0));
            for k in 0..offsets.len() + 3 {
                let one = source_offset_in_string(text, text.find('\'').unwrap_or(0), k);
                assert_eq!(offsets.get(k).copied().unwrap_or(offsets[offsets.len() - 1]), one, "{text:?} at {k}");
            }
        }
    }
}
