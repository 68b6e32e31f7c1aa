//! Shared setup: an emulator on 127.0.0.1 over the adapters' fakes (`FakeAws`), the SDK
//! adapters of `redbridge-aws` pointed at it per account, and the few calls no port has
//! (creating clusters, namespaces and workgroups) as plain signed-looking HTTP requests.

use std::time::Duration;

use redbridge_aws::fake::FakeAws;
use redbridge_aws::ports::{Credentials, DataTarget, RedshiftData as _, StatementDetail, StatementState};
use redbridge_aws::sdk::{SdkConnector, SdkRedshift, SdkRedshiftData, SdkRedshiftServerless};
use redbridge_emu::{Config, Emulator};
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

/// How long attached roles stay `adding` in tests.
pub const APPLY_DELAY: Duration = Duration::from_millis(150);

pub struct Harness {
    pub emulator: Emulator,
    pub aws: FakeAws,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with_statement_steps(Duration::from_millis(5)).await
    }

    /// With statements spending `step` in each of SUBMITTED, PICKED and STARTED: long enough,
    /// a test can act on a running statement however loaded the machine is.
    pub async fn with_statement_steps(step: Duration) -> Self {
        Self::with_config(Config { statement_step_delay: step, ..Config::default() }).await
    }

    /// With `config` (its role apply delay replaced by [`APPLY_DELAY`]).
    pub async fn with_config(config: Config) -> Self {
        let aws = FakeAws::new();
        let config = Config { role_apply_delay: APPLY_DELAY, ..config };
        let emulator = Emulator::start(config, aws.clone()).await.expect("the emulator starts");
        Self { emulator, aws }
    }

    /// The emulator as the SDK adapters see it, with `account`'s LocalStack-style keys.
    fn connector(&self) -> SdkConnector {
        SdkConnector::new(self.emulator.endpoint_url(), region())
    }

    pub fn redshift(&self, account: &str) -> SdkRedshift {
        SdkRedshift::from_conf(&self.connector().config(&credentials(account), &region()))
    }

    pub fn serverless(&self, account: &str) -> SdkRedshiftServerless {
        SdkRedshiftServerless::from_conf(&self.connector().config(&credentials(account), &region()))
    }

    pub fn data(&self, account: &str) -> SdkRedshiftData {
        SdkRedshiftData::from_conf(&self.connector().config(&credentials(account), &region()))
    }

    /// Redshift as a role session (or any other caller's keys).
    pub fn redshift_as(&self, caller: &Credentials) -> SdkRedshift {
        SdkRedshift::from_conf(&self.connector().config(caller, &region()))
    }

    /// Redshift Serverless as a role session.
    pub fn serverless_as(&self, caller: &Credentials) -> SdkRedshiftServerless {
        SdkRedshiftServerless::from_conf(&self.connector().config(caller, &region()))
    }

    /// Organizations as a role session.
    pub fn organizations_as(&self, caller: &Credentials) -> redbridge_aws::sdk::SdkOrganizations {
        redbridge_aws::sdk::SdkOrganizations::from_conf(&self.connector().config(caller, &region()))
    }

    /// Organizations as `account`.
    pub fn organizations(&self, account: &str) -> redbridge_aws::sdk::SdkOrganizations {
        redbridge_aws::sdk::SdkOrganizations::from_conf(&self.connector().config(&credentials(account), &region()))
    }

    /// The Data API as a role session.
    pub fn data_as(&self, caller: &Credentials) -> SdkRedshiftData {
        SdkRedshiftData::from_conf(&self.connector().config(caller, &region()))
    }

    /// A session of `role` (which must exist), assumed by its own account, as keys to sign with.
    pub async fn session_of(&self, role: &str, session_name: &str) -> Credentials {
        use redbridge_aws::ports::{Connect as _, Sts as _};
        let role = RoleArn::parse(role).expect("a role ARN");
        let sts = self.aws.sts(&Credentials::Account(role.account()));
        Credentials::from(&sts.assume_role(&role, session_name, None).await.expect("the role is assumed"))
    }

    /// `PUT /_emu/organization` with `json`; returns the whole answer.
    pub async fn put_organization(&self, json: &str) -> String {
        request(&self.emulator.endpoint_url(), "PUT", "/_emu/organization", json).await
    }

    /// Creates or replaces a role with its trust policy and these identity policies (inline).
    pub fn put_role(&self, role: &str, trust: PolicyDocument, identity: Vec<PolicyDocument>) {
        let arn = RoleArn::parse(role).expect("a role ARN");
        self.aws.seed_role(&arn, trust, &[]);
        self.set_identity_policies(role, identity);
    }

    /// Replaces a role's identity policies (a fault injected after setup, for example).
    pub fn set_identity_policies(&self, role: &str, identity: Vec<PolicyDocument>) {
        self.aws.edit(|s| {
            if let Some(found) = s.roles.get_mut(role) {
                found.inline_policies =
                    identity.into_iter().enumerate().map(|(n, p)| (format!("policy-{n}"), p)).collect();
            }
        });
    }

    /// Creates a bucket owned by `owner` in `region`.
    pub fn create_bucket(&self, owner: &str, bucket: &str, region: &str) {
        let owner = AccountId::parse(owner).expect("an account id");
        self.aws.seed_owned_bucket(owner, bucket, Region::parse(region).expect("a region"), None);
    }

    /// Sets (or removes) a bucket policy.
    pub fn set_bucket_policy(&self, bucket: &str, policy: Option<PolicyDocument>) {
        self.aws.edit(|s| {
            if let Some(found) = s.buckets.get_mut(bucket) {
                found.1 = policy;
            }
        });
    }

    /// Creates or replaces a KMS key with its key policy.
    pub fn put_key(&self, key: &str, policy: PolicyDocument) {
        self.aws.seed_key(&redbridge_iam::KmsKeyArn::parse(key).expect("a key ARN"), policy);
    }

    /// Writes an object directly (test setup).
    pub fn put_object_raw(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        let body = body.into();
        self.aws.edit(|s| {
            s.objects.entry(bucket.to_owned()).or_default().insert(key.to_owned(), body);
        });
    }

    /// An object's body and encryption (test assertions).
    pub fn object(&self, bucket: &str, key: &str) -> Option<(Vec<u8>, redbridge_aws::ports::ObjectEncryption)> {
        let state = self.aws.state();
        let body = state.objects.get(bucket)?.get(key)?.clone();
        let encryption = state
            .object_encryption
            .get(&(bucket.to_owned(), key.to_owned()))
            .cloned()
            .unwrap_or(redbridge_aws::ports::ObjectEncryption::BucketDefault);
        Some((body, encryption))
    }

    /// Every key in a bucket.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        self.aws.state().objects.get(bucket).map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }

    /// `CreateCluster` (no port has it): node type `ra3.large`, master user `awsuser`.
    pub async fn create_cluster(&self, account: &str, id: &str, roles: &[&str]) {
        let mut body = format!(
            "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier={id}&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd%21"
        );
        for (n, role) in roles.iter().enumerate() {
            body.push_str(&format!("&IamRoles.IamRoleArn.{}={}", n + 1, url_encode(role)));
        }
        let answer = post(&self.emulator.endpoint_url(), account, "redshift", None, &body).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "the cluster is created: {answer}");
    }

    /// `CreateNamespace` (no port has it).
    pub async fn create_namespace(&self, account: &str, namespace: &str, roles: &[&str]) {
        let body = serde_json::json!({ "namespaceName": namespace, "iamRoles": roles }).to_string();
        let target = Some("RedshiftServerless.CreateNamespace");
        let answer = post(&self.emulator.endpoint_url(), account, "redshift-serverless", target, &body).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "the namespace is created: {answer}");
    }

    /// `CreateWorkgroup` (no port has it).
    pub async fn create_workgroup(&self, account: &str, workgroup: &str, namespace: &str) {
        let body = serde_json::json!({ "workgroupName": workgroup, "namespaceName": namespace }).to_string();
        let target = Some("RedshiftServerless.CreateWorkgroup");
        let answer = post(&self.emulator.endpoint_url(), account, "redshift-serverless", target, &body).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "the workgroup is created: {answer}");
    }
}

