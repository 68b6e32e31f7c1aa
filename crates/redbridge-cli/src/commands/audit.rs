//! `redbridge audit`: every chain from the clusters and workgroups of many accounts (or a whole
//! organization) to the buckets their roles reach, judged and drawn.
//!
//! Reading starts a runtime and loads AWS configuration (one profile per account, or one
//! profile that lists the organization and assumes `--assume-role-name` into each account);
//! `--world FILE` audits what `--save` wrote instead, offline. The judging and the drawings
//! are `redbridge_core::audit`'s; this file only gathers the settings and renders.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use redbridge_aws::audit_reader::{AuditEntry, AuditProgress, AuditSettings, read_world};
use redbridge_aws::config::{self, AccountSettings};
use redbridge_aws::ports::Sts as _;
use redbridge_aws::sdk::{ProfileConnector, SdkSts};
use redbridge_core::audit::{AuditReport, AuditWorld, ChainStatus, audit};
use redbridge_iam::{AccountId, Region};

use crate::accounts::{HopProfile, parse_hop_profile};
use crate::exit;
use crate::output;

/// How `audit` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AuditOutput {
    /// For people: the summary, then each broken and over-broad chain.
    #[default]
    Text,
    /// For machines: `docs/schema/audit.schema.json`.
    Json,
    /// One self-contained page: the graph and a filterable table.
    Html,
    /// Graphviz DOT (`| dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

/// Arguments of `redbridge audit`.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &[
        "redbridge audit --redshift-profile analytics --redshift-profile reporting --region us-east-1",
        "redbridge audit --org --assume-role-name OrganizationAccountAccessRole --region us-east-1 \\\n      --output html --out audit.html",
        "redbridge audit --world examples/audit.world.json --output dot",
        "redbridge audit --print-policy --assume-role-name OrganizationAccountAccessRole",
    ],
    &[
        (exit::SUCCESS, "every chain found works (as far as could be read)"),
        (exit::FINDINGS, "a chain is broken (the report says which hop and the fix)"),
        (exit::INCOMPLETE, "no chain is broken, but something could not be read or judged"),
    ],
))]
pub struct Args {
    /// The profile of a Redshift account to audit; repeatable.
    #[arg(long, value_name = "PROFILE", conflicts_with = "world")]
    pub redshift_profile: Vec<String>,
    /// Audit every active account of the organization: listed with `--profile` (the management
    /// account or a delegated administrator) and entered with `--assume-role-name`.
    #[arg(long, requires = "assume_role_name", conflicts_with = "world")]
    pub org: bool,
    /// The profile that lists the organization and assumes roles (default: the standard chain).
    #[arg(long, value_name = "PROFILE", conflicts_with = "world")]
    pub profile: Option<String>,
    /// The role every account is entered through (with `--org`), and accounts a chain passes
    /// through that no profile reaches.
    #[arg(long, value_name = "NAME", conflicts_with = "world")]
    pub assume_role_name: Option<String>,
    /// The profile of an account a chain passes through or ends in, as `ACCOUNT=PROFILE`; repeatable.
    #[arg(long, value_name = "ACCOUNT=PROFILE", value_parser = parse_hop_profile, conflicts_with = "world")]
    pub profile_for: Vec<HopProfile>,
    /// A region whose clusters and workgroups are listed; repeatable (default: the profile's).
    #[arg(long, value_name = "REGION", value_parser = parse_region, conflicts_with = "world")]
    pub region: Vec<Region>,
    /// The most AWS reads in flight at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Audit what `--save` wrote instead of reading AWS.
    #[arg(long, value_name = "FILE|-")]
    pub world: Option<PathBuf>,
    /// Write what was read to FILE (JSON) to audit again offline or hand on.
    #[arg(long, value_name = "FILE", conflicts_with = "world")]
    pub save: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Let `--save` and `--out` overwrite files that are already there.
    #[arg(long)]
    pub force: bool,
    /// Print how many AWS calls were made and how many were retried.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// How to print the report.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: AuditOutput,
    /// Print the read-only IAM policy the audit needs (for `--assume-role-name`'s role in every
    /// account, and the profiles' callers) instead of auditing.
    #[arg(long, conflicts_with_all = ["world", "save", "out", "org", "redshift_profile", "profile_for"])]
    pub print_policy: bool,
}

