//! Redshift's query protocol: `CreateCluster`, `DescribeClusters`, `ModifyClusterIamRoles`,
//! `DeleteCluster`, with the XML element names of the AWS model (`ClusterIamRole`, `ApplyStatus`).

use std::fmt::Write as _;
use std::time::SystemTime;

use redbridge_aws::ports::Connect;

use crate::caller::Caller;
use crate::caller_access::{Check, Shape, authorize};
use crate::error::{ApiError, xml_escape};
use crate::state::{self, AttachedRole, Cluster, Service};

/// Where a provisioned cluster role's trust must point.
pub(crate) const REDSHIFT_SERVICE: &str = "redshift.amazonaws.com";

/// The form parameters of one request.
pub(crate) struct Params<'a>(pub(crate) &'a [(String, String)]);

impl Params<'_> {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            ApiError::client("MissingParameter", format!("The request must contain the parameter {name}"))
        })
    }

    /// A query-protocol list: `Prefix.Member.1`, `Prefix.Member.2`, … in index order.
    pub(crate) fn list(&self, prefix: &str, member: &str) -> Vec<String> {
        let head = format!("{prefix}.{member}.");
        let mut items: Vec<(u32, String)> =
            self.0.iter().filter_map(|(k, v)| Some((k.strip_prefix(&head)?.parse().ok()?, v.clone()))).collect();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, v)| v).collect()
    }

    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => {
                Err(ApiError::client("InvalidParameterValue", format!("Invalid boolean value {other} for {name}")))
            }
        }
    }
}

/// Handles one query-protocol request; returns the action name and the inner result XML.
pub(crate) async fn handle<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &[(String, String)],
) -> Result<(String, String), ApiError> {
    let params = Params(params);
    let action = params.required("Action")?.to_owned();
    let result = match action.as_str() {
        "CreateCluster" => create_cluster(service, caller, &params).await?,
        "DescribeClusters" => {
            // `DescribeClusters` takes no resource-level permission: `*`
            // (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html>).
            authorize(service, caller, &[Check::new("redshift:DescribeClusters", "*")], Shape::Query).await?;
            describe_clusters(service, caller, &params)?
        }
        "ModifyClusterIamRoles" => modify_cluster_iam_roles(service, caller, &params).await?,
        "GetClusterCredentials" => crate::api::credentials::cluster_credentials(service, caller, &params).await?,
        "GetClusterCredentialsWithIAM" => crate::api::credentials::with_iam(service, caller, &params).await?,
        "DeleteCluster" => {
            let id = params.required("ClusterIdentifier")?.to_ascii_lowercase();
            let check = Check::new("redshift:DeleteCluster", cluster_arn(caller, &id));
            authorize(service, caller, &[check], Shape::Query).await?;
            delete_cluster(service, caller, &params)?
        }
        other => {
            return Err(ApiError::client(
                "InvalidAction",
                format!("the action `{other}` is not emulated by redbridge-emu"),
            ));
        }
    };
    Ok((action, result))
}

/// Cluster identifiers: 1–63 lowercase letters, digits and hyphens, starting with a letter,
/// no two hyphens in a row, not ending with a hyphen. AWS lowercases what it is given.
fn cluster_identifier(raw: &str) -> Result<String, ApiError> {
    let id = raw.to_ascii_lowercase();
    let valid = !id.is_empty()
        && id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.contains("--")
        && !id.ends_with('-');
    if valid {
        Ok(id)
    } else {
        Err(ApiError::client(
            "InvalidParameterValue",
            format!(
                "Cluster identifier {raw} is invalid: use 1 to 63 letters, digits or hyphens, starting with a letter"
            ),
        ))
    }
}

/// `arn:aws:redshift:REGION:ACCOUNT:cluster:ID`, the Service Authorization Reference's cluster
/// resource (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html>).
pub(crate) fn cluster_arn(caller: &Caller, id: &str) -> String {
    format!("arn:aws:redshift:{}:{}:cluster:{id}", caller.region, caller.account)
}

pub(crate) fn not_found(id: &str) -> ApiError {
    ApiError::client("ClusterNotFound", format!("Cluster {id} not found.")).with_status(404)
}

