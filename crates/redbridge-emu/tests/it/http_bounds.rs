//! What one client may hold of the emulator's HTTP server (issue 18): a started header, a
//! keep-alive connection left idle or a response left unread is closed after its timeout, a
//! stalled body gets `408`, a body past the cap gets `413` in the protocol's shape, connections
//! past the limit wait in the kernel's queue and are served once a slot frees, and health
//! answers while stalled clients hold connections (the accept back-off at the descriptor limit
//! is in `binary.rs`). Every client here is a raw TCP stream on loopback, so each stall is
//! exactly the one named.

use std::time::Duration;

use redbridge_emu::Config;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::Harness;

/// A generous bound on anything that should happen; the tests never assert on speed.
const HANG_GUARD: Duration = Duration::from_secs(30);

const HEALTH: &str = "GET /_emu/health HTTP/1.1\r\nHost: emu\r\n\r\n";

async fn harness(header: Duration, idle: Duration, max_connections: usize) -> Harness {
    Harness::with_config(Config { header_timeout: header, idle_timeout: idle, max_connections, ..Config::default() })
        .await
}

async fn connect(h: &Harness) -> TcpStream {
    TcpStream::connect(h.emulator.address()).await.expect("the emulator accepts")
}

/// Reads until the server closes the connection (within the hang guard); returns what came.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, stream.read_to_end(&mut all)).await;
    assert!(read.is_ok(), "the server closes the connection (waited {HANG_GUARD:?}); got {all:?}");
    all
}

/// Reads one HTTP/1.1 response with a `Content-Length` body; returns head and body as text.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, async {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if buffer.len() >= end + 4 + length {
                    return;
                }
            }
            let n = stream.read(&mut chunk).await.expect("the response is read");
            assert!(n > 0, "the connection closed mid-response: {:?}", String::from_utf8_lossy(&buffer));
            buffer.extend_from_slice(&chunk[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "a response comes (waited {HANG_GUARD:?})");
    String::from_utf8_lossy(&buffer).into_owned()
}

/// Whether the server has said or closed anything on `stream` within `wait`.
async fn stays_silent(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut byte = [0u8; 1];
    tokio::time::timeout(wait, stream.read(&mut byte)).await.is_err()
}

