//! Shared setup: an emulator on 127.0.0.1 over the adapters' fakes (`FakeAws`), and raw SDK
//! clients per account.

use std::time::Duration;

use redbridge_aws::fake::FakeAws;
use redbridge_emu::{Config, Emulator};
use redbridge_iam::policy::PolicyDocument;

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
        let aws = FakeAws::new();
        let config = Config { role_apply_delay: APPLY_DELAY, statement_step_delay: step, ..Config::default() };
        let emulator = Emulator::start(config, aws.clone()).await.expect("the emulator starts");
        Self { emulator, aws }
    }

    fn credentials(account: &str) -> aws_sdk_redshift::config::Credentials {
        aws_sdk_redshift::config::Credentials::new(account, "test", None, None, "tests")
    }

    pub fn redshift(&self, account: &str) -> aws_sdk_redshift::Client {
        let config = aws_sdk_redshift::Config::builder()
            .behavior_version(aws_sdk_redshift::config::BehaviorVersion::latest())
            .region(aws_sdk_redshift::config::Region::new("us-east-1"))
            .endpoint_url(self.emulator.endpoint_url())
            .credentials_provider(Self::credentials(account))
            .build();
        aws_sdk_redshift::Client::from_conf(config)
    }

    pub fn serverless(&self, account: &str) -> aws_sdk_redshiftserverless::Client {
        let config = aws_sdk_redshiftserverless::Config::builder()
            .behavior_version(aws_sdk_redshiftserverless::config::BehaviorVersion::latest())
            .region(aws_sdk_redshiftserverless::config::Region::new("us-east-1"))
            .endpoint_url(self.emulator.endpoint_url())
            .credentials_provider(Self::credentials(account))
            .build();
        aws_sdk_redshiftserverless::Client::from_conf(config)
    }

    pub fn data(&self, account: &str) -> aws_sdk_redshiftdata::Client {
        let config = aws_sdk_redshiftdata::Config::builder()
            .behavior_version(aws_sdk_redshiftdata::config::BehaviorVersion::latest())
            .region(aws_sdk_redshiftdata::config::Region::new("us-east-1"))
            .endpoint_url(self.emulator.endpoint_url())
            .credentials_provider(Self::credentials(account))
            .build();
        aws_sdk_redshiftdata::Client::from_conf(config)
    }
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

/// Creates a cluster with no roles.
pub async fn create_cluster(redshift: &aws_sdk_redshift::Client, id: &str, roles: &[&str]) {
    redshift
        .create_cluster()
        .cluster_identifier(id)
        .node_type("ra3.large")
        .master_username("awsuser")
        .master_user_password("Passw0rd!")
        .set_iam_roles(Some(roles.iter().map(|r| (*r).to_owned()).collect()))
        .send()
        .await
        .expect("the cluster is created");
}

/// Polls DescribeStatement until the statement ends (bounded); returns the final answer.
pub async fn wait(
    data: &aws_sdk_redshiftdata::Client,
    id: &str,
) -> aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput {
    for _ in 0..400 {
        let described = data.describe_statement().id(id).send().await.expect("describe works");
        if matches!(described.status().map(|s| s.as_str()), Some("FINISHED" | "FAILED" | "ABORTED")) {
            return described;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("statement {id} did not end");
}

/// Runs SQL on a cluster and waits for it.
pub async fn run(
    data: &aws_sdk_redshiftdata::Client,
    cluster: &str,
    sql: &str,
) -> aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput {
    let id = data
        .execute_statement()
        .cluster_identifier(cluster)
        .database("dev")
        .db_user("awsuser")
        .sql(sql)
        .send()
        .await
        .expect("the statement is accepted")
        .id
        .expect("an id");
    wait(data, &id).await
}

/// Runs SQL and insists it finished.
pub async fn run_ok(
    data: &aws_sdk_redshiftdata::Client,
    cluster: &str,
    sql: &str,
) -> aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput {
    let done = run(data, cluster, sql).await;
    assert_eq!(done.status().map(|s| s.as_str()), Some("FINISHED"), "{sql}: {:?}", done.error());
    done
}
