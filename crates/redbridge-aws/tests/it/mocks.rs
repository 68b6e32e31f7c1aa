//! The SDK adapters against aws-smithy-mocks: every operation, error mapping (with real wire
//! error bodies), throttling and the SDK's retry, eventual-consistency retry,
//! `adding` → `in-sync` polling and the serverless merge with both `iamRoles` formats.

use std::time::Duration;

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::apply_engine::{self, AccountPorts, NoSleep, Ports, RunSettings, Silent};
use redbridge_aws::ports::{
    DataTarget, Iam, Kms, NewRole, Redshift, RedshiftData, RedshiftServerless, S3, StatementState, Sts,
};
use redbridge_aws::sdk::{
    SdkIam, SdkKms, SdkOrganizations, SdkRedshift, SdkRedshiftData, SdkRedshiftServerless, SdkS3, SdkSts,
    parse_namespace_role, percent_decode,
};
use redbridge_core::converge::{AccountDiff, Action, ApplyStatus, AttachedRole, Change, ChangeKind, Diff};
use redbridge_core::plan::Side;
use redbridge_core::spec::Target;
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, RoleArn};

use crate::block_on;

const ROLE: &str = "arn:aws:iam::111111111111:role/redbridge-analytics";
const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DENIED: &str = "User: arn:aws:sts::111111111111:assumed-role/deployer/ci-session is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::111111111111:role/redbridge-analytics because no identity-based policy allows the iam:CreateRole action";

fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
    )
}

fn json_error(code: &str, message: &str) -> String {
    format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}")
}

fn trust() -> PolicyDocument {
    PolicyDocument::new(vec![
        Statement::trust(Principal::service(["redshift.amazonaws.com"])).with_sid("RedbridgeRedshiftService"),
    ])
}

/// What IAM sends: the policy URL-encoded.
fn url_encoded(json: &str) -> String {
    json.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn iam_role(tags: &[(&str, &str)]) -> aws_sdk_iam::types::Role {
    let mut builder = aws_sdk_iam::types::Role::builder()
        .path("/")
        .role_name("redbridge-analytics")
        .role_id("AROAEXAMPLE")
        .arn(ROLE)
        .create_date(aws_smithy_types::DateTime::from_secs(0))
        .assume_role_policy_document(url_encoded(&trust().to_json()));
    for (k, v) in tags {
        builder = builder.tags(aws_sdk_iam::types::Tag::builder().key(*k).value(*v).build().unwrap());
    }
    builder.build().unwrap()
}

#[test]
fn percent_decoding_restores_iam_documents() {
    let json = trust().to_json();
    assert_eq!(percent_decode(&url_encoded(&json)), json);
    assert_eq!(percent_decode("100%"), "100%", "a lone percent stays");
}

#[test]
fn iam_get_role_decodes_the_trust_policy_and_tags() {
    let found = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("redbridge-analytics"))
        .then_output(|| {
            aws_sdk_iam::operation::get_role::GetRoleOutput::builder()
                .role(iam_role(&[("managed-by", "redbridge")]))
                .build()
        });
    let missing = mock!(aws_sdk_iam::Client::get_role)
        .match_requests(|r| r.role_name() == Some("missing"))
        .then_http_response(|| http(404, &query_error("NoSuchEntity", "The role with name missing cannot be found.")));
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&found, &missing]);
    let iam = SdkIam::new(client);
    let role = block_on(iam.get_role("redbridge-analytics")).unwrap().expect("found");
    assert_eq!(role.arn.to_string(), ROLE);
    assert_eq!(role.trust_policy, trust());
    assert_eq!(role.tags, [("managed-by".to_owned(), "redbridge".to_owned())]);
    assert_eq!(block_on(iam.get_role("missing")).unwrap(), None, "NoSuchEntity is `None`");
}

fn http(status: u16, body: &str) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap(),
        aws_smithy_types::body::SdkBody::from(body.to_owned()),
    )
}

