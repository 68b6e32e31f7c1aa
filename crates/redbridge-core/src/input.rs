//! Input text hygiene, without I/O: the bytes of a file or of standard input decoded into text
//! the parsers can trust, or refused with what is wrong and where.
//!
//! A UTF-8 byte-order mark is stripped (left in place it hides the first statement of a SQL
//! file from the parser). UTF-16 (a `FF FE` or `FE FF` byte-order mark), invalid UTF-8 and
//! binary input (a NUL byte) are refused with the offset, line and column of the first bad
//! byte. Inputs are capped at [`MAX_INPUT_BYTES`]; a reader checks the size before reading all
//! of it (the CLI's does) and [`decode_text`] checks it again.

use std::fmt;

/// The largest input accepted, in bytes: 16 MiB.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Where a byte is in an input: byte offset (from 0, counting a stripped byte-order mark) and
/// line and column (from 1; columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BytePosition {
    /// Offset of the byte in the input as read.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for BytePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (byte offset {})", self.line, self.column, self.offset)
    }
}

/// Why an input is refused. `name` is the file's name as the user gave it, or `<stdin>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The input is larger than [`MAX_INPUT_BYTES`]; `size` is `None` for a stream that went past it.
    #[error("{} is {}, over the input limit of {} bytes (16 MiB)", quoted(name), size_text(*size), MAX_INPUT_BYTES)]
    TooLarge {
        /// The input's name.
        name: String,
        /// Its size in bytes, when known before reading.
        size: Option<u64>,
    },
    /// The input starts with a UTF-16 byte-order mark.
    #[error("{} is UTF-16 text (byte-order mark `{bom}` at byte offset 0); save it as UTF-8", quoted(name))]
    Utf16 {
        /// The input's name.
        name: String,
        /// The byte-order mark, as hex bytes.
        bom: &'static str,
    },
    /// The input holds a NUL byte: it is binary, not text.
    #[error("{} is binary, not text: a NUL byte at {at}", quoted(name))]
    Binary {
        /// The input's name.
        name: String,
        /// Where the first NUL byte is.
        at: BytePosition,
    },
    /// The input is not valid UTF-8.
    #[error("{} is not UTF-8 text: byte `0x{byte:02X}` at {at} is not valid UTF-8", quoted(name))]
    NotUtf8 {
        /// The input's name.
        name: String,
        /// The first byte that is not valid UTF-8.
        byte: u8,
        /// Where it is.
        at: BytePosition,
    },
}

fn quoted(name: &str) -> String {
    if name == "<stdin>" { "standard input".to_owned() } else { format!("`{name}`") }
}

fn size_text(size: Option<u64>) -> String {
    match size {
        Some(size) => format!("{size} bytes"),
        None => format!("more than {MAX_INPUT_BYTES} bytes"),
    }
}

/// Decodes an input's bytes into text: strips a UTF-8 byte-order mark and refuses inputs that
/// are too large, UTF-16, binary or not UTF-8. `name` names the input in the error.
pub fn decode_text(name: &str, mut bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { name: name.to_owned(), size: Some(bytes.len() as u64) });
    }
    let bom = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some("FF FE"),
        Some([0xFE, 0xFF]) => Some("FE FF"),
        _ => None,
    };
    if let Some(bom) = bom {
        return Err(InputError::Utf16 { name: name.to_owned(), bom });
    }
    let skipped = if bytes.starts_with(UTF8_BOM) { UTF8_BOM.len() } else { 0 };
    bytes.drain(..skipped);
    // The first bad byte is reported: a NUL byte is valid UTF-8, so it is looked for only
    // before the first invalid sequence. The text is validated once.
    let binary = |bytes: &[u8]| bytes.iter().position(|&b| b == 0);
    match String::from_utf8(bytes) {
        Ok(text) => match binary(text.as_bytes()) {
            Some(nul) => Err(InputError::Binary { name: name.to_owned(), at: position(text.as_bytes(), nul, skipped) }),
            None => Ok(text),
        },
        Err(error) => {
            let bytes = error.as_bytes();
            let bad = error.utf8_error().valid_up_to();
            Err(match binary(&bytes[..bad]) {
                Some(nul) => InputError::Binary { name: name.to_owned(), at: position(bytes, nul, skipped) },
                None => {
                    InputError::NotUtf8 { name: name.to_owned(), byte: bytes[bad], at: position(bytes, bad, skipped) }
                }
            })
        }
    }
}

