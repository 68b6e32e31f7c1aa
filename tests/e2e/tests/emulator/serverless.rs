//! Redshift Serverless through the raw SDK client: namespaces (UpdateNamespace replaces the role
//! list, in the `IamRole(…)` form) and workgroups, with their error shapes. Moved from
//! `redbridge-emu`'s tests, which no longer see the SDK.

use redbridge_iam::RoleArn;

use crate::support::{APPLY_DELAY, Harness, redshift_trust};

#[tokio::test]
async fn update_namespace_replaces_the_role_list() {
    let h = Harness::start().await;
    let (a, b) = ("arn:aws:iam::111111111111:role/A", "arn:aws:iam::111111111111:role/B");
    for role in [a, b] {
        h.aws.seed_role(&RoleArn::parse(role).unwrap(), redshift_trust("111111111111"), &[]);
    }
    let serverless = h.serverless("111111111111");
    let created = serverless.create_namespace().namespace_name("main-ns").iam_roles(a).send().await.unwrap();
    let namespace = created.namespace().unwrap();
    assert_eq!(namespace.iam_roles(), [format!("IamRole(applyStatus=in-sync, iamRoleArn={a})")]);
    assert!(namespace.creation_date().is_some());
    assert_eq!(namespace.db_name(), Some("dev"));

    let updated = serverless.update_namespace().namespace_name("main-ns").iam_roles(b).send().await.unwrap();
    assert_eq!(updated.namespace().unwrap().iam_roles(), [format!("IamRole(applyStatus=adding, iamRoleArn={b})")]);
    tokio::time::sleep(APPLY_DELAY).await;
    let got = serverless.get_namespace().namespace_name("main-ns").send().await.unwrap();
    assert_eq!(got.namespace().unwrap().iam_roles(), [format!("IamRole(applyStatus=in-sync, iamRoleArn={b})")]);
}

#[tokio::test]
async fn workgroups_live_in_namespaces_and_errors_have_aws_shapes() {
    let h = Harness::start().await;
    let serverless = h.serverless("111111111111");
    let missing = serverless.get_namespace().namespace_name("nope").send().await.unwrap_err();
    assert!(missing.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()), "{missing:?}");
    let bad_name = serverless.create_namespace().namespace_name("NS").send().await.unwrap_err();
    assert!(bad_name.as_service_error().is_some_and(|e| e.is_validation_exception()));

    serverless.create_namespace().namespace_name("main-ns").send().await.unwrap();
    let conflict = serverless.create_namespace().namespace_name("main-ns").send().await.unwrap_err();
    assert!(conflict.as_service_error().is_some_and(|e| e.is_conflict_exception()));

    let created = serverless
        .create_workgroup()
        .workgroup_name("main-wg")
        .namespace_name("main-ns")
        .base_capacity(8)
        .send()
        .await
        .unwrap();
    let workgroup = created.workgroup().unwrap();
    assert_eq!(workgroup.status().map(|s| s.as_str()), Some("AVAILABLE"));
    assert_eq!(workgroup.base_capacity(), Some(8));
    assert_eq!(workgroup.endpoint().and_then(|e| e.address()), Some("127.0.0.1"));
    let got = serverless.get_workgroup().workgroup_name("main-wg").send().await.unwrap();
    assert_eq!(got.workgroup().unwrap().namespace_name(), Some("main-ns"));

    let busy = serverless.delete_namespace().namespace_name("main-ns").send().await.unwrap_err();
    assert!(busy.as_service_error().is_some_and(|e| e.is_conflict_exception()));
    serverless.delete_workgroup().workgroup_name("main-wg").send().await.unwrap();
    let deleted = serverless.delete_namespace().namespace_name("main-ns").send().await.unwrap();
    assert_eq!(deleted.namespace().unwrap().status().map(|s| s.as_str()), Some("DELETING"));
    let gone = serverless.get_workgroup().workgroup_name("main-wg").send().await.unwrap_err();
    assert!(gone.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()));
}
