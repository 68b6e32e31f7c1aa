//! Judges every control-plane and Data API call with the redbridge evaluator against the caller's
//! identity policies, permissions boundary and its account's SCPs, and words a denial as AWS does.
//!
//! The texts follow the IAM User Guide's "Access denied error messages"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>):
//! `User: ARN is not authorized to perform: ACTION on resource: ARN because no identity-based
//! policy allows the ACTION action`, `… because no permissions boundary allows …`, `… because no
//! service control policy allows …`, and `… with an explicit deny in an identity-based policy`
//! (`… in a permissions boundary`, `… in a service control policy`); with a resource of `*` the
//! `on resource:` part is left out, as in that page's examples. Observed in the field:
//! `User: arn:aws:sts::…:assumed-role/terraform-cloud/… is not authorized to perform: iam:PassRole
//! on resource: arn:aws:iam::…:role/… because no identity-based policy allows the iam:PassRole
//! action` (alphagov/govuk-infrastructure#2439) and `… is not authorized to perform:
//! rds:CreateDBCluster on resource: … with an explicit deny in a service control policy`
//! (crossplane-contrib/provider-upjet-aws#1668). The query protocol answers `AccessDenied`, as
//! RDS's query API does (`An error occurred (AccessDenied) when calling the CreateDBCluster
//! operation: User: … because no identity-based policy allows the rds:CreateDBCluster action`,
//! mattclay/aws-terminator#265), with 403, S3's and IAM's status for it (no Redshift answer was
//! found to confirm the status); the JSON protocols answer `AccessDeniedException` with 400, as
//! `ecs:RunTask` (LBHackney-IT/Data-Platform#1992) and `athena:StartQueryExecution`
//! (grafana/athena-datasource#156, `status code: 400`) denials show.

use redbridge_aws::ports::Connect;
use redbridge_iam::eval::{Decision, Missing, Outcome, Policies, PolicyKind, PolicySet, Request, evaluate};

use crate::caller::{Caller, caller_policies};
use crate::error::ApiError;
use crate::state::Service;

/// Whose shape a denial takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Redshift's query protocol: `AccessDenied`, 403.
    Query,
    /// AWS JSON (Redshift Serverless, the Data API, Organizations): `AccessDeniedException`, 400.
    Json,
}

/// One authorization a call needs.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    /// `service:Action`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// Context keys the request sets (`iam:PassedToService`, …).
    pub context: Vec<(&'static str, String)>,
}

impl Check {
    /// `action` on `resource`.
    pub fn new(action: &str, resource: impl Into<String>) -> Self {
        Self { action: action.to_owned(), resource: resource.into(), context: Vec::new() }
    }

    /// With a context key.
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.context.push((key, value.into()));
        self
    }

    /// `iam:PassRole` of `role` to `service` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>).
    pub fn pass_role(role: &str, service: &str) -> Self {
        Self::new("iam:PassRole", role).with("iam:PassedToService", service)
    }
}

