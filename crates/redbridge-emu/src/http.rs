//! The HTTP front: accepts connections, tells the four protocols apart, finds the caller in the
//! SigV4 header ([`crate::caller`]), and renders answers and errors in each protocol's shape.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use redbridge_aws::ports::Connect;

use crate::caller::{Caller, Signature};
use crate::error::ApiError;
use crate::state::Service;

/// Request bodies larger than this are refused with `413`. The largest legitimate body of the
/// three APIs is a Data API `BatchExecuteStatement` with its most statements, 40
/// (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html>,
/// `Sqls`: "Maximum number of 40 items"), each of the most a statement may be, 100 KB
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-calling-considerations.html>:
/// "The maximum query statement size is 100 KB"; AWS answers a longer one with
/// `ValidationException: Cannot process query string larger than 100kB`): 4,000 KB of SQL.
/// JSON escaping (a quote or a newline takes two bytes) and the other members can at most
/// double that, so 8 MiB admits every request AWS admits.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// Serves connections until `stopped` fires; then open connections finish their current
/// request and close (each gets at most [`SHUTDOWN_GRACE`] for it).
///
/// Bounds (issue 18): at most `config.max_connections` connections at once; a connection is
/// closed when a started header or a body does not arrive within `config.header_timeout`, or
/// when it sits idle (between requests, or with a response the client does not read) for
/// `config.idle_timeout`; accept errors (out of file descriptors, of memory) back off instead
/// of spinning.
pub(crate) async fn serve<C: Connect>(
    listener: tokio::net::TcpListener,
    service: Arc<Service<C>>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let (closing, _) = tokio::sync::watch::channel(false);
    // Past the limit the loop stops accepting rather than accepting and answering 503: the
    // waiting clients stay in the kernel's accept queue and are served, in order, as soon as a
    // connection closes (the limit+1st client is slower, not refused), and no file descriptor
    // is spent on a connection that cannot be served, which is the resource the limit guards.
    // Stalled clients cannot hold the slots forever: the header and idle timeouts free them.
    let slots = Arc::new(tokio::sync::Semaphore::new(service.config.max_connections.max(1)));
    let mut backoff = AcceptBackoff::default();
    loop {
        let slot = tokio::select! {
            _ = &mut stopped => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok((stream, peer)) => {
                if let Some(failures) = backoff.succeeded() {
                    eprintln!("redbridge-emu: accepting connections again after `{failures}` failed accepts");
                }
                (stream, peer)
            }
            Err(error) => {
                let (pause, first) = backoff.failed();
                if first {
                    eprintln!(
                        "redbridge-emu: warning: cannot accept a connection: {error}; retrying with back-off up to {} ms",
                        AcceptBackoff::MAX.as_millis()
                    );
                }
                drop(slot);
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(pause) => continue,
                }
            }
        };
        let service = Arc::clone(&service);
        let mut closing = closing.subscribe();
        tokio::spawn(async move {
            let _slot = slot;
            let clock = Arc::new(ConnectionClock::default());
            let io =
                TimedIo::new(stream, Arc::clone(&clock), service.config.header_timeout, service.config.idle_timeout);
            let handler = service_fn(move |request| {
                let service = Arc::clone(&service);
                let clock = Arc::clone(&clock);
                clock.set(Phase::Busy);
                async move {
                    let response = handle(&service, request, peer).await;
                    clock.set(Phase::Idle(tokio::time::Instant::now()));
                    Ok::<_, Infallible>(response)
                }
            });
            // hyper's own `header_read_timeout` is not used: its timer also runs while a
            // keep-alive connection waits for its next request, so the idle time could never
            // be longer than the header time. `TimedIo` keeps the two apart.
            let connection =
                http1::Builder::new().header_read_timeout(None).serve_connection(TokioIo::new(io), handler);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = closing.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
                }
            }
        });
    }
    let _ = closing.send(true);
}

