//! The ports implemented with the AWS SDK for Rust. SDK types stay in this module.
//!
//! Each adapter wraps one service client. Build them from an [`aws_config::SdkConfig`] (see
//! [`crate::config`]) or from a client you configured yourself.

use redbridge_core::converge::{ApplyStatus, AttachedRole};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, KmsKeyArn, Region, RoleArn};

use crate::AwsError;
use crate::error::map_sdk;
use crate::ports::{
    AwsResult, CallerIdentity, ClusterInfo, DataTarget, DefaultEncryption, Iam, KeyInfo, Kms, NewRole, Redshift,
    RedshiftData, RedshiftServerless, RoleInfo, S3, StatementDetail, StatementState, Sts, SubStatement, WorkgroupInfo,
};

/// Decodes the percent-encoding IAM applies to policy documents it returns.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a policy document AWS returned, URL-encoded (IAM) or not (KMS, S3).
fn parse_policy(what: &str, text: &str) -> AwsResult<PolicyDocument> {
    let decoded = if text.trim_start().starts_with('{') { text.to_owned() } else { percent_decode(text) };
    PolicyDocument::from_json(&decoded)
        .map_err(|e| AwsError::other(format!("{what} returned by AWS is not a policy redbridge can read: {e}")))
}

fn is_not_found(error: &AwsError) -> bool {
    matches!(error, AwsError::NotFound { .. })
}

/// IAM through `aws-sdk-iam`.
#[derive(Debug, Clone)]
pub struct SdkIam {
    client: aws_sdk_iam::Client,
}

impl SdkIam {
    /// Wraps a client.
    pub fn new(client: aws_sdk_iam::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration.
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_iam::Client::new(config))
    }
}

fn iam_tag(key: &str, value: &str) -> AwsResult<aws_sdk_iam::types::Tag> {
    aws_sdk_iam::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|e| AwsError::other(format!("cannot build tag `{key}`: {e}")))
}

