//! The rows of the keyword table, one per keyword, in alphabetical order (the lookup is a
//! binary search, and the order breaks ties between equally close suggestions), each with the
//! documentation sentences it rests on ([`super::book`]) and the documented rules about
//! combining it with other parameters.

use super::CombinationRule::{Excludes, Recommends, Requires};
use super::OptionGroup::{Authorization, Compression, Conversion, DataFormat, DataSource, Load, Unload};
use super::ValueKind::{
    Columns, Count, Flag, FlagWith, FormatName, OptionalText, OptionalWord, RoleChain, Size, Text, Word,
};
use super::book::*;
use super::{Combination, CombinationRule, DocSource, OptionGroup, OptionKeyword, Usage, ValueKind};
use crate::codes;

/// The columnar formats, which COPY reads with few parameters.
const COLUMNAR_FORMATS: &[&str] = &["ORC", "PARQUET"];
/// Every COPY format but CSV, which has no delimiter to set.
const NOT_DELIMITED: &[&str] = &["AVRO", "JSON", "ORC", "PARQUET", "SHAPEFILE"];
/// Every COPY format: the option applies to the default, pipe-delimited text only.
const TEXT_ONLY: &[&str] = &["AVRO", "CSV", "JSON", "ORC", "PARQUET", "SHAPEFILE"];
/// `ON`, `OFF` and their boolean spellings.
const ON_OFF: &[&str] = &["ON", "TRUE", "OFF", "FALSE"];

/// The name of a CREDENTIALS string that holds a root key, as combination rules write it.
pub const CREDENTIALS_WITH_ROOT_KEY: &str = "CREDENTIALS master_symmetric_key";

const ACCEPTANYDATE_RULES: &[Combination] = &[rule(
    "ACCEPTANYDATE",
    Recommends(&["DATEFORMAT"]),
    codes::ACCEPTANYDATE_WITHOUT_DATEFORMAT,
    CONVERSION_ACCEPTANYDATE,
)];
const COPY_ENCRYPTED_RULES: &[Combination] = &[rule(
    "ENCRYPTED",
    Requires(&["MASTER_SYMMETRIC_KEY", CREDENTIALS_WITH_ROOT_KEY]),
    codes::ENCRYPTED_WITHOUT_KEY,
    S3_ENCRYPTED_KEY,
)];
const COPY_ESCAPE_RULES: &[Combination] =
    &[rule("ESCAPE", Excludes(&["FIXEDWIDTH"]), codes::PARAMETER_CONFLICT, CONVERSION_ESCAPE_FIXEDWIDTH)];
const COPY_DELIMITER_RULES: &[Combination] =
    &[rule("DELIMITER", Excludes(&["FIXEDWIDTH"]), codes::FIXEDWIDTH_DELIMITER, FORMAT_DELIMITER)];
const IGNOREALLERRORS_RULES: &[Combination] =
    &[rule("IGNOREALLERRORS", Excludes(&["MAXERROR"]), codes::PARAMETER_CONFLICT, LOAD_IGNOREALLERRORS_MAXERROR)];
const COPY_MASTER_KEY_RULES: &[Combination] = &[
    rule("MASTER_SYMMETRIC_KEY", Requires(&["ENCRYPTED"]), codes::REQUIRES_ENCRYPTED, S3_MASTER_KEY_ENCRYPTED),
    rule("MASTER_SYMMETRIC_KEY", Excludes(&["CREDENTIALS"]), codes::KEY_WITH_CREDENTIALS, S3_MASTER_KEY_CREDENTIALS),
];
const UNLOAD_CLEANPATH_RULES: &[Combination] =
    &[rule("CLEANPATH", Excludes(&["ALLOWOVERWRITE"]), codes::CLEANPATH_ALLOWOVERWRITE, UNLOAD_CLEANPATH)];
const UNLOAD_DELIMITER_RULES: &[Combination] =
    &[rule("DELIMITER", Excludes(&["FIXEDWIDTH"]), codes::FIXEDWIDTH_DELIMITER, UNLOAD_DELIMITER)];
