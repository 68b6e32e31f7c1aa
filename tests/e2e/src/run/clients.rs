//! The steps that reach the emulator as users' own tools do: `sql` runs statements through
//! `psql`, `psycopg` or `redshift_connector` at the endpoint DescribeClusters or GetWorkgroup
//! returns, over TLS verified against the emulator's wire certificate, logged in with the
//! master user's password or with temporary credentials the client
//! asks for (`GetClusterCredentials`, `GetClusterCredentialsWithIAM`, serverless
//! `GetCredentials`) as an IAM user of the Redshift account; `put_table` writes a table with
//! pyarrow into the bucket; `check_unload` reads back with pyarrow what UNLOAD wrote. The
//! Python side is `tests/e2e/clients.py`, run by the venv `cargo xtask e2e` installs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};

use super::{Runner, environment};
use crate::scenario::{Auth, Client, FileFormat, Table};
use crate::world::{MASTER_PASSWORD, Target, sdk_config};

/// The database every scenario's clients connect to.
const DATABASE: &str = "dev";

/// An IAM user's access key, created once per scenario.
#[derive(Clone)]
pub(super) struct IamKeys {
    access_key_id: String,
    secret_access_key: String,
}

/// What a `sql` step runs and expects.
pub(super) struct SqlStep<'a> {
    pub client: Client,
    pub auth: Auth,
    pub user: Option<&'a str>,
    pub db_user: Option<&'a str>,
    pub statements: &'a [String],
    pub error: Option<&'a str>,
    pub sqlstate: Option<&'a str>,
    pub rows: Option<&'a [Vec<String>]>,
}

/// What a client reported: the rows of each statement that ran (`None`: no result set), and
/// the error that stopped it.
struct Session {
    results: Vec<Option<Vec<Vec<Option<String>>>>>,
    error: Option<(String, Option<String>)>,
    /// The log kept in the scenario's folder.
    log: String,
}

/// The Python helper.
fn helper() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("clients.py")
}

