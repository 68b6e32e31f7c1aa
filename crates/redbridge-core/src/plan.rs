//! The plan: every artifact a cross-account COPY/UNLOAD setup needs, account by account, in the
//! order it must be created.
//!
//! The plan is derived from a [`Spec`] alone, offline. It is the desired state that `apply`
//! converges to, that `export` renders as infrastructure code, and that `doctor` compares with.

use std::collections::BTreeMap;

use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, DbUserArn, KmsKeyArn, Partition, RoleArn};
use serde::Serialize;

use crate::chain::{ChainError, RoleChain};
use crate::iam_limits::{escape_policy_text, fit_name};
use crate::spec::{Spec, Target};

/// Every `Sid` redbridge writes starts with this, so `apply` and `destroy` can tell its
/// statements from everyone else's when merging into shared policies.
pub const SID_PREFIX: &str = "Redbridge";

/// The tag redbridge puts on roles it creates.
pub const MANAGED_TAG: (&str, &str) = ("managed-by", "redbridge");

/// The tag that says which setup a role belongs to, its value the [`setup_id`] of the spec that
/// created or adopted it. `apply` refuses to change, and `destroy` leaves alone, a role whose tag
/// names another setup: two specs that name the same role (a `cluster_role_name` copied from a
/// wiki) must not take each other's roles over. A tag key may hold `:`, and the value's
/// characters (letters, digits, `:`, `/`, `.`, `-`) are all in IAM's tag character set
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating>).
pub const SETUP_TAG: &str = "redbridge:setup";

/// The identity of a setup: the Redshift side (account, region, cluster or namespace, where the
/// roles attach) and the bucket side (account, bucket). What else a spec says (prefixes, access,
/// key, format) may change between two applies of the same setup, and does not enter it.
/// Example: `redshift:111122223333:us-east-1:cluster/analytics/s3:444455556666:raw-data`. Bucket
/// names hold no `/`, so the two halves never run into each other; the longest value (a 64
/// character namespace, a 63 character bucket) stays under IAM's 256 characters.
pub fn setup_id(spec: &Spec) -> String {
    let attach_point = match &spec.target {
        Target::Provisioned { cluster } => format!("cluster/{cluster}"),
        Target::Serverless { namespace, .. } => format!("namespace/{namespace}"),
    };
    format!("redshift:{}:{}:{attach_point}/s3:{}:{}", spec.redshift_account, spec.region, spec.s3_account, spec.bucket)
}

/// The service principal of provisioned Redshift.
pub const REDSHIFT_SERVICE: &str = "redshift.amazonaws.com";
/// The additional service principal Redshift Serverless needs in the cluster role's trust
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-security-other-services.html>).
pub const REDSHIFT_SERVERLESS_SERVICE: &str = "redshift-serverless.amazonaws.com";

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The validated intent the plan came from.
    pub spec: Spec,
    /// The roles in hop order, as the statements' `IAM_ROLE` names them.
    pub chain: RoleChain,
    /// What to do in each account, in the order the accounts must be visited.
    pub accounts: Vec<AccountPlan>,
    /// The COPY and UNLOAD statements that use the chain.
    pub statements: Vec<PlannedStatement>,
    /// Things the user should know: choices made, facts that are not confirmed, steps not needed.
    pub notes: Vec<Note>,
    /// What the person running redbridge needs in each account, for `apply`, `doctor` and
    /// `test` ([`crate::operator`]).
    pub operator_policies: crate::operator::OperatorPolicies,
}

/// The steps in one account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountPlan {
    /// The account.
    pub account: AccountId,
    /// Its role in the setup.
    pub side: Side,
    /// What to do there, in order.
    pub steps: Vec<Step>,
}

/// Which part an account plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Runs Redshift and holds the cluster role.
    Redshift,
    /// Holds an intermediate role only.
    Intermediate,
    /// Owns the bucket and holds the bucket role.
    S3,
    /// Same account on both sides.
    RedshiftAndS3,
}

