//! `redbridge doctor`: judge every hop of the chain against what the accounts hold (or a saved
//! snapshot), and print each broken link with its evidence and fix.
//!
//! Without `--snapshot` it reads both accounts live (the only case that starts a runtime and
//! reads AWS configuration), concurrently, with `redbridge_aws::snapshot_reader::read_snapshot_listing`,
//! which also lists the prefixes the `--sql` statements read from or unload to.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use redbridge_aws::ports::Sts as _;
use redbridge_aws::snapshot_reader::{ReadStats, read_snapshot_listing};
use redbridge_core::Plan;
use redbridge_core::doctor::{Snapshot, analyze_with_sql, listed_prefixes};

use crate::accounts::{HopProfile, Profiles, live_ports, parse_hop_profile};
use crate::exit;
use crate::output::{self, ChainOutput};
use crate::render;
use crate::spec_args::SpecArgs;

/// Arguments of `redbridge doctor`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge doctor --spec examples/serverless-unload-kms.toml \\\n      --snapshot examples/serverless-broken.snapshot.json",
        "redbridge doctor --spec examples/serverless-unload-kms.toml \\\n      --redshift-profile analytics --s3-profile data",
        "redbridge doctor --spec examples/provisioned-copy.toml --sql-file examples/seed-article.sql",
        "redbridge doctor --spec examples/serverless-unload-kms.toml \\\n      --snapshot examples/serverless-broken.snapshot.json -o dot | dot -Tsvg > chain.svg",
        "redbridge doctor --spec examples/serverless-unload-kms.toml --operator \\\n      --redshift-profile analytics --s3-profile data",
    ],
    &[
        (
            exit::SUCCESS,
            "healthy: every action the statements need is allowed (or healthy as far as read: an account's SCPs and RCPs could not be read)",
        ),
        (exit::FINDINGS, "broken: something blocks (the report says which hop and the fix), or a missing permission"),
        (exit::INCOMPLETE, "unknown: the verdict depends on state (or operator policies) that could not be read"),
    ],
))]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Analyse a snapshot saved with `--save` (or `-`, standard input) instead of reading the accounts.
    #[arg(long, value_name = "FILE|-")]
    pub snapshot: Option<PathBuf>,
    /// Write what was read to FILE (versioned JSON, see `docs/snapshot.md`) to analyse later or hand on.
    #[arg(long, value_name = "FILE", conflicts_with = "snapshot")]
    pub save: Option<PathBuf>,
    /// Let `--save` overwrite a file that is already there.
    #[arg(long, requires = "save")]
    pub force: bool,
    /// Print how many AWS calls were made and the longest dependent sequence of them.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// The AWS profile of the Redshift account (default: the standard credential chain).
    #[arg(long, value_name = "PROFILE", conflicts_with = "snapshot")]
    pub redshift_profile: Option<String>,
    /// The AWS profile of the bucket account (default: the standard credential chain; what it
    /// cannot read, or reads in another account, is reported as unknown).
    #[arg(long, value_name = "PROFILE", conflicts_with = "snapshot")]
    pub s3_profile: Option<String>,
    /// The profile of an account the chain passes through (a hop role outside the Redshift and
    /// bucket accounts), as `ACCOUNT=PROFILE`; repeatable. Without it that hop reads as unknown.
    #[arg(long, value_name = "ACCOUNT=PROFILE", value_parser = parse_hop_profile, conflicts_with = "snapshot")]
    pub hop_profile: Vec<HopProfile>,
    /// Also judge a COPY or UNLOAD you will run: its IAM_ROLE chain, REGION, encryption, the
    /// objects under its prefix, and the linter's diagnostics. Repeatable; one value may hold
    /// several statements separated by `;`.
    #[arg(long, value_name = "STATEMENT")]
    pub sql: Vec<String>,
    /// Like `--sql`, with the statements read from FILE (`-`: standard input). Repeatable.
    #[arg(long, value_name = "FILE|-")]
    pub sql_file: Vec<PathBuf>,
    /// How to print the report, or draw the chain with its broken hops red (dot, mermaid).
    #[arg(long, short, value_enum, default_value_t)]
    pub output: ChainOutput,
    /// Judge instead whether the profiles' callers may run `apply`, `doctor` and `test` for this
    /// spec: their own policies and boundary against the planned operator policies.
    #[arg(long, conflicts_with_all = ["snapshot", "save", "sql", "sql_file"])]
    pub operator: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.operator && args.output.format().is_none() {
        // Refused before anything is read: the operator report is per account, not a chain.
        anyhow::bail!(
            "`--operator` judges the accounts' callers, not the chain: it prints text or json, not `{}`",
            if args.output == ChainOutput::Dot { "dot" } else { "mermaid" }
        );
    }
    let plan = args.spec.plan()?;
    if args.operator {
        let profiles = Profiles {
            redshift: args.redshift_profile.as_deref(),
            s3: args.s3_profile.as_deref(),
            hops: &args.hop_profile,
        };
        return super::doctor_operator::run(&plan, profiles, args.output.format().unwrap_or_default());
    }
    let sql = user_sql(&args)?;
    if let Some(path) = &args.save
        && !args.force
        && path.symlink_metadata().is_ok()
    {
        // Checked before any account is read: the refusal comes at once, not after the reads.
        anyhow::bail!("refusing to overwrite `{}` (pass `--force` to overwrite)", path.display());
    }
    let report = match &args.snapshot {
        Some(path) => {
            let text = crate::input::read_file(path, "snapshot")?;
            let name = crate::input::display_name(path);
            let snapshot = Snapshot::from_json(&text).map_err(|e| anyhow::anyhow!("{name}:{e}"))?;
            analyze_with_sql(&plan, &snapshot, &sql)
        }
        None => {
            let (snapshot, stats) = read_live(&plan, &args, &listed_prefixes(&plan.spec, &sql))?;
            if let Some(path) = &args.save {
                let json = serde_json::to_string_pretty(&snapshot)? + "\n";
                std::fs::write(path, json).with_context(|| format!("cannot write snapshot `{}`", path.display()))?;
                let shown = path.display().to_string();
                crate::output::note(&format!(
                    "saved the snapshot to `{}`",
                    redbridge_iam::escape::escape_controls(&shown)
                ));
            }
            if args.verbose {
                crate::output::note(&render::read_stats(&stats));
            }
            analyze_with_sql(&plan, &snapshot, &sql)
        }
    };
    match args.output {
        ChainOutput::Text => output::print_styled(&render::doctor_report(&plan, &report), render::doctor_style)?,
        ChainOutput::Json => output::print(&output::json_document(&report)?)?,
        drawing @ (ChainOutput::Dot | ChainOutput::Mermaid) => {
            let graph = redbridge_core::graph::Graph::of_report(&plan, &report);
            output::print(&drawing.draw(&graph).unwrap_or_default())?;
        }
    }
    Ok(ExitCode::from(report.verdict.exit_code()))
}

