//! Scenario files (`tests/scenarios/*.toml`): data, not Rust. Each names the spec to set up, what
//! exists before `redbridge apply` (bucket, key, objects, the cluster or workgroup), and the steps:
//! commands of the real `redbridge` binary with what they must report, faults injected into
//! LocalStack or the emulator, and spec edits. See `tests/scenarios/README.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

mod client_table;
pub use client_table::{Auth, Client, FileFormat, Table};
#[cfg(test)]
use client_table::{Column, null_marker};

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario proves, in one sentence.
    pub description: String,
    /// The spec fields, without the accounts (each scenario gets two accounts of its own) and
    /// without `kms_key` when `setup.kms` creates the key. `{redshift_account}` and
    /// `{s3_account}` in strings are replaced. Empty in an audit scenario, whose specs are its
    /// `chains`'.
    #[serde(default)]
    pub spec: toml::Table,
    /// An audit scenario's organization: its accounts, the audit role in each, the document
    /// loaded into the emulator (see `tests/scenarios/README.md`).
    pub audit: Option<AuditSetup>,
    /// An audit scenario's chains, each a spec of its own set up in its own accounts before the
    /// steps, with steps (`apply`, `fault`) that make it healthy, broken or over-broad.
    #[serde(default)]
    pub chains: Vec<Chain>,
    /// What exists before the first step.
    #[serde(default)]
    pub setup: Setup,
    /// Tables the `put_table` and `check_unload` steps name: columns with Redshift types and
    /// rows of values. `{columns:NAME}` in a statement is the table's column list for `CREATE
    /// TABLE`, `{values:NAME}` its rows for `INSERT … VALUES`.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The file's stem, set when loaded.
    #[serde(skip)]
    pub name: String,
    /// The folder the file was read from (expected audit documents are found from it).
    #[serde(skip)]
    pub dir: PathBuf,
}

/// The accounts of an audit scenario: `redshift_accounts` Redshift accounts
/// (`{redshift_account_K}`, `1K` + the scenario's index in 10 digits), `s3_accounts` bucket
/// accounts (`{s3_account_K}`, `2K…`), `hop_accounts` hop accounts (`{hop_account_K}`, `3K…`)
/// and the organization's management account (`{management_account}`, `4…`, profile
/// `management`), which holds nothing and enters the others through `role`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSetup {
    /// Redshift accounts (1 to 9).
    pub redshift_accounts: usize,
    /// Bucket accounts (1 to 9).
    pub s3_accounts: usize,
    /// Hop accounts (0 to 9).
    #[serde(default)]
    pub hop_accounts: usize,
    /// The audit role created in every account but the management account, trusting the
    /// management account.
    pub role: String,
    /// The audit role's inline policy (templated JSON); absent: the policy `redbridge audit
    /// --print-policy` publishes, so the scenario proves that policy is enough.
    #[serde(default)]
    pub policy: Option<String>,
    /// Another inline policy for the audit role of some accounts: account (templated) → JSON.
    #[serde(default)]
    pub policy_for: BTreeMap<String, String>,
    /// The organization loaded into the emulator (templated JSON, the emulator's format).
    pub organization: String,
}

/// One chain of an audit scenario: a spec set up in the accounts it names by number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// Its folder under the scenario's work folder.
    pub name: String,
    /// The Redshift account's number (`{redshift_account_K}`).
    pub redshift: usize,
    /// The bucket account's number.
    pub s3: usize,
    /// The hop account's number (`{hop_account}` in the spec), when the chain has a hop.
    pub hop: Option<usize>,
    /// The spec, as a scenario's `spec`.
    pub spec: toml::Table,
    /// What exists before its steps.
    #[serde(default)]
    pub setup: Setup,
    /// Its steps (`apply`, `fault`, …), run before the scenario's steps.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// What the scenario's accounts hold before `redbridge apply`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Create a customer managed key in the bucket account and put its ARN in the spec.
    #[serde(default)]
    pub kms: bool,
    /// Put the key's ARN in the spec (default); `false` leaves it for a later `set_spec` with
    /// `kms_key = "{kms_key}"`.
    #[serde(default = "yes")]
    pub kms_in_spec: bool,
    /// The region the bucket is really created in (default: the spec's `bucket_region`, else
    /// its `region`).
    pub bucket_region: Option<String>,
    /// Objects to put into the bucket: key → body.
    #[serde(default)]
    pub objects: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

