//! The user's intent: which accounts, bucket, prefixes, operations, key and Redshift target.
//!
//! A [`RawSpec`] is what a user wrote (TOML file or command-line flags), all strings; [`Spec`]
//! is the validated form every other part of redbridge works with. Validation names the field
//! and what is wrong with it.

use std::fmt;

use crate::input::{BytePosition, TextError, position_in};
use redbridge_iam::{AccountId, BucketName, IdError, KmsKeyArn, Region, RoleArn};
use serde::{Deserialize, Serialize};

use crate::iam_limits::{ROLE_NAME_MAX, fit_name};

/// Which statements the chain must support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// COPY: read from S3 into Redshift.
    Copy,
    /// UNLOAD: write from Redshift into S3.
    Unload,
    /// Both COPY and UNLOAD.
    #[default]
    Both,
}

impl Access {
    /// Whether COPY is wanted.
    pub fn copy(self) -> bool {
        matches!(self, Self::Copy | Self::Both)
    }
    /// Whether UNLOAD is wanted.
    pub fn unload(self) -> bool {
        matches!(self, Self::Unload | Self::Both)
    }
    /// Parses `copy`, `unload` or `both`.
    pub fn parse(input: &str) -> Result<Self, String> {
        match input {
            "copy" => Ok(Self::Copy),
            "unload" => Ok(Self::Unload),
            "both" => Ok(Self::Both),
            other => Err(format!("`{other}` is not an access mode; use copy, unload or both")),
        }
    }
}

/// The data format of the files COPY reads and UNLOAD writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    /// Comma-separated values (`FORMAT AS CSV`).
    #[default]
    Csv,
    /// Pipe-delimited text, Redshift's default.
    Text,
    /// JSON (`FORMAT AS JSON 'auto'`).
    Json,
    /// Apache Parquet (`FORMAT AS PARQUET`); COPY cannot cross regions with it.
    Parquet,
}

impl DataFormat {
    /// Parses `csv`, `text`, `json` or `parquet`.
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            "parquet" => Ok(Self::Parquet),
            other => Err(format!("`{other}` is not a supported format; use csv, text, json or parquet")),
        }
    }
}

/// The Redshift side the cluster role is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Target {
    /// A provisioned cluster, by identifier.
    Provisioned {
        /// The cluster identifier.
        cluster: String,
    },
    /// Redshift Serverless: roles attach to the namespace; statements run in the workgroup.
    Serverless {
        /// The workgroup name.
        workgroup: String,
        /// The namespace name.
        namespace: String,
    },
}

impl Target {
    /// The name used in defaults and messages: the cluster id or the workgroup name.
    pub fn name(&self) -> &str {
        match self {
            Self::Provisioned { cluster } => cluster,
            Self::Serverless { workgroup, .. } => workgroup,
        }
    }

    /// Whether this is Redshift Serverless.
    pub fn is_serverless(&self) -> bool {
        matches!(self, Self::Serverless { .. })
    }
}

/// A spec as written: every field optional and textual, so errors can name the field.
///
/// This is the TOML file format of `redbridge plan --spec FILE` (see the README); command-line
/// flags fill the same structure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    /// The account that runs Redshift.
    pub redshift_account: Option<String>,
    /// The account that owns the bucket.
    pub s3_account: Option<String>,
    /// The bucket name.
    pub bucket: Option<String>,
    /// Key prefixes inside the bucket; empty means the whole bucket.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// `copy`, `unload` or `both` (the default).
    pub access: Option<String>,
    /// The customer managed KMS key ARN that encrypts the bucket's objects.
    pub kms_key: Option<String>,
    /// Provisioned cluster identifier (or `workgroup` and `namespace`).
    pub cluster: Option<String>,
    /// Serverless workgroup name.
    pub workgroup: Option<String>,
    /// Serverless namespace name.
    pub namespace: Option<String>,
    /// Redshift's region.
    pub region: Option<String>,
    /// The bucket's region when it differs from Redshift's.
    pub bucket_region: Option<String>,
    /// Name of the role in the Redshift account.
    pub cluster_role_name: Option<String>,
    /// Name of the role in the bucket account.
    pub bucket_role_name: Option<String>,
    /// Database users allowed to use the chain (`sts:ExternalId` conditions).
    #[serde(default)]
    pub db_users: Vec<String>,
    /// Extra roles between the cluster role and the bucket role, in hop order.
    #[serde(default)]
    pub intermediate_roles: Vec<String>,
    /// `csv` (default), `text`, `json` or `parquet`.
    pub format: Option<String>,
    /// Whether UNLOAD uses CLEANPATH (needs `s3:DeleteObject`).
    #[serde(default)]
    pub cleanpath: bool,
    /// The table COPY loads and UNLOAD reads (default `public.example`).
    pub table: Option<String>,
}

