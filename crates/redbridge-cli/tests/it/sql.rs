//! `redbridge sql copy|unload`: statements from flags and from a spec.

use crate::{stderr_err, stdout_ok};

const A: &str = "arn:aws:iam::111111111111:role/ClusterRole";
const B: &str = "arn:aws:iam::222222222222:role/BucketRole";

#[test]
fn copy_from_flags_joins_the_chain_without_spaces() {
    let sql = stdout_ok(&[
        "sql",
        "copy",
        "--table",
        "sales.orders",
        "--from",
        "s3://acme-data/in/",
        "--iam-role",
        A,
        "--iam-role",
        B,
        "--option",
        "ignoreheader 1",
    ]);
    assert_eq!(
        sql.trim_end(),
        format!("COPY sales.orders FROM 's3://acme-data/in/' IAM_ROLE '{A},{B}' FORMAT AS CSV IGNOREHEADER AS 1;")
    );
}

#[test]
fn unload_escapes_quotes_in_the_query() {
    let sql = stdout_ok(&[
        "sql",
        "unload",
        "--query",
        "SELECT * FROM t WHERE name = 'O''Brien' OR note = 'it''s'",
        "--to",
        "s3://acme-data/out/t_",
        "--iam-role",
        A,
        "--iam-role",
        B,
        "--format",
        "parquet",
    ]);
    assert_eq!(
        sql.trim_end(),
        format!(
            "UNLOAD ('SELECT * FROM t WHERE name = ''O''''Brien'' OR note = ''it''''s''') TO 's3://acme-data/out/t_' IAM_ROLE '{A},{B}' FORMAT AS PARQUET;"
        )
    );
    let parsed = redbridge_sql::parse_statement(sql.trim_end().trim_end_matches(';')).unwrap();
    let redbridge_sql::Statement::Unload(unload) = parsed else { panic!("not an unload") };
    assert_eq!(unload.query, "SELECT * FROM t WHERE name = 'O''Brien' OR note = 'it''s'");
}

#[test]
fn unload_from_spec_uses_its_chain_and_key() {
    let json = stdout_ok(&[
        "sql",
        "unload",
        "--query",
        "SELECT 1",
        "--to",
        "s3://acme-analytics-exports/unload/daily/x_",
        "--spec",
        "examples/serverless-unload-kms.toml",
        "--output",
        "json",
    ]);
    crate::schema::assert_matches_schema("sql.schema.json", &json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["kind"], "unload");
    assert_eq!(value["iam_roles"].as_array().unwrap().len(), 2);
    let sql = value["sql"].as_str().unwrap();
    assert!(
        sql.contains(
            "KMS_KEY_ID 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' ENCRYPTED"
        ),
        "{sql}"
    );
}

#[test]
fn bad_flags_are_refused_precisely() {
    let (code, err) =
        stderr_err(&["sql", "copy", "--table", "t", "--from", "s3://acme-data/x", "--iam-role", "ClusterRole"]);
    assert_eq!(code, 2);
    assert!(err.contains("`--iam-role` #1") && err.contains("looks like a role name"), "{err}");
    let (_, err) = stderr_err(&["sql", "copy", "--table", "t", "--from", "s3://Acme/x", "--iam-role", A]);
    assert!(err.contains("`--from`") && err.contains("uppercase"), "{err}");
    let (_, err) = stderr_err(&["sql", "copy", "--table", "t", "--from", "s3://acme-data/x"]);
    assert!(err.contains("--iam-role ARN"), "{err}");
    let (_, err) = stderr_err(&[
        "sql",
        "copy",
        "--table",
        "t",
        "--from",
        "s3://acme-data/x",
        "--iam-role",
        A,
        "--option",
        "IGNOREHEADER 'x",
    ]);
    assert!(err.contains("does not fit the statement"), "{err}");
}
