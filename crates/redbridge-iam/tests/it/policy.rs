//! The policy document model: every written form parses to one meaning, errors say where.

use proptest::prelude::*;
use redbridge_iam::policy::{
    ActionBlock, ConditionValue, Conditions, Effect, PolicyDocument, Principal, PrincipalBlock, ResourceBlock,
    Statement,
};

fn parse(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

#[test]
fn statement_object_and_array_mean_the_same() {
    let one = parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let many = parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}"#,
    );
    assert_eq!(one, many);
    assert_eq!(one.statements[0].action, ActionBlock::Action(vec!["s3:GetObject".into()]));
}

#[test]
fn every_element_form_is_kept() {
    let doc = parse(
        r#"{
        "Version": "2012-10-17",
        "Id": "doc",
        "Statement": [
          {"Sid": "A", "Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111111111111:role/R", "222222222222"]},
           "NotAction": "s3:Delete*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
           "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": 10},
                         "ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b?"]}}},
          {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
          {"Effect": "Allow", "Principal": {"Service": ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"],
                                            "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"},
           "Action": "sts:AssumeRole"}
        ]}"#,
    );
    assert_eq!(doc.id.as_deref(), Some("doc"));
    let deny = &doc.statements[0];
    assert_eq!(deny.effect, Effect::Deny);
    assert_eq!(
        deny.principal,
        Some(PrincipalBlock::NotPrincipal(Principal::aws(["arn:aws:iam::111111111111:role/R", "222222222222"])))
    );
    assert_eq!(deny.action, ActionBlock::NotAction(vec!["s3:Delete*".into()]));
    assert_eq!(
        deny.resource,
        Some(ResourceBlock::NotResource(vec!["arn:aws:s3:::b".into(), "arn:aws:s3:::b/*".into()]))
    );
    assert_eq!(deny.condition["Bool"]["aws:SecureTransport"], vec![ConditionValue::Bool(false)]);
    assert_eq!(deny.condition["NumericLessThan"]["s3:max-keys"], vec![ConditionValue::Number("10".into())]);
    assert_eq!(deny.condition["NumericLessThan"]["s3:max-keys"][0].as_string(), "10");
    assert_eq!(
        doc.statements[1].principal,
        Some(PrincipalBlock::Principal(Principal { any: true, ..Principal::default() }))
    );
    let trust = &doc.statements[2];
    let Some(PrincipalBlock::Principal(p)) = &trust.principal else { panic!("principal") };
    assert_eq!(p.service.len(), 2);
    assert_eq!(p.federated, vec!["cognito-identity.amazonaws.com"]);
    assert_eq!(p.canonical_user, vec!["abc"]);
    assert_eq!(trust.resource, None);
    // Canonical output parses back to the same meaning.
    assert_eq!(parse(&doc.to_json()), doc);
    assert_eq!(parse(&doc.to_json_pretty()), doc);
}

#[test]
fn canonical_form_writes_lone_values_as_strings() {
    let doc = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"]).with_sid("S")]);
    assert_eq!(
        doc.to_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#
    );
}

/// Checks that parsing fails with a message containing `message` at `line`.
fn error_at(json: &str, message: &str, line: usize) {
    let err = PolicyDocument::from_json(json).expect_err(json);
    assert!(err.to_string().contains(message), "`{err}` should contain `{message}`");
    assert_eq!(err.line, line, "line of `{err}`");
    assert!(err.to_string().contains(&format!("at line {line} column")), "{err}");
}