async fn create_cluster<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &Params<'_>,
) -> Result<String, ApiError> {
    let identifier = cluster_identifier(params.required("ClusterIdentifier")?)?;
    let node_type = params.required("NodeType")?.to_owned();
    let master_username = params.required("MasterUsername")?.to_owned();
    if params.get("MasterUserPassword").is_none() && params.bool("ManageMasterPassword")? != Some(true) {
        return Err(ApiError::client(
            "InvalidParameterValue",
            "A MasterUserPassword is required unless ManageMasterPassword is set to true.",
        ));
    }
    let number_of_nodes = match params.get("NumberOfNodes") {
        None => 1,
        Some(n) => n.parse::<u32>().ok().filter(|n| (1..=128).contains(n)).ok_or_else(|| {
            ApiError::client("InvalidParameterValue", format!("Invalid NumberOfNodes {n}: use 1 to 128"))
        })?,
    };
    // `Port` is checked as AWS does; the cluster answers on its listener's port, the only port
    // AWS shows (`Endpoint.Port`).
    if let Some(p) = params.get("Port") {
        p.parse::<u16>()
            .ok()
            .filter(|p| *p >= 1150)
            .ok_or_else(|| ApiError::client("InvalidParameterValue", format!("Invalid Port {p}: use 1150 to 65535")))?;
    }
    let roles = params.list("IamRoles", "IamRoleArn");
    let default_iam_role = params.get("DefaultIamRoleArn").map(str::to_owned);
    if let Some(default) = &default_iam_role
        && !roles.contains(default)
    {
        return Err(ApiError::client(
            "InvalidParameterValue",
            format!("The default IAM role {default} must be one of the IAM roles associated with the cluster."),
        ));
    }
    let mut checks = vec![Check::new("redshift:CreateCluster", cluster_arn(caller, &identifier))];
    checks.extend(roles.iter().map(|role| Check::pass_role(role, REDSHIFT_SERVICE)));
    authorize(service, caller, &checks, Shape::Query).await?;
    let key = state::key(caller.account.as_str(), &caller.region, &identifier);
    if service.registry().clusters.contains_key(&key) {
        return Err(ApiError::client("ClusterAlreadyExists", "Cluster already exists"));
    }
    for role in &roles {
        state::check_attachable(service, role, &[REDSHIFT_SERVICE], &caller.region).await?;
    }
    let delay = service.config.role_apply_delay;
    // The wire protocol's listener: a free port, advertised as `Endpoint.Port` (see `wire`).
    let login = crate::db_login::LoginTarget::Cluster(key.clone());
    let endpoint_port = service.wire.open(service, &login).map_err(|e| ApiError::internal(e.to_string()))?;
    let cluster = Cluster {
        identifier: identifier.clone(),
        node_type,
        master_username,
        master_password: params.get("MasterUserPassword").map(|p| state::Secret(p.to_owned())),
        endpoint_port,
        db_name: params.get("DBName").unwrap_or("dev").to_owned(),
        number_of_nodes,
        created: SystemTime::now(),
        namespace_id: crate::time::uuid(),
        roles: roles.iter().map(|r| AttachedRole::in_sync(r, delay)).collect(),
        default_iam_role,
        publicly_accessible: params.bool("PubliclyAccessible")?.unwrap_or(false),
        encrypted: params.bool("Encrypted")?.unwrap_or(false),
    };
    let mut registry = service.registry();
    if registry.clusters.contains_key(&key) {
        return Err(ApiError::client("ClusterAlreadyExists", "Cluster already exists"));
    }
    let xml = cluster_xml(&cluster, caller, service, "available");
    registry.clusters.insert(key, cluster);
    Ok(xml)
}