/// One thing to create or change.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Create a role (or converge the trust policy of the one redbridge already created).
    CreateRole {
        /// The role.
        role: RoleArn,
        /// Its description.
        description: String,
        /// The trust policy.
        trust_policy: PolicyDocument,
        /// Tags to put on it, key to value.
        tags: BTreeMap<String, String>,
    },
    /// Put an inline policy on a role.
    PutRolePolicy {
        /// The role.
        role: RoleArn,
        /// The inline policy's name.
        policy_name: String,
        /// The policy.
        policy: PolicyDocument,
    },
    /// Merge statements into a KMS key's policy, keeping every other statement.
    MergeKeyPolicy {
        /// The key.
        key: KmsKeyArn,
        /// The statements redbridge owns in that policy.
        statements: Vec<Statement>,
        /// Why, and when it can be skipped.
        reason: String,
    },
    /// Attach the first role of the chain to Redshift.
    AttachRole {
        /// The cluster or serverless namespace.
        target: Target,
        /// The role.
        role: RoleArn,
        /// How, in words (add-only for clusters; read, merge and write for namespaces).
        how: String,
    },
}

/// A COPY or UNLOAD statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedStatement {
    /// `copy`, `unload` or `grant`.
    pub kind: StatementKind,
    /// The S3 location it reads or writes.
    pub location: String,
    /// The SQL, ready to run.
    pub sql: String,
}

/// What a planned statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// Loads from S3.
    Copy,
    /// Writes to S3.
    Unload,
    /// Grants a database user the right to use the chain.
    Grant,
}

/// Something the user should know about the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// `info` or `warning`.
    pub level: NoteLevel,
    /// Stable code, for scripts.
    pub code: &'static str,
    /// The text.
    pub message: String,
}

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteLevel {
    /// For information.
    Info,
    /// Read before applying.
    Warning,
}

/// Why a spec cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The chain the spec describes is not valid.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A statement could not be built.
    #[error("{0}")]
    Statement(String),
    /// IAM would refuse a name, a policy or a tag of the plan.
    #[error(transparent)]
    Limit(#[from] crate::iam_limits::LimitError),
}

impl Plan {
    /// Derives the plan from a spec.
    pub fn new(spec: &Spec) -> Result<Self, PlanError> {
        let partition = spec.region.partition();
        let cluster_role = role_arn(partition, spec.redshift_account, &spec.cluster_role_name);
        let chain = if spec.single_role() {
            RoleChain::new(vec![cluster_role.clone()])?
        } else {
            let bucket_role = role_arn(partition, spec.s3_account, &spec.bucket_role_name);
            let mut roles = vec![cluster_role.clone()];
            roles.extend(spec.intermediate_roles.iter().cloned());
            roles.push(bucket_role);
            RoleChain::cross_account(roles, spec.redshift_account, spec.s3_account)?
        };
        let mut notes = Vec::new();
        let accounts = account_plans(spec, &chain, &mut notes);
        crate::iam_limits::check_plan(&accounts)?;
        let statements = crate::statements::planned_statements(spec, &chain).map_err(PlanError::Statement)?;
        add_general_notes(spec, &chain, &mut notes);
        let operator_policies = crate::operator::derive(spec, &accounts);
        Ok(Self { spec: spec.clone(), chain, accounts, statements, notes, operator_policies })
    }

    /// Every policy document in the plan, with a label saying where it goes.
    pub fn policies(&self) -> Vec<(String, PolicyDocument)> {
        let mut out = Vec::new();
        for account in &self.accounts {
            for step in &account.steps {
                match step {
                    Step::CreateRole { role, trust_policy, .. } => {
                        out.push((format!("{role} trust"), trust_policy.clone()))
                    }
                    Step::PutRolePolicy { role, policy_name, policy } => {
                        out.push((format!("{role} inline {policy_name}"), policy.clone()))
                    }
                    Step::MergeKeyPolicy { key, statements, .. } => {
                        out.push((format!("{key} key policy statements"), PolicyDocument::new(statements.clone())))
                    }
                    Step::AttachRole { .. } => {}
                }
            }
        }
        out
    }
}

fn role_arn(partition: Partition, account: AccountId, name: &str) -> RoleArn {
    // The name was validated with the spec; a failure here is a bug in that validation.
    RoleArn::new(partition, account, "/", name).unwrap_or_else(|e| panic!("validated role name rejected: {e}"))
}

