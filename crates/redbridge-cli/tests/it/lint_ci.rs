//! `redbridge lint` as CI runs it: many files and globs in one call, the exit codes, and the
//! four output formats (text, JSON, SARIF, GitHub workflow commands) on the seed article and on
//! clean files, with the JSON validated against `docs/schema/lint.schema.json` and the SARIF
//! against the published SARIF 2.1.0 schema (`docs/schema/external/`).

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use crate::{TempFile, redbridge, root};

const SEED: &str = "examples/seed-article.sql";
const CLEAN: &str = "crates/redbridge-cli/tests/fixtures/lint/clean.sql";
const WARNING: &str = "crates/redbridge-cli/tests/fixtures/lint/warning.sql";

/// Standard output of a run that must exit with `code`.
fn stdout_with_code(args: &[&str], code: i32) -> String {
    let output = redbridge(args);
    assert_eq!(output.status.code(), Some(code), "redbridge {args:?}:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Standard error of a run that must exit 2 (usage or input error), with nothing on stdout.
fn usage_error(args: &[&str]) -> String {
    let output = redbridge(args);
    assert_eq!(output.status.code(), Some(2), "redbridge {args:?}:\n{}", String::from_utf8_lossy(&output.stdout));
    assert!(output.stdout.is_empty(), "redbridge {args:?} printed a report");
    String::from_utf8(output.stderr).expect("utf-8 output")
}

/// The errors of `instance` against the schema at `schema_path` (from the workspace root).
fn schema_errors(schema_path: &str, instance: &str) -> Vec<String> {
    let schema_text = std::fs::read_to_string(root().join(schema_path)).expect("the schema is in the repository");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("the schema is JSON");
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles");
    let instance: serde_json::Value = serde_json::from_str(instance).expect("the output is JSON");
    validator.iter_errors(&instance).map(|error| format!("{}: {error}", error.instance_path())).collect()
}

#[test]
fn many_files_and_globs_are_checked_in_the_order_given_each_once() {
    let glob = "crates/redbridge-cli/tests/fixtures/lint/*.sql";
    let stdout = stdout_with_code(&["lint", "-o", "json", WARNING, SEED, glob, "./examples/seed-article.sql"], 1);
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(document["files"], serde_json::json!([WARNING, SEED, CLEAN]));
    let files_of_statements: Vec<&str> =
        document["statements"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert_eq!(files_of_statements, [WARNING, SEED, SEED, SEED, CLEAN, CLEAN]);
}

#[test]
fn lint_exits_0_without_errors_even_with_warnings_and_1_with_an_error() {
    let text = stdout_with_code(&["lint", CLEAN, WARNING], 0);
    assert!(text.ends_with("ok: 0 errors, 1 warning in 3 statements of 2 files\n"), "{text}");
    let text = stdout_with_code(&["lint", CLEAN, SEED], 1);
    assert!(text.ends_with("failed: 1 error, 0 warnings in 5 statements of 2 files\n"), "{text}");
}

#[test]
fn a_glob_that_matches_nothing_is_a_usage_error_naming_it() {
    let stderr = usage_error(&["lint", CLEAN, "sql/**/*.psql"]);
    assert_eq!(stderr, "error: glob `sql/**/*.psql` matches no file\n");
}

#[test]
fn a_missing_file_among_several_is_an_input_error_naming_it() {
    let stderr = usage_error(&["lint", CLEAN, "missing/unload.sql"]);
    assert!(stderr.starts_with("error: cannot read SQL file `missing/unload.sql`"), "{stderr}");
}

#[test]
fn standard_input_given_twice_is_a_usage_error() {
    let stderr = usage_error(&["lint", "-", CLEAN, "-"]);
    assert_eq!(stderr, "error: `-` (standard input) is given more than once\n");
}

/// Runs `redbridge lint ARGS` with `input` on standard input.
fn lint_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .arg("lint")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    child.wait_with_output().expect("the binary ends")
}

#[test]
fn standard_input_takes_its_place_among_the_files() {
    let seed = std::fs::read_to_string(root().join(SEED)).expect("seed");
    let output = lint_stdin(&["-o", "json", CLEAN, "-"], &seed);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(document["files"], serde_json::json!([CLEAN, "<stdin>"]));
    assert_eq!(schema_errors("docs/schema/lint.schema.json", &stdout), Vec::<String>::new());
    let output = lint_stdin(&["-o", "sarif", "-"], &seed);
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(schema_errors("docs/schema/external/sarif-schema-2.1.0.json", &stdout), Vec::<String>::new());
    let output = lint_stdin(&["-o", "github"], &seed);
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert!(stdout.starts_with("::error line=3,col=70,"), "{stdout}");
}

#[test]
fn the_spec_can_come_from_standard_input() {
    let spec = std::fs::read_to_string(root().join("examples/provisioned-copy.toml")).expect("spec");
    let from_file = redbridge(&["lint", "-o", "json", "--spec", "examples/provisioned-copy.toml", SEED]);
    let from_stdin = lint_stdin(&["-o", "json", "--spec", "-", SEED], &spec);
    assert_eq!(from_stdin.status.code(), from_file.status.code());
    assert_eq!(String::from_utf8_lossy(&from_stdin.stdout), String::from_utf8_lossy(&from_file.stdout));
    let both = lint_stdin(&["--spec", "-", "-"], &spec);
    assert_eq!(both.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert_eq!(stderr, "error: `-` (standard input) is given twice: the SQL and the spec (`--spec -`)\n");
}

#[test]
fn text_output_of_the_seed_article() {
    insta::assert_snapshot!("lint-text-seed", stdout_with_code(&["lint", SEED], 1));
}

#[test]
fn text_output_of_a_clean_file_and_a_warning() {
    insta::assert_snapshot!("lint-text-clean-and-warning", stdout_with_code(&["lint", CLEAN, WARNING], 0));
}

#[test]
fn text_output_is_coloured_only_when_asked_or_on_a_terminal() {
    let plain = stdout_with_code(&["lint", SEED], 1);
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    let coloured = stdout_with_code(&["--color", "always", "lint", SEED], 1);
    assert!(coloured.contains("\u{1b}["), "{coloured:?}");
    let without_escapes = strip_sgr(&coloured);
    assert_eq!(without_escapes, plain);
}

/// `text` without its SGR escape sequences (`ESC [ … m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find('m').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn json_output_of_the_seed_article_validates_against_its_schema() {
    let stdout = stdout_with_code(&["lint", "--output", "json", SEED], 1);
    assert_eq!(schema_errors("docs/schema/lint.schema.json", &stdout), Vec::<String>::new());
    insta::assert_snapshot!("lint-json-seed", stdout);
}

#[test]
fn json_output_of_a_clean_file_and_a_warning_validates_against_its_schema() {
    let stdout = stdout_with_code(&["lint", "-o", "json", CLEAN, WARNING], 0);
    assert_eq!(schema_errors("docs/schema/lint.schema.json", &stdout), Vec::<String>::new());
    insta::assert_snapshot!("lint-json-clean-and-warning", stdout);
}

#[test]
fn sarif_output_of_the_seed_article_validates_against_the_sarif_2_1_0_schema() {
    let stdout = stdout_with_code(&["lint", "-o", "sarif", SEED], 1);
    assert_eq!(schema_errors("docs/schema/external/sarif-schema-2.1.0.json", &stdout), Vec::<String>::new());
    insta::assert_snapshot!("lint-sarif-seed", stdout);
}

#[test]
fn sarif_output_of_a_clean_file_and_a_warning_validates_against_the_sarif_2_1_0_schema() {
    let stdout = stdout_with_code(&["lint", "-o", "sarif", CLEAN, WARNING], 0);
    assert_eq!(schema_errors("docs/schema/external/sarif-schema-2.1.0.json", &stdout), Vec::<String>::new());
    insta::assert_snapshot!("lint-sarif-clean-and-warning", stdout);
}

#[test]
fn a_clean_file_gives_an_empty_sarif_run_and_only_the_github_summary() {
    let stdout = stdout_with_code(&["lint", "-o", "sarif", CLEAN], 0);
    assert_eq!(schema_errors("docs/schema/external/sarif-schema-2.1.0.json", &stdout), Vec::<String>::new());
    let log: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], serde_json::json!([]));
    let github = stdout_with_code(&["lint", "-o", "github", CLEAN], 0);
    assert_eq!(github, "ok: 0 errors, 0 warnings in 2 statements\n");
}