impl Default for Setup {
    fn default() -> Self {
        Self { kms: false, kms_in_spec: true, bucket_region: None, objects: BTreeMap::new() }
    }
}

/// One step.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// `redbridge apply --yes`.
    Apply {
        /// `changes` (something was changed), `no_changes`, `refused` (stopped before changing
        /// anything), or `interrupted` with `interrupt_after`.
        expect: ApplyExpect,
        /// Kill the process (SIGKILL) after this many steps reported `done`.
        interrupt_after: Option<usize>,
        /// Texts (templated) apply's output must contain, e.g. the missing permission.
        #[serde(default)]
        mentions: Vec<String>,
    },
    /// Run redbridge as an operator: a role in the account holding the plan's operator policies
    /// of `commands` (merged), less the `without` actions; `commands = []` goes back to the
    /// account's root credentials.
    Operator {
        /// `redshift` or `s3`: whose profile the operator's credentials replace.
        account: Side,
        /// `apply`, `doctor`, `test`.
        commands: Vec<String>,
        /// Actions taken out of the policies.
        #[serde(default)]
        without: Vec<String>,
    },
    /// Load an organization into the emulator (templated JSON, the emulator's format).
    Organization {
        /// The organization document.
        document: String,
    },
    /// `redbridge doctor`.
    Doctor {
        /// `healthy`, `broken` or `unknown`.
        verdict: String,
        /// Findings that must be reported: code and hop kind (`attachment`, `service`, `role`, `s3`,
        /// `kms`, `statement`). No other error may be reported.
        #[serde(default)]
        findings: Vec<ExpectedFinding>,
        /// `--sql` statements for doctor to judge too (templated).
        #[serde(default)]
        sql: Vec<String>,
    },
    /// `redbridge test` (the round trip), or `--sql` when given.
    Test {
        /// The statement to run instead of the round trip (templated).
        sql: Option<String>,
        /// Whether it must pass.
        pass: bool,
        /// The diagnosis code of a failure.
        code: Option<String>,
        /// Text the diagnosis' hop label must contain.
        hop: Option<String>,
        /// Text Redshift's error must contain (templated).
        error: Option<String>,
        /// A secret of a `secret` step: `redbridge test --secret-arn` with its ARN.
        secret: Option<String>,
    },
    /// A Secrets Manager secret in the Redshift account holding a database login
    /// (`{"username": …, "password": …}`, templated), for `test` steps' `secret`.
    Secret {
        /// The step's name for it (the secret's name is the scenario's bucket, then this).
        name: String,
        /// The database user name (with `password`).
        username: Option<String>,
        /// The password (`{master_password}`: the master user's).
        password: Option<String>,
        /// Instead of both: a temporary login, GetClusterCredentials' for this `DbUser` on the
        /// scenario's cluster (`IAM:<user>` and its password), whose database user is `<user>`.
        db_user: Option<String>,
    },
    /// `redbridge lint` over a statement.
    Lint {
        /// The statement (templated).
        sql: String,
        /// The codes that must be reported (`[]`: lint clean).
        codes: Vec<String>,
    },
    /// COPY → UNLOAD → COPY of `rows` (CSV with a header) through the chain with statements from
    /// `redbridge sql`, run by `redbridge test --sql`; the tables are compared row for row.
    RoundTrip {
        /// The CSV input, header first.
        csv: String,
    },
    /// Statements (templated) run in one session of a real client at the endpoint DescribeClusters
    /// or GetWorkgroup gives; each must pass, but the last when `error` or `sqlstate` is given.
    Sql {
        /// `psql`, `psycopg` or `redshift_connector`.
        client: Client,
        /// `password` (the master user) or `iam`.
        #[serde(default)]
        auth: Auth,
        /// With `iam`: the IAM user of the Redshift account whose keys the client signs with
        /// (created with a policy allowing the credentials calls); default `alice`.
        user: Option<String>,
        /// With `iam` on a cluster: ask `GetClusterCredentials` for this DbUser (`AutoCreate`);
        /// absent: `GetClusterCredentialsWithIAM`, the database user `IAM:<user>`.
        db_user: Option<String>,
        /// The statements, in order.
        statements: Vec<String>,
        /// Text the last statement's error must contain (templated).
        error: Option<String>,
        /// The SQLSTATE of the last statement's error.
        sqlstate: Option<String>,
        /// The rows the last statement must return, as text.
        rows: Option<Vec<Vec<String>>>,
    },
    /// A table written by pyarrow (Parquet or JSON lines) and put into the bucket with the
    /// bucket account's credentials.
    PutTable {
        /// A table of `[tables]`.
        table: String,
        /// The object key (templated).
        key: String,
        /// `parquet` or `json`.
        format: FileFormat,
    },
    /// Every object under a prefix read back with pyarrow: types as UNLOAD writes them and the
    /// rows, compared with a table of `[tables]` exactly.
    CheckUnload {
        /// A table of `[tables]`.
        table: String,
        /// The key prefix (templated), e.g. `{prefix}out/`.
        prefix: String,
        /// `parquet` or `json`.
        format: FileFormat,
        /// PARTITION BY columns: each row's values are read from its `col=value/` folders.
        #[serde(default)]
        partition_by: Vec<String>,
        /// PARTITION BY … INCLUDE: the partition columns are in the files too.
        #[serde(default)]
        include: bool,
        /// Text every object's name must end with (e.g. `_part_00.parquet`).
        suffix: Option<String>,
    },
    /// Change the world behind redbridge's back.
    Fault(Fault),
    /// Change spec fields (templated), as a user fixing the spec would.
    SetSpec {
        /// The fields to set.
        fields: toml::Table,
    },
    /// Deploy the plan's export instead of `redbridge apply`: `cloudformation` (both templates
    /// with `aws cloudformation create-stack`, then the attach step the templates leave to
    /// people), `aws_cli` (both scripts, each run twice: they must be safe to rerun) or
    /// `terraform` (`terraform apply` twice: the second must change nothing).
    Deploy {
        /// `cloudformation` or `aws_cli`.
        how: DeployHow,
    },
    /// Wait.
    Sleep {
        /// Seconds.
        seconds: u64,
    },
    /// `redbridge audit` (an audit scenario only): its JSON must equal `expect` (a file under
    /// the scenarios folder, templated) as a whole; with `render`, its DOT and HTML are written
    /// next to the run's logs for `cargo xtask e2e` to render and open.
    Audit {
        /// The arguments after `audit` (templated), without `--output`.
        args: Vec<String>,
        /// The expected JSON document, relative to the scenarios folder.
        expect: String,
        /// The exit code (0 ok, 1 a broken chain, 3 incomplete).
        exit: i32,
        /// Also write `audit.dot` and `audit.html` and list them in `renders.txt`.
        #[serde(default)]
        render: bool,
    },
}