/// How long open connections get to finish their request once the emulator is stopping. This
/// is the only overall bound on a connection; it applies at shutdown only, so a keep-alive
/// client that polls for minutes is never cut off while the emulator runs.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// The pauses after failed accepts: 5 ms doubling to 1 s, back to none on the first success.
/// An accept fails while the process is out of file descriptors (`EMFILE`, `ENFILE`) or
/// memory (`ENOBUFS`, `ENOMEM`) and keeps failing until a connection closes: retrying at once
/// would spin a core and starve the connections that could free one.
#[derive(Debug, Default)]
struct AcceptBackoff {
    /// Failed accepts since the last success.
    failures: u32,
}

impl AcceptBackoff {
    const FIRST: std::time::Duration = std::time::Duration::from_millis(5);
    const MAX: std::time::Duration = std::time::Duration::from_secs(1);

    /// Records a failed accept; returns the pause before the next and whether it opens a burst
    /// (the one failure of the burst that is logged).
    fn failed(&mut self) -> (std::time::Duration, bool) {
        let first = self.failures == 0;
        let pause = Self::FIRST.saturating_mul(1u32 << self.failures.min(16)).min(Self::MAX);
        self.failures = self.failures.saturating_add(1);
        (pause, first)
    }

    /// Records a successful accept; returns how many failed before it when a burst ends.
    fn succeeded(&mut self) -> Option<u32> {
        let failures = std::mem::take(&mut self.failures);
        (failures > 0).then_some(failures)
    }
}

/// Where a connection is in its request cycle, for [`TimedIo`]'s deadlines.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the first byte of a request, since then: the idle deadline applies.
    Idle(tokio::time::Instant),
    /// A request's header started arriving then: the header deadline applies.
    Header(tokio::time::Instant),
    /// hyper handed the request to the handler, which bounds its body read itself.
    Busy,
}

/// A connection's [`Phase`], shared by its handler (which marks requests busy and done) and
/// its [`TimedIo`] (which marks headers started and enforces the deadlines).
#[derive(Debug)]
struct ConnectionClock(std::sync::Mutex<ClockState>);

#[derive(Debug)]
struct ClockState {
    phase: Phase,
    /// The connection task, parked on a read while the handler was busy: hyper does not read
    /// again after a response unless woken, so the end of a request wakes it to arm the idle
    /// deadline.
    parked: Option<std::task::Waker>,
}

impl Default for ConnectionClock {
    fn default() -> Self {
        Self(std::sync::Mutex::new(ClockState { phase: Phase::Idle(tokio::time::Instant::now()), parked: None }))
    }
}

impl ConnectionClock {
    fn state(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn phase(&self) -> Phase {
        self.state().phase
    }

    fn set(&self, phase: Phase) {
        let parked = {
            let mut state = self.state();
            state.phase = phase;
            if matches!(phase, Phase::Busy) { None } else { state.parked.take() }
        };
        if let Some(waker) = parked {
            waker.wake();
        }
    }

    fn park(&self, waker: &std::task::Waker) {
        self.state().parked = Some(waker.clone());
    }
}

/// A TCP stream whose reads fail with `TimedOut` when the connection's phase deadline passes
/// (which makes hyper close it), and whose writes fail the same way when the client has not
/// taken any of a response for the idle timeout.
struct TimedIo {
    stream: tokio::net::TcpStream,
    clock: Arc<ConnectionClock>,
    header_timeout: std::time::Duration,
    idle_timeout: std::time::Duration,
    read_deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    write_deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    /// Since when writes have made no progress.
    write_stalled_since: Option<tokio::time::Instant>,
}

impl TimedIo {
    fn new(
        stream: tokio::net::TcpStream,
        clock: Arc<ConnectionClock>,
        header_timeout: std::time::Duration,
        idle_timeout: std::time::Duration,
    ) -> Self {
        let now = tokio::time::Instant::now();
        Self {
            stream,
            clock,
            header_timeout,
            idle_timeout,
            read_deadline: Box::pin(tokio::time::sleep_until(now)),
            write_deadline: Box::pin(tokio::time::sleep_until(now)),
            write_stalled_since: None,
        }
    }

