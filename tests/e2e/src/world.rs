//! One scenario's world: two LocalStack accounts of its own, an AWS config file whose profiles
//! send IAM/STS/S3/KMS to LocalStack and Redshift, Redshift Serverless and the Data API to the
//! emulator, what exists before `redbridge apply`, and the faults people make by hand.
//!
//! Faults go through the same adapters `redbridge` uses (`redbridge_aws::sdk`) where one exists,
//! so they see the documents as redbridge does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use redbridge_aws::ports::{Iam as _, Kms as _, Redshift as _, RedshiftServerless as _, S3 as _, SessionKeys};
use redbridge_aws::sdk::{SdkIam, SdkKms, SdkRedshift, SdkRedshiftServerless, SdkS3};
use redbridge_iam::KmsKeyArn;
use redbridge_iam::policy::PolicyDocument;
use serde_json::{Value, json};

use crate::scenario::{Fault, Scenario, Setup, Which};

/// The master (admin) user's password of every cluster and namespace the scenarios create.
pub const MASTER_PASSWORD: &str = "Passw0rd!";

/// Where the two services listen.
#[derive(Debug, Clone)]
pub struct Services {
    /// LocalStack.
    pub aws: String,
    /// `redbridge-emu`.
    pub emu: String,
}

/// The redshift side of the spec.
#[derive(Debug, Clone)]
pub enum Target {
    /// A provisioned cluster and its master user.
    Cluster { id: String, user: String },
    /// A serverless workgroup in a namespace.
    Serverless { workgroup: String, namespace: String },
}

impl Target {
    /// The cluster identifier or the workgroup name.
    pub fn name(&self) -> &str {
        match self {
            Self::Cluster { id, .. } => id,
            Self::Serverless { workgroup, .. } => workgroup,
        }
    }
}

/// One scenario's accounts, names and clients.
pub struct World {
    pub services: Services,
    pub dir: PathBuf,
    pub redshift_account: String,
    pub s3_account: String,
    /// A third account for hop roles (`{hop_account}`, profile `hop`).
    pub hop_account: String,
    pub region: String,
    pub bucket_region: String,
    pub bucket: String,
    pub target: Target,
    pub spec: toml::Table,
    pub kms_key: Option<String>,
    /// Whether `write_spec` puts the key in.
    kms_in_spec: bool,
    /// The chain as the plan names it, refreshed after every spec change.
    pub chain: Vec<String>,
    /// The serverless workgroup's id, once created.
    pub workgroup_id: Option<String>,
    /// More `{name}` placeholders (an audit scenario's accounts), replaced first.
    pub placeholders: Vec<(String, String)>,
    /// Operator sessions that replace a profile's root credentials, by profile name.
    pub(crate) operators: BTreeMap<String, SessionKeys>,
    /// Counts the boundary policies and operator sessions created, so each gets a name of its own.
    pub(crate) boundaries: std::sync::atomic::AtomicUsize,
    pub(crate) redshift_config: SdkConfig,
    pub(crate) s3_config: SdkConfig,
}

pub(crate) fn sdk_config(account: &str, region: &str, endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            account,
            "test",
            None,
            None,
            "redbridge-e2e",
        )))
        .build()
}

fn string(spec: &toml::Table, field: &str) -> Option<String> {
    spec.get(field).and_then(toml::Value::as_str).map(str::to_owned)
}

impl World {
    /// Accounts `1NNNNNNNNNNN` (Redshift) and `2NNNNNNNNNNN` (bucket) for scenario `index`.
    pub fn new(scenario: &Scenario, index: usize, services: &Services, work: &Path) -> anyhow::Result<Self> {
        let accounts = [format!("1{index:011}"), format!("2{index:011}"), format!("3{index:011}")];
        Self::with_accounts(work.join(&scenario.name), &scenario.spec, &scenario.setup, accounts, services)
    }