/// How `deploy` deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployHow {
    /// `redbridge plan --format cloudformation`.
    Cloudformation,
    /// `redbridge plan --format aws-cli`.
    AwsCli,
    /// `redbridge plan --format terraform`, applied with `terraform` and the AWS provider from
    /// a filesystem mirror (`REDBRIDGE_TF_PLUGINS`, default `/opt/tf-plugins`).
    Terraform,
}

/// What `apply` must report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyExpect {
    /// It changed something and succeeded.
    Changes,
    /// AWS already matched the plan.
    NoChanges,
    /// It was killed part-way (`interrupt_after`).
    Interrupted,
    /// It refused before changing anything (a failed pre-check), exiting non-zero.
    Refused,
}

/// Whose profile an operator replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The Redshift account's profile (`redshift`).
    Redshift,
    /// The bucket account's profile (`s3`).
    S3,
}

impl Side {
    /// The profile's name, which is also the key of the plan's `operator_policies`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Redshift => "redshift",
            Self::S3 => "s3",
        }
    }
}

/// A finding doctor must report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFinding {
    /// The code, e.g. `RB121`.
    pub code: String,
    /// The hop kind.
    pub hop: String,
}

/// Which role of the chain a fault edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The first role (attached to Redshift).
    Cluster,
    /// The last role (in the bucket account).
    Bucket,
    /// The role before the last (a hop role, in a three-role chain).
    Hop,
}