fn parse_region(text: &str) -> Result<Region, String> {
    Region::parse(text).map_err(|e| e.to_string())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.print_policy {
        let partition = args.region.first().map_or(redbridge_iam::Partition::Aws, Region::partition);
        let policy = redbridge_core::audit::audit_policy(partition, args.assume_role_name.as_deref());
        output::print(&(policy.to_json_pretty() + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    for path in [&args.save, &args.out].into_iter().flatten() {
        if !args.force && path.symlink_metadata().is_ok() {
            anyhow::bail!("refusing to overwrite `{}` (pass `--force` to overwrite)", path.display());
        }
    }
    let world = match &args.world {
        Some(path) => {
            let text = crate::input::read_file(path, "audit world")?;
            let name = crate::input::display_name(path);
            serde_json::from_str::<AuditWorld>(&text)
                .map_err(|e| anyhow::anyhow!("{name}:{}:{}: {e}", e.line(), e.column()))?
        }
        None => {
            let world = read_live(&args)?;
            if let Some(path) = &args.save {
                let json = serde_json::to_string_pretty(&world)? + "\n";
                std::fs::write(path, json).with_context(|| format!("cannot write `{}`", path.display()))?;
            }
            world
        }
    };
    let report = audit(&world);
    let text = match args.output {
        AuditOutput::Text => crate::render_audit::text(&report),
        AuditOutput::Json => output::json_document(&report)?,
        AuditOutput::Html => redbridge_core::audit::drawing::html(&report),
        AuditOutput::Dot => redbridge_core::audit::drawing::graph(&report).to_dot(),
        AuditOutput::Mermaid => redbridge_core::audit::drawing::graph(&report).to_mermaid(),
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))?,
        None => output::print(&text)?,
    }
    Ok(ExitCode::from(exit_code(&report)))
}

/// 1 when a chain is broken; 3 when none is but something was not read or judged; else 0.
pub fn exit_code(report: &AuditReport) -> u8 {
    if report.chains.iter().any(|c| c.status == ChainStatus::Broken) {
        exit::FINDINGS
    } else if !report.not_read.is_empty()
        || report.chains.iter().any(|c| matches!(c.status, ChainStatus::Unknown | ChainStatus::NotJudged))
    {
        exit::INCOMPLETE
    } else {
        exit::SUCCESS
    }
}

/// Loads every profile, learns each one's account, and reads the world.
fn read_live(args: &Args) -> anyhow::Result<AuditWorld> {
    crate::logging::init();
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let first_region = args.region.first().cloned();
        let settings = |profile: Option<&str>| AccountSettings {
            profile: profile.map(str::to_owned),
            region: first_region.clone(),
        };
        let base_config = config::load(&settings(args.profile.as_deref())).await;
        let regions = match (&args.region, base_config.region()) {
            (given, _) if !given.is_empty() => given.clone(),
            (_, Some(region)) => {
                vec![parse_region(region.as_ref()).map_err(|e| anyhow::anyhow!("the profile's region: {e}"))?]
            }
            (_, None) => anyhow::bail!("no region: pass `--region` or set one in the profile"),
        };
        let mut connector = ProfileConnector::new(base_config.clone());
        let mut entries = Vec::new();
        let enter = |account: AccountId, how: String, redshift: bool, entries: &mut Vec<AuditEntry>| {
            if !entries.iter().any(|e: &AuditEntry| e.account == account) {
                entries.push(AuditEntry { account, how, redshift });
            }
        };
        if args.org || args.redshift_profile.is_empty() {
            let account = account_of(SdkSts::from_conf(&base_config), args.profile.as_deref()).await?;
            connector = connector.with_account(account, base_config.clone());
            let how = args.profile.as_ref().map_or("the default credentials".to_owned(), |p| format!("profile {p}"));
            enter(account, how, true, &mut entries);
        }
        for profile in &args.redshift_profile {
            let config = config::load(&settings(Some(profile))).await;
            let account = account_of(SdkSts::from_conf(&config), Some(profile)).await?;
            connector = connector.with_account(account, config);
            enter(account, format!("profile {profile}"), true, &mut entries);
        }
        for hop in &args.profile_for {
            let config = config::load(&settings(Some(&hop.profile))).await;
            let account = account_of(SdkSts::from_conf(&config), Some(&hop.profile)).await?;
            if account != hop.account {
                anyhow::bail!("profile `{}` is account {account}, not {}", hop.profile, hop.account);
            }
            connector = connector.with_account(account, config);
            enter(account, format!("profile {}", hop.profile), false, &mut entries);
        }
        let settings = AuditSettings {
            regions,
            entries,
            organization: args.org,
            assume_role_name: args.assume_role_name.clone(),
            concurrency: usize::from(args.concurrency),
        };
        let bar = ProgressLine::new();
        let read = read_world(&connector, &settings, &|progress| bar.show(progress)).await;
        bar.finish();
        if args.verbose {
            output::note(&format!("read with {} AWS calls ({} throttled and retried)", read.calls, read.retries));
        }
        Ok(read.world)
    })
}

/// The account `sts`'s credentials belong to; a runtime error (exit 4) when AWS cannot be reached.
async fn account_of(sts: SdkSts, profile: Option<&str>) -> anyhow::Result<AccountId> {
    let who = profile.map_or("the default credentials".to_owned(), |p| format!("profile `{p}`"));
    let identity = sts
        .caller_identity()
        .await
        .map_err(|error| anyhow::Error::new(exit::RuntimeError(format!("cannot reach AWS with {who}: {error}"))))?;
    Ok(identity.account)
}

/// Progress on standard error when it is a terminal (and not `--quiet`): one line rewritten in
/// place with the phase and its counts.
struct ProgressLine {
    enabled: bool,
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl ProgressLine {
    fn new() -> Self {
        Self { enabled: std::io::stderr().is_terminal() && !output::quiet(), last: std::sync::Mutex::new(None) }
    }

    fn show(&self, progress: AuditProgress) {
        if !self.enabled {
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        if progress.done < progress.total && last.is_some_and(|t| now.duration_since(t).as_millis() < 100) {
            return;
        }
        *last = Some(now);
        let width = 24;
        let filled = (progress.done * width).checked_div(progress.total).map_or(width, |f| f.min(width));
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K{:<8} [{}{}] {}/{}",
            progress.phase,
            "#".repeat(filled),
            " ".repeat(width - filled),
            progress.done,
            progress.total
        );
    }

    fn finish(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
