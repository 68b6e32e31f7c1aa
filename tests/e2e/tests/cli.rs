//! The `redbridge-e2e` command line: help and version exit 0, a bad flag or a non-loopback
//! service URL exits 2 before anything runs.

use std::process::{Command, Output};

fn e2e(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge-e2e"))
        .args(args)
        .env_remove("REDBRIDGE_E2E_AWS")
        .env_remove("REDBRIDGE_E2E_EMU")
        .output()
        .expect("running redbridge-e2e")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_exits_0_and_lists_every_command() {
    let output = e2e(&["--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let help = stdout(&output);
    for command in ["scenarios", "contracts", "demo", "smoke", "localstack-docker"] {
        assert!(help.contains(command), "`{command}` missing from:\n{help}");
    }
}

#[test]
fn a_commands_help_names_its_flags_and_their_environment_variables() {
    let output = e2e(&["scenarios", "--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let help = stdout(&output);
    for flag in ["--aws <URL>", "--emu <URL>", "--dir <DIR>", "--filter <TEXT>", "--work <DIR>", "--aws-cli <PATH>"] {
        assert!(help.contains(flag), "`{flag}` missing from:\n{help}");
    }
    for variable in ["REDBRIDGE_E2E_AWS", "REDBRIDGE_E2E_EMU", "REDBRIDGE_E2E_WORK", "REDBRIDGE_E2E_AWS_CLI"] {
        assert!(help.contains(variable), "`{variable}` missing from:\n{help}");
    }
}

#[test]
fn version_exits_0_with_the_package_version() {
    let output = e2e(&["--version"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), format!("redbridge-e2e {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_bad_flag_exits_2() {
    let output = e2e(&["contracts", "--aws", "http://127.0.0.1:1", "--emu", "http://127.0.0.1:2", "--nope"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--nope"), "{}", stderr(&output));
}

#[test]
fn a_missing_command_or_service_exits_2() {
    assert_eq!(e2e(&[]).status.code(), Some(2));
    let output = e2e(&["smoke", "--aws", "http://127.0.0.1:1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--emu <URL>"), "{}", stderr(&output));
}

#[test]
fn a_service_that_is_not_on_loopback_exits_2() {
    let output = e2e(&["smoke", "--aws", "https://iam.amazonaws.com", "--emu", "http://127.0.0.1:2"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("must be a loopback URL"), "{}", stderr(&output));
}

#[test]
fn the_flags_fall_back_to_environment_variables() {
    let missing = std::env::temp_dir().join(format!("redbridge-e2e-cli-{}-no-scenarios", std::process::id()));
    let with_environment = |emu: &str| {
        Command::new(env!("CARGO_BIN_EXE_redbridge-e2e"))
            .arg("demo")
            .env("REDBRIDGE_E2E_AWS", "http://127.0.0.1:1")
            .env("REDBRIDGE_E2E_EMU", emu)
            .env("REDBRIDGE_E2E_SCENARIOS", &missing)
            .output()
            .expect("running redbridge-e2e")
    };
    // The URLs parse from the environment, so the run starts and fails reading the scenarios
    // folder from the environment, before it touches a service.
    let output = with_environment("http://127.0.0.1:2");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains(&format!("reading `{}`", missing.display())), "{}", stderr(&output));
    // A value from the environment is checked like a flag's.
    let output = with_environment("ftp://elsewhere");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`ftp://elsewhere`"), "{}", stderr(&output));
}
