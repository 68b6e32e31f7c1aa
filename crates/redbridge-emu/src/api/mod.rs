//! The four AWS APIs the emulator answers: Redshift's control plane for provisioned clusters
//! ([`provisioned`]), Redshift Serverless ([`serverless`]), the Redshift Data API ([`data`], its
//! statements run by [`statement_run`], a `SecretArn`'s login read by [`data_secret`]) and AWS Organizations ([`organizations`]); [`credentials`]
//! answers the temporary database credentials calls of the first two.

pub(crate) mod credentials;
pub(crate) mod data;
pub(crate) mod data_csv;
pub(crate) mod data_secret;
pub(crate) mod organizations;
pub(crate) mod provisioned;
pub(crate) mod serverless;
pub(crate) mod statement_run;