#[test]
fn iam_create_role_sends_path_trust_and_tags_and_maps_access_denied() {
    let create = mock!(aws_sdk_iam::Client::create_role)
        .match_requests(|r| {
            r.role_name() == Some("redbridge-analytics")
                && r.path() == Some("/")
                && r.assume_role_policy_document().map(PolicyDocument::from_json).and_then(Result::ok) == Some(trust())
                && r.tags().iter().any(|t| t.key() == "managed-by" && t.value() == "redbridge")
        })
        .sequence()
        .output(|| aws_sdk_iam::operation::create_role::CreateRoleOutput::builder().role(iam_role(&[])).build())
        .http_status(403, Some(query_error("AccessDenied", DENIED)))
        .build();
    let client = mock_client!(aws_sdk_iam, RuleMode::Sequential, [&create]);
    let iam = SdkIam::new(client);
    let role = NewRole {
        arn: RoleArn::parse(ROLE).unwrap(),
        trust_policy: trust(),
        description: "d".into(),
        tags: vec![("managed-by".into(), "redbridge".into())],
    };
    block_on(iam.create_role(&role)).unwrap();
    let error = block_on(iam.create_role(&role)).unwrap_err();
    assert_eq!(
        error,
        AwsError::AccessDenied {
            action: Some("iam:CreateRole".into()),
            principal: Some("arn:aws:sts::111111111111:assumed-role/deployer/ci-session".into()),
            message: DENIED.into(),
        }
    );
    assert!(error.to_string().starts_with(
        "access denied for `iam:CreateRole` to `arn:aws:sts::111111111111:assumed-role/deployer/ci-session`"
    ));
    assert_eq!(create.num_calls(), 2);
}

#[test]
fn iam_conflicts_and_invalid_principal_are_classified() {
    let create = mock!(aws_sdk_iam::Client::create_role)
        .sequence()
        .http_status(
            409,
            Some(query_error("EntityAlreadyExists", "Role with name redbridge-analytics already exists.")),
        )
        .http_status(
            400,
            Some(query_error(
                "MalformedPolicyDocument",
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111111111111:role/x\"",
            )),
        )
        .build();
    let client = mock_client!(aws_sdk_iam, RuleMode::Sequential, [&create]);
    let iam = SdkIam::new(client);
    let role =
        NewRole { arn: RoleArn::parse(ROLE).unwrap(), trust_policy: trust(), description: "d".into(), tags: vec![] };
    assert!(
        matches!(block_on(iam.create_role(&role)), Err(AwsError::Conflict { code, .. }) if code == "EntityAlreadyExists")
    );
    let invalid = block_on(iam.create_role(&role)).unwrap_err();
    assert!(invalid.is_invalid_principal() && invalid.is_transient(), "{invalid:?}");
}