/// Builds the steps account by account: Redshift first (its role must exist before a trust
/// policy can name it), then each intermediate account, then the bucket account.
fn account_plans(spec: &Spec, chain: &RoleChain, notes: &mut Vec<Note>) -> Vec<AccountPlan> {
    let mut accounts: Vec<AccountPlan> = Vec::new();
    let roles = chain.roles();
    for (index, role) in roles.iter().enumerate() {
        let is_first = index == 0;
        let is_last = index == roles.len() - 1;
        let is_intermediate = !is_first && !is_last;
        let mut steps = Vec::new();
        if is_intermediate {
            notes.push(Note {
                level: NoteLevel::Info,
                code: "intermediate-role-given",
                message: format!(
                    "`{role}` is an intermediate role you named: its trust must allow `{}` and it needs `sts:AssumeRole` on `{}`; \
                     the policies below are what it needs",
                    chain.previous(role).map(ToString::to_string).unwrap_or_default(),
                    chain.next(role).map(ToString::to_string).unwrap_or_default()
                ),
            });
        }
        let trust = if is_first {
            cluster_role_trust(spec)
        } else {
            chained_role_trust(spec, chain.previous(role).unwrap_or(role))
        };
        let description = if is_first && is_last {
            format!("Used by Redshift {} for s3://{} (managed by redbridge)", spec.target.name(), spec.bucket)
        } else if is_first {
            format!("Attached to Redshift {}, chains to {} (managed by redbridge)", spec.target.name(), roles[1].name())
        } else if is_last {
            format!(
                "Assumed by {} for Redshift access to s3://{} (managed by redbridge)",
                roles[index - 1].name(),
                spec.bucket
            )
        } else {
            format!("Chain hop from {} to {} (managed by redbridge)", roles[index - 1].name(), roles[index + 1].name())
        };
        steps.push(Step::CreateRole {
            role: role.clone(),
            description,
            trust_policy: trust,
            tags: BTreeMap::from([
                (MANAGED_TAG.0.to_owned(), MANAGED_TAG.1.to_owned()),
                (SETUP_TAG.to_owned(), setup_id(spec)),
            ]),
        });
        if let Some(next) = chain.next(role) {
            steps.push(Step::PutRolePolicy {
                role: role.clone(),
                policy_name: fit_name(&format!("redbridge-assume-{}", next.name()), "redbridge-assume-".len() + 40),
                policy: PolicyDocument::new(vec![
                    Statement::allow(["sts:AssumeRole"], [next.to_string()])
                        .with_sid(format!("{SID_PREFIX}AssumeNextRole")),
                ]),
            });
        }
        if is_last {
            steps.push(Step::PutRolePolicy {
                role: role.clone(),
                policy_name: fit_name(&format!("redbridge-s3-{}", spec.bucket), "redbridge-s3-".len() + 50),
                policy: bucket_access_policy(spec),
            });
            if let Some(key) = &spec.kms_key {
                steps.push(key_policy_step(spec, key, role, notes));
            }
        }
        if is_first {
            steps.push(attach_step(spec, role));
        }
        let side = if spec.single_role() {
            Side::RedshiftAndS3
        } else if is_first {
            Side::Redshift
        } else if is_last {
            Side::S3
        } else {
            Side::Intermediate
        };
        // Consecutive hops in one account form one visit; creation order is kept either way.
        match accounts.last_mut() {
            Some(previous) if previous.account == role.account() => {
                // An intermediate hop sharing an account with an end of the chain takes that end's part.
                if previous.side == Side::Intermediate {
                    previous.side = side;
                }
                previous.steps.extend(steps);
            }
            _ => accounts.push(AccountPlan { account: role.account(), side, steps }),
        }
    }
    accounts
}

/// The cluster role's trust: the Redshift service principals, with `aws:SourceAccount` against
/// the confused deputy problem and `sts:ExternalId` when database users are named.
fn cluster_role_trust(spec: &Spec) -> PolicyDocument {
    let mut services = vec![REDSHIFT_SERVICE];
    if spec.target.is_serverless() {
        services.push(REDSHIFT_SERVERLESS_SERVICE);
    }
    let statement = Statement::trust(Principal::service(services))
        .with_sid(format!("{SID_PREFIX}RedshiftService"))
        .with_condition("StringEquals", "aws:SourceAccount", [spec.redshift_account.to_string()]);
    PolicyDocument::new(vec![with_db_user_condition(spec, statement)])
}

/// A chained role's trust: exactly the previous role, never its account root.
fn chained_role_trust(spec: &Spec, previous: &RoleArn) -> PolicyDocument {
    let statement =
        Statement::trust(Principal::aws([previous.to_string()])).with_sid(format!("{SID_PREFIX}PreviousHop"));
    PolicyDocument::new(vec![with_db_user_condition(spec, statement)])
}

/// Redshift passes the database user's ARN as `sts:ExternalId` on every hop
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html>).
fn with_db_user_condition(spec: &Spec, statement: Statement) -> Statement {
    if spec.db_users.is_empty() {
        return statement;
    }
    let (operator, values) = db_user_arns(spec);
    statement.with_condition(operator, "sts:ExternalId", values)
}

