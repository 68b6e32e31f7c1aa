//! The SDK adapters read every page of every list they page through (IAM inline and attached
//! policies, S3 objects, Data API results), past the page counts where the hand-written loops
//! they replaced gave up, and map an error on a later page like any other.

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{Iam, RedshiftData, S3};
use redbridge_aws::sdk::{SdkIam, SdkRedshiftData, SdkS3};

use crate::block_on;

/// The page a pagination token asks for: no token is page 1, `page-7` is page 7.
fn page_of(token: Option<&str>) -> usize {
    token.and_then(|t| t.strip_prefix("page-")).map(|n| n.parse().expect("a page number")).unwrap_or(1)
}

/// The token that asks for the page after `page`, unless `page` is the last of `pages`.
fn next_token(page: usize, pages: usize) -> Option<String> {
    (page < pages).then(|| format!("page-{}", page + 1))
}

#[test]
fn iam_list_role_policies_follows_every_page() {
    let first =
        mock!(aws_sdk_iam::Client::list_role_policies).match_requests(|r| r.marker().is_none()).then_output(|| {
            aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput::builder()
                .policy_names("a")
                .policy_names("b")
                .is_truncated(true)
                .marker("page-2")
                .build()
                .unwrap()
        });
    let second = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_output(|| {
            aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput::builder()
                .policy_names("c")
                .is_truncated(true)
                .marker("page-3")
                .build()
                .unwrap()
        });
    let third = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.marker() == Some("page-3"))
        .then_output(|| {
            aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput::builder()
                .policy_names("d")
                .is_truncated(false)
                .build()
                .unwrap()
        });
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&first, &second, &third]);
    assert_eq!(block_on(SdkIam::new(client).list_role_policies("r")).unwrap(), ["a", "b", "c", "d"]);
}

#[test]
fn iam_list_role_policies_reads_every_page_past_a_hundred() {
    const PAGES: usize = 150;
    let rule = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.role_name() == Some("r"))
        .then_compute_output(|r| {
            let page = page_of(r.marker());
            aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput::builder()
                .policy_names(format!("inline-{page}"))
                .is_truncated(page < PAGES)
                .set_marker(next_token(page, PAGES))
                .build()
                .unwrap()
        });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]));
    let names = block_on(iam.list_role_policies("r")).unwrap();
    assert_eq!(names.len(), PAGES);
    assert_eq!(names.first().map(String::as_str), Some("inline-1"));
    assert_eq!(names.last().map(String::as_str), Some("inline-150"));
    assert_eq!(rule.num_calls(), PAGES);
}

#[test]
fn iam_list_attached_role_policies_reads_every_page_past_a_hundred() {
    const PAGES: usize = 120;
    let rule = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .match_requests(|r| r.role_name() == Some("r"))
        .then_compute_output(|r| {
            let page = page_of(r.marker());
            let policy = |n: usize| {
                aws_sdk_iam::types::AttachedPolicy::builder()
                    .policy_name(format!("p{page}-{n}"))
                    .policy_arn(format!("arn:aws:iam::2:policy/p{page}-{n}"))
                    .build()
            };
            aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput::builder()
                .attached_policies(policy(1))
                .attached_policies(policy(2))
                .is_truncated(page < PAGES)
                .set_marker(next_token(page, PAGES))
                .build()
        });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&rule]));
    let arns = block_on(iam.list_attached_role_policies("r")).unwrap();
    assert_eq!(arns.len(), 2 * PAGES);
    assert_eq!(arns[..2], ["arn:aws:iam::2:policy/p1-1", "arn:aws:iam::2:policy/p1-2"]);
    assert_eq!(arns.last().map(String::as_str), Some("arn:aws:iam::2:policy/p120-2"));
    assert_eq!(rule.num_calls(), PAGES);
}

#[test]
fn s3_list_objects_reads_every_page_past_a_thousand_including_empty_ones() {
    const PAGES: usize = 1001;
    let rule = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.bucket() == Some("b") && r.prefix() == Some("unload/"))
        .then_compute_output(|r| {
            let page = page_of(r.continuation_token());
            let mut output = aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output::builder()
                .is_truncated(page < PAGES)
                .set_next_continuation_token(next_token(page, PAGES));
            // S3 may answer a page with no keys and a token; the listing goes on.
            if !page.is_multiple_of(100) {
                output = output
                    .contents(aws_sdk_s3::types::Object::builder().key(format!("unload/{page:04}_part_00")).build());
            }
            output.build()
        });
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&rule]));
    let keys = block_on(s3.list_objects("b", "unload/")).unwrap();
    assert_eq!(keys.len(), PAGES - PAGES / 100);
    assert_eq!(keys.first().map(String::as_str), Some("unload/0001_part_00"));
    assert_eq!(keys.last().map(String::as_str), Some("unload/1001_part_00"));
    assert_eq!(rule.num_calls(), PAGES);
}

#[test]
fn redshift_data_statement_result_reads_every_page_past_a_thousand() {
    use aws_sdk_redshiftdata::types::Field;
    const PAGES: usize = 1001;
    let rule = mock!(aws_sdk_redshiftdata::Client::get_statement_result)
        .match_requests(|r| r.id() == Some("s-1"))
        .then_compute_output(|r| {
            let page = page_of(r.next_token());
            aws_sdk_redshiftdata::operation::get_statement_result::GetStatementResultOutput::builder()
                .records(vec![Field::LongValue(page as i64), Field::IsNull(true)])
                .set_next_token(next_token(page, PAGES))
                .build()
                .unwrap()
        });
    let data = SdkRedshiftData::new(mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, [&rule]));
    let rows = block_on(data.get_statement_result("s-1")).unwrap();
    assert_eq!(rows.len(), PAGES);
    assert_eq!(rows[0], [Some("1".to_owned()), None]);
    assert_eq!(rows[PAGES - 1], [Some("1001".to_owned()), None]);
    assert_eq!(rule.num_calls(), PAGES);
}

#[test]
fn an_error_on_a_later_page_is_mapped_and_nothing_partial_is_returned() {
    let first =
        mock!(aws_sdk_iam::Client::list_role_policies).match_requests(|r| r.marker().is_none()).then_output(|| {
            aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput::builder()
                .policy_names("a")
                .is_truncated(true)
                .marker("page-2")
                .build()
                .unwrap()
        });
    let second = mock!(aws_sdk_iam::Client::list_role_policies)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
                aws_smithy_types::body::SdkBody::from(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:ListRolePolicies on resource: role r</Message></Error><RequestId>req-1</RequestId></ErrorResponse>",
                ),
            )
        });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&first, &second]));
    let err = block_on(iam.list_role_policies("r")).unwrap_err();
    assert!(
        matches!(&err, AwsError::AccessDenied { action: Some(action), .. } if action == "iam:ListRolePolicies"),
        "{err:?}"
    );
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}
