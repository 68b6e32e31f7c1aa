//! The SDK adapters doctor and `redbridge test` added, against aws-smithy-mocks: managed
//! policies and boundaries, key state, cluster routing and workgroup id, bucket ownership and
//! encryption (and their "not configured" errors), objects, and the Data API batch, detail,
//! result pages and cancel.

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{
    DataTarget, DefaultEncryption, Iam, Kms, Redshift, RedshiftData, RedshiftServerless, S3, StatementState,
};
use redbridge_aws::sdk::{SdkIam, SdkKms, SdkRedshift, SdkRedshiftData, SdkRedshiftServerless, SdkS3};
use redbridge_iam::KmsKeyArn;
use redbridge_iam::policy::{PolicyDocument, Statement};

use crate::block_on;

fn s3_error(status: u16, code: &str, message: &str) -> (u16, Option<String>) {
    (status, Some(format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>")))
}

#[test]
fn iam_attached_policies_pages_default_version_and_document() {
    let first = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .match_requests(|r| r.role_name() == Some("bucket-role") && r.marker().is_none())
        .then_output(|| {
            aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput::builder()
                .attached_policies(
                    aws_sdk_iam::types::AttachedPolicy::builder().policy_arn("arn:aws:iam::2:policy/a").build(),
                )
                .is_truncated(true)
                .marker("m1")
                .build()
        });
    let second = mock!(aws_sdk_iam::Client::list_attached_role_policies)
        .match_requests(|r| r.marker() == Some("m1"))
        .then_output(|| {
            aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput::builder()
                .attached_policies(
                    aws_sdk_iam::types::AttachedPolicy::builder().policy_arn("arn:aws:iam::2:policy/b").build(),
                )
                .is_truncated(false)
                .build()
        });
    let get_policy = mock!(aws_sdk_iam::Client::get_policy)
        .match_requests(|r| r.policy_arn() == Some("arn:aws:iam::2:policy/a"))
        .then_output(|| {
            aws_sdk_iam::operation::get_policy::GetPolicyOutput::builder()
                .policy(aws_sdk_iam::types::Policy::builder().default_version_id("v3").build())
                .build()
        });
    let missing = mock!(aws_sdk_iam::Client::get_policy)
        .match_requests(|r| r.policy_arn() == Some("arn:aws:iam::2:policy/gone"))
        .then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(404).unwrap(),
                aws_smithy_types::body::SdkBody::from(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Policy gone was not found.</Message></Error></ErrorResponse>",
                ),
            )
        });
    let document = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["arn:aws:s3:::b/*"])]);
    let encoded: String = document
        .to_json()
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let version = mock!(aws_sdk_iam::Client::get_policy_version)
        .match_requests(|r| r.policy_arn() == Some("arn:aws:iam::2:policy/a") && r.version_id() == Some("v3"))
        .then_output(move || {
            aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput::builder()
                .policy_version(
                    aws_sdk_iam::types::PolicyVersion::builder().document(encoded.clone()).version_id("v3").build(),
                )
                .build()
        });
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&first, &second, &get_policy, &missing, &version]);
    let iam = SdkIam::new(client);
    assert_eq!(
        block_on(iam.list_attached_role_policies("bucket-role")).unwrap(),
        ["arn:aws:iam::2:policy/a", "arn:aws:iam::2:policy/b"]
    );
    assert_eq!(block_on(iam.managed_policy_default_version("arn:aws:iam::2:policy/a")).unwrap().as_deref(), Some("v3"));
    assert_eq!(block_on(iam.managed_policy_default_version("arn:aws:iam::2:policy/gone")).unwrap(), None);
    assert_eq!(block_on(iam.managed_policy_version("arn:aws:iam::2:policy/a", "v3")).unwrap(), document);
}

