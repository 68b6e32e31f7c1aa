//! The COPY, UNLOAD and GRANT statements a plan hands to the user, built with `redbridge-sql`
//! so that what we print is exactly what our own parser and linter accept.

use redbridge_iam::{KmsKeyArn, Region, RoleArn, S3Uri};
use redbridge_sql::{
    CopyFormat, CopyOption, CopyStatement, Ident, JsonSource, TableName, UnloadFormat, UnloadOption, UnloadStatement,
};

use crate::chain::RoleChain;
use crate::plan::{PlannedStatement, StatementKind};
use crate::spec::{DataFormat, Spec};

/// The statements of a plan: one COPY and/or one UNLOAD per prefix (or for the bucket root),
/// then the ASSUMEROLE grants.
pub fn planned_statements(spec: &Spec, chain: &RoleChain) -> Result<Vec<PlannedStatement>, String> {
    let table = TableName::parse(&spec.table).map_err(|e| format!("`table`: {e}"))?;
    let locations: Vec<&str> =
        if spec.prefixes.is_empty() { vec![""] } else { spec.prefixes.iter().map(String::as_str).collect() };
    let settings = StatementSettings::from_spec(spec);
    let mut out = Vec::new();
    for prefix in locations {
        let location = S3Uri::new(spec.bucket.clone(), prefix);
        if spec.access.copy() {
            out.push(PlannedStatement {
                kind: StatementKind::Copy,
                location: location.to_string(),
                sql: copy_statement(&table, &location, chain.roles(), &settings).to_string(),
            });
        }
        if spec.access.unload() {
            // UNLOAD writes `<to>0000_part_00`…; name the files after the table inside the prefix.
            let to = S3Uri::new(spec.bucket.clone(), &format!("{prefix}{}_", table.name.value));
            out.push(PlannedStatement {
                kind: StatementKind::Unload,
                location: to.to_string(),
                sql: unload_statement(&format!("SELECT * FROM {table}"), &to, chain.roles(), &settings).to_string(),
            });
        }
    }
    for user in &spec.db_users {
        for (wanted, operation) in [(spec.access.copy(), "COPY"), (spec.access.unload(), "UNLOAD")] {
            if wanted {
                out.push(PlannedStatement {
                    kind: StatementKind::Grant,
                    location: String::new(),
                    sql: format!("GRANT ASSUMEROLE ON '{chain}' TO {} FOR {operation}", Ident::new(user.as_str())),
                });
            }
        }
    }
    Ok(out)
}

/// What shapes a statement beyond its table, location and chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementSettings {
    /// The data format.
    pub format: DataFormat,
    /// The bucket's region when it differs from Redshift's: the statement then says REGION.
    pub region: Option<Region>,
    /// UNLOAD encrypts with this key (`KMS_KEY_ID … ENCRYPTED`).
    pub kms_key: Option<KmsKeyArn>,
    /// UNLOAD removes what is under the prefix first.
    pub cleanpath: bool,
}

impl StatementSettings {
    /// The settings a spec implies.
    pub fn from_spec(spec: &Spec) -> Self {
        Self {
            format: spec.format,
            region: spec.cross_region().then(|| spec.bucket_region.clone()),
            kms_key: spec.kms_key.clone(),
            cleanpath: spec.cleanpath,
        }
    }
}

/// COPY from `from`, with REGION when the bucket is elsewhere. SSE-KMS objects need nothing in
/// the statement: S3 decrypts for a caller allowed `kms:Decrypt`.
pub fn copy_statement(
    table: &TableName,
    from: &S3Uri,
    chain: &[RoleArn],
    settings: &StatementSettings,
) -> CopyStatement {
    let mut statement = CopyStatement::new(table.clone(), from, chain);
    let format = match settings.format {
        DataFormat::Csv => Some(CopyFormat::Csv { quote: None }),
        DataFormat::Text => None,
        DataFormat::Json => Some(CopyFormat::Json { source: JsonSource::Value("auto".to_owned()) }),
        DataFormat::Parquet => Some(CopyFormat::Parquet { serialize_to_json: false }),
    };
    if let Some(format) = format {
        statement = statement.option(CopyOption::Format(format));
    }
    if let Some(region) = &settings.region {
        statement = statement.option(CopyOption::Region(region.to_string()));
    }
    statement
}

/// UNLOAD of `query` to `to`, with REGION when the bucket is elsewhere, `KMS_KEY_ID … ENCRYPTED`
/// with a key (UNLOAD otherwise writes SSE-S3 whatever the bucket's default), and CLEANPATH
/// when asked.
pub fn unload_statement(query: &str, to: &S3Uri, chain: &[RoleArn], settings: &StatementSettings) -> UnloadStatement {
    let mut statement = UnloadStatement::new(query, to, chain);
    let format = match settings.format {
        DataFormat::Csv => Some(UnloadFormat::Csv),
        DataFormat::Text => None,
        DataFormat::Json => Some(UnloadFormat::Json),
        DataFormat::Parquet => Some(UnloadFormat::Parquet),
    };
    if let Some(format) = format {
        statement = statement.option(UnloadOption::Format(format));
    }
    if let Some(key) = &settings.kms_key {
        statement =
            statement.option(UnloadOption::KmsKeyId(key.to_string())).option(UnloadOption::Encrypted { auto: false });
    }
    if settings.cleanpath {
        statement = statement.option(UnloadOption::CleanPath);
    }
    if let Some(region) = &settings.region {
        statement = statement.option(UnloadOption::Region(region.to_string()));
    }
    statement
}

/// What the linter checks statements against when they must fit this spec: accounts, bucket,
/// prefixes, regions and key.
pub fn lint_context(spec: &Spec) -> redbridge_sql::LintContext {
    redbridge_sql::LintContext {
        redshift_account: Some(spec.redshift_account),
        s3_account: Some(spec.s3_account),
        bucket: Some(spec.bucket.clone()),
        prefixes: spec.prefixes.clone(),
        redshift_region: Some(spec.region.clone()),
        bucket_region: Some(spec.bucket_region.clone()),
        kms_key: spec.kms_key.as_ref().map(ToString::to_string),
    }
}
