//! Finding the template syntax in a text: Jinja expressions, tags and comments, and Python's
//! `%s`, `%(name)s`, `{}`, `{0}` and `{name}` placeholders.

use super::TemplateMode;
use crate::diagnostic::Span;

/// What a template puts where: the spans are those of the text, sorted and not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Placeholders that stand for a value (`{{ … }}`, `%s`, `{name}`).
    pub expressions: Vec<Span>,
    /// Jinja tags and comments, which are read as white space (`{% if … %}`, `{# … #}`).
    pub transparent: Vec<Span>,
    /// `elif`/`else` branches that are not linted: the tag that opens each, and the whole
    /// branch up to the closing `endif`/`endfor` (the tag included).
    pub skipped: Vec<(Span, Span)>,
}

/// The template syntax of `text` in `mode`.
pub(crate) fn scan(text: &str, mode: TemplateMode) -> Scan {
    let mut scan = Scan::default();
    match mode {
        TemplateMode::None => {}
        TemplateMode::Jinja => jinja(text, &mut scan),
        TemplateMode::Python => python(text, &mut scan, false),
        TemplateMode::Auto => {
            jinja(text, &mut scan);
            python(text, &mut scan, true);
        }
    }
    scan.expressions.sort_by_key(|s| s.start);
    scan.transparent.sort_by_key(|s| s.start);
    scan
}

/// One open Jinja block that has branches.
struct Frame {
    /// The tag of the branch being skipped, once an `elif` or `else` was met.
    skipping: Option<Span>,
}

/// The Jinja syntax: `{{ … }}` expressions, `{% … %}` tags (transparent; of an `if` or a `for`,
/// only the first branch is kept, the `elif`/`else` branches are skipped) and `{# … #}`
/// comments (transparent). `{% raw %}…{% endraw %}` is text. An unclosed delimiter is text.
fn jinja(text: &str, scan: &mut Scan) {
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(offset) = text[i..].find('{') {
        let start = i + offset;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        let Some(length) = text[start + 2..].find(close) else { return };
        let end = start + 2 + length + 2;
        let span = Span::new(start, end);
        let skipping = frames.iter().any(|f| f.skipping.is_some());
        i = end;
        match close {
            "}}" if !skipping => scan.expressions.push(span),
            "#}" if !skipping => scan.transparent.push(span),
            "%}" => {
                let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
                let name = inner.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
                match name {
                    "if" | "for" => frames.push(Frame { skipping: None }),
                    "elif" | "else" if !skipping => {
                        if let Some(frame) = frames.last_mut() {
                            frame.skipping = Some(span);
                            continue;
                        }
                    }
                    "elif" | "else" => continue,
                    "endif" | "endfor" => {
                        if let Some(Frame { skipping: Some(tag) }) = frames.pop() {
                            scan.skipped.push((tag, Span::new(tag.start, end)));
                            continue;
                        }
                    }
                    "raw" if !skipping => {
                        scan.transparent.push(span);
                        // The text up to `{% endraw %}` is kept as it is.
                        if let Some(raw_end) = text[end..].find("endraw") {
                            let tag_start = text[..end + raw_end].rfind("{%").unwrap_or(end + raw_end);
                            let tag_end =
                                text[end + raw_end..].find("%}").map_or(text.len(), |n| end + raw_end + n + 2);
                            scan.transparent.push(Span::new(tag_start.max(end), tag_end));
                            i = tag_end;
                        }
                        continue;
                    }
                    _ => {}
                }
                if !frames.iter().any(|f| f.skipping.is_some()) {
                    scan.transparent.push(span);
                }
            }
            _ => {}
        }
    }
    // A branch still open at the end runs to the end.
    for frame in frames {
        if let Some(tag) = frame.skipping {
            scan.skipped.push((tag, Span::new(tag.start, text.len())));
        }
    }
}

