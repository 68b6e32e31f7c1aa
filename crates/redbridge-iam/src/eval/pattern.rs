//! Wildcard patterns (`*` and `?`) compiled once, with optional policy variables, matched many times.
//!
//! IAM matches `*` against any run of characters (including none) and `?` against exactly one
//! character, in actions, resources, `StringLike` and `ArnLike` values. Actions match ignoring case;
//! everything else matches exactly. Policy variables (`${aws:username}`) are resolved at match time
//! and the text they produce is matched literally.

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text that must appear as written.
    Literal(String),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    Question,
    /// `${key}` or `${key, 'default'}`: the value of a request key, matched literally.
    Variable {
        /// The key, lowercased.
        key: String,
        /// The value used when the request lacks the key.
        default: Option<String>,
    },
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    /// Fast shape of the pattern.
    shape: Shape,
    /// Whether matching ignores ASCII case (the pattern is stored lowercased then).
    ignore_case: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*` alone.
    Any,
    /// No wildcard, no variable.
    Exact(String),
    /// `prefix*`.
    Prefix(String),
    /// Anything else.
    General(Vec<Piece>),
}

/// Resolves a policy variable to its text; `None` when the request lacks it.
pub(crate) trait Resolve {
    /// The single value of the lowercased `key`, if the request has exactly one.
    fn resolve(&self, key: &str) -> Option<std::borrow::Cow<'_, str>>;
}

/// A resolver that knows no variable, for patterns that have none.
pub(crate) struct NoVariables;

impl Resolve for NoVariables {
    fn resolve(&self, _key: &str) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

impl Pattern {
    /// Compiles `text`. With `variables`, `${…}` is a policy variable; otherwise it is literal text.
    pub(crate) fn compile(text: &str, ignore_case: bool, variables: bool) -> Result<Self, String> {
        Self::compile_with(text, ignore_case, variables, true)
    }

    /// Compiles `text` for exact comparison: `*` and `?` match only themselves.
    pub(crate) fn compile_exact(text: &str, ignore_case: bool, variables: bool) -> Result<Self, String> {
        Self::compile_with(text, ignore_case, variables, false)
    }

    fn compile_with(text: &str, ignore_case: bool, variables: bool, wildcards: bool) -> Result<Self, String> {
        let text_owned;
        let text = if ignore_case {
            text_owned = text.to_ascii_lowercase();
            text_owned.as_str()
        } else {
            text
        };
        let pieces = parse_pieces(text, variables, wildcards)?;
        let shape = match pieces.as_slice() {
            [Piece::Star] => Shape::Any,
            [] => Shape::Exact(String::new()),
            [Piece::Literal(s)] => Shape::Exact(s.clone()),
            [Piece::Literal(s), Piece::Star] => Shape::Prefix(s.clone()),
            _ => Shape::General(pieces),
        };
        Ok(Self { shape, ignore_case })
    }

    /// Matches `text`; `text` must already be lowercased when the pattern ignores case.
    pub(crate) fn matches(&self, text: &str, resolve: &dyn Resolve) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(s) => s == text,
            Shape::Prefix(p) => text.starts_with(p.as_str()),
            Shape::General(pieces) => {
                if pieces.iter().any(|p| matches!(p, Piece::Variable { .. })) {
                    let mut resolved: Vec<Resolved<'_>> = Vec::with_capacity(pieces.len());
                    for piece in pieces {
                        match piece {
                            Piece::Literal(s) => resolved.push(Resolved::Text(s.as_str().into())),
                            Piece::Star => resolved.push(Resolved::Star),
                            Piece::Question => resolved.push(Resolved::Question),
                            Piece::Variable { key, default } => {
                                let value = match resolve.resolve(key) {
                                    Some(v) => v,
                                    None => match default {
                                        Some(d) => d.as_str().into(),
                                        // An unresolved variable makes the element not match.
                                        None => return false,
                                    },
                                };
                                let value = if self.ignore_case { value.to_ascii_lowercase().into() } else { value };
                                resolved.push(Resolved::Text(value));
                            }
                        }
                    }
                    glob(&resolved, text)
                } else {
                    let resolved: Vec<Resolved<'_>> = pieces
                        .iter()
                        .map(|p| match p {
                            Piece::Literal(s) => Resolved::Text(s.as_str().into()),
                            Piece::Question => Resolved::Question,
                            _ => Resolved::Star,
                        })
                        .collect();
                    glob(&resolved, text)
                }
            }
        }
    }
}

/// Parses the pieces of a pattern.
pub(crate) fn parse_pieces(text: &str, variables: bool, wildcards: bool) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if variables && rest.starts_with("${") {
            let Some(end) = rest.find('}') else {
                // An unterminated `${` is literal text, as IAM treats it.
                literal.push_str(rest);
                break;
            };
            let inner = &rest[2..end];
            rest = &rest[end + 1..];
            match inner {
                "*" => literal.push('*'),
                "?" => literal.push('?'),
                "$" => literal.push('$'),
                _ => {
                    let (key, default) = parse_variable(inner)?;
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Variable { key, default });
                }
            }
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '*' if wildcards => {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                if pieces.last() != Some(&Piece::Star) {
                    pieces.push(Piece::Star);
                }
            }
            '?' if wildcards => {
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Question);
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

/// Parses `key` or `key, 'default'` inside `${…}`.
fn parse_variable(inner: &str) -> Result<(String, Option<String>), String> {
    let (key, default) = match inner.split_once(',') {
        None => (inner.trim(), None),
        Some((key, default)) => {
            let default = default.trim();
            let Some(default) = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) else {
                return Err(format!(
                    "policy variable `${{{inner}}}` has a default that is not in single quotes, as in `${{aws:username, 'nobody'}}`"
                ));
            };
            (key.trim(), Some(default.to_owned()))
        }
    };
    if key.is_empty() {
        return Err("empty policy variable `${}`".to_owned());
    }
    Ok((key.to_ascii_lowercase(), default))
}

/// A piece after variables are resolved.
enum Resolved<'a> {
    Text(std::borrow::Cow<'a, str>),
    Star,
    Question,
}

/// Matches resolved pieces against `text` with the classic greedy-star backtracking algorithm:
/// linear in the common cases, never worse than quadratic, no recursion.
fn glob(pieces: &[Resolved<'_>], text: &str) -> bool {
    let mut piece_index = 0;
    let mut position = 0;
    // Where to resume after the last `*`: (piece after the star, text position it was tried at).
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if piece_index == pieces.len() {
            if position == text.len() {
                return true;
            }
        } else {
            match &pieces[piece_index] {
                Resolved::Star => {
                    piece_index += 1;
                    if piece_index == pieces.len() {
                        return true;
                    }
                    backtrack = Some((piece_index, position));
                    continue;
                }
                Resolved::Question => {
                    if let Some(c) = text[position..].chars().next() {
                        position += c.len_utf8();
                        piece_index += 1;
                        continue;
                    }
                }
                Resolved::Text(s) => {
                    if text[position..].starts_with(s.as_ref()) {
                        position += s.len();
                        piece_index += 1;
                        continue;
                    }
                }
            }
        }
        // Mismatch: let the last star swallow one more character, or fail.
        let Some((after_star, tried_at)) = backtrack else {
            return false;
        };
        let Some(c) = text[tried_at..].chars().next() else {
            return false;
        };
        let next = tried_at + c.len_utf8();
        backtrack = Some((after_star, next));
        piece_index = after_star;
        position = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::compile(pattern, false, false).map(|p| p.matches(text, &NoVariables)).unwrap_or(false)
    }

    #[test]
    fn stars_and_questions() {
        assert!(m("*", ""));
        assert!(m("a*", "abc"));
        assert!(m("*c", "abc"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("a*b*c", "axxbyyc"));
        assert!(!m("a*b*c", "axxbyy"));
        assert!(m("a*a*a", "aaa"));
        assert!(m("?é", "xé"));
        assert!(!m("abc", "ABC"));
    }

    #[test]
    fn ignore_case_lowercases_the_pattern() {
        let p = Pattern::compile("S3:Get*", true, false).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.matches("s3:getobject", &NoVariables));
    }

    #[test]
    fn escapes_are_literal() {
        let p = Pattern::compile("a${*}b", false, true).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.matches("a*b", &NoVariables));
        assert!(!p.matches("axb", &NoVariables));
    }
}
