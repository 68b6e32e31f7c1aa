//! What governs a setup besides its five policies, as a scenario sets it up: the operator whose
//! credentials redbridge runs with (a role in the account, holding some of the plan's operator
//! policies), permissions boundaries put on the chain's roles by hand, and the organization
//! (accounts, OUs, SCPs and RCPs) loaded into the emulator.

use std::io::{Read as _, Write as _};
use std::time::Duration;

use anyhow::{Context, bail};
use redbridge_aws::ports::{Iam as _, NewRole, Sts as _};
use redbridge_aws::sdk::{SdkIam, SdkSts};
use redbridge_iam::RoleArn;
use redbridge_iam::policy::PolicyDocument;
use serde_json::{Value, json};

use crate::scenario::{Side, Which};
use crate::world::{World, sdk_config};

/// The operator role's name in its account.
const OPERATOR_ROLE: &str = "rb-e2e-operator";

impl World {
    fn account_of(&self, side: Side) -> (&str, &str) {
        match side {
            Side::Redshift => (&self.redshift_account, &self.region),
            Side::S3 => (&self.s3_account, &self.bucket_region),
        }
    }

    /// Makes `side`'s profile an operator's session: the role `rb-e2e-operator` of that account
    /// (created by the account's root, trusting the account) with `policy` as its only inline
    /// policy, assumed through LocalStack's STS. `None` gives the profile its root credentials back.
    pub async fn set_operator(&mut self, side: Side, policy: Option<PolicyDocument>) -> anyhow::Result<String> {
        let Some(policy) = policy else {
            self.operators.remove(side.name());
            self.write_aws_config()?;
            return Ok(format!("the `{}` profile has the account's root credentials again", side.name()));
        };
        let (account, region) = self.account_of(side);
        let (account, region) = (account.to_owned(), region.to_owned());
        let root = sdk_config(&account, &region, &self.services.aws);
        let iam = SdkIam::from_conf(&root);
        let arn = RoleArn::parse(&format!("arn:aws:iam::{account}:role/{OPERATOR_ROLE}"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if iam.get_role(OPERATOR_ROLE).await?.is_none() {
            let trust = json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"}],
            });
            let role = NewRole {
                arn: arn.clone(),
                trust_policy: serde_json::from_value(trust)?,
                description: "the person running redbridge in an e2e scenario".to_owned(),
                tags: Vec::new(),
            };
            iam.create_role(&role).await?;
        }
        iam.put_role_policy(OPERATOR_ROLE, "operator", &policy).await?;
        // A session name of its own each time: the emulator keeps a caller's policies for a
        // moment by the session's ARN, as IAM's changes take a moment to be seen everywhere.
        let number = self.boundaries.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let name = format!("redbridge-e2e-operator-{number}");
        let session = SdkSts::from_conf(&root).assume_role(&arn, &name, None).await?;
        let statements = policy.statements.len();
        self.operators.insert(side.name().to_owned(), session.keys);
        self.write_aws_config()?;
        Ok(format!("the `{}` profile is now a session of `{arn}` ({statements} statements)", side.name()))
    }

    /// Creates `document` as a managed policy in the role's account and makes it the role's
    /// permissions boundary.
    pub(crate) async fn put_boundary(&self, which: Which, document: &str) -> anyhow::Result<String> {
        let (account, name) = self.role(which)?;
        let document = self.template(document);
        PolicyDocument::from_json(&document).map_err(|e| anyhow::anyhow!("the boundary: {e}"))?;
        let number = self.boundaries.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let policy_name = format!("rb-e2e-boundary-{number}");
        let iam = aws_sdk_iam::Client::new(&sdk_config(&account, &self.region, &self.services.aws));
        let created = iam.create_policy().policy_name(&policy_name).policy_document(&document).send().await?;
        let arn = created.policy().and_then(|p| p.arn()).context("CreatePolicy returned no ARN")?.to_owned();
        iam.put_role_permissions_boundary().role_name(&name).permissions_boundary(&arn).send().await?;
        Ok(format!("`{name}` has the permissions boundary `{arn}`"))
    }

    /// Loads an organization into the emulator (`PUT /_emu/organization`).
    pub fn load_organization(&self, document: &str) -> anyhow::Result<String> {
        let document = self.template(document);
        let parsed: Value = serde_json::from_str(&document).context("the organization is not JSON")?;
        let answer = http_put(&format!("{}/_emu/organization", self.services.emu), &document)?;
        if !answer.starts_with("HTTP/1.1 200") {
            bail!("the emulator refused the organization: {answer}");
        }
        let policies = parsed["policies"].as_array().map_or(0, Vec::len);
        Ok(format!("organization `{}` loaded with {policies} policies", parsed["id"].as_str().unwrap_or("?")))
    }
}

/// A `PUT` of a JSON body over plain HTTP to a loopback URL; returns the whole answer.
pub(crate) fn http_put(url: &str, body: &str) -> anyhow::Result<String> {
    http_request("PUT", url, body)
}

/// A plain HTTP/1.1 request to one of the emulator's admin routes (`http://` only); the whole
/// answer, status line and headers included.
pub(crate) fn http_request(method: &str, url: &str, body: &str) -> anyhow::Result<String> {
    let rest = url.strip_prefix("http://").context("only http:// URLs")?;
    let (address, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}