const UNLOAD_ENCRYPTED_RULES: &[Combination] = &[rule(
    "ENCRYPTED AUTO",
    Excludes(&["KMS_KEY_ID", "MASTER_SYMMETRIC_KEY", CREDENTIALS_WITH_ROOT_KEY]),
    codes::ENCRYPTED_AUTO_CONFLICT,
    UNLOAD_ENCRYPTED_AUTO,
)];
const UNLOAD_HEADER_RULES: &[Combination] =
    &[rule("HEADER", Excludes(&["FIXEDWIDTH"]), codes::FORMAT_OPTION_CONFLICT, UNLOAD_HEADER)];
const UNLOAD_KMS_RULES: &[Combination] = &[
    rule("KMS_KEY_ID", Requires(&["ENCRYPTED"]), codes::KMS_WITHOUT_ENCRYPTED, UNLOAD_KMS_ENCRYPTED),
    rule("KMS_KEY_ID", Excludes(&["CREDENTIALS"]), codes::KEY_WITH_CREDENTIALS, UNLOAD_KMS_CREDENTIALS),
];
const UNLOAD_MASTER_KEY_RULES: &[Combination] = &[
    rule("MASTER_SYMMETRIC_KEY", Requires(&["ENCRYPTED"]), codes::REQUIRES_ENCRYPTED, UNLOAD_MASTER_KEY_ENCRYPTED),
    rule(
        "MASTER_SYMMETRIC_KEY",
        Excludes(&["CREDENTIALS"]),
        codes::KEY_WITH_CREDENTIALS,
        UNLOAD_MASTER_KEY_CREDENTIALS,
    ),
    rule("MASTER_SYMMETRIC_KEY", Excludes(&["PARQUET"]), codes::PARQUET_CLIENT_SIDE, UNLOAD_PARQUET_ENCRYPTED),
];
const UNLOAD_PARQUET_RULES: &[Combination] =
    &[rule("PARQUET", Excludes(&[CREDENTIALS_WITH_ROOT_KEY]), codes::PARQUET_CLIENT_SIDE, UNLOAD_PARQUET_ENCRYPTED)];

