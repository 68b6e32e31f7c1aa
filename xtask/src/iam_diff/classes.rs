//! The recorded differences between our evaluator and iam-simulate, each a predicate over one
//! case and both answers (the rows of `docs/iam-simulate-differences.md`, by number). A
//! disagreement that no class explains is unrecorded: `cargo xtask iam-diff` prints it and fails.

use serde_json::Value;

use redbridge_iam::eval::{Decision, Missing, Outcome, PolicyKind};

/// One disagreement: the input, our decision and iam-simulate's answer.
pub struct Disagreement<'a> {
    /// The input, in `redbridge explain`'s format.
    pub input: &'a Value,
    /// Our decision (an input we cannot evaluate never reaches the classes).
    pub ours: &'a Decision,
    /// iam-simulate's decision (`allowed`, `explicit_deny`, `implicit_deny`) with the keys the
    /// principal implies given to it (class 1 is decided before the others).
    pub theirs: &'a str,
    /// The context keys iam-simulate dropped as not belonging to the action.
    pub ignored: &'a [String],
}

/// A recorded class: its row number in the docs page, a short name and its predicate.
pub struct Class {
    /// The row in `docs/iam-simulate-differences.md`.
    pub number: usize,
    /// What the row is about.
    pub name: &'static str,
    /// Whether this class explains the disagreement.
    pub explains: fn(&Disagreement<'_>) -> bool,
}

/// Class 1 is decided by the runner: the disagreement goes away once iam-simulate is given the
/// keys the principal implies ([`derived_keys`]).
pub const PRINCIPAL_KEYS: usize = 1;
/// Class 9: iam-simulate rejects the input (its RCP validation).
pub const RCP_REJECTED: usize = 9;

/// The classes tried in order after class 1; the first that explains a disagreement counts it.
pub const CLASSES: &[Class] = &[
    Class { number: 2, name: "role trust required in the same account", explains: role_trust_required },
    Class { number: 3, name: "wildcard resource grant capped by boundary/session", explains: wildcard_grant_capped },
    Class { number: 4, name: "session ARN bypasses the session policy", explains: session_arn_bypasses_session_policy },
    Class { number: 5, name: "context keys that do not belong to the action", explains: keys_not_of_the_action },
    Class { number: 6, name: "service principals and SCPs", explains: service_principal_scp },
    Class { number: 7, name: "the root user", explains: root_user },
    Class {
        number: 8,
        name: "set operators on missing or single values; epoch dates",
        explains: set_operators_and_epoch,
    },
    Class { number: 10, name: "a request date not on the calendar", explains: impossible_date },
    Class {
        number: 12,
        name: "NotPrincipal with Deny spares only when all are named",
        explains: not_principal_spares_only_all_named,
    },
    Class { number: 11, name: "`{\"AWS\": \"*\"}` and service principals", explains: aws_wildcard_and_services },
];

/// The short name of class `number`.
pub fn name(number: usize) -> &'static str {
    match number {
        PRINCIPAL_KEYS => "global keys derived from the principal",
        RCP_REJECTED => "RCP input rejected by iam-simulate",
        _ => CLASSES.iter().find(|c| c.number == number).map_or("?", |c| c.name),
    }
}

/// The global keys AWS sets from the principal, as iam-simulate needs them given (class 1).
pub fn derived_keys(principal: &str) -> Vec<(&'static str, String)> {
    let mut keys = Vec::new();
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    if parts.len() < 6 {
        if principal.contains('.') {
            keys.push(("aws:PrincipalServiceName", principal.to_owned()));
            keys.push(("aws:PrincipalIsAWSService", "true".to_owned()));
        }
        return keys;
    }
    let (partition, account, resource) = (parts[1], parts[4], parts[5]);
    keys.push(("aws:PrincipalAccount", account.to_owned()));
    keys.push(("aws:PrincipalIsAWSService", "false".to_owned()));
    if resource == "root" {
        keys.push(("aws:PrincipalArn", principal.to_owned()));
        keys.push(("aws:PrincipalType", "Account".to_owned()));
        keys.push(("aws:userid", account.to_owned()));
    } else if let Some(name) = resource.strip_prefix("user/") {
        keys.push(("aws:PrincipalArn", principal.to_owned()));
        keys.push(("aws:PrincipalType", "User".to_owned()));
        keys.push(("aws:username", name.rsplit('/').next().unwrap_or(name).to_owned()));
    } else if resource.starts_with("role/") {
        keys.push(("aws:PrincipalArn", principal.to_owned()));
        keys.push(("aws:PrincipalType", "AssumedRole".to_owned()));
    } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let role = rest.split('/').next().unwrap_or_default();
        keys.push(("aws:PrincipalArn", format!("arn:{partition}:iam::{account}:role/{role}")));
        keys.push(("aws:PrincipalType", "AssumedRole".to_owned()));
    }
    keys
}