#[test]
fn iam_get_role_reads_the_permissions_boundary() {
    let get = mock!(aws_sdk_iam::Client::get_role).then_output(|| {
        aws_sdk_iam::operation::get_role::GetRoleOutput::builder()
            .role(
                aws_sdk_iam::types::Role::builder()
                    .path("/")
                    .role_name("r")
                    .role_id("AROA1")
                    .arn("arn:aws:iam::111111111111:role/r")
                    .create_date(aws_smithy_types::DateTime::from_secs(0))
                    .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
                    .permissions_boundary(
                        aws_sdk_iam::types::AttachedPermissionsBoundary::builder()
                            .permissions_boundary_arn("arn:aws:iam::111111111111:policy/boundary")
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
    });
    let iam = SdkIam::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&get]));
    let role = block_on(iam.get_role("r")).unwrap().unwrap();
    assert_eq!(role.permissions_boundary.as_deref(), Some("arn:aws:iam::111111111111:policy/boundary"));
}

#[test]
fn kms_describe_key_reports_its_state() {
    let describe = mock!(aws_sdk_kms::Client::describe_key).then_output(|| {
        aws_sdk_kms::operation::describe_key::DescribeKeyOutput::builder()
            .key_metadata(
                aws_sdk_kms::types::KeyMetadata::builder()
                    .key_id("k")
                    .arn("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                    .enabled(false)
                    .key_state(aws_sdk_kms::types::KeyState::PendingDeletion)
                    .key_manager(aws_sdk_kms::types::KeyManagerType::Customer)
                    .build()
                    .unwrap(),
            )
            .build()
    });
    let kms = SdkKms::new(mock_client!(aws_sdk_kms, RuleMode::MatchAny, [&describe]));
    let key = KmsKeyArn::parse("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab").unwrap();
    let info = block_on(kms.describe_key(&key)).unwrap();
    assert_eq!((info.state.as_str(), info.enabled, info.customer_managed), ("PendingDeletion", false, true));
}

#[test]
fn redshift_cluster_routing_and_serverless_workgroup() {
    let describe = mock!(aws_sdk_redshift::Client::describe_clusters).then_output(|| {
        aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput::builder()
            .clusters(
                aws_sdk_redshift::types::Cluster::builder()
                    .cluster_identifier("analytics")
                    .enhanced_vpc_routing(true)
                    .iam_roles(
                        aws_sdk_redshift::types::ClusterIamRole::builder()
                            .iam_role_arn("arn:aws:iam::111111111111:role/r")
                            .apply_status("adding")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let redshift = SdkRedshift::new(mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [&describe]));
    let info = block_on(redshift.describe_cluster("analytics")).unwrap();
    assert!(info.enhanced_vpc_routing);
    assert_eq!(info.roles[0].arn, "arn:aws:iam::111111111111:role/r");
    assert_eq!(info.roles[0].status.to_string(), "adding");

    let workgroup = mock!(aws_sdk_redshiftserverless::Client::get_workgroup)
        .match_requests(|r| r.workgroup_name() == Some("wg"))
        .then_output(|| {
            aws_sdk_redshiftserverless::operation::get_workgroup::GetWorkgroupOutput::builder()
                .workgroup(
                    aws_sdk_redshiftserverless::types::Workgroup::builder()
                        .workgroup_name("wg")
                        .workgroup_id("0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f")
                        .namespace_name("ns")
                        .enhanced_vpc_routing(false)
                        .build(),
                )
                .build()
        });
    let missing = mock!(aws_sdk_redshiftserverless::Client::get_workgroup)
        .match_requests(|r| r.workgroup_name() == Some("gone"))
        .then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
                aws_smithy_types::body::SdkBody::from(
                    "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Workgroup gone not found\"}",
                ),
            )
        });
    let serverless = SdkRedshiftServerless::new(mock_client!(
        aws_sdk_redshiftserverless,
        RuleMode::MatchAny,
        [&workgroup, &missing]
    ));
    let info = block_on(serverless.workgroup("wg")).unwrap();
    assert_eq!(info.workgroup_id.as_deref(), Some("0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f"));
    assert_eq!(info.namespace.as_deref(), Some("ns"));
    assert!(!info.enhanced_vpc_routing);
    assert!(matches!(block_on(serverless.workgroup("gone")), Err(AwsError::NotFound { .. })));
}

#[test]
fn s3_ownership_and_encryption_and_their_absence() {
    let (status, body) =
        s3_error(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found");
    let ownership = mock!(aws_sdk_s3::Client::get_bucket_ownership_controls)
        .sequence()
        .output(|| {
            aws_sdk_s3::operation::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput::builder()
                .ownership_controls(
                    aws_sdk_s3::types::OwnershipControls::builder()
                        .rules(
                            aws_sdk_s3::types::OwnershipControlsRule::builder()
                                .object_ownership(aws_sdk_s3::types::ObjectOwnership::BucketOwnerEnforced)
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .http_status(status, body)
        .build();
    let (status, body) = s3_error(
        404,
        "ServerSideEncryptionConfigurationNotFoundError",
        "The server side encryption configuration was not found",
    );
    let (denied_status, denied_body) = s3_error(403, "AccessDenied", "Access Denied");
    let encryption = mock!(aws_sdk_s3::Client::get_bucket_encryption)
        .sequence()
        .output(|| {
            aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput::builder()
                .server_side_encryption_configuration(
                    aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
                        .rules(
                            aws_sdk_s3::types::ServerSideEncryptionRule::builder()
                                .apply_server_side_encryption_by_default(
                                    aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
                                        .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::AwsKms)
                                        .kms_master_key_id("arn:aws:kms:eu-west-1:2:key/k")
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .http_status(status, body)
        .http_status(denied_status, denied_body)
        .build();
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&ownership, &encryption]));
    assert_eq!(block_on(s3.object_ownership("b")).unwrap().as_deref(), Some("BucketOwnerEnforced"));
    assert_eq!(block_on(s3.object_ownership("b")).unwrap(), None, "no ownership controls");
    assert_eq!(
        block_on(s3.default_encryption("b")).unwrap(),
        Some(DefaultEncryption { algorithm: "aws:kms".into(), kms_key: Some("arn:aws:kms:eu-west-1:2:key/k".into()) })
    );
    assert_eq!(block_on(s3.default_encryption("b")).unwrap(), None, "no default encryption");
    assert!(matches!(block_on(s3.default_encryption("b")), Err(AwsError::AccessDenied { .. })));
}

#[test]
fn s3_objects_put_get_list_pages_and_delete() {
    let put = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| r.bucket() == Some("b") && r.key() == Some("p/x"))
        .then_output(|| aws_sdk_s3::operation::put_object::PutObjectOutput::builder().build());
    let get = mock!(aws_sdk_s3::Client::get_object).then_output(|| {
        aws_sdk_s3::operation::get_object::GetObjectOutput::builder()
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"marker\n"))
            .build()
    });
    let first = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.prefix() == Some("p/") && r.continuation_token().is_none())
        .then_output(|| {
            aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output::builder()
                .contents(aws_sdk_s3::types::Object::builder().key("p/0000_part_00").build())
                .is_truncated(true)
                .next_continuation_token("t1")
                .build()
        });
    let second = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.continuation_token() == Some("t1"))
        .then_output(|| {
            aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output::builder()
                .contents(aws_sdk_s3::types::Object::builder().key("p/0001_part_00").build())
                .is_truncated(false)
                .build()
        });
    let delete = mock!(aws_sdk_s3::Client::delete_object)
        .match_requests(|r| r.bucket() == Some("b") && r.key() == Some("p/0000_part_00"))
        .then_output(|| aws_sdk_s3::operation::delete_object::DeleteObjectOutput::builder().build());
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get, &first, &second, &delete]));
    block_on(s3.put_object("b", "p/x", b"marker\n".to_vec())).unwrap();
    assert_eq!(block_on(s3.get_object("b", "p/x")).unwrap(), b"marker\n");
    assert_eq!(block_on(s3.list_objects("b", "p/")).unwrap(), ["p/0000_part_00", "p/0001_part_00"]);
    block_on(s3.delete_object("b", "p/0000_part_00")).unwrap();
    assert_eq!((put.num_calls(), delete.num_calls()), (1, 1));
}

