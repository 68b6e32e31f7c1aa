//! The conventions every command keeps: exit codes (usage 2 apart from runtime and AWS 4, and
//! the error as JSON under `--output json`), colour (`--color`, `NO_COLOR`), `-` for standard
//! input, `-q/--quiet`, `-o` and `--version`.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use crate::{TempFile, root};

const KMS_SPEC: &str = "examples/serverless-unload-kms.toml";
const COPY_SPEC: &str = "examples/provisioned-copy.toml";
const BROKEN_SNAPSHOT: &str = "examples/serverless-broken.snapshot.json";

/// Runs `redbridge` from the repository root with `stdin` on standard input, AWS pointed at a
/// closed loopback port with dummy credentials, and the colour variables given.
fn run_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_redbridge"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-test")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example-secret")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the redbridge binary runs");
    let mut input = child.stdin.take().expect("stdin");
    // The command may exit before reading (a usage error): a closed pipe is fine here.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("the redbridge binary ends")
}

fn run(args: &[&str]) -> Output {
    run_with(args, b"", &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// The `{"schema_version":1,"error":{..}}` object a failed command prints under `-o json`.
fn json_error(output: &Output) -> serde_json::Value {
    let document: serde_json::Value = serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", stdout(output)));
    assert_eq!(document["schema_version"], 1, "{document}");
    document["error"].clone()
}

#[test]
fn a_malformed_spec_is_a_usage_error_exit_2_with_a_json_error_object() {
    let spec = TempFile::new("conventions-bad.toml", b"redshift_account = \"12\"\n");
    for command in ["plan", "doctor", "apply", "test", "destroy"] {
        let output = run(&[command, "--spec", spec.arg(), "-o", "json"]);
        assert_eq!(output.status.code(), Some(2), "{command}: {}", stderr(&output));
        let error = json_error(&output);
        assert_eq!((error["kind"].as_str(), error["exit_code"].as_u64()), (Some("usage"), Some(2)), "{command}");
        assert!(error["message"].as_str().is_some_and(|m| m.contains("redshift_account")), "{error}");
        assert!(stderr(&output).contains("redshift_account"), "the error is on standard error too");
    }
}

#[test]
fn an_unknown_flag_under_output_json_is_a_json_usage_error() {
    let output = run(&["plan", "--spec", KMS_SPEC, "-o", "json", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let error = json_error(&output);
    assert_eq!(error["kind"], "usage");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("--no-such-flag")), "{error}");
}

#[test]
fn aws_unreachable_is_a_runtime_error_exit_4_for_every_command_that_reaches_aws() {
    let cases: &[&[&str]] = &[
        &["doctor", "--spec", KMS_SPEC],
        &["test", "--spec", KMS_SPEC],
        &["apply", "--spec", KMS_SPEC, "--dry-run"],
        &["destroy", "--spec", KMS_SPEC, "--dry-run"],
    ];
    for args in cases {
        let text = run(args);
        assert_eq!(text.status.code(), Some(4), "{args:?}: {}", stderr(&text));
        assert!(
            stderr(&text).contains("Connection refused") || stderr(&text).contains("dispatch failure"),
            "{}",
            stderr(&text)
        );
        let args: Vec<&str> = args.iter().copied().chain(["-o", "json"]).collect();
        let json = run(&args);
        assert_eq!(json.status.code(), Some(4), "{args:?}");
        let error = json_error(&json);
        assert_eq!((error["kind"].as_str(), error["exit_code"].as_u64()), (Some("runtime"), Some(4)), "{args:?}");
    }
}

const ESCAPE: &str = "\u{1b}[";

#[test]
fn color_always_paints_runbooks_and_reports_never_and_pipes_do_not() {
    let doctor = ["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN_SNAPSHOT];
    let painted = |args: &[&str], env: &[(&str, &str)]| stdout(&run_with(args, b"", env)).contains(ESCAPE);
    let with = |flag: &'static str| -> Vec<&'static str> { ["--color", flag].into_iter().chain(doctor).collect() };
    let always = stdout(&run(&with("always")));
    assert!(always.contains("\u{1b}[1m\u{1b}[31m✗ "), "a broken hop is red:\n{always}");
    assert!(always.contains("\u{1b}[1m\u{1b}[32m✓ "), "an ok hop is green:\n{always}");
    assert!(always.contains("\u{1b}[1m\u{1b}[31mbroken: "), "the verdict is red:\n{always}");
    assert!(!painted(&with("never"), &[]));
    assert!(!painted(&doctor, &[]), "standard output is a pipe: no colour under auto");
    assert!(painted(&doctor, &[("CLICOLOR_FORCE", "1")]));
    assert!(!painted(&doctor, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins under auto");
    assert!(painted(&with("always"), &[("NO_COLOR", "1")]), "an explicit --color always wins");
    let plan = stdout(&run(&["plan", "--color", "always", "--spec", COPY_SPEC]));
    assert!(plan.contains("\u{1b}[1m== SQL ==\u{1b}[0m"), "runbook headings are bold:\n{plan}");
    assert!(!stdout(&run(&["plan", "--spec", COPY_SPEC])).contains(ESCAPE));
    assert!(!stdout(&run(&["plan", "--color", "always", "--spec", COPY_SPEC, "-o", "json"])).contains(ESCAPE));
}

#[test]
fn an_escape_in_the_input_stays_escaped_when_the_output_is_coloured() {
    let snapshot = std::fs::read_to_string(root().join(BROKEN_SNAPSHOT)).expect("the snapshot");
    let hostile = snapshot.replace("\"redshift.amazonaws.com\"", "\"redshift\\u001b[2J.amazonaws.com\"");
    assert_ne!(hostile, snapshot);
    let file = TempFile::new("conventions-hostile.snapshot.json", hostile.as_bytes());
    let text = stdout(&run(&["--color", "always", "doctor", "--spec", KMS_SPEC, "--snapshot", file.arg()]));
    assert!(text.contains("\u{1b}[1m\u{1b}[31m✗ "), "coloured:\n{text}");
    assert!(text.contains("redshift\\u{1b}[2J.amazonaws.com"), "escaped:\n{text}");
    assert!(!text.contains("\u{1b}[2J"), "no raw escape from the input:\n{text}");
}

#[test]
fn errors_are_coloured_on_standard_error_only_when_asked() {
    let missing = ["plan", "--spec", "examples/no-such-spec.toml"];
    let always: Vec<&str> = ["--color", "always"].into_iter().chain(missing).collect();
    assert!(stderr(&run(&always)).starts_with("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: "));
    assert!(stderr(&run(&missing)).starts_with("error: cannot read spec file"));
}

#[test]
fn a_dash_reads_the_spec_the_snapshot_or_the_sql_file_from_standard_input() {
    let spec = std::fs::read(root().join(COPY_SPEC)).expect("the spec");
    let from_file = run(&["plan", "--spec", COPY_SPEC]);
    let from_stdin = run_with(&["plan", "--spec", "-"], &spec, &[]);
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_stdin), stdout(&from_file));

    let sql = run_with(
        &["sql", "copy", "--spec", "-", "--table", "public.sales", "--from", "s3://acme-analytics-exports/sales/"],
        &spec,
        &[],
    );
    assert!(sql.status.success() && stdout(&sql).starts_with("COPY public.sales"), "{}", stderr(&sql));

    let snapshot = std::fs::read(root().join(BROKEN_SNAPSHOT)).expect("the snapshot");
    let doctor = run_with(&["doctor", "--spec", KMS_SPEC, "--snapshot", "-"], &snapshot, &[]);
    assert_eq!(doctor.status.code(), Some(1), "the snapshot is broken: {}", stderr(&doctor));
    assert_eq!(stdout(&doctor), stdout(&run(&["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN_SNAPSHOT])));

    let statement = b"UNLOAD ('SELECT 1') TO 's3://acme-analytics-exports/unload/daily/x_' IAM_ROLE 'arn:aws:iam::111111111111:role/redbridge-analytics-wg,arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports';";
    let with_sql =
        run_with(&["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN_SNAPSHOT, "--sql-file", "-"], statement, &[]);
    assert_eq!(with_sql.status.code(), Some(1), "{}", stderr(&with_sql));
    assert!(
        stdout(&with_sql).contains("UNLOAD"),
        "the statement from standard input is judged:\n{}",
        stdout(&with_sql)
    );

    let explain = std::fs::read(root().join("examples/explain-hop.json")).expect("the explain input");
    let explained = run_with(&["explain", "-i", "-"], &explain, &[]);
    assert!(explained.status.success() && stdout(&explained).contains("allowed"), "{}", stderr(&explained));
}

#[test]
fn a_bad_spec_on_standard_input_is_named_stdin() {
    let output = run_with(&["plan", "--spec", "-"], b"bucket = 3\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: <stdin>:1:10: "), "{}", stderr(&output));
}

#[test]
fn two_dashes_in_one_invocation_are_a_usage_error_saying_so() {
    let spec = std::fs::read(root().join(KMS_SPEC)).expect("the spec");
    let output = run_with(&["doctor", "--spec", "-", "--snapshot", "-"], &spec, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`-` (standard input) is given twice: the spec file and the snapshot"),
        "{}",
        stderr(&output)
    );
    let output = run_with(&["lint", "-", "--spec", "-"], &spec, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is given twice"), "{}", stderr(&output));
}

#[test]
fn quiet_silences_notes_but_not_errors() {
    let dir = std::env::temp_dir().join(format!("redbridge-quiet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.to_str().expect("utf-8 path");
    let loud = run(&["plan", "--spec", COPY_SPEC, "--format", "aws-cli", "--out", out]);
    assert!(loud.status.success(), "{}", stderr(&loud));
    let quiet = run(&["man", "--quiet", "--out-dir", out]);
    assert!(quiet.status.success() && quiet.stderr.is_empty(), "{}", stderr(&quiet));
    assert!(!stderr(&run(&["man", "--out-dir", out])).is_empty(), "without --quiet the pages written are noted");
    let failed = run(&["-q", "plan", "--spec", "examples/no-such-spec.toml"]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(stderr(&failed).starts_with("error: cannot read spec file"), "errors still print under --quiet");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dash_o_is_short_for_output_on_every_command_that_prints() {
    let plan: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["plan", "--spec", COPY_SPEC, "-o", "json"]))).expect("plan json");
    assert!(plan["accounts"].is_array(), "{plan}");
    let doctor = run(&["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN_SNAPSHOT, "-o", "json"]);
    assert!(serde_json::from_str::<serde_json::Value>(&stdout(&doctor)).is_ok());
    let sql = run(&[
        "sql",
        "unload",
        "--spec",
        KMS_SPEC,
        "--query",
        "SELECT 1",
        "--to",
        "s3://acme-analytics-exports/unload/daily/",
        "-o",
        "json",
    ]);
    let sql: serde_json::Value = serde_json::from_str(&stdout(&sql)).expect("sql json");
    assert_eq!(sql["kind"], "unload");
    for command in ["apply", "destroy", "test"] {
        let output = run(&[command, "--spec", KMS_SPEC, "-o", "json", "--help"]);
        assert!(output.status.success(), "{command} takes -o: {}", stderr(&output));
    }
}

/// `redbridge 0.1.0 (<12 hex> <YYYY-MM-DD>, <target>)`, or `commit unknown` outside git.
fn version_line_is_well_formed(line: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("redbridge {} (", env!("CARGO_PKG_VERSION"))) else { return false };
    let Some(rest) = rest.strip_suffix(")\n") else { return false };
    let Some((commit, target)) = rest.split_once(", ") else { return false };
    let commit_ok = commit == "commit unknown"
        || commit.split_once(' ').is_some_and(|(hash, date)| {
            hash.len() == 12
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && date.len() == 10
                && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
        });
    let target_ok =
        target.split('-').count() >= 3 && target.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    commit_ok && target_ok
}

#[test]
fn version_names_the_commit_its_date_and_the_target() {
    let long = stdout(&run(&["--version"]));
    assert!(version_line_is_well_formed(&long), "{long:?}");
    assert_eq!(stdout(&run(&["-V"])), long);
    // Built from this checkout, the commit is its HEAD.
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(root()).output();
    if let Ok(head) = head
        && head.status.success()
    {
        let head = String::from_utf8_lossy(&head.stdout);
        assert!(long.contains(&format!(" ({} ", &head.trim()[..12])), "{long:?} is not HEAD {head}");
    }
    assert!(!version_line_is_well_formed("redbridge 0.1.0\n"));
    assert!(!version_line_is_well_formed("redbridge 0.1.0 (abc 2026-12-01, x86_64-unknown-linux-gnu)\n"));
    assert!(version_line_is_well_formed(&format!(
        "redbridge {} (commit unknown, x86_64-unknown-linux-gnu)\n",
        env!("CARGO_PKG_VERSION")
    )));
}
