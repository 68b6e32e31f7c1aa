//! The SDK adapters' calls for acting as sessions and other accounts (what the emulator needs),
//! against aws-smithy-mocks: STS AssumeRole with and without an external id and its refusal,
//! S3 ListBuckets over pages, PutObject with each server-side encryption, GetObject with the
//! SSE-KMS key, ListObjectsV2 with sizes over pages, and the connector's configuration.

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::{Credentials, ObjectEncryption, ObjectSummary, S3, SessionKeys, Sts};
use redbridge_aws::sdk::{SdkConnector, SdkS3, SdkSts};
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::block_on;

const ROLE: &str = "arn:aws:iam::222222222222:role/BucketRole";
const KEY: &str = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn assumed(external: bool) -> aws_sdk_sts::operation::assume_role::AssumeRoleOutput {
    let n = if external { "2" } else { "1" };
    aws_sdk_sts::operation::assume_role::AssumeRoleOutput::builder()
        .credentials(
            aws_sdk_sts::types::Credentials::builder()
                .access_key_id(format!("ASIAMOCK{n}"))
                .secret_access_key(format!("mock-secret-{n}"))
                .session_token(format!("mock-token-{n}"))
                .expiration(aws_smithy_types::DateTime::from_secs(2_000_000_000))
                .build()
                .expect("complete credentials"),
        )
        .assumed_role_user(
            aws_sdk_sts::types::AssumedRoleUser::builder()
                .assumed_role_id("AROAMOCK:RedshiftIamRoleSession")
                .arn("arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession")
                .build()
                .expect("complete user"),
        )
        .build()
}

#[test]
fn sts_assume_role_sends_the_external_id_and_returns_the_session() {
    let without = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| {
            r.role_arn() == Some(ROLE)
                && r.role_session_name() == Some("RedshiftIamRoleSession")
                && r.external_id().is_none()
        })
        .then_output(|| assumed(false));
    let with = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| r.external_id() == Some("arn:aws:redshift:eu-west-1:111111111111:dbuser:main/awsuser"))
        .then_output(|| assumed(true));
    let sts = SdkSts::new(mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&without, &with]));
    let role = RoleArn::parse(ROLE).unwrap();
    let session = block_on(sts.assume_role(&role, "RedshiftIamRoleSession", None)).unwrap();
    assert_eq!(session.keys.access_key_id, "ASIAMOCK1");
    assert_eq!(session.account, AccountId::parse("222222222222").unwrap());
    assert_eq!(session.assumed_role_arn, "arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession");
    let shown = format!("{session:?}");
    assert!(!shown.contains("mock-secret") && !shown.contains("mock-token"), "Debug hides the secret: {shown}");
    let external = "arn:aws:redshift:eu-west-1:111111111111:dbuser:main/awsuser";
    let chained = block_on(sts.assume_role(&role, "RedshiftIamRoleSession", Some(external))).unwrap();
    assert_eq!((chained.keys.session_token.as_str(), with.num_calls()), ("mock-token-2", 1));
}

#[test]
fn sts_assume_role_refused_is_access_denied() {
    let refused = mock!(aws_sdk_sts::Client::assume_role).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
            aws_smithy_types::body::SdkBody::from(
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/BucketRole</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            ),
        )
    });
    let sts = SdkSts::new(mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&refused]));
    let result = block_on(sts.assume_role(&RoleArn::parse(ROLE).unwrap(), "s", None));
    assert!(
        matches!(&result, Err(AwsError::AccessDenied { action: Some(a), .. }) if a == "sts:AssumeRole"),
        "{result:?}"
    );
}

#[test]
fn s3_list_buckets_follows_every_page() {
    use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
    use aws_sdk_s3::types::Bucket;
    let first = mock!(aws_sdk_s3::Client::list_buckets)
        .match_requests(|r| r.continuation_token().is_none())
        .then_output(|| {
            ListBucketsOutput::builder().buckets(Bucket::builder().name("a").build()).continuation_token("t1").build()
        });
    let second = mock!(aws_sdk_s3::Client::list_buckets)
        .match_requests(|r| r.continuation_token() == Some("t1"))
        .then_output(|| ListBucketsOutput::builder().buckets(Bucket::builder().name("b").build()).build());
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&first, &second]));
    assert_eq!(block_on(s3.list_buckets()).unwrap(), ["a", "b"]);
}

