//! Hostile files through every offline entry point of the real binary (issue 18): mutations of
//! the repository's specs, SQL, `explain` inputs and snapshots (byte flips, truncation,
//! duplication, BOMs, NUL, ANSI escapes, `${`, very long tokens) and arbitrary bytes, given to
//! `plan`, `plan --format` (export), `sql copy --spec`, `lint`, `lint --spec`, `explain`,
//! `doctor --snapshot` and `doctor --sql-file`. No command here touches AWS.
//!
//! Each run must end within the hang guard with an exit code the command documents (never
//! 101, never "panicked"), name the file in its error, and let no control character reach the
//! terminal raw. Also: an ANSI escape in a bucket name, an ARN, a SQL identifier and a file
//! name comes out escaped.

use std::process::Output;

use proptest::prelude::*;

use crate::hostile::{corpus, edits, has_raw_control, mutate, within_hang_guard};
use crate::{TempFile, redbridge, root};

/// Runs the binary as [`crate::redbridge`] does, under the hang guard.
fn run(args: Vec<String>) -> Output {
    within_hang_guard(move || redbridge(&args.iter().map(String::as_str).collect::<Vec<_>>()))
}

/// One entry point: its arguments around the hostile file and the exit codes it documents.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Plan,
    Export,
    SqlCopy,
    Lint,
    LintSpec,
    Explain,
    DoctorSnapshot,
    DoctorSqlFile,
}

impl Entry {
    fn args(self, file: &str) -> Vec<String> {
        let spec = "examples/serverless-unload-kms.toml";
        let snapshot = "crates/redbridge-cli/tests/fixtures/serverless-sql.snapshot.json";
        let args: Vec<&str> = match self {
            Self::Plan => vec!["plan", "--spec", file],
            Self::Export => vec!["plan", "--spec", file, "--format", "terraform"],
            Self::SqlCopy => vec!["sql", "copy", "--spec", file, "--table", "t", "--from", "s3://acme-data/in/"],
            Self::Lint => vec!["lint", file],
            Self::LintSpec => vec!["lint", "--spec", file, "examples/seed-article.sql"],
            Self::Explain => vec!["explain", "--input", file],
            Self::DoctorSnapshot => vec!["doctor", "--spec", spec, "--snapshot", file],
            Self::DoctorSqlFile => vec!["doctor", "--spec", spec, "--snapshot", snapshot, "--sql-file", file],
        };
        args.into_iter().map(str::to_owned).collect()
    }

    /// The exit codes the command documents: 2 is usage or input errors everywhere; 1 a
    /// judgement (lint errors, an `explain` input malformed, a blocked chain); 3 unknown state.
    fn documented_codes(self) -> &'static [i32] {
        match self {
            Self::Plan | Self::Export | Self::SqlCopy => &[0, 2],
            Self::Lint | Self::LintSpec | Self::Explain => &[0, 1, 2],
            Self::DoctorSnapshot | Self::DoctorSqlFile => &[0, 1, 2, 3],
        }
    }

    fn corpus(self) -> Vec<Vec<u8>> {
        match self {
            Self::Plan | Self::Export | Self::SqlCopy | Self::LintSpec => corpus("examples", ".toml"),
            Self::Lint | Self::DoctorSqlFile => {
                let mut sql = corpus("crates/redbridge-sql/tests/fixtures/valid", ".sql");
                sql.extend(corpus("examples", ".sql"));
                sql
            }
            Self::Explain => corpus("crates/redbridge-iam/tests/corpus", ".json"),
            Self::DoctorSnapshot => corpus("crates/redbridge-cli/tests/fixtures", ".snapshot.json"),
        }
    }
}