/// The database-user ARNs for `sts:ExternalId`, and the operator that matches them.
///
/// Provisioned: `arn:P:redshift:REGION:ACCOUNT:dbuser:CLUSTER/USER`, exact. Serverless: the
/// documented form is `dbuser:serverless-ACCOUNT-WORKGROUPID/USER` and older copies of the page
/// show `dbuser:WORKGROUP/USER` (see [`DbUserArn`]); which one Redshift sends has not been
/// observed, so both are allowed, the workgroup id (unknown offline) by wildcard, and the plan
/// says so in a note.
pub fn db_user_arns(spec: &Spec) -> (&'static str, Vec<String>) {
    match &spec.target {
        Target::Provisioned { .. } => {
            ("StringEquals", spec.db_users.iter().map(|user| db_user_arn(spec, user).to_string()).collect())
        }
        Target::Serverless { .. } => (
            "StringLike",
            spec.db_users
                .iter()
                .flat_map(|user| {
                    [
                        DbUserArn::serverless_pattern(&spec.region, spec.redshift_account, user),
                        db_user_arn(spec, user).to_string(),
                    ]
                })
                .collect(),
        ),
    }
}

/// The ARN of the database user `user` as the spec alone can name it: on the cluster, or on the
/// serverless workgroup by name (the id form needs the workgroup's id, which only a live read knows).
pub fn db_user_arn(spec: &Spec, user: &str) -> DbUserArn {
    let built = match &spec.target {
        Target::Provisioned { cluster } => DbUserArn::provisioned(&spec.region, spec.redshift_account, cluster, user),
        Target::Serverless { workgroup, .. } => {
            DbUserArn::serverless_by_name(&spec.region, spec.redshift_account, workgroup, user)
        }
    };
    // `Spec::from_raw` admits only cluster ids, workgroup names and user names a database-user
    // ARN can hold; `<user>`-style placeholders have no `/` or space either.
    built.expect("the spec's cluster, workgroup and user names fit a database-user ARN")
}

/// The bucket role's permissions: exactly the S3 and KMS actions the requested statements use,
/// on exactly the bucket and prefixes.
///
/// COPY needs `s3:ListBucket` and `s3:GetObject`; UNLOAD needs `s3:PutObject` and also lists and
/// reads; CLEANPATH needs `s3:DeleteObject`
/// (<https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-access-permissions.html>).
/// SSE-KMS: reading needs `kms:Decrypt`, writing `kms:GenerateDataKey` (and `kms:Decrypt` for
/// multipart uploads).
pub fn bucket_access_policy(spec: &Spec) -> PolicyDocument {
    let partition = spec.region.partition();
    let bucket_arn = spec.bucket.arn(partition).to_string();
    // Prefixes are literal: a `${` in one must not become a policy variable.
    let prefixes: Vec<String> = spec.prefixes.iter().map(|p| escape_policy_text(p)).collect();
    let object_arns: Vec<String> = if prefixes.is_empty() {
        vec![spec.bucket.object_arn(partition, "*").to_string()]
    } else {
        prefixes.iter().map(|p| spec.bucket.object_arn(partition, &format!("{p}*")).to_string()).collect()
    };
    let mut statements = Vec::new();
    let mut list = Statement::allow(["s3:ListBucket"], [bucket_arn]).with_sid(format!("{SID_PREFIX}ListPrefixes"));
    if !spec.prefixes.is_empty() {
        list = list.with_condition("StringLike", "s3:prefix", prefixes.iter().map(|p| format!("{p}*")));
    }
    statements.push(list);
    statements
        .push(Statement::allow(["s3:GetObject"], object_arns.clone()).with_sid(format!("{SID_PREFIX}ReadObjects")));
    if spec.access.unload() {
        let mut actions = vec!["s3:PutObject"];
        if spec.cleanpath {
            actions.push("s3:DeleteObject");
        }
        statements.push(Statement::allow(actions, object_arns).with_sid(format!("{SID_PREFIX}WriteObjects")));
    }
    if let Some(key) = &spec.kms_key {
        let mut actions = vec!["kms:Decrypt"];
        if spec.access.unload() {
            actions.push("kms:GenerateDataKey");
        }
        statements.push(Statement::allow(actions, [key.to_string()]).with_sid(format!("{SID_PREFIX}UseBucketKey")));
    }
    PolicyDocument::new(statements)
}

