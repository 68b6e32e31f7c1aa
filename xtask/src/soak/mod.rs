//! `cargo xtask soak [--seconds N] [--clients N]`: the emulator under
//! load (issue 18). Builds `redbridge-emu`, starts it on in-memory fakes (`--fake-aws`, no
//! LocalStack) in an empty temporary folder, creates a cluster, and for N seconds runs N Data API
//! clients that loop ExecuteStatement and DescribeStatement (plain, table and hostile statements),
//! one statement that runs past the statement timeout, and a health prober every 20 ms. Then it
//! checks: health p99 under 100 ms, every statement ended, the long one FAILED by its timeout, no
//! file created inside or outside the folder, RSS after the run within 1.5× of after the warm-up;
//! prints the figures and fails on any broken check.
//!
//! The clients speak plain HTTP (`client.rs`); the checks and the printed figures are in
//! `figures.rs`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use self::client::Client;
use self::figures::{Ending, Figures, Tally};

mod client;
mod figures;

const USAGE: &str =
    "usage: cargo xtask soak [--seconds N] [--clients N] [--statement-timeout-ms N] [--result-retention-ms N]";

/// The account every client calls as.
const ACCOUNT: &str = "111111111111";
/// The cluster the statements run on.
const CLUSTER: &str = "soak";
/// Health must answer within this at p99.
const HEALTH_P99_LIMIT: Duration = Duration::from_millis(100);
/// How often the prober asks.
const PROBE_EVERY: Duration = Duration::from_millis(20);
/// RSS after the run may be at most this many times RSS after the warm-up.
const RSS_RATIO_LIMIT: f64 = 1.5;
/// How long past the statement timeout a statement may take to end before it counts as left
/// unfinished.
const END_MARGIN: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
struct Settings {
    seconds: u64,
    clients: usize,
    statement_timeout: Duration,
    result_retention: Duration,
}

fn parse(args: &[&str]) -> anyhow::Result<Settings> {
    let mut settings = Settings {
        seconds: 60,
        clients: 64,
        statement_timeout: Duration::from_millis(5000),
        result_retention: Duration::from_millis(10_000),
    };
    let mut rest = args.iter();
    let number = |name: &str, value: Option<&&str>| -> anyhow::Result<u64> {
        let value = value.with_context(|| format!("`{name}` needs a value; {USAGE}"))?;
        value
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("`{name} {value}` is not a positive number"))
    };
    while let Some(arg) = rest.next() {
        match *arg {
            "--seconds" => settings.seconds = number("--seconds", rest.next())?,
            "--clients" => {
                settings.clients =
                    usize::try_from(number("--clients", rest.next())?).context("`--clients` is too large")?;
            }
            "--statement-timeout-ms" => {
                settings.statement_timeout = Duration::from_millis(number("--statement-timeout-ms", rest.next())?);
            }
            "--result-retention-ms" => {
                settings.result_retention = Duration::from_millis(number("--result-retention-ms", rest.next())?);
            }
            other => bail!("unknown argument `{other}`; {USAGE}"),
        }
    }
    Ok(settings)
}

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let settings = parse(args)?;
    build()?;
    let folder = SoakFolder::new()?;
    let emulator = start_emulator(&settings, folder.path())?;
    eprintln!(
        "xtask: soak: redbridge-emu (pid {}) at {}, {} clients for {} s, folder `{}`",
        emulator.child.id(),
        emulator.address,
        settings.clients,
        settings.seconds,
        folder.path().display()
    );
    let outside = std::env::temp_dir().join(format!("redbridge-soak-{}-outside.db", std::process::id()));
    let figures = soak(&settings, &emulator, folder.path(), &outside);
    drop(emulator);
    let figures = figures?;
    let failures = figures.check(&settings, folder.path());
    figures.print(&settings);
    if !failures.is_empty() {
        for failure in &failures {
            eprintln!("xtask: soak: FAILED: {failure}");
        }
        bail!("{} soak check(s) failed", failures.len());
    }
    eprintln!("xtask: soak: every check passed");
    Ok(())
}

fn target_dir() -> PathBuf {
    crate::util::target_dir()
}

fn build() -> anyhow::Result<()> {
    crate::util::build_debug_binary("redbridge-emu").map(drop)
}

/// An empty folder under the system's temporary folder, the emulator's working folder: the
/// emulator keeps its state in memory and may create nothing in it. Removed when dropped.
struct SoakFolder(PathBuf);

