//! `redbridge test` as users run it: its flags, and the errors it gives before touching AWS.

use crate::{TempFile, stderr_err, stdout_ok};

#[test]
fn help_lists_the_data_api_flags_and_exit_codes() {
    let help = stdout_ok(&["test", "--help"]);
    for flag in [
        "--database <DATABASE>",
        "--secret-arn <ARN>",
        "--sql <STMT>",
        "--timeout <SECONDS>",
        "--db-user <USER>",
        "--workgroup",
        "--cluster",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    assert!(help.contains("Exit codes:\n  0    the round trip (or `--sql`) succeeded"), "{help}");
}

#[test]
fn bad_input_is_refused_before_any_aws_call() {
    let (code, err) = stderr_err(&["test", "--spec", "examples/serverless-unload-kms.toml", "--sql", " "]);
    assert_eq!(code, 2);
    assert!(err.contains("`--sql` is empty"), "{err}");
    let (code, err) = stderr_err(&["test", "--spec", "examples/serverless-unload-kms.toml", "--timeout", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'soon'"), "{err}");
    let (code, err) = stderr_err(&["test", "--spec", "does-not-exist.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read spec file `does-not-exist.toml`"), "{err}");
}

/// Columnar COPY reads only a bucket in Redshift's region and refuses REGION: a Parquet round
/// trip that would COPY across regions is refused up front, naming both regions, before any
/// AWS call (none is configured here).
#[test]
fn a_parquet_copy_across_regions_is_refused_up_front() {
    let spec = TempFile::new(
        "parquet-cross-region.toml",
        br#"redshift_account = "111111111111"
s3_account = "222222222222"
bucket = "acme-analytics-exports"
access = "copy"
cluster = "analytics"
region = "us-east-1"
bucket_region = "eu-west-1"
format = "parquet"
"#,
    );
    let (code, err) = stderr_err(&["test", "--spec", spec.arg()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "COPY from PARQUET cannot read a bucket in another region (bucket `eu-west-1`, Redshift `us-east-1`)"
        ),
        "{err}"
    );
}
