//! Provisioned clusters through the raw Redshift SDK client: creation, role attachment with
//! ApplyStatus as ModifyClusterIamRoles and DescribeClusters answer it, deletion, paging,
//! connections, error shapes. Moved from `redbridge-emu`'s tests, which no longer see the SDK.

use aws_sdk_redshift::error::ProvideErrorMetadata;
use redbridge_iam::RoleArn;

use crate::support::{APPLY_DELAY, Harness, create_cluster, redshift_trust};

fn statuses(cluster: &aws_sdk_redshift::types::Cluster) -> Vec<(String, String)> {
    cluster
        .iam_roles()
        .iter()
        .map(|r| (r.iam_role_arn().unwrap_or_default().to_owned(), r.apply_status().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn attached_roles_are_adding_then_in_sync_and_removed_roles_go_away() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/ClusterRole";
    h.aws.seed_role(&RoleArn::parse(role).unwrap(), redshift_trust("111111111111"), &[]);
    let redshift = h.redshift("111111111111");
    create_cluster(&redshift, "Main", &[]).await;

    let modified =
        redshift.modify_cluster_iam_roles().cluster_identifier("main").add_iam_roles(role).send().await.unwrap();
    let cluster = modified.cluster().unwrap();
    assert_eq!(cluster.cluster_identifier(), Some("main"));
    assert_eq!(statuses(cluster), [(role.to_owned(), "adding".to_owned())]);

    tokio::time::sleep(APPLY_DELAY).await;
    let described = redshift.describe_clusters().cluster_identifier("main").send().await.unwrap();
    let cluster = &described.clusters()[0];
    assert_eq!(statuses(cluster), [(role.to_owned(), "in-sync".to_owned())]);
    assert_eq!(cluster.master_username(), Some("awsuser"));
    assert!(cluster.cluster_create_time().is_some());

    let removed =
        redshift.modify_cluster_iam_roles().cluster_identifier("main").remove_iam_roles(role).send().await.unwrap();
    assert_eq!(statuses(removed.cluster().unwrap()), [(role.to_owned(), "removing".to_owned())]);
    tokio::time::sleep(APPLY_DELAY).await;
    let described = redshift.describe_clusters().send().await.unwrap();
    assert!(statuses(&described.clusters()[0]).is_empty());
}

#[tokio::test]
async fn clusters_are_per_account_and_errors_have_aws_shapes() {
    let h = Harness::start().await;
    let redshift = h.redshift("111111111111");
    create_cluster(&redshift, "main", &[]).await;

    let duplicate = redshift
        .create_cluster()
        .cluster_identifier("main")
        .node_type("ra3.large")
        .master_username("u")
        .master_user_password("Passw0rd!")
        .send()
        .await
        .unwrap_err();
    assert!(duplicate.as_service_error().is_some_and(|e| e.is_cluster_already_exists_fault()), "{duplicate:?}");

    let other = h.redshift("222222222222");
    let missing = other.describe_clusters().cluster_identifier("main").send().await.unwrap_err();
    assert!(missing.as_service_error().is_some_and(|e| e.is_cluster_not_found_fault()));
    assert_eq!(missing.message(), Some("Cluster main not found."));
    assert!(other.describe_clusters().send().await.unwrap().clusters().is_empty());

    let no_snapshot = redshift.delete_cluster().cluster_identifier("main").send().await.unwrap_err();
    assert_eq!(no_snapshot.code(), Some("InvalidParameterCombination"));
    let deleted =
        redshift.delete_cluster().cluster_identifier("main").skip_final_cluster_snapshot(true).send().await.unwrap();
    assert_eq!(deleted.cluster().unwrap().cluster_status(), Some("deleting"));
    let gone = redshift
        .delete_cluster()
        .cluster_identifier("main")
        .skip_final_cluster_snapshot(true)
        .send()
        .await
        .unwrap_err();
    assert!(gone.as_service_error().is_some_and(|e| e.is_cluster_not_found_fault()));
}

#[tokio::test]
async fn a_stopped_emulator_closes_its_connections() {
    let h = Harness::start().await;
    let no_retries = h
        .redshift("111111111111")
        .config()
        .to_builder()
        .retry_config(aws_sdk_redshift::config::retry::RetryConfig::disabled())
        .build();
    let redshift = aws_sdk_redshift::Client::from_conf(no_retries);
    assert!(redshift.describe_clusters().send().await.unwrap().clusters().is_empty());
    h.emulator.stop().await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(redshift.describe_clusters().send().await.is_err(), "the pooled connection must not outlive the server");
}

#[tokio::test]
async fn describe_clusters_pages_with_markers() {
    let h = Harness::start().await;
    let redshift = h.redshift("111111111111");
    for n in 0..25 {
        create_cluster(&redshift, &format!("c{n:02}"), &[]).await;
    }
    let first = redshift.describe_clusters().max_records(20).send().await.unwrap();
    assert_eq!(first.clusters().len(), 20);
    let marker = first.marker().expect("a marker for the next page");
    let second = redshift.describe_clusters().max_records(20).marker(marker).send().await.unwrap();
    assert_eq!(second.clusters().len(), 5);
    assert!(second.marker().is_none());
    let bad = redshift.describe_clusters().max_records(5).send().await.unwrap_err();
    assert_eq!(bad.code(), Some("InvalidParameterValue"));
}
