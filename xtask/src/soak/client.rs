//! The soak's HTTP client: plain HTTP/1.1 over `std::net` with keep-alive connections,
//! signed-looking as the emulator accepts (it reads the account from the `Authorization` header
//! and checks no signature), so the task needs no async runtime and no AWS SDK.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::ACCOUNT;

/// One keep-alive HTTP/1.1 connection to the emulator, reopened when the server closes it.
pub(super) struct Client {
    address: String,
    stream: Option<BufReader<TcpStream>>,
}

/// An answer: the status and the body.
pub(super) struct Answer {
    pub status: u16,
    pub body: String,
}

impl Client {
    pub(super) fn new(address: &str) -> Self {
        Self { address: address.to_owned(), stream: None }
    }

    /// A POST signed as [`ACCOUNT`] for `service`; with `target`, an AWS JSON call.
    pub(super) fn post(&mut self, service: &str, target: Option<&str>, body: &str) -> anyhow::Result<Answer> {
        let (content_type, target) = match target {
            Some(target) => ("application/x-amz-json-1.1", format!("X-Amz-Target: {target}\r\n")),
            None => ("application/x-www-form-urlencoded", String::new()),
        };
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\n{target}Authorization: AWS4-HMAC-SHA256 Credential={ACCOUNT}/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        );
        self.exchange(&request)
    }

    /// Sends `request` and reads the answer; retries once on a fresh connection when a kept
    /// connection turns out closed.
    pub(super) fn exchange(&mut self, request: &str) -> anyhow::Result<Answer> {
        let reused = self.stream.is_some();
        match self.try_exchange(request) {
            Ok(answer) => Ok(answer),
            Err(_) if reused => {
                self.stream = None;
                self.try_exchange(request)
            }
            Err(error) => Err(error),
        }
    }

    pub(super) fn try_exchange(&mut self, request: &str) -> anyhow::Result<Answer> {
        if self.stream.is_none() {
            let stream =
                TcpStream::connect(&self.address).with_context(|| format!("connecting to {}", self.address))?;
            stream.set_read_timeout(Some(Duration::from_secs(60)))?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let Some(stream) = self.stream.as_mut() else { bail!("no connection") };
        let answer = (|| -> anyhow::Result<(Answer, bool)> {
            stream.get_mut().write_all(request.as_bytes())?;
            let (answer, close) = read_answer(stream)?;
            Ok((answer, close))
        })();
        match answer {
            Ok((answer, close)) => {
                if close {
                    self.stream = None;
                }
                Ok(answer)
            }
            Err(error) => {
                self.stream = None;
                Err(error)
            }
        }
    }
}

/// Reads one HTTP/1.1 answer with a `Content-Length` body; also says whether the server
/// closes the connection after it.
fn read_answer(stream: &mut BufReader<TcpStream>) -> anyhow::Result<(Answer, bool)> {
    let mut line = String::new();
    if stream.read_line(&mut line)? == 0 {
        bail!("the connection closed before an answer");
    }
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .with_context(|| format!("status line `{}`", line.trim()))?;
    let mut length = 0usize;
    let mut close = false;
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            bail!("the connection closed in the answer's header");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().context("content-length")?;
        } else if lower.starts_with("connection:") && lower.contains("close") {
            close = true;
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((Answer { status, body: String::from_utf8_lossy(&body).into_owned() }, close))
}
