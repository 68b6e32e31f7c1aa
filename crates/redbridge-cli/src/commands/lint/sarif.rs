//! `redbridge lint --output sarif`: a SARIF 2.1.0 log (OASIS, the format code-scanning tools
//! read), one run for all files: the driver with a rule for each code used, a result per
//! diagnostic with its file and region. Validated against the published schema
//! (`docs/schema/external/sarif-schema-2.1.0.json`) by the tests.

use std::collections::BTreeSet;

use redbridge_sql::{LineIndex, Severity};

use super::{LintedFile, Region};

/// The schema a SARIF 2.1.0 log names.
const SARIF_SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where redbridge is documented. The workspace manifest names no repository yet: change this
/// with it.
pub const HOME_PAGE: &str = "https://github.com/redbridge/redbridge";

/// Where the linter's codes are documented: the `RB-SQL-NNN` table of `docs/finding-codes.md`.
fn help_uri() -> String {
    format!("{HOME_PAGE}/blob/main/docs/finding-codes.md#linter-rb-sql-nnn")
}

/// Renders the log, pretty-printed, with a final newline.
pub fn render(files: &[LintedFile]) -> String {
    let used: BTreeSet<&str> =
        files.iter().flat_map(|file| &file.reports).flat_map(|r| &r.diagnostics).map(|d| d.code).collect();
    let codes: Vec<&str> = used.into_iter().collect();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|code| {
            let summary = redbridge_sql::codes::ALL.iter().find(|(c, _)| c == code).map_or("", |(_, s)| *s);
            serde_json::json!({
                "id": code,
                "shortDescription": { "text": summary },
                "helpUri": help_uri(),
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        let index = LineIndex::new(&file.text);
        for diagnostic in file.reports.iter().flat_map(|r| &r.diagnostics) {
            let region = Region::of(&index, diagnostic.span);
            let rule_index = codes.iter().position(|code| *code == diagnostic.code).unwrap_or_default();
            results.push(serde_json::json!({
                "ruleId": diagnostic.code,
                "ruleIndex": rule_index,
                "level": match diagnostic.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                },
                "message": { "text": format!("{}\nhelp: {}", diagnostic.message, diagnostic.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&file.name),
                        "region": {
                            "startLine": region.start_line,
                            "startColumn": region.start_column,
                            "endLine": region.end_line,
                            "endColumn": region.end_column,
                        },
                    },
                }],
            }));
        }
    }
    let log = serde_json::json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "redbridge",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": HOME_PAGE,
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// The file as SARIF names it: its path as given, as a relative URI reference (an absolute
/// path becomes a `file://` URI); standard input has no URI, only a description.
fn artifact_location(name: &str) -> serde_json::Value {
    if name == super::inputs::STDIN_NAME {
        return serde_json::json!({ "description": { "text": "standard input" } });
    }
    let encoded = percent_encode_path(name);
    let uri = if name.starts_with('/') { format!("file://{encoded}") } else { encoded };
    serde_json::json!({ "uri": uri })
}

/// `path` with every byte but unreserved characters and `/` percent-encoded (RFC 3986).
fn percent_encode_path(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(artifact_location("sql/daily unload.sql"), serde_json::json!({ "uri": "sql/daily%20unload.sql" }));
        assert_eq!(artifact_location("/srv/sql/a#1.sql"), serde_json::json!({ "uri": "file:///srv/sql/a%231.sql" }));
        assert_eq!(artifact_location("données.sql"), serde_json::json!({ "uri": "donn%C3%A9es.sql" }));
        assert_eq!(artifact_location("<stdin>"), serde_json::json!({ "description": { "text": "standard input" } }));
    }
}
