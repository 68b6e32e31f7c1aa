//! The JSON shapes of a policy document, with the written forms' variety (a `Statement` object
//! or array, a string or a list, `"Principal": "*"` or a map), converted to and from the model in
//! `policy.rs`.

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
