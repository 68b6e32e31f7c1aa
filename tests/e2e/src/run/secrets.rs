//! The `secret` step: a Secrets Manager secret in the Redshift account holding a database login,
//! as the Data API's `SecretArn` reads it ("Store your values for User name (database user),
//! Password … in your secret",
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-secrets.html>), for `test` steps
//! that run `redbridge test --secret-arn`.

use anyhow::{Context, bail, ensure};

use super::Runner;
use crate::world::{MASTER_PASSWORD, Target, sdk_config};

/// The secret's value: the JSON the Data API reads `username` and `password` from.
pub(crate) fn login_json(username: &str, password: &str) -> String {
    serde_json::json!({ "username": username, "password": password }).to_string()
}

impl Runner<'_> {
    /// `do = "secret"`: `CreateSecret` with the Redshift account's credentials; the ARN is kept
    /// under `name`. The password is never logged or put in a step's summary.
    pub(super) async fn put_secret(
        &mut self,
        name: &str,
        username: Option<&str>,
        password: Option<&str>,
        db_user: Option<&str>,
    ) -> anyhow::Result<String> {
        let (username, password) = match (username, password, db_user) {
            (Some(username), Some(password), None) => {
                // `{master_password}`: the master user's password the world sets on every cluster
                // and namespace it creates.
                (self.text(username), self.text(&password.replace("{master_password}", MASTER_PASSWORD)))
            }
            (None, None, Some(db_user)) => self.temporary_login(&self.text(db_user)).await?,
            _ => bail!("secret `{name}`: give `username` and `password`, or `db_user`"),
        };
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

    /// GetClusterCredentials (the emulator's) for `db_user` on the scenario's cluster, as the
    /// Redshift account's root: the login name (`IAM:<user>`) and its password.
    async fn temporary_login(&self, db_user: &str) -> anyhow::Result<(String, String)> {
        let world = &self.world;
        let Target::Cluster { id, .. } = &world.target else {
            bail!("a secret's `db_user` needs a provisioned cluster (GetClusterCredentials)");
        };
        let emu = sdk_config(&world.redshift_account, &world.region, &world.services.emu);
        let issued = aws_sdk_redshift::Client::new(&emu)
            .get_cluster_credentials()
            .cluster_identifier(id)
            .db_user(db_user)
            .send()
            .await
            .with_context(|| format!("redshift:GetClusterCredentials for `{db_user}` on `{id}`"))?;
        let login = issued.db_user().context("GetClusterCredentials returned no DbUser")?.to_owned();
        let password = issued.db_password().context("GetClusterCredentials returned no DbPassword")?.to_owned();
        Ok((login, password))
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
