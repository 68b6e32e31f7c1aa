//! Running a plan against AWS: check the accounts, execute a diff in order with bounded
//! retries, wait for attachments, and record what was done. The state the diff is computed
//! from is doctor's snapshot ([`snapshot_reader`](crate::snapshot_reader)); the whole sequence
//! is [`converge_run`](crate::converge_run).
//!
//! Generic over the ports, so the same code runs against the SDK adapters and the fakes. Time
//! goes through a [`Sleeper`], so tests never wait.
//!
//! ```
//! # #[cfg(feature = "testing")] {
//! use redbridge_aws::apply_engine::{self, Ports, RunSettings, NoSleep, Silent};
//! use redbridge_aws::converge_run::{self, Mode};
//! use redbridge_aws::fake::{FakeAccount, FakeAws};
//! use redbridge_core::{Plan, RawSpec, Spec};
//!
//! let raw = RawSpec {
//!     redshift_account: Some("111111111111".into()),
//!     s3_account: Some("222222222222".into()),
//!     bucket: Some("shared-data".into()),
//!     cluster: Some("analytics".into()),
//!     region: Some("eu-west-1".into()),
//!     ..RawSpec::default()
//! };
//! let plan = Plan::new(&Spec::from_raw(&raw).unwrap()).unwrap();
//! let aws = FakeAws::new();
//! aws.seed_cluster("analytics", &[]);
//! let ports = Ports::for_fake(&aws, &plan);
//! let apply = Mode::Apply { adopt: false };
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let prepared = rt.block_on(converge_run::prepare(&plan, &ports, None::<&FakeAccount>, apply)).unwrap();
//! let diff = prepared.diff.unwrap();
//! assert!(diff.has_changes());
//! let report = rt.block_on(apply_engine::execute(&diff, &ports, &RunSettings::default(), &NoSleep::default(), &Silent));
//! assert!(report.succeeded());
//! let again = rt.block_on(converge_run::prepare(&plan, &ports, None::<&FakeAccount>, apply)).unwrap();
//! assert!(!again.diff.unwrap().has_changes());
//! # }
//! ```

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::join_all;
use redbridge_core::converge::{Action, ApplyStatus, AttachedRole, ChangeKind, Diff};
use redbridge_core::spec::Target;
use redbridge_iam::{AccountId, RoleArn};
use serde::Serialize;

use crate::AwsError;
#[cfg(feature = "testing")]
use crate::fake::{FakeAccount, FakeAws, FakeRedshift};
use crate::ports::{AwsResult, CallerIdentity, Iam, Kms, NewRole, Redshift, RedshiftServerless, Sts};

/// Waits. The real one sleeps on the tokio timer; tests use [`NoSleep`].
pub trait Sleeper: Send + Sync {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// Sleeps on the tokio timer (needs a runtime with time enabled).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Returns at once and records what it was asked to wait.
#[derive(Debug, Default)]
pub struct NoSleep {
    slept: Mutex<Vec<Duration>>,
}

impl NoSleep {
    /// Every wait asked for, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.slept.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Sleeper for NoSleep {
    async fn sleep(&self, duration: Duration) {
        if let Ok(mut slept) = self.slept.lock() {
            slept.push(duration);
        }
    }
}

/// Something worth telling the user while the engine runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A change starts.
    Started {
        /// What it is about.
        subject: String,
    },
    /// A change is done.
    Done {
        /// What it is about.
        subject: String,
    },
    /// A call failed in a way that may pass; it is retried after `delay`.
    Retrying {
        /// What it is about.
        subject: String,
        /// The attempt that failed (1-based).
        attempt: u32,
        /// How long until the next attempt.
        delay_ms: u64,
        /// Why.
        reason: String,
    },
    /// An attachment is not in sync yet.
    Waiting {
        /// The role.
        role: String,
        /// Its status now.
        status: String,
        /// How long it has been waited for.
        waited_ms: u64,
    },
}

/// Receives [`Event`]s (the CLI draws a spinner or prints lines).
pub trait Progress: Send + Sync {
    /// Called for every event.
    fn event(&self, event: &Event);
}

/// Ignores events.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn event(&self, _event: &Event) {}
}