#[test]
fn iam_trust_tag_delete_and_inline_policy_operations() {
    let policy = PolicyDocument::new(vec![
        Statement::allow(["sts:AssumeRole"], ["arn:aws:iam::222222222222:role/b"]).with_sid("RedbridgeAssumeNextRole"),
    ]);
    let expected = policy.clone();
    let update = mock!(aws_sdk_iam::Client::update_assume_role_policy)
        .match_requests(|r| {
            r.role_name() == Some("r")
                && r.policy_document().map(PolicyDocument::from_json).and_then(Result::ok) == Some(trust())
        })
        .then_output(|| {
            aws_sdk_iam::operation::update_assume_role_policy::UpdateAssumeRolePolicyOutput::builder().build()
        });
    let tag = mock!(aws_sdk_iam::Client::tag_role)
        .match_requests(|r| r.role_name() == Some("r") && r.tags().len() == 1 && r.tags()[0].key() == "adopted-by")
        .then_output(|| aws_sdk_iam::operation::tag_role::TagRoleOutput::builder().build());
    let delete =
        mock!(aws_sdk_iam::Client::delete_role).match_requests(|r| r.role_name() == Some("r")).then_http_response(
            || http(409, &query_error("DeleteConflict", "Cannot delete entity, must delete policies first.")),
        );
    let put_json = policy.to_json();
    let put = mock!(aws_sdk_iam::Client::put_role_policy)
        .match_requests(move |r| {
            r.role_name() == Some("r") && r.policy_name() == Some("p") && r.policy_document() == Some(put_json.as_str())
        })
        .then_output(|| aws_sdk_iam::operation::put_role_policy::PutRolePolicyOutput::builder().build());
    let encoded = url_encoded(&policy.to_json());
    let get = mock!(aws_sdk_iam::Client::get_role_policy).match_requests(|r| r.policy_name() == Some("p")).then_output(
        move || {
            aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput::builder()
                .role_name("r")
                .policy_name("p")
                .policy_document(encoded.clone())
                .build()
                .unwrap()
        },
    );
    let get_missing = mock!(aws_sdk_iam::Client::get_role_policy)
        .match_requests(|r| r.policy_name() == Some("missing"))
        .then_http_response(|| {
            http(404, &query_error("NoSuchEntity", "The role policy with name missing cannot be found."))
        });
    let remove = mock!(aws_sdk_iam::Client::delete_role_policy)
        .match_requests(|r| r.role_name() == Some("r") && r.policy_name() == Some("p"))
        .then_output(|| aws_sdk_iam::operation::delete_role_policy::DeleteRolePolicyOutput::builder().build());
    let client =
        mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&update, &tag, &delete, &put, &get, &get_missing, &remove]);
    let iam = SdkIam::new(client);
    block_on(iam.update_trust_policy("r", &trust())).unwrap();
    block_on(iam.tag_role("r", &[("adopted-by".into(), "redbridge".into())])).unwrap();
    assert!(matches!(block_on(iam.delete_role("r")), Err(AwsError::Conflict { code, .. }) if code == "DeleteConflict"));
    block_on(iam.put_role_policy("r", "p", &policy)).unwrap();
    assert_eq!(block_on(iam.get_role_policy("r", "p")).unwrap(), Some(expected));
    assert_eq!(block_on(iam.get_role_policy("r", "missing")).unwrap(), None);
    block_on(iam.delete_role_policy("r", "p")).unwrap();
    for rule in [&update, &tag, &delete, &put, &get, &get_missing, &remove] {
        assert_eq!(rule.num_calls(), 1);
    }
}

fn fast_retry() -> aws_smithy_types::retry::RetryConfig {
    aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1))
}

#[test]
fn throttling_is_retried_by_the_sdk_and_mapped_when_it_persists() {
    let throttled = || http(400, &query_error("Throttling", "Rate exceeded"));
    let get = mock!(aws_sdk_iam::Client::get_role)
        .sequence()
        .http_response(throttled)
        .times(2)
        .output(|| aws_sdk_iam::operation::get_role::GetRoleOutput::builder().role(iam_role(&[])).build())
        .build();
    let client = mock_client!(aws_sdk_iam, RuleMode::Sequential, [&get], |c| c.retry_config(fast_retry()));
    assert!(block_on(SdkIam::new(client).get_role("redbridge-analytics")).unwrap().is_some());
    assert_eq!(get.num_calls(), 3, "two throttled attempts, then success");

    let always = mock!(aws_sdk_kms::Client::get_key_policy)
        .sequence()
        .http_status(400, Some(json_error("ThrottlingException", "Rate exceeded")))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_kms, RuleMode::Sequential, [&always], |c| c.retry_config(fast_retry()));
    let error = block_on(SdkKms::new(client).get_key_policy(&KmsKeyArn::parse(KEY).unwrap())).unwrap_err();
    assert!(matches!(error, AwsError::Throttled { .. }), "{error:?}");
    assert_eq!(always.num_calls(), 3, "the SDK's three attempts");
}