impl Iam for SdkIam {
    async fn get_role(&self, name: &str) -> AwsResult<Option<RoleInfo>> {
        let output = match self.client.get_role().role_name(name).send().await {
            Ok(output) => output,
            Err(err) => {
                let err = map_sdk("iam:GetRole", err);
                return if is_not_found(&err) { Ok(None) } else { Err(err) };
            }
        };
        let Some(role) = output.role() else { return Ok(None) };
        let arn = RoleArn::parse(role.arn())
            .map_err(|e| AwsError::other(format!("IAM returned role ARN `{}` that does not parse: {e}", role.arn())))?;
        let trust_policy = parse_policy("trust policy", role.assume_role_policy_document().unwrap_or("{}"))?;
        Ok(Some(RoleInfo {
            arn,
            trust_policy,
            tags: role.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect(),
            description: role.description().map(str::to_owned),
            permissions_boundary: role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_owned),
        }))
    }

    async fn create_role(&self, role: &NewRole) -> AwsResult<()> {
        let mut request = self
            .client
            .create_role()
            .role_name(role.arn.name())
            .path(role.arn.path())
            .description(&role.description)
            .assume_role_policy_document(role.trust_policy.to_json());
        for (key, value) in &role.tags {
            request = request.tags(iam_tag(key, value)?);
        }
        request.send().await.map_err(|e| map_sdk("iam:CreateRole", e))?;
        Ok(())
    }

    async fn update_trust_policy(&self, name: &str, policy: &PolicyDocument) -> AwsResult<()> {
        self.client
            .update_assume_role_policy()
            .role_name(name)
            .policy_document(policy.to_json())
            .send()
            .await
            .map_err(|e| map_sdk("iam:UpdateAssumeRolePolicy", e))?;
        Ok(())
    }

    async fn tag_role(&self, name: &str, tags: &[(String, String)]) -> AwsResult<()> {
        let mut request = self.client.tag_role().role_name(name);
        for (key, value) in tags {
            request = request.tags(iam_tag(key, value)?);
        }
        request.send().await.map_err(|e| map_sdk("iam:TagRole", e))?;
        Ok(())
    }

    async fn delete_role(&self, name: &str) -> AwsResult<()> {
        self.client.delete_role().role_name(name).send().await.map_err(|e| map_sdk("iam:DeleteRole", e))?;
        Ok(())
    }

    async fn get_role_policy(&self, role: &str, policy: &str) -> AwsResult<Option<PolicyDocument>> {
        match self.client.get_role_policy().role_name(role).policy_name(policy).send().await {
            Ok(output) => Ok(Some(parse_policy("inline policy", output.policy_document())?)),
            Err(err) => {
                let err = map_sdk("iam:GetRolePolicy", err);
                if is_not_found(&err) { Ok(None) } else { Err(err) }
            }
        }
    }

    async fn put_role_policy(&self, role: &str, policy: &str, document: &PolicyDocument) -> AwsResult<()> {
        self.client
            .put_role_policy()
            .role_name(role)
            .policy_name(policy)
            .policy_document(document.to_json())
            .send()
            .await
            .map_err(|e| map_sdk("iam:PutRolePolicy", e))?;
        Ok(())
    }

    async fn delete_role_policy(&self, role: &str, policy: &str) -> AwsResult<()> {
        self.client
            .delete_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| map_sdk("iam:DeleteRolePolicy", e))?;
        Ok(())
    }

    async fn list_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let mut names = Vec::new();
        let mut marker: Option<String> = None;
        // IAM pages are at most 1000 names; 100 pages is far beyond any real role.
        for _ in 0..100 {
            let output = self
                .client
                .list_role_policies()
                .role_name(role)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| map_sdk("iam:ListRolePolicies", e))?;
            names.extend(output.policy_names().iter().cloned());
            match (output.is_truncated(), output.marker()) {
                (true, Some(next)) => marker = Some(next.to_owned()),
                _ => return Ok(names),
            }
        }
        Err(AwsError::other(format!("iam:ListRolePolicies for `{role}` did not stop after 100 pages")))
    }

    async fn list_attached_role_policies(&self, role: &str) -> AwsResult<Vec<String>> {
        let mut arns = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..100 {
            let output = self
                .client
                .list_attached_role_policies()
                .role_name(role)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| map_sdk("iam:ListAttachedRolePolicies", e))?;
            arns.extend(output.attached_policies().iter().filter_map(|p| p.policy_arn()).map(str::to_owned));
            match (output.is_truncated(), output.marker()) {
                (true, Some(next)) => marker = Some(next.to_owned()),
                _ => return Ok(arns),
            }
        }
        Err(AwsError::other(format!("iam:ListAttachedRolePolicies for `{role}` did not stop after 100 pages")))
    }

    async fn managed_policy_default_version(&self, policy_arn: &str) -> AwsResult<Option<String>> {
        match self.client.get_policy().policy_arn(policy_arn).send().await {
            Ok(output) => Ok(output.policy().and_then(|p| p.default_version_id()).map(str::to_owned)),
            Err(err) => {
                let err = map_sdk("iam:GetPolicy", err);
                if is_not_found(&err) { Ok(None) } else { Err(err) }
            }
        }
    }

    async fn managed_policy_version(&self, policy_arn: &str, version: &str) -> AwsResult<PolicyDocument> {
        let output = self
            .client
            .get_policy_version()
            .policy_arn(policy_arn)
            .version_id(version)
            .send()
            .await
            .map_err(|e| map_sdk("iam:GetPolicyVersion", e))?;
        let document = output.policy_version().and_then(|v| v.document()).unwrap_or("{}");
        parse_policy("managed policy", document)
    }
}

/// STS through `aws-sdk-sts`.
#[derive(Debug, Clone)]
pub struct SdkSts {
    client: aws_sdk_sts::Client,
}