/// Python's placeholders: `%s`, `%(name)s` (`%%` is a percent sign), and `str.format`'s `{}`,
/// `{0}`, `{name}`, `{name.attr}`, `{name[0]}`, with an optional `!r` and `:spec` (`{{` and
/// `}}` are braces). `after_jinja`: Jinja's syntax was found first (`--template auto`), so
/// `{{` is Jinja's and nothing inside a Jinja span is taken again.
fn python(text: &str, scan: &mut Scan, after_jinja: bool) {
    let taken = |span: Span, scan: &Scan| {
        scan.expressions
            .iter()
            .chain(&scan.transparent)
            .chain(scan.skipped.iter().map(|(_, region)| region))
            .any(|other| span.start < other.end && other.start < span.end)
    };
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if bytes.get(i + 1) == Some(&b'%') => i += 2,
            b'%' if bytes.get(i + 1) == Some(&b's') => {
                found.push(Span::new(i, i + 2));
                i += 2;
            }
            b'%' if bytes.get(i + 1) == Some(&b'(') => {
                let name_end = text[i + 2..].find(')').map(|n| i + 2 + n);
                match name_end {
                    Some(close)
                        if close > i + 2
                            && text[i + 2..close].chars().all(|c| c.is_alphanumeric() || c == '_')
                            && bytes.get(close + 1) == Some(&b's') =>
                    {
                        found.push(Span::new(i, close + 2));
                        i = close + 2;
                    }
                    _ => i += 1,
                }
            }
            b'{' if !after_jinja && bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if !after_jinja && bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => match format_field_end(text, i) {
                Some(end) => {
                    found.push(Span::new(i, end));
                    i = end;
                }
                None => i += 1,
            },
            _ => i += 1,
        }
    }
    for span in found {
        if !taken(span, scan) {
            scan.expressions.push(span);
        }
    }
}

/// The end of a `str.format` replacement field starting at the `{` at `start`: a field name of
/// word characters, dots and brackets (or none), an optional `!conversion`, an optional
/// `:spec` without braces, quotes or white space, then `}`.
fn format_field_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start + 1..];
    let close = rest.find('}')?;
    let field = &rest[..close];
    let (name, spec) = field.split_once(':').map_or((field, ""), |(n, s)| (n, s));
    let (name, conversion) = name.split_once('!').map_or((name, None), |(n, c)| (n, Some(c)));
    let name_ok = name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    let conversion_ok = conversion.is_none_or(|c| matches!(c, "r" | "s" | "a"));
    let spec_ok = !spec.contains(|c: char| c.is_whitespace() || matches!(c, '{' | '\'' | '"'));
    (name_ok && conversion_ok && spec_ok && !field.contains(char::is_whitespace)).then_some(start + 1 + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'t>(text: &'t str, spans: &[Span]) -> Vec<&'t str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn jinja_expressions_are_placeholders_and_tags_and_comments_are_transparent() {
        let text = "copy {{ t }} {# note #} from '{{ p }}' {%- if r %} region '{{ r }}' {% endif -%}";
        let scan = scan(text, TemplateMode::Jinja);
        assert_eq!(texts(text, &scan.expressions), ["{{ t }}", "{{ p }}", "{{ r }}"]);
        assert_eq!(texts(text, &scan.transparent), ["{# note #}", "{%- if r %}", "{% endif -%}"]);
        assert!(scan.skipped.is_empty());
    }

    #[test]
    fn only_the_first_branch_of_an_if_is_kept() {
        let text = "{% if a %}IAM_ROLE '{{ r }}'{% elif b %}ACCESS_KEY_ID '{{ k }}'{% else %}{{ x }}{% endif %} GZIP";
        let scan = scan(text, TemplateMode::Jinja);
        assert_eq!(texts(text, &scan.expressions), ["{{ r }}"]);
        assert_eq!(scan.skipped.len(), 1);
        let (tag, region) = scan.skipped[0];
        assert_eq!(&text[tag.start..tag.end], "{% elif b %}");
        assert!(text[region.start..region.end].ends_with("{% endif %}"));
        assert_eq!(texts(text, &scan.transparent), ["{% if a %}"]);
    }

    #[test]
    fn python_placeholders_of_every_style_are_found_and_escapes_are_not() {
        let text = "copy {table} from '%s' iam_role '%(role)s' {0} {} {a.b!r:>10} 100%% {{x}} {not a field}";
        let scan = scan(text, TemplateMode::Python);
        assert_eq!(texts(text, &scan.expressions), ["{table}", "%s", "%(role)s", "{0}", "{}", "{a.b!r:>10}"]);
    }

    #[test]
    fn auto_takes_jinja_first_and_python_outside_it() {
        let text = "copy {{ t }} from '{bucket}/%s' region '{{ r }}'";
        let scan = scan(text, TemplateMode::Auto);
        assert_eq!(texts(text, &scan.expressions), ["{{ t }}", "{bucket}", "%s", "{{ r }}"]);
        assert!(self::scan(text, TemplateMode::None).expressions.is_empty());
    }
}
