//! The `--output text|json` choice shared by every command, and `plan`'s and `doctor`'s
//! `--output text|json|dot|mermaid` ([`ChainOutput`]), which can also draw their one chain.

/// How a command renders its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For machines: JSON on standard output.
    Json,
}

/// How `plan` and `doctor` render their result: as every command does, or as a drawing of
/// their one chain (the broken hops red in doctor's). Only these two commands take it, so every
/// other command's `--output` stays `text|json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ChainOutput {
    /// For people.
    #[default]
    Text,
    /// For machines: JSON on standard output.
    Json,
    /// The chain as a Graphviz DOT graph (`| dot -Tsvg > chain.svg`).
    Dot,
    /// The chain as a Mermaid flowchart (for Markdown that renders Mermaid).
    Mermaid,
}

impl ChainOutput {
    /// The text or JSON choice, or `None` for a drawing.
    pub fn format(self) -> Option<OutputFormat> {
        match self {
            Self::Text => Some(OutputFormat::Text),
            Self::Json => Some(OutputFormat::Json),
            Self::Dot | Self::Mermaid => None,
        }
    }

    /// `graph` drawn in this output's form; `None` for text and JSON.
    pub fn draw(self, graph: &redbridge_core::graph::Graph) -> Option<String> {
        match self {
            Self::Dot => Some(graph.to_dot()),
            Self::Mermaid => Some(graph.to_mermaid()),
            Self::Text | Self::Json => None,
        }
    }
}

/// Standard output's reader went away (a closed pipe, as in `redbridge plan | head -1`): the
/// command stops writing and `main` ends quietly with exit code 141, the shell's code for a
/// process that SIGPIPE ended.
#[derive(Debug)]
pub struct StdoutClosed;

impl std::fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for StdoutClosed {}

/// The exit code of a command whose standard output was closed: 128 + SIGPIPE (13).
pub const STDOUT_CLOSED_EXIT: u8 = 141;

/// The version of every JSON document redbridge prints (`"schema_version"`); its schemas are
/// under `docs/schema/`. It changes only when a field is removed or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// A JSON document as redbridge prints it: `schema_version` first, then the document's own fields.
#[derive(Debug, serde::Serialize)]
pub struct Versioned<'a, T: serde::Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    document: &'a T,
}

/// `document` (a struct or map) with `schema_version` in front.
pub fn versioned<T: serde::Serialize>(document: &T) -> Versioned<'_, T> {
    Versioned { schema_version: SCHEMA_VERSION, document }
}

/// `document` as pretty-printed JSON with `schema_version` in front, ending with a newline.
/// Control characters serde_json leaves raw (C1 controls, bidirectional overrides) are written
/// as JSON `\uXXXX` escapes, so the document stays valid JSON and [`print()`] finds nothing to
/// escape in it (it would otherwise write `\u{202e}`, which no JSON parser reads).
pub fn json_document<T: serde::Serialize>(document: &T) -> anyhow::Result<String> {
    Ok(json_escape_controls(&serde_json::to_string_pretty(&versioned(document))?) + "\n")
}

/// `json` with every unsafe control character as a JSON `\uXXXX` escape; they can only stand
/// inside strings, where the escape reads back as the same character.
pub fn json_escape_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if redbridge_iam::escape::is_unsafe_control(c) && !matches!(c, '\n' | '\t') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-q/--quiet`: notes and progress are not written; errors and results still are.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `-q/--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes `text` and a newline to standard error, where notes, progress and errors go; nothing
/// under `--quiet`. A closed or full standard error is ignored: the note is lost, the command
/// goes on and its exit code stays what its work makes it (Rust's `eprintln!` would panic, exit
/// 101).
pub fn note(text: &str) {
    if quiet() {
        return;
    }
    error(text);
}

/// Writes an error line to standard error, even under `--quiet`.
pub fn error(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}").and_then(|()| err.flush());
}

/// Writes `text` to standard error without a newline (a question before its answer); a closed
/// standard error is ignored as in [`note`].
pub fn note_inline(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{text}").and_then(|()| err.flush());
}

/// Writes `text` to standard output and flushes it; every command's output goes through here
/// (Rust's `print!` panics when the reader has closed the pipe). Text echoes input (an `explain`
/// label, a SQL line, a resource), so control characters other than line breaks and tabs are
/// escaped here, once for every command; JSON escapes them itself and is unchanged by this.
pub fn print(text: &str) -> anyhow::Result<()> {
    let text = redbridge_iam::escape::escape_controls_except(text, &['\n', '\t']);
    write_stdout(&text)
}

/// The style of a line of a command's text output (a heading, a broken hop, an added line),
/// or `None` to leave it plain.
pub type LineStyle = fn(&str) -> Option<anstyle::Style>;

/// [`print()`], with each line styled by `style_of` when standard output is coloured
/// (`--color`, `NO_COLOR`). The text is escaped first, so the only escape codes written are
/// these styles, never ones the input carried.
pub fn print_styled(text: &str, style_of: LineStyle) -> anyhow::Result<()> {
    let text = redbridge_iam::escape::escape_controls_except(text, &['\n', '\t']);
    if !crate::color::stdout() {
        return write_stdout(&text);
    }
    write_stdout(&style_lines(&text, style_of))
}

/// `text` with every line `style_of` styles wrapped in its escape codes.
pub fn style_lines(text: &str, style_of: LineStyle) -> String {
    let mut styled = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
        match style_of(body) {
            Some(style) if !body.is_empty() => styled.push_str(&crate::color::paint(true, style, body)),
            _ => styled.push_str(body),
        }
        styled.push_str(end);
    }
    styled
}

/// Writes `text` to standard output as it is: the caller escaped it as [`print()`] would.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(error) => Err(anyhow::Error::new(error).context("cannot write to standard output")),
    }
}