fn credentials(account: &str) -> Credentials {
    Credentials::Account(AccountId::parse(account).expect("an account id"))
}

fn region() -> Region {
    Region::parse("us-east-1").expect("a region")
}

/// A POST to the emulator, signed as `account` would be (the emulator reads the credential
/// scope and checks no signature); returns the whole answer.
pub async fn post(endpoint: &str, account: &str, service: &str, target: Option<&str>, body: &str) -> String {
    post_in(endpoint, account, "us-east-1", service, target, body).await
}

/// [`post`] in `region` (the credential scope's).
pub async fn post_in(
    endpoint: &str,
    account: &str,
    region: &str,
    service: &str,
    target: Option<&str>,
    body: &str,
) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the emulator accepts");
    let (content_type, target) = match target {
        Some(target) => ("application/x-amz-json-1.1", format!("X-Amz-Target: {target}\r\n")),
        None => ("application/x-www-form-urlencoded", String::new()),
    };
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\n{target}Authorization: AWS4-HMAC-SHA256 Credential={account}/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer is read");
    answer
}

/// A plain HTTP request (admin routes); returns the whole answer.
pub async fn request(endpoint: &str, method: &str, path: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("the emulator accepts");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("the answer is read");
    answer
}

/// The JSON body of an HTTP answer.
pub fn json_body(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("a JSON body ({e}): {answer}"))
}

