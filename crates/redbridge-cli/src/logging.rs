//! Logging for every command that talks to AWS: `REDBRIDGE_LOG=debug` shows what the SDK does,
//! on standard error, with every line through the redactor (the SDK's debug logs print access
//! key ids).

use std::io::IsTerminal;

/// Installs the subscriber once; later calls do nothing.
pub fn init() {
    // `REDBRIDGE_LOG=debug` shows what the SDK does; logs go to standard error.
    let filter = tracing_subscriber::EnvFilter::try_from_env("REDBRIDGE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    // The SDK's debug logs print access key ids: every line goes through the redactor.
    let secrets = redbridge_aws::redact::secrets_from_env();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || redbridge_aws::redact::RedactingWriter::new(std::io::stderr(), secrets.clone()))
        .with_ansi(std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal())
        .try_init();
}
