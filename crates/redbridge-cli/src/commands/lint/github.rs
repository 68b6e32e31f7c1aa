//! `redbridge lint --output github`: GitHub Actions workflow commands, one annotation per
//! diagnostic (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`), then
//! the summary line for the log.
//!
//! Escaping is GitHub's (actions/toolkit `command.ts`): in the message `%`, `\r` and `\n`
//! become `%25`, `%0D` and `%0A`; in a property `:` and `,` also become `%3A` and `%2C`. A
//! file name or message can therefore neither end the command nor add a property.

use std::fmt::Write as _;

use redbridge_iam::escape::escape_controls_except;
use redbridge_sql::{LineIndex, Severity};

use super::{LintedFile, Region};

/// Renders the annotations and the summary line.
pub fn render(files: &[LintedFile]) -> String {
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(&file.text);
        for diagnostic in file.reports.iter().flat_map(|r| &r.diagnostics) {
            let region = Region::of(&index, diagnostic.span);
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut properties = Vec::new();
            if file.name != super::inputs::STDIN_NAME {
                // Control characters other than line breaks are shown as `\u{..}`: they would
                // reach the log raw.
                let name = escape_controls_except(&file.name, &['\r', '\n']);
                properties.push(format!("file={}", escape_property(&name)));
            }
            // GitHub's end column is the last annotated character's, inclusive.
            let end_column = if region.end_line == region.start_line {
                region.end_column.saturating_sub(1).max(region.start_column)
            } else {
                region.end_column.saturating_sub(1).max(1)
            };
            properties.extend([
                format!("line={}", region.start_line),
                format!("col={}", region.start_column),
                format!("endLine={}", region.end_line),
                format!("endColumn={end_column}"),
                format!("title={}", escape_property(diagnostic.code)),
            ]);
            let message = format!("{}\nhelp: {}", diagnostic.message, diagnostic.help);
            let _ = writeln!(out, "::{command} {}::{}", properties.join(","), escape_data(&message));
        }
    }
    out.push_str(&super::text::summary_line(files, false));
    out.push('\n');
    out
}

/// A workflow command's message: `%`, `\r`, `\n` escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_github_reads_them() {
        assert_eq!(escape_data("50% off\r\nnext: a,b"), "50%25 off%0D%0Anext: a,b");
        assert_eq!(escape_property("sql/a,b:c%.sql\n"), "sql/a%2Cb%3Ac%25.sql%0A");
    }

    #[test]
    fn a_hostile_file_name_cannot_add_a_property_or_end_the_command() {
        let sql = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'x y';";
        let reports = redbridge_sql::lint(sql, &redbridge_sql::LintContext::default());
        let name = "x,line=99::evil\n::error::forged.sql".to_owned();
        let out = render(&[LintedFile { name, text: sql.to_owned(), reports }]);
        let annotations: Vec<&str> = out.lines().filter(|line| line.starts_with("::")).collect();
        assert!(!annotations.is_empty(), "{out}");
        for line in &annotations {
            assert!(
                line.starts_with("::error file=x%2Cline=99%3A%3Aevil%0A%3A%3Aerror%3A%3Aforged.sql,line=1,"),
                "{line}"
            );
        }
    }
}
