//! The analysis: each hop of the chain evaluated with the IAM evaluator over the snapshot.
//!
//! This file holds the entry points, the `Doctor` that collects hops and findings, and the
//! evaluation of one request against a caller's policies; the hops themselves are judged in
//! `assume_hops.rs` (attachment, Redshift → first role, role → role) and `access_hops.rs`
//! (S3, KMS and the statement's region, ownership and routing).

use redbridge_iam::eval::{Decision, Outcome, Policies, PolicyKind, PolicySet, Request, StatementRef, evaluate};
use redbridge_iam::policy::{Effect, PolicyDocument, Statement};
use redbridge_iam::{AccountId, RoleArn};

use super::FindingCode;
use super::findings::{Finding, Fix, FixPolicy, Hop, HopReport, Report, Severity, Verdict};
use super::org_checks::OrgContext;
use super::snapshot::{Known, RoleState, Snapshot};
use crate::plan::{Plan, Step};
use crate::spec::Spec;

/// Judges `snapshot` against what `plan` needs for the operations its spec asks for.
pub fn analyze(plan: &Plan, snapshot: &Snapshot) -> Report {
    analyze_with_sql(plan, snapshot, &[])
}

/// [`analyze`], and also judges the user's own COPY and UNLOAD statements in `sql` (each text
/// may hold several, separated by `;`): each gets a [`Hop::UserStatement`] after the chain's hops.
pub fn analyze_with_sql(plan: &Plan, snapshot: &Snapshot, sql: &[String]) -> Report {
    let mut doctor = Doctor { plan, spec: &plan.spec, snapshot, sql, hops: Vec::new(), findings: Vec::new() };
    doctor.run();
    let organization_policies = doctor.organization_policies();
    let Doctor { hops, mut findings, .. } = doctor;
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Broken
    } else if findings.iter().any(|f| f.severity == Severity::Unknown) {
        Verdict::Unknown
    } else if !organization_policies.read {
        // Never a bare "healthy" when an SCP or RCP could still deny.
        Verdict::HealthyAsFarAsRead
    } else {
        Verdict::Healthy
    };
    Report { verdict, hops, findings, organization_policies }
}

pub(super) struct Doctor<'a> {
    pub(super) plan: &'a Plan,
    pub(super) spec: &'a Spec,
    pub(super) snapshot: &'a Snapshot,
    /// The user's statements given with `--sql`.
    pub(super) sql: &'a [String],
    pub(super) hops: Vec<HopReport>,
    pub(super) findings: Vec<Finding>,
}

/// The outcome of evaluating one request, with its evidence already named.
pub(super) struct Judged {
    pub(super) decision: Decision,
    pub(super) evidence: Vec<String>,
}

impl Doctor<'_> {
    fn run(&mut self) {
        // Every hop is judged even after a broken one, so one run names every broken link.
        let roles = self.plan.chain.roles().to_vec();
        self.attachment(&roles[0]);
        self.service_hop(&roles[0]);
        for pair in roles.windows(2) {
            self.role_hop(&pair[0], &pair[1]);
        }
        let last = roles[roles.len() - 1].clone();
        self.s3_hop(&last);
        if self.spec.kms_key.is_some() {
            self.kms_hop(&last);
        }
        self.statement_checks(&last);
        self.user_statements(&last);
    }

    pub(super) fn finding(
        &mut self,
        code: FindingCode,
        severity: Severity,
        hop: Hop,
        message: String,
        evidence: Vec<String>,
        fix: impl Into<Fix>,
    ) {
        self.findings.push(Finding { code, severity, hop, message, evidence, fix: fix.into() });
    }

    pub(super) fn unknown(&mut self, hop: Hop, what: &str, reason: &str) {
        self.finding(
            FindingCode::StateUnreadable,
            Severity::Unknown,
            hop,
            format!("{what} could not be read: {reason}"),
            Vec::new(),
            "give doctor a profile that can read it (`--redshift-profile`/`--s3-profile`), or check it by hand"
                .to_owned(),
        );
    }

    /// The role's state, or a finding saying why it cannot be judged.
    pub(super) fn role_state(&mut self, role: &RoleArn, hop: &Hop) -> Option<RoleState> {
        match self.snapshot.role(role) {
            Known::Known { value } => Some(value),
            Known::Absent => {
                self.finding(
                    FindingCode::RoleMissing,
                    Severity::Error,
                    hop.clone(),
                    format!("the role `{role}` does not exist"),
                    Vec::new(),
                    "run `redbridge apply`, or create it as `redbridge plan` shows".to_owned(),
                );
                None
            }
            Known::Unknown { reason } => {
                self.unknown(hop.clone(), &format!("the role `{role}`"), &reason);
                None
            }
        }
    }

    pub(super) fn desired_trust(&self, role: &RoleArn) -> Option<PolicyDocument> {
        self.plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
            Step::CreateRole { role: r, trust_policy, .. } if r == role => Some(trust_policy.clone()),
            _ => None,
        })
    }

    /// The planned inline policy statement `sid` of `role`, with the inline policy's name.
    pub(super) fn desired_inline(&self, role: &RoleArn, sid: &str) -> Option<(String, Statement)> {
        self.plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
            Step::PutRolePolicy { role: r, policy, policy_name } if r == role => {
                policy.statement(sid).map(|s| (policy_name.clone(), s.clone()))
            }
            _ => None,
        })
    }

    /// A fix adding the planned inline statement `sid` to `role`'s identity policy, worded by
    /// `text`; `otherwise` when the plan has no such statement.
    pub(super) fn inline_fix(&self, role: &RoleArn, sid: &str, text: String, otherwise: String) -> Fix {
        match self.desired_inline(role, sid) {
            Some((policy_name, statement)) => {
                Fix::change(text, role.account(), role.to_string(), FixPolicy::IdentityPolicy)
                    .named(policy_name)
                    .adding([statement])
            }
            None => Fix::text(otherwise),
        }
    }

    /// The first statement the plan merges into the key policy.
    pub(super) fn key_statement(&self) -> Option<Statement> {
        self.plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
            Step::MergeKeyPolicy { statements, .. } => statements.first().cloned(),
            _ => None,
        })
    }

    /// Evaluates a request and names the deciding statements after the policies they are in.
    pub(super) fn judge(&self, request: &Request, caller: &CallerPolicies) -> Judged {
        let unevaluated = |why: String| Judged {
            decision: Decision {
                outcome: Outcome::ImplicitDeny,
                deciding: Vec::new(),
                missing: None,
                path: None,
                same_account: false,
                service_principal: false,
            },
            evidence: vec![why],
        };
        let set = match PolicySet::compile(&caller.policies) {
            Ok(set) => set,
            Err(e) => return unevaluated(format!("a policy cannot be evaluated: {e}")),
        };
        let request =
            caller.organization.context.iter().fold(request.clone(), |r, (k, v)| r.with_context(k, v.as_str()));
        match evaluate(&request, &set) {
            Ok(decision) => {
                let mut evidence: Vec<String> = decision.deciding.iter().map(|s| caller.describe(s)).collect();
                if let Some(missing) = decision.missing {
                    evidence.push(missing.to_string());
                }
                Judged { decision, evidence }
            }
            Err(e) => unevaluated(format!("the request cannot be evaluated: {e}")),
        }
    }
}

