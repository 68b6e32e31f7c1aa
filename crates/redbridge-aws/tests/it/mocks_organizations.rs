//! The Organizations adapter against aws-smithy-mocks: each call, its pages, and how AWS's
//! errors map (not in an organization → `None`, access denied naming the action, policy type
//! not enabled → no policies, not found).

use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationOutput;
use aws_sdk_organizations::operation::describe_policy::DescribePolicyOutput;
use aws_sdk_organizations::operation::list_parents::ListParentsOutput;
use aws_sdk_organizations::operation::list_policies_for_target::ListPoliciesForTargetOutput;
use aws_sdk_organizations::types::{Organization, Parent, ParentType, Policy, PolicySummary, PolicyType};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{OrgParent, OrgPolicySummary, OrgPolicyType, OrganizationInfo, Organizations};
use redbridge_aws::sdk::SdkOrganizations;

use crate::block_on;

fn json_error(status: u16, code: &str, message: &str) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap(),
        aws_smithy_types::body::SdkBody::from(format!("{{\"__type\":\"{code}\",\"Message\":\"{message}\"}}")),
    )
}

const DENIED: &str = "You don't have permissions to access this resource.";

#[test]
fn describe_organization_reads_the_id_and_management_account_and_none_outside_any() {
    let found = mock!(aws_sdk_organizations::Client::describe_organization).then_output(|| {
        DescribeOrganizationOutput::builder()
            .organization(Organization::builder().id("o-abc123").master_account_id("999999999999").build())
            .build()
    });
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&found]));
    assert_eq!(
        block_on(organizations.describe_organization()).unwrap(),
        Some(OrganizationInfo { id: "o-abc123".into(), management_account: "999999999999".parse().unwrap() })
    );
    let none = mock!(aws_sdk_organizations::Client::describe_organization).then_http_response(|| {
        json_error(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    });
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&none]));
    assert_eq!(block_on(organizations.describe_organization()).unwrap(), None);
}

#[test]
fn access_denied_names_the_action_called() {
    let denied = mock!(aws_sdk_organizations::Client::list_parents)
        .then_http_response(|| json_error(400, "AccessDeniedException", DENIED));
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&denied]));
    match block_on(organizations.list_parents("111111111111")) {
        Err(AwsError::AccessDenied { action, .. }) => assert_eq!(action.as_deref(), Some("organizations:ListParents")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn list_parents_reads_every_page_and_both_parent_types() {
    let pages = mock!(aws_sdk_organizations::Client::list_parents)
        .match_requests(|r| r.child_id() == Some("111111111111"))
        .sequence()
        .output(|| {
            ListParentsOutput::builder()
                .parents(Parent::builder().id("ou-ab12-cd34").r#type(ParentType::OrganizationalUnit).build())
                .next_token("page-2")
                .build()
        })
        .output(|| {
            ListParentsOutput::builder()
                .parents(Parent::builder().id("r-ab12").r#type(ParentType::Root).build())
                .build()
        })
        .build();
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::Sequential, [&pages]));
    assert_eq!(
        block_on(organizations.list_parents("111111111111")).unwrap(),
        [OrgParent::OrganizationalUnit("ou-ab12-cd34".into()), OrgParent::Root("r-ab12".into())]
    );
    assert_eq!(pages.num_calls(), 2);
}

#[test]
fn list_policies_for_target_filters_by_type_and_a_type_not_enabled_has_none() {
    let scps = mock!(aws_sdk_organizations::Client::list_policies_for_target)
        .match_requests(|r| r.target_id() == Some("r-ab12") && r.filter() == Some(&PolicyType::ServiceControlPolicy))
        .then_output(|| {
            ListPoliciesForTargetOutput::builder()
                .policies(PolicySummary::builder().id("p-FullAWSAccess").name("FullAWSAccess").build())
                .build()
        });
    let rcps = mock!(aws_sdk_organizations::Client::list_policies_for_target)
        .match_requests(|r| r.filter() == Some(&PolicyType::ResourceControlPolicy))
        .then_http_response(|| {
            json_error(
                400,
                "PolicyTypeNotEnabledException",
                "This operation can be performed only for enabled policy types.",
            )
        });
    let organizations = SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&scps, &rcps]));
    assert_eq!(
        block_on(organizations.list_policies_for_target("r-ab12", OrgPolicyType::ServiceControlPolicy)).unwrap(),
        [OrgPolicySummary { id: "p-FullAWSAccess".into(), name: "FullAWSAccess".into() }]
    );
    assert_eq!(
        block_on(organizations.list_policies_for_target("r-ab12", OrgPolicyType::ResourceControlPolicy)).unwrap(),
        []
    );
}

#[test]
fn describe_policy_parses_the_content_and_an_unknown_policy_is_not_found() {
    let found = mock!(aws_sdk_organizations::Client::describe_policy)
        .match_requests(|r| r.policy_id() == Some("p-deny1234"))
        .then_output(|| {
            DescribePolicyOutput::builder()
                .policy(
                    Policy::builder()
                        .policy_summary(PolicySummary::builder().id("p-deny1234").name("DenyLeaving").build())
                        .content(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#)
                        .build(),
                )
                .build()
        });
    let missing = mock!(aws_sdk_organizations::Client::describe_policy)
        .match_requests(|r| r.policy_id() == Some("p-missing1"))
        .then_http_response(|| {
            json_error(400, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
        });
    let organizations =
        SdkOrganizations::new(mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&found, &missing]));
    let policy = block_on(organizations.describe_policy("p-deny1234")).unwrap();
    assert_eq!((policy.id.as_str(), policy.name.as_str()), ("p-deny1234", "DenyLeaving"));
    assert_eq!(policy.document.statements.len(), 1);
    assert!(matches!(block_on(organizations.describe_policy("p-missing1")), Err(AwsError::NotFound { .. })));
}

#[test]
fn organizations_is_global_so_any_region_resolves_to_its_one_endpoint() {
    use aws_sdk_organizations::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    let params = Params::builder().region("eu-west-1").use_fips(false).use_dual_stack(false).build().unwrap();
    let endpoint = block_on(DefaultResolver::new().resolve_endpoint(&params)).unwrap();
    assert_eq!(endpoint.url(), "https://organizations.us-east-1.amazonaws.com");
}