/// Retry and wait bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSettings {
    /// Attempts per call when AWS answers with a transient error (throttling, `Invalid principal`).
    pub max_attempts: u32,
    /// The first backoff; it doubles up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// How often to check an attachment.
    pub poll_interval: Duration,
    /// How long to wait for an attachment to be in sync.
    pub attach_timeout: Duration,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            poll_interval: Duration::from_secs(5),
            attach_timeout: Duration::from_secs(600),
        }
    }
}

/// The ports of one account.
#[derive(Debug, Clone)]
pub struct AccountPorts<I, S, K, O> {
    /// The account these ports are bound to.
    pub account: AccountId,
    /// IAM.
    pub iam: I,
    /// STS.
    pub sts: S,
    /// KMS, in the region of the plan's key when the key is in this account.
    pub kms: K,
    /// AWS Organizations as this account (doctor reads its SCPs and RCPs).
    pub organizations: O,
}

/// Every port the engine needs.
#[derive(Debug, Clone)]
pub struct Ports<I, S, K, R, N, O> {
    /// One entry per account the plan touches.
    pub accounts: Vec<AccountPorts<I, S, K, O>>,
    /// Provisioned Redshift, in the Redshift account.
    pub redshift: R,
    /// Redshift Serverless, in the Redshift account.
    pub serverless: N,
}

#[cfg(feature = "testing")]
impl Ports<FakeAccount, FakeAccount, FakeAccount, FakeRedshift, FakeRedshift, FakeAccount> {
    /// Ports over the fake world for every account of the plan.
    pub fn for_fake(aws: &FakeAws, plan: &redbridge_core::plan::Plan) -> Self {
        let accounts = plan
            .accounts
            .iter()
            .map(|a| AccountPorts {
                account: a.account,
                iam: aws.account(a.account),
                sts: aws.account(a.account),
                kms: aws.account(a.account),
                organizations: aws.account(a.account),
            })
            .collect();
        Self { accounts, redshift: aws.redshift(), serverless: aws.redshift() }
    }
}

impl<I: Iam, S: Sts, K: Kms, R: Redshift, N: RedshiftServerless, O> Ports<I, S, K, R, N, O> {
    fn account(&self, account: AccountId) -> AwsResult<&AccountPorts<I, S, K, O>> {
        self.accounts
            .iter()
            .find(|a| a.account == account)
            .ok_or_else(|| AwsError::other(format!("no credentials configured for account `{account}`")))
    }

    async fn attached(&self, target: &Target) -> AwsResult<Vec<AttachedRole>> {
        match target {
            Target::Provisioned { cluster } => self.redshift.cluster_roles(cluster).await,
            Target::Serverless { namespace, .. } => self.serverless.namespace_roles(namespace).await,
        }
    }
}

/// An account whose credentials are not the account the spec names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountCheckError {
    /// The credentials belong to another account.
    #[error(
        "the credentials for account `{expected}` belong to account `{actual}` (`{arn}`); use the profile of account `{expected}`"
    )]
    Mismatch {
        /// The account of the spec.
        expected: AccountId,
        /// The account of the credentials.
        actual: AccountId,
        /// The caller.
        arn: String,
    },
    /// STS could not be asked.
    #[error("cannot check the credentials for account `{account}`: {source}")]
    Sts {
        /// The account of the spec.
        account: AccountId,
        /// What failed.
        source: AwsError,
    },
}

/// Checks with `sts:GetCallerIdentity`, in every account at once, that each account's ports
/// really are that account; the first account (in the ports' order) that is not is the error.
pub async fn verify_accounts<I: Iam, S: Sts, K: Kms, R: Redshift, N: RedshiftServerless, O>(
    ports: &Ports<I, S, K, R, N, O>,
) -> Result<Vec<CallerIdentity>, AccountCheckError> {
    let answers = join_all(ports.accounts.iter().map(|account| account.sts.caller_identity())).await;
    let mut identities = Vec::new();
    for (account, answer) in ports.accounts.iter().zip(answers) {
        let identity = answer.map_err(|source| AccountCheckError::Sts { account: account.account, source })?;
        if identity.account != account.account {
            return Err(AccountCheckError::Mismatch {
                expected: account.account,
                actual: identity.account,
                arn: identity.arn,
            });
        }
        identities.push(identity);
    }
    Ok(identities)
}

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Done,
    /// Nothing to do.
    Unchanged,
    /// Tried and failed.
    Failed {
        /// Why.
        error: String,
    },
    /// Not tried, because an earlier change failed.
    NotRun,
}

