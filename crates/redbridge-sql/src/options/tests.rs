//! The keyword table agrees with itself, with the parser and with the tree: no keyword twice,
//! every keyword the parser accepts is in the table, every row is read as its value kind says.

use super::{OPTIONS, OptionGroup, ValueKind, keywords, resolve, starts_parameter};
use crate::ast::Statement;
use crate::parser::{ParsedStatement, StatementKind, parse};
use crate::{codes, lint};

const STATEMENTS: [StatementKind; 2] = [StatementKind::Copy, StatementKind::Unload];

/// One statement of `kind` with a location and `IAM_ROLE default`, then `parameter`.
fn statement_with(kind: StatementKind, parameter: &str) -> String {
    match kind {
        StatementKind::Copy => format!("COPY t FROM 's3://b/p' IAM_ROLE default {parameter}"),
        _ => format!("UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default {parameter}"),
    }
}

fn parse_one(text: &str) -> ParsedStatement {
    let mut parsed = parse(text);
    assert_eq!(parsed.len(), 1, "{text}");
    parsed.remove(0)
}

/// Authorization clauses plus parameters.
fn parameter_count(parsed: &ParsedStatement) -> usize {
    let options = match &parsed.statement {
        Some(Statement::Copy(copy)) => copy.options.len(),
        Some(Statement::Unload(unload)) => unload.options.len(),
        None => 0,
    };
    parsed.auth.len() + options
}

/// The uppercase words quoted in `source`: `"MANIFEST"`, `"UTF16LE"`.
fn quoted_words(source: &str) -> Vec<&str> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.len() > 1 && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .collect()
}

#[test]
fn the_table_is_sorted_and_lists_no_keyword_twice() {
    for pair in OPTIONS.windows(2) {
        assert!(pair[0].keyword < pair[1].keyword, "`{}` before `{}`", pair[0].keyword, pair[1].keyword);
    }
    for row in OPTIONS {
        assert_eq!(row.keyword, row.keyword.to_ascii_uppercase());
        assert!(!row.keyword.contains(' '), "`{}`: the keyword is one word", row.keyword);
        assert!(row.copy.is_some() || row.unload.is_some(), "`{}` is taken by no statement", row.keyword);
        for alias in row.aliases {
            let first = alias.split(' ').next().unwrap_or_default();
            assert!(super::find(first).is_none(), "alias `{alias}` of `{}` starts with a keyword", row.keyword);
            assert_eq!(resolve(first).map(|r| r.keyword), Some(row.keyword), "alias `{alias}` is ambiguous");
        }
    }
}

/// Every uppercase word the parser's sources or Redshift's reserved words name is tried at a
/// parameter's place: the ones the parser does not report as unknown are all in the table.
#[test]
fn every_keyword_the_parser_accepts_is_in_the_table() {
    let sources = [
        include_str!("../parser/mod.rs"),
        include_str!("../parser/copy.rs"),
        include_str!("../parser/unload.rs"),
        include_str!("../parser/options.rs"),
        include_str!("../parser/cursor.rs"),
        include_str!("../keywords.rs"),
    ];
    let mut words: Vec<&str> = sources.iter().flat_map(|s| quoted_words(s)).collect();
    words.extend(OPTIONS.iter().map(|row| row.keyword));
    words.extend(["WITH", "ZSTDX", "KMS_KEY", "PARTITIONS"]);
    words.sort_unstable();
    words.dedup();
    let mut accepted = 0;
    for kind in STATEMENTS {
        for word in &words {
            let parsed = parse_one(&statement_with(kind, word));
            let unknown = parsed.diagnostics.iter().any(|d| d.code == codes::UNKNOWN_OPTION);
            if !unknown {
                accepted += 1;
                assert!(starts_parameter(word, kind), "{} accepts `{word}`, which is not in the table", kind.as_str());
            }
        }
    }
    assert!(accepted > 70, "only {accepted} accepted words: the probe is broken");
}

/// A value of each kind, as the parser reads it.
fn samples(value: ValueKind) -> Vec<String> {
    match value {
        ValueKind::Flag | ValueKind::FlagWith(_) => vec![String::new()],
        ValueKind::Text => vec!["'x'".into(), "AS 'x'".into()],
        ValueKind::OptionalText => vec![String::new(), "'x'".into()],
        ValueKind::Count => vec!["1".into()],
        ValueKind::Size => vec!["100".into(), "100 MB".into(), "AS 1 GB".into()],
        ValueKind::Word(words) => words.iter().map(|w| (*w).to_owned()).collect(),
        ValueKind::OptionalWord(words) => {
            std::iter::once(String::new()).chain(words.iter().map(|w| (*w).to_owned())).collect()
        }
        ValueKind::Columns => vec!["BY (a)".into(), "BY (a, \"B\") INCLUDE".into()],
        ValueKind::FormatName => vec!["CSV".into(), "AS CSV".into()],
        ValueKind::RoleChain => vec!["default".into(), "'arn:aws:iam::111111111111:role/a'".into()],
    }
}

