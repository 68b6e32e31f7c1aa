//! Quoting and escaping of literal text in the output languages, and small text helpers.

/// A double-quoted HCL string literal.
pub fn hcl_string(text: &str) -> String {
    let mut out = String::from("\"");
    out.push_str(&hcl_template_escape(&text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")));
    out.push('"');
    out
}

/// Escapes the template sequences `${` and `%{` of HCL strings and heredocs.
pub fn hcl_template_escape(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

/// A single-quoted shell word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A double-quoted shell word, for messages: `\`, `"`, `$` and `` ` `` are escaped.
pub fn shell_double_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$").replace('`', "\\`"))
}

/// Escapes text for an unquoted shell here-document: `\`, `$` and `` ` `` are special there.
pub fn shell_heredoc_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('$', "\\$").replace('`', "\\`")
}

/// Prefixes every line of `text` with `prefix` (trailing spaces trimmed).
pub fn prefix_lines(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(format!("{prefix}{line}").trim_end());
        out.push('\n');
    }
    out
}

/// `COPY`, `UNLOAD` or `COPY and UNLOAD`.
pub fn access_words(access: redbridge_core::Access) -> &'static str {
    match (access.copy(), access.unload()) {
        (true, true) => "COPY and UNLOAD",
        (true, false) => "COPY",
        _ => "UNLOAD",
    }
}

/// The Redshift target in words: ``cluster `x` `` or ``serverless namespace `x` (workgroup `y`)``.
pub fn target_words(target: &redbridge_core::Target) -> String {
    match target {
        redbridge_core::Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
        redbridge_core::Target::Serverless { workgroup, namespace } => {
            format!("serverless namespace `{namespace}` (workgroup `{workgroup}`)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_escape_quotes_backslashes_and_templates() {
        assert_eq!(hcl_string(r#"a "b" \ ${c} %{d}"#), r#""a \"b\" \\ $${c} %%{d}""#);
    }

    #[test]
    fn shell_quote_survives_single_quotes() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn double_quote_escapes_expansions() {
        assert_eq!(shell_double_quote(r#"a `b` $c "d" \e"#), r#""a \`b\` \$c \"d\" \\e""#);
    }

    #[test]
    fn heredoc_escape_covers_dollar_backtick_backslash() {
        assert_eq!(shell_heredoc_escape(r"a$b`c\d"), r"a\$b\`c\\d");
    }
}
