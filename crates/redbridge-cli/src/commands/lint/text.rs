//! `redbridge lint --output text`: rustc-style diagnostics rendered with `annotate-snippets`
//! (the code, the message, the file, line and column, the source line with carets under the
//! span, the help), then one summary line for all files.
//!
//! Each diagnostic shows one line, or a window of a long line ([`LineIndex::excerpt`]), so what
//! is printed per diagnostic does not grow with the line. Control characters of the source are
//! escaped before rendering (an ANSI escape in an identifier must not reach the terminal), and
//! the carets are measured on what is shown, so they stay under the span.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use redbridge_iam::escape::{escape_controls, escape_controls_except};
use redbridge_sql::{Diagnostic, LineIndex, Severity, StatementKind};

use super::LintedFile;
use crate::color;

/// Lines wider than this are left to the excerpt, not cut again by the renderer.
const RENDER_WIDTH: usize = 4_096;

/// Renders every diagnostic of every file, then the summary; coloured when `colored`.
pub fn render(files: &[LintedFile], colored: bool) -> String {
    let renderer = if colored { Renderer::styled() } else { Renderer::plain() }.term_width(RENDER_WIDTH);
    let mut out = String::new();
    for file in files {
        let index = LineIndex::new(&file.text);
        let name = escape_controls(&file.name);
        for diagnostic in file.reports.iter().flat_map(|r| &r.diagnostics) {
            out.push_str(&render_diagnostic(&renderer, &name, &index, diagnostic));
            out.push_str("\n\n");
        }
    }
    out.push_str(&summary_line(files, colored));
    out.push('\n');
    out
}

/// `failed: 1 error, 0 warnings in 3 statements` (`… of 2 files` when there are several); the
/// verdict coloured when `colored`.
pub fn summary_line(files: &[LintedFile], colored: bool) -> String {
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
    for diagnostic in files.iter().flat_map(|file| &file.reports).flat_map(|r| &r.diagnostics) {
        match diagnostic.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Note => notes += 1,
        }
    }
    let checked = files.iter().flat_map(|file| &file.reports).filter(|r| r.kind != StatementKind::Other).count();
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let verdict = if errors > 0 {
        color::paint(colored, color::styles::ERROR, "failed")
    } else {
        color::paint(colored, color::styles::GOOD, "ok")
    };
    let files_part = if files.len() > 1 { format!(" of {}", plural(files.len(), "file")) } else { String::new() };
    // Notes (what a template placeholder hid) are counted only when there are some.
    let notes_part = if notes > 0 { format!(", {}", plural(notes, "note")) } else { String::new() };
    format!(
        "{verdict}: {}, {}{notes_part} in {}{files_part}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(checked, "statement"),
    )
}

/// One diagnostic: its title, where it is, the shown line with carets, and its help.
fn render_diagnostic(renderer: &Renderer, name: &str, index: &LineIndex<'_>, diagnostic: &Diagnostic) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let start = index.position(diagnostic.span.start);
    let excerpt = index.excerpt(diagnostic.span.start);
    let line: &str = &excerpt.text;
    // The caret covers the span on its first line, at least one character.
    let end = index.position(diagnostic.span.end);
    let line_chars = line.chars().count();
    let width = if end.line == start.line { end.column.saturating_sub(start.column) } else { 0 };
    let width = width.max(1).min(line_chars.saturating_sub(excerpt.column - 1).max(1));
    let (shown, caret) = shown_line(line, excerpt.column - 1, width);
    // The location is an `Origin` of its own, with the line and column in the file: the
    // snippet holds only the shown line, whose columns differ from the file's when the line is
    // cut or holds escaped characters. The snippet is a second group, so that the renderer
    // does not take it for a second file (`:::`).
    let title = level.clone().primary_title(diagnostic.message.as_str()).id(diagnostic.code);
    let location = Group::with_title(title).element(Origin::path(name).line(start.line).char_column(start.column));
    let source = Group::with_level(level)
        .element(
            Snippet::source(shown).line_start(start.line).fold(false).annotation(AnnotationKind::Primary.span(caret)),
        )
        .element(Level::HELP.message(diagnostic.help.as_str()));
    let rendered = renderer.render(&[location, source]);
    // Both groups draw the empty gutter line between them: keep one.
    let mut lines: Vec<&str> = rendered.lines().collect();
    if lines.len() > 3 && lines[2] == lines[3] {
        lines.remove(3);
    }
    lines.join("\n")
}

/// The line with its control characters (but tabs) escaped, and the byte range in it of the
/// `width` characters from character `from` of `line`.
fn shown_line(line: &str, from: usize, width: usize) -> (String, std::ops::Range<usize>) {
    let mut shown = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (position, character) in line.chars().enumerate() {
        if position == from {
            start = Some(shown.len());
        }
        if position == from + width {
            end = Some(shown.len());
        }
        let mut buffer = [0; 4];
        shown.push_str(&escape_controls_except(character.encode_utf8(&mut buffer), &['\t']));
    }
    let start = start.unwrap_or(shown.len());
    let end = end.unwrap_or(shown.len()).max(start);
    (shown, start..end)
}

