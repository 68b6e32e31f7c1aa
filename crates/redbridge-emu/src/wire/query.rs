//! A wire connection's handlers: simple query (a text of one or more statements, run in order
//! until one fails) and extended query (Parse/Bind/Describe/Execute/Sync with `$n` parameters),
//! both on the connection's [`WireSession`].
//!
//! A `Describe` must answer a statement's columns before it runs, and the engine learns result
//! types only by running (SQLite reports no type for an expression): a portal that returns rows
//! is run at its `Describe` and the rows wait for its `Execute` (libpq and psycopg send
//! Parse/Bind/Describe/Execute/Sync back to back); a described statement without parameters
//! likewise (redshift_connector sends Parse/Describe, then Bind/Execute), and one with
//! parameters is run once with a sample value of each parameter's type to learn the columns. The
//! rows of a described statement go out as the types its `Describe` told the client.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Weak};

use async_trait::async_trait;
use futures_util::Sink;
use futures_util::stream;
use pgwire::api::portal::{Format, Portal};
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{
    DataRowEncoder, DescribePortalResponse, DescribeStatementResponse, FieldInfo, QueryResponse, Response, Tag,
};
use pgwire::api::stmt::{QueryParser, StoredStatement};
use pgwire::api::store::PortalStore;
use pgwire::api::{ClientInfo, ClientPortalStore, PgWireServerHandlers, Type};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::PgWireBackendMessage;
use redbridge_aws::ports::Connect;

use crate::db_login::LoginTarget;
use crate::state::Service;

use super::session::{Outcome, WireSession};
use super::{params, sqlstate, values};

/// One connection: its target, its session once authenticated, and the handlers pgwire calls.
pub(crate) struct Connection<C: Connect> {
    pub(super) service: Weak<Service<C>>,
    pub(super) target: LoginTarget,
    /// Set once the client has authenticated (the listener's startup timeout reads it).
    pub(crate) authenticated: Arc<AtomicBool>,
    pub(super) session: tokio::sync::Mutex<Option<WireSession>>,
    pub(super) startup: super::auth::Startup,
    /// Results run at a `Describe`, waiting for their `Execute`: by portal (`P…`) or by
    /// statement (`S…`), with the number of statements the session had run then.
    described: std::sync::Mutex<HashMap<String, (u64, Outcome)>>,
    /// How many statements the session has run (a waiting result is stale once another ran).
    runs: std::sync::atomic::AtomicU64,
    /// The column types a `Describe` of each statement told the client: its rows are sent as
    /// those types whatever the run finds.
    described_types: std::sync::Mutex<HashMap<String, Vec<Type>>>,
    parser: Arc<Parser>,
}

impl<C: Connect> Debug for Connection<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("target", &self.target).finish_non_exhaustive()
    }
}

impl<C: Connect> Connection<C> {
    pub(crate) fn new(service: Weak<Service<C>>, target: LoginTarget) -> Self {
        let auth = service.upgrade().map(|s| s.config.wire_auth).unwrap_or_default();
        Self {
            service,
            target,
            authenticated: Arc::new(AtomicBool::new(false)),
            session: tokio::sync::Mutex::new(None),
            startup: super::auth::Startup::new(auth),
            described: std::sync::Mutex::new(HashMap::new()),
            runs: std::sync::atomic::AtomicU64::new(0),
            described_types: std::sync::Mutex::new(HashMap::new()),
            parser: Arc::new(Parser),
        }
    }

    fn service(&self) -> PgWireResult<Arc<Service<C>>> {
        self.service.upgrade().ok_or_else(|| {
            // PostgreSQL's words when the server shuts down under a session (57P01).
            PgWireError::UserError(sqlstate::fatal(
                "57P01",
                "terminating connection due to administrator command".to_owned(),
            ))
        })
    }

    /// Runs one statement in the session.
    async fn run(&self, sql: &str) -> PgWireResult<Outcome> {
        let service = self.service()?;
        let mut session = self.session.lock().await;
        let Some(session) = session.as_mut() else {
            return Err(PgWireError::UserError(sqlstate::fatal(
                "08P01",
                "the session has not authenticated".to_owned(),
            )));
        };
        self.runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(session.run(&service, &self.target, sql).await)
    }

