//! Startup and authentication as Redshift does them, on pgwire's `AuthDriver`:
//!
//! - the master user (`MasterUsername`/`MasterUserPassword` of a cluster, `adminUsername`/
//!   `adminUserPassword` of a serverless namespace) with MD5 (Redshift's default) or
//!   SCRAM-SHA-256, as [`crate::WireAuth`] says;
//! - any other user with a temporary password from `GetClusterCredentials`,
//!   `GetClusterCredentialsWithIAM` or `GetCredentials` (`IAM:alice`, `IAMR:Role`, a `DbUser`),
//!   checked by [`crate::db_login::DbLogins::check`]. The store compares the password itself, so
//!   these logins ask for it in clear (`AuthenticationCleartextPassword`); the emulator listens
//!   on loopback unless `--allow-remote`.
//!
//! A wrong password answers `FATAL 28000 password authentication failed for user "x"`; a
//! database other than the cluster's `FATAL 3D000 database "x" does not exist`, checked after
//! the password as PostgreSQL's `InitPostgres` does. Passwords are never logged.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::SystemTime;

use async_trait::async_trait;
use futures_util::Sink;
use pgwire::api::auth::cleartext::CleartextPasswordAuth;
use pgwire::api::auth::driver::AuthOutcome;
use pgwire::api::auth::md5pass::{Md5PasswordAuth, hash_md5_password};
use pgwire::api::auth::mechanism::AuthMechanismFactory as _;
use pgwire::api::auth::sasl::scram::{SCRAM_ITERATIONS, ScramAuth, gen_salted_password};
use pgwire::api::auth::{
    AuthDriver, AuthSource, LoginInfo, Password, ServerParameterProvider, StartupHandler, protocol_negotiation,
    save_startup_parameters_to_metadata,
};
use pgwire::api::{ClientInfo, METADATA_DATABASE, METADATA_USER};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use redbridge_aws::ports::Connect;

use crate::WireAuth;
use crate::db_login::LoginTarget;
use crate::state::{Secret, Service};

use super::query::Connection;
use super::session::WireSession;
use super::sqlstate;

/// The metadata key where the startup notes whether the user is the master user (a superuser).
const SUPERUSER: &str = "redbridge.superuser";

/// A connection's startup: the method for the master user and pgwire's driver.
pub(crate) struct Startup {
    method: WireAuth,
    driver: AuthDriver<RedshiftParameters>,
    /// The database user of the temporary login the password opened, if one did (`IAM:alice`
    /// from GetClusterCredentials is the database user `alice`: see [`crate::db_login`]).
    temporary_db_user: Arc<std::sync::Mutex<Option<String>>>,
}

impl Startup {
    pub fn new(method: WireAuth) -> Self {
        Self { method, driver: AuthDriver::new(RedshiftParameters), temporary_db_user: Arc::default() }
    }
}

/// The `ParameterStatus` messages Redshift sends after authenticating, as a Redshift JDBC trace
/// shows them (`server_version = 8.0.2`, `server_encoding = UNICODE`, `is_superuser`,
/// `session_authorization`, `TimeZone`, …:
/// <https://github.com/aws/amazon-redshift-jdbc-driver/issues/115>), with the cluster
/// parameter group's defaults (`datestyle` `ISO, MDY`:
/// <https://docs.aws.amazon.com/cli/latest/reference/redshift/describe-cluster-parameters.html>)
/// and `client_encoding` `UNICODE`, Redshift's name for UTF-8.
#[derive(Debug)]
struct RedshiftParameters;

impl ServerParameterProvider for RedshiftParameters {
    fn server_parameters<CL>(&self, client: &CL) -> Option<HashMap<String, String>>
    where
        CL: ClientInfo,
    {
        let metadata = client.metadata();
        let user = metadata.get(METADATA_USER).cloned().unwrap_or_default();
        let superuser = metadata.get(SUPERUSER).cloned().unwrap_or_else(|| "off".to_owned());
        let application = metadata.get("application_name").cloned().unwrap_or_default();
        let parameters = [
            ("server_version", "8.0.2".to_owned()),
            ("server_encoding", "UNICODE".to_owned()),
            ("client_encoding", "UNICODE".to_owned()),
            ("DateStyle", "ISO, MDY".to_owned()),
            ("TimeZone", "UTC".to_owned()),
            ("integer_datetimes", "on".to_owned()),
            ("is_superuser", superuser),
            ("session_authorization", user),
            ("application_name", application),
        ];
        Some(parameters.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

/// The passwords one connection may log in with.
struct Passwords<C> {
    service: Weak<Service<C>>,
    target: LoginTarget,
    /// The master user and its password, when the login is the master user's.
    master: Option<(String, Secret)>,
    /// Where a temporary login's database user is left for the session.
    temporary_db_user: Arc<std::sync::Mutex<Option<String>>>,
}

impl<C> Debug for Passwords<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords").field("target", &self.target).finish_non_exhaustive()
    }
}

/// `n` random bytes from the standard library's randomly seeded hasher (the emulator has no
/// random crate).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut round = 0_u64;
    while out.len() < n {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(round);
        out.extend_from_slice(&hasher.finish().to_be_bytes());
        round += 1;
    }
    out.truncate(n);
    out
}