/// Runs `entry` on a file holding `bytes` and checks what the module doc promises.
fn check(entry: Entry, bytes: &[u8]) {
    let file = TempFile::new(&format!("hostile-{entry:?}.input"), bytes);
    let output = run(entry.args(file.arg()));
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let code = output.status.code();
    assert!(
        code.is_some_and(|code| entry.documented_codes().contains(&code)),
        "{entry:?}: exit {code:?} is not documented\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{entry:?}: {stderr}");
    assert!(!has_raw_control(&stdout) && !has_raw_control(&stderr), "{entry:?}: raw control in {stdout:?} {stderr:?}");
    // `sql copy` judges the statement it built against the spec (`--from`'s bucket may not be
    // a mutated spec's bucket): that refusal is about the flags, not the file.
    let judged = matches!(entry, Entry::SqlCopy) && stderr.starts_with("error: the statement would not work");
    if matches!(entry, Entry::Explain) && code == Some(1) {
        assert!(
            stdout.contains(&format!("{}:", file.arg())),
            "{entry:?}: an input error does not name the file:\n{stdout}"
        );
    }
    if code == Some(2) && !judged {
        assert!(stderr.contains(file.arg()), "{entry:?}: the error does not name the file:\n{stderr}");
    }
}

fn entries() -> impl Strategy<Value = Entry> {
    proptest::sample::select(vec![
        Entry::Plan,
        Entry::Export,
        Entry::SqlCopy,
        Entry::Lint,
        Entry::LintSpec,
        Entry::Explain,
        Entry::DoctorSnapshot,
        Entry::DoctorSqlFile,
    ])
}

proptest! {
    // A process per case: 32 cases per entry point on average (8 entry points).
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_entry_point_answers_a_mutated_file_with_a_documented_code(
        (entry, base) in entries().prop_flat_map(|entry| (Just(entry), proptest::sample::select(entry.corpus()))),
        edits in edits(4),
    ) {
        check(entry, &mutate(&base, &edits));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_entry_point_answers_arbitrary_bytes_with_a_documented_code(
        entry in entries(),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        check(entry, &bytes);
    }
}

/// Standard error of a run that must fail with exit 2.
fn stderr_of_input_error(args: &[&str]) -> String {
    let output = run(args.iter().map(|arg| (*arg).to_owned()).collect());
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!has_raw_control(&stderr), "{stderr:?}");
    stderr
}

#[test]
fn an_ansi_escape_in_a_bucket_name_is_escaped_on_stderr() {
    let stderr =
        stderr_of_input_error(&["plan", "--spec", "examples/provisioned-copy.toml", "--bucket", "acme-\u{1b}[31mdata"]);
    assert!(stderr.contains("invalid bucket name `acme-\\u{1b}[31mdata` at character 6"), "{stderr}");
    let spec = TempFile::new(
        "ansi-bucket.toml",
        String::from_utf8_lossy(&std::fs::read(root().join("examples/provisioned-copy.toml")).expect("example"))
            .replace("bucket = \"acme-analytics-exports\"", "bucket = \"acme-\\u001b[31mdata\"")
            .as_bytes(),
    );
    let stderr = stderr_of_input_error(&["plan", "--spec", spec.arg()]);
    assert!(
        stderr.contains(&format!(
            "{}:5:10: invalid spec: `bucket`: invalid bucket name `acme-\\u{{1b}}[31mdata`",
            spec.arg()
        )),
        "{stderr}"
    );
}