/// The texts of `--sql` and `--sql-file`, in that order; each must hold at least one statement.
fn user_sql(args: &Args) -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::new();
    for (number, text) in args.sql.iter().enumerate() {
        if redbridge_sql::parse(text).is_empty() {
            anyhow::bail!("`--sql` number {} holds no statement", number + 1);
        }
        texts.push(text.clone());
    }
    for path in &args.sql_file {
        let text = crate::input::read_file(path, "SQL file")?;
        if redbridge_sql::parse(&text).is_empty() {
            anyhow::bail!("{}:1:1: holds no statement", crate::input::display_name(path));
        }
        texts.push(text);
    }
    Ok(texts)
}

/// Reads both accounts with the SDK: the only place `doctor` starts a runtime.
fn read_live(plan: &Plan, args: &Args, prefixes: &[String]) -> anyhow::Result<(Snapshot, ReadStats)> {
    crate::logging::init();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let profiles = Profiles {
            redshift: args.redshift_profile.as_deref(),
            s3: args.s3_profile.as_deref(),
            hops: &args.hop_profile,
        };
        let (ports, s3) = live_ports(&plan.spec, profiles).await;
        // One call first: when the Redshift account cannot be reached at all (no endpoint,
        // refused credentials), that is a runtime error (exit 4), not a report of unknowns.
        if let Some(account) = ports.accounts.first() {
            account.sts.caller_identity().await.map_err(|error| {
                anyhow::Error::new(exit::RuntimeError(format!(
                    "cannot reach AWS as account `{}`: {error}",
                    account.account
                )))
            })?;
        }
        Ok(read_snapshot_listing(plan, &ports, Some(&s3), prefixes).await)
    })
}