    fn remember(&self, key: String, outcome: Outcome) {
        let runs = self.runs.load(std::sync::atomic::Ordering::SeqCst);
        self.described.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key, (runs, outcome));
    }

    /// A result run at a `Describe`, if no other statement ran since.
    fn recall(&self, key: &str) -> Option<Outcome> {
        let runs = self.runs.load(std::sync::atomic::Ordering::SeqCst);
        let mut described = self.described.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match described.remove(key) {
            Some((then, outcome)) if then == runs => Some(outcome),
            _ => None,
        }
    }
}

impl<C: Connect> Drop for Connection<C> {
    /// A session that ends inside a transaction block rolls it back, as PostgreSQL does.
    fn drop(&mut self) {
        let Some(mut session) = self.session.get_mut().take() else { return };
        if !session.in_block() {
            return;
        }
        let (Some(service), Ok(runtime)) = (self.service.upgrade(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        let target = self.target.clone();
        runtime.spawn(async move {
            session.end_block(&service, &target, false).await;
        });
    }
}

/// The statements of one simple-query text, as redbridge-sql splits them (it knows Redshift's
/// quoting and comments).
fn statements(text: &str) -> Vec<&str> {
    redbridge_sql::parse(text)
        .iter()
        .filter_map(|statement| text.get(statement.span.start..statement.span.end))
        .map(str::trim)
        .filter(|sql| !sql.is_empty())
        .collect()
}

/// Whether `sql` answers rows (a query or `SHOW`).
fn returns_rows(sql: &str) -> bool {
    let first = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    ["SELECT", "WITH", "SHOW"].iter().any(|k| k.eq_ignore_ascii_case(first))
}

/// The response of an outcome, its columns in `format` (and as `types`, when described).
fn response(outcome: Outcome, format: Option<&Format>, types: Option<&[Type]>) -> Response {
    match outcome {
        Outcome::Rows(result, verb) => {
            let fields = Arc::new(values::fields(&result.columns, format, types));
            let mut encoder = DataRowEncoder::new(Arc::clone(&fields));
            let rows: Vec<_> = result.rows.iter().map(|row| values::encode_row(&mut encoder, &fields, row)).collect();
            let mut query = QueryResponse::new(fields, stream::iter(rows));
            query.set_command_tag(&verb);
            Response::Query(query)
        }
        Outcome::Command(tag) => Response::Execution(Tag::new(&tag)),
        Outcome::Began => Response::TransactionStart(Tag::new("BEGIN")),
        Outcome::Ended(tag) => Response::TransactionEnd(Tag::new(tag)),
        Outcome::Failed(error) => Response::Error(error),
    }
}

/// The columns of an outcome, or its error.
fn outcome_fields(outcome: &Outcome, format: Option<&Format>) -> PgWireResult<Vec<FieldInfo>> {
    match outcome {
        Outcome::Rows(result, _) => Ok(values::fields(&result.columns, format, None)),
        Outcome::Failed(error) => Err(PgWireError::UserError(Box::new(pgwire::error::ErrorInfo::new(
            error.severity.clone(),
            error.code.clone(),
            error.message.clone(),
        )))),
        _ => Ok(Vec::new()),
    }
}

#[async_trait]
impl<C: Connect> SimpleQueryHandler for Connection<C> {
    async fn do_query<CL>(&self, _client: &mut CL, query: &str) -> PgWireResult<Vec<Response>>
    where
        CL: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::PortalStore: PortalStore,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        let texts = statements(query);
        if texts.is_empty() {
            return Ok(vec![Response::EmptyQuery]);
        }
        let mut responses = Vec::with_capacity(texts.len());
        for sql in texts {
            let outcome = self.run(sql).await?;
            let failed = matches!(outcome, Outcome::Failed(_));
            responses.push(response(outcome, None, None));
            if failed {
                break;
            }
        }
        Ok(responses)
    }
}

/// The extended protocol's statements are their SQL texts.
#[derive(Debug)]
pub(crate) struct Parser;

#[async_trait]
impl QueryParser for Parser {
    type Statement = String;

    async fn parse_sql<CL>(&self, _client: &CL, sql: &str, _types: &[Option<Type>]) -> PgWireResult<Option<String>>
    where
        CL: ClientInfo + Unpin + Send + Sync,
    {
        Ok(Some(sql.to_owned()))
    }

    fn get_parameter_types(&self, sql: &String) -> PgWireResult<Vec<Type>> {
        Ok(vec![Type::VARCHAR; params::count(sql)])
    }

