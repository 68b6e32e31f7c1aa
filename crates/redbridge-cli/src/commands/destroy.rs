//! `redbridge destroy`: remove only what redbridge created or added (its roles, its statements
//! in shared policies, its attachment), after showing the same kind of diff as `apply`.
//! Foreign statements, roles and attachments stay.

use std::process::ExitCode;

use redbridge_aws::converge_run::Mode;

use super::apply::AwsArgs;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge destroy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = args.spec.resolve()?;
    super::apply::run_mode(&spec, &args.aws, Mode::Destroy)
}
