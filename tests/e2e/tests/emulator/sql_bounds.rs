//! The emulator's SQL is isolated and bounded (issue 18): a long statement leaves health, the
//! control plane and other statements answering; statement timeouts and CancelStatement really
//! stop SQLite; only one emulated Redshift statement per text reaches it, and nothing of it
//! touches files; results are size-capped and expire.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_redshiftdata::error::ProvideErrorMetadata;
use redbridge_aws::fake::FakeAws;
use redbridge_emu::{Config, Emulator};

use crate::support::{APPLY_DELAY, Harness, create_cluster, run, run_ok, wait};

/// Counts to two billion: minutes of SQLite work, unless something stops it.
const ENDLESS: &str =
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000000000) select count(*) from n";

async fn harness(config: Config) -> Harness {
    let aws = FakeAws::new();
    let config = Config { role_apply_delay: APPLY_DELAY, statement_step_delay: Duration::from_millis(5), ..config };
    let emulator = Emulator::start(config, aws.clone()).await.expect("the emulator starts");
    Harness { emulator, aws }
}

async fn submit(data: &aws_sdk_redshiftdata::Client, cluster: &str, sql: &str) -> String {
    data.execute_statement()
        .cluster_identifier(cluster)
        .database("dev")
        .db_user("awsuser")
        .sql(sql)
        .send()
        .await
        .expect("the statement is accepted")
        .id
        .expect("an id")
}

async fn status(data: &aws_sdk_redshiftdata::Client, id: &str) -> String {
    let described = data.describe_statement().id(id).send().await.expect("describe answers");
    described.status().expect("a status").as_str().to_owned()
}

/// Waits (bounded) until the statement is STARTED and its SQL is running.
async fn wait_started(data: &aws_sdk_redshiftdata::Client, id: &str) {
    for _ in 0..400 {
        if status(data, id).await == "STARTED" {
            // The step after STARTED is the SQL itself; give the pool a moment to pick it up.
            tokio::time::sleep(Duration::from_millis(50)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("statement {id} never started");
}

/// `GET /_emu/health` over a plain socket, off the runtime's thread.
async fn health(address: SocketAddr) -> String {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("the emulator accepts");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(b"GET /_emu/health HTTP/1.0\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .expect("the health call ran")
}

fn error_of(described: &aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput) -> String {
    described.error().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_long_query_leaves_health_describe_and_other_statements_answering_and_cancel_stops_it() {
    let h = harness(Config::default()).await;
    let redshift = h.redshift("111111111111");
    create_cluster(&redshift, "main", &[]).await;
    create_cluster(&redshift, "other", &[]).await;
    let data = h.data("111111111111");
    let long = submit(&data, "main", ENDLESS).await;
    wait_started(&data, &long).await;

    // Everything else answers while the long query is still running.
    let answer = health(h.emulator.address()).await;
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    let clusters = redshift.describe_clusters().send().await.expect("the control plane answers");
    assert_eq!(clusters.clusters().len(), 2);
    let other = run_ok(&data, "other", "select 1").await;
    assert_eq!(other.result_rows(), 1);
    assert_eq!(status(&data, &long).await, "STARTED", "the long query was still running throughout");

    // CancelStatement interrupts SQLite: the statement ends ABORTED and the database is usable.
    let cancelled = data.cancel_statement().id(&long).send().await.expect("cancel answers");
    assert_eq!(cancelled.status(), Some(true));
    let ended = wait(&data, &long).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("ABORTED"));
    let after = run_ok(&data, "main", "select 1").await;
    assert_eq!(after.result_rows(), 1);
}

#[tokio::test]
async fn cancelling_a_batch_aborts_its_running_and_later_parts_and_rolls_back_the_earlier() {
    let h = harness(Config::default()).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (a integer)").await;
    let batch = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .db_user("awsuser")
        .sqls("insert into t values (1)")
        .sqls(ENDLESS)
        .sqls("insert into t values (2)")
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    for _ in 0..400 {
        let described = data.describe_statement().id(&batch).send().await.unwrap();
        if described.sub_statements().get(1).and_then(|s| s.status()).map(|s| s.as_str()) == Some("STARTED") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    data.cancel_statement().id(&batch).send().await.expect("cancel answers");
    let ended = wait(&data, &batch).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("ABORTED"));
    let subs: Vec<&str> = ended.sub_statements().iter().map(|s| s.status().map_or("", |s| s.as_str())).collect();
    assert_eq!(subs, ["FINISHED", "ABORTED", "ABORTED"]);
    // The batch was one transaction: its first insert is rolled back.
    let count = run_ok(&data, "main", "select count(*) from t").await;
    let result = data.get_statement_result().id(count.id()).send().await.unwrap();
    assert_eq!(result.records()[0][0], aws_sdk_redshiftdata::types::Field::LongValue(0));
}

#[tokio::test]
async fn the_configured_cap_ends_a_statement_failed_with_redshifts_timeout_text() {
    let h = harness(Config { statement_timeout: Duration::from_millis(200), ..Config::default() }).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    let ended = run(&data, "main", ENDLESS).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("FAILED"));
    let error = error_of(&ended);
    assert!(error.starts_with("ERROR: Query (") && error.ends_with(") canceled on user's request"), "{error}");

    // `statement_timeout = 0` is no limit of the session's own: the cap still applies.
    let batch = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .db_user("awsuser")
        .sqls("set statement_timeout = 0")
        .sqls(ENDLESS)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let ended = wait(&data, &batch).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("FAILED"));
    assert!(error_of(&ended).ends_with("canceled on user's request"), "{}", error_of(&ended));
    assert_eq!(run_ok(&data, "main", "select 1").await.result_rows(), 1);
}

#[tokio::test]
async fn set_statement_timeout_in_a_batch_ends_the_next_statement_failed() {
    let h = harness(Config::default()).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    let batch = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .db_user("awsuser")
        .sqls("SET statement_timeout TO 100")
        .sqls("show statement_timeout")
        .sqls(ENDLESS)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let ended = wait(&data, &batch).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("FAILED"));
    let subs = ended.sub_statements();
    assert_eq!(subs[0].status().map(|s| s.as_str()), Some("FINISHED"));
    assert_eq!(subs[1].status().map(|s| s.as_str()), Some("FINISHED"));
    assert_eq!(subs[2].status().map(|s| s.as_str()), Some("FAILED"));
    let error = subs[2].error().unwrap_or_default();
    assert_eq!(error, format!("ERROR: Query ({}) canceled on user's request", subs[2].redshift_query_id()));
    let shown = data.get_statement_result().id(subs[1].id()).send().await.unwrap();
    assert_eq!(shown.records()[0][0], aws_sdk_redshiftdata::types::Field::StringValue("100".into()));

    // The setting belonged to that batch's session: the next statement has no such limit.
    let fresh = run_ok(&data, "main", "show statement_timeout").await;
    let shown = data.get_statement_result().id(fresh.id()).send().await.unwrap();
    assert_eq!(shown.records()[0][0], aws_sdk_redshiftdata::types::Field::StringValue("0".into()));
}

/// A fresh directory under the system's temporary one.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("redbridge-sql-bounds-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn sqlite_commands_and_several_statements_are_refused_and_create_no_file() {
    let h = harness(Config::default()).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (a integer)").await;
    let dir = scratch("refused");
    let file = |n: &str| dir.join(n).display().to_string();

    let cases = [
        (format!("ATTACH DATABASE '{}' AS x", file("attach.db")), "ERROR: syntax error at or near \"ATTACH\""),
        (format!("vacuum into '{}'", file("vacuum.db")), "ERROR: syntax error at or near \"INTO\""),
        ("PRAGMA temp_store = FILE".to_owned(), "ERROR: syntax error at or near \"PRAGMA\""),
        (
            format!("select 1; attach database '{}' as y", file("tail.db")),
            "ERROR: cannot insert multiple commands into a prepared statement",
        ),
        (
            format!("select 1; vacuum into '{}'", file("tail-vacuum.db")),
            "ERROR: cannot insert multiple commands into a prepared statement",
        ),
    ];
    // Redshift reads `\'` as an escaped quote, SQLite does not: the gate sees one SELECT, SQLite
    // a SELECT and then an ATTACH, which it prepares only to refuse it.
    let escaped =
        run(&data, "main", &format!("select 'a\\'; attach database '{}' as w; --'", file("escaped.db"))).await;
    assert_eq!(escaped.status().map(|s| s.as_str()), Some("FAILED"));
    for (sql, text) in &cases {
        let ended = run(&data, "main", sql).await;
        assert_eq!(ended.status().map(|s| s.as_str()), Some("FAILED"), "{sql}");
        assert_eq!(error_of(&ended), *text, "{sql}");
    }
    // Through the gate (a SELECT), the engine's authorizer refuses the function.
    let extension = run(&data, "main", &format!("select load_extension('{}')", file("ext.so"))).await;
    assert_eq!(extension.status().map(|s| s.as_str()), Some("FAILED"));
    assert!(error_of(&extension).starts_with("ERROR: not emulated: SQLite's"), "{}", error_of(&extension));

    // A batch entry is one statement too.
    let batch = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .db_user("awsuser")
        .sqls("insert into t values (1)")
        .sqls(format!("select 1; attach database '{}' as z", file("batch.db")))
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let ended = wait(&data, &batch).await;
    assert_eq!(ended.status().map(|s| s.as_str()), Some("FAILED"));
    assert_eq!(
        ended.sub_statements()[1].error(),
        Some("ERROR: cannot insert multiple commands into a prepared statement")
    );

    let created: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(created.is_empty(), "the statements created {created:?}");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run_ok(&data, "main", "select count(*) from t").await.result_rows(), 1);
}

