//! The HTTP front: accepts connections, tells the three protocols apart, finds the caller's
//! account in the SigV4 header, and renders answers and errors in each protocol's shape.

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
use redbridge_iam::AccountId;

use redbridge_aws::ports::{Connect, Credentials, SessionKeys, Sts as _};

use crate::error::ApiError;
use crate::state::Service;

/// Requests larger than this are refused.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// The account LocalStack assigns to access keys that are not 12-digit account ids.
pub(crate) const DEFAULT_ACCOUNT: &str = "000000000000";

/// Who is calling, from the request's SigV4 `Authorization` header.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The account: a 12-digit access key id is the account, as in LocalStack.
    pub account: AccountId,
    /// The region of the credential scope.
    pub region: String,
}

/// The parts of a SigV4 `Authorization` header the emulator uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub access_key_id: String,
    pub region: String,
}

impl Signature {
    /// Reads `Credential=KEY/DATE/REGION/SERVICE/aws4_request` from an `Authorization` header.
    pub fn parse(header: &str) -> Option<Self> {
        let credential = header.split(['=', ',', ' ']).skip_while(|part| *part != "Credential").nth(1)?;
        let mut scope = credential.split('/');
        let key = scope.next().filter(|k| !k.is_empty())?;
        let _date = scope.next()?;
        let region = scope.next().filter(|r| !r.is_empty())?;
        Some(Self { access_key_id: key.to_owned(), region: region.to_owned() })
    }
}

impl Caller {
    /// The caller of a signed request: a 12-digit key id is the account; session keys are
    /// mapped back through STS `GetCallerIdentity` (cached); anything else is LocalStack's
    /// default account.
    pub async fn resolve<C: Connect>(
        service: &Service<C>,
        signature: Signature,
        session_token: Option<&str>,
    ) -> Option<Self> {
        let key = signature.access_key_id.as_str();
        let direct =
            (key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit())).then(|| AccountId::parse(key).ok()).flatten();
        let account = match direct {
            Some(account) => account,
            None => match service.session_account(key) {
                Some(account) => account,
                None => {
                    let found = session_account(service, key, session_token).await;
                    if let Some(account) = found {
                        service.remember_session(key, account);
                    }
                    found.or_else(|| AccountId::parse(DEFAULT_ACCOUNT).ok())?
                }
            },
        };
        Some(Self { account, region: signature.region })
    }
}

/// The account of session keys, as STS answers for them; `None` when it does not know them.
async fn session_account<C: Connect>(
    service: &Service<C>,
    access_key_id: &str,
    session_token: Option<&str>,
) -> Option<AccountId> {
    // The emulator does not check signatures, and neither does LocalStack: the key and the
    // token identify the session.
    let keys = SessionKeys {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: "unused".to_owned(),
        session_token: session_token.unwrap_or_default().to_owned(),
    };
    let identity = service.cloud.sts(&Credentials::Session(keys)).caller_identity().await.ok()?;
    Some(identity.account)
}

/// Serves connections until `stopped` fires; then open connections finish their current
/// request and close.
pub(crate) async fn serve<C: Connect>(
    listener: tokio::net::TcpListener,
    service: Arc<Service<C>>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let (closing, _) = tokio::sync::watch::channel(false);
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let service = Arc::clone(&service);
                let mut closing = closing.subscribe();
                tokio::spawn(async move {
                    let handler = service_fn(move |request| {
                        let service = Arc::clone(&service);
                        async move { Ok::<_, Infallible>(handle(&service, request).await) }
                    });
                    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), handler);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = closing.changed() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), connection).await;
                        }
                    }
                });
            }
        }
    }
    let _ = closing.send(true);
}

enum Protocol {
    Query,
    Serverless(String),
    Data(String),
}

async fn handle<C: Connect>(service: &Arc<Service<C>>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let request_id = crate::time::uuid();
    if request.method() == Method::GET && request.uri().path() == "/_emu/health" {
        return respond(StatusCode::OK, "application/json", r#"{"status":"ok"}"#.to_owned(), &request_id);
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
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let error = ApiError::client("RequestEntityTooLarge", "the request body is too large or was cut off")
                .with_status(413);
            return render_error(&protocol, &error, &request_id);
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
    }
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
        Protocol::Data(_) => json_error(error, "Message", request_id),
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

fn respond(status: StatusCode, content_type: &'static str, body: String, request_id: &str) -> Response<Full<Bytes>> {
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
    fn the_signature_gives_the_key_and_the_region() {
        let header = "AWS4-HMAC-SHA256 Credential=111111111111/20260101/eu-west-1/redshift/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        let signature = Signature::parse(header).unwrap();
        assert_eq!(signature, Signature { access_key_id: "111111111111".into(), region: "eu-west-1".into() });
        assert!(Signature::parse("Bearer nothing").is_none());
    }

    #[tokio::test]
    async fn twelve_digit_keys_are_accounts_session_keys_map_back_and_others_are_the_default() {
        use redbridge_aws::fake::FakeAws;
        use redbridge_aws::ports::{Credentials, Sts as _};
        let aws = FakeAws::new();
        let role = redbridge_iam::RoleArn::parse("arn:aws:iam::222222222222:role/R").unwrap();
        aws.seed_role(&role, redbridge_iam::policy::PolicyDocument::new(vec![]), &[]);
        let caller = Credentials::Account(AccountId::parse("111111111111").unwrap());
        let session = aws.sts(&caller).assume_role(&role, "s", None).await.unwrap();
        let service = Service::new(crate::Config::default(), aws);
        let signed = |key: &str| Signature { access_key_id: key.to_owned(), region: "us-east-1".to_owned() };
        assert_eq!(
            Caller::resolve(&service, signed("111111111111"), None).await.unwrap().account.as_str(),
            "111111111111"
        );
        assert_eq!(
            Caller::resolve(&service, signed(&session.keys.access_key_id), Some(&session.keys.session_token))
                .await
                .unwrap()
                .account
                .as_str(),
            "222222222222"
        );
        assert_eq!(
            Caller::resolve(&service, signed("AKIAEXAMPLE"), None).await.unwrap().account.as_str(),
            DEFAULT_ACCOUNT
        );
    }
}
