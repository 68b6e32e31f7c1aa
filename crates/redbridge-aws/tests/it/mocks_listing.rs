//! The listings `audit` reads through the SDK adapters follow every page: clusters
//! (`DescribeClusters` markers), namespaces and workgroups (`nextToken`), the organization's
//! accounts, and roles with their URL-encoded trust policies; a trust that does not parse is an
//! error naming its role, and a member's ListAccounts is access denied naming the action.

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{Iam, Organizations, Redshift, RedshiftServerless};
use redbridge_aws::sdk::{SdkIam, SdkOrganizations, SdkRedshift, SdkRedshiftServerless};

use crate::block_on;

/// Pages in every listing below.
const PAGES: usize = 3;

/// The page a pagination token asks for: no token is page 1, `page-2` is page 2.
fn page_of(token: Option<&str>) -> usize {
    token.and_then(|t| t.strip_prefix("page-")).map(|n| n.parse().expect("a page number")).unwrap_or(1)
}

/// The token of the page after `page`, unless it is the last.
fn next_token(page: usize) -> Option<String> {
    (page < PAGES).then(|| format!("page-{}", page + 1))
}

#[test]
fn redshift_list_clusters_reads_every_page_with_roles_default_role_and_routing() {
    use aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput;
    use aws_sdk_redshift::types::{Cluster, ClusterIamRole};
    let rule = mock!(aws_sdk_redshift::Client::describe_clusters)
        .match_requests(|r| r.cluster_identifier().is_none())
        .then_compute_output(|r| {
            let page = page_of(r.marker());
            let role = format!("arn:aws:iam::111111111111:role/r{page}");
            let cluster = Cluster::builder()
                .cluster_identifier(format!("c{page}"))
                .iam_roles(ClusterIamRole::builder().iam_role_arn(&role).apply_status("adding").build())
                .set_default_iam_role_arn((page == 1).then_some(role))
                .enhanced_vpc_routing(page == 2)
                .build();
            DescribeClustersOutput::builder().clusters(cluster).set_marker(next_token(page)).build()
        });
    let redshift = SdkRedshift::new(mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [&rule]));
    let clusters = block_on(redshift.list_clusters()).unwrap();
    assert_eq!(rule.num_calls(), PAGES);
    let seen: Vec<(&str, Option<&str>, bool)> = clusters
        .iter()
        .map(|c| (c.identifier.as_str(), c.default_iam_role.as_deref(), c.enhanced_vpc_routing))
        .collect();
    assert_eq!(
        seen,
        [("c1", Some("arn:aws:iam::111111111111:role/r1"), false), ("c2", None, true), ("c3", None, false)]
    );
    assert_eq!(clusters[2].roles[0].arn, "arn:aws:iam::111111111111:role/r3");
    assert_eq!(clusters[2].roles[0].status, redbridge_core::converge::ApplyStatus::Adding);
}

#[test]
fn serverless_list_namespaces_reads_every_page_and_both_role_formats() {
    use aws_sdk_redshiftserverless::operation::list_namespaces::ListNamespacesOutput;
    use aws_sdk_redshiftserverless::types::Namespace;
    let rule = mock!(aws_sdk_redshiftserverless::Client::list_namespaces).then_compute_output(|r| {
        let page = page_of(r.next_token());
        let namespace = Namespace::builder()
            .namespace_name(format!("ns{page}"))
            .iam_roles(format!("IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::111111111111:role/n{page})"))
            .iam_roles("arn:aws:iam::111111111111:role/plain")
            .set_default_iam_role_arn((page == 3).then(|| "arn:aws:iam::111111111111:role/plain".to_owned()))
            .build();
        ListNamespacesOutput::builder().namespaces(namespace).set_next_token(next_token(page)).build().unwrap()
    });
    let serverless = SdkRedshiftServerless::new(mock_client!(aws_sdk_redshiftserverless, RuleMode::MatchAny, [&rule]));
    let namespaces = block_on(serverless.list_namespaces()).unwrap();
    assert_eq!(rule.num_calls(), PAGES);
    let names: Vec<&str> = namespaces.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["ns1", "ns2", "ns3"]);
    let roles: Vec<&str> = namespaces[1].roles.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(roles, ["arn:aws:iam::111111111111:role/n2", "arn:aws:iam::111111111111:role/plain"]);
    assert_eq!(namespaces[0].default_iam_role, None);
    assert_eq!(namespaces[2].default_iam_role.as_deref(), Some("arn:aws:iam::111111111111:role/plain"));
}