#[test]
fn malformed_policies_say_what_and_where() {
    error_at(
        "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": \"s3:*\"}\n  ]\n}",
        "expected `,` or `}`",
        3,
    );
    error_at(
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]}",
        "`Action` or `NotAction` is required",
        1,
    );
    error_at("{\n\"Statement\": [{\"Action\": \"s3:GetObject\",\n\"Resource\": \"*\"}]}", "`Effect` is missing", 3);
    error_at("{\"Statement\": {\"Effect\": \"allow\", \"Action\": \"*\"}}", "unknown variant `allow`", 1);
    error_at("{\"Statement\": {\"Effect\": \"Allow\", \"Actions\": \"*\"}}", "unknown field `Actions`", 1);
    error_at(
        "{\"Version\": \"2024-01-01\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\"}}",
        "`Version` is `2024-01-01`",
        1,
    );
    error_at(
        "{\"Statement\": {\"Sid\": \"X\", \"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"s3:*\"}}",
        "statement `X`: `Action` and `NotAction` cannot both appear",
        1,
    );
    error_at(
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}}",
        "`Action` is an empty list",
        1,
    );
    error_at(
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": \"arn:aws:iam::111111111111:root\"}}",
        "only `\"*\"` may be written bare",
        1,
    );
    error_at(
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": {\"Aws\": \"*\"}}}",
        "unknown principal type `Aws`",
        1,
    );
    error_at("{\"Statement\": []}", "`Statement` is empty", 1);
    error_at("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": 5}}", "invalid type: integer `5`", 1);
    error_at(
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Condition\": {\"Bool\": {\"k\": {\"x\": 1}}}}}",
        "a condition value",
        1,
    );
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![Just("*".to_owned()), "[a-z0-9]{1,6}:[A-Za-z*?]{1,10}", "arn:aws:s3:::[a-z]{3,8}(/[a-z*]{0,6})?"]
}
fn values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(pattern(), 1..4)
}
fn condition_value() -> impl Strategy<Value = ConditionValue> {
    prop_oneof![
        "[a-zA-Z0-9:/*._-]{0,12}".prop_map(ConditionValue::String),
        any::<bool>().prop_map(ConditionValue::Bool),
        (-1000i64..1000).prop_map(|n| ConditionValue::Number(n.to_string())),
    ]
}
fn conditions() -> impl Strategy<Value = Conditions> {
    prop::collection::btree_map(
        prop_oneof![
            Just("StringEquals"),
            Just("StringLike"),
            Just("Bool"),
            Just("ForAnyValue:StringLike"),
            Just("NumericLessThanIfExists")
        ]
        .prop_map(str::to_owned),
        prop::collection::btree_map("[a-z]{1,5}:[a-zA-Z]{1,8}", prop::collection::vec(condition_value(), 1..3), 1..3),
        0..3,
    )
}
fn principal() -> impl Strategy<Value = Principal> {
    prop_oneof![
        Just(Principal { any: true, ..Principal::default() }),
        (
            prop::collection::vec("arn:aws:iam::[0-9]{12}:role/[A-Za-z]{1,8}", 0..3),
            prop::collection::vec("[a-z]{3,8}\\.amazonaws\\.com", 0..2)
        )
            .prop_filter("non-empty", |(a, s)| !a.is_empty() || !s.is_empty())
            .prop_map(|(aws, service)| Principal { aws, service, ..Principal::default() }),
    ]
}
fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::option::of("[A-Za-z0-9]{1,10}"),
        prop_oneof![Just(Effect::Allow), Just(Effect::Deny)],
        prop::option::of((any::<bool>(), principal())),
        (any::<bool>(), values()),
        prop::option::of((any::<bool>(), values())),
        conditions(),
    )
        .prop_map(|(sid, effect, principal, (not_action, actions), resource, condition)| Statement {
            sid,
            effect,
            principal: principal
                .map(|(not, p)| if not { PrincipalBlock::NotPrincipal(p) } else { PrincipalBlock::Principal(p) }),
            action: if not_action { ActionBlock::NotAction(actions) } else { ActionBlock::Action(actions) },
            resource: resource
                .map(|(not, r)| if not { ResourceBlock::NotResource(r) } else { ResourceBlock::Resource(r) }),
            condition,
        })
}

proptest! {
    #[test]
    fn documents_round_trip_their_meaning(statements in prop::collection::vec(statement(), 1..5), id in prop::option::of("[a-z]{1,5}")) {
        let doc = PolicyDocument { version: Some("2012-10-17".into()), id, statements };
        prop_assert_eq!(PolicyDocument::from_json(&doc.to_json()).unwrap(), doc.clone());
        prop_assert_eq!(PolicyDocument::from_value(doc.to_value()).unwrap(), doc);
    }

    #[test]
    fn lone_values_and_lists_of_one_are_the_same(action in "[a-z]{2,5}:[A-Za-z]{1,8}", resource in "arn:aws:s3:::[a-z]{3,8}") {
        let lone = format!(r#"{{"Statement":{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}}}"#);
        let listed = format!(r#"{{"Statement":[{{"Effect":"Allow","Action":["{action}"],"Resource":["{resource}"]}}]}}"#);
        prop_assert_eq!(PolicyDocument::from_json(&lone).unwrap(), PolicyDocument::from_json(&listed).unwrap());
    }

    #[test]
    fn arbitrary_json_never_panics(s in "\\PC{0,200}") {
        let _ = PolicyDocument::from_json(&s);
    }

    #[test]
    fn arbitrary_json_values_never_panic(v in arb_json()) {
        let _ = PolicyDocument::from_value(v.clone());
        let wrapped = serde_json::json!({"Statement": v});
        let _ = PolicyDocument::from_value(wrapped);
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        prop_oneof![Just("Allow"), Just("Deny"), Just("*"), Just("s3:GetObject"), Just("x")]
            .prop_map(|s| serde_json::json!(s)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("Effect"),
                    Just("Action"),
                    Just("Resource"),
                    Just("Principal"),
                    Just("Condition"),
                    Just("AWS"),
                    Just("Sid"),
                    Just("NotAction")
                ]
                .prop_map(str::to_owned),
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
