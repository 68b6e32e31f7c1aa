//! The fake provisioned Redshift: clusters whose new attachments go through `adding`.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::{FakeRedshift, check_attachable};
use crate::AwsError;
use crate::ports::{AwsResult, ClusterInfo, Redshift};

impl Redshift for FakeRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call_in(None, "redshift:DescribeClusters", cluster).await?;
        let roles = world
            .state
            .clusters
            .get(cluster)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        world.settle(cluster, |s| &mut s.clusters);
        Ok(roles)
    }

    async fn describe_cluster(&self, cluster: &str) -> AwsResult<ClusterInfo> {
        let mut world = self.aws.call_in(None, "redshift:DescribeClusters", cluster).await?;
        let roles = world
            .state
            .clusters
            .get(cluster)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        world.settle(cluster, |s| &mut s.clusters);
        Ok(ClusterInfo { roles, enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(cluster) })
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(None, "redshift:ModifyClusterIamRoles", cluster).await?;
        check_attachable(&world, role)?;
        let delay = world.adding_polls;
        let roles = world
            .state
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        if !roles.iter().any(|r| r.arn == role) {
            let status = if delay == 0 { ApplyStatus::InSync } else { ApplyStatus::Adding };
            roles.push(AttachedRole { arn: role.to_owned(), status });
            if delay > 0 {
                world.pending.insert((cluster.to_owned(), role.to_owned()), delay);
            }
        }
        Ok(())
    }

    async fn remove_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.aws.call_in(None, "redshift:ModifyClusterIamRoles", cluster).await?;
        let roles = world
            .state
            .clusters
            .get_mut(cluster)
            .ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))?;
        roles.retain(|r| r.arn != role);
        Ok(())
    }
}
