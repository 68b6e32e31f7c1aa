//! Whether to colour what goes to a stream: `--color auto|always|never`, with `NO_COLOR`
//! (<https://no-color.org>) and `CLICOLOR_FORCE` honoured under `auto`, as ripgrep and cargo do.
//!
//! The choice is made once in `main` ([`init`]); renderers ask [`stdout`] or [`stderr`] and
//! style with [`paint`], so that output to a pipe or a file never carries escape codes.

use std::io::IsTerminal as _;
use std::sync::OnceLock;

/// The `--color` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and `NO_COLOR` is unset (or `CLICOLOR_FORCE` is set).
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Clone, Copy)]
struct Decided {
    stdout: bool,
    stderr: bool,
}

static DECIDED: OnceLock<Decided> = OnceLock::new();

/// Decides, once, whether standard output and standard error are coloured.
pub fn init(choice: ColorChoice) {
    let _ = DECIDED.set(decide(choice));
}

fn decide(choice: ColorChoice) -> Decided {
    match choice {
        ColorChoice::Always => Decided { stdout: true, stderr: true },
        ColorChoice::Never => Decided { stdout: false, stderr: false },
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                Decided { stdout: false, stderr: false }
            } else if set("CLICOLOR_FORCE") {
                Decided { stdout: true, stderr: true }
            } else {
                let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
                Decided {
                    stdout: !dumb && std::io::stdout().is_terminal(),
                    stderr: !dumb && std::io::stderr().is_terminal(),
                }
            }
        }
    }
}

fn decided() -> Decided {
    *DECIDED.get_or_init(|| decide(ColorChoice::Auto))
}

/// Whether standard output is coloured.
pub fn stdout() -> bool {
    decided().stdout
}

/// Whether standard error is coloured.
pub fn stderr() -> bool {
    decided().stderr
}

/// `text` in `style` when `enabled`, else `text` unchanged.
pub fn paint(enabled: bool, style: anstyle::Style, text: &str) -> String {
    if enabled && style != anstyle::Style::new() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_owned()
    }
}

/// The styles every renderer uses, so that an error looks the same in every command.
pub mod styles {
    use anstyle::{AnsiColor, Style};

    /// An error, a broken hop, a removed line.
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// A warning, a change to make.
    pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
    /// A success, a healthy hop, an added line.
    pub const GOOD: Style = AnsiColor::Green.on_default().bold();
    /// A heading.
    pub const HEADING: Style = Style::new().bold();
    /// A note, a hint, a location.
    pub const NOTE: Style = AnsiColor::Cyan.on_default();
}
