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
    match value {
        Value::Object(_) => parse_case_owned(value.clone(), ignore),
        _ => Err(EvalError::Request("an input is a JSON object with `principal`, `action` and `resource`".to_owned())),
    }
}

/// [`parse_case`] on a value it may take apart: the policies are moved out of it, not copied
/// (what `redbridge explain` does with each input it has just read).
pub fn parse_case_owned(value: Value, ignore: &[&str]) -> Result<(Request, Policies), EvalError> {
    let bad = |m: String| EvalError::Request(m);
    let Value::Object(mut map) = value else {
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
    let request = request_of(
        string("principal")?,
        string("action")?,
        string("resource")?,
        map.get("resource_account"),
        map.get("context"),
    )?;
    let policy = |field: &str, v: Value| -> Result<PolicyDocument, EvalError> {
        PolicyDocument::from_value(v).map_err(|e| bad(format!("`{field}`: {e}")))
    };
    let list = |field: &str, value: Option<Value>| -> Result<Vec<PolicyDocument>, EvalError> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items.into_iter().enumerate().map(|(i, v)| policy(&format!("{field}[{i}]"), v)).collect()
            }
            Some(_) => Err(bad(format!("`{field}` must be a list of policies"))),
        }
    };
    let identity_policies = list("identity_policies", map.remove("identity_policies"))?;
    let optional = |field: &str, value: Option<Value>| -> Result<Option<PolicyDocument>, EvalError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(v) => policy(field, v).map(Some),
        }
    };
    let resource_policy = optional("resource_policy", map.remove("resource_policy"))?;
    let permissions_boundary = optional("permissions_boundary", map.remove("permissions_boundary"))?;
    let session_policies = list("session_policies", map.remove("session_policies"))?;
    let levels = |field: &str, value: Option<Value>| -> Result<Vec<Vec<PolicyDocument>>, EvalError> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(levels)) => levels
                .into_iter()
                .enumerate()
                .map(|(level, v)| match v {
                    Value::Array(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| policy(&format!("{field}[{level}][{i}]"), v))
                        .collect(),
                    _ => Err(bad(format!(
                        "`{field}[{level}]` must be a list of policies (one list per organization level)"
                    ))),
                })
                .collect(),
            Some(_) => Err(bad(format!("`{field}` must be a list of lists of policies"))),
        }
    };
    let scps = levels("scps", map.remove("scps"))?;
    let rcps = levels("rcps", map.remove("rcps"))?;
    let policies = Policies { identity_policies, resource_policy, permissions_boundary, session_policies, scps, rcps };
    Ok((request, policies))
}

/// The request of an input: its principal, action and resource, `resource_account` and `context`.
fn request_of(
    principal: &str,
    action: &str,
    resource: &str,
    resource_account: Option<&Value>,
    context: Option<&Value>,
) -> Result<Request, EvalError> {
    let bad = |m: String| EvalError::Request(m);
    let mut request = Request::new(principal, action, resource)?;
    match resource_account {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            let account = AccountId::parse(s).map_err(|e| bad(format!("`resource_account`: {e}")))?;
            request = request.with_resource_account(account);
        }
        Some(_) => return Err(bad("`resource_account` must be a 12-digit string".to_owned())),
    }
    match context {
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
    Ok(request)
}

/// The fields of an input read straight from its text, policies included, without a JSON tree
/// ([`RawItem::case`]); anything unusual fails and the input is read the general way.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TypedCase {
    principal: String,
    action: String,
    resource: String,
    resource_account: Option<Value>,
    context: Option<Value>,
    identity_policies: Option<Vec<PolicyDocument>>,
    resource_policy: Option<PolicyDocument>,
    permissions_boundary: Option<PolicyDocument>,
    session_policies: Option<Vec<PolicyDocument>>,
    scps: Option<Vec<Vec<PolicyDocument>>>,
    rcps: Option<Vec<Vec<PolicyDocument>>>,
}

impl TypedCase {
    fn read(text: &str) -> Option<(Request, Policies)> {
        use serde::Deserialize as _;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let case = Self::deserialize(&mut deserializer).ok()?;
        let request = request_of(
            &case.principal,
            &case.action,
            &case.resource,
            case.resource_account.as_ref(),
            case.context.as_ref(),
        )
        .ok()?;
        let policies = Policies {
            identity_policies: case.identity_policies.unwrap_or_default(),
            resource_policy: case.resource_policy,
            permissions_boundary: case.permissions_boundary,
            session_policies: case.session_policies.unwrap_or_default(),
            scps: case.scps.unwrap_or_default(),
            rcps: case.rcps.unwrap_or_default(),
        };
        Some((request, policies))
    }
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
    split_items(text)
        .into_iter()
        .map(|item| {
            let value = item.value();
            RawInput { position: item.position, label: item.label, offset: item.offset, value }
        })
        .collect()
}

/// One input of a text, not parsed yet: where it is and its JSON text (see [`split_items`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RawItem<'a> {
    /// As [`RawInput::position`].
    pub position: usize,
    /// As [`RawInput::label`].
    pub label: String,
    /// As [`RawInput::offset`].
    pub offset: usize,
    /// The text from where the input starts (what follows it is not read), or why the line is
    /// not valid JSON.
    json: Result<&'a str, String>,
}

