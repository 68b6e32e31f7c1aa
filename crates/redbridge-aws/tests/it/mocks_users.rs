//! The IAM adapter's user and group reads against aws-smithy-mocks: the user's ARN and
//! boundary, a missing user as `None`, URL-encoded inline documents decoded, every page of the
//! lists, and access denied mapped with its action.

use aws_sdk_iam::operation::get_group_policy::GetGroupPolicyOutput;
use aws_sdk_iam::operation::get_user::GetUserOutput;
use aws_sdk_iam::operation::get_user_policy::GetUserPolicyOutput;
use aws_sdk_iam::operation::list_attached_group_policies::ListAttachedGroupPoliciesOutput;
use aws_sdk_iam::operation::list_attached_user_policies::ListAttachedUserPoliciesOutput;
use aws_sdk_iam::operation::list_group_policies::ListGroupPoliciesOutput;
use aws_sdk_iam::operation::list_groups_for_user::ListGroupsForUserOutput;
use aws_sdk_iam::operation::list_user_policies::ListUserPoliciesOutput;
use aws_sdk_iam::types::{AttachedPermissionsBoundary, AttachedPolicy, Group, PermissionsBoundaryAttachmentType, User};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{Iam, UserInfo};
use redbridge_aws::sdk::SdkIam;
use redbridge_iam::policy::{PolicyDocument, Statement};

use crate::block_on;

const USER: &str = "arn:aws:iam::111111111111:user/team/operator";
const BOUNDARY: &str = "arn:aws:iam::111111111111:policy/boundary";
const DENIED: &str = "User: arn:aws:iam::111111111111:user/team/operator is not authorized to perform: iam:GetUser on resource: user operator because no identity-based policy allows the iam:GetUser action";

fn http(status: u16, body: &str) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap(),
        aws_smithy_types::body::SdkBody::from(body.to_owned()),
    )
}

fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
    )
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

fn pass_role() -> PolicyDocument {
    PolicyDocument::new(vec![Statement::allow(
        ["iam:PassRole"],
        ["arn:aws:iam::111111111111:role/redbridge-analytics"],
    )])
}

fn page_of(token: Option<&str>) -> usize {
    token.and_then(|t| t.strip_prefix("page-")).map(|n| n.parse().expect("a page number")).unwrap_or(1)
}

fn next_token(page: usize, pages: usize) -> Option<String> {
    (page < pages).then(|| format!("page-{}", page + 1))
}

#[test]
fn iam_get_user_reads_the_arn_and_boundary_and_a_missing_user_is_none() {
    let found =
        mock!(aws_sdk_iam::Client::get_user).match_requests(|r| r.user_name() == Some("operator")).then_output(|| {
            let user = User::builder()
                .path("/team/")
                .user_name("operator")
                .user_id("AIDAEXAMPLE")
                .arn(USER)
                .create_date(aws_smithy_types::DateTime::from_secs(0))
                .permissions_boundary(
                    AttachedPermissionsBoundary::builder()
                        .permissions_boundary_type(PermissionsBoundaryAttachmentType::Policy)
                        .permissions_boundary_arn(BOUNDARY)
                        .build(),
                )
                .build()
                .unwrap();
            GetUserOutput::builder().user(user).build()
        });
    let missing = mock!(aws_sdk_iam::Client::get_user)
        .match_requests(|r| r.user_name() == Some("ghost"))
        .then_http_response(|| http(404, &query_error("NoSuchEntity", "The user with name ghost cannot be found.")));
    let denied = mock!(aws_sdk_iam::Client::get_user)
        .match_requests(|r| r.user_name() == Some("secret"))
        .then_http_response(|| http(403, &query_error("AccessDenied", DENIED)));
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&found, &missing, &denied]));
    assert_eq!(
        block_on(iam.get_user("operator")).unwrap(),
        Some(UserInfo { arn: USER.into(), permissions_boundary: Some(BOUNDARY.into()) })
    );
    assert_eq!(block_on(iam.get_user("ghost")).unwrap(), None, "NoSuchEntity is `None`");
    match block_on(iam.get_user("secret")) {
        Err(AwsError::AccessDenied { action: Some(action), .. }) => assert_eq!(action, "iam:GetUser"),
        other => panic!("expected access denied, got {other:?}"),
    }
}

