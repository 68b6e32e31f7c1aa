//! COPY in the tree: the statement, its parameters and their values, and their canonical SQL.

use std::fmt::{self, Write as _};

use redbridge_iam::{RoleArn, S3Uri};
use serde::Serialize;

use super::{Authorization, Compression, Ident, Lit, TableName, sep};

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
    /// `IGNOREALLERRORS`: ignore every error of the load.
    IgnoreAllErrors,
    /// `READRATIO n`, a parameter of COPY from DynamoDB (the linter rejects it with S3).
    ReadRatio(u64),
    /// `SSH`, a parameter of COPY from a remote host (the linter rejects it with S3).
    Ssh,
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
            Self::IgnoreAllErrors => "IGNOREALLERRORS",
            Self::ReadRatio(_) => "READRATIO",
            Self::Ssh => "SSH",
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
            Self::IgnoreHeader(n) | Self::CompRows(n) | Self::MaxError(n) | Self::ReadRatio(n) => Value::from(*n),
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
            Self::ReadRatio(n) => write!(f, "READRATIO {n}"),
            Self::StatUpdate(None) => f.write_str("STATUPDATE"),
            Self::StatUpdate(Some(true)) => f.write_str("STATUPDATE ON"),
            Self::StatUpdate(Some(false)) => f.write_str("STATUPDATE OFF"),
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