#[test]
fn s3_put_object_sends_the_server_side_encryption_asked_for() {
    use aws_sdk_s3::operation::put_object::PutObjectOutput;
    use aws_sdk_s3::types::ServerSideEncryption;
    let kms = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| {
            r.key() == Some("kms")
                && r.server_side_encryption() == Some(&ServerSideEncryption::AwsKms)
                && r.ssekms_key_id() == Some(KEY)
        })
        .then_output(|| PutObjectOutput::builder().build());
    let aes = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| {
            r.key() == Some("aes")
                && r.server_side_encryption() == Some(&ServerSideEncryption::Aes256)
                && r.ssekms_key_id().is_none()
        })
        .then_output(|| PutObjectOutput::builder().build());
    let plain = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| r.key() == Some("plain") && r.server_side_encryption().is_none())
        .then_output(|| PutObjectOutput::builder().build());
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&kms, &aes, &plain]));
    block_on(s3.put_object_encrypted("b", "kms", b"x".to_vec(), &ObjectEncryption::Kms(KEY.into()))).unwrap();
    block_on(s3.put_object_encrypted("b", "aes", b"x".to_vec(), &ObjectEncryption::S3)).unwrap();
    block_on(s3.put_object("b", "plain", b"x".to_vec())).unwrap();
    assert_eq!((kms.num_calls(), aes.num_calls(), plain.num_calls()), (1, 1, 1));
}

#[test]
fn s3_get_object_content_names_the_kms_key_only_for_sse_kms() {
    use aws_sdk_s3::operation::get_object::GetObjectOutput;
    use aws_sdk_s3::primitives::ByteStream;
    use aws_sdk_s3::types::ServerSideEncryption;
    let kms = mock!(aws_sdk_s3::Client::get_object).match_requests(|r| r.key() == Some("kms")).then_output(|| {
        GetObjectOutput::builder()
            .body(ByteStream::from_static(b"secret rows\n"))
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(KEY)
            .build()
    });
    let aes = mock!(aws_sdk_s3::Client::get_object).match_requests(|r| r.key() == Some("aes")).then_output(|| {
        GetObjectOutput::builder()
            .body(ByteStream::from_static(b"rows\n"))
            .server_side_encryption(ServerSideEncryption::Aes256)
            .build()
    });
    let missing =
        mock!(aws_sdk_s3::Client::get_object).match_requests(|r| r.key() == Some("gone")).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(404).unwrap(),
                aws_smithy_types::body::SdkBody::from(
                    "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
                ),
            )
        });
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&kms, &aes, &missing]));
    let read = block_on(s3.get_object_content("b", "kms")).unwrap();
    assert_eq!((read.body.as_slice(), read.kms_key_id.as_deref()), (b"secret rows\n".as_slice(), Some(KEY)));
    let read = block_on(s3.get_object_content("b", "aes")).unwrap();
    assert_eq!((read.body.as_slice(), read.kms_key_id), (b"rows\n".as_slice(), None));
    assert!(matches!(block_on(s3.get_object_content("b", "gone")), Err(AwsError::NotFound { .. })));
}

#[test]
fn s3_list_object_summaries_gives_sizes_over_every_page() {
    use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
    use aws_sdk_s3::types::Object;
    let first = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.prefix() == Some("p/") && r.continuation_token().is_none())
        .then_output(|| {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key("p/b").size(7).build())
                .is_truncated(true)
                .next_continuation_token("t1")
                .build()
        });
    let second = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.continuation_token() == Some("t1"))
        .then_output(|| {
            ListObjectsV2Output::builder()
                .contents(Object::builder().key("p/a").size(0).build())
                .is_truncated(false)
                .build()
        });
    let s3 = SdkS3::new(mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&first, &second]));
    assert_eq!(
        block_on(s3.list_object_summaries("b", "p/")).unwrap(),
        [ObjectSummary { key: "p/a".into(), size: 0 }, ObjectSummary { key: "p/b".into(), size: 7 }],
        "every page, in key order, with sizes"
    );
}

#[test]
fn the_connector_signs_as_the_account_or_the_session_at_its_endpoint() {
    use aws_credential_types::provider::ProvideCredentials as _;
    let connector = SdkConnector::new("http://127.0.0.1:4566", Region::parse("eu-west-1").unwrap());
    let region = Region::parse("us-west-2").unwrap();
    let account = connector.config(&Credentials::Account(AccountId::parse("111111111111").unwrap()), &region);
    assert_eq!(account.endpoint_url(), Some("http://127.0.0.1:4566"));
    assert_eq!(account.region().map(|r| r.to_string()), Some("us-west-2".to_owned()));
    let keys = block_on(account.credentials_provider().unwrap().provide_credentials()).unwrap();
    assert_eq!((keys.access_key_id(), keys.secret_access_key(), keys.session_token()), ("111111111111", "test", None));
    let session = SessionKeys {
        access_key_id: "ASIAX".into(),
        secret_access_key: "s3cret".into(),
        session_token: "t0ken".into(),
    };
    let signed = connector.config(&Credentials::Session(session), &region);
    let keys = block_on(signed.credentials_provider().unwrap().provide_credentials()).unwrap();
    assert_eq!((keys.access_key_id(), keys.session_token()), ("ASIAX", Some("t0ken")));
}

#[test]
fn a_plus_in_an_iam_document_stays_a_plus() {
    // IAM encodes documents per RFC 3986: a `+` is data, not a space (the emulator's own
    // decoder, before it read roles through the ports, turned it into one).
    assert_eq!(redbridge_aws::sdk::percent_decode("%7B%22Sid%22%3A%22a+b%22%7D"), r#"{"Sid":"a+b"}"#, "a `+` is kept");
}
