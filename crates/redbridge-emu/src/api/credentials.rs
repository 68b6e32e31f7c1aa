//! Temporary database credentials: `GetClusterCredentials` and `GetClusterCredentialsWithIAM`
//! (Redshift's query protocol) and Redshift Serverless `GetCredentials` (JSON), each judged
//! against the caller's policies as [`crate::db_identity`] words the checks, each login kept in
//! [`crate::db_login::DbLogins`] for the wire protocol to accept. A password appears in the
//! answer of the call that issued it and nowhere else (nothing here logs).
//!
//! "By default, the temporary credentials expire in 900 seconds. You can optionally specify a
//! duration between 900 seconds (15 minutes) and 3600 seconds (60 minutes)"
//! (<https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html>; the
//! same words on API_GetClusterCredentialsWithIAM and on Redshift Serverless'
//! <https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_GetCredentials.html>).
//! The text refusing another duration is the emulator's: AWS's could not be sourced.
//! `NextRefreshTime` is "Reserved for future use" (API_GetClusterCredentialsWithIAM); the
//! emulator gives the expiration.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use redbridge_aws::ports::Connect;

use crate::api::provisioned::Params;
use crate::api::serverless::Input;
use crate::caller::Caller;
use crate::caller_access::{Shape, authorize};
use crate::db_identity;
use crate::db_login::{Issued, LoginTarget, LoginUser};
use crate::error::{ApiError, xml_escape};
use crate::state::{self, Service};

/// The shortest and longest life of a temporary password, and the default.
const DURATION_SECONDS: std::ops::RangeInclusive<i64> = 900..=3600;
const DEFAULT_DURATION_SECONDS: u64 = 900;

/// `DurationSeconds` checked against 900–3600, or the default; `Err` with the text.
fn duration(given: Option<i64>, name: &str) -> Result<Duration, String> {
    match given {
        None => Ok(Duration::from_secs(DEFAULT_DURATION_SECONDS)),
        Some(seconds) if DURATION_SECONDS.contains(&seconds) => Ok(Duration::from_secs(seconds.unsigned_abs())),
        Some(seconds) => Err(format!("{name} {seconds} is invalid: use a value from 900 to 3600 seconds.")),
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::client("InvalidParameterValue", message)
}

/// A `DbUser`, `DbName` or group name: "Must be 1 to 64 alphanumeric characters or hyphens",
/// "First character must be a letter", "Must not contain a colon ( : ) or slash ( / )"
/// (API_GetClusterCredentials). Letters of either case are taken (the SDKs pass them through);
/// the text is the emulator's.
fn check_name(name: &str, value: &str) -> Result<(), ApiError> {
    let valid = (1..=64).contains(&value.chars().count())
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "_+.@-$".contains(c));
    if valid {
        Ok(())
    } else {
        Err(invalid(format!(
            "{name} {value} is invalid: use 1 to 64 letters, digits, `_`, `+`, `.`, `@`, `-` or `$`, starting with a letter"
        )))
    }
}

/// `CustomDomainName` / `customDomainName` is refused: the emulator has no custom domains.
fn no_custom_domain(name: &str) -> String {
    crate::texts::not_emulated(&format!("custom domain names (`{name}`)"))
}

/// The cluster `raw` names, lowercased as the control plane keeps it; `ClusterNotFound` when the
/// caller's account and region have no such cluster.
fn existing_cluster<C: Connect>(service: &Service<C>, caller: &Caller, raw: &str) -> Result<LoginTarget, ApiError> {
    let key = state::key(caller.account.as_str(), &caller.region, &raw.to_ascii_lowercase());
    if service.registry().clusters.contains_key(&key) {
        Ok(LoginTarget::Cluster(key))
    } else {
        Err(crate::api::provisioned::not_found(raw))
    }
}

/// The caller's own database user, or the refusal for the root (AWS documents none for it).
fn own_db_user(caller: &Caller, operation: &str) -> Result<String, ApiError> {
    db_identity::iam_db_user(caller).ok_or_else(|| {
        ApiError::client(
            "UnsupportedOperation",
            crate::texts::not_emulated(&format!(
                "`{operation}` for the account's root (AWS documents no database user for it)"
            )),
        )
    })
}

/// The XML of a cluster login: `DbUser`, `DbPassword`, `Expiration` (and `NextRefreshTime`).
fn login_xml(issued: &Issued, next_refresh: bool) -> String {
    let expiration = crate::time::iso8601(issued.expires);
    let mut xml = format!(
        "<DbUser>{}</DbUser><DbPassword>{}</DbPassword><Expiration>{expiration}</Expiration>",
        xml_escape(&issued.user),
        xml_escape(&issued.password),
    );
    if next_refresh {
        let _ = write!(xml, "<NextRefreshTime>{expiration}</NextRefreshTime>");
    }
    xml
}

