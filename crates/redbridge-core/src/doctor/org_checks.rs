//! SCPs and RCPs in doctor's judgement: which of them govern a hop's request (see
//! `organization.rs` for whom AWS applies them to), the deciding one named in a finding with
//! where it is attached, and what the report says when they could not be read.

use std::fmt;

use redbridge_iam::eval::{Decision, Missing, Outcome, PolicyKind, StatementRef};
use redbridge_iam::policy::Effect;
use redbridge_iam::{AccountId, RoleArn};
use serde::Serialize;

use super::FindingCode;
use super::analysis::{CallerPolicies, Doctor, Judged};
use super::findings::{Fix, FixPolicy, Hop, Severity};
use super::organization::{AccountOrganization, OrgPolicyKind, RCP_SERVICES};
use super::snapshot::Known;

/// Where one SCP or RCP is attached, to name it in evidence and findings.
#[derive(Debug, Clone)]
pub(super) struct OrgPlace {
    kind: OrgPolicyKind,
    /// The account it governs (the caller's for an SCP, the resource owner's for an RCP).
    account: AccountId,
    organization_id: String,
    management_account: AccountId,
    level: String,
    name: String,
    id: String,
    document: redbridge_iam::policy::PolicyDocument,
}

impl OrgPlace {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            OrgPolicyKind::Scp => "SCP",
            OrgPolicyKind::Rcp => "RCP",
        }
    }

    /// The policy's ARN, as Organizations writes it.
    fn arn(&self) -> String {
        let kind = match self.kind {
            OrgPolicyKind::Scp => "service_control_policy",
            OrgPolicyKind::Rcp => "resource_control_policy",
        };
        format!("arn:aws:organizations::{}:policy/{}/{kind}/{}", self.management_account, self.organization_id, self.id)
    }
}

impl OrgPlace {
    /// Where it is attached, in words that also name the account it governs.
    fn attached_to(&self) -> String {
        let (account, organization) = (self.account, &self.organization_id);
        match self.level.as_str() {
            "root" => format!("the root of organization `{organization}`, which account `{account}` is in"),
            "account" => format!("account `{account}` itself (organization `{organization}`)"),
            unit => {
                format!("{unit} (counted from the root) above account `{account}` in organization `{organization}`")
            }
        }
    }
}

impl fmt::Display for OrgPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}` (`{}`) attached to {}", self.kind_name(), self.name, self.id, self.attached_to())
    }
}

/// The organization policies of one request, and the context keys they may test.
#[derive(Debug, Clone, Default)]
pub(super) struct OrgContext {
    scps: Vec<Vec<OrgPlace>>,
    rcps: Vec<Vec<OrgPlace>>,
    /// Keys added to the request: `aws:PrincipalOrgID`, `aws:SourceOrgID`.
    pub(super) context: Vec<(&'static str, String)>,
    /// The organization keys whose values are not known because the organization of the
    /// account they describe could not be read (`aws:PrincipalOrgID` of the caller's account,
    /// `aws:ResourceOrgID` of the resource owner's, `aws:SourceOrgID` of a service's source):
    /// a denial by a policy that tests one of them is not certain.
    unread: Vec<(&'static str, AccountId)>,
}

impl OrgContext {
    /// The SCP or RCP a statement of the decision belongs to.
    pub(super) fn policy(&self, statement: &StatementRef) -> Option<&OrgPlace> {
        let levels = match statement.policy.kind {
            PolicyKind::Scp => &self.scps,
            PolicyKind::Rcp => &self.rcps,
            _ => return None,
        };
        levels.get(statement.policy.level?)?.get(statement.policy.index)
    }

    fn level(&self, kind: PolicyKind, level: usize) -> &[OrgPlace] {
        let levels = if kind == PolicyKind::Scp { &self.scps } else { &self.rcps };
        levels.get(level).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Who makes a hop's request.
#[derive(Debug, Clone, Copy)]
pub(super) enum OrgCaller<'a> {
    /// An AWS service principal acting for a resource of `source_account`.
    Service {
        /// The account of the resource the service acts for (`aws:SourceAccount`).
        source_account: AccountId,
    },
    /// A role's session.
    Role(&'a RoleArn),
}

/// Whether organization policies were read for every account of the chain: the report's
/// `organization_policies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationPolicies {
    /// `true` when the organization of every account of the chain was read (or the account is
    /// in no organization); `false` makes a healthy verdict `healthy_as_far_as_read`.
    pub read: bool,
    /// What was read, per account.
    pub accounts: Vec<AccountPolicies>,
    /// The accounts whose organization policies were not read, with why.
    pub not_read: Vec<NotRead>,
}

