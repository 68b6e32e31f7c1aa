//! What `redbridge audit` reports: every chain found, judged, with the `IAM_ROLE` string that
//! works, doctor's findings when it does not, and what is wider than it needs to be; every
//! account entered or not; everything that could not be read. Its JSON is documented in
//! `docs/schema/audit.schema.json` and versioned with the CLI's `schema_version`.

use redbridge_iam::{AccountId, Region};
use serde::{Deserialize, Serialize};

use super::breadth::Breadth;
use super::world::TargetKind;
use crate::doctor::{Severity, Verdict};
use crate::spec::Access;

/// The whole audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The counts people look at first.
    pub summary: AuditSummary,
    /// Every account the audit tried to enter, by id.
    pub accounts: Vec<AuditAccount>,
    /// Every chain from a cluster or workgroup to a bucket, in a stable order.
    pub chains: Vec<AuditChain>,
    /// What could not be read, said as such.
    pub not_read: Vec<NotRead>,
}

/// Counts over the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditSummary {
    /// Accounts the audit tried to enter.
    pub accounts: usize,
    /// Of those, the accounts it entered.
    pub accounts_entered: usize,
    /// Clusters and workgroups found.
    pub targets: usize,
    /// Chains found.
    pub chains: usize,
    /// Chains that work as far as could be read.
    pub working: usize,
    /// Chains that fail.
    pub broken: usize,
    /// Chains whose answer depends on something not read.
    pub unknown: usize,
    /// Chains that could not be judged at all (see their `reason`).
    pub not_judged: usize,
    /// Chains wider than they need to be (whatever their status).
    pub over_broad: usize,
}

/// One account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditAccount {
    /// Its id.
    pub id: AccountId,
    /// Its organization name, when known.
    pub name: Option<String>,
    /// Whether the audit entered it.
    pub entered: bool,
    /// How it was entered (`profile NAME`, `role ARN`), or why not.
    pub how: String,
    /// Its clusters and workgroups, over the regions read.
    pub targets: usize,
}

/// Where a chain starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ChainStart {
    /// The Redshift account.
    pub account: AccountId,
    /// The region.
    pub region: Region,
    /// The cluster or workgroup.
    #[serde(flatten)]
    pub target: TargetKind,
}

impl ChainStart {
    /// `cluster NAME` or `workgroup NAME`, for text.
    pub fn label(&self) -> String {
        match &self.target {
            TargetKind::Provisioned { cluster } => format!("cluster {cluster}"),
            TargetKind::Serverless { workgroup, .. } => format!("workgroup {workgroup}"),
        }
    }
}

/// How a chain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// COPY and UNLOAD work (as far as could be read: see `verdict`).
    Working,
    /// They fail; `findings` says where and how to fix it.
    Broken,
    /// The answer depends on state that could not be read.
    Unknown,
    /// The chain could not be judged (`reason` says why).
    NotJudged,
}

/// One of doctor's findings on a chain, as the audit reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainFinding {
    /// Doctor's code (`RB121`).
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// The hop, as doctor labels it.
    pub hop: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, in words (statements to add included).
    pub fix: String,
    /// The link of the chain it is about, for drawing: 0 Redshift → the first role, `i` role
    /// `i - 1` → role `i`, the number of roles for the last role → the bucket (and everything
    /// about the bucket, key, statement or organization).
    #[serde(skip)]
    pub link: usize,
}

/// One chain: a cluster or workgroup, the roles in hop order, and a bucket prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditChain {
    /// `chain-N`, stable for the same world.
    pub id: String,
    /// Where it starts.
    pub redshift: ChainStart,
    /// The roles, in hop order.
    pub roles: Vec<String>,
    /// The `IAM_ROLE` string COPY and UNLOAD name it with (comma-separated, no spaces).
    pub iam_role: String,
    /// Whether the first role is the cluster's or namespace's default role (`IAM_ROLE default`).
    pub default_role: bool,
    /// The bucket.
    pub bucket: String,
    /// The account owning the bucket, when known.
    pub bucket_account: Option<AccountId>,
    /// The key prefix the last role is granted (`""`: the whole bucket).
    pub prefix: String,
    /// What the last role's policies grant there: COPY (read), UNLOAD (write) or both.
    pub access: Access,
    /// The bucket's default KMS key, which COPY and UNLOAD then need.
    pub kms_key: Option<String>,
    /// The database users the first role's trust limits the chain to (`sts:ExternalId`); empty:
    /// any user with the ASSUMEROLE privilege.
    pub db_users: Vec<String>,
    /// Working, broken, unknown or not judged.
    pub status: ChainStatus,
    /// Doctor's verdict, when judged (`healthy_as_far_as_read` when SCPs or RCPs were not read).
    pub verdict: Option<Verdict>,
    /// Doctor's findings of errors and unknowns (warnings included).
    pub findings: Vec<ChainFinding>,
    /// What is wider than it needs to be.
    pub over_broad: Vec<Breadth>,
    /// Why the chain was not judged, or was cut short.
    pub reason: Option<String>,
}

/// Something the audit could not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotRead {
    /// The account it belongs to, when known.
    pub account: Option<AccountId>,
    /// What: `account`, `clusters in us-east-1`, a role or bucket ARN.
    pub what: String,
    /// AWS's answer, or why it was not tried.
    pub reason: String,
}