#[test]
fn every_row_is_read_by_the_parser_as_its_value_kind_says() {
    for row in OPTIONS {
        for kind in STATEMENTS {
            let Some(usage) = row.usage(kind) else {
                let parsed = parse_one(&statement_with(kind, row.keyword));
                assert!(
                    parsed.diagnostics.iter().any(|d| d.code == codes::UNKNOWN_OPTION),
                    "{} should not accept `{}`",
                    kind.as_str(),
                    row.keyword
                );
                continue;
            };
            let spellings = std::iter::once(row.keyword).chain(row.aliases.iter().copied());
            for spelling in spellings {
                for sample in samples(usage.value) {
                    let text = statement_with(kind, &format!("{spelling} {sample}"));
                    let parsed = parse_one(&text);
                    assert_eq!(parsed.diagnostics, [], "{text}");
                    assert_eq!(parameter_count(&parsed), 2, "{text}: one parameter more than the base");
                }
            }
            let after_format = statement_with(kind, &format!("FORMAT AS {}", row.keyword));
            let syntax_error = parse_one(&after_format).diagnostics.iter().any(|d| d.code == codes::SYNTAX);
            if usage.after_format {
                let sample = samples(usage.value).remove(0);
                let parsed = parse_one(&format!("{after_format} {sample}"));
                assert_eq!(parsed.diagnostics, [], "{after_format} {sample}");
            } else {
                assert!(syntax_error, "{after_format}: not a format name");
            }
        }
    }
}

/// Every option of every valid fixture has a row for its statement, under the name the tree
/// gives it (`NULL AS` under `NULL`).
#[test]
fn every_option_of_the_tree_has_a_row() {
    let fixtures =
        [include_str!("../../tests/fixtures/valid/copy.sql"), include_str!("../../tests/fixtures/valid/unload.sql")];
    let mut names = 0;
    for text in fixtures {
        for parsed in parse(text) {
            let (kind, options): (StatementKind, Vec<&str>) = match &parsed.statement {
                Some(Statement::Copy(copy)) => {
                    (StatementKind::Copy, copy.options.iter().map(|o| o.keyword()).collect())
                }
                Some(Statement::Unload(unload)) => {
                    (StatementKind::Unload, unload.options.iter().map(|o| o.keyword()).collect())
                }
                None => continue,
            };
            for name in options {
                let keyword = name.split(' ').next().unwrap_or(name);
                assert!(super::usage(keyword, kind).is_some(), "{} option `{name}` has no row", kind.as_str());
                names += 1;
            }
        }
    }
    assert!(names > 100, "only {names} options in the fixtures");
}

/// The help text for COPY from PARQUET or ORC names exactly the parameters the table allows
/// with them.
#[test]
fn the_columnar_help_names_what_the_table_allows() {
    let mut allowed: Vec<&str> = OPTIONS
        .iter()
        .filter(|row| {
            row.copy.is_some_and(|usage| {
                !matches!(usage.group, OptionGroup::Authorization | OptionGroup::DataFormat)
                    && !usage.excluded_formats.contains(&"PARQUET")
                    && !usage.sources.contains(&super::book::S3_UNSUPPORTED)
            })
        })
        .map(|row| row.keyword)
        .collect();
    allowed.sort_unstable();
    let mut named: Vec<&str> =
        lint::COLUMNAR_COPY_PARAMETERS.split([',', ' ']).filter(|w| !w.is_empty() && *w != "and").collect();
    named.sort_unstable();
    assert_eq!(allowed, named);
}

/// Regression: COPY reads `ZSTD`, but the keyword list its suggestions came from lacked it.
#[test]
fn copy_suggestions_include_every_copy_keyword() {
    assert!(keywords(StatementKind::Copy).any(|k| k == "ZSTD"));
    let parsed = parse_one(&statement_with(StatementKind::Copy, "ZSTDD"));
    let [diagnostic] = parsed.diagnostics.as_slice() else { panic!("{:#?}", parsed.diagnostics) };
    assert_eq!(diagnostic.help, "did you mean `ZSTD`?");
}
