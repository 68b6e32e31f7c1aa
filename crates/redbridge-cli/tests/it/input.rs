//! Input hygiene: every file and standard input the CLI reads goes through one reader that
//! strips a UTF-8 byte-order mark, refuses UTF-16, binary and invalid UTF-8 with the position
//! of the first bad byte, and refuses inputs over 16 MiB before reading them.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::{TempFile, redbridge, root};

/// The seed article's broken statement: its IAM_ROLE quote is never closed.
fn seed_broken_statement() -> String {
    let seed = std::fs::read_to_string(root().join("examples/seed-article.sql")).expect("the seed article");
    let statement = seed.lines().find(|line| line.starts_with("COPY")).expect("a COPY");
    assert!(statement.contains("FORMAT AS PARQUET;"), "{statement}");
    format!("{statement}\n")
}

fn with_bom(text: &str) -> Vec<u8> {
    [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()
}

#[test]
fn a_bom_does_not_hide_the_first_statement_from_lint() {
    let plain = TempFile::new("seed-plain.sql", seed_broken_statement().as_bytes());
    let bom = TempFile::new("seed-bom.sql", &with_bom(&seed_broken_statement()));
    let expected = redbridge(&["lint", plain.arg()]);
    assert_eq!(expected.status.code(), Some(1), "the seed statement is broken");
    let output = redbridge(&["lint", bom.arg()]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(text.replace(bom.arg(), plain.arg()), String::from_utf8(expected.stdout).expect("utf-8"));
    assert!(text.contains(&format!("--> {}:1:", bom.arg())), "{text}");
}

#[test]
fn a_bom_on_standard_input_does_not_hide_the_first_statement_from_lint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(["lint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("stdin").write_all(&with_bom(&seed_broken_statement())).expect("write");
    let output = child.wait_with_output().expect("the binary ends");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--> <stdin>:1:"));
}

#[test]
fn a_bom_does_not_let_doctor_call_an_unjudged_sql_file_healthy() {
    let bom = TempFile::new("doctor-seed-bom.sql", &with_bom(&seed_broken_statement()));
    let output = redbridge(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "crates/redbridge-cli/tests/fixtures/serverless-sql.snapshot.json",
        "--sql-file",
        bom.arg(),
    ]);
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ your statement 1: COPY"), "{text}");
    assert!(text.contains("(line 1, column "), "{text}");
}

#[test]
fn utf16_input_is_refused_naming_the_file() {
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("COPY t".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let file = TempFile::new("utf16.sql", &utf16);
    let output = redbridge(&["lint", file.arg()]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!("`{}` is UTF-16 text (byte-order mark `FF FE` at byte offset 0)", file.arg())),
        "{err}"
    );
}

#[test]
fn binary_and_invalid_utf8_inputs_are_refused_with_the_position() {
    let binary = TempFile::new("binary.toml", b"bucket = \"x\"\nregion\0");
    let output = redbridge(&["plan", "--spec", binary.arg()]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!(
            "`{}` is binary, not text: a NUL byte at line 2, column 7 (byte offset 19)",
            binary.arg()
        )),
        "{err}"
    );
    let latin1 = TempFile::new("latin1.json", b"{\"label\": \"caf\xE9\"}");
    let output = redbridge(&["explain", "--input", latin1.arg()]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("is not UTF-8 text: byte `0xE9` at line 1, column 15 (byte offset 14)"), "{err}");
}

#[test]
fn an_input_over_16_mib_is_refused_with_its_size_before_it_is_read() {
    let file = TempFile::new("huge.json", b"");
    std::fs::File::options().write(true).open(&file.0).expect("open").set_len(17 * 1024 * 1024).expect("sparse file");
    let output = redbridge(&["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", file.arg()]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!("`{}` is 17825792 bytes, over the input limit of 16777216 bytes (16 MiB)", file.arg())),
        "{err}"
    );
}

/// A file of many inputs is explained by several threads, a batch each: the output is still one
/// line per input in input order, each as that input alone would give it (its position and
/// line renumbered), errors included, and the exit status says some input failed.
#[test]
fn many_inputs_are_explained_in_order_as_each_would_be_alone() {
    let hop: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("examples/explain-hop.json")).unwrap()).unwrap();
    let mut denied = hop.clone();
    denied["action"] = serde_json::json!("sts:TagSession");
    let kinds = [
        hop.to_string(),
        denied.to_string(),
        r#"{"principal": "arn:aws:sts::1:assumed-role/R/s", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#
            .to_owned(),
        r#"{"principal": "#.to_owned(),
    ];
    // What each kind gives on its own (as the second line of a file of JSON lines: one line
    // alone would be one JSON input).
    let alone: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(k, line)| {
            let file = TempFile::new(&format!("explain-alone-{k}.jsonl"), format!("{line}\n{line}\n").as_bytes());
            let output = redbridge(&["explain", "--input", file.arg(), "-o", "json"]);
            String::from_utf8(output.stdout).unwrap().lines().nth(1).unwrap().to_owned()
        })
        .collect();
    let pick = |i: usize| {
        if i % 13 == 5 {
            3
        } else if i % 7 == 3 {
            2
        } else {
            i % 2
        }
    };
    let lines = 3_000;
    let text: String = (0..lines).map(|i| format!("{}\n", kinds[pick(i)])).collect();
    let file = TempFile::new("explain-many.jsonl", text.as_bytes());
    let output = redbridge(&["explain", "--input", file.arg(), "-o", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let got = String::from_utf8(output.stdout).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), lines);
    for (i, line) in got.iter().enumerate() {
        let n = i + 1;
        let expected = alone[pick(i)]
            .replace("\"input\":2,", &format!("\"input\":{n},"))
            .replace("\"label\":\"line 2\"", &format!("\"label\":\"line {n}\""))
            .replace("\"line\":2,", &format!("\"line\":{n},"));
        assert_eq!(*line, expected, "input {n}");
    }
}
