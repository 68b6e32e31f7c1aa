//! The syntax tree of COPY and UNLOAD, its canonical SQL rendering, and the builder the plan uses.
//!
//! The tree holds values as Redshift sees them (string literals unescaped) and no positions, so
//! two statements that mean the same compare equal. `Display` renders canonical Redshift SQL:
//! keywords uppercase, one space between clauses (`{:#}` puts each clause on its own line),
//! string literals quoted and escaped, and **no trailing `;`** so callers can join statements as
//! they like. Parsing the rendering gives back the same tree.

use std::fmt::{self, Write as _};

use redbridge_iam::{RoleArn, S3Uri};
use serde::Serialize;

use crate::SqlError;

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

/// How COPY or UNLOAD gets AWS credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Authorization {
    /// `IAM_ROLE default` or `IAM_ROLE 'arn1,arn2'`.
    IamRole {
        /// The role or chain.
        role: IamRoleSpec,
    },
    /// `CREDENTIALS 'aws_iam_role=...'` or `CREDENTIALS 'aws_access_key_id=...;...'` (legacy).
    Credentials {
        /// The credentials string, unescaped.
        credentials: String,
    },
    /// `ACCESS_KEY_ID '...' SECRET_ACCESS_KEY '...' [SESSION_TOKEN '...']`.
    AccessKeys {
        /// The access key id.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: String,
        /// The session token of temporary credentials.
        session_token: Option<String>,
    },
}

impl Authorization {
    /// `IAM_ROLE 'arn1,arn2,...'` for a chain in hop order; an empty chain gives `IAM_ROLE default`.
    pub fn chain(chain: &[RoleArn]) -> Self {
        let role = if chain.is_empty() {
            IamRoleSpec::Default
        } else {
            IamRoleSpec::Chain(chain.iter().map(ToString::to_string).collect())
        };
        Self::IamRole { role }
    }

    /// The role ARNs named, in hop order, as written: from `IAM_ROLE` or from the
    /// `aws_iam_role=` part of `CREDENTIALS`. Empty for `IAM_ROLE default` and access keys.
    pub fn iam_roles(&self) -> Vec<String> {
        match self {
            Self::IamRole { role: IamRoleSpec::Chain(chain) } => chain.clone(),
            Self::IamRole { role: IamRoleSpec::Default } | Self::AccessKeys { .. } => Vec::new(),
            Self::Credentials { credentials } => credentials_roles(credentials)
                .map(|roles| roles.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// The `aws_iam_role=` value inside a CREDENTIALS string, if there is one.
pub(crate) fn credentials_roles(credentials: &str) -> Option<&str> {
    credentials.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case("aws_iam_role").then_some(value)
    })
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IamRole { role: IamRoleSpec::Default } => f.write_str("IAM_ROLE DEFAULT"),
            Self::IamRole { role: IamRoleSpec::Chain(chain) } => {
                write!(f, "IAM_ROLE {}", Lit(&chain.join(",")))
            }
            Self::Credentials { credentials } => write!(f, "CREDENTIALS {}", Lit(credentials)),
            Self::AccessKeys { access_key_id, secret_access_key, session_token } => {
                write!(f, "ACCESS_KEY_ID {} SECRET_ACCESS_KEY {}", Lit(access_key_id), Lit(secret_access_key))?;
                if let Some(token) = session_token {
                    write!(f, " SESSION_TOKEN {}", Lit(token))?;
                }
                Ok(())
            }
        }
    }
}

/// The argument of `IAM_ROLE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IamRoleSpec {
    /// `IAM_ROLE default`: the role marked default on the cluster or namespace.
    Default,
    /// The elements of the quoted, comma-separated chain, as written (spaces kept, so the
    /// linter can point at them).
    Chain(Vec<String>),
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

/// The argument of `JSON` or `AVRO` in COPY.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonSource {
    /// No argument: `JSON` alone (same as `'auto'`).
    Default,
    /// `'auto'`, `'auto ignorecase'`, `'noshred'`, or a JSONPaths file `'s3://...'`, as written.
    Value(String),
}

