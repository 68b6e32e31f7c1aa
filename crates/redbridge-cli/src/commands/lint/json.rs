//! `redbridge lint --output json`: one document for all files, described by
//! `docs/schema/lint.schema.json`:
//! `{"schema_version","files":[…],"statements":[{"file","kind","line","iam_roles","options","diagnostics":[…]}]}`.

use redbridge_sql::LineIndex;

use super::{LintedFile, Region};
use crate::output::SCHEMA_VERSION;

/// Renders the document, pretty-printed, with a final newline.
pub fn render(files: &[LintedFile]) -> String {
    let mut statements = Vec::new();
    for file in files {
        let index = LineIndex::new(&file.text);
        for report in &file.reports {
            let diagnostics: Vec<serde_json::Value> = report
                .diagnostics
                .iter()
                .map(|d| {
                    let region = Region::of(&index, d.span);
                    serde_json::json!({
                        "code": d.code,
                        "severity": d.severity.as_str(),
                        "line": region.start_line,
                        "column": region.start_column,
                        "end_line": region.end_line,
                        "end_column": region.end_column,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            statements.push(serde_json::json!({
                "file": file.name,
                "kind": report.kind.as_str(),
                "line": index.position(report.span.start).line,
                "iam_roles": report.statement.as_ref().map(|s| s.iam_roles()).unwrap_or_default(),
                "options": report.statement.as_ref().map(|s| s.options_json()).unwrap_or_default(),
                "diagnostics": diagnostics,
            }));
        }
    }
    let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    let document = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "files": names,
        "statements": statements,
    });
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use redbridge_sql::LintContext;

    use super::*;

    #[test]
    fn json_output_has_the_documented_shape() {
        let sql = "unload ('select 1') to 's3://data-bucket/out/' \
                   iam_role 'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B' \
                   format parquet gzip;";
        let reports = redbridge_sql::lint(sql, &LintContext::default());
        let file = LintedFile { name: "unload.sql".to_owned(), text: sql.to_owned(), reports };
        insta::assert_snapshot!(render(&[file]));
    }
}
