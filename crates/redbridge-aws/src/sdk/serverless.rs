//! Redshift Serverless through `aws-sdk-redshiftserverless`: a namespace's attached roles and a
//! workgroup's namespace and routing; every namespace and workgroup of an account and region.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, NamespaceSummary, RedshiftServerless, WorkgroupInfo, WorkgroupSummary};

adapter! {
    /// Redshift Serverless through `aws-sdk-redshiftserverless`.
    SdkRedshiftServerless(aws_sdk_redshiftserverless::Client), from_conf
}

/// Parses one entry of a namespace's `iamRoles`: either a plain ARN (then `in-sync`) or
/// `IamRole(applyStatus=in-sync, iamRoleArn=arn:…)`. Returns `None` for an entry with no ARN.
pub fn parse_namespace_role(entry: &str) -> Option<AttachedRole> {
    let entry = entry.trim();
    if let Some(inner) = entry.strip_prefix("IamRole(").and_then(|rest| rest.strip_suffix(')')) {
        let mut arn = None;
        let mut status = None;
        for field in inner.split(',') {
            match field.trim().split_once('=') {
                Some(("iamRoleArn", value)) => arn = Some(value.trim().to_owned()),
                Some(("applyStatus", value)) => status = Some(ApplyStatus::parse(value)),
                _ => {}
            }
        }
        let arn = arn.filter(|a| !a.is_empty())?;
        Some(AttachedRole { arn, status: status.unwrap_or(ApplyStatus::InSync) })
    } else if entry.starts_with("arn:") {
        Some(AttachedRole { arn: entry.to_owned(), status: ApplyStatus::InSync })
    } else {
        None
    }
}

impl RedshiftServerless for SdkRedshiftServerless {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let output = self
            .client
            .get_namespace()
            .namespace_name(namespace)
            .send()
            .await
            .or_aws("redshift-serverless:GetNamespace")?;
        let found = output.namespace().ok_or_else(|| AwsError::not_found(format!("namespace `{namespace}`")))?;
        Ok(found.iam_roles().iter().filter_map(|entry| parse_namespace_role(entry)).collect())
    }

    async fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> AwsResult<()> {
        self.client
            .update_namespace()
            .namespace_name(namespace)
            .set_iam_roles(Some(roles.to_vec()))
            .send()
            .await
            .or_aws("redshift-serverless:UpdateNamespace")?;
        Ok(())
    }

    async fn workgroup(&self, workgroup: &str) -> AwsResult<WorkgroupInfo> {
        let output = self
            .client
            .get_workgroup()
            .workgroup_name(workgroup)
            .send()
            .await
            .or_aws("redshift-serverless:GetWorkgroup")?;
        let found = output.workgroup().ok_or_else(|| AwsError::not_found(format!("workgroup `{workgroup}`")))?;
        Ok(WorkgroupInfo {
            workgroup_id: found.workgroup_id().map(str::to_owned),
            namespace: found.namespace_name().map(str::to_owned),
            enhanced_vpc_routing: found.enhanced_vpc_routing().unwrap_or(false),
        })
    }

    async fn list_namespaces(&self) -> AwsResult<Vec<NamespaceSummary>> {
        let pages: Vec<_> = self
            .client
            .list_namespaces()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws("redshift-serverless:ListNamespaces")?;
        Ok(pages
            .iter()
            .flat_map(|page| page.namespaces())
            .map(|n| NamespaceSummary {
                name: n.namespace_name().unwrap_or_default().to_owned(),
                roles: n.iam_roles().iter().filter_map(|entry| parse_namespace_role(entry)).collect(),
                default_iam_role: n.default_iam_role_arn().filter(|a| !a.is_empty()).map(str::to_owned),
            })
            .collect())
    }

    async fn list_workgroups(&self) -> AwsResult<Vec<WorkgroupSummary>> {
        let pages: Vec<_> = self
            .client
            .list_workgroups()
            .into_paginator()
            .send()
            .try_collect()
            .await
            .or_aws("redshift-serverless:ListWorkgroups")?;
        Ok(pages
            .iter()
            .flat_map(|page| page.workgroups())
            .map(|w| WorkgroupSummary {
                name: w.workgroup_name().unwrap_or_default().to_owned(),
                namespace: w.namespace_name().unwrap_or_default().to_owned(),
                workgroup_id: w.workgroup_id().map(str::to_owned),
                enhanced_vpc_routing: w.enhanced_vpc_routing().unwrap_or(false),
            })
            .collect())
    }
}