#[tokio::test]
async fn a_client_that_sends_half_a_header_and_stalls_is_disconnected_after_the_header_timeout() {
    let h = harness(Duration::from_millis(300), Duration::from_secs(600), 16).await;
    let mut stalled = connect(&h).await;
    let mut silent = connect(&h).await;
    stalled.write_all(b"GET /_emu/health HTTP/1.1\r\nHost: emu\r\nX-Slow: ").await.unwrap();
    let said = read_until_closed(&mut stalled).await;
    assert!(said.is_empty(), "the server just closes; it answers nothing to half a header: {said:?}");
    // A connection that has not started a request is idle, not in a header: the long idle
    // timeout applies to it, so it is still open and still served.
    silent.write_all(HEALTH.as_bytes()).await.unwrap();
    let answer = read_response(&mut silent).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let h = harness(Duration::from_secs(600), Duration::from_millis(300), 16).await;
    let mut client = connect(&h).await;
    client.write_all(HEALTH.as_bytes()).await.unwrap();
    let answer = read_response(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200 ") && !answer.to_lowercase().contains("connection: close"), "{answer}");
    let after = read_until_closed(&mut client).await;
    assert!(after.is_empty(), "the idle connection is closed without a word: {after:?}");
}

#[tokio::test]
async fn a_keep_alive_client_that_polls_past_every_timeout_is_not_cut_off() {
    let h = harness(Duration::from_millis(400), Duration::from_millis(400), 16).await;
    let mut client = connect(&h).await;
    // Twenty polls 100 ms apart: two seconds on one connection, five times either timeout.
    for poll in 0..20 {
        client.write_all(HEALTH.as_bytes()).await.unwrap();
        let answer = read_response(&mut client).await;
        assert!(answer.starts_with("HTTP/1.1 200 "), "poll {poll}: {answer}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A POST with a declared length and as much of the body as given.
async fn post_head(client: &mut TcpStream, target: Option<&str>, length: usize) {
    let target = target.map(|t| format!("X-Amz-Target: {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: emu\r\n{target}Authorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/redshift-data/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {length}\r\n\r\n"
    );
    client.write_all(head.as_bytes()).await.unwrap();
}

#[tokio::test]
async fn a_declared_body_past_the_cap_gets_413_in_the_protocols_shape_before_it_is_sent() {
    let h = Harness::start().await;
    let past = 8 * 1024 * 1024 + 1;

    let mut data = connect(&h).await;
    post_head(&mut data, Some("RedshiftData.BatchExecuteStatement"), past).await;
    let answer = read_response(&mut data).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("x-amzn-errortype: RequestEntityTooLarge"), "{answer}");
    assert!(
        answer.contains(
            r#"{"__type":"RequestEntityTooLarge","Message":"the request body is larger than `8388608` bytes, the most the emulator reads"}"#
        ),
        "the Data API's JSON error: {answer}"
    );

    let mut query = connect(&h).await;
    post_head(&mut query, None, past).await;
    let answer = read_response(&mut query).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("<Code>RequestEntityTooLarge</Code>"), "the query protocol's XML error: {answer}");
}

#[tokio::test]
async fn a_chunked_body_past_the_cap_gets_413() {
    let h = Harness::start().await;
    let mut client = connect(&h).await;
    let head = "POST / HTTP/1.1\r\nHost: emu\r\nX-Amz-Target: RedshiftData.ExecuteStatement\r\nAuthorization: AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/redshift-data/aws4_request, Signature=0\r\nTransfer-Encoding: chunked\r\n\r\n";
    client.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    let sender = async {
        // Nine chunks of 1 MiB: past the 8 MiB cap. The server may stop reading and answer
        // before all are sent; a failed write then is expected.
        for _ in 0..9 {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if client.write_all(&framed).await.is_err() {
                return client;
            }
        }
        let _ = client.write_all(b"0\r\n\r\n").await;
        client
    };
    let mut client = sender.await;
    let answer = read_response(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("x-amzn-errortype: RequestEntityTooLarge"), "{answer}");
}

#[tokio::test]
async fn the_largest_legitimate_batch_of_40_statements_of_100_kb_is_read_not_refused() {
    let h = Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    // Each statement has quotes and newlines that JSON escapes, as real SQL does.
    let statement = format!("select '{}'", "a\"b\n".repeat(100 * 1024 / 4 - 4));
    let sqls: Vec<&str> = (0..40).map(|_| statement.as_str()).collect();
    let body = serde_json::json!({ "ClusterIdentifier": "main", "Database": "dev", "DbUser": "awsuser", "Sqls": sqls })
        .to_string();
    assert!(body.len() > 4_000_000, "{}", body.len());
    let mut client = connect(&h).await;
    post_head(&mut client, Some("RedshiftData.BatchExecuteStatement"), body.len()).await;
    client.write_all(body.as_bytes()).await.unwrap();
    let answer = read_response(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{}", &answer[..answer.len().min(400)]);
    assert!(answer.contains(r#""Id":"#), "the batch was accepted: {answer}");
}

#[tokio::test]
async fn health_keeps_answering_while_stalled_clients_hold_connections() {
    let h = harness(Duration::from_secs(600), Duration::from_secs(600), 64).await;
    let mut stalled = Vec::new();
    for n in 0..40 {
        let mut client = connect(&h).await;
        if n % 2 == 0 {
            client.write_all(b"POST / HTTP/1.1\r\nHost: emu\r\nContent-Length: 100\r\n").await.unwrap();
        }
        stalled.push(client);
    }
    for _ in 0..10 {
        let mut client = connect(&h).await;
        client.write_all(HEALTH.as_bytes()).await.unwrap();
        let answer = read_response(&mut client).await;
        assert!(answer.starts_with("HTTP/1.1 200 ") && answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
    }
    for client in &mut stalled {
        assert!(stays_silent(client, Duration::from_millis(1)).await, "the stalled clients are still held");
    }
}

#[tokio::test]
async fn past_the_connection_limit_a_client_waits_and_is_answered_once_a_slot_frees() {
    let h = harness(Duration::from_secs(600), Duration::from_secs(600), 2).await;
    let first = connect(&h).await;
    let mut second = connect(&h).await;
    second.write_all(HEALTH.as_bytes()).await.unwrap();
    let answer = read_response(&mut second).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    // Both slots are held (the second by keep-alive). The third completes its TCP handshake
    // in the kernel's queue but is not served: no 503, no close, no answer.
    let mut third = connect(&h).await;
    third.write_all(HEALTH.as_bytes()).await.unwrap();
    assert!(stays_silent(&mut third, Duration::from_millis(300)).await, "the third waits while both slots are held");
    drop(first);
    let answer = read_response(&mut third).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "the third is served once a slot frees: {answer}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_gets_408_after_the_header_timeout() {
    let h = harness(Duration::from_millis(300), Duration::from_secs(600), 16).await;
    let mut client = connect(&h).await;
    post_head(&mut client, Some("RedshiftData.ListStatements"), 100).await;
    client.write_all(b"{\"MaxResults\":").await.unwrap();
    let answer = read_response(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("x-amzn-errortype: RequestTimeout"), "{answer}");
    assert!(answer.contains("the request body did not arrive within `300` ms"), "{answer}");
}

#[tokio::test]
async fn a_client_that_never_reads_its_responses_is_disconnected_after_the_idle_timeout() {
    let h = harness(Duration::from_secs(600), Duration::from_millis(500), 16).await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let client = socket.connect(h.emulator.address()).await.unwrap();
    let (mut reader, mut writer) = client.into_split();
    // 200,000 pipelined health requests (8 MB) whose answers (about 30 MB) no buffer holds:
    // the server's writes block while the client reads nothing.
    let pipelined = HEALTH.repeat(1000);
    let flood = tokio::spawn(async move {
        for _ in 0..200 {
            if writer.write_all(pipelined.as_bytes()).await.is_err() {
                break;
            }
        }
        writer
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Whatever the buffers held, then the end: a close or a reset, not a wait forever.
    let mut all = Vec::new();
    let ended = tokio::time::timeout(HANG_GUARD, reader.read_to_end(&mut all)).await;
    assert!(ended.is_ok(), "the server closes a connection whose responses nobody reads (waited {HANG_GUARD:?})");
    let answered = all.windows(b"HTTP/1.1 200".len()).filter(|w| *w == b"HTTP/1.1 200").count();
    assert!(answered < 200_000, "the server stopped before answering everything: {answered}");
    flood.abort();
}
