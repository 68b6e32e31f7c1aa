//! `redbridge-e2e localstack-docker` (feature `docker`): LocalStack's community image started
//! through testcontainers, for machines with a Docker engine. Prints the endpoint
//! (`http://127.0.0.1:PORT`) on standard output once LocalStack is ready, then keeps the
//! container until standard input closes, and removes it.

use std::io::Read as _;

use anyhow::Context;
use testcontainers_modules::localstack::LocalStack;
use testcontainers_modules::testcontainers::ImageExt as _;
use testcontainers_modules::testcontainers::runners::AsyncRunner as _;

/// LocalStack's edge port inside the container.
const EDGE_PORT: u16 = 4566;

pub async fn run() -> anyhow::Result<()> {
    let container = LocalStack::default()
        .with_env_var("SERVICES", "iam,sts,s3,kms,cloudformation,secretsmanager")
        .with_env_var("LOCALSTACK_TELEMETRY", "0")
        .start()
        .await
        .context("starting the LocalStack image through testcontainers (is a Docker engine running?)")?;
    let port = container.get_host_port_ipv4(EDGE_PORT).await.context("LocalStack's port")?;
    println!("http://127.0.0.1:{port}");
    // Wait for the caller to close standard input, on a thread: reading it blocks.
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await?;
    container.rm().await.context("removing the LocalStack container")?;
    Ok(())
}