/// A change made behind redbridge's back, as people make them by hand.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Detach the cluster role from the cluster or namespace.
    Detach,
    /// Keep the cluster role `adding` for this long (the emulator's hold).
    HoldAdding {
        /// Seconds.
        seconds: u64,
    },
    /// Remove a service principal from the role's trust policy.
    TrustRemoveService {
        /// The role.
        role: Which,
        /// e.g. `redshift-serverless.amazonaws.com`.
        service: String,
    },
    /// Make the role's trust name another AWS principal instead of the ones it names.
    TrustPrincipal {
        /// The role.
        role: Which,
        /// The principal ARN (templated).
        principal: String,
    },
    /// Remove an action from every inline policy of the role.
    RemoveAction {
        /// The role.
        role: Which,
        /// e.g. `s3:PutObject`.
        action: String,
    },
    /// Replace the KMS key's policy (templated JSON).
    KeyPolicy {
        /// The document.
        document: String,
    },
    /// Put a bucket policy (templated JSON).
    BucketPolicy {
        /// The document.
        document: String,
    },
    /// Put a permissions boundary (templated JSON, created as a managed policy) on the role,
    /// replacing any boundary it had.
    Boundary {
        /// The role.
        role: Which,
        /// The boundary's document.
        document: String,
    },
    /// Put an inline policy (templated JSON) on the role, replacing one of the same name.
    Policy {
        /// The role.
        role: Which,
        /// The inline policy's name.
        name: String,
        /// The document.
        document: String,
    },
    /// Put `sts:ExternalId` condition values (templated) on every statement of the role's trust,
    /// replacing any there.
    TrustExternalId {
        /// The role.
        role: Which,
        /// The values (`StringEquals`).
        values: Vec<String>,
    },
    /// Put an object into the bucket.
    PutObject {
        /// The key (templated).
        key: String,
        /// The body.
        body: String,
    },
}

/// Loads every `*.toml` of `dir`, sorted by name, keeping those whose name contains `filter`.
pub fn load_all(dir: &Path, filter: Option<&str>) -> anyhow::Result<Vec<Scenario>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading `{}`", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut scenarios = Vec::new();
    let mut buckets = BTreeMap::new();
    for path in paths {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading `{}`", path.display()))?;
        let mut scenario: Scenario = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
            .with_context(|| format!("`{}` is not a valid scenario", path.display()))?;
        scenario.name = name.clone();
        scenario.dir = dir.to_path_buf();
        check_shape(&scenario).with_context(|| format!("`{}` is not a valid scenario", path.display()))?;
        let specs: Vec<(&toml::Table, &Setup)> = if scenario.audit.is_some() {
            scenario.chains.iter().map(|c| (&c.spec, &c.setup)).collect()
        } else {
            vec![(&scenario.spec, &scenario.setup)]
        };
        for (spec, setup) in specs {
            for field in ["redshift_account", "s3_account"] {
                if spec.contains_key(field) {
                    bail!(
                        "`{}`: leave `{field}` out of the spec; every scenario gets accounts of its own",
                        path.display()
                    );
                }
            }
            if setup.kms && spec.contains_key("kms_key") {
                bail!("`{}`: `setup.kms` creates the key; leave `kms_key` out of the spec", path.display());
            }
            // Bucket names are global in S3 (and in LocalStack): one spec, one bucket.
            let bucket = spec.get("bucket").and_then(toml::Value::as_str).unwrap_or_default().to_owned();
            if let Some(other) = buckets.insert(bucket.clone(), name.clone()) {
                bail!("`{}` and `{other}` both use bucket `{bucket}`; give each spec its own", path.display());
            }
        }
        check_tables(&scenario)
            .and_then(|()| check_secrets(&scenario.steps))
            .with_context(|| format!("`{}` is not a valid scenario", path.display()))?;
        if filter.is_none_or(|f| name.contains(f)) {
            scenarios.push(scenario);
        }
    }
    if scenarios.is_empty() {
        bail!("no scenario in `{}` matches", dir.display());
    }
    Ok(scenarios)
}

