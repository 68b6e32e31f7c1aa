//! Redshift's column types as the emulator models them: read from a column's declared type (the
//! text of `CREATE TABLE`, which SQLite keeps), with Redshift's defaults for a type given without
//! its length, precision or scale, and the PostgreSQL names the Data API and the
//! wire protocol report.
//!
//! Names, aliases and defaults: <https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html>
//! ("DECIMAL … default precision, if not specified, is 18 … default scale, if not specified, is 0";
//! "If a VARCHAR length is not specified, the default is 256" and "TEXT … converted to VARCHAR(256)";
//! "CHAR … default length is 1"; "FLOAT … FLOAT8 … DOUBLE PRECISION" and "REAL … FLOAT4"), from
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_Numeric_types201.html> and
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html>.

/// One column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnType {
    /// `SMALLINT`, `INT2`.
    SmallInt,
    /// `INTEGER`, `INT`, `INT4`.
    Integer,
    /// `BIGINT`, `INT8`.
    BigInt,
    /// `DECIMAL(p, s)`, `NUMERIC(p, s)`: at most 38 digits.
    Decimal {
        /// Digits in all.
        precision: u8,
        /// Digits after the point.
        scale: u8,
    },
    /// `REAL`, `FLOAT4`.
    Real,
    /// `DOUBLE PRECISION`, `FLOAT8`, `FLOAT`.
    Double,
    /// `BOOLEAN`, `BOOL`.
    Boolean,
    /// `CHAR(n)`, `CHARACTER`, `NCHAR`, `BPCHAR`: n bytes.
    Char {
        /// Bytes.
        length: u32,
    },
    /// `VARCHAR(n)`, `CHARACTER VARYING`, `NVARCHAR`, `TEXT`: at most n bytes.
    Varchar {
        /// Bytes.
        length: u32,
    },
    /// `DATE`.
    Date,
    /// `TIMESTAMP`, `TIMESTAMP WITHOUT TIME ZONE`.
    Timestamp,
    /// `TIMESTAMPTZ`, `TIMESTAMP WITH TIME ZONE`.
    Timestamptz,
    /// A type the emulator does not model (`TIME`, `SUPER`, `GEOMETRY`, …) or no declared type
    /// (an expression's column): values are kept as SQLite holds them.
    Other,
}

/// The declared type the emulator gives a DECIMAL/NUMERIC column in SQLite (see
/// `sql_engine::translate`): the name holds `TEXT`, so SQLite gives the column TEXT affinity and
/// keeps every digit (<https://sqlite.org/datatype3.html#determination_of_column_affinity>).
pub(crate) const DECIMAL_TEXT: &str = "decimal_text";

