//! Provisioned Redshift through `aws-sdk-redshift`: a cluster's attached roles and routing.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, ClusterInfo, Redshift};

adapter! {
    /// Provisioned Redshift through `aws-sdk-redshift`.
    SdkRedshift(aws_sdk_redshift::Client), from_conf
}

impl Redshift for SdkRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        Ok(self.describe_cluster(cluster).await?.roles)
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        self.client
            .modify_cluster_iam_roles()
            .cluster_identifier(cluster)
            .add_iam_roles(role)
            .send()
            .await
            .or_aws("redshift:ModifyClusterIamRoles")?;
        Ok(())
    }

    async fn remove_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        self.client
            .modify_cluster_iam_roles()
            .cluster_identifier(cluster)
            .remove_iam_roles(role)
            .send()
            .await
            .or_aws("redshift:ModifyClusterIamRoles")?;
        Ok(())
    }

    async fn describe_cluster(&self, cluster: &str) -> AwsResult<ClusterInfo> {
        let output = self
            .client
            .describe_clusters()
            .cluster_identifier(cluster)
            .send()
            .await
            .or_aws("redshift:DescribeClusters")?;
        let found = output
            .clusters()
            .iter()
            .find(|c| c.cluster_identifier() == Some(cluster))
            .or_else(|| output.clusters().first())
            .ok_or_else(|| AwsError::not_found(format!("cluster `{cluster}`")))?;
        let roles = found
            .iam_roles()
            .iter()
            .filter_map(|r| {
                Some(AttachedRole {
                    arn: r.iam_role_arn()?.to_owned(),
                    status: ApplyStatus::parse(r.apply_status().unwrap_or("in-sync")),
                })
            })
            .collect();
        Ok(ClusterInfo { roles, enhanced_vpc_routing: found.enhanced_vpc_routing().unwrap_or(false) })
    }
}
