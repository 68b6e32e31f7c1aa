//! `redbridge test`'s diagnosis refined by doctor's reading: Redshift's texts for a hop denied
//! by an SCP, an RCP or a permissions boundary do not say why; doctor's report of the same
//! accounts does, and the diagnosis takes its finding while keeping what the text said.

use redbridge_core::doctor::{FindingCode, Known, OrgPolicy, Report, analyze, classify};
use redbridge_core::round_trip::{Diagnosis, DoctorReading, diagnose, refine_with_report};
use redbridge_core::{Plan, doctor::Snapshot};

use crate::doctor::{PROVISIONED, doc, healthy, plan};
use crate::doctor_org::{deny_cross_account_assume, in_organizations, organization};

/// What Redshift says when the cluster role may not assume the bucket role, whatever the cause.
const REFUSED_ASSUME: &str =
    "Not authorized to get credentials of role arn:aws:iam::222222222222:role/redbridge-acme-lake";
/// What Redshift says when S3 refuses the bucket role, whatever the cause.
const ACCESS_DENIED: &str = "S3ServiceException:Access Denied,Status 403,Error AccessDenied";

fn text_diagnosis(plan: &Plan, text: &str) -> Diagnosis {
    diagnose(plan, &classify(text))
}

fn refined(plan: &Plan, text: &str, snapshot: &Snapshot) -> (Diagnosis, Diagnosis, Report) {
    let report = analyze(plan, snapshot);
    let before = text_diagnosis(plan, text);
    (before.clone(), refine_with_report(before, &report), report)
}

fn assert_refined(before: &Diagnosis, after: &Diagnosis, report: &Report, code: FindingCode) {
    let finding = report.findings.iter().find(|f| f.code == code).expect("doctor names the cause");
    assert_eq!(after.code, code);
    assert_eq!(after.title, code.meaning());
    assert_eq!(after.hop, finding.hop.label());
    assert_eq!(after.meaning, finding.message);
    assert_eq!(after.fix.as_deref(), Some(finding.fix.to_text().as_str()));
    assert!(after.certain);
    assert_eq!(after.from_text, Some(before.code));
    assert_eq!(after.doctor, Some(DoctorReading { refined: true, reason: None }));
    assert!(after.evidence.starts_with(&finding.evidence), "{:?}", after.evidence);
    let last = after.evidence.last().unwrap();
    assert!(last.starts_with(&format!("redshift's text alone: `{}` at `{}`", before.code, before.hop)), "{last}");
}

#[test]
fn an_scp_denying_the_assume_turns_redshifts_refused_credentials_into_rb191() {
    let plan = plan(PROVISIONED);
    let mut redshift = organization("o-aaaa1111");
    redshift.scps[1].push(deny_cross_account_assume());
    let snapshot = in_organizations(&plan, redshift, organization("o-aaaa1111"));
    let (before, after, report) = refined(&plan, REFUSED_ASSUME, &snapshot);
    assert_eq!(before.code, FindingCode::ServiceNotTrusted);
    assert!(!before.certain);
    assert_refined(&before, &after, &report, FindingCode::ScpDenies);
    assert_eq!(after.hop, "redbridge-warehouse → redbridge-acme-lake");
    assert!(after.meaning.contains("SCP `DenyCrossAccountAssumeRole`"), "{}", after.meaning);
}

#[test]
fn an_rcp_denying_s3_turns_redshifts_access_denied_into_rb192() {
    let plan = plan(PROVISIONED);
    let mut bucket = organization("o-bucket222");
    bucket.rcps[2].push(OrgPolicy {
        id: "p-nowrite22".into(),
        name: "DenyPutObject".into(),
        document: doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}"#,
        ),
    });
    let snapshot = in_organizations(&plan, organization("o-bucket222"), bucket);
    let (before, after, report) = refined(&plan, ACCESS_DENIED, &snapshot);
    assert_eq!(before.code, FindingCode::S3PermissionMissing);
    assert_refined(&before, &after, &report, FindingCode::RcpDenies);
    assert_eq!(after.hop, "redbridge-acme-lake → S3");
    assert!(after.meaning.contains("RCP `DenyPutObject`"), "{}", after.meaning);
}

#[test]
fn a_boundary_without_put_object_turns_redshifts_access_denied_into_rb185() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    match snapshot.roles.get_mut(&plan.chain.last().to_string()) {
        Some(Known::Known { value }) => {
            value.permissions_boundary = Some(doc(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","kms:*"],"Resource":"*"}]}"#,
            ));
        }
        _ => panic!("the healthy snapshot has the bucket role"),
    }
    let (before, after, report) = refined(&plan, ACCESS_DENIED, &snapshot);
    assert_refined(&before, &after, &report, FindingCode::PermissionsBoundaryDenies);
    assert_eq!(after.from_text, Some(FindingCode::S3PermissionMissing));
    assert!(after.fix.as_deref().unwrap().contains("in the permissions boundary of `redbridge-acme-lake`"));
}

#[test]
fn nothing_on_the_hop_leaves_the_texts_diagnosis_and_says_so() {
    let plan = plan(PROVISIONED);
    let (before, after, _) = refined(&plan, ACCESS_DENIED, &healthy(&plan));
    let reason = "doctor's reading of the accounts finds nothing wrong on `redbridge-acme-lake → S3`";
    assert_eq!(after, before.clone().unrefined(reason));
    assert_eq!((after.code, after.from_text, after.fix), (FindingCode::S3PermissionMissing, None, None));
    // An error on another hop is not this failure's cause.
    let mut redshift = organization("o-aaaa1111");
    redshift.scps[1].push(deny_cross_account_assume());
    let snapshot = in_organizations(&plan, redshift, organization("o-aaaa1111"));
    let (before, after, _) = refined(&plan, ACCESS_DENIED, &snapshot);
    assert_eq!(after, before.unrefined(reason));
}

#[test]
fn an_unread_hop_leaves_the_texts_diagnosis_with_the_reason() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    snapshot.bucket = Known::unknown("`GetBucketPolicy` was denied");
    let (before, after, _) = refined(&plan, ACCESS_DENIED, &snapshot);
    assert_eq!(after.code, before.code);
    assert_eq!(after.meaning, before.meaning);
    let reading = after.doctor.unwrap();
    assert!(!reading.refined);
    let reason = reading.reason.unwrap();
    assert!(reason.starts_with("doctor could not judge `redbridge-acme-lake → S3`: "), "{reason}");
    assert!(reason.contains("`GetBucketPolicy` was denied"), "{reason}");
}

#[test]
fn a_text_doctor_does_not_judge_is_not_refined() {
    let plan = plan(PROVISIONED);
    let privilege = text_diagnosis(
        &plan,
        r#"User etl does not have ASSUMEROLE permission on IAM role "arn:aws:iam::111111111111:role/redbridge-warehouse" for COPY"#,
    );
    let after = refine_with_report(privilege.clone(), &analyze(&plan, &healthy(&plan)));
    assert_eq!(after, privilege.unrefined("doctor does not judge the `database privilege`"));
}

#[test]
fn a_text_only_diagnosis_serializes_without_doctors_fields_and_an_unrefined_one_says_why() {
    let plan = plan(PROVISIONED);
    let before = text_diagnosis(&plan, ACCESS_DENIED);
    let json = serde_json::to_value(&before).unwrap();
    assert_eq!(json.as_object().unwrap().keys().collect::<Vec<_>>(), ["code", "title", "hop", "meaning", "certain"]);
    let json = serde_json::to_value(before.unrefined("why")).unwrap();
    assert_eq!(json["doctor"], serde_json::json!({"refined": false, "reason": "why"}));
}
