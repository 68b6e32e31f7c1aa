//! Runs scenarios with the real `redbridge` binary against LocalStack and the emulator, and
//! prints the summary table. Deploying the exported templates, scripts and Terraform with the
//! AWS CLI and `terraform` is in `deploy.rs`; audit scenarios (many accounts, one organization,
//! `redbridge audit` compared with an expected document) are in `audit.rs`.

mod audit;
mod clients;
mod deploy;
mod governance;
mod secrets;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::Value;

use crate::scenario::{ApplyExpect, Scenario, Step, Table};
use crate::world::{Services, World};

/// How to run the scenarios.
pub struct Settings {
    /// The `redbridge` binary.
    pub redbridge: PathBuf,
    /// Where each scenario writes its spec, AWS config and command outputs.
    pub work: PathBuf,
    pub services: Services,
    /// The `aws` command (AWS CLI v1) for exported scripts and templates.
    pub aws_cli: PathBuf,
    /// The Python with pyarrow, psycopg and redshift_connector (`sql` and pyarrow steps).
    pub python: PathBuf,
    /// Debian's `psql`.
    pub psql: PathBuf,
}

/// One scenario's result.
pub struct Outcome {
    pub name: String,
    pub steps: usize,
    pub seconds: f64,
    pub error: Option<String>,
}

/// How many scenarios run at once (`REDBRIDGE_E2E_JOBS`, default 3): each has accounts, buckets
/// and a cluster of its own, and most of a scenario's time is spent waiting on the services.
fn jobs() -> usize {
    std::env::var("REDBRIDGE_E2E_JOBS").ok().and_then(|j| j.parse().ok()).filter(|j| *j > 0).unwrap_or(3)
}

/// Whether a scenario must run with nothing beside it: an audit reads whole accounts and an
/// organization step replaces the emulator's one organization, which every scenario sees.
fn runs_alone(scenario: &Scenario) -> bool {
    scenario.audit.is_some() || scenario.steps.iter().any(|s| matches!(s, Step::Organization { .. }))
}

/// Runs every scenario (a failure does not stop the others): those that must run alone one after
/// the other, then the rest [`jobs`] at a time, each on a thread of its own; a scenario's step
/// lines are printed together when it ends.
pub async fn run_all(scenarios: &[Scenario], settings: &Settings) -> Vec<Outcome> {
    let started = Instant::now();
    let (alone, shared): (Vec<usize>, Vec<usize>) = (0..scenarios.len()).partition(|&i| runs_alone(&scenarios[i]));
    let mut outcomes: Vec<(usize, Outcome)> = Vec::new();
    for index in alone {
        outcomes.push((index, run_indexed(scenarios, index, settings).await));
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let finished = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs().min(shared.len()) {
            scope.spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                while let Some(&index) = shared.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)) {
                    let outcome = match &runtime {
                        Ok(runtime) => runtime.block_on(run_indexed(scenarios, index, settings)),
                        Err(e) => Outcome {
                            name: scenarios[index].name.clone(),
                            steps: scenarios[index].steps.len(),
                            seconds: 0.0,
                            error: Some(format!("no runtime for the scenario's thread: {e}")),
                        },
                    };
                    if let Ok(mut finished) = finished.lock() {
                        finished.push((index, outcome));
                    }
                }
            });
        }
    });
    outcomes.extend(finished.into_inner().unwrap_or_default());
    outcomes.sort_by_key(|(index, _)| *index);
    eprintln!("\n{} scenarios in {:.1}s ({} at a time)", outcomes.len(), started.elapsed().as_secs_f64(), jobs());
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

/// Runs scenario `index` and prints its lines when it ends.
async fn run_indexed(scenarios: &[Scenario], index: usize, settings: &Settings) -> Outcome {
    let scenario = &scenarios[index];
    let started = Instant::now();
    let mut lines = vec![format!("\n== {} — {}", scenario.name, scenario.description)];
    let mut done = 0;
    let result = run_one(scenario, index + 1, settings, &mut done, &mut lines).await;
    let seconds = started.elapsed().as_secs_f64();
    let error = result.err().map(|e| format!("step {}: {e:#}", done + 1));
    lines.push(match &error {
        None => format!("== {}: passed in {seconds:.1}s", scenario.name),
        Some(e) => format!("== {}: FAILED in {seconds:.1}s: {e}", scenario.name),
    });
    eprintln!("{}", lines.join("\n"));
    Outcome { name: scenario.name.clone(), steps: scenario.steps.len(), seconds, error }
}

