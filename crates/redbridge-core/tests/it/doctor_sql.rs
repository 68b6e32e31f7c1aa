//! `doctor --sql`: the user's own COPY and UNLOAD judged against the plan's chain and a snapshot,
//! starting from the planned statements (healthy) and breaking one thing at a time.

use redbridge_core::Plan;
use redbridge_core::doctor::{
    Finding, FindingCode, Hop, HopStatus, Known, Report, Severity, Snapshot, Verdict, analyze_with_sql, listed_prefixes,
};
use redbridge_core::plan::StatementKind;
use redbridge_core::statements::planned_statements;

use crate::doctor::{PROVISIONED, SERVERLESS, doc, healthy, plan};

const COPY_KEY: &str = "exports/2024/part-0000.csv";

/// The plan's own COPY or UNLOAD (the first one of that kind).
fn planned(plan: &Plan, kind: StatementKind) -> String {
    planned_statements(&plan.spec, &plan.chain).unwrap().into_iter().find(|s| s.kind == kind).unwrap().sql
}

/// A healthy snapshot that also lists what `sql` needs: one object under each COPY source, none
/// under each UNLOAD target.
fn listed(plan: &Plan, sql: &[String]) -> Snapshot {
    let mut snapshot = healthy(plan);
    for prefix in listed_prefixes(&plan.spec, sql) {
        let keys = if prefix.ends_with('/') { vec![COPY_KEY.to_owned()] } else { Vec::new() };
        snapshot.prefix_objects.insert(prefix, Known::known(keys));
    }
    snapshot
}

/// The findings on `--sql` statements, as `(code, statement number)`.
fn sql_findings(report: &Report) -> Vec<(FindingCode, usize)> {
    report
        .findings
        .iter()
        .filter_map(|f| match &f.hop {
            Hop::UserStatement { number, .. } => Some((f.code, *number)),
            _ => None,
        })
        .collect()
}

fn finding(report: &Report, code: FindingCode) -> &Finding {
    report.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {:#?}", report.findings))
}

fn judge(plan: &Plan, snapshot: &Snapshot, sql: &str) -> Report {
    analyze_with_sql(plan, snapshot, &[sql.to_owned()])
}

fn chain(plan: &Plan) -> String {
    plan.chain.roles().iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

#[test]
fn the_planned_copy_and_unload_have_no_statement_findings() {
    for spec in [PROVISIONED, SERVERLESS] {
        let plan = plan(spec);
        let sql = vec![planned(&plan, StatementKind::Copy), planned(&plan, StatementKind::Unload)];
        let report = analyze_with_sql(&plan, &listed(&plan, &sql), &sql);
        assert_eq!(sql_findings(&report), vec![], "{:#?}", report.findings);
        assert_eq!(report.verdict, Verdict::Healthy, "{:#?}", report.findings);
        let statement_hops: Vec<_> =
            report.hops.iter().filter(|h| matches!(h.hop, Hop::UserStatement { .. })).collect();
        assert_eq!(statement_hops.len(), 2);
        assert!(statement_hops.iter().all(|h| h.status == HopStatus::Ok), "{statement_hops:#?}");
        assert!(statement_hops.iter().all(|h| h.checks.iter().all(|c| c.ok == Some(true))), "{statement_hops:#?}");
    }
}

#[test]
fn several_statements_in_one_text_are_numbered_in_order() {
    let plan = plan(PROVISIONED);
    let sql = vec![format!("{};\n{};", planned(&plan, StatementKind::Copy), planned(&plan, StatementKind::Unload))];
    let report = analyze_with_sql(&plan, &listed(&plan, &sql), &sql);
    let labels: Vec<String> =
        report.hops.iter().filter(|h| matches!(h.hop, Hop::UserStatement { .. })).map(|h| h.hop.label()).collect();
    assert_eq!(
        labels,
        vec![
            "your statement 1: COPY `s3://acme-lake/exports/`".to_owned(),
            "your statement 2: UNLOAD `s3://acme-lake/exports/example_`".to_owned()
        ]
    );
}

#[test]
fn rb181_a_space_in_the_chain_string() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy).replace(&chain(&plan), &chain(&plan).replace(',', ", "));
    let report = judge(&plan, &listed(&plan, std::slice::from_ref(&sql)), &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::StatementChainWrong, 1)], "{:#?}", report.findings);
    let rb181 = finding(&report, FindingCode::StatementChainWrong);
    assert!(
        rb181.message.contains(&format!(
            "User arn:aws:redshift:us-east-1:111111111111:dbuser:warehouse/<user> is not authorized to assume IAM Role {}",
            chain(&plan).replace(',', ", ")
        )),
        "{}",
        rb181.message
    );
    assert!(rb181.fix.to_text().ends_with(&format!("\nIAM_ROLE '{}'", chain(&plan))), "{}", rb181.fix.to_text());
    assert_eq!(report.verdict, Verdict::Broken);
}

