//! Doctor on the S3 and KMS hops of a bucket role whose permissions boundary cuts what its
//! policies grant: the boundary is named (RB185), and the fix is the boundary, never `apply`.

use redbridge_core::Plan;
use redbridge_core::doctor::{FindingCode, Hop, HopStatus, Known, Severity, Snapshot, analyze};

use crate::doctor::{PROVISIONED, doc, healthy, plan};

/// `plan`'s healthy snapshot with `boundary` on the bucket role (the chain's last).
fn with_bucket_role_boundary(plan: &Plan, boundary: &str) -> Snapshot {
    let mut snapshot = healthy(plan);
    match snapshot.roles.get_mut(&plan.chain.last().to_string()) {
        Some(Known::Known { value }) => value.permissions_boundary = Some(doc(boundary)),
        _ => panic!("the healthy snapshot has the bucket role"),
    }
    snapshot
}

const WITHOUT_PUT_OBJECT: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:DeleteObject","kms:*","sts:AssumeRole"],"Resource":"*"}]}"#;

const WITHOUT_GENERATE_DATA_KEY: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["s3:*","kms:Decrypt","sts:AssumeRole"],"Resource":"*"}]}"#;

#[test]
fn a_boundary_without_put_object_is_rb185_on_the_s3_hop_with_the_boundary_as_the_fix() {
    let plan = plan(PROVISIONED);
    let report = analyze(&plan, &with_bucket_role_boundary(&plan, WITHOUT_PUT_OBJECT));
    let role = plan.chain.last();
    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let finding = errors[0];
    assert_eq!(finding.code, FindingCode::PermissionsBoundaryDenies);
    assert_eq!(finding.hop, Hop::S3 { role: role.to_string() });
    assert!(
        finding.message.starts_with(&format!(
            "the permissions boundary of `{}` does not allow `s3:PutObject` on `arn:aws:s3:::acme-lake/exports/",
            role.name()
        )),
        "{}",
        finding.message
    );
    assert!(finding.message.ends_with("needed for UNLOAD"), "{}", finding.message);
    assert!(finding.evidence.iter().any(|line| line.contains("permissions boundary")), "{:?}", finding.evidence);
    assert!(
        finding.fix.text.starts_with("allow `s3:PutObject` on `arn:aws:s3:::acme-lake/exports/")
            && finding.fix.text.ends_with(&format!(
                "in the permissions boundary of `{}` (redbridge does not change boundaries)",
                role.name()
            )),
        "{}",
        finding.fix.text
    );
    assert!(!finding.fix.text.contains("redbridge apply"), "{}", finding.fix.text);
    assert!(finding.fix.add.is_empty(), "a boundary fix adds nothing to the role's own policies");
    let s3 = report.hops.iter().find(|h| h.hop == Hop::S3 { role: role.to_string() }).unwrap();
    assert_eq!(s3.status, HopStatus::Broken);
    assert!(!report.codes().contains(&FindingCode::S3PermissionMissing), "{:?}", report.codes());
}

#[test]
fn a_boundary_without_generate_data_key_is_rb185_on_the_kms_hop() {
    let plan = plan(PROVISIONED);
    let report = analyze(&plan, &with_bucket_role_boundary(&plan, WITHOUT_GENERATE_DATA_KEY));
    let role = plan.chain.last();
    let key = plan.spec.kms_key.as_ref().unwrap().to_string();
    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let finding = errors[0];
    assert_eq!(finding.code, FindingCode::PermissionsBoundaryDenies);
    assert_eq!(finding.hop, Hop::Kms { role: role.to_string() });
    assert_eq!(
        finding.message,
        format!("the permissions boundary of `{}` does not allow `kms:GenerateDataKey` on `{key}`", role.name())
    );
    assert_eq!(
        finding.fix.text,
        format!(
            "allow `kms:GenerateDataKey` on `{key}` in the permissions boundary of `{}` (redbridge does not change boundaries)",
            role.name()
        )
    );
    assert!(!report.codes().contains(&FindingCode::KmsKeyNotAllowed), "{:?}", report.codes());
}

#[test]
fn a_boundary_allowing_everything_the_chain_needs_keeps_the_setup_healthy() {
    let plan = plan(PROVISIONED);
    let boundary = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*","sts:AssumeRole"],"Resource":"*"}]}"#;
    let report = analyze(&plan, &with_bucket_role_boundary(&plan, boundary));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn a_boundary_without_assume_role_on_the_cluster_role_is_rb185_on_the_role_hop() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    let cluster_role = plan.chain.first().clone();
    let no_assume =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}"#;
    match snapshot.roles.get_mut(&cluster_role.to_string()) {
        Some(Known::Known { value }) => value.permissions_boundary = Some(doc(no_assume)),
        _ => panic!("the healthy snapshot has the cluster role"),
    }
    let report = analyze(&plan, &snapshot);
    let errors: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, FindingCode::PermissionsBoundaryDenies);
    assert!(
        errors[0].message.starts_with(&format!(
            "the permissions boundary of `{}` does not allow `sts:AssumeRole`",
            cluster_role.name()
        )),
        "{}",
        errors[0].message
    );
    assert!(errors[0].fix.text.ends_with("(redbridge does not change boundaries)"), "{}", errors[0].fix.text);
}