/// The summary table.
pub fn table(outcomes: &[Outcome]) -> String {
    let width = outcomes.iter().map(|o| o.name.len()).max().unwrap_or(8).max(8);
    let mut out = format!("{:<width$}  {:<6}  {:>5}  {:>7}\n", "scenario", "result", "steps", "seconds");
    for o in outcomes {
        let result = if o.error.is_none() { "ok" } else { "FAILED" };
        out.push_str(&format!("{:<width$}  {:<6}  {:>5}  {:>7.1}\n", o.name, result, o.steps, o.seconds));
    }
    let total: f64 = outcomes.iter().map(|o| o.seconds).sum();
    let passed = outcomes.iter().filter(|o| o.error.is_none()).count();
    out.push_str(&format!("{passed} of {} passed in {total:.1}s\n", outcomes.len()));
    for o in outcomes.iter().filter(|o| o.error.is_some()) {
        out.push_str(&format!("\n{}: {}\n", o.name, o.error.as_deref().unwrap_or_default()));
    }
    out
}

async fn run_one(
    scenario: &Scenario,
    index: usize,
    settings: &Settings,
    done: &mut usize,
    lines: &mut Vec<String>,
) -> anyhow::Result<()> {
    if scenario.audit.is_some() {
        return audit::run(scenario, index, settings, done).await;
    }
    let mut world = World::new(scenario, index, &settings.services, &settings.work)?;
    world.set_up(&scenario.setup, &scenario.name).await.context("setting up")?;
    refresh_chain(&mut world, settings)?;
    let mut runner = Runner::new(world, settings, &scenario.tables);
    for step in &scenario.steps {
        let started = Instant::now();
        let what = runner.step(step).await?;
        lines.push(format!("   {:>2}. {what} ({:.1}s)", *done + 1, started.elapsed().as_secs_f64()));
        *done += 1;
    }
    Ok(())
}

/// Reads the chain from `redbridge plan --output json`.
fn refresh_chain(world: &mut World, settings: &Settings) -> anyhow::Result<()> {
    let output = Command::new(&settings.redbridge)
        .args(["plan", "--output", "json", "--spec"])
        .arg(world.spec_path())
        .output()
        .context("running `redbridge plan`")?;
    ensure!(output.status.success(), "`redbridge plan` failed: {}", String::from_utf8_lossy(&output.stderr));
    let plan: Value = serde_json::from_slice(&output.stdout).context("`redbridge plan --output json` is not JSON")?;
    world.chain = plan["chain"]
        .as_array()
        .context("the plan has no chain")?
        .iter()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    Ok(())
}

struct Runner<'a> {
    world: World,
    settings: &'a Settings,
    calls: usize,
    /// The scenario's `[tables]`.
    tables: &'a BTreeMap<String, Table>,
    /// IAM users created for `sql` steps with `auth = "iam"`, by name.
    iam_users: BTreeMap<String, clients::IamKeys>,
    /// The ARNs of the secrets `secret` steps created, by step name.
    secrets: BTreeMap<String, String>,
}

/// The tables of a scenario that has none.
static NO_TABLES: BTreeMap<String, Table> = BTreeMap::new();

/// What one `redbridge` run gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> anyhow::Result<Value> {
        serde_json::from_str(&self.stdout)
            .with_context(|| format!("not JSON: {}\nstderr: {}", self.stdout, self.stderr))
    }
}

impl<'a> Runner<'a> {
    fn new(world: World, settings: &'a Settings, tables: &'a BTreeMap<String, Table>) -> Self {
        Self { world, settings, calls: 0, tables, iam_users: BTreeMap::new(), secrets: BTreeMap::new() }
    }
}