impl SdkSts {
    /// Wraps a client.
    pub fn new(client: aws_sdk_sts::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration.
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_sts::Client::new(config))
    }
}

impl Sts for SdkSts {
    async fn caller_identity(&self) -> AwsResult<CallerIdentity> {
        let output = self.client.get_caller_identity().send().await.map_err(|e| map_sdk("sts:GetCallerIdentity", e))?;
        let account = output.account().unwrap_or_default();
        let account = AccountId::parse(account)
            .map_err(|e| AwsError::other(format!("STS returned account `{account}` that does not parse: {e}")))?;
        Ok(CallerIdentity { account, arn: output.arn().unwrap_or_default().to_owned() })
    }
}

/// KMS through `aws-sdk-kms`.
#[derive(Debug, Clone)]
pub struct SdkKms {
    client: aws_sdk_kms::Client,
}

impl SdkKms {
    /// Wraps a client (it must be in the key's region).
    pub fn new(client: aws_sdk_kms::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration (its region must be the key's).
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_kms::Client::new(config))
    }
}

impl Kms for SdkKms {
    async fn get_key_policy(&self, key: &KmsKeyArn) -> AwsResult<PolicyDocument> {
        let output = self
            .client
            .get_key_policy()
            .key_id(key.to_string())
            .policy_name("default")
            .send()
            .await
            .map_err(|e| map_sdk("kms:GetKeyPolicy", e))?;
        parse_policy("key policy", output.policy().unwrap_or("{}"))
    }

    async fn put_key_policy(&self, key: &KmsKeyArn, policy: &PolicyDocument) -> AwsResult<()> {
        self.client
            .put_key_policy()
            .key_id(key.to_string())
            .policy_name("default")
            .policy(policy.to_json_pretty())
            .send()
            .await
            .map_err(|e| map_sdk("kms:PutKeyPolicy", e))?;
        Ok(())
    }

    async fn describe_key(&self, key: &KmsKeyArn) -> AwsResult<KeyInfo> {
        let output = self
            .client
            .describe_key()
            .key_id(key.to_string())
            .send()
            .await
            .map_err(|e| map_sdk("kms:DescribeKey", e))?;
        let metadata = output.key_metadata().ok_or_else(|| AwsError::other("kms:DescribeKey returned no metadata"))?;
        Ok(KeyInfo {
            arn: metadata.arn().unwrap_or_default().to_owned(),
            enabled: metadata.enabled(),
            customer_managed: metadata.key_manager().map(|m| m.as_str() == "CUSTOMER").unwrap_or(false),
            state: metadata
                .key_state()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| if metadata.enabled() { "Enabled" } else { "Disabled" }.to_owned()),
        })
    }
}

/// Provisioned Redshift through `aws-sdk-redshift`.
#[derive(Debug, Clone)]
pub struct SdkRedshift {
    client: aws_sdk_redshift::Client,
}

impl SdkRedshift {
    /// Wraps a client.
    pub fn new(client: aws_sdk_redshift::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration.
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_redshift::Client::new(config))
    }
}

impl Redshift for SdkRedshift {
    async fn cluster_roles(&self, cluster: &str) -> AwsResult<Vec<AttachedRole>> {
        let output = self
            .client
            .describe_clusters()
            .cluster_identifier(cluster)
            .send()
            .await
            .map_err(|e| map_sdk("redshift:DescribeClusters", e))?;
        let found = output
            .clusters()
            .iter()
            .find(|c| c.cluster_identifier() == Some(cluster))
            .or_else(|| output.clusters().first())
            .ok_or_else(|| AwsError::not_found(format!("cluster `{cluster}`")))?;
        Ok(found
            .iam_roles()
            .iter()
            .filter_map(|r| {
                Some(AttachedRole {
                    arn: r.iam_role_arn()?.to_owned(),
                    status: ApplyStatus::parse(r.apply_status().unwrap_or("in-sync")),
                })
            })
            .collect())
    }