#[test]
fn rb181_the_chain_in_reverse_order() {
    let plan = plan(PROVISIONED);
    let reversed = plan.chain.roles().iter().rev().map(ToString::to_string).collect::<Vec<_>>().join(",");
    let sql = planned(&plan, StatementKind::Unload).replace(&chain(&plan), &reversed);
    let report = judge(&plan, &listed(&plan, std::slice::from_ref(&sql)), &sql);
    // The linter's first/last-role account errors say the same thing: only RB181 remains.
    assert_eq!(sql_findings(&report), vec![(FindingCode::StatementChainWrong, 1)], "{:#?}", report.findings);
    let rb181 = finding(&report, FindingCode::StatementChainWrong);
    assert!(rb181.message.contains("the roles are in reverse order"), "{}", rb181.message);
    assert!(rb181.fix.to_text().contains(&format!("IAM_ROLE '{}'", chain(&plan))), "{}", rb181.fix.to_text());
}

#[test]
fn rb181_a_partial_chain() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy).replace(&chain(&plan), &plan.chain.last().to_string());
    let report = judge(&plan, &listed(&plan, std::slice::from_ref(&sql)), &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::StatementChainWrong, 1)], "{:#?}", report.findings);
    let rb181 = finding(&report, FindingCode::StatementChainWrong);
    assert!(rb181.message.contains("names only 1 of the chain's 2 roles"), "{}", rb181.message);
    assert!(rb181.message.contains(&format!("missing `{}`", plan.chain.first())), "{}", rb181.message);
}

#[test]
fn rb181_in_legacy_credentials_keeps_the_credentials_form() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy)
        .replace(&format!("IAM_ROLE '{}'", chain(&plan)), &format!("CREDENTIALS 'aws_iam_role={}'", plan.chain.last()));
    let report = judge(&plan, &listed(&plan, std::slice::from_ref(&sql)), &sql);
    assert!(sql_findings(&report).contains(&(FindingCode::StatementChainWrong, 1)), "{:#?}", report.findings);
    assert!(
        finding(&report, FindingCode::StatementChainWrong)
            .fix
            .to_text()
            .ends_with(&format!("CREDENTIALS 'aws_iam_role={}'", chain(&plan)))
    );
}

fn in_region(plan: &Plan, region: &str) -> Snapshot {
    let sql = [planned(plan, StatementKind::Copy)];
    let mut snapshot = listed(plan, &sql);
    if let Known::Known { value } = &mut snapshot.bucket {
        value.region = region.parse().unwrap();
    }
    snapshot
}

#[test]
fn rb151_a_bucket_in_another_region_without_region() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy);
    let report = judge(&plan, &in_region(&plan, "eu-west-1"), &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::BucketRegionDiffers, 1)], "{:#?}", report.findings);
    // The spec's own `bucket_region` is wrong too: the statement section says what to write.
    let rb151 = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::BucketRegionDiffers && matches!(f.hop, Hop::UserStatement { .. }))
        .unwrap();
    assert!(rb151.fix.to_text().ends_with("\nREGION 'eu-west-1'"), "{}", rb151.fix.to_text());
}

#[test]
fn rb151_is_satisfied_by_the_right_region_and_names_a_wrong_one() {
    let plan = plan(PROVISIONED);
    let snapshot = in_region(&plan, "eu-west-1");
    let right = format!("{} REGION 'eu-west-1'", planned(&plan, StatementKind::Copy));
    // The linter compares REGION with the spec's bucket region; doctor knows the real one.
    assert_eq!(sql_findings(&judge(&plan, &snapshot, &right)), vec![]);

    let wrong = format!("{} REGION 'us-west-2'", planned(&plan, StatementKind::Copy));
    let report = judge(&plan, &snapshot, &wrong);
    assert_eq!(sql_findings(&report), vec![(FindingCode::BucketRegionDiffers, 1)], "{:#?}", report.findings);
    let rb151 = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::BucketRegionDiffers && matches!(f.hop, Hop::UserStatement { .. }))
        .unwrap();
    assert!(rb151.message.contains("says `REGION 'us-west-2'` but the bucket is in `eu-west-1`"), "{}", rb151.message);
    assert!(rb151.fix.to_text().ends_with("\nREGION 'eu-west-1'"), "{}", rb151.fix.to_text());
}