/// `GetClusterCredentials`: a password for `DbUser` (answered as `IAM:user`, or `IAMA:user`
/// with `AutoCreate`), joining `DbGroups`.
pub(crate) async fn cluster_credentials<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &Params<'_>,
) -> Result<String, ApiError> {
    if params.get("CustomDomainName").is_some() {
        return Err(invalid(no_custom_domain("CustomDomainName")));
    }
    let db_user = params.required("DbUser")?;
    let raw = params.required("ClusterIdentifier")?;
    check_name("DbUser", db_user)?;
    let db_name = params.get("DbName");
    if let Some(db_name) = db_name {
        check_name("DbName", db_name)?;
    }
    let groups = params.list("DbGroups", "DbGroup");
    for group in &groups {
        check_name("DbGroup", group)?;
    }
    let ttl = duration(given_seconds(params)?, "DurationSeconds").map_err(invalid)?;
    let auto_create = params.bool("AutoCreate")?.unwrap_or(false);
    let cluster = raw.to_ascii_lowercase();
    let checks = db_identity::cluster_credentials_checks(caller, &cluster, db_user, db_name, auto_create, &groups);
    authorize(service, caller, &checks, Shape::Query).await?;
    let target = existing_cluster(service, caller, raw)?;
    let login = db_identity::cluster_credentials_login(db_user, auto_create);
    let names = LoginUser { login: &login, db_user };
    let issued = service.db_logins.issue_as(&target, names, groups, auto_create, ttl, SystemTime::now());
    Ok(login_xml(&issued, false))
}

/// `GetClusterCredentialsWithIAM`: a password for the caller's own database user (`IAM:user`,
/// `IAMR:role`).
pub(crate) async fn with_iam<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &Params<'_>,
) -> Result<String, ApiError> {
    if params.get("CustomDomainName").is_some() {
        return Err(invalid(no_custom_domain("CustomDomainName")));
    }
    let raw = params.required("ClusterIdentifier")?;
    let db_name = params.get("DbName");
    if let Some(db_name) = db_name {
        check_name("DbName", db_name)?;
    }
    let ttl = duration(given_seconds(params)?, "DurationSeconds").map_err(invalid)?;
    let user = own_db_user(caller, "GetClusterCredentialsWithIAM")?;
    let check = db_identity::with_iam_check(caller, &raw.to_ascii_lowercase(), db_name);
    authorize(service, caller, &[check], Shape::Query).await?;
    let target = existing_cluster(service, caller, raw)?;
    let issued = service.db_logins.issue(&target, &user, Vec::new(), false, ttl, SystemTime::now());
    Ok(login_xml(&issued, true))
}

/// `DurationSeconds` as a number.
fn given_seconds(params: &Params<'_>) -> Result<Option<i64>, ApiError> {
    params
        .get("DurationSeconds")
        .map(|raw| raw.parse::<i64>().map_err(|_| invalid(format!("Invalid integer value {raw} for DurationSeconds"))))
        .transpose()
}

/// Redshift Serverless `GetCredentials`: a password for the caller's own database user on a
/// workgroup.
pub(crate) async fn serverless_credentials<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    input: &Input<'_>,
) -> Result<Value, ApiError> {
    let validation = |message: String| ApiError::client("ValidationException", message);
    if input.string("customDomainName")?.is_some() {
        return Err(validation(no_custom_domain("customDomainName")));
    }
    // "The custom domain name or the workgroup name must be included in the request" (API_GetCredentials).
    let Some(name) = input.string("workgroupName")?.filter(|n| !n.is_empty()) else {
        return Err(validation("The custom domain name or the workgroup name must be included in the request.".into()));
    };
    if let Some(db_name) = input.string("dbName")? {
        check_name("dbName", db_name).map_err(|e| validation(e.message))?;
    }
    let ttl = duration(input.integer("durationSeconds")?, "durationSeconds").map_err(validation)?;
    let user = own_db_user(caller, "GetCredentials")?;
    let Some(id) = crate::api::serverless::existing_id(service, caller, name, false) else {
        return Err(crate::api::serverless::workgroup_not_found(name));
    };
    let workgroup = crate::api::serverless::resource_arn(caller, "workgroup", &id);
    authorize(service, caller, &[db_identity::serverless_credentials_check(&workgroup)], Shape::Json).await?;
    let target = LoginTarget::Workgroup(state::key(caller.account.as_str(), &caller.region, name));
    let issued = service.db_logins.issue(&target, &user, Vec::new(), false, ttl, SystemTime::now());
    let expiration = crate::time::epoch_seconds(issued.expires);
    Ok(json!({
        "dbUser": issued.user,
        "dbPassword": issued.password,
        "expiration": expiration,
        "nextRefreshTime": expiration,
    }))
}

#[cfg(test)]
mod tests {
    use redbridge_aws::fake::{FakeAws, FakeUser};
    use redbridge_iam::policy::PolicyDocument;

    use super::*;

