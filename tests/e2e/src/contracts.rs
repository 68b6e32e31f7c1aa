//! The adapters' contract suites (`redbridge_aws::contract`) against LocalStack (IAM, STS with
//! AssumeRole and sessions, KMS, S3 with server-side encryption, sizes and bucket owners, ListRoles)
//! and the emulator (Redshift, Redshift Serverless, Organizations, and the listings audit walks), through the same SDK adapters `redbridge` and
//! the emulator use. `cargo test` runs the same suites against the in-memory fakes.

use std::time::Instant;

use anyhow::Context;
use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use futures_util::FutureExt as _;
use redbridge_aws::apply_engine::TokioSleeper;
use redbridge_aws::contract;
use redbridge_aws::ports::{Iam as _, NewRole, Sts as _};
use redbridge_aws::sdk::{
    SdkConnector, SdkIam, SdkKms, SdkOrganizations, SdkRedshift, SdkRedshiftServerless, SdkS3, SdkSecretsManager,
    SdkSts,
};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, Partition, RoleArn};

/// An account no scenario uses.
const ACCOUNT: &str = "300000000001";
/// Another account no scenario uses, that owns nothing.
const STRANGER: &str = "300000000002";
const REGION: &str = "us-east-1";

fn config(endpoint: &str) -> SdkConfig {
    config_as(endpoint, ACCOUNT)
}

