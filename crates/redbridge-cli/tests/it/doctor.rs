//! `redbridge doctor --snapshot`: the report of a saved snapshot, its exit codes and errors.

use crate::schema::assert_matches_schema;
use crate::{redbridge, stderr_err};

#[test]
fn broken_snapshot_names_every_broken_hop() {
    let output = redbridge(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-broken.snapshot.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("doctor-serverless-broken", text);
}

#[test]
fn json_report_lists_codes_and_hops() {
    let output = redbridge(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-broken.snapshot.json",
        "--output",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json = String::from_utf8(output.stdout).unwrap();
    assert_matches_schema("doctor.schema.json", &json);
    // The fixes as data: the account, the role, the trust policy and the statement to add.
    insta::assert_snapshot!("doctor-serverless-broken-json", json);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["verdict"], "broken");
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["RB112", "RB122"]);
    assert_eq!(report["findings"][1]["hop"]["kind"], "role");
}

#[test]
fn bad_snapshots_are_refused_clearly() {
    let (code, err) = stderr_err(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-unload-kms.toml",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: examples/serverless-unload-kms.toml:1:1: the snapshot is not valid JSON: expected value\n");
    let (_, err) =
        stderr_err(&["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", "does-not-exist.json"]);
    assert!(err.contains("cannot read snapshot `does-not-exist.json`"), "{err}");
}

#[test]
fn save_and_profiles_do_not_mix_with_an_offline_snapshot() {
    for flag in ["--save", "--s3-profile", "--redshift-profile"] {
        let (code, err) = stderr_err(&[
            "doctor",
            "--spec",
            "examples/serverless-unload-kms.toml",
            "--snapshot",
            "examples/serverless-broken.snapshot.json",
            flag,
            "x",
        ]);
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(err.contains("cannot be used with"), "{flag}: {err}");
    }
}