fn describe_clusters<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &Params<'_>,
) -> Result<String, ApiError> {
    let max_records = match params.get("MaxRecords") {
        None => 100,
        Some(n) => n.parse::<usize>().ok().filter(|n| (20..=100).contains(n)).ok_or_else(|| {
            ApiError::client("InvalidParameterValue", format!("MaxRecords {n} is invalid: use a value from 20 to 100."))
        })?,
    };
    // MaxRecords: "Default: 100 Constraints: minimum 20, maximum 100", and Marker is a value
    // AWS returned (https://docs.aws.amazon.com/redshift/latest/APIReference/API_DescribeClusters.html).
    // The emulator's markers are offsets it handed out, so anything else (not a number, or
    // past the clusters there are) is refused as invalid instead of being added to.
    let invalid_marker = |m: &str| ApiError::client("InvalidParameterValue", format!("Marker {m} is invalid."));
    let marker = match params.get("Marker") {
        None => None,
        Some(m) => Some((m, m.parse::<usize>().map_err(|_| invalid_marker(m))?)),
    };
    let registry = service.registry();
    let mut out = String::new();
    match params.get("ClusterIdentifier") {
        Some(raw) => {
            let id = raw.to_ascii_lowercase();
            let cluster = registry
                .clusters
                .get(&state::key(caller.account.as_str(), &caller.region, &id))
                .ok_or_else(|| not_found(raw))?;
            out.push_str("<Clusters>");
            out.push_str(&cluster_xml(cluster, caller, service, "available"));
            out.push_str("</Clusters>");
        }
        None => {
            let own: Vec<&Cluster> = registry
                .clusters
                .iter()
                .filter(|((account, region, _), _)| account == caller.account.as_str() && *region == caller.region)
                .map(|(_, cluster)| cluster)
                .collect();
            let start = match marker {
                None => 0,
                Some((_, start)) if start <= own.len() => start,
                Some((m, _)) => return Err(invalid_marker(m)),
            };
            out.push_str("<Clusters>");
            for cluster in own.iter().skip(start).take(max_records) {
                out.push_str(&cluster_xml(cluster, caller, service, "available"));
            }
            out.push_str("</Clusters>");
            // `start <= own.len()` and `max_records <= 100`: this cannot overflow.
            let next = start.saturating_add(max_records);
            if next < own.len() {
                let _ = write!(out, "<Marker>{next}</Marker>");
            }
        }
    }
    Ok(out)
}

async fn modify_cluster_iam_roles<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    params: &Params<'_>,
) -> Result<String, ApiError> {
    let raw = params.required("ClusterIdentifier")?;
    let key = state::key(caller.account.as_str(), &caller.region, &raw.to_ascii_lowercase());
    let add = params.list("AddIamRoles", "IamRoleArn");
    let remove = params.list("RemoveIamRoles", "IamRoleArn");
    let default = params.get("DefaultIamRoleArn").map(str::to_owned);
    let mut checks = vec![Check::new("redshift:ModifyClusterIamRoles", cluster_arn(caller, &raw.to_ascii_lowercase()))];
    checks.extend(add.iter().map(|role| Check::pass_role(role, REDSHIFT_SERVICE)));
    authorize(service, caller, &checks, Shape::Query).await?;
    if !service.registry().clusters.contains_key(&key) {
        return Err(not_found(raw));
    }
    if let Some(both) = add.iter().find(|a| remove.contains(a)) {
        return Err(ApiError::client(
            "InvalidParameterValue",
            format!("The IAM role {both} cannot be both added to and removed from the cluster."),
        ));
    }
    for role in &add {
        state::check_attachable(service, role, &[REDSHIFT_SERVICE], &caller.region).await?;
    }
    let delay = service.config.role_apply_delay;
    let mut registry = service.registry();
    let cluster = registry.clusters.get_mut(&key).ok_or_else(|| not_found(raw))?;
    let visible: Vec<String> = state::role_statuses(&cluster.roles, delay).into_iter().map(|(arn, _)| arn).collect();
    if let Some(missing) = remove.iter().find(|r| !visible.contains(r)) {
        return Err(ApiError::client(
            "InvalidParameterValue",
            format!("The IAM role {missing} is not associated with the cluster {}.", cluster.identifier),
        ));
    }
    let total =
        visible.iter().filter(|r| !remove.contains(r)).count() + add.iter().filter(|a| !visible.contains(a)).count();
    if total > 50 {
        return Err(ApiError::client(
            "InvalidParameterValue",
            "A cluster can have at most 50 IAM roles associated with it.",
        ));
    }
    cluster.roles.retain(|r| r.apply_status(delay).is_some());
    for role in &mut cluster.roles {
        if remove.contains(&role.arn) {
            role.removing = true;
            role.since = std::time::Instant::now();
        }
    }
    for arn in add {
        if !cluster.roles.iter().any(|r| r.arn == arn && !r.removing) {
            cluster.roles.retain(|r| r.arn != arn);
            cluster.roles.push(AttachedRole::adding(&arn));
        }
    }
    if let Some(default) = default {
        cluster.default_iam_role = Some(default);
    }
    let cluster = cluster.clone();
    drop(registry);
    Ok(cluster_xml(&cluster, caller, service, "available"))
}