/// The data format of COPY.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "format")]
pub enum CopyFormat {
    /// `CSV [QUOTE [AS] 'c']`.
    Csv {
        /// The quote character, when not `"`.
        quote: Option<String>,
    },
    /// `JSON [AS] 'option'`.
    Json {
        /// `'auto'`, `'auto ignorecase'`, `'noshred'` or a JSONPaths URI.
        source: JsonSource,
    },
    /// `AVRO [AS] 'option'`.
    Avro {
        /// `'auto'`, `'auto ignorecase'` or a JSONPaths URI.
        source: JsonSource,
    },
    /// `PARQUET [SERIALIZETOJSON]`.
    Parquet {
        /// Whether nested data is loaded as JSON into SUPER columns.
        serialize_to_json: bool,
    },
    /// `ORC [SERIALIZETOJSON]`.
    Orc {
        /// Whether nested data is loaded as JSON into SUPER columns.
        serialize_to_json: bool,
    },
    /// `SHAPEFILE [SIMPLIFY [AUTO] ['tolerance']]`.
    Shapefile {
        /// The `SIMPLIFY` clause, if present.
        simplify: Option<Simplify>,
    },
}

impl CopyFormat {
    /// The format keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Csv { .. } => "CSV",
            Self::Json { .. } => "JSON",
            Self::Avro { .. } => "AVRO",
            Self::Parquet { .. } => "PARQUET",
            Self::Orc { .. } => "ORC",
            Self::Shapefile { .. } => "SHAPEFILE",
        }
    }

    /// Whether this is a columnar format (PARQUET or ORC), which COPY reads with restrictions.
    pub fn is_columnar(&self) -> bool {
        matches!(self, Self::Parquet { .. } | Self::Orc { .. })
    }
}

/// `SIMPLIFY [AUTO] ['tolerance']` of a SHAPEFILE COPY.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Simplify {
    /// Whether `AUTO` is given.
    pub auto: bool,
    /// The tolerance, a number as written (`1.1E-05`).
    pub tolerance: Option<String>,
}

/// The file encoding of `ENCODING [AS]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// `UTF8`.
    Utf8,
    /// `UTF16`.
    Utf16,
    /// `UTF16LE`.
    Utf16Le,
    /// `UTF16BE`.
    Utf16Be,
}

impl Encoding {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Utf8 => "UTF8",
            Self::Utf16 => "UTF16",
            Self::Utf16Le => "UTF16LE",
            Self::Utf16Be => "UTF16BE",
        }
    }
}

/// `COMPUPDATE [PRESET | ON | OFF]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompUpdate {
    /// `COMPUPDATE` alone.
    Default,
    /// `PRESET`.
    Preset,
    /// `ON` or `TRUE`.
    On,
    /// `OFF` or `FALSE`.
    Off,
}

/// A size with an optional unit: `MAXFILESIZE 100 MB`, `ROWGROUPSIZE 128 MB`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Size {
    /// The number as written, for example `6.2`.
    pub value: String,
    /// The unit; Redshift assumes MB when none is given.
    pub unit: Option<SizeUnit>,
}

impl Size {
    /// The size in megabytes, when the number parses.
    pub fn megabytes(&self) -> Option<f64> {
        let value: f64 = self.value.parse().ok()?;
        Some(match self.unit {
            Some(SizeUnit::Gb) => value * 1024.0,
            _ => value,
        })
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)?;
        match self.unit {
            Some(SizeUnit::Mb) => f.write_str(" MB"),
            Some(SizeUnit::Gb) => f.write_str(" GB"),
            None => Ok(()),
        }
    }
}

/// `MB` or `GB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeUnit {
    /// Megabytes.
    Mb,
    /// Gigabytes.
    Gb,
}

