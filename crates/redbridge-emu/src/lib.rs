//! A stateful Amazon Redshift emulator for rehearsing cross-account COPY and UNLOAD locally.
//!
//! One HTTP server (on a loopback address unless [`Config::allow_remote`]) answers four AWS APIs, as the unmodified AWS SDK
//! expects them through endpoint overrides:
//! - Redshift (query protocol): `CreateCluster`, `DescribeClusters`, `ModifyClusterIamRoles`,
//!   `DeleteCluster`;
//! - Redshift Serverless (JSON, `X-Amz-Target: RedshiftServerless.*`): namespaces and workgroups;
//! - Redshift Data (JSON, `X-Amz-Target: RedshiftData.*`): statements that run asynchronously
//!   against an embedded SQLite database per cluster or workgroup, including COPY and UNLOAD;
//! - AWS Organizations (JSON, `X-Amz-Target: AWSOrganizationsV20161128.*`): the four calls doctor
//!   makes, from the [`organization::Organization`] it was given.
//!
//! Every cluster and workgroup also answers the PostgreSQL wire protocol on a port of its own
//! (its `Endpoint.Port`), for psql, psycopg, redshift_connector and the like, with TLS on a
//! self-signed certificate the emulator makes at start ([`Emulator::wire_certificate_pem`]).
//!
//! Every call is judged against the caller's identity policies, permissions boundary and its
//! account's SCPs; every hop of a COPY or UNLOAD also against the SCPs and RCPs that apply.
//!
//! The emulator stands on `redbridge-aws`: it is generic over a [`Connect`], which gives it
//! the IAM, STS, S3 and KMS ports of any account or role session — the SDK adapters against
//! LocalStack (`redbridge_aws::sdk::SdkConnector`, what the binary uses) or the in-memory fakes
//! (`redbridge_aws::fake::FakeAws`, for tests). COPY and UNLOAD read every role of the chain
//! through the shared reader (`redbridge_aws::snapshot_reader::read_role`), judge every hop with
//! the redbridge IAM evaluator, then really assume the chain through STS and really read or
//! write the objects with the last session's credentials. Failures carry Redshift's own error
//! texts.
//!
//! ```
//! # async fn demo() -> std::io::Result<()> {
//! use redbridge_aws::fake::FakeAws;
//! use redbridge_emu::{Config, Emulator};
//!
//! let aws = FakeAws::new();
//! let emulator = Emulator::start(Config::default(), aws.clone()).await?;
//! assert!(emulator.endpoint_url().starts_with("http://127.0.0.1:"));
//! emulator.stop().await;
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
//! ```

#![deny(missing_docs)]

mod admin;
mod api;
mod assume_role_grants;
mod caller;
mod caller_access;
mod chain_access;
mod column_type;
mod compression;
mod copy_format;
mod copy_run;
mod db_identity;
mod db_login;
mod error;
mod http;
mod object_io;
pub mod organization;
mod sql_engine;
mod sql_gate;
mod sql_guard;
mod sql_pool;
mod state;
pub mod texts;
mod time;
mod unload_format;
mod unload_run;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use caller::DEFAULT_CALLER_POLICY_TTL;
pub use redbridge_aws::ports::Connect;
pub use wire::WireAuth;

