//! The PostgreSQL wire protocol at each cluster's and workgroup's endpoint, driven by `psql`
//! (Debian's postgresql-client): MD5 and SCRAM-SHA-256 logins, Redshift's login errors,
//! temporary logins, transactions, COPY and UNLOAD through the chain, and hostile bytes.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use redbridge_emu::{Config, WireAuth};

use crate::copy_unload::{CHAIN, setup};
use crate::support::{Harness, post};

pub(crate) const PASSWORD: &str = "Passw0rd!";

/// What `psql` printed and how it exited.
#[derive(Debug)]
pub(crate) struct Psql {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `psql` against `port` as `user` without SSL, one `-c` per command (one session),
/// unaligned and without headers; fails naming `psql` when it is not installed.
async fn psql(port: u16, user: &str, password: &str, database: &str, commands: &[&str]) -> Psql {
    psql_to(&format!("host=127.0.0.1 port={port} user={user} dbname={database} sslmode=disable"), password, commands)
        .await
}

/// [`psql`] with the connection string `conninfo` (`connect_timeout` added).
pub(crate) async fn psql_to(conninfo: &str, password: &str, commands: &[&str]) -> Psql {
    let mut command = std::process::Command::new("psql");
    command
        .arg(format!("{conninfo} connect_timeout=10"))
        .args(["-X", "-A", "-t", "-v", "VERBOSITY=verbose"])
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "10");
    for sql in commands {
        command.arg("-c").arg(sql);
    }
    let output = tokio::task::spawn_blocking(move || command.output()).await.expect("psql runs");
    let output = output.unwrap_or_else(|e| {
        panic!("cannot run `psql` ({e}): install the PostgreSQL client (`apt-get install postgresql-client`)")
    });
    Psql {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The port an answer advertises: DescribeClusters' `<Port>` or GetWorkgroup's `"port"` under
/// `endpoint`.
fn cluster_port(xml: &str) -> u16 {
    let after = xml.split("<Endpoint>").nth(1).expect("an endpoint");
    let port = after.split("<Port>").nth(1).and_then(|p| p.split('<').next()).expect("a port");
    port.parse().expect("a port number")
}

pub(crate) async fn describe_port(h: &Harness, cluster: &str) -> u16 {
    let body = format!("Action=DescribeClusters&Version=2012-12-01&ClusterIdentifier={cluster}");
    cluster_port(&post(&h.emulator.endpoint_url(), "111111111111", "redshift", None, &body).await)
}

/// A cluster `main` with master user `awsuser`, and its endpoint's port.
pub(crate) async fn cluster(config: Config) -> (Harness, u16) {
    let h = Harness::with_config(config).await;
    h.create_cluster("111111111111", "main", &[]).await;
    let port = describe_port(&h, "main").await;
    (h, port)
}

/// The first authentication request the endpoint sends `user` (5: MD5, 10: SASL, 3: cleartext).
fn first_auth_request(port: u16, user: &str) -> u32 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the endpoint accepts");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut body = Vec::new();
    body.extend_from_slice(&196_608_u32.to_be_bytes());
    for (key, value) in [("user", user), ("database", "dev")] {
        body.extend_from_slice(key.as_bytes());
        body.push(0);
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut message = u32::try_from(body.len() + 4).unwrap().to_be_bytes().to_vec();
    message.extend_from_slice(&body);
    stream.write_all(&message).unwrap();
    let mut header = [0_u8; 9];
    stream.read_exact(&mut header).expect("an authentication request");
    assert_eq!(header[0], b'R', "an Authentication message");
    u32::from_be_bytes([header[5], header[6], header[7], header[8]])
}

/// Logs `user` in with a password in clear (a temporary login's way) and returns the
/// `ErrorResponse`'s severity, SQLSTATE and message, or `None` when the login succeeded.
fn cleartext_login_error(port: u16, user: &str, database: &str, password: &str) -> Option<(String, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the endpoint accepts");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut body = 196_608_u32.to_be_bytes().to_vec();
    for (key, value) in [("user", user), ("database", database)] {
        body.extend_from_slice(format!("{key}\0{value}\0").as_bytes());
    }
    body.push(0);
    let mut message = u32::try_from(body.len() + 4).unwrap().to_be_bytes().to_vec();
    message.extend_from_slice(&body);
    stream.write_all(&message).unwrap();
    let mut request = [0_u8; 9];
    stream.read_exact(&mut request).expect("an authentication request");
    assert_eq!((request[0], request[8]), (b'R', 3), "a cleartext password request");
    let mut password_message = vec![b'p'];
    password_message.extend_from_slice(&u32::try_from(password.len() + 5).unwrap().to_be_bytes());
    password_message.extend_from_slice(password.as_bytes());
    password_message.push(0);
    stream.write_all(&password_message).unwrap();
    let mut kind = [0_u8; 5];
    stream.read_exact(&mut kind).expect("an answer");
    let mut rest = vec![0_u8; usize::try_from(u32::from_be_bytes([kind[1], kind[2], kind[3], kind[4]])).unwrap() - 4];
    stream.read_exact(&mut rest).unwrap();
    if kind[0] != b'E' {
        return None;
    }
    let field = |code: u8| {
        rest.split(|b| *b == 0)
            .find(|f| f.first() == Some(&code))
            .map(|f| String::from_utf8_lossy(&f[1..]).into_owned())
            .unwrap_or_default()
    };
    Some((field(b'S'), field(b'C'), field(b'M')))
}

#[tokio::test]
async fn the_cluster_endpoint_serves_psql_with_md5_by_default_as_redshift_asks() {
    let (h, port) = cluster(Config::default()).await;
    assert_ne!(port, 5439, "a free port, not the default one");
    assert_eq!(tokio::task::spawn_blocking(move || first_auth_request(port, "awsuser")).await.unwrap(), 5);
    let out = psql(
        port,
        "awsuser",
        PASSWORD,
        "dev",
        &[
            "create table t (id integer, name varchar(10), price numeric(10,2), ok boolean)",
            "insert into t values (1, 'a', 1.5, true), (2, null, 2, false)",
            "select id, name, price, ok from t order by id",
            "select version()",
            "show datestyle",
        ],
    )
    .await;
    assert!(out.ok, "{out:?}");
    assert_eq!(
        out.stdout,
        "CREATE TABLE\nINSERT 0 2\n1|a|1.50|t\n2||2.00|f\nPostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.76230\nISO, MDY\n"
    );
    drop(h);
}

#[tokio::test]
async fn scram_sha_256_is_asked_when_configured_and_psql_logs_in_with_it() {
    let (_h, port) = cluster(Config { wire_auth: WireAuth::ScramSha256, ..Config::default() }).await;
    assert_eq!(tokio::task::spawn_blocking(move || first_auth_request(port, "awsuser")).await.unwrap(), 10);
    let out = psql(port, "awsuser", PASSWORD, "dev", &["select 1 + 1"]).await;
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "2\n");
    let wrong = psql(port, "awsuser", "not-it", "dev", &["select 1"]).await;
    assert!(!wrong.ok);
    assert!(wrong.stderr.contains("FATAL:  password authentication failed for user \"awsuser\""), "{wrong:?}");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_database_get_redshifts_fatal_errors() {
    let (h, port) = cluster(Config::default()).await;
    let wrong = psql(port, "awsuser", "not-it", "dev", &["select 1"]).await;
    assert!(!wrong.ok);
    assert!(wrong.stderr.contains("FATAL:  password authentication failed for user \"awsuser\""), "{wrong:?}");
    let database = psql(port, "awsuser", PASSWORD, "analytics", &["select 1"]).await;
    assert!(!database.ok);
    assert!(database.stderr.contains("FATAL:  database \"analytics\" does not exist"), "{database:?}");
    // The SQLSTATEs, read off the wire (psql does not print them for a failed connection).
    let password = h
        .emulator
        .issue_temporary_login("111111111111", "us-east-1", "main", false, "IAM:bob", Duration::from_secs(900))
        .unwrap();
    let login = move |user: &'static str, database: &'static str, password: String| {
        tokio::task::spawn_blocking(move || cleartext_login_error(port, user, database, &password))
    };
    let fatal = |code: &str, message: &str| Some(("FATAL".to_owned(), code.to_owned(), message.to_owned()));
    assert_eq!(
        login("nobody", "dev", "x".into()).await.unwrap(),
        fatal("28000", "password authentication failed for user \"nobody\"")
    );
    assert_eq!(
        login("IAM:bob", "analytics", password.clone()).await.unwrap(),
        fatal("3D000", "database \"analytics\" does not exist")
    );
    assert_eq!(login("IAM:bob", "dev", password).await.unwrap(), None);
}

#[tokio::test]
async fn a_temporary_login_opens_a_session_as_its_user_until_it_is_wrong() {
    let (h, port) = cluster(Config::default()).await;
    let password = h
        .emulator
        .issue_temporary_login("111111111111", "us-east-1", "main", false, "IAM:alice", Duration::from_secs(900))
        .expect("the emulator runs");
    assert_eq!(tokio::task::spawn_blocking(move || first_auth_request(port, "IAM:alice")).await.unwrap(), 3);
    let out = psql(port, "IAM:alice", &password, "dev", &["select current_user"]).await;
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "IAM:alice\n");
    let wrong = psql(port, "IAM:alice", "not-the-password", "dev", &["select 1"]).await;
    assert!(wrong.stderr.contains("password authentication failed for user \"IAM:alice\""), "{wrong:?}");
    // The login is the cluster's: another cluster's endpoint refuses it.
    h.create_cluster("111111111111", "other", &[]).await;
    let other = describe_port(&h, "other").await;
    let elsewhere = psql(other, "IAM:alice", &password, "dev", &["select 1"]).await;
    assert!(!elsewhere.ok, "{elsewhere:?}");
}

#[tokio::test]
async fn a_failed_statement_aborts_the_block_until_rollback_and_autocommit_keeps_the_rest() {
    let (_h, port) = cluster(Config::default()).await;
    let out = psql(
        port,
        "awsuser",
        PASSWORD,
        "dev",
        &[
            "create table t (id integer)",
            "insert into t values (1)",
            "begin",
            "insert into t values (2)",
            "select * from missing",
            "select 1",
            "commit",
            "select count(*) from t",
            "start transaction",
            "insert into t values (3)",
            "end",
            "select count(*) from t",
        ],
    )
    .await;
    assert_eq!(out.stdout, "CREATE TABLE\nINSERT 0 1\nBEGIN\nINSERT 0 1\nROLLBACK\n1\nBEGIN\nINSERT 0 1\nCOMMIT\n2\n");
    assert!(out.stderr.contains("ERROR:  42P01: relation \"missing\" does not exist"), "{out:?}");
    assert!(
        out.stderr
            .contains("ERROR:  25P02: current transaction is aborted, commands ignored until end of transaction block"),
        "{out:?}"
    );
}

#[tokio::test]
async fn the_workgroup_endpoint_serves_the_namespaces_admin_user_on_its_own_port() {
    let h = Harness::start().await;
    let body =
        serde_json::json!({ "namespaceName": "main-ns", "adminUsername": "admin", "adminUserPassword": PASSWORD });
    let url = h.emulator.endpoint_url();
    let created = post(
        &url,
        "111111111111",
        "redshift-serverless",
        Some("RedshiftServerless.CreateNamespace"),
        &body.to_string(),
    )
    .await;
    assert!(created.starts_with("HTTP/1.1 200"), "{created}");
    h.create_workgroup("111111111111", "main-wg", "main-ns").await;
    let answer = post(
        &url,
        "111111111111",
        "redshift-serverless",
        Some("RedshiftServerless.GetWorkgroup"),
        r#"{"workgroupName":"main-wg"}"#,
    )
    .await;
    let workgroup = crate::support::json_body(&answer)["workgroup"].clone();
    assert_eq!(workgroup["port"], 5439, "the port asked for stays where AWS shows it");
    let port = u16::try_from(workgroup["endpoint"]["port"].as_u64().expect("an endpoint port")).unwrap();
    assert_ne!(port, 5439);
    let out = psql(port, "admin", PASSWORD, "dev", &["select current_user", "select 40 + 2"]).await;
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "admin\n42\n");
    // Deleting the workgroup closes its listener.
    post(
        &url,
        "111111111111",
        "redshift-serverless",
        Some("RedshiftServerless.DeleteWorkgroup"),
        r#"{"workgroupName":"main-wg"}"#,
    )
    .await;
    let gone = psql(port, "admin", PASSWORD, "dev", &["select 1"]).await;
    assert!(!gone.ok, "{gone:?}");
}