    /// Whether `sleep`, set to `deadline`, has passed (registering the waker if not).
    fn passed(
        sleep: &mut std::pin::Pin<Box<tokio::time::Sleep>>,
        deadline: tokio::time::Instant,
        cx: &mut std::task::Context<'_>,
    ) -> bool {
        if sleep.deadline() != deadline {
            sleep.as_mut().reset(deadline);
        }
        std::future::Future::poll(sleep.as_mut(), cx).is_ready()
    }
}

fn timed_out(what: &str, limit: std::time::Duration) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, format!("{what} within `{}` ms", limit.as_millis()))
}

impl tokio::io::AsyncRead for TimedIo {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut this.stream).poll_read(cx, buf) {
            std::task::Poll::Ready(Ok(())) => {
                if buf.filled().len() > before
                    && let Phase::Idle(_) = this.clock.phase()
                {
                    this.clock.set(Phase::Header(tokio::time::Instant::now()));
                }
                std::task::Poll::Ready(Ok(()))
            }
            std::task::Poll::Ready(Err(error)) => std::task::Poll::Ready(Err(error)),
            std::task::Poll::Pending => {
                let (deadline, error) = match this.clock.phase() {
                    Phase::Idle(since) => (since + this.idle_timeout, timed_out("no request came", this.idle_timeout)),
                    Phase::Header(since) => (
                        since + this.header_timeout,
                        timed_out("the request header did not arrive", this.header_timeout),
                    ),
                    Phase::Busy => {
                        this.clock.park(cx.waker());
                        return std::task::Poll::Pending;
                    }
                };
                if Self::passed(&mut this.read_deadline, deadline, cx) {
                    return std::task::Poll::Ready(Err(error));
                }
                std::task::Poll::Pending
            }
        }
    }
}

impl TimedIo {
    /// Passes a write's outcome on; a write that has made no progress for the idle timeout
    /// fails instead of waiting for a client that does not read.
    fn watch_write<T>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        outcome: std::task::Poll<std::io::Result<T>>,
    ) -> std::task::Poll<std::io::Result<T>> {
        if outcome.is_ready() {
            self.write_stalled_since = None;
            return outcome;
        }
        let since = *self.write_stalled_since.get_or_insert_with(tokio::time::Instant::now);
        if Self::passed(&mut self.write_deadline, since + self.idle_timeout, cx) {
            return std::task::Poll::Ready(Err(timed_out("the client took none of the response", self.idle_timeout)));
        }
        std::task::Poll::Pending
    }
}