/// The input with the principal's keys added to its context (keys already given win).
pub fn with_derived_keys(input: &Value) -> Value {
    let mut aligned = input.clone();
    let principal = input["principal"].as_str().unwrap_or_default();
    if !aligned["context"].is_object() {
        aligned["context"] = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(context) = &mut aligned["context"] {
        for (key, value) in derived_keys(principal) {
            if !context.keys().any(|k| k.eq_ignore_ascii_case(key)) {
                context.insert(key.to_owned(), Value::String(value));
            }
        }
    }
    aligned
}

fn principal<'a>(d: &Disagreement<'a>) -> &'a str {
    d.input["principal"].as_str().unwrap_or_default()
}

fn action(d: &Disagreement<'_>) -> String {
    d.input["action"].as_str().unwrap_or_default().to_ascii_lowercase()
}

fn ours_missing(d: &Disagreement<'_>, missing: &[Missing]) -> bool {
    d.ours.outcome == Outcome::ImplicitDeny && d.ours.missing.is_some_and(|m| missing.contains(&m))
}

/// The statements of every policy of the input.
fn statements(input: &Value) -> Vec<&Value> {
    let mut policies: Vec<&Value> = Vec::new();
    for field in ["identity_policies", "session_policies"] {
        policies.extend(input[field].as_array().into_iter().flatten());
    }
    for field in ["resource_policy", "permissions_boundary"] {
        policies.extend(Some(&input[field]).filter(|v| v.is_object()));
    }
    for field in ["scps", "rcps"] {
        policies.extend(input[field].as_array().into_iter().flatten().filter_map(Value::as_array).flatten());
    }
    policies
        .into_iter()
        .flat_map(|p| match &p["Statement"] {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            one => vec![one],
        })
        .collect()
}

/// Every (operator, key) of every condition of the input.
fn condition_keys(input: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for statement in statements(input) {
        if let Some(condition) = statement["Condition"].as_object() {
            for (operator, keys) in condition {
                for key in keys.as_object().into_iter().flat_map(|k| k.keys()) {
                    out.push((operator.clone(), key.clone()));
                }
            }
        }
    }
    out
}

/// The request's context value of `key` (keys compare without case).
fn context_value<'a>(input: &'a Value, key: &str) -> Option<&'a Value> {
    input["context"].as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}

fn same_account(input: &Value) -> bool {
    let principal = input["principal"].as_str().unwrap_or_default();
    let account = principal.split(':').nth(4).unwrap_or_default();
    let owner = input["resource_account"]
        .as_str()
        .or_else(|| input["resource"].as_str().and_then(|r| r.split(':').nth(4)))
        .unwrap_or_default();
    !account.is_empty() && account == owner
}

/// 2: a role's trust policy must allow even in the same account; iam-simulate lets the
/// identity policy alone grant `sts:AssumeRole`.
fn role_trust_required(d: &Disagreement<'_>) -> bool {
    action(d).starts_with("sts:")
        && d.input["resource"].as_str().is_some_and(|r| r.contains(":role/"))
        && same_account(d.input)
        && ours_missing(d, &[Missing::ResourcePolicy])
        && d.theirs == "allowed"
}

fn names_everyone(principal: &Value) -> bool {
    principal == "*"
        || principal["AWS"] == "*"
        || principal["AWS"].as_array().is_some_and(|a| a.iter().any(|v| v == "*"))
}

/// 3: a resource policy granting to everyone, in the same account, for a role (session) capped
/// by its boundary or session policy: we cap it (it names no session), iam-simulate does not.
/// Without the boundary and session policies we would agree.
fn wildcard_grant_capped(d: &Disagreement<'_>) -> bool {
    let grants_everyone = statements_of(&d.input["resource_policy"])
        .iter()
        .any(|s| s["Effect"] == "Allow" && names_everyone(&s["Principal"]));
    let uncapped = || {
        let mut input = d.input.clone();
        if let Value::Object(map) = &mut input {
            map.remove("permissions_boundary");
            map.remove("session_policies");
        }
        super::ours(&with_derived_keys(&input)) == d.theirs
    };
    (principal(d).contains(":assumed-role/") || principal(d).contains(":role/"))
        && same_account(d.input)
        && grants_everyone
        && d.ours.outcome == Outcome::ImplicitDeny
        && d.theirs == "allowed"
        && uncapped()
}