#[test]
fn sts_caller_identity_and_its_access_denied() {
    let ok = mock!(aws_sdk_sts::Client::get_caller_identity)
        .sequence()
        .output(|| {
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
                .account("222222222222")
                .arn("arn:aws:sts::222222222222:assumed-role/admin/me")
                .user_id("AROA:me")
                .build()
        })
        .http_status(
            403,
            Some(query_error(
                "AccessDenied",
                "User: arn:aws:iam::222222222222:user/x is not authorized to perform: sts:GetCallerIdentity",
            )),
        )
        .build();
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&ok]);
    let sts = SdkSts::new(client);
    let identity = block_on(sts.caller_identity()).unwrap();
    assert_eq!(identity.account, AccountId::parse("222222222222").unwrap());
    assert!(matches!(
        block_on(sts.caller_identity()),
        Err(AwsError::AccessDenied { action: Some(a), principal: Some(p), .. }) if a == "sts:GetCallerIdentity" && p == "arn:aws:iam::222222222222:user/x"
    ));
}

#[test]
fn kms_key_policy_round_trip_describe_and_errors() {
    let policy = PolicyDocument::new(vec![
        Statement::allow(["kms:*"], ["*"])
            .with_sid("Enable IAM User Permissions")
            .with_principal(Principal::aws(["arn:aws:iam::222222222222:root"])),
    ]);
    let text = policy.to_json_pretty();
    let expected = policy.clone();
    let get = mock!(aws_sdk_kms::Client::get_key_policy)
        .match_requests(|r| r.key_id() == Some(KEY) && r.policy_name() == Some("default"))
        .then_output(move || {
            aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput::builder()
                .policy(text.clone())
                .policy_name("default")
                .build()
        });
    let put = mock!(aws_sdk_kms::Client::put_key_policy)
        .match_requests(move |r| r.policy().map(PolicyDocument::from_json).and_then(Result::ok) == Some(expected.clone()))
        .sequence()
        .output(|| aws_sdk_kms::operation::put_key_policy::PutKeyPolicyOutput::builder().build())
        .http_status(400, Some(json_error("MalformedPolicyDocumentException", "Policy contains a statement with one or more invalid principals.")))
        .http_status(400, Some(json_error("AccessDeniedException", "User: arn:aws:sts::222222222222:assumed-role/ci/s is not authorized to perform: kms:PutKeyPolicy on resource: key")))
        .build();
    let describe = mock!(aws_sdk_kms::Client::describe_key).then_output(|| {
        aws_sdk_kms::operation::describe_key::DescribeKeyOutput::builder()
            .key_metadata(
                aws_sdk_kms::types::KeyMetadata::builder()
                    .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
                    .arn(KEY)
                    .enabled(true)
                    .key_manager(aws_sdk_kms::types::KeyManagerType::Customer)
                    .build()
                    .unwrap(),
            )
            .build()
    });
    let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, [&get, &put, &describe]);
    let kms = SdkKms::new(client);
    let key = KmsKeyArn::parse(KEY).unwrap();
    assert_eq!(block_on(kms.get_key_policy(&key)).unwrap(), policy);
    block_on(kms.put_key_policy(&key, &policy)).unwrap();
    assert!(block_on(kms.put_key_policy(&key, &policy)).unwrap_err().is_invalid_principal());
    assert!(
        matches!(block_on(kms.put_key_policy(&key, &policy)), Err(AwsError::AccessDenied { action: Some(a), .. }) if a == "kms:PutKeyPolicy")
    );
    let info = block_on(kms.describe_key(&key)).unwrap();
    assert!(info.customer_managed && info.enabled);
}

fn cluster(statuses: &[(&str, &str)]) -> aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput {
    let mut cluster = aws_sdk_redshift::types::Cluster::builder().cluster_identifier("analytics");
    for (arn, status) in statuses {
        cluster = cluster.iam_roles(
            aws_sdk_redshift::types::ClusterIamRole::builder().iam_role_arn(*arn).apply_status(*status).build(),
        );
    }
    aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput::builder().clusters(cluster.build()).build()
}