#[tokio::test]
async fn copy_and_unload_run_through_the_chain_as_the_sessions_database_user() {
    let h = setup(true).await;
    let port = describe_port(&h, "main").await;
    h.put_object_raw("data-bucket", "in/part-1.csv", "1,alpha\n2,beta\n");
    let copy = format!("COPY src FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");
    let unload =
        format!("UNLOAD ('select * from src order by id') TO 's3://data-bucket/out/src_' IAM_ROLE '{CHAIN}' CSV");
    let out = psql(
        port,
        "awsuser",
        PASSWORD,
        "dev",
        &["create table src (id integer, name varchar(20))", &copy, "select id, name from src order by id", &unload],
    )
    .await;
    assert!(out.ok, "{out:?}");
    assert_eq!(out.stdout, "CREATE TABLE\nCOPY\n1|alpha\n2|beta\nUNLOAD\n");
    assert!(h.keys("data-bucket").iter().any(|k| k.starts_with("out/src_")), "{:?}", h.keys("data-bucket"));

    // A failed COPY aborts the block; the insert before it goes with the rollback.
    let missing = format!("COPY src FROM 's3://data-bucket/nothing-here/' IAM_ROLE '{CHAIN}' CSV");
    let out = psql(
        port,
        "awsuser",
        PASSWORD,
        "dev",
        &["begin", "insert into src values (3, 'gamma')", &missing, "select 1", "rollback", "select count(*) from src"],
    )
    .await;
    assert!(out.stderr.contains("ERROR:  XX000: The specified S3 prefix 'nothing-here/' does not exist"), "{out:?}");
    assert!(out.stderr.contains("25P02"), "{out:?}");
    assert!(out.stdout.ends_with("ROLLBACK\n2\n"), "{out:?}");

    // The chain's trust wants awsuser's ARN as the external id: the same COPY in IAM:alice's
    // session (external id `…:dbuser:main/IAM:alice`) is refused at the first hop.
    let password = h
        .emulator
        .issue_temporary_login("111111111111", "us-east-1", "main", false, "IAM:alice", Duration::from_secs(900))
        .unwrap();
    let out = psql(port, "IAM:alice", &password, "dev", &[&copy]).await;
    assert!(!out.ok, "{out:?}");
    let refused = "ERROR:  XX000: Not authorized to get credentials of role arn:aws:iam::111111111111:role/ClusterRole";
    assert!(out.stderr.contains(refused), "{out:?}");
}

