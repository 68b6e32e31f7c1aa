//! Redshift Serverless (AWS JSON 1.1): namespaces and workgroups. `UpdateNamespace` replaces
//! the whole role list, as AWS does; roles come back as `IamRole(applyStatus=…, iamRoleArn=…)`.
//! `ListNamespaces` and `ListWorkgroups` list the caller's account and region only, in pages of
//! `maxResults` (1 to 100, as the API reference's "Valid Range: Minimum value of 1. Maximum value
//! of 100." says: <https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_ListNamespaces.html>,
//! <https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_ListWorkgroups.html>).

use std::time::SystemTime;

use serde_json::{Value, json};

use redbridge_aws::ports::Connect;

use crate::caller::Caller;
use crate::caller_access::{Check, Shape, authorize};
use crate::error::ApiError;
use crate::state::{self, AttachedRole, Namespace, Service, Workgroup};

/// The service principals a serverless namespace role may trust.
pub(crate) const SERVERLESS_SERVICES: [&str; 2] = ["redshift-serverless.amazonaws.com", "redshift.amazonaws.com"];

/// Reads typed members of a JSON input.
pub(crate) struct Input<'a>(pub &'a Value);

impl Input<'_> {
    pub fn string(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::client("SerializationException", format!("`{name}` must be a string"))),
        }
    }

    pub fn required(&self, name: &str, code: &str) -> Result<&str, ApiError> {
        self.string(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::client(code, format!("1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null")))
    }

    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => {
                items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().map(Some).ok_or_else(
                    || ApiError::client("SerializationException", format!("`{name}` must be a list of strings")),
                )
            }
            Some(_) => Err(ApiError::client("SerializationException", format!("`{name}` must be a list"))),
        }
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::client("SerializationException", format!("`{name}` must be an integer"))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::client("SerializationException", format!("`{name}` must be a boolean"))),
        }
    }
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::client("ValidationException", message)
}

fn namespace_not_found(name: &str) -> ApiError {
    ApiError::client("ResourceNotFoundException", format!("Namespace {name} does not exist."))
        .with_status(404)
        .with("resourceName", name)
}

pub(crate) fn workgroup_not_found(name: &str) -> ApiError {
    ApiError::client("ResourceNotFoundException", format!("Workgroup {name} does not exist."))
        .with_status(404)
        .with("resourceName", name)
}

/// Namespace and workgroup names: 3–64 lowercase letters, digits and hyphens.
fn check_name(kind: &str, name: &str) -> Result<(), ApiError> {
    let valid = (3..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(validation(format!("{kind} name {name} is invalid: use 3 to 64 lowercase letters, digits or hyphens")))
    }
}

/// Handles one `RedshiftServerless.*` operation.
pub(crate) async fn handle<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    operation: &str,
    input: &Value,
) -> Result<Value, ApiError> {
    let input = Input(input);
    // Reads and deletions are judged here, on the resource as it exists (a missing one is
    // answered as missing); creations and updates judge inside, with what they will change.
    let existing = match operation {
        "GetNamespace" | "DeleteNamespace" => input
            .string("namespaceName")?
            .and_then(|name| existing_id(service, caller, name, true))
            .map(|id| resource_arn(caller, "namespace", &id)),
        "GetWorkgroup" | "DeleteWorkgroup" => input
            .string("workgroupName")?
            .and_then(|name| existing_id(service, caller, name, false))
            .map(|id| resource_arn(caller, "workgroup", &id)),
        _ => None,
    };
    if let Some(resource) = existing {
        let check = Check::new(&format!("redshift-serverless:{operation}"), resource);
        authorize(service, caller, &[check], Shape::Json).await?;
    }
    if matches!(operation, "ListNamespaces" | "ListWorkgroups") {
        // The list actions take no resource-level permission: `*`
        // (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftserverless.html>).
        let check = Check::new(&format!("redshift-serverless:{operation}"), "*");
        authorize(service, caller, &[check], Shape::Json).await?;
    }
    match operation {
        "CreateNamespace" => create_namespace(service, caller, &input).await,
        "GetNamespace" => get_namespace(service, caller, &input),
        "UpdateNamespace" => update_namespace(service, caller, &input).await,
        "DeleteNamespace" => delete_namespace(service, caller, &input),
        "CreateWorkgroup" => create_workgroup(service, caller, &input).await,
        "GetWorkgroup" => get_workgroup(service, caller, &input),
        "DeleteWorkgroup" => delete_workgroup(service, caller, &input),
        "ListNamespaces" => list_namespaces(service, caller, &input),
        "ListWorkgroups" => list_workgroups(service, caller, &input),
        "GetCredentials" => crate::api::credentials::serverless_credentials(service, caller, &input).await,
        other => Err(ApiError::client(
            "UnknownOperationException",
            format!("the operation `{other}` is not emulated by redbridge-emu"),
        )),
    }
}

