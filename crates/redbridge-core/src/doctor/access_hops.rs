//! The last role's access: the S3 actions the statements need on the real paths, the KMS key,
//! and what the statement and the network need besides (regions, formats, object ownership,
//! enhanced VPC routing).

use redbridge_iam::RoleArn;
use redbridge_iam::eval::redshift::access_request;
use redbridge_iam::eval::{Missing, Outcome, PolicySet, Request, evaluate};

use super::FindingCode;
use super::analysis::{CallerPolicies, Doctor};
use super::findings::{Check, Fix, FixPolicy, Hop, HopReport, HopStatus, Severity};
use super::org_checks::OrgCaller;
use super::snapshot::Known;
use crate::plan;
use crate::spec::DataFormat;

impl Doctor<'_> {
    /// The S3 actions the statements need, on the real paths.
    pub(super) fn s3_hop(&mut self, last: &RoleArn) {
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
        let partition = self.spec.region.partition();
        let bucket_arn = self.spec.bucket.arn(partition).to_string();
        let caller =
            CallerPolicies::new(last, &state, bucket_policy, format!("bucket policy of `{}`", self.spec.bucket))
                .at(self.spec.s3_account, bucket_arn.clone(), FixPolicy::BucketPolicy)
                .governed(self.org_context(OrgCaller::Role(last), "s3:GetObject", self.spec.s3_account, true));
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
        let mut organization_unknown = false;
        for (request, purpose, target) in requests {
            let judged = self.judge(&request, &caller);
            let allowed = judged.decision.outcome == Outcome::Allowed;
            let what = format!("{} on {target}", request.action());
            checks.push(Check { what: what.clone(), ok: Some(allowed), detail: judged.decision.explain() });
            if allowed {
                continue;
            }
            match self.org_denial(
                &hop,
                &judged,
                &caller,
                &format!("`{}` on {target} by `{}`", request.action(), last.name()),
            ) {
                Some(Severity::Error) => {
                    broken = true;
                    continue;
                }
                Some(_) => {
                    organization_unknown = true;
                    continue;
                }
                None => broken = true,
            }
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
                    let fix = caller.deny_fix(
                        &judged.decision,
                        "remove or narrow the denying statement named in the evidence; no allow can override it",
                    );
                    self.finding(
                        FindingCode::S3ExplicitDeny,
                        Severity::Error,
                        hop.clone(),
                        format!("an explicit deny blocks `{}` on {target}, needed for {needed_for}", request.action()),
                        judged.evidence,
                        fix,
                    );
                }
            } else if judged.decision.missing == Some(Missing::PermissionsBoundary) {
                self.finding(
                    FindingCode::PermissionsBoundaryDenies,
                    Severity::Error,
                    hop.clone(),
                    format!(
                        "the permissions boundary of `{}` does not allow `{}` on {target}, needed for {needed_for}",
                        last.name(),
                        request.action()
                    ),
                    judged.evidence,
                    boundary_fix(request.action(), request.resource(), last),
                );
            } else {
                let sid = match purpose {
                    "list" => "ListPrefixes",
                    "read" => "ReadObjects",
                    _ => "WriteObjects",
                };
                let fix = self.inline_fix(
                    last,
                    &format!("{}{sid}", plan::SID_PREFIX),
                    format!("add to the policy of `{}` (or run `redbridge apply`):", last.name()),
                    format!(
                        "allow `{}` on `{}` in a policy of `{}`",
                        request.action(),
                        request.resource(),
                        last.name()
                    ),
                );
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
        } else if bucket_policy_known && !organization_unknown {
            HopStatus::Ok
        } else {
            HopStatus::Unknown
        };
        self.hops.push(HopReport { hop, status, checks });
    }

    /// The KMS actions under the key policy.
    pub(super) fn kms_hop(&mut self, last: &RoleArn) {
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
        // RCPs do not apply to AWS managed keys.
        let organization =
            self.org_context(OrgCaller::Role(last), "kms:Decrypt", key.account(), key_state.key_manager != "AWS");
        let caller = CallerPolicies::new(last, &state, Some(key_state.policy.clone()), "key policy".to_owned())
            .at(key.account(), key.to_string(), FixPolicy::KeyPolicy)
            .governed(organization);
        let mut organization_unknown = false;
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
                match self.org_denial(&hop, &judged, &caller, &format!("`{action}` on the key by `{}`", last.name())) {
                    Some(Severity::Error) => {
                        broken = true;
                        continue;
                    }
                    Some(_) => {
                        organization_unknown = true;
                        continue;
                    }
                    None => broken = true,
                }
                if judged.decision.missing == Some(Missing::PermissionsBoundary) {
                    self.finding(
                        FindingCode::PermissionsBoundaryDenies,
                        Severity::Error,
                        hop.clone(),
                        format!("the permissions boundary of `{}` does not allow `{action}` on `{key}`", last.name()),
                        judged.evidence,
                        boundary_fix(action, &key.to_string(), last),
                    );
                    continue;
                }
                let fix = match (judged.decision.outcome, judged.decision.missing) {
                    (Outcome::ExplicitDeny, _) => caller
                        .deny_fix(&judged.decision, "remove or narrow the denying statement named in the evidence"),
                    (_, Some(Missing::ResourcePolicy)) => Fix::change(
                        format!(
                            "add to the key policy (or keep the default statement that delegates to account `{}`):",
                            key.account()
                        ),
                        key.account(),
                        key.to_string(),
                        FixPolicy::KeyPolicy,
                    )
                    .adding(self.key_statement()),
                    _ => {
                        let text = format!(
                            "allow `{action}` on `{key}` in a policy of `{}` (or run `redbridge apply`):",
                            last.name()
                        );
                        self.inline_fix(last, &format!("{}UseBucketKey", plan::SID_PREFIX), text.clone(), text)
                    }
                };
                let message = match (judged.decision.outcome, judged.decision.missing) {
                    (Outcome::ExplicitDeny, _) => format!("an explicit deny blocks `{action}` on the key"),
                    (_, Some(Missing::ResourcePolicy)) => {
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
        let status = if broken {
            HopStatus::Broken
        } else if organization_unknown {
            HopStatus::Unknown
        } else {
            HopStatus::Ok
        };
        self.hops.push(HopReport { hop, status, checks });
    }

    /// Regions, formats, ownership, routing: what the statement and the network need.
    pub(super) fn statement_checks(&mut self, last: &RoleArn) {
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
}

/// The fix of a hop cut by the role's permissions boundary: only its owner can change it, so
/// `redbridge apply` is no fix.
fn boundary_fix(action: &str, resource: &str, role: &RoleArn) -> Fix {
    Fix::text(format!(
        "allow `{action}` on `{resource}` in the permissions boundary of `{}` (redbridge does not change boundaries)",
        role.name()
    ))
}