const REQUIRE_KMS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RequireKms","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
   "Resource":"arn:aws:s3:::acme-lake/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#;

fn requiring_kms(plan: &Plan, sql: &str) -> Snapshot {
    let mut snapshot = listed(plan, &[sql.to_owned()]);
    if let Known::Known { value } = &mut snapshot.bucket {
        value.policy = Some(doc(REQUIRE_KMS));
    }
    snapshot
}

#[test]
fn rb133_an_unload_without_encrypted_into_a_bucket_requiring_sse_kms() {
    // The spec names a key: the fix is the key.
    let plan = plan(PROVISIONED);
    let key = plan.spec.kms_key.clone().unwrap().to_string();
    let sql =
        planned(&plan, StatementKind::Unload).replace(&format!(" KMS_KEY_ID '{key}'"), "").replace(" ENCRYPTED", "");
    assert!(!sql.contains("ENCRYPTED"), "{sql}");
    let report = judge(&plan, &requiring_kms(&plan, &sql), &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::UnloadWithoutSseKms, 1)], "{:#?}", report.findings);
    let rb133 = finding(&report, FindingCode::UnloadWithoutSseKms);
    assert!(rb133.fix.to_text().ends_with(&format!("\nENCRYPTED KMS_KEY_ID '{key}'")), "{}", rb133.fix.to_text());
    assert!(rb133.evidence.iter().any(|e| e.contains("`RequireKms`")), "{:?}", rb133.evidence);

    // The planned UNLOAD says ENCRYPTED: fine.
    let planned_unload = planned(&plan, StatementKind::Unload);
    assert_eq!(sql_findings(&judge(&plan, &requiring_kms(&plan, &planned_unload), &planned_unload)), vec![]);
}

#[test]
fn rb133_without_a_key_in_the_spec_suggests_encrypted_auto() {
    let plan = plan(SERVERLESS);
    let sql = planned(&plan, StatementKind::Unload);
    let report = judge(&plan, &requiring_kms(&plan, &sql), &sql);
    assert!(sql_findings(&report).contains(&(FindingCode::UnloadWithoutSseKms, 1)), "{:#?}", report.findings);
    let rb133 = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::UnloadWithoutSseKms && matches!(f.hop, Hop::UserStatement { .. }))
        .unwrap();
    assert!(rb133.fix.to_text().ends_with("\nENCRYPTED AUTO"), "{}", rb133.fix.to_text());
}

#[test]
fn rb183_an_unload_into_a_prefix_that_has_objects() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Unload);
    let mut snapshot = listed(&plan, std::slice::from_ref(&sql));
    snapshot
        .prefix_objects
        .insert("exports/example_".to_owned(), Known::known(vec!["exports/example_0000_part_00".to_owned()]));
    let report = judge(&plan, &snapshot, &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::UnloadTargetNotEmpty, 1)], "{:#?}", report.findings);
    assert!(finding(&report, FindingCode::UnloadTargetNotEmpty).evidence[0].contains("`exports/example_0000_part_00`"));

    let overwriting = format!("{sql} ALLOWOVERWRITE");
    assert_eq!(listed_prefixes(&plan.spec, std::slice::from_ref(&overwriting)), Vec::<String>::new());
    let report = judge(&plan, &snapshot, &overwriting);
    assert_eq!(sql_findings(&report), vec![], "{:#?}", report.findings);
    assert_eq!(report.verdict, Verdict::Healthy);
}

#[test]
fn rb184_a_copy_from_a_prefix_without_objects() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy);
    let mut snapshot = healthy(&plan);
    snapshot.prefix_objects.insert("exports/".to_owned(), Known::known(Vec::new()));
    let report = judge(&plan, &snapshot, &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::CopySourceEmpty, 1)], "{:#?}", report.findings);
    assert!(
        finding(&report, FindingCode::CopySourceEmpty)
            .message
            .contains("`The specified S3 prefix 'exports/' does not exist`")
    );
}