/// A diff with one change in the Redshift account.
fn one_change(action: Action) -> Diff {
    Diff {
        accounts: vec![AccountDiff {
            account: AccountId::parse("111111111111").unwrap(),
            side: Side::Redshift,
            changes: vec![Change { kind: ChangeKind::Create, subject: "test".into(), action, policy_diff: vec![] }],
        }],
        blockers: vec![],
    }
}

fn sdk_ports(
    iam: aws_sdk_iam::Client,
    redshift: aws_sdk_redshift::Client,
    serverless: aws_sdk_redshiftserverless::Client,
) -> Ports<SdkIam, SdkSts, SdkKms, SdkRedshift, SdkRedshiftServerless, SdkOrganizations> {
    Ports {
        accounts: vec![AccountPorts {
            account: AccountId::parse("111111111111").unwrap(),
            iam: SdkIam::new(iam),
            sts: SdkSts::new(mock_client!(aws_sdk_sts, RuleMode::MatchAny, [] as [&aws_smithy_mocks::Rule; 0])),
            kms: SdkKms::new(mock_client!(aws_sdk_kms, RuleMode::MatchAny, [] as [&aws_smithy_mocks::Rule; 0])),
            organizations: SdkOrganizations::new(mock_client!(
                aws_sdk_organizations,
                RuleMode::MatchAny,
                [] as [&aws_smithy_mocks::Rule; 0]
            )),
        }],
        redshift: SdkRedshift::new(redshift),
        serverless: SdkRedshiftServerless::new(serverless),
    }
}

fn no_iam() -> aws_sdk_iam::Client {
    mock_client!(aws_sdk_iam, RuleMode::MatchAny, [] as [&aws_smithy_mocks::Rule; 0])
}
fn no_redshift() -> aws_sdk_redshift::Client {
    mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [] as [&aws_smithy_mocks::Rule; 0])
}
fn no_serverless() -> aws_sdk_redshiftserverless::Client {
    mock_client!(aws_sdk_redshiftserverless, RuleMode::MatchAny, [] as [&aws_smithy_mocks::Rule; 0])
}

#[test]
fn provisioned_attach_adds_only_and_polls_adding_until_in_sync() {
    let foreign = "arn:aws:iam::111111111111:role/foreign";
    let modify = mock!(aws_sdk_redshift::Client::modify_cluster_iam_roles)
        .match_requests(|r| {
            r.cluster_identifier() == Some("analytics")
                && r.add_iam_roles() == [ROLE]
                && r.remove_iam_roles().is_empty()
        })
        .then_output(|| {
            aws_sdk_redshift::operation::modify_cluster_iam_roles::ModifyClusterIamRolesOutput::builder().build()
        });
    let describe = mock!(aws_sdk_redshift::Client::describe_clusters)
        .match_requests(|r| r.cluster_identifier() == Some("analytics"))
        .sequence()
        .output(move || cluster(&[(foreign, "in-sync"), (ROLE, "adding")]))
        .times(2)
        .output(move || cluster(&[(foreign, "in-sync"), (ROLE, "in-sync")]))
        .build();
    let ports =
        sdk_ports(no_iam(), mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [&modify, &describe]), no_serverless());
    let diff = one_change(Action::Attach {
        target: Target::Provisioned { cluster: "analytics".into() },
        role: RoleArn::parse(ROLE).unwrap(),
        roles: vec![],
    });
    let sleeper = NoSleep::default();
    let report = block_on(apply_engine::execute(&diff, &ports, &RunSettings::default(), &sleeper, &Silent));
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(modify.num_calls(), 1);
    assert_eq!(describe.num_calls(), 3);
    assert_eq!(sleeper.waits().len(), 2, "two `adding` polls, each followed by one wait");
}

