//! The JSON input of `redbridge explain` (also the corpus format): one request with its policies.
//!
//! ```json
//! { "principal": "arn:aws:iam::111111111111:role/R", "action": "s3:GetObject",
//!   "resource": "arn:aws:s3:::bucket/key", "resource_account": "222222222222",
//!   "context": { "aws:SecureTransport": true, "s3:prefix": ["a/"] },
//!   "identity_policies": [], "resource_policy": null, "permissions_boundary": null,
//!   "session_policies": [], "scps": [[]], "rcps": [[]] }
//! ```

use serde_json::Value;

use crate::AccountId;
use crate::policy::PolicyDocument;

use super::{ContextValue, EvalError, Policies, Request};

/// The fields an input object may have.
pub const FIELDS: &[&str] = &[
    "principal",
    "action",
    "resource",
    "resource_account",
    "context",
    "identity_policies",
    "resource_policy",
    "permissions_boundary",
    "session_policies",
    "scps",
    "rcps",
];

/// Reads one input object into a request and its policies; `ignore` lists extra fields to accept
/// (the corpus adds `name`, `rule`, `expect`).
pub fn parse_case(value: &Value, ignore: &[&str]) -> Result<(Request, Policies), EvalError> {
    let bad = |m: String| EvalError::Request(m);
    let Value::Object(map) = value else {
        return Err(bad("an input is a JSON object with `principal`, `action` and `resource`".to_owned()));
    };
    if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str()) && !ignore.contains(&k.as_str())) {
        return Err(bad(format!("unknown field `{unknown}`; expected one of {}", FIELDS.join(", "))));
    }
    let string = |field: &str| -> Result<&str, EvalError> {
        match map.get(field) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(bad(format!("`{field}` must be a string"))),
            None => Err(bad(format!("`{field}` is missing"))),
        }
    };
    let mut request = Request::new(string("principal")?, string("action")?, string("resource")?)?;
    match map.get("resource_account") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            let account = AccountId::parse(s).map_err(|e| bad(format!("`resource_account`: {e}")))?;
            request = request.with_resource_account(account);
        }
        Some(_) => return Err(bad("`resource_account` must be a 12-digit string".to_owned())),
    }
    match map.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(context)) => {
            for (key, value) in context {
                let scalar = |v: &Value| -> Option<String> {
                    match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Bool(b) => Some(b.to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    }
                };
                let value = match value {
                    Value::Array(items) => ContextValue::Multi(
                        items
                            .iter()
                            .map(|v| {
                                scalar(v).ok_or_else(|| {
                                    bad(format!("context key `{key}`: list items must be strings, numbers or booleans"))
                                })
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                    v => ContextValue::Single(scalar(v).ok_or_else(|| {
                        bad(format!("context key `{key}`: a value is a string, number, boolean or a list of them"))
                    })?),
                };
                request = request.with_context(key, value);
            }
        }
        Some(_) => return Err(bad("`context` must be an object of key to value".to_owned())),
    }
    let policy = |field: &str, v: &Value| -> Result<PolicyDocument, EvalError> {
        PolicyDocument::from_value(v.clone()).map_err(|e| bad(format!("`{field}`: {e}")))
    };
    let list = |field: &str| -> Result<Vec<PolicyDocument>, EvalError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(i, v)| policy(&format!("{field}[{i}]"), v)).collect()
            }
            Some(_) => Err(bad(format!("`{field}` must be a list of policies"))),
        }
    };
    let optional = |field: &str| -> Result<Option<PolicyDocument>, EvalError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => policy(field, v).map(Some),
        }
    };
    let levels = |field: &str| -> Result<Vec<Vec<PolicyDocument>>, EvalError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(levels)) => levels
                .iter()
                .enumerate()
                .map(|(level, v)| match v {
                    Value::Array(items) => {
                        items.iter().enumerate().map(|(i, v)| policy(&format!("{field}[{level}][{i}]"), v)).collect()
                    }
                    _ => Err(bad(format!(
                        "`{field}[{level}]` must be a list of policies (one list per organization level)"
                    ))),
                })
                .collect(),
            Some(_) => Err(bad(format!("`{field}` must be a list of lists of policies"))),
        }
    };
    let policies = Policies {
        identity_policies: list("identity_policies")?,
        resource_policy: optional("resource_policy")?,
        permissions_boundary: optional("permissions_boundary")?,
        session_policies: list("session_policies")?,
        scps: levels("scps")?,
        rcps: levels("rcps")?,
    };
    Ok((request, policies))
}

/// One input read from text: where it came from and its JSON, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct RawInput {
    /// A 1-based line number (JSON lines), or the 1-based index in an array or `1` for one object.
    pub position: usize,
    /// How to name the position to a person: `line 3`, `item 2`.
    pub label: String,
    /// The JSON value, or the parse error.
    pub value: Result<Value, String>,
}

/// Splits text into inputs: one JSON object, a JSON array of them, or JSON lines.
pub fn split_inputs(text: &str) -> Vec<RawInput> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        return match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| RawInput { position: i + 1, label: format!("item {}", i + 1), value: Ok(v) })
                .collect(),
            v => vec![RawInput { position: 1, label: "input".to_owned(), value: Ok(v) }],
        };
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| RawInput {
            position: i + 1,
            label: format!("line {}", i + 1),
            value: serde_json::from_str::<Value>(line).map_err(|e| format!("not valid JSON: {e}")),
        })
        .collect()
}
