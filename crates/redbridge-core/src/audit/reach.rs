//! What a role's identity policies reach: the roles it may assume and the buckets and prefixes
//! it may read or write. The audit's reader follows these grants hop by hop, and the judge walks
//! the same grants over what was read, so both agree on which chains exist.
//!
//! A grant is an `Allow` statement of the role's inline or managed policies whose actions match
//! `sts:AssumeRole` (or `s3:GetObject` / `s3:PutObject`). Its resources may be exact ARNs or
//! patterns: a pattern is matched against the roles and buckets the audit knows, as IAM matches
//! `*` and `?` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! `NotResource` reaches everything but what it lists, so it counts as `*`.

use redbridge_iam::RoleArn;
use redbridge_iam::eval::matches_wildcard;
use redbridge_iam::policy::{ActionBlock, Effect, ResourceBlock, Statement};

use crate::doctor::RoleState;

/// The resources of the role's allows whose actions cover `action`.
fn granted_resources<'a>(role: &'a RoleState, action: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (_, policy) in role.identity_policies() {
        for statement in policy.statements.iter().filter(|s| allows(s, action)) {
            match &statement.resource {
                Some(ResourceBlock::Resource(resources)) => out.extend(resources.iter().map(String::as_str)),
                Some(ResourceBlock::NotResource(_)) | None => out.push("*"),
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `statement` is an `Allow` whose actions cover `action`.
pub fn allows(statement: &Statement, action: &str) -> bool {
    if statement.effect != Effect::Allow {
        return false;
    }
    match &statement.action {
        ActionBlock::Action(actions) => actions.iter().any(|a| matches_wildcard(a, action, true)),
        ActionBlock::NotAction(actions) => !actions.iter().any(|a| matches_wildcard(a, action, true)),
    }
}

/// Whether a resource pattern holds a wildcard.
pub fn is_pattern(resource: &str) -> bool {
    resource.contains(['*', '?'])
}

/// The roles `role` may assume: every exact role ARN its grants name (whether or not it exists),
/// and every role of `known` a wildcard grant matches.
pub fn assumable_roles<'a>(role: &RoleState, known: impl IntoIterator<Item = &'a RoleArn>) -> Vec<RoleArn> {
    let resources = granted_resources(role, "sts:AssumeRole");
    let mut out: Vec<RoleArn> =
        resources.iter().filter(|r| !is_pattern(r)).filter_map(|r| RoleArn::parse(r).ok()).collect();
    let patterns: Vec<&str> = resources.iter().copied().filter(|r| is_pattern(r)).collect();
    if !patterns.is_empty() {
        for candidate in known {
            let text = candidate.to_string();
            if patterns.iter().any(|p| matches_wildcard(p, &text, false)) {
                out.push(candidate.clone());
            }
        }
    }
    out.sort_by_key(ToString::to_string);
    out.dedup();
    out
}

/// Whether the role's `sts:AssumeRole` grants name a wildcard (`*`, `arn:aws:iam::*:role/*`).
pub fn assume_patterns(role: &RoleState) -> Vec<String> {
    granted_resources(role, "sts:AssumeRole").into_iter().filter(|r| is_pattern(r)).map(str::to_owned).collect()
}

/// One bucket and key prefix a role's policies grant `s3:GetObject` or `s3:PutObject` on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BucketGrant {
    /// The bucket.
    pub bucket: String,
    /// The key prefix: the object pattern up to its first wildcard (`""`: the whole bucket).
    pub prefix: String,
    /// The resource pattern that granted it, as written.
    pub resource: String,
}

/// The buckets and prefixes `role` may read or write objects in: exact bucket names from object
/// ARNs (`arn:aws:s3:::bucket/prefix/*`), and every bucket of `known` a wildcard bucket
/// pattern (`*`, `arn:aws:s3:::*`, `arn:aws:s3:::logs-*/*`) matches, for the whole bucket.
pub fn granted_buckets<'a>(role: &RoleState, known: impl IntoIterator<Item = &'a str> + Clone) -> Vec<BucketGrant> {
    let mut resources = granted_resources(role, "s3:GetObject");
    resources.extend(granted_resources(role, "s3:PutObject"));
    resources.sort_unstable();
    resources.dedup();
    let mut out = Vec::new();
    for resource in resources {
        let object = if resource == "*" {
            Some(("*", "*"))
        } else {
            resource.split_once(":s3:::").and_then(|(_, rest)| rest.split_once('/'))
        };
        let Some((bucket, key)) = object else { continue };
        let prefix = key.split(['*', '?']).next().unwrap_or("").to_owned();
        if is_pattern(bucket) {
            for name in known.clone() {
                if matches_wildcard(bucket, name, false) {
                    out.push(BucketGrant {
                        bucket: name.to_owned(),
                        prefix: prefix.clone(),
                        resource: resource.to_owned(),
                    });
                }
            }
        } else if !bucket.is_empty() {
            out.push(BucketGrant { bucket: bucket.to_owned(), prefix, resource: resource.to_owned() });
        }
    }
    out.sort();
    // One grant per bucket and prefix (the first resource that grants it).
    out.dedup_by(|a, b| a.bucket == b.bucket && a.prefix == b.prefix);
    // A prefix inside another granted prefix of the same bucket adds nothing.
    let all = out.clone();
    out.retain(|g| {
        !all.iter().any(|o| o.bucket == g.bucket && o.prefix != g.prefix && g.prefix.starts_with(&o.prefix))
    });
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use redbridge_iam::policy::PolicyDocument;

    use super::*;

    fn role(policy: &str) -> RoleState {
        RoleState {
            trust_policy: PolicyDocument::new(vec![]),
            inline_policies: BTreeMap::from([("p".to_owned(), PolicyDocument::from_json(policy).unwrap())]),
            managed_policies: BTreeMap::new(),
            permissions_boundary: None,
            tags: BTreeMap::new(),
        }
    }

    fn arn(text: &str) -> RoleArn {
        RoleArn::parse(text).unwrap()
    }

    #[test]
    fn exact_assume_grants_are_followed_whether_or_not_the_role_is_known() {
        let r = role(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/bucket"}]}"#,
        );
        assert_eq!(assumable_roles(&r, []), vec![arn("arn:aws:iam::222222222222:role/bucket")]);
        assert!(assume_patterns(&r).is_empty());
    }

    #[test]
    fn wildcard_assume_grants_match_known_roles_only() {
        let r = role(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::*:role/loader-*"}]}"#,
        );
        let known = [arn("arn:aws:iam::222222222222:role/loader-a"), arn("arn:aws:iam::222222222222:role/other")];
        assert_eq!(assumable_roles(&r, &known), vec![arn("arn:aws:iam::222222222222:role/loader-a")]);
        assert_eq!(assume_patterns(&r), vec!["arn:aws:iam::*:role/loader-*"]);
    }

    #[test]
    fn denies_and_other_actions_grant_nothing() {
        let r = role(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::222222222222:role/a"},
                {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data"}]}"#,
        );
        assert!(assumable_roles(&r, []).is_empty());
        assert!(granted_buckets(&r, ["data"]).is_empty());
    }

    #[test]
    fn object_grants_give_bucket_and_prefix_and_wildcards_match_known_buckets() {
        let r = role(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::data/in/*","arn:aws:s3:::data/in/deeper/*"]},
                {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::logs-*/*"}]}"#,
        );
        let grants = granted_buckets(&r, ["logs-a", "data", "other"]);
        let got: Vec<(&str, &str)> = grants.iter().map(|g| (g.bucket.as_str(), g.prefix.as_str())).collect();
        assert_eq!(got, vec![("data", "in/"), ("logs-a", "")]);
    }

    #[test]
    fn not_resource_and_star_reach_every_known_bucket() {
        let r = role(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}]}"#,
        );
        let got: Vec<String> = granted_buckets(&r, ["a", "b"]).into_iter().map(|g| g.bucket).collect();
        assert_eq!(got, vec!["a", "b"]);
    }
}