/// One COPY parameter (everything after `FROM` and the authorization).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyOption {
    /// `MANIFEST`: the FROM path is a manifest file.
    Manifest,
    /// `REGION [AS] 'region'`.
    Region(String),
    /// `[FORMAT [AS]] CSV | JSON | AVRO | PARQUET | ORC | SHAPEFILE`.
    Format(CopyFormat),
    /// `DELIMITER [AS] 'c'`.
    Delimiter(String),
    /// `FIXEDWIDTH [AS] 'spec'`.
    FixedWidth(String),
    /// `GZIP`, `LZOP`, `BZIP2`, `ZSTD`.
    Compression(Compression),
    /// `ENCRYPTED`: client-side encrypted source files.
    Encrypted,
    /// `MASTER_SYMMETRIC_KEY 'key'`.
    MasterSymmetricKey(String),
    /// `ACCEPTANYDATE`.
    AcceptAnyDate,
    /// `ACCEPTINVCHARS [AS] ['c']`.
    AcceptInvChars(Option<String>),
    /// `BLANKSASNULL`.
    BlanksAsNull,
    /// `DATEFORMAT [AS] 'format'`.
    DateFormat(String),
    /// `EMPTYASNULL`.
    EmptyAsNull,
    /// `ENCODING [AS] UTF8 | UTF16 | UTF16LE | UTF16BE`.
    Encoding(Encoding),
    /// `ESCAPE`.
    Escape,
    /// `EXPLICIT_IDS`.
    ExplicitIds,
    /// `FILLRECORD`.
    FillRecord,
    /// `IGNOREBLANKLINES`.
    IgnoreBlankLines,
    /// `IGNOREHEADER [AS] n`.
    IgnoreHeader(u64),
    /// `NULL [AS] 'string'`.
    NullAs(String),
    /// `REMOVEQUOTES`.
    RemoveQuotes,
    /// `ROUNDEC`.
    RoundDec,
    /// `TIMEFORMAT [AS] 'format'`.
    TimeFormat(String),
    /// `TRIMBLANKS`.
    TrimBlanks,
    /// `TRUNCATECOLUMNS`.
    TruncateColumns,
    /// `COMPROWS n`.
    CompRows(u64),
    /// `COMPUPDATE [PRESET | ON | OFF]`.
    CompUpdate(CompUpdate),
    /// `MAXERROR [AS] n`.
    MaxError(u64),
    /// `NOLOAD`.
    NoLoad,
    /// `STATUPDATE [ON | OFF]`; `None` is the keyword alone.
    StatUpdate(Option<bool>),
}