/// 12: `NotPrincipal` with `Deny` spares a caller only when every entity AWS may check is
/// named (user and account; session, role and account); iam-simulate spares on any one of them.
fn not_principal_spares_only_all_named(d: &Disagreement<'_>) -> bool {
    let statements = statements_of(&d.input["resource_policy"]);
    d.ours.outcome == Outcome::ExplicitDeny
        && d.theirs != "explicit_deny"
        && d.ours.deciding.iter().all(|s| {
            s.policy.kind == PolicyKind::Resource
                && statements.get(s.statement).is_some_and(|st| st["NotPrincipal"].is_object())
        })
}

/// 4: a resource policy naming the session ARN is not capped by the session policy.
fn session_arn_bypasses_session_policy(d: &Disagreement<'_>) -> bool {
    let names_session = d.input["resource_policy"].to_string().contains(&format!("\"{}\"", principal(d)));
    principal(d).contains(":assumed-role/")
        && names_session
        && d.input["session_policies"].as_array().is_some_and(|s| !s.is_empty())
        && d.ours.outcome == Outcome::Allowed
        && d.theirs == "implicit_deny"
}

/// 5: iam-simulate dropped context keys the action does not define; without them we agree, or
/// the difference left is one of the other classes.
fn keys_not_of_the_action(d: &Disagreement<'_>) -> bool {
    if d.ignored.is_empty() {
        return false;
    }
    let mut trimmed = d.input.clone();
    if let Value::Object(context) = &mut trimmed["context"] {
        context.retain(|k, _| !d.ignored.iter().any(|i| i.eq_ignore_ascii_case(k)));
    }
    match super::ours_decision(&with_derived_keys(&trimmed)) {
        Ok(ours) if ours.outcome.as_str() == d.theirs => true,
        Ok(ours) => {
            let rest = Disagreement { input: &trimmed, ours: &ours, theirs: d.theirs, ignored: &[] };
            CLASSES.iter().any(|c| c.number != 5 && (c.explains)(&rest))
        }
        Err(_) => false,
    }
}

/// 6: SCPs do not apply to service principals; iam-simulate applies them.
fn service_principal_scp(d: &Disagreement<'_>) -> bool {
    !principal(d).starts_with("arn:")
        && d.input["scps"].as_array().is_some_and(|s| !s.is_empty())
        && d.theirs != "allowed"
}

/// 7: the root user may do anything in its account unless denied; iam-simulate gives it only
/// what identity policies grant.
fn root_user(d: &Disagreement<'_>) -> bool {
    principal(d).ends_with(":root") && d.ours.outcome == Outcome::Allowed && d.theirs == "implicit_deny"
}

/// 8: `ForAnyValue`/`ForAllValues` on a missing key with `…IfExists` or on a single value, and
/// date operators given epoch seconds.
fn set_operators_and_epoch(d: &Disagreement<'_>) -> bool {
    condition_keys(d.input).iter().any(|(operator, key)| {
        let value = context_value(d.input, key);
        let set = operator.starts_with("ForAnyValue:") || operator.starts_with("ForAllValues:");
        (set && (operator.ends_with("IfExists") && value.is_none() || value.is_some_and(|v| !v.is_array())))
            || (operator.starts_with("Date")
                && value.and_then(Value::as_str).is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit())))
    })
}

/// 10: a request date that does not exist (`2024-02-31`).
fn impossible_date(d: &Disagreement<'_>) -> bool {
    let impossible = |text: &str| {
        let field = |range: std::ops::Range<usize>| text.get(range).and_then(|t| t.parse::<u32>().ok());
        match (field(0..4), field(5..7), field(8..10)) {
            (Some(year), Some(month), Some(day)) if text.as_bytes().get(4) == Some(&b'-') => {
                let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                let days = match month {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    1..=12 => 31,
                    _ => 0,
                };
                day == 0 || day > days
            }
            _ => false,
        }
    };
    d.input["context"].as_object().is_some_and(|c| c.values().filter_map(Value::as_str).any(impossible))
}

/// Why iam-simulate rejected an input, when recorded (class 9); `None` is unrecorded.
pub fn explains_rejection(input: &Value, message: &str) -> Option<usize> {
    (message == "policy.errors" && input["rcps"].as_array().is_some_and(|r| !r.is_empty())).then_some(RCP_REJECTED)
}