#[test]
fn provisioned_remove_and_cluster_not_found() {
    let modify = mock!(aws_sdk_redshift::Client::modify_cluster_iam_roles)
        .match_requests(|r| r.remove_iam_roles() == [ROLE] && r.add_iam_roles().is_empty())
        .then_output(|| {
            aws_sdk_redshift::operation::modify_cluster_iam_roles::ModifyClusterIamRolesOutput::builder().build()
        });
    let missing = mock!(aws_sdk_redshift::Client::describe_clusters)
        .then_http_response(|| http(404, &query_error("ClusterNotFound", "Cluster nope not found.")));
    let client = mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [&modify, &missing]);
    let redshift = SdkRedshift::new(client);
    block_on(redshift.remove_cluster_role("analytics", ROLE)).unwrap();
    assert!(matches!(block_on(redshift.cluster_roles("nope")), Err(AwsError::NotFound { .. })));
}

#[test]
fn namespace_roles_parse_both_formats() {
    assert_eq!(
        parse_namespace_role("IamRole(applyStatus=adding, iamRoleArn=arn:aws:iam::1:role/x)"),
        Some(AttachedRole { arn: "arn:aws:iam::1:role/x".into(), status: ApplyStatus::Adding })
    );
    assert_eq!(
        parse_namespace_role("arn:aws:iam::1:role/plain"),
        Some(AttachedRole { arn: "arn:aws:iam::1:role/plain".into(), status: ApplyStatus::InSync })
    );
    assert_eq!(parse_namespace_role("IamRole(applyStatus=in-sync)"), None);
    assert_eq!(parse_namespace_role("garbage"), None);
}

fn namespace(roles: &[&str]) -> aws_sdk_redshiftserverless::operation::get_namespace::GetNamespaceOutput {
    let mut ns = aws_sdk_redshiftserverless::types::Namespace::builder().namespace_name("analytics-ns");
    for role in roles {
        ns = ns.iam_roles(*role);
    }
    aws_sdk_redshiftserverless::operation::get_namespace::GetNamespaceOutput::builder().namespace(ns.build()).build()
}

#[test]
fn serverless_attach_merges_both_formats_and_waits_for_in_sync() {
    let plain = "arn:aws:iam::111111111111:role/plain-format";
    let structured = "IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::111111111111:role/structured-format)";
    let ours_adding = format!("IamRole(applyStatus=adding, iamRoleArn={ROLE})");
    let ours_in_sync = format!("IamRole(applyStatus=in-sync, iamRoleArn={ROLE})");
    let get = mock!(aws_sdk_redshiftserverless::Client::get_namespace)
        .sequence()
        .output(move || namespace(&[plain, structured]))
        .output(move || namespace(&[plain, structured, &ours_adding]))
        .output(move || namespace(&[plain, structured, &ours_in_sync]))
        .build();
    let update = mock!(aws_sdk_redshiftserverless::Client::update_namespace)
        .match_requests(move |r| {
            r.namespace_name() == Some("analytics-ns")
                && r.iam_roles() == [plain, "arn:aws:iam::111111111111:role/structured-format", ROLE]
        })
        .then_output(|| {
            aws_sdk_redshiftserverless::operation::update_namespace::UpdateNamespaceOutput::builder().build()
        });
    let ports = sdk_ports(
        no_iam(),
        no_redshift(),
        mock_client!(aws_sdk_redshiftserverless, RuleMode::MatchAny, [&get, &update]),
    );
    let diff = one_change(Action::Attach {
        target: Target::Serverless { workgroup: "analytics-wg".into(), namespace: "analytics-ns".into() },
        role: RoleArn::parse(ROLE).unwrap(),
        roles: vec![],
    });
    let sleeper = NoSleep::default();
    let report = block_on(apply_engine::execute(&diff, &ports, &RunSettings::default(), &sleeper, &Silent));
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(update.num_calls(), 1, "UpdateNamespace with the union of both formats and the new role");
    assert_eq!(get.num_calls(), 3);
    assert_eq!(sleeper.waits().len(), 1);
}

