//! The fake Redshift Serverless: namespaces whose new attachments go through `adding`, and
//! workgroups.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::{FakeRedshift, check_attachable};
use crate::AwsError;
use crate::ports::{AwsResult, RedshiftServerless, WorkgroupInfo};

impl RedshiftServerless for FakeRedshift {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.aws.call_in(None, "redshift-serverless:GetNamespace", namespace).await?;
        let roles = world
            .state
            .namespaces
            .get(namespace)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("namespace {namespace} not found")))?;
        world.settle(namespace, |s| &mut s.namespaces);
        Ok(roles)
    }

    async fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> AwsResult<()> {
        let mut world = self.aws.call_in(None, "redshift-serverless:UpdateNamespace", namespace).await?;
        let current = world
            .state
            .namespaces
            .get(namespace)
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("namespace {namespace} not found")))?;
        for role in roles.iter().filter(|r| !current.iter().any(|c| &c.arn == *r)) {
            check_attachable(&world, role)?;
        }
        let delay = world.adding_polls;
        let mut next = Vec::new();
        for role in roles {
            match current.iter().find(|c| &c.arn == role) {
                Some(existing) => next.push(existing.clone()),
                None => {
                    let status = if delay == 0 { ApplyStatus::InSync } else { ApplyStatus::Adding };
                    next.push(AttachedRole { arn: role.clone(), status });
                    if delay > 0 {
                        world.pending.insert((namespace.to_owned(), role.clone()), delay);
                    }
                }
            }
        }
        world.state.namespaces.insert(namespace.to_owned(), next);
        Ok(())
    }

    async fn workgroup(&self, workgroup: &str) -> AwsResult<WorkgroupInfo> {
        let world = self.aws.call_in(None, "redshift-serverless:GetWorkgroup", workgroup).await?;
        let found = world
            .state
            .workgroups
            .get(workgroup)
            .ok_or_else(|| AwsError::not_found(format!("Workgroup {workgroup} not found.")))?;
        Ok(WorkgroupInfo {
            workgroup_id: Some(found.id.clone()),
            namespace: Some(found.namespace.clone()),
            enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(workgroup),
        })
    }
}