impl tokio::io::AsyncWrite for TimedIo {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let outcome = std::pin::Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch_write(cx, outcome)
    }

    fn poll_write_vectored(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let outcome = std::pin::Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch_write(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let outcome = std::pin::Pin::new(&mut this.stream).poll_flush(cx);
        this.watch_write(cx, outcome)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

enum Protocol {
    Query,
    Serverless(String),
    Data(String),
    Organizations(String),
}

async fn handle<C: Connect>(
    service: &Arc<Service<C>>,
    request: Request<Incoming>,
    peer: std::net::SocketAddr,
) -> Response<Full<Bytes>> {
    let request_id = crate::time::uuid();
    if ORGANIZATION_PATHS.contains(&request.uri().path()) {
        return crate::admin::organization(service, request, peer, &request_id).await;
    }
    if request.method() == Method::GET && request.uri().path() == "/_emu/health" {
        return respond(StatusCode::OK, "application/json", r#"{"status":"ok"}"#.to_owned(), &request_id);
    }
    if request.method() == Method::GET && request.uri().path() == WIRE_CERTIFICATE_PATH {
        return match service.wire.certificate_pem() {
            Some(pem) => respond(StatusCode::OK, "application/x-pem-file", pem.to_owned(), &request_id),
            None => respond(
                StatusCode::NOT_FOUND,
                "text/plain",
                "the wire endpoints have no TLS certificate\n".to_owned(),
                &request_id,
            ),
        };
    }
    if request.method() == Method::POST && request.uri().path() == "/_emu/hold-role" {
        return hold_role(service, request.uri().query().unwrap_or_default(), &request_id);
    }
    let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let protocol = match target.as_deref() {
        Some(t) if t.starts_with("RedshiftServerless.") => {
            Protocol::Serverless(t["RedshiftServerless.".len()..].to_owned())
        }
        Some(t) if t.starts_with("RedshiftData.") => Protocol::Data(t["RedshiftData.".len()..].to_owned()),
        Some(t) if t.starts_with(crate::api::organizations::TARGET_PREFIX) => {
            Protocol::Organizations(t[crate::api::organizations::TARGET_PREFIX.len()..].to_owned())
        }
        Some(t) => {
            let error = ApiError::client("UnknownOperationException", format!("unknown target `{t}`"));
            return json_error(&error, "message", &request_id);
        }
        None => Protocol::Query,
    };
    let signature =
        request.headers().get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(Signature::parse);
    let session_token = request.headers().get("x-amz-security-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let query = request.uri().query().unwrap_or_default().to_owned();
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        // Refused before reading: hyper closes the connection rather than read what was sent.
        return render_error(&protocol, &too_large(), &request_id);
    }
    let header_timeout = service.config.header_timeout;
    let read = tokio::time::timeout(header_timeout, Limited::new(request.into_body(), MAX_BODY).collect()).await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
            return render_error(&protocol, &too_large(), &request_id);
        }
        Ok(Err(error)) => {
            let error = ApiError::client("SerializationException", format!("the request body was cut off: {error}"));
            return render_error(&protocol, &error, &request_id);
        }
        Err(_) => {
            let message = format!("the request body did not arrive within `{}` ms", header_timeout.as_millis());
            return render_error(&protocol, &ApiError::client("RequestTimeout", message).with_status(408), &request_id);
        }
    };
    let Some(signature) = signature else {
        let error =
            ApiError::client("MissingAuthenticationToken", "Request is missing Authentication Token").with_status(403);
        return render_error(&protocol, &error, &request_id);
    };
    let Some(caller) = Caller::resolve(service, signature, session_token.as_deref()).await else {
        return render_error(&protocol, &ApiError::internal("the caller's account cannot be determined"), &request_id);
    };
    match protocol {
        Protocol::Query => {
            let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            params.extend(form_urlencoded::parse(&body).into_owned());
            match crate::api::provisioned::handle(service, &caller, &params).await {
                Ok((action, result)) => {
                    let xml = format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><{action}Response xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
                    );
                    respond(StatusCode::OK, "text/xml", xml, &request_id)
                }
                Err(error) => render_error(&Protocol::Query, &error, &request_id),
            }
        }
        Protocol::Serverless(operation) => {
            let input = match parse_json(&body) {
                Ok(input) => input,
                Err(error) => return json_error(&error, "message", &request_id),
            };
            match crate::api::serverless::handle(service, &caller, &operation, &input).await {
                Ok(output) => respond(StatusCode::OK, "application/x-amz-json-1.1", output.to_string(), &request_id),
                Err(error) => json_error(&error, "message", &request_id),
            }
        }
        Protocol::Data(operation) => {
            let input = match parse_json(&body) {
                Ok(input) => input,
                Err(error) => return json_error(&error, "Message", &request_id),
            };
            match crate::api::data::handle(service, &caller, &operation, &input).await {
                Ok(output) => respond(StatusCode::OK, "application/x-amz-json-1.1", output.to_string(), &request_id),
                Err(error) => json_error(&error, "Message", &request_id),
            }
        }
        Protocol::Organizations(operation) => {
            let input = match parse_json(&body) {
                Ok(input) => input,
                Err(error) => return json_error(&error, "Message", &request_id),
            };
            match organizations(service, &caller, &operation, &input).await {
                Ok(output) => respond(StatusCode::OK, "application/x-amz-json-1.1", output.to_string(), &request_id),
                Err(error) => json_error(&error, "Message", &request_id),
            }
        }
    }
}

/// Where the organization is set (`PUT`), read (`GET`) or removed (`DELETE`): `/_emu/…` as the
/// emulator's other admin routes, and `/_redbridge/organization`, the name scenarios were given.
/// Where the wire endpoints' self-signed certificate is handed out (`wire/tls.rs`).
pub(crate) const WIRE_CERTIFICATE_PATH: &str = "/_emu/wire-certificate";

pub(crate) const ORGANIZATION_PATHS: [&str; 2] = ["/_emu/organization", "/_redbridge/organization"];