#[tokio::test]
async fn a_result_past_the_size_limit_fails_while_reading() {
    let h = harness(Config { result_size_limit: 20_000, ..Config::default() }).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    let small = run_ok(
        &data,
        "main",
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 10) select i from n",
    )
    .await;
    assert_eq!(small.result_rows(), 10);
    // DescribeStatement's ResultSize: ten rows of `[{"longValue":N}]`, roughly.
    assert!((100..1000).contains(&small.result_size()), "{}", small.result_size());
    let big = run(
        &data,
        "main",
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000) select i, 'padding' from n",
    )
    .await;
    assert_eq!(big.status().map(|s| s.as_str()), Some("FAILED"));
    assert!(error_of(&big).starts_with("ERROR: Database response exceeded size limit"), "{}", error_of(&big));
}

#[tokio::test]
async fn statements_and_results_are_dropped_after_the_retention() {
    let retention = Duration::from_millis(1500);
    let h = harness(Config { result_retention: retention, ..Config::default() }).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    let done = run_ok(&data, "main", "select 1").await;
    let id = done.id().to_owned();
    data.get_statement_result().id(&id).send().await.expect("the result is there before the retention");

    tokio::time::sleep(retention + Duration::from_millis(300)).await;
    let described = data.describe_statement().id(&id).send().await.unwrap_err();
    assert_eq!(described.code(), Some("ResourceNotFoundException"));
    let result = data.get_statement_result().id(&id).send().await.unwrap_err();
    assert_eq!(result.code(), Some("ResourceNotFoundException"));
    let listed = data.list_statements().send().await.unwrap();
    assert!(listed.statements().iter().all(|s| s.id() != id));
}
