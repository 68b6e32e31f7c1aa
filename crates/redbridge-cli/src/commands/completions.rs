//! `redbridge completions <shell>` and `redbridge man [--out-dir DIR]`: the shell completion
//! scripts and man pages, generated from the clap definitions (`clap_complete`, `clap_mangen`),
//! so that they never drift from the flags. `cargo xtask dist` packages both.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::exit;
use crate::output;

/// Arguments of `redbridge completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "source <(redbridge completions bash)",
        "redbridge completions zsh > ~/.zfunc/_redbridge",
        "redbridge completions fish > ~/.config/fish/completions/redbridge.fish",
    ],
    &[(exit::SUCCESS, "the script was printed")],
))]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `redbridge man`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge man > redbridge.1",
        "redbridge man --out-dir ~/.local/share/man/man1",
    ],
    &[(exit::SUCCESS, "the pages were printed or written")],
))]
pub struct ManArgs {
    /// Write `redbridge.1` and one `redbridge-<command>.1` per command (`redbridge-sql-copy.1`
    /// too) into DIR, created if missing; without it the top page goes to standard output.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script of `args.shell`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut command = crate::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "redbridge", &mut script);
    output::print(&String::from_utf8(script).context("the completion script is not UTF-8")?)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the top man page, or writes every page into `--out-dir`.
pub fn man(args: ManArgs) -> anyhow::Result<ExitCode> {
    let mut command = crate::command().disable_help_subcommand(true);
    command.build();
    match args.out_dir {
        None => output::print(&render(&command)?)?,
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
            let mut pages = Vec::new();
            collect(&command, &mut pages);
            for page in pages {
                let name = format!("{}.1", page.get_display_name().unwrap_or_else(|| page.get_name()));
                let path = dir.join(&name);
                std::fs::write(&path, render(page)?).with_context(|| format!("cannot write `{}`", path.display()))?;
                output::note(&format!("wrote `{}`", path.display()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `command` and every subcommand under it, depth first.
fn collect<'a>(command: &'a clap::Command, pages: &mut Vec<&'a clap::Command>) {
    pages.push(command);
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect(sub, pages);
    }
}

/// One man page as roff: clap_mangen's sections, with the examples and exit codes of the
/// `--help` text as an "EXAMPLES AND EXIT STATUS" section kept line for line (clap_mangen would
/// fill them into paragraphs under "EXTRA").
fn render(command: &clap::Command) -> anyhow::Result<String> {
    let man = clap_mangen::Man::new(command.clone())
        .source(format!("redbridge {}", env!("CARGO_PKG_VERSION")))
        .manual("redbridge manual");
    let mut page = Vec::new();
    let failed = "cannot render the man page";
    man.render_title(&mut page).context(failed)?;
    man.render_name_section(&mut page).context(failed)?;
    man.render_synopsis_section(&mut page).context(failed)?;
    man.render_description_section(&mut page).context(failed)?;
    if command.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(&mut page).context(failed)?;
    }
    if command.has_subcommands() {
        man.render_subcommands_section(&mut page).context(failed)?;
    }
    let mut page = String::from_utf8(page).context("the man page is not UTF-8")?;
    if let Some(text) = command.get_after_long_help().or_else(|| command.get_after_help()) {
        page.push_str(".SH \"EXAMPLES AND EXIT STATUS\"\n.nf\n");
        for line in text.to_string().lines() {
            page.push_str(&roff_line(line));
            page.push('\n');
        }
        page.push_str(".fi\n");
    }
    if command.get_version().is_some() {
        let mut version = Vec::new();
        man.render_version_section(&mut version).context(failed)?;
        page.push_str(&String::from_utf8(version).context("the man page is not UTF-8")?);
    }
    Ok(page)
}

/// One line of text as roff: backslashes and dashes escaped, and a leading `.` or `'` (a
/// request to roff) made literal.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') { format!("\\&{escaped}") } else { escaped }
}

#[cfg(test)]
mod tests {
    use super::roff_line;

    #[test]
    fn roff_lines_keep_backslashes_dashes_and_leading_dots_literal() {
        assert_eq!(roff_line("redbridge plan --spec - \\"), "redbridge plan \\-\\-spec \\- \\e");
        assert_eq!(roff_line(".TH x"), "\\&.TH x");
        assert_eq!(roff_line("'quoted'"), "\\&'quoted'");
    }
}
