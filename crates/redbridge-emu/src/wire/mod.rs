//! The PostgreSQL wire protocol (v3, simple and extended query) at every cluster's and
//! workgroup's endpoint, on pgwire: a listener per cluster or workgroup on a free port of the
//! emulator's listen address, opened when it is created and closed (with its sessions) when it
//! is deleted or the emulator stops.
//!
//! - [`listener`]: the accept loop, the connection bounds and the byte guard in front of pgwire;
//! - [`tls`]: the endpoints' self-signed certificate and the TLS a client asks for;
//! - [`auth`]: startup and authentication as Redshift does them (MD5 or SCRAM-SHA-256 for the
//!   master user, temporary logins from the credentials calls) and its `ParameterStatus`;
//! - [`session`]: a connection's session: its database user, transaction block and settings;
//! - [`query`]: simple and extended query on [`crate::sql_engine::execute`];
//! - [`params`]: `$n` parameters bound as escaped literals;
//! - [`catalog`]: the `SET`, `SHOW` and catalog queries clients send on connect;
//! - [`sqlstate`]: Redshift's SQLSTATE for each error text;
//! - [`values`]: result columns' type OIDs and values on the wire.

mod auth;
pub(crate) mod catalog;
mod listener;
mod params;
mod query;
mod session;
mod sqlstate;
mod tls;
mod values;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redbridge_aws::ports::Connect;

use crate::db_login::LoginTarget;
use crate::state::Service;

/// How the wire protocol asks the master user for its password.
///
/// Redshift asks for MD5 by default (a JDBC driver's trace of a Redshift login shows
/// `<=BE AuthenticationReqMD5`: <https://github.com/aws/amazon-redshift-jdbc-driver/issues/21>),
/// which libpq, psycopg and redshift_connector all answer; SCRAM-SHA-256 is there for clients
/// that insist on it (libpq's `require_auth=scram-sha-256`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WireAuth {
    /// `AuthenticationMD5Password`, as Redshift asks.
    #[default]
    Md5,
    /// `AuthenticationSASL` with `SCRAM-SHA-256`.
    ScramSha256,
}

impl WireAuth {
    /// The flag's spelling: `md5` or `scram-sha-256` (PostgreSQL's `password_encryption` names).
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::ScramSha256 => "scram-sha-256",
        }
    }

    /// Reads the flag's spelling.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "md5" => Ok(Self::Md5),
            "scram-sha-256" => Ok(Self::ScramSha256),
            _ => Err(format!("unknown wire authentication `{text}`: use `md5` or `scram-sha-256`")),
        }
    }
}

/// How many wire connections all listeners serve at once, by default.
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// How many wire connections one cluster or workgroup serves at once, by default: the 500
/// connections Redshift's quotas page gives a cluster
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html>).
pub(crate) const DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT: usize = 500;
/// How long a client may take to authenticate, by default: PostgreSQL's `authentication_timeout`
/// of one minute (<https://www.postgresql.org/docs/current/runtime-config-connection.html>).
pub(crate) const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest message a client may send, by default: Redshift's largest SQL statement, 16 MB
/// ("The maximum size for a single Amazon Redshift SQL statement is 16 MB":
/// <https://docs.aws.amazon.com/redshift/latest/dg/c_redshift-sql.html>).
pub(crate) const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The address `Endpoint.Address` advertises: the emulator's listen address, or loopback when it
/// listens on every address.
pub(crate) fn advertised_address<C>(service: &Service<C>) -> String {
    let ip = service.config.listen.ip();
    if ip.is_unspecified() { Ipv4Addr::LOCALHOST.to_string() } else { ip.to_string() }
}

/// Every open listener, by cluster or workgroup.
pub(crate) struct Endpoints {
    open: Mutex<HashMap<LoginTarget, Endpoint>>,
    /// The connections of all listeners.
    total: Arc<tokio::sync::Semaphore>,
    /// The certificate every listener presents; `None` when it could not be made (clients asking
    /// for SSL are then told `N`, as a server without SSL tells them).
    tls: Option<tls::WireTls>,
}

impl std::fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.open.lock().map(|open| open.len()).unwrap_or_default();
        f.debug_struct("Endpoints").field("open", &open).finish_non_exhaustive()
    }
}

/// One listener: its port and the switch that stops it and its sessions.
struct Endpoint {
    port: u16,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Endpoints {
    /// No listener yet; `listen` is the address the certificate names besides loopback.
    pub fn new(max_connections: usize, listen: IpAddr) -> Self {
        Self {
            open: Mutex::new(HashMap::new()),
            total: Arc::new(tokio::sync::Semaphore::new(max_connections.max(1))),
            tls: tls::WireTls::generate(listen)
                .map_err(|e| eprintln!("redbridge-emu: warning: {e}; the wire endpoints answer SSL requests with `N`"))
                .ok(),
        }
    }

    /// The endpoints' TLS certificate, PEM-encoded: what a client trusts to verify them.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|tls| tls.certificate_pem.as_str())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LoginTarget, Endpoint>> {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens the listener of `target` on a free port of the listen address (the kernel picks it:
    /// port 0) and returns the port; a target that already has one keeps it.
    pub fn open<C: Connect>(&self, service: &Service<C>, target: &LoginTarget) -> std::io::Result<u16> {
        if let Some(endpoint) = self.lock().get(target) {
            return Ok(endpoint.port);
        }
        let ip: IpAddr = service.config.listen.ip();
        let listener = std::net::TcpListener::bind((ip, 0))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let limits = listener::Limits {
            endpoint: Arc::new(tokio::sync::Semaphore::new(service.config.wire_max_connections_per_endpoint.max(1))),
            total: Arc::clone(&self.total),
            startup_timeout: service.config.wire_startup_timeout,
            max_message_bytes: service.config.wire_max_message_bytes,
            tls: self.tls.clone(),
        };
        tokio::spawn(listener::accept(listener, service.weak(), target.clone(), limits, stopped));
        self.lock().insert(target.clone(), Endpoint { port, stop });
        Ok(port)
    }

    /// Closes the listener of `target` and ends its sessions (an open transaction rolls back).
    pub fn close(&self, target: &LoginTarget) {
        if let Some(endpoint) = self.lock().remove(target) {
            let _ = endpoint.stop.send(true);
        }
    }

    /// Closes every listener and session.
    pub fn close_all(&self) {
        for (_, endpoint) in self.lock().drain() {
            let _ = endpoint.stop.send(true);
        }
    }
}