/// The organization policies read for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountPolicies {
    /// The account.
    pub account: AccountId,
    /// Its organization, `None` when it is in none.
    pub organization_id: Option<String>,
    /// Whether it is the organization's management account (no SCP or RCP applies to it).
    pub management_account: bool,
    /// The SCPs that apply, `LEVEL: NAME (ID)`.
    pub scps: Vec<String>,
    /// The RCPs that apply, `LEVEL: NAME (ID)`.
    pub rcps: Vec<String>,
}

/// An account whose organization policies were not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRead {
    /// The account.
    pub account: AccountId,
    /// Why, in words.
    pub reason: String,
}

impl CallerPolicies {
    /// The same policies, with the SCPs and RCPs of `organization` and its context keys.
    pub(super) fn governed(mut self, organization: OrgContext) -> Self {
        let documents =
            |levels: &[Vec<OrgPlace>]| levels.iter().map(|l| l.iter().map(|p| p.document.clone()).collect()).collect();
        self.policies.scps = documents(&organization.scps);
        self.policies.rcps = documents(&organization.rcps);
        self.organization = organization;
        self
    }
}

fn places(organization: &AccountOrganization, kind: OrgPolicyKind, account: AccountId) -> Vec<Vec<OrgPlace>> {
    organization
        .levels(kind)
        .iter()
        .enumerate()
        .map(|(level, policies)| {
            policies
                .iter()
                .map(|p| OrgPlace {
                    kind,
                    account,
                    organization_id: organization.organization_id.clone(),
                    management_account: organization.management_account,
                    level: organization.level_name(kind, level),
                    name: p.name.clone(),
                    id: p.id.clone(),
                    document: p.document.clone(),
                })
                .collect()
        })
        .collect()
}

