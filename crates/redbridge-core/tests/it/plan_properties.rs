//! For every valid spec: policies parse back, ARNs parse, no wildcard actions, trusts name
//! exactly the previous role, scoping follows the prefixes, statements pass our own linter.

use proptest::prelude::*;
use redbridge_core::plan::{REDSHIFT_SERVERLESS_SERVICE, REDSHIFT_SERVICE, SID_PREFIX, Step};
use redbridge_core::statements::lint_context;
use redbridge_core::{Plan, RawSpec, Spec};
use redbridge_iam::policy::{ActionBlock, PolicyDocument, PrincipalBlock, ResourceBlock};
use redbridge_iam::{Arn, RoleArn};

fn raw_spec() -> impl Strategy<Value = RawSpec> {
    let account = "[0-9]{12}";
    let region = prop_oneof![Just("us-east-1"), Just("eu-west-1"), Just("ap-southeast-2")];
    (
        (account, account, any::<bool>()),
        "[a-z][a-z0-9-]{2,20}[a-z0-9]",
        prop::collection::vec("[a-z]{1,8}/([a-z0-9]{1,6}/)?", 0..3),
        prop_oneof![Just("copy"), Just("unload"), Just("both")],
        (region.clone(), prop::option::of(region)),
        (any::<bool>(), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        any::<bool>(),
        prop::collection::vec("[a-z][a-z0-9_]{0,10}", 0..3),
        prop::collection::vec(("[0-9]{12}", "[A-Za-z][A-Za-z0-9-]{0,20}"), 0..3),
        (prop_oneof![Just("csv"), Just("text"), Just("json"), Just("parquet")], any::<bool>()),
    )
        .prop_map(
            |(
                (redshift, s3, same),
                bucket,
                prefixes,
                access,
                (region, bucket_region),
                (kms, key_id),
                serverless,
                db_users,
                hops,
                (format, cleanpath),
            )| {
                let s3 = if same { redshift.clone() } else { s3 };
                let key_region = bucket_region.unwrap_or(region);
                RawSpec {
                    redshift_account: Some(redshift),
                    kms_key: kms.then(|| format!("arn:aws:kms:{key_region}:{s3}:key/{key_id}")),
                    s3_account: Some(s3),
                    bucket: Some(bucket),
                    prefixes,
                    access: Some(access.to_owned()),
                    cluster: (!serverless).then(|| "warehouse".to_owned()),
                    workgroup: serverless.then(|| "analytics-wg".to_owned()),
                    namespace: serverless.then(|| "analytics-ns".to_owned()),
                    region: Some(region.to_owned()),
                    bucket_region: bucket_region.map(str::to_owned),
                    db_users,
                    intermediate_roles: hops.into_iter().map(|(a, n)| format!("arn:aws:iam::{a}:role/{n}")).collect(),
                    format: Some(format.to_owned()),
                    cleanpath,
                    ..RawSpec::default()
                }
            },
        )
}

fn policy_arns(policy: &PolicyDocument) -> Vec<String> {
    let mut out = Vec::new();
    for statement in &policy.statements {
        out.extend(statement.resource_patterns().iter().filter(|r| *r != "*").cloned());
        if let Some(PrincipalBlock::Principal(p)) = &statement.principal {
            out.extend(p.aws.iter().cloned());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plans_of_valid_specs_are_sound(raw in raw_spec()) {
        // Some generated combinations are invalid on purpose (PARQUET COPY across regions,
        // duplicate hops); those must fail with a message, never panic.
        let spec = match Spec::from_raw(&raw) {
            Ok(spec) => spec,
            Err(e) => { prop_assert!(!e.message.is_empty()); return Ok(()); }
        };
        let plan = match Plan::new(&spec) {
            Ok(plan) => plan,
            Err(e) => { prop_assert!(!e.to_string().is_empty()); return Ok(()); }
        };
        let roles = plan.chain.roles();
        for (label, policy) in plan.policies() {
            // Every policy parses back to itself.
            prop_assert_eq!(PolicyDocument::from_json(&policy.to_json()).unwrap(), policy.clone(), "{}", label);
            for statement in &policy.statements {
                prop_assert!(statement.sid.as_deref().is_some_and(|s| s.starts_with(SID_PREFIX)), "{}", label);
                // No wildcard actions, and no NotAction / NotResource, anywhere.
                let ActionBlock::Action(actions) = &statement.action else { panic!("NotAction in {label}") };
                prop_assert!(actions.iter().all(|a| !a.contains('*') && !a.contains('?')), "{}: {:?}", label, actions);
                prop_assert!(!matches!(statement.resource, Some(ResourceBlock::NotResource(_))));
            }
            // Every ARN in it parses.
            for arn in policy_arns(&policy) {
                prop_assert!(Arn::parse(arn.trim_end_matches('*')).is_ok() || Arn::parse(&arn).is_ok(), "{}: {}", label, arn);
            }
        }
        for account in &plan.accounts {
            for step in &account.steps {
                if let Step::CreateRole { role, trust_policy, .. } = step {
                    let index = roles.iter().position(|r| r == role).unwrap();
                    let statement = &trust_policy.statements[0];
                    let Some(PrincipalBlock::Principal(principal)) = &statement.principal else { panic!("no principal") };
                    if index == 0 {
                        let mut expected = vec![REDSHIFT_SERVICE.to_owned()];
                        if spec.target.is_serverless() { expected.push(REDSHIFT_SERVERLESS_SERVICE.to_owned()); }
                        prop_assert_eq!(&principal.service, &expected);
                        prop_assert!(principal.aws.is_empty());
                        prop_assert_eq!(
                            statement.condition["StringEquals"]["aws:SourceAccount"][0].as_string(),
                            spec.redshift_account.to_string()
                        );
                    } else {
                        // The trust names exactly the previous role: never a root, never a wildcard.
                        prop_assert_eq!(&principal.aws, &vec![roles[index - 1].to_string()]);
                        prop_assert!(principal.service.is_empty() && !principal.any);
                        RoleArn::parse(&principal.aws[0]).unwrap();
                    }
                }
            }
        }
        // The bucket role's object access is scoped to the prefixes.
        let last = plan.chain.last();
        for (label, policy) in plan.policies() {
            if !label.starts_with(&last.to_string()) || label.ends_with(" trust") { continue; }
            for statement in &policy.statements {
                for resource in statement.resource_patterns() {
                    if resource.starts_with("arn:aws:s3:::") && resource.contains('/') {
                        let key = resource.split_once('/').unwrap().1;
                        if spec.prefixes.is_empty() {
                            prop_assert_eq!(key, "*");
                        } else {
                            prop_assert!(spec.prefixes.iter().any(|p| key == format!("{p}*")), "{}", resource);
                        }
                    }
                }
                let actions = statement.action_patterns();
                prop_assert!(spec.cleanpath || !actions.iter().any(|a| a == "s3:DeleteObject"));
                prop_assert!(spec.access.unload() || !actions.iter().any(|a| a == "s3:PutObject" || a == "kms:GenerateDataKey"));
                prop_assert!(spec.kms_key.is_some() || !actions.iter().any(|a| a.starts_with("kms:")));
            }
        }
        // What the plan tells people to run passes our own linter.
        let context = lint_context(&spec);
        for statement in plan.statements.iter().filter(|s| s.kind != redbridge_core::plan::StatementKind::Grant) {
            for report in redbridge_sql::lint(&statement.sql, &context) {
                let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.severity == redbridge_sql::Severity::Error).collect();
                prop_assert!(errors.is_empty(), "{}\n{:?}", statement.sql, errors);
                prop_assert!(report.statement.is_some(), "{}", statement.sql);
            }
        }
    }
}