/// The SDK configuration of another account (its 12-digit id as the access key).
fn config_as(endpoint: &str, account: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
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

/// Runs one suite, turning its panic into an error that names it.
async fn suite(name: &str, future: impl Future<Output = ()>) -> anyhow::Result<()> {
    let started = Instant::now();
    match std::panic::AssertUnwindSafe(future).catch_unwind().await {
        Ok(()) => {
            eprintln!("   contract {name}: ok ({:.1}s)", started.elapsed().as_secs_f64());
            Ok(())
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
            anyhow::bail!("contract {name} broke: {}", message.unwrap_or_default())
        }
    }
}

/// Every suite; the first failure stops the run.
pub async fn run(aws: &str, emu: &str) -> anyhow::Result<()> {
    let account = AccountId::parse(ACCOUNT).map_err(|e| anyhow::anyhow!("{e}"))?;
    let cloud = config(aws);
    let redshift_api = config(emu);
    let iam = SdkIam::from_conf(&cloud);
    suite("iam (LocalStack)", contract::iam(&iam, Partition::Aws, account, "e2e")).await?;
    suite("sts (LocalStack)", contract::sts(&SdkSts::from_conf(&cloud), account)).await?;
    suite("iam users and groups (LocalStack)", contract::iam_users(&iam, "e2e")).await?;
    suite("iam list roles (LocalStack)", contract::list_roles(&iam, Partition::Aws, account, "e2e")).await?;

    let value = r#"{"username":"awsuser","password":"contract"}"#;
    let secret = aws_sdk_secretsmanager::Client::new(&cloud)
        .create_secret()
        .name("redbridge/contract")
        .secret_string(value)
        .send()
        .await?;
    let secret = secret.arn().context("Secrets Manager returned no secret ARN")?;
    let secrets = SdkSecretsManager::from_conf(&cloud);
    suite("secrets manager (LocalStack)", contract::secrets_manager(&secrets, secret, "redbridge/contract", value))
        .await?;

    let key = aws_sdk_kms::Client::new(&cloud).create_key().description("redbridge contract").send().await?;
    let key = key.key_metadata().and_then(|m| m.arn()).context("KMS returned no key ARN")?;
    let key = KmsKeyArn::parse(key).map_err(|e| anyhow::anyhow!("{e}"))?;
    suite("kms (LocalStack)", contract::kms(&SdkKms::from_conf(&cloud), &key)).await?;

    // A bucket outside us-east-1, so the region answer means something.
    let bucket = "redbridge-e2e-contract";
    let region = redbridge_iam::Region::parse("eu-west-1").map_err(|e| anyhow::anyhow!("{e}"))?;
    let s3_config = cloud.to_builder().region(aws_config::Region::new(region.as_str().to_owned())).build();
    let raw =
        aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&s3_config).force_path_style(true).build());
    raw.create_bucket()
        .bucket(bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region.as_str()))
                .build(),
        )
        .send()
        .await?;
    suite("s3 (LocalStack)", contract::s3(&SdkS3::from_conf(&s3_config, true), bucket, &region)).await?;
    // SSE-KMS needs a key in the bucket's region.
    let regional_key =
        aws_sdk_kms::Client::new(&s3_config).create_key().description("redbridge contract sse").send().await?;
    let regional_key = regional_key.key_metadata().and_then(|m| m.arn()).context("KMS returned no key ARN")?;
    let regional_key = KmsKeyArn::parse(regional_key).map_err(|e| anyhow::anyhow!("{e}"))?;
    suite(
        "s3 encryption and sizes (LocalStack)",
        contract::s3_encryption(&SdkS3::from_conf(&s3_config, true), bucket, &regional_key),
    )
    .await?;
    // A bucket policy reads back as written.
    let bucket_policy = PolicyDocument::new(vec![
        Statement::allow(["s3:GetObject"], [format!("arn:aws:s3:::{bucket}/*")])
            .with_sid("PartnerReads")
            .with_principal(Principal::aws([format!("arn:aws:iam::{STRANGER}:root")])),
    ]);
    raw.put_bucket_policy().bucket(bucket).policy(bucket_policy.to_json()).send().await?;
    suite(
        "s3 bucket policy (LocalStack)",
        contract::s3_bucket_policy(&SdkS3::from_conf(&s3_config, true), bucket, &bucket_policy),
    )
    .await?;
    raw.delete_bucket_policy().bucket(bucket).send().await?;
    let connector = SdkConnector::new(aws, redbridge_iam::Region::parse(REGION).map_err(|e| anyhow::anyhow!("{e}"))?);
    let stranger = AccountId::parse(STRANGER).map_err(|e| anyhow::anyhow!("{e}"))?;
    suite("s3 bucket owner (LocalStack)", contract::bucket_owner(&connector, account, stranger, bucket)).await?;

    // A role the account itself may assume, as a chain's hops are assumed.
    let assumed =
        RoleArn::new(Partition::Aws, account, "/", "e2e-contract-assumed").map_err(|e| anyhow::anyhow!("{e}"))?;
    let trust = PolicyDocument::new(vec![Statement::trust(Principal::aws([format!("arn:aws:iam::{ACCOUNT}:root")]))]);
    iam.create_role(&NewRole {
        arn: assumed.clone(),
        trust_policy: trust,
        description: "contract".into(),
        tags: Vec::new(),
    })
    .await?;
    suite("sts assume role and sessions (LocalStack)", contract::assume_role(&connector, account, &assumed)).await?;

    // AWS refuses `sts:AssumeRole` of a role that does not exist (AccessDenied). LocalStack does
    // not: its STS checks neither that the role exists nor its trust (localstack-core 2026.3
    // `services/sts/provider.py`, `assume_role`) and hands out a session of the missing role.
    // So an audit scenario cannot make an account unenterable by leaving its audit role out;
    // `tests/scenarios/audit-organization.toml` gives that account's audit role a policy
    // without Redshift's reads instead, which the emulator refuses as AWS would. Should
    // LocalStack start refusing, this contract breaks, and that scenario can simply leave the
    // role out.
    let missing =
        RoleArn::new(Partition::Aws, account, "/", "e2e-contract-missing").map_err(|e| anyhow::anyhow!("{e}"))?;
    let sts = SdkSts::from_conf(&cloud);
    suite("sts assume role of a missing role is granted (LocalStack, unlike AWS)", async {
        let session = sts.assume_role(&missing, "contract", None).await;
        let session = session.expect("LocalStack now refuses AssumeRole of a missing role (AWS does too)");
        assert_eq!(session.account, account);
        assert_eq!(
            session.assumed_role_arn,
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-contract-missing/contract")
        );
    })
    .await?;

    // What else bounds a role, as doctor and the emulator read it: a managed policy and a
    // permissions boundary (no port creates these, so the raw SDK sets them up).
    let bounded =
        RoleArn::new(Partition::Aws, account, "/", "e2e-contract-bounded").map_err(|e| anyhow::anyhow!("{e}"))?;
    let document = PolicyDocument::new(vec![Statement::allow(["s3:GetObject"], ["arn:aws:s3:::e2e-contract/*"])]);
    let raw_iam = aws_sdk_iam::Client::new(&cloud);
    let mut managed = Vec::new();
    for name in ["e2e-contract-managed", "e2e-contract-boundary"] {
        let created = raw_iam.create_policy().policy_name(name).policy_document(document.to_json()).send().await?;
        managed.push(created.policy().and_then(|p| p.arn()).context("IAM returned no policy ARN")?.to_owned());
    }
    raw_iam
        .create_role()
        .role_name(bounded.name())
        .assume_role_policy_document(
            PolicyDocument::new(vec![Statement::trust(Principal::aws([format!("arn:aws:iam::{ACCOUNT}:root")]))])
                .to_json(),
        )
        .permissions_boundary(&managed[1])
        .send()
        .await?;
    raw_iam.attach_role_policy().role_name(bounded.name()).policy_arn(&managed[0]).send().await?;
    iam.put_role_policy(bounded.name(), "e2e-contract-inline", &document).await?;
    suite(
        "iam managed policies, boundary and the role reader (LocalStack)",
        contract::iam_role_policies(
            &iam,
            &bounded,
            ("e2e-contract-inline", &document),
            &managed[0],
            &managed[1],
            &document,
        ),
    )
    .await?;

    // The emulator checks, through LocalStack, that an attached role trusts Redshift.
    let role =
        RoleArn::new(Partition::Aws, account, "/", "e2e-contract-attached").map_err(|e| anyhow::anyhow!("{e}"))?;
    let trust = PolicyDocument::new(vec![Statement::trust(Principal::service([
        "redshift.amazonaws.com",
        "redshift-serverless.amazonaws.com",
    ]))]);
    iam.create_role(&NewRole {
        arn: role.clone(),
        trust_policy: trust,
        description: "contract".into(),
        tags: Vec::new(),
    })
    .await?;
    let foreign =
        RoleArn::new(Partition::Aws, account, "/", "e2e-contract-foreign").map_err(|e| anyhow::anyhow!("{e}"))?;
    let trust = PolicyDocument::new(vec![Statement::trust(Principal::service(["redshift.amazonaws.com"]))]);
    iam.create_role(&NewRole {
        arn: foreign.clone(),
        trust_policy: trust,
        description: "contract".into(),
        tags: Vec::new(),
    })
    .await?;

    let redshift = aws_sdk_redshift::Client::new(&redshift_api);
    redshift
        .create_cluster()
        .cluster_identifier("contract")
        .node_type("ra3.large")
        .master_username("awsuser")
        .master_user_password("Passw0rd!")
        .iam_roles(foreign.to_string())
        .send()
        .await?;
    suite(
        "redshift (emulator)",
        contract::redshift(&SdkRedshift::from_conf(&redshift_api), &TokioSleeper, "contract", &role.to_string()),
    )
    .await?;
    suite(
        "list clusters (emulator)",
        contract::list_clusters(
            &SdkRedshift::from_conf(&redshift_api),
            &SdkRedshift::from_conf(&config_as(emu, STRANGER)),
            "contract",
            None,
        ),
    )
    .await?;

    let serverless = aws_sdk_redshiftserverless::Client::new(&redshift_api);
    serverless.create_namespace().namespace_name("contract-ns").iam_roles(foreign.to_string()).send().await?;
    suite(
        "serverless (emulator)",
        contract::serverless(
            &SdkRedshiftServerless::from_conf(&redshift_api),
            &TokioSleeper,
            "contract-ns",
            &role.to_string(),
        ),
    )
    .await?;
    serverless.create_workgroup().workgroup_name("contract-wg").namespace_name("contract-ns").send().await?;
    let (owner, stranger) =
        (SdkRedshiftServerless::from_conf(&redshift_api), SdkRedshiftServerless::from_conf(&config_as(emu, STRANGER)));
    suite("list namespaces (emulator)", contract::list_namespaces(&owner, &stranger, "contract-ns", None)).await?;
    suite("list workgroups (emulator)", contract::list_workgroups(&owner, &stranger, "contract-wg")).await?;

    // The organization the emulator serves to doctor: a management account, a member under an
    // OU, and an account outside.
    let (management, member) = ("300000000003", "300000000004");
    let organization = format!(
        r#"{{"id":"o-e2econtract","management_account":"{management}","root":"r-e2ec",
            "units":[{{"id":"ou-e2ec-contract","name":"Contract","parent":"r-e2ec"}}],
            "accounts":{{"{member}":"ou-e2ec-contract"}}}}"#
    );
    let answer = crate::governance::http_put(&format!("{emu}/_emu/organization"), &organization)?;
    anyhow::ensure!(answer.starts_with("HTTP/1.1 200"), "the emulator refused the organization: {answer}");
    suite(
        "organizations (emulator)",
        contract::organizations(
            &SdkOrganizations::from_conf(&config_as(emu, management)),
            &SdkOrganizations::from_conf(&config_as(emu, member)),
            &SdkOrganizations::from_conf(&config_as(emu, STRANGER)),
            AccountId::parse(member).map_err(|e| anyhow::anyhow!("{e}"))?,
            "o-e2econtract",
        ),
    )
    .await?;
    let listed = [management, member].map(AccountId::parse).map(|a| a.map_err(|e| anyhow::anyhow!("{e}")));
    let [listed_management, listed_member] = listed;
    suite(
        "list accounts (emulator)",
        contract::list_accounts(
            &SdkOrganizations::from_conf(&config_as(emu, management)),
            &SdkOrganizations::from_conf(&config_as(emu, member)),
            &[listed_management?, listed_member?],
        ),
    )
    .await?;
    Ok(())
}
