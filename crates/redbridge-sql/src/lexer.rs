//! The lexer: words, quoted identifiers, string literals (quoted or dollar-quoted), numbers,
//! punctuation and template placeholders, with spans; comments and whitespace are skipped.

use crate::diagnostic::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A keyword or unquoted identifier, as written.
    Word,
    /// `"..."`, with the value unescaped.
    QuotedIdent(String),
    /// `'...'`, with the value unescaped, or `$$...$$` / `$tag$...$tag$`, taken as written.
    Str(String),
    /// A template placeholder outside any string (`{{ table }}`, `%s`, `{name}`): an opaque
    /// value the parser takes in the slot where it stands (see `crate::template`).
    Placeholder,
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
    lex_from_until(text, 0, &[], &mut |_| false)
}

/// [`lex`] from byte `from` of `text` (spans stay those of `text`), stopping right after the
/// first string token for which `stop` is true. `placeholders` (sorted, not overlapping) are the
/// spans of template placeholders: one that starts where a token would is a
/// [`TokenKind::Placeholder`]; one inside a string or comment is part of it.
pub(crate) fn lex_from_until(
    text: &str,
    from: usize,
    placeholders: &[Span],
    stop: &mut dyn FnMut(&Token) -> bool,
) -> (Vec<Token>, Option<LexError>) {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = from;
    let mut next_placeholder = placeholders.partition_point(|p| p.start < from);
    while i < bytes.len() {
        while placeholders.get(next_placeholder).is_some_and(|p| p.start < i) {
            next_placeholder += 1;
        }
        if let Some(placeholder) = placeholders.get(next_placeholder).filter(|p| p.start == i && p.end > i) {
            let start = i;
            i = placeholder.end.min(bytes.len());
            i = glued_word_end(text, i, placeholders, &mut next_placeholder);
            tokens.push(Token { kind: TokenKind::Placeholder, span: Span::new(start, i) });
            continue;
        }
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
            b'\'' | b'$' if bytes[i] == b'\'' || dollar_tag(text, i).is_some() => {
                let lexed = if bytes[i] == b'\'' { lex_string(text, i) } else { lex_dollar_string(text, i) };
                let Some((value, end)) = lexed else {
                    return (tokens, Some(LexError::UnterminatedString(Span::new(start, bytes.len()))));
                };
                let token = Token { kind: TokenKind::Str(value), span: Span::new(start, end) };
                let stopped = stop(&token);
                tokens.push(token);
                if stopped {
                    return (tokens, None);
                }
                i = end;
            }
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
                // A placeholder written against the word (`stage_{{ name }}`) makes one name.
                let glued = glued_word_end(text, i, placeholders, &mut next_placeholder);
                let kind = if glued > i { TokenKind::Placeholder } else { TokenKind::Word };
                i = glued;
                tokens.push(Token { kind, span: Span::new(start, i) });
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

/// The end of the word characters and placeholders written against each other from `i` (`i`
/// itself when neither follows): `{table}_changes` and `core_{{ env }}_{{ name }}` are one name.
fn glued_word_end(text: &str, mut i: usize, placeholders: &[Span], next: &mut usize) -> usize {
    loop {
        while placeholders.get(*next).is_some_and(|p| p.start < i) {
            *next += 1;
        }
        if let Some(placeholder) = placeholders.get(*next).filter(|p| p.start == i && p.end > i) {
            i = placeholder.end.min(text.len());
        } else if i < text.len() && is_word_continue(text, i) {
            while i < text.len() && is_word_continue(text, i) && placeholders.get(*next).is_none_or(|p| p.start != i) {
                i += char_len(text, i);
            }
        } else {
            return i;
        }
    }
}

fn char_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

/// A word starts with a letter or `_`; `#` starts one too when a letter or `_` follows, as in
/// a temporary table's name (`#staging`).
fn is_word_start(text: &str, i: usize) -> bool {
    let mut chars = text[i..].chars();
    match chars.next() {
        Some('#') => chars.next().is_some_and(|c| c.is_alphabetic() || c == '_'),
        Some(c) => c.is_alphabetic() || c == '_',
        None => false,
    }
}

/// The dollar-quoted string starting at `i` (`$$…$$`, `$tag$…$tag$`): its text and the end of
/// its closing tag; `None` when it is never closed.
fn lex_dollar_string(text: &str, i: usize) -> Option<(String, usize)> {
    let tag = dollar_tag(text, i)?;
    let body = i + tag.len();
    let n = text[body..].find(tag)?;
    Some((text[body..body + n].to_owned(), body + n + tag.len()))
}

/// The opening tag of a dollar-quoted string at `i` (`$$` or `$tag$`, the tag a word that does
/// not start with a digit), as PostgreSQL and Redshift write them.
pub(crate) fn dollar_tag(text: &str, i: usize) -> Option<&str> {
    let rest = text.get(i..)?.strip_prefix('$')?;
    let len = rest.find('$')?;
    let tag = &rest[..len];
    let word = tag.chars().all(|c| c.is_alphanumeric() || c == '_');
    let first_ok = tag.chars().next().is_none_or(|c| !c.is_ascii_digit());
    (word && first_ok).then(|| &text[i..i + len + 2])
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
    if let Some(offsets) = dollar_offsets(text, literal_start) {
        return offsets;
    }
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
    if let Some(offsets) = dollar_offsets(text, literal_start) {
        return offsets.get(value_chars).or(offsets.last()).copied().unwrap_or(text.len());
    }
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

/// [`source_offsets_in_string`] for a dollar-quoted literal at `literal_start`: its value is
/// written as is, between the tags.
fn dollar_offsets(text: &str, literal_start: usize) -> Option<Vec<usize>> {
    let tag = dollar_tag(text, literal_start)?;
    let body_start = literal_start + tag.len();
    let body_end = text[body_start..].find(tag).map_or(text.len(), |n| body_start + n);
    let mut offsets: Vec<usize> = text[body_start..body_end].char_indices().map(|(k, _)| body_start + k).collect();
    offsets.push(body_end);
    Some(offsets)
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
    fn dollar_quoted_strings_are_taken_as_written() {
        assert_eq!(
            kinds("($$select 'a' from t$$) $x$b$$c$x$"),
            vec![
                TokenKind::LParen,
                TokenKind::Str("select 'a' from t".into()),
                TokenKind::RParen,
                TokenKind::Str("b$$c".into()),
            ]
        );
        let (_, error) = lex("$$open");
        assert_eq!(error, Some(LexError::UnterminatedString(Span::new(0, 6))));
        // `$1` is not a dollar quote.
        assert_eq!(kinds("$1"), vec![TokenKind::Other('$'), TokenKind::Number]);
        assert_eq!(source_offsets_in_string("x $$ab$$", 2), vec![4, 5, 6]);
    }

    #[test]
    fn a_temporary_table_name_is_one_word() {
        assert_eq!(kinds("#stage # x"), vec![TokenKind::Word, TokenKind::Other('#'), TokenKind::Word]);
    }

    #[test]
    fn a_placeholder_outside_strings_is_one_token_and_inside_a_string_part_of_it() {
        let text = "copy {{ t }} from 's3://{{ b }}/'";
        let spans = [Span::new(5, 12), Span::new(24, 31)];
        let (tokens, error) = lex_from_until(text, 0, &spans, &mut |_| false);
        assert_eq!(error, None);
        let kinds: Vec<TokenKind> = tokens.into_iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![TokenKind::Word, TokenKind::Placeholder, TokenKind::Word, TokenKind::Str("s3://{{ b }}/".into())]
        );
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
