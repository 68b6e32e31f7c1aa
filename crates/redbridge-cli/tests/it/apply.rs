//! `redbridge apply` and `destroy` as users run them: flags, the account check against a
//! loopback STS stand-in, and no credential in any output even with debug logs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::time::Duration;

use crate::{redbridge, root};

const ACCESS_KEY: &str = "AKIAREDBRIDGETEST0001";
const SECRET_KEY: &str = "redbridgeSecretKeyThatMustNeverAppear0001";
const SESSION_TOKEN: &str = "redbridgeSessionTokenThatMustNeverAppear0001";

/// Answers every request with STS `GetCallerIdentity` for `account`, at most `limit` times,
/// then stops by itself.
fn fake_sts(account: &'static str, limit: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let xml = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
                 <Arn>arn:aws:iam::{account}:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>{account}</Account>\
                 </GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            );
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            );
        }
    });
    port
}

fn with_secrets(args: &[&str], port: u16, log: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(args)
        .current_dir(root())
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("REDBRIDGE_LOG", log)
        .output()
        .expect("the redbridge binary runs")
}

#[test]
fn apply_and_destroy_document_their_flags() {
    for command in ["apply", "destroy"] {
        let output = redbridge(&[command, "--help"]);
        let help = String::from_utf8(output.stdout).unwrap();
        for flag in ["--redshift-profile", "--s3-profile", "--hop-profile", "--dry-run", "--yes", "--output", "--spec"]
        {
            assert!(help.contains(flag), "`{command} --help` lacks {flag}");
        }
        assert_eq!(help.contains("--adopt"), command == "apply");
    }
}

#[test]
fn apply_refuses_credentials_of_another_account_before_any_change() {
    let port = fake_sts("999999999999", 4);
    let output = with_secrets(&["apply", "--spec", "examples/serverless-unload-kms.toml", "--yes"], port, "off");
    // Credentials of the wrong account are a runtime error (4), not a usage error.
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: the credentials for account `111111111111` belong to account `999999999999` (`arn:aws:iam::999999999999:user/alice`); \
         use the profile of account `111111111111`\n"
    );
}

#[test]
fn no_credential_appears_in_any_output_or_log_at_debug_and_trace() {
    for log in ["debug", "trace"] {
        for command in ["apply", "destroy"] {
            let port = fake_sts("999999999999", 4);
            let output =
                with_secrets(&[command, "--spec", "examples/serverless-unload-kms.toml", "--dry-run"], port, log);
            let text =
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            assert!(text.contains("belong to account `999999999999`"), "the run reached STS: {text}");
            if log == "debug" {
                assert!(text.contains("DEBUG"), "debug logs are on: {text}");
            }
            for secret in [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN] {
                assert!(!text.contains(secret), "`{secret}` leaked with {log} logs of `{command}`:\n{text}");
            }
        }
    }
}

#[test]
fn missing_credentials_are_reported_for_the_account_without_debug_dumps() {
    let output = Command::new(env!("CARGO_BIN_EXE_redbridge"))
        .args(["apply", "--spec", "examples/provisioned-copy.toml", "--dry-run"])
        .current_dir(root())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent/redbridge-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/redbridge-test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "missing credentials are a runtime error");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: cannot check the credentials for account `"), "{stderr}");
    assert!(stderr.contains("no credentials found"), "{stderr}");
    assert!(!stderr.contains("CredentialsNotLoaded {"), "no Debug dumps: {stderr}");
}

#[test]
fn plan_still_runs_without_any_aws_configuration() {
    let output = redbridge(&["plan", "--spec", "examples/provisioned-copy.toml"]);
    assert!(output.status.success());
}

#[test]
fn a_chain_through_a_third_account_needs_its_hop_profile_before_anything_is_read() {
    // No AWS configuration exists: the refusal comes before any credential is looked for.
    let output = redbridge(&["apply", "--spec", "tests/specs/three-role-chain.toml", "--yes"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the chain goes through account `333333333333`")
            && stderr.contains("--hop-profile 333333333333=PROFILE"),
        "{stderr}"
    );
    let output =
        redbridge(&["destroy", "--spec", "tests/specs/three-role-chain.toml", "--hop-profile", "33333333333=partner"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid account id `33333333333`: expected 12 digits"), "{stderr}");
}
