//! Every command's `--help` as users read it (snapshots), every example those helps give runs
//! with the flags it shows, and the completion scripts and man pages the CLI generates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::root;

/// Every command path.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["plan"],
    &["apply"],
    &["test"],
    &["doctor"],
    &["audit"],
    &["sql"],
    &["sql", "copy"],
    &["sql", "unload"],
    &["lint"],
    &["explain"],
    &["destroy"],
    &["completions"],
    &["man"],
];

/// Runs the binary with a fixed help width (100 columns, clap's cap) and no terminal.
fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("the redbridge binary runs")
}

fn help(path: &[&str], flag: &str) -> String {
    let args: Vec<&str> = path.iter().copied().chain([flag]).collect();
    let output = run(&args, &root());
    assert!(output.status.success(), "redbridge {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "help writes nothing to standard error");
    String::from_utf8(output.stdout).expect("utf-8 help")
}

fn snapshot_name(path: &[&str]) -> String {
    if path.is_empty() { "help-redbridge".to_owned() } else { format!("help-{}", path.join("-")) }
}

#[test]
fn every_command_help_matches_its_snapshot() {
    for path in COMMANDS {
        insta::assert_snapshot!(snapshot_name(path), help(path, "--help"));
    }
    insta::assert_snapshot!("help-redbridge-short", help(&[], "-h"));
}

#[test]
fn the_top_help_says_what_redbridge_is_for_and_lists_every_exit_code() {
    let text = help(&[], "--help");
    assert!(text.starts_with("Set up, prove and diagnose Amazon Redshift COPY and UNLOAD"), "{text}");
    assert!(!text.contains("parse, resolve settings"), "no developer text: {text}");
    for code in ["0", "1", "2", "3", "4", "141"] {
        assert!(
            text.lines().any(|line| line.trim_start().starts_with(&format!("{code} "))),
            "exit code {code}: {text}"
        );
    }
}

#[test]
fn every_command_has_examples_and_its_exit_codes() {
    for path in COMMANDS {
        let text = help(path, "--help");
        assert!(text.contains("\nExamples:\n  "), "redbridge {path:?} --help has no example:\n{text}");
        assert!(text.contains("\nExit codes:\n  0 "), "redbridge {path:?} --help has no exit codes:\n{text}");
        assert!(text.contains("\n  2    usage or input error"), "redbridge {path:?}: usage errors:\n{text}");
        assert!(text.contains("runtime or AWS error"), "redbridge {path:?}: runtime errors:\n{text}");
    }
}

/// The examples of a help text, a `\` at a line's end continuing it on the next line.
fn examples(text: &str) -> Vec<String> {
    let Some((_, rest)) = text.split_once("\nExamples:\n") else { return Vec::new() };
    let mut examples: Vec<String> = Vec::new();
    let mut continued = false;
    for line in rest.lines().take_while(|line| !line.is_empty()) {
        let line = line.trim();
        match examples.last_mut() {
            Some(last) if continued => last.push_str(line.trim_end_matches('\\')),
            _ => examples.push(line.trim_end_matches('\\').to_owned()),
        }
        continued = line.ends_with('\\');
    }
    examples
}

/// A scratch directory with `examples` linked to the repository's, so that the examples run as
/// written and anything they write stays there; `HOME` points into it too.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("redbridge-help-examples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in [".zfunc", ".config/fish/completions", "home"] {
        std::fs::create_dir_all(dir.join(sub)).expect("scratch dir");
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(root().join("examples"), dir.join("examples")).expect("examples link");
    dir
}

/// Every example runs with the flags it shows: offline ones succeed (or report what they
/// found), the ones that reach AWS fail as runtime errors against a closed port, never as
/// usage errors.
#[test]
fn every_example_in_every_help_runs() {
    let dir = scratch();
    let bin = Path::new(env!("CARGO_BIN_EXE_redbridge")).parent().expect("bin dir").to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut ran = 0;
    for command in COMMANDS {
        for example in examples(&help(command, "--help")) {
            assert!(
                example.starts_with("redbridge ")
                    || example.contains("| redbridge ")
                    || example.contains("(redbridge ")
            );
            let output = Command::new("bash")
                .args(["-c", &format!("set -eo pipefail; {example}")])
                .current_dir(&dir)
                .env("PATH", &path)
                .env("HOME", &dir)
                .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", "example-secret")
                .env("AWS_MAX_ATTEMPTS", "1")
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env("AWS_CONFIG_FILE", dir.join("aws-config"))
                .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"))
                .env_remove("AWS_PROFILE")
                .stdin(Stdio::null())
                .output()
                .expect("bash runs");
            let code = output.status.code();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reaches_aws = ["apply", "destroy", "test", "doctor", "audit"]
                .iter()
                .any(|command| example.starts_with(&format!("redbridge {command} ")))
                && !example.contains("--snapshot")
                && !example.contains("--world")
                && !example.contains("--print-policy");
            let expected: &[i32] = if reaches_aws {
                &[4]
            } else if example.contains("serverless-broken")
                || example.starts_with("redbridge lint")
                || example.contains("audit.world.json")
            {
                &[1]
            } else {
                &[0]
            };
            assert!(
                code.is_some_and(|code| expected.contains(&code)),
                "`{example}` exited {code:?}, expected one of {expected:?}:\n{stderr}"
            );
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} examples ran");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_are_printed_for_every_shell_and_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = run(&["completions", shell], &root());
        assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
        let script = String::from_utf8(output.stdout).expect("utf-8 script");
        for word in ["plan", "doctor", "unload", "snapshot", "color"] {
            assert!(script.contains(word), "{shell} completion lacks `{word}`");
        }
    }
    assert_eq!(run(&["completions", "tcsh"], &root()).status.code(), Some(2));
}

#[test]
fn man_prints_the_top_page_or_writes_one_page_per_command() {
    let output = run(&["man"], &root());
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).expect("utf-8 page");
    assert!(page.contains(".TH redbridge 1"), "{page}");
    assert!(page.contains("Set up, prove and diagnose"), "{page}");

    let dir = std::env::temp_dir().join(format!("redbridge-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = run(&["man", "--out-dir", dir.to_str().expect("utf-8 path")], &root());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .expect("the out dir")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "redbridge-apply.1",
            "redbridge-audit.1",
            "redbridge-completions.1",
            "redbridge-destroy.1",
            "redbridge-doctor.1",
            "redbridge-explain.1",
            "redbridge-lint.1",
            "redbridge-man.1",
            "redbridge-plan.1",
            "redbridge-sql-copy.1",
            "redbridge-sql-unload.1",
            "redbridge-sql.1",
            "redbridge-test.1",
            "redbridge.1",
        ]
    );
    let copy = std::fs::read_to_string(dir.join("redbridge-sql-copy.1")).expect("the sql copy page");
    assert!(copy.contains(".TH redbridge-sql-copy 1") && copy.contains("\\-\\-from"), "{copy}");
    assert!(
        copy.contains(".SH \"EXAMPLES AND EXIT STATUS\"\n.nf\nExamples:\n  redbridge sql copy \\-\\-spec"),
        "{copy}"
    );
    assert!(page.contains(".SH VERSION"), "{page}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().filter(|line| line.starts_with("wrote `")).count(), 14, "{stderr}");
    let quiet = run(&["man", "-q", "--out-dir", dir.to_str().expect("utf-8 path")], &root());
    assert!(quiet.status.success() && quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
