//! The fake Redshift Serverless: namespaces whose new attachments go through `adding`, and
//! workgroups, each seen by its owner's ports.

use redbridge_core::converge::{ApplyStatus, AttachedRole};

use super::{FakeRedshift, World, check_attachable};
use crate::AwsError;
use crate::ports::{AwsResult, NamespaceSummary, RedshiftServerless, WorkgroupInfo, WorkgroupSummary};

impl FakeRedshift {
    /// The namespace's roles, when these ports see it; not found otherwise.
    fn namespace(&self, world: &World, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        world
            .state
            .namespaces
            .get(namespace)
            .filter(|_| self.sees(&world.state, |s| &s.namespace_owners, namespace))
            .cloned()
            .ok_or_else(|| AwsError::not_found(format!("namespace {namespace} not found")))
    }
}

impl RedshiftServerless for FakeRedshift {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let mut world = self.call("redshift-serverless:GetNamespace", namespace).await?;
        let roles = self.namespace(&world, namespace)?;
        world.settle(namespace, |s| &mut s.namespaces);
        Ok(roles)
    }

    async fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> AwsResult<()> {
        let mut world = self.call("redshift-serverless:UpdateNamespace", namespace).await?;
        let current = self.namespace(&world, namespace)?;
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
        let world = self.call("redshift-serverless:GetWorkgroup", workgroup).await?;
        let found = world
            .state
            .workgroups
            .get(workgroup)
            .filter(|_| self.sees(&world.state, |s| &s.workgroup_owners, workgroup))
            .ok_or_else(|| AwsError::not_found(format!("Workgroup {workgroup} not found.")))?;
        Ok(WorkgroupInfo {
            workgroup_id: Some(found.id.clone()),
            namespace: Some(found.namespace.clone()),
            enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(workgroup),
        })
    }

    async fn list_namespaces(&self) -> AwsResult<Vec<NamespaceSummary>> {
        let mut world = self.call("redshift-serverless:ListNamespaces", "*").await?;
        let names: Vec<String> = world
            .state
            .namespaces
            .keys()
            .filter(|name| self.sees(&world.state, |s| &s.namespace_owners, name))
            .cloned()
            .collect();
        let mut listed = Vec::new();
        for name in names {
            let roles = world.state.namespaces[&name].clone();
            world.settle(&name, |s| &mut s.namespaces);
            listed.push(NamespaceSummary {
                default_iam_role: world.state.namespace_default_roles.get(&name).cloned(),
                name,
                roles,
            });
        }
        Ok(listed)
    }

    async fn list_workgroups(&self) -> AwsResult<Vec<WorkgroupSummary>> {
        let world = self.call("redshift-serverless:ListWorkgroups", "*").await?;
        Ok(world
            .state
            .workgroups
            .iter()
            .filter(|(name, _)| self.sees(&world.state, |s| &s.workgroup_owners, name))
            .map(|(name, w)| WorkgroupSummary {
                name: name.clone(),
                namespace: w.namespace.clone(),
                workgroup_id: Some(w.id.clone()),
                enhanced_vpc_routing: world.state.enhanced_vpc_routing.contains(name),
            })
            .collect())
    }
}
