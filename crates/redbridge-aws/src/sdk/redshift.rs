//! Provisioned Redshift through `aws-sdk-redshift`: a cluster's attached roles and routing, and
//! every cluster of an account and region.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, ClusterInfo, ClusterSummary, Redshift};

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
        Ok(ClusterInfo {
            roles: attached_roles(found),
            enhanced_vpc_routing: found.enhanced_vpc_routing().unwrap_or(false),
        })
    }

    async fn list_clusters(&self) -> AwsResult<Vec<ClusterSummary>> {
        let pages: Vec<_> = self
            .client
            .describe_clusters()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws("redshift:DescribeClusters")?;
        Ok(pages
            .iter()
            .flat_map(|page| page.clusters())
            .map(|c| ClusterSummary {
                identifier: c.cluster_identifier().unwrap_or_default().to_owned(),
                roles: attached_roles(c),
                default_iam_role: c.default_iam_role_arn().filter(|a| !a.is_empty()).map(str::to_owned),
                enhanced_vpc_routing: c.enhanced_vpc_routing().unwrap_or(false),
            })
            .collect())
    }
}

/// A cluster's attached roles with their apply status.
fn attached_roles(cluster: &aws_sdk_redshift::types::Cluster) -> Vec<AttachedRole> {
    cluster
        .iam_roles()
        .iter()
        .filter_map(|r| {
            Some(AttachedRole {
                arn: r.iam_role_arn()?.to_owned(),
                status: ApplyStatus::parse(r.apply_status().unwrap_or("in-sync")),
            })
        })
        .collect()
}