#[cfg(test)]
mod tests {
    use redbridge_sql::LintContext;

    use super::*;

    const ARTICLE_PARQUET: &str = "COPY table_name FROM 's3://awsexamplebucket/crosscopy1.csv' IAM_ROLE \
        'arn:aws:iam::Amazon_Redshift_Account_ID:role/RoleB,arn:aws:iam::Amazon_S3_Account_ID:role/RoleA FORMAT AS PARQUET;\n";

    fn lint(name: &str, sql: &str) -> LintedFile {
        LintedFile {
            name: name.to_owned(),
            text: sql.to_owned(),
            reports: redbridge_sql::lint(sql, &LintContext::default()),
        }
    }

    fn render_one(name: &str, sql: &str) -> String {
        render(&[lint(name, sql)], false)
    }

    #[test]
    fn text_output_points_a_caret_at_the_unclosed_iam_role_quote() {
        insta::assert_snapshot!(render_one("article.sql", ARTICLE_PARQUET));
    }

    #[test]
    fn colored_text_output_styles_the_title_and_the_verdict() {
        let colored = render(&[lint("article.sql", ARTICLE_PARQUET)], true);
        assert!(colored.contains('\u{1b}'), "{colored:?}");
        let plain = render(&[lint("article.sql", ARTICLE_PARQUET)], false);
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        assert!(colored.contains(&color::paint(true, color::styles::ERROR, "failed")), "{colored:?}");
    }

    /// A COPY with `n` repeated options on one line, as the issue measured it.
    fn repeated_options(n: usize) -> String {
        format!(
            "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B' CSV{};\n",
            " REMOVEQUOTES".repeat(n)
        )
    }

    #[test]
    fn text_output_for_sixteen_thousand_repeated_options_does_not_grow_with_them() {
        let render = |n| render_one("repeat.sql", &repeated_options(n));
        let (small, large) = (render(2_000), render(16_000));
        // The same diagnostics, each showing a bounded window of the line: only the count's digits differ.
        assert!(large.len() < 4_096, "{} bytes:\n{large}", large.len());
        assert!(large.len() <= small.len() + 16, "{} bytes against {}", large.len(), small.len());
        assert!(large.contains("`REMOVEQUOTES` is given 16000 times"), "{large}");
    }

    #[test]
    fn text_output_for_many_statements_on_one_line_is_linear_in_them() {
        // One broken statement repeated on a single line: every diagnostic is on that line.
        let render = |n: usize| {
            render_one("one-line.sql", &"COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'x y';".repeat(n)).len()
        };
        let (n, eight_n) = (render(500), render(4_000));
        assert!(eight_n <= 9 * n, "{eight_n} bytes for 8n statements against {n} for n");
    }

    #[test]
    fn the_caret_stays_under_an_escaped_control_character() {
        let (shown, caret) = shown_line("ab\u{1b}[2Jcd", 2, 1);
        assert_eq!(shown, "ab\\u{1b}[2Jcd");
        assert_eq!(&shown[caret], "\\u{1b}");
    }

    #[test]
    fn the_summary_counts_files_when_there_are_several() {
        let clean = "UNLOAD ('select 1') TO 's3://data-bucket/out/' IAM_ROLE 'arn:aws:iam::111111111111:role/A';\n";
        let text = render(&[lint("a.sql", ARTICLE_PARQUET), lint("b.sql", clean)], false);
        assert!(text.ends_with("failed: 1 error, 0 warnings in 2 statements of 2 files\n"), "{text}");
        assert_eq!(render_one("b.sql", clean), "ok: 0 errors, 0 warnings in 1 statement\n");
    }

    #[test]
    fn a_template_placeholder_is_a_note_that_says_what_it_hid_and_does_not_fail() {
        let sql = "COPY {{ this }} FROM 's3://data-bucket/in/' IAM_ROLE '{{ var(\"role\") }}' CSV;\n";
        let file = LintedFile {
            name: "model.sql".to_owned(),
            text: sql.to_owned(),
            reports: redbridge_sql::lint_template(sql, &LintContext::default(), redbridge_sql::TemplateMode::Auto),
        };
        let text = render(&[file], false);
        assert!(text.contains("note[RB-SQL-050]: `{{ var(\"role\") }}` hides the IAM_ROLE value"), "{text}");
        assert!(text.ends_with("ok: 0 errors, 0 warnings, 2 notes in 1 statement\n"), "{text}");
        let plain = render_one("model.sql", sql);
        assert!(plain.starts_with("error[RB-SQL-"), "{plain}");
    }
}
