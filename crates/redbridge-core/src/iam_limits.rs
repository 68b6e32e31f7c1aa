//! IAM's size and character limits, checked on a plan before anything is applied, and the rule
//! that fits a generated name into its limit without two inputs sharing one name.
//!
//! Figures are from AWS's "IAM and AWS STS quotas" page,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>: names and their
//! character sets under "IAM name requirements", lengths under "IAM and AWS STS character limits".
//! IAM does not count white space in a policy's size; we count the characters of the compact JSON
//! we send (no white space outside strings), which is what IAM counts or, for white space inside a
//! string, one character more: a plan that passes here is never too large for IAM.

use std::collections::BTreeMap;

use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;

use crate::plan::{AccountPlan, Step};

/// The longest role name IAM accepts.
pub const ROLE_NAME_MAX: usize = 64;
/// The longest inline policy name IAM accepts.
pub const POLICY_NAME_MAX: usize = 128;
/// The most characters all of one role's inline policies may hold together.
pub const ROLE_INLINE_POLICIES_MAX: usize = 10_240;
/// The most characters one managed policy may hold.
pub const MANAGED_POLICY_MAX: usize = 6_144;
/// The most characters a role's trust policy may hold by default (a quota AWS can raise to 4,096).
pub const TRUST_POLICY_MAX: usize = 2_048;
/// The longest tag key.
pub const TAG_KEY_MAX: usize = 128;
/// The longest tag value.
pub const TAG_VALUE_MAX: usize = 256;
/// The longest role description.
pub const ROLE_DESCRIPTION_MAX: usize = 1_000;
/// The longest path.
pub const PATH_MAX: usize = 512;
/// How many hexadecimal digits of the hash end a shortened name.
const HASH_DIGITS: usize = 8;

/// A plan that IAM would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{subject} {problem}; {fix}")]
pub struct LimitError {
    /// What breaks the limit, as in "the inline policies of role `x`".
    pub subject: String,
    /// The limit and by how much it is broken.
    pub problem: String,
    /// What the user can change.
    pub fix: String,
}

/// Fits a generated name into `max` characters.
///
/// The rule: a name that fits is returned unchanged; a longer one keeps its first
/// `max - 9` characters, then `-` and 8 lowercase hexadecimal digits of the 64-bit FNV-1a hash of
/// the whole untruncated name (its low 32 bits). The hash is fixed by this code, not by the Rust
/// release, so the same input plans the same name on every run, and two names that differ only
/// past the cut end differently.
pub fn fit_name(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    let keep = max.saturating_sub(HASH_DIGITS + 1);
    let head: String = name.chars().take(keep).collect();
    format!("{head}-{:08x}", fnv1a(name.as_bytes()) & 0xffff_ffff)
}

/// The 64-bit FNV-1a hash (a published, fixed algorithm).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Escapes a user-supplied string for a policy with Version `2012-10-17`, where `${…}` is a
/// policy variable: each `$` that starts `${` is written `${$}`, which IAM reads as a literal `$`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>,
/// "Special characters"). `*` and `?` (escaped `${*}` and `${?}`) never reach here: prefixes
/// refuse them. Strings without `${` are unchanged.
pub fn escape_policy_text(text: &str) -> String {
    text.replace("${", "${$}{")
}

/// The size IAM counts for a policy: the characters of its compact JSON.
pub fn policy_size(policy: &PolicyDocument) -> usize {
    policy.to_json().chars().count()
}

/// Checks a managed policy against [`MANAGED_POLICY_MAX`].
pub fn check_managed_policy(name: &str, policy: &PolicyDocument) -> Result<(), LimitError> {
    let size = policy_size(policy);
    if size > MANAGED_POLICY_MAX {
        return Err(LimitError {
            subject: format!("managed policy `{name}`"),
            problem: format!("has {size} characters, over IAM's limit of {MANAGED_POLICY_MAX} for a managed policy"),
            fix: "split it into several policies or use fewer, shorter resources".to_owned(),
        });
    }
    check_policy_characters(&format!("managed policy `{name}`"), policy)
}

