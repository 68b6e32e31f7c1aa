//! `redbridge-emu`: the Redshift emulator as a standalone process beside LocalStack.
//!
//! `redbridge-emu --aws-endpoint http://127.0.0.1:4566 --listen 127.0.0.1:PORT` prints the bound
//! address on stdout once it answers HTTP, then serves until interrupted. `--fake-aws` stands it
//! on in-memory fakes instead (`cargo xtask soak` runs it so, without LocalStack). Every flag
//! also reads a `REDBRIDGE_EMU_*` variable; addresses off loopback need `--allow-remote` (in a
//! container: `crates/redbridge-emu/Dockerfile`).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use redbridge_aws::fake::FakeAws;
use redbridge_aws::sdk::SdkConnector;
use redbridge_emu::{Config, Emulator};
use redbridge_iam::Region;

/// A stateful Redshift emulator (control plane, serverless, Data API, COPY/UNLOAD) standing on
/// LocalStack for IAM, STS, S3 and KMS. Prints the bound address on stdout once it answers HTTP.
#[derive(Debug, Parser)]
#[command(name = "redbridge-emu", version)]
struct Args {
    /// LocalStack (IAM, STS, S3, KMS): a loopback URL unless `--allow-remote`.
    #[arg(long, env = "REDBRIDGE_EMU_AWS_ENDPOINT", value_name = "URL", default_value = "http://127.0.0.1:4566")]
    aws_endpoint: String,
    /// The address to serve on (port 0: a free port): a loopback address unless `--allow-remote`.
    #[arg(long, env = "REDBRIDGE_EMU_LISTEN", value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Allow a `--listen` address and an `--aws-endpoint` off loopback (in a container, beside a
    /// CI job). Anyone who reaches the address drives the emulator: it verifies no signature.
    #[arg(long, env = "REDBRIDGE_EMU_ALLOW_REMOTE")]
    allow_remote: bool,
    /// The default region for bucket lookups.
    #[arg(long, env = "REDBRIDGE_EMU_REGION", value_name = "REGION", default_value = "us-east-1", value_parser = parse_region)]
    region: Region,
    /// How long attached roles stay `adding`, in milliseconds.
    #[arg(long, env = "REDBRIDGE_EMU_ROLE_APPLY_DELAY_MS", value_name = "N", default_value_t = 2000)]
    role_apply_delay_ms: u64,
    /// Time in each of SUBMITTED, PICKED and STARTED, in milliseconds.
    #[arg(long, env = "REDBRIDGE_EMU_STATEMENT_STEP_MS", value_name = "N", default_value_t = 20)]
    statement_step_ms: u64,
    /// Stand on in-memory fakes of IAM, STS, S3 and KMS (empty at start) instead of
    /// LocalStack (`--aws-endpoint` is then unused): for load and soak runs.
    #[arg(long, env = "REDBRIDGE_EMU_FAKE_AWS")]
    fake_aws: bool,

    // HTTP bounds (issue 18).
    /// How many connections are served at once; more wait in the kernel's accept queue.
    #[arg(long, env = "REDBRIDGE_EMU_MAX_CONNECTIONS", value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// How long a client may take to send a request's header once started, and its body, in
    /// milliseconds.
    #[arg(long, env = "REDBRIDGE_EMU_HEADER_TIMEOUT_MS", value_name = "N", default_value_t = millis(redbridge_emu::DEFAULT_HEADER_TIMEOUT), value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_ms: u64,
    /// How long a keep-alive connection may sit idle before it is closed, in milliseconds.
    #[arg(long, env = "REDBRIDGE_EMU_IDLE_TIMEOUT_MS", value_name = "N", default_value_t = millis(redbridge_emu::DEFAULT_IDLE_TIMEOUT), value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_ms: u64,

    // SQL bounds (issue 18).
    /// The longest a statement may run unless its session sets a shorter `statement_timeout`, in
    /// milliseconds; 0: no cap. Default: the Data API's maximum query duration, 24 hours.
    #[arg(long, env = "REDBRIDGE_EMU_STATEMENT_TIMEOUT_MS", value_name = "N", default_value_t = DAY_MS)]
    statement_timeout_ms: u64,
    /// How long finished statements and their results are kept, in milliseconds. Default: the
    /// Data API's 24 hours.
    #[arg(long, env = "REDBRIDGE_EMU_RESULT_RETENTION_MS", value_name = "N", default_value_t = DAY_MS)]
    result_retention_ms: u64,
    /// The largest statement result, in bytes of GetStatementResult JSON. Default: the Data API's 500 MB.
    #[arg(long, env = "REDBRIDGE_EMU_RESULT_SIZE_LIMIT_BYTES", value_name = "N", default_value_t = redbridge_emu::DATA_API_RESULT_LIMIT)]
    result_size_limit_bytes: usize,
    /// How many OS threads run SQLite.
    #[arg(long, env = "REDBRIDGE_EMU_SQL_THREADS", value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    sql_threads: u16,

