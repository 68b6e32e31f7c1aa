//! redbridge's exit codes, one table for every command (README "Exit codes" and every
//! command's `--help` say the same).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success: the plan printed, no lint error, doctor healthy, apply converged, test passed |
//! | 1 | the command ran and found a problem: a lint error, a broken hop, a denied decision, a failed test, a failed change |
//! | 2 | usage or input error: a bad flag, a malformed spec, ARN, policy, snapshot or SQL file, a missing file |
//! | 3 | doctor's verdict depends on state that could not be read |
//! | 4 | runtime or AWS error: AWS (or the emulator) unreachable, credentials refused, access denied, a write that failed |
//! | 141 | standard output was closed (`redbridge plan \| head -1`), as a shell reports SIGPIPE |

/// Success.
pub const SUCCESS: u8 = 0;
/// The command ran and found a problem.
pub const FINDINGS: u8 = 1;
/// A usage or input error.
pub const USAGE: u8 = 2;
/// doctor could not read all the state its verdict depends on.
pub const INCOMPLETE: u8 = 3;
/// A runtime or AWS error.
pub const RUNTIME: u8 = 4;

/// The whole table, for the top-level `--help`.
pub fn table() -> String {
    section(&[
        (SUCCESS, "success: plan printed, no lint error, doctor healthy, apply converged, test passed"),
        (FINDINGS, "the command ran and found a problem: lint error, broken hop, failed test or change"),
        (USAGE, "usage or input error: bad flag, malformed spec, snapshot or SQL, missing file"),
        (INCOMPLETE, "doctor: the verdict depends on state that could not be read"),
        (RUNTIME, "runtime or AWS error: endpoint unreachable, credentials refused, access denied"),
        (crate::output::STDOUT_CLOSED_EXIT, "standard output was closed (`redbridge plan | head -1`)"),
    ])
}

/// An "Exit codes:" section of a command's `--help`: `codes` is the command's own meaning of
/// each code it uses; usage (2) and runtime (4) errors are added when `codes` does not say them.
pub fn section(codes: &[(u8, &str)]) -> String {
    let mut text = String::from("Exit codes:");
    let mut all = codes.to_vec();
    for (code, meaning) in [(USAGE, "usage or input error"), (RUNTIME, "runtime or AWS error")] {
        if !all.iter().any(|(c, _)| *c == code) {
            all.push((code, meaning));
        }
    }
    all.sort_by_key(|(code, _)| *code);
    for (code, meaning) in all {
        text.push_str(&format!("\n  {code:<3}  {meaning}"));
    }
    text
}

/// `Examples:` and the exit codes, the `after_help` of a command.
pub fn after_help(examples: &[&str], codes: &[(u8, &str)]) -> String {
    let mut text = String::from("Examples:");
    for example in examples {
        text.push_str("\n  ");
        text.push_str(example);
    }
    text.push_str("\n\n");
    text.push_str(&section(codes));
    text
}

/// An error that is not the user's input: AWS or the emulator failed or refused, a write
/// failed. `main` exits [`RUNTIME`] for any error whose chain holds one, or holds a
/// [`redbridge_aws::AwsError`].
#[derive(Debug)]
pub struct RuntimeError(pub String);

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuntimeError {}

/// The kind of an error, as `--output json` names it and as it decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A usage or input error: exit 2.
    Usage,
    /// A runtime or AWS error: exit 4.
    Runtime,
}

impl ErrorKind {
    /// What an error is, from its chain of causes.
    pub fn of(error: &anyhow::Error) -> Self {
        let runtime = error.chain().any(|cause| {
            cause.is::<RuntimeError>() || cause.is::<redbridge_aws::AwsError>() || is_io_not_about_input(cause)
        });
        if runtime { Self::Runtime } else { Self::Usage }
    }

    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Usage => USAGE,
            Self::Runtime => RUNTIME,
        }
    }

    /// The name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Usage => "usage",
            Self::Runtime => "runtime",
        }
    }
}

/// An I/O error other than a missing or unreadable input file counts as a runtime error
/// (a full disk, a refused connection); reading input goes through `crate::input`, whose
/// errors name the file and stay usage errors.
fn is_io_not_about_input(cause: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind as K;
    cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
        matches!(
            io.kind(),
            K::ConnectionRefused
                | K::ConnectionReset
                | K::ConnectionAborted
                | K::TimedOut
                | K::StorageFull
                | K::WriteZero
                | K::HostUnreachable
                | K::NetworkUnreachable
        )
    })
}
