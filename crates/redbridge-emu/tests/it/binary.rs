//! The `redbridge-emu` binary: prints its address when ready, answers HTTP, refuses non-loopback addresses.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn http(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_binary_prints_its_address_and_answers_in_aws_shapes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().to_owned();
    let health = http(&address, "GET /_emu/health HTTP/1.0\r\n\r\n");
    let unsigned = http(
        &address,
        "POST / HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 38\r\n\r\nAction=DescribeClusters&Version=2012-1",
    );
    let body = "Action=RebootCluster&Version=2012-12-01";
    let unknown = http(
        &address,
        &format!(
            "POST / HTTP/1.0\r\nAuthorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/redshift/aws4_request, Signature=x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops the emulator cleanly: {status}");
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    assert!(health.starts_with("HTTP/1.0 200") && health.ends_with(r#"{"status":"ok"}"#), "{health}");
    assert!(
        unsigned.starts_with("HTTP/1.0 403") && unsigned.contains("<Code>MissingAuthenticationToken</Code>"),
        "{unsigned}"
    );
    assert!(
        unknown.starts_with("HTTP/1.0 400")
            && unknown.contains("<ErrorResponse")
            && unknown.contains("<Code>InvalidAction</Code>"),
        "{unknown}"
    );
}

#[test]
fn the_binary_refuses_addresses_that_are_not_loopback() {
    let listen = Command::new(env!("CARGO_BIN_EXE_redbridge-emu")).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert!(!listen.status.success());
    assert!(String::from_utf8_lossy(&listen.stderr).contains("loopback"));
    let endpoint = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
        .args(["--aws-endpoint", "http://10.0.0.1:4566"])
        .output()
        .unwrap();
    assert_eq!(endpoint.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&endpoint.stderr).contains("must be a loopback URL"));
}

#[test]
fn a_sigterm_right_after_the_address_stops_it_cleanly() {
    // The handlers are registered before the address is printed: a launcher may stop the
    // emulator the moment it has read it. (Before, a SIGTERM landing between the print and the
    // registration killed it; that race showed once in CI under load and is too narrow to
    // reproduce at will, so this guards the contract rather than replaying the race.)
    for _ in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge-emu"))
            .args(["--aws-endpoint", "http://127.0.0.1:9", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "SIGTERM right after `{}` stops it cleanly: {status}", line.trim());
    }
}
