//! The one table of COPY and UNLOAD parameter keywords ([`OPTIONS`]): which statement takes
//! each, what value follows it, which group of the AWS documentation it belongs to and which
//! formats it cannot be combined with.
//!
//! The parser reads a parameter only when its first word is in the table for that statement,
//! recovers from errors at the next keyword of the table, and takes its unknown-option
//! suggestions ("did you mean", "is an UNLOAD option") from it; the linter takes from it which
//! options conflict with the chosen format. Each [`Usage`] has room for the AWS documentation
//! page and sentence it comes from ([`DocSource`]), filled in as the table is audited.

pub mod book;
mod table;

pub use table::{CREDENTIALS_WITH_ROOT_KEY, OPTIONS};

use crate::parser::StatementKind;

/// The date the pages in the `sources` of the table were read.
pub const AUDITED_ON: &str = "2026-12-02";

/// One parameter keyword and how COPY and UNLOAD take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OptionKeyword {
    /// The keyword the parser matches, uppercase: the parameter's first word (`NULL` for
    /// `NULL AS`, `PARTITION` for `PARTITION BY`).
    pub keyword: &'static str,
    /// Other spellings of the same parameter, as written (`WITH CREDENTIALS`).
    pub aliases: &'static [&'static str],
    /// How COPY takes it; `None` when COPY does not.
    pub copy: Option<Usage>,
    /// How UNLOAD takes it; `None` when UNLOAD does not.
    pub unload: Option<Usage>,
}

/// How one statement takes a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// The group of parameters it belongs to.
    pub group: OptionGroup,
    /// What follows the keyword.
    pub value: ValueKind,
    /// Whether it may also be written after `FORMAT [AS]` (`FORMAT AS CSV`).
    pub after_format: bool,
    /// The format keywords (`CSV`, `PARQUET`, …) it cannot be combined with.
    pub excluded_formats: &'static [&'static str],
    /// Where the AWS documentation says so; empty until the keyword is audited.
    pub sources: &'static [DocSource],
    /// What the documentation says about combining it with other parameters: each rule with
    /// the diagnostic the linter gives and the sentence it rests on.
    pub combinations: &'static [Combination],
}

/// One documented rule about combining a parameter with others ("can't be used with",
/// "requires", "always use with").
///
/// Parameters are named as the linter sees them in a statement: the keyword (`NULL` for
/// `NULL AS`, formats by their keyword such as `CSV`, authorization by its keyword such as
/// `CREDENTIALS`), or a keyword and its variant: `ENCRYPTED AUTO`, and
/// `CREDENTIALS master_symmetric_key` for a CREDENTIALS string holding a root key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combination {
    /// The parameter the rule is about: the row's keyword, or the keyword and a variant.
    pub subject: &'static str,
    /// What the rule asks of the other parameters.
    pub rule: CombinationRule,
    /// The diagnostic code the linter reports when the rule is broken.
    pub code: &'static str,
    /// The page and sentence the rule rests on.
    pub source: DocSource,
}

/// What a [`Combination`] asks of the other parameters of the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CombinationRule {
    /// None of these may be present (an error on whichever of the two is written last).
    Excludes(&'static [&'static str]),
    /// One of these must be present (an error).
    Requires(&'static [&'static str]),
    /// One of these should be present (a warning: the page advises, it does not forbid).
    Recommends(&'static [&'static str]),
}

/// A place in the AWS documentation that a row of the table rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocSource {
    /// The page's address.
    pub page: &'static str,
    /// The sentence on that page, quoted exactly.
    pub sentence: &'static str,
}

/// Which statements take a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// COPY only.
    Copy,
    /// UNLOAD only.
    Unload,
    /// COPY and UNLOAD.
    Both,
}

/// The groups the AWS documentation sorts the parameters into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionGroup {
    /// `IAM_ROLE`, `CREDENTIALS` and the access keys.
    Authorization,
    /// Where and how COPY reads its source: `MANIFEST`, `REGION`, `ENCRYPTED`, ….
    DataSource,
    /// The file format: `FORMAT`, `CSV`, `JSON`, `PARQUET`, `DELIMITER`, `FIXEDWIDTH`, ….
    DataFormat,
    /// A compression codec: `GZIP`, `BZIP2`, `LZOP`, `ZSTD`.
    Compression,
    /// How COPY converts field values: `NULL AS`, `DATEFORMAT`, `ESCAPE`, ….
    Conversion,
    /// How COPY runs the load: `MAXERROR`, `COMPUPDATE`, `NOLOAD`, ….
    Load,
    /// What UNLOAD writes and how: `PARTITION BY`, `HEADER`, `PARALLEL`, `KMS_KEY_ID`, ….
    Unload,
}

