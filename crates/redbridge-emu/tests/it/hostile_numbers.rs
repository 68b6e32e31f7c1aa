//! Numbers from requests that no arithmetic may trust: paging markers and tokens past `usize`,
//! page sizes out of range, hold durations past what a clock can hold. Each is sent over real
//! HTTP to the emulator on loopback and must get AWS's validation answer (or the admin
//! endpoint's 400), never a panic and a dropped connection.

use crate::support::{Harness, post, run_ok, url_encode};

const PAST_USIZE: &str = "18446744073709551616";
const USIZE_MAX: &str = "18446744073709551615";

/// `DescribeClusters` with extra query parameters; returns the whole answer.
async fn describe_clusters(h: &Harness, extra: &str) -> String {
    let body = format!("Action=DescribeClusters&Version=2012-12-01{extra}");
    post(&h.emulator.endpoint_url(), "111111111111", "redshift", None, &body).await
}

/// A Data API call with a JSON body; returns the whole answer.
async fn data_call(h: &Harness, operation: &str, body: serde_json::Value) -> String {
    let target = format!("RedshiftData.{operation}");
    post(&h.emulator.endpoint_url(), "111111111111", "redshift-data", Some(&target), &body.to_string()).await
}

/// `POST /_emu/hold-role` over a plain TCP connection; returns the whole answer.
async fn hold_role(h: &Harness, query: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let endpoint = h.emulator.endpoint_url();
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the emulator accepts");
    let request = format!(
        "POST /_emu/hold-role?{query} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer is read");
    answer
}

fn assert_refused(answer: &str, code: &str, message: &str) {
    assert!(answer.starts_with("HTTP/1.1 400 "), "a 400, not a dropped connection: {answer:?}");
    assert!(answer.contains(code), "the code `{code}`: {answer}");
    assert!(answer.contains(message), "the message `{message}`: {answer}");
}

#[tokio::test]
async fn a_marker_past_usize_gets_invalid_parameter_value_not_a_dropped_connection() {
    let h = Harness::start().await;
    for n in 0..3 {
        h.create_cluster("111111111111", &format!("c{n}"), &[]).await;
    }
    for marker in [USIZE_MAX, PAST_USIZE, "4", "-1", "abc"] {
        let answer = describe_clusters(&h, &format!("&Marker={marker}")).await;
        assert_refused(&answer, "<Code>InvalidParameterValue</Code>", &format!("Marker {marker} is invalid."));
    }
    let with_max_records = describe_clusters(&h, &format!("&MaxRecords=100&Marker={USIZE_MAX}")).await;
    assert_refused(&with_max_records, "<Code>InvalidParameterValue</Code>", "is invalid.");
    // A marker the emulator could have handed out still pages, and the emulator still answers.
    let last = describe_clusters(&h, "&MaxRecords=20&Marker=3").await;
    assert!(last.starts_with("HTTP/1.1 200 "), "{last}");
    assert!(!last.contains("<Marker>"), "{last}");
}

#[tokio::test]
async fn max_records_outside_20_to_100_gets_invalid_parameter_value() {
    let h = Harness::start().await;
    for max in ["19", "101", USIZE_MAX, PAST_USIZE, "-20"] {
        let answer = describe_clusters(&h, &format!("&MaxRecords={max}")).await;
        assert_refused(
            &answer,
            "<Code>InvalidParameterValue</Code>",
            &format!("MaxRecords {max} is invalid: use a value from 20 to 100."),
        );
    }
}

#[tokio::test]
async fn a_list_statements_next_token_past_usize_gets_validation_exception_not_a_dropped_connection() {
    let h = Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    run_ok(&h.data("111111111111"), "main", "select 1").await;
    for token in [USIZE_MAX, PAST_USIZE, "2", "-1", "x"] {
        let answer =
            data_call(&h, "ListStatements", serde_json::json!({ "NextToken": token, "MaxResults": 100 })).await;
        assert_refused(&answer, "ValidationException", "The NextToken is invalid.");
    }
    let end = data_call(&h, "ListStatements", serde_json::json!({ "NextToken": "1" })).await;
    assert!(end.starts_with("HTTP/1.1 200 "), "a token at the end is an empty page: {end}");
}

#[tokio::test]
async fn max_results_past_i64_or_outside_0_to_100_is_refused_not_cast() {
    let h = Harness::start().await;
    for max in [serde_json::json!(i64::MAX), serde_json::json!(-1), serde_json::json!(101)] {
        let answer = data_call(&h, "ListStatements", serde_json::json!({ "MaxResults": max })).await;
        assert_refused(&answer, "ValidationException", "MaxResults must be between 0 and 100.");
    }
    let huge: serde_json::Value = serde_json::from_str("18446744073709551616").unwrap();
    let answer = data_call(&h, "ListStatements", serde_json::json!({ "MaxResults": huge })).await;
    assert_refused(&answer, "SerializationException", "`MaxResults` must be an integer");
}

#[tokio::test]
async fn a_statement_result_next_token_past_usize_gets_validation_exception_not_a_dropped_connection() {
    let h = Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let (id, _) = run_ok(&h.data("111111111111"), "main", "select 1").await;
    for token in [USIZE_MAX, PAST_USIZE, "2", "x"] {
        let answer = data_call(&h, "GetStatementResult", serde_json::json!({ "Id": id, "NextToken": token })).await;
        assert_refused(&answer, "ValidationException", "The NextToken is invalid.");
    }
    let page = data_call(&h, "GetStatementResult", serde_json::json!({ "Id": id, "NextToken": "0" })).await;
    assert!(page.starts_with("HTTP/1.1 200 "), "{page}");
}

#[tokio::test]
async fn a_statement_id_with_a_huge_batch_index_is_not_found_not_a_panic() {
    let h = Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let (id, _) = run_ok(&h.data("111111111111"), "main", "select 1").await;
    for index in [USIZE_MAX, PAST_USIZE, "0"] {
        let answer = data_call(&h, "DescribeStatement", serde_json::json!({ "Id": format!("{id}:{index}") })).await;
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer:?}");
        assert!(answer.contains("ResourceNotFoundException"), "{answer}");
        assert!(answer.contains("Query does not exist."), "{answer}");
    }
}

#[tokio::test]
async fn a_hold_longer_than_the_clock_can_hold_gets_400_with_a_message_not_a_dropped_connection() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/ClusterRole";
    h.put_role(role, crate::support::redshift_trust("111111111111"), vec![]);
    h.create_cluster("111111111111", "held", &[role]).await;
    let encoded = url_encode(role);

    let too_long = hold_role(&h, &format!("role={encoded}&seconds={}", u64::MAX)).await;
    assert!(too_long.starts_with("HTTP/1.1 400 "), "{too_long:?}");
    assert!(
        too_long
            .contains(&format!("seconds `{}` is too long a hold: the emulator cannot represent that moment", u64::MAX)),
        "{too_long}"
    );

    let past_u64 = hold_role(&h, &format!("role={encoded}&seconds={PAST_USIZE}")).await;
    assert!(past_u64.starts_with("HTTP/1.1 400 "), "{past_u64:?}");
    assert!(past_u64.contains("usage: POST /_emu/hold-role?role=ARN&seconds=N"), "{past_u64}");

    // Nothing was held by the refused calls, and a representable hold still works.
    let held = hold_role(&h, &format!("role={encoded}&seconds=1")).await;
    assert!(held.starts_with("HTTP/1.1 200 "), "{held}");
    assert!(held.contains(r#""held":1"#), "{held}");
}
