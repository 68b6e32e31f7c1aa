//! `bench_emu` (run by `cargo xtask bench emu`): the emulator's COPY of 1,000,000 rows as CSV and
//! as Parquet, and its UNLOAD of them to Parquet, through a two-account role chain over the
//! in-memory fakes, against pyarrow doing the same work on the same bytes in the same run.
//!
//! For each statement it prints the best of three wall times from ExecuteStatement to FINISHED
//! (pyarrow's times are its best of three too), the part of it
//! spent in S3 (the same object read or written through the fake S3 port, timed apart), the
//! emulator's own rows per second (wall less S3), and pyarrow's time on the same bytes
//! (`bench_emu_peer.py`: read_csv, read_table, write_table; best of three, on one core and on
//! all) with the ratio `pyarrow seconds / emulator seconds` (1.0: as fast as pyarrow). The target
//! is at least 0.25 against pyarrow on one core: the emulator's SQLite work is single-threaded
//! (Parquet decoding and encoding run beside it on a second thread).
//!
//! `bench_emu --python PATH [--rows N]`: PATH is a Python with pyarrow (the xtask's venv).

#[allow(dead_code, unreachable_pub)]
#[path = "../tests/it/support.rs"]
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use redbridge_aws::ports::{Connect as _, Credentials, RedshiftData as _, S3 as _, StatementState};
use redbridge_iam::{AccountId, Region};

use support::{Harness, on_cluster, policy};

const CLUSTER_ROLE: &str = "arn:aws:iam::111111111111:role/ClusterRole";
const BUCKET_ROLE: &str = "arn:aws:iam::222222222222:role/BucketRole";
const CHAIN: &str = "arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole";
const BUCKET: &str = "bench-bucket";
const TABLE: &str = "(id bigint, qty integer, price decimal(12,2), score double precision, name varchar(32), day date, ts timestamp, flag boolean)";
const TARGET_RATIO: f64 = 0.25;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bench-emu: error: cannot start a runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-emu: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

struct Args {
    python: PathBuf,
    rows: usize,
}

fn parse_args(args: &[String]) -> anyhow::Result<Args> {
    let mut python = None;
    let mut rows = 1_000_000;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--python" => python = Some(PathBuf::from(args.next().context("`--python` needs a path")?)),
            "--rows" => {
                let value = args.next().context("`--rows` needs a number")?;
                rows = value.parse().with_context(|| format!("`--rows {value}` is not a number"))?;
            }
            other => bail!("unknown argument `{other}` (expected `--python PATH [--rows N]`)"),
        }
    }
    Ok(Args { python: python.context("`--python PATH` (a Python with pyarrow) is required")?, rows })
}

/// The bench's rows as CSV with a header: every type pyarrow and the emulator both read.
fn write_csv(path: &Path, rows: usize) -> anyhow::Result<u64> {
    let mut text = String::with_capacity(rows * 80);
    text.push_str("id,qty,price,score,name,day,ts,flag\n");
    for i in 0..rows {
        let day = 1 + i % 28;
        let _ = writeln!(
            text,
            "{i},{},{}.{:02},{}.5,name-{},2026-{:02}-{day:02},2026-{:02}-{day:02} {:02}:{:02}:{:02}.{:06},{}",
            i % 100_000,
            i % 1_000_000,
            i % 100,
            i % 1000,
            i % 5000,
            1 + i % 12,
            1 + i % 12,
            i % 24,
            i % 60,
            (i / 60) % 60,
            i % 1_000_000,
            if i % 2 == 0 { "t" } else { "f" },
        );
    }
    std::fs::write(path, &text).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(text.len() as u64)
}

#[derive(serde::Deserialize)]
struct PeerTimes {
    rows: usize,
    csv_read: f64,
    parquet_read: f64,
    parquet_write: f64,
}

#[derive(serde::Deserialize)]
struct Peer {
    pyarrow: String,
    cores: usize,
    one_core: PeerTimes,
    all_cores: PeerTimes,
}

