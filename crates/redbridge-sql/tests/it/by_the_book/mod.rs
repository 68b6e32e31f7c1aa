//! By the book: every rule of AWS's COPY and UNLOAD pages, pinned by a test that cites the page
//! and quotes the sentence (`/// <url>`, `/// > "<sentence>"`), one file per page, each test
//! named after its rule and asserting the exact diagnostic codes (none for a valid statement).
//! `docs/copy-unload-checklist.md` lists the pages with the date read and each rule's test.
//!
//! The last tests here tie the tests to the keyword table: every sentence the table cites is
//! quoted by a test, and every usage of every keyword cites at least one sentence.

use redbridge_sql::{LintContext, lint};

/// Tests of one page, each `name: "sql" => [codes];` with its doc comments: the codes of every
/// diagnostic of the statement, errors and warnings, in order of position.
macro_rules! by_the_book {
    ($($(#[$doc:meta])* $name:ident: $sql:expr => [$($code:expr),* $(,)?];)*) => {
        $(
            $(#[$doc])*
            #[test]
            fn $name() {
                super::assert_codes($sql, &[$($code),*]);
            }
        )*
    };
}

mod chaining_roles;
mod copy_authorization;
mod copy_column_mapping;
mod copy_data_conversion;
mod copy_data_format;
mod copy_data_load;
mod copy_data_source_s3;
mod copy_file_compression;
mod copy_syntax;
mod copy_usage_access_permissions;
mod copy_usage_columnar;
mod unload_parameters;
mod unload_usage_notes;

/// The test files, read as text: what the tests quote.
const TEST_SOURCES: &[&str] = &[
    include_str!("chaining_roles.rs"),
    include_str!("copy_authorization.rs"),
    include_str!("copy_column_mapping.rs"),
    include_str!("copy_data_conversion.rs"),
    include_str!("copy_data_format.rs"),
    include_str!("copy_data_load.rs"),
    include_str!("copy_data_source_s3.rs"),
    include_str!("copy_file_compression.rs"),
    include_str!("copy_syntax.rs"),
    include_str!("copy_usage_access_permissions.rs"),
    include_str!("copy_usage_columnar.rs"),
    include_str!("unload_parameters.rs"),
    include_str!("unload_usage_notes.rs"),
];

/// Asserts that `sql` is one statement whose diagnostics have exactly `expected` codes.
#[track_caller]
pub fn assert_codes(sql: &str, expected: &[&str]) {
    let reports = lint(sql, &LintContext::default());
    assert_eq!(reports.len(), 1, "one statement: {sql}");
    let codes: Vec<&str> = reports[0].diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, expected, "{sql}\n{:#?}", reports[0].diagnostics);
}

/// Every sentence of the keyword table, whether it defines a parameter or states a rule, is
/// quoted in a `/// > "…"` line of a test, under the URL of its page.
#[test]
fn every_sentence_the_table_cites_is_quoted_by_a_test() {
    let mut sentences = 0;
    for row in redbridge_sql::options::OPTIONS {
        for usage in [row.copy, row.unload].into_iter().flatten() {
            let cited = usage.sources.iter().chain(usage.combinations.iter().map(|c| &c.source));
            for source in cited {
                sentences += 1;
                let quote = format!("/// > \"{}\"", source.sentence);
                let url = format!("/// {}", source.page.split('#').next().unwrap_or(source.page));
                assert!(
                    TEST_SOURCES.iter().any(|text| text.contains(&quote) && text.contains(&url)),
                    "`{}`: no test of the page {url} quotes {quote}",
                    row.keyword
                );
            }
        }
    }
    assert!(sentences > 150, "only {sentences} citations: the table lost its sources");
}

/// Every usage of every keyword has been audited: it cites at least one sentence, and every
/// combination rule is about its own keyword.
#[test]
fn every_keyword_of_the_table_is_audited() {
    for row in redbridge_sql::options::OPTIONS {
        for usage in [row.copy, row.unload].into_iter().flatten() {
            assert!(!usage.sources.is_empty(), "`{}` cites no page", row.keyword);
            for combination in usage.combinations {
                assert!(
                    combination.subject.split(' ').next() == Some(row.keyword),
                    "a rule of `{}` is about `{}`",
                    row.keyword,
                    combination.subject
                );
                assert!(
                    redbridge_sql::codes::ALL.iter().any(|(code, _)| *code == combination.code),
                    "`{}` is not a listed code",
                    combination.code
                );
            }
        }
    }
}

/// Every parameter a combination rule names is one the statement can have: a keyword of that
/// statement, or one of the two variants the linter names (`ENCRYPTED AUTO`, a CREDENTIALS string
/// with a root key).
#[test]
fn every_parameter_a_rule_names_exists() {
    use redbridge_sql::StatementKind;
    use redbridge_sql::options::{CREDENTIALS_WITH_ROOT_KEY, CombinationRule, combinations, keywords};
    let mut rules = 0;
    for statement in [StatementKind::Copy, StatementKind::Unload] {
        let known: Vec<&str> = keywords(statement).collect();
        let exists =
            |name: &str| known.contains(&name) || ["ENCRYPTED AUTO", CREDENTIALS_WITH_ROOT_KEY].contains(&name);
        for (keyword, combination) in combinations(statement) {
            rules += 1;
            assert!(exists(combination.subject), "{keyword}: unknown subject `{}`", combination.subject);
            let (CombinationRule::Excludes(others)
            | CombinationRule::Requires(others)
            | CombinationRule::Recommends(others)) = combination.rule;
            for other in others {
                assert!(exists(other), "{keyword}: a rule names `{other}`, which {} does not take", statement.as_str());
            }
        }
    }
    assert!(rules >= 15, "only {rules} combination rules");
}