impl CopyOption {
    /// The option's keyword, the name used in diagnostics and JSON (for formats, the format).
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Manifest => "MANIFEST",
            Self::Region(_) => "REGION",
            Self::Format(format) => format.keyword(),
            Self::Delimiter(_) => "DELIMITER",
            Self::FixedWidth(_) => "FIXEDWIDTH",
            Self::Compression(c) => c.keyword(),
            Self::Encrypted => "ENCRYPTED",
            Self::MasterSymmetricKey(_) => "MASTER_SYMMETRIC_KEY",
            Self::AcceptAnyDate => "ACCEPTANYDATE",
            Self::AcceptInvChars(_) => "ACCEPTINVCHARS",
            Self::BlanksAsNull => "BLANKSASNULL",
            Self::DateFormat(_) => "DATEFORMAT",
            Self::EmptyAsNull => "EMPTYASNULL",
            Self::Encoding(_) => "ENCODING",
            Self::Escape => "ESCAPE",
            Self::ExplicitIds => "EXPLICIT_IDS",
            Self::FillRecord => "FILLRECORD",
            Self::IgnoreBlankLines => "IGNOREBLANKLINES",
            Self::IgnoreHeader(_) => "IGNOREHEADER",
            Self::NullAs(_) => "NULL AS",
            Self::RemoveQuotes => "REMOVEQUOTES",
            Self::RoundDec => "ROUNDEC",
            Self::TimeFormat(_) => "TIMEFORMAT",
            Self::TrimBlanks => "TRIMBLANKS",
            Self::TruncateColumns => "TRUNCATECOLUMNS",
            Self::CompRows(_) => "COMPROWS",
            Self::CompUpdate(_) => "COMPUPDATE",
            Self::MaxError(_) => "MAXERROR",
            Self::NoLoad => "NOLOAD",
            Self::StatUpdate(_) => "STATUPDATE",
        }
    }

    /// The slot the option occupies: two options with the same slot conflict (two formats, two
    /// codecs, or the same option twice).
    pub fn slot(&self) -> &'static str {
        match self {
            Self::Format(_) => "format",
            Self::Compression(_) => "compression",
            other => other.keyword(),
        }
    }

    /// The option's argument for JSON output: `true` for flags.
    pub fn json_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Region(s)
            | Self::Delimiter(s)
            | Self::FixedWidth(s)
            | Self::MasterSymmetricKey(s)
            | Self::DateFormat(s)
            | Self::NullAs(s)
            | Self::TimeFormat(s) => Value::from(s.as_str()),
            Self::AcceptInvChars(Some(s)) => Value::from(s.as_str()),
            Self::IgnoreHeader(n) | Self::CompRows(n) | Self::MaxError(n) => Value::from(*n),
            Self::Encoding(e) => Value::from(e.keyword()),
            Self::CompUpdate(c) => serde_json::to_value(c).unwrap_or(Value::Null),
            Self::StatUpdate(Some(b)) => Value::from(*b),
            Self::Format(format) => match format {
                CopyFormat::Csv { quote: Some(q) } => serde_json::json!({ "quote": q }),
                CopyFormat::Json { source: JsonSource::Value(v) }
                | CopyFormat::Avro { source: JsonSource::Value(v) } => Value::from(v.as_str()),
                CopyFormat::Parquet { serialize_to_json: true } | CopyFormat::Orc { serialize_to_json: true } => {
                    Value::from("serializetojson")
                }
                CopyFormat::Shapefile { simplify: Some(s) } => serde_json::to_value(s).unwrap_or(Value::Null),
                _ => Value::Bool(true),
            },
            _ => Value::Bool(true),
        }
    }
}

impl fmt::Display for CopyOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Region(s) => write!(f, "REGION {}", Lit(s)),
            Self::Format(format) => match format {
                CopyFormat::Csv { quote: None } => f.write_str("FORMAT AS CSV"),
                CopyFormat::Csv { quote: Some(q) } => write!(f, "FORMAT AS CSV QUOTE AS {}", Lit(q)),
                CopyFormat::Json { source } | CopyFormat::Avro { source } => {
                    write!(f, "FORMAT AS {}", format.keyword())?;
                    match source {
                        JsonSource::Default => Ok(()),
                        JsonSource::Value(v) => write!(f, " {}", Lit(v)),
                    }
                }
                CopyFormat::Parquet { serialize_to_json } | CopyFormat::Orc { serialize_to_json } => {
                    write!(f, "FORMAT AS {}", format.keyword())?;
                    if *serialize_to_json {
                        f.write_str(" SERIALIZETOJSON")?;
                    }
                    Ok(())
                }
                CopyFormat::Shapefile { simplify } => {
                    f.write_str("FORMAT AS SHAPEFILE")?;
                    if let Some(simplify) = simplify {
                        f.write_str(" SIMPLIFY")?;
                        if simplify.auto {
                            f.write_str(" AUTO")?;
                        }
                        if let Some(t) = &simplify.tolerance {
                            write!(f, " {t}")?;
                        }
                    }
                    Ok(())
                }
            },
            Self::Delimiter(s) => write!(f, "DELIMITER AS {}", Lit(s)),
            Self::FixedWidth(s) => write!(f, "FIXEDWIDTH AS {}", Lit(s)),
            Self::MasterSymmetricKey(s) => write!(f, "MASTER_SYMMETRIC_KEY {}", Lit(s)),
            Self::AcceptInvChars(Some(s)) => write!(f, "ACCEPTINVCHARS AS {}", Lit(s)),
            Self::DateFormat(s) => write!(f, "DATEFORMAT AS {}", Lit(s)),
            Self::Encoding(e) => write!(f, "ENCODING AS {}", e.keyword()),
            Self::IgnoreHeader(n) => write!(f, "IGNOREHEADER AS {n}"),
            Self::NullAs(s) => write!(f, "NULL AS {}", Lit(s)),
            Self::TimeFormat(s) => write!(f, "TIMEFORMAT AS {}", Lit(s)),
            Self::CompRows(n) => write!(f, "COMPROWS {n}"),
            Self::CompUpdate(c) => match c {
                CompUpdate::Default => f.write_str("COMPUPDATE"),
                CompUpdate::Preset => f.write_str("COMPUPDATE PRESET"),
                CompUpdate::On => f.write_str("COMPUPDATE ON"),
                CompUpdate::Off => f.write_str("COMPUPDATE OFF"),
            },
            Self::MaxError(n) => write!(f, "MAXERROR AS {n}"),
            Self::StatUpdate(None) => f.write_str("STATUPDATE"),
            Self::StatUpdate(Some(true)) => f.write_str("STATUPDATE ON"),
            Self::StatUpdate(Some(false)) => f.write_str("STATUPDATE OFF"),
            other => f.write_str(other.keyword()),
        }
    }
}

