//! Property tests: deny and allow monotonicity, order independence, the wildcard matcher against
//! a regex oracle, and no panic on arbitrary input.
//!
//! Case counts are modest by default; set `REDBRIDGE_PROPTEST_CASES` for bigger runs.

use proptest::prelude::*;
use redbridge_iam::eval::{Outcome, PolicySet, evaluate, input::parse_case, matches_wildcard};
use serde_json::{Value, json};

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("REDBRIDGE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

const A: &str = "111111111111";
const B: &str = "222222222222";

fn principal() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("arn:aws:sts::111111111111:assumed-role/R/s"),
        Just("arn:aws:iam::111111111111:user/alice"),
        Just("arn:aws:iam::111111111111:role/R"),
        Just("arn:aws:sts::222222222222:assumed-role/X/s"),
        Just("arn:aws:iam::111111111111:root"),
        Just("redshift.amazonaws.com"),
    ]
}

fn action() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("s3:GetObject"),
        Just("s3:PutObject"),
        Just("s3:ListBucket"),
        Just("sts:AssumeRole"),
        Just("kms:Decrypt")
    ]
}

fn action_pattern() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("s3:GetObject"),
        Just("s3:*"),
        Just("*"),
        Just("s3:Get*"),
        Just("sts:AssumeRole"),
        Just("kms:*"),
        Just("s3:?utObject")
    ]
}

fn resource() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("arn:aws:s3:::bucket/data/a.csv"),
        Just("arn:aws:s3:::bucket"),
        Just("arn:aws:iam::111111111111:role/Target"),
        Just("arn:aws:kms:us-east-1:222222222222:key/k1"),
    ]
}

fn resource_pattern() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("*"),
        Just("arn:aws:s3:::bucket/*"),
        Just("arn:aws:s3:::bucket"),
        Just("arn:aws:s3:::*"),
        Just("arn:aws:iam::*:role/*"),
        Just("arn:aws:kms:*:*:key/*"),
        Just("arn:aws:s3:::bucket/${aws:username}/*"),
    ]
}

fn principal_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": format!("arn:aws:iam::{A}:root")})),
        Just(json!({"AWS": B})),
        Just(json!({"AWS": "arn:aws:iam::111111111111:role/R"})),
        Just(json!({"AWS": "arn:aws:iam::111111111111:user/alice"})),
        Just(json!({"AWS": "arn:aws:iam::222222222222:role/X"})),
        Just(json!({"Service": "redshift.amazonaws.com"})),
    ]
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        1 => Just(Some(json!({"StringEquals": {"aws:PrincipalAccount": A}}))),
        1 => Just(Some(json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}))),
        1 => Just(Some(json!({"ForAnyValue:StringLike": {"aws:TagKeys": ["t*"]}}))),
        1 => Just(Some(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))),
        1 => Just(Some(json!({"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}))),
        1 => Just(Some(json!({"Null": {"sts:ExternalId": "false"}}))),
    ]
}

/// A statement; `with_principal` for resource policies and RCPs.
fn statement(with_principal: bool) -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("Allow"), Just("Deny")],
        any::<bool>(),
        action_pattern(),
        any::<bool>(),
        resource_pattern(),
        principal_value(),
        condition(),
    )
        .prop_map(move |(effect, not_action, action, not_resource, resource, principal, condition)| {
            statement_value(
                effect,
                not_action,
                action,
                not_resource,
                resource,
                with_principal.then_some(principal),
                condition,
            )
        })
}

fn statement_value(
    effect: &str,
    not_action: bool,
    action: &str,
    not_resource: bool,
    resource: &str,
    principal: Option<Value>,
    condition: Option<Value>,
) -> Value {
    let mut s = serde_json::Map::new();
    s.insert("Effect".into(), json!(effect));
    s.insert(if not_action { "NotAction" } else { "Action" }.into(), json!(action));
    s.insert(if not_resource { "NotResource" } else { "Resource" }.into(), json!(resource));
    if let Some(p) = principal {
        s.insert("Principal".into(), p);
    }
    if let Some(c) = condition {
        s.insert("Condition".into(), c);
    }
    Value::Object(s)
}

fn policy(with_principal: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(with_principal), 1..4)
        .prop_map(|statements| json!({"Version": "2012-10-17", "Statement": statements}))
}

fn context() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        prop::option::of(prop::collection::vec(prop_oneof![Just("team"), Just("env")], 0..3)),
        any::<bool>(),
    )
        .prop_map(|(secure, tags, org)| {
            let mut c = serde_json::Map::new();
            c.insert("aws:SecureTransport".into(), json!(secure));
            if let Some(tags) = tags {
                c.insert("aws:TagKeys".into(), json!(tags));
            }
            if org {
                c.insert("aws:PrincipalOrgID".into(), json!("o-1"));
            }
            Value::Object(c)
        })
}

