//! The spec flags shared by `plan` and the commands that act on a plan, and their resolution
//! into a validated [`Spec`]: a `--spec` file first, then each flag given overrides its field.

use std::path::PathBuf;

use redbridge_core::{RawSpec, Spec};

/// What the user wants set up. Every flag has the same name as the spec file's field.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SpecArgs {
    /// A TOML spec file with the fields below, or `-` for standard input (flags given too override it).
    #[arg(long, value_name = "FILE|-")]
    pub spec: Option<PathBuf>,
    /// The 12-digit account that runs Redshift.
    #[arg(long, value_name = "ACCOUNT")]
    pub redshift_account: Option<String>,
    /// The 12-digit account that owns the bucket.
    #[arg(long, value_name = "ACCOUNT")]
    pub s3_account: Option<String>,
    /// The bucket name.
    #[arg(long)]
    pub bucket: Option<String>,
    /// A key prefix in the bucket (repeatable); none means the whole bucket.
    #[arg(long = "prefix", value_name = "PREFIX")]
    pub prefixes: Vec<String>,
    /// Which statements the chain must support.
    #[arg(long, value_parser = ["copy", "unload", "both"])]
    pub access: Option<String>,
    /// The customer managed KMS key ARN of the bucket (not an alias).
    #[arg(long, value_name = "KEY_ARN")]
    pub kms_key: Option<String>,
    /// The provisioned cluster identifier.
    #[arg(long, conflicts_with_all = ["workgroup", "namespace"])]
    pub cluster: Option<String>,
    /// The Redshift Serverless workgroup (with `--namespace`).
    #[arg(long)]
    pub workgroup: Option<String>,
    /// The Redshift Serverless namespace (with `--workgroup`).
    #[arg(long)]
    pub namespace: Option<String>,
    /// Redshift's region.
    #[arg(long)]
    pub region: Option<String>,
    /// The bucket's region, when it differs from Redshift's.
    #[arg(long)]
    pub bucket_region: Option<String>,
    /// Name of the role attached to Redshift (default `redbridge-<cluster or workgroup>`).
    #[arg(long, value_name = "NAME")]
    pub cluster_role_name: Option<String>,
    /// Name of the role in the bucket account (default `redbridge-<bucket>`).
    #[arg(long, value_name = "NAME")]
    pub bucket_role_name: Option<String>,
    /// A database user allowed to use the chain (repeatable; adds `sts:ExternalId` conditions).
    #[arg(long = "db-user", value_name = "USER")]
    pub db_users: Vec<String>,
}

impl SpecArgs {
    /// The plan of the resolved spec. What the plan refuses (a limit IAM would refuse, a chain
    /// too long) comes from the spec's values too: the error names the spec file when there is
    /// one.
    pub fn plan(&self) -> anyhow::Result<redbridge_core::Plan> {
        let spec = self.resolve()?;
        redbridge_core::Plan::new(&spec).map_err(|e| match &self.spec {
            Some(path) => anyhow::anyhow!("{}: cannot plan this spec: {e}", crate::input::display_name(path)),
            None => anyhow::anyhow!("cannot plan this spec: {e}"),
        })
    }

    /// Reads the spec file if any, applies the flags over it and validates the result.
    pub fn resolve(&self) -> anyhow::Result<Spec> {
        let file = match &self.spec {
            Some(path) => {
                let text = crate::input::read_file(path, "spec file")?;
                let raw = RawSpec::from_toml(&text)
                    .map_err(|e| anyhow::anyhow!("{}:{e}", crate::input::display_name(path)))?;
                Some((path, text, raw))
            }
            None => None,
        };
        let (file, mut raw) = match file {
            Some((path, text, raw)) => (Some((path, text)), raw),
            None => (None, RawSpec::default()),
        };
        let set = |field: &mut Option<String>, flag: &Option<String>| {
            if flag.is_some() {
                field.clone_from(flag);
            }
        };
        set(&mut raw.redshift_account, &self.redshift_account);
        set(&mut raw.s3_account, &self.s3_account);
        set(&mut raw.bucket, &self.bucket);
        set(&mut raw.access, &self.access);
        set(&mut raw.kms_key, &self.kms_key);
        set(&mut raw.region, &self.region);
        set(&mut raw.bucket_region, &self.bucket_region);
        set(&mut raw.cluster_role_name, &self.cluster_role_name);
        set(&mut raw.bucket_role_name, &self.bucket_role_name);
        if self.cluster.is_some() {
            raw.cluster.clone_from(&self.cluster);
            raw.workgroup = None;
            raw.namespace = None;
        }
        if self.workgroup.is_some() || self.namespace.is_some() {
            raw.cluster = None;
            set(&mut raw.workgroup, &self.workgroup);
            set(&mut raw.namespace, &self.namespace);
        }
        if !self.prefixes.is_empty() {
            raw.prefixes.clone_from(&self.prefixes);
        }
        if !self.db_users.is_empty() {
            raw.db_users.clone_from(&self.db_users);
        }
        let spec = Spec::from_raw(&raw).map_err(|e| match (&file, self.flag_of(e.field)) {
            (_, Some(flag)) => anyhow::anyhow!("invalid spec: `{}` (from `{flag}`): {}", e.field, e.message),
            (Some((path, text)), None) => {
                let at = e.position_in(text);
                anyhow::anyhow!("{}:{}:{}: invalid spec: {e}", crate::input::display_name(path), at.line, at.column)
            }
            (None, None) => anyhow::anyhow!("invalid spec: {e}"),
        })?;
        Ok(spec)
    }

    /// The flag that set `field` over the spec file, if one did.
    fn flag_of(&self, field: &str) -> Option<&'static str> {
        let given = |flag: &Option<String>| flag.is_some();
        let (set, flag) = match field {
            "redshift_account" => (given(&self.redshift_account), "--redshift-account"),
            "s3_account" => (given(&self.s3_account), "--s3-account"),
            "bucket" => (given(&self.bucket), "--bucket"),
            "prefixes" => (!self.prefixes.is_empty(), "--prefix"),
            "access" => (given(&self.access), "--access"),
            "kms_key" => (given(&self.kms_key), "--kms-key"),
            "cluster" => (given(&self.cluster), "--cluster"),
            "workgroup" => (given(&self.workgroup), "--workgroup"),
            "namespace" => (given(&self.namespace), "--namespace"),
            "region" => (given(&self.region), "--region"),
            "bucket_region" => (given(&self.bucket_region), "--bucket-region"),
            "cluster_role_name" => (given(&self.cluster_role_name), "--cluster-role-name"),
            "bucket_role_name" => (given(&self.bucket_role_name), "--bucket-role-name"),
            "db_users" => (!self.db_users.is_empty(), "--db-user"),
            _ => (false, ""),
        };
        set.then_some(flag)
    }
}
