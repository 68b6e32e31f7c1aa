//! The tables of the pyarrow steps and the clients of the `sql` step, as scenario files give them.

use serde::Deserialize;

/// A table given in a scenario: what pyarrow writes for COPY and what UNLOAD must give back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The rows: one string per column, in the type's text form (`2024-02-29 23:59:59.999999`,
    /// `-32768`, `true`); `null` marks a NULL.
    pub rows: Vec<Vec<String>>,
    /// The value that stands for NULL (TOML has no null).
    #[serde(default = "null_marker")]
    pub null: String,
}

pub(super) fn null_marker() -> String {
    "<null>".to_owned()
}

/// One column of a [`Table`].
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its Redshift type, as `CREATE TABLE` spells it (`DECIMAL(38,10)`, `TIMESTAMPTZ`).
    #[serde(rename = "type")]
    pub kind: String,
}

impl Table {
    /// The rows as `INSERT … VALUES` lists them: numbers and booleans bare, other values quoted,
    /// NULL for the null marker.
    pub fn values(&self) -> String {
        let bare = |kind: &str| {
            let kind = kind.trim().to_ascii_uppercase();
            ["SMALLINT", "INT", "BIGINT", "DECIMAL", "NUMERIC", "REAL", "FLOAT", "DOUBLE", "BOOL"]
                .iter()
                .any(|prefix| kind.starts_with(prefix))
        };
        let row = |row: &Vec<String>| {
            let values: Vec<String> = row
                .iter()
                .zip(&self.columns)
                .map(|(value, column)| match value {
                    v if *v == self.null => "NULL".to_owned(),
                    v if bare(&column.kind) => v.clone(),
                    v => format!("'{}'", v.replace('\'', "''")),
                })
                .collect();
            format!("({})", values.join(", "))
        };
        self.rows.iter().map(row).collect::<Vec<_>>().join(", ")
    }

    /// The column list of `CREATE TABLE`.
    pub fn definition(&self) -> String {
        self.columns.iter().map(|c| format!("{} {}", c.name, c.kind)).collect::<Vec<_>>().join(", ")
    }
}

/// A client that speaks the PostgreSQL wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Client {
    /// Debian's `psql` (postgresql-client).
    Psql,
    /// `psycopg` 3 (binary).
    Psycopg,
    /// Amazon's `redshift_connector`.
    RedshiftConnector,
}

/// How a client logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// The master user and its password.
    #[default]
    Password,
    /// Temporary credentials from `GetClusterCredentials`, `GetClusterCredentialsWithIAM` or
    /// serverless `GetCredentials`, asked for by the client as users do.
    Iam,
}

/// The file format of `put_table` and `check_unload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// JSON lines, one object per row.
    Json,
}

impl FileFormat {
    /// The name the Python helper takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Json => "json",
        }
    }
}
