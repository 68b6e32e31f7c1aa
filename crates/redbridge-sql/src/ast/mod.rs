//! The syntax tree of COPY and UNLOAD, its canonical SQL rendering, and the builder the plan uses.
//!
//! The tree holds values as Redshift sees them (string literals unescaped) and no positions, so
//! two statements that mean the same compare equal. `Display` renders canonical Redshift SQL:
//! keywords uppercase, one space between clauses (`{:#}` puts each clause on its own line),
//! string literals quoted and escaped, and **no trailing `;`** so callers can join statements as
//! they like. Parsing the rendering gives back the same tree.
//!
//! This module holds what COPY and UNLOAD share (identifiers, table names, string literals,
//! codecs, [`Statement`]); `authorization.rs` the credentials, `copy.rs` and `unload.rs` each
//! statement with its parameters.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::SqlError;

mod authorization;
mod copy;
mod unload;

pub use authorization::{Authorization, IamRoleSpec};
pub(crate) use authorization::{CREDENTIALS_KEYS, credentials_has_root_key, credentials_roles};
pub use copy::{CompUpdate, CopyFormat, CopyOption, CopyStatement, Encoding, JsonSource, Simplify};
pub use unload::{Size, SizeUnit, UnloadFormat, UnloadOption, UnloadStatement};

/// A SQL identifier: a table, schema or column name.
///
/// Unquoted identifiers are kept as written (Redshift folds them to lowercase); quoted
/// identifiers keep their exact text and are rendered with `"` doubled inside.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    /// The name without quotes.
    pub value: String,
    /// Whether the identifier is written in double quotes.
    pub quoted: bool,
}

impl Ident {
    /// An identifier rendered unquoted when it can be, quoted otherwise (reserved words, spaces,
    /// punctuation, a leading digit).
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let quoted = !is_plain_identifier(&value);
        Self { value, quoted }
    }

    /// An identifier that is always rendered in double quotes.
    pub fn quoted(value: impl Into<String>) -> Self {
        Self { value: value.into(), quoted: true }
    }
}

/// Whether `value` can be written without quotes: `[A-Za-z_][A-Za-z0-9_$]*` and not a word the
/// grammar gives a meaning to.
pub(crate) fn is_plain_identifier(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else { return false };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !crate::keywords::is_reserved(value)
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('"')?;
            for c in self.value.chars() {
                if c == '"' {
                    f.write_str("\"\"")?;
                } else {
                    f.write_char(c)?;
                }
            }
            f.write_char('"')
        } else {
            f.write_str(&self.value)
        }
    }
}

/// A table name, optionally schema-qualified: `schema.table`, `"My Schema"."My Table"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TableName {
    /// The schema, when the name is qualified.
    pub schema: Option<Ident>,
    /// The table.
    pub name: Ident,
}

impl TableName {
    /// An unqualified table name.
    pub fn new(name: Ident) -> Self {
        Self { schema: None, name }
    }

    /// A schema-qualified table name.
    pub fn qualified(schema: Ident, name: Ident) -> Self {
        Self { schema: Some(schema), name }
    }

    /// Parses `table`, `schema.table` or their quoted forms, as written in SQL.
    pub fn parse(input: &str) -> Result<Self, SqlError> {
        crate::parser::parse_table_name(input)
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = &self.schema {
            write!(f, "{schema}.")?;
        }
        write!(f, "{}", self.name)
    }
}
/// A string literal for rendering: `'` doubled, `\` doubled, control characters escaped.
///
/// Redshift reads string literals with PostgreSQL 8 escape-string rules (a backslash escapes
/// the next character; `QUOTE_LITERAL` doubles both quotes and backslashes), so both are escaped.
#[derive(Debug, Clone, Copy)]
pub struct Lit<'a>(pub &'a str);

impl fmt::Display for Lit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('\'')?;
        for c in self.0.chars() {
            match c {
                '\'' => f.write_str("''")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(f, "\\{:03o}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('\'')
    }
}

/// A compression codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// `GZIP`.
    Gzip,
    /// `LZOP` (COPY only).
    Lzop,
    /// `BZIP2`.
    Bzip2,
    /// `ZSTD`.
    Zstd,
}

impl Compression {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Gzip => "GZIP",
            Self::Lzop => "LZOP",
            Self::Bzip2 => "BZIP2",
            Self::Zstd => "ZSTD",
        }
    }
}

