//! The one read model: an attachment's status in the snapshot's JSON, and apply and destroy
//! diffing the snapshot doctor judges, refusing what they could not read and nothing else.

use std::collections::BTreeMap;

use redbridge_core::converge::{ApplyOptions, apply_diff, destroy_diff};
use redbridge_core::doctor::{ApplyStatus, AttachedRole, KeyState, Known, RedshiftState, Snapshot};
use redbridge_core::{Plan, Spec};
use redbridge_iam::policy::PolicyDocument;

fn plan() -> Plan {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
            .unwrap();
    Plan::new(&Spec::from_toml(&text).unwrap()).unwrap()
}

/// Nothing of the plan exists yet; the namespace has no roles and the key does not exist.
fn empty_world(plan: &Plan) -> Snapshot {
    let mut snapshot = Snapshot::empty();
    snapshot.redshift = Known::known(RedshiftState {
        region: plan.spec.region.clone(),
        attached_roles: Vec::new(),
        enhanced_vpc_routing: false,
        workgroup_id: None,
    });
    snapshot.roles = plan.chain.roles().iter().map(|r| (r.to_string(), Known::Absent)).collect::<BTreeMap<_, _>>();
    snapshot.kms_key = Some(Known::Absent);
    snapshot
}

#[test]
fn an_attachment_status_is_written_in_aws_spelling_and_a_missing_one_reads_as_in_sync() {
    let role = AttachedRole { arn: "arn:aws:iam::111111111111:role/r".into(), status: ApplyStatus::Adding };
    let json = serde_json::to_value(&role).unwrap();
    assert_eq!(json, serde_json::json!({ "arn": "arn:aws:iam::111111111111:role/r", "apply_status": "adding" }));
    assert_eq!(serde_json::from_value::<AttachedRole>(json).unwrap(), role);
    for older in [r#"{"arn": "a", "apply_status": null}"#, r#"{"arn": "a"}"#] {
        assert_eq!(serde_json::from_str::<AttachedRole>(older).unwrap().status, ApplyStatus::InSync, "{older}");
    }
    let odd: AttachedRole = serde_json::from_str(r#"{"arn": "a", "apply_status": "paused"}"#).unwrap();
    assert_eq!(odd.status, ApplyStatus::Other("paused".into()));
}

#[test]
fn an_absent_key_and_an_unknown_role_are_refused_by_name_and_the_bucket_is_not_needed() {
    let plan = plan();
    let mut snapshot = empty_world(&plan);
    assert!(matches!(snapshot.bucket, Known::Unknown { .. }), "the bucket was not read");
    let error = apply_diff(&plan, &snapshot, ApplyOptions::default()).unwrap_err();
    let key = plan.spec.kms_key.clone().unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "cannot read the current state: KMS key `{key}`: it does not exist (or is in another region); redbridge does not create keys"
        )
    );

    let mut seeded = snapshot.clone();
    seeded.kms_key = None;
    let first = plan.chain.first().to_string();
    seeded.roles.insert(first.clone(), Known::unknown("access denied for `iam:GetRole` reading role `x`"));
    let error = destroy_diff(&plan, &seeded).unwrap_err();
    let subjects: Vec<&str> = error.parts.iter().map(|p| p.subject.as_str()).collect();
    assert_eq!(subjects, [format!("role `{first}`"), format!("KMS key `{key}`")], "each once, in the plan's order");
    assert_eq!(error.parts[1].reason, "not read");

    // With the key known, nothing the plan changes is missing, though the bucket still is not.
    snapshot.kms_key = Some(Known::known(KeyState {
        arn: key,
        key_state: "Enabled".into(),
        key_manager: "CUSTOMER".into(),
        policy: PolicyDocument::new(Vec::new()),
    }));
    let diff = apply_diff(&plan, &snapshot, ApplyOptions::default()).unwrap();
    assert_eq!(diff.counts(), (5, 1, 0, 0), "{diff:#?}");
}
