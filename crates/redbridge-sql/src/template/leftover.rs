//! Placeholders left in a statement copied from an example: `<Your-AWS-Account-Number>`,
//! `<bucket>`, `XXXXXXXXXXXX`, `your-account-id` (errors: Redshift cannot use them), and the
//! example values of AWS's documentation, `123456789012` and `amzn-s3-demo-bucket` (warnings:
//! they are valid, and almost surely not meant).

use super::{COMBINATION_CODES, overlaps};
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{Token, TokenKind};
use crate::lint::StatementReport;
use crate::parser::ParsedStatement;

/// Reports the leftovers in the string literals of `parsed` (its UNLOAD query excepted) and
/// drops the diagnostics a leftover drew (`… is not an IAM role ARN`), which it explains.
pub(super) fn apply(
    text: &str,
    parsed: &ParsedStatement,
    tokens: &[Token],
    expressions: &[Span],
    report: &mut StatementReport,
) {
    let first = tokens.partition_point(|t| t.span.start < parsed.span.start);
    let mut found: Vec<(Span, bool)> = Vec::new();
    for token in tokens[first..].iter().take_while(|t| t.span.start < parsed.span.end) {
        if !matches!(token.kind, TokenKind::Str(_)) || Some(token.span) == parsed.query_span {
            continue;
        }
        if text.as_bytes().get(token.span.start) != Some(&b'\'') {
            continue;
        }
        let body = Span::new(token.span.start + 1, token.span.end.saturating_sub(1).max(token.span.start + 1));
        for (span, error) in leftovers(text, body) {
            if !expressions.iter().any(|&e| overlaps(span, e)) {
                found.push((span, error));
            }
        }
    }
    if found.is_empty() {
        return;
    }
    report.diagnostics.retain(|d| {
        COMBINATION_CODES.contains(&d.code) || !found.iter().any(|&(span, error)| error && overlaps(d.span, span))
    });
    for (span, error) in found {
        report.diagnostics.push(diagnostic(text, span, error));
    }
}

/// The leftovers in the source text `body` of a string literal: their spans, and whether each
/// is an error (a placeholder) rather than a warning (a documentation example value).
fn leftovers(text: &str, body: Span) -> Vec<(Span, bool)> {
    let raw = &text[body.start..body.end];
    let mut found = Vec::new();
    // `<…>`: a word or words between angle brackets.
    let mut i = 0;
    while let Some(open) = raw[i..].find('<').map(|n| i + n) {
        let close = raw[open..].find('>').map(|n| open + n);
        match close {
            Some(close)
                if close > open + 1
                    && close - open <= 80
                    && raw[open + 1..close].chars().any(char::is_alphabetic)
                    && !raw[open + 1..close].contains(['<', '\'', '\n']) =>
            {
                found.push((Span::new(body.start + open, body.start + close + 1), true));
                i = close + 1;
            }
            _ => i = open + 1,
        }
    }
    // The account of an IAM ARN written in words (`arn:aws:iam::Amazon_Redshift_Account_ID:role/R`):
    // an account id has digits only, so a word there names the value to put.
    for (at, _) in raw.match_indices(":iam::") {
        let start = at + ":iam::".len();
        let end = raw[start..].find([':', ',', '\'']).map_or(raw.len(), |n| start + n);
        let account = &raw[start..end];
        if account.chars().any(|c| c.is_ascii_alphabetic()) && !account.contains(char::is_whitespace) {
            let span = Span::new(body.start + start, body.start + end);
            if !found.iter().any(|&(f, _)| overlaps(span, f)) {
                found.push((span, true));
            }
        }
    }
    // The pieces between separators: `XXXX…`, `your-…`, the documentation's example values.
    let mut start = 0;
    for (index, c) in raw.char_indices().chain(std::iter::once((raw.len(), ' '))) {
        if !(c.is_whitespace() || matches!(c, ':' | '/' | ',' | '=' | ';' | '\'' | '"')) {
            continue;
        }
        let piece = &raw[start..index];
        let span = Span::new(body.start + start, body.start + index);
        start = index + c.len_utf8();
        if piece.is_empty() || found.iter().any(|&(f, _)| overlaps(span, f)) {
            continue;
        }
        let lower = piece.to_ascii_lowercase();
        if (piece.len() >= 4 && piece.chars().all(|c| c == 'x' || c == 'X'))
            || lower.starts_with("your-")
            || lower.starts_with("your_")
        {
            found.push((span, true));
        } else if piece == "123456789012" || lower.starts_with("amzn-s3-demo-") {
            found.push((span, false));
        }
    }
    found.sort_by_key(|(span, _)| span.start);
    found
}

fn diagnostic(text: &str, span: Span, error: bool) -> Diagnostic {
    let value = &text[span.start..span.end];
    let (severity, code, message, help) = if error {
        (
            Severity::Error,
            codes::LEFTOVER_PLACEHOLDER,
            format!("`{value}` is a placeholder left from an example, not a value"),
            "replace it with the real value".to_owned(),
        )
    } else if value.starts_with(|c: char| c.is_ascii_digit()) {
        (
            Severity::Warning,
            codes::EXAMPLE_VALUE,
            format!("`{value}` is the example account id of AWS's documentation"),
            "replace it with the id of your account".to_owned(),
        )
    } else {
        (
            Severity::Warning,
            codes::EXAMPLE_VALUE,
            format!("`{value}` is an example bucket name of AWS's documentation"),
            "replace it with your bucket's name".to_owned(),
        )
    };
    Diagnostic { code, severity, span, message, help }.with_controls_escaped()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(raw: &str) -> Vec<(&str, bool)> {
        let text = format!("'{raw}'");
        let spans = leftovers(&text, Span::new(1, text.len() - 1));
        spans.into_iter().map(|(s, e)| (&raw[s.start - 1..s.end - 1], e)).collect()
    }

    #[test]
    fn placeholders_of_examples_are_found_and_real_values_are_not() {
        assert_eq!(found("arn:aws:iam::<Your-AWS-Account-Number>:role/R"), [("<Your-AWS-Account-Number>", true)]);
        assert_eq!(found("arn:aws:iam::XXXXXXXXXXXX:role/R"), [("XXXXXXXXXXXX", true)]);
        assert_eq!(found("arn:aws-cn:iam::your-account-id:role/R"), [("your-account-id", true)]);
        assert_eq!(found("s3://<bucket>/in/"), [("<bucket>", true)]);
        assert_eq!(found("arn:aws:iam::123456789012:role/R"), [("123456789012", false)]);
        assert_eq!(found("s3://amzn-s3-demo-bucket/x"), [("amzn-s3-demo-bucket", false)]);
        assert!(found("arn:aws:iam::111111111111:role/RoleA-xxx").is_empty());
        assert_eq!(found("arn:aws:iam::Amazon_Redshift_Account_ID:role/R"), [("Amazon_Redshift_Account_ID", true)]);
        // Digits of the wrong length are a wrong account id, not a placeholder.
        assert!(found("arn:aws:iam::123:role/R").is_empty());
        assert!(found("s3://my-bucket/a<b/c").is_empty());
    }
}
