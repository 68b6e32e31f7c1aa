//! Who a caller is in the database, and what IAM asks before it gets in: the one place the Data
//! API, the credentials calls (`api/credentials.rs`) and the wire protocol take a caller's
//! database user, the ARNs of database users, databases and groups, the authorizations temporary
//! credentials need, and the database user's ARN that goes into `sts:ExternalId` on every hop.
//!
//! ARNs as the Service Authorization Reference gives them
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html>):
//! `arn:aws:redshift:R:A:dbuser:CLUSTER/USER`, `…:dbname:CLUSTER/DB`, `…:dbgroup:CLUSTER/GROUP`;
//! the actions as "Resource policies for GetClusterCredentials" lists them
//! (<https://docs.aws.amazon.com/redshift/latest/mgmt/redshift-iam-access-control-identity-based.html>).

use redbridge_iam::eval::RequestPrincipal;
use redbridge_iam::{AccountId, DbUserArn, Region};

use crate::caller::Caller;
use crate::caller_access::Check;
use crate::db_login::LoginTarget;
use crate::state::Registry;

/// The database user of a caller that names none: "The database user name is derived from the
/// IAM identity. For example, arn:iam::123456789012:user:foo has the database user name IAM:foo"
/// (<https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html>);
/// a role session is `IAMR:<role name>` (GetClusterCredentialsWithIAM maps "1:1 to the source
/// IAM identity", <https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentialsWithIAM.html>;
/// the `IAMR:` prefix is what Redshift shows for roles, not spelled out on an AWS page the
/// emulator could cite). The account's root has no documented database user: `None`.
pub(crate) fn iam_db_user(caller: &Caller) -> Option<String> {
    match &caller.principal {
        RequestPrincipal::User { name, .. } => Some(format!("IAM:{name}")),
        RequestPrincipal::AssumedRole { role_name, .. } => Some(format!("IAMR:{role_name}")),
        RequestPrincipal::Role { name, .. } => Some(format!("IAMR:{name}")),
        _ => None,
    }
}

/// The name GetClusterCredentials answers for `db_user`: "The action returns the database user
/// name prefixed with `IAM:` if `AutoCreate` is `False` or `IAMA:` if `AutoCreate` is `True`"
/// (<https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html>).
/// The client logs in with it; the session's database user is `db_user` itself ("a new user is
/// created using the value for `DbUser`", same page).
pub(crate) fn cluster_credentials_login(db_user: &str, auto_create: bool) -> String {
    format!("{}:{db_user}", if auto_create { "IAMA" } else { "IAM" })
}

/// `arn:aws:redshift:R:A:dbuser:CLUSTER/USER`, the caller's region and account.
pub(crate) fn dbuser_arn(caller: &Caller, cluster: &str, user: &str) -> String {
    format!("arn:aws:redshift:{}:{}:dbuser:{cluster}/{user}", caller.region, caller.account)
}

/// `arn:aws:redshift:R:A:dbname:CLUSTER/DB`; with no database, `CLUSTER/*`: "If the database
/// name is not specified, access to all databases is allowed", so the policy must allow them all.
pub(crate) fn dbname_arn(caller: &Caller, cluster: &str, database: Option<&str>) -> String {
    format!("arn:aws:redshift:{}:{}:dbname:{cluster}/{}", caller.region, caller.account, database.unwrap_or("*"))
}

/// `arn:aws:redshift:R:A:dbgroup:CLUSTER/GROUP`.
pub(crate) fn dbgroup_arn(caller: &Caller, cluster: &str, group: &str) -> String {
    format!("arn:aws:redshift:{}:{}:dbgroup:{cluster}/{group}", caller.region, caller.account)
}

/// What temporary credentials for `db_user` on `cluster` need (GetClusterCredentials, and the
/// Data API with `DbUser`): `redshift:GetClusterCredentials` on the user and, with a database, on
/// it; `redshift:CreateClusterUser` on the user with `AutoCreate`; `redshift:JoinGroup` on every
/// group of `DbGroups` (API_GetClusterCredentials: "If the `DbGroups` parameter is specified, the
/// IAM policy must allow the `redshift:JoinGroup` action with access to the listed `dbgroups`. In
/// addition, if the `AutoCreate` parameter is set to `True`, then the policy must include the
/// `redshift:CreateClusterUser` permission").
pub(crate) fn cluster_credentials_checks(
    caller: &Caller,
    cluster: &str,
    db_user: &str,
    database: Option<&str>,
    auto_create: bool,
    groups: &[String],
) -> Vec<Check> {
    let user = dbuser_arn(caller, cluster, db_user);
    let mut checks = vec![Check::new("redshift:GetClusterCredentials", user.clone())];
    if database.is_some() {
        checks.push(Check::new("redshift:GetClusterCredentials", dbname_arn(caller, cluster, database)));
    }
    if auto_create {
        checks.push(Check::new("redshift:CreateClusterUser", user));
    }
    checks.extend(groups.iter().map(|g| Check::new("redshift:JoinGroup", dbgroup_arn(caller, cluster, g))));
    checks
}

/// What credentials from the caller's own identity on `cluster` need (GetClusterCredentialsWithIAM,
/// and the Data API without `DbUser`): `redshift:GetClusterCredentialsWithIAM` on the database.
pub(crate) fn with_iam_check(caller: &Caller, cluster: &str, database: Option<&str>) -> Check {
    Check::new("redshift:GetClusterCredentialsWithIAM", dbname_arn(caller, cluster, database))
}