/// Allows the call when every check is allowed; otherwise AWS's denial for the first that is not.
pub(crate) async fn authorize<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    checks: &[Check],
    shape: Shape,
) -> Result<(), ApiError> {
    let organization = service.organization();
    let scps = organization.as_ref().map(|o| o.scp_levels(caller.account)).unwrap_or_default();
    if caller.is_root() && scps.is_empty() {
        // Identity policies do not limit the root; only SCPs do, and none applies.
        return Ok(());
    }
    let mut policies = Policies { scps, ..Policies::default() };
    if !caller.is_root() {
        match caller_policies(service, caller).await {
            Ok(found) => {
                policies.identity_policies.clone_from(&found.identity);
                policies.permissions_boundary.clone_from(&found.boundary);
            }
            Err(reason) => {
                return Err(ApiError::internal(format!("the policies of `{}` cannot be read: {reason}", caller.arn)));
            }
        }
    }
    let set = PolicySet::compile(&policies)
        .map_err(|e| ApiError::internal(format!("a policy of `{}` cannot be evaluated: {e}", caller.arn)))?;
    let org_id = organization.as_ref().filter(|o| o.contains(caller.account)).map(|o| o.id.clone());
    for check in checks {
        // Every resource judged here is the caller's own (clusters, namespaces, roles to pass), or
        // has no resource policy and is authorized in the caller's account (the organization's,
        // owned by its management account): identity policies decide, never a cross-account rule.
        let mut request = Request::from_principal(caller.principal.clone(), &check.action, &check.resource)
            .with_resource_account(caller.account);
        for (key, value) in &check.context {
            request = request.with_context(key, value.clone());
        }
        request = request.with_context("aws:userid", caller.user_id());
        if let Some(org_id) = &org_id {
            request = request.with_context("aws:PrincipalOrgID", org_id.clone());
        }
        let decision = evaluate(&request, &set)
            .map_err(|e| ApiError::internal(format!("the request cannot be evaluated: {e}")))?;
        if decision.outcome != Outcome::Allowed {
            return Err(denied(shape, &denial_text(&caller.arn, check, &decision)));
        }
    }
    Ok(())
}

fn denied(shape: Shape, message: &str) -> ApiError {
    match shape {
        Shape::Query => ApiError::client("AccessDenied", message).with_status(403),
        Shape::Json => ApiError::client("AccessDeniedException", message),
    }
}

/// AWS's words for a denied `check` by `principal`.
pub(crate) fn denial_text(principal: &str, check: &Check, decision: &Decision) -> String {
    let action = &check.action;
    let on = if check.resource == "*" { String::new() } else { format!(" on resource: {}", check.resource) };
    let why = match decision.outcome {
        Outcome::ExplicitDeny => {
            let kind = decision.deciding.first().map(|s| s.policy.kind);
            let policy = match kind {
                Some(PolicyKind::PermissionsBoundary) => "a permissions boundary",
                Some(PolicyKind::Scp) => "a service control policy",
                Some(PolicyKind::Rcp) => "a resource control policy",
                Some(PolicyKind::Session) => "a session policy",
                Some(PolicyKind::Resource) => "a resource-based policy",
                _ => "an identity-based policy",
            };
            format!("with an explicit deny in {policy}")
        }
        _ => {
            let policy = match decision.missing {
                Some(Missing::ScpLevel(_)) => "service control policy",
                Some(Missing::RcpLevel(_)) => "resource control policy",
                Some(Missing::PermissionsBoundary) => "permissions boundary",
                Some(Missing::SessionPolicy) => "session policy",
                _ => "identity-based policy",
            };
            format!("because no {policy} allows the {action} action")
        }
    };
    format!("User: {principal} is not authorized to perform: {action}{on} {why}")
}

#[cfg(test)]
mod tests {
    use redbridge_iam::policy::PolicyDocument;

    use super::*;