/// A whole explain input.
fn input() -> impl Strategy<Value = Value> {
    (
        principal(),
        action(),
        resource(),
        prop_oneof![Just(A), Just(B)],
        context(),
        prop::collection::vec(policy(false), 0..3),
        prop::option::of(policy(true)),
        prop::option::of(policy(false)),
        prop::collection::vec(policy(false), 0..2),
        prop::collection::vec(prop::collection::vec(policy(false), 1..3), 0..2),
        prop::collection::vec(prop::collection::vec(policy(true), 1..2), 0..2),
    )
        .prop_map(
            |(
                principal,
                action,
                resource,
                account,
                context,
                identity,
                resource_policy,
                boundary,
                session,
                scps,
                rcps,
            )| {
                json!({
                    "principal": principal, "action": action, "resource": resource, "resource_account": account,
                    "context": context, "identity_policies": identity, "resource_policy": resource_policy,
                    "permissions_boundary": boundary, "session_policies": session, "scps": scps, "rcps": rcps,
                })
            },
        )
}

fn decide(input: &Value) -> Outcome {
    let (request, policies) =
        parse_case(input, &[]).unwrap_or_else(|e| panic!("generated input is valid: {e}\n{input}"));
    let set = PolicySet::compile(&policies).unwrap_or_else(|e| panic!("generated policies compile: {e}"));
    evaluate(&request, &set).unwrap_or_else(|e| panic!("generated request evaluates: {e}")).outcome
}

/// The JSON paths of every policy in an input, with whether it takes principals.
fn policy_slots(input: &Value) -> Vec<(Vec<Value>, bool)> {
    let mut slots = Vec::new();
    for (i, _) in input["identity_policies"].as_array().into_iter().flatten().enumerate() {
        slots.push((vec![json!("identity_policies"), json!(i)], false));
    }
    if input["resource_policy"].is_object() {
        slots.push((vec![json!("resource_policy")], true));
    }
    if input["permissions_boundary"].is_object() {
        slots.push((vec![json!("permissions_boundary")], false));
    }
    for (i, _) in input["session_policies"].as_array().into_iter().flatten().enumerate() {
        slots.push((vec![json!("session_policies"), json!(i)], false));
    }
    for field in ["scps", "rcps"] {
        for (level, policies) in input[field].as_array().into_iter().flatten().enumerate() {
            for (i, _) in policies.as_array().into_iter().flatten().enumerate() {
                slots.push((vec![json!(field), json!(level), json!(i)], field == "rcps"));
            }
        }
    }
    slots
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap_or_default() as usize],
        _ => v,
    })
}