#[test]
fn serverless_list_workgroups_reads_every_page_with_namespace_id_and_routing() {
    use aws_sdk_redshiftserverless::operation::list_workgroups::ListWorkgroupsOutput;
    use aws_sdk_redshiftserverless::types::Workgroup;
    let rule = mock!(aws_sdk_redshiftserverless::Client::list_workgroups).then_compute_output(|r| {
        let page = page_of(r.next_token());
        let workgroup = Workgroup::builder()
            .workgroup_name(format!("wg{page}"))
            .namespace_name(format!("ns{page}"))
            .workgroup_id(format!("id-{page}"))
            .enhanced_vpc_routing(page == 3)
            .build();
        ListWorkgroupsOutput::builder().workgroups(workgroup).set_next_token(next_token(page)).build().unwrap()
    });
    let serverless = SdkRedshiftServerless::new(mock_client!(aws_sdk_redshiftserverless, RuleMode::MatchAny, [&rule]));
    let workgroups = block_on(serverless.list_workgroups()).unwrap();
    assert_eq!(rule.num_calls(), PAGES);
    let seen: Vec<(&str, &str, Option<&str>, bool)> = workgroups
        .iter()
        .map(|w| (w.name.as_str(), w.namespace.as_str(), w.workgroup_id.as_deref(), w.enhanced_vpc_routing))
        .collect();
    assert_eq!(
        seen,
        [("wg1", "ns1", Some("id-1"), false), ("wg2", "ns2", Some("id-2"), false), ("wg3", "ns3", Some("id-3"), true)]
    );
}

#[test]
fn organizations_list_accounts_reads_every_page_with_state_before_the_retired_status() {
    use aws_sdk_organizations::operation::list_accounts::ListAccountsOutput;
    use aws_sdk_organizations::types::{Account, AccountState, AccountStatus};
    let rule = mock!(aws_sdk_organizations::Client::list_accounts).then_compute_output(|r| {
        let page = page_of(r.next_token());
        let mut account = Account::builder().id(format!("11111111111{page}")).name(format!("team-{page}"));
        account = match page {
            1 => account.state(AccountState::Active),
            2 => account.state(AccountState::Suspended).status(AccountStatus::Active),
            _ => account.status(AccountStatus::PendingClosure),
        };
        ListAccountsOutput::builder().accounts(account.build()).set_next_token(next_token(page)).build()
    });
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&rule]));
    let accounts = block_on(organizations.list_accounts()).unwrap();
    assert_eq!(rule.num_calls(), PAGES);
    let seen: Vec<(&str, &str, &str)> =
        accounts.iter().map(|a| (a.id.as_str(), a.name.as_str(), a.status.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("111111111111", "team-1", "ACTIVE"),
            ("111111111112", "team-2", "SUSPENDED"),
            ("111111111113", "team-3", "PENDING_CLOSURE")
        ]
    );
}

#[test]
fn organizations_list_accounts_as_a_member_is_access_denied_naming_the_action() {
    let denied = mock!(aws_sdk_organizations::Client::list_accounts).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
            aws_smithy_types::body::SdkBody::from(
                r#"{"__type":"AccessDeniedException","Message":"You don't have permissions to access this resource."}"#,
            ),
        )
    });
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&denied]));
    match block_on(organizations.list_accounts()) {
        Err(AwsError::AccessDenied { action, .. }) => assert_eq!(action.as_deref(), Some("organizations:ListAccounts")),
        other => panic!("access denied, got {other:?}"),
    }
}

fn iam_role(name: &str, trust: &str) -> aws_sdk_iam::types::Role {
    aws_sdk_iam::types::Role::builder()
        .path("/")
        .role_name(name)
        .role_id(format!("AROA{name}"))
        .arn(format!("arn:aws:iam::111111111111:role/{name}"))
        .create_date(aws_smithy_types::DateTime::from_secs(0))
        .assume_role_policy_document(trust)
        .build()
        .unwrap()
}

/// A trust policy as ListRoles returns it: URL-encoded.
const ENCODED_TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22redshift.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

#[test]
fn iam_list_roles_reads_every_page_and_decodes_each_trust() {
    let rule = mock!(aws_sdk_iam::Client::list_roles).then_compute_output(|r| {
        let page = page_of(r.marker());
        aws_sdk_iam::operation::list_roles::ListRolesOutput::builder()
            .roles(iam_role(&format!("role-{page}"), ENCODED_TRUST))
            .is_truncated(page < PAGES)
            .set_marker(next_token(page))
            .build()
            .unwrap()
    });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]));
    let roles = block_on(iam.list_roles()).unwrap();
    assert_eq!(rule.num_calls(), PAGES);
    let names: Vec<&str> = roles.iter().map(|r| r.arn.name()).collect();
    assert_eq!(names, ["role-1", "role-2", "role-3"]);
    assert!(roles[0].trust_policy.to_json().contains("redshift.amazonaws.com"), "{}", roles[0].trust_policy.to_json());
    assert!(roles.iter().all(|r| r.tags.is_empty() && r.permissions_boundary.is_none()));
}

#[test]
fn iam_list_roles_names_the_role_whose_trust_does_not_parse() {
    let rule = mock!(aws_sdk_iam::Client::list_roles).then_output(|| {
        aws_sdk_iam::operation::list_roles::ListRolesOutput::builder()
            .roles(iam_role("fine", ENCODED_TRUST))
            .roles(iam_role("broken", "%7B%22Statement%22%3A"))
            .is_truncated(false)
            .build()
            .unwrap()
    });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]));
    let error = block_on(iam.list_roles()).unwrap_err();
    assert!(error.to_string().contains("role `broken`"), "{error}");
}