/// The value of ASCII decimal digits (one to nine), or `None` if any byte is not one: the parts
/// of the dates and timestamps COPY reads and UNLOAD writes, without `str::parse` per part.
pub(crate) fn ascii_digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    bytes.iter().try_fold(0_u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

/// `VARCHAR(MAX)`: "the maximum length is 65535 bytes".
const VARCHAR_MAX: u32 = 65_535;

impl ColumnType {
    /// The type of a declared column type, case and spacing as written.
    pub fn parse(declared: &str) -> Self {
        let lowered = declared.trim().to_ascii_lowercase();
        let (name, arguments) = match lowered.split_once('(') {
            Some((name, rest)) => (name.trim(), rest.trim_end().trim_end_matches(')').trim()),
            None => (lowered.as_str(), ""),
        };
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut numbers = arguments.split(',').map(str::trim).filter(|a| !a.is_empty());
        let first = numbers.next();
        let second = numbers.next();
        let length = |default: u32| match first {
            None => Some(default),
            Some("max") => Some(VARCHAR_MAX),
            Some(n) => n.parse().ok(),
        };
        let parsed = match name.as_str() {
            "smallint" | "int2" => Some(Self::SmallInt),
            "integer" | "int" | "int4" => Some(Self::Integer),
            "bigint" | "int8" => Some(Self::BigInt),
            "decimal" | "numeric" | DECIMAL_TEXT => {
                let precision = first.map_or(Some(18), |p| p.parse().ok());
                let scale = second.map_or(Some(0), |s| s.parse().ok());
                match (precision, scale) {
                    (Some(precision @ 1..=38), Some(scale)) if scale <= precision => {
                        Some(Self::Decimal { precision, scale })
                    }
                    _ => None,
                }
            }
            "real" | "float4" => Some(Self::Real),
            "double precision" | "float8" => Some(Self::Double),
            // FLOAT(p): 1 to 24 is REAL, 25 to 53 (or none) DOUBLE PRECISION.
            "float" => match first.map(str::parse::<u8>) {
                Some(Ok(1..=24)) => Some(Self::Real),
                _ => Some(Self::Double),
            },
            "boolean" | "bool" => Some(Self::Boolean),
            "char" | "character" | "nchar" | "bpchar" => length(1).map(|length| Self::Char { length }),
            "varchar" | "character varying" | "nvarchar" => length(256).map(|length| Self::Varchar { length }),
            "text" => Some(Self::Varchar { length: 256 }),
            "date" => Some(Self::Date),
            "timestamp" | "timestamp without time zone" => Some(Self::Timestamp),
            "timestamptz" | "timestamp with time zone" => Some(Self::Timestamptz),
            _ => None,
        };
        parsed.unwrap_or(Self::Other)
    }

    /// The PostgreSQL type name Redshift reports (the Data API's `typeName`, `pg_type.typname`).
    pub fn pg_name(self) -> &'static str {
        match self {
            Self::SmallInt => "int2",
            Self::Integer => "int4",
            Self::BigInt => "int8",
            Self::Decimal { .. } => "numeric",
            Self::Real => "float4",
            Self::Double => "float8",
            Self::Boolean => "bool",
            Self::Char { .. } => "bpchar",
            Self::Varchar { .. } | Self::Other => "varchar",
            Self::Date => "date",
            Self::Timestamp => "timestamp",
            Self::Timestamptz => "timestamptz",
        }
    }

    /// The type as Redshift spells it in DDL (`numeric(10,2)`, `character varying(256)`).
    pub fn sql_name(self) -> String {
        match self {
            Self::SmallInt => "smallint".to_owned(),
            Self::Integer => "integer".to_owned(),
            Self::BigInt => "bigint".to_owned(),
            Self::Decimal { precision, scale } => format!("numeric({precision},{scale})"),
            Self::Real => "real".to_owned(),
            Self::Double => "double precision".to_owned(),
            Self::Boolean => "boolean".to_owned(),
            Self::Char { length } => format!("character({length})"),
            Self::Varchar { length } => format!("character varying({length})"),
            Self::Date => "date".to_owned(),
            Self::Timestamp => "timestamp without time zone".to_owned(),
            Self::Timestamptz => "timestamp with time zone".to_owned(),
            Self::Other => "character varying".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_defaults_follow_redshifts_type_pages() {
        let cases = [
            ("SMALLINT", ColumnType::SmallInt),
            ("int2", ColumnType::SmallInt),
            ("INT", ColumnType::Integer),
            ("integer", ColumnType::Integer),
            ("INT8", ColumnType::BigInt),
            ("decimal", ColumnType::Decimal { precision: 18, scale: 0 }),
            ("NUMERIC(10, 2)", ColumnType::Decimal { precision: 10, scale: 2 }),
            ("numeric(38)", ColumnType::Decimal { precision: 38, scale: 0 }),
            ("DECIMAL_TEXT(38,10)", ColumnType::Decimal { precision: 38, scale: 10 }),
            ("decimal_text", ColumnType::Decimal { precision: 18, scale: 0 }),
            ("REAL", ColumnType::Real),
            ("float4", ColumnType::Real),
            ("FLOAT", ColumnType::Double),
            ("float(24)", ColumnType::Real),
            ("float(25)", ColumnType::Double),
            ("double  precision", ColumnType::Double),
            ("BOOL", ColumnType::Boolean),
            ("CHAR", ColumnType::Char { length: 1 }),
            ("character(10)", ColumnType::Char { length: 10 }),
            ("bpchar(3)", ColumnType::Char { length: 3 }),
            ("VARCHAR", ColumnType::Varchar { length: 256 }),
            ("varchar(max)", ColumnType::Varchar { length: 65_535 }),
            ("character varying(20)", ColumnType::Varchar { length: 20 }),
            ("NVARCHAR(5)", ColumnType::Varchar { length: 5 }),
            ("text", ColumnType::Varchar { length: 256 }),
            ("DATE", ColumnType::Date),
            ("timestamp", ColumnType::Timestamp),
            ("TIMESTAMP WITHOUT TIME ZONE", ColumnType::Timestamp),
            ("timestamptz", ColumnType::Timestamptz),
            ("timestamp with time zone", ColumnType::Timestamptz),
            ("super", ColumnType::Other),
            ("", ColumnType::Other),
            ("numeric(40,2)", ColumnType::Other),
            ("numeric(5,6)", ColumnType::Other),
            ("varchar(x)", ColumnType::Other),
        ];
        for (declared, expected) in cases {
            assert_eq!(ColumnType::parse(declared), expected, "{declared}");
        }
    }

    #[test]
    fn names_are_postgresqls() {
        assert_eq!(ColumnType::parse("numeric(10,2)").pg_name(), "numeric");
        assert_eq!(ColumnType::parse("char(2)").pg_name(), "bpchar");
        assert_eq!(ColumnType::parse("numeric(10,2)").sql_name(), "numeric(10,2)");
        assert_eq!(ColumnType::parse("decimal_text(38,10)").sql_name(), "numeric(38,10)");
        assert_eq!(ColumnType::parse("decimal_text(38,10)").pg_name(), "numeric");
        assert_eq!(ColumnType::parse("varchar").sql_name(), "character varying(256)");
    }
}
