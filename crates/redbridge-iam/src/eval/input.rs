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
    /// The byte offset in the text where the input starts, or for a line that is not valid
    /// JSON where serde_json found the error; an error about the input is reported there.
    pub offset: usize,
    /// The JSON value, or the parse error.
    pub value: Result<Value, String>,
}

/// Splits text into inputs: one JSON object, a JSON array of them, or JSON lines.
pub fn split_inputs(text: &str) -> Vec<RawInput> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let start = text.len() - text.trim_start().len();
    if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
        return match value {
            Value::Array(items) => items
                .into_iter()
                .zip(array_item_offsets(trimmed))
                .enumerate()
                .map(|(i, (v, offset))| RawInput {
                    position: i + 1,
                    label: format!("item {}", i + 1),
                    offset: start + offset,
                    value: Ok(v),
                })
                .collect(),
            v => vec![RawInput { position: 1, label: "input".to_owned(), offset: start, value: Ok(v) }],
        };
    }
    let mut line_start = 0;
    let mut inputs = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let offset = line_start;
        line_start += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str::<Value>(line);
        // serde_json counts the column in bytes from 1; 0 means the line's end.
        let at = value.as_ref().err().map_or(0, |e| e.column().saturating_sub(1).min(line.len()));
        inputs.push(RawInput {
            position: i + 1,
            label: format!("line {}", i + 1),
            offset: offset + at,
            value: value.map_err(|e| format!("not valid JSON: {e}")),
        });
    }
    inputs
}

/// Where, in the text of one input (`item`, from its first character; what follows it is not
/// read), the first policy that does not parse is wrong: serde_json's line and byte column
/// relative to `item`. `None` when every policy parses (the input's error, if any, is elsewhere).
/// [`parse_case`] works on a parsed value, which has no places; this reads the policies again
/// from the text so that an error deep inside one can be shown where it is.
pub fn policy_error_place(item: &str) -> Option<(usize, usize)> {
    use serde::Deserialize as _;
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct PoliciesOnly {
        identity_policies: Option<Vec<PolicyDocument>>,
        resource_policy: Option<PolicyDocument>,
        permissions_boundary: Option<PolicyDocument>,
        session_policies: Option<Vec<PolicyDocument>>,
        scps: Option<Vec<Vec<PolicyDocument>>>,
        rcps: Option<Vec<Vec<PolicyDocument>>>,
    }
    let mut deserializer = serde_json::Deserializer::from_str(item);
    match PoliciesOnly::deserialize(&mut deserializer) {
        Err(error) if error.is_data() => Some((error.line(), error.column())),
        _ => None,
    }
}

/// The byte offsets of the items of the JSON array `json` (valid JSON starting with `[`):
/// where each value at depth one starts, outside strings.
fn array_item_offsets(json: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut expecting) = (0usize, false, false, false);
    for (at, c) in json.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if expecting && !c.is_whitespace() && c != ']' {
            offsets.push(at);
            expecting = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                expecting = depth == 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(text: &str) -> Vec<(String, usize)> {
        split_inputs(text).into_iter().map(|raw| (raw.label, raw.offset)).collect()
    }

    #[test]
    fn each_input_knows_where_it_starts() {
        let array = "\n [ {\"a\": \"],{\\\"[\"}, [1, {}] ,\n  \"x\" ]";
        assert_eq!(offsets(array), [("item 1".to_owned(), 4), ("item 2".to_owned(), 21), ("item 3".to_owned(), 33)]);
        assert_eq!(offsets("  {\"a\": 1}"), [("input".to_owned(), 2)]);
        // Inside a policy: the place of the bad value, relative to the input.
        let item = "{\"principal\": \"p\", \"identity_policies\": [{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allw\"}]}]}, {}";
        assert_eq!(policy_error_place(item), Some((2, 32)));
        assert_eq!(policy_error_place("{\"identity_policies\": []}"), None);
        // JSON lines: where the line starts, or where serde_json found the error in it.
        assert_eq!(
            offsets("{}\n\n{\"a\": }\n{}"),
            [("line 1".to_owned(), 0), ("line 3".to_owned(), 10), ("line 4".to_owned(), 12)]
        );
    }
}