#[cfg(test)]
mod tests {
    use redbridge_aws::apply_engine::{self, NoSleep, Ports, RunSettings, Silent};
    use redbridge_aws::converge_run::{self, Mode};
    use redbridge_aws::fake::FakeAws;
    use redbridge_aws::snapshot_reader::read_snapshot;
    use redbridge_iam::policy::{PolicyDocument, Principal, Statement};

    use super::*;
    use redbridge_core::Spec;
    use redbridge_core::doctor::{Report, analyze};

    fn plan() -> Plan {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/serverless-unload-kms.toml"))
                .unwrap();
        Plan::new(&Spec::from_toml(&text).unwrap()).unwrap()
    }

    /// The example's world after a clean apply.
    fn applied(plan: &Plan) -> FakeAws {
        let aws = FakeAws::new();
        aws.seed_namespace("analytics-ns", &[]);
        aws.seed_workgroup("analytics-wg", "analytics-ns", "0e3c4a5b-1234-4c5d-9e8f-0a1b2c3d4e5f");
        let key = plan.spec.kms_key.clone().unwrap();
        aws.seed_key(
            &key,
            PolicyDocument::new(vec![
                Statement::allow(["kms:*"], ["*"])
                    .with_principal(Principal::aws([format!("arn:aws:iam::{}:root", key.account())])),
            ]),
        );
        aws.seed_bucket(plan.spec.bucket.as_str(), plan.spec.bucket_region.clone(), None);
        aws.edit(|s| {
            s.bucket_settings.insert(
                plan.spec.bucket.to_string(),
                redbridge_aws::fake::FakeBucketSettings {
                    object_ownership: Some("BucketOwnerEnforced".into()),
                    default_encryption: Some(redbridge_aws::ports::DefaultEncryption {
                        algorithm: "aws:kms".into(),
                        kms_key: Some(key.to_string()),
                    }),
                },
            );
        });
        let ports = Ports::for_fake(&aws, plan);
        let s3 = aws.account(plan.spec.s3_account);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let prepared = converge_run::prepare(plan, &ports, Some(&s3), Mode::Apply { adopt: false }).await;
            let diff = prepared.unwrap().diff.unwrap();
            assert!(
                apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent)
                    .await
                    .succeeded()
            );
        });
        aws
    }

    fn diagnose(plan: &Plan, aws: &FakeAws) -> (Report, ReadStats) {
        let ports = Ports::for_fake(aws, plan);
        let s3 = aws.account(plan.spec.s3_account);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (snapshot, stats) = runtime.block_on(read_snapshot(plan, &ports, Some(&s3)));
        // What `--save` writes and what `--output json` prints match their schemas.
        let saved = serde_json::to_string_pretty(&snapshot).unwrap();
        crate::commands::schema_check::assert_matches_schema("snapshot.schema.json", &saved);
        let report = analyze(plan, &snapshot);
        crate::commands::schema_check::assert_matches_schema(
            "doctor.schema.json",
            &output::json_document(&report).unwrap(),
        );
        (report, stats)
    }

    #[test]
    fn live_reads_of_a_clean_apply_print_every_hop_ok_and_exit_0() {
        let plan = plan();
        let aws = applied(&plan);
        let (report, stats) = diagnose(&plan, &aws);
        let text = render::doctor_report(&plan, &report);
        assert_eq!(report.verdict.exit_code(), 0, "{text}");
        assert!(!text.contains('✗'), "{text}");
        assert!(text.contains("healthy: every action COPY and UNLOAD need is allowed"), "{text}");
        assert_eq!(
            render::read_stats(&stats),
            format!("read both accounts with {} AWS calls; longest dependent sequence: 2 round trip(s)", stats.calls)
        );
    }

    #[test]
    fn a_detached_role_and_a_denied_account_read_as_the_chain_reads() {
        let plan = plan();
        let aws = applied(&plan);
        aws.edit(|s| s.namespaces.values_mut().for_each(Vec::clear));
        let (report, _) = diagnose(&plan, &aws);
        let text = render::doctor_report(&plan, &report);
        assert_eq!(report.verdict.exit_code(), 1);
        assert!(text.contains("✗ attachment"), "{text}");
        assert!(text.contains("error[RB101]"), "{text}");

        let aws = applied(&plan);
        aws.deny(Some(plan.spec.s3_account), "*");
        let (report, _) = diagnose(&plan, &aws);
        assert_eq!(report.verdict.exit_code(), 3, "{:#?}", report.findings);
        assert!(render::doctor_report(&plan, &report).contains("unknown[RB199]"));
    }
}