/// One change and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    /// The account.
    pub account: AccountId,
    /// Create, update, delete or unchanged.
    pub kind: ChangeKind,
    /// What it was about.
    pub subject: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The action AWS denied, when the change failed with access denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denied_action: Option<String>,
}

/// Every change of a run and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// In execution order.
    pub steps: Vec<StepRecord>,
}

impl Report {
    /// Whether every change was done.
    pub fn succeeded(&self) -> bool {
        self.steps.iter().all(|s| matches!(s.outcome, Outcome::Done | Outcome::Unchanged))
    }

    /// The failure, if any.
    pub fn failure(&self) -> Option<&StepRecord> {
        self.steps.iter().find(|s| matches!(s.outcome, Outcome::Failed { .. }))
    }
}

/// Executes the diff's changes in order. Stops at the first failure; the report says what was
/// done and what was not. Does not look at `diff.blockers`: the caller decides.
pub async fn execute<I, S, K, R, N, O, Z, P>(
    diff: &Diff,
    ports: &Ports<I, S, K, R, N, O>,
    settings: &RunSettings,
    sleeper: &Z,
    progress: &P,
) -> Report
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    Z: Sleeper,
    P: Progress,
{
    let mut steps = Vec::new();
    let mut failed = false;
    for account in &diff.accounts {
        for change in &account.changes {
            let mut denied_action = None;
            let outcome = if failed {
                Outcome::NotRun
            } else if change.kind == ChangeKind::Unchanged || change.action == Action::None {
                Outcome::Unchanged
            } else {
                progress.event(&Event::Started { subject: change.subject.clone() });
                let runner = Runner { ports, settings, sleeper, progress, subject: &change.subject };
                match runner.run(&change.action).await {
                    Ok(()) => {
                        progress.event(&Event::Done { subject: change.subject.clone() });
                        Outcome::Done
                    }
                    Err(error) => {
                        failed = true;
                        if let AwsError::AccessDenied { action, .. } = &error {
                            denied_action.clone_from(action);
                        }
                        Outcome::Failed { error: error.to_string() }
                    }
                }
            };
            steps.push(StepRecord {
                account: account.account,
                kind: change.kind,
                subject: change.subject.clone(),
                outcome,
                denied_action,
            });
        }
    }
    Report { steps }
}

struct Runner<'a, I, S, K, R, N, O, Z, P> {
    ports: &'a Ports<I, S, K, R, N, O>,
    settings: &'a RunSettings,
    sleeper: &'a Z,
    progress: &'a P,
    subject: &'a str,
}