#[test]
fn redshift_data_batch_detail_result_pages_and_cancel() {
    let batch = mock!(aws_sdk_redshiftdata::Client::batch_execute_statement)
        .match_requests(|r| {
            r.cluster_identifier() == Some("analytics")
                && r.secret_arn() == Some("arn:aws:secretsmanager:eu-west-1:1:secret:s")
                && r.sqls().len() == 2
        })
        .then_output(|| {
            aws_sdk_redshiftdata::operation::batch_execute_statement::BatchExecuteStatementOutput::builder()
                .id("b-1")
                .build()
        });
    let describe = mock!(aws_sdk_redshiftdata::Client::describe_statement).then_output(|| {
        aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput::builder()
            .id("b-1")
            .status(aws_sdk_redshiftdata::types::StatusString::Failed)
            .error("S3ServiceException:Access Denied,Status 403,Error AccessDenied")
            .sub_statements(
                aws_sdk_redshiftdata::types::SubStatementData::builder()
                    .id("b-1:1")
                    .status(aws_sdk_redshiftdata::types::StatementStatusString::Finished)
                    .build()
                    .unwrap(),
            )
            .sub_statements(
                aws_sdk_redshiftdata::types::SubStatementData::builder()
                    .id("b-1:2")
                    .status(aws_sdk_redshiftdata::types::StatementStatusString::Failed)
                    .error("S3ServiceException:Access Denied,Status 403,Error AccessDenied")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    use aws_sdk_redshiftdata::types::Field;
    let page_one = mock!(aws_sdk_redshiftdata::Client::get_statement_result)
        .match_requests(|r| r.id() == Some("s-1:3") && r.next_token().is_none())
        .then_output(|| {
            aws_sdk_redshiftdata::operation::get_statement_result::GetStatementResultOutput::builder()
                .records(vec![Field::LongValue(1), Field::StringValue("m".into())])
                .next_token("n1")
                .build()
                .unwrap()
        });
    let page_two = mock!(aws_sdk_redshiftdata::Client::get_statement_result)
        .match_requests(|r| r.next_token() == Some("n1"))
        .then_output(|| {
            aws_sdk_redshiftdata::operation::get_statement_result::GetStatementResultOutput::builder()
                .records(vec![Field::IsNull(true), Field::BooleanValue(true)])
                .build()
                .unwrap()
        });
    let cancel = mock!(aws_sdk_redshiftdata::Client::cancel_statement).then_output(|| {
        aws_sdk_redshiftdata::operation::cancel_statement::CancelStatementOutput::builder().status(true).build()
    });
    let data = SdkRedshiftData::new(mock_client!(
        aws_sdk_redshiftdata,
        RuleMode::MatchAny,
        [&batch, &describe, &page_one, &page_two, &cancel]
    ));
    let target = DataTarget::ClusterWithSecret {
        cluster: "analytics".into(),
        secret_arn: "arn:aws:secretsmanager:eu-west-1:1:secret:s".into(),
    };
    let id = block_on(data.batch_execute_statement(&target, "dev", &["select 1".into(), "select 2".into()])).unwrap();
    assert_eq!(id, "b-1");
    let detail = block_on(data.statement_detail(&id)).unwrap();
    assert_eq!(detail.status, "FAILED");
    assert!(matches!(&detail.state, StatementState::Failed { error } if error.contains("403")));
    assert_eq!(detail.sub_statements.len(), 2);
    assert_eq!(detail.sub_statements[1].status, "FAILED");
    assert_eq!(detail.sub_statements[0].error, None);
    let rows = block_on(data.get_statement_result("s-1:3")).unwrap();
    assert_eq!(rows, vec![vec![Some("1".to_owned()), Some("m".to_owned())], vec![None, Some("true".to_owned())]]);
    assert!(block_on(data.cancel_statement(&id)).unwrap());
}