#[test]
fn an_ansi_escape_in_an_arn_is_escaped_in_explain_output() {
    let input = TempFile::new(
        "ansi-arn.json",
        br#"{"principal":"arn:aws:iam::111111111111:role/\u001b[2J","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}"#,
    );
    let output = run(vec!["explain".into(), "--input".into(), input.arg().to_owned()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!has_raw_control(&stdout), "{stdout:?}");
    assert!(stdout.contains("role/\\u{1b}[2J"), "{stdout}");
}

#[test]
fn an_ansi_escape_in_a_sql_identifier_is_escaped_with_the_caret_under_it() {
    let sql = TempFile::new(
        "ansi.sql",
        "COPY t FROM 's3://acme-data/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/R' FORMAT \u{1b}[2J CSV;\n"
            .as_bytes(),
    );
    let output = run(vec!["lint".into(), sql.arg().to_owned()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(!has_raw_control(&stdout), "{stdout:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    let source = lines.iter().position(|line| line.starts_with("1 | ")).expect("the source line");
    let shown = lines[source].strip_prefix("1 | ").unwrap_or_default();
    let caret = lines[source + 1].strip_prefix("  | ").unwrap_or_default();
    let column = caret.find('^').expect("a caret");
    assert!(shown[column..].starts_with("\\u{1b}"), "the caret is not under the escape:\n{stdout}");
    assert_eq!(caret.trim_start().len(), "\\u{1b}".len(), "{stdout}");
}

#[test]
fn an_ansi_escape_in_a_file_name_is_escaped_on_stderr() {
    let file = TempFile::new("bin\u{1b}[31mary.sql", b"COPY\0");
    let stderr = stderr_of_input_error(&["lint", file.arg()]);
    assert!(stderr.contains("bin\\u{1b}[31mary.sql` is binary, not text"), "{stderr}");
}

/// Standard output of `explain` on `input`, which must hold a malformed input (exit 1).
fn explain_malformed(input: &TempFile) -> String {
    let output = run(vec!["explain".into(), "--input".into(), input.arg().to_owned()]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    stdout
}

#[test]
fn explain_errors_name_the_file_line_and_column_of_their_input() {
    let input = TempFile::new(
        "explain-items.json",
        br#"[
  {"principal":"arn:aws:iam::111111111111:role/R","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},
  {"principal":"arn:aws:iam::111111111111:role/R","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
   "identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allw","Action":"*","Resource":"*"}]}]}
]"#,
    );
    let stdout = explain_malformed(&input);
    // Item 2's policy: at the bad value (serde_json reports the end of the string).
    let expected = format!("{}:4:77: item 2: error: `identity_policies[0]`: unknown variant `Allw`", input.arg());
    assert!(stdout.contains(&expected), "{stdout}");
    let lines = TempFile::new("explain-lines.jsonl", b"{}\n{\"principal\": }\n");
    let expected = format!("{}:2:15: line 2: error: not valid JSON: expected value", lines.arg());
    assert!(explain_malformed(&lines).contains(&expected));
}

#[test]
fn file_errors_of_every_kind_read_file_line_column_message() {
    let spec = TempFile::new(
        "nested-account.toml",
        b"redshift_account = \"111111111111\"\ns3_account = \"222222222222\"\nbucket = \"acme-data\"\n\
          cluster = \"c1\"\nregion = \"us-east-1\"\ndb_users = [\"awsuser\", \"bad user\"]\n",
    );
    let stderr = stderr_of_input_error(&["lint", "--spec", spec.arg(), "examples/seed-article.sql"]);
    assert!(stderr.starts_with(&format!("error: {}:6:24: invalid spec: `db_users`: ", spec.arg())), "{stderr}");
    let stderr = stderr_of_input_error(&["plan", "--spec", spec.arg()]);
    assert!(stderr.starts_with(&format!("error: {}:6:24: invalid spec: `db_users`: ", spec.arg())), "{stderr}");
    let syntax = TempFile::new("syntax.toml", b"redshift_account = \"111111111111\"\nbucket = [\n");
    let stderr = stderr_of_input_error(&["plan", "--spec", syntax.arg()]);
    assert_eq!(stderr, format!("error: {}:2:11: unclosed array, expected `]`\n", syntax.arg()));
    let empty = TempFile::new("comments.sql", b"-- nothing here\n");
    let args = Entry::DoctorSqlFile.args(empty.arg());
    let stderr = stderr_of_input_error(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(stderr, format!("error: {}:1:1: holds no statement\n", empty.arg()));
    let blank = TempFile::new("blank.json", b"\n");
    let stderr = stderr_of_input_error(&["explain", "--input", blank.arg()]);
    assert!(stderr.starts_with(&format!("error: {}:1:1: no input", blank.arg())), "{stderr}");
}