#[test]
fn the_sarif_schema_check_rejects_a_log_that_breaks_it() {
    // The check is not vacuous: a level SARIF does not define and a column of 0 are reported.
    let stdout = stdout_with_code(&["lint", "-o", "sarif", SEED], 1);
    let broken = stdout
        .replace("\"level\": \"error\"", "\"level\": \"fatal\"")
        .replace("\"startColumn\": 70", "\"startColumn\": 0");
    let errors = schema_errors("docs/schema/external/sarif-schema-2.1.0.json", &broken);
    assert!(errors.iter().any(|e| e.contains("/level") && e.contains("fatal")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("/startColumn")), "{errors:#?}");
}

#[test]
fn sarif_rules_name_each_code_used_once_with_its_description() {
    let stdout =
        stdout_with_code(&["lint", "-o", "sarif", SEED, WARNING, "crates/redbridge-sql/tests/fixtures/valid/*.sql"], 1);
    let log: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["RB-SQL-001", "RB-SQL-029"]);
    for (index, result) in run["results"].as_array().unwrap().iter().enumerate() {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"], "result {index}");
        assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn github_output_of_the_seed_article() {
    insta::assert_snapshot!("lint-github-seed", stdout_with_code(&["lint", "-o", "github", SEED], 1));
}

#[test]
fn github_output_of_a_clean_file_and_a_warning() {
    insta::assert_snapshot!(
        "lint-github-clean-and-warning",
        stdout_with_code(&["lint", "-o", "github", CLEAN, WARNING], 0)
    );
}

#[test]
fn github_output_escapes_a_file_name_as_a_property() {
    let file = TempFile::new("daily,unload:v2.sql", b"COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'x y';\n");
    let stdout = stdout_with_code(&["lint", "-o", "github", file.arg()], 1);
    let escaped = file.arg().replace(',', "%2C").replace(':', "%3A");
    assert!(stdout.starts_with(&format!("::error file={escaped},line=1,")), "{stdout}");
}

#[test]
fn json_errors_under_the_short_output_flag_are_json_too() {
    let output = redbridge(&["lint", "-o", "json", "no/such/*.sql"]);
    assert_eq!(output.status.code(), Some(2));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON error");
    assert_eq!(document["error"]["message"], "glob `no/such/*.sql` matches no file");
}
