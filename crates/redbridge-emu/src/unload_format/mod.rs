//! UNLOAD's file formats: the options a statement gives, checked as Redshift checks them, and
//! the writers of delimited text and CSV ([`delimited`]), JSON lines ([`json`]) and Parquet
//! ([`parquet`]), with Redshift's file names, partition folders and manifests ([`files`]).

pub(crate) mod delimited;
pub(crate) mod files;
pub(crate) mod json;
pub(crate) mod parquet;
pub(crate) mod table;

use redbridge_sql::{UnloadFormat, UnloadOption};

use crate::compression::Codec;
use crate::copy_run::single_char;
use crate::texts;

/// The format of the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// Delimited text, `|` by default.
    #[default]
    Text,
    /// `CSV`.
    Csv,
    /// `PARQUET`.
    Parquet,
    /// `JSON`.
    Json,
}

/// One megabyte, as UNLOAD's sizes count it.
const MB: u64 = 1024 * 1024;

/// "If MAXFILESIZE isn't specified, the default maximum file size is 6.2 GB" (r_UNLOAD).
pub(crate) const DEFAULT_MAX_FILE_SIZE: u64 = 6_348 * MB + 819 * 1024;

/// "If ROWGROUPSIZE isn't specified, the default size is 32 MB" (r_UNLOAD).
pub(crate) const DEFAULT_ROW_GROUP_SIZE: u64 = 32 * MB;

/// How UNLOAD writes its files.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub format: Format,
    pub header: bool,
    pub delimiter: Option<char>,
    pub null_as: String,
    pub add_quotes: bool,
    pub escape: bool,
    pub codec: Option<Codec>,
    pub parallel: bool,
    pub manifest: Option<bool>,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub allow_overwrite: bool,
    pub clean_path: bool,
    pub extension: Option<String>,
    pub region: Option<String>,
    /// MAXFILESIZE in bytes.
    pub max_file_size: u64,
    /// ROWGROUPSIZE in bytes (Parquet).
    pub row_group_size: u64,
    /// PARTITION BY's columns, and whether INCLUDE keeps them in the files.
    pub partition: Option<(Vec<String>, bool)>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            format: Format::Text,
            header: false,
            delimiter: None,
            null_as: String::new(),
            add_quotes: false,
            escape: false,
            codec: None,
            parallel: true,
            manifest: None,
            encrypted: None,
            kms_key_id: None,
            allow_overwrite: false,
            clean_path: false,
            extension: None,
            region: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            row_group_size: DEFAULT_ROW_GROUP_SIZE,
            partition: None,
        }
    }
}

impl Settings {
    /// The settings of a statement's options, refusing what Redshift refuses.
    pub fn from_options(options: &[UnloadOption]) -> Result<Self, String> {
        let mut s = Self::default();
        // The options PARQUET and JSON refuse, as given.
        let mut text_only: Vec<&'static str> = Vec::new();
        let mut row_group_size_given = false;
        for option in options {
            match option {
                UnloadOption::Format(UnloadFormat::Csv) => s.format = Format::Csv,
                UnloadOption::Format(UnloadFormat::Parquet) => s.format = Format::Parquet,
                UnloadOption::Format(UnloadFormat::Json) => s.format = Format::Json,
                UnloadOption::Header => s.header = true,
                UnloadOption::Delimiter(d) => s.delimiter = Some(single_char("DELIMITER", d)?),
                UnloadOption::NullAs(n) => s.null_as = n.clone(),
                UnloadOption::AddQuotes => s.add_quotes = true,
                UnloadOption::Escape => s.escape = true,
                UnloadOption::Compression(c) => s.codec = Some(Codec::of(*c)?),
                UnloadOption::Parallel(on) => s.parallel = *on,
                UnloadOption::Manifest { verbose } => s.manifest = Some(*verbose),
                UnloadOption::Encrypted { auto } => s.encrypted = Some(*auto),
                UnloadOption::KmsKeyId(k) => s.kms_key_id = Some(k.clone()),
                UnloadOption::AllowOverwrite => s.allow_overwrite = true,
                UnloadOption::CleanPath => s.clean_path = true,
                UnloadOption::Extension(e) => s.extension = Some(e.trim_start_matches('.').to_owned()),
                UnloadOption::Region(r) => s.region = Some(r.clone()),
                UnloadOption::MaxFileSize(size) => s.max_file_size = max_file_size(size)?,
                UnloadOption::RowGroupSize(size) => {
                    s.row_group_size = row_group_size(size)?;
                    row_group_size_given = true;
                }
                UnloadOption::PartitionBy { columns, include } => {
                    let names = columns
                        .iter()
                        .map(|c| if c.quoted { c.value.clone() } else { c.value.to_ascii_lowercase() })
                        .collect();
                    s.partition = Some((names, *include));
                }
                other => return Err(texts::not_emulated(&format!("UNLOAD option `{}`", other.keyword()))),
            }
            if matches!(
                option,
                UnloadOption::Delimiter(_)
                    | UnloadOption::FixedWidth(_)
                    | UnloadOption::AddQuotes
                    | UnloadOption::Escape
                    | UnloadOption::NullAs(_)
                    | UnloadOption::Header
                    | UnloadOption::Compression(_)
            ) {
                text_only.push(option.keyword());
            }
        }
        match s.format {
            Format::Parquet if !text_only.is_empty() => return Err(texts::unload_parquet_refuses()),
            Format::Json if text_only.iter().any(|k| !["GZIP", "BZIP2", "ZSTD"].contains(k)) => {
                return Err(texts::unload_json_refuses());
            }
            _ => {}
        }
        if row_group_size_given && s.format != Format::Parquet {
            return Err(texts::unload_row_group_size_needs_parquet());
        }
        if s.kms_key_id.is_some() && s.encrypted.is_none() {
            return Err("KMS_KEY_ID requires the ENCRYPTED option".to_owned());
        }
        if s.allow_overwrite && s.clean_path {
            return Err("CLEANPATH cannot be used with ALLOWOVERWRITE".to_owned());
        }
        if s.format == Format::Csv && (s.add_quotes || s.escape) {
            return Err("ADDQUOTES and ESCAPE cannot be used with CSV".to_owned());
        }
        Ok(s)
    }