/// The default of [`Config::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// The default of [`Config::header_timeout`]: hyper's own default header read timeout.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// The default of [`Config::idle_timeout`]: the idle timeout an Application Load Balancer
/// starts with (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout>).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How the emulator behaves; every delay is configurable so tests stay fast.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; a loopback address unless `allow_remote`. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// Whether `listen` may be an address off loopback (in a container, beside a CI job).
    /// Anything that reaches such an address drives the emulator: signatures are not verified.
    pub allow_remote: bool,
    /// How long an attached role stays `adding` (and a detached one `removing`) before it is `in-sync`.
    pub role_apply_delay: Duration,
    /// How long a statement stays in each of SUBMITTED, PICKED and STARTED before the next state.
    pub statement_step_delay: Duration,

    // HTTP bounds (issue 18): what one client may hold of the server.
    /// How many connections are served at once; further clients wait in the kernel's accept
    /// queue until one closes.
    pub max_connections: usize,
    /// How long a client may take to send a request's header once it has started one, and
    /// again its body; past it the connection is closed (body: `408`).
    pub header_timeout: Duration,
    /// How long a keep-alive connection may sit between requests (or a response may wait for
    /// the client to read it) before it is closed.
    pub idle_timeout: Duration,

    // SQL bounds (issue 18): how long a statement may run, how big its result may be, how long
    // results are kept, and how many threads run SQLite.
    /// The longest a statement may run when its session sets no shorter `statement_timeout`;
    /// zero: no cap. Defaults to the Data API's maximum query duration, 24 hours
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html>, "Considerations").
    pub statement_timeout: Duration,
    /// The largest result a statement may return, measured as the JSON GetStatementResult would
    /// carry; defaults to the Data API's 500 MB
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html>).
    pub result_size_limit: usize,
    /// How long a finished statement and its result are kept; defaults to the Data API's 24 hours
    /// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html>, "Considerations").
    pub result_retention: Duration,
    /// How many OS threads run SQLite (statements on one database also take turns on it).
    pub sql_threads: usize,

    // Callers and the organization (issue 15).
    /// How long a caller's identity policies and boundary are kept before they are read again.
    pub caller_policy_ttl: Duration,
    /// The organization whose SCPs and RCPs apply, and which the Organizations API answers
    /// from; `PUT /_emu/organization` replaces it while the emulator runs.
    pub organization: Option<Arc<organization::Organization>>,

    // The wire protocol (issue 14): every cluster's and workgroup's PostgreSQL listener.
    /// How the master user's password is asked for.
    pub wire_auth: WireAuth,
    /// How many wire connections all listeners serve at once.
    pub wire_max_connections: usize,
    /// How many wire connections one cluster or workgroup serves at once.
    pub wire_max_connections_per_endpoint: usize,
    /// How long a wire client may take from connecting to being authenticated.
    pub wire_startup_timeout: Duration,
    /// The largest message a wire client may send, in bytes.
    pub wire_max_message_bytes: usize,
}

/// The Data API's maximum query duration and result retention: 24 hours.
pub const DATA_API_DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The Data API's result size limit: 500 MB.
pub const DATA_API_RESULT_LIMIT: usize = 500 * 1000 * 1000;

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_remote: false,
            role_apply_delay: Duration::from_secs(2),
            statement_step_delay: Duration::from_millis(20),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,

            statement_timeout: DATA_API_DAY,
            result_size_limit: DATA_API_RESULT_LIMIT,
            result_retention: DATA_API_DAY,
            sql_threads: 4,

            caller_policy_ttl: DEFAULT_CALLER_POLICY_TTL,
            organization: None,

            wire_auth: WireAuth::default(),
            wire_max_connections: wire::DEFAULT_MAX_CONNECTIONS,
            wire_max_connections_per_endpoint: wire::DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT,
            wire_startup_timeout: wire::DEFAULT_STARTUP_TIMEOUT,
            wire_max_message_bytes: wire::DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// A running emulator. Dropping it stops the server; [`Emulator::stop`] waits for it.