/// Every table's rows have one value per column, and the steps name tables that exist.
fn check_tables(scenario: &Scenario) -> anyhow::Result<()> {
    for (name, table) in &scenario.tables {
        for (index, row) in table.rows.iter().enumerate() {
            anyhow::ensure!(
                row.len() == table.columns.len(),
                "table `{name}`: row {} has {} values for {} columns",
                index + 1,
                row.len(),
                table.columns.len()
            );
        }
    }
    for step in &scenario.steps {
        if let Step::PutTable { table, .. } | Step::CheckUnload { table, .. } = step {
            anyhow::ensure!(scenario.tables.contains_key(table), "no table `{table}` in `[tables]`");
        }
    }
    Ok(())
}

/// A `secret` step gives `username` and `password` or `db_user`; a `test` step's `secret`
/// names a `secret` step before it.
fn check_secrets(steps: &[Step]) -> anyhow::Result<()> {
    let mut created: Vec<&str> = Vec::new();
    for step in steps {
        match step {
            Step::Secret { name, username, password, db_user } => {
                anyhow::ensure!(
                    matches!((username, password, db_user), (Some(_), Some(_), None) | (None, None, Some(_))),
                    "secret `{name}`: give `username` and `password`, or `db_user`"
                );
                created.push(name);
            }
            Step::Test { secret: Some(secret), .. } => {
                anyhow::ensure!(created.contains(&secret.as_str()), "no `secret` step `{secret}` before its `test`");
            }
            _ => {}
        }
    }
    Ok(())
}