/// Checks every role, inline policy and tag in the plan against IAM's limits.
pub fn check_plan(accounts: &[AccountPlan]) -> Result<(), LimitError> {
    let mut inline_sizes: BTreeMap<String, usize> = BTreeMap::new();
    for step in accounts.iter().flat_map(|account| &account.steps) {
        match step {
            Step::CreateRole { role, description, trust_policy, tags } => {
                check_role(role)?;
                check_description(role, description)?;
                check_trust(role, trust_policy)?;
                for (key, value) in tags {
                    check_tag(role, key, value)?;
                }
            }
            Step::PutRolePolicy { role, policy_name, policy } => {
                check_role(role)?;
                check_policy_name(role, policy_name)?;
                check_policy_characters(&format!("inline policy `{policy_name}` of role `{role}`"), policy)?;
                *inline_sizes.entry(role.to_string()).or_default() += policy_size(policy);
            }
            Step::MergeKeyPolicy { .. } | Step::AttachRole { .. } => {}
        }
    }
    for (role, size) in inline_sizes {
        if size > ROLE_INLINE_POLICIES_MAX {
            return Err(LimitError {
                subject: format!("the inline policies of role `{role}`"),
                problem: format!(
                    "have {size} characters together, over IAM's limit of {ROLE_INLINE_POLICIES_MAX} for a role's inline policies"
                ),
                fix: "list fewer prefixes, or one common parent prefix (its keys are all granted)".to_owned(),
            });
        }
    }
    Ok(())
}

fn check_role(role: &RoleArn) -> Result<(), LimitError> {
    RoleArn::validate_name(role.name()).map_err(|problem| LimitError {
        subject: format!("role `{role}`"),
        problem,
        fix: format!("give a role name of at most {ROLE_NAME_MAX} letters, digits and `+=,.@_-`"),
    })?;
    let path = role.path();
    let path_ok = path.len() <= PATH_MAX
        && path.starts_with('/')
        && path.ends_with('/')
        && path.chars().all(|c| ('!'..='\u{7f}').contains(&c) && c != '*');
    if !path_ok {
        return Err(LimitError {
            subject: format!("role `{role}`"),
            problem: format!("has path `{path}`, which IAM refuses"),
            fix: format!(
                "give a path that starts and ends with `/`, of at most {PATH_MAX} printable ASCII characters without `*`"
            ),
        });
    }
    Ok(())
}

fn check_description(role: &RoleArn, description: &str) -> Result<(), LimitError> {
    let count = description.chars().count();
    let fix = "use shorter names for the roles, the bucket and the Redshift target".to_owned();
    if count > ROLE_DESCRIPTION_MAX {
        return Err(LimitError {
            subject: format!("the description of role `{role}`"),
            problem: format!("has {count} characters, over IAM's limit of {ROLE_DESCRIPTION_MAX}"),
            fix,
        });
    }
    // CreateRole's pattern: tab, line feed, carriage return, U+0020–U+007E and U+00A1–U+00FF.
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}');
    if let Some(c) = description.chars().find(|c| !allowed(*c)) {
        return Err(LimitError {
            subject: format!("the description of role `{role}`"),
            problem: format!("contains {c:?}, which IAM refuses in a role description"),
            fix,
        });
    }
    Ok(())
}

fn check_trust(role: &RoleArn, trust: &PolicyDocument) -> Result<(), LimitError> {
    let size = policy_size(trust);
    if size > TRUST_POLICY_MAX {
        return Err(LimitError {
            subject: format!("the trust policy of role `{role}`"),
            problem: format!("has {size} characters, over IAM's default limit of {TRUST_POLICY_MAX}"),
            fix: "name fewer database users, or ask AWS to raise the role trust policy length quota (up to 4,096)"
                .to_owned(),
        });
    }
    check_policy_characters(&format!("the trust policy of role `{role}`"), trust)
}

fn check_tag(role: &RoleArn, key: &str, value: &str) -> Result<(), LimitError> {
    let (what, count, max) = if key.chars().count() > TAG_KEY_MAX {
        ("key", key.chars().count(), TAG_KEY_MAX)
    } else if value.chars().count() > TAG_VALUE_MAX {
        ("value", value.chars().count(), TAG_VALUE_MAX)
    } else {
        return Ok(());
    };
    Err(LimitError {
        subject: format!("tag `{key}` of role `{role}`"),
        problem: format!("has a {what} of {count} characters, over IAM's limit of {max}"),
        fix: format!("shorten the tag {what}"),
    })
}

