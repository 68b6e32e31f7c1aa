//! COPY's options read into settings, with Redshift's refusals: the parameters columnar COPY
//! takes and its `IAM_ROLE`-only credentials, the parameters JSON does not take, and what the
//! emulator does not reproduce.

use redbridge_sql::{Authorization, CopyFormat, CopyOption, CopyStatement, JsonSource};

use crate::compression::Codec;
use crate::texts;

/// The data format of a COPY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Format {
    /// Delimited text (the default, `|`).
    Text,
    /// `CSV`.
    Csv,
    /// `JSON`.
    Json(JsonMode),
    /// `PARQUET`.
    Parquet,
}

/// How JSON fields find their columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonMode {
    /// `'auto'` (keys equal to column names) or `'auto ignorecase'`.
    Auto {
        /// Whether case is ignored.
        ignore_case: bool,
    },
    /// A JSONPaths file, `s3://…`.
    Paths(String),
}

/// How COPY reads its files.
#[derive(Debug, Clone)]
pub(crate) struct CopySettings {
    pub format: Format,
    pub quote: char,
    pub delimiter: char,
    pub remove_quotes: bool,
    pub escape: bool,
    pub ignore_header: u64,
    pub null_as: Option<String>,
    pub empty_as_null: bool,
    pub blanks_as_null: bool,
    pub trim_blanks: bool,
    pub fill_record: bool,
    pub ignore_blank_lines: bool,
    pub truncate_columns: bool,
    pub codec: Option<Codec>,
    pub manifest: bool,
    pub no_load: bool,
    pub region: Option<String>,
}

pub(crate) fn single_char(option: &str, value: &str) -> Result<char, String> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{option} must be a single character, not `{value}`")),
    }
}

/// Columnar COPY takes only these parameters besides FROM, IAM_ROLE and the format: "Only the
/// following COPY parameters are supported: ACCEPTINVCHARS … FILLRECORD … FROM … IAM_ROLE …
/// MANIFEST … SERIALIZETOJSON" with STATUPDATE and EXPLICIT_IDS as redbridge-sql's linter lists
/// them (`COLUMNAR_COPY_PARAMETERS`), from
/// <https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>.
fn columnar_accepts(option: &CopyOption) -> bool {
    matches!(
        option,
        CopyOption::Format(_)
            | CopyOption::Manifest
            | CopyOption::AcceptInvChars(_)
            | CopyOption::FillRecord
            | CopyOption::StatUpdate(_)
            | CopyOption::ExplicitIds
    )
}

/// "The following options aren't supported with JSON: CSV, DELIMITER, ESCAPE, FILLRECORD,
/// FIXEDWIDTH, IGNOREBLANKLINES, NULL AS, READRATIO, REMOVEQUOTES"
/// (<https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html#copy-json>).
fn json_refuses(option: &CopyOption) -> bool {
    matches!(
        option,
        CopyOption::Delimiter(_)
            | CopyOption::Escape
            | CopyOption::FillRecord
            | CopyOption::FixedWidth(_)
            | CopyOption::IgnoreBlankLines
            | CopyOption::NullAs(_)
            | CopyOption::ReadRatio(_)
            | CopyOption::RemoveQuotes
    )
}

impl CopySettings {
    /// Reads a statement's options and authorization; every refusal here comes before the chain
    /// is assumed or S3 is read, as Redshift checks its syntax first.
    pub fn from_statement(statement: &CopyStatement) -> Result<Self, String> {
        let settings = Self::from_options(&statement.options)?;
        if settings.format == Format::Parquet
            && !matches!(statement.authorization, Some(Authorization::IamRole { .. }) | None)
        {
            return Err(texts::columnar_credentials());
        }
        Ok(settings)
    }