#[test]
fn an_unknown_or_missing_listing_is_unknown_not_ok() {
    let plan = plan(PROVISIONED);
    let sql = planned(&plan, StatementKind::Copy);
    let mut snapshot = healthy(&plan);
    snapshot.prefix_objects.insert("exports/".to_owned(), Known::unknown("access denied for `s3:ListBucket`"));
    let report = judge(&plan, &snapshot, &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::StateUnreadable, 1)], "{:#?}", report.findings);
    assert_eq!(report.findings[0].severity, Severity::Unknown);
    assert!(report.findings[0].message.contains("access denied for `s3:ListBucket`"));
    assert_eq!(report.verdict, Verdict::Unknown);
    let hop = report.hops.iter().find(|h| matches!(h.hop, Hop::UserStatement { .. })).unwrap();
    assert_eq!(hop.status, HopStatus::Unknown);

    // A snapshot saved without this `--sql` has no listing at all: unknown too.
    let report = judge(&plan, &healthy(&plan), &sql);
    assert_eq!(sql_findings(&report), vec![(FindingCode::StateUnreadable, 1)], "{:#?}", report.findings);
    assert_eq!(report.verdict, Verdict::Unknown);
}

#[test]
fn an_unparsable_statement_is_an_error_with_its_position_not_a_panic() {
    let plan = plan(PROVISIONED);
    let report = judge(&plan, &healthy(&plan), "COPY public.example FROM 's3://acme-lake/exports/ IAM_ROLE 'x'");
    assert_eq!(report.verdict, Verdict::Broken);
    let codes = sql_findings(&report);
    assert!(!codes.is_empty() && codes.iter().all(|(code, _)| matches!(code, FindingCode::Lint(_))), "{codes:?}");
    let first = &report.findings.iter().find(|f| matches!(f.hop, Hop::UserStatement { .. })).unwrap();
    assert!(first.message.contains("(line 1, column "), "{}", first.message);
    assert_eq!(report.hops.last().unwrap().status, HopStatus::Broken);

    // Not a COPY or UNLOAD: the linter's warning says doctor does not judge it.
    let report = judge(&plan, &healthy(&plan), "SELECT 1");
    assert_eq!(
        sql_findings(&report),
        vec![(FindingCode::Lint(redbridge_sql::codes::NOT_COPY_OR_UNLOAD), 1)],
        "{:#?}",
        report.findings
    );
    assert_eq!(report.findings[0].severity, Severity::Warning);

    for text in ["COPY", "UNLOAD ('select 1') TO", "COPY t FROM 's3://acme-lake/exports/' IAM_ROLE"] {
        let report = judge(&plan, &healthy(&plan), text);
        assert_eq!(report.verdict, Verdict::Broken, "{text}: {:#?}", report.findings);
        assert!(
            report
                .findings
                .iter()
                .any(|f| matches!(f.code, FindingCode::Lint(_)) && f.message.contains("(line 1, column ")),
            "{text}"
        );
    }
}

#[test]
fn linter_errors_the_doctor_checks_do_not_cover_are_findings() {
    let plan = plan(PROVISIONED);
    let sql = format!("{} ALLOWOVERWRITE CLEANPATH", planned(&plan, StatementKind::Unload));
    let report = judge(&plan, &healthy(&plan), &sql);
    assert_eq!(
        sql_findings(&report),
        vec![(FindingCode::Lint(redbridge_sql::codes::CLEANPATH_ALLOWOVERWRITE), 1)],
        "{:#?}",
        report.findings
    );
}

#[test]
fn snapshots_without_listings_still_load_and_empty_listings_are_not_written() {
    let plan = plan(PROVISIONED);
    let snapshot = healthy(&plan);
    let json = serde_json::to_string(&snapshot).unwrap();
    assert!(!json.contains("prefix_objects"), "{json}");
    assert_eq!(Snapshot::from_json(&json).unwrap(), snapshot);

    let mut listed = snapshot;
    listed.prefix_objects.insert("exports/".to_owned(), Known::known(vec![COPY_KEY.to_owned()]));
    let json = serde_json::to_string(&listed).unwrap();
    assert!(
        json.contains(r#""prefix_objects":{"exports/":{"status":"known","value":["exports/2024/part-0000.csv"]}}"#),
        "{json}"
    );
    assert_eq!(Snapshot::from_json(&json).unwrap(), listed);
}
