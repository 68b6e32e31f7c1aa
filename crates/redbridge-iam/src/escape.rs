//! Control characters in echoed input escaped, so that a value someone pasted (a bucket name
//! holding `ESC [31m`, an ARN with a carriage return) cannot recolour, move or rewrite the
//! terminal that shows an error or a report about it.
//!
//! The one helper every crate uses: C0 controls, DEL, C1 controls and the bidirectional
//! overrides and isolates (which reorder what is shown) are written as Rust escapes
//! (`\u{1b}`, `\r`, `\u{202e}`); everything else, including every printable non-ASCII
//! character, is kept as is. Escaped text holds none of them, so escaping twice changes nothing.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a terminal raw: C0 controls, DEL, C1 controls (U+0080 to
/// U+009F, where `U+009B` alone starts an ANSI sequence on some terminals), and the Unicode
/// bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069).
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_unsafe_control`] character escaped, except those `keep` allows
/// (a multi-line message keeps its `\n`); borrowed when there is nothing to escape.
pub fn escape_controls_except<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    let must_escape = |c: char| is_unsafe_control(c) && !keep.contains(&c);
    // Printable ASCII (and the ASCII `keep` allows) never needs escaping: whole outputs (`explain` over thousands of inputs)
    // are checked a byte at a time, and only other bytes go through the character test.
    let printable = |b: &u8| (0x20..0x7f).contains(b) || (*b < 0x20 && keep.contains(&char::from(*b)));
    if text.as_bytes().iter().all(printable) || !text.contains(must_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if must_escape(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every [`is_unsafe_control`] character escaped (line breaks too): for a value
/// quoted inside a one-line message.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_controls_except(text, &[])
}

/// A `Display` wrapper that writes its text through [`escape_controls`].
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_and_other_controls_are_escaped_and_printable_text_is_kept() {
        assert_eq!(escape_controls("acme-\u{1b}[31mdata"), "acme-\\u{1b}[31mdata");
        assert_eq!(escape_controls("a\r\nb\t\u{7f}\u{9b}c"), "a\\r\\nb\\t\\u{7f}\\u{9b}c");
        assert_eq!(escape_controls("rôle-データ"), "rôle-データ");
        assert_eq!(escape_controls("x\u{202e}y"), "x\\u{202e}y");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn escaping_twice_changes_nothing_and_kept_characters_stay_raw() {
        let once = escape_controls("\u{1b}]0;title\u{7}");
        assert_eq!(escape_controls(&once), once);
        assert_eq!(escape_controls_except("line 1\nline\u{1b} 2", &['\n']), "line 1\nline\\u{1b} 2");
        assert_eq!(Escaped("\u{1b}[0m").to_string(), "\\u{1b}[0m");
    }
}
