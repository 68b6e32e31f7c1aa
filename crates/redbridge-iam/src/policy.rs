//! The IAM policy document model: every form users write, one meaning.
//!
//! Parsing normalizes the written forms (a `Statement` object or array, a string or a list of
//! actions, `"Principal": "*"` or a map of principal kinds) into one representation, so two
//! documents that mean the same compare equal. Serializing writes the canonical form AWS itself
//! prints: a lone value as a string, several as a list.
//!
//! Grammar: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The JSON shapes, with the written forms' variety; converted to and from the model below.
mod raw;

/// The only policy language version that supports policy variables; redbridge writes it.
pub const VERSION_2012: &str = "2012-10-17";
/// The older version, accepted when read.
pub const VERSION_2008: &str = "2008-10-17";

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "raw::Document", into = "raw::Document")]
pub struct PolicyDocument {
    /// `Version`; `None` when the document omits it (IAM then applies `2008-10-17`).
    pub version: Option<String>,
    /// `Id`, an optional identifier.
    pub id: Option<String>,
    /// The statements, in the order written.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// A `2012-10-17` document with the given statements.
    pub fn new(statements: Vec<Statement>) -> Self {
        Self { version: Some(VERSION_2012.to_owned()), id: None, statements }
    }

    /// Parses policy JSON; errors carry the line and column of the problem.
    pub fn from_json(json: &str) -> Result<Self, PolicyParseError> {
        serde_json::from_str(json).map_err(PolicyParseError::from_serde)
    }

    /// Parses a policy from an already parsed JSON value (no position information then).
    pub fn from_value(value: serde_json::Value) -> Result<Self, PolicyParseError> {
        serde_json::from_value(value).map_err(PolicyParseError::from_serde)
    }

    /// The canonical JSON value of this document.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Pretty-printed canonical JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Compact canonical JSON, as sent to AWS.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The statement with this `Sid`, if any.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.sid.as_deref() == Some(sid))
    }
}

/// Policy JSON that could not be read: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", location(*line, *column))]
pub struct PolicyParseError {
    /// What is wrong.
    pub message: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
}

fn location(line: usize, column: usize) -> String {
    if line == 0 { String::new() } else { format!(" at line {line} column {column}") }
}

impl PolicyParseError {
    fn from_serde(err: serde_json::Error) -> Self {
        let mut message = err.to_string();
        // serde_json appends " at line L column C"; we keep the position in fields instead.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        Self { message, line: err.line(), column: err.column() }
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, overriding any allow.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        })
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, an optional statement id.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`; absent in identity policies.
    pub principal: Option<PrincipalBlock>,
    /// `Action` or `NotAction`.
    pub action: ActionBlock,
    /// `Resource` or `NotResource`; absent in trust policies.
    pub resource: Option<ResourceBlock>,
    /// `Condition`: operator → condition key → values. Empty when absent.
    pub condition: Conditions,
}

impl Statement {
    /// An `Allow` of `actions` on `resources`, as in identity policies.
    pub fn allow<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: ActionBlock::Action(actions.into_iter().map(Into::into).collect()),
            resource: Some(ResourceBlock::Resource(resources.into_iter().map(Into::into).collect())),
            condition: Conditions::new(),
        }
    }

    /// An `Allow` of `sts:AssumeRole` to `principal`: one statement of a role's trust policy.
    pub fn trust(principal: Principal) -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            principal: Some(PrincipalBlock::Principal(principal)),
            action: ActionBlock::Action(vec!["sts:AssumeRole".to_owned()]),
            resource: None,
            condition: Conditions::new(),
        }
    }

    /// Sets the `Sid`.
    pub fn with_sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Sets the `Principal`.
    pub fn with_principal(mut self, principal: Principal) -> Self {
        self.principal = Some(PrincipalBlock::Principal(principal));
        self
    }

    /// Adds one condition `operator: { key: values }`, merging with what is there.
    pub fn with_condition<V: Into<ConditionValue>>(
        mut self,
        operator: &str,
        key: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.condition
            .entry(operator.to_owned())
            .or_default()
            .entry(key.to_owned())
            .or_default()
            .extend(values.into_iter().map(Into::into));
        self
    }

    /// Every action or not-action pattern, whichever the statement has.
    pub fn action_patterns(&self) -> &[String] {
        match &self.action {
            ActionBlock::Action(v) | ActionBlock::NotAction(v) => v,
        }
    }

    /// Every resource or not-resource pattern, whichever the statement has.
    pub fn resource_patterns(&self) -> &[String] {
        match &self.resource {
            Some(ResourceBlock::Resource(v) | ResourceBlock::NotResource(v)) => v,
            None => &[],
        }
    }
}

/// Condition operators to keys to values, as written (the evaluator interprets the operators).
pub type Conditions = BTreeMap<String, BTreeMap<String, Vec<ConditionValue>>>;

/// `Action` or `NotAction`: action patterns such as `s3:GetObject` or `s3:Get*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionBlock {
    /// Matches the listed actions.
    Action(Vec<String>),
    /// Matches every action except the listed ones.
    NotAction(Vec<String>),
}

/// `Resource` or `NotResource`: ARN patterns, or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceBlock {
    /// Matches the listed resources.
    Resource(Vec<String>),
    /// Matches every resource except the listed ones.
    NotResource(Vec<String>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalBlock {
    /// Matches the listed principals.
    Principal(Principal),
    /// Matches every principal except the listed ones.
    NotPrincipal(Principal),
}

/// A principal value: `"*"` or a map of principal kinds to identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    /// `"Principal": "*"`: everyone, signed or anonymous.
    pub any: bool,
    /// `AWS`: account ids, `arn:…:root`, role, user and session ARNs, or `*`.
    pub aws: Vec<String>,
    /// `Service`: service principals such as `redshift.amazonaws.com`.
    pub service: Vec<String>,
    /// `Federated`: identity providers.
    pub federated: Vec<String>,
    /// `CanonicalUser`: S3 canonical user ids.
    pub canonical_user: Vec<String>,
}

impl Principal {
    /// `{"AWS": [arns…]}`.
    pub fn aws<S: Into<String>>(arns: impl IntoIterator<Item = S>) -> Self {
        Self { aws: arns.into_iter().map(Into::into).collect(), ..Self::default() }
    }

    /// `{"Service": [services…]}`.
    pub fn service<S: Into<String>>(services: impl IntoIterator<Item = S>) -> Self {
        Self { service: services.into_iter().map(Into::into).collect(), ..Self::default() }
    }
}

/// A condition value. IAM compares values as strings, but keeps what was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number, kept as written.
    Number(String),
}

impl ConditionValue {
    /// The value as IAM compares it: its string form.
    pub fn as_string(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::String(s) | Self::Number(s) => s.into(),
            Self::Bool(b) => if *b { "true" } else { "false" }.into(),
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for ConditionValue {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<bool> for ConditionValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

// Public conversions between the statement model and its JSON form.
impl Serialize for Statement {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        raw::RawStatement::from(self.clone()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = raw::RawStatement::deserialize(deserializer)?;
        Statement::try_from(raw).map_err(serde::de::Error::custom)
    }
}