    /// Reads the options alone.
    pub fn from_options(options: &[CopyOption]) -> Result<Self, String> {
        let mut s = Self {
            format: Format::Text,
            quote: '"',
            delimiter: '|',
            remove_quotes: false,
            escape: false,
            ignore_header: 0,
            null_as: None,
            empty_as_null: false,
            blanks_as_null: false,
            trim_blanks: false,
            fill_record: false,
            ignore_blank_lines: false,
            truncate_columns: false,
            codec: None,
            manifest: false,
            no_load: false,
            region: None,
        };
        for option in options {
            if let CopyOption::Format(format) = option {
                s.format = match format {
                    CopyFormat::Csv { quote } => {
                        if let Some(q) = quote {
                            s.quote = single_char("QUOTE", q)?;
                        }
                        Format::Csv
                    }
                    CopyFormat::Json { source } => Format::Json(json_mode(source)?),
                    // SERIALIZETOJSON only matters for nested data into SUPER, which the emulator
                    // refuses column by column.
                    CopyFormat::Parquet { .. } => Format::Parquet,
                    other => return Err(texts::not_emulated(&format!("COPY from `{}`", other.keyword()))),
                };
            }
        }
        let mut delimiter = None;
        for option in options {
            if s.format == Format::Parquet && !columnar_accepts(option) {
                return Err(texts::columnar_argument(option.keyword()));
            }
            if matches!(s.format, Format::Json(_)) && json_refuses(option) {
                return Err(texts::json_argument(option.keyword()));
            }
            match option {
                CopyOption::Format(_) => {}
                CopyOption::Delimiter(d) => delimiter = Some(single_char("DELIMITER", d)?),
                CopyOption::RemoveQuotes => s.remove_quotes = true,
                CopyOption::Escape => s.escape = true,
                CopyOption::IgnoreHeader(n) => s.ignore_header = *n,
                CopyOption::NullAs(n) => s.null_as = Some(n.clone()),
                CopyOption::EmptyAsNull => s.empty_as_null = true,
                CopyOption::BlanksAsNull => s.blanks_as_null = true,
                CopyOption::TrimBlanks => s.trim_blanks = true,
                CopyOption::FillRecord => s.fill_record = true,
                CopyOption::IgnoreBlankLines => s.ignore_blank_lines = true,
                CopyOption::TruncateColumns => s.truncate_columns = true,
                CopyOption::Compression(c) => s.codec = Some(Codec::of(*c)?),
                CopyOption::Manifest => s.manifest = true,
                CopyOption::NoLoad => s.no_load = true,
                CopyOption::Region(r) => s.region = Some(r.clone()),
                CopyOption::Encoding(redbridge_sql::Encoding::Utf8) => {}
                // Accepted and without effect here: they tune types, statistics and error tolerance.
                CopyOption::AcceptAnyDate
                | CopyOption::AcceptInvChars(_)
                | CopyOption::DateFormat(_)
                | CopyOption::TimeFormat(_)
                | CopyOption::CompRows(_)
                | CopyOption::CompUpdate(_)
                | CopyOption::StatUpdate(_)
                | CopyOption::MaxError(_)
                | CopyOption::RoundDec
                | CopyOption::ExplicitIds => {}
                other => return Err(texts::not_emulated(&format!("COPY option `{}`", other.keyword()))),
            }
        }
        let csv = s.format == Format::Csv;
        if csv && s.remove_quotes {
            return Err("REMOVEQUOTES cannot be used with CSV".to_owned());
        }
        if csv && s.escape {
            return Err("ESCAPE cannot be used with CSV".to_owned());
        }
        s.delimiter = delimiter.unwrap_or(if csv { ',' } else { '|' });
        Ok(s)
    }
}