fn delete_cluster<C: Connect>(service: &Service<C>, caller: &Caller, params: &Params<'_>) -> Result<String, ApiError> {
    let raw = params.required("ClusterIdentifier")?;
    let skip = params.bool("SkipFinalClusterSnapshot")?.unwrap_or(false);
    if !skip && params.get("FinalClusterSnapshotIdentifier").is_none() {
        return Err(ApiError::client(
            "InvalidParameterCombination",
            "FinalClusterSnapshotIdentifier is required unless SkipFinalClusterSnapshot is specified.",
        ));
    }
    let id = raw.to_ascii_lowercase();
    let mut registry = service.registry();
    let key = state::key(caller.account.as_str(), &caller.region, &id);
    let cluster = registry.clusters.remove(&key).ok_or_else(|| not_found(raw))?;
    service.wire.close(&crate::db_login::LoginTarget::Cluster(key));
    registry.databases.remove(&state::cluster_database(caller.account.as_str(), &caller.region, &id));
    Ok(cluster_xml(&cluster, caller, service, "deleting"))
}

/// The `<Cluster>` element.
fn cluster_xml<C: Connect>(cluster: &Cluster, caller: &Caller, service: &Service<C>, status: &str) -> String {
    let mut xml = String::from("<Cluster>");
    let mut element = |name: &str, value: &str| {
        let _ = write!(xml, "<{name}>{}</{name}>", xml_escape(value));
    };
    element("ClusterIdentifier", &cluster.identifier);
    element("NodeType", &cluster.node_type);
    element("ClusterStatus", status);
    element("ClusterAvailabilityStatus", if status == "available" { "Available" } else { "Unavailable" });
    element("MasterUsername", &cluster.master_username);
    element("DBName", &cluster.db_name);
    element("ClusterCreateTime", &crate::time::iso8601(cluster.created));
    element("NumberOfNodes", &cluster.number_of_nodes.to_string());
    element("PubliclyAccessible", if cluster.publicly_accessible { "true" } else { "false" });
    element("Encrypted", if cluster.encrypted { "true" } else { "false" });
    element("EnhancedVpcRouting", "false");
    element("AvailabilityZone", &format!("{}a", caller.region));
    element("ClusterVersion", "1.0");
    element(
        "ClusterNamespaceArn",
        &format!("arn:aws:redshift:{}:{}:namespace:{}", caller.region, caller.account, cluster.namespace_id),
    );
    // `DefaultIamRoleArn`: "The Amazon Resource Name (ARN) for the IAM role set as default for the
    // cluster" (<https://docs.aws.amazon.com/redshift/latest/APIReference/API_Cluster.html>).
    if let Some(default) = &cluster.default_iam_role {
        element("DefaultIamRoleArn", default);
    }
    let address = crate::wire::advertised_address(service);
    let _ = write!(xml, "<Endpoint><Address>{address}</Address><Port>{}</Port></Endpoint>", cluster.endpoint_port);
    xml.push_str("<IamRoles>");
    for (arn, status) in state::role_statuses(&cluster.roles, service.config.role_apply_delay) {
        let _ = write!(
            xml,
            "<ClusterIamRole><IamRoleArn>{}</IamRoleArn><ApplyStatus>{status}</ApplyStatus></ClusterIamRole>",
            xml_escape(&arn)
        );
    }
    xml.push_str("</IamRoles></Cluster>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_lowercased_and_checked() {
        assert_eq!(cluster_identifier("My-Cluster1").unwrap(), "my-cluster1");
        for bad in ["", "1abc", "a--b", "a-", "a_b"] {
            assert_eq!(cluster_identifier(bad).unwrap_err().code, "InvalidParameterValue", "{bad}");
        }
    }

    #[test]
    fn query_lists_are_read_in_index_order() {
        let raw = vec![
            ("IamRoles.IamRoleArn.2".to_owned(), "b".to_owned()),
            ("IamRoles.IamRoleArn.1".to_owned(), "a".to_owned()),
            ("Other.IamRoleArn.1".to_owned(), "x".to_owned()),
        ];
        assert_eq!(Params(&raw).list("IamRoles", "IamRoleArn"), ["a", "b"]);
    }
}
