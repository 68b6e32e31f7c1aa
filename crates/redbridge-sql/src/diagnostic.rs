//! Source positions and the diagnostics the parser and linter report.

use serde::Serialize;

/// A byte range in the source text, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
}

/// Maps byte offsets to lines and columns.
///
/// Built once per text in one pass; every lookup then costs a binary search and a scan of at
/// most `BLOCK` (64) bytes, however long the line, so reporting `n` diagnostics on one long line
/// stays linear in `n` and the text.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// For non-ASCII text: the number of characters that start before byte `k * BLOCK`, for
    /// every `k`; empty when every character is one byte.
    chars_before_block: Vec<usize>,
}

/// Bytes between the character-count marks of a [`LineIndex`].
const BLOCK: usize = 64;

/// Lines up to this many bytes are shown whole by [`LineIndex::excerpt`].
pub const EXCERPT_WHOLE_LINE_BYTES: usize = 512;
/// Characters [`LineIndex::excerpt`] keeps before the offset on a longer line.
pub const EXCERPT_BEFORE_CHARS: usize = 120;
/// Characters [`LineIndex::excerpt`] keeps from the offset on a longer line.
pub const EXCERPT_AFTER_CHARS: usize = 240;

/// The part of a source line shown under a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt<'a> {
    /// The text: the whole line, or a window of a long line with `…` where it was cut.
    pub text: std::borrow::Cow<'a, str>,
    /// The 1-based column, in characters of `text`, of the offset the excerpt was asked for.
    pub column: usize,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let chars_before_block = if text.is_ascii() {
            Vec::new()
        } else {
            let mut marks = Vec::with_capacity(text.len() / BLOCK + 1);
            let mut count = 0;
            for block in text.as_bytes().chunks(BLOCK) {
                marks.push(count);
                count += block.iter().filter(|&&b| !is_continuation(b)).count();
            }
            marks.push(count);
            marks
        };
        Self { text, line_starts, chars_before_block }
    }

    /// The number of characters that start before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        let from = block * BLOCK;
        self.chars_before_block[block]
            + self.text.as_bytes()[from..offset].iter().filter(|&&b| !is_continuation(b)).count()
    }

    /// `offset` clamped to the text and moved back to a character boundary.
    fn boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The line and column of a byte offset (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.boundary(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        Position { line, column }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else { return "" };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// The line of `offset` as a diagnostic shows it: whole when it has at most
    /// `EXCERPT_WHOLE_LINE_BYTES` (512) bytes, otherwise `EXCERPT_BEFORE_CHARS` (120) characters
    /// before the offset and `EXCERPT_AFTER_CHARS` (240) from it, with `…` where the line was cut, so that
    /// what is printed per diagnostic does not grow with the line.
    pub fn excerpt(&self, offset: usize) -> Excerpt<'a> {
        let offset = self.boundary(offset);
        let position = self.position(offset);
        let line = self.line_text(position.line);
        if line.len() <= EXCERPT_WHOLE_LINE_BYTES {
            return Excerpt { text: std::borrow::Cow::Borrowed(line), column: position.column };
        }
        let line_start = self.line_starts[position.line - 1];
        // The offset may sit in the line break (a span ending a line): clamp it into the line.
        let at = (offset - line_start).min(line.len());
        let before = &line[..at];
        let from = before.char_indices().rev().nth(EXCERPT_BEFORE_CHARS - 1).map_or(0, |(i, _)| i);
        let after = &line[at..];
        let to = after.char_indices().nth(EXCERPT_AFTER_CHARS).map_or(line.len(), |(i, _)| at + i);
        let mut text = String::new();
        if from > 0 {
            text.push('…');
        }
        text.push_str(&line[from..to]);
        if to < line.len() {
            text.push('…');
        }
        let column = line[from..at].chars().count() + 1 + usize::from(from > 0);
        Excerpt { text: std::borrow::Cow::Owned(text), column }
    }
}

/// Whether `byte` continues a UTF-8 character rather than starting one.
fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Not a problem: what the linter could not check, and why (a template placeholder hid the
    /// value, a COPY JOB command holds no COPY).
    Note,
    /// Redshift would probably run the statement, but it is likely not what was meant.
    Warning,
    /// Redshift would reject the statement, or it cannot work.
    Error,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// One finding: a stable code, a severity, where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The stable code, `RB-SQL-NNN`; see [`crate::codes`].
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The bytes the finding is about.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Diagnostic {
    /// The diagnostic with control characters in its message and help escaped, through the one
    /// helper [`redbridge_iam::escape::escape_controls`]: both quote tokens of the input, and an
    /// ANSI escape in an identifier must not reach the terminal that shows them. Every
    /// diagnostic `parse` and `lint` return has been through here.
    pub(crate) fn with_controls_escaped(mut self) -> Self {
        use redbridge_iam::escape::escape_controls;
        if let std::borrow::Cow::Owned(message) = escape_controls(&self.message) {
            self.message = message;
        }
        if let std::borrow::Cow::Owned(help) = escape_controls(&self.help) {
            self.help = help;
        }
        self
    }
}
