//! What makes a chain wider than it needs to be: a trust that lets a whole account or anyone in,
//! a Redshift trust without the confused-deputy condition, an `sts:AssumeRole` or S3 grant on a
//! wildcard, or a bucket role that reaches beyond the prefixes its tag states.
//!
//! The codes are stable (`RB2xx`, listed in `docs/finding-codes.md`). The confused-deputy advice
//! is AWS's: a service role's trust should carry `aws:SourceAccount` or `aws:SourceArn`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>); least privilege
//! for COPY and UNLOAD is the object actions on the prefixes used
//! (<https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html>).

use redbridge_iam::AccountId;
use redbridge_iam::policy::{ActionBlock, Effect, PrincipalBlock, ResourceBlock};
use serde::Serialize;

use super::reach::{BucketGrant, allows, is_pattern};
use crate::doctor::RoleState;
use crate::plan::{REDSHIFT_SERVERLESS_SERVICE, REDSHIFT_SERVICE};

/// The tag a bucket role may carry to state the prefixes it is meant for, space-separated
/// (`incoming/ exports/`); a grant outside them is reported as [`BreadthCode::OutsideStatedPrefixes`].
pub const PREFIXES_TAG: &str = "redbridge:prefixes";

/// Why a chain is wider than it needs to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum BreadthCode {
    /// RB201: a role's trust allows a whole account (its root or id) or `*`.
    #[serde(rename = "RB201")]
    TrustsAccountOrAnyone,
    /// RB202: the first role trusts Redshift without `aws:SourceAccount` or `aws:SourceArn`.
    #[serde(rename = "RB202")]
    NoSourceCondition,
    /// RB203: a role may assume roles matching a wildcard.
    #[serde(rename = "RB203")]
    WildcardAssumeRole,
    /// RB204: the last role's S3 grant names every S3 action (`s3:*`, `*`, `NotAction`).
    #[serde(rename = "RB204")]
    WildcardS3Actions,
    /// RB205: the last role's S3 grant names every bucket or a bucket pattern.
    #[serde(rename = "RB205")]
    WildcardS3Resources,
    /// RB206: the last role reaches a prefix outside those its `redbridge:prefixes` tag states.
    #[serde(rename = "RB206")]
    OutsideStatedPrefixes,
}

impl BreadthCode {
    /// The code as scripts see it (`RB201`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TrustsAccountOrAnyone => "RB201",
            Self::NoSourceCondition => "RB202",
            Self::WildcardAssumeRole => "RB203",
            Self::WildcardS3Actions => "RB204",
            Self::WildcardS3Resources => "RB205",
            Self::OutsideStatedPrefixes => "RB206",
        }
    }
}

/// One way a chain is too wide: where, and what to narrow it to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Breadth {
    /// The stable code.
    pub code: BreadthCode,
    /// The role whose policy is too wide.
    pub role: String,
    /// What is too wide, and what would be enough.
    pub message: String,
}