    async fn add_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        self.client
            .modify_cluster_iam_roles()
            .cluster_identifier(cluster)
            .add_iam_roles(role)
            .send()
            .await
            .map_err(|e| map_sdk("redshift:ModifyClusterIamRoles", e))?;
        Ok(())
    }

    async fn remove_cluster_role(&self, cluster: &str, role: &str) -> AwsResult<()> {
        self.client
            .modify_cluster_iam_roles()
            .cluster_identifier(cluster)
            .remove_iam_roles(role)
            .send()
            .await
            .map_err(|e| map_sdk("redshift:ModifyClusterIamRoles", e))?;
        Ok(())
    }

    async fn describe_cluster(&self, cluster: &str) -> AwsResult<ClusterInfo> {
        let output = self
            .client
            .describe_clusters()
            .cluster_identifier(cluster)
            .send()
            .await
            .map_err(|e| map_sdk("redshift:DescribeClusters", e))?;
        let found = output
            .clusters()
            .iter()
            .find(|c| c.cluster_identifier() == Some(cluster))
            .or_else(|| output.clusters().first())
            .ok_or_else(|| AwsError::not_found(format!("cluster `{cluster}`")))?;
        let roles = found
            .iam_roles()
            .iter()
            .filter_map(|r| {
                Some(AttachedRole {
                    arn: r.iam_role_arn()?.to_owned(),
                    status: ApplyStatus::parse(r.apply_status().unwrap_or("in-sync")),
                })
            })
            .collect();
        Ok(ClusterInfo { roles, enhanced_vpc_routing: found.enhanced_vpc_routing().unwrap_or(false) })
    }
}

/// Parses one entry of a namespace's `iamRoles`: either a plain ARN (then `in-sync`) or
/// `IamRole(applyStatus=in-sync, iamRoleArn=arn:…)`. Returns `None` for an entry with no ARN.
pub fn parse_namespace_role(entry: &str) -> Option<AttachedRole> {
    let entry = entry.trim();
    if let Some(inner) = entry.strip_prefix("IamRole(").and_then(|rest| rest.strip_suffix(')')) {
        let mut arn = None;
        let mut status = None;
        for field in inner.split(',') {
            match field.trim().split_once('=') {
                Some(("iamRoleArn", value)) => arn = Some(value.trim().to_owned()),
                Some(("applyStatus", value)) => status = Some(ApplyStatus::parse(value)),
                _ => {}
            }
        }
        let arn = arn.filter(|a| !a.is_empty())?;
        Some(AttachedRole { arn, status: status.unwrap_or(ApplyStatus::InSync) })
    } else if entry.starts_with("arn:") {
        Some(AttachedRole { arn: entry.to_owned(), status: ApplyStatus::InSync })
    } else {
        None
    }
}

/// Redshift Serverless through `aws-sdk-redshiftserverless`.
#[derive(Debug, Clone)]
pub struct SdkRedshiftServerless {
    client: aws_sdk_redshiftserverless::Client,
}

impl SdkRedshiftServerless {
    /// Wraps a client.
    pub fn new(client: aws_sdk_redshiftserverless::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration.
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_redshiftserverless::Client::new(config))
    }
}

impl RedshiftServerless for SdkRedshiftServerless {
    async fn namespace_roles(&self, namespace: &str) -> AwsResult<Vec<AttachedRole>> {
        let output = self
            .client
            .get_namespace()
            .namespace_name(namespace)
            .send()
            .await
            .map_err(|e| map_sdk("redshift-serverless:GetNamespace", e))?;
        let found = output.namespace().ok_or_else(|| AwsError::not_found(format!("namespace `{namespace}`")))?;
        Ok(found.iam_roles().iter().filter_map(|entry| parse_namespace_role(entry)).collect())
    }

