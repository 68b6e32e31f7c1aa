//! Plans that AWS will accept: long default names stay distinct and stable, IAM's limits are
//! checked at plan time with the limit and the fix, and user strings in policies stay literal.

use redbridge_core::iam_limits::{ROLE_INLINE_POLICIES_MAX, TRUST_POLICY_MAX, policy_size};
use redbridge_core::plan::Step;
use redbridge_core::{Plan, PlanError, Spec};
use redbridge_iam::AccountId;
use redbridge_iam::eval::{Outcome, Policies, PolicySet, Request, evaluate};

fn spec_text(bucket: &str, extra: &str) -> String {
    format!(
        r#"
redshift_account = "111111111111"
s3_account = "222222222222"
bucket = "{bucket}"
access = "both"
cluster = "warehouse"
region = "us-east-1"
{extra}
"#
    )
}

fn plan(text: &str) -> Result<Plan, String> {
    let spec = Spec::from_toml(text).map_err(|e| e.to_string())?;
    Plan::new(&spec).map_err(|e| e.to_string())
}

fn bucket_role_name(plan: &Plan) -> String {
    plan.spec.bucket_role_name.clone()
}

fn prefixes(count: usize) -> String {
    let list: Vec<String> = (0..count).map(|i| format!("\"exports/team-{i:04}/daily/\"")).collect();
    format!("prefixes = [{}]", list.join(", "))
}

fn db_users(count: usize) -> String {
    let list: Vec<String> = (0..count).map(|i| format!("\"analyst_{i:04}\"")).collect();
    format!("db_users = [{}]", list.join(", "))
}

fn inline_size(plan: &Plan, role_name: &str) -> usize {
    plan.accounts
        .iter()
        .flat_map(|a| &a.steps)
        .filter_map(|step| match step {
            Step::PutRolePolicy { role, policy, .. } if role.name() == role_name => Some(policy_size(policy)),
            _ => None,
        })
        .sum()
}

#[test]
fn long_buckets_that_differ_only_past_the_cut_plan_different_role_names() {
    let stem = format!("acme-{}", "x".repeat(50));
    let one = plan(&spec_text(&format!("{stem}-one"), "")).unwrap();
    let two = plan(&spec_text(&format!("{stem}-two"), "")).unwrap();
    assert_ne!(bucket_role_name(&one), bucket_role_name(&two));
    for name in [bucket_role_name(&one), bucket_role_name(&two)] {
        assert_eq!(name.len(), 64, "{name}");
        assert!(name.starts_with("redbridge-acme-xxxx"), "{name}");
    }
}

#[test]
fn the_same_long_spec_plans_the_same_role_and_policy_names_twice() {
    let text = spec_text(&format!("acme-{}-one", "x".repeat(50)), "");
    let (first, second) = (plan(&text).unwrap(), plan(&text).unwrap());
    assert_eq!(bucket_role_name(&first), bucket_role_name(&second));
    assert_eq!(first.policies().into_iter().map(|(label, _)| label).collect::<Vec<_>>(), {
        second.policies().into_iter().map(|(label, _)| label).collect::<Vec<_>>()
    });
}

#[test]
fn default_names_that_fit_are_unchanged() {
    let plan = plan(&spec_text("acme-lake", "")).unwrap();
    assert_eq!(bucket_role_name(&plan), "redbridge-acme-lake");
    assert_eq!(plan.spec.cluster_role_name, "redbridge-warehouse");
}

#[test]
fn a_given_role_name_over_64_characters_is_refused_naming_field_limit_and_fix() {
    let ok = plan(&spec_text("acme-lake", &format!("bucket_role_name = \"{}\"", "r".repeat(64)))).unwrap();
    assert_eq!(bucket_role_name(&ok), "r".repeat(64));
    let message = plan(&spec_text("acme-lake", &format!("bucket_role_name = \"{}\"", "r".repeat(65)))).unwrap_err();
    assert!(message.contains("`bucket_role_name`"), "{message}");
    assert!(message.contains("65 characters") && message.contains("limit of 64"), "{message}");
    assert!(message.contains("leave the field out"), "{message}");
}

#[test]
fn many_prefixes_past_the_inline_policy_aggregate_are_refused_at_plan_time() {
    // The most prefixes that still fit, found by counting up.
    let fits = (1..400).take_while(|n| plan(&spec_text("acme-lake", &prefixes(*n))).is_ok()).last().unwrap();
    let under = plan(&spec_text("acme-lake", &prefixes(fits))).unwrap();
    assert!(inline_size(&under, "redbridge-acme-lake") <= ROLE_INLINE_POLICIES_MAX);
    let message = plan(&spec_text("acme-lake", &prefixes(fits + 1))).unwrap_err();
    assert!(message.contains("inline policies of role") && message.contains("10240"), "{message}");
    assert!(message.contains("fewer prefixes") && message.contains("common parent prefix"), "{message}");
}

#[test]
fn many_database_users_past_the_trust_policy_length_are_refused_at_plan_time() {
    let fits = (1..200).take_while(|n| plan(&spec_text("acme-lake", &db_users(*n))).is_ok()).last().unwrap();
    let under = plan(&spec_text("acme-lake", &db_users(fits))).unwrap();
    for step in under.accounts.iter().flat_map(|a| &a.steps) {
        if let Step::CreateRole { trust_policy, .. } = step {
            assert!(policy_size(trust_policy) <= TRUST_POLICY_MAX);
        }
    }
    let message = plan(&spec_text("acme-lake", &db_users(fits + 1))).unwrap_err();
    assert!(message.contains("trust policy") && message.contains("2048"), "{message}");
}

#[test]
fn a_prefix_outside_latin_1_is_refused_at_plan_time() {
    let spec = Spec::from_toml(&spec_text("acme-lake", "prefixes = [\"\u{65e5}\u{672c}/\"]")).unwrap();
    assert!(matches!(Plan::new(&spec), Err(PlanError::Limit(_))));
}

#[test]
fn a_prefix_with_a_policy_variable_grants_exactly_that_literal_prefix() {
    let plan = plan(&spec_text("acme-lake", "prefixes = [\"a${aws:username}/\"]")).unwrap();
    let policies: Vec<_> = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .filter_map(|step| match step {
            Step::PutRolePolicy { role, policy, .. } if role.name() == "redbridge-acme-lake" => Some(policy.clone()),
            _ => None,
        })
        .collect();
    let set = PolicySet::compile(&Policies { identity_policies: policies, ..Policies::default() }).unwrap();
    let decide = |action: &str, resource: &str, prefix: Option<&str>| {
        let mut request = Request::new("arn:aws:iam::222222222222:user/bob", action, resource)
            .unwrap()
            .with_resource_account(AccountId::parse("222222222222").unwrap());
        if let Some(prefix) = prefix {
            request = request.with_context("s3:prefix", prefix);
        }
        evaluate(&request, &set).unwrap().outcome
    };
    assert_eq!(decide("s3:GetObject", "arn:aws:s3:::acme-lake/a${aws:username}/x", None), Outcome::Allowed);
    assert_ne!(decide("s3:GetObject", "arn:aws:s3:::acme-lake/abob/x", None), Outcome::Allowed);
    assert_eq!(decide("s3:ListBucket", "arn:aws:s3:::acme-lake", Some("a${aws:username}/")), Outcome::Allowed);
    assert_ne!(decide("s3:ListBucket", "arn:aws:s3:::acme-lake", Some("abob/")), Outcome::Allowed);
}
