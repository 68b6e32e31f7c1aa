//! The three AWS APIs the emulator answers: Redshift's control plane for provisioned clusters
//! ([`provisioned`]), Redshift Serverless ([`serverless`]) and the Redshift Data API ([`data`]).

pub(crate) mod data;
pub(crate) mod provisioned;
pub(crate) mod serverless;
