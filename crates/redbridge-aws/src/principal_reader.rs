//! Reads the identity policies of the principal running redbridge: a user's own and its groups',
//! a role's (or a role session's role), and the permissions boundary, so apply and
//! `doctor --operator` can judge what the operator may do before doing it.

use futures_util::future::{join_all, try_join_all};
use redbridge_core::doctor::Known;
use redbridge_core::operator::principal::{NamedPolicy, PolicySource, PrincipalKind, PrincipalPolicies};
use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;

use crate::AwsError;
use crate::ports::{AwsResult, Iam};
use crate::snapshot_reader::read_role;

/// Why something could not be read, in words (an operator often may not read its own policies).
fn reason(what: &str, error: &AwsError) -> String {
    match error {
        AwsError::AccessDenied { action: Some(action), .. } => format!("access denied for `{action}` reading {what}"),
        AwsError::AccessDenied { .. } => format!("access denied reading {what}"),
        other => format!("cannot read {what}: {other}"),
    }
}

/// Reads the identity policies and boundary of `principal_arn` (as `sts:GetCallerIdentity`
/// gives it) with `iam`, a port of the principal's own account. Root is known with no policies
/// ([`PrincipalPolicies::root`]); a federated user, a principal that does not exist, or anything
/// that cannot be read (access denied) is unknown with the reason.
pub async fn read_principal<I: Iam>(iam: &I, principal_arn: &str) -> Known<PrincipalPolicies> {
    let kind = match PrincipalKind::of(principal_arn) {
        Ok(kind) => kind,
        Err(reason) => return Known::unknown(reason),
    };
    let read = match &kind {
        PrincipalKind::Root => return Known::known(PrincipalPolicies::root(principal_arn)),
        PrincipalKind::User { name } => read_user(iam, name).await,
        PrincipalKind::Role { role } | PrincipalKind::AssumedRole { role, .. } => read_role_policies(iam, role).await,
    };
    match read {
        Ok((policies, permissions_boundary)) => Known::known(PrincipalPolicies {
            principal: principal_arn.to_owned(),
            kind,
            policies,
            permissions_boundary,
        }),
        Err(reason) => Known::unknown(reason),
    }
}

type Read = Result<(Vec<NamedPolicy>, Option<NamedPolicy>), String>;

/// A managed policy's default version, named as `source`.
async fn managed<I: Iam>(iam: &I, arn: &str, source: PolicySource) -> Result<NamedPolicy, String> {
    let what = format!("managed policy `{arn}`");
    let document = match iam.managed_policy_default_version(arn).await {
        Ok(Some(version)) => iam.managed_policy_version(arn, &version).await.map_err(|e| reason(&what, &e))?,
        Ok(None) | Err(AwsError::NotFound { .. }) => return Err(format!("{what} does not exist")),
        Err(error) => return Err(reason(&what, &error)),
    };
    Ok(NamedPolicy { name: arn.to_owned(), source, document })
}

/// Inline policies read one by one; one deleted since the listing no longer applies.
async fn inline<F, Fut>(names: &[String], what: &str, source: &PolicySource, get: F) -> Result<Vec<NamedPolicy>, String>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = AwsResult<Option<PolicyDocument>>>,
{
    let documents = join_all(names.iter().map(|name| get(name.clone()))).await;
    let mut policies = Vec::new();
    for (name, document) in names.iter().zip(documents) {
        match document {
            Ok(Some(document)) => policies.push(NamedPolicy { name: name.clone(), source: source.clone(), document }),
            Ok(None) | Err(AwsError::NotFound { .. }) => {}
            Err(error) => return Err(reason(&format!("inline policy `{name}` of {what}"), &error)),
        }
    }
    Ok(policies)
}

async fn read_user<I: Iam>(iam: &I, name: &str) -> Read {
    let what = format!("user `{name}`");
    let (info, inline_names, attached, groups) = tokio::join!(
        iam.get_user(name),
        iam.list_user_policies(name),
        iam.list_attached_user_policies(name),
        iam.list_groups_for_user(name)
    );
    let info = match info {
        Ok(Some(info)) => info,
        Ok(None) | Err(AwsError::NotFound { .. }) => return Err(format!("{what} does not exist")),
        Err(error) => return Err(reason(&what, &error)),
    };
    let inline_names = inline_names.map_err(|e| reason(&format!("the inline policies of {what}"), &e))?;
    let attached = attached.map_err(|e| reason(&format!("the managed policies of {what}"), &e))?;
    let groups = groups.map_err(|e| reason(&format!("the groups of {what}"), &e))?;
    let (own_inline, own_managed, group_policies, boundary) = tokio::join!(
        inline(&inline_names, &what, &PolicySource::Inline, |p| async move { iam.get_user_policy(name, &p).await }),
        try_join_all(attached.iter().map(|arn| managed(iam, arn, PolicySource::Managed))),
        try_join_all(groups.iter().map(|group| read_group(iam, group))),
        async {
            match &info.permissions_boundary {
                Some(arn) => managed(iam, arn, PolicySource::Managed).await.map(Some),
                None => Ok(None),
            }
        }
    );
    let mut policies = own_inline?;
    policies.extend(own_managed?);
    policies.extend(group_policies?.into_iter().flatten());
    Ok((policies, boundary?))
}

async fn read_group<I: Iam>(iam: &I, group: &str) -> Result<Vec<NamedPolicy>, String> {
    let what = format!("group `{group}`");
    let (inline_names, attached) =
        tokio::join!(iam.list_group_policies(group), iam.list_attached_group_policies(group));
    let inline_names = inline_names.map_err(|e| reason(&format!("the inline policies of {what}"), &e))?;
    let attached = attached.map_err(|e| reason(&format!("the managed policies of {what}"), &e))?;
    let source = PolicySource::GroupManaged { group: group.to_owned() };
    let inline_source = PolicySource::GroupInline { group: group.to_owned() };
    let (policies, managed_policies) = tokio::join!(
        inline(&inline_names, &what, &inline_source, |p| async move { iam.get_group_policy(group, &p).await }),
        try_join_all(attached.iter().map(|arn| managed(iam, arn, source.clone())))
    );
    let mut policies = policies?;
    policies.extend(managed_policies?);
    Ok(policies)
}

/// A role's policies through doctor's reader; `GetRole` once more for its boundary's ARN.
async fn read_role_policies<I: Iam>(iam: &I, role: &RoleArn) -> Read {
    let what = format!("role `{role}`");
    let ((state, _), info) = tokio::join!(read_role(iam, role), iam.get_role(role.name()));
    let state = match state {
        Known::Known { value } => value,
        Known::Absent => return Err(format!("{what} does not exist")),
        Known::Unknown { reason } => return Err(reason),
    };
    let boundary_arn = match info {
        Ok(info) => info.and_then(|i| i.permissions_boundary),
        Err(error) => return Err(reason(&what, &error)),
    };
    let mut policies: Vec<NamedPolicy> = state
        .inline_policies
        .into_iter()
        .map(|(name, document)| NamedPolicy { name, source: PolicySource::Inline, document })
        .collect();
    policies.extend(state.managed_policies.into_iter().map(|(name, document)| NamedPolicy {
        name,
        source: PolicySource::Managed,
        document,
    }));
    let boundary = state.permissions_boundary.map(|document| NamedPolicy {
        name: boundary_arn.unwrap_or_else(|| format!("the permissions boundary of {what}")),
        source: PolicySource::Managed,
        document,
    });
    Ok((policies, boundary))
}
