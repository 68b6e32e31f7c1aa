//! The hops where a role is assumed: the first role's attachment to the cluster or namespace,
//! Redshift's service principal assuming it, and each role's session assuming the next.

use redbridge_iam::eval::Outcome;
use redbridge_iam::eval::redshift::{role_assume_request, service_assume_request};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, DbUserArn, RoleArn};

use super::FindingCode;
use super::analysis::{CallerPolicies, Doctor, Judged};
use super::findings::{Check, Fix, FixPolicy, Hop, HopReport, HopStatus, Severity};
use super::org_checks::OrgCaller;
use super::snapshot::{ApplyStatus, Known};
use crate::plan::{self, REDSHIFT_SERVERLESS_SERVICE, REDSHIFT_SERVICE};
use crate::spec::Target;

impl Doctor<'_> {
    /// The first role must be attached and in sync.
    pub(super) fn attachment(&mut self, first: &RoleArn) -> bool {
        let hop = Hop::Attachment;
        let target = match &self.spec.target {
            Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
            Target::Serverless { namespace, .. } => format!("namespace `{namespace}`"),
        };
        let redshift = match &self.snapshot.redshift {
            Known::Known { value } => value,
            Known::Absent => {
                self.finding(
                    FindingCode::StateUnreadable,
                    Severity::Unknown,
                    hop.clone(),
                    format!(
                        "{target} was not found in account `{}` ({})",
                        self.spec.redshift_account, self.spec.region
                    ),
                    Vec::new(),
                    "check the name, the region and the profile".to_owned(),
                );
                self.hops.push(HopReport { hop, status: HopStatus::Unknown, checks: Vec::new() });
                return true;
            }
            Known::Unknown { reason } => {
                let reason = reason.clone();
                self.unknown(hop.clone(), &target, &reason);
                self.hops.push(HopReport { hop, status: HopStatus::Unknown, checks: Vec::new() });
                return true;
            }
        };
        let wanted = first.to_string();
        let attached = redshift.attached_roles.iter().find(|r| r.arn == wanted);
        let what = format!("`{}` attached to {target}", first.name());
        let attached_list: Vec<String> = redshift.attached_roles.iter().map(|r| r.arn.clone()).collect();
        let (ok, status) = match attached {
            None => {
                let by_name = redshift.attached_roles.iter().find(|r| r.arn.ends_with(&format!("/{}", first.name())));
                let mut message = format!("`{wanted}` is not attached to {target}");
                if let Some(similar) = by_name {
                    message.push_str(&format!("; `{}` is, which is another role of the same name", similar.arn));
                }
                let account = self.spec.redshift_account;
                let fix = match &self.spec.target {
                    Target::Provisioned { cluster } => Fix::change(
                        format!(
                            "run `redbridge apply`, or `aws redshift modify-cluster-iam-roles --cluster-identifier {cluster} --add-iam-roles {wanted}`"
                        ),
                        account,
                        format!(
                            "arn:{}:redshift:{}:{account}:cluster:{cluster}",
                            self.spec.region.partition(),
                            self.spec.region
                        ),
                        FixPolicy::Attachment,
                    ),
                    // A namespace's ARN holds its id, which the snapshot does not have.
                    Target::Serverless { namespace, .. } => Fix {
                        account: Some(account),
                        policy: Some(FixPolicy::Attachment),
                        ..Fix::text(format!(
                            "run `redbridge apply`, or `aws redshift-serverless update-namespace --namespace-name {namespace} --iam-roles` with the current roles plus `{wanted}` (the call replaces the whole list)"
                        ))
                    },
                };
                self.finding(
                    FindingCode::FirstRoleNotAttached,
                    Severity::Error,
                    hop.clone(),
                    message,
                    vec![format!(
                        "attached: {}",
                        if attached_list.is_empty() { "none".to_owned() } else { attached_list.join(", ") }
                    )],
                    fix,
                );
                (false, HopStatus::Broken)
            }
            Some(role) => match &role.status {
                ApplyStatus::InSync => (true, HopStatus::Ok),
                status => {
                    self.finding(
                        FindingCode::FirstRoleNotInSync,
                        Severity::Error,
                        hop.clone(),
                        format!("`{wanted}` is attached but its state is `{status}`, not `in-sync`; Redshift refuses it until then"),
                        vec![format!("ApplyStatus = {status}")],
                        "wait until the state is `in-sync` (usually a few minutes); `redbridge apply` waits for it".to_owned(),
                    );
                    (false, HopStatus::Broken)
                }
            },
        };
        self.hops.push(HopReport { hop, status, checks: vec![Check { what, ok: Some(ok), detail: Vec::new() }] });
        ok
    }

    /// Redshift's service principals assume the first role.
    pub(super) fn service_hop(&mut self, first: &RoleArn) -> bool {
        let hop = Hop::Service { role: first.to_string() };
        let Some(state) = self.role_state(first, &hop) else {
            let status = if self.findings.last().is_some_and(|f| f.severity == Severity::Error) {
                HopStatus::Broken
            } else {
                HopStatus::Unknown
            };
            self.hops.push(HopReport { hop, status, checks: Vec::new() });
            return status != HopStatus::Broken;
        };
        let mut services = vec![REDSHIFT_SERVICE];
        if self.spec.target.is_serverless() {
            services.push(REDSHIFT_SERVERLESS_SERVICE);
        }
        let organization = self.org_context(
            OrgCaller::Service { source_account: self.spec.redshift_account },
            "sts:AssumeRole",
            first.account(),
            true,
        );
        let caller = CallerPolicies::service(state.trust_policy.clone(), format!("trust policy of `{}`", first.name()))
            .governed(organization);
        let mut checks = Vec::new();
        let mut ok = true;
        let external_ids = self.external_ids();
        for service in services {
            let mut service_ok = false;
            let mut last: Option<Judged> = None;
            for external_id in &external_ids {
                let request =
                    service_assume_request(service, first, self.spec.redshift_account, external_id.as_deref());
                let judged = self.judge(&request, &caller);
                // Redshift in the cluster's region also answers to `redshift.<region>.amazonaws.com`,
                // the documented way to restrict a role to regions
                // (<https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>):
                // one of the names allowed and neither denied is enough.
                let regional = (service == REDSHIFT_SERVICE).then(|| {
                    let name = format!("redshift.{}.amazonaws.com", self.spec.region);
                    let request =
                        service_assume_request(&name, first, self.spec.redshift_account, external_id.as_deref());
                    self.judge(&request, &caller).decision.outcome
                });
                let outcomes = [Some(judged.decision.outcome), regional];
                let allowed =
                    outcomes.contains(&Some(Outcome::Allowed)) && !outcomes.contains(&Some(Outcome::ExplicitDeny));
                checks.push(Check {
                    what: format!(
                        "{service} sts:AssumeRole on `{}`{}",
                        first.name(),
                        external_id.as_deref().map(|e| format!(" with sts:ExternalId `{e}`")).unwrap_or_default()
                    ),
                    ok: Some(allowed),
                    detail: judged.decision.explain(),
                });
                service_ok |= allowed;
                last = Some(judged);
            }
            if !service_ok {
                ok = false;
                let judged = last.expect("at least one external id variant is tried");
                let what = format!("`{service}` assuming `{}`", first.name());
                if self.org_denial(&hop, &judged, &caller, &what).is_none() {
                    self.trust_finding(first, service, &state.trust_policy, judged);
                }
            }
        }
        self.hops.push(HopReport { hop, status: if ok { HopStatus::Ok } else { HopStatus::Broken }, checks });
        ok
    }

    /// The `sts:ExternalId` values Redshift may send: each database user's ARN (any one form
    /// passing is enough, since which serverless form applies is unconfirmed), or none.
    fn external_ids(&self) -> Vec<Option<String>> {
        if self.spec.db_users.is_empty() {
            return vec![None];
        }
        match &self.spec.target {
            Target::Provisioned { .. } => {
                self.spec.db_users.iter().map(|u| Some(plan::db_user_arn(self.spec, u).to_string())).collect()
            }
            Target::Serverless { .. } => {
                // Both documented forms; the id form only when the snapshot knows the workgroup id.
                let workgroup_id = self.snapshot.redshift.value().and_then(|r| r.workgroup_id.clone());
                self.spec
                    .db_users
                    .iter()
                    .flat_map(|u| {
                        let id_form = workgroup_id.as_deref().and_then(|id| {
                            DbUserArn::serverless(&self.spec.region, self.spec.redshift_account, id, u).ok()
                        });
                        [Some(plan::db_user_arn(self.spec, u)), id_form]
                    })
                    .flatten()
                    .map(|arn| Some(arn.to_string()))
                    .collect()
            }
        }
    }

    /// Says why the service may not assume the first role, as precisely as the trust allows.
    fn trust_finding(&mut self, role: &RoleArn, service: &str, trust: &PolicyDocument, judged: Judged) {
        let hop = Hop::Service { role: role.to_string() };
        let desired = self.desired_trust(role);
        let fix_statement = match &desired {
            Some(d) => Fix::change(
                format!("put this statement in the trust policy of `{}`:", role.name()),
                role.account(),
                role.to_string(),
                FixPolicy::TrustPolicy,
            )
            .adding(d.statements.first().cloned()),
            None => Fix::text(String::new()),
        };
        if judged.decision.outcome == Outcome::ExplicitDeny {
            let denying = judged
                .decision
                .deciding
                .iter()
                .filter(|s| s.effect == redbridge_iam::policy::Effect::Deny)
                .filter_map(|s| trust.statements.get(s.statement).cloned());
            let fix = fix_statement.removing(denying);
            self.finding(
                FindingCode::ServiceNotTrusted,
                Severity::Error,
                hop,
                format!("the trust policy of `{}` denies `{service}`", role.name()),
                judged.evidence,
                fix,
            );
            return;
        }
        // Does any Allow statement name this service at all?
        let naming: Vec<(usize, &redbridge_iam::policy::Statement)> = trust
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.effect == redbridge_iam::policy::Effect::Allow
                    && matches!(&s.principal, Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) if p.any || p.service.iter().any(|x| x == service))
            })
            .collect();
        if naming.is_empty() {
            let (code, message) = if service == REDSHIFT_SERVERLESS_SERVICE {
                (
                    FindingCode::ServerlessServiceNotTrusted,
                    format!(
                        "the trust policy of `{}` does not name `{service}`; Redshift Serverless needs it beside `{REDSHIFT_SERVICE}`",
                        role.name()
                    ),
                )
            } else {
                (
                    FindingCode::ServiceNotTrusted,
                    format!("the trust policy of `{}` does not allow `{service}` to assume it", role.name()),
                )
            };
            let principals: Vec<String> = trust
                .statements
                .iter()
                .filter_map(|s| match &s.principal {
                    Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) => {
                        Some(format!("{:?}", [p.aws.clone(), p.service.clone()].concat()))
                    }
                    _ => None,
                })
                .collect();
            self.finding(
                code,
                Severity::Error,
                hop,
                message,
                vec![format!("the trust names: {}", principals.join(", "))],
                fix_statement,
            );
            return;
        }
        // Named, so a condition fails: say which.
        let mut reasons = Vec::new();
        for (index, statement) in &naming {
            for (operator, keys) in &statement.condition {
                for (key, values) in keys {
                    let values: Vec<String> = values.iter().map(|v| v.as_string().into_owned()).collect();
                    let lower = key.to_ascii_lowercase();
                    let reason = if lower.starts_with("aws:multifactorauth") {
                        format!(
                            "statement {index} requires `{key}` ({operator}); Redshift assumes roles without MFA, so this can never hold (a common Terraform module default)"
                        )
                    } else if lower == "aws:sourcearn" {
                        format!(
                            "statement {index} requires `aws:SourceArn` {operator} {values:?}; with serverless workgroups this has been reported to break COPY (unconfirmed) — use `aws:SourceAccount`"
                        )
                    } else if lower == "aws:sourceaccount"
                        && !values.iter().any(|v| v == self.spec.redshift_account.as_str())
                    {
                        format!(
                            "statement {index} requires `aws:SourceAccount` {values:?} but the cluster is in `{}`",
                            self.spec.redshift_account
                        )
                    } else if lower == "sts:externalid" {
                        if self.spec.db_users.is_empty() {
                            format!(
                                "statement {index} requires `sts:ExternalId` {values:?}: Redshift sends the database user's ARN; give the users with `--db-user` so doctor can check them"
                            )
                        } else {
                            format!(
                                "statement {index} requires `sts:ExternalId` {values:?}, which none of the database users' ARNs match"
                            )
                        }
                    } else {
                        continue;
                    };
                    reasons.push(reason);
                }
            }
        }
        if reasons.is_empty() {
            reasons.push(
                "a condition of the statements that name the service does not hold for Redshift's request".to_owned(),
            );
        }
        let severity = if self.spec.db_users.is_empty() && reasons.iter().all(|r| r.contains("sts:ExternalId")) {
            Severity::Unknown
        } else {
            Severity::Error
        };
        let mut evidence = judged.evidence;
        evidence.extend(reasons.iter().cloned());
        self.finding(
            FindingCode::TrustConditionUnsatisfiable,
            severity,
            hop,
            format!(
                "the trust policy of `{}` names `{service}` but its conditions refuse Redshift: {}",
                role.name(),
                reasons.join("; ")
            ),
            evidence,
            fix_statement,
        );
    }

    /// One role's session assumes the next role.
    pub(super) fn role_hop(&mut self, from: &RoleArn, to: &RoleArn) -> bool {
        let hop = Hop::Role { from: from.to_string(), to: to.to_string() };
        let from_state = self.role_state(from, &hop);
        let to_state = self.role_state(to, &hop);
        let (Some(from_state), Some(to_state)) = (from_state, to_state) else {
            let broken = self.findings.iter().any(|f| f.hop == hop && f.severity == Severity::Error);
            self.hops.push(HopReport {
                hop,
                status: if broken { HopStatus::Broken } else { HopStatus::Unknown },
                checks: Vec::new(),
            });
            return !broken;
        };
        let caller = CallerPolicies::new(
            from,
            &from_state,
            Some(to_state.trust_policy.clone()),
            format!("trust policy of `{}`", to.name()),
        )
        .at(to.account(), to.to_string(), FixPolicy::TrustPolicy)
        .governed(self.org_context(OrgCaller::Role(from), "sts:AssumeRole", to.account(), true));
        let mut checks = Vec::new();
        let mut allowed_any = false;
        let mut last = None;
        for external_id in self.external_ids() {
            let request = role_assume_request(from, to, external_id.as_deref());
            let judged = self.judge(&request, &caller);
            let allowed = judged.decision.outcome == Outcome::Allowed;
            checks.push(Check {
                what: format!("`{}` sts:AssumeRole on `{}`", from.name(), to.name()),
                ok: Some(allowed),
                detail: judged.decision.explain(),
            });
            allowed_any |= allowed;
            last = Some(judged);
        }
        if allowed_any {
            if trust_names_root(&to_state.trust_policy, from.account()) {
                self.finding(
                    FindingCode::TrustsWholeAccount,
                    Severity::Warning,
                    hop.clone(),
                    format!(
                        "the trust policy of `{}` allows the whole account `{}`, not just `{}`",
                        to.name(),
                        from.account(),
                        from.name()
                    ),
                    Vec::new(),
                    self.exact_role_fix(from, to, &to_state.trust_policy),
                );
            }
            self.hops.push(HopReport { hop, status: HopStatus::Ok, checks });
            return true;
        }
        let judged = last.expect("at least one request is evaluated");
        let what = format!("`{}` assuming `{}`", from.name(), to.name());
        if let Some(severity) = self.org_denial(&hop, &judged, &caller, &what) {
            let status = if severity == Severity::Error { HopStatus::Broken } else { HopStatus::Unknown };
            self.hops.push(HopReport { hop, status, checks });
            return status != HopStatus::Broken;
        }
        use redbridge_iam::eval::Missing;
        let (code, message, fix) = match (judged.decision.outcome, judged.decision.missing) {
            (Outcome::ExplicitDeny, _) => (
                FindingCode::AssumeRoleNotAllowed,
                format!("an explicit deny stops `{}` from assuming `{}`", from.name(), to.name()),
                caller.deny_fix(&judged.decision, "remove or narrow the denying statement named in the evidence"),
            ),
            (_, Some(Missing::IdentityPolicy | Missing::IdentityOrResourcePolicy)) => (
                FindingCode::AssumeRoleNotAllowed,
                format!("no policy of `{}` allows `sts:AssumeRole` on `{to}`", from.name()),
                self.inline_fix(
                    from,
                    &format!("{}AssumeNextRole", plan::SID_PREFIX),
                    format!("add to `{}`:", from.name()),
                    format!("allow `sts:AssumeRole` on `{to}` in a policy of `{}`", from.name()),
                ),
            ),
            (_, Some(Missing::PermissionsBoundary)) => (
                FindingCode::PermissionsBoundaryDenies,
                format!("the permissions boundary of `{}` does not allow `sts:AssumeRole` on `{to}`", from.name()),
                Fix::text(format!(
                    "allow `sts:AssumeRole` on `{to}` in the permissions boundary of `{}` (redbridge does not change boundaries)",
                    from.name()
                )),
            ),
            _ => (
                FindingCode::PreviousRoleNotTrusted,
                format!("the trust policy of `{}` does not allow `{from}`", to.name()),
                Fix::change(
                    format!("put this statement in the trust policy of `{}`:", to.name()),
                    to.account(),
                    to.to_string(),
                    FixPolicy::TrustPolicy,
                )
                .adding(self.desired_trust(to).and_then(|d| d.statements.first().cloned())),
            ),
        };
        let mut evidence = judged.evidence;
        let principals: Vec<String> = to_state
            .trust_policy
            .statements
            .iter()
            .filter_map(|s| match &s.principal {
                Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) => {
                    Some([p.aws.clone(), p.service.clone()].concat().join(", "))
                }
                _ => None,
            })
            .collect();
        if code == FindingCode::PreviousRoleNotTrusted {
            evidence.push(format!("the trust of `{}` names: {}", to.name(), principals.join("; ")));
        }
        self.finding(code, Severity::Error, hop.clone(), message, evidence, fix);
        self.hops.push(HopReport { hop, status: HopStatus::Broken, checks });
        false
    }
}

