//! `redbridge destroy`: remove only what redbridge created or added (its roles, its statements
//! in shared policies, its attachment), after showing the same kind of diff as `apply`.
//! Foreign statements, roles and attachments stay.

use std::process::ExitCode;

use redbridge_aws::converge_run::Mode;

use super::apply::AwsArgs;
use crate::exit;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge destroy`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge destroy --spec examples/serverless-unload-kms.toml --dry-run",
        "redbridge destroy --spec examples/serverless-unload-kms.toml --yes \\\n      --redshift-profile analytics --s3-profile data",
    ],
    &[
        (exit::SUCCESS, "removed, nothing to remove, or a dry run"),
        (exit::FINDINGS, "a removal failed, or the confirmation was declined"),
    ],
))]
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