    async fn set_namespace_roles(&self, namespace: &str, roles: &[String]) -> AwsResult<()> {
        self.client
            .update_namespace()
            .namespace_name(namespace)
            .set_iam_roles(Some(roles.to_vec()))
            .send()
            .await
            .map_err(|e| map_sdk("redshift-serverless:UpdateNamespace", e))?;
        Ok(())
    }

    async fn workgroup(&self, workgroup: &str) -> AwsResult<WorkgroupInfo> {
        let output = self
            .client
            .get_workgroup()
            .workgroup_name(workgroup)
            .send()
            .await
            .map_err(|e| map_sdk("redshift-serverless:GetWorkgroup", e))?;
        let found = output.workgroup().ok_or_else(|| AwsError::not_found(format!("workgroup `{workgroup}`")))?;
        Ok(WorkgroupInfo {
            workgroup_id: found.workgroup_id().map(str::to_owned),
            namespace: found.namespace_name().map(str::to_owned),
            enhanced_vpc_routing: found.enhanced_vpc_routing().unwrap_or(false),
        })
    }
}

/// S3 through `aws-sdk-s3`.
#[derive(Debug, Clone)]
pub struct SdkS3 {
    client: aws_sdk_s3::Client,
}

impl SdkS3 {
    /// Wraps a client.
    pub fn new(client: aws_sdk_s3::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration, with path-style addressing when
    /// `force_path_style` (emulators behind an endpoint override need it).
    pub fn from_conf(config: &aws_config::SdkConfig, force_path_style: bool) -> Self {
        let conf = aws_sdk_s3::config::Builder::from(config).force_path_style(force_path_style).build();
        Self::new(aws_sdk_s3::Client::from_conf(conf))
    }
}

impl S3 for SdkS3 {
    async fn bucket_region(&self, bucket: &str) -> AwsResult<Region> {
        let output = self
            .client
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| map_sdk("s3:GetBucketLocation", e))?;
        let constraint = output.location_constraint().map(|c| c.as_str()).unwrap_or("");
        let name = match constraint {
            "" => "us-east-1",
            "EU" => "eu-west-1",
            other => other,
        };
        Region::parse(name)
            .map_err(|e| AwsError::other(format!("S3 returned region `{name}` that does not parse: {e}")))
    }

    async fn bucket_policy(&self, bucket: &str) -> AwsResult<Option<PolicyDocument>> {
        match self.client.get_bucket_policy().bucket(bucket).send().await {
            Ok(output) => Ok(Some(parse_policy("bucket policy", output.policy().unwrap_or("{}"))?)),
            Err(err) => {
                let err = map_sdk("s3:GetBucketPolicy", err);
                match &err {
                    AwsError::NotFound { message } if !message.contains("bucket does not exist") => Ok(None),
                    _ => Err(err),
                }
            }
        }
    }