/// The file format of UNLOAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnloadFormat {
    /// `CSV`.
    Csv,
    /// `PARQUET`.
    Parquet,
    /// `JSON`.
    Json,
}

impl UnloadFormat {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Parquet => "PARQUET",
            Self::Json => "JSON",
        }
    }
}

/// One UNLOAD parameter (everything after `TO` and the authorization).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnloadOption {
    /// `[FORMAT [AS]] CSV | PARQUET | JSON`.
    Format(UnloadFormat),
    /// `PARTITION BY (col, ...) [INCLUDE]`.
    PartitionBy {
        /// The partition columns.
        columns: Vec<Ident>,
        /// Whether the partition columns are also written into the files.
        include: bool,
    },
    /// `MANIFEST [VERBOSE]`.
    Manifest {
        /// Whether the manifest lists column names, types and row counts.
        verbose: bool,
    },
    /// `HEADER`.
    Header,
    /// `DELIMITER [AS] 'c'`.
    Delimiter(String),
    /// `FIXEDWIDTH [AS] 'spec'`.
    FixedWidth(String),
    /// `ENCRYPTED [AUTO]`.
    Encrypted {
        /// `ENCRYPTED AUTO`: encrypt with the bucket's default key.
        auto: bool,
    },
    /// `KMS_KEY_ID 'key'`.
    KmsKeyId(String),
    /// `MASTER_SYMMETRIC_KEY 'key'`.
    MasterSymmetricKey(String),
    /// `BZIP2`, `GZIP`, `ZSTD`.
    Compression(Compression),
    /// `ADDQUOTES`.
    AddQuotes,
    /// `NULL [AS] 'string'`.
    NullAs(String),
    /// `ESCAPE`.
    Escape,
    /// `ALLOWOVERWRITE`.
    AllowOverwrite,
    /// `CLEANPATH`.
    CleanPath,
    /// `PARALLEL [ON | TRUE | OFF | FALSE]`; the keyword alone means ON.
    Parallel(bool),
    /// `MAXFILESIZE [AS] n [MB | GB]`.
    MaxFileSize(Size),
    /// `ROWGROUPSIZE [AS] n [MB | GB]`.
    RowGroupSize(Size),
    /// `REGION [AS] 'region'`.
    Region(String),
    /// `EXTENSION 'ext'`.
    Extension(String),
}