impl Runner<'_> {
    /// `redbridge <args>` with the scenario's AWS config and nothing from the caller's AWS environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.settings.redbridge);
        command.args(args);
        self.environment(&mut command);
        command
    }

    /// The scenario's AWS config and nothing from the caller's AWS environment.
    fn environment(&self, command: &mut Command) {
        environment(command, &self.world.dir);
    }

    fn with_spec(&self, command: &str) -> Vec<String> {
        vec![command.to_owned(), "--spec".to_owned(), self.world.spec_path().display().to_string()]
    }

    /// The two accounts' profiles (`test` takes no more).
    fn profiles(&self) -> Vec<String> {
        ["--redshift-profile", "redshift", "--s3-profile", "s3"].map(str::to_owned).to_vec()
    }

    /// The profiles and the hop account's (`apply`, `doctor`).
    fn all_profiles(&self) -> Vec<String> {
        let mut profiles = self.profiles();
        profiles.extend(["--hop-profile".to_owned(), format!("{}=hop", self.world.hop_account)]);
        profiles
    }

    /// Runs and keeps the outputs in the scenario's directory.
    fn run(&mut self, args: &[String]) -> anyhow::Result<Run> {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = self.command(&refs).output().with_context(|| format!("running `redbridge {}`", args.join(" ")))?;
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.record(args, &run)?;
        Ok(run)
    }

    fn record(&mut self, args: &[String], run: &Run) -> anyhow::Result<()> {
        self.calls += 1;
        let path = self.world.dir.join(format!("{:02}-{}.log", self.calls, args[0]));
        let text = format!(
            "$ redbridge {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            run.code,
            run.stdout,
            run.stderr
        );
        std::fs::write(path, text)?;
        // Nothing printed may carry a secret, even with the SDK's debug logs on (`REDBRIDGE_LOG`).
        for secret in self.world.secrets() {
            ensure!(
                !run.stdout.contains(&secret) && !run.stderr.contains(&secret),
                "`{}` printed a secret access key or session token",
                args.join(" ")
            );
        }
        Ok(())
    }

    async fn step(&mut self, step: &Step) -> anyhow::Result<String> {
        match step {
            Step::Apply { expect, interrupt_after, mentions } => self.apply(*expect, *interrupt_after, mentions),
            Step::Operator { account, commands, without } => self.operator(*account, commands, without).await,
            Step::Organization { document } => self.organization(document),
            Step::Doctor { verdict, findings, sql } => {
                let mut args = self.with_spec("doctor");
                args.extend(self.all_profiles());
                args.extend(["--output".to_owned(), "json".to_owned()]);
                for statement in sql {
                    args.extend(["--sql".to_owned(), self.text(statement)]);
                }
                let run = self.run(&args)?;
                let report = run.json()?;
                let found: Vec<(String, String, String)> = report["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                        (text(&f["code"]), text(&f["hop"]["kind"]), text(&f["severity"]))
                    })
                    .collect();
                let listing = found.iter().map(|(c, h, s)| format!("{c} ({h}, {s})")).collect::<Vec<_>>().join(", ");
                ensure!(
                    report["verdict"] == verdict.as_str(),
                    "doctor says `{}`, expected `{verdict}`; findings: [{listing}]",
                    report["verdict"]
                );
                for expected in findings {
                    ensure!(
                        found.iter().any(|(c, h, _)| *c == expected.code && *h == expected.hop),
                        "doctor did not report {} on the {} hop; findings: [{listing}]",
                        expected.code,
                        expected.hop
                    );
                }
                for (code, hop, severity) in &found {
                    ensure!(
                        severity != "error" || findings.iter().any(|e| e.code == *code),
                        "doctor reported an unexpected error {code} on the {hop} hop; findings: [{listing}]"
                    );
                }
                Ok(format!("doctor: {verdict} [{listing}]"))
            }
            Step::Test { sql, pass, code, hop, error, secret } => {
                let mut args = self.with_spec("test");
                args.extend(self.profiles());
                args.extend(["--output".to_owned(), "json".to_owned(), "--timeout".to_owned(), "60".to_owned()]);
                if let Some(sql) = sql {
                    args.extend(["--sql".to_owned(), self.text(sql)]);
                }
                if let Some(secret) = secret {
                    args.extend(["--secret-arn".to_owned(), self.secret_arn(secret)?]);
                }
                let run = self.run(&args)?;
                let report = run.json()?;
                let passed = report["passed"].as_bool().unwrap_or(false);
                let text = report["outcome"]["error"].as_str().unwrap_or_default().to_owned();
                let diagnosis = &report["diagnosis"];
                let got_code = diagnosis["code"].as_str().unwrap_or_default();
                let got_hop = diagnosis["hop"].as_str().unwrap_or_default();
                ensure!(
                    passed == *pass,
                    "test passed: {passed}, expected {pass}; error `{text}`, diagnosis {got_code} on `{got_hop}`"
                );
                ensure!(run.code == Some(if *pass { 0 } else { 1 }), "test exited {:?}", run.code);
                if let Some(code) = code {
                    ensure!(
                        got_code == code,
                        "test diagnosed {got_code} on `{got_hop}`, expected {code}; error `{text}`"
                    );
                }
                if let Some(hop) = hop {
                    ensure!(got_hop.contains(hop.as_str()), "test's hop is `{got_hop}`, expected one with `{hop}`");
                }
                if let Some(error) = error {
                    let error = self.text(error);
                    ensure!(text.contains(&error), "Redshift's error `{text}` does not contain `{error}`");
                }
                Ok(if passed {
                    "test: passed".to_owned()
                } else {
                    format!("test: failed as expected, {got_code} on `{got_hop}`: {text}")
                })
            }
            Step::Lint { sql, codes } => {
                let path = self.world.dir.join(format!("lint-{}.sql", self.calls + 1));
                std::fs::write(&path, self.text(sql))?;
                let args = vec![
                    "lint".to_owned(),
                    "--spec".to_owned(),
                    self.world.spec_path().display().to_string(),
                    "--output".to_owned(),
                    "json".to_owned(),
                    path.display().to_string(),
                ];
                let run = self.run(&args)?;
                let report = run.json()?;
                let mut got: Vec<String> = report["statements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|s| s["diagnostics"].as_array().into_iter().flatten())
                    .filter_map(|d| d["code"].as_str().map(str::to_owned))
                    .collect();
                got.sort();
                let mut want = codes.clone();
                want.sort();
                ensure!(got == want, "lint reported {got:?}, expected {want:?}");
                Ok(format!("lint: {got:?}"))
            }
            Step::RoundTrip { csv } => self.round_trip(csv).await,
            Step::Sql { client, auth, user, db_user, statements, error, sqlstate, rows } => {
                self.client_sql(clients::SqlStep {
                    client: *client,
                    auth: *auth,
                    user: user.as_deref(),
                    db_user: db_user.as_deref(),
                    statements,
                    error: error.as_deref(),
                    sqlstate: sqlstate.as_deref(),
                    rows: rows.as_deref(),
                })
                .await
            }
            Step::PutTable { table, key, format } => self.put_table(table, key, *format).await,
            Step::CheckUnload { table, prefix, format, partition_by, include, suffix } => {
                self.check_unload(table, prefix, *format, partition_by, *include, suffix.as_deref()).await
            }
            Step::Secret { name, username, password, db_user } => {
                self.put_secret(name, username.as_deref(), password.as_deref(), db_user.as_deref()).await
            }
            Step::Fault(fault) => self.world.inject(fault).await.map(|what| format!("fault: {what}")),
            Step::SetSpec { fields } => {
                for (key, value) in fields {
                    let value = match value {
                        toml::Value::String(s) => toml::Value::String(self.world.template(s)),
                        other => other.clone(),
                    };
                    self.world.spec.insert(key.clone(), value);
                }
                self.world.write_spec()?;
                refresh_chain(&mut self.world, self.settings)?;
                Ok(format!("spec: set {}", fields.keys().cloned().collect::<Vec<_>>().join(", ")))
            }
            Step::Deploy { how } => self.deploy(*how).await,
            Step::Sleep { seconds } => {
                tokio::time::sleep(Duration::from_secs(*seconds)).await;
                Ok(format!("slept {seconds}s"))
            }
            Step::Audit { .. } => bail!("`do = \"audit\"` runs in an audit scenario's steps only"),
        }
    }

    fn apply(
        &mut self,
        expect: ApplyExpect,
        interrupt_after: Option<usize>,
        mentions: &[String],
    ) -> anyhow::Result<String> {
        let mut args = self.with_spec("apply");
        args.extend(self.all_profiles());
        args.extend(["--yes", "--output", "json", "--attach-timeout", "60"].map(str::to_owned));
        if let Some(limit) = interrupt_after {
            ensure!(expect == ApplyExpect::Interrupted, "`interrupt_after` needs `expect = \"interrupted\"`");
            return self.interrupted_apply(&args, limit);
        }
        let run = self.run(&args)?;
        for text in mentions {
            let text = self.world.template(text);
            ensure!(
                run.stdout.contains(&text) || run.stderr.contains(&text),
                "apply did not mention `{text}`:\n{}\n{}",
                run.stdout.trim(),
                run.stderr.trim()
            );
        }
        if expect == ApplyExpect::Refused {
            return self.refused_apply(&run);
        }
        ensure!(run.code == Some(0), "apply exited {:?}: {}", run.code, run.stderr.trim());
        let result = run.json()?;
        let status = result["status"].as_str().unwrap_or_default();
        let changes: Vec<String> = result["diff"]["accounts"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|a| a["changes"].as_array().into_iter().flatten())
            .filter(|c| c["kind"] != "unchanged")
            .map(|c| {
                format!("{} {}", c["kind"].as_str().unwrap_or_default(), c["subject"].as_str().unwrap_or_default())
            })
            .collect();
        match expect {
            ApplyExpect::NoChanges => ensure!(
                status == "no_changes",
                "apply's status is `{status}`, expected no changes: {}",
                changes.join("; ")
            ),
            ApplyExpect::Changes => {
                ensure!(status == "done" && !changes.is_empty(), "apply's status is `{status}`, expected changes")
            }
            ApplyExpect::Interrupted => bail!("`expect = \"interrupted\"` needs `interrupt_after`"),
            ApplyExpect::Refused => unreachable!("handled above"),
        }
        Ok(format!("apply: {status}, {} change(s): {}", changes.len(), changes.join("; ")))
    }

    /// Starts `apply` and kills it (SIGKILL) once `limit` steps reported `done`.
    fn interrupted_apply(&mut self, args: &[String], limit: usize) -> anyhow::Result<String> {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = self.command(&refs).stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut seen = String::new();
        let mut done = 0;
        for line in BufReader::new(stderr).lines() {
            let line = line?;
            seen.push_str(&line);
            seen.push('\n');
            if line.ends_with(": done") {
                done += 1;
                if done == limit {
                    child.kill()?;
                    break;
                }
            }
        }
        let status = child.wait()?;
        let run = Run { code: status.code(), stdout: String::new(), stderr: seen };
        self.record(args, &run)?;
        ensure!(done == limit, "apply ended after {done} steps, before it could be interrupted after {limit}");
        ensure!(status.code().is_none(), "apply was not killed: {status}");
        Ok(format!("apply: killed after {limit} steps"))
    }

    /// COPY → UNLOAD → COPY with statements from `redbridge sql`, run by `redbridge test --sql`.
    async fn round_trip(&mut self, csv: &str) -> anyhow::Result<String> {
        let header = csv.lines().next().context("the CSV has no header")?;
        let columns: Vec<&str> = header.split(',').map(str::trim).collect();
        let base = format!("s3://{}/{}rt-{}/", self.world.bucket, self.world.template("{prefix}"), std::process::id());
        let input_key = format!("{}in/part-1.csv", base.splitn(4, '/').nth(3).unwrap_or_default());
        self.world.put_object(&input_key, csv).await?;
        let definition = columns.iter().map(|c| format!("{c} VARCHAR(256)")).collect::<Vec<_>>().join(", ");
        for table in ["rt_source", "rt_back"] {
            self.sql_ok(&format!("CREATE TABLE {table} ({definition})"))?;
        }
        let spec = self.world.spec_path().display().to_string();
        let generate = |args: &[&str]| -> anyhow::Result<String> {
            let output = Command::new(&self.settings.redbridge).args(args).output()?;
            ensure!(
                output.status.success(),
                "`redbridge {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
            Ok(String::from_utf8(output.stdout)?.trim().to_owned())
        };
        let copy_in = generate(&[
            "sql",
            "copy",
            "--spec",
            &spec,
            "--format",
            "csv",
            "--table",
            "rt_source",
            "--from",
            &format!("{base}in/"),
            "--option",
            "IGNOREHEADER 1",
        ])?;
        let unload = generate(&[
            "sql",
            "unload",
            "--spec",
            &spec,
            "--format",
            "csv",
            "--query",
            "SELECT * FROM rt_source",
            "--to",
            &format!("{base}out/part_"),
            "--option",
            "HEADER",
        ])?;
        let copy_back = generate(&[
            "sql",
            "copy",
            "--spec",
            &spec,
            "--format",
            "csv",
            "--table",
            "rt_back",
            "--from",
            &format!("{base}out/part_"),
            "--option",
            "IGNOREHEADER 1",
        ])?;
        for statement in [&copy_in, &unload, &copy_back] {
            self.sql_ok(statement)?;
        }
        let order = (1..=columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        let source = self.world.query(&format!("SELECT * FROM rt_source ORDER BY {order}")).await?;
        let back = self.world.query(&format!("SELECT * FROM rt_back ORDER BY {order}")).await?;
        let expected_rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        ensure!(source.len() == expected_rows, "COPY loaded {} rows, the CSV has {expected_rows}", source.len());
        ensure!(source == back, "the round trip changed the rows:\n  before {source:?}\n  after  {back:?}");
        Ok(format!("round trip: {expected_rows} rows identical after COPY → UNLOAD → COPY"))
    }

    fn sql_ok(&mut self, statement: &str) -> anyhow::Result<()> {
        let mut args = self.with_spec("test");
        args.extend(self.profiles());
        args.extend(["--output".to_owned(), "json".to_owned(), "--sql".to_owned(), statement.to_owned()]);
        let run = self.run(&args)?;
        let report = run.json()?;
        ensure!(
            report["passed"].as_bool() == Some(true),
            "`{statement}` failed: {}",
            report["outcome"]["error"].as_str().unwrap_or(run.stderr.trim())
        );
        Ok(())
    }
}

/// The AWS config and credentials files of `dir` (`config`, `credentials`) and nothing from the
/// caller's AWS environment.
fn environment(command: &mut Command, dir: &Path) {
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("AWS_")) {
            command.env_remove(key);
        }
    }
    command
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .env("REDBRIDGE_LOG", "debug")
        .stdin(Stdio::null());
}

