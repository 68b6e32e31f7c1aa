//! JSON as a contract: outputs not covered elsewhere match their schemas under `docs/schema/`,
//! the spec files match `spec.schema.json`, and an invalid spec is refused by the schema and
//! by redbridge naming the same field.

use crate::schema::{assert_matches_schema, schema_error_fields, schema_errors};
use crate::{TempFile, redbridge, root};

/// A spec file's TOML as the JSON the schema judges.
fn spec_json(text: &str) -> serde_json::Value {
    toml::from_str(text).unwrap_or_else(|e| panic!("not TOML: {e}\n{text}"))
}

/// The TOML spec files of `dir` (relative to the workspace root).
fn spec_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list `{dir}`: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_spec_points_editors_at_the_schema_and_matches_it() {
    let examples = spec_files("examples");
    assert!(examples.len() >= 2, "{examples:?}");
    for path in examples {
        let text = std::fs::read_to_string(&path).expect("spec file");
        assert_eq!(
            text.lines().next(),
            Some("#:schema ../docs/schema/spec.schema.json"),
            "`{}` must start with the schema directive",
            path.display()
        );
        let errors = schema_errors("spec.schema.json", &spec_json(&text));
        assert!(errors.is_empty(), "`{}`: {errors:?}", path.display());
        // The directive is a TOML comment: redbridge reads the file as before.
        let output = redbridge(&["plan", "--spec", path.to_str().expect("utf-8"), "--output", "json"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
}

#[test]
fn every_spec_redbridge_plans_in_the_tests_matches_the_schema() {
    for path in spec_files("tests/specs") {
        let text = std::fs::read_to_string(&path).expect("spec file");
        let errors = schema_errors("spec.schema.json", &spec_json(&text));
        assert!(errors.is_empty(), "`{}`: {errors:?}", path.display());
    }
}

#[test]
fn an_invalid_spec_is_refused_by_the_schema_and_by_redbridge_at_the_same_field() {
    let valid = std::fs::read_to_string(root().join("examples/provisioned-copy.toml")).expect("example");
    let cases: [(&str, String, &str); 7] = [
        ("bad account id", valid.replace("\"111111111111\"", "\"11111111111\""), "redshift_account"),
        ("account id with dashes", valid.replace("\"222222222222\"", "\"2222-2222-2222\""), "s3_account"),
        ("unknown key", format!("{valid}colour = \"red\"\n"), "colour"),
        ("missing bucket", valid.replace("bucket = \"acme-analytics-exports\"\n", ""), "bucket"),
        ("bucket with uppercase", valid.replace("acme-analytics-exports", "Acme-Exports"), "bucket"),
        ("wildcard prefix", valid.replace("[\"sales/\"]", "[\"sales/*\"]"), "prefixes"),
        (
            "alias as key",
            valid.replace("cluster =", "kms_key = \"arn:aws:kms:us-east-1:222222222222:alias/exports\"\ncluster ="),
            "kms_key",
        ),
    ];
    for (what, text, field) in cases {
        assert_eq!(schema_error_fields("spec.schema.json", &spec_json(&text)), [field], "{what}: the schema");
        let file = TempFile::new(&format!("invalid-{}.toml", what.replace(' ', "-")), text.as_bytes());
        let output = redbridge(&["plan", "--spec", file.arg()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains(&format!("`{field}`")), "{what}: redbridge does not name `{field}`: {stderr}");
    }
}

#[test]
fn explain_json_lines_match_the_schema_for_decisions_and_bad_inputs() {
    let input = TempFile::new(
        "explain-contract.jsonl",
        br#"{"principal":"redshift.amazonaws.com","action":"sts:AssumeRole","resource":"arn:aws:iam::111111111111:role/C"}
{}
{"principal":"arn:aws:iam::111111111111:user/U","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resource_account":"111111111111","identity_policies":[{"Version":"2012-10-17","Statement":[{"Sid":"NoRead","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}]}
"#,
    );
    let output = redbridge(&["explain", "--input", input.arg(), "--output", "json"]);
    assert_eq!(output.status.code(), Some(1), "one input is malformed");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert_matches_schema("explain.schema.json", &stdout);
}

#[test]
fn errors_under_output_json_match_the_error_schema() {
    for args in [
        &["plan", "--spec", "no-such-spec.toml", "--output", "json"][..],
        &["plan", "--no-such-flag", "--output", "json"],
        &["doctor", "--spec", "examples/provisioned-copy.toml", "--snapshot", "no-such.json", "--output", "json"],
    ] {
        let output = redbridge(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_matches_schema("error.schema.json", std::str::from_utf8(&output.stdout).expect("utf-8"));
    }
}

#[test]
fn every_schema_is_draft_2020_12_with_an_id_a_title_and_a_description() {
    let mut names: Vec<String> = std::fs::read_dir(crate::schema::schema_dir())
        .expect("docs/schema")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    names.sort();
    let expected = ["apply", "destroy", "doctor", "error", "explain", "plan", "snapshot", "spec", "sql", "test"]
        .map(|n| format!("{n}.schema.json"));
    for name in &expected {
        assert!(names.contains(name), "docs/schema/{name} is missing");
    }
    let readme = std::fs::read_to_string(crate::schema::schema_dir().join("README.md")).expect("docs/schema/README.md");
    for name in &names {
        crate::schema::validator(name);
        assert!(readme.contains(&format!("`{name}`")), "docs/schema/README.md does not list `{name}`");
    }
    for name in &expected {
        let text = std::fs::read_to_string(crate::schema::schema_dir().join(name)).expect("schema");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(schema["$id"], format!("urn:redbridge:schema:{}", name.trim_end_matches(".schema.json")));
        for key in ["title", "description"] {
            assert!(schema[key].as_str().is_some_and(|s| !s.is_empty()), "{name} has no {key}");
        }
    }
}

#[test]
fn the_example_snapshot_matches_the_snapshot_schema() {
    for path in
        ["examples/serverless-broken.snapshot.json", "crates/redbridge-cli/tests/fixtures/serverless-sql.snapshot.json"]
    {
        let text = std::fs::read_to_string(root().join(path)).expect("snapshot");
        assert_matches_schema("snapshot.schema.json", &text);
    }
}

#[test]
fn the_output_schemas_refuse_a_missing_version_an_unknown_field_and_a_fix_in_prose() {
    let output = redbridge(&[
        "doctor",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--snapshot",
        "examples/serverless-broken.snapshot.json",
        "--output",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(schema_errors("doctor.schema.json", &report).is_empty());
    let mut unversioned = report.clone();
    unversioned.as_object_mut().expect("object").remove("schema_version");
    assert_eq!(schema_error_fields("doctor.schema.json", &unversioned), ["schema_version"]);
    let mut extra = report.clone();
    extra["findings"][0]["fixed"] = true.into();
    assert_eq!(schema_error_fields("doctor.schema.json", &extra), ["findings"]);
    let mut prose = report;
    prose["findings"][0]["fix"] = "put this statement in the trust policy:\n{\"Effect\":\"Allow\"}".into();
    assert_eq!(schema_error_fields("doctor.schema.json", &prose), ["findings"]);
}
