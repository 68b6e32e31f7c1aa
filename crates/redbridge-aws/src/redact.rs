//! Removing credentials from text before it is shown or logged.
//!
//! The SDK redacts secret keys in its debug output but prints access key ids (for example in
//! endpoint-resolution debug logs). Everything redbridge writes to a log goes through
//! [`redact`] (the CLI wraps its log writer with [`RedactingWriter`]).
//!
//! ```
//! use redbridge_aws::redact::redact;
//! let line = r#"Credentials { access_key_id: "AKIAIOSFODNN7EXAMPLE", secret_access_key: "** redacted **" }"#;
//! assert!(!redact(line, &[]).contains("AKIAIOSFODNN7EXAMPLE"));
//! ```

use std::io;

/// What replaces a credential.
pub const REDACTED: &str = "** redacted **";

/// Prefixes of AWS access key ids (long-term and temporary) and unique ids.
const KEY_PREFIXES: [&str; 3] = ["AKIA", "ASIA", "ABIA"];

/// Replaces every `secrets` value, every access key id (`AKIA…`, `ASIA…`) and the value after
/// `session_token: "` / `x-amz-security-token` by [`REDACTED`].
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        out = out.replace(secret.as_str(), REDACTED);
    }
    for prefix in KEY_PREFIXES {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(position) = rest.find(prefix) {
            let (before, from) = rest.split_at(position);
            let length = from.bytes().take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit()).count();
            let boundary = before.chars().last().is_none_or(|c| !c.is_ascii_alphanumeric());
            result.push_str(before);
            if length >= 16 && boundary {
                result.push_str(REDACTED);
            } else {
                result.push_str(&from[..length.max(prefix.len())]);
            }
            rest = &from[length.max(prefix.len())..];
        }
        result.push_str(rest);
        out = result;
    }
    for marker in ["session_token: \"", "x-amz-security-token\": \"", "X-Amz-Security-Token=", "x-amz-security-token: "]
    {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(position) = rest.find(marker) {
            let (before, from) = rest.split_at(position + marker.len());
            result.push_str(before);
            let end = from.find(['"', '&', ' ', ',', '\n']).unwrap_or(from.len());
            if from[..end] != *REDACTED {
                result.push_str(REDACTED);
            } else {
                result.push_str(&from[..end]);
            }
            rest = &from[end..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The credential values in the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN`), to pass to [`redact`].
pub fn secrets_from_env() -> Vec<String> {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .filter(|value| !value.is_empty())
        .collect()
}

/// A writer that redacts each write before passing it on (log formatters write one event per
/// call).
#[derive(Debug)]
pub struct RedactingWriter<W> {
    inner: W,
    secrets: Vec<String>,
}

impl<W: io::Write> RedactingWriter<W> {
    /// Wraps `inner`, also redacting `secrets`.
    pub fn new(inner: W, secrets: Vec<String>) -> Self {
        Self { inner, secrets }
    }
}

impl<W: io::Write> io::Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(redact(&text, &self.secrets).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_secrets_and_tokens_are_redacted() {
        let secrets = vec!["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned()];
        let text = "access_key_id: \"AKIAIOSFODNN7EXAMPLE\" key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY session_token: \"FwoGZXIvYXdzE\" ASIAY34FZKBOKMUTVV7A;";
        let redacted = redact(text, &secrets);
        assert_eq!(
            redacted,
            "access_key_id: \"** redacted **\" key ** redacted ** session_token: \"** redacted **\" ** redacted **;"
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let text = "role arn:aws:iam::111111111111:role/AKIA-named and AKIASHORT stay";
        assert_eq!(redact(text, &[]), text);
    }
}
