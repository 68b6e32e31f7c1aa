//! `redbridge test` as data: the round trip's statements (one batch, the plan's chain and key,
//! a fresh prefix, the spec's format, each statement clean under the linter), the Parquet
//! marker, and the diagnosis of a failure.

use redbridge_core::doctor::{FindingCode, classify};
use redbridge_core::round_trip::{
    PARQUET_MARKER, PARQUET_MARKER_VALUE, RoundTripError, diagnose, refine_for_statement, round_trip,
};
use redbridge_core::{DataFormat, Plan, Spec};
use redbridge_iam::{KmsKeyArn, Region};

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
fn a_copy_only_chain_has_a_marker_object_in_the_specs_format_and_no_unload() {
    let plan = plan("copy");
    let test = round_trip(&plan, "redbridge-test-1").unwrap();
    assert_eq!(test.statements.len(), 3, "{:#?}", test.statements);
    let (key, body) = test.marker_object.clone().unwrap();
    assert_eq!(key, format!("{}redbridge-test-1/part_0000_part_00", plan.spec.prefixes[0]));
    assert_eq!(body, b"redbridge-test-1\n");
    let json = round_trip(&with_format(&plan, DataFormat::Json), "redbridge-test-1").unwrap();
    let (_, body) = json.marker_object.unwrap();
    assert_eq!(body, b"{\"marker\":\"redbridge-test-1\"}\n");
    assert!(json.statements[1].ends_with("FORMAT AS JSON 'auto'"), "{}", json.statements[1]);
    let parquet = round_trip(&with_format(&plan, DataFormat::Parquet), "redbridge-test-1").unwrap();
    let (key, body) = parquet.marker_object.unwrap();
    assert_eq!(key, format!("{}redbridge-test-1/part_0000_part_00.parquet", plan.spec.prefixes[0]));
    assert_eq!(body, PARQUET_MARKER);
    assert_eq!(parquet.marker, PARQUET_MARKER_VALUE);
    assert!(parquet.statements[1].ends_with("FORMAT AS PARQUET"), "{}", parquet.statements[1]);
    assert_eq!(
        parquet.statements[2],
        format!("SELECT COUNT(*) FROM redbridge_test_target WHERE marker = '{PARQUET_MARKER_VALUE}'")
    );
}

/// The embedded Parquet marker is a whole Parquet file (magic at both ends, a footer length
/// that fits) whose one column is `marker` and whose one value, PLAIN and uncompressed, is
/// the value the COPY-only round trip counts.
#[test]
fn the_parquet_marker_is_a_parquet_file_holding_the_counted_value() {
    let file = PARQUET_MARKER;
    assert_eq!(file.len(), 210);
    assert_eq!(&file[..4], b"PAR1");
    assert_eq!(&file[file.len() - 4..], b"PAR1");
    let footer = u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap()) as usize;
    assert!(4 + footer + 8 < file.len(), "footer of {footer} bytes");
    let (data, metadata) = file[4..file.len() - 8].split_at(file.len() - 12 - footer);
    let contains = |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    // PLAIN BYTE_ARRAY: a 4-byte little-endian length, then the bytes.
    let mut plain = (PARQUET_MARKER_VALUE.len() as u32).to_le_bytes().to_vec();
    plain.extend_from_slice(PARQUET_MARKER_VALUE.as_bytes());
    assert!(contains(data, &plain), "the value is in the data page");
    assert!(contains(metadata, b"marker"), "the column is named in the footer");
    assert!(contains(metadata, b"parquet-cpp-arrow version 26.0.1"), "written by pyarrow as documented");
}

/// Columnar COPY reads only a bucket in Redshift's region and refuses REGION: a Parquet round
/// trip that COPYs across regions is refused before anything runs, naming both regions; an
/// UNLOAD-only one UNLOADs with REGION.
#[test]
fn a_parquet_copy_across_regions_is_refused_up_front_and_an_unload_is_not() {
    for access in ["copy", "both"] {
        let plan = variant(access, DataFormat::Parquet, false, true);
        let error = round_trip(&plan, "redbridge-test-1").unwrap_err();
        assert_eq!(
            error,
            RoundTripError::ColumnarCrossRegion { bucket_region: "us-east-1".into(), region: "eu-west-1".into() }
        );
        let text = error.to_string();
        assert!(text.contains("`us-east-1`") && text.contains("`eu-west-1`") && text.contains("RB152"), "{text}");
    }
    let unload = round_trip(&variant("unload", DataFormat::Parquet, true, true), "redbridge-test-1").unwrap();
    assert!(unload.statements[2].contains("FORMAT AS PARQUET") && unload.statements[2].contains("REGION 'us-east-1'"));
}