    /// A world for `spec` in the given Redshift, bucket and hop accounts, writing into `dir`
    /// (emptied first).
    pub fn with_accounts(
        dir: PathBuf,
        spec: &toml::Table,
        setup: &Setup,
        [redshift_account, s3_account, hop_account]: [String; 3],
        services: &Services,
    ) -> anyhow::Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let spec = spec.clone();
        let region = string(&spec, "region").unwrap_or_else(|| "us-east-1".to_owned());
        let bucket_region =
            setup.bucket_region.clone().or_else(|| string(&spec, "bucket_region")).unwrap_or_else(|| region.clone());
        let bucket = string(&spec, "bucket").context("the spec has no bucket")?;
        let target = match (string(&spec, "cluster"), string(&spec, "workgroup"), string(&spec, "namespace")) {
            (Some(id), None, None) => {
                let user = spec
                    .get("db_users")
                    .and_then(toml::Value::as_array)
                    .and_then(|u| u.first())
                    .and_then(toml::Value::as_str)
                    .unwrap_or("awsuser")
                    .to_owned();
                Target::Cluster { id, user }
            }
            (None, Some(workgroup), Some(namespace)) => Target::Serverless { workgroup, namespace },
            _ => bail!("the spec names neither a cluster nor a workgroup and namespace"),
        };
        let redshift_config = sdk_config(&redshift_account, &region, &services.aws);
        let s3_config = sdk_config(&s3_account, &bucket_region, &services.aws);
        let world = Self {
            services: services.clone(),
            dir,
            redshift_account,
            s3_account,
            hop_account,
            region,
            bucket_region,
            bucket,
            target,
            spec,
            kms_key: None,
            kms_in_spec: setup.kms_in_spec,
            chain: Vec::new(),
            workgroup_id: None,
            placeholders: Vec::new(),
            operators: BTreeMap::new(),
            boundaries: std::sync::atomic::AtomicUsize::new(0),
            redshift_config,
            s3_config,
        };
        world.write_aws_config()?;
        Ok(world)
    }

    /// The AWS config file: profiles `redshift` and `s3` (the accounts' roots, or an operator's
    /// session), LocalStack for everything but Redshift and Organizations, which the emulator serves.
    pub(crate) fn write_aws_config(&self) -> anyhow::Result<()> {
        let profile = |name: &str, account: &str, region: &str| {
            let keys = match self.operators.get(name) {
                Some(keys) => format!(
                    "aws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
                    keys.access_key_id, keys.secret_access_key, keys.session_token
                ),
                None => format!("aws_access_key_id = {account}\naws_secret_access_key = {}\n", self.secret()),
            };
            format!(
                "[profile {name}]\n{keys}region = {region}\nendpoint_url = {aws}\nservices = redbridge-emu\n\n",
                aws = self.services.aws,
            )
        };
        let services = services_section(&self.services.emu);
        let text = format!(
            "{}{}{services}",
            profile("redshift", &self.redshift_account, &self.region),
            profile("s3", &self.s3_account, &self.bucket_region),
        );
        let text = format!("{text}{}", profile("hop", &self.hop_account, &self.region));
        std::fs::write(self.aws_config(), text)?;
        std::fs::write(self.dir.join("credentials"), "")?;
        Ok(())
    }

    /// Every secret the scenario's profiles hold: nothing redbridge prints may contain one.
    pub fn secrets(&self) -> Vec<String> {
        let sessions = self.operators.values().flat_map(|k| [k.secret_access_key.clone(), k.session_token.clone()]);
        std::iter::once(self.secret()).chain(sessions).collect()
    }

    /// The secret access key of the scenario's profiles: LocalStack accepts any, and one that
    /// is unique lets every output be checked for it.
    pub fn secret(&self) -> String {
        format!("redbridge-e2e-secret-{}", self.redshift_account)
    }

    /// The AWS config file path.
    pub fn aws_config(&self) -> PathBuf {
        self.dir.join("config")
    }

    /// The spec file path.
    pub fn spec_path(&self) -> PathBuf {
        self.dir.join("spec.toml")
    }

    /// Fills the accounts and key in, replaces placeholders and writes `spec.toml`.
    pub fn write_spec(&self) -> anyhow::Result<()> {
        let mut spec = self.spec.clone();
        spec.insert("redshift_account".to_owned(), self.redshift_account.clone().into());
        spec.insert("s3_account".to_owned(), self.s3_account.clone().into());
        if let Some(key) = self.kms_key.as_ref().filter(|_| self.kms_in_spec) {
            spec.entry("kms_key").or_insert_with(|| key.clone().into());
        }
        let text = self.template(&toml::to_string(&spec)?);
        std::fs::write(self.spec_path(), text)?;
        Ok(())
    }

    /// Replaces `{name}` placeholders.
    pub fn template(&self, text: &str) -> String {
        let mut out = self.placeholders.iter().fold(text.to_owned(), |text, (name, value)| text.replace(name, value));
        out = out
            .replace("{redshift_account}", &self.redshift_account)
            .replace("{s3_account}", &self.s3_account)
            .replace("{hop_account}", &self.hop_account)
            .replace("{bucket}", &self.bucket)
            .replace("{cluster}", self.target.name())
            .replace("{region}", &self.region)
            .replace("{bucket_region}", &self.bucket_region)
            .replace("{kms_key}", self.kms_key.as_deref().unwrap_or("<no key>"))
            .replace("{chain}", &self.chain.join(","))
            .replace("{chain_spaced}", &self.chain.join(", "))
            .replace("{cluster_role}", self.chain.first().map_or("<no chain>", String::as_str))
            .replace("{bucket_role}", self.chain.last().map_or("<no chain>", String::as_str));
        let prefix = self
            .spec
            .get("prefixes")
            .and_then(toml::Value::as_array)
            .and_then(|p| p.first())
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        out = out.replace("{prefix}", &prefix);
        out
    }

    fn s3(&self) -> SdkS3 {
        SdkS3::from_conf(&self.s3_config, true)
    }

    pub(crate) fn raw_s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.s3_config).force_path_style(true).build();
        aws_sdk_s3::Client::from_conf(config)
    }

    fn iam(&self, account: &str) -> SdkIam {
        if account == self.s3_account {
            SdkIam::from_conf(&self.s3_config)
        } else if account == self.hop_account {
            SdkIam::from_conf(&sdk_config(&self.hop_account, &self.region, &self.services.aws))
        } else {
            SdkIam::from_conf(&self.redshift_config)
        }
    }

    /// The bucket (in its real region), its objects, the key, and the cluster or workgroup.
    pub async fn set_up(&mut self, setup: &Setup, name: &str) -> anyhow::Result<()> {
        let s3 = self.raw_s3();
        let mut create = s3.create_bucket().bucket(&self.bucket);
        if self.bucket_region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(self.bucket_region.as_str()))
                    .build(),
            );
        }
        create.send().await.with_context(|| format!("creating bucket `{}`", self.bucket))?;
        for (key, body) in &setup.objects {
            self.s3().put_object(&self.bucket, &self.template(key), body.clone().into_bytes()).await?;
        }
        if setup.kms {
            let kms = aws_sdk_kms::Client::new(&self.s3_config);
            let key = kms.create_key().description(format!("redbridge e2e {name}")).send().await?;
            self.kms_key =
                Some(key.key_metadata().and_then(|m| m.arn()).context("KMS returned no key ARN")?.to_owned());
        }
        let emu = sdk_config(&self.redshift_account, &self.region, &self.services.emu);
        match &self.target {
            Target::Cluster { id, user } => {
                aws_sdk_redshift::Client::new(&emu)
                    .create_cluster()
                    .cluster_identifier(id)
                    .node_type("ra3.large")
                    .master_username(user)
                    .master_user_password(MASTER_PASSWORD)
                    .send()
                    .await
                    .with_context(|| format!("creating cluster `{id}` in the emulator"))?;
            }
            Target::Serverless { workgroup, namespace } => {
                let serverless = aws_sdk_redshiftserverless::Client::new(&emu);
                serverless
                    .create_namespace()
                    .namespace_name(namespace)
                    .admin_username("awsuser")
                    .admin_user_password(MASTER_PASSWORD)
                    .send()
                    .await?;
                let created =
                    serverless.create_workgroup().workgroup_name(workgroup).namespace_name(namespace).send().await?;
                self.workgroup_id = created.workgroup().and_then(|w| w.workgroup_id()).map(str::to_owned);
            }
        }
        self.write_spec()
    }

    pub(crate) fn role(&self, which: Which) -> anyhow::Result<(String, String)> {
        let arn = match which {
            Which::Cluster => self.chain.first(),
            Which::Bucket => self.chain.last(),
            Which::Hop => self.chain.len().checked_sub(2).filter(|i| *i > 0).and_then(|i| self.chain.get(i)),
        }
        .context("the chain is not known yet")?;
        let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
        let name = arn.rsplit('/').next().unwrap_or_default().to_owned();
        Ok((account, name))
    }

    /// Applies a fault.
    pub async fn inject(&self, fault: &Fault) -> anyhow::Result<String> {
        match fault {
            Fault::Detach => {
                let role = self.chain.first().context("no chain")?;
                let emu = sdk_config(&self.redshift_account, &self.region, &self.services.emu);
                match &self.target {
                    Target::Cluster { id, .. } => SdkRedshift::from_conf(&emu).remove_cluster_role(id, role).await?,
                    Target::Serverless { namespace, .. } => {
                        let serverless = SdkRedshiftServerless::from_conf(&emu);
                        let roles: Vec<String> = serverless
                            .namespace_roles(namespace)
                            .await?
                            .into_iter()
                            .map(|r| r.arn)
                            .filter(|a| a != role)
                            .collect();
                        serverless.set_namespace_roles(namespace, &roles).await?;
                    }
                }
                // Wait out `removing`, so the role is really gone.
                for _ in 0..100 {
                    if !self.attached(role).await? {
                        return Ok(format!("detached `{role}`"));
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                bail!("`{role}` is still attached after 10 s")
            }
            Fault::HoldAdding { seconds } => {
                let role = self.chain.first().context("no chain")?;
                let url = format!("{}/_emu/hold-role?role={}&seconds={seconds}", self.services.emu, encode(role));
                let answer = http_post(&url)?;
                if !answer.starts_with("HTTP/1.1 200") {
                    bail!("the emulator refused the hold: {answer}");
                }
                Ok(format!("`{role}` held `adding` for {seconds}s"))
            }
            Fault::TrustRemoveService { role, service } => {
                self.edit_trust(*role, |statement| {
                    if let Some(Value::Object(principal)) = statement.get_mut("Principal")
                        && let Some(services) = principal.get_mut("Service")
                    {
                        remove_value(services, service);
                    }
                })
                .await?;
                Ok(format!("removed `{service}` from the trust of the {role:?} role"))
            }
            Fault::TrustPrincipal { role, principal } => {
                let principal = self.template(principal);
                self.edit_trust(*role, |statement| {
                    if let Some(Value::Object(p)) = statement.get_mut("Principal")
                        && p.contains_key("AWS")
                    {
                        p.insert("AWS".to_owned(), Value::String(principal.clone()));
                    }
                })
                .await?;
                Ok(format!("the trust of the {role:?} role now names `{principal}`"))
            }
            Fault::RemoveAction { role, action } => {
                let (account, name) = self.role(*role)?;
                let iam = self.iam(&account);
                let mut removed = 0;
                for policy in iam.list_role_policies(&name).await? {
                    let Some(document) = iam.get_role_policy(&name, &policy).await? else { continue };
                    let mut value = serde_json::to_value(&document)?;
                    let before = value.clone();
                    if let Some(Value::Array(statements)) = value.get_mut("Statement") {
                        for statement in statements.iter_mut() {
                            if let Some(actions) = statement.get_mut("Action") {
                                remove_value(actions, action);
                            }
                        }
                        statements
                            .retain(|s| s.get("Action").is_none_or(|a| !matches!(a, Value::Array(v) if v.is_empty())));
                    }
                    if value != before {
                        if value.get("Statement").is_some_and(|s| matches!(s, Value::Array(v) if v.is_empty())) {
                            // Nothing left: people delete the policy, as IAM refuses an empty one.
                            iam.delete_role_policy(&name, &policy).await?;
                        } else {
                            let document: PolicyDocument = serde_json::from_value(value)?;
                            iam.put_role_policy(&name, &policy, &document).await?;
                        }
                        removed += 1;
                    }
                }
                if removed == 0 {
                    bail!("no inline policy of `{name}` allows `{action}`");
                }
                Ok(format!("removed `{action}` from {removed} inline policy(ies) of `{name}`"))
            }
            Fault::KeyPolicy { document } => {
                let key = KmsKeyArn::parse(self.kms_key.as_deref().context("the scenario has no key (setup.kms)")?)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let document =
                    PolicyDocument::from_json(&self.template(document)).map_err(|e| anyhow::anyhow!("{e}"))?;
                SdkKms::from_conf(&self.s3_config).put_key_policy(&key, &document).await?;
                Ok("replaced the key policy".to_owned())
            }
            Fault::BucketPolicy { document } => {
                self.raw_s3().put_bucket_policy().bucket(&self.bucket).policy(self.template(document)).send().await?;
                Ok(format!("put a bucket policy on `{}`", self.bucket))
            }
            Fault::Boundary { role, document } => self.put_boundary(*role, document).await,
            Fault::Policy { role, name, document } => {
                let (account, role_name) = self.role(*role)?;
                let document =
                    PolicyDocument::from_json(&self.template(document)).map_err(|e| anyhow::anyhow!("{e}"))?;
                self.iam(&account).put_role_policy(&role_name, name, &document).await?;
                Ok(format!("put the inline policy `{name}` on `{role_name}`"))
            }
            Fault::TrustExternalId { role, values } => {
                let values: Vec<Value> = values.iter().map(|v| Value::String(self.template(v))).collect();
                self.edit_trust(*role, |statement| {
                    let condition =
                        statement.as_object_mut().map(|s| s.entry("Condition").or_insert_with(|| json!({})));
                    if let Some(Value::Object(condition)) = condition {
                        for operator in condition.values_mut() {
                            if let Value::Object(keys) = operator {
                                keys.retain(|k, _| !k.eq_ignore_ascii_case("sts:ExternalId"));
                            }
                        }
                        condition.retain(|_, keys| !matches!(keys, Value::Object(k) if k.is_empty()));
                        let equals = condition.entry("StringEquals").or_insert_with(|| json!({}));
                        if let Value::Object(equals) = equals {
                            equals.insert("sts:ExternalId".to_owned(), Value::Array(values.clone()));
                        }
                    }
                })
                .await?;
                Ok(format!("the trust of the {role:?} role now asks for `sts:ExternalId` {values:?}"))
            }
            Fault::PutObject { key, body } => {
                let key = self.template(key);
                self.s3().put_object(&self.bucket, &key, body.clone().into_bytes()).await?;
                Ok(format!("put `s3://{}/{key}`", self.bucket))
            }
        }
    }

    async fn edit_trust(&self, which: Which, edit: impl Fn(&mut Value)) -> anyhow::Result<()> {
        let (account, name) = self.role(which)?;
        let iam = self.iam(&account);
        let role = iam.get_role(&name).await?.with_context(|| format!("role `{name}` does not exist"))?;
        let mut value = serde_json::to_value(&role.trust_policy)?;
        if let Some(Value::Array(statements)) = value.get_mut("Statement") {
            statements.iter_mut().for_each(&edit);
        }
        let document: PolicyDocument = serde_json::from_value(value)?;
        iam.update_trust_policy(&name, &document).await?;
        Ok(())
    }

    /// Whether `role` is attached (any status).
    async fn attached(&self, role: &str) -> anyhow::Result<bool> {
        let emu = sdk_config(&self.redshift_account, &self.region, &self.services.emu);
        let roles = match &self.target {
            Target::Cluster { id, .. } => SdkRedshift::from_conf(&emu).cluster_roles(id).await?,
            Target::Serverless { namespace, .. } => {
                SdkRedshiftServerless::from_conf(&emu).namespace_roles(namespace).await?
            }
        };
        Ok(roles.iter().any(|r| r.arn == role))
    }

    /// Merges the statements of a policy document (as `redbridge plan` prints them for people)
    /// into the key policy: statements with a new `Sid` are appended, the others kept.
    pub async fn merge_key_statements(&self, json: &str) -> anyhow::Result<usize> {
        let key = KmsKeyArn::parse(self.kms_key.as_deref().context("the scenario has no key (setup.kms)")?)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let printed: Value = serde_json::from_str(json).context("the printed key-policy statements are not JSON")?;
        let kms = SdkKms::from_conf(&self.s3_config);
        let mut policy = serde_json::to_value(kms.get_key_policy(&key).await?)?;
        let statements =
            policy.get_mut("Statement").and_then(Value::as_array_mut).context("the key policy has no statements")?;
        let mut merged = 0;
        for statement in printed["Statement"].as_array().context("no `Statement` array in the printed document")? {
            if !statements.iter().any(|s| s.get("Sid").is_some() && s.get("Sid") == statement.get("Sid")) {
                statements.push(statement.clone());
                merged += 1;
            }
        }
        kms.put_key_policy(&key, &serde_json::from_value(policy)?).await?;
        Ok(merged)
    }

    /// Puts an object with the bucket account's credentials.
    pub async fn put_object(&self, key: &str, body: &str) -> anyhow::Result<()> {
        self.s3().put_object(&self.bucket, key, body.as_bytes().to_vec()).await?;
        Ok(())
    }

    /// Runs a query through the Data API as the scenario's database user and returns its rows.
    pub async fn query(&self, sql: &str) -> anyhow::Result<Vec<Vec<Option<String>>>> {
        let emu = sdk_config(&self.redshift_account, &self.region, &self.services.emu);
        let data = aws_sdk_redshiftdata::Client::new(&emu);
        let mut request = data.execute_statement().database("dev").sql(sql);
        request = match &self.target {
            Target::Cluster { id, user } => request.cluster_identifier(id).db_user(user),
            Target::Serverless { workgroup, .. } => request.workgroup_name(workgroup),
        };
        let id = request.send().await?.id().context("ExecuteStatement returned no id")?.to_owned();
        for _ in 0..600 {
            let described = data.describe_statement().id(&id).send().await?;
            match described.status().map(|s| s.as_str()) {
                Some("FINISHED") => {
                    let result = data.get_statement_result().id(&id).send().await?;
                    return Ok(result
                        .records()
                        .iter()
                        .map(|row| {
                            row.iter()
                                .map(|field| match field {
                                    aws_sdk_redshiftdata::types::Field::StringValue(s) => Some(s.clone()),
                                    aws_sdk_redshiftdata::types::Field::LongValue(n) => Some(n.to_string()),
                                    aws_sdk_redshiftdata::types::Field::DoubleValue(n) => Some(n.to_string()),
                                    aws_sdk_redshiftdata::types::Field::BooleanValue(b) => Some(b.to_string()),
                                    _ => None,
                                })
                                .collect()
                        })
                        .collect());
                }
                Some("FAILED" | "ABORTED") => bail!("`{sql}` failed: {}", described.error().unwrap_or_default()),
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        bail!("`{sql}` did not end within 12 s")
    }
}

/// The AWS config section `[services redbridge-emu]` that a profile's `services = redbridge-emu`
/// names: Redshift, Redshift Serverless, the Data API and Organizations go to the emulator.
pub(crate) fn services_section(emu: &str) -> String {
    // The AWS documentation and the AWS CLI name services in snake case (`redshift_data`);
    // the Rust SDK lowercases the service id and puts a hyphen for the space
    // (`redshift-data`; aws-runtime 1.10 `env_config::format_service_id_for_profile`), so a
    // config that works for both names each service both ways.
    let mut services = String::from("[services redbridge-emu]\n");
    for key in
        ["redshift", "redshift_serverless", "redshift-serverless", "redshift_data", "redshift-data", "organizations"]
    {
        services.push_str(&format!("{key} =\n  endpoint_url = {emu}\n"));
    }
    services
}

/// Removes `item` from a string or an array of strings (a string becomes an empty array).
fn remove_value(value: &mut Value, item: &str) {
    match value {
        Value::String(s) if s == item => *value = Value::Array(Vec::new()),
        Value::Array(items) => {
            items.retain(|v| v.as_str() != Some(item));
            if let [only] = items.as_slice() {
                *value = only.clone();
            }
        }
        _ => {}
    }
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A bodyless `POST` over plain HTTP to a loopback URL; returns the whole answer.
fn http_post(url: &str) -> anyhow::Result<String> {
    crate::governance::http_request("POST", url, "")
}
