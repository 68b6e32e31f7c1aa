//! The smoke scenario: one provisioned happy path (COPY → UNLOAD → COPY across two LocalStack
//! accounts, rows compared) and one failure, driven through the unmodified AWS SDK alone.

use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};

const CLUSTER_ACCOUNT: &str = "111111111111";
const BUCKET_ACCOUNT: &str = "222222222222";
const REGION: &str = "us-east-1";
const CLUSTER: &str = "smoke";
const DB_USER: &str = "awsuser";

fn credentials(account: &str) -> aws_sdk_s3::config::Credentials {
    aws_sdk_s3::config::Credentials::new(account, "test", None, None, "xtask")
}

macro_rules! client {
    ($krate:ident, $account:expr, $endpoint:expr) => {{
        let config = $krate::Config::builder()
            .behavior_version($krate::config::BehaviorVersion::latest())
            .region($krate::config::Region::new(REGION))
            .endpoint_url($endpoint)
            .credentials_provider(credentials($account))
            .build();
        $krate::Client::from_conf(config)
    }};
}

/// Prints a step and how long it took.
struct Steps {
    started: Instant,
    last: Instant,
}

impl Steps {
    fn done(&mut self, what: &str) {
        let now = Instant::now();
        eprintln!("redbridge-e2e: smoke: {what} ({:.2}s)", (now - self.last).as_secs_f64());
        self.last = now;
    }
}