#[async_trait]
impl<C: Connect> AuthSource for Passwords<C> {
    /// The master user's password as MD5 (4-byte salt) or SCRAM (16-byte salt) wants it.
    async fn get_password(&self, login: &LoginInfo) -> PgWireResult<Password> {
        let user = login.user().unwrap_or_default();
        let Some((_, Secret(password))) = &self.master else { return Err(sqlstate::password_failed(user)) };
        let method = self.service.upgrade().map(|s| s.config.wire_auth).unwrap_or_default();
        Ok(match method {
            WireAuth::Md5 => {
                let salt = random_bytes(4);
                let hash = hash_md5_password(user, password, &salt);
                Password::new(Some(salt), hash.into_bytes())
            }
            WireAuth::ScramSha256 => {
                let salt = random_bytes(16);
                let salted = gen_salted_password(password, &salt, SCRAM_ITERATIONS);
                Password::new(Some(salt), salted)
            }
        })
    }

    /// A password in clear: the master user's, or a temporary login's.
    async fn verify_password(&self, login: &LoginInfo, presented: &[u8]) -> PgWireResult<Option<()>> {
        let user = login.user().unwrap_or_default();
        let presented = std::str::from_utf8(presented).map_err(|_| sqlstate::password_failed(user))?;
        if let Some((master, Secret(password))) = &self.master
            && master == user
            && crate::db_login::same_secret(password, presented)
        {
            return Ok(None);
        }
        let service = self.service.upgrade().ok_or_else(|| sqlstate::password_failed(user))?;
        match service.db_logins.check(&self.target, user, presented, SystemTime::now()) {
            Some(login) => {
                *self.temporary_db_user.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(login.db_user);
                Ok(None)
            }
            None => Err(sqlstate::password_failed(user)),
        }
    }
}

#[async_trait]
impl<C: Connect> StartupHandler for Connection<C> {
    async fn on_startup<CL>(&self, client: &mut CL, message: PgWireFrontendMessage) -> PgWireResult<()>
    where
        CL: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(ref startup) => {
                protocol_negotiation(client, startup).await?;
                save_startup_parameters_to_metadata(client, startup);
                let user = client.metadata().get(METADATA_USER).cloned().ok_or(PgWireError::UserNameRequired)?;
                let service = self.service.upgrade().ok_or_else(|| sqlstate::password_failed(&user))?;
                let master =
                    service.registry().master_login(&self.target).ok_or_else(|| sqlstate::password_failed(&user))?;
                let is_master = master.user == user && master.password.is_some();
                let passwords = Arc::new(Passwords {
                    service: self.service.clone(),
                    target: self.target.clone(),
                    master: master.password.map(|password| (master.user, password)),
                    temporary_db_user: Arc::clone(&self.startup.temporary_db_user),
                });
                let mechanism = match (is_master, self.startup.method) {
                    (true, WireAuth::Md5) => Md5PasswordAuth::new(passwords).create(),
                    (true, WireAuth::ScramSha256) => {
                        let mut scram = ScramAuth::new(passwords);
                        scram.set_iterations(SCRAM_ITERATIONS);
                        scram.create()
                    }
                    (false, _) => CleartextPasswordAuth::new(passwords).create(),
                };
                if is_master {
                    client.metadata_mut().insert(SUPERUSER.to_owned(), "on".to_owned());
                }
                match self.startup.driver.begin_authentication(client, mechanism).await {
                    Ok(AuthOutcome::InProgress) => Ok(()),
                    Ok(AuthOutcome::Authenticated { final_message, .. }) => self.finish(client, final_message).await,
                    Err(_) => Err(sqlstate::password_failed(&user)),
                }
            }
            PgWireFrontendMessage::PasswordMessageFamily(message) => {
                let user = client.metadata().get(METADATA_USER).cloned().unwrap_or_default();
                match self.startup.driver.advance_authentication(client, message).await {
                    Ok(AuthOutcome::InProgress) => Ok(()),
                    Ok(AuthOutcome::Authenticated { final_message, .. }) => self.finish(client, final_message).await,
                    Err(_) => Err(sqlstate::password_failed(&user)),
                }
            }
            _ => Ok(()),
        }
    }
}

impl<C: Connect> Connection<C> {
    /// After the password: the database must be the cluster's, then the session starts.
    async fn finish<CL>(
        &self,
        client: &mut CL,
        final_message: Option<pgwire::messages::startup::Authentication>,
    ) -> PgWireResult<()>
    where
        CL: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        let user = client.metadata().get(METADATA_USER).cloned().unwrap_or_default();
        // libpq's default database is the user's name.
        let database = client.metadata().get(METADATA_DATABASE).cloned().unwrap_or_else(|| user.clone());
        let service = self.service.upgrade().ok_or_else(|| sqlstate::password_failed(&user))?;
        let master =
            service.registry().master_login(&self.target).ok_or_else(|| sqlstate::no_such_database(&database))?;
        if database != master.database {
            return Err(sqlstate::no_such_database(&database));
        }
        // The session runs as the login's database user: the login name itself, or the user a
        // temporary login stands for.
        let temporary = self.startup.temporary_db_user.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        let db_user = temporary.unwrap_or_else(|| user.clone());
        let arn = crate::db_identity::db_user_arn(&service.registry(), &self.target, &db_user)
            .map_err(|_| sqlstate::password_failed(&user))?;
        *self.session.lock().await = Some(WireSession::new(db_user, database, arn));
        self.authenticated.store(true, Ordering::SeqCst);
        self.startup.driver.complete_authentication(client, final_message).await
    }
}