/// A validated spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// The account that runs Redshift.
    pub redshift_account: AccountId,
    /// The account that owns the bucket.
    pub s3_account: AccountId,
    /// The bucket.
    pub bucket: BucketName,
    /// Normalized key prefixes (no leading `/`); empty means the whole bucket.
    pub prefixes: Vec<String>,
    /// COPY, UNLOAD or both.
    pub access: Access,
    /// The KMS key, when the bucket's objects are SSE-KMS encrypted.
    pub kms_key: Option<KmsKeyArn>,
    /// The cluster or serverless workgroup.
    pub target: Target,
    /// Redshift's region.
    pub region: Region,
    /// The bucket's region (Redshift's when not given).
    pub bucket_region: Region,
    /// The role attached to Redshift.
    pub cluster_role_name: String,
    /// The role in the bucket account.
    pub bucket_role_name: String,
    /// Database users for `sts:ExternalId` conditions.
    pub db_users: Vec<String>,
    /// Extra hops between the cluster role and the bucket role.
    pub intermediate_roles: Vec<RoleArn>,
    /// The data format.
    pub format: DataFormat,
    /// Whether UNLOAD uses CLEANPATH.
    pub cleanpath: bool,
    /// The table the statements name.
    pub table: String,
}

/// A spec that cannot be used: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The field, as spelled in the TOML file (`--` flags use the same names with dashes).
    pub field: &'static str,
    /// For a list field (`prefixes`, `db_users`, `intermediate_roles`), the index of the item
    /// that is wrong, so that its place in the file can be named.
    pub item: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    /// Where the field's value (or, for a list, the item's) is written in the TOML `text` the
    /// spec was read from; line 1, column 1 when the field is not in it (a required field that
    /// is missing, or text that does not parse).
    pub fn position_in(&self, text: &str) -> BytePosition {
        let span = toml::de::DeTable::parse(text).ok().and_then(|table| {
            let (_, value) = table.get_ref().iter().find(|(key, _)| key.get_ref().as_ref() == self.field)?;
            match (value.get_ref(), self.item) {
                (toml::de::DeValue::Array(items), Some(index)) => items.get(index).map(|item| item.span()),
                _ => Some(value.span()),
            }
        });
        position_in(text, span.map_or(0, |span| span.start))
    }
}

impl RawSpec {
    /// Reads a TOML spec file's text into its fields, unvalidated; a syntax error, an unknown
    /// field or a value of the wrong type says its line and column.
    pub fn from_toml(text: &str) -> Result<Self, SpecFileError> {
        toml::from_str(text).map_err(|error: toml::de::Error| {
            let at = position_in(text, error.span().map_or(0, |span| span.start));
            SpecFileError::Toml(TextError { at, message: error.message().trim_end().to_owned() })
        })
    }
}

fn field_err(field: &'static str) -> impl Fn(IdError) -> SpecError {
    move |e| SpecError { field, item: None, message: e.to_string() }
}

fn required<'a>(field: &'static str, value: &'a Option<String>) -> Result<&'a str, SpecError> {
    value.as_deref().ok_or_else(|| SpecError { item: None, field, message: "is required".to_owned() })
}

impl Spec {
    /// Reads a TOML spec file's text; an error says the line and column it is about.
    pub fn from_toml(text: &str) -> Result<Self, SpecFileError> {
        let raw = RawSpec::from_toml(text)?;
        Self::from_raw(&raw).map_err(|error| SpecFileError::Invalid { at: error.position_in(text), error })
    }

