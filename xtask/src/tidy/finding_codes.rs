//! The finding-code check: every code the sources use is documented under `docs/`, and every
//! documented code is used.
//!
//! A code is doctor's `RB` and three digits or the linter's `RB-SQL-` and three digits, standing
//! alone (not part of a longer word). The sources are the Rust files under `crates/*/src` and
//! `tests/e2e/src`, read as text, so a code counts wherever it is spelled: a string literal, an
//! `as_str` match arm, a constant. A code is documented by a markdown table row under `docs/`
//! whose first cell is the code in backticks (`` | `RB101` | … | ``).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{crate_dirs, relative};

/// One problem per undocumented code and per documented code no source uses.
pub fn problems(root: &Path) -> Vec<String> {
    let mut sources = Vec::new();
    for dir in crate_dirs(root).into_iter().filter(|dir| dir.starts_with("crates/") || dir == "tests/e2e") {
        super::rust_files(&root.join(dir).join("src"), &mut sources);
    }
    let used = first_places(root, &sources, codes_in_source);
    let documented = first_places(root, &markdown_files(&root.join("docs")), codes_in_tables);
    let mut problems = Vec::new();
    for (code, place) in &used {
        if !documented.contains_key(code) {
            problems.push(format!(
                "{place}: finding code `{code}` is not documented under docs/ (a table row whose first cell is `{code}` in backticks)"
            ));
        }
    }
    for (code, place) in &documented {
        if !used.contains_key(code) {
            problems.push(format!(
                "{place}: finding code `{code}` is documented but no source under crates/*/src or tests/e2e/src uses it"
            ));
        }
    }
    problems
}

/// Every code `find` returns in `files`, with the first place (`path:line`) it appears.
fn first_places(root: &Path, files: &[PathBuf], find: fn(&str) -> Vec<(String, usize)>) -> BTreeMap<String, String> {
    let mut places = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (code, line) in find(&text) {
            places.entry(code).or_insert_with(|| format!("{}:{line}", relative(root, file)));
        }
    }
    places
}

/// Every code in `text` with its line number (1-based), in order.
fn codes_in_source(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .flat_map(|(index, line)| codes(line).into_iter().map(move |code| (code, index + 1)))
        .collect()
}

/// The codes that are the first cell of a markdown table row, in backticks, with their line.
fn codes_in_tables(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(row) = line.trim().strip_prefix('|') else { continue };
        let cell = row.split('|').next().unwrap_or_default().trim();
        let Some(inner) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else { continue };
        if codes(inner) == [inner] {
            found.push((inner.to_owned(), index + 1));
        }
    }
    found
}

/// The codes in `text`: `RB` + three digits or `RB-SQL-` + three digits, with no letter, digit
/// or `_` on either side.
fn codes(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let word = |at: usize| bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let digits =
        |from: usize| (from..from + 3).all(|i| bytes.get(i).is_some_and(u8::is_ascii_digit)) && !word(from + 3);
    let mut found = Vec::new();
    for (start, _) in text.match_indices("RB") {
        if start > 0 && word(start - 1) {
            continue;
        }
        let after = start + 2;
        let end = if text[after..].starts_with("-SQL-") && digits(after + 5) {
            after + 8
        } else if digits(after) {
            after + 3
        } else {
            continue;
        };
        found.push(text[start..end].to_owned());
    }
    found
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    const FINDINGS: &str = r#"//! Doctor's findings.

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAttached => "RB101",
            Self::NotInSync => "RB102",
        }
    }
}
"#;

    const DOCS: &str = "\
# Finding codes

| code | meaning |
|---|---|
| `RB101` | the first role is not attached |
| `RB150` | a code that no longer exists |
| `RB-SQL-001` | the statement does not parse |

Prose that mentions `RB199` is not a table row.
";

    fn fixture() -> TempDir {
        let root = TempDir::new("tidy-codes");
        for dir in ["crates/redbridge-core", "crates/redbridge-sql", "xtask", "tests/e2e"] {
            root.write(&format!("{dir}/Cargo.toml"), "");
        }
        root.write("crates/redbridge-core/src/findings.rs", FINDINGS);
        root.write("crates/redbridge-sql/src/codes.rs", "//! Codes.\npub const PARSE: &str = \"RB-SQL-001\";\n");
        root.write("tests/e2e/src/run.rs", "//! Runs.\n// expects RB101 on the cluster hop\n");
        root.write("xtask/src/tidy.rs", "//! Not scanned: its fixtures spell codes (RB777).\n");
        root.write("docs/finding-codes.md", DOCS);
        root
    }

    #[test]
    fn the_code_check_reports_undocumented_and_unused_codes_with_their_places() {
        let root = fixture();
        assert_eq!(
            problems(root.path()),
            [
                "crates/redbridge-core/src/findings.rs:7: finding code `RB102` is not documented under docs/ (a table row whose first cell is `RB102` in backticks)",
                "docs/finding-codes.md:6: finding code `RB150` is documented but no source under crates/*/src or tests/e2e/src uses it",
            ]
        );

        root.write(
            "docs/finding-codes.md",
            &DOCS.replace("| `RB150` | a code that no longer exists |", "| `RB102` | the role is not in sync yet |"),
        );
        assert_eq!(problems(root.path()), Vec::<String>::new());
    }

    #[test]
    fn codes_stand_alone() {
        let text =
            r#"("RB101") RB-SQL-042, XRB103 RB1040 RB10 RB-SQL-04 RB-SQL-0421 RB_105 RB106_ RB1xx RB-SQL-NNN RB107"#;
        assert_eq!(codes(text), ["RB101", "RB-SQL-042", "RB107"]);
    }

    #[test]
    fn only_a_table_rows_first_cell_documents_a_code() {
        let text = "| `RB101` | x |\n|`RB-SQL-002`|y|\n| see `RB102` | z |\n| RB103 | bare |\n`RB104`\n";
        assert_eq!(codes_in_tables(text), [("RB101".to_owned(), 1), ("RB-SQL-002".to_owned(), 2)]);
    }
}