/// `arn:aws:redshift-serverless:REGION:ACCOUNT:namespace/ID` (or `workgroup/ID`), as the Service
/// Authorization Reference writes the resource types
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftserverless.html>).
pub(crate) fn resource_arn(caller: &Caller, kind: &str, id: &str) -> String {
    format!("arn:aws:redshift-serverless:{}:{}:{kind}/{id}", caller.region, caller.account)
}

/// The id of the caller's namespace (or workgroup) `name`, if it exists.
pub(crate) fn existing_id<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    name: &str,
    namespace: bool,
) -> Option<String> {
    let registry = service.registry();
    let key = state::key(caller.account.as_str(), &caller.region, name);
    if namespace {
        registry.namespaces.get(&key).map(|n| n.id.clone())
    } else {
        registry.workgroups.get(&key).map(|w| w.id.clone())
    }
}

/// The service a namespace's roles are passed to. Which one AWS names in
/// `iam:PassedToService` for a namespace is not documented; the operator policies allow both
/// Redshift principals, and the emulator names Redshift Serverless's.
const PASSED_TO: &str = "redshift-serverless.amazonaws.com";

/// AWS's text for UpdateNamespace with `defaultIamRoleArn` but no `iamRoles`, as Terraform users
/// report it (<https://github.com/hashicorp/terraform-provider-aws/issues/39268>).
const DEFAULT_WITHOUT_LIST: &str = "To change the default IAM role, you must specify the entire list of IAM roles.";

/// AWS's text for a default role missing from the namespace's list, as Terraform users report it
/// (<https://github.com/hashicorp/terraform-provider-aws/issues/28980>).
const DEFAULT_NOT_LISTED: &str = "The list of customer IAM roles must contain the default IAM role.";

async fn check_roles<C: Connect>(service: &Service<C>, roles: &[String], region: &str) -> Result<(), ApiError> {
    if roles.len() > 10 {
        return Err(validation("A namespace can have at most 10 IAM roles per request."));
    }
    for role in roles {
        // The same words as provisioned Redshift, in the JSON protocol's error code.
        state::check_attachable(service, role, &SERVERLESS_SERVICES, region)
            .await
            .map_err(|e| if e.code == "InvalidParameterValue" { validation(e.message) } else { e })?;
    }
    Ok(())
}

async fn create_namespace<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    input: &Input<'_>,
) -> Result<Value, ApiError> {
    let name = input.required("namespaceName", "ValidationException")?.to_owned();
    check_name("Namespace", &name)?;
    let roles = input.strings("iamRoles")?.unwrap_or_default();
    let default = input.string("defaultIamRoleArn")?.map(str::to_owned);
    if let Some(d) = &default
        && !roles.contains(d)
    {
        return Err(validation(DEFAULT_NOT_LISTED));
    }
    let id = crate::time::uuid();
    let mut checks = vec![Check::new("redshift-serverless:CreateNamespace", resource_arn(caller, "namespace", &id))];
    checks.extend(roles.iter().map(|role| Check::pass_role(role, PASSED_TO)));
    authorize(service, caller, &checks, Shape::Json).await?;
    let key = state::key(caller.account.as_str(), &caller.region, &name);
    if service.registry().namespaces.contains_key(&key) {
        return Err(ApiError::client("ConflictException", format!("Namespace {name} already exists.")));
    }
    check_roles(service, &roles, &caller.region).await?;
    let delay = service.config.role_apply_delay;
    let namespace = Namespace {
        name: name.clone(),
        id,
        admin_username: input.string("adminUsername")?.unwrap_or("admin").to_owned(),
        admin_password: input.string("adminUserPassword")?.map(|p| state::Secret(p.to_owned())),
        db_name: input.string("dbName")?.unwrap_or("dev").to_owned(),
        created: SystemTime::now(),
        roles: roles.iter().map(|r| AttachedRole::in_sync(r, delay)).collect(),
        default_iam_role: default,
        kms_key_id: input.string("kmsKeyId")?.map(str::to_owned),
    };
    let output = json!({ "namespace": namespace_json(&namespace, caller, service, "AVAILABLE") });
    let mut registry = service.registry();
    if registry.namespaces.contains_key(&key) {
        return Err(ApiError::client("ConflictException", format!("Namespace {name} already exists.")));
    }
    registry.namespaces.insert(key, namespace);
    Ok(output)
}