    /// Validates a raw spec.
    pub fn from_raw(raw: &RawSpec) -> Result<Self, SpecError> {
        let redshift_account = AccountId::parse(required("redshift_account", &raw.redshift_account)?)
            .map_err(field_err("redshift_account"))?;
        let s3_account = AccountId::parse(required("s3_account", &raw.s3_account)?).map_err(field_err("s3_account"))?;
        let bucket = BucketName::parse(required("bucket", &raw.bucket)?).map_err(field_err("bucket"))?;
        let region = Region::parse(required("region", &raw.region)?).map_err(field_err("region"))?;
        let bucket_region = match &raw.bucket_region {
            Some(r) => Region::parse(r).map_err(field_err("bucket_region"))?,
            None => region.clone(),
        };
        if bucket_region.partition() != region.partition() {
            return Err(SpecError {
                item: None,
                field: "bucket_region",
                message: format!(
                    "`{bucket_region}` is in partition `{}` but Redshift's region `{region}` is in `{}`; a chain cannot cross partitions",
                    bucket_region.partition(),
                    region.partition()
                ),
            });
        }
        let access = match &raw.access {
            Some(a) => Access::parse(a).map_err(|message| SpecError { item: None, field: "access", message })?,
            None => Access::default(),
        };
        let format = match &raw.format {
            Some(f) => DataFormat::parse(f).map_err(|message| SpecError { item: None, field: "format", message })?,
            None => DataFormat::default(),
        };
        let kms_key = match &raw.kms_key {
            Some(k) => {
                let key = KmsKeyArn::parse(k).map_err(field_err("kms_key"))?;
                if key.region() != &bucket_region {
                    return Err(SpecError {
                        item: None,
                        field: "kms_key",
                        message: format!(
                            "the key is in `{}` but the bucket is in `{bucket_region}`; S3 encrypts with a key in the bucket's region",
                            key.region()
                        ),
                    });
                }
                Some(key)
            }
            None => None,
        };
        let target = match (&raw.cluster, &raw.workgroup, &raw.namespace) {
            (Some(cluster), None, None) => {
                validate_cluster_id(cluster).map_err(|message| SpecError { item: None, field: "cluster", message })?;
                Target::Provisioned { cluster: cluster.clone() }
            }
            (None, Some(workgroup), Some(namespace)) => {
                validate_serverless_name(workgroup).map_err(|message| SpecError {
                    item: None,
                    field: "workgroup",
                    message,
                })?;
                validate_serverless_name(namespace).map_err(|message| SpecError {
                    item: None,
                    field: "namespace",
                    message,
                })?;
                Target::Serverless { workgroup: workgroup.clone(), namespace: namespace.clone() }
            }
            (None, Some(_), None) => {
                return Err(SpecError {
                    item: None,
                    field: "namespace",
                    message: "is required with `workgroup` (roles attach to the namespace)".to_owned(),
                });
            }
            (None, None, Some(_)) => {
                return Err(SpecError {
                    item: None,
                    field: "workgroup",
                    message: "is required with `namespace` (statements run in the workgroup)".to_owned(),
                });
            }
            (Some(_), _, _) => {
                return Err(SpecError {
                    item: None,
                    field: "cluster",
                    message: "give either `cluster` or `workgroup` and `namespace`, not both".to_owned(),
                });
            }
            (None, None, None) => {
                return Err(SpecError {
                    item: None,
                    field: "cluster",
                    message: "is required (or `workgroup` and `namespace` for Redshift Serverless)".to_owned(),
                });
            }
        };
        let cluster_role_name =
            raw.cluster_role_name.clone().unwrap_or_else(|| default_role_name("redbridge-", target.name(), ""));
        validate_chain_role_name(&cluster_role_name).map_err(|message| SpecError {
            item: None,
            field: "cluster_role_name",
            message,
        })?;
        let bucket_role_name =
            raw.bucket_role_name.clone().unwrap_or_else(|| default_role_name("redbridge-", bucket.as_str(), ""));
        validate_chain_role_name(&bucket_role_name).map_err(|message| SpecError {
            item: None,
            field: "bucket_role_name",
            message,
        })?;
        if redshift_account == s3_account && !raw.intermediate_roles.is_empty() && cluster_role_name == bucket_role_name
        {
            return Err(SpecError {
                item: None,
                field: "bucket_role_name",
                message: "names the same role as `cluster_role_name`".to_owned(),
            });
        }
        let mut prefixes = Vec::new();
        for (index, p) in raw.prefixes.iter().enumerate() {
            let p =
                normalize_prefix(p).map_err(|message| SpecError { item: Some(index), field: "prefixes", message })?;
            if !prefixes.contains(&p) {
                prefixes.push(p);
            }
        }
        let mut db_users = Vec::new();
        for (index, user) in raw.db_users.iter().enumerate() {
            validate_db_user(user).map_err(|message| SpecError { item: Some(index), field: "db_users", message })?;
            if !db_users.contains(user) {
                db_users.push(user.clone());
            }
        }
        let mut intermediate_roles = Vec::new();
        for (index, role) in raw.intermediate_roles.iter().enumerate() {
            let role = RoleArn::parse(role)
                .map_err(field_err("intermediate_roles"))
                .map_err(|e| SpecError { item: Some(index), ..e })?;
            validate_chain_role_name(role.name()).map_err(|message| SpecError {
                item: Some(index),
                field: "intermediate_roles",
                message,
            })?;
            if role.partition() != region.partition() {
                return Err(SpecError {
                    item: Some(index),
                    field: "intermediate_roles",
                    message: format!(
                        "`{role}` is in partition `{}`, Redshift in `{}`",
                        role.partition(),
                        region.partition()
                    ),
                });
            }
            intermediate_roles.push(role);
        }
        // Two cluster-side roles plus the intermediates must fit Redshift's chain limit of 10.
        if intermediate_roles.len() + 2 > crate::chain::MAX_ROLES {
            return Err(SpecError {
                item: None,
                field: "intermediate_roles",
                message: format!(
                    "a chain has at most {} roles; with the cluster and bucket roles that leaves {} intermediate roles, not {}",
                    crate::chain::MAX_ROLES,
                    crate::chain::MAX_ROLES - 2,
                    intermediate_roles.len()
                ),
            });
        }
        let table = raw.table.clone().unwrap_or_else(|| "public.example".to_owned());
        // Checked here, not first when the plan writes its statements: an error here points at
        // the value in the spec file.
        if let Err(error) = redbridge_sql::TableName::parse(&table) {
            return Err(SpecError { item: None, field: "table", message: error.to_string() });
        }
        if format == DataFormat::Parquet && access.copy() && bucket_region != region {
            return Err(SpecError {
                item: None,
                field: "format",
                message: format!(
                    "COPY from PARQUET cannot read a bucket in another region (bucket `{bucket_region}`, Redshift `{region}`) and rejects REGION; \
                     copy the files into a bucket in `{region}` or use CSV"
                ),
            });
        }
        Ok(Self {
            redshift_account,
            s3_account,
            bucket,
            prefixes,
            access,
            kms_key,
            target,
            region,
            bucket_region,
            cluster_role_name,
            bucket_role_name,
            db_users,
            intermediate_roles,
            format,
            cleanpath: raw.cleanpath,
            table,
        })
    }