#[test]
fn serverless_missing_namespace_is_not_found() {
    let get = mock!(aws_sdk_redshiftserverless::Client::get_namespace)
        .then_http_response(|| http(400, &json_error("ResourceNotFoundException", "namespace nope not found")));
    let client = mock_client!(aws_sdk_redshiftserverless, RuleMode::MatchAny, [&get]);
    assert!(matches!(
        block_on(SdkRedshiftServerless::new(client).namespace_roles("nope")),
        Err(AwsError::NotFound { .. })
    ));
}

#[test]
fn eventual_consistency_of_iam_is_retried_through_the_sdk_adapter() {
    let create = mock!(aws_sdk_iam::Client::create_role)
        .sequence()
        .http_status(
            400,
            Some(query_error(
                "MalformedPolicyDocument",
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111111111111:role/prev\"",
            )),
        )
        .times(2)
        .output(|| aws_sdk_iam::operation::create_role::CreateRoleOutput::builder().role(iam_role(&[])).build())
        .build();
    let ports = sdk_ports(mock_client!(aws_sdk_iam, RuleMode::Sequential, [&create]), no_redshift(), no_serverless());
    let diff = one_change(Action::CreateRole {
        role: RoleArn::parse(ROLE).unwrap(),
        description: "d".into(),
        trust_policy: trust(),
        tags: vec![],
    });
    let sleeper = NoSleep::default();
    let report = block_on(apply_engine::execute(&diff, &ports, &RunSettings::default(), &sleeper, &Silent));
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(create.num_calls(), 3);
    assert_eq!(sleeper.waits(), [Duration::from_secs(1), Duration::from_secs(2)]);
}

#[test]
fn s3_bucket_region_and_policy() {
    let location = mock!(aws_sdk_s3::Client::get_bucket_location)
        .sequence()
        .output(|| aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput::builder().build())
        .output(|| {
            aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build()
        })
        .build();
    let policy = mock!(aws_sdk_s3::Client::get_bucket_policy)
        .sequence()
        .http_status(
            404,
            Some(
                "<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message></Error>"
                    .into(),
            ),
        )
        .http_status(
            404,
            Some(
                "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>".into(),
            ),
        )
        .build();
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&location, &policy]);
    let s3 = SdkS3::new(client);
    assert_eq!(block_on(s3.bucket_region("b")).unwrap().as_str(), "us-east-1");
    assert_eq!(block_on(s3.bucket_region("b")).unwrap().as_str(), "eu-west-1");
    assert_eq!(block_on(s3.bucket_policy("b")).unwrap(), None, "no policy is `None`");
    assert!(matches!(block_on(s3.bucket_policy("b")), Err(AwsError::NotFound { .. })), "no bucket is an error");
}

#[test]
fn redshift_data_execute_and_describe() {
    let execute = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .match_requests(|r| r.workgroup_name() == Some("wg") && r.database() == Some("dev"))
        .then_output(|| {
            aws_sdk_redshiftdata::operation::execute_statement::ExecuteStatementOutput::builder().id("s-1").build()
        });
    let describe = mock!(aws_sdk_redshiftdata::Client::describe_statement)
        .sequence()
        .output(|| {
            aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput::builder()
                .id("s-1")
                .status(aws_sdk_redshiftdata::types::StatusString::Started)
                .build()
                .unwrap()
        })
        .output(|| {
            aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput::builder()
                .id("s-1")
                .status(aws_sdk_redshiftdata::types::StatusString::Failed)
                .error("S3ServiceException:Access Denied,Status 403,Error AccessDenied")
                .build()
                .unwrap()
        })
        .build();
    let client = mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&execute, &describe]);
    let data = SdkRedshiftData::new(client);
    let id =
        block_on(data.execute_statement(&DataTarget::Workgroup { workgroup: "wg".into() }, "dev", "select 1")).unwrap();
    assert_eq!(id, "s-1");
    assert_eq!(block_on(data.describe_statement(&id)).unwrap(), StatementState::Running);
    assert!(
        matches!(block_on(data.describe_statement(&id)).unwrap(), StatementState::Failed { error } if error.contains("AccessDenied"))
    );
}