fn check_policy_name(role: &RoleArn, name: &str) -> Result<(), LimitError> {
    let count = name.chars().count();
    let bad = name.chars().find(|c| !c.is_ascii() || c.is_ascii_control() || "\\/*? ".contains(*c));
    if count == 0 || count > POLICY_NAME_MAX || bad.is_some() {
        return Err(LimitError {
            subject: format!("inline policy name `{name}` of role `{role}`"),
            problem: format!(
                "is not a name IAM accepts ({count} characters; at most {POLICY_NAME_MAX} ASCII characters other than `\\/*?` and space)"
            ),
            fix: "use a shorter name of ASCII letters, digits and `+=,.@_-`".to_owned(),
        });
    }
    Ok(())
}

/// Policy documents hold only tab, line feed, carriage return and U+0020–U+00FF.
fn check_policy_characters(subject: &str, policy: &PolicyDocument) -> Result<(), LimitError> {
    let json = policy.to_json();
    match json.chars().find(|c| !matches!(c, '\t' | '\n' | '\r' | ' '..='\u{ff}')) {
        None => Ok(()),
        Some(c) => Err(LimitError {
            subject: subject.to_owned(),
            problem: format!("contains {c:?}, and IAM policies hold only characters up to U+00FF"),
            fix: "use prefixes and names of Latin-1 characters".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use redbridge_iam::policy::{Principal, Statement};
    use redbridge_iam::{AccountId, Partition};

    use super::*;
    use crate::plan::Side;

    fn role(path: &str) -> RoleArn {
        RoleArn::new(Partition::Aws, AccountId::parse("222222222222").unwrap(), path, "bucket-role").unwrap()
    }

    /// A policy of exactly `size` characters as IAM counts them.
    fn policy_of_size(size: usize) -> PolicyDocument {
        let with = |resource: String| PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], [resource])]);
        let base = policy_size(&with("arn:aws:s3:::b/".to_owned()));
        let policy = with(format!("arn:aws:s3:::b/{}", "k".repeat(size - base)));
        assert_eq!(policy_size(&policy), size);
        policy
    }

    fn trust_of_size(size: usize) -> PolicyDocument {
        let with = |sid: String| {
            PolicyDocument::new(vec![Statement::trust(Principal::service(["redshift.amazonaws.com"])).with_sid(sid)])
        };
        let base = policy_size(&with("S".to_owned()));
        let policy = with("S".repeat(size - base + 1));
        assert_eq!(policy_size(&policy), size);
        policy
    }

    fn plan_of(steps: Vec<Step>) -> Vec<AccountPlan> {
        vec![AccountPlan { account: AccountId::parse("222222222222").unwrap(), side: Side::S3, steps }]
    }

    fn create_role(role: RoleArn, description: &str, trust: PolicyDocument, tag: (&str, &str)) -> Step {
        Step::CreateRole {
            role,
            description: description.to_owned(),
            trust_policy: trust,
            tags: BTreeMap::from([(tag.0.to_owned(), tag.1.to_owned())]),
        }
    }

    fn put(name: &str, policy: PolicyDocument) -> Step {
        Step::PutRolePolicy { role: role("/"), policy_name: name.to_owned(), policy }
    }

    fn role_step(description: &str, trust_size: usize, tag: (&str, &str)) -> Result<(), LimitError> {
        check_plan(&plan_of(vec![create_role(role("/"), description, trust_of_size(trust_size), tag)]))
    }

    #[test]
    fn fit_name_leaves_a_name_that_fits_unchanged() {
        let name = "r".repeat(ROLE_NAME_MAX);
        assert_eq!(fit_name(&name, ROLE_NAME_MAX), name);
    }

    #[test]
    fn fit_name_ends_a_long_name_in_a_stable_hash_of_the_whole_name() {
        let one = fit_name(&format!("{}-one", "r".repeat(80)), ROLE_NAME_MAX);
        let two = fit_name(&format!("{}-two", "r".repeat(80)), ROLE_NAME_MAX);
        assert_eq!(one.len(), ROLE_NAME_MAX);
        assert_ne!(one, two);
        assert!(one.starts_with(&"r".repeat(55)));
        assert_eq!(one, fit_name(&format!("{}-one", "r".repeat(80)), ROLE_NAME_MAX));
        // Pinned: the hash must not change between releases, or existing roles would be orphaned.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn escape_policy_text_makes_dollar_brace_literal_and_leaves_other_text() {
        assert_eq!(escape_policy_text("a${aws:username}/"), "a${$}{aws:username}/");
        assert_eq!(escape_policy_text("exports/$x/"), "exports/$x/");
    }

    #[test]
    fn inline_policies_of_a_role_at_10240_characters_pass_and_one_more_fails() {
        let half = ROLE_INLINE_POLICIES_MAX / 2;
        assert_eq!(check_plan(&plan_of(vec![put("a", policy_of_size(half)), put("b", policy_of_size(half))])), Ok(()));
        let err =
            check_plan(&plan_of(vec![put("a", policy_of_size(half)), put("b", policy_of_size(half + 1))])).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("10241 characters") && message.contains("10240"), "{message}");
        assert!(message.contains("fewer prefixes"), "{message}");
    }

    #[test]
    fn inline_policy_name_of_128_characters_passes_and_129_fails() {
        assert_eq!(check_plan(&plan_of(vec![put(&"p".repeat(128), policy_of_size(200))])), Ok(()));
        let message = check_plan(&plan_of(vec![put(&"p".repeat(129), policy_of_size(200))])).unwrap_err().to_string();
        assert!(message.contains("129 characters") && message.contains("at most 128"), "{message}");
        let message = check_plan(&plan_of(vec![put("a/b", policy_of_size(200))])).unwrap_err().to_string();
        assert!(message.contains("other than"), "{message}");
    }

    #[test]
    fn managed_policy_of_6144_characters_passes_and_6145_fails() {
        assert_eq!(check_managed_policy("m", &policy_of_size(MANAGED_POLICY_MAX)), Ok(()));
        let message = check_managed_policy("m", &policy_of_size(MANAGED_POLICY_MAX + 1)).unwrap_err().to_string();
        assert!(message.contains("6145 characters") && message.contains("6144"), "{message}");
    }

    #[test]
    fn trust_policy_of_2048_characters_passes_and_2049_fails() {
        assert_eq!(role_step("d", TRUST_POLICY_MAX, ("k", "v")), Ok(()));
        let message = role_step("d", TRUST_POLICY_MAX + 1, ("k", "v")).unwrap_err().to_string();
        assert!(message.contains("2049 characters") && message.contains("2048"), "{message}");
        assert!(message.contains("quota"), "{message}");
    }

    #[test]
    fn tag_key_of_128_and_value_of_256_pass_and_one_more_fails() {
        assert_eq!(role_step("d", 200, (&"k".repeat(128), &"v".repeat(256))), Ok(()));
        let message = role_step("d", 200, (&"k".repeat(129), "v")).unwrap_err().to_string();
        assert!(message.contains("key of 129 characters") && message.contains("128"), "{message}");
        let message = role_step("d", 200, ("k", &"v".repeat(257))).unwrap_err().to_string();
        assert!(message.contains("value of 257 characters") && message.contains("256"), "{message}");
    }

    #[test]
    fn role_description_of_1000_characters_passes_and_1001_or_a_bad_character_fails() {
        assert_eq!(role_step(&"d".repeat(1000), 200, ("k", "v")), Ok(()));
        let message = role_step(&"d".repeat(1001), 200, ("k", "v")).unwrap_err().to_string();
        assert!(message.contains("1001 characters") && message.contains("1000"), "{message}");
        let message = role_step("bucket \u{7f}", 200, ("k", "v")).unwrap_err().to_string();
        assert!(message.contains("role description"), "{message}");
    }

    #[test]
    fn role_path_must_be_printable_ascii_without_star() {
        let ok = create_role(role("/team/"), "d", trust_of_size(200), ("k", "v"));
        assert_eq!(check_plan(&plan_of(vec![ok])), Ok(()));
        let starred = RoleArn::new(Partition::Aws, AccountId::parse("222222222222").unwrap(), "/a*/", "r").unwrap();
        let message = check_plan(&plan_of(vec![create_role(starred, "d", trust_of_size(200), ("k", "v"))]))
            .unwrap_err()
            .to_string();
        assert!(message.contains("path `/a*/`") && message.contains("without `*`"), "{message}");
    }

    #[test]
    fn policy_characters_past_latin_1_fail() {
        let policy = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/\u{65e5}/*"])]);
        let message = check_plan(&plan_of(vec![put("p", policy)])).unwrap_err().to_string();
        assert!(message.contains("U+00FF"), "{message}");
    }
}