    /// Whether the bucket is in another region than Redshift (COPY and UNLOAD then need REGION).
    pub fn cross_region(&self) -> bool {
        self.bucket_region != self.region
    }

    /// Whether Redshift and the bucket are in the same account.
    pub fn same_account(&self) -> bool {
        self.redshift_account == self.s3_account
    }

    /// Whether one role attached to Redshift can hold the bucket permissions itself: same
    /// account and no intermediate hops asked for. No chain is needed then.
    pub fn single_role(&self) -> bool {
        self.same_account() && self.intermediate_roles.is_empty()
    }
}

/// A spec file that cannot be used, with where in the file: `Display` writes `LINE:COLUMN:
/// message`, so that `{file}:{error}` reads as lint's `-->` locations do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecFileError {
    /// The TOML itself is malformed, has an unknown field or a value of the wrong type.
    Toml(TextError),
    /// A field's value is invalid; `at` is where the value (or the list item) is written, or
    /// line 1, column 1 for a required field that is missing.
    Invalid {
        /// What is wrong with the value.
        error: SpecError,
        /// Where the value is written.
        at: BytePosition,
    },
}

impl SpecFileError {
    /// Where in the file the error is.
    pub fn at(&self) -> BytePosition {
        match self {
            Self::Toml(error) => error.at,
            Self::Invalid { at, .. } => *at,
        }
    }
}

