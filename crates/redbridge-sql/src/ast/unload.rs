//! UNLOAD in the tree: the statement, its parameters and their values, and their canonical SQL.

use std::fmt::{self, Write as _};

use redbridge_iam::{RoleArn, S3Uri};
use serde::Serialize;

use super::{Authorization, Compression, Ident, Lit, sep};

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