/// Writes `bytes` to the endpoint and reads until it closes; returns what came back.
fn send_and_read_to_close(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the endpoint accepts");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

#[tokio::test]
async fn garbage_a_half_startup_and_a_huge_length_close_the_connection_and_the_endpoint_serves_on() {
    let config =
        Config { wire_startup_timeout: Duration::from_millis(300), wire_max_message_bytes: 1024, ..Config::default() };
    let (_h, port) = cluster(config).await;
    let garbage: Vec<u8> = (0..4096_u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let huge = [0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0];
    let half = [0, 0, 0, 40, 0, 3, 0, 0, b'u'];
    for bytes in [garbage.as_slice(), &huge, &half, &[]] {
        let bytes = bytes.to_vec();
        let answer = tokio::task::spawn_blocking(move || send_and_read_to_close(port, &bytes)).await.unwrap();
        assert!(answer.len() < 1024, "closed without a long answer: {answer:?}");
    }
    // A query past the message bound, after a startup: the connection closes.
    let long = format!("select '{}'", "x".repeat(2000));
    let out = psql(port, "awsuser", PASSWORD, "dev", &[&long]).await;
    assert!(!out.ok && out.stderr.contains("server closed the connection unexpectedly"), "{out:?}");
    let out = psql(port, "awsuser", PASSWORD, "dev", &["select 'still serving'"]).await;
    assert_eq!(out.stdout, "still serving\n", "{out:?}");
}

#[tokio::test]
async fn connections_past_the_endpoints_bound_get_too_many_clients_and_delete_closes_sessions() {
    let config = Config { wire_max_connections_per_endpoint: 1, ..Config::default() };
    let (h, port) = cluster(config).await;
    let held = TcpStream::connect(("127.0.0.1", port)).expect("the endpoint accepts");
    let refused = psql(port, "awsuser", PASSWORD, "dev", &["select 1"]).await;
    assert!(refused.stderr.contains("sorry, too many clients already"), "{refused:?}");
    drop(held);
    // Deleting a cluster closes its listener and the sessions on it.
    h.create_cluster("111111111111", "other", &[]).await;
    let port = describe_port(&h, "other").await;
    let held = TcpStream::connect(("127.0.0.1", port)).expect("the endpoint accepts");
    let body = "Action=DeleteCluster&Version=2012-12-01&ClusterIdentifier=other&SkipFinalClusterSnapshot=true";
    post(&h.emulator.endpoint_url(), "111111111111", "redshift", None, body).await;
    let answer = tokio::task::spawn_blocking(move || {
        let mut held = held;
        held.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut rest = Vec::new();
        held.read_to_end(&mut rest).map(|_| rest)
    })
    .await
    .unwrap();
    assert!(answer.as_ref().is_ok_and(Vec::is_empty), "the held session is closed: {answer:?}");
    // The listener's task ends on its own schedule: wait for the port to refuse.
    let mut refused = false;
    for _ in 0..500 {
        if TcpStream::connect(("127.0.0.1", port)).is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "nothing listens on the port any more");
}