pub async fn scenario(aws: &str, emu: &str) -> anyhow::Result<()> {
    let mut steps = Steps { started: Instant::now(), last: Instant::now() };
    let cluster_iam = client!(aws_sdk_iam, CLUSTER_ACCOUNT, aws);
    let bucket_iam = client!(aws_sdk_iam, BUCKET_ACCOUNT, aws);
    let bucket_kms = client!(aws_sdk_kms, BUCKET_ACCOUNT, aws);
    let bucket_s3 = {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(REGION))
            .endpoint_url(aws)
            .force_path_style(true)
            .credentials_provider(credentials(BUCKET_ACCOUNT))
            .build();
        aws_sdk_s3::Client::from_conf(config)
    };
    let redshift = client!(aws_sdk_redshift, CLUSTER_ACCOUNT, emu);
    let data = client!(aws_sdk_redshiftdata, CLUSTER_ACCOUNT, emu);

    let cluster_role = format!("arn:aws:iam::{CLUSTER_ACCOUNT}:role/RedbridgeClusterRole");
    let bucket_role = format!("arn:aws:iam::{BUCKET_ACCOUNT}:role/RedbridgeBucketRole");
    let db_user_arn = redbridge_iam::DbUserArn::provisioned(
        &redbridge_iam::Region::parse(REGION)?,
        redbridge_iam::AccountId::parse(CLUSTER_ACCOUNT)?,
        CLUSTER,
        DB_USER,
    )?
    .to_string();
    let bucket = "redbridge-smoke-data";

    // The S3 account: a customer-managed key, the bucket and its input.
    let key = bucket_kms.create_key().description("redbridge emu-smoke").send().await?;
    let key_arn = key.key_metadata().and_then(|m| m.arn()).context("KMS returned no key ARN")?.to_owned();
    bucket_s3.create_bucket().bucket(bucket).send().await?;
    bucket_s3
        .put_object()
        .bucket(bucket)
        .key("in/part-1.csv")
        .body(b"id,name,amount\n1,alpha,10\n2,\"be,ta\",20\n3,gamma,\n".to_vec().into())
        .send()
        .await?;
    steps.done("bucket, key and input created in LocalStack account 222222222222");

    // The roles, in dependency order: the cluster role first (the bucket role's trust names it).
    let cluster_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "redshift.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "aws:SourceAccount": CLUSTER_ACCOUNT, "sts:ExternalId": db_user_arn } }
        }]
    });
    cluster_iam
        .create_role()
        .role_name("RedbridgeClusterRole")
        .assume_role_policy_document(cluster_trust.to_string())
        .send()
        .await?;
    let assume = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": bucket_role }]
    });
    cluster_iam
        .put_role_policy()
        .role_name("RedbridgeClusterRole")
        .policy_name("AssumeBucketRole")
        .policy_document(assume.to_string())
        .send()
        .await?;
    let bucket_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": cluster_role },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "sts:ExternalId": db_user_arn } }
        }]
    });
    bucket_iam
        .create_role()
        .role_name("RedbridgeBucketRole")
        .assume_role_policy_document(bucket_trust.to_string())
        .send()
        .await?;
    let access = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{bucket}") },
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::{bucket}/*") },
            { "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn }
        ]
    });
    bucket_iam
        .put_role_policy()
        .role_name("RedbridgeBucketRole")
        .policy_name("BucketAccess")
        .policy_document(access.to_string())
        .send()
        .await?;
    steps.done("roles and policies created in both accounts");

    // The cluster, and the role attached through the emulator.
    redshift
        .create_cluster()
        .cluster_identifier(CLUSTER)
        .node_type("ra3.large")
        .master_username(DB_USER)
        .master_user_password("Passw0rd!")
        .send()
        .await?;
    let modified =
        redshift.modify_cluster_iam_roles().cluster_identifier(CLUSTER).add_iam_roles(&cluster_role).send().await?;
    let status = modified
        .cluster()
        .and_then(|c| c.iam_roles().first())
        .and_then(|r| r.apply_status())
        .unwrap_or_default()
        .to_owned();
    ensure!(status == "adding", "a freshly attached role should be `adding`, not `{status}`");
    let mut in_sync = false;
    for _ in 0..100 {
        let described = redshift.describe_clusters().cluster_identifier(CLUSTER).send().await?;
        let statuses: Vec<_> =
            described.clusters().iter().flat_map(|c| c.iam_roles()).filter_map(|r| r.apply_status()).collect();
        if statuses == ["in-sync"] {
            in_sync = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(in_sync, "the cluster role never became `in-sync`");
    steps.done("cluster created, cluster role attached (adding → in-sync)");

    // A caller signing with LocalStack session credentials is placed in the session's account.
    let cluster_sts = client!(aws_sdk_sts, CLUSTER_ACCOUNT, aws);
    let session = cluster_sts.assume_role().role_arn(&cluster_role).role_session_name("smoke").send().await?;
    let keys = session.credentials().context("STS returned no credentials")?;
    let session_redshift = {
        let config = aws_sdk_redshift::Config::builder()
            .behavior_version(aws_sdk_redshift::config::BehaviorVersion::latest())
            .region(aws_sdk_redshift::config::Region::new(REGION))
            .endpoint_url(emu)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                keys.access_key_id(),
                keys.secret_access_key(),
                Some(keys.session_token().to_owned()),
                None,
                "xtask",
            ))
            .build();
        aws_sdk_redshift::Client::from_conf(config)
    };
    // The cluster role grants no `redshift:DescribeClusters`, so the emulator refuses its session
    // as AWS would; the denial names the session in the cluster's account, which proves the key
    // was mapped back to it.
    let Err(refused) = session_redshift.describe_clusters().send().await else {
        bail!("the emulator let a session without `redshift:DescribeClusters` describe the clusters");
    };
    let text = format!("{}", aws_sdk_redshift::error::DisplayErrorContext(&refused));
    let caller = format!("arn:aws:sts::{CLUSTER_ACCOUNT}:assumed-role/RedbridgeClusterRole/smoke");
    ensure!(
        text.contains(&caller) && text.contains("redshift:DescribeClusters"),
        "the emulator did not judge the session of account {CLUSTER_ACCOUNT} (key `{}`): {text}",
        keys.access_key_id()
    );
    steps.done("a LocalStack session key is mapped back to its account and judged by its policies");

    let chain = format!("{cluster_role},{bucket_role}");
    let run = |sql: String| {
        let data = data.clone();
        async move { execute(&data, &sql).await }
    };
    run("create table sales (id integer, name varchar(20), amount integer)".to_owned()).await?.finished()?;
    run("create table sales_back (id integer, name varchar(20), amount integer)".to_owned()).await?.finished()?;
    let copied =
        run(format!("COPY sales FROM 's3://{bucket}/in/' IAM_ROLE '{chain}' CSV IGNOREHEADER 1")).await?.finished()?;
    ensure!(copied == 3, "COPY loaded {copied} rows, expected 3");
    steps.done("COPY through the two-account chain: 3 rows");
    let unloaded = run(format!(
        "UNLOAD ('select * from sales order by id') TO 's3://{bucket}/out/sales_' IAM_ROLE '{chain}' CSV HEADER ENCRYPTED KMS_KEY_ID '{key_arn}' PARALLEL OFF"
    ))
    .await?
    .finished()?;
    ensure!(unloaded == 3, "UNLOAD wrote {unloaded} rows, expected 3");
    let head = bucket_s3
        .head_object()
        .bucket(bucket)
        .key("out/sales_000")
        .send()
        .await
        .context("the UNLOAD file is in LocalStack S3")?;
    ensure!(
        head.server_side_encryption() == Some(&aws_sdk_s3::types::ServerSideEncryption::AwsKms),
        "the UNLOAD file is not SSE-KMS encrypted: {:?}",
        head.server_side_encryption()
    );
    steps.done("UNLOAD into LocalStack S3 as SSE-KMS: out/sales_000");
    let reloaded =
        run(format!("COPY sales_back FROM 's3://{bucket}/out/sales_' IAM_ROLE '{chain}' CSV IGNOREHEADER 1"))
            .await?
            .finished()?;
    ensure!(reloaded == 3, "the second COPY loaded {reloaded} rows, expected 3");
    let original = rows(&data, "select * from sales order by id").await?;
    let back = rows(&data, "select * from sales_back order by id").await?;
    ensure!(original == back, "the round trip changed the rows:\n{original:?}\n{back:?}");
    steps.done("COPY back and compare: the rows are identical");

    // The failure: the cluster role loses `sts:AssumeRole` on the bucket role.
    cluster_iam.delete_role_policy().role_name("RedbridgeClusterRole").policy_name("AssumeBucketRole").send().await?;
    let failed = run(format!("COPY sales FROM 's3://{bucket}/in/' IAM_ROLE '{chain}' CSV IGNOREHEADER 1")).await?;
    let expected = format!("ERROR: Not authorized to get credentials of role {bucket_role}");
    ensure!(
        failed.status == "FAILED" && failed.error.as_deref() == Some(expected.as_str()),
        "expected FAILED with `{expected}`, got {failed:?}"
    );
    steps.done(&format!("without sts:AssumeRole: `{expected}`"));
    eprintln!("redbridge-e2e: smoke: scenario done in {:.1}s", steps.started.elapsed().as_secs_f64());
    Ok(())
}

#[derive(Debug)]
struct Outcome {
    status: String,
    error: Option<String>,
    result_rows: i64,
}

impl Outcome {
    fn finished(self) -> anyhow::Result<i64> {
        ensure!(self.status == "FINISHED", "the statement ended {}: {}", self.status, self.error.unwrap_or_default());
        Ok(self.result_rows)
    }
}

async fn execute(data: &aws_sdk_redshiftdata::Client, sql: &str) -> anyhow::Result<Outcome> {
    let submitted =
        data.execute_statement().cluster_identifier(CLUSTER).database("dev").db_user(DB_USER).sql(sql).send().await?;
    let id = submitted.id().context("ExecuteStatement returned no id")?.to_owned();
    for _ in 0..600 {
        let described = data.describe_statement().id(&id).send().await?;
        let status = described.status().map(|s| s.as_str().to_owned()).unwrap_or_default();
        if matches!(status.as_str(), "FINISHED" | "FAILED" | "ABORTED") {
            return Ok(Outcome {
                status,
                error: described.error().map(str::to_owned),
                result_rows: described.result_rows(),
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("statement `{sql}` did not end within 12 s")
}

async fn rows(data: &aws_sdk_redshiftdata::Client, sql: &str) -> anyhow::Result<Vec<String>> {
    let id = data
        .execute_statement()
        .cluster_identifier(CLUSTER)
        .database("dev")
        .db_user(DB_USER)
        .sql(sql)
        .send()
        .await?
        .id()
        .context("ExecuteStatement returned no id")?
        .to_owned();
    for _ in 0..600 {
        let described = data.describe_statement().id(&id).send().await?;
        match described.status().map(|s| s.as_str()) {
            Some("FINISHED") => break,
            Some("FAILED" | "ABORTED") => bail!("`{sql}` failed: {}", described.error().unwrap_or_default()),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    let result = data.get_statement_result().id(&id).send().await?;
    Ok(result.records().iter().map(|row| format!("{row:?}")).collect())
}