/// The breadth of a chain's roles (in hop order) ending at `grant`.
pub fn chain_breadth(roles: &[(String, &RoleState)], grant: &BucketGrant) -> Vec<Breadth> {
    let mut out = Vec::new();
    for (index, (arn, role)) in roles.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| roles[i].0.as_str());
        trust_breadth(arn, role, previous, &mut out);
        if index + 1 < roles.len() {
            for pattern in super::reach::assume_patterns(role) {
                out.push(Breadth {
                    code: BreadthCode::WildcardAssumeRole,
                    role: arn.clone(),
                    message: format!(
                        "may assume every role matching `{pattern}`; grant `sts:AssumeRole` on `{}` only",
                        roles[index + 1].0
                    ),
                });
            }
        }
    }
    if let Some((arn, role)) = roles.last() {
        s3_breadth(arn, role, grant, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn trust_breadth(arn: &str, role: &RoleState, previous: Option<&str>, out: &mut Vec<Breadth>) {
    let narrow = previous.map_or("the Redshift service principal".to_owned(), |p| format!("`{p}`"));
    for statement in role.trust_policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
        let Some(PrincipalBlock::Principal(principal)) = &statement.principal else {
            if matches!(statement.principal, Some(PrincipalBlock::NotPrincipal(_))) {
                out.push(Breadth {
                    code: BreadthCode::TrustsAccountOrAnyone,
                    role: arn.to_owned(),
                    message: format!("its trust allows everyone but a few (`NotPrincipal`); allow {narrow} only"),
                });
            }
            continue;
        };
        let wide: Vec<&String> =
            principal.aws.iter().filter(|p| *p == "*" || p.ends_with(":root") || AccountId::parse(p).is_ok()).collect();
        if principal.any || !wide.is_empty() {
            let who = if principal.any { "`*`".to_owned() } else { format!("`{}`", wide[0]) };
            out.push(Breadth {
                code: BreadthCode::TrustsAccountOrAnyone,
                role: arn.to_owned(),
                message: format!("its trust allows {who}, every principal it stands for; allow {narrow} only"),
            });
        }
        let redshift = principal.service.iter().any(|s| is_redshift_service(s));
        let conditioned = statement.condition.values().flat_map(|keys| keys.keys()).any(|key| {
            let key = key.to_ascii_lowercase();
            key == "aws:sourceaccount" || key == "aws:sourcearn"
        });
        if previous.is_none() && redshift && !conditioned {
            out.push(Breadth {
                code: BreadthCode::NoSourceCondition,
                role: arn.to_owned(),
                message: "its trust lets Redshift assume it for any account (no `aws:SourceAccount` or `aws:SourceArn`); add `aws:SourceAccount` with the Redshift account".to_owned(),
            });
        }
    }
}

/// Whether `name` is a Redshift service principal: the global names, or the regional
/// `redshift.<region>.amazonaws.com` that restricts a role to a region
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html>).
fn is_redshift_service(name: &str) -> bool {
    name == REDSHIFT_SERVICE
        || name == REDSHIFT_SERVERLESS_SERVICE
        || name.strip_prefix("redshift.").and_then(|rest| rest.strip_suffix(".amazonaws.com")).is_some_and(|region| {
            !region.is_empty() && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn s3_breadth(arn: &str, role: &RoleState, grant: &BucketGrant, out: &mut Vec<Breadth>) {
    for (name, policy) in role.identity_policies() {
        for statement in policy.statements.iter() {
            if !(allows(statement, "s3:GetObject") || allows(statement, "s3:PutObject")) {
                continue;
            }
            let all_actions = match &statement.action {
                ActionBlock::Action(actions) => actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*")),
                ActionBlock::NotAction(_) => true,
            };
            if all_actions {
                out.push(Breadth {
                    code: BreadthCode::WildcardS3Actions,
                    role: arn.to_owned(),
                    message: format!(
                        "{name} allows every S3 action; COPY needs `s3:GetObject` and `s3:ListBucket`, UNLOAD `s3:PutObject`"
                    ),
                });
            }
            let resources: Vec<&str> = match &statement.resource {
                Some(ResourceBlock::Resource(r)) => r.iter().map(String::as_str).collect(),
                Some(ResourceBlock::NotResource(_)) | None => vec!["*"],
            };
            for resource in resources {
                let bucket = resource.split_once(":s3:::").map_or(resource, |(_, rest)| rest);
                let bucket = bucket.split('/').next().unwrap_or(bucket);
                if resource == "*" || is_pattern(bucket) {
                    out.push(Breadth {
                        code: BreadthCode::WildcardS3Resources,
                        role: arn.to_owned(),
                        message: format!(
                            "{name} grants `{resource}`, more buckets than `{}`; name the bucket and its prefixes",
                            grant.bucket
                        ),
                    });
                }
            }
        }
    }
    if let Some(stated) = role.tags.get(PREFIXES_TAG) {
        let stated: Vec<&str> = stated.split_whitespace().collect();
        if !stated.iter().any(|s| grant.prefix.starts_with(s)) {
            out.push(Breadth {
                code: BreadthCode::OutsideStatedPrefixes,
                role: arn.to_owned(),
                message: format!(
                    "reaches `s3://{}/{}` (from `{}`), outside the prefixes its `{PREFIXES_TAG}` tag states ({})",
                    grant.bucket,
                    grant.prefix,
                    grant.resource,
                    stated.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
}