/// An audit scenario has chains and no spec, its account numbers in range, and only `audit`
/// steps; any other scenario has a spec and no `audit` step.
fn check_shape(scenario: &Scenario) -> anyhow::Result<()> {
    let audit_steps = scenario.steps.iter().filter(|s| matches!(s, Step::Audit { .. })).count();
    let Some(audit) = &scenario.audit else {
        anyhow::ensure!(scenario.chains.is_empty(), "`chains` need an `[audit]` table");
        anyhow::ensure!(audit_steps == 0, "`do = \"audit\"` needs an `[audit]` table");
        anyhow::ensure!(!scenario.spec.is_empty(), "the scenario has no `[spec]`");
        return Ok(());
    };
    anyhow::ensure!(scenario.spec.is_empty(), "an audit scenario's specs are its chains'; remove `[spec]`");
    anyhow::ensure!(audit_steps == scenario.steps.len(), "an audit scenario's steps are `do = \"audit\"` only");
    for (what, count, least) in [
        ("redshift_accounts", audit.redshift_accounts, 1),
        ("s3_accounts", audit.s3_accounts, 1),
        ("hop_accounts", audit.hop_accounts, 0),
    ] {
        anyhow::ensure!((least..=9).contains(&count), "`audit.{what}` is {count}, not {least} to 9");
    }
    for chain in &scenario.chains {
        let numbers = [
            ("redshift", Some(chain.redshift), audit.redshift_accounts),
            ("s3", Some(chain.s3), audit.s3_accounts),
            ("hop", chain.hop, audit.hop_accounts),
        ];
        for (what, number, count) in numbers {
            if let Some(number) = number {
                anyhow::ensure!(
                    (1..=count).contains(&number),
                    "chain `{}`: `{what} = {number}` is not one of the {count} accounts",
                    chain.name
                );
            }
        }
        anyhow::ensure!(
            chain.steps.iter().all(|s| !matches!(s, Step::Audit { .. })),
            "chain `{}`: `do = \"audit\"` belongs in the scenario's steps",
            chain.name
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_checked_in_scenario_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let scenarios = load_all(&dir, None).unwrap();
        assert!(scenarios.len() >= 10, "{} scenarios", scenarios.len());
    }

    #[test]
    fn an_audit_chain_naming_an_account_the_scenario_lacks_is_refused() {
        let dir = std::env::temp_dir().join(format!("redbridge-e2e-audit-shape-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "description = \"x\"\nsteps = []\n[audit]\nredshift_accounts = 1\ns3_accounts = 1\nrole = \"r\"\n\
                    policy = \"{}\"\norganization = \"{}\"\n[[chains]]\nname = \"c\"\nredshift = 2\ns3 = 1\n\
                    spec = { bucket = \"rb-e2e-shape\", cluster = \"c\" }\n";
        std::fs::write(dir.join("audit-shape.toml"), text).unwrap();
        let error = format!("{:#}", load_all(&dir, None).unwrap_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("audit-shape.toml") && error.contains("`redshift = 2`"), "{error}");
    }

    #[test]
    fn a_test_naming_a_secret_no_earlier_step_created_is_refused() {
        let dir = std::env::temp_dir().join(format!("redbridge-e2e-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "description = \"x\"\n[spec]\nbucket = \"b\"\n[[steps]]\ndo = \"test\"\nsecret = \"master\"\npass = true\n[[steps]]\ndo = \"secret\"\nname = \"master\"\nusername = \"awsuser\"\npassword = \"{master_password}\"\n";
        std::fs::write(dir.join("late-secret.toml"), text).unwrap();
        let error = format!("{:#}", load_all(&dir, None).unwrap_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("late-secret.toml") && error.contains("no `secret` step `master`"), "{error}");
    }

    #[test]
    fn unknown_fields_are_refused_with_the_file_name() {
        let dir = std::env::temp_dir().join(format!("redbridge-e2e-scenario-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bad.toml"), "description = \"x\"\nspec = {}\nstesp = []\n").unwrap();
        let error = format!("{:#}", load_all(&dir, None).unwrap_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("bad.toml") && error.contains("stesp"), "{error}");
    }

    #[test]
    fn a_tables_rows_become_insert_values_with_strings_quoted_and_nulls_bare() {
        let table = Table {
            columns: vec![
                Column { name: "n".into(), kind: "DECIMAL(5,2)".into() },
                Column { name: "s".into(), kind: "VARCHAR(8)".into() },
                Column { name: "b".into(), kind: "BOOLEAN".into() },
            ],
            rows: vec![vec!["-1.50".into(), "it's".into(), "true".into()], vec!["<null>".into(); 3]],
            null: null_marker(),
        };
        assert_eq!(table.values(), "(-1.50, 'it''s', true), (NULL, NULL, NULL)");
        assert_eq!(table.definition(), "n DECIMAL(5,2), s VARCHAR(8), b BOOLEAN");
    }

    #[test]
    fn a_table_row_of_the_wrong_width_and_a_step_naming_no_table_are_refused() {
        let dir = std::env::temp_dir().join(format!("redbridge-e2e-tables-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = "[spec]\nbucket = \"rb-e2e-tables\"\ncluster = \"c\"\n";
        let table = "[tables.t]\ncolumns = [{ name = \"a\", type = \"INTEGER\" }]\nrows = [[\"1\", \"2\"]]\n";
        std::fs::write(dir.join("wide.toml"), format!("description = \"x\"\nsteps = []\n{spec}{table}")).unwrap();
        let error = format!("{:#}", load_all(&dir, None).unwrap_err());
        assert!(error.contains("wide.toml") && error.contains("row 1 has 2 values for 1 columns"), "{error}");
        std::fs::remove_file(dir.join("wide.toml")).unwrap();
        let step = "[[steps]]\ndo = \"put_table\"\ntable = \"u\"\nkey = \"k\"\nformat = \"parquet\"\n";
        std::fs::write(dir.join("missing.toml"), format!("description = \"x\"\n{spec}{step}")).unwrap();
        let error = format!("{:#}", load_all(&dir, None).unwrap_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("missing.toml") && error.contains("no table `u`"), "{error}");
    }
}
