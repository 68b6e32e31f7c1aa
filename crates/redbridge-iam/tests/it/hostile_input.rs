//! Hostile input (issue 18): arbitrary bytes and mutations of real identifiers and of the
//! policies of the evaluator's corpus, fed to every parser of this crate. Each case must end
//! without a panic and within the hang guard, and its error must say where: an identifier's
//! error quotes the input with its control characters escaped; a policy's JSON error has its
//! line and column.

use proptest::prelude::*;
use redbridge_iam::eval::input::{parse_case, split_inputs};
use redbridge_iam::eval::{PolicySet, evaluate};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Arn, BucketName, DbUserArn, IdError, KmsKeyArn, KmsKeyRef, Region, RoleArn, S3Uri};

use crate::hostile::{corpus, edits, has_raw_control, mutate, within_hang_guard};

/// Valid identifiers of every kind, to mutate.
const IDS: &[&str] = &[
    "111111111111",
    "us-east-1",
    "arn:aws:iam::111111111111:role/service-role/redbridge-analytics",
    "arn:aws-cn:iam::111111111111:role/R",
    "arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/awsuser",
    "arn:aws:redshift-serverless:us-east-1:111111111111:dbuser:0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f/awsuser",
    "acme-analytics-exports",
    "s3://acme-analytics-exports/sales/2024/",
    "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/s3-data",
];

/// Every identifier parser on `input`; each error must name the input escaped and, when it
/// gives a position, one inside the input.
fn parse_every_identifier(input: &str) {
    let results: [Result<(), IdError>; 9] = [
        AccountId::parse(input).map(drop),
        Region::parse(input).map(drop),
        Arn::parse(input).map(drop),
        RoleArn::parse(input).map(drop),
        DbUserArn::parse(input).map(drop),
        BucketName::parse(input).map(drop),
        S3Uri::parse(input).map(drop),
        KmsKeyArn::parse(input).map(drop),
        KmsKeyRef::parse(input).map(drop),
    ];
    for error in results.into_iter().filter_map(Result::err) {
        let message = error.to_string();
        assert!(message.starts_with(&format!("invalid {} `", error.what())), "{message}");
        assert!(!has_raw_control(&message), "a control character reached the message: {message:?}");
        if let Some(position) = error.position() {
            assert!(position >= 1 && position <= input.chars().count() + 1, "{position} in {input:?}");
        }
    }
}

/// Every policy document of the evaluator's corpus, as pretty JSON text.
fn corpus_policies() -> Vec<Vec<u8>> {
    let mut policies = Vec::new();
    for file in corpus("crates/redbridge-iam/tests/corpus", ".json") {
        let cases: serde_json::Value = serde_json::from_slice(&file).unwrap_or_else(|e| panic!("{e}"));
        for case in cases.as_array().into_iter().flatten() {
            for field in ["identity_policies", "session_policies"] {
                for policy in case[field].as_array().into_iter().flatten() {
                    policies.push(serde_json::to_vec_pretty(policy).unwrap_or_default());
                }
            }
            for field in ["resource_policy", "permissions_boundary"] {
                if case[field].is_object() {
                    policies.push(serde_json::to_vec_pretty(&case[field]).unwrap_or_default());
                }
            }
        }
    }
    assert!(policies.len() > 20, "the corpus has policies");
    policies
}

/// Parses a policy; a JSON error says a line and column inside the text; a parsed policy is
/// compiled and evaluated (its errors are data, not panics).
fn parse_and_compile_policy(text: &str) {
    match PolicyDocument::from_json(text) {
        Err(error) => {
            let lines = text.split('\n').count();
            assert!(error.line >= 1 && error.line <= lines, "{error:?} for {lines} lines");
        }
        Ok(document) => {
            let case = serde_json::json!({
                "principal": "arn:aws:iam::111111111111:role/R",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::b/k",
                "identity_policies": [document.to_value()],
            });
            let (request, policies) = parse_case(&case, &[]).unwrap_or_else(|e| panic!("{e}"));
            if let Ok(set) = PolicySet::compile(&policies) {
                let _ = evaluate(&request, &set);
            }
        }
    }
}

/// The `explain` input format on mutated corpus files: split, parse, compile, evaluate.
fn explain_inputs(text: &str) {
    for raw in split_inputs(text) {
        let Ok(value) = raw.value else { continue };
        let Ok((request, policies)) = parse_case(&value, &["name", "rule", "expect", "why"]) else { continue };
        if let Ok(set) = PolicySet::compile(&policies) {
            let _ = evaluate(&request, &set);
        }
    }
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_as_identifiers_are_refused_with_an_escaped_quote(bytes in any::<Vec<u8>>()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        within_hang_guard(move || parse_every_identifier(&text));
    }

    #[test]
    fn mutated_identifiers_are_refused_with_an_escaped_quote(
        base in proptest::sample::select(IDS),
        edits in edits(4),
    ) {
        let text = String::from_utf8_lossy(&mutate(base.as_bytes(), &edits)).into_owned();
        within_hang_guard(move || parse_every_identifier(&text));
    }

    #[test]
    fn mutated_corpus_policies_parse_or_say_their_line(
        base in proptest::sample::select(corpus_policies()),
        edits in edits(4),
    ) {
        let text = String::from_utf8_lossy(&mutate(&base, &edits)).into_owned();
        within_hang_guard(move || parse_and_compile_policy(&text));
    }

    #[test]
    fn arbitrary_bytes_as_a_policy_are_refused_with_their_line(bytes in any::<Vec<u8>>()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        within_hang_guard(move || parse_and_compile_policy(&text));
    }
}

proptest! {
    // A whole corpus file per case: fewer cases.
    #![proptest_config(ProptestConfig { cases: 32, ..config() })]

    #[test]
    fn mutated_explain_inputs_do_not_panic(
        base in proptest::sample::select(corpus("crates/redbridge-iam/tests/corpus", ".json")),
        edits in edits(6),
    ) {
        let text = String::from_utf8_lossy(&mutate(&base, &edits)).into_owned();
        within_hang_guard(move || explain_inputs(&text));
    }
}

#[test]
fn an_ansi_escape_in_a_bucket_name_or_an_arn_is_escaped_in_the_error() {
    let error = BucketName::parse("acme-\u{1b}[31mdata").unwrap_err().to_string();
    assert_eq!(
        error,
        "invalid bucket name `acme-\\u{1b}[31mdata` at character 6: `\\u{1b}` is not allowed; use lowercase letters, digits, `.` and `-`"
    );
    let error = RoleArn::parse("arn:aws:iam::111111111111:role/\u{1b}]0;pwned\u{7}").unwrap_err().to_string();
    assert!(error.starts_with("invalid role ARN `arn:aws:iam::111111111111:role/\\u{1b}]0;pwned\\u{7}`"), "{error}");
    assert!(!has_raw_control(&error), "{error:?}");
}
