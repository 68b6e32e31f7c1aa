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

/// One man page as roff.
fn render(command: &clap::Command) -> anyhow::Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page).context("cannot render the man page")?;
    String::from_utf8(page).context("the man page is not UTF-8")
}
