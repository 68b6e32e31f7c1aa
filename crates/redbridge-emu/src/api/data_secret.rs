//! The Data API's `SecretArn`: the secret read on the caller's behalf, with the caller's own
//! credentials, and the database login it holds checked against the cluster or workgroup.
//!
//! "The specified secret contains credentials to connect to the database you specify" and holds
//! `username` and `password` (ExecuteStatement,
//! <https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html>); the
//! caller's policy must allow `secretsmanager:GetSecretValue` on it ("If you use AWS Secrets
//! Manager to authenticate, confirm the policy allows use of the secretsmanager:GetSecretValue
//! action to retrieve the secret tagged with the key RedshiftDataFullAccess", and the managed
//! policy AmazonRedshiftDataFullAccess allows it only for secrets tagged `RedshiftDataFullAccess`:
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html>,
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-secrets.html>). The emulator judges
//! that action with the caller's policies (a policy conditioned on the secret's tags is judged
//! without them: the port reads no tags), then reads the secret through the ports as the caller.
//!
//! Where each failure lands: a secret without `username` and `password` fails the
//! ExecuteStatement call itself with a `ValidationException` (`username and password in secret
//! cannot be empty`, <https://github.com/boto/boto3/issues/2899>), so a missing secret and a
//! denied read fail the call too, as a denied `DbUser` (GetClusterCredentials) does in `data.rs`.
//! A password the database refuses fails the statement (FAILED, the login text in
//! DescribeStatement's `Error`): the Data API logs in when it runs the statement, as the wire
//! protocol's `auth.rs` does; no AWS page or report of that text through the Data API was found.
//! The password is never kept, logged or put in a text: only the outcome of the login is.

use std::time::SystemTime;

use redbridge_aws::AwsError;
use redbridge_aws::ports::{Connect, SecretsManager as _};
use redbridge_iam::Region;
use serde_json::Value;

use crate::api::data::Target;
use crate::caller::Caller;
use crate::caller_access::{Check, Shape, authorize};
use crate::db_login::{LoginTarget, same_secret};
use crate::error::ApiError;
use crate::state::{Secret, Service};

/// Who a statement with a `SecretArn` runs as, decided when it is submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretLogin {
    /// The secret's login opened the database: the session's database user (the secret's
    /// `username`, or a temporary login's database user).
    User(String),
    /// The database refused the login of this user name (wrong password or unknown user).
    Refused(String),
}

/// AWS's answer to a secret without a `username` and a `password`
/// (<https://github.com/boto/boto3/issues/2899>); a value that is not a JSON object, or a binary
/// secret, has neither, so it gets the same answer.
pub(crate) const SECRET_WITHOUT_LOGIN: &str = "username and password in secret cannot be empty";

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::client("ValidationException", message)
}

/// Reads the secret `secret_id` (an ARN or a name) as `caller` and logs its user in to `target`.
pub(crate) async fn secret_login<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    target: &Target,
    secret_id: &str,
) -> Result<SecretLogin, ApiError> {
    // A secret ARN names its region (`arn:aws:secretsmanager:R:A:secret:…`); a name is the
    // caller's region's.
    let region_text = match secret_id.strip_prefix("arn:") {
        Some(rest) => rest.split(':').nth(2).unwrap_or_default().to_owned(),
        None => caller.region.clone(),
    };
    // Emulator's own text: AWS's answer to a malformed secret ARN could not be sourced.
    let region = Region::parse(&region_text)
        .map_err(|_| validation(format!("SecretArn `{secret_id}` does not name a region Secrets Manager has.")))?;
    let is_arn = secret_id.starts_with("arn:");
    if is_arn {
        judge(service, caller, secret_id).await?;
    }
    let port = service.cloud.secrets_manager(&caller.credentials, &region);
    let value = port.get_secret_value(secret_id).await.map_err(|e| read_failure(secret_id, e))?;
    if !is_arn {
        judge(service, caller, &value.arn).await?;
    }
    let parsed: Option<Value> = value.secret_string.as_deref().and_then(|text| serde_json::from_str(text).ok());
    let field = |key: &str| -> Option<String> {
        parsed.as_ref()?.get(key)?.as_str().filter(|v| !v.is_empty()).map(str::to_owned)
    };
    let (Some(username), Some(password)) = (field("username"), field("password")) else {
        return Err(validation(SECRET_WITHOUT_LOGIN));
    };
    // "If you provide a cluster identifier (dbClusterIdentifier), it must match the cluster
    // identifier stored in the secret" (ExecuteStatement's API reference).
    if let (Target::Cluster(cluster), Some(stored)) = (target, field("dbClusterIdentifier"))
        && !stored.eq_ignore_ascii_case(cluster)
    {
        // Emulator's own text: AWS's answer to a secret of another cluster could not be sourced.
        return Err(validation(format!(
            "The secret's dbClusterIdentifier `{stored}` does not match the ClusterIdentifier `{cluster}`."
        )));
    }
    Ok(log_in(service, caller, target, &username, &Secret(password)))
}

/// `secretsmanager:GetSecretValue` on the secret, judged with the caller's policies.
async fn judge<C: Connect>(service: &Service<C>, caller: &Caller, secret_arn: &str) -> Result<(), ApiError> {
    authorize(service, caller, &[Check::new("secretsmanager:GetSecretValue", secret_arn)], Shape::Json).await
}

/// A failed read as the ExecuteStatement call's answer: Secrets Manager's own denial (it names the
/// caller, the action and the secret) as `AccessDeniedException`; a missing secret as a
/// `ValidationException` with Secrets Manager's message.
fn read_failure(secret_id: &str, error: AwsError) -> ApiError {
    match error {
        AwsError::AccessDenied { message, .. } => ApiError::client("AccessDeniedException", message),
        // Emulator's own text around Secrets Manager's message ("Secrets Manager can't find the
        // specified secret.", its ResourceNotFoundException's): what the Data API answers for a
        // missing secret could not be sourced.
        AwsError::NotFound { message } => validation(format!("The secret `{secret_id}` cannot be read: {message}")),
        other => ApiError::internal(format!("the secret `{secret_id}` cannot be read: {other}")),
    }
}

/// The login `username` and `password` open on `target`: the master user (serverless: the
/// namespace's admin user) with its password, or a temporary login the credentials calls issued
/// (`db_login.rs`), as the wire protocol accepts them (`wire/auth.rs`).
fn log_in<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    target: &Target,
    username: &str,
    password: &Secret,
) -> SecretLogin {
    let login_target = LoginTarget::of(caller.account.as_str(), &caller.region, target);
    let master = service.registry().master_login(&login_target).and_then(|m| Some((m.user, m.password?)));
    if let Some((master, Secret(master_password))) = master
        && master == username
        && same_secret(&master_password, &password.0)
    {
        return SecretLogin::User(master);
    }
    match service.db_logins.check(&login_target, username, &password.0, SystemTime::now()) {
        Some(login) => SecretLogin::User(login.db_user),
        None => SecretLogin::Refused(username.to_owned()),
    }
}
