//! The rows of the keyword table, one per keyword, in alphabetical order (the lookup is a
//! binary search, and the order breaks ties between equally close suggestions).

use super::OptionGroup::{Authorization, Compression, Conversion, DataFormat, DataSource, Load, Unload};
use super::ValueKind::{
    Columns, Count, Flag, FlagWith, FormatName, OptionalText, OptionalWord, RoleChain, Size, Text, Word,
};
use super::{OptionGroup, OptionKeyword, Usage, ValueKind};

/// The columnar formats, which COPY reads with few parameters.
const COLUMNAR: &[&str] = &["ORC", "PARQUET"];
/// Every COPY format but CSV, which has no delimiter to set.
const NOT_DELIMITED: &[&str] = &["AVRO", "JSON", "ORC", "PARQUET", "SHAPEFILE"];
/// Every COPY format: the option applies to the default, pipe-delimited text only.
const TEXT_ONLY: &[&str] = &["AVRO", "CSV", "JSON", "ORC", "PARQUET", "SHAPEFILE"];
/// `ON`, `OFF` and their boolean spellings.
const ON_OFF: &[&str] = &["ON", "TRUE", "OFF", "FALSE"];

/// Every COPY and UNLOAD parameter keyword, authorization included.
pub static OPTIONS: &[OptionKeyword] = &[
    copy("ACCEPTANYDATE", usage(Conversion, Flag).not_with(COLUMNAR)),
    copy("ACCEPTINVCHARS", usage(Conversion, OptionalText)),
    both("ACCESS_KEY_ID", usage(Authorization, Text), usage(Authorization, Text)),
    unload("ADDQUOTES", usage(Unload, Flag).not_with(&["CSV", "JSON", "PARQUET"])),
    unload("ALLOWOVERWRITE", usage(Unload, Flag)),
    copy("AVRO", usage(DataFormat, OptionalText).after_format()),
    copy("BLANKSASNULL", usage(Conversion, Flag).not_with(COLUMNAR)),
    both("BZIP2", usage(Compression, Flag).not_with(COLUMNAR), usage(Compression, Flag).not_with(&["PARQUET"])),
    unload("CLEANPATH", usage(Unload, Flag)),
    copy("COMPROWS", usage(Load, Count).not_with(COLUMNAR)),
    copy("COMPUPDATE", usage(Load, OptionalWord(&["PRESET", "ON", "TRUE", "OFF", "FALSE"])).not_with(COLUMNAR)),
    both("CREDENTIALS", usage(Authorization, Text), usage(Authorization, Text)).aliases(&["WITH CREDENTIALS"]),
    both(
        "CSV",
        usage(DataFormat, FlagWith("[QUOTE [AS] 'quote_character']")).after_format(),
        usage(DataFormat, Flag).after_format(),
    ),
    copy("DATEFORMAT", usage(Conversion, Text).not_with(COLUMNAR)),
    both(
        "DELIMITER",
        usage(DataFormat, Text).after_format().not_with(NOT_DELIMITED),
        usage(DataFormat, Text).not_with(&["JSON", "PARQUET"]),
    ),
    copy("EMPTYASNULL", usage(Conversion, Flag).not_with(COLUMNAR)),
    copy("ENCODING", usage(Conversion, Word(&["UTF8", "UTF16", "UTF16LE", "UTF16BE"])).not_with(COLUMNAR)),
    both("ENCRYPTED", usage(DataSource, Flag).not_with(COLUMNAR), usage(Unload, FlagWith("[AUTO]"))),
    both("ESCAPE", usage(Conversion, Flag).not_with(TEXT_ONLY), usage(Unload, Flag).not_with(&["JSON", "PARQUET"])),
    copy("EXPLICIT_IDS", usage(Conversion, Flag)),
    unload("EXTENSION", usage(Unload, Text)),
    copy("FILLRECORD", usage(Conversion, Flag).not_with(&["AVRO", "JSON", "SHAPEFILE"])),
    both(
        "FIXEDWIDTH",
        usage(DataFormat, Text).after_format().not_with(TEXT_ONLY),
        usage(DataFormat, Text).not_with(&["CSV", "JSON", "PARQUET"]),
    ),
    both("FORMAT", usage(DataFormat, FormatName), usage(DataFormat, FormatName)),
    both("GZIP", usage(Compression, Flag).not_with(COLUMNAR), usage(Compression, Flag).not_with(&["PARQUET"])),
    unload("HEADER", usage(Unload, Flag).not_with(&["JSON", "PARQUET"])),
    both("IAM_ROLE", usage(Authorization, RoleChain), usage(Authorization, RoleChain)),
    copy("IGNOREBLANKLINES", usage(Conversion, Flag).not_with(COLUMNAR)),
    copy("IGNOREHEADER", usage(Conversion, Count).not_with(COLUMNAR)),
    both("JSON", usage(DataFormat, OptionalText).after_format(), usage(DataFormat, Flag).after_format()),
    unload("KMS_KEY_ID", usage(Unload, Text)),
    copy("LZOP", usage(Compression, Flag).not_with(COLUMNAR)),
    both("MANIFEST", usage(DataSource, Flag), usage(Unload, FlagWith("[VERBOSE]"))),
    both("MASTER_SYMMETRIC_KEY", usage(DataSource, Text).not_with(COLUMNAR), usage(Unload, Text)),
    copy("MAXERROR", usage(Load, Count).not_with(COLUMNAR)),
    unload("MAXFILESIZE", usage(Unload, Size)),
    copy("NOLOAD", usage(Load, Flag).not_with(COLUMNAR)),
    both("NULL", usage(Conversion, Text).not_with(COLUMNAR), usage(Unload, Text).not_with(&["PARQUET"])),
    copy("ORC", usage(DataFormat, FlagWith("[SERIALIZETOJSON]")).after_format()),
    unload("PARALLEL", usage(Unload, OptionalWord(ON_OFF))),
    both(
        "PARQUET",
        usage(DataFormat, FlagWith("[SERIALIZETOJSON]")).after_format(),
        usage(DataFormat, Flag).after_format(),
    ),
    unload("PARTITION", usage(Unload, Columns)),
    both("REGION", usage(DataSource, Text).not_with(COLUMNAR), usage(Unload, Text)),
    copy("REMOVEQUOTES", usage(Conversion, Flag).not_with(TEXT_ONLY)),
    copy("ROUNDEC", usage(Conversion, Flag).not_with(COLUMNAR)),
    unload("ROWGROUPSIZE", usage(Unload, Size)),
    both("SECRET_ACCESS_KEY", usage(Authorization, Text), usage(Authorization, Text)),
    both("SESSION_TOKEN", usage(Authorization, Text), usage(Authorization, Text)),
    copy("SHAPEFILE", usage(DataFormat, FlagWith("[SIMPLIFY [AUTO] [tolerance]]")).after_format()),
    copy("STATUPDATE", usage(Load, OptionalWord(ON_OFF))),
    copy("TIMEFORMAT", usage(Conversion, Text).not_with(COLUMNAR)),
    copy("TRIMBLANKS", usage(Conversion, Flag).not_with(COLUMNAR)),
    copy("TRUNCATECOLUMNS", usage(Conversion, Flag).not_with(COLUMNAR)),
    both("ZSTD", usage(Compression, Flag).not_with(COLUMNAR), usage(Compression, Flag).not_with(&["PARQUET"])),
];