/// Adds `statement` to the policy in `slot`, or a new identity policy / resource policy.
fn add_statement(input: &Value, slot: usize, effect: &str, s: &Value, p: &Value) -> Value {
    let mut out = input.clone();
    let slots = policy_slots(&out);
    let mut statement = s.clone();
    statement["Effect"] = json!(effect);
    if slots.is_empty() || slot % (slots.len() + 1) == slots.len() {
        if let Some(list) = out["identity_policies"].as_array_mut() {
            list.push(json!({"Version": "2012-10-17", "Statement": [statement]}));
        }
        return out;
    }
    let (path, with_principal) = &slots[slot % (slots.len() + 1)];
    if *with_principal {
        statement["Principal"] = p.clone();
    }
    if let Some(list) = at(&mut out, path)["Statement"].as_array_mut() {
        list.push(statement);
    }
    out
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn adding_a_deny_never_turns_a_denial_into_an_allow(
        input in input(), slot in 0usize..16, s in statement(false), p in principal_value(),
    ) {
        let before = decide(&input);
        let after = decide(&add_statement(&input, slot, "Deny", &s, &p));
        if before != Outcome::Allowed {
            prop_assert_ne!(after, Outcome::Allowed);
        }
        if before == Outcome::ExplicitDeny {
            prop_assert_eq!(after, Outcome::ExplicitDeny);
        }
    }

    #[test]
    fn adding_an_allow_never_turns_an_allow_into_a_denial(
        input in input(), slot in 0usize..16, s in statement(false), p in principal_value(),
    ) {
        let before = decide(&input);
        let after = decide(&add_statement(&input, slot, "Allow", &s, &p));
        if before == Outcome::Allowed {
            prop_assert_eq!(after, Outcome::Allowed);
        }
    }

    #[test]
    fn statement_and_policy_order_never_matter(input in input(), seed in any::<u64>()) {
        let before = decide(&input);
        let mut shuffled = input.clone();
        let mut state = seed | 1;
        let mut next = move |n: usize| {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        let mut shuffle = |list: &mut Vec<Value>| {
            for i in (1..list.len()).rev() {
                let j = next(i + 1);
                list.swap(i, j);
            }
        };
        for (path, _) in policy_slots(&input) {
            if let Some(list) = at(&mut shuffled, &path)["Statement"].as_array_mut() {
                shuffle(list);
            }
        }
        for field in ["identity_policies", "session_policies"] {
            if let Some(list) = shuffled[field].as_array_mut() { shuffle(list); }
        }
        for field in ["scps", "rcps"] {
            for level in shuffled[field].as_array_mut().into_iter().flatten() {
                if let Some(list) = level.as_array_mut() { shuffle(list); }
            }
        }
        prop_assert_eq!(decide(&shuffled), before);
    }

    #[test]
    fn wildcard_matcher_agrees_with_a_regex_oracle(
        pattern in "[ab*?:/é]{0,8}", text in "[abAB:/é]{0,10}", ignore_case in any::<bool>(),
    ) {
        let mut regex = String::from(if ignore_case { "(?is)^" } else { "(?s)^" });
        for c in pattern.chars() {
            match c {
                '*' => regex.push_str(".*"),
                '?' => regex.push('.'),
                c => regex.push_str(&regex::escape(&c.to_string())),
            }
        }
        regex.push('$');
        let oracle = regex::Regex::new(&regex).map(|r| r.is_match(&text)).unwrap_or(false);
        // The oracle folds case for ASCII only when the text is ASCII, as IAM does for action names.
        if !ignore_case || text.is_ascii() && pattern.is_ascii() {
            prop_assert_eq!(matches_wildcard(&pattern, &text, ignore_case), oracle, "pattern {} text {}", pattern, text);
        }
    }
}

/// Arbitrary JSON, biased toward the shapes of explain inputs and policies.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        "\\PC{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("*"),
            Just("s3:GetObject"),
            Just("Allow"),
            Just("Deny"),
            Just("2012-10-17"),
            Just("arn:aws:s3:::b/*"),
            Just("arn:aws:iam::111111111111:role/R"),
            Just("111111111111"),
            Just("redshift.amazonaws.com"),
            Just("${aws:username}"),
            Just("10.0.0.0/8"),
            Just("::1/128"),
        ]
        .prop_map(Value::from),
    ];
    let keys = prop_oneof![
        Just("principal"),
        Just("action"),
        Just("resource"),
        Just("resource_account"),
        Just("context"),
        Just("identity_policies"),
        Just("resource_policy"),
        Just("permissions_boundary"),
        Just("session_policies"),
        Just("scps"),
        Just("rcps"),
        Just("Version"),
        Just("Statement"),
        Just("Effect"),
        Just("Action"),
        Just("NotAction"),
        Just("Resource"),
        Just("NotResource"),
        Just("Principal"),
        Just("NotPrincipal"),
        Just("AWS"),
        Just("Service"),
        Just("Condition"),
        Just("StringLike"),
        Just("ForAllValues:StringEquals"),
        Just("NumericLessThanIfExists"),
        Just("DateGreaterThan"),
        Just("IpAddress"),
        Just("Null"),
        Just("ArnLike"),
        Just("aws:SourceIp"),
        Just("aws:TagKeys"),
        Just("Sid"),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(cases(1000))]

    /// 1000 arbitrary inputs by default (plus the structured generators above): no panic, ever.
    #[test]
    fn arbitrary_input_never_panics(value in arbitrary_json(), valid in input(), path in 0usize..64, replacement in arbitrary_json()) {
        let _ = parse_case(&value, &[]).and_then(|(r, p)| evaluate(&r, &PolicySet::compile(&p)?));
        // A valid input with one subtree replaced by arbitrary JSON.
        let mut pointer = String::new();
        let mut slot = &valid;
        for step in 0..3 {
            let next = match slot {
                Value::Object(map) if !map.is_empty() => {
                    let key = map.keys().nth((path >> (2 * step)) % map.len()).cloned().unwrap_or_default();
                    pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")));
                    map.get(&key)
                }
                Value::Array(list) if !list.is_empty() => {
                    let index = (path >> (2 * step)) % list.len();
                    pointer.push_str(&format!("/{index}"));
                    list.get(index)
                }
                _ => None,
            };
            match next { Some(v) => slot = v, None => break }
        }
        let mut mutated = valid.clone();
        if let Some(target) = mutated.pointer_mut(&pointer) {
            *target = replacement;
        }
        let _ = parse_case(&mutated, &[]).and_then(|(r, p)| evaluate(&r, &PolicySet::compile(&p)?));
    }
}