fn key_actions(spec: &Spec) -> Vec<&'static str> {
    let mut actions = vec!["kms:Decrypt"];
    if spec.access.unload() {
        actions.push("kms:GenerateDataKey");
    }
    actions
}

/// The key-policy statement for the bucket role. With chaining the bucket role usually lives in
/// the key's account, where a key policy that keeps the default account-root statement already
/// delegates to IAM and nothing needs adding; `apply` checks for that before merging.
fn key_policy_step(spec: &Spec, key: &KmsKeyArn, bucket_role: &RoleArn, notes: &mut Vec<Note>) -> Step {
    let statement = Statement::allow(key_actions(spec), ["*"])
        .with_sid(format!("{SID_PREFIX}BucketRoleUsesKey"))
        .with_principal(Principal::aws([bucket_role.to_string()]));
    let reason = if key.account() == bucket_role.account() {
        format!(
            "needed only if the key policy of `{key}` does not keep the default statement that lets account `{}` (its root) \
             delegate through IAM policies; redbridge then adds just this statement",
            key.account()
        )
    } else {
        notes.push(Note {
            level: NoteLevel::Warning,
            code: "key-in-other-account",
            message: format!(
                "the key is owned by account `{}`, not the bucket account `{}`: its key policy must allow the bucket role, \
                 and whoever owns the key must merge the statement below",
                key.account(),
                bucket_role.account()
            ),
        });
        format!("the key is in account `{}`, so its key policy must name the bucket role", key.account())
    };
    Step::MergeKeyPolicy { key: key.clone(), statements: vec![statement], reason }
}

fn attach_step(spec: &Spec, role: &RoleArn) -> Step {
    let how = match &spec.target {
        Target::Provisioned { cluster } => format!(
            "ModifyClusterIamRoles on `{cluster}` with AddIamRoles (adds only), then wait until the role's ApplyStatus is `in-sync`"
        ),
        Target::Serverless { namespace, .. } => format!(
            "GetNamespace `{namespace}`, then UpdateNamespace with the current roles plus this one: UpdateNamespace replaces \
             the whole list, so sending only this role would detach the others"
        ),
    };
    Step::AttachRole { target: spec.target.clone(), role: role.clone(), how }
}

fn add_general_notes(spec: &Spec, chain: &RoleChain, notes: &mut Vec<Note>) {
    if spec.single_role() {
        notes.push(Note {
            level: NoteLevel::Info,
            code: "same-account",
            message: format!(
                "Redshift and the bucket are both in account `{}`: no chain is needed, one role attached to Redshift holds the bucket permissions",
                spec.redshift_account
            ),
        });
    }
    notes.push(Note {
        level: NoteLevel::Info,
        code: "no-source-arn",
        message:
            "the cluster role's trust pins `aws:SourceAccount`; `aws:SourceArn` is not added because with a serverless \
                  workgroup ARN it has been reported to break COPY (unconfirmed)"
                .to_owned(),
    });
    if spec.target.is_serverless() && !spec.db_users.is_empty() {
        notes.push(Note {
            level: NoteLevel::Warning,
            code: "serverless-dbuser-arn-unconfirmed",
            message: "for Redshift Serverless, the database-user ARN Redshift sends as `sts:ExternalId` is documented both as \
                      `dbuser:serverless-<account>-<workgroup id>/<user>` and as `dbuser:<workgroup>/<user>`; which applies is \
                      unconfirmed, so the trust allows both"
                .to_owned(),
        });
    }
    if !spec.single_role() {
        notes.push(Note {
            level: NoteLevel::Info,
            code: "no-bucket-policy-change",
            message: format!(
                "no bucket policy change is needed: `{}` is in the bucket's account, so its own policy grants access \
                 (a bucket policy that denies it still wins; `redbridge doctor` checks)",
                chain.last()
            ),
        });
    }
    if !spec.db_users.is_empty() {
        notes.push(Note {
            level: NoteLevel::Info,
            code: "assumerole-grant",
            message: "if `REVOKE ASSUMEROLE ON ALL FROM PUBLIC` was run, each database user needs the GRANT statements below; \
                      a chain is granted as a whole"
                .to_owned(),
        });
    }
    if spec.access.unload() && spec.kms_key.is_none() {
        notes.push(Note {
            level: NoteLevel::Info,
            code: "unload-sse-s3",
            message: "UNLOAD without ENCRYPTED writes SSE-S3 objects even when the bucket's default is SSE-KMS; a bucket policy \
                      that requires SSE-KMS denies them — give `kms_key` if the bucket uses one"
                .to_owned(),
        });
    }
}