    /// The extension of the files: EXTENSION as given ("If you're using a compression method such
    /// as GZIP, you still have to specify .gz in the extension parameter … If you specify a
    /// compression method without providing an extension, Amazon Redshift only adds the
    /// compression method's extension to the filename": r_UNLOAD, EXTENSION), else `.parquet` for
    /// Parquet (r_UNLOAD_command_examples: `0000_part_00.parquet`) or the codec's.
    pub fn file_extension(&self) -> String {
        match (&self.extension, self.format, self.codec) {
            (Some(extension), _, _) => format!(".{extension}"),
            (None, Format::Parquet, _) => ".parquet".to_owned(),
            (None, _, Some(codec)) => codec.extension().to_owned(),
            (None, _, None) => String::new(),
        }
    }
}

/// MAXFILESIZE in bytes: "Specify a decimal value between 5 MB and 6.2 GB … The default unit
/// is MB" (r_UNLOAD).
fn max_file_size(size: &redbridge_sql::Size) -> Result<u64, String> {
    match size.megabytes() {
        Some(mb) if (5.0..=6.2 * 1024.0).contains(&mb) => Ok((mb * MB as f64) as u64),
        _ => Err(texts::unload_max_file_size_range(&size.to_string())),
    }
}

/// ROWGROUPSIZE in bytes: "Specify an integer value between 32 MB and 128 MB" (r_UNLOAD).
fn row_group_size(size: &redbridge_sql::Size) -> Result<u64, String> {
    match size.megabytes() {
        Some(mb) if (32.0..=128.0).contains(&mb) && mb.fract() == 0.0 => Ok(mb as u64 * MB),
        _ => Err(texts::unload_row_group_size_range(&size.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> Result<Settings, String> {
        let sql = format!("UNLOAD ('select 1') TO 's3://b/p/' IAM_ROLE 'arn:aws:iam::111111111111:role/R' {text}");
        let Ok(redbridge_sql::Statement::Unload(statement)) = redbridge_sql::parse_statement(&sql) else {
            panic!("`{sql}` parses as UNLOAD")
        };
        Settings::from_options(&statement.options)
    }

    #[test]
    fn parquet_and_json_refuse_the_text_options_with_redshifts_sentences() {
        for refused in ["DELIMITER ','", "HEADER", "ADDQUOTES", "ESCAPE", "NULL AS 'x'", "GZIP", "BZIP2", "ZSTD"] {
            assert_eq!(options(&format!("FORMAT AS PARQUET {refused}")).unwrap_err(), texts::unload_parquet_refuses());
        }
        for refused in ["DELIMITER ','", "HEADER", "ADDQUOTES", "ESCAPE", "NULL AS 'x'"] {
            assert_eq!(options(&format!("FORMAT JSON {refused}")).unwrap_err(), texts::unload_json_refuses());
        }
        assert_eq!(options("JSON ZSTD").unwrap().codec, Some(Codec::Zstd));
    }

    #[test]
    fn sizes_are_held_to_the_unload_pages_bounds() {
        assert_eq!(options("MAXFILESIZE 5 MB").unwrap().max_file_size, 5 * MB);
        assert_eq!(options("").unwrap().max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert!(options("MAXFILESIZE 4 MB").unwrap_err().contains("between 5 MB and 6.2 GB"));
        assert!(options("MAXFILESIZE 6.3 GB").is_err());
        assert_eq!(options("PARQUET ROWGROUPSIZE 64 MB").unwrap().row_group_size, 64 * MB);
        assert!(options("PARQUET ROWGROUPSIZE 16 MB").unwrap_err().contains("between 32 MB and 128 MB"));
        assert!(options("PARQUET ROWGROUPSIZE 40.5 MB").is_err());
        assert_eq!(options("CSV ROWGROUPSIZE 64 MB").unwrap_err(), texts::unload_row_group_size_needs_parquet());
    }

    #[test]
    fn extensions_follow_the_extension_parameter_then_the_format_and_codec() {
        assert_eq!(options("PARQUET").unwrap().file_extension(), ".parquet");
        assert_eq!(options("BZIP2").unwrap().file_extension(), ".bz2");
        assert_eq!(options("GZIP EXTENSION 'txt.gz'").unwrap().file_extension(), ".txt.gz");
        assert_eq!(options("CSV").unwrap().file_extension(), "");
        let partitioned = options("PARQUET PARTITION BY (Year, \"Month\") INCLUDE").unwrap();
        assert_eq!(partitioned.partition, Some((vec!["year".to_owned(), "Month".to_owned()], true)));
    }
}