impl SoakFolder {
    fn new() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("redbridge-soak-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).with_context(|| format!("removing stale `{}`", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating `{}`", path.display()))?;
        Ok(Self(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SoakFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The emulator process; stopped by PID when dropped.
struct EmulatorProcess {
    child: Child,
    address: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        crate::localstack::stop(&mut self.child, "redbridge-emu");
    }
}

fn start_emulator(settings: &Settings, folder: &Path) -> anyhow::Result<EmulatorProcess> {
    let binary = target_dir().join("debug").join("redbridge-emu");
    let mut command = Command::new(&binary);
    command.current_dir(folder).args(["--fake-aws", "--listen", "127.0.0.1:0", "--statement-step-ms", "5"]);
    command.arg("--statement-timeout-ms").arg(settings.statement_timeout.as_millis().to_string());
    command.arg("--result-retention-ms").arg(settings.result_retention.as_millis().to_string());
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {shown}"))?;
    let mut line = String::new();
    let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut line));
    let address = line.trim().to_owned();
    let emulator = EmulatorProcess { child, address };
    if !matches!(read, Some(Ok(_))) || !emulator.address.starts_with("127.0.0.1:") {
        bail!("{shown} did not print its address (got `{}`)", emulator.address);
    }
    Ok(emulator)
}

/// The kinds of statement the clients send, in the order they cycle through them.
const KINDS: [&str; 3] = ["plain", "tables", "hostile"];