/// The position of `bytes[index]`, whose prefix is valid UTF-8; `skipped` bytes were stripped.
fn position(bytes: &[u8], index: usize, skipped: usize) -> BytePosition {
    let at = position_in(&String::from_utf8_lossy(&bytes[..index]), index);
    BytePosition { offset: index + skipped, ..at }
}

/// The position of byte `offset` of `text` (clamped to its length and to a character boundary),
/// counted as lint counts: [`redbridge_sql::LineIndex`] (build one for many offsets of one text).
pub fn position_in(text: &str, offset: usize) -> BytePosition {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let at = redbridge_sql::LineIndex::new(text).position(offset);
    BytePosition { offset, line: at.line, column: at.column }
}

/// Line and column (from 1, columns in characters) of a place serde_json reports: its column
/// counts bytes, turned here into characters as every other position counts them.
pub fn json_position(text: &str, line: usize, byte_column: usize) -> BytePosition {
    let line_start = match line {
        0 | 1 => 0,
        _ => text.match_indices('\n').nth(line - 2).map_or(text.len(), |(at, _)| at + 1),
    };
    position_in(text, line_start + byte_column.saturating_sub(1))
}

/// serde_json's message without the ` at line L column C` it appends (the place is reported
/// as [`TextError::at`] instead).
pub fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// An error at a place in an input's text. `Display` writes `LINE:COLUMN: message`, so that
/// `{name}:{error}` is `NAME:LINE:COLUMN: message`, the place lint's `-->` lines name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {message}", at.line, at.column)]
pub struct TextError {
    /// Where.
    pub at: BytePosition,
    /// What is wrong.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], expect: Result<&str, &str>) {
        let got = decode_text("q.sql", bytes.to_vec()).map_err(|e| e.to_string());
        assert_eq!(got.as_deref(), expect.map_err(|e| e.to_owned()).as_deref());
    }

    #[test]
    fn a_utf8_bom_is_stripped_and_nothing_else_changes() {
        check(b"\xEF\xBB\xBFCOPY t", Ok("COPY t"));
        check(b"COPY t\r\n", Ok("COPY t\r\n"));
        check(b"", Ok(""));
        check(b"\xEF\xBB\xBF", Ok(""));
    }

    #[test]
    fn utf16_is_refused_naming_the_byte_order_mark() {
        check(
            b"\xFF\xFEC\0",
            Err("`q.sql` is UTF-16 text (byte-order mark `FF FE` at byte offset 0); save it as UTF-8"),
        );
        check(
            b"\xFE\xFF\0C",
            Err("`q.sql` is UTF-16 text (byte-order mark `FE FF` at byte offset 0); save it as UTF-8"),
        );
    }

    #[test]
    fn binary_and_invalid_utf8_are_refused_with_their_position() {
        check(b"ab\ncd\0", Err("`q.sql` is binary, not text: a NUL byte at line 2, column 3 (byte offset 5)"));
        check(
            b"\xEF\xBB\xBF\xC3\xA9\n\xC3\xA9x\xFF",
            Err("`q.sql` is not UTF-8 text: byte `0xFF` at line 2, column 3 (byte offset 9) is not valid UTF-8"),
        );
        check(
            b"a\xFF\0",
            Err("`q.sql` is not UTF-8 text: byte `0xFF` at line 1, column 2 (byte offset 1) is not valid UTF-8"),
        );
        check(b"a\0\xFF", Err("`q.sql` is binary, not text: a NUL byte at line 1, column 2 (byte offset 1)"));
    }

    #[test]
    fn standard_input_is_named_as_such() {
        let error = decode_text("<stdin>", vec![0]).unwrap_err().to_string();
        assert_eq!(error, "standard input is binary, not text: a NUL byte at line 1, column 1 (byte offset 0)");
    }

    #[test]
    fn an_input_over_the_cap_is_refused_with_its_size() {
        let error = InputError::TooLarge { name: "big.sql".to_owned(), size: Some(20_000_000) }.to_string();
        assert_eq!(error, "`big.sql` is 20000000 bytes, over the input limit of 16777216 bytes (16 MiB)");
    }
}
