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

/// The JSON shapes, with the written forms' variety; converted to and from the model above.
mod raw {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Document {
        #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none", deserialize_with = "version")]
        version: Option<String>,
        #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(rename = "Statement", deserialize_with = "statements")]
        statement: OneOrMany<Statement>,
    }

    // Checked while reading, not after, so the error carries the position.
    fn version<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
        let v = String::deserialize(deserializer)?;
        if v != VERSION_2012 && v != VERSION_2008 {
            return Err(serde::de::Error::custom(format!(
                "`Version` is `{v}`; IAM accepts `{VERSION_2012}` or `{VERSION_2008}` (this is a date, not the document's revision)"
            )));
        }
        Ok(Some(v))
    }

    fn statements<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<OneOrMany<Statement>, D::Error> {
        let statements = OneOrMany::<Statement>::deserialize(deserializer)?;
        if matches!(&statements, OneOrMany::Many(v) if v.is_empty()) {
            return Err(serde::de::Error::custom("`Statement` is empty; a policy needs at least one statement"));
        }
        Ok(statements)
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub(super) enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }

    /// Reads a lone value or a list without serde's untagged buffering, so an error inside
    /// the value (a statement without `Effect`, say) reaches the user as written.
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            use serde::de::value::{BoolDeserializer, MapAccessDeserializer, StrDeserializer, StringDeserializer};
            use serde::de::{self, IntoDeserializer};

            struct Visitor<T>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
                type Value = OneOrMany<T>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a value or a list of values")
                }
                fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(item) = seq.next_element()? {
                        out.push(item);
                    }
                    Ok(OneOrMany::Many(out))
                }
                fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    T::deserialize(StrDeserializer::<E>::new(v)).map(OneOrMany::One)
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                    T::deserialize(StringDeserializer::<E>::new(v)).map(OneOrMany::One)
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                    T::deserialize(BoolDeserializer::<E>::new(v)).map(OneOrMany::One)
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                    T::deserialize(v.into_deserializer()).map(OneOrMany::One)
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                    T::deserialize(v.into_deserializer()).map(OneOrMany::One)
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                    T::deserialize(v.into_deserializer()).map(OneOrMany::One)
                }
            }
            deserializer.deserialize_any(Visitor(std::marker::PhantomData))
        }
    }

    impl<T> OneOrMany<T> {
        fn into_vec(self) -> Vec<T> {
            match self {
                Self::One(t) => vec![t],
                Self::Many(v) => v,
            }
        }
        fn from_vec(mut v: Vec<T>) -> Self {
            if v.len() == 1 { Self::One(v.remove(0)) } else { Self::Many(v) }
        }
    }

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawStatement {
        #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
        sid: Option<String>,
        #[serde(rename = "Effect")]
        effect: Option<Effect>,
        #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
        principal: Option<RawPrincipal>,
        #[serde(rename = "NotPrincipal", default, skip_serializing_if = "Option::is_none")]
        not_principal: Option<RawPrincipal>,
        #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
        action: Option<OneOrMany<String>>,
        #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
        not_action: Option<OneOrMany<String>>,
        #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
        resource: Option<OneOrMany<String>>,
        #[serde(rename = "NotResource", default, skip_serializing_if = "Option::is_none")]
        not_resource: Option<OneOrMany<String>>,
        #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
        condition: Option<BTreeMap<String, BTreeMap<String, OneOrMany<RawValue>>>>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub(super) enum RawPrincipal {
        Star(String),
        Map(BTreeMap<String, OneOrMany<String>>),
    }

    impl<'de> Deserialize<'de> for RawPrincipal {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            use serde::de;
            struct Visitor;
            impl<'de> de::Visitor<'de> for Visitor {
                type Value = RawPrincipal;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("\"*\" or an object such as {\"AWS\": \"arn:aws:iam::111111111111:root\"}")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPrincipal, E> {
                    Ok(RawPrincipal::Star(v.to_owned()))
                }
                fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawPrincipal, A::Error> {
                    BTreeMap::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawPrincipal::Map)
                }
            }
            deserializer.deserialize_any(Visitor)
        }
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    pub(super) enum RawValue {
        String(String),
        Bool(bool),
        Number(serde_json::Number),
    }

    impl<'de> Deserialize<'de> for RawValue {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            use serde::de;
            struct Visitor;
            impl de::Visitor<'_> for Visitor {
                type Value = RawValue;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a condition value: a string, a number or a boolean")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
                    Ok(RawValue::String(v.to_owned()))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
                    Ok(RawValue::Bool(v))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
                    Ok(RawValue::Number(v.into()))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
                    Ok(RawValue::Number(v.into()))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
                    serde_json::Number::from_f64(v)
                        .map(RawValue::Number)
                        .ok_or_else(|| E::custom("a condition value is not a finite number"))
                }
            }
            deserializer.deserialize_any(Visitor)
        }
    }

    impl From<Document> for PolicyDocument {
        fn from(doc: Document) -> Self {
            PolicyDocument { version: doc.version, id: doc.id, statements: doc.statement.into_vec() }
        }
    }

    impl From<PolicyDocument> for Document {
        fn from(doc: PolicyDocument) -> Self {
            Document { version: doc.version, id: doc.id, statement: OneOrMany::Many(doc.statements) }
        }
    }

    fn nonempty(field: &str, v: OneOrMany<String>) -> Result<Vec<String>, String> {
        let v = v.into_vec();
        if v.is_empty() {
            return Err(format!("`{field}` is an empty list"));
        }
        if let Some(bad) = v.iter().find(|s| s.is_empty()) {
            let _ = bad;
            return Err(format!("`{field}` contains an empty string"));
        }
        Ok(v)
    }

    fn principal(field: &str, raw: RawPrincipal) -> Result<Principal, String> {
        match raw {
            RawPrincipal::Star(s) if s == "*" => Ok(Principal { any: true, ..Principal::default() }),
            RawPrincipal::Star(s) => Err(format!(
                "`{field}` is the string `{s}`; only `\"*\"` may be written bare, otherwise use {{\"AWS\": \"{s}\"}}"
            )),
            RawPrincipal::Map(map) => {
                let mut p = Principal::default();
                if map.is_empty() {
                    return Err(format!("`{field}` is an empty object"));
                }
                for (kind, values) in map {
                    let values = nonempty(&format!("{field}.{kind}"), values)?;
                    match kind.as_str() {
                        "AWS" => p.aws = values,
                        "Service" => p.service = values,
                        "Federated" => p.federated = values,
                        "CanonicalUser" => p.canonical_user = values,
                        other => {
                            return Err(format!(
                                "unknown principal type `{other}` in `{field}`; expected AWS, Service, Federated or CanonicalUser"
                            ));
                        }
                    }
                }
                Ok(p)
            }
        }
    }

    fn raw_principal(p: Principal) -> RawPrincipal {
        if p.any {
            return RawPrincipal::Star("*".to_owned());
        }
        let mut map = BTreeMap::new();
        for (kind, values) in
            [("AWS", p.aws), ("CanonicalUser", p.canonical_user), ("Federated", p.federated), ("Service", p.service)]
        {
            if !values.is_empty() {
                map.insert(kind.to_owned(), OneOrMany::from_vec(values));
            }
        }
        RawPrincipal::Map(map)
    }

    impl TryFrom<RawStatement> for Statement {
        type Error = String;
        fn try_from(raw: RawStatement) -> Result<Self, String> {
            let name = raw.sid.as_deref().map(|s| format!("statement `{s}`: ")).unwrap_or_default();
            let err = |m: String| format!("{name}{m}");
            let effect = raw.effect.ok_or_else(|| err("`Effect` is missing (Allow or Deny)".to_owned()))?;
            let principal = match (raw.principal, raw.not_principal) {
                (Some(_), Some(_)) => return Err(err("`Principal` and `NotPrincipal` cannot both appear".to_owned())),
                (Some(p), None) => Some(PrincipalBlock::Principal(principal("Principal", p).map_err(err)?)),
                (None, Some(p)) => Some(PrincipalBlock::NotPrincipal(principal("NotPrincipal", p).map_err(err)?)),
                (None, None) => None,
            };
            let action = match (raw.action, raw.not_action) {
                (Some(_), Some(_)) => return Err(err("`Action` and `NotAction` cannot both appear".to_owned())),
                (Some(a), None) => ActionBlock::Action(nonempty("Action", a).map_err(err)?),
                (None, Some(a)) => ActionBlock::NotAction(nonempty("NotAction", a).map_err(err)?),
                (None, None) => return Err(err("`Action` or `NotAction` is required".to_owned())),
            };
            let resource = match (raw.resource, raw.not_resource) {
                (Some(_), Some(_)) => return Err(err("`Resource` and `NotResource` cannot both appear".to_owned())),
                (Some(r), None) => Some(ResourceBlock::Resource(nonempty("Resource", r).map_err(err)?)),
                (None, Some(r)) => Some(ResourceBlock::NotResource(nonempty("NotResource", r).map_err(err)?)),
                (None, None) => None,
            };
            let mut condition = Conditions::new();
            for (operator, keys) in raw.condition.unwrap_or_default() {
                let mut out = BTreeMap::new();
                for (key, values) in keys {
                    let values: Vec<ConditionValue> = values
                        .into_vec()
                        .into_iter()
                        .map(|v| match v {
                            RawValue::String(s) => ConditionValue::String(s),
                            RawValue::Bool(b) => ConditionValue::Bool(b),
                            RawValue::Number(n) => ConditionValue::Number(n.to_string()),
                        })
                        .collect();
                    out.insert(key, values);
                }
                condition.insert(operator, out);
            }
            Ok(Statement { sid: raw.sid, effect, principal, action, resource, condition })
        }
    }

    impl From<Statement> for RawStatement {
        fn from(s: Statement) -> Self {
            let (principal, not_principal) = match s.principal {
                Some(PrincipalBlock::Principal(p)) => (Some(raw_principal(p)), None),
                Some(PrincipalBlock::NotPrincipal(p)) => (None, Some(raw_principal(p))),
                None => (None, None),
            };
            let (action, not_action) = match s.action {
                ActionBlock::Action(a) => (Some(OneOrMany::from_vec(a)), None),
                ActionBlock::NotAction(a) => (None, Some(OneOrMany::from_vec(a))),
            };
            let (resource, not_resource) = match s.resource {
                Some(ResourceBlock::Resource(r)) => (Some(OneOrMany::from_vec(r)), None),
                Some(ResourceBlock::NotResource(r)) => (None, Some(OneOrMany::from_vec(r))),
                None => (None, None),
            };
            let condition = (!s.condition.is_empty()).then(|| {
                s.condition
                    .into_iter()
                    .map(|(op, keys)| {
                        let keys = keys
                            .into_iter()
                            .map(|(k, values)| {
                                let values = values
                                    .into_iter()
                                    .map(|v| match v {
                                        ConditionValue::String(s) => RawValue::String(s),
                                        ConditionValue::Bool(b) => RawValue::Bool(b),
                                        ConditionValue::Number(n) => match n.parse::<serde_json::Number>() {
                                            Ok(n) => RawValue::Number(n),
                                            Err(_) => RawValue::String(n),
                                        },
                                    })
                                    .collect();
                                (k, OneOrMany::from_vec(values))
                            })
                            .collect();
                        (op, keys)
                    })
                    .collect()
            });
            RawStatement {
                sid: s.sid,
                effect: Some(s.effect),
                principal,
                not_principal,
                action,
                not_action,
                resource,
                not_resource,
                condition,
            }
        }
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