impl UnloadOption {
    /// The option's keyword, the name used in diagnostics and JSON (for formats, the format).
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Format(format) => format.keyword(),
            Self::PartitionBy { .. } => "PARTITION BY",
            Self::Manifest { .. } => "MANIFEST",
            Self::Header => "HEADER",
            Self::Delimiter(_) => "DELIMITER",
            Self::FixedWidth(_) => "FIXEDWIDTH",
            Self::Encrypted { .. } => "ENCRYPTED",
            Self::KmsKeyId(_) => "KMS_KEY_ID",
            Self::MasterSymmetricKey(_) => "MASTER_SYMMETRIC_KEY",
            Self::Compression(c) => c.keyword(),
            Self::AddQuotes => "ADDQUOTES",
            Self::NullAs(_) => "NULL AS",
            Self::Escape => "ESCAPE",
            Self::AllowOverwrite => "ALLOWOVERWRITE",
            Self::CleanPath => "CLEANPATH",
            Self::Parallel(_) => "PARALLEL",
            Self::MaxFileSize(_) => "MAXFILESIZE",
            Self::RowGroupSize(_) => "ROWGROUPSIZE",
            Self::Region(_) => "REGION",
            Self::Extension(_) => "EXTENSION",
        }
    }

    /// The slot the option occupies: two options with the same slot conflict.
    pub fn slot(&self) -> &'static str {
        match self {
            Self::Format(_) => "format",
            Self::Compression(_) => "compression",
            other => other.keyword(),
        }
    }

    /// The option's argument for JSON output: `true` for flags.
    pub fn json_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::PartitionBy { columns, include } => serde_json::json!({
                "columns": columns.iter().map(|c| c.value.clone()).collect::<Vec<_>>(),
                "include": include,
            }),
            Self::Manifest { verbose: true } => Value::from("verbose"),
            Self::Encrypted { auto: true } => Value::from("auto"),
            Self::Delimiter(s)
            | Self::FixedWidth(s)
            | Self::KmsKeyId(s)
            | Self::MasterSymmetricKey(s)
            | Self::NullAs(s)
            | Self::Region(s)
            | Self::Extension(s) => Value::from(s.as_str()),
            Self::Parallel(b) => Value::from(*b),
            Self::MaxFileSize(size) | Self::RowGroupSize(size) => Value::from(size.to_string()),
            _ => Value::Bool(true),
        }
    }
}

impl fmt::Display for UnloadOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(format) => write!(f, "FORMAT AS {}", format.keyword()),
            Self::PartitionBy { columns, include } => {
                f.write_str("PARTITION BY (")?;
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{column}")?;
                }
                f.write_char(')')?;
                if *include {
                    f.write_str(" INCLUDE")?;
                }
                Ok(())
            }
            Self::Manifest { verbose: false } => f.write_str("MANIFEST"),
            Self::Manifest { verbose: true } => f.write_str("MANIFEST VERBOSE"),
            Self::Delimiter(s) => write!(f, "DELIMITER AS {}", Lit(s)),
            Self::FixedWidth(s) => write!(f, "FIXEDWIDTH AS {}", Lit(s)),
            Self::Encrypted { auto: false } => f.write_str("ENCRYPTED"),
            Self::Encrypted { auto: true } => f.write_str("ENCRYPTED AUTO"),
            Self::KmsKeyId(s) => write!(f, "KMS_KEY_ID {}", Lit(s)),
            Self::MasterSymmetricKey(s) => write!(f, "MASTER_SYMMETRIC_KEY {}", Lit(s)),
            Self::NullAs(s) => write!(f, "NULL AS {}", Lit(s)),
            Self::Parallel(true) => f.write_str("PARALLEL ON"),
            Self::Parallel(false) => f.write_str("PARALLEL OFF"),
            Self::MaxFileSize(size) => write!(f, "MAXFILESIZE AS {size}"),
            Self::RowGroupSize(size) => write!(f, "ROWGROUPSIZE AS {size}"),
            Self::Region(s) => write!(f, "REGION {}", Lit(s)),
            Self::Extension(s) => write!(f, "EXTENSION {}", Lit(s)),
            other => f.write_str(other.keyword()),
        }
    }
}

/// `COPY table [(columns)] FROM 'source' authorization [options]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CopyStatement {
    /// The target table.
    pub table: TableName,
    /// The column list; empty when none is given.
    pub columns: Vec<Ident>,
    /// The data source as written: an `s3://` prefix, object or manifest path.
    pub from: String,
    /// How Redshift gets credentials; `None` only for input that omits it (the linter flags it).
    pub authorization: Option<Authorization>,
    /// The parameters, in order.
    pub options: Vec<CopyOption>,
}

