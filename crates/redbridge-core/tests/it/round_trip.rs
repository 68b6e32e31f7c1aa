//! `redbridge test` as data: the round trip's statements (one batch, the plan's chain and key,
//! a fresh prefix, each statement clean under the linter) and the diagnosis of a failure.

use redbridge_core::doctor::{FindingCode, classify};
use redbridge_core::round_trip::{RoundTripError, diagnose, refine_for_statement, round_trip};
use redbridge_core::{Plan, Spec};

pub fn plan(access: &str) -> Plan {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
            .unwrap();
    let mut spec = Spec::from_toml(&text).unwrap();
    spec.access = redbridge_core::spec::Access::parse(access).unwrap();
    Plan::new(&spec).unwrap()
}

#[test]
fn the_round_trip_is_one_batch_with_the_chain_key_and_fresh_prefix() {
    let plan = plan("both");
    let test = round_trip(&plan, "redbridge-test-1").unwrap();
    let chain = plan.chain.to_string();
    assert_eq!(test.statements.len(), 6, "{:#?}", test.statements);
    assert!(test.statements[0].starts_with("CREATE TEMP TABLE redbridge_test_source"));
    let unload = &test.statements[2];
    assert!(unload.starts_with("UNLOAD ('SELECT marker FROM redbridge_test_source')"), "{unload}");
    assert!(
        unload.contains(&format!("TO 's3://{}/{}redbridge-test-1/part_'", plan.spec.bucket, plan.spec.prefixes[0])),
        "{unload}"
    );
    assert!(unload.contains(&format!("IAM_ROLE '{chain}'")), "{unload}");
    assert!(unload.contains("KMS_KEY_ID") && unload.contains("ENCRYPTED"), "{unload}");
    assert!(test.statements[4].starts_with("COPY redbridge_test_target FROM"), "{}", test.statements[4]);
    assert_eq!(test.statements[5], "SELECT COUNT(*) FROM redbridge_test_target WHERE marker = 'redbridge-test-1'");
    for statement in &test.statements[2..=4] {
        let reports = redbridge_sql::lint(statement, &redbridge_core::statements::lint_context(&plan.spec));
        let errors: Vec<_> = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == redbridge_sql::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{statement}: {errors:?}");
    }
}

#[test]
fn a_copy_only_chain_has_a_marker_object_and_no_unload() {
    let plan = plan("copy");
    let test = round_trip(&plan, "redbridge-test-1").unwrap();
    assert_eq!(test.statements.len(), 3, "{:#?}", test.statements);
    let (key, body) = test.marker_object.clone().unwrap();
    assert_eq!(key, format!("{}redbridge-test-1/part_0000_part_00", plan.spec.prefixes[0]));
    assert_eq!(body, b"redbridge-test-1\n");
    let mut spec = plan.spec.clone();
    spec.format = redbridge_core::DataFormat::Parquet;
    let parquet = Plan::new(&spec).unwrap();
    assert_eq!(round_trip(&parquet, "redbridge-test-1").unwrap_err(), RoundTripError::ParquetMarker);
}

#[test]
fn a_missing_marker_or_object_is_the_problem() {
    let both = round_trip(&plan("both"), "m").unwrap();
    assert_eq!(both.problem(Some("1"), true, "s3://b/p/"), None);
    assert_eq!(
        both.problem(Some("0"), true, "s3://b/p/").unwrap(),
        "the marker row did not come back: COPY loaded `0` rows with marker `m`"
    );
    assert!(both.problem(None, true, "s3://b/p/").unwrap().contains("COPY loaded `no` rows"));
    let unload = round_trip(&plan("unload"), "m").unwrap();
    assert_eq!(unload.problem(None, true, "s3://b/p/"), None);
    assert_eq!(
        unload.problem(None, false, "s3://b/p/").unwrap(),
        "UNLOAD finished but no object appeared under `s3://b/p/`"
    );
}

#[test]
fn first_hop_errors_point_at_the_attachment_and_the_service() {
    let plan = plan("both");
    let first = plan.chain.first().to_string();
    let assume =
        classify(&format!("User arn:aws:redshift:eu-west-1:1:dbuser:c/u is not authorized to assume IAM Role {first}"));
    assert_eq!(diagnose(&plan, &assume).hop, "attachment");
    let chain: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
    let spaced = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, chain.join(", "));
    let refined = refine_for_statement(&plan, &spaced, diagnose(&plan, &assume));
    assert_eq!(
        (refined.code, refined.hop.as_str(), refined.certain),
        (FindingCode::StatementChainWrong, "statement", true)
    );
    assert!(refined.meaning.contains(&format!("IAM_ROLE '{}'", chain.join(","))), "{}", refined.meaning);
    let reversed: Vec<String> = chain.iter().rev().cloned().collect();
    let reversed = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, reversed.join(","));
    assert_eq!(refine_for_statement(&plan, &reversed, diagnose(&plan, &assume)).code, FindingCode::StatementChainWrong);
    let right = format!("COPY t FROM 's3://{}/x/' IAM_ROLE '{}' CSV", plan.spec.bucket, chain.join(","));
    assert_eq!(
        refine_for_statement(&plan, &right, diagnose(&plan, &assume)).code,
        FindingCode::FirstRoleNotAttached,
        "a right chain stays RB101"
    );
    let credentials = classify(&format!("Not authorized to get credentials of role {first}"));
    let diagnosis = diagnose(&plan, &credentials);
    assert_eq!((diagnosis.code, diagnosis.certain), (FindingCode::ServiceNotTrusted, false));
    assert_eq!(diagnosis.hop, format!("Redshift → {}", plan.chain.first().name()));
}

#[test]
fn a_bucket_error_names_the_bucket_role_and_the_code_title() {
    let plan = plan("both");
    let role = plan.chain.last().name().to_owned();
    let text = format!(
        "S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/{role}/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::{}/x",
        plan.spec.bucket
    );
    let diagnosis = diagnose(&plan, &classify(&text));
    assert_eq!(diagnosis.code, FindingCode::S3PermissionMissing);
    assert_eq!(diagnosis.hop, format!("{role} → S3"));
    assert!(!diagnosis.title.is_empty());
}