impl Doctor<'_> {
    /// The SCPs and RCPs that govern `action` by `caller` on a resource of `resource_account`.
    /// `rcps_apply` is false where AWS exempts the resource (an AWS managed KMS key).
    pub(super) fn org_context(
        &self,
        caller: OrgCaller<'_>,
        action: &str,
        resource_account: AccountId,
        rcps_apply: bool,
    ) -> OrgContext {
        let mut context = OrgContext::default();
        match caller {
            // SCPs never apply to service principals; the service acts for its source account.
            OrgCaller::Service { source_account } => match self.snapshot.organization(source_account) {
                Known::Known { value } => context.context.push(("aws:SourceOrgID", value.organization_id)),
                Known::Absent => {}
                Known::Unknown { .. } => context.unread.push(("aws:SourceOrg", source_account)),
            },
            OrgCaller::Role(role) => match self.snapshot.organization(role.account()) {
                Known::Known { value } => {
                    // SCPs do not apply to the management account nor to service-linked roles.
                    let service_linked = role.path().starts_with("/aws-service-role/");
                    if !value.is_management(role.account()) && !service_linked {
                        context.scps = places(&value, OrgPolicyKind::Scp, role.account());
                    }
                    context.context.push(("aws:PrincipalOrgID", value.organization_id));
                }
                Known::Absent => {}
                Known::Unknown { .. } => context.unread.push(("aws:PrincipalOrg", role.account())),
            },
        }
        let service = action.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match self.snapshot.organization(resource_account) {
            Known::Known { value } => {
                if rcps_apply && RCP_SERVICES.contains(&service.as_str()) && !value.is_management(resource_account) {
                    context.rcps = places(&value, OrgPolicyKind::Rcp, resource_account);
                }
                context.context.push(("aws:ResourceOrgID", value.organization_id));
            }
            Known::Absent => {}
            Known::Unknown { .. } => context.unread.push(("aws:ResourceOrg", resource_account)),
        }
        context
    }

    /// When an SCP or RCP decided a denial, a finding naming it and the fix, and its severity
    /// (unknown when the caller's organization was not read); the hop's own finding is then left
    /// out, since no change to the accounts' own policies helps.
    pub(super) fn org_denial(
        &mut self,
        hop: &Hop,
        judged: &Judged,
        caller: &CallerPolicies,
        what: &str,
    ) -> Option<Severity> {
        let decision: &Decision = &judged.decision;
        let organization = &caller.organization;
        let denying: Vec<(&StatementRef, &OrgPlace)> = decision
            .deciding
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .filter_map(|s| organization.policy(s).map(|p| (s, p)))
            .collect();
        let groups: Vec<(PolicyKind, Vec<&OrgPlace>, bool)> = match (decision.outcome, decision.missing) {
            // One finding per kind that denies: an SCP and an RCP may both.
            (Outcome::ExplicitDeny, _) => [PolicyKind::Scp, PolicyKind::Rcp]
                .into_iter()
                .map(|kind| {
                    let places = denying.iter().filter(|(s, _)| s.policy.kind == kind).map(|(_, p)| *p).collect();
                    (kind, places, true)
                })
                .filter(|(_, places, _): &(PolicyKind, Vec<&OrgPlace>, bool)| !places.is_empty())
                .collect(),
            (Outcome::ImplicitDeny, Some(Missing::ScpLevel(level))) => {
                vec![(PolicyKind::Scp, organization.level(PolicyKind::Scp, level).iter().collect(), false)]
            }
            (Outcome::ImplicitDeny, Some(Missing::RcpLevel(level))) => {
                vec![(PolicyKind::Rcp, organization.level(PolicyKind::Rcp, level).iter().collect(), false)]
            }
            _ => Vec::new(),
        };
        let mut worst = None;
        for (kind, places, explicit) in groups {
            let severity = self.org_finding(hop, judged, caller, what, kind, &places, explicit, &denying);
            worst = worst.max(severity);
        }
        worst
    }

    /// One finding naming the SCPs (or RCPs) in `places` that decided a denial.
    #[allow(clippy::too_many_arguments, reason = "the parts of one denial, each used once")]
    fn org_finding(
        &mut self,
        hop: &Hop,
        judged: &Judged,
        caller: &CallerPolicies,
        what: &str,
        kind: PolicyKind,
        places: &[&OrgPlace],
        explicit: bool,
        denying: &[(&StatementRef, &OrgPlace)],
    ) -> Option<Severity> {
        let organization = &caller.organization;
        let first = places.first().copied()?;
        let names: Vec<String> = places.iter().map(|p| format!("`{}` (`{}`)", p.name, p.id)).collect();
        let (code, kind_name) = match kind {
            PolicyKind::Scp => (FindingCode::ScpDenies, "SCP"),
            _ => (FindingCode::RcpDenies, "RCP"),
        };
        let message = if explicit {
            format!(
                "the {} denies {what}",
                places.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and the ")
            )
        } else {
            format!(
                "no {kind_name} attached to {} allows {what} (attached there: {})",
                first.attached_to(),
                names.join(", ")
            )
        };
        let mut evidence = judged.evidence.clone();
        let texts: Vec<String> = places.iter().map(|p| p.document.to_json().to_ascii_lowercase()).collect();
        let mentions = |key: &str| texts.iter().any(|t| t.contains(&key.to_ascii_lowercase()));
        let mentions_org_id = mentions("aws:PrincipalOrg");
        let mut severity = Severity::Error;
        // A deny that tests the organization of an account not read is not certain.
        for (key, account) in &organization.unread {
            if explicit && mentions(key) {
                severity = Severity::Unknown;
                evidence.push(format!(
                    "the organization of account `{account}` was not read, so `{key}…` is not known; the {kind_name} may allow the request"
                ));
            }
        }
        if kind == PolicyKind::Rcp && severity == Severity::Error {
            match caller.organization.context.iter().find(|(k, _)| *k == "aws:PrincipalOrgID") {
                Some((_, id)) => evidence.push(format!("the caller's `aws:PrincipalOrgID` is `{id}`")),
                None if mentions_org_id => evidence
                    .push("the caller's account is in no organization, so `aws:PrincipalOrgID` is not set".to_owned()),
                None => {}
            }
        }
        let who = match kind {
            PolicyKind::Scp => format!("the caller's role in account `{}`", first.account),
            _ => "the caller".to_owned(),
        };
        let there = match first.level.as_str() {
            "root" => "the root",
            "account" => "the account",
            _ => "that organizational unit",
        };
        let mut text = format!(
            "{kind_name}s are managed in the organization's management account `{}`; no policy in account `{}` can override them. Ask its administrators to {}",
            first.management_account,
            first.account,
            if explicit {
                format!(
                    "narrow the denying statement of {} for {who} (for example with a condition on `aws:PrincipalArn`), or to detach it from {there}",
                    names.join(", ")
                )
            } else {
                format!("attach to {there} a {kind_name} that allows {what}, beside {}", names.join(", "))
            }
        );
        if kind == PolicyKind::Rcp && mentions_org_id {
            text.push_str(&format!("; or run Redshift in an account of organization `{}`", first.organization_id));
        }
        let policy =
            if kind == PolicyKind::Scp { FixPolicy::ServiceControlPolicy } else { FixPolicy::ResourceControlPolicy };
        let mut fix = Fix::change(text, first.management_account, first.arn(), policy);
        if explicit {
            let statements = denying
                .iter()
                .filter(|(s, p)| s.policy.kind == kind && p.id == first.id)
                .filter_map(|(s, p)| p.document.statements.get(s.statement).cloned());
            fix = fix.removing(statements);
        }
        self.finding(code, severity, hop.clone(), message, evidence, fix);
        Some(severity)
    }

    /// The accounts of the chain: the Redshift account, every role's, the bucket's, the key's.
    fn chain_accounts(&self) -> Vec<AccountId> {
        let mut accounts = vec![self.spec.redshift_account];
        accounts.extend(self.plan.chain.roles().iter().map(RoleArn::account));
        accounts.push(self.spec.s3_account);
        if let Some(key) = &self.spec.kms_key {
            accounts.push(key.account());
        }
        let mut seen = Vec::new();
        accounts.retain(|a| {
            let new = !seen.contains(a);
            seen.push(*a);
            new
        });
        accounts
    }

    /// What was read of the organizations, with a warning per account not read.
    pub(super) fn organization_policies(&mut self) -> OrganizationPolicies {
        let mut accounts = Vec::new();
        let mut not_read = Vec::new();
        for account in self.chain_accounts() {
            match self.snapshot.organization(account) {
                Known::Known { value } => {
                    let names = |kind| {
                        value
                            .levels(kind)
                            .iter()
                            .enumerate()
                            .flat_map(|(level, policies)| {
                                let level = value.level_name(kind, level);
                                policies.iter().map(move |p| format!("{level}: {} ({})", p.name, p.id))
                            })
                            .collect::<Vec<_>>()
                    };
                    let management = value.is_management(account);
                    accounts.push(AccountPolicies {
                        account,
                        organization_id: Some(value.organization_id.clone()),
                        management_account: management,
                        scps: if management { Vec::new() } else { names(OrgPolicyKind::Scp) },
                        rcps: if management { Vec::new() } else { names(OrgPolicyKind::Rcp) },
                    });
                }
                Known::Absent => accounts.push(AccountPolicies {
                    account,
                    organization_id: None,
                    management_account: false,
                    scps: Vec::new(),
                    rcps: Vec::new(),
                }),
                Known::Unknown { reason } => {
                    self.finding(
                        FindingCode::OrganizationPoliciesNotRead,
                        Severity::Warning,
                        Hop::Organization { account: account.to_string() },
                        format!("the organization policies (SCPs and RCPs) of account `{account}` were not read: {reason}"),
                        Vec::new(),
                        format!(
                            "a member account usually cannot read them: run doctor with a profile of the management account or a delegated administrator (`organizations:DescribeOrganization`, `organizations:ListParents`, `organizations:ListPoliciesForTarget`, `organizations:DescribePolicy`), or ask its administrators whether an SCP or RCP limits account `{account}`"
                        ),
                    );
                    not_read.push(NotRead { account, reason });
                }
            }
        }
        OrganizationPolicies { read: not_read.is_empty(), accounts, not_read }
    }
}