/// A usage in `group` taking `value`, combinable with every format, not yet audited.
const fn usage(group: OptionGroup, value: ValueKind) -> Usage {
    Usage { group, value, after_format: false, excluded_formats: &[], sources: &[] }
}

impl Usage {
    /// The same usage, also written after `FORMAT [AS]`.
    const fn after_format(self) -> Self {
        Self { after_format: true, ..self }
    }

    /// The same usage, not combinable with `formats`.
    const fn not_with(self, formats: &'static [&'static str]) -> Self {
        Self { excluded_formats: formats, ..self }
    }
}

/// A keyword only COPY takes.
const fn copy(keyword: &'static str, usage: Usage) -> OptionKeyword {
    OptionKeyword { keyword, aliases: &[], copy: Some(usage), unload: None }
}

/// A keyword only UNLOAD takes.
const fn unload(keyword: &'static str, usage: Usage) -> OptionKeyword {
    OptionKeyword { keyword, aliases: &[], copy: None, unload: Some(usage) }
}

/// A keyword both statements take.
const fn both(keyword: &'static str, copy: Usage, unload: Usage) -> OptionKeyword {
    OptionKeyword { keyword, aliases: &[], copy: Some(copy), unload: Some(unload) }
}

impl OptionKeyword {
    /// The same row with other spellings.
    const fn aliases(self, aliases: &'static [&'static str]) -> Self {
        Self { aliases, ..self }
    }
}
