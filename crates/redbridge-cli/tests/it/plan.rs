//! `redbridge plan`: snapshots of the runbook and JSON for each snapshot spec, and the errors.

use redbridge_iam::policy::PolicyDocument;

use crate::schema::assert_matches_schema;
use crate::{stderr_err, stdout_ok};

/// The snapshot specs: every shape of setup the plan must get right.
const SPECS: [&str; 6] = [
    "examples/provisioned-copy.toml",
    "examples/serverless-unload-kms.toml",
    "tests/specs/both-two-prefixes.toml",
    "tests/specs/cross-region-csv.toml",
    "tests/specs/three-role-chain.toml",
    "tests/specs/same-account.toml",
];

fn name(spec: &str) -> String {
    spec.rsplit('/').next().unwrap_or(spec).trim_end_matches(".toml").to_owned()
}

#[test]
fn plan_text_snapshots() {
    for spec in SPECS {
        let text = stdout_ok(&["plan", "--spec", spec]);
        insta::assert_snapshot!(format!("plan-text-{}", name(spec)), text);
    }
}

#[test]
fn plan_json_snapshots_hold_policies_as_objects() {
    for spec in SPECS {
        let out = stdout_ok(&["plan", "--spec", spec, "--output", "json"]);
        assert_matches_schema("plan.schema.json", &out);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        for account in json["accounts"].as_array().unwrap() {
            for step in account["steps"].as_array().unwrap() {
                for key in ["trust_policy", "policy"] {
                    if let Some(policy) = step.get(key) {
                        assert!(policy.is_object(), "{spec}: {key} is not an object");
                        PolicyDocument::from_value(policy.clone()).unwrap();
                    }
                }
            }
        }
        insta::assert_json_snapshot!(format!("plan-json-{}", name(spec)), json);
    }
}

#[test]
fn flags_give_the_same_plan_as_the_spec_file() {
    let from_flags = stdout_ok(&[
        "plan",
        "--redshift-account",
        "111111111111",
        "--s3-account",
        "222222222222",
        "--bucket",
        "acme-analytics-exports",
        "--prefix",
        "unload/daily/",
        "--access",
        "unload",
        "--kms-key",
        "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "--workgroup",
        "analytics-wg",
        "--namespace",
        "analytics-ns",
        "--region",
        "eu-west-1",
        "--db-user",
        "etl_user",
        "--output",
        "json",
    ]);
    let from_file = stdout_ok(&["plan", "--spec", "examples/serverless-unload-kms.toml", "--output", "json"]);
    assert_matches_schema("plan.schema.json", &from_flags);
    let mut flags: serde_json::Value = serde_json::from_str(&from_flags).unwrap();
    let file: serde_json::Value = serde_json::from_str(&from_file).unwrap();
    // The file names a table; the flags have no table flag and use the default.
    assert_eq!(flags["spec"]["table"], "public.example");
    flags["spec"]["table"] = file["spec"]["table"].clone();
    assert_eq!(flags["accounts"], file["accounts"]);
    assert_eq!(flags["chain"], file["chain"]);
}

#[test]
fn flags_override_the_spec_file() {
    let json = stdout_ok(&["plan", "--spec", "examples/provisioned-copy.toml", "--access", "both", "--output", "json"]);
    assert_matches_schema("plan.schema.json", &json);
    let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(plan["spec"]["access"], "both");
}

#[test]
fn bad_input_says_what_and_where() {
    let base =
        ["plan", "--s3-account", "222222222222", "--bucket", "acme-data", "--cluster", "c1", "--region", "us-east-1"];
    let with =
        |extra: &[&'static str]| -> Vec<&'static str> { base.iter().copied().chain(extra.iter().copied()).collect() };

    let (code, err) = stderr_err(&with(&["--redshift-account", "12345678901"]));
    assert_eq!(code, 2);
    insta::assert_snapshot!("error-bad-account", err);

    let (_, err) = stderr_err(&with(&[
        "--redshift-account",
        "111111111111",
        "--kms-key",
        "arn:aws:kms:us-east-1:222222222222:alias/s3-data",
    ]));
    insta::assert_snapshot!("error-alias-as-key", err);

    let (_, err) = stderr_err(&with(&["--redshift-account", "111111111111", "--kms-key", "alias/aws/s3"]));
    assert!(err.contains("an alias is not a key ARN"), "{err}");

    let (_, err) = stderr_err(&["plan", "--spec", "examples/provisioned-copy.toml", "--bucket", "Acme_Data"]);
    insta::assert_snapshot!("error-bad-bucket", err);

    let (_, err) = stderr_err(&[
        "plan",
        "--spec",
        "examples/provisioned-copy.toml",
        "--region",
        "cn-north-1",
        "--bucket-region",
        "us-east-1",
    ]);
    assert!(err.contains("a chain cannot cross partitions"), "{err}");

    let (_, err) = stderr_err(&["plan", "--redshift-account", "111111111111"]);
    assert!(err.contains("`s3_account`: is required"), "{err}");
}

#[test]
fn csv_across_regions_plans_with_region() {
    let text = stdout_ok(&["plan", "--spec", "tests/specs/cross-region-csv.toml"]);
    assert!(text.contains("REGION 'eu-central-1'"), "{text}");
}

#[test]
fn parquet_copy_across_regions_is_refused() {
    let dir = std::env::temp_dir().join(format!("redbridge-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("parquet.toml");
    let text = std::fs::read_to_string(crate::root().join("tests/specs/cross-region-csv.toml")).unwrap();
    std::fs::write(&spec, text.replace("format = \"csv\"", "format = \"parquet\"")).unwrap();
    let (code, err) = stderr_err(&["plan", "--spec", spec.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("COPY from PARQUET cannot read a bucket in another region"), "{err}");
    assert!(err.contains("rejects REGION"), "{err}");
}

#[test]
fn malformed_spec_file_reports_line() {
    let dir = std::env::temp_dir().join(format!("redbridge-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bad.toml");
    std::fs::write(&spec, "redshift_account = \"111111111111\"\nbuckett = \"x\"\n").unwrap();
    let (_, err) = stderr_err(&["plan", "--spec", spec.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        err.starts_with(&format!("error: {}:2:1: unknown field `buckett`, expected one of", spec.display())),
        "{err}"
    );
}

#[test]
fn same_account_says_no_chain_is_needed() {
    let text = stdout_ok(&["plan", "--spec", "tests/specs/same-account.toml"]);
    assert!(text.contains("no chain is needed"), "{text}");
    assert!(text.contains("Role chain (1 role)"), "{text}");
}

#[test]
fn role_names_with_a_comma_are_refused() {
    let (_, err) = stderr_err(&["plan", "--spec", "examples/provisioned-copy.toml", "--cluster-role-name", "a,b"]);
    assert!(err.contains("`cluster_role_name`") && err.contains("separator between chained roles"), "{err}");
}