impl Doctor<'_> {
    /// The fix for a trust of the whole account: the planned statement naming `from` in,
    /// the statements naming `from`'s account as a whole out.
    fn exact_role_fix(&self, from: &RoleArn, to: &RoleArn, trust: &PolicyDocument) -> Fix {
        let whole_account = trust.statements.iter().filter(|s| statement_names_root(s, from.account())).cloned();
        Fix::change(
            format!(
                "name the exact role `{from}` instead of the whole account `{}` in the trust policy of `{}`:",
                from.account(),
                to.name()
            ),
            to.account(),
            to.to_string(),
            FixPolicy::TrustPolicy,
        )
        .adding(self.desired_trust(to).and_then(|d| d.statements.first().cloned()))
        .removing(whole_account)
    }
}

/// Whether a trust policy allows `account` as a whole (`123…` or `arn:…:root`).
fn trust_names_root(trust: &PolicyDocument, account: AccountId) -> bool {
    trust.statements.iter().any(|s| statement_names_root(s, account))
}

/// Whether one statement's principal is `account` as a whole.
fn statement_names_root(statement: &redbridge_iam::policy::Statement, account: AccountId) -> bool {
    match &statement.principal {
        Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) => {
            p.aws.iter().any(|a| a == account.as_str() || a.ends_with(&format!(":{account}:root")))
        }
        _ => false,
    }
}