fn get_namespace<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let name = input.required("namespaceName", "ValidationException")?;
    let registry = service.registry();
    let namespace = registry
        .namespaces
        .get(&state::key(caller.account.as_str(), &caller.region, name))
        .ok_or_else(|| namespace_not_found(name))?;
    Ok(json!({ "namespace": namespace_json(namespace, caller, service, "AVAILABLE") }))
}

async fn update_namespace<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    input: &Input<'_>,
) -> Result<Value, ApiError> {
    let name = input.required("namespaceName", "ValidationException")?.to_owned();
    let key = state::key(caller.account.as_str(), &caller.region, &name);
    let Some((id, attached)) = service
        .registry()
        .namespaces
        .get(&key)
        .map(|n| (n.id.clone(), n.roles.iter().filter(|r| !r.removing).map(|r| r.arn.clone()).collect::<Vec<_>>()))
    else {
        return Err(namespace_not_found(&name));
    };
    let roles = input.strings("iamRoles")?;
    // The new list replaces the old: every role in it that was not attached is passed.
    let mut checks = vec![Check::new("redshift-serverless:UpdateNamespace", resource_arn(caller, "namespace", &id))];
    let added = roles.iter().flatten().filter(|role| !attached.contains(role));
    checks.extend(added.map(|role| Check::pass_role(role, PASSED_TO)));
    authorize(service, caller, &checks, Shape::Json).await?;
    let default = input.string("defaultIamRoleArn")?.map(str::to_owned);
    if input.string("adminUsername")?.is_some() != input.string("adminUserPassword")?.is_some() {
        return Err(validation("You must specify both the admin username and the admin user password."));
    }
    // Checked before anything changes: a default role needs the whole new list, and in it.
    match (&default, &roles) {
        (Some(_), None) => return Err(validation(DEFAULT_WITHOUT_LIST)),
        (Some(d), Some(roles)) if !roles.contains(d) => return Err(validation(DEFAULT_NOT_LISTED)),
        _ => {}
    }
    if let Some(roles) = &roles {
        check_roles(service, roles, &caller.region).await?;
    }
    let mut registry = service.registry();
    let namespace = registry.namespaces.get_mut(&key).ok_or_else(|| namespace_not_found(&name))?;
    if let Some(roles) = roles {
        // The list replaces the current one: roles kept keep their state, new ones start `adding`.
        let mut next = Vec::with_capacity(roles.len());
        for arn in &roles {
            match namespace.roles.iter().find(|r| &r.arn == arn && !r.removing) {
                Some(kept) => next.push(kept.clone()),
                None => next.push(AttachedRole::adding(arn)),
            }
        }
        namespace.roles = next;
    }
    if let Some(d) = default {
        namespace.default_iam_role = Some(d);
    }
    if let Some(user) = input.string("adminUsername")? {
        namespace.admin_username = user.to_owned();
    }
    if let Some(password) = input.string("adminUserPassword")? {
        namespace.admin_password = Some(state::Secret(password.to_owned()));
    }
    if let Some(key_id) = input.string("kmsKeyId")? {
        namespace.kms_key_id = Some(key_id.to_owned());
    }
    let namespace = namespace.clone();
    drop(registry);
    Ok(json!({ "namespace": namespace_json(&namespace, caller, service, "AVAILABLE") }))
}

