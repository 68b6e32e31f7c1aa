//! `cargo xtask soak [--seconds N] [--clients N]`: the emulator under
//! load (issue 18). Builds `redbridge-emu`, starts it on in-memory fakes (`--fake-aws`, no
//! LocalStack) in an empty temporary folder, creates a cluster, and for N seconds runs N Data API
//! clients that loop ExecuteStatement and DescribeStatement (plain, table and hostile statements),
//! one statement that runs past the statement timeout, and a health prober every 20 ms. Then it
//! checks: health p99 under 100 ms, every statement ended, the long one FAILED by its timeout, no
//! file created inside or outside the folder, RSS after the run within 1.5× of after the warm-up;
//! prints the figures and fails on any broken check.
//!
//! Plain HTTP over `std::net` with keep-alive connections, signed-looking as the emulator
//! accepts (it reads the account from the `Authorization` header and checks no signature), so
//! the task needs no async runtime and no AWS SDK.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::util::project_root;

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
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project_root().join("target"), PathBuf::from)
}

fn build() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::util::run(Command::new(cargo).current_dir(project_root()).args([
        "build",
        "--locked",
        "--quiet",
        "--package",
        "redbridge-emu",
        "--bin",
        "redbridge-emu",
    ]))
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

/// One keep-alive HTTP/1.1 connection to the emulator, reopened when the server closes it.
struct Client {
    address: String,
    stream: Option<BufReader<TcpStream>>,
}

/// An answer: the status and the body.
struct Answer {
    status: u16,
    body: String,
}

impl Client {
    fn new(address: &str) -> Self {
        Self { address: address.to_owned(), stream: None }
    }

    /// A POST signed as [`ACCOUNT`] for `service`; with `target`, an AWS JSON call.
    fn post(&mut self, service: &str, target: Option<&str>, body: &str) -> anyhow::Result<Answer> {
        let (content_type, target) = match target {
            Some(target) => ("application/x-amz-json-1.1", format!("X-Amz-Target: {target}\r\n")),
            None => ("application/x-www-form-urlencoded", String::new()),
        };
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\n{target}Authorization: AWS4-HMAC-SHA256 Credential={ACCOUNT}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        );
        self.exchange(&request)
    }

    /// Sends `request` and reads the answer; retries once on a fresh connection when a kept
    /// connection turns out closed.
    fn exchange(&mut self, request: &str) -> anyhow::Result<Answer> {
        let reused = self.stream.is_some();
        match self.try_exchange(request) {
            Ok(answer) => Ok(answer),
            Err(_) if reused => {
                self.stream = None;
                self.try_exchange(request)
            }
            Err(error) => Err(error),
        }
    }

    fn try_exchange(&mut self, request: &str) -> anyhow::Result<Answer> {
        if self.stream.is_none() {
            let stream =
                TcpStream::connect(&self.address).with_context(|| format!("connecting to {}", self.address))?;
            stream.set_read_timeout(Some(Duration::from_secs(60)))?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let Some(stream) = self.stream.as_mut() else { bail!("no connection") };
        let answer = (|| -> anyhow::Result<(Answer, bool)> {
            stream.get_mut().write_all(request.as_bytes())?;
            let (answer, close) = read_answer(stream)?;
            Ok((answer, close))
        })();
        match answer {
            Ok((answer, close)) => {
                if close {
                    self.stream = None;
                }
                Ok(answer)
            }
            Err(error) => {
                self.stream = None;
                Err(error)
            }
        }
    }
}

/// Reads one HTTP/1.1 answer with a `Content-Length` body; also says whether the server
/// closes the connection after it.
fn read_answer(stream: &mut BufReader<TcpStream>) -> anyhow::Result<(Answer, bool)> {
    let mut line = String::new();
    if stream.read_line(&mut line)? == 0 {
        bail!("the connection closed before an answer");
    }
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .with_context(|| format!("status line `{}`", line.trim()))?;
    let mut length = 0usize;
    let mut close = false;
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            bail!("the connection closed in the answer's header");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().context("content-length")?;
        } else if lower.starts_with("connection:") && lower.contains("close") {
            close = true;
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((Answer { status, body: String::from_utf8_lossy(&body).into_owned() }, close))
}

/// How a statement ended, as DescribeStatement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Finished,
    Failed,
    Aborted,
    /// Still running when the client gave up waiting (statement timeout plus [`END_MARGIN`]).
    Unfinished,
}

/// Counts per kind of statement.
#[derive(Debug, Default, Clone)]
struct Tally {
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
    fn add(&mut self, ending: Ending, error: String) {
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

    fn error(&mut self, message: String) {
        self.call_errors += 1;
        self.sample_error.get_or_insert(message);
    }

    fn merge(&mut self, other: &Tally) {
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

    fn total(&self) -> u64 {
        self.finished + self.failed + self.aborted + self.unfinished
    }
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

/// What the run measured.
#[derive(Debug)]
struct Figures {
    seconds: f64,
    /// Health latencies, sorted.
    health: Vec<Duration>,
    health_errors: u64,
    health_sample_error: Option<String>,
    tallies: Vec<(&'static str, Tally)>,
    /// The long statement: its ending, error text and how long it ran; `None` when skipped.
    long: Option<(Ending, String, Duration)>,
    rss_warm_kb: u64,
    rss_after_kb: u64,
    /// Files the hostile statements name, and whether each exists after the run.
    named_files: Vec<(PathBuf, bool)>,
    /// Whatever is in the soak folder after the run.
    folder_entries: Vec<String>,
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

    let warm_up = Duration::from_secs((settings.seconds / 3).clamp(1, 10));
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

/// The `q`-quantile (0..=1) of sorted latencies.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
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
    fn check(&self, settings: &Settings, folder: &Path) -> Vec<String> {
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

    fn print(&self, settings: &Settings) {
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
    fn quantiles_pick_the_ranked_latency() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&sorted, 0.5), Duration::from_millis(51));
        assert_eq!(quantile(&sorted, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&[], 0.99), Duration::ZERO);
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
