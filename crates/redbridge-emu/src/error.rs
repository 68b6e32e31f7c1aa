//! AWS error answers: one error value, rendered as query-protocol XML or as AWS JSON.

/// An error answer, independent of the protocol it is rendered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The AWS error code (`ClusterNotFound`, `ValidationException`, …).
    pub code: String,
    /// The message, in AWS's words where known.
    pub message: String,
    /// Extra members of JSON errors (`ResourceId`, `resourceName`, `StatementId`).
    pub extra: Vec<(&'static str, String)>,
    /// Whether the caller is at fault (`Sender`) rather than the service (`Receiver`).
    pub sender: bool,
}

impl ApiError {
    /// A 400 error caused by the request.
    pub fn client(code: &str, message: impl Into<String>) -> Self {
        Self { status: 400, code: code.to_owned(), message: message.into(), extra: Vec::new(), sender: true }
    }

    /// An error with another status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self.sender = status < 500;
        self
    }

    /// Adds a member to the JSON rendering.
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((key, value.into()));
        self
    }

    /// A 500 for failures of the emulator itself or its backend.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::client("InternalFailure", message).with_status(500)
    }

    /// The query-protocol `ErrorResponse` document.
    pub fn to_xml(&self, request_id: &str) -> String {
        format!(
            "<ErrorResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            if self.sender { "Sender" } else { "Receiver" },
            xml_escape(&self.code),
            xml_escape(&self.message),
            xml_escape(request_id),
        )
    }

    /// The AWS JSON error document; `message_key` is `message` or `Message` as the service's model names it.
    pub fn to_json(&self, message_key: &str) -> String {
        let mut object = serde_json::Map::new();
        object.insert("__type".to_owned(), self.code.clone().into());
        object.insert(message_key.to_owned(), self.message.clone().into());
        for (key, value) in &self.extra {
            object.insert((*key).to_owned(), value.clone().into());
        }
        serde_json::Value::Object(object).to_string()
    }
}

/// Escapes text for XML element content and attribute values.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_errors_escape_their_text() {
        let xml = ApiError::client("InvalidParameterValue", "a <b> & 'c'").to_xml("r-1");
        assert!(
            xml.contains("<Code>InvalidParameterValue</Code><Message>a &lt;b&gt; &amp; &apos;c&apos;</Message>"),
            "{xml}"
        );
        assert!(xml.contains("<Type>Sender</Type>"));
    }

    #[test]
    fn json_errors_carry_type_message_and_extras() {
        let json = ApiError::client("ResourceNotFoundException", "Query does not exist.")
            .with("ResourceId", "x")
            .to_json("Message");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["__type"], "ResourceNotFoundException");
        assert_eq!(value["Message"], "Query does not exist.");
        assert_eq!(value["ResourceId"], "x");
    }
}
