//! The SQL bounds of the `redbridge-emu` binary come from its flags and `REDBRIDGE_EMU_*`:
//! `--statement-timeout-ms` ends a runaway query FAILED with Redshift's text.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/redshift/aws4_request, SignedHeaders=host, Signature=x";

/// One request over HTTP/1.0; the answer's body.
fn call(address: &str, headers: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let request = format!(
        "POST / HTTP/1.0\r\nAuthorization: {AUTHORIZATION}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or(answer)
}

fn data_api(address: &str, operation: &str, input: &serde_json::Value) -> serde_json::Value {
    let headers = format!("Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: RedshiftData.{operation}\r\n");
    let body = call(address, &headers, &input.to_string());
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{operation} answered `{body}`: {e}"))
}

#[test]
fn the_statement_timeout_flag_ends_a_runaway_query_failed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .env("REDBRIDGE_EMU_RESULT_RETENTION_MS", "60000")
        .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
        .args(["--statement-step-ms", "1", "--statement-timeout-ms", "150", "--sql-threads", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().to_owned();

    let created = call(
        &address,
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier=main&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd1",
    );
    let sql =
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000000000) select count(*) from n";
    let submitted = data_api(
        &address,
        "ExecuteStatement",
        &serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser", "Sql": sql }),
    );
    let id = submitted["Id"].as_str().unwrap_or_else(|| panic!("no Id in {submitted} (cluster: {created})")).to_owned();
    let mut described = serde_json::Value::Null;
    for _ in 0..2000 {
        described = data_api(&address, "DescribeStatement", &serde_json::json!({ "Id": id }));
        if matches!(described["Status"].as_str(), Some("FINISHED" | "FAILED" | "ABORTED")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(described["Status"], "FAILED", "{described}");
    let error = described["Error"].as_str().unwrap_or_default();
    assert!(error.starts_with("ERROR: Query (") && error.ends_with(") canceled on user's request"), "{error}");
}

#[test]
fn the_sql_flags_are_listed_and_bad_values_are_refused() {
    let help = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--statement-timeout-ms",
        "--result-retention-ms",
        "--result-size-limit-bytes",
        "--sql-threads",
        "REDBRIDGE_EMU_STATEMENT_TIMEOUT_MS",
        "REDBRIDGE_EMU_RESULT_RETENTION_MS",
    ] {
        assert!(text.contains(flag), "--help names `{flag}`: {text}");
    }
    for (name, value) in [
        ("REDBRIDGE_EMU_STATEMENT_TIMEOUT_MS", "soon"),
        ("REDBRIDGE_EMU_RESULT_RETENTION_MS", "-1"),
        ("REDBRIDGE_EMU_SQL_THREADS", "0"),
    ] {
        let refused = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).env(name, value).output().unwrap();
        assert_eq!(refused.status.code(), Some(2), "`{name}={value}` is refused");
    }
}
