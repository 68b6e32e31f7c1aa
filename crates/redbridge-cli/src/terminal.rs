//! The terminal side of `apply` and `destroy`: where text goes, the confirmation, and progress
//! on standard error (a spinner on a terminal, plain lines otherwise).

use std::io::{BufRead, IsTerminal};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use redbridge_aws::apply_engine::{Event, Progress};

/// Where text goes and where the answer comes from.
pub trait Ui {
    /// Prints to standard output.
    fn out(&mut self, text: &str);
    /// Prints to standard output, each line styled by `style_of` when it is coloured.
    fn out_styled(&mut self, text: &str, _style_of: crate::output::LineStyle) {
        self.out(text);
    }
    /// Prints a line to standard error.
    fn note(&mut self, text: &str);
    /// Asks whether to go on.
    fn confirm(&mut self, question: &str) -> anyhow::Result<bool>;
}

/// Standard output, and the answer from standard input.
pub struct Terminal;

impl Ui for Terminal {
    fn out(&mut self, text: &str) {
        // A closed standard output must not stop an apply half way: the rest goes unseen.
        let _ = crate::output::print(text);
    }

    fn out_styled(&mut self, text: &str, style_of: crate::output::LineStyle) {
        let _ = crate::output::print_styled(text, style_of);
    }

    fn note(&mut self, text: &str) {
        crate::output::note(text);
    }

    fn confirm(&mut self, question: &str) -> anyhow::Result<bool> {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!("standard input is not a terminal: pass `--yes` to go ahead without asking, or `--dry-run`");
        }
        crate::output::note_inline(&format!("{question} "));
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).context("cannot read the answer")?;
        Ok(matches!(answer.trim(), "yes" | "y"))
    }
}

/// Progress on standard error: a spinner on a terminal, plain lines otherwise.
pub struct TerminalProgress {
    spinner: Option<indicatif::ProgressBar>,
    last: Mutex<Option<String>>,
}

impl TerminalProgress {
    /// A spinner when standard error is a terminal; nothing at all under `--quiet`.
    pub fn new() -> Self {
        let spinner = (!crate::output::quiet() && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { spinner, last: Mutex::new(None) }
    }

    fn line(&self, text: String) {
        match &self.spinner {
            Some(bar) => bar.println(text),
            None => crate::output::note(&text),
        }
    }
}

impl Drop for TerminalProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

impl Progress for TerminalProgress {
    fn event(&self, event: &Event) {
        match event {
            Event::Started { subject } => match &self.spinner {
                Some(bar) => bar.set_message(subject.clone()),
                None => crate::output::note(&format!("{subject}: starting")),
            },
            Event::Done { subject } => self.line(format!("{subject}: done")),
            Event::Retrying { subject, attempt, delay_ms, reason } => {
                self.line(format!("{subject}: attempt {attempt} failed ({reason}); retrying in {}s", delay_ms / 1000))
            }
            Event::Waiting { role, status, waited_ms } => {
                let text = format!("waiting for `{role}` to be `in-sync` (now `{status}`, {}s)", waited_ms / 1000);
                match &self.spinner {
                    Some(bar) => bar.set_message(text),
                    None => {
                        // One line per status change, and one every minute.
                        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                        let key = format!("{role} {status} {}", waited_ms / 60_000);
                        if last.as_deref() != Some(key.as_str()) {
                            crate::output::note(&text);
                            *last = Some(key);
                        }
                    }
                }
            }
        }
    }
}