#[test]
fn iam_user_and_group_inline_policies_are_decoded() {
    let user = mock!(aws_sdk_iam::Client::get_user_policy)
        .match_requests(|r| r.user_name() == Some("operator") && r.policy_name() == Some("apply"))
        .then_output(|| {
            GetUserPolicyOutput::builder()
                .user_name("operator")
                .policy_name("apply")
                .policy_document(url_encoded(&pass_role().to_json()))
                .build()
                .unwrap()
        });
    let user_missing = mock!(aws_sdk_iam::Client::get_user_policy)
        .match_requests(|r| r.policy_name() == Some("gone"))
        .then_http_response(|| {
            http(404, &query_error("NoSuchEntity", "The user policy with name gone cannot be found."))
        });
    let group = mock!(aws_sdk_iam::Client::get_group_policy)
        .match_requests(|r| r.group_name() == Some("deployers") && r.policy_name() == Some("shared"))
        .then_output(|| {
            GetGroupPolicyOutput::builder()
                .group_name("deployers")
                .policy_name("shared")
                .policy_document(url_encoded(&pass_role().to_json()))
                .build()
                .unwrap()
        });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&user, &user_missing, &group]));
    assert_eq!(block_on(iam.get_user_policy("operator", "apply")).unwrap(), Some(pass_role()));
    assert_eq!(block_on(iam.get_user_policy("operator", "gone")).unwrap(), None);
    assert_eq!(block_on(iam.get_group_policy("deployers", "shared")).unwrap(), Some(pass_role()));
}

#[test]
fn iam_user_and_group_lists_follow_every_page() {
    const PAGES: usize = 3;
    let user_inline = mock!(aws_sdk_iam::Client::list_user_policies).then_compute_output(|r| {
        let page = page_of(r.marker());
        ListUserPoliciesOutput::builder()
            .policy_names(format!("user-inline-{page}"))
            .is_truncated(page < PAGES)
            .set_marker(next_token(page, PAGES))
            .build()
            .unwrap()
    });
    let user_attached = mock!(aws_sdk_iam::Client::list_attached_user_policies).then_compute_output(|r| {
        let page = page_of(r.marker());
        ListAttachedUserPoliciesOutput::builder()
            .attached_policies(AttachedPolicy::builder().policy_arn(format!("arn:aws:iam::1:policy/u{page}")).build())
            .is_truncated(page < PAGES)
            .set_marker(next_token(page, PAGES))
            .build()
    });
    let groups = mock!(aws_sdk_iam::Client::list_groups_for_user).then_compute_output(|r| {
        let page = page_of(r.marker());
        let group = Group::builder()
            .path("/")
            .group_name(format!("group-{page}"))
            .group_id("AGPAEXAMPLE")
            .arn(format!("arn:aws:iam::111111111111:group/group-{page}"))
            .create_date(aws_smithy_types::DateTime::from_secs(0))
            .build()
            .unwrap();
        ListGroupsForUserOutput::builder()
            .groups(group)
            .is_truncated(page < PAGES)
            .set_marker(next_token(page, PAGES))
            .build()
            .unwrap()
    });
    let group_inline = mock!(aws_sdk_iam::Client::list_group_policies).then_compute_output(|r| {
        let page = page_of(r.marker());
        ListGroupPoliciesOutput::builder()
            .policy_names(format!("group-inline-{page}"))
            .is_truncated(page < PAGES)
            .set_marker(next_token(page, PAGES))
            .build()
            .unwrap()
    });
    let group_attached = mock!(aws_sdk_iam::Client::list_attached_group_policies).then_compute_output(|r| {
        let page = page_of(r.marker());
        ListAttachedGroupPoliciesOutput::builder()
            .attached_policies(AttachedPolicy::builder().policy_arn(format!("arn:aws:iam::1:policy/g{page}")).build())
            .is_truncated(page < PAGES)
            .set_marker(next_token(page, PAGES))
            .build()
    });
    let iam = SdkIam::new(mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        [&user_inline, &user_attached, &groups, &group_inline, &group_attached]
    ));
    assert_eq!(
        block_on(iam.list_user_policies("operator")).unwrap(),
        ["user-inline-1", "user-inline-2", "user-inline-3"]
    );
    assert_eq!(
        block_on(iam.list_attached_user_policies("operator")).unwrap(),
        ["arn:aws:iam::1:policy/u1", "arn:aws:iam::1:policy/u2", "arn:aws:iam::1:policy/u3"]
    );
    assert_eq!(block_on(iam.list_groups_for_user("operator")).unwrap(), ["group-1", "group-2", "group-3"]);
    assert_eq!(
        block_on(iam.list_group_policies("deployers")).unwrap(),
        ["group-inline-1", "group-inline-2", "group-inline-3"]
    );
    assert_eq!(
        block_on(iam.list_attached_group_policies("deployers")).unwrap(),
        ["arn:aws:iam::1:policy/g1", "arn:aws:iam::1:policy/g2", "arn:aws:iam::1:policy/g3"]
    );
    for rule in [&user_inline, &user_attached, &groups, &group_inline, &group_attached] {
        assert_eq!(rule.num_calls(), PAGES);
    }
}
