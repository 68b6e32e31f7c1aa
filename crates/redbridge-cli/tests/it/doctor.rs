//! `redbridge doctor --snapshot`: the report of a saved snapshot, its exit codes and errors.

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
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "broken");
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["RB112", "RB122"]);
    assert_eq!(report["findings"][1]["hop"]["kind"], "role");
}

#[test]
fn bad_snapshots_are_refused_clearly() {
    let (code, err) = stderr_err(&["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", "examples/serverless-unload-kms.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("the snapshot is not valid JSON"), "{err}");
    let (_, err) = stderr_err(&["doctor", "--spec", "examples/serverless-unload-kms.toml", "--snapshot", "does-not-exist.json"]);
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
    for flag in ["--save <FILE>", "--verbose", "--redshift-profile <PROFILE>", "--s3-profile <PROFILE>", "--snapshot <FILE>"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