/// `JSON 'auto' | 'auto ignorecase' | 's3://…'`; `'noshred'` (SUPER) is not emulated.
fn json_mode(source: &JsonSource) -> Result<JsonMode, String> {
    let JsonSource::Value(value) = source else { return Ok(JsonMode::Auto { ignore_case: false }) };
    let words = value.split_whitespace().map(str::to_ascii_lowercase).collect::<Vec<_>>();
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["auto"] => Ok(JsonMode::Auto { ignore_case: false }),
        ["auto", "ignorecase"] => Ok(JsonMode::Auto { ignore_case: true }),
        ["noshred"] => Err(texts::not_emulated("COPY from `JSON 'noshred'` (SUPER)")),
        _ if value.starts_with("s3://") => Ok(JsonMode::Paths(value.clone())),
        _ => Err(format!(
            "JSON takes `'auto'`, `'auto ignorecase'` or the `s3://` location of a JSONPaths file, not `'{value}'`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(tail: &str) -> CopyStatement {
        let sql = format!("COPY t FROM 's3://b/p' {tail}");
        let Ok(redbridge_sql::Statement::Copy(copy)) = redbridge_sql::parse_statement(&sql) else { panic!("{sql}") };
        copy
    }

    const ROLE: &str = "IAM_ROLE 'arn:aws:iam::111111111111:role/R'";

    #[test]
    fn parquet_refuses_region_and_other_parameters_with_redshifts_text() {
        let region = CopySettings::from_statement(&statement(&format!("{ROLE} FORMAT AS PARQUET REGION 'us-west-2'")));
        assert_eq!(region.unwrap_err(), "REGION argument is not supported for PARQUET based COPY");
        let truncate = CopySettings::from_statement(&statement(&format!("{ROLE} FORMAT AS PARQUET TRUNCATECOLUMNS")));
        assert_eq!(truncate.unwrap_err(), "TRUNCATECOLUMNS argument is not supported for PARQUET based COPY");
        let gzip = CopySettings::from_statement(&statement(&format!("{ROLE} FORMAT AS PARQUET GZIP")));
        assert_eq!(gzip.unwrap_err(), "GZIP argument is not supported for PARQUET based COPY");
        let accepted =
            CopySettings::from_statement(&statement(&format!("{ROLE} FORMAT AS PARQUET MANIFEST FILLRECORD"))).unwrap();
        assert!(accepted.manifest && accepted.fill_record);
    }

    #[test]
    fn parquet_accepts_only_iam_role_credentials() {
        let keys = statement("ACCESS_KEY_ID 'AKIA' SECRET_ACCESS_KEY 'x' FORMAT AS PARQUET");
        assert_eq!(
            CopySettings::from_statement(&keys).unwrap_err(),
            "COPY from this file format only accepts IAM_ROLE credentials."
        );
        let credentials = statement("CREDENTIALS 'aws_iam_role=arn:aws:iam::111111111111:role/R' FORMAT AS PARQUET");
        assert!(CopySettings::from_statement(&credentials).unwrap_err().contains("only accepts IAM_ROLE"));
        let csv = statement("CREDENTIALS 'aws_iam_role=arn:aws:iam::111111111111:role/R' CSV");
        assert!(CopySettings::from_statement(&csv).is_ok());
    }

    #[test]
    fn json_modes_and_refused_parameters() {
        let mode = |tail: &str| CopySettings::from_statement(&statement(&format!("{ROLE} {tail}"))).map(|s| s.format);
        assert_eq!(mode("JSON").unwrap(), Format::Json(JsonMode::Auto { ignore_case: false }));
        assert_eq!(mode("FORMAT AS JSON 'auto'").unwrap(), Format::Json(JsonMode::Auto { ignore_case: false }));
        assert_eq!(
            mode("FORMAT AS JSON 'auto ignorecase'").unwrap(),
            Format::Json(JsonMode::Auto { ignore_case: true })
        );
        assert_eq!(
            mode("FORMAT AS JSON 's3://b/paths.json'").unwrap(),
            Format::Json(JsonMode::Paths("s3://b/paths.json".into()))
        );
        assert!(mode("JSON 'noshred'").unwrap_err().starts_with("not emulated"));
        assert_eq!(
            mode("JSON 'auto' DELIMITER ','").unwrap_err(),
            "DELIMITER argument is not supported for JSON based COPY"
        );
        assert!(mode("JSON 'auto' GZIP").is_ok() && mode("JSON 'auto' ZSTD").is_ok() && mode("JSON BZIP2").is_ok());
    }

    #[test]
    fn other_formats_are_refused_as_not_emulated() {
        let avro = CopySettings::from_statement(&statement(&format!("{ROLE} FORMAT AS AVRO 'auto'")));
        assert!(avro.unwrap_err().starts_with("not emulated: COPY from `AVRO`"));
    }
}
