//! What the emulator remembers: clusters, namespaces, workgroups, statements and databases.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use redbridge_iam::policy::{ActionBlock, Effect, PolicyDocument, PrincipalBlock};

use redbridge_aws::ports::Connect;

use crate::Config;
use crate::error::ApiError;

/// The shared state behind every request, and the connector to the accounts' ports.
pub(crate) struct Service<C> {
    pub config: Config,
    pub cloud: C,
    registry: Mutex<Registry>,
    /// The threads every SQLite call runs on (never a tokio worker).
    pub sql_pool: crate::sql_pool::SqlPool,
    /// Callers' identities and policies, as STS and IAM told them.
    pub callers: crate::caller::Callers,
    /// The temporary database logins the credentials calls issued.
    pub db_logins: crate::db_login::DbLogins,
    /// The PostgreSQL listeners of the clusters and workgroups (`wire`).
    pub wire: Arc<crate::wire::Endpoints>,
    /// The service itself, for the listeners' sessions (set once by `Emulator::start`).
    pub itself: std::sync::OnceLock<std::sync::Weak<Service<C>>>,
    /// The organization, if one was given.
    organization: std::sync::RwLock<Option<Arc<crate::organization::Organization>>>,
}

impl<C> std::fmt::Debug for Service<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("config", &self.config).finish_non_exhaustive()
    }
}

impl<C> Service<C> {
    pub fn new(config: Config, cloud: C) -> Self {
        let sql_pool = crate::sql_pool::SqlPool::start(config.sql_threads);
        let organization = std::sync::RwLock::new(config.organization.clone());
        let wire = Arc::new(crate::wire::Endpoints::new(config.wire_max_connections, config.listen.ip()));
        Self {
            config,
            cloud,
            registry: Mutex::new(Registry::default()),
            sql_pool,
            callers: crate::caller::Callers::default(),
            db_logins: crate::db_login::DbLogins::default(),
            wire,
            itself: std::sync::OnceLock::new(),
            organization,
        }
    }