/// Percent-encodes everything but letters, digits, `-` and `_`.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn policy(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).expect("a valid policy")
}

/// A trust policy letting the Redshift service assume the role for `account`'s cluster.
pub fn redshift_trust(account: &str) -> PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["redshift.amazonaws.com","redshift-serverless.amazonaws.com"]}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{account}"}}}}}}]}}"#
    ))
}

/// The cluster `cluster` as the master user `awsuser`.
pub fn on_cluster(cluster: &str) -> DataTarget {
    DataTarget::Cluster { cluster: cluster.to_owned(), db_user: Some("awsuser".to_owned()) }
}

/// Polls DescribeStatement until the statement ends (bounded); returns the final answer.
pub async fn wait(data: &SdkRedshiftData, id: &str) -> StatementDetail {
    for _ in 0..400 {
        let described = data.statement_detail(id).await.expect("describe works");
        if !matches!(described.state, StatementState::Running) {
            return described;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("statement {id} did not end");
}

/// Runs SQL on a target and waits for it; returns its id and the final answer.
pub async fn run_on(data: &SdkRedshiftData, target: &DataTarget, sql: &str) -> (String, StatementDetail) {
    let id = data.execute_statement(target, "dev", sql).await.expect("the statement is accepted");
    let done = wait(data, &id).await;
    (id, done)
}

/// Runs SQL on a cluster as `awsuser` and insists it finished; returns its id and the answer.
pub async fn run_ok(data: &SdkRedshiftData, cluster: &str, sql: &str) -> (String, StatementDetail) {
    let (id, done) = run_on(data, &on_cluster(cluster), sql).await;
    assert_eq!(done.status, "FINISHED", "{sql}: {:?}", done.state);
    (id, done)
}

/// Runs SQL on a cluster as `awsuser` and returns the error text of its failure.
pub async fn run_err(data: &SdkRedshiftData, cluster: &str, sql: &str) -> String {
    let (_, done) = run_on(data, &on_cluster(cluster), sql).await;
    match done.state {
        StatementState::Failed { error } => error,
        other => panic!("{sql} should fail, got {other:?}"),
    }
}

/// The rows a statement returned, fields as text.
pub async fn rows(data: &SdkRedshiftData, cluster: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let (id, _) = run_ok(data, cluster, sql).await;
    data.get_statement_result(&id).await.expect("the result is read")
}

/// The rows affected or returned, as `DescribeStatement` says for a finished statement.
pub fn result_rows(done: &StatementDetail) -> Option<i64> {
    match done.state {
        StatementState::Finished { rows } => rows,
        _ => None,
    }
}