fn delete_namespace<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let name = input.required("namespaceName", "ValidationException")?;
    let mut registry = service.registry();
    let key = state::key(caller.account.as_str(), &caller.region, name);
    if !registry.namespaces.contains_key(&key) {
        return Err(namespace_not_found(name));
    }
    if let Some(((_, _, workgroup), _)) = registry
        .workgroups
        .iter()
        .find(|((a, r, _), w)| a == caller.account.as_str() && *r == caller.region && w.namespace == name)
    {
        return Err(ApiError::client(
            "ConflictException",
            format!(
                "There is a workgroup {workgroup} associated with the namespace {name}. Delete the workgroup first."
            ),
        ));
    }
    let namespace = registry.namespaces.remove(&key).ok_or_else(|| namespace_not_found(name))?;
    Ok(json!({ "namespace": namespace_json(&namespace, caller, service, "DELETING") }))
}

async fn create_workgroup<C: Connect>(
    service: &Service<C>,
    caller: &Caller,
    input: &Input<'_>,
) -> Result<Value, ApiError> {
    let name = input.required("workgroupName", "ValidationException")?.to_owned();
    check_name("Workgroup", &name)?;
    let namespace = input.required("namespaceName", "ValidationException")?.to_owned();
    let base_capacity = input.integer("baseCapacity")?.unwrap_or(128);
    if !(8..=1024).contains(&base_capacity) || base_capacity % 8 != 0 {
        return Err(validation(format!(
            "Base capacity {base_capacity} is invalid: use a multiple of 8 from 8 to 1024."
        )));
    }
    let port = match input.integer("port")? {
        None => 5439,
        Some(p) => {
            u16::try_from(p).ok().filter(|p| *p >= 5431).ok_or_else(|| validation(format!("Port {p} is invalid.")))?
        }
    };
    let id = crate::time::uuid();
    let check = Check::new("redshift-serverless:CreateWorkgroup", resource_arn(caller, "workgroup", &id));
    authorize(service, caller, &[check], Shape::Json).await?;
    let mut registry = service.registry();
    if !registry.namespaces.contains_key(&state::key(caller.account.as_str(), &caller.region, &namespace)) {
        return Err(namespace_not_found(&namespace));
    }
    let key = state::key(caller.account.as_str(), &caller.region, &name);
    if registry.workgroups.contains_key(&key) {
        return Err(ApiError::client("ConflictException", format!("Workgroup {name} already exists.")));
    }
    if registry
        .workgroups
        .iter()
        .any(|((a, r, _), w)| a == caller.account.as_str() && *r == caller.region && w.namespace == namespace)
    {
        return Err(ApiError::client("ConflictException", format!("Namespace {namespace} already has a workgroup.")));
    }
    // The wire protocol's listener: a free port, advertised as `endpoint.port` (see `wire`).
    let login = crate::db_login::LoginTarget::Workgroup(key.clone());
    let endpoint_port = service.wire.open(service, &login).map_err(|e| ApiError::internal(e.to_string()))?;
    let workgroup = Workgroup {
        name,
        id,
        namespace,
        base_capacity,
        port,
        endpoint_address: crate::wire::advertised_address(service),
        endpoint_port,
        created: SystemTime::now(),
        publicly_accessible: input.boolean("publiclyAccessible")?.unwrap_or(false),
        enhanced_vpc_routing: input.boolean("enhancedVpcRouting")?.unwrap_or(false),
    };
    let output = json!({ "workgroup": workgroup_json(&workgroup, caller, "AVAILABLE") });
    registry.workgroups.insert(key, workgroup);
    Ok(output)
}

fn get_workgroup<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let name = input.required("workgroupName", "ValidationException")?;
    let registry = service.registry();
    let workgroup = registry
        .workgroups
        .get(&state::key(caller.account.as_str(), &caller.region, name))
        .ok_or_else(|| workgroup_not_found(name))?;
    Ok(json!({ "workgroup": workgroup_json(workgroup, caller, "AVAILABLE") }))
}

fn delete_workgroup<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let name = input.required("workgroupName", "ValidationException")?;
    let mut registry = service.registry();
    let key = state::key(caller.account.as_str(), &caller.region, name);
    let workgroup = registry.workgroups.remove(&key).ok_or_else(|| workgroup_not_found(name))?;
    service.wire.close(&crate::db_login::LoginTarget::Workgroup(key));
    registry.databases.remove(&state::workgroup_database(caller.account.as_str(), &caller.region, name));
    Ok(json!({ "workgroup": workgroup_json(&workgroup, caller, "DELETING") }))
}

