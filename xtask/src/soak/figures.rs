//! What a soak run measured, the checks it must pass and the figures it prints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{END_MARGIN, HEALTH_P99_LIMIT, RSS_RATIO_LIMIT, Settings};

/// How a statement ended, as DescribeStatement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    Finished,
    Failed,
    Aborted,
    /// Still running when the client gave up waiting (statement timeout plus [`END_MARGIN`]).
    Unfinished,
}

/// Counts per kind of statement.
#[derive(Debug, Default, Clone)]
pub(super) struct Tally {
    finished: u64,
    failed: u64,
    aborted: u64,
    unfinished: u64,
    /// Calls refused (not 200) or lost (connection errors), with a sample message.
    call_errors: u64,
    sample_error: Option<String>,
    /// The error text of the first statement that FAILED.
    sample_failure: Option<String>,
}

impl Tally {
    pub(super) fn add(&mut self, ending: Ending, error: String) {
        if ending == Ending::Failed {
            self.sample_failure.get_or_insert(error);
        }
        match ending {
            Ending::Finished => self.finished += 1,
            Ending::Failed => self.failed += 1,
            Ending::Aborted => self.aborted += 1,
            Ending::Unfinished => self.unfinished += 1,
        }
    }

    pub(super) fn error(&mut self, message: String) {
        self.call_errors += 1;
        self.sample_error.get_or_insert(message);
    }

    pub(super) fn merge(&mut self, other: &Tally) {
        self.finished += other.finished;
        self.failed += other.failed;
        self.aborted += other.aborted;
        self.unfinished += other.unfinished;
        self.call_errors += other.call_errors;
        if self.sample_error.is_none() {
            self.sample_error.clone_from(&other.sample_error);
        }
        if self.sample_failure.is_none() {
            self.sample_failure.clone_from(&other.sample_failure);
        }
    }

    pub(super) fn total(&self) -> u64 {
        self.finished + self.failed + self.aborted + self.unfinished
    }
}

/// What the run measured.
#[derive(Debug)]
pub(super) struct Figures {
    pub seconds: f64,
    /// Health latencies, sorted.
    pub health: Vec<Duration>,
    pub health_errors: u64,
    pub health_sample_error: Option<String>,
    pub tallies: Vec<(&'static str, Tally)>,
    /// The long statement: its ending, error text and how long it ran; `None` when skipped.
    pub long: Option<(Ending, String, Duration)>,
    pub rss_warm_kb: u64,
    pub rss_after_kb: u64,
    /// Files the hostile statements name, and whether each exists after the run.
    pub named_files: Vec<(PathBuf, bool)>,
    /// Whatever is in the soak folder after the run.
    pub folder_entries: Vec<String>,
}

/// The `q`-quantile (0..=1) of sorted latencies.
pub(super) fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

impl Figures {
    /// The broken checks, each a sentence.
    pub(super) fn check(&self, settings: &Settings, folder: &Path) -> Vec<String> {
        let mut failures = Vec::new();
        let p99 = quantile(&self.health, 0.99);
        if self.health.is_empty() {
            failures.push("health never answered".to_owned());
        } else if p99 >= HEALTH_P99_LIMIT {
            failures.push(format!("health p99 is {}, not under {}", millis(p99), millis(HEALTH_P99_LIMIT)));
        }
        if self.health_errors > 0 {
            failures.push(format!(
                "{} health probes got no answer (first: {})",
                self.health_errors,
                self.health_sample_error.as_deref().unwrap_or_default()
            ));
        }
        for (kind, tally) in &self.tallies {
            if tally.unfinished > 0 {
                failures.push(format!(
                    "{} `{kind}` statements had not ended {} s after the statement timeout",
                    tally.unfinished,
                    END_MARGIN.as_secs()
                ));
            }
            if tally.call_errors > 0 {
                failures.push(format!(
                    "{} `{kind}` calls failed (first: {})",
                    tally.call_errors,
                    tally.sample_error.as_deref().unwrap_or_default()
                ));
            }
            if tally.total() == 0 {
                failures.push(format!("no `{kind}` statement ran"));
            }
        }
        match &self.long {
            None => {}
            Some((ending, error, took)) => {
                // Redshift's text for a statement stopped by `statement_timeout`, as its page
                // shows it: `ERROR: Query (150) canceled on user's request`
                // (https://docs.aws.amazon.com/redshift/latest/dg/r_statement_timeout.html). A
                // CancelStatement ends a statement ABORTED instead, so FAILED with this text, no
                // sooner than the timeout, is the timeout.
                let by_timeout = error.starts_with("ERROR: Query (") && error.ends_with(") canceled on user's request");
                if *ending != Ending::Failed || !by_timeout || *took < settings.statement_timeout {
                    failures.push(format!(
                        "the statement past the {} ms timeout ended {ending:?} after {:.1} s (error `{error}`), not FAILED by its timeout",
                        settings.statement_timeout.as_millis(),
                        took.as_secs_f64()
                    ));
                }
            }
        }
        for (path, exists) in &self.named_files {
            if *exists {
                let where_ = if path.starts_with(folder) { "in the soak folder" } else { "outside the soak folder" };
                failures.push(format!("a hostile statement created `{}` ({where_})", path.display()));
            }
        }
        let unexpected: Vec<&String> = self
            .folder_entries
            .iter()
            .filter(|name| {
                !self.named_files.iter().any(|(path, _)| path.file_name().is_some_and(|f| f == name.as_str()))
            })
            .collect();
        if !unexpected.is_empty() {
            failures.push(format!("the emulator created {unexpected:?} in `{}`", folder.display()));
        }
        let ratio = self.rss_after_kb as f64 / self.rss_warm_kb.max(1) as f64;
        if ratio > RSS_RATIO_LIMIT {
            failures.push(format!(
                "RSS grew from {} kB after the warm-up to {} kB after the run ({ratio:.2}×, more than {RSS_RATIO_LIMIT}×)",
                self.rss_warm_kb, self.rss_after_kb
            ));
        }
        failures
    }