/// 11: `{"AWS": "*"}` names every AWS identity (accounts, users, roles, sessions), not service
/// principals; iam-simulate lets it match a service.
fn aws_wildcard_and_services(d: &Disagreement<'_>) -> bool {
    let aws_wildcard = statements_of(&d.input["resource_policy"]).iter().any(|s| {
        [&s["Principal"], &s["NotPrincipal"]].iter().any(|p| p != &&Value::String("*".to_owned()) && names_everyone(p))
    });
    !principal(d).starts_with("arn:") && aws_wildcard
}

fn statements_of(policy: &Value) -> Vec<&Value> {
    match &policy["Statement"] {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class that explains the corpus case `name` when iam-simulate answers `theirs`.
    fn class_of(name: &str, theirs: &str, ignored: &[&str]) -> Option<usize> {
        let cases = super::super::corpus_inputs().unwrap_or_else(|e| panic!("{e}"));
        let (_, input) = cases.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no corpus case `{name}`"));
        let ours = super::super::ours_decision(input).unwrap_or_else(|e| panic!("{e}"));
        let ignored: Vec<String> = ignored.iter().map(|s| (*s).to_owned()).collect();
        let d = Disagreement { input, ours: &ours, theirs, ignored: &ignored };
        CLASSES.iter().find(|c| (c.explains)(&d)).map(|c| c.number)
    }

    #[test]
    fn each_class_explains_the_corpus_case_that_pins_it() {
        let pins: [(usize, &str, &str, &[&str]); 10] = [
            (2, "assume_role: same account identity alone cannot assume a role", "allowed", &[]),
            (
                3,
                "iam_simulate_differences: class 3: a same-account bucket policy granting to everyone is capped by the session's boundary",
                "allowed",
                &[],
            ),
            (
                4,
                "iam_simulate_differences: class 4: a resource policy naming the session ARN is not limited by the session policy",
                "implicit_deny",
                &[],
            ),
            (5, "conditions: StringEquals match", "implicit_deny", &["s3:prefix"]),
            (6, "assume_role: service principals are not subject to SCPs", "implicit_deny", &[]),
            (7, "evaluation: root user of the account has all permissions", "implicit_deny", &[]),
            (8, "conditions: ForAnyValue IfExists with missing key", "implicit_deny", &[]),
            (10, "conditions: DateLessThan with an impossible request date matches nothing", "allowed", &[]),
            (
                11,
                "iam_simulate_differences: class 11: a bucket policy granting {AWS: *} does not name a service principal",
                "allowed",
                &[],
            ),
            (
                12,
                "iam_simulate_differences: class 12: NotPrincipal naming only the account does not spare a role session of it",
                "allowed",
                &[],
            ),
        ];
        for (class, name, theirs, ignored) in pins {
            assert_eq!(class_of(name, theirs, ignored), Some(class), "{name}");
        }
    }

    #[test]
    fn a_disagreement_no_class_explains_is_unrecorded() {
        // Our allow of a plain same-account identity grant, against a made-up explicit deny.
        assert_eq!(
            class_of(
                "iam_simulate_differences: class 4: a resource policy naming the session ARN is not limited by the session policy",
                "explicit_deny",
                &[]
            ),
            None
        );
        assert_eq!(class_of("conditions: StringEquals match", "implicit_deny", &[]), None);
    }

    #[test]
    fn the_keys_a_principal_implies_are_given_to_iam_simulate() {
        let keys = derived_keys("arn:aws:sts::111111111111:assumed-role/R/s");
        assert!(keys.contains(&("aws:PrincipalArn", "arn:aws:iam::111111111111:role/R".to_owned())));
        assert!(keys.contains(&("aws:PrincipalType", "AssumedRole".to_owned())));
        assert!(keys.contains(&("aws:PrincipalAccount", "111111111111".to_owned())));
        assert_eq!(
            derived_keys("redshift.amazonaws.com")[0],
            ("aws:PrincipalServiceName", "redshift.amazonaws.com".to_owned())
        );
        let given =
            serde_json::json!({"principal": "arn:aws:iam::111111111111:user/u", "context": {"aws:principalarn": "x"}});
        assert_eq!(with_derived_keys(&given)["context"]["aws:principalarn"], "x");
        assert_eq!(with_derived_keys(&given)["context"]["aws:username"], "u");
    }
}