impl<I, S, K, R, N, O, Z, P> Runner<'_, I, S, K, R, N, O, Z, P>
where
    I: Iam,
    S: Sts,
    K: Kms,
    R: Redshift,
    N: RedshiftServerless,
    Z: Sleeper,
    P: Progress,
{
    /// Retries transient failures (throttling, IAM's `Invalid principal` right after a role was
    /// created) with exponential backoff, at most `max_attempts` times.
    async fn retry<T, F, Fut>(&self, mut call: F) -> AwsResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = AwsResult<T>>,
    {
        let mut delay = self.settings.initial_backoff;
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(error) if error.is_transient() && attempt < self.settings.max_attempts => {
                    self.progress.event(&Event::Retrying {
                        subject: self.subject.to_owned(),
                        attempt,
                        delay_ms: delay.as_millis() as u64,
                        reason: error.to_string(),
                    });
                    self.sleeper.sleep(delay).await;
                    delay = (delay * 2).min(self.settings.max_backoff);
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn run(&self, action: &Action) -> AwsResult<()> {
        match action {
            Action::CreateRole { role, description, trust_policy, tags } => {
                let iam = &self.ports.account(role.account())?.iam;
                let new_role = NewRole {
                    arn: role.clone(),
                    trust_policy: trust_policy.clone(),
                    description: description.clone(),
                    tags: tags.clone(),
                };
                self.retry(|| iam.create_role(&new_role)).await
            }
            Action::TagRole { role, tags } => {
                let iam = &self.ports.account(role.account())?.iam;
                self.retry(|| iam.tag_role(role.name(), tags)).await
            }
            Action::UpdateTrust { role, trust_policy } => {
                let iam = &self.ports.account(role.account())?.iam;
                self.retry(|| iam.update_trust_policy(role.name(), trust_policy)).await
            }
            Action::PutRolePolicy { role, policy_name, policy } => {
                let iam = &self.ports.account(role.account())?.iam;
                self.retry(|| iam.put_role_policy(role.name(), policy_name, policy)).await
            }
            Action::PutKeyPolicy { key, policy } => {
                let kms = &self.ports.account(key.account())?.kms;
                self.retry(|| kms.put_key_policy(key, policy)).await
            }
            Action::Attach { target, role, .. } => {
                let arn = role.to_string();
                match target {
                    Target::Provisioned { cluster } => {
                        self.retry(|| self.ports.redshift.add_cluster_role(cluster, &arn)).await?;
                    }
                    Target::Serverless { namespace, .. } => {
                        // Re-read right before writing: the list is replaced whole, so it must
                        // include whatever was attached since the diff was computed.
                        let current = self.retry(|| self.ports.serverless.namespace_roles(namespace)).await?;
                        let merged = redbridge_core::converge::merge_roles(
                            &current.iter().map(|r| r.arn.clone()).collect::<Vec<_>>(),
                            &arn,
                        );
                        self.retry(|| self.ports.serverless.set_namespace_roles(namespace, &merged)).await?;
                    }
                }
                self.wait_in_sync(target, role).await
            }
            Action::WaitInSync { target, role } => self.wait_in_sync(target, role).await,
            Action::Detach { target, role, .. } => {
                let arn = role.to_string();
                match target {
                    Target::Provisioned { cluster } => {
                        self.retry(|| self.ports.redshift.remove_cluster_role(cluster, &arn)).await
                    }
                    Target::Serverless { namespace, .. } => {
                        let current = self.retry(|| self.ports.serverless.namespace_roles(namespace)).await?;
                        let remaining = redbridge_core::converge::remove_role(
                            &current.iter().map(|r| r.arn.clone()).collect::<Vec<_>>(),
                            &arn,
                        );
                        self.retry(|| self.ports.serverless.set_namespace_roles(namespace, &remaining)).await
                    }
                }
            }
            Action::DeleteRolePolicy { role, policy_name } => {
                let iam = &self.ports.account(role.account())?.iam;
                match self.retry(|| iam.delete_role_policy(role.name(), policy_name)).await {
                    Err(AwsError::NotFound { .. }) => Ok(()),
                    other => other,
                }
            }
            Action::DeleteRole { role } => {
                let iam = &self.ports.account(role.account())?.iam;
                match self.retry(|| iam.delete_role(role.name())).await {
                    Err(AwsError::NotFound { .. }) => Ok(()),
                    other => other,
                }
            }
            Action::None => Ok(()),
            #[allow(unreachable_patterns)]
            _ => Err(AwsError::other("this version of redbridge-aws cannot run this action")),
        }
    }

    /// Polls the attachment until it is `in-sync`, telling progress each time, up to the timeout.
    async fn wait_in_sync(&self, target: &Target, role: &RoleArn) -> AwsResult<()> {
        let arn = role.to_string();
        let mut waited = Duration::ZERO;
        loop {
            let roles = self.retry(|| self.ports.attached(target)).await?;
            let status = roles.iter().find(|r| r.arn == arn).map(|r| r.status.clone());
            if status == Some(ApplyStatus::InSync) {
                return Ok(());
            }
            let status_text = status.map(|s| s.to_string()).unwrap_or_else(|| "not attached yet".to_owned());
            if waited >= self.settings.attach_timeout {
                return Err(AwsError::other(format!(
                    "timed out after {}s waiting for `{arn}` to be `in-sync` (still `{status_text}`); rerun `redbridge apply` to keep waiting",
                    waited.as_secs()
                )));
            }
            self.progress.event(&Event::Waiting {
                role: arn.clone(),
                status: status_text,
                waited_ms: waited.as_millis() as u64,
            });
            self.sleeper.sleep(self.settings.poll_interval).await;
            waited += self.settings.poll_interval;
        }
    }
}