impl RawItem<'_> {
    /// The input's request and policies, or why it could not be read: [`Self::value`] then
    /// [`parse_case_owned`], with the same result and the same errors, but a well-formed input
    /// is read straight into its policies without building its JSON tree first.
    pub fn case(&self) -> Result<(Request, Policies), String> {
        if let Some(case) = self.json.as_ref().ok().and_then(|text| TypedCase::read(text)) {
            return Ok(case);
        }
        parse_case_owned(self.value()?, &[]).map_err(|e| e.to_string())
    }

    /// The input's JSON value, or why it could not be read.
    pub fn value(&self) -> Result<Value, String> {
        use serde::Deserialize as _;
        let text = self.json.as_ref().map_err(Clone::clone)?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Value::deserialize(&mut deserializer).map_err(|e| format!("not valid JSON: {e}"))
    }
}

/// [`split_inputs`] without building any JSON tree: each input is parsed when asked
/// ([`RawItem::value`]), so a large file costs the memory of one input at a time, not of all.
pub fn split_items(text: &str) -> Vec<RawItem<'_>> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let start = text.len() - text.trim_start().len();
    // Valid JSON as a whole (checked without building it): an array of inputs, or one object.
    if trimmed.starts_with('[') {
        if let Some(offsets) = array_item_offsets(trimmed) {
            return offsets
                .into_iter()
                .enumerate()
                .map(|(i, offset)| RawItem {
                    position: i + 1,
                    label: format!("item {}", i + 1),
                    offset: start + offset,
                    json: Ok(&trimmed[offset..]),
                })
                .collect();
        }
    } else if serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok() {
        return vec![RawItem { position: 1, label: "input".to_owned(), offset: start, json: Ok(trimmed) }];
    }
    let mut line_start = 0;
    let mut inputs = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let offset = line_start;
        line_start += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        // Each line is checked whole here (a line with more after its value is not valid).
        let checked = serde_json::from_str::<serde::de::IgnoredAny>(line);
        // serde_json counts the column in bytes from 1; 0 means the line's end.
        let at = checked.as_ref().err().map_or(0, |e| e.column().saturating_sub(1).min(line.len()));
        inputs.push(RawItem {
            position: i + 1,
            label: format!("line {}", i + 1),
            offset: offset + at,
            json: checked.map(|_| line).map_err(|e| format!("not valid JSON: {e}")),
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

/// The byte offsets of the items of `json` when it is one valid JSON array (starting with `[`,
/// nothing but whitespace after its `]`), else `None`: each item is skipped by serde_json
/// without being built, which both checks it and says where it ends.
fn array_item_offsets(json: &str) -> Option<Vec<usize>> {
    let bytes = json.as_bytes();
    let skip_whitespace = |mut at: usize| {
        while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            at += 1;
        }
        at
    };
    let mut offsets = Vec::new();
    let mut at = skip_whitespace(1);
    if bytes.get(at) != Some(&b']') {
        loop {
            offsets.push(at);
            let mut items = serde_json::Deserializer::from_str(json.get(at..)?).into_iter::<serde::de::IgnoredAny>();
            items.next()?.ok()?;
            at = skip_whitespace(at + items.byte_offset());
            match bytes.get(at) {
                Some(b',') => at = skip_whitespace(at + 1),
                Some(b']') => break,
                _ => return None,
            }
        }
    }
    (skip_whitespace(at + 1) == bytes.len()).then_some(offsets)
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

    #[test]
    fn reading_an_input_straight_from_its_text_decides_as_the_json_tree_does() {
        let text = r#"[
            {"principal": "arn:aws:iam::111111111111:user/U", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
             "resource_account": "111111111111", "context": {"aws:SecureTransport": true, "s3:prefix": ["a/", 3]},
             "identity_policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}],
             "resource_policy": null, "scps": [[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]]},
            {"principal": "arn:aws:iam::111111111111:user/U", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
             "identity_policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allw"}}]},
            {"principal": "p", "action": "s3:GetObject", "resource": "r", "extra": 1},
            {"principal": "arn:aws:iam::111111111111:user/U", "action": "s3:GetObject", "resource": "r", "principal": "x"},
            7
        ]"#;
        let items = split_items(text);
        assert_eq!(items.len(), 5);
        for item in items {
            let general = item.value().and_then(|v| parse_case_owned(v, &[]).map_err(|e| e.to_string()));
            // Same policies and the same decision, or the same error.
            let decide = |case: Result<(Request, Policies), String>| {
                case.map(|(request, policies)| {
                    let set = super::super::PolicySet::compile(&policies).map_err(|e| e.to_string());
                    let decision =
                        set.and_then(|set| super::super::evaluate(&request, &set).map_err(|e| e.to_string()));
                    (policies, decision, request.principal().display(), request.resource_account())
                })
            };
            assert_eq!(decide(item.case()), decide(general), "{}", item.label);
        }
    }
}