    // Callers and the organization (issue 15).
    /// An organization (JSON: accounts, OUs, SCPs and RCPs) whose policies apply and which the
    /// Organizations API answers from; `PUT /_emu/organization` replaces it at run time.
    #[arg(long, env = "REDBRIDGE_EMU_ORGANIZATION", value_name = "FILE")]
    organization: Option<std::path::PathBuf>,
    /// How long a caller's identity policies are kept before they are read again, in milliseconds.
    #[arg(long, env = "REDBRIDGE_EMU_CALLER_POLICY_TTL_MS", value_name = "N", default_value_t = millis(redbridge_emu::DEFAULT_CALLER_POLICY_TTL))]
    caller_policy_ttl_ms: u64,

    // The wire protocol (issue 14).
    /// How the clusters' and workgroups' PostgreSQL endpoints ask the master user for its
    /// password: `md5` (Redshift's default) or `scram-sha-256`.
    #[arg(long, env = "REDBRIDGE_EMU_WIRE_AUTH", value_name = "METHOD", default_value = "md5", value_parser = redbridge_emu::WireAuth::parse)]
    wire_auth: redbridge_emu::WireAuth,
}

/// Reads and validates `--organization FILE`; the error names the file.
fn read_organization(path: &std::path::Path) -> Result<redbridge_emu::organization::Organization, String> {
    use std::io::Read as _;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `--organization {shown}`: {e}"))?;
    let mut text = Vec::new();
    // One byte past the limit tells a file that is too large from one that is just right.
    let limit = redbridge_emu::organization::MAX_FILE_BYTES as u64 + 1;
    file.take(limit).read_to_end(&mut text).map_err(|e| format!("cannot read `--organization {shown}`: {e}"))?;
    redbridge_emu::organization::Organization::from_json(&text).map_err(|e| format!("`--organization {shown}`: {e}"))
}

/// [`redbridge_emu::DEFAULT_MAX_CONNECTIONS`] as the flag's type.
const DEFAULT_MAX_CONNECTIONS: u32 = 1024;
const _: () = assert!(DEFAULT_MAX_CONNECTIONS as usize == redbridge_emu::DEFAULT_MAX_CONNECTIONS);

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// 24 hours in milliseconds.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn parse_region(text: &str) -> Result<Region, String> {
    Region::parse(text).map_err(|e| e.to_string())
}

/// Refuses a listen address or an AWS endpoint off loopback unless `--allow-remote`, and an
/// endpoint that is not an `http://` or `https://` URL; the message names the flag.
fn check_reach(listen: SocketAddr, aws_endpoint: &str, allow_remote: bool) -> Result<(), String> {
    const HOW: &str = "pass `--allow-remote` (or set `REDBRIDGE_EMU_ALLOW_REMOTE=true`)";
    if !listen.ip().is_loopback() && !allow_remote {
        return Err(format!("`--listen {listen}` is not a loopback address; {HOW} to serve on it"));
    }
    match redbridge_emu::url_is_loopback(aws_endpoint) {
        None => Err(format!("`--aws-endpoint {aws_endpoint}` is not an `http://` or `https://` URL with a host")),
        Some(false) if !allow_remote => {
            Err(format!("`--aws-endpoint {aws_endpoint}` must be a loopback URL; {HOW} to reach another host"))
        }
        Some(_) => Ok(()),
    }
}

