//! The error every identifier parser returns: what was being parsed, the input, where, and why.

use std::fmt;

/// A value that is not a valid identifier of the kind that was expected.
///
/// The message names the kind (`account id`, `bucket name`, ...), quotes the input, gives the
/// 1-based character position of the first offending character when there is one, and says what
/// is wrong in words a person can act on. Control characters in the quoted input are escaped
/// ([`crate::escape`]): the input may be hostile and the message is shown on a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    what: &'static str,
    input: String,
    position: Option<usize>,
    reason: String,
}

impl IdError {
    pub(crate) fn new(what: &'static str, input: &str, reason: impl Into<String>) -> Self {
        Self { what, input: truncate(input), position: None, reason: reason.into() }
    }

    /// Attaches the 0-based byte offset of the offending character; it is reported 1-based.
    pub(crate) fn at(mut self, byte_offset: usize, input: &str) -> Self {
        let chars_before = input.get(..byte_offset).map_or(byte_offset, |s| s.chars().count());
        self.position = Some(chars_before + 1);
        self
    }

    /// The kind of identifier that was expected, for example `role ARN`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The 1-based character position of the first offending character, if one can be named.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// Why the input was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `{}`", self.what, crate::escape::Escaped(&self.input))?;
        if let Some(position) = self.position {
            write!(f, " at character {position}")?;
        }
        write!(f, ": {}", crate::escape::Escaped(&self.reason))
    }
}

impl std::error::Error for IdError {}

/// Keeps error messages readable when someone pastes a whole document where an id was expected.
fn truncate(input: &str) -> String {
    const MAX: usize = 120;
    if input.chars().count() <= MAX {
        input.to_owned()
    } else {
        let mut s: String = input.chars().take(MAX).collect();
        s.push('…');
        s
    }
}