    fn decide(policies: Policies, check: &Check) -> Decision {
        let set = PolicySet::compile(&policies).unwrap();
        let request =
            Request::new("arn:aws:sts::111111111111:assumed-role/Op/me", &check.action, &check.resource).unwrap();
        evaluate(&request, &set).unwrap()
    }

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).unwrap()
    }

    /// A Service over the fakes with the user `arn:aws:iam::111111111111:user/ops/ana` holding
    /// `own` inline and, through the group `data`, `from_group`.
    fn service_with_user(
        own: PolicyDocument,
        from_group: PolicyDocument,
    ) -> (crate::state::Service<redbridge_aws::fake::FakeAws>, Caller) {
        use redbridge_aws::fake::{FakeAws, FakeGroup, FakeUser};
        let aws = FakeAws::new();
        aws.edit(|state| {
            let user = "arn:aws:iam::111111111111:user/ops/ana".to_owned();
            let group = "arn:aws:iam::111111111111:group/data".to_owned();
            state.users.insert(
                user.clone(),
                FakeUser {
                    arn: user,
                    inline_policies: [("own".to_owned(), own)].into(),
                    groups: vec!["data".to_owned()],
                },
            );
            state.groups.insert(
                group.clone(),
                FakeGroup { arn: group, inline_policies: [("shared".to_owned(), from_group)].into() },
            );
        });
        let config = crate::Config { caller_policy_ttl: std::time::Duration::ZERO, ..crate::Config::default() };
        let arn = "arn:aws:iam::111111111111:user/ops/ana".to_owned();
        let caller = Caller {
            account: "111111111111".parse().unwrap(),
            region: "us-east-1".to_owned(),
            principal: redbridge_iam::eval::RequestPrincipal::parse(&arn).unwrap(),
            arn,
            credentials: redbridge_aws::ports::Credentials::Account("111111111111".parse().unwrap()),
        };
        (crate::state::Service::new(config, aws), caller)
    }

    #[tokio::test]
    async fn a_user_without_execute_statement_is_refused_and_its_groups_policies_count() {
        let execute =
            Check::new("redshift-data:ExecuteStatement", "arn:aws:redshift:us-east-1:111111111111:cluster:main");
        let credentials =
            Check::new("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbuser:main/awsuser");
        let only_credentials = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift:GetClusterCredentials","Resource":"*"}]}"#,
        );
        let data_api = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift-data:*","Resource":"*"}]}"#,
        );
        let nothing =
            doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#);
        let (service, user) = service_with_user(only_credentials.clone(), nothing);
        let refused =
            authorize(&service, &user, &[execute.clone(), credentials.clone()], Shape::Json).await.unwrap_err();
        assert_eq!(refused.code, "AccessDeniedException");
        assert_eq!(
            refused.message,
            "User: arn:aws:iam::111111111111:user/ops/ana is not authorized to perform: redshift-data:ExecuteStatement on resource: arn:aws:redshift:us-east-1:111111111111:cluster:main because no identity-based policy allows the redshift-data:ExecuteStatement action"
        );
        let (service, user) = service_with_user(only_credentials, data_api);
        authorize(&service, &user, &[execute, credentials], Shape::Json).await.expect("the group grants the Data API");
    }

    #[test]
    fn denials_name_the_policy_type_that_decided() {
        let check = Check::pass_role("arn:aws:iam::111111111111:role/R", "redshift.amazonaws.com");
        let who = "arn:aws:sts::111111111111:assumed-role/Op/me";
        let text = |policies| denial_text(who, &check, &decide(policies, &check));
        assert_eq!(
            text(Policies::default()),
            "User: arn:aws:sts::111111111111:assumed-role/Op/me is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:role/R because no identity-based policy allows the iam:PassRole action"
        );
        let allow = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#);
        let deny = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#);
        let other = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#);
        let boundary = Policies {
            identity_policies: vec![allow.clone()],
            permissions_boundary: Some(other.clone()),
            ..Policies::default()
        };
        assert!(text(boundary).ends_with("because no permissions boundary allows the iam:PassRole action"));
        let scp = Policies { identity_policies: vec![allow.clone()], scps: vec![vec![other]], ..Policies::default() };
        assert!(text(scp).ends_with("because no service control policy allows the iam:PassRole action"));
        let scp_deny = Policies {
            identity_policies: vec![allow.clone()],
            scps: vec![vec![allow.clone(), deny.clone()]],
            ..Policies::default()
        };
        assert!(text(scp_deny).ends_with(" with an explicit deny in a service control policy"));
        let own_deny = Policies { identity_policies: vec![allow, deny], ..Policies::default() };
        assert!(text(own_deny).ends_with(" with an explicit deny in an identity-based policy"));
        let star = Check::new("redshift:DescribeClusters", "*");
        assert_eq!(
            denial_text(who, &star, &decide(Policies::default(), &star)),
            "User: arn:aws:sts::111111111111:assumed-role/Op/me is not authorized to perform: redshift:DescribeClusters because no identity-based policy allows the redshift:DescribeClusters action"
        );
    }
}