    async fn object_ownership(&self, bucket: &str) -> AwsResult<Option<String>> {
        match self.client.get_bucket_ownership_controls().bucket(bucket).send().await {
            Ok(output) => Ok(output
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_owned())),
            Err(err) => {
                let err = map_sdk("s3:GetBucketOwnershipControls", err);
                match &err {
                    AwsError::NotFound { message } if !message.contains("bucket does not exist") => Ok(None),
                    _ => Err(err),
                }
            }
        }
    }

    async fn default_encryption(&self, bucket: &str) -> AwsResult<Option<DefaultEncryption>> {
        match self.client.get_bucket_encryption().bucket(bucket).send().await {
            Ok(output) => Ok(output
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().iter().find_map(|r| r.apply_server_side_encryption_by_default()))
                .map(|d| DefaultEncryption {
                    algorithm: d.sse_algorithm().as_str().to_owned(),
                    kms_key: d.kms_master_key_id().map(str::to_owned),
                })),
            Err(err) => {
                let err = map_sdk("s3:GetBucketEncryption", err);
                match &err {
                    AwsError::NotFound { message } if !message.contains("bucket does not exist") => Ok(None),
                    _ => Err(err),
                }
            }
        }
    }

    async fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> AwsResult<()> {
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from(body))
            .send()
            .await
            .map_err(|e| map_sdk("s3:PutObject", e))?;
        Ok(())
    }

    async fn get_object(&self, bucket: &str, key: &str) -> AwsResult<Vec<u8>> {
        let output =
            self.client.get_object().bucket(bucket).key(key).send().await.map_err(|e| map_sdk("s3:GetObject", e))?;
        let bytes =
            output.body.collect().await.map_err(|e| AwsError::other(format!("s3:GetObject: reading the body: {e}")))?;
        Ok(bytes.into_bytes().to_vec())
    }

    async fn list_objects(&self, bucket: &str, prefix: &str) -> AwsResult<Vec<String>> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        // A page is at most 1000 keys; the test's prefix holds a handful.
        for _ in 0..1000 {
            let output = self
                .client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| map_sdk("s3:ListObjectsV2", e))?;
            keys.extend(output.contents().iter().filter_map(|o| o.key()).map(str::to_owned));
            match (output.is_truncated(), output.next_continuation_token()) {
                (Some(true), Some(next)) => token = Some(next.to_owned()),
                _ => return Ok(keys),
            }
        }
        Err(AwsError::other(format!("s3:ListObjectsV2 under `{prefix}` did not stop after 1000 pages")))
    }

    async fn list_first_objects(&self, bucket: &str, prefix: &str, max: usize) -> AwsResult<Vec<String>> {
        let output = self
            .client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .max_keys(i32::try_from(max).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| map_sdk("s3:ListObjectsV2", e))?;
        Ok(output.contents().iter().filter_map(|o| o.key()).map(str::to_owned).take(max).collect())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> AwsResult<()> {
        self.client.delete_object().bucket(bucket).key(key).send().await.map_err(|e| map_sdk("s3:DeleteObject", e))?;
        Ok(())
    }
}

/// The Redshift Data API through `aws-sdk-redshiftdata`.
#[derive(Debug, Clone)]
pub struct SdkRedshiftData {
    client: aws_sdk_redshiftdata::Client,
}

impl SdkRedshiftData {
    /// Wraps a client.
    pub fn new(client: aws_sdk_redshiftdata::Client) -> Self {
        Self { client }
    }

    /// Builds a client from shared configuration.
    pub fn from_conf(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_redshiftdata::Client::new(config))
    }
}

impl RedshiftData for SdkRedshiftData {
    async fn execute_statement(&self, target: &DataTarget, database: &str, sql: &str) -> AwsResult<String> {
        let mut request = self.client.execute_statement().database(database).sql(sql);
        request = match target {
            DataTarget::Cluster { cluster, db_user } => {
                request.cluster_identifier(cluster).set_db_user(db_user.clone())
            }
            DataTarget::Workgroup { workgroup } => request.workgroup_name(workgroup),
            DataTarget::ClusterWithSecret { cluster, secret_arn } => {
                request.cluster_identifier(cluster).secret_arn(secret_arn)
            }
            DataTarget::WorkgroupWithSecret { workgroup, secret_arn } => {
                request.workgroup_name(workgroup).secret_arn(secret_arn)
            }
        };
        let output = request.send().await.map_err(|e| map_sdk("redshift-data:ExecuteStatement", e))?;
        output.id().map(str::to_owned).ok_or_else(|| AwsError::other("redshift-data:ExecuteStatement returned no id"))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        let output = self
            .client
            .describe_statement()
            .id(id)
            .send()
            .await
            .map_err(|e| map_sdk("redshift-data:DescribeStatement", e))?;
        Ok(match output.status().map(|s| s.as_str()).unwrap_or("") {
            "FINISHED" => StatementState::Finished { rows: Some(output.result_rows()).filter(|r| *r >= 0) },
            "FAILED" => StatementState::Failed { error: output.error().unwrap_or_default().to_owned() },
            "ABORTED" => StatementState::Aborted,
            _ => StatementState::Running,
        })
    }