/// The policies that apply to one caller's requests, with the names to report them by.
pub(super) struct CallerPolicies {
    pub(super) policies: Policies,
    identity_names: Vec<String>,
    boundary_name: String,
    resource_name: String,
    /// Where the resource policy is: its account, the resource's ARN and the policy's kind.
    resource_place: Option<(AccountId, String, FixPolicy)>,
    /// The SCPs and RCPs in `policies`, level by level, with where they are attached.
    pub(super) organization: OrgContext,
}

impl CallerPolicies {
    /// A role session's policies (identity, boundary) against a resource policy.
    pub(super) fn new(
        role: &RoleArn,
        state: &RoleState,
        resource_policy: Option<PolicyDocument>,
        resource_name: String,
    ) -> Self {
        let identity = state.identity_policies();
        Self {
            identity_names: identity.iter().map(|(n, _)| format!("{n} of `{}`", role.name())).collect(),
            boundary_name: format!("permissions boundary of `{}`", role.name()),
            policies: Policies {
                identity_policies: identity.into_iter().map(|(_, d)| d.clone()).collect(),
                resource_policy,
                permissions_boundary: state.permissions_boundary.clone(),
                ..Policies::default()
            },
            resource_name,
            resource_place: None,
            organization: OrgContext::default(),
        }
    }

    /// A service principal, or any caller judged by a resource policy alone.
    pub(super) fn service(resource_policy: PolicyDocument, resource_name: String) -> Self {
        Self {
            policies: Policies { resource_policy: Some(resource_policy), ..Policies::default() },
            identity_names: Vec::new(),
            boundary_name: String::new(),
            resource_name,
            resource_place: None,
            organization: OrgContext::default(),
        }
    }

    /// The same policies, saying where the resource policy is, so that a fix can name it.
    pub(super) fn at(mut self, account: AccountId, resource: impl Into<String>, policy: FixPolicy) -> Self {
        self.resource_place = Some((account, resource.into(), policy));
        self
    }

    /// For an explicit deny: a fix removing the denying statements when they are all in the
    /// resource policy (whose place is known), otherwise the words alone.
    pub(super) fn deny_fix(&self, decision: &Decision, text: &str) -> Fix {
        let denying: Vec<&StatementRef> = decision.deciding.iter().filter(|s| s.effect == Effect::Deny).collect();
        let in_resource = |s: &&StatementRef| matches!(s.policy.kind, PolicyKind::Resource);
        match (&self.resource_place, &self.policies.resource_policy) {
            (Some((account, resource, policy)), Some(document))
                if !denying.is_empty() && denying.iter().all(in_resource) =>
            {
                let statements = denying.iter().filter_map(|s| document.statements.get(s.statement).cloned());
                Fix::change(text, *account, resource.clone(), *policy).removing(statements)
            }
            _ => Fix::text(text),
        }
    }

    fn describe(&self, statement: &StatementRef) -> String {
        let policy = match statement.policy.kind {
            PolicyKind::Identity => self.identity_names.get(statement.policy.index).cloned().unwrap_or_default(),
            PolicyKind::PermissionsBoundary => self.boundary_name.clone(),
            PolicyKind::Scp | PolicyKind::Rcp => match self.organization.policy(statement) {
                Some(place) => place.to_string(),
                None => statement.policy.to_string(),
            },
            _ => self.resource_name.clone(),
        };
        let sid = statement.sid.as_deref().map(|s| format!(" `{s}`")).unwrap_or_default();
        format!("{policy} statement {}{sid} ({})", statement.statement, statement.effect)
    }
}