fn run_peer(python: &Path, folder: &Path) -> anyhow::Result<Peer> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench_emu_peer.py");
    let output = std::process::Command::new(python)
        .arg(&script)
        .arg(folder)
        .output()
        .with_context(|| format!("cannot run `{}` (a Python with pyarrow)", python.display()))?;
    if !output.status.success() {
        bail!("the pyarrow peer failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    serde_json::from_slice(&output.stdout).context("the pyarrow peer's output is not its JSON")
}

/// Two accounts: the cluster role in the Redshift account, the bucket role and bucket in the other.
async fn world() -> Harness {
    let h = Harness::start().await;
    let cluster_trust = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    let assume = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{BUCKET_ROLE}"}}]}}"#
    ));
    h.put_role(CLUSTER_ROLE, cluster_trust, vec![assume]);
    let bucket_trust = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{CLUSTER_ROLE}"}},"Action":"sts:AssumeRole"}}]}}"#
    ));
    let access = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{BUCKET}"}},
            {{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{BUCKET}/*"}}]}}"#
    ));
    h.put_role(BUCKET_ROLE, bucket_trust, vec![access]);
    h.create_bucket("222222222222", BUCKET, "us-east-1");
    h.create_cluster("111111111111", "main", &[CLUSTER_ROLE]).await;
    h
}

/// Runs one statement and waits for it; its id and the wall time from submission to FINISHED.
async fn run_statement(h: &Harness, sql: &str) -> anyhow::Result<(String, Duration)> {
    let data = h.data("111111111111");
    let start = Instant::now();
    let id = data.execute_statement(&on_cluster("main"), "dev", sql).await.context("ExecuteStatement")?;
    loop {
        let detail = data.statement_detail(&id).await.context("DescribeStatement")?;
        match detail.state {
            StatementState::Running => tokio::time::sleep(Duration::from_millis(2)).await,
            StatementState::Finished { .. } => return Ok((id, start.elapsed())),
            other => bail!("`{}` did not finish: {other:?}", sql.chars().take(80).collect::<String>()),
        }
    }
}

async fn timed(h: &Harness, sql: &str) -> anyhow::Result<Duration> {
    Ok(run_statement(h, sql).await?.1)
}

/// Each statement runs this many times and its best time counts, as pyarrow's does in
/// `bench_emu_peer.py`.
const RUNS: usize = 3;

/// The best of [`RUNS`] COPYs, each into `table` made anew; the last run's rows stay.
async fn best_copy(h: &Harness, table: &str, copy: &str) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for run in 0..RUNS {
        if run > 0 {
            timed(h, &format!("drop table {table}")).await?;
        }
        timed(h, &format!("create table {table} {TABLE}")).await?;
        best = best.min(timed(h, copy).await?);
    }
    Ok(best)
}

async fn count(h: &Harness, table: &str) -> anyhow::Result<usize> {
    let (id, _) = run_statement(h, &format!("select count(*) from {table}")).await?;
    let rows = h.data("111111111111").get_statement_result(&id).await.context("GetStatementResult")?;
    let value = rows.first().and_then(|r| r.first().cloned().flatten()).context("count(*) returned no row")?;
    value.parse().with_context(|| format!("count(*) returned `{value}`"))
}

/// How long the bucket account's S3 port takes to read an object (what COPY's S3 part costs).
async fn s3_read(h: &Harness, key: &str) -> anyhow::Result<Duration> {
    let s3 = h.aws.s3(&Credentials::Account(AccountId::parse("222222222222")?), &Region::parse("us-east-1")?);
    let start = Instant::now();
    s3.get_object_content(BUCKET, key).await.context("the fake S3 reads the object")?;
    Ok(start.elapsed())
}

/// How long the bucket account's S3 port takes to write these bytes (UNLOAD's S3 part).
async fn s3_write(h: &Harness, bytes: Vec<u8>) -> anyhow::Result<Duration> {
    let s3 = h.aws.s3(&Credentials::Account(AccountId::parse("222222222222")?), &Region::parse("us-east-1")?);
    let start = Instant::now();
    s3.put_object(BUCKET, "scratch/s3-write", bytes).await.context("the fake S3 writes the object")?;
    Ok(start.elapsed())
}

struct Line {
    what: &'static str,
    wall: Duration,
    s3: Duration,
    peer_one: f64,
    peer_all: f64,
}

async fn run(args: &[String]) -> anyhow::Result<()> {
    let args = parse_args(args)?;
    let folder = std::env::temp_dir().join(format!("redbridge-bench-emu-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    let csv_bytes = write_csv(&folder.join("rows.csv"), args.rows)?;
    let peer = run_peer(&args.python, &folder)?;
    if peer.one_core.rows != args.rows {
        bail!("pyarrow read {} rows, the bench wrote {}", peer.one_core.rows, args.rows);
    }
    let csv = std::fs::read(folder.join("rows.csv"))?;
    let parquet = std::fs::read(folder.join("rows.parquet"))?;
    std::fs::remove_dir_all(&folder)?;
    let parquet_bytes = parquet.len();

    let h = world().await;
    h.put_object_raw(BUCKET, "in/csv/rows.csv", csv);
    h.put_object_raw(BUCKET, "in/parquet/rows.parquet", parquet);
    let copy_csv = best_copy(
        &h,
        "from_csv",
        &format!("COPY from_csv FROM 's3://{BUCKET}/in/csv/' IAM_ROLE '{CHAIN}' CSV IGNOREHEADER 1 TIMEFORMAT 'auto'"),
    )
    .await?;
    let copy_parquet = best_copy(
        &h,
        "from_parquet",
        &format!("COPY from_parquet FROM 's3://{BUCKET}/in/parquet/' IAM_ROLE '{CHAIN}' FORMAT AS PARQUET"),
    )
    .await?;
    for table in ["from_csv", "from_parquet"] {
        let n = count(&h, table).await?;
        if n != args.rows {
            bail!("`{table}` holds {n} rows after COPY, not {}", args.rows);
        }
    }
    let mut unload = Duration::MAX;
    for run in 0..RUNS {
        let sql = format!(
            "UNLOAD ('select * from from_parquet') TO 's3://{BUCKET}/out/{run}/rows_' IAM_ROLE '{CHAIN}' FORMAT AS PARQUET"
        );
        unload = unload.min(timed(&h, &sql).await?);
    }
    let written: Vec<String> = h.keys(BUCKET).into_iter().filter(|k| k.starts_with("out/0/")).collect();
    let unloaded: usize = written.iter().filter_map(|k| h.object(BUCKET, k)).map(|(body, _)| body.len()).sum();
    if written.is_empty() {
        bail!("UNLOAD wrote nothing under `out/`");
    }

    let lines = [
        Line {
            what: "COPY CSV",
            wall: copy_csv,
            s3: s3_read(&h, "in/csv/rows.csv").await?,
            peer_one: peer.one_core.csv_read,
            peer_all: peer.all_cores.csv_read,
        },
        Line {
            what: "COPY Parquet",
            wall: copy_parquet,
            s3: s3_read(&h, "in/parquet/rows.parquet").await?,
            peer_one: peer.one_core.parquet_read,
            peer_all: peer.all_cores.parquet_read,
        },
        Line {
            what: "UNLOAD Parquet",
            wall: unload,
            s3: s3_write(&h, vec![0; unloaded]).await?,
            peer_one: peer.one_core.parquet_write,
            peer_all: peer.all_cores.parquet_write,
        },
    ];
    h.emulator.stop().await;

    println!(
        "bench emu: {} rows (CSV {:.1} MB, Parquet {:.1} MB written by pyarrow {}, UNLOAD wrote {} file(s), {:.1} MB)",
        args.rows,
        csv_bytes as f64 / 1e6,
        parquet_bytes as f64 / 1e6,
        peer.pyarrow,
        written.len(),
        unloaded as f64 / 1e6
    );
    println!(
        "{:<16} {:>9} {:>8} {:>10} {:>12} {:>13} {:>9} {:>13} {:>9}",
        "statement", "wall s", "S3 s", "own s", "own rows/s", "pyarrow 1c s", "ratio 1c", "pyarrow all s", "ratio all"
    );
    let mut failed = Vec::new();
    for line in &lines {
        let own = line.wall.saturating_sub(line.s3).as_secs_f64().max(1e-9);
        let ratio_one = line.peer_one / own;
        let ratio_all = line.peer_all / own;
        println!(
            "{:<16} {:>9.3} {:>8.3} {:>10.3} {:>12.0} {:>13.3} {:>9.2} {:>13.3} {:>9.2}",
            line.what,
            line.wall.as_secs_f64(),
            line.s3.as_secs_f64(),
            own,
            args.rows as f64 / own,
            line.peer_one,
            ratio_one,
            line.peer_all,
            ratio_all
        );
        if ratio_one < TARGET_RATIO {
            failed.push(format!("{} at {ratio_one:.2}x pyarrow on one core", line.what));
        }
    }
    println!("(ratio: pyarrow's seconds / the emulator's own seconds; pyarrow on all {} cores shown too)", peer.cores);
    if !failed.is_empty() {
        bail!("below the target of {TARGET_RATIO}x: {}", failed.join(", "));
    }
    Ok(())
}
