//! A closed standard output (`redbridge plan | head -1`) ends every command quietly with exit
//! code 141 (128 + SIGPIPE, what the shell reports for a process SIGPIPE ended), not a panic. A
//! closed standard error loses the notes and errors written there, and changes nothing else.

use std::process::{Command, Stdio};

use crate::root;

/// Runs `redbridge` with its standard output a pipe whose reader closed before it started.
fn run_with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    run(args, Stdio::from(writer), Stdio::piped())
}

/// Runs `redbridge` with its standard error a pipe whose reader closed before it started.
fn run_with_closed_stderr(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    run(args, Stdio::piped(), Stdio::from(writer))
}

fn run(args: &[&str], stdout: Stdio, stderr: Stdio) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(args)
        .current_dir(root())
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-test")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("the binary runs")
        .wait_with_output()
        .expect("the binary ends")
}

#[test]
fn a_closed_stderr_loses_the_error_and_keeps_the_exit_code() {
    let spec = "examples/serverless-unload-kms.toml";
    // (arguments, exit code, whether standard output has the result)
    let cases: &[(&[&str], i32, bool)] = &[
        // Errors go to standard error only: before, `eprintln!` panicked there (exit 101).
        (&["plan", "--spec", "examples/no-such-spec.toml"], 2, false),
        (&["doctor", "--spec", spec, "--snapshot", "examples/no-such.snapshot.json"], 2, false),
        (&["plan", "--spec", spec], 0, true),
        (&["doctor", "--spec", spec, "--snapshot", "examples/serverless-broken.snapshot.json"], 1, true),
    ];
    for (args, code, has_output) in cases {
        let output = run_with_closed_stderr(args);
        assert_eq!(output.status.code(), Some(*code), "redbridge {args:?}");
        assert_eq!(!output.stdout.is_empty(), *has_output, "redbridge {args:?}");
    }
}

#[test]
fn a_closed_stdout_ends_every_command_quietly_with_141() {
    let spec = "examples/serverless-unload-kms.toml";
    let snapshot = "examples/serverless-broken.snapshot.json";
    let commands: &[&[&str]] = &[
        &["plan", "--spec", spec],
        &["plan", "--spec", spec, "--output", "json"],
        &["plan", "--spec", spec, "--format", "terraform"],
        &[
            "sql",
            "unload",
            "--spec",
            spec,
            "--query",
            "SELECT 1",
            "--to",
            "s3://acme-analytics-exports/unload/daily/x_",
        ],
        &["lint", "examples/seed-article.sql"],
        &["doctor", "--spec", spec, "--snapshot", snapshot],
    ];
    for args in commands {
        let output = run_with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "redbridge {args:?}: {stderr}");
        assert_eq!(stderr, "", "redbridge {args:?} ends quietly");
    }
}
