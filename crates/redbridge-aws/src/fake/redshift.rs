//! The fake provisioned Redshift: clusters whose new attachments go through `adding`, each seen
//! by its owner's ports.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::{FakeRedshift, FakeState, check_attachable};
use crate::AwsError;
use crate::ports::{AwsResult, ClusterInfo, ClusterSummary, Redshift};

impl FakeRedshift {
    /// The cluster's roles, when these ports see it; Redshift's not found otherwise.
    fn cluster<'s>(&self, state: &'s mut FakeState, cluster: &str) -> AwsResult<&'s mut Vec<AttachedRole>> {
        if !self.sees(state, |s| &s.cluster_owners, cluster) {
            return Err(AwsError::not_found(format!("Cluster {cluster} not found.")));
        }
        state.clusters.get_mut(cluster).ok_or_else(|| AwsError::not_found(format!("Cluster {cluster} not found.")))
    }
}

impl Redshift for FakeRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.call("redshift:DescribeClusters", cluster).await?;
        let roles = self.cluster(&mut world.state, cluster)?.clone();
        world.settle(cluster, |s| &mut s.clusters);
        Ok(roles)
    }

    async fn describe_cluster(&self, cluster: &str) -> AwsResult<ClusterInfo> {
        let mut world = self.call("redshift:DescribeClusters", cluster).await?;
        let roles = self.cluster(&mut world.state, cluster)?.clone();
        world.settle(cluster, |s| &mut s.clusters);
        Ok(ClusterInfo { roles, enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(cluster) })
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        let mut world = self.call("redshift:ModifyClusterIamRoles", cluster).await?;
        check_attachable(&world, role)?;
        let delay = world.adding_polls;
        let roles = self.cluster(&mut world.state, cluster)?;
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
        let mut world = self.call("redshift:ModifyClusterIamRoles", cluster).await?;
        let roles = self.cluster(&mut world.state, cluster)?;
        roles.retain(|r| r.arn != role);
        Ok(())
    }

    async fn list_clusters(&self) -> AwsResult<Vec<ClusterSummary>> {
        let mut world = self.call("redshift:DescribeClusters", "*").await?;
        let names: Vec<String> = world
            .state
            .clusters
            .keys()
            .filter(|name| self.sees(&world.state, |s| &s.cluster_owners, name))
            .cloned()
            .collect();
        let mut listed = Vec::new();
        for name in names {
            let roles = world.state.clusters[&name].clone();
            world.settle(&name, |s| &mut s.clusters);
            listed.push(ClusterSummary {
                default_iam_role: world.state.cluster_default_roles.get(&name).cloned(),
                enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(&name),
                identifier: name,
                roles,
            });
        }
        Ok(listed)
    }
}
