//! A cluster's or workgroup's listener: accepts connections within the per-endpoint and overall
//! bounds, and runs each through a byte guard in front of pgwire.
//!
//! pgwire accepts a query message of up to 1 GiB and waits a minute for a startup; the guard
//! holds a client to [`Limits::max_message_bytes`] per message and [`Limits::startup_timeout`]
//! to authenticate. It reads only the frames' lengths, answers `SSLRequest` with `S` and the TLS
//! handshake (`tls.rs`) and refuses GSS encryption as a server without it does, with `N`; pgwire
//! reads everything else, in the clear, over an in-process socket pair (`process_socket_unix`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use redbridge_aws::ports::Connect;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream, UnixStream};

use crate::db_login::LoginTarget;
use crate::state::Service;

/// What one listener holds its clients to.
#[derive(Debug, Clone)]
pub(super) struct Limits {
    /// The connections of this cluster or workgroup.
    pub endpoint: Arc<tokio::sync::Semaphore>,
    /// The connections of every listener.
    pub total: Arc<tokio::sync::Semaphore>,
    pub startup_timeout: Duration,
    pub max_message_bytes: usize,
    /// What answers an `SSLRequest` with `S`; `None`: `N`.
    pub tls: Option<super::tls::WireTls>,
}

/// Accepts connections until `stop` turns (or its sender goes).
pub(super) async fn accept<C: Connect>(
    listener: TcpListener,
    service: Weak<Service<C>>,
    target: LoginTarget,
    limits: Limits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() { return }
                continue;
            }
            accepted = listener.accept() => accepted,
        };
        let socket = match accepted {
            Ok((socket, _)) => socket,
            // Out of descriptors, or a client that went before it was accepted: try again soon.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if service.strong_count() == 0 {
            return;
        }
        let slots = (Arc::clone(&limits.endpoint).try_acquire_owned(), Arc::clone(&limits.total).try_acquire_owned());
        let (Ok(endpoint_slot), Ok(total_slot)) = slots else {
            tokio::spawn(refuse_too_many(socket));
            continue;
        };
        let connection = super::query::Connection::new(service.clone(), target.clone());
        let mut stop = stop.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            let _slots = (endpoint_slot, total_slot);
            tokio::select! {
                () = serve(socket, connection, &limits) => {}
                _ = stop.wait_for(|stopped| *stopped) => {}
            }
        });
    }
}

/// PostgreSQL's answer past `max_connections`: `FATAL: sorry, too many clients already` (53300,
/// <https://www.postgresql.org/docs/current/errcodes-appendix.html>, `too_many_connections`).
async fn refuse_too_many(mut socket: TcpStream) {
    let error = super::sqlstate::fatal("53300", "sorry, too many clients already".to_owned());
    let mut bytes = bytes::BytesMut::new();
    if pgwire::messages::PgWireBackendMessage::ErrorResponse((*error).into()).encode(&mut bytes).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(1), socket.write_all(&bytes)).await;
    }
}

/// Serves one connection: the guard between the client and pgwire, until either side ends or the
/// client has not authenticated within the startup timeout (a TLS handshake included).
async fn serve<C: Connect>(client: TcpStream, connection: super::query::Connection<C>, limits: &Limits) {
    let authenticated = Arc::clone(&connection.authenticated);
    let Ok((inside, server)) = UnixStream::pair() else { return };
    let handlers = super::query::Handlers(Arc::new(connection));
    let pgwire = pgwire::tokio::process_socket_unix(server, handlers);
    let guarded = guard(client, inside, limits);
    let startup = startup_deadline(&authenticated, limits.startup_timeout);
    tokio::select! {
        _ = async { tokio::join!(pgwire, guarded) } => {}
        () = startup => {}
    }
}

/// Resolves once `timeout` has passed without the client authenticating; never otherwise.
async fn startup_deadline(authenticated: &AtomicBool, timeout: Duration) {
    tokio::time::sleep(timeout).await;
    if authenticated.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
}

/// The startup-phase codes of SSLRequest, GSSENCRequest and CancelRequest
/// (<https://www.postgresql.org/docs/current/protocol-message-formats.html>).
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;
/// The largest startup-phase message pgwire reads (its `SMALL_PACKET_SIZE_LIMIT`).
const MAX_STARTUP_BYTES: usize = 10_000;