impl CopyStatement {
    /// `COPY table FROM 's3://…' IAM_ROLE 'arn1,arn2'`; an empty chain gives `IAM_ROLE default`.
    pub fn new(table: TableName, from: &S3Uri, chain: &[RoleArn]) -> Self {
        Self {
            table,
            columns: Vec::new(),
            from: from.to_string(),
            authorization: Some(Authorization::chain(chain)),
            options: Vec::new(),
        }
    }

    /// Appends a parameter.
    #[must_use]
    pub fn option(mut self, option: CopyOption) -> Self {
        self.options.push(option);
        self
    }

    /// Sets the column list.
    #[must_use]
    pub fn columns(mut self, columns: impl IntoIterator<Item = Ident>) -> Self {
        self.columns = columns.into_iter().collect();
        self
    }

    /// Replaces the authorization.
    #[must_use]
    pub fn authorization(mut self, authorization: Authorization) -> Self {
        self.authorization = Some(authorization);
        self
    }

    /// The role chain, in hop order, as written; empty when there is none.
    pub fn iam_roles(&self) -> Vec<String> {
        self.authorization.as_ref().map(Authorization::iam_roles).unwrap_or_default()
    }
}

/// Writes the clause separator: a space, or a newline in the alternate (`{:#}`) form.
fn sep(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if f.alternate() { f.write_char('\n') } else { f.write_char(' ') }
}

impl fmt::Display for CopyStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "COPY {}", self.table)?;
        if !self.columns.is_empty() {
            f.write_str(" (")?;
            for (i, column) in self.columns.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{column}")?;
            }
            f.write_char(')')?;
        }
        sep(f)?;
        write!(f, "FROM {}", Lit(&self.from))?;
        if let Some(authorization) = &self.authorization {
            sep(f)?;
            write!(f, "{authorization}")?;
        }
        for option in &self.options {
            sep(f)?;
            write!(f, "{option}")?;
        }
        Ok(())
    }
}

/// `UNLOAD ('query') TO 's3://…' authorization [options]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UnloadStatement {
    /// The inner SELECT, unescaped (as Redshift runs it).
    pub query: String,
    /// The destination prefix as written.
    pub to: String,
    /// How Redshift gets credentials; `None` only for input that omits it (the linter flags it).
    pub authorization: Option<Authorization>,
    /// The parameters, in order.
    pub options: Vec<UnloadOption>,
}

impl UnloadStatement {
    /// `UNLOAD ('query') TO 's3://…' IAM_ROLE 'arn1,arn2'`; an empty chain gives `IAM_ROLE default`.
    pub fn new(query: impl Into<String>, to: &S3Uri, chain: &[RoleArn]) -> Self {
        Self {
            query: query.into(),
            to: to.to_string(),
            authorization: Some(Authorization::chain(chain)),
            options: Vec::new(),
        }
    }

    /// Appends a parameter.
    #[must_use]
    pub fn option(mut self, option: UnloadOption) -> Self {
        self.options.push(option);
        self
    }

    /// Replaces the authorization.
    #[must_use]
    pub fn authorization(mut self, authorization: Authorization) -> Self {
        self.authorization = Some(authorization);
        self
    }

    /// The role chain, in hop order, as written; empty when there is none.
    pub fn iam_roles(&self) -> Vec<String> {
        self.authorization.as_ref().map(Authorization::iam_roles).unwrap_or_default()
    }
}

impl fmt::Display for UnloadStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UNLOAD ({})", Lit(&self.query))?;
        sep(f)?;
        write!(f, "TO {}", Lit(&self.to))?;
        if let Some(authorization) = &self.authorization {
            sep(f)?;
            write!(f, "{authorization}")?;
        }
        for option in &self.options {
            sep(f)?;
            write!(f, "{option}")?;
        }
        Ok(())
    }
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
