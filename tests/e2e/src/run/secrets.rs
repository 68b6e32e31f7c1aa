//! The `secret` step: a Secrets Manager secret in the Redshift account holding a database login,
//! as the Data API's `SecretArn` reads it ("Store your values for User name (database user),
//! Password … in your secret",
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-secrets.html>), for `test` steps
//! that run `redbridge test --secret-arn`.

use anyhow::{Context, ensure};

use super::Runner;
use crate::world::MASTER_PASSWORD;

/// The secret's value: the JSON the Data API reads `username` and `password` from.
pub(crate) fn login_json(username: &str, password: &str) -> String {
    serde_json::json!({ "username": username, "password": password }).to_string()
}

impl Runner<'_> {
    /// `do = "secret"`: `CreateSecret` with the Redshift account's credentials; the ARN is kept
    /// under `name`. The password is never logged or put in a step's summary.
    pub(super) async fn put_secret(&mut self, name: &str, username: &str, password: &str) -> anyhow::Result<String> {
        let username = self.text(username);
        // `{master_password}`: the master user's password the world sets on every cluster and
        // namespace it creates.
        let password = self.text(&password.replace("{master_password}", MASTER_PASSWORD));
        let secret_name = format!("{}/{name}", self.world.bucket);
        let client = aws_sdk_secretsmanager::Client::new(&self.world.redshift_config);
        let created = client
            .create_secret()
            .name(&secret_name)
            .secret_string(login_json(&username, &password))
            // The tag AmazonRedshiftDataFullAccess asks for (same page).
            .tags(aws_sdk_secretsmanager::types::Tag::builder().key("RedshiftDataFullAccess").value("e2e").build())
            .send()
            .await
            .with_context(|| format!("secretsmanager:CreateSecret `{secret_name}`"))?;
        let arn = created.arn().context("CreateSecret returned no ARN")?.to_owned();
        self.secrets.insert(name.to_owned(), arn.clone());
        Ok(format!("secret: `{secret_name}` for `{username}` ({arn})"))
    }

    /// The ARN of the secret a `secret` step named `name`.
    pub(super) fn secret_arn(&self, name: &str) -> anyhow::Result<String> {
        let arn = self.secrets.get(name).cloned();
        ensure!(arn.is_some(), "no `secret` step named `{name}` ran before this step");
        arn.context("a secret step's ARN")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_holds_username_and_password_as_json() {
        let value: serde_json::Value = serde_json::from_str(&login_json("awsuser", "p\"w")).unwrap();
        assert_eq!(value["username"], "awsuser");
        assert_eq!(value["password"], "p\"w");
    }
}
