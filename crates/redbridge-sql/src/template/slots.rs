//! Which slot each placeholder of a statement stands in, the note that says which checks it
//! hid, and the diagnostics those checks drew from the placeholder text, which are dropped.

use super::{ABSENCE_CODES, COMBINATION_CODES, overlaps};
use crate::ast;
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::{Token, TokenKind};
use crate::lint::StatementReport;
use crate::parser::{AuthKeyword, ParsedStatement};

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The table's name or its columns.
    Table,
    /// The FROM or TO location.
    Location,
    /// The UNLOAD query.
    Query,
    /// An authorization value.
    Auth(AuthKeyword),
    /// The value of a parameter.
    Parameter(&'static str),
    /// A run of parameters not shown.
    Parameters,
    /// The format, after `FORMAT [AS]`.
    Format,
    /// Some other value.
    Value,
    /// A place where nothing can stand: the statement was not read past it.
    Unreadable,
}

/// One placeholder: where it is, the literal or token it is part of, and its slot.
#[derive(Debug, Clone, Copy)]
struct Placeholder {
    span: Span,
    container: Span,
    whole: bool,
    slot: Slot,
}

/// The placeholders of one statement.
pub(super) struct Statement {
    placeholders: Vec<Placeholder>,
}

impl Statement {
    /// The placeholders of `parsed` among `expressions`, read with the statement's `tokens`
    /// (all tokens of the text, sorted).
    pub(super) fn new(text: &str, parsed: &ParsedStatement, tokens: &[Token], expressions: &[Span]) -> Self {
        let mut placeholders = Vec::new();
        let first = expressions.partition_point(|e| e.start < parsed.span.start);
        for &span in expressions[first..].iter().take_while(|e| e.start < parsed.span.end) {
            let index = tokens.partition_point(|t| t.span.start <= span.start);
            let Some(token) = index.checked_sub(1).and_then(|i| tokens.get(i)) else { continue };
            if token.span.end < span.end {
                // In a comment: it stands for nothing the statement has.
                continue;
            }
            let container = token.span;
            let whole = token.kind == TokenKind::Placeholder
                || (container.start + 1 == span.start && span.end + 1 == container.end);
            let previous = |back: usize| index.checked_sub(2 + back).and_then(|i| tokens.get(i));
            let slot = slot_of(text, parsed, container, token, previous);
            placeholders.push(Placeholder { span, container, whole, slot });
        }
        Self { placeholders }
    }

    /// Drops from `report` the diagnostics the placeholders' text drew, and adds one note per
    /// placeholder naming it and the checks it hid. `text` is the text as written.
    pub(super) fn apply(mut self, text: &str, report: &mut StatementReport) {
        if self.placeholders.is_empty() {
            return;
        }
        let hides_parameters = self.placeholders.iter().any(|p| matches!(p.slot, Slot::Parameters | Slot::Format));
        let mut kept = Vec::with_capacity(report.diagnostics.len());
        for diagnostic in report.diagnostics.drain(..) {
            if hides_parameters && ABSENCE_CODES.contains(&diagnostic.code) {
                continue;
            }
            let hit = self.placeholders.iter_mut().find(|p| overlaps(diagnostic.span, p.container));
            match hit {
                Some(placeholder) if !COMBINATION_CODES.contains(&diagnostic.code) => {
                    if diagnostic.code == codes::SYNTAX && diagnostic.span.start >= placeholder.span.start {
                        placeholder.slot = Slot::Unreadable;
                    }
                }
                _ => kept.push(diagnostic),
            }
        }
        report.diagnostics = kept;
        for placeholder in &self.placeholders {
            report.diagnostics.push(note(text, placeholder));
        }
    }
}