    fn get_result_schema(&self, _sql: &String, _format: Option<&Format>) -> PgWireResult<Vec<FieldInfo>> {
        Ok(Vec::new())
    }
}

#[async_trait]
impl<C: Connect> ExtendedQueryHandler for Connection<C> {
    type Statement = String;
    type QueryParser = Parser;

    fn query_parser(&self) -> Arc<Parser> {
        Arc::clone(&self.parser)
    }

    async fn do_describe_statement<CL>(
        &self,
        _client: &mut CL,
        target: &StoredStatement<String>,
    ) -> PgWireResult<DescribeStatementResponse>
    where
        CL: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::PortalStore: PortalStore<Statement = String>,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        let sql = &target.statement;
        let count = params::count(sql).max(target.parameter_types.len());
        let parameters: Vec<Type> =
            (0..count).map(|i| target.parameter_types.get(i).cloned().flatten().unwrap_or(Type::VARCHAR)).collect();
        if !returns_rows(sql) {
            return Ok(DescribeStatementResponse::new(parameters, Vec::new()));
        }
        let fields = if count == 0 {
            let outcome = self.run(sql).await?;
            let fields = outcome_fields(&outcome, None)?;
            self.remember(format!("S{}", target.id), outcome);
            fields
        } else {
            // A sample value of each parameter's type (a query runs without side effects).
            let samples: Vec<Option<bytes::Bytes>> = parameters.iter().map(|ty| Some(params::sample(ty))).collect();
            let types: Vec<Option<Type>> = parameters.iter().cloned().map(Some).collect();
            let bound = params::bind(sql, &samples, &types, &Format::UnifiedText).map_err(PgWireError::UserError)?;
            outcome_fields(&self.run(&bound).await?, None)?
        };
        let types = fields.iter().map(|f| f.datatype().clone()).collect();
        self.described_types.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(target.id.clone(), types);
        Ok(DescribeStatementResponse::new(parameters, fields))
    }

    async fn do_describe_portal<CL>(
        &self,
        _client: &mut CL,
        portal: &Portal<String>,
    ) -> PgWireResult<DescribePortalResponse>
    where
        CL: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::PortalStore: PortalStore<Statement = String>,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        let sql = &portal.statement.statement;
        if !returns_rows(sql) {
            return Ok(DescribePortalResponse::new(Vec::new()));
        }
        let bound = params::bind(sql, &portal.parameters, &portal.statement.parameter_types, &portal.parameter_format)
            .map_err(PgWireError::UserError)?;
        let outcome = self.run(&bound).await?;
        let fields = outcome_fields(&outcome, Some(&portal.result_column_format))?;
        self.remember(format!("P{}", portal.name), outcome);
        Ok(DescribePortalResponse::new(fields))
    }

    async fn do_query<CL>(&self, _client: &mut CL, portal: &Portal<String>, _max_rows: usize) -> PgWireResult<Response>
    where
        CL: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        CL::PortalStore: PortalStore<Statement = String>,
        CL::Error: Debug,
        PgWireError: From<<CL as Sink<PgWireBackendMessage>>::Error>,
    {
        let format = Some(&portal.result_column_format);
        if let Some(outcome) = self.recall(&format!("P{}", portal.name)) {
            return Ok(response(outcome, format, None));
        }
        let described = self
            .described_types
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&portal.statement.id)
            .cloned();
        let types = described.as_deref();
        if portal.parameters.is_empty()
            && let Some(outcome) = self.recall(&format!("S{}", portal.statement.id))
        {
            return Ok(response(outcome, format, types));
        }
        let sql = &portal.statement.statement;
        let bound =
            match params::bind(sql, &portal.parameters, &portal.statement.parameter_types, &portal.parameter_format) {
                Ok(bound) => bound,
                Err(error) => return Ok(Response::Error(error)),
            };
        let texts = statements(&bound);
        match texts.as_slice() {
            [] => Ok(Response::EmptyQuery),
            [one] => Ok(response(self.run(one).await?, format, types)),
            _ => Ok(Response::Error(sqlstate::of_text(&crate::texts::multiple_statements()))),
        }
    }
}

/// pgwire's handlers for one connection: startup, simple and extended query are all the
/// connection.
#[derive(Debug)]
pub(crate) struct Handlers<C: Connect>(pub Arc<Connection<C>>);

impl<C: Connect> PgWireServerHandlers for Handlers<C> {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        Arc::clone(&self.0)
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        Arc::clone(&self.0)
    }

    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.0)
    }
}