    pub(super) fn print(&self, settings: &Settings) {
        let mut out = String::new();
        let p50 = quantile(&self.health, 0.5);
        let p99 = quantile(&self.health, 0.99);
        let max = self.health.last().copied().unwrap_or_default();
        out.push_str(&format!("\nsoak: {} clients, {:.1} s\n", settings.clients, self.seconds));
        out.push_str(&format!(
            "  health        {} probes: p50 {}  p99 {}  max {}  unanswered {}\n",
            self.health.len(),
            millis(p50),
            millis(p99),
            millis(max),
            self.health_errors
        ));
        out.push_str("  statements    kind       finished     failed    aborted  unfinished  call errors\n");
        let mut total = Tally::default();
        for (kind, tally) in &self.tallies {
            total.merge(tally);
            out.push_str(&format!(
                "                {kind:<9}{:>10}{:>11}{:>11}{:>12}{:>13}\n",
                tally.finished, tally.failed, tally.aborted, tally.unfinished, tally.call_errors
            ));
        }
        out.push_str(&format!(
            "                {:<9}{:>10}{:>11}{:>11}{:>12}{:>13}   ({:.0} statements/s)\n",
            "all",
            total.finished,
            total.failed,
            total.aborted,
            total.unfinished,
            total.call_errors,
            total.total() as f64 / self.seconds.max(0.001)
        ));
        for (kind, tally) in &self.tallies {
            if let Some(failure) = &tally.sample_failure {
                out.push_str(&format!("  first FAILED `{kind}`: {failure}\n"));
            }
        }
        match &self.long {
            Some((ending, error, took)) => out.push_str(&format!(
                "  long statement  {ending:?} after {:.1} s (timeout {} ms): {error}\n",
                took.as_secs_f64(),
                settings.statement_timeout.as_millis()
            )),
            None => out.push_str("  long statement  not run\n"),
        }
        out.push_str(&format!(
            "  RSS           {} kB after the warm-up, {} kB after the run ({:.2}×)\n",
            self.rss_warm_kb,
            self.rss_after_kb,
            self.rss_after_kb as f64 / self.rss_warm_kb.max(1) as f64
        ));
        let created: Vec<String> =
            self.named_files.iter().filter(|(_, exists)| *exists).map(|(path, _)| path.display().to_string()).collect();
        out.push_str(&format!(
            "  files         hostile paths created: {}; soak folder entries: {}\n",
            if created.is_empty() { "none".to_owned() } else { created.join(", ") },
            if self.folder_entries.is_empty() { "none".to_owned() } else { self.folder_entries.join(", ") }
        ));
        println!("{out}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_ranked_latency() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&sorted, 0.5), Duration::from_millis(51));
        assert_eq!(quantile(&sorted, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&[], 0.99), Duration::ZERO);
    }
}
