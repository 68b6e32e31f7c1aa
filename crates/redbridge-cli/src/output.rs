//! The `--output text|json` choice shared by every command.

/// How a command renders its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For machines: JSON on standard output.
    Json,
}