/// SIGINT and SIGTERM (how the xtask launchers stop it, by PID), registered before the address
/// is printed: a caller may stop the emulator as soon as it has read the address, and a signal
/// that comes before its handler would kill the process instead of stopping it.
struct StopSignals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn register() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        Self { terminate: signal(SignalKind::terminate()).ok(), interrupt: signal(SignalKind::interrupt()).ok() }
    }

    /// Waits for either.
    async fn wait(mut self) {
        let terminate = async {
            match self.terminate.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        let interrupt = async {
            match self.interrupt.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = terminate => {}
            () = interrupt => {}
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(message) = check_reach(args.listen, &args.aws_endpoint, args.allow_remote) {
        eprintln!("redbridge-emu: error: {message}");
        return ExitCode::from(2);
    }
    let organization = match args.organization.as_deref().map(read_organization).transpose() {
        Ok(organization) => organization.map(std::sync::Arc::new),
        Err(message) => {
            eprintln!("redbridge-emu: error: {message}");
            return ExitCode::from(2);
        }
    };
    let config = Config {
        listen: args.listen,
        allow_remote: args.allow_remote,
        role_apply_delay: Duration::from_millis(args.role_apply_delay_ms),
        statement_step_delay: Duration::from_millis(args.statement_step_ms),
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        header_timeout: Duration::from_millis(args.header_timeout_ms),
        idle_timeout: Duration::from_millis(args.idle_timeout_ms),
        statement_timeout: Duration::from_millis(args.statement_timeout_ms),
        result_size_limit: args.result_size_limit_bytes,
        result_retention: Duration::from_millis(args.result_retention_ms),
        sql_threads: usize::from(args.sql_threads),
        caller_policy_ttl: Duration::from_millis(args.caller_policy_ttl_ms),
        organization,
        wire_auth: args.wire_auth,
        ..Config::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("redbridge-emu: error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let started = if args.fake_aws {
            Emulator::start(config, FakeAws::new()).await
        } else {
            Emulator::start(config, SdkConnector::new(args.aws_endpoint, args.region)).await
        };
        let emulator = match started {
            Ok(emulator) => emulator,
            Err(error) => {
                eprintln!("redbridge-emu: error: cannot listen: {error}");
                return ExitCode::FAILURE;
            }
        };
        let signals = StopSignals::register();
        println!("{}", emulator.address());
        let _ = std::io::stdout().flush();
        signals.wait().await;
        emulator.stop().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn every_flag_reads_the_environment_variable_named_after_it() {
        use clap::CommandFactory as _;
        let command = Args::command();
        let mut flags = 0;
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if ["help", "version"].contains(&long) {
                continue;
            }
            let wanted = format!("REDBRIDGE_EMU_{}", long.to_uppercase().replace('-', "_"));
            assert_eq!(arg.get_env().and_then(|name| name.to_str()), Some(wanted.as_str()), "`--{long}`");
            flags += 1;
        }
        assert_eq!(flags, 17, "the flags the emulator README lists");
    }

    #[test]
    fn wire_auth_reads_md5_by_default_and_scram_sha_256_when_asked() {
        let parsed = |args: &[&str]| Args::try_parse_from([&["redbridge-emu"], args].concat()).map(|a| a.wire_auth);
        assert_eq!(parsed(&[]).unwrap(), redbridge_emu::WireAuth::Md5);
        assert_eq!(parsed(&["--wire-auth", "scram-sha-256"]).unwrap(), redbridge_emu::WireAuth::ScramSha256);
        assert!(parsed(&["--wire-auth", "password"]).is_err());
    }

    #[test]
    fn addresses_off_loopback_are_refused_naming_allow_remote() {
        let listen = check_reach(address("0.0.0.0:4577"), "http://127.0.0.1:4566", false).unwrap_err();
        assert_eq!(
            listen,
            "`--listen 0.0.0.0:4577` is not a loopback address; pass `--allow-remote` (or set `REDBRIDGE_EMU_ALLOW_REMOTE=true`) to serve on it"
        );
        let endpoint = check_reach(address("127.0.0.1:0"), "http://localstack:4566", false).unwrap_err();
        assert!(
            endpoint
                .starts_with("`--aws-endpoint http://localstack:4566` must be a loopback URL; pass `--allow-remote`"),
            "{endpoint}"
        );
        assert!(check_reach(address("[::]:4577"), "http://127.0.0.1:4566", false).is_err());
    }

    #[test]
    fn allow_remote_accepts_any_listen_address_and_endpoint_host() {
        for (listen, endpoint) in [
            ("0.0.0.0:4577", "http://localstack:4566"),
            ("[::]:4577", "https://iam.amazonaws.com"),
            ("127.0.0.1:0", "http://10.0.0.1:4566"),
        ] {
            assert_eq!(check_reach(address(listen), endpoint, true), Ok(()), "{listen} {endpoint}");
        }
    }

    #[test]
    fn loopback_passes_without_the_flag_and_an_endpoint_that_is_not_a_url_never_does() {
        assert_eq!(check_reach(address("127.0.0.1:0"), "http://localhost:4566", false), Ok(()));
        assert_eq!(check_reach(address("[::1]:0"), "http://[::1]:4566", false), Ok(()));
        for allow_remote in [false, true] {
            let error = check_reach(address("127.0.0.1:0"), "localstack:4566", allow_remote).unwrap_err();
            assert_eq!(error, "`--aws-endpoint localstack:4566` is not an `http://` or `https://` URL with a host");
        }
    }
}
