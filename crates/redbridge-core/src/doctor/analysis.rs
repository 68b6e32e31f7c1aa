//! The analysis: each hop of the chain evaluated with the IAM evaluator over the snapshot.

use redbridge_iam::eval::redshift::{access_request, role_assume_request, service_assume_request};
use redbridge_iam::eval::{Decision, Outcome, Policies, PolicyKind, PolicySet, Request, StatementRef, evaluate};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, DbUserArn, RoleArn};

use super::FindingCode;
use super::findings::{Check, Finding, Hop, HopReport, HopStatus, Report, Severity, Verdict};
use super::snapshot::{Known, RoleState, Snapshot};
use crate::plan::{self, Plan, REDSHIFT_SERVERLESS_SERVICE, REDSHIFT_SERVICE, Step};
use crate::spec::{DataFormat, Spec, Target};

/// Judges `snapshot` against what `plan` needs for the operations its spec asks for.
pub fn analyze(plan: &Plan, snapshot: &Snapshot) -> Report {
    analyze_with_sql(plan, snapshot, &[])
}

/// [`analyze`], and also judges the user's own COPY and UNLOAD statements in `sql` (each text
/// may hold several, separated by `;`): each gets a [`Hop::UserStatement`] after the chain's hops.
pub fn analyze_with_sql(plan: &Plan, snapshot: &Snapshot, sql: &[String]) -> Report {
    let mut doctor = Doctor { plan, spec: &plan.spec, snapshot, sql, hops: Vec::new(), findings: Vec::new() };
    doctor.run();
    let Doctor { hops, mut findings, .. } = doctor;
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
        Verdict::Broken
    } else if findings.iter().any(|f| f.severity == Severity::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Healthy
    };
    Report { verdict, hops, findings }
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
        fix: String,
    ) {
        self.findings.push(Finding { code, severity, hop, message, evidence, fix });
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

    /// The first role must be attached and in sync.
    fn attachment(&mut self, first: &RoleArn) -> bool {
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
                let fix = match &self.spec.target {
                    Target::Provisioned { cluster } => format!(
                        "run `redbridge apply`, or `aws redshift modify-cluster-iam-roles --cluster-identifier {cluster} --add-iam-roles {wanted}`"
                    ),
                    Target::Serverless { namespace, .. } => format!(
                        "run `redbridge apply`, or `aws redshift-serverless update-namespace --namespace-name {namespace} --iam-roles` with the current roles plus `{wanted}` (the call replaces the whole list)"
                    ),
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
            Some(role) => match role.apply_status.as_deref() {
                None | Some("in-sync") => (true, HopStatus::Ok),
                Some(status) => {
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

    /// The role's state, or a finding saying why it cannot be judged.
    fn role_state(&mut self, role: &RoleArn, hop: &Hop) -> Option<RoleState> {
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

    /// Redshift's service principals assume the first role.
    fn service_hop(&mut self, first: &RoleArn) -> bool {
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
        let caller = CallerPolicies::service(state.trust_policy.clone(), format!("trust policy of `{}`", first.name()));
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
                let allowed = judged.decision.outcome == Outcome::Allowed;
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
                self.trust_finding(first, service, &state.trust_policy, judged);
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
        let fix_statement = desired
            .as_ref()
            .map(|d| {
                format!(
                    "put this statement in the trust policy of `{}`:\n{}",
                    role.name(),
                    serde_json::to_string_pretty(&d.statements[0]).unwrap_or_default()
                )
            })
            .unwrap_or_default();
        if judged.decision.outcome == Outcome::ExplicitDeny {
            self.finding(
                FindingCode::ServiceNotTrusted,
                Severity::Error,
                hop,
                format!("the trust policy of `{}` denies `{service}`", role.name()),
                judged.evidence,
                fix_statement,
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

    fn desired_trust(&self, role: &RoleArn) -> Option<PolicyDocument> {
        self.plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
            Step::CreateRole { role: r, trust_policy, .. } if r == role => Some(trust_policy.clone()),
            _ => None,
        })
    }

    fn desired_inline(&self, role: &RoleArn, sid: &str) -> Option<String> {
        self.plan.accounts.iter().flat_map(|a| &a.steps).find_map(|step| match step {
            Step::PutRolePolicy { role: r, policy, .. } if r == role => {
                policy.statement(sid).map(|s| serde_json::to_string_pretty(s).unwrap_or_default())
            }
            _ => None,
        })
    }

    /// One role's session assumes the next role.
    fn role_hop(&mut self, from: &RoleArn, to: &RoleArn) -> bool {
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
        );
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
                    format!("name the exact role instead: \"Principal\": {{\"AWS\": \"{from}\"}}"),
                );
            }
            self.hops.push(HopReport { hop, status: HopStatus::Ok, checks });
            return true;
        }
        let judged = last.expect("at least one request is evaluated");
        use redbridge_iam::eval::Missing;
        let (code, message, fix) = match (judged.decision.outcome, judged.decision.missing) {
            (Outcome::ExplicitDeny, _) => (
                FindingCode::AssumeRoleNotAllowed,
                format!("an explicit deny stops `{}` from assuming `{}`", from.name(), to.name()),
                "remove or narrow the denying statement named in the evidence".to_owned(),
            ),
            (_, Some(Missing::IdentityPolicy | Missing::IdentityOrResourcePolicy)) => (
                FindingCode::AssumeRoleNotAllowed,
                format!("no policy of `{}` allows `sts:AssumeRole` on `{to}`", from.name()),
                format!(
                    "add to `{}`:\n{}",
                    from.name(),
                    self.desired_inline(from, &format!("{}AssumeNextRole", plan::SID_PREFIX)).unwrap_or_default()
                ),
            ),
            (_, Some(Missing::PermissionsBoundary)) => (
                FindingCode::AssumeRoleNotAllowed,
                format!("the permissions boundary of `{}` does not allow `sts:AssumeRole` on `{to}`", from.name()),
                "allow `sts:AssumeRole` on the next role in the boundary".to_owned(),
            ),
            _ => (
                FindingCode::PreviousRoleNotTrusted,
                format!("the trust policy of `{}` does not allow `{from}`", to.name()),
                format!(
                    "put this statement in the trust policy of `{}`:\n{}",
                    to.name(),
                    self.desired_trust(to)
                        .map(|d| serde_json::to_string_pretty(&d.statements[0]).unwrap_or_default())
                        .unwrap_or_default()
                ),
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

    /// The S3 actions the statements need, on the real paths.
    fn s3_hop(&mut self, last: &RoleArn) {
        let hop = Hop::S3 { role: last.to_string() };
        let Some(state) = self.role_state(last, &hop) else {
            self.hops.push(HopReport { hop, status: HopStatus::Unknown, checks: Vec::new() });
            return;
        };
        let bucket_policy = match &self.snapshot.bucket {
            Known::Known { value } => value.policy.clone(),
            Known::Absent => {
                self.finding(
                    FindingCode::BucketMissing,
                    Severity::Error,
                    hop.clone(),
                    format!(
                        "the bucket `{}` does not exist (or is not in account `{}`)",
                        self.spec.bucket, self.spec.s3_account
                    ),
                    Vec::new(),
                    "check the bucket name and the account".to_owned(),
                );
                self.hops.push(HopReport { hop, status: HopStatus::Broken, checks: Vec::new() });
                return;
            }
            Known::Unknown { reason } => {
                let reason = reason.clone();
                self.unknown(hop.clone(), "the bucket policy", &reason);
                None
            }
        };
        let bucket_policy_known = self.snapshot.bucket.value().is_some();
        let caller =
            CallerPolicies::new(last, &state, bucket_policy, format!("bucket policy of `{}`", self.spec.bucket));
        let partition = self.spec.region.partition();
        let bucket_arn = self.spec.bucket.arn(partition).to_string();
        let prefixes: Vec<String> =
            if self.spec.prefixes.is_empty() { vec![String::new()] } else { self.spec.prefixes.clone() };
        let table = self.spec.table.rsplit('.').next().unwrap_or("example").trim_matches('"').to_owned();
        let mut requests: Vec<(Request, &'static str, String)> = Vec::new();
        for prefix in &prefixes {
            let object = |key: &str| self.spec.bucket.object_arn(partition, &format!("{prefix}{key}")).to_string();
            let list = access_request(last, "s3:ListBucket", &bucket_arn, self.spec.s3_account)
                .with_context("s3:prefix", prefix.as_str());
            requests.push((list, "list", format!("`{bucket_arn}` with `s3:prefix` = `{prefix}`")));
            let key = object(&format!("{table}_0000_part_00"));
            requests.push((
                access_request(last, "s3:GetObject", &key, self.spec.s3_account),
                "read",
                format!("`{key}`"),
            ));
            if self.spec.access.unload() {
                let mut put = access_request(
                    last,
                    "s3:PutObject",
                    &object(&format!("{table}_0000_part_00")),
                    self.spec.s3_account,
                );
                put = match &self.spec.kms_key {
                    Some(key) => put
                        .with_context("s3:x-amz-server-side-encryption", "aws:kms")
                        .with_context("s3:x-amz-server-side-encryption-aws-kms-key-id", key.to_string()),
                    None => put.with_context("s3:x-amz-server-side-encryption", "AES256"),
                };
                requests.push((put, "write", format!("`{}`", object(&format!("{table}_0000_part_00")))));
                if self.spec.cleanpath {
                    let key = object(&format!("{table}_0000_part_00"));
                    requests.push((
                        access_request(last, "s3:DeleteObject", &key, self.spec.s3_account),
                        "cleanpath",
                        format!("`{key}`"),
                    ));
                }
            }
        }
        let mut checks = Vec::new();
        let mut broken = false;
        for (request, purpose, target) in requests {
            let judged = self.judge(&request, &caller);
            let allowed = judged.decision.outcome == Outcome::Allowed;
            let what = format!("{} on {target}", request.action());
            checks.push(Check { what: what.clone(), ok: Some(allowed), detail: judged.decision.explain() });
            if allowed {
                continue;
            }
            broken = true;
            let needed_for = match purpose {
                "list" | "read" if !self.spec.access.copy() => "UNLOAD",
                "list" | "read" => "COPY",
                "cleanpath" => "UNLOAD with CLEANPATH",
                _ => "UNLOAD",
            };
            if judged.decision.outcome == Outcome::ExplicitDeny {
                let sse_deny = purpose == "write" && self.spec.kms_key.is_none() && {
                    let with_kms = request.clone().with_context("s3:x-amz-server-side-encryption", "aws:kms");
                    PolicySet::compile(&caller.policies)
                        .is_ok_and(|set| evaluate(&with_kms, &set).is_ok_and(|d| d.outcome != Outcome::ExplicitDeny))
                };
                if sse_deny {
                    self.finding(
                        FindingCode::UnloadWithoutSseKms,
                        Severity::Error,
                        hop.clone(),
                        "the bucket policy denies objects not encrypted with SSE-KMS, and UNLOAD without ENCRYPTED writes SSE-S3".to_owned(),
                        judged.evidence,
                        "give the spec the bucket's `kms_key`, so the UNLOAD says `KMS_KEY_ID '<key arn>' ENCRYPTED` and the bucket role may use the key".to_owned(),
                    );
                } else {
                    self.finding(
                        FindingCode::S3ExplicitDeny,
                        Severity::Error,
                        hop.clone(),
                        format!("an explicit deny blocks `{}` on {target}, needed for {needed_for}", request.action()),
                        judged.evidence,
                        "remove or narrow the denying statement named in the evidence; no allow can override it"
                            .to_owned(),
                    );
                }
            } else {
                let sid = match purpose {
                    "list" => "ListPrefixes",
                    "read" => "ReadObjects",
                    _ => "WriteObjects",
                };
                let fix = match self.desired_inline(last, &format!("{}{sid}", plan::SID_PREFIX)) {
                    Some(statement) => {
                        format!("add to the policy of `{}` (or run `redbridge apply`):\n{statement}", last.name())
                    }
                    None => format!(
                        "allow `{}` on `{}` in a policy of `{}`",
                        request.action(),
                        request.resource(),
                        last.name()
                    ),
                };
                self.finding(
                    FindingCode::S3PermissionMissing,
                    Severity::Error,
                    hop.clone(),
                    format!("`{}` may not `{}` on {target}, needed for {needed_for}", last.name(), request.action()),
                    judged.evidence,
                    fix,
                );
            }
        }
        let status = if broken {
            HopStatus::Broken
        } else if bucket_policy_known {
            HopStatus::Ok
        } else {
            HopStatus::Unknown
        };
        self.hops.push(HopReport { hop, status, checks });
    }

    /// The KMS actions under the key policy.
    fn kms_hop(&mut self, last: &RoleArn) {
        let hop = Hop::Kms { role: last.to_string() };
        let Some(key) = self.spec.kms_key.clone() else { return };
        let key_state = match &self.snapshot.kms_key {
            Some(Known::Known { value }) => value.clone(),
            Some(Known::Absent) => {
                self.finding(
                    FindingCode::KmsKeyNotAllowed,
                    Severity::Error,
                    hop.clone(),
                    format!("the key `{key}` does not exist"),
                    Vec::new(),
                    "check the key ARN".to_owned(),
                );
                self.hops.push(HopReport { hop, status: HopStatus::Broken, checks: Vec::new() });
                return;
            }
            Some(Known::Unknown { reason }) => {
                let reason = reason.clone();
                self.unknown(hop.clone(), "the key policy", &reason);
                self.hops.push(HopReport { hop, status: HopStatus::Unknown, checks: Vec::new() });
                return;
            }
            None => {
                self.unknown(hop.clone(), "the key policy", "not read");
                self.hops.push(HopReport { hop, status: HopStatus::Unknown, checks: Vec::new() });
                return;
            }
        };
        let Some(state) = self.snapshot.role(last).value().cloned() else {
            self.hops.push(HopReport { hop, status: HopStatus::Skipped, checks: Vec::new() });
            return;
        };
        let mut broken = false;
        if key_state.key_state != "Enabled" {
            broken = true;
            self.finding(
                FindingCode::KmsKeyNotEnabled,
                Severity::Error,
                hop.clone(),
                format!("the key `{key}` is `{}`, not `Enabled`", key_state.key_state),
                Vec::new(),
                "enable the key (`aws kms enable-key`) or cancel its deletion".to_owned(),
            );
        }
        if key_state.key_manager == "AWS" && key.account() != last.account() {
            broken = true;
            self.finding(
                FindingCode::AwsManagedKey,
                Severity::Error,
                hop.clone(),
                format!("`{key}` is an AWS managed key; it cannot be used from account `{}`", last.account()),
                Vec::new(),
                "encrypt the bucket with a customer managed key whose key policy allows the bucket role".to_owned(),
            );
        }
        let caller = CallerPolicies::new(last, &state, Some(key_state.policy.clone()), "key policy".to_owned());
        let mut actions = Vec::new();
        if self.spec.access.copy() || self.spec.access.unload() {
            actions.push("kms:Decrypt");
        }
        if self.spec.access.unload() {
            actions.push("kms:GenerateDataKey");
        }
        let mut checks = Vec::new();
        for action in actions {
            let request = access_request(last, action, &key.to_string(), key.account())
                .with_context("kms:ViaService", format!("s3.{}.amazonaws.com", self.spec.bucket_region))
                .with_context("kms:CallerAccount", last.account().to_string());
            let judged = self.judge(&request, &caller);
            let allowed = judged.decision.outcome == Outcome::Allowed;
            checks.push(Check {
                what: format!("{action} on {key}"),
                ok: Some(allowed),
                detail: judged.decision.explain(),
            });
            if !allowed {
                broken = true;
                let fix = match judged.decision.missing {
                    Some(redbridge_iam::eval::Missing::ResourcePolicy) => format!(
                        "add to the key policy (or keep the default statement that delegates to account `{}`):\n{}",
                        key.account(),
                        self.key_statement_json()
                    ),
                    _ => format!(
                        "allow `{action}` on `{key}` in a policy of `{}` (or run `redbridge apply`):\n{}",
                        last.name(),
                        self.desired_inline(last, &format!("{}UseBucketKey", plan::SID_PREFIX)).unwrap_or_default()
                    ),
                };
                let message = match (judged.decision.outcome, judged.decision.missing) {
                    (Outcome::ExplicitDeny, _) => format!("an explicit deny blocks `{action}` on the key"),
                    (_, Some(redbridge_iam::eval::Missing::ResourcePolicy)) => {
                        format!("the key policy of `{key}` does not allow `{}` to `{action}`", last.name())
                    }
                    _ => format!("no policy of `{}` allows `{action}` on `{key}`", last.name()),
                };
                self.finding(
                    FindingCode::KmsKeyNotAllowed,
                    Severity::Error,
                    hop.clone(),
                    message,
                    judged.evidence,
                    fix,
                );
            }
        }
        self.hops.push(HopReport { hop, status: if broken { HopStatus::Broken } else { HopStatus::Ok }, checks });
    }

    fn key_statement_json(&self) -> String {
        self.plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .find_map(|step| match step {
                Step::MergeKeyPolicy { statements, .. } => {
                    statements.first().map(|s| serde_json::to_string_pretty(s).unwrap_or_default())
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Regions, formats, ownership, routing: what the statement and the network need.
    fn statement_checks(&mut self, last: &RoleArn) {
        let hop = Hop::Statement;
        let mut checks = Vec::new();
        let mut broken = false;
        if let Some(bucket) = self.snapshot.bucket.value().cloned() {
            let region_ok = bucket.region == self.spec.bucket_region;
            checks.push(Check {
                what: format!("bucket region `{}`", bucket.region),
                ok: Some(region_ok),
                detail: Vec::new(),
            });
            if !region_ok {
                broken = true;
                let fix = if bucket.region == self.spec.region {
                    "drop `bucket_region` from the spec: the statements must not say REGION".to_owned()
                } else {
                    format!(
                        "set `bucket_region = \"{}\"` in the spec so the statements say `REGION '{}'`",
                        bucket.region, bucket.region
                    )
                };
                self.finding(
                    FindingCode::BucketRegionDiffers,
                    Severity::Error,
                    hop.clone(),
                    format!(
                        "the bucket is in `{}` but the spec says `{}`; Redshift answers `PermanentRedirect` (301)",
                        bucket.region, self.spec.bucket_region
                    ),
                    vec![format!("GetBucketLocation: {}", bucket.region)],
                    fix,
                );
                if self.spec.format == DataFormat::Parquet
                    && self.spec.access.copy()
                    && bucket.region != self.spec.region
                {
                    self.finding(
                        FindingCode::ColumnarCrossRegion,
                        Severity::Error,
                        hop.clone(),
                        "COPY from PARQUET cannot read a bucket in another region and rejects REGION".to_owned(),
                        Vec::new(),
                        format!("copy the files into a bucket in `{}`, or use CSV", self.spec.region),
                    );
                }
            }
            if self.spec.access.unload() && last.account() != self.spec.s3_account {
                let enforced = bucket.object_ownership.as_deref() == Some("BucketOwnerEnforced");
                if !enforced {
                    self.finding(
                        FindingCode::ObjectOwnership,
                        Severity::Warning,
                        hop.clone(),
                        format!("UNLOAD writes as account `{}`, so its objects are owned by that account, not the bucket owner", last.account()),
                        vec![format!("object ownership: {}", bucket.object_ownership.as_deref().unwrap_or("not set (ObjectWriter)"))],
                        "set the bucket's object ownership to `BucketOwnerEnforced`, or end the chain with a role in the bucket account".to_owned(),
                    );
                }
            }
            if let (Some(key), Some("aws:kms")) = (&self.spec.kms_key, bucket.default_encryption.as_deref())
                && let Some(default_key) = &bucket.default_kms_key
                && !default_key.ends_with(key.key_id())
            {
                self.finding(
                    FindingCode::BucketDefaultKeyDiffers,
                    Severity::Warning,
                    hop.clone(),
                    format!("the bucket's default key is `{default_key}`, the spec's is `{key}`; COPY needs `kms:Decrypt` on the key each object was written with"),
                    Vec::new(),
                    "use the bucket's default key in the spec, or allow both".to_owned(),
                );
            }
        }
        if let Some(redshift) = self.snapshot.redshift.value()
            && redshift.enhanced_vpc_routing
        {
            self.finding(
                FindingCode::EnhancedVpcRouting,
                Severity::Warning,
                hop.clone(),
                "enhanced VPC routing is on: COPY and UNLOAD go through the VPC, and doctor cannot see its endpoints".to_owned(),
                Vec::new(),
                format!(
                    "make sure the VPC reaches `{}`: a gateway endpoint covers only buckets in `{}`, and its policy must allow the bucket of account `{}`; otherwise use a NAT gateway",
                    self.spec.bucket, self.spec.region, self.spec.s3_account
                ),
            );
        }
        self.hops.push(HopReport { hop, status: if broken { HopStatus::Broken } else { HopStatus::Ok }, checks });
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
        match evaluate(request, &set) {
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
    policies: Policies,
    identity_names: Vec<String>,
    boundary_name: String,
    resource_name: String,
}

impl CallerPolicies {
    /// A role session's policies (identity, boundary) against a resource policy.
    fn new(role: &RoleArn, state: &RoleState, resource_policy: Option<PolicyDocument>, resource_name: String) -> Self {
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
        }
    }

    /// A service principal, or any caller judged by a resource policy alone.
    pub(super) fn service(resource_policy: PolicyDocument, resource_name: String) -> Self {
        Self {
            policies: Policies { resource_policy: Some(resource_policy), ..Policies::default() },
            identity_names: Vec::new(),
            boundary_name: String::new(),
            resource_name,
        }
    }

    fn describe(&self, statement: &StatementRef) -> String {
        let policy = match statement.policy.kind {
            PolicyKind::Identity => self.identity_names.get(statement.policy.index).cloned().unwrap_or_default(),
            PolicyKind::PermissionsBoundary => self.boundary_name.clone(),
            _ => self.resource_name.clone(),
        };
        let sid = statement.sid.as_deref().map(|s| format!(" `{s}`")).unwrap_or_default();
        format!("{policy} statement {}{sid} ({})", statement.statement, statement.effect)
    }
}

/// Whether a trust policy allows `account` as a whole (`123…` or `arn:…:root`).
fn trust_names_root(trust: &PolicyDocument, account: AccountId) -> bool {
    trust.statements.iter().any(|s| match &s.principal {
        Some(redbridge_iam::policy::PrincipalBlock::Principal(p)) => {
            p.aws.iter().any(|a| a == account.as_str() || a.ends_with(&format!(":{account}:root")))
        }
        _ => false,
    })
}