/// What serverless credentials need (GetCredentials, and the Data API on a workgroup):
/// `redshift-serverless:GetCredentials` on the workgroup's ARN.
pub(crate) fn serverless_credentials_check(workgroup_arn: &str) -> Check {
    Check::new("redshift-serverless:GetCredentials", workgroup_arn)
}

/// The ARN of `db_user` in a session on `target`: the `sts:ExternalId` of every hop of its COPY
/// and UNLOAD, and the user `not authorized to assume` names. A cluster's user is
/// `dbuser:CLUSTER/USER`; a workgroup's is the documented serverless form with the workgroup's id
/// (see [`DbUserArn::serverless`]). `Err` when the workgroup is gone or a part is not valid.
pub(crate) fn db_user_arn(registry: &Registry, target: &LoginTarget, db_user: &str) -> Result<String, String> {
    let (account, region, host) = match target {
        LoginTarget::Cluster((account, region, cluster)) => (account, region, cluster.clone()),
        LoginTarget::Workgroup(key @ (account, region, name)) => {
            let workgroup = registry.workgroups.get(key).ok_or_else(|| format!("workgroup `{name}` was deleted"))?;
            (account, region, workgroup.id.clone())
        }
    };
    let parsed_region = Region::parse(region).map_err(|e| e.to_string())?;
    let parsed_account = AccountId::parse(account).map_err(|e| e.to_string())?;
    let arn = match target {
        LoginTarget::Cluster(_) => DbUserArn::provisioned(&parsed_region, parsed_account, &host, db_user),
        LoginTarget::Workgroup(_) => DbUserArn::serverless(&parsed_region, parsed_account, &host, db_user),
    };
    arn.map(|arn| arn.to_string()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> Caller {
        Caller {
            account: "111111111111".parse().unwrap(),
            region: "us-east-1".to_owned(),
            principal: RequestPrincipal::parse(arn).unwrap(),
            arn: arn.to_owned(),
            credentials: redbridge_aws::ports::Credentials::Account("111111111111".parse().unwrap()),
        }
    }

    #[test]
    fn users_are_iam_colon_name_role_sessions_iamr_colon_role_and_the_root_has_none() {
        assert_eq!(iam_db_user(&caller("arn:aws:iam::111111111111:user/ops/ana")).as_deref(), Some("IAM:ana"));
        let session = caller("arn:aws:sts::111111111111:assumed-role/Loader/run-7");
        assert_eq!(iam_db_user(&session).as_deref(), Some("IAMR:Loader"));
        assert_eq!(iam_db_user(&caller("arn:aws:iam::111111111111:root")), None);
        assert_eq!(cluster_credentials_login("alice", false), "IAM:alice");
        assert_eq!(cluster_credentials_login("alice", true), "IAMA:alice");
    }

    #[test]
    fn credentials_checks_name_the_user_database_groups_and_auto_create() {
        let who = caller("arn:aws:iam::111111111111:user/ana");
        let checks = cluster_credentials_checks(&who, "main", "alice", Some("dev"), true, &["etl".to_owned()]);
        let pairs: Vec<(&str, &str)> = checks.iter().map(|c| (c.action.as_str(), c.resource.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbuser:main/alice"),
                ("redshift:GetClusterCredentials", "arn:aws:redshift:us-east-1:111111111111:dbname:main/dev"),
                ("redshift:CreateClusterUser", "arn:aws:redshift:us-east-1:111111111111:dbuser:main/alice"),
                ("redshift:JoinGroup", "arn:aws:redshift:us-east-1:111111111111:dbgroup:main/etl"),
            ]
        );
        assert_eq!(cluster_credentials_checks(&who, "main", "alice", None, false, &[]).len(), 1);
        assert_eq!(
            with_iam_check(&who, "main", None).resource,
            "arn:aws:redshift:us-east-1:111111111111:dbname:main/*"
        );
    }

    #[test]
    fn the_session_arn_is_the_dbuser_form_of_its_cluster_or_workgroup_id() {
        let mut registry = Registry::default();
        let cluster = LoginTarget::Cluster(crate::state::key("111111111111", "us-east-1", "main"));
        assert_eq!(
            db_user_arn(&registry, &cluster, "IAMR:Loader").unwrap(),
            "arn:aws:redshift:us-east-1:111111111111:dbuser:main/IAMR:Loader"
        );
        let key = crate::state::key("111111111111", "us-east-1", "wg");
        let workgroup = LoginTarget::Workgroup(key.clone());
        assert!(db_user_arn(&registry, &workgroup, "admin").unwrap_err().contains("`wg`"));
        registry.workgroups.insert(
            key,
            crate::state::Workgroup {
                name: "wg".into(),
                id: "0a1b2c3d-0000-4000-8000-000000000001".into(),
                namespace: "ns".into(),
                base_capacity: 8,
                port: 5439,
                endpoint_address: "127.0.0.1".into(),
                endpoint_port: 5439,
                created: std::time::SystemTime::UNIX_EPOCH,
                publicly_accessible: false,
                enhanced_vpc_routing: false,
            },
        );
        assert_eq!(
            db_user_arn(&registry, &workgroup, "admin").unwrap(),
            "arn:aws:redshift:us-east-1:111111111111:dbuser:serverless-111111111111-0a1b2c3d-0000-4000-8000-000000000001/admin"
        );
    }
}