impl Runner<'_> {
    /// Text with the world's placeholders, `{columns:NAME}` and `{values:NAME}` replaced.
    pub(super) fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, table) in self.tables {
            out = out.replace(&format!("{{columns:{name}}}"), &table.definition());
            out = out.replace(&format!("{{values:{name}}}"), &table.values());
        }
        self.world.template(&out)
    }

    /// Host and port as DescribeClusters or GetWorkgroup give them.
    async fn endpoint(&self) -> anyhow::Result<(String, u16)> {
        let world = &self.world;
        let emu = sdk_config(&world.redshift_account, &world.region, &world.services.emu);
        match &world.target {
            Target::Cluster { id, .. } => {
                let answer =
                    aws_sdk_redshift::Client::new(&emu).describe_clusters().cluster_identifier(id).send().await?;
                let endpoint = answer
                    .clusters()
                    .first()
                    .and_then(|c| c.endpoint())
                    .with_context(|| format!("DescribeClusters gave `{id}` no Endpoint"))?;
                let port = endpoint.port().context("the cluster's Endpoint has no Port")?;
                Ok((
                    endpoint.address().context("the cluster's Endpoint has no Address")?.to_owned(),
                    u16::try_from(port)?,
                ))
            }
            Target::Serverless { workgroup, .. } => {
                let answer = aws_sdk_redshiftserverless::Client::new(&emu)
                    .get_workgroup()
                    .workgroup_name(workgroup)
                    .send()
                    .await?;
                let endpoint = answer
                    .workgroup()
                    .and_then(|w| w.endpoint())
                    .with_context(|| format!("GetWorkgroup gave `{workgroup}` no endpoint"))?;
                let port = endpoint.port().context("the workgroup's endpoint has no port")?;
                Ok((
                    endpoint.address().context("the workgroup's endpoint has no address")?.to_owned(),
                    u16::try_from(port)?,
                ))
            }
        }
    }

    /// The emulator's wire certificate (`GET /_emu/wire-certificate`), written once into the
    /// scenario's folder: the root every client verifies the endpoint against, as it verifies
    /// Redshift's against Amazon's.
    fn tls_root(&self) -> anyhow::Result<PathBuf> {
        let path = self.world.dir.join("wire-certificate.pem");
        if path.is_file() {
            return Ok(path);
        }
        let url = format!("{}/_emu/wire-certificate", self.world.services.emu);
        let answer = crate::governance::http_request("GET", &url, "")?;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        ensure!(
            head.starts_with("HTTP/1.1 200") && body.starts_with("-----BEGIN CERTIFICATE-----"),
            "the emulator gave no wire certificate at {url}: {answer}"
        );
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// The access key of IAM user `name` in the Redshift account, created the first time with an
    /// inline policy allowing the credentials calls and the endpoint lookups.
    async fn iam_keys(&mut self, name: &str) -> anyhow::Result<IamKeys> {
        if let Some(keys) = self.iam_users.get(name) {
            return Ok(keys.clone());
        }
        let iam = aws_sdk_iam::Client::new(&self.world.redshift_config);
        iam.create_user().user_name(name).send().await.with_context(|| format!("creating the IAM user `{name}`"))?;
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": [
                    "redshift:GetClusterCredentials",
                    "redshift:GetClusterCredentialsWithIAM",
                    "redshift:CreateClusterUser",
                    "redshift:JoinGroup",
                    "redshift:DescribeClusters",
                    "redshift-serverless:GetCredentials",
                    "redshift-serverless:GetWorkgroup"
                ],
                "Resource": "*"
            }]
        });
        iam.put_user_policy()
            .user_name(name)
            .policy_name("rb-e2e-database-login")
            .policy_document(policy.to_string())
            .send()
            .await?;
        let key = iam.create_access_key().user_name(name).send().await?;
        let key = key.access_key().context("CreateAccessKey returned no key")?;
        let keys = IamKeys {
            access_key_id: key.access_key_id().to_owned(),
            secret_access_key: key.secret_access_key().to_owned(),
        };
        self.iam_users.insert(name.to_owned(), keys.clone());
        Ok(keys)
    }

    /// A `sql` step.
    pub(super) async fn client_sql(&mut self, step: SqlStep<'_>) -> anyhow::Result<String> {
        ensure!(!step.statements.is_empty(), "a `sql` step needs statements");
        let statements: Vec<String> = step.statements.iter().map(|s| self.text(s)).collect();
        let user = step.user.unwrap_or("alice");
        let keys = match step.auth {
            Auth::Iam => Some(self.iam_keys(user).await?),
            Auth::Password => None,
        };
        let (host, port) = self.endpoint().await?;
        let session = match step.client {
            Client::Psql => self.psql(&host, port, keys.as_ref(), step.db_user, &statements)?,
            Client::Psycopg | Client::RedshiftConnector => {
                self.python_sql(step.client, &host, port, keys.as_ref(), step.db_user, &statements)?
            }
        };
        let name = match step.client {
            Client::Psql => "psql",
            Client::Psycopg => "psycopg",
            Client::RedshiftConnector => "redshift_connector",
        };
        let how = match step.auth {
            Auth::Password => "password".to_owned(),
            Auth::Iam => format!("IAM as `{user}`"),
        };
        self.calls += 1;
        std::fs::write(self.world.dir.join(format!("{:02}-sql-{name}.log", self.calls)), &session.log)?;
        let expects_error = step.error.is_some() || step.sqlstate.is_some();
        match &session.error {
            None if expects_error => bail!("{name} ({how}): every statement passed, expected the last to fail"),
            None => ensure!(
                session.results.len() == statements.len(),
                "{name} ({how}) ran {} of {} statements",
                session.results.len(),
                statements.len()
            ),
            Some((message, sqlstate)) => {
                let failed = session.results.len();
                ensure!(
                    expects_error && failed + 1 == statements.len(),
                    "{name} ({how}): statement {} failed: `{message}` (SQLSTATE {}){}",
                    failed + 1,
                    sqlstate.as_deref().unwrap_or("none"),
                    statements.get(failed).map(|s| format!("\n  statement: {s}")).unwrap_or_default()
                );
                if let Some(error) = step.error {
                    let error = self.text(error);
                    ensure!(message.contains(&error), "{name}: the error `{message}` does not contain `{error}`");
                }
                if let Some(code) = step.sqlstate {
                    ensure!(
                        sqlstate.as_deref() == Some(code),
                        "{name}: the error `{message}` has SQLSTATE {sqlstate:?}, expected {code}"
                    );
                }
            }
        }
        if let Some(rows) = step.rows {
            let want: Vec<Vec<Option<String>>> =
                rows.iter().map(|r| r.iter().map(|v| Some(self.text(v))).collect()).collect();
            let got = session.results.last().cloned().flatten().unwrap_or_default();
            ensure!(got == want, "{name}: the last statement returned {got:?}, expected {want:?}");
        }
        Ok(match &session.error {
            None => format!("sql: {name} ({how}) ran {} statement(s)", statements.len()),
            Some((message, _)) => format!("sql: {name} ({how}) failed as expected: {message}"),
        })
    }

    /// Temporary credentials from the AWS CLI, as a psql user gets them.
    fn cli_credentials(&self, keys: &IamKeys, db_user: Option<&str>) -> anyhow::Result<(String, String)> {
        let world = &self.world;
        let mut command = Command::new(&self.settings.aws_cli);
        let serverless = match &world.target {
            Target::Cluster { id, .. } => {
                match db_user {
                    Some(db_user) => {
                        command.args(["redshift", "get-cluster-credentials", "--db-user", db_user, "--auto-create"])
                    }
                    None => command.args(["redshift", "get-cluster-credentials-with-iam"]),
                };
                command.args(["--cluster-identifier", id]);
                false
            }
            Target::Serverless { workgroup, .. } => {
                command.args(["redshift-serverless", "get-credentials", "--workgroup-name", workgroup]);
                true
            }
        };
        command.args(["--db-name", DATABASE, "--output", "json", "--endpoint-url", &world.services.emu]);
        environment(&mut command, &world.dir);
        command
            .env("AWS_ACCESS_KEY_ID", &keys.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &keys.secret_access_key)
            .env("AWS_DEFAULT_REGION", &world.region);
        let output = command.output().with_context(|| format!("running `{}`", self.settings.aws_cli.display()))?;
        ensure!(
            output.status.success(),
            "the AWS CLI could not get database credentials: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        let answer: Value = serde_json::from_slice(&output.stdout).context("the AWS CLI's answer is not JSON")?;
        let (user, password) = if serverless { ("dbUser", "dbPassword") } else { ("DbUser", "DbPassword") };
        let field =
            |name: &str| answer[name].as_str().map(str::to_owned).with_context(|| format!("no `{name}` in the answer"));
        Ok((field(user)?, field(password)?))
    }

    /// The master user: the cluster's, or the namespace's admin.
    fn master_user(&self) -> String {
        match &self.world.target {
            Target::Cluster { user, .. } => user.clone(),
            Target::Serverless { .. } => "awsuser".to_owned(),
        }
    }

    /// `psql` with each statement as a `-c`, a marker echoed before each to split the output.
    fn psql(
        &self,
        host: &str,
        port: u16,
        keys: Option<&IamKeys>,
        db_user: Option<&str>,
        statements: &[String],
    ) -> anyhow::Result<Session> {
        let (user, password) = match keys {
            Some(keys) => self.cli_credentials(keys, db_user)?,
            None => (self.master_user(), MASTER_PASSWORD.to_owned()),
        };
        let root = self.tls_root()?;
        let conninfo = format!(
            "host={host} port={port} dbname={DATABASE} sslmode=verify-full sslrootcert={} connect_timeout=10",
            root.display()
        );
        let marker = "--redbridge-e2e-statement--";
        let mut command = Command::new(&self.settings.psql);
        command
            .args(["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-d"])
            .arg(&conninfo)
            .args(["-U", &user]);
        for statement in statements {
            command.arg("-c").arg(format!("\\echo {marker}")).arg("-c").arg(statement);
        }
        for (key, _) in std::env::vars_os() {
            if key.to_str().is_some_and(|k| k.starts_with("PG")) {
                command.env_remove(key);
            }
        }
        let output = command
            .env("PGPASSWORD", &password)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running `{}` (Debian's postgresql-client)", self.settings.psql.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let chunks: Vec<&str> = stdout.split(&format!("{marker}\n")).skip(1).collect();
        let mut results: Vec<Option<Vec<Vec<Option<String>>>>> = chunks
            .iter()
            .map(|chunk| {
                let rows: Vec<Vec<Option<String>>> =
                    chunk.lines().map(|line| line.split('\t').map(|v| Some(v.to_owned())).collect()).collect();
                (!rows.is_empty()).then_some(rows)
            })
            .collect();
        let error = (!output.status.success()).then(|| psql_error(&stderr));
        if error.is_some() {
            // The statement whose marker printed is the one that failed.
            results.pop();
        }
        let log = format!(
            "$ psql -U {user} '{conninfo}' (exit {:?})\n{}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            output.status.code(),
            statements.join("\n")
        );
        Ok(Session { results, error, log })
    }

    /// psycopg or redshift_connector through `clients.py sql`.
    fn python_sql(
        &self,
        client: Client,
        host: &str,
        port: u16,
        keys: Option<&IamKeys>,
        db_user: Option<&str>,
        statements: &[String],
    ) -> anyhow::Result<Session> {
        let world = &self.world;
        let iam = keys.map(|keys| {
            let (cluster, workgroup) = match &world.target {
                Target::Cluster { id, .. } => (Some(id.clone()), None),
                Target::Serverless { workgroup, .. } => (None, Some(workgroup.clone())),
            };
            json!({
                "access_key_id": keys.access_key_id,
                "secret_access_key": keys.secret_access_key,
                "region": world.region,
                "endpoint_url": world.services.emu,
                "account": world.redshift_account,
                "cluster": cluster,
                "workgroup": workgroup,
                "db_user": db_user,
            })
        });
        let client_name = match client {
            Client::Psycopg => "psycopg",
            _ => "redshift_connector",
        };
        let request = json!({
            "client": client_name,
            "host": host,
            "port": port,
            "database": DATABASE,
            "user": self.master_user(),
            "password": MASTER_PASSWORD,
            "iam": iam,
            "tls_root": self.tls_root()?,
            "statements": statements,
        });
        let answer = self.python("sql", &request)?;
        let results = answer["results"]
            .as_array()
            .context("`clients.py sql` gave no results")?
            .iter()
            .map(|rows| {
                rows.as_array().map(|rows| {
                    rows.iter()
                        .map(|row| {
                            row.as_array().into_iter().flatten().map(|v| v.as_str().map(str::to_owned)).collect()
                        })
                        .collect()
                })
            })
            .collect();
        let error = answer["error"].as_object().map(|e| {
            let message = e.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
            (message, e.get("sqlstate").and_then(Value::as_str).map(str::to_owned))
        });
        let log = format!("$ {client_name} at {host}:{port}\n{}\n--- answer\n{answer:#}\n", statements.join("\n"));
        Ok(Session { results, error, log })
    }

    /// `python clients.py COMMAND` with `request` on standard input; its JSON answer.
    fn python(&self, command: &str, request: &Value) -> anyhow::Result<Value> {
        use std::io::Write as _;
        let mut child = Command::new(&self.settings.python)
            .arg(helper())
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| {
                format!("running `{}` (the venv `cargo xtask e2e` installs)", self.settings.python.display())
            })?;
        child.stdin.take().context("no stdin")?.write_all(request.to_string().as_bytes())?;
        let output = child.wait_with_output()?;
        ensure!(
            output.status.success(),
            "`clients.py {command}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
        serde_json::from_slice(&output.stdout).with_context(|| format!("`clients.py {command}` did not answer JSON"))
    }

    /// A `put_table` step.
    pub(super) async fn put_table(&mut self, name: &str, key: &str, format: FileFormat) -> anyhow::Result<String> {
        let table = self.tables.get(name).with_context(|| format!("no table `{name}`"))?;
        self.calls += 1;
        let path = self.world.dir.join(format!("{:02}-{name}.{}", self.calls, format.name()));
        let mut request = table_request(table);
        request["format"] = json!(format.name());
        request["path"] = json!(path.display().to_string());
        self.python("write", &request)?;
        let key = self.text(key);
        let body = std::fs::read(&path)?;
        self.world
            .raw_s3()
            .put_object()
            .bucket(&self.world.bucket)
            .key(&key)
            .body(body.into())
            .send()
            .await
            .with_context(|| format!("putting `s3://{}/{key}`", self.world.bucket))?;
        Ok(format!(
            "put_table: `{name}` ({} rows) as {} at `s3://{}/{key}`",
            table.rows.len(),
            format.name(),
            self.world.bucket
        ))
    }

    /// A `check_unload` step.
    pub(super) async fn check_unload(
        &mut self,
        name: &str,
        prefix: &str,
        format: FileFormat,
        partition_by: &[String],
        include: bool,
        suffix: Option<&str>,
    ) -> anyhow::Result<String> {
        let table = self.tables.get(name).with_context(|| format!("no table `{name}`"))?;
        let prefix = self.text(prefix);
        self.calls += 1;
        let dir = self.world.dir.join(format!("{:02}-unloaded", self.calls));
        std::fs::create_dir_all(&dir)?;
        let s3 = self.world.raw_s3();
        let mut keys = Vec::new();
        let mut pages = s3.list_objects_v2().bucket(&self.world.bucket).prefix(&prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            keys.extend(page?.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
        }
        ensure!(!keys.is_empty(), "nothing under `s3://{}/{prefix}`", self.world.bucket);
        for key in &keys {
            let relative = key.strip_prefix(&prefix).unwrap_or(key);
            if let Some(suffix) = suffix.filter(|_| !relative.ends_with("manifest")) {
                ensure!(relative.ends_with(suffix), "`{key}` does not end with `{suffix}`; objects: {keys:?}");
            }
            let object = s3.get_object().bucket(&self.world.bucket).key(key).send().await?;
            let body = object.body.collect().await?.into_bytes();
            let path = dir.join(relative.trim_start_matches('/'));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, body)?;
        }
        let mut request = table_request(table);
        request["format"] = json!(format.name());
        request["dir"] = json!(dir.display().to_string());
        request["partition_by"] = json!(partition_by);
        request["include"] = json!(include);
        let answer = self.python("check", &request)?;
        if let Some(mismatch) = answer["mismatch"].as_str() {
            bail!("pyarrow read back what UNLOAD wrote under `{prefix}`: {mismatch}");
        }
        Ok(format!(
            "check_unload: {} row(s) in {} object(s) under `{prefix}` equal `{name}`, types as UNLOAD writes them",
            answer["rows"],
            keys.len()
        ))
    }
}

/// A table as `clients.py` takes it.
fn table_request(table: &Table) -> Value {
    json!({ "columns": table.columns, "rows": table.rows, "null": table.null })
}

/// The message and SQLSTATE of psql's `ERROR:  XXXXX: message` (VERBOSITY verbose), or its
/// first error line (a connection failure).
fn psql_error(stderr: &str) -> (String, Option<String>) {
    for line in stderr.lines() {
        let Some((_, rest)) = line.split_once("ERROR:").or_else(|| line.split_once("FATAL:")) else { continue };
        let rest = rest.trim();
        if let Some((code, message)) = rest.split_once(": ")
            && code.len() == 5
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return (message.to_owned(), Some(code.to_owned()));
        }
        return (rest.to_owned(), None);
    }
    (stderr.trim().to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::psql_error;

    #[test]
    fn psql_errors_give_their_sqlstate_and_message() {
        let stderr = "ERROR:  XX000: Not authorized to get credentials of role arn:aws:iam::1:role/B\nLOCATION:  x\n";
        assert_eq!(
            psql_error(stderr),
            ("Not authorized to get credentials of role arn:aws:iam::1:role/B".to_owned(), Some("XX000".to_owned()))
        );
        let refused = "psql: error: connection to server at \"127.0.0.1\", port 5 failed: FATAL:  28P01: password authentication failed for user \"bob\"\n";
        assert_eq!(
            psql_error(refused),
            ("password authentication failed for user \"bob\"".to_owned(), Some("28P01".to_owned()))
        );
        assert_eq!(psql_error("psql: error: no route\n"), ("psql: error: no route".to_owned(), None));
    }
}