/// What follows a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Nothing: the keyword alone.
    Flag,
    /// Optional words after the keyword, written as in the AWS syntax (`[VERBOSE]`).
    FlagWith(&'static str),
    /// A quoted string, optionally after `AS`.
    Text,
    /// An optional quoted string: `ACCEPTINVCHARS ['c']`, `JSON ['auto']`.
    OptionalText,
    /// A whole number, optionally after `AS`.
    Count,
    /// A number with an optional `MB` or `GB`, optionally after `AS`.
    Size,
    /// One of these words.
    Word(&'static [&'static str]),
    /// Optionally one of these words.
    OptionalWord(&'static [&'static str]),
    /// `BY (column, …) [INCLUDE]`.
    Columns,
    /// A format keyword, optionally after `AS`.
    FormatName,
    /// A quoted role ARN or comma-separated chain, or `default`.
    RoleChain,
}

impl OptionKeyword {
    /// How `statement` takes this keyword, if it does.
    pub fn usage(&self, statement: StatementKind) -> Option<&Usage> {
        match statement {
            StatementKind::Copy => self.copy.as_ref(),
            StatementKind::Unload => self.unload.as_ref(),
            StatementKind::Other => None,
        }
    }

    /// Which statements take this keyword.
    pub fn accepts(&self) -> Accepts {
        match (&self.copy, &self.unload) {
            (Some(_), Some(_)) => Accepts::Both,
            (None, Some(_)) => Accepts::Unload,
            _ => Accepts::Copy,
        }
    }
}

/// Every combination rule of `statement`, with the keyword of its row.
pub fn combinations(statement: StatementKind) -> impl Iterator<Item = (&'static str, &'static Combination)> {
    OPTIONS
        .iter()
        .filter_map(move |row| row.usage(statement).map(|usage| (row.keyword, usage)))
        .flat_map(|(keyword, usage)| usage.combinations.iter().map(move |combination| (keyword, combination)))
}

/// The row of an uppercase keyword (not an alias).
pub fn find(keyword: &str) -> Option<&'static OptionKeyword> {
    OPTIONS.binary_search_by(|row| row.keyword.cmp(keyword)).ok().map(|index| &OPTIONS[index])
}

/// The row whose keyword, or the first word of one of whose aliases, is `word` (uppercase).
pub fn resolve(word: &str) -> Option<&'static OptionKeyword> {
    find(word)
        .or_else(|| OPTIONS.iter().find(|row| row.aliases.iter().any(|alias| alias.split(' ').next() == Some(word))))
}

/// Every keyword `statement` takes, in alphabetical order.
pub fn keywords(statement: StatementKind) -> impl Iterator<Item = &'static str> {
    OPTIONS.iter().filter(move |row| row.usage(statement).is_some()).map(|row| row.keyword)
}

/// The number of characters of the longest keyword of either statement.
pub(crate) fn longest_keyword_chars() -> usize {
    OPTIONS.iter().map(|row| row.keyword.chars().count()).max().unwrap_or(0)
}

/// How `statement` takes the uppercase `keyword`, if it does.
pub(crate) fn usage(keyword: &str, statement: StatementKind) -> Option<&'static Usage> {
    find(keyword).and_then(|row| row.usage(statement))
}

/// Whether the uppercase `word` can start a parameter of `statement` (a keyword or an alias).
pub(crate) fn starts_parameter(word: &str, statement: StatementKind) -> bool {
    resolve(word).is_some_and(|row| row.usage(statement).is_some())
}

/// Whether the uppercase `word` may follow `FORMAT [AS]` in `statement`.
pub(crate) fn is_format_name(word: &str, statement: StatementKind) -> bool {
    usage(word, statement).is_some_and(|usage| usage.after_format)
}

/// Whether the option named `name` (a tree option's `keyword()`, such as `NULL AS`) cannot be
/// combined with the format keyword `format` in `statement`.
pub(crate) fn excludes_format(name: &str, statement: StatementKind, format: &str) -> bool {
    let keyword = name.split(' ').next().unwrap_or(name);
    usage(keyword, statement).is_some_and(|usage| usage.excluded_formats.contains(&format))
}

#[cfg(test)]
mod tests;