/// An Organizations call: the caller's identity policies first, then the organization's answer.
async fn organizations<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    operation: &str,
    input: &serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    let organization = service.organization();
    if let Some((action, resource)) =
        crate::api::organizations::action_and_resource(organization.as_deref(), operation, input)
    {
        let check = crate::caller_access::Check::new(&action, resource);
        crate::caller_access::authorize(service, caller, &[check], crate::caller_access::Shape::Json).await?;
    }
    crate::api::organizations::handle(organization.as_deref(), caller.account, operation, input)
}

/// `POST /_emu/hold-role?role=ARN&seconds=N`: keeps the role's attachments `adding` for N
/// seconds, so a scenario can show a role that is attached but not yet in sync.
fn hold_role<C: Connect>(service: &Service<C>, query: &str, request_id: &str) -> Response<Full<Bytes>> {
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let (Some(role), Some(Ok(seconds))) = (get("role"), get("seconds").map(str::parse::<u64>)) else {
        let body = r#"{"message":"usage: POST /_emu/hold-role?role=ARN&seconds=N"}"#.to_owned();
        return respond(StatusCode::BAD_REQUEST, "application/json", body, request_id);
    };
    let Some(held) = service.registry().hold_role(role, std::time::Duration::from_secs(seconds)) else {
        let message = format!("seconds `{seconds}` is too long a hold: the emulator cannot represent that moment");
        let body = serde_json::json!({ "message": message }).to_string();
        return respond(StatusCode::BAD_REQUEST, "application/json", body, request_id);
    };
    let status = if held == 0 { StatusCode::NOT_FOUND } else { StatusCode::OK };
    respond(
        status,
        "application/json",
        serde_json::json!({ "role": role, "held": held, "seconds": seconds }).to_string(),
        request_id,
    )
}

/// The `413` for a body past [`MAX_BODY`].
fn too_large() -> ApiError {
    ApiError::client(
        "RequestEntityTooLarge",
        format!("the request body is larger than `{MAX_BODY}` bytes, the most the emulator reads"),
    )
    .with_status(413)
}

fn parse_json(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    if body.is_empty() {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value @ serde_json::Value::Object(_)) => Ok(value),
        Ok(_) => Err(ApiError::client("SerializationException", "the request body is not a JSON object")),
        Err(error) => Err(ApiError::client("SerializationException", format!("the request body is not JSON: {error}"))),
    }
}

fn render_error(protocol: &Protocol, error: &ApiError, request_id: &str) -> Response<Full<Bytes>> {
    match protocol {
        Protocol::Query => respond(status(error.status), "text/xml", error.to_xml(request_id), request_id),
        Protocol::Serverless(_) => json_error(error, "message", request_id),
        Protocol::Data(_) | Protocol::Organizations(_) => json_error(error, "Message", request_id),
    }
}

fn json_error(error: &ApiError, message_key: &str, request_id: &str) -> Response<Full<Bytes>> {
    let mut response =
        respond(status(error.status), "application/x-amz-json-1.1", error.to_json(message_key), request_id);
    if let Ok(value) = HeaderValue::from_str(&error.code) {
        response.headers_mut().insert("x-amzn-errortype", value);
    }
    response
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: String,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_accepts_back_off_from_5_ms_doubling_to_1_s_and_a_success_resets() {
        let mut backoff = AcceptBackoff::default();
        let pauses: Vec<(u128, bool)> = (0..12)
            .map(|_| {
                let (pause, first) = backoff.failed();
                (pause.as_millis(), first)
            })
            .collect();
        let expected = [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 1000];
        assert_eq!(pauses.iter().map(|(p, _)| *p).collect::<Vec<_>>(), expected);
        assert_eq!(pauses.iter().filter(|(_, first)| *first).count(), 1, "one burst, one warning");
        for _ in 0..100 {
            backoff.failed();
        }
        assert_eq!(backoff.failed().0.as_millis(), 1000, "no overflow however long it lasts");
        assert_eq!(backoff.succeeded(), Some(113));
        assert_eq!(backoff.succeeded(), None, "a success outside a burst says nothing");
        assert_eq!(backoff.failed(), (std::time::Duration::from_millis(5), true), "a new burst starts over");
    }
}