impl fmt::Display for SpecFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Toml(error) => error.fmt(f),
            Self::Invalid { error, at } => write!(f, "{}:{}: invalid spec: {error}", at.line, at.column),
        }
    }
}

impl std::error::Error for SpecFileError {}

/// A default role name: `prefix`, the characters of `base` that IAM allows in a role name, then
/// `suffix`, fitted into IAM's 64 characters by [`fit_name`] (a readable head and a hash of the
/// whole name, so two long inputs never share a role).
fn default_role_name(prefix: &str, base: &str, suffix: &str) -> String {
    let base: String = base.chars().filter(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)).collect();
    fit_name(&format!("{prefix}{base}{suffix}"), ROLE_NAME_MAX)
}

/// A role name that IAM accepts and that a chain string can carry: `,` separates the roles of
/// `IAM_ROLE 'a,b'`, so a name containing one cannot be chained.
fn validate_chain_role_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count > ROLE_NAME_MAX {
        return Err(format!(
            "`{name}` has {count} characters, over IAM's limit of {ROLE_NAME_MAX} for a role name; \
             give a name of at most {ROLE_NAME_MAX} characters, or leave the field out for a default name"
        ));
    }
    RoleArn::validate_name(name)?;
    if name.contains(',') {
        return Err(format!(
            "`{name}` contains `,`, which IAM allows but Redshift reads as the separator between chained roles"
        ));
    }
    Ok(())
}

/// Normalizes a key prefix: strips a leading `/` and an `s3://bucket/` the user may have pasted
/// is refused, since the bucket is its own field.
fn normalize_prefix(prefix: &str) -> Result<String, String> {
    if prefix.starts_with("s3://") {
        return Err(format!("`{prefix}` is a URI; give the key prefix inside the bucket, like `exports/`"));
    }
    let trimmed = prefix.trim_start_matches('/');
    if trimmed.is_empty() {
        return Err("an empty prefix means the whole bucket; leave `prefixes` out instead".to_owned());
    }
    if trimmed.contains('*') || trimmed.contains('?') {
        return Err(format!("`{prefix}` has a wildcard; prefixes are literal (redbridge appends `*` itself)"));
    }
    if trimmed.len() > 1024 || trimmed.chars().any(char::is_control) {
        return Err(format!("`{prefix}` is not a valid S3 key prefix"));
    }
    Ok(trimmed.to_owned())
}

/// Cluster identifiers: 1–63 lowercase letters, digits and hyphens, starting with a letter, no
/// trailing or double hyphen (<https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateCluster.html>).
fn validate_cluster_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 63 {
        return Err(format!("`{id}`: cluster identifiers have 1 to 63 characters"));
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("`{id}`: cluster identifiers start with a lowercase letter"));
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(format!("`{id}`: `{c}` is not allowed (lowercase letters, digits and `-`)"));
    }
    if id.ends_with('-') || id.contains("--") {
        return Err(format!("`{id}`: no trailing hyphen and no two hyphens in a row"));
    }
    Ok(())
}

/// Serverless workgroup and namespace names: 3–64 lowercase letters, digits and hyphens.
fn validate_serverless_name(name: &str) -> Result<(), String> {
    if !(3..=64).contains(&name.len()) {
        return Err(format!("`{name}`: names have 3 to 64 characters"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(format!("`{name}`: `{c}` is not allowed (lowercase letters, digits and `-`)"));
    }
    Ok(())
}

/// Database user names end up in ARNs: letters, digits, `_`, `$`, `-`, `.`, `@`, `+`, up to 128.
fn validate_db_user(user: &str) -> Result<(), String> {
    if user.is_empty() || user.len() > 128 {
        return Err(format!("`{user}`: user names have 1 to 128 characters"));
    }
    if let Some(c) = user.chars().find(|c| !(c.is_ascii_alphanumeric() || "_$-.@+".contains(*c))) {
        return Err(format!("`{user}`: `{c}` cannot appear in a database user name used in an ARN"));
    }
    Ok(())
}