/// `maxResults` (1 to 100, 100 when absent) and the offset a `nextToken` stands for. The
/// emulator's tokens are offsets it handed out, up to `len`: anything else is refused, never
/// added to.
fn page(input: &Input<'_>, len: usize) -> Result<(usize, usize), ApiError> {
    let max = match input.integer("maxResults")? {
        None => 100,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) if n < 1 => {
            return Err(validation(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )));
        }
        Some(n) => {
            return Err(validation(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"
            )));
        }
    };
    let start = match input.string("nextToken")? {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .ok()
            .filter(|start| *start <= len)
            .ok_or_else(|| validation("The nextToken is invalid."))?,
    };
    Ok((start, max))
}

/// One page of `items` under `member`, with `nextToken` when more follow.
fn paged(member: &str, items: Vec<Value>, input: &Input<'_>) -> Result<Value, ApiError> {
    let (start, max) = page(input, items.len())?;
    let len = items.len();
    let shown: Vec<Value> = items.into_iter().skip(start).take(max).collect();
    let mut output = json!({ member: shown });
    // `start <= len` and `max <= 100`: this cannot overflow.
    let next = start.saturating_add(max);
    if next < len {
        output["nextToken"] = json!(next.to_string());
    }
    Ok(output)
}

fn list_namespaces<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    let own: Vec<Namespace> = service
        .registry()
        .namespaces
        .iter()
        .filter(|((account, region, _), _)| account == caller.account.as_str() && *region == caller.region)
        .map(|(_, namespace)| namespace.clone())
        .collect();
    let items = own.iter().map(|n| namespace_json(n, caller, service, "AVAILABLE")).collect();
    paged("namespaces", items, input)
}

fn list_workgroups<C: Connect>(service: &Service<C>, caller: &Caller, input: &Input<'_>) -> Result<Value, ApiError> {
    if let Some(owner) = input.string("ownerAccount")?
        && owner != caller.account.as_str()
    {
        // Workgroups shared from another account are not emulated: that account's are not listed.
        return paged("workgroups", Vec::new(), input);
    }
    let items = service
        .registry()
        .workgroups
        .iter()
        .filter(|((account, region, _), _)| account == caller.account.as_str() && *region == caller.region)
        .map(|(_, workgroup)| workgroup_json(workgroup, caller, "AVAILABLE"))
        .collect();
    paged("workgroups", items, input)
}

fn namespace_json<C: Connect>(namespace: &Namespace, caller: &Caller, service: &Service<C>, status: &str) -> Value {
    let roles: Vec<String> = state::role_statuses(&namespace.roles, service.config.role_apply_delay)
        .into_iter()
        .map(|(arn, status)| format!("IamRole(applyStatus={status}, iamRoleArn={arn})"))
        .collect();
    let mut value = json!({
        "namespaceName": namespace.name,
        "namespaceId": namespace.id,
        "namespaceArn": resource_arn(caller, "namespace", &namespace.id),
        "adminUsername": namespace.admin_username,
        "dbName": namespace.db_name,
        "iamRoles": roles,
        "logExports": [],
        "status": status,
        "creationDate": crate::time::iso8601(namespace.created),
    });
    if let Some(d) = &namespace.default_iam_role {
        value["defaultIamRoleArn"] = json!(d);
    }
    if let Some(k) = &namespace.kms_key_id {
        value["kmsKeyId"] = json!(k);
    }
    value
}

fn workgroup_json(workgroup: &Workgroup, caller: &Caller, status: &str) -> Value {
    json!({
        "workgroupName": workgroup.name,
        "workgroupId": workgroup.id,
        "workgroupArn": resource_arn(caller, "workgroup", &workgroup.id),
        "namespaceName": workgroup.namespace,
        "baseCapacity": workgroup.base_capacity,
        "enhancedVpcRouting": workgroup.enhanced_vpc_routing,
        "publiclyAccessible": workgroup.publicly_accessible,
        "status": status,
        "port": workgroup.port,
        "endpoint": { "address": workgroup.endpoint_address, "port": workgroup.endpoint_port },
        "creationDate": crate::time::iso8601(workgroup.created),
    })
}
