//! `redbridge-emu`: the Redshift emulator as a standalone process beside LocalStack.
//!
//! `redbridge-emu --aws-endpoint http://127.0.0.1:4566 --listen 127.0.0.1:PORT` prints the bound
//! address on stdout once it answers HTTP, then serves until interrupted.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use redbridge_emu::cloud::localstack::LocalStackCloud;
use redbridge_emu::{Config, Emulator};

const USAGE: &str = "\
usage: redbridge-emu [--aws-endpoint URL] [--listen ADDR] [--region REGION] [--role-apply-delay-ms N] [--statement-step-ms N]

  --aws-endpoint URL        LocalStack (IAM, STS, S3, KMS), a loopback URL; default http://127.0.0.1:4566
  --listen ADDR             loopback address to serve on; default 127.0.0.1:0 (a free port)
  --region REGION           default region for bucket lookups; default us-east-1
  --role-apply-delay-ms N   how long attached roles stay `adding`; default 2000
  --statement-step-ms N     time in each of SUBMITTED, PICKED, STARTED; default 20";

struct Args {
    endpoint: String,
    region: String,
    config: Config,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        endpoint: "http://127.0.0.1:4566".to_owned(),
        region: "us-east-1".to_owned(),
        config: Config::default(),
    };
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let mut value = || iter.next().cloned().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--aws-endpoint" => parsed.endpoint = value()?,
            "--listen" => {
                let text = value()?;
                parsed.config.listen = text.parse::<SocketAddr>().map_err(|e| format!("`--listen {text}`: {e}"))?;
            }
            "--region" => parsed.region = value()?,
            "--role-apply-delay-ms" => {
                let text = value()?;
                parsed.config.role_apply_delay = Duration::from_millis(
                    text.parse().map_err(|_| format!("`{text}` is not a number of milliseconds"))?,
                );
            }
            "--statement-step-ms" => {
                let text = value()?;
                parsed.config.statement_step_delay = Duration::from_millis(
                    text.parse().map_err(|_| format!("`{text}` is not a number of milliseconds"))?,
                );
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let host = parsed.endpoint.trim_start_matches("http://").split(['/', ':']).next().unwrap_or_default().to_owned();
    if !(host == "127.0.0.1" || host == "localhost" || host == "[::1]") {
        return Err(format!("`--aws-endpoint {}` must be a loopback URL", parsed.endpoint));
    }
    Ok(parsed)
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("redbridge-emu: error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("redbridge-emu: error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let cloud = Arc::new(LocalStackCloud::new(args.endpoint, args.region));
        let emulator = match Emulator::start(args.config, cloud).await {
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
