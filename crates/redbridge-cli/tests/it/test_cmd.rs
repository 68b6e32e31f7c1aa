//! `redbridge test` as users run it: its flags, and the errors it gives before touching AWS.

use crate::{stderr_err, stdout_ok};

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