#[test]
fn a_marker_that_is_not_a_plain_name_is_refused() {
    let plan = plan("both");
    for bad in ["", "it's", "a b", "x\"y", "é"] {
        assert_eq!(round_trip(&plan, bad).unwrap_err(), RoundTripError::Marker(bad.to_owned()), "{bad:?}");
    }
}

/// Every statement the round trip can produce, for every format, access, key and region
/// combination Redshift accepts, is clean under our linter (no error, no warning): what
/// `redbridge test` runs is what `redbridge lint` passes.
#[test]
fn every_round_trip_statement_lints_clean_for_each_format_access_key_and_region() {
    let mut checked = 0;
    for format in [DataFormat::Csv, DataFormat::Text, DataFormat::Json, DataFormat::Parquet] {
        for access in ["copy", "unload", "both"] {
            for kms in [false, true] {
                for cross_region in [false, true] {
                    let plan = variant(access, format, kms, cross_region);
                    let test = match round_trip(&plan, "redbridge-test-1") {
                        Ok(test) => test,
                        Err(RoundTripError::ColumnarCrossRegion { .. }) => continue,
                        Err(other) => panic!("{format:?} {access} {kms} {cross_region}: {other}"),
                    };
                    let context = redbridge_core::statements::lint_context(&plan.spec);
                    // The CREATE, INSERT and SELECT around them are not the linter's (it says so).
                    for statement in
                        test.statements.iter().filter(|s| s.starts_with("COPY ") || s.starts_with("UNLOAD "))
                    {
                        let reports = redbridge_sql::lint(statement, &context);
                        assert!(reports.iter().all(|r| r.statement.is_some()), "{statement}: not parsed");
                        let found: Vec<_> = reports
                            .iter()
                            .flat_map(|r| &r.diagnostics)
                            .filter(|d| d.severity >= redbridge_sql::Severity::Warning)
                            .collect();
                        assert!(
                            found.is_empty(),
                            "{format:?} {access} kms={kms} cross={cross_region}: {statement}: {found:#?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    // 4 formats × 2 keys × 2 regions × (1 COPY-only + 1 UNLOAD-only + 2 both), less Parquet COPY
    // across regions (COPY-only and both, with and without a key).
    assert_eq!(checked, 4 * 2 * 2 * 4 - 2 * (1 + 2), "every combination but Parquet COPY across regions");
}

/// The statements of each format's UNLOAD-then-COPY round trip, with a key (the snapshot is
/// what Redshift is asked to run).
#[test]
fn the_round_trip_statements_per_format() {
    for format in [DataFormat::Csv, DataFormat::Text, DataFormat::Json, DataFormat::Parquet] {
        let test = round_trip(&variant("both", format, true, false), "redbridge-test-1").unwrap();
        insta::assert_snapshot!(format!("round_trip_{format:?}").to_lowercase(), test.statements.join(";\n"));
    }
    let test = round_trip(&variant("unload", DataFormat::Json, true, true), "redbridge-test-1").unwrap();
    insta::assert_snapshot!("round_trip_json_unload_cross_region", test.statements.join(";\n"));
}

fn with_format(plan: &Plan, format: DataFormat) -> Plan {
    let mut spec = plan.spec.clone();
    spec.format = format;
    Plan::new(&spec).unwrap()
}

/// The example with `access` and `format`, a key in the bucket's region or none, and the
/// bucket in `us-east-1` when `cross_region`.
fn variant(access: &str, format: DataFormat, kms: bool, cross_region: bool) -> Plan {
    let mut spec = plan(access).spec;
    spec.format = format;
    if cross_region {
        spec.bucket_region = Region::parse("us-east-1").unwrap();
    }
    spec.kms_key = kms.then(|| {
        KmsKeyArn::parse(&format!(
            "arn:aws:kms:{}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            spec.bucket_region, spec.s3_account
        ))
        .unwrap()
    });
    Plan::new(&spec).unwrap()
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