#[derive(Debug)]
pub struct Emulator {
    address: SocketAddr,
    wire: Arc<wire::Endpoints>,
    logins: std::sync::Weak<dyn IssueLogin>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.listen` and serves on the current tokio runtime until stopped.
    ///
    /// Fails when the address is not a loopback address and `config.allow_remote` is not set, or
    /// when it cannot be bound.
    pub async fn start<C: Connect>(config: Config, connector: C) -> std::io::Result<Self> {
        check_listen(config.listen, config.allow_remote)?;
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let address = listener.local_addr()?;
        let service = Arc::new(state::Service::new(config, connector));
        let _ = service.itself.set(Arc::downgrade(&service));
        let wire = Arc::clone(&service.wire);
        let logins: std::sync::Weak<dyn IssueLogin> = Arc::downgrade(&service) as std::sync::Weak<dyn IssueLogin>;
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(state::sweep_expired_statements(Arc::downgrade(&service)));
        let task = tokio::spawn(http::serve(listener, service, stopped));
        Ok(Self { address, wire, logins, shutdown: Some(shutdown), task: Some(task) })
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Issues a temporary database login for `user` on a cluster (or, `serverless`, a workgroup)
    /// of `account` in `region`, valid for `ttl`, as the credentials calls do; returns its
    /// password. For tests of the wire protocol's logins.
    #[doc(hidden)]
    pub fn issue_temporary_login(
        &self,
        account: &str,
        region: &str,
        name: &str,
        serverless: bool,
        user: &str,
        ttl: Duration,
    ) -> Option<String> {
        let key = state::key(account, region, name);
        let target =
            if serverless { db_login::LoginTarget::Workgroup(key) } else { db_login::LoginTarget::Cluster(key) };
        Some(self.logins.upgrade()?.issue(&target, user, ttl))
    }

    /// The self-signed certificate every cluster's and workgroup's wire endpoint presents,
    /// PEM-encoded (also at `GET /_emu/wire-certificate`): a client that adds it to its trusted
    /// roots verifies the endpoints as it verifies Redshift's. `None` if it could not be made.
    pub fn wire_certificate_pem(&self) -> Option<String> {
        self.wire.certificate_pem().map(str::to_owned)
    }

    /// `http://127.0.0.1:PORT`, for endpoint overrides.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting connections (HTTP, and every cluster's and workgroup's PostgreSQL
    /// listener with its sessions) and waits for the server task to end.
    pub async fn stop(mut self) {
        self.wire.close_all();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.wire.close_all();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Issues temporary logins, whatever the service's connector.
trait IssueLogin: Send + Sync {
    fn issue(&self, target: &db_login::LoginTarget, user: &str, ttl: Duration) -> String;
}

impl<C: Send + Sync> IssueLogin for state::Service<C> {
    fn issue(&self, target: &db_login::LoginTarget, user: &str, ttl: Duration) -> String {
        self.db_logins.issue(target, user, Vec::new(), false, ttl, std::time::SystemTime::now()).password
    }
}

/// Refuses `listen` off loopback unless `allow_remote`.
fn check_listen(listen: SocketAddr, allow_remote: bool) -> std::io::Result<()> {
    if listen.ip().is_loopback() || allow_remote {
        return Ok(());
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("the emulator listens on loopback addresses only unless `allow_remote` is set, not `{listen}`"),
    ))
}

/// Whether `url` (`http://` or `https://`) names a loopback host: `localhost`, `127.0.0.0/8` or
/// `[::1]`. `None` when it is not an `http://` or `https://` URL with a host.
pub fn url_is_loopback(url: &str) -> Option<bool> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_and_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']')?.0,
        None => host_and_port.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return None;
    }
    Some(host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_are_localhost_127_slash_8_and_the_ipv6_loopback() {
        for url in [
            "http://127.0.0.1:4566",
            "http://localhost:4566/",
            "https://LOCALHOST",
            "http://127.3.2.1",
            "http://[::1]:4566",
            "http://user@127.0.0.1:1",
        ] {
            assert_eq!(url_is_loopback(url), Some(true), "{url}");
        }
        for url in [
            "http://localstack:4566",
            "http://10.0.0.1:4566",
            "https://s3.amazonaws.com",
            "http://0.0.0.0:4566",
            "http://[2001:db8::1]:4566",
            "http://127.0.0.1.example.com",
        ] {
            assert_eq!(url_is_loopback(url), Some(false), "{url}");
        }
        for url in ["127.0.0.1:4566", "ftp://127.0.0.1", "http://", "http://[::1", ""] {
            assert_eq!(url_is_loopback(url), None, "{url}");
        }
    }

    #[tokio::test]
    async fn start_refuses_an_address_off_loopback_unless_allow_remote_is_set() {
        let config = Config { listen: SocketAddr::from(([0, 0, 0, 0], 0)), ..Config::default() };
        let error = Emulator::start(config, redbridge_aws::fake::FakeAws::new()).await.expect_err("0.0.0.0 is refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().contains("`allow_remote`"), "{error}");
        // With the flag the check lets any address through; nothing here binds off loopback.
        for listen in ["0.0.0.0:4577", "[::]:4577", "192.0.2.1:80", "127.0.0.1:0"] {
            assert!(check_listen(listen.parse().unwrap(), true).is_ok(), "{listen} with allow_remote");
        }
        let config = Config { allow_remote: true, ..Config::default() };
        let emulator =
            Emulator::start(config, redbridge_aws::fake::FakeAws::new()).await.expect("loopback with allow_remote");
        emulator.stop().await;
    }
}