/// A startup-phase frame, as the guard sees it.
enum Startup {
    /// `SSLRequest`.
    Ssl,
    /// `GSSENCRequest`.
    Gss,
    /// Anything else (the StartupMessage, a CancelRequest), whole, for pgwire.
    Frame(Vec<u8>),
}

/// Reads one untyped startup-phase frame; `None` when the client goes or breaks the bounds.
async fn read_startup<S: AsyncRead + Unpin>(client: &mut S) -> Option<Startup> {
    let length = usize::try_from(client.read_u32().await.ok()?).unwrap_or(usize::MAX);
    if !(8..=MAX_STARTUP_BYTES).contains(&length) {
        return None;
    }
    let mut frame = vec![0_u8; length];
    frame[..4].copy_from_slice(&u32::try_from(length).unwrap_or(u32::MAX).to_be_bytes());
    client.read_exact(&mut frame[4..]).await.ok()?;
    let code = u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]);
    Some(match code {
        SSL_REQUEST if length == 8 => Startup::Ssl,
        GSSENC_REQUEST if length == 8 => Startup::Gss,
        _ => Startup::Frame(frame),
    })
}

/// The startup phase: GSS encryption is refused with `N`; SSL is accepted with `S` and a TLS
/// handshake when the endpoints have a certificate (refused with `N` otherwise), once. Then the
/// client's first real frame goes to pgwire and [`relay`] carries the rest, over TLS or not.
async fn guard(mut client: TcpStream, inside: UnixStream, limits: &Limits) {
    loop {
        match read_startup(&mut client).await {
            None => return,
            Some(Startup::Gss) => {
                if client.write_all(b"N").await.is_err() {
                    return;
                }
            }
            Some(Startup::Ssl) => {
                let Some(tls) = &limits.tls else {
                    if client.write_all(b"N").await.is_err() {
                        return;
                    }
                    continue;
                };
                if client.write_all(b"S").await.is_err() {
                    return;
                }
                let Ok(mut client) = tls.acceptor.accept(client).await else { return };
                // Inside TLS, a second SSLRequest is a protocol violation (PostgreSQL closes too).
                loop {
                    match read_startup(&mut client).await {
                        None | Some(Startup::Ssl) => return,
                        Some(Startup::Gss) => {
                            if client.write_all(b"N").await.is_err() || client.flush().await.is_err() {
                                return;
                            }
                        }
                        Some(Startup::Frame(frame)) => {
                            return relay(client, inside, frame, limits.max_message_bytes).await;
                        }
                    }
                }
            }
            Some(Startup::Frame(frame)) => return relay(client, inside, frame, limits.max_message_bytes).await,
        }
    }
}

/// Copies the client's bytes to pgwire frame by frame (after `first`, the startup frame),
/// refusing a frame longer than `max_message` (the connection closes), and pgwire's bytes back
/// to the client.
async fn relay<S: AsyncRead + AsyncWrite>(client: S, inside: UnixStream, first: Vec<u8>, max_message: usize) {
    let (mut client_read, mut client_write) = tokio::io::split(client);
    let (mut inside_read, mut inside_write) = inside.into_split();
    if inside_write.write_all(&first).await.is_err() {
        return;
    }
    let inbound = async {
        // Typed frames: a type byte, a length that counts itself, the body.
        let mut buffer = vec![0_u8; 16 * 1024];
        loop {
            let mut header = [0_u8; 5];
            if client_read.read_exact(&mut header).await.is_err() {
                return;
            }
            let length = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if length < 4 || length - 4 > max_message {
                return;
            }
            if inside_write.write_all(&header).await.is_err() {
                return;
            }
            let mut left = length - 4;
            while left > 0 {
                let chunk = left.min(buffer.len());
                if client_read.read_exact(&mut buffer[..chunk]).await.is_err() {
                    return;
                }
                if inside_write.write_all(&buffer[..chunk]).await.is_err() {
                    return;
                }
                left -= chunk;
            }
        }
    };
    let outbound = async {
        let _ = tokio::io::copy(&mut inside_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    // The client's side ending (or breaking a bound) ends the connection; pgwire's side ending
    // (a Terminate, a FATAL error) ends it once its last bytes are written.
    tokio::select! {
        () = inbound => {}
        () = outbound => {}
    }
}