/// The slot of a placeholder whose literal or token is `container`.
fn slot_of<'t>(
    text: &str,
    parsed: &ParsedStatement,
    container: Span,
    token: &Token,
    previous: impl Fn(usize) -> Option<&'t Token>,
) -> Slot {
    let within = |outer: Option<Span>| outer.is_some_and(|o| o.start <= container.start && container.end <= o.end);
    if within(parsed.query_span) {
        return Slot::Query;
    }
    if within(parsed.location_span) {
        return Slot::Location;
    }
    if let Some(clause) = parsed.auth.iter().find(|c| c.value_span == Some(container)) {
        return Slot::Auth(clause.keyword);
    }
    if let Some(index) = parsed.option_spans.iter().position(|&s| within(Some(s))) {
        return Slot::Parameter(option_keyword(parsed, index));
    }
    let body = parsed.location_span.or(parsed.query_span).map(|s| s.start);
    if body.is_some_and(|b| container.start < b) {
        return Slot::Table;
    }
    if token.kind == TokenKind::Placeholder {
        let is_word = |t: Option<&Token>, word: &str| {
            t.is_some_and(|t| t.kind == TokenKind::Word && text[t.span.start..t.span.end].eq_ignore_ascii_case(word))
        };
        // `FORMAT {{ f }}` or `FORMAT AS {{ f }}`.
        if is_word(previous(0), "FORMAT") || (is_word(previous(0), "AS") && is_word(previous(1), "FORMAT")) {
            return Slot::Format;
        }
        return Slot::Parameters;
    }
    Slot::Value
}

/// The keyword of the statement's option `index`.
fn option_keyword(parsed: &ParsedStatement, index: usize) -> &'static str {
    match &parsed.statement {
        Some(ast::Statement::Copy(copy)) => copy.options.get(index).map_or("?", ast::CopyOption::keyword),
        Some(ast::Statement::Unload(unload)) => unload.options.get(index).map_or("?", ast::UnloadOption::keyword),
        None => "?",
    }
}

/// The note that names a placeholder and the checks it hid.
fn note(text: &str, placeholder: &Placeholder) -> Diagnostic {
    let shown = shown(text, placeholder.span);
    let hides = if placeholder.whole { "hides" } else { "hides part of" };
    let message = match placeholder.slot {
        Slot::Table => format!("`{shown}` stands for the table or its columns; no check depends on them"),
        Slot::Location => format!(
            "`{shown}` {hides} the S3 location: the location checks (an `s3://` URI, the spec's bucket and prefixes) were skipped"
        ),
        Slot::Query => format!("`{shown}` {hides} the UNLOAD query: the query was not checked as SQL"),
        Slot::Auth(AuthKeyword::IamRole) => format!(
            "`{shown}` {hides} the IAM_ROLE value: the role chain checks (no spaces, no empty or repeated role, at most 10, role ARNs, the spec's accounts) were skipped"
        ),
        Slot::Auth(AuthKeyword::Credentials) => {
            format!("`{shown}` {hides} the CREDENTIALS string: the checks of its role chain were skipped")
        }
        Slot::Auth(keyword) => format!("`{shown}` {hides} the `{}` value; no check depends on it", keyword.as_str()),
        Slot::Parameter(keyword) => {
            format!("`{shown}` {hides} the `{keyword}` value: the checks of that value were skipped")
        }
        Slot::Parameters => format!(
            "`{shown}` stands for parameters not shown: the checks that need every parameter (authorization present, `ENCRYPTED` with `KMS_KEY_ID`, `REGION` for a bucket in another region) and those between the hidden parameters and the rest were skipped"
        ),
        Slot::Format => {
            format!("`{shown}` hides the format: the checks of which parameters the format takes were skipped")
        }
        Slot::Value => format!("`{shown}` {hides} a value: the checks of that value were skipped"),
        Slot::Unreadable => {
            format!("the statement could not be read past `{shown}`: the checks of what follows it were skipped")
        }
    };
    Diagnostic {
        code: codes::TEMPLATE_PLACEHOLDER,
        severity: Severity::Note,
        span: placeholder.span,
        message,
        help: "lint the rendered SQL (`dbt compile`, the operator's rendered template) to run these checks too".into(),
    }
    .with_controls_escaped()
}

/// The note for an `elif`/`else` branch that was not linted.
pub(super) fn skipped_branch_note(text: &str, tag: Span) -> Diagnostic {
    Diagnostic {
        code: codes::TEMPLATE_BRANCH_SKIPPED,
        severity: Severity::Note,
        span: tag,
        message: format!("the branch from `{}` to its `endif`/`endfor` was not checked", shown(text, tag)),
        help: "only the first branch of an `{% if %}` or `{% for %}` is linted; render the template with the \
               other branch taken to check it"
            .into(),
    }
    .with_controls_escaped()
}

/// The text of `span`, cut to 60 characters.
fn shown(text: &str, span: Span) -> String {
    let raw = text.get(span.start..span.end).unwrap_or("");
    let cut: String = raw.chars().take(60).collect();
    if cut.len() < raw.len() { format!("{cut}…") } else { cut }
}