    /// The organization, if one is set.
    pub fn organization(&self) -> Option<Arc<crate::organization::Organization>> {
        self.organization.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Replaces (or removes) the organization.
    pub fn set_organization(&self, organization: Option<crate::organization::Organization>) {
        *self.organization.write().unwrap_or_else(std::sync::PoisonError::into_inner) = organization.map(Arc::new);
    }

    /// The service as the listeners' sessions hold it: weakly, so that stopping the emulator
    /// frees it.
    pub fn weak(&self) -> std::sync::Weak<Service<C>> {
        self.itself.get().cloned().unwrap_or_default()
    }

    /// Locks the registry; never held across an `.await`.
    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<C> Drop for Service<C> {
    /// A stopped emulator stops its running SQL too: every statement's cancel flag is set, so a
    /// pool thread does not go on with a query nobody will ask about.
    fn drop(&mut self) {
        self.wire.close_all();
        let registry = self.registry.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        for record in registry.statements.values() {
            record.cancelled.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Resource key: the owning account, the region and the name.
pub(crate) type Key = (String, String, String);

pub(crate) fn key(account: &str, region: &str, name: &str) -> Key {
    (account.to_owned(), region.to_owned(), name.to_owned())
}

#[derive(Default)]
pub(crate) struct Registry {
    pub clusters: BTreeMap<Key, Cluster>,
    pub namespaces: BTreeMap<Key, Namespace>,
    pub workgroups: BTreeMap<Key, Workgroup>,
    pub statements: BTreeMap<String, crate::api::data::StatementRecord>,
    /// Statement ids in creation order.
    pub statement_order: Vec<String>,
    /// One SQLite database per cluster or workgroup, by [`database_key`].
    pub databases: HashMap<String, Database>,
    /// When [`Registry::drop_expired_statements`] last swept.
    pub last_expiry_sweep: Option<Instant>,
}

/// Frees the statements (and results) past their retention in the background, so that memory
/// goes back even when no client calls: a sweep every `min(retention, 1 s)`, until the service
/// is dropped (the server holds the last strong reference).
pub(crate) async fn sweep_expired_statements<C>(service: std::sync::Weak<Service<C>>) {
    loop {
        let Some(retention) = service.upgrade().map(|s| s.config.result_retention) else { return };
        tokio::time::sleep(retention.min(std::time::Duration::from_secs(1))).await;
        let Some(service) = service.upgrade() else { return };
        service.registry().drop_expired_statements(retention);
    }
}

/// The database of a cluster or workgroup: one SQLite connection, and the turn of the one
/// session that uses it at a time. A Data API statement or batch is a session of its own, and
/// Redshift keeps sessions apart: a temporary table is "visible only within the current
/// session" (<https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html>, TEMPORARY)
/// and a batch runs as one transaction. On one connection two sessions at once would share both,
/// so sessions take turns, each holding [`Database::session_turn`] from its first SQL text to its end.
#[derive(Clone)]
pub(crate) struct Database {
    pub connection: Arc<Mutex<rusqlite::Connection>>,
    pub session_turn: Arc<tokio::sync::Mutex<()>>,
    /// GRANT / REVOKE ASSUMEROLE.
    pub grants: Arc<Mutex<crate::assume_role_grants::AssumeRoleGrants>>,
}

impl Registry {
    /// Holds every attachment of `arn` (clusters and namespaces, any account) `adding` for
    /// `duration` from now, as a role Redshift is slow to sync; returns how many it found, or
    /// `None` (and holds nothing) when now plus `duration` is past what an `Instant` can hold.
    pub fn hold_role(&mut self, arn: &str, duration: std::time::Duration) -> Option<usize> {
        let until = Instant::now().checked_add(duration)?;
        let clusters = self.clusters.values_mut().flat_map(|c| c.roles.iter_mut());
        let namespaces = self.namespaces.values_mut().flat_map(|n| n.roles.iter_mut());
        let mut held = 0;
        for role in clusters.chain(namespaces).filter(|r| r.arn == arn && !r.removing) {
            role.held_until = Some(until);
            held += 1;
        }
        Some(held)
    }

    /// Drops the statements (and their results) that ended more than `retention` ago, as the Data
    /// API keeps them: "the maximum retention time for query results is 24 hours"
    /// (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html, "Considerations").
    ///
    /// A sweep looks at every statement, so it runs at most once per `retention` or per second,
    /// whichever is shorter, from [`sweep_expired_statements`]: done on every Data API call, it
    /// took a third of the emulator's CPU under 64 clients (measured with `perf` in `cargo xtask
    /// soak`), all of it holding the registry lock. Lookups do not wait for a sweep: they treat an
    /// expired statement as gone ([`crate::api::data::StatementRecord::expired`]).
    pub fn drop_expired_statements(&mut self, retention: std::time::Duration) {
        let every = retention.min(std::time::Duration::from_secs(1));
        if self.last_expiry_sweep.is_some_and(|last| last.elapsed() < every) {
            return;
        }
        self.last_expiry_sweep = Some(Instant::now());
        let now = SystemTime::now();
        let before = self.statements.len();
        self.statements.retain(|_, record| !record.expired(now, retention));
        if self.statements.len() != before {
            let statements = &self.statements;
            self.statement_order.retain(|id| statements.contains_key(id));
        }
    }

    /// The master user of a cluster (the admin user of a workgroup's namespace), its password
    /// and the database's name; `None` once the cluster or workgroup is gone.
    pub fn master_login(&self, target: &crate::db_login::LoginTarget) -> Option<MasterLogin> {
        match target {
            crate::db_login::LoginTarget::Cluster(key) => {
                let cluster = self.clusters.get(key)?;
                Some(MasterLogin {
                    user: cluster.master_username.clone(),
                    password: cluster.master_password.clone(),
                    database: cluster.db_name.clone(),
                })
            }
            crate::db_login::LoginTarget::Workgroup(key) => {
                let workgroup = self.workgroups.get(key)?;
                let namespace = self.namespaces.get(&self::key(&key.0, &key.1, &workgroup.namespace))?;
                Some(MasterLogin {
                    user: namespace.admin_username.clone(),
                    password: namespace.admin_password.clone(),
                    database: namespace.db_name.clone(),
                })
            }
        }
    }

    /// The database of a cluster or workgroup, created on first use.
    pub fn database(&mut self, database_key: &str) -> Result<Database, ApiError> {
        if let Some(db) = self.databases.get(database_key) {
            return Ok(db.clone());
        }
        let connection = crate::sql_guard::open().map_err(ApiError::internal)?;
        let db = Database {
            connection: Arc::new(Mutex::new(connection)),
            session_turn: Arc::new(tokio::sync::Mutex::new(())),
            grants: crate::assume_role_grants::initial(),
        };
        self.databases.insert(database_key.to_owned(), db.clone());
        Ok(db)
    }
}

/// A cluster's master user or a namespace's admin user: the superuser of its database.
#[derive(Debug, Clone)]
pub(crate) struct MasterLogin {
    pub user: String,
    /// `None` when the cluster was created without one (a managed password).
    pub password: Option<Secret>,
    /// The database's name (`DBName`, `dev` by default).
    pub database: String,
}

/// The database key of a provisioned cluster.
pub(crate) fn cluster_database(account: &str, region: &str, cluster: &str) -> String {
    format!("cluster/{account}/{region}/{cluster}")
}

/// The database key of a serverless workgroup.
pub(crate) fn workgroup_database(account: &str, region: &str, workgroup: &str) -> String {
    format!("workgroup/{account}/{region}/{workgroup}")
}

/// A role attached to a cluster or namespace, with when its state last changed.
#[derive(Debug, Clone)]
pub(crate) struct AttachedRole {
    pub arn: String,
    pub since: Instant,
    pub removing: bool,
    /// Held `adding` until then (`POST /_emu/hold-role`), whatever the delay says.
    pub held_until: Option<Instant>,
}

impl AttachedRole {
    pub fn adding(arn: &str) -> Self {
        Self { arn: arn.to_owned(), since: Instant::now(), removing: false, held_until: None }
    }

    /// Attached from the start (roles given at creation are in sync when the resource is).
    pub fn in_sync(arn: &str, delay: std::time::Duration) -> Self {
        let since = Instant::now().checked_sub(delay).unwrap_or_else(Instant::now);
        Self { arn: arn.to_owned(), since, removing: false, held_until: None }
    }

    /// `adding`, `in-sync` or `removing`; `None` once a removal has completed.
    pub fn apply_status(&self, delay: std::time::Duration) -> Option<&'static str> {
        let held = self.held_until.is_some_and(|until| Instant::now() < until);
        let settled = self.since.elapsed() >= delay && !held;
        match (self.removing, settled) {
            (false, false) => Some("adding"),
            (false, true) => Some("in-sync"),
            (true, false) => Some("removing"),
            (true, true) => None,
        }
    }
}

/// The roles visible now, with their status.
pub(crate) fn role_statuses(roles: &[AttachedRole], delay: std::time::Duration) -> Vec<(String, &'static str)> {
    roles.iter().filter_map(|r| Some((r.arn.clone(), r.apply_status(delay)?))).collect()
}

/// A password kept for the wire protocol's logins; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub identifier: String,
    pub node_type: String,
    pub master_username: String,
    /// `MasterUserPassword`; `None` with `ManageMasterPassword` (only temporary logins then).
    pub master_password: Option<Secret>,
    /// The port of the cluster's PostgreSQL listener, advertised as `Endpoint.Port`.
    pub endpoint_port: u16,
    pub db_name: String,
    pub number_of_nodes: u32,
    pub created: SystemTime,
    pub namespace_id: String,
    pub roles: Vec<AttachedRole>,
    pub default_iam_role: Option<String>,
    pub publicly_accessible: bool,
    pub encrypted: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Namespace {
    pub name: String,
    pub id: String,
    pub admin_username: String,
    /// `adminUserPassword`; `None` when none was given (only temporary logins then).
    pub admin_password: Option<Secret>,
    pub db_name: String,
    pub created: SystemTime,
    pub roles: Vec<AttachedRole>,
    pub default_iam_role: Option<String>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Workgroup {
    pub name: String,
    pub id: String,
    pub namespace: String,
    pub base_capacity: i64,
    /// The port asked for (`port`, as AWS shows it); the listener's is `endpoint_port`.
    pub port: u16,
    /// The address and port of the workgroup's PostgreSQL listener (`endpoint`).
    pub endpoint_address: String,
    pub endpoint_port: u16,
    pub created: SystemTime,
    pub publicly_accessible: bool,
    pub enhanced_vpc_routing: bool,
}

/// The names a Redshift service principal answers to in `region`: its global name and, for
/// `redshift.amazonaws.com`, the regional `redshift.<region>.amazonaws.com` that AWS documents for
/// restricting a role to regions ("Each region in the Service list must be in the following
/// format: redshift.region.amazonaws.com", with a trust naming `redshift.us-east-1.amazonaws.com`
/// and `redshift.us-west-2.amazonaws.com` "permits the use of the IAM role only in the us-east-1
/// and us-west-2 regions":
/// <https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>).
/// No regional form of `redshift-serverless.amazonaws.com` is documented, so it has none here.
pub(crate) fn service_names(service: &str, region: &str) -> Vec<String> {
    match service.strip_suffix(".amazonaws.com") {
        Some("redshift") => vec![service.to_owned(), format!("redshift.{region}.amazonaws.com")],
        _ => vec![service.to_owned()],
    }
}

/// Whether a trust policy lets one of `services` (under its names in the cluster's `region`,
/// see [`service_names`]) assume the role, as Redshift checks when a role
/// is attached (conditions cannot be judged then, so only the principal and action are).
pub(crate) fn trust_allows_service(trust: &PolicyDocument, services: &[&str], region: &str) -> bool {
    let names: Vec<String> = services.iter().flat_map(|s| service_names(s, region)).collect();
    trust.statements.iter().any(|statement| {
        if statement.effect != Effect::Allow {
            return false;
        }
        let principal = match &statement.principal {
            Some(PrincipalBlock::Principal(p)) => {
                p.any || p.aws.iter().any(|a| a == "*") || p.service.iter().any(|s| names.contains(s))
            }
            _ => false,
        };
        let action = match &statement.action {
            ActionBlock::Action(patterns) => {
                patterns.iter().any(|p| redbridge_iam::eval::matches_wildcard(p, "sts:assumerole", true))
            }
            ActionBlock::NotAction(patterns) => {
                !patterns.iter().any(|p| redbridge_iam::eval::matches_wildcard(p, "sts:assumerole", true))
            }
        };
        principal && action
    })
}

/// The text Redshift answers when a role cannot be attached.
pub(crate) fn invalid_role(arn: &str) -> ApiError {
    ApiError::client(
        "InvalidParameterValue",
        format!("The IAM role {arn} is not valid. The IAM role must delegate access to an Amazon Redshift account."),
    )
}

/// Checks that a role exists and trusts one of `services`, as attaching does.
pub(crate) async fn check_attachable<C: Connect>(
    service: &Service<C>,
    arn: &str,
    services: &[&str],
    region: &str,
) -> Result<(), ApiError> {
    let role = redbridge_iam::RoleArn::parse(arn).map_err(|_| invalid_role(arn))?;
    let policies = crate::chain_access::role_policies(&service.cloud, &role)
        .await
        .map_err(|e| ApiError::internal(format!("cannot read role `{arn}`: {e}")))?;
    match policies {
        Some(p) if trust_allows_service(&p.trust, services, region) => Ok(()),
        _ => Err(invalid_role(arn)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn roles_go_from_adding_to_in_sync_and_removals_disappear() {
        let delay = Duration::from_millis(30);
        let mut role = AttachedRole::adding("arn:aws:iam::111111111111:role/R");
        assert_eq!(role.apply_status(delay), Some("adding"));
        std::thread::sleep(delay);
        assert_eq!(role.apply_status(delay), Some("in-sync"));
        role.removing = true;
        role.since = Instant::now();
        assert_eq!(role.apply_status(delay), Some("removing"));
        std::thread::sleep(delay);
        assert_eq!(role.apply_status(delay), None);
    }

    #[test]
    fn trust_must_name_a_redshift_service_for_sts_assume_role() {
        let doc = |json: &str| PolicyDocument::from_json(json).unwrap();
        let redshift = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        );
        let ec2 = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        );
        let denied = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:*"}]}"#,
        );
        assert!(trust_allows_service(&redshift, &["redshift.amazonaws.com"], "us-east-1"));
        assert!(!trust_allows_service(&ec2, &["redshift.amazonaws.com"], "us-east-1"));
        assert!(!trust_allows_service(&denied, &["redshift.amazonaws.com"], "us-east-1"));
    }
}