/// Writes the clause separator: a space, or a newline in the alternate (`{:#}`) form.
fn sep(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if f.alternate() { f.write_char('\n') } else { f.write_char(' ') }
}

/// A COPY or an UNLOAD.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Statement {
    /// A COPY.
    Copy(CopyStatement),
    /// An UNLOAD.
    Unload(UnloadStatement),
}

impl Statement {
    /// `"copy"` or `"unload"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Copy(_) => "copy",
            Self::Unload(_) => "unload",
        }
    }

    /// The authorization, if any.
    pub fn authorization(&self) -> Option<&Authorization> {
        match self {
            Self::Copy(copy) => copy.authorization.as_ref(),
            Self::Unload(unload) => unload.authorization.as_ref(),
        }
    }

    /// The role chain, in hop order, as written; empty when there is none.
    pub fn iam_roles(&self) -> Vec<String> {
        self.authorization().map(Authorization::iam_roles).unwrap_or_default()
    }

    /// The options as a JSON object: the keyword in lowercase (`null_as`, `partition_by`) to
    /// the argument, `true` for flags; the format as `"format": "csv"` (its argument, if any,
    /// under the format's name) and the codec as `"compression": "gzip"`. A repeated option
    /// keeps its last value.
    pub fn options_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let options: Vec<(&'static str, &'static str, serde_json::Value)> = match self {
            Self::Copy(copy) => copy.options.iter().map(|o| (o.slot(), o.keyword(), o.json_value())).collect(),
            Self::Unload(unload) => unload.options.iter().map(|o| (o.slot(), o.keyword(), o.json_value())).collect(),
        };
        let mut map = serde_json::Map::new();
        for (slot, keyword, value) in options {
            let name = keyword.to_ascii_lowercase().replace(' ', "_");
            match slot {
                "format" | "compression" => {
                    map.insert(slot.to_owned(), serde_json::Value::from(name.clone()));
                    if value != serde_json::Value::Bool(true) {
                        map.insert(name, value);
                    }
                }
                _ => {
                    map.insert(name, value);
                }
            }
        }
        map
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Copy(copy) => copy.fmt(f),
            Self::Unload(unload) => unload.fmt(f),
        }
    }
}

impl From<CopyStatement> for Statement {
    fn from(copy: CopyStatement) -> Self {
        Self::Copy(copy)
    }
}

impl From<UnloadStatement> for Statement {
    fn from(unload: UnloadStatement) -> Self {
        Self::Unload(unload)
    }
}

#[cfg(test)]
mod tests {
    use redbridge_iam::{RoleArn, S3Uri};

    use super::*;

    fn chain() -> Vec<RoleArn> {
        vec![
            RoleArn::parse("arn:aws:iam::111111111111:role/ClusterRole").unwrap(),
            RoleArn::parse("arn:aws:iam::222222222222:role/BucketRole").unwrap(),
        ]
    }

    #[test]
    fn copy_renders_chain_without_spaces_and_round_trips() {
        let table = TableName::parse("sales.\"Daily Facts\"").unwrap();
        let copy = CopyStatement::new(table, &S3Uri::parse("s3://data-bucket/in/").unwrap(), &chain())
            .option(CopyOption::Format(CopyFormat::Parquet { serialize_to_json: false }));
        let sql = copy.to_string();
        assert_eq!(
            sql,
            "COPY sales.\"Daily Facts\" FROM 's3://data-bucket/in/' IAM_ROLE \
             'arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole' FORMAT AS PARQUET"
        );
        assert_eq!(crate::parse_statement(&sql).unwrap(), Statement::Copy(copy));
    }

    #[test]
    fn unload_doubles_quotes_inside_the_query() {
        let unload =
            UnloadStatement::new("select * from t where s = 'NV'", &S3Uri::parse("s3://b-1/out/").unwrap(), &[])
                .option(UnloadOption::Encrypted { auto: false });
        let sql = format!("{unload:#}");
        assert_eq!(sql, "UNLOAD ('select * from t where s = ''NV''')\nTO 's3://b-1/out/'\nIAM_ROLE DEFAULT\nENCRYPTED");
        assert_eq!(crate::parse_statement(&sql).unwrap(), Statement::Unload(unload));
    }
}