/// Runs `sql` and polls DescribeStatement until it ends; returns the ending and the error text.
fn run_statement(client: &mut Client, sql: &str, give_up: Duration) -> anyhow::Result<(Ending, String)> {
    let body = serde_json::json!({ "ClusterIdentifier": CLUSTER, "Database": "dev", "DbUser": "awsuser", "Sql": sql });
    let answer = client.post("redshift-data", Some("RedshiftData.ExecuteStatement"), &body.to_string())?;
    if answer.status != 200 {
        bail!("ExecuteStatement `{sql}` answered {}: {}", answer.status, answer.body);
    }
    let id = serde_json::from_str::<serde_json::Value>(&answer.body)?["Id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("ExecuteStatement gave no `Id`: {}", answer.body))?;
    let started = Instant::now();
    let describe = serde_json::json!({ "Id": id }).to_string();
    loop {
        let answer = client.post("redshift-data", Some("RedshiftData.DescribeStatement"), &describe)?;
        if answer.status != 200 {
            bail!("DescribeStatement `{id}` answered {}: {}", answer.status, answer.body);
        }
        let detail: serde_json::Value = serde_json::from_str(&answer.body)?;
        let error = detail["Error"].as_str().unwrap_or_default().to_owned();
        match detail["Status"].as_str().unwrap_or_default() {
            "FINISHED" => return Ok((Ending::Finished, error)),
            "FAILED" => return Ok((Ending::Failed, error)),
            "ABORTED" => return Ok((Ending::Aborted, error)),
            _ if started.elapsed() > give_up => return Ok((Ending::Unfinished, error)),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// The statements of round `round` of client `client`: `(kind, sql)`.
fn statements(client: usize, round: u64, folder: &Path, outside: &Path) -> Vec<(&'static str, String)> {
    let table = format!("soak_c{client}_r{round}");
    let mut list = vec![
        ("plain", "select 1".to_owned()),
        ("tables", format!("create table {table} (id int, name varchar(20))")),
        ("tables", format!("insert into {table} values (1, 'a'), (2, 'b')")),
        ("tables", format!("select count(*), max(name) from {table}")),
        ("tables", format!("drop table {table}")),
        ("tables", "create temp table soak_temp (id int)".to_owned()),
    ];
    if round.is_multiple_of(4) {
        let hostile = match (client + round as usize / 4) % 4 {
            0 => format!("ATTACH DATABASE '{}' AS x", folder.join("x.db").display()),
            1 => format!("VACUUM INTO '{}'", folder.join("y.db").display()),
            2 => "ATTACH DATABASE 'relative.db' AS r".to_owned(),
            _ => format!("VACUUM INTO '{}'", outside.display()),
        };
        list.push(("hostile", hostile));
    }
    list
}

fn soak(settings: &Settings, emulator: &EmulatorProcess, folder: &Path, outside: &Path) -> anyhow::Result<Figures> {
    let _ = std::fs::remove_file(outside);
    let pid = emulator.child.id();
    let mut setup = Client::new(&emulator.address);
    let create = format!(
        "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier={CLUSTER}&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd%21"
    );
    let created = setup.post("redshift", None, &create)?;
    if created.status != 200 {
        bail!("CreateCluster answered {}: {}", created.status, created.body);
    }
    let give_up = settings.statement_timeout + END_MARGIN;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let run_for = Duration::from_secs(settings.seconds);

    let prober = {
        let stop = Arc::clone(&stop);
        let address = emulator.address.clone();
        std::thread::spawn(move || {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut sample = None;
            while !stop.load(Ordering::Relaxed) {
                let asked = Instant::now();
                match probe(&address) {
                    Ok(()) => latencies.push(asked.elapsed()),
                    Err(error) => {
                        errors += 1;
                        sample.get_or_insert(format!("{error:#}"));
                    }
                }
                std::thread::sleep(PROBE_EVERY.saturating_sub(asked.elapsed()));
            }
            (latencies, errors, sample)
        })
    };

    let mut workers = Vec::new();
    for number in 0..settings.clients {
        let stop = Arc::clone(&stop);
        let address = emulator.address.clone();
        let folder = folder.to_owned();
        let outside = outside.to_owned();
        workers.push(std::thread::spawn(move || {
            let mut client = Client::new(&address);
            let mut tallies: Vec<Tally> = vec![Tally::default(); KINDS.len()];
            let mut round = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (kind, sql) in statements(number, round, &folder, &outside) {
                    let slot = KINDS.iter().position(|k| *k == kind).unwrap_or(0);
                    match run_statement(&mut client, &sql, give_up) {
                        Ok((ending, error)) => tallies[slot].add(ending, error),
                        Err(error) => tallies[slot].error(format!("{error:#}")),
                    }
                }
                round += 1;
            }
            tallies
        }));
    }

    // The long statement goes in once the clients are running.
    let long = Some({
        let address = emulator.address.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            let mut client = Client::new(&address);
            let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000000000) select count(*) from n";
            let asked = Instant::now();
            let outcome = run_statement(&mut client, sql, give_up);
            outcome.map(|(ending, error)| (ending, error, asked.elapsed()))
        })
    });

    // The baseline RSS is read once results are being dropped as fast as they come: after at
    // least one retention period (and a third of the run, up to 10 s), never past the run.
    let warm_up = Duration::from_secs((settings.seconds / 3).clamp(1, 10))
        .max(settings.result_retention + Duration::from_secs(1))
        .min(run_for);
    std::thread::sleep(warm_up);
    let rss_warm_kb = rss_kb(pid)?;
    std::thread::sleep(run_for.saturating_sub(started.elapsed()));
    stop.store(true, Ordering::Relaxed);
    let mut tallies: Vec<(&'static str, Tally)> = KINDS.iter().map(|k| (*k, Tally::default())).collect();
    for worker in workers {
        let found = worker.join().map_err(|_| anyhow::anyhow!("a client thread panicked"))?;
        for (slot, tally) in found.iter().enumerate() {
            tallies[slot].1.merge(tally);
        }
    }
    let long = match long {
        Some(thread) => {
            let outcome = thread.join().map_err(|_| anyhow::anyhow!("the long statement's thread panicked"))?;
            Some(outcome.context("the long statement")?)
        }
        None => None,
    };
    let (mut health, health_errors, health_sample_error) =
        prober.join().map_err(|_| anyhow::anyhow!("the health prober panicked"))?;
    health.sort();
    let seconds = started.elapsed().as_secs_f64();
    // Results are freed once retained for the retention period: RSS is read after it.
    std::thread::sleep(settings.result_retention + Duration::from_secs(1));
    let rss_after_kb = rss_kb(pid)?;
    let named_files = [folder.join("x.db"), folder.join("y.db"), folder.join("relative.db"), outside.to_owned()]
        .into_iter()
        .map(|path| {
            let exists = path.exists();
            (path, exists)
        })
        .collect();
    let folder_entries = std::fs::read_dir(folder)
        .with_context(|| format!("listing `{}`", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let _ = std::fs::remove_file(outside);
    Ok(Figures {
        seconds,
        health,
        health_errors,
        health_sample_error,
        tallies,
        long,
        rss_warm_kb,
        rss_after_kb,
        named_files,
        folder_entries,
    })
}

/// One health request on a fresh connection (what a load balancer's check does).
fn probe(address: &str) -> anyhow::Result<()> {
    let mut client = Client::new(address);
    let answer =
        client.exchange(&format!("GET /_emu/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"))?;
    if answer.status != 200 {
        bail!("health answered {}: {}", answer.status, answer.body);
    }
    Ok(())
}

/// `VmRSS` of process `pid`, in kB.
fn rss_kb(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("reading the emulator's status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no `VmRSS` in the emulator's status")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_set_the_run_and_unknown_ones_are_refused() {
        let settings = parse(&["--seconds", "20", "--clients", "8"]).unwrap();
        assert_eq!((settings.seconds, settings.clients), (20, 8));
        let defaults = parse(&[]).unwrap();
        assert_eq!((defaults.seconds, defaults.clients), (60, 64));
        assert_eq!(defaults.statement_timeout, Duration::from_millis(5000));
        assert!(parse(&["--seconds", "0"]).unwrap_err().to_string().contains("`--seconds 0` is not a positive number"));
        assert!(parse(&["--fast"]).unwrap_err().to_string().contains("unknown argument `--fast`"));
    }

    #[test]
    fn every_client_sends_every_kind_and_hostile_paths_name_the_folder_or_the_outside_file() {
        let folder = Path::new("/tmp/soak");
        let outside = Path::new("/tmp/outside.db");
        let all: Vec<(&str, String)> = (0..8).flat_map(|round| statements(0, round, folder, outside)).collect();
        for kind in KINDS {
            assert!(all.iter().any(|(k, _)| *k == kind), "{kind}");
        }
        let hostile: Vec<&String> = all.iter().filter(|(k, _)| *k == "hostile").map(|(_, sql)| sql).collect();
        assert!(hostile.iter().any(|sql| sql.contains("ATTACH DATABASE '/tmp/soak/x.db'")), "{hostile:?}");
        assert!(hostile.iter().any(|sql| sql.contains("VACUUM INTO '/tmp/soak/y.db'")), "{hostile:?}");
    }
}