/// The `redbridge` binary next to this one.
pub fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let path = me.parent().map(|d| d.join(name)).context("no directory")?;
    ensure!(path.exists(), "`{}` is not built (run `cargo build --bin {name}`)", path.display());
    Ok(path)
}

/// Removes a work directory left from an earlier run.
pub fn fresh_dir(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path)?;
    }
    std::fs::create_dir_all(path)?;
    Ok(())
}

/// `redbridge-e2e demo`: one scenario's world set up, then `redbridge plan`, `apply`, `doctor`
/// and `test` in their text form, each command shown before it runs.
pub async fn demo(scenario: &Scenario, settings: &Settings) -> anyhow::Result<()> {
    let mut world = World::new(scenario, 90, &settings.services, &settings.work)?;
    world.set_up(&scenario.setup, &scenario.name).await.context("setting up")?;
    refresh_chain(&mut world, settings)?;
    println!(
        "# {}\n# accounts: Redshift {}, bucket {}; spec: {}",
        scenario.description,
        world.redshift_account,
        world.s3_account,
        world.spec_path().display()
    );
    let runner = Runner::new(world, settings, &NO_TABLES);
    let spec = runner.world.spec_path().display().to_string();
    let profiles = runner.profiles();
    let commands: Vec<Vec<String>> = vec![
        vec!["plan".into(), "--spec".into(), spec.clone()],
        [vec!["apply".into(), "--spec".into(), spec.clone(), "--yes".into()], profiles.clone()].concat(),
        [vec!["doctor".into(), "--spec".into(), spec.clone()], profiles.clone()].concat(),
        [vec!["test".into(), "--spec".into(), spec], profiles].concat(),
    ];
    for args in commands {
        println!("\n$ AWS_CONFIG_FILE={} redbridge {}", runner.world.aws_config().display(), args.join(" "));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let status = runner
            .command(&refs)
            .env_remove("REDBRIDGE_LOG")
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()?;
        ensure!(status.success(), "`redbridge {}` failed: {status}", args[0]);
    }
    Ok(())
}
