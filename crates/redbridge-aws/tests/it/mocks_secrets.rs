//! The Secrets Manager adapter against aws-smithy-mocks: a secret's value by ARN or name, and
//! Secrets Manager's `ResourceNotFoundException` and `AccessDeniedException` as the port's errors.

use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use redbridge_aws::AwsError;
use redbridge_aws::ports::SecretsManager as _;
use redbridge_aws::sdk::SdkSecretsManager;

use crate::block_on;

const ARN: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift/awsuser-AbCdEf";
const VALUE: &str = r#"{"username":"awsuser","password":"Passw0rd!"}"#;
const DENIED: &str = "User: arn:aws:sts::111111111111:assumed-role/Operator/op is not authorized to perform: secretsmanager:GetSecretValue on resource: redshift/other because no identity-based policy allows the secretsmanager:GetSecretValue action";

fn json_error(status: u16, code: &str, message: &str) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap(),
        aws_smithy_types::body::SdkBody::from(format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}")),
    )
}

#[test]
fn get_secret_value_reads_the_string_by_arn_or_name_and_maps_secrets_managers_errors() {
    let found = mock!(aws_sdk_secretsmanager::Client::get_secret_value)
        .match_requests(|r| matches!(r.secret_id(), Some(ARN | "redshift/awsuser")))
        .then_output(|| GetSecretValueOutput::builder().arn(ARN).name("redshift/awsuser").secret_string(VALUE).build());
    let missing = mock!(aws_sdk_secretsmanager::Client::get_secret_value)
        .match_requests(|r| r.secret_id() == Some("nothing"))
        .then_http_response(|| {
            json_error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
        });
    let denied = mock!(aws_sdk_secretsmanager::Client::get_secret_value)
        .match_requests(|r| r.secret_id() == Some("redshift/other"))
        .then_http_response(|| json_error(400, "AccessDeniedException", DENIED));
    let client = mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&found, &missing, &denied]);
    let secrets = SdkSecretsManager::new(client);

    for id in [ARN, "redshift/awsuser"] {
        let value = block_on(secrets.get_secret_value(id)).expect("the secret is read");
        assert_eq!((value.arn.as_str(), value.name.as_str()), (ARN, "redshift/awsuser"));
        assert_eq!(value.secret_string.as_deref(), Some(VALUE));
        assert!(!format!("{value:?}").contains("Passw0rd"), "Debug leaves the value out: {value:?}");
    }
    assert_eq!(found.num_calls(), 2);
    match block_on(secrets.get_secret_value("nothing")) {
        Err(AwsError::NotFound { message }) => assert_eq!(message, "Secrets Manager can't find the specified secret."),
        other => panic!("not found, got {other:?}"),
    }
    match block_on(secrets.get_secret_value("redshift/other")) {
        Err(AwsError::AccessDenied { action, principal, message }) => {
            assert_eq!(action.as_deref(), Some("secretsmanager:GetSecretValue"));
            assert_eq!(principal.as_deref(), Some("arn:aws:sts::111111111111:assumed-role/Operator/op"));
            assert_eq!(message, DENIED);
        }
        other => panic!("access denied, got {other:?}"),
    }
}