    /// A service over the fakes with the cluster `main` and the user `…:user/ops/ana` holding `policy`.
    fn service_with_user(policy: &str) -> (Service<FakeAws>, Caller) {
        let aws = FakeAws::new();
        let arn = "arn:aws:iam::111111111111:user/ops/ana".to_owned();
        let document = PolicyDocument::from_json(policy).unwrap();
        aws.edit(|state| {
            state.users.insert(
                arn.clone(),
                FakeUser { arn: arn.clone(), inline_policies: [("own".to_owned(), document)].into(), groups: vec![] },
            );
        });
        let config = crate::Config { caller_policy_ttl: Duration::ZERO, ..crate::Config::default() };
        let service = Service::new(config, aws);
        let key = state::key("111111111111", "us-east-1", "main");
        service.registry().clusters.insert(
            key,
            state::Cluster {
                identifier: "main".into(),
                node_type: "ra3.large".into(),
                master_username: "awsuser".into(),
                master_password: None,
                endpoint_port: 5439,
                db_name: "dev".into(),
                number_of_nodes: 1,
                created: SystemTime::now(),
                namespace_id: "ns".into(),
                roles: vec![],
                default_iam_role: None,
                publicly_accessible: false,
                encrypted: false,
            },
        );
        let caller = Caller {
            account: "111111111111".parse().unwrap(),
            region: "us-east-1".to_owned(),
            principal: redbridge_iam::eval::RequestPrincipal::parse(&arn).unwrap(),
            arn,
            credentials: redbridge_aws::ports::Credentials::Account("111111111111".parse().unwrap()),
        };
        (service, caller)
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn element<'a>(xml: &'a str, name: &str) -> &'a str {
        let open = format!("<{name}>");
        let start = xml.find(&open).map(|i| i + open.len()).unwrap_or_else(|| panic!("no {name} in {xml}"));
        &xml[start..start + xml[start..].find('<').unwrap()]
    }

    #[tokio::test]
    async fn an_iam_user_gets_iam_colon_name_and_its_password_opens_that_cluster_only() {
        let (service, user) = service_with_user(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift:GetClusterCredentialsWithIAM","Resource":"arn:aws:redshift:us-east-1:111111111111:dbname:main/dev"}]}"#,
        );
        let given = params(&[("ClusterIdentifier", "main"), ("DbName", "dev")]);
        let xml = with_iam(&service, &user, &Params(&given)).await.unwrap();
        assert_eq!(element(&xml, "DbUser"), "IAM:ana");
        assert_eq!(element(&xml, "Expiration"), element(&xml, "NextRefreshTime"));
        let password = element(&xml, "DbPassword");
        let now = SystemTime::now();
        let main = LoginTarget::Cluster(state::key("111111111111", "us-east-1", "main"));
        let login = service.db_logins.check(&main, "IAM:ana", password, now).expect("the password opens `main`");
        assert_eq!(login.db_user, "IAM:ana");
        let other = LoginTarget::Cluster(state::key("111111111111", "us-east-1", "other"));
        assert!(service.db_logins.check(&other, "IAM:ana", password, now).is_none());
        let workgroup = LoginTarget::Workgroup(state::key("111111111111", "us-east-1", "main"));
        assert!(service.db_logins.check(&workgroup, "IAM:ana", password, now).is_none());
        let expires = service.db_logins.check(&main, "IAM:ana", password, now + Duration::from_secs(901));
        assert!(expires.is_none(), "the default life is 900 seconds");

        let elsewhere = params(&[("ClusterIdentifier", "main"), ("DbName", "prod")]);
        let refused = with_iam(&service, &user, &Params(&elsewhere)).await.unwrap_err();
        assert_eq!(
            refused.message,
            "User: arn:aws:iam::111111111111:user/ops/ana is not authorized to perform: redshift:GetClusterCredentialsWithIAM on resource: arn:aws:redshift:us-east-1:111111111111:dbname:main/prod because no identity-based policy allows the redshift:GetClusterCredentialsWithIAM action"
        );
    }

    #[tokio::test]
    async fn cluster_credentials_log_in_as_iam_colon_db_user_and_are_the_db_user_in_the_session() {
        let (service, user) = service_with_user(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift:GetClusterCredentials","redshift:CreateClusterUser"],"Resource":"*"}]}"#,
        );
        let given = params(&[("ClusterIdentifier", "main"), ("DbUser", "alice"), ("AutoCreate", "true")]);
        let xml = cluster_credentials(&service, &user, &Params(&given)).await.unwrap();
        assert_eq!(element(&xml, "DbUser"), "IAMA:alice");
        assert!(!xml.contains("NextRefreshTime"));
        let main = LoginTarget::Cluster(state::key("111111111111", "us-east-1", "main"));
        let login = service.db_logins.check(&main, "IAMA:alice", element(&xml, "DbPassword"), SystemTime::now());
        let login = login.expect("the password opens `main` as `IAMA:alice`");
        assert_eq!((login.db_user.as_str(), login.auto_create), ("alice", true));
        let arn = db_identity::db_user_arn(&service.registry(), &main, &login.db_user).unwrap();
        assert_eq!(arn, "arn:aws:redshift:us-east-1:111111111111:dbuser:main/alice");
    }
}
