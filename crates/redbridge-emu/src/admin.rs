//! The organization's admin route: `PUT /_emu/organization` (or `/_redbridge/organization`) with
//! the JSON of an organization file replaces the organization, `GET` says which one is set and
//! `DELETE` removes it. Only loopback clients may use it, even with `--allow-remote`: what the
//! organization says decides every SCP and RCP the emulator applies.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use redbridge_aws::ports::Connect;

use crate::http::respond;
use crate::organization::{MAX_FILE_BYTES, Organization};
use crate::state::Service;

fn answer(status: StatusCode, body: &serde_json::Value, request_id: &str) -> Response<Full<Bytes>> {
    respond(status, "application/json", body.to_string(), request_id)
}

fn message(status: StatusCode, text: String, request_id: &str) -> Response<Full<Bytes>> {
    answer(status, &serde_json::json!({ "message": text }), request_id)
}

/// What `GET` and `PUT` answer about an organization.
fn summary(organization: &Organization) -> serde_json::Value {
    serde_json::json!({
        "id": organization.id,
        "management_account": organization.management_account.as_str(),
        "units": organization.units.len(),
        "accounts": organization.accounts.len(),
        "policies": organization.policies.len(),
    })
}

/// Serves the organization's route.
pub(crate) async fn organization<C: Connect>(
    service: &Service<C>,
    request: Request<Incoming>,
    peer: std::net::SocketAddr,
    request_id: &str,
) -> Response<Full<Bytes>> {
    if !peer.ip().is_loopback() {
        let text = format!("the organization is set from a loopback address only, not from `{}`", peer.ip());
        return message(StatusCode::FORBIDDEN, text, request_id);
    }
    match *request.method() {
        Method::GET => match service.organization() {
            Some(organization) => answer(StatusCode::OK, &summary(&organization), request_id),
            None => message(StatusCode::NOT_FOUND, "no organization is set".to_owned(), request_id),
        },
        Method::DELETE => {
            service.set_organization(None);
            message(StatusCode::OK, "the organization is removed".to_owned(), request_id)
        }
        Method::PUT => {
            let timeout = service.config.header_timeout;
            let read = tokio::time::timeout(timeout, Limited::new(request.into_body(), MAX_FILE_BYTES).collect()).await;
            let body = match read {
                Ok(Ok(collected)) => collected.to_bytes(),
                Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
                    let text = format!("the organization is larger than the `{MAX_FILE_BYTES}` bytes read");
                    return message(StatusCode::PAYLOAD_TOO_LARGE, text, request_id);
                }
                Ok(Err(error)) => {
                    return message(StatusCode::BAD_REQUEST, format!("the body was cut off: {error}"), request_id);
                }
                Err(_) => {
                    let text = format!("the body did not arrive within `{}` ms", timeout.as_millis());
                    return message(StatusCode::REQUEST_TIMEOUT, text, request_id);
                }
            };
            match Organization::from_json(&body) {
                Ok(organization) => {
                    let answer_body = summary(&organization);
                    service.set_organization(Some(organization));
                    answer(StatusCode::OK, &answer_body, request_id)
                }
                Err(error) => message(StatusCode::BAD_REQUEST, error, request_id),
            }
        }
        _ => message(StatusCode::METHOD_NOT_ALLOWED, "use `PUT`, `GET` or `DELETE`".to_owned(), request_id),
    }
}