/// Every COPY and UNLOAD parameter keyword, authorization included.
pub static OPTIONS: &[OptionKeyword] = &[
    copy(
        "ACCEPTANYDATE",
        usage(Conversion, Flag)
            .not_with(COLUMNAR_FORMATS)
            .cited(&[DEF_COPY_ACCEPTANYDATE, CONVERSION_ACCEPTANYDATE, COLUMNAR_NOT_SUPPORTED])
            .combined(ACCEPTANYDATE_RULES),
    ),
    copy(
        "ACCEPTINVCHARS",
        usage(Conversion, OptionalText).cited(&[DEF_COPY_ACCEPTINVCHARS, CONVERSION_ACCEPTINVCHARS, COLUMNAR_ONLY]),
    ),
    both(
        "ACCESS_KEY_ID",
        usage(Authorization, Text).cited(&[DEF_COPY_ACCESS_KEY_ID, AUTH_IAM_ROLE, AUTH_CREDENTIALS]),
        usage(Authorization, Text).cited(&[DEF_COPY_ACCESS_KEY_ID, AUTH_IAM_ROLE, AUTH_CREDENTIALS]),
    ),
    unload(
        "ADDQUOTES",
        usage(Unload, Flag).not_with(&["CSV", "JSON", "PARQUET"]).cited(&[
            DEF_UNLOAD_ADDQUOTES,
            UNLOAD_CSV,
            UNLOAD_JSON,
            UNLOAD_PARQUET,
        ]),
    ),
    unload("ALLOWOVERWRITE", usage(Unload, Flag).cited(&[DEF_UNLOAD_ALLOWOVERWRITE, UNLOAD_CLEANPATH])),
    copy("AVRO", usage(DataFormat, OptionalText).after_format().cited(&[DEF_COPY_AVRO])),
    copy(
        "BLANKSASNULL",
        usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_BLANKSASNULL, COLUMNAR_ONLY]),
    ),
    both(
        "BZIP2",
        usage(Compression, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_BZIP2, COLUMNAR_ONLY]),
        usage(Compression, Flag).not_with(&["PARQUET"]).cited(&[DEF_UNLOAD_BZIP2, UNLOAD_PARQUET]),
    ),
    unload(
        "CLEANPATH",
        usage(Unload, Flag).cited(&[DEF_UNLOAD_CLEANPATH, UNLOAD_CLEANPATH]).combined(UNLOAD_CLEANPATH_RULES),
    ),
    copy(
        "COMPROWS",
        usage(Load, Count).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_COMPROWS, LOAD_COMPROWS, COLUMNAR_ONLY]),
    ),
    copy(
        "COMPUPDATE",
        usage(Load, OptionalWord(&["PRESET", "ON", "TRUE", "OFF", "FALSE"]))
            .not_with(COLUMNAR_FORMATS)
            .cited(&[DEF_COPY_COMPUPDATE, COLUMNAR_ONLY]),
    ),
    both(
        "CREDENTIALS",
        usage(Authorization, Text).cited(&[
            DEF_COPY_CREDENTIALS,
            AUTH_CREDENTIALS,
            AUTH_CREDENTIALS_SPACES,
            AUTH_CREDENTIALS_WITH_AS,
            AUTH_CREDENTIALS_TOKEN,
            AUTH_CREDENTIALS_ROOT_KEY,
            COPY_CLIENT_SIDE_RETIRED,
        ]),
        usage(Authorization, Text).cited(&[
            DEF_COPY_CREDENTIALS,
            AUTH_CREDENTIALS,
            AUTH_CREDENTIALS_SPACES,
            UNLOAD_CLIENT_SIDE_RETIRED,
        ]),
    )
    .aliases(&["WITH CREDENTIALS"]),
    both(
        "CSV",
        usage(DataFormat, FlagWith("[QUOTE [AS] 'quote_character']")).after_format().cited(&[
            DEF_COPY_CSV,
            FORMAT_CSV,
            FORMAT_QUOTE,
        ]),
        usage(DataFormat, Flag).after_format().cited(&[DEF_UNLOAD_FORMAT, UNLOAD_CSV]),
    ),
    copy("DATEFORMAT", usage(Conversion, Text).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_DATEFORMAT, COLUMNAR_ONLY])),
    both(
        "DELIMITER",
        usage(DataFormat, Text)
            .after_format()
            .not_with(NOT_DELIMITED)
            .cited(&[DEF_COPY_DELIMITER, FORMAT_DELIMITER, COLUMNAR_ONLY])
            .combined(COPY_DELIMITER_RULES),
        usage(DataFormat, Text)
            .not_with(&["JSON", "PARQUET"])
            .cited(&[DEF_UNLOAD_DELIMITER, UNLOAD_DELIMITER, UNLOAD_JSON, UNLOAD_PARQUET])
            .combined(UNLOAD_DELIMITER_RULES),
    ),
    copy(
        "EMPTYASNULL",
        usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_EMPTYASNULL, COLUMNAR_ONLY]),
    ),
    copy(
        "ENCODING",
        usage(Conversion, Word(&["UTF8", "UTF16", "UTF16LE", "UTF16BE"]))
            .not_with(COLUMNAR_FORMATS)
            .cited(&[DEF_COPY_ENCODING, COLUMNAR_ONLY]),
    ),
    both(
        "ENCRYPTED",
        usage(DataSource, Flag)
            .not_with(COLUMNAR_FORMATS)
            .cited(&[DEF_COPY_ENCRYPTED, S3_ENCRYPTED_KEY, COLUMNAR_ONLY, COPY_CLIENT_SIDE_RETIRED])
            .combined(COPY_ENCRYPTED_RULES),
        usage(Unload, FlagWith("[AUTO]"))
            .cited(&[DEF_UNLOAD_ENCRYPTED, UNLOAD_ENCRYPTED_AUTO, UNLOAD_PARQUET_ENCRYPTED])
            .combined(UNLOAD_ENCRYPTED_RULES),
    ),
    both(
        "ESCAPE",
        usage(Conversion, Flag)
            .not_with(TEXT_ONLY)
            .cited(&[DEF_COPY_ESCAPE, FORMAT_CSV, FORMAT_SHAPEFILE, CONVERSION_ESCAPE_FIXEDWIDTH, COLUMNAR_ONLY])
            .combined(COPY_ESCAPE_RULES),
        usage(Unload, Flag).not_with(&["JSON", "PARQUET"]).cited(&[DEF_UNLOAD_ESCAPE, UNLOAD_JSON, UNLOAD_PARQUET]),
    ),
    copy("EXPLICIT_IDS", usage(Conversion, Flag).cited(&[DEF_COPY_EXPLICIT_IDS, COLUMNAR_ONLY])),
    unload("EXTENSION", usage(Unload, Text).cited(&[DEF_UNLOAD_EXTENSION, UNLOAD_EXTENSION])),
    copy(
        "FILLRECORD",
        usage(Conversion, Flag).not_with(&["AVRO", "JSON", "SHAPEFILE"]).cited(&[DEF_COPY_FILLRECORD, COLUMNAR_ONLY]),
    ),
    both(
        "FIXEDWIDTH",
        usage(DataFormat, Text).after_format().not_with(TEXT_ONLY).cited(&[
            DEF_COPY_FIXEDWIDTH,
            FORMAT_FIXEDWIDTH,
            FORMAT_CSV,
            FORMAT_SHAPEFILE,
            COLUMNAR_ONLY,
        ]),
        usage(DataFormat, Text).not_with(&["CSV", "JSON", "PARQUET"]).cited(&[
            DEF_UNLOAD_FIXEDWIDTH,
            UNLOAD_FIXEDWIDTH,
            UNLOAD_CSV,
            UNLOAD_JSON,
            UNLOAD_PARQUET,
        ]),
    ),
    both(
        "FORMAT",
        usage(DataFormat, FormatName).cited(&[DEF_COPY_FORMAT]),
        usage(DataFormat, FormatName).cited(&[DEF_UNLOAD_FORMAT]),
    ),
    both(
        "GZIP",
        usage(Compression, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_GZIP, COLUMNAR_ONLY]),
        usage(Compression, Flag).not_with(&["PARQUET"]).cited(&[DEF_UNLOAD_GZIP, UNLOAD_PARQUET, UNLOAD_EXTENSION]),
    ),
    unload(
        "HEADER",
        usage(Unload, Flag)
            .not_with(&["JSON", "PARQUET"])
            .cited(&[DEF_UNLOAD_HEADER, UNLOAD_HEADER, UNLOAD_JSON, UNLOAD_PARQUET])
            .combined(UNLOAD_HEADER_RULES),
    ),
    both(
        "IAM_ROLE",
        usage(Authorization, RoleChain).cited(&[
            DEF_COPY_IAM_ROLE,
            AUTH_IAM_ROLE,
            CHAIN_LIST,
            CHAIN_NO_SPACES,
            CHAIN_QUOTA,
        ]),
        usage(Authorization, RoleChain).cited(&[
            DEF_UNLOAD_IAM_ROLE,
            AUTH_IAM_ROLE,
            UNLOAD_IAM_CHAINED,
            CHAIN_LIST,
            CHAIN_NO_SPACES,
        ]),
    ),
    copy(
        "IGNOREALLERRORS",
        usage(Load, Flag)
            .not_with(COLUMNAR_FORMATS)
            .cited(&[DEF_COPY_IGNOREALLERRORS, LOAD_IGNOREALLERRORS_MAXERROR, LOAD_IGNOREALLERRORS_COLUMNAR])
            .combined(IGNOREALLERRORS_RULES),
    ),
    copy(
        "IGNOREBLANKLINES",
        usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_IGNOREBLANKLINES, COLUMNAR_ONLY]),
    ),
    copy(
        "IGNOREHEADER",
        usage(Conversion, Count).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_IGNOREHEADER, COLUMNAR_ONLY]),
    ),
    both(
        "JSON",
        usage(DataFormat, OptionalText).after_format().cited(&[DEF_COPY_JSON]),
        usage(DataFormat, Flag).after_format().cited(&[DEF_UNLOAD_FORMAT, UNLOAD_JSON]),
    ),
    unload(
        "KMS_KEY_ID",
        usage(Unload, Text)
            .cited(&[DEF_UNLOAD_KMS_KEY_ID, UNLOAD_KMS_ENCRYPTED, UNLOAD_KMS_CREDENTIALS])
            .combined(UNLOAD_KMS_RULES),
    ),
    copy("LZOP", usage(Compression, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_LZOP, COLUMNAR_ONLY])),
    both(
        "MANIFEST",
        usage(DataSource, Flag).cited(&[DEF_COPY_MANIFEST, S3_MANIFEST, COLUMNAR_ONLY]),
        usage(Unload, FlagWith("[VERBOSE]")).cited(&[DEF_UNLOAD_MANIFEST, UNLOAD_VERBOSE]),
    ),
    both(
        "MASTER_SYMMETRIC_KEY",
        usage(DataSource, Text)
            .not_with(COLUMNAR_FORMATS)
            .cited(&[
                DEF_COPY_MASTER_SYMMETRIC_KEY,
                S3_MASTER_KEY_ENCRYPTED,
                S3_MASTER_KEY_CREDENTIALS,
                COLUMNAR_ONLY,
                COPY_CLIENT_SIDE_RETIRED,
            ])
            .combined(COPY_MASTER_KEY_RULES),
        usage(Unload, Text)
            .cited(&[
                DEF_UNLOAD_MASTER_SYMMETRIC_KEY,
                UNLOAD_MASTER_KEY_ENCRYPTED,
                UNLOAD_MASTER_KEY_CREDENTIALS,
                UNLOAD_PARQUET_ENCRYPTED,
                UNLOAD_CLIENT_SIDE_RETIRED,
            ])
            .combined(UNLOAD_MASTER_KEY_RULES),
    ),
    copy(
        "MAXERROR",
        usage(Load, Count).not_with(COLUMNAR_FORMATS).cited(&[
            DEF_COPY_MAXERROR,
            LOAD_MAXERROR,
            LOAD_IGNOREALLERRORS_MAXERROR,
            COLUMNAR_NOT_SUPPORTED,
        ]),
    ),
    unload("MAXFILESIZE", usage(Unload, Size).cited(&[DEF_UNLOAD_MAXFILESIZE, UNLOAD_MAXFILESIZE])),
    copy("NOLOAD", usage(Load, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_NOLOAD, COLUMNAR_ONLY])),
    both(
        "NULL",
        usage(Conversion, Text).not_with(COLUMNAR_FORMATS).cited(&[
            DEF_COPY_NULL,
            CONVERSION_NULL_NEWLINE,
            COLUMNAR_ONLY,
        ]),
        usage(Unload, Text).not_with(&["JSON", "PARQUET"]).cited(&[DEF_UNLOAD_NULL, UNLOAD_JSON, UNLOAD_PARQUET]),
    ),
    copy(
        "ORC",
        usage(DataFormat, FlagWith("[SERIALIZETOJSON]")).after_format().cited(&[DEF_COPY_ORC, FORMAT_COLUMNAR]),
    ),
    unload("PARALLEL", usage(Unload, OptionalWord(ON_OFF)).cited(&[DEF_UNLOAD_PARALLEL])),
    both(
        "PARQUET",
        usage(DataFormat, FlagWith("[SERIALIZETOJSON]")).after_format().cited(&[DEF_COPY_PARQUET, FORMAT_COLUMNAR]),
        usage(DataFormat, Flag)
            .after_format()
            .cited(&[DEF_UNLOAD_FORMAT, UNLOAD_PARQUET, UNLOAD_PARQUET_ENCRYPTED])
            .combined(UNLOAD_PARQUET_RULES),
    ),
    unload("PARTITION", usage(Unload, Columns).cited(&[DEF_UNLOAD_PARTITION, UNLOAD_PARTITION_LITERALS])),
    copy("READRATIO", usage(DataSource, Count).cited(&[S3_UNSUPPORTED])),
    both(
        "REGION",
        usage(DataSource, Text).not_with(COLUMNAR_FORMATS).cited(&[
            DEF_COPY_REGION,
            S3_REGION,
            COLUMNAR_SAME_REGION,
            COLUMNAR_ONLY,
        ]),
        usage(Unload, Text).cited(&[DEF_UNLOAD_REGION, UNLOAD_REGION]),
    ),
    copy(
        "REMOVEQUOTES",
        usage(Conversion, Flag).not_with(TEXT_ONLY).cited(&[
            DEF_COPY_REMOVEQUOTES,
            CONVERSION_REMOVEQUOTES,
            FORMAT_SHAPEFILE,
            COLUMNAR_ONLY,
        ]),
    ),
    copy("ROUNDEC", usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_ROUNDEC, COLUMNAR_ONLY])),
    unload(
        "ROWGROUPSIZE",
        usage(Unload, Size).cited(&[DEF_UNLOAD_ROWGROUPSIZE, UNLOAD_ROWGROUPSIZE, UNLOAD_ROWGROUPSIZE_PARQUET]),
    ),
    both(
        "SECRET_ACCESS_KEY",
        usage(Authorization, Text).cited(&[DEF_COPY_ACCESS_KEY_ID, AUTH_IAM_ROLE, AUTH_CREDENTIALS]),
        usage(Authorization, Text).cited(&[DEF_COPY_ACCESS_KEY_ID, AUTH_IAM_ROLE, AUTH_CREDENTIALS]),
    ),
    both(
        "SESSION_TOKEN",
        usage(Authorization, Text).cited(&[DEF_COPY_SESSION_TOKEN, AUTH_SESSION_TOKEN, AUTH_SESSION_TOKEN_ALONE]),
        usage(Authorization, Text).cited(&[DEF_COPY_SESSION_TOKEN, AUTH_SESSION_TOKEN, AUTH_SESSION_TOKEN_ALONE]),
    ),
    copy(
        "SHAPEFILE",
        usage(DataFormat, FlagWith("[SIMPLIFY [AUTO] [tolerance]]"))
            .after_format()
            .cited(&[DEF_COPY_SHAPEFILE, FORMAT_SHAPEFILE]),
    ),
    copy("SSH", usage(DataSource, Flag).cited(&[S3_UNSUPPORTED])),
    copy("STATUPDATE", usage(Load, OptionalWord(ON_OFF)).cited(&[DEF_COPY_STATUPDATE, COLUMNAR_ONLY])),
    copy("TIMEFORMAT", usage(Conversion, Text).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_TIMEFORMAT, COLUMNAR_ONLY])),
    copy("TRIMBLANKS", usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_TRIMBLANKS, COLUMNAR_ONLY])),
    copy(
        "TRUNCATECOLUMNS",
        usage(Conversion, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_TRUNCATECOLUMNS, COLUMNAR_ONLY]),
    ),
    both(
        "ZSTD",
        usage(Compression, Flag).not_with(COLUMNAR_FORMATS).cited(&[DEF_COPY_ZSTD, COMPRESSION_ZSTD, COLUMNAR_ONLY]),
        usage(Compression, Flag).not_with(&["PARQUET"]).cited(&[DEF_UNLOAD_ZSTD, UNLOAD_PARQUET]),
    ),
];

/// A usage in `group` taking `value`, combinable with every format and parameter, not yet audited.
const fn usage(group: OptionGroup, value: ValueKind) -> Usage {
    Usage { group, value, after_format: false, excluded_formats: &[], sources: &[], combinations: &[] }
}

/// A combination rule about `subject`.
const fn rule(subject: &'static str, rule: CombinationRule, code: &'static str, source: DocSource) -> Combination {
    Combination { subject, rule, code, source }
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

    /// The same usage, resting on `sources`.
    const fn cited(self, sources: &'static [DocSource]) -> Self {
        Self { sources, ..self }
    }

    /// The same usage, with the documented rules about combining it with other parameters.
    const fn combined(self, combinations: &'static [Combination]) -> Self {
        Self { combinations, ..self }
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