    async fn batch_execute_statement(&self, target: &DataTarget, database: &str, sqls: &[String]) -> AwsResult<String> {
        let mut request = self.client.batch_execute_statement().database(database).set_sqls(Some(sqls.to_vec()));
        request = match target {
            DataTarget::Cluster { cluster, db_user } => {
                request.cluster_identifier(cluster).set_db_user(db_user.clone())
            }
            DataTarget::Workgroup { workgroup } => request.workgroup_name(workgroup),
            DataTarget::ClusterWithSecret { cluster, secret_arn } => {
                request.cluster_identifier(cluster).secret_arn(secret_arn)
            }
            DataTarget::WorkgroupWithSecret { workgroup, secret_arn } => {
                request.workgroup_name(workgroup).secret_arn(secret_arn)
            }
        };
        let output = request.send().await.map_err(|e| map_sdk("redshift-data:BatchExecuteStatement", e))?;
        output
            .id()
            .map(str::to_owned)
            .ok_or_else(|| AwsError::other("redshift-data:BatchExecuteStatement returned no id"))
    }

    async fn statement_detail(&self, id: &str) -> AwsResult<StatementDetail> {
        let output = self
            .client
            .describe_statement()
            .id(id)
            .send()
            .await
            .map_err(|e| map_sdk("redshift-data:DescribeStatement", e))?;
        let status = output.status().map(|s| s.as_str().to_owned()).unwrap_or_default();
        let state = statement_state(&status, output.error(), output.result_rows());
        let sub_statements = output
            .sub_statements()
            .iter()
            .map(|sub| SubStatement {
                id: sub.id().to_owned(),
                status: sub.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                error: sub.error().map(str::to_owned).filter(|e| !e.is_empty()),
                result_rows: Some(sub.result_rows()).filter(|r| *r >= 0),
                has_result_set: sub.has_result_set().unwrap_or(false),
            })
            .collect();
        Ok(StatementDetail { status, state, has_result_set: output.has_result_set().unwrap_or(false), sub_statements })
    }

    async fn get_statement_result(&self, id: &str) -> AwsResult<Vec<Vec<Option<String>>>> {
        use aws_sdk_redshiftdata::types::Field;
        let mut rows = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1000 {
            let output = self
                .client
                .get_statement_result()
                .id(id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map_sdk("redshift-data:GetStatementResult", e))?;
            for record in output.records() {
                rows.push(
                    record
                        .iter()
                        .map(|field| match field {
                            Field::StringValue(v) => Some(v.clone()),
                            Field::LongValue(v) => Some(v.to_string()),
                            Field::DoubleValue(v) => Some(v.to_string()),
                            Field::BooleanValue(v) => Some(v.to_string()),
                            Field::BlobValue(v) => Some(String::from_utf8_lossy(v.as_ref()).into_owned()),
                            _ => None,
                        })
                        .collect(),
                );
            }
            match output.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(rows),
            }
        }
        Err(AwsError::other(format!("redshift-data:GetStatementResult for `{id}` did not stop after 1000 pages")))
    }

    async fn cancel_statement(&self, id: &str) -> AwsResult<bool> {
        let output = self
            .client
            .cancel_statement()
            .id(id)
            .send()
            .await
            .map_err(|e| map_sdk("redshift-data:CancelStatement", e))?;
        Ok(output.status().unwrap_or(false))
    }
}

/// A Data API status, error and row count as a [`StatementState`].
fn statement_state(status: &str, error: Option<&str>, result_rows: i64) -> StatementState {
    match status {
        "FINISHED" => StatementState::Finished { rows: Some(result_rows).filter(|r| *r >= 0) },
        "FAILED" => StatementState::Failed { error: error.unwrap_or_default().to_owned() },
        "ABORTED" => StatementState::Aborted,
        _ => StatementState::Running,
    }
}