#[test]
fn help_documents_the_live_flags() {
    let help = crate::stdout_ok(&["doctor", "--help"]);
    for flag in [
        "--save <FILE>",
        "--verbose",
        "--redshift-profile <PROFILE>",
        "--s3-profile <PROFILE>",
        "--snapshot <FILE|->",
        "--sql <STATEMENT>",
        "--sql-file <FILE|->",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

const SQL_SNAPSHOT: &str = "crates/redbridge-cli/tests/fixtures/serverless-sql.snapshot.json";
const CHAIN: &str = "arn:aws:iam::111111111111:role/redbridge-analytics-wg,arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports";
const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn doctor_sql(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", SQL_SNAPSHOT];
    args.extend_from_slice(extra);
    redbridge(&args)
}

#[test]
fn sql_the_planned_unload_is_healthy() {
    let unload = format!(
        "UNLOAD ('SELECT * FROM public.daily_sales') TO 's3://acme-analytics-exports/unload/daily/daily_sales_' IAM_ROLE '{CHAIN}' KMS_KEY_ID '{KEY}' ENCRYPTED"
    );
    let output = doctor_sql(&["--sql", &unload]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    insta::assert_snapshot!("doctor-sql-healthy", text);
}

#[test]
fn sql_a_users_statements_with_every_statement_level_mistake() {
    let spaced = CHAIN.replace(',', ", ");
    let unload = format!(
        "UNLOAD ('SELECT * FROM public.daily_sales') TO 's3://acme-analytics-exports/unload/daily/old_' IAM_ROLE '{spaced}'"
    );
    let copy = format!(
        "COPY public.daily_sales FROM 's3://acme-analytics-exports/unload/daily/incoming/' IAM_ROLE '{CHAIN}' REGION 'us-east-1'"
    );
    let output = doctor_sql(&["--sql", &unload, "--sql", &copy]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    insta::assert_snapshot!("doctor-sql-broken", text);

    let output = doctor_sql(&["--sql", &unload, "--sql", &copy, "--output", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_matches_schema("doctor.schema.json", std::str::from_utf8(&output.stdout).unwrap());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut codes: Vec<(String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["hop"]["kind"] == "user_statement")
        .map(|f| (f["code"].as_str().unwrap().to_owned(), f["hop"]["number"].as_u64().unwrap()))
        .collect();
    codes.sort();
    let expected: Vec<(String, u64)> = [("RB133", 1), ("RB151", 2), ("RB181", 1), ("RB183", 1), ("RB184", 2)]
        .iter()
        .map(|(c, n)| ((*c).to_owned(), *n))
        .collect();
    assert_eq!(codes, expected, "{report:#}");
    let hop = &report["hops"].as_array().unwrap().iter().find(|h| h["hop"]["kind"] == "user_statement").unwrap()["hop"];
    assert_eq!(hop["operation"], "UNLOAD");
    assert_eq!(hop["location"], "s3://acme-analytics-exports/unload/daily/old_");
}

#[test]
fn sql_file_with_a_statement_that_does_not_parse_names_the_position() {
    let dir = std::env::temp_dir().join(format!("redbridge-doctor-sql-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.sql");
    std::fs::write(
        &file,
        "-- nightly export\nUNLOAD ('select 1') TO 's3://acme-analytics-exports/unload/daily/x_\nIAM_ROLE 'arn';\n",
    )
    .unwrap();
    let output = doctor_sql(&["--sql-file", file.to_str().unwrap()]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ your statement 1: UNLOAD"), "{text}");
    assert!(text.contains("error[RB-SQL-001]") && text.contains("(line 2, column "), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sql_without_a_statement_is_a_usage_error() {
    let output = doctor_sql(&["--sql", "  "]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`--sql` number 1 holds no statement"));
}

#[test]
fn doctor_save_refuses_to_overwrite_a_file_before_reading_any_account() {
    let dir = std::env::temp_dir().join(format!("redbridge-doctor-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    std::fs::write(&path, "kept").unwrap();
    let path_text = path.to_str().unwrap();
    let (code, stderr) =
        crate::stderr_err(&["doctor", "--spec", "examples/serverless-unload-kms.toml", "--save", path_text]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&format!("refusing to overwrite `{path_text}` (pass `--force` to overwrite)")), "{stderr}");
    assert!(!stderr.contains("credentials"), "refused before any account was read: {stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `doctor --snapshot … --sql-file` on `n` UNLOADs written on one line, each with a linter
/// error; the size of the text report.
fn one_line_sql_report_bytes(n: usize) -> usize {
    let statement = "UNLOAD ('select 1') TO 's3://acme-analytics-exports/unload/daily/x_' IAM_ROLE \
                     'arn:aws:iam::111111111111:role/redbridge-analytics-wg,arn:aws:iam::222222222222:role/redbridge-acme-analytics-exports' \
                     ALLOWOVERWRITE ENCRYPTED MAXFILESIZE 1 MB;";
    let dir = std::env::temp_dir().join(format!("redbridge-it-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("one-line-{n}.sql"));
    std::fs::write(&path, statement.repeat(n)).expect("temp file");
    let output = redbridge(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-broken.snapshot.json",
        "--sql-file",
        path.to_str().expect("utf-8 path"),
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8 output");
    let last = format!("your statement {n}: UNLOAD");
    assert!(text.contains(&last), "{}", &text[..text.len().min(2_000)]);
    assert_eq!(text.matches("error[RB-SQL-009]").count(), n, "one linter finding per statement");
    text.len()
}

#[test]
fn doctor_sql_file_report_grows_linearly_with_statements_on_one_line() {
    // Each finding shows a bounded window of the shared line, not the whole line: 8n statements
    // make at most 8 times the report of n (plus the fixed hops), not 64 times.
    let (n, eight_n) = (one_line_sql_report_bytes(100), one_line_sql_report_bytes(800));
    assert!(eight_n <= 9 * n, "{eight_n} bytes for 800 statements against {n} for 100");
}

#[test]
fn unread_organization_policies_qualify_the_verdict_in_words_and_json_and_exit_0() {
    let snapshot = "crates/redbridge-cli/tests/fixtures/serverless-org-unread.snapshot.json";
    let args = ["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", snapshot];
    let output = redbridge(&args);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(!text.contains("\nhealthy: "), "never a bare healthy: {text}");
    insta::assert_snapshot!("doctor-organization-unread", text);

    let output = redbridge(&[&args[..], &["--output", "json"]].concat());
    assert_eq!(output.status.code(), Some(0));
    assert_matches_schema("doctor.schema.json", std::str::from_utf8(&output.stdout).unwrap());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "healthy_as_far_as_read");
    let policies = &report["organization_policies"];
    assert_eq!(policies["read"], false);
    assert_eq!(policies["not_read"][0]["account"], "111111111111");
    assert!(policies["not_read"][0]["reason"].as_str().unwrap().contains("organizations:ListParents"));
    assert_eq!(policies["accounts"][0]["account"], "222222222222");
    assert_eq!(policies["accounts"][0]["organization_id"], "o-exampleorg");
    assert_eq!(policies["accounts"][0]["scps"][0], "root: FullAWSAccess (p-FullAWSAccess)");
}
