//! What the person running redbridge needs: for each account, the least-privilege identity
//! policies for `apply` (and `destroy`), for `doctor` (read only) and for `test`, derived from
//! the plan alone.
//!
//! The policies are built from [`operator_calls`], one entry per AWS call a command makes on
//! one resource, with the IAM action that authorizes it. That list is the contract the adapters
//! are held to: a property test records the calls `apply`, `doctor` and `test` make against the
//! fakes and checks that each is allowed by the policy of its account and command, and that the
//! policy allows nothing else.
//!
//! Sources for the actions and resources:
//! - IAM, KMS, S3, Redshift, Redshift Serverless and the Data API: the Service Authorization
//!   Reference (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>);
//!   `GetBucketEncryption` is authorized by `s3:GetEncryptionConfiguration`, `GetBucketLocation`
//!   by `s3:GetBucketLocation`, `ListObjectsV2` by `s3:ListBucket`.
//! - Attaching a role to a cluster or a namespace passes it to Redshift, which needs
//!   `iam:PassRole` on the role (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html>),
//!   limited here with `iam:PassedToService`.
//! - Creating a role with tags needs `iam:TagRole` as well as `iam:CreateRole`
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html#id_tags_roles_procs-api>).
//! - `sts:GetCallerIdentity` needs no permission and cannot be denied
//!   (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>): it is
//!   not listed.
//! - The Data API's `DescribeStatement`, `GetStatementResult` and `CancelStatement` take no
//!   resource; AWS's `AmazonRedshiftDataFullAccess` limits them to the caller's own statements
//!   with `redshift-data:statement-owner-iam-userid` (<https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html>).
//!   `ExecuteStatement` with `DbUser` gets temporary credentials with
//!   `redshift:GetClusterCredentials` on the database user and database; without one, with the
//!   caller's IAM identity through `redshift:GetClusterCredentialsWithIAM`; on a serverless
//!   workgroup with `redshift-serverless:GetCredentials`.

use std::collections::BTreeMap;

use redbridge_iam::policy::{PolicyDocument, Statement};
use redbridge_iam::{AccountId, Partition};
use serde::Serialize;

use crate::plan::{AccountPlan, Plan, REDSHIFT_SERVERLESS_SERVICE, REDSHIFT_SERVICE, Side, Step};
use crate::spec::{Spec, Target};

/// The commands whose permissions are planned separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorCommand {
    /// `apply` and `destroy`: read, then create, change or remove.
    Apply,
    /// `doctor`: read only.
    Doctor,
    /// `test`: the Data API, and the round trip's objects in the bucket.
    Test,
}

impl OperatorCommand {
    /// Every command, in the order the runbook shows them.
    pub const ALL: [Self; 3] = [Self::Apply, Self::Doctor, Self::Test];

    /// The name a user types.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apply => "apply",
            Self::Doctor => "doctor",
            Self::Test => "test",
        }
    }
}

/// A condition on one call's permission: `operator` `key` `values`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CallCondition {
    /// The condition operator (`StringEquals`, `StringLike`).
    pub operator: &'static str,
    /// The condition key.
    pub key: &'static str,
    /// The values.
    pub values: Vec<String>,
}

/// One AWS call a command makes, as IAM authorizes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorCall {
    /// The account whose profile makes the call.
    pub account: AccountId,
    /// The command that makes it.
    pub command: OperatorCommand,
    /// The IAM action (`iam:CreateRole`).
    pub action: &'static str,
    /// The resource ARN or pattern (`*` for actions without resource-level permissions).
    pub resource: String,
    /// A condition the permission is limited with.
    pub condition: Option<CallCondition>,
}

/// The policies of one account, one per command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountOperatorPolicies {
    /// The account.
    pub account: AccountId,
    /// For `apply` and `destroy`.
    pub apply: PolicyDocument,
    /// For `doctor`.
    pub doctor: PolicyDocument,
    /// For `test`.
    pub test: PolicyDocument,
}

impl AccountOperatorPolicies {
    /// The policy of `command`.
    pub fn policy(&self, command: OperatorCommand) -> &PolicyDocument {
        match command {
            OperatorCommand::Apply => &self.apply,
            OperatorCommand::Doctor => &self.doctor,
            OperatorCommand::Test => &self.test,
        }
    }
}

/// The operator policies of a plan: the Redshift account's, the bucket account's (the same
/// account when the setup is in one), and any intermediate hop's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorPolicies {
    /// The account that runs Redshift (the `--redshift-profile`).
    pub redshift: AccountOperatorPolicies,
    /// The account that owns the bucket (the `--s3-profile`).
    pub s3: AccountOperatorPolicies,
    /// Accounts holding only an intermediate role, in chain order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intermediate: Vec<AccountOperatorPolicies>,
}

/// Which profile a call is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Redshift,
    S3,
    Intermediate(AccountId),
}

/// Every call `apply`, `doctor` and `test` make for `plan`, with the account whose profile
/// makes it.
pub fn operator_calls(plan: &Plan) -> Vec<OperatorCall> {
    calls_for(&plan.spec, &plan.accounts)
}

fn calls_for(spec: &Spec, accounts: &[AccountPlan]) -> Vec<OperatorCall> {
    let mut calls = Calls { spec, out: Vec::new() };
    for account in accounts {
        let profile = profile_of(spec, account);
        for step in &account.steps {
            calls.step(profile, step);
        }
    }
    calls.redshift_reads();
    calls.bucket_reads();
    let mut profiles: Vec<Profile> = vec![Profile::Redshift, Profile::S3];
    for account in accounts {
        let profile = profile_of(spec, account);
        if !profiles.contains(&profile) {
            profiles.push(profile);
        }
    }
    calls.organization_reads(&profiles);
    calls.test();
    calls.out
}

/// The operator policies of `plan` (the same as [`Plan::operator_policies`]).
pub fn operator_policies(plan: &Plan) -> OperatorPolicies {
    derive(&plan.spec, &plan.accounts)
}

/// The operator policies of the steps `accounts` of `spec`.
pub(crate) fn derive(spec: &Spec, accounts: &[AccountPlan]) -> OperatorPolicies {
    let calls = calls_for(spec, accounts);
    let for_account = |account: AccountId| {
        let mine: Vec<&OperatorCall> = calls.iter().filter(|c| c.account == account).collect();
        AccountOperatorPolicies {
            account,
            apply: policy_of(&mine, OperatorCommand::Apply),
            doctor: policy_of(&mine, OperatorCommand::Doctor),
            test: policy_of(&mine, OperatorCommand::Test),
        }
    };
    let intermediate =
        accounts.iter().filter(|a| a.side == Side::Intermediate).map(|a| for_account(a.account)).collect();
    OperatorPolicies { redshift: for_account(spec.redshift_account), s3: for_account(spec.s3_account), intermediate }
}

fn profile_of(spec: &Spec, account: &AccountPlan) -> Profile {
    match account.side {
        Side::Redshift | Side::RedshiftAndS3 => Profile::Redshift,
        Side::S3 => Profile::S3,
        Side::Intermediate if account.account == spec.redshift_account => Profile::Redshift,
        Side::Intermediate if account.account == spec.s3_account => Profile::S3,
        Side::Intermediate => Profile::Intermediate(account.account),
    }
}

/// Groups `calls` of `command` into statements: one per condition and resource set, the
/// actions sorted, so that the same plan always gives the same policy.
fn policy_of(calls: &[&OperatorCall], command: OperatorCommand) -> PolicyDocument {
    // action → (condition → resources)
    let mut by_action: BTreeMap<(Option<CallCondition>, &'static str), Vec<String>> = BTreeMap::new();
    for call in calls.iter().filter(|c| c.command == command) {
        let resources = by_action.entry((call.condition.clone(), call.action)).or_default();
        if !resources.contains(&call.resource) {
            resources.push(call.resource.clone());
        }
    }
    // (condition, resources) → actions
    let mut grouped: BTreeMap<(Option<CallCondition>, Vec<String>), Vec<&'static str>> = BTreeMap::new();
    for ((condition, action), mut resources) in by_action {
        resources.sort();
        grouped.entry((condition, resources)).or_default().push(action);
    }
    let mut statements = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for ((condition, resources), actions) in grouped {
        let service = sid_service(actions[0]);
        let count = counts.entry(service.clone()).or_default();
        *count += 1;
        let command_name = match command {
            OperatorCommand::Apply => "Apply",
            OperatorCommand::Doctor => "Doctor",
            OperatorCommand::Test => "Test",
        };
        let mut statement = Statement::allow(actions, resources).with_sid(format!("{command_name}{service}{count}"));
        if let Some(condition) = condition {
            statement = statement.with_condition(condition.operator, condition.key, condition.values);
        }
        statements.push(statement);
    }
    PolicyDocument::new(statements)
}

/// `redshift-serverless:GetNamespace` → `RedshiftServerless`.
fn sid_service(action: &str) -> String {
    let service = action.split(':').next().unwrap_or(action);
    service
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

struct Calls<'a> {
    spec: &'a Spec,
    out: Vec<OperatorCall>,
}

impl Calls<'_> {
    fn account(&self, profile: Profile) -> AccountId {
        match profile {
            Profile::Redshift => self.spec.redshift_account,
            Profile::S3 => self.spec.s3_account,
            Profile::Intermediate(account) => account,
        }
    }

    fn push(&mut self, profile: Profile, commands: &[OperatorCommand], actions: &[&'static str], resource: &str) {
        self.push_if(profile, commands, actions, resource, None);
    }

    fn push_if(
        &mut self,
        profile: Profile,
        commands: &[OperatorCommand],
        actions: &[&'static str],
        resource: &str,
        condition: Option<CallCondition>,
    ) {
        let account = self.account(profile);
        for &command in commands {
            for &action in actions {
                self.out.push(OperatorCall {
                    account,
                    command,
                    action,
                    resource: resource.to_owned(),
                    condition: condition.clone(),
                });
            }
        }
    }

    fn partition(&self) -> Partition {
        self.spec.region.partition()
    }

    /// The calls one plan step causes: `apply` reads what the step changes (doctor's read, which
    /// `apply` makes first), then writes; `destroy` removes.
    fn step(&mut self, profile: Profile, step: &Step) {
        use OperatorCommand::{Apply, Doctor};
        match step {
            Step::CreateRole { role, .. } => {
                let arn = role.to_string();
                self.push(
                    profile,
                    &[Apply, Doctor],
                    &["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
                    &arn,
                );
                // CreateRole with tags needs iam:TagRole too; UpdateAssumeRolePolicy converges the
                // trust; TagRole adopts a role redbridge did not create; DeleteRole is destroy's.
                self.push(
                    profile,
                    &[Apply],
                    &["iam:CreateRole", "iam:TagRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"],
                    &arn,
                );
                // Managed policies attached to the role (by anyone) are read to judge the hop.
                let account = self.account(profile);
                let partition = self.partition();
                for policies in
                    [format!("arn:{partition}:iam::{account}:policy/*"), format!("arn:{partition}:iam::aws:policy/*")]
                {
                    self.push(profile, &[Apply, Doctor], &["iam:GetPolicy", "iam:GetPolicyVersion"], &policies);
                }
            }
            Step::PutRolePolicy { role, .. } => {
                let arn = role.to_string();
                self.push(profile, &[Apply, Doctor], &["iam:GetRolePolicy"], &arn);
                self.push(profile, &[Apply], &["iam:PutRolePolicy", "iam:DeleteRolePolicy"], &arn);
            }
            Step::MergeKeyPolicy { key, .. } => {
                let arn = key.to_string();
                self.push(profile, &[Apply, Doctor], &["kms:DescribeKey", "kms:GetKeyPolicy"], &arn);
                self.push(profile, &[Apply], &["kms:PutKeyPolicy"], &arn);
            }
            Step::AttachRole { target, role, .. } => {
                let services: Vec<String> = match target {
                    Target::Provisioned { .. } => vec![REDSHIFT_SERVICE.to_owned()],
                    Target::Serverless { .. } => {
                        vec![REDSHIFT_SERVICE.to_owned(), REDSHIFT_SERVERLESS_SERVICE.to_owned()]
                    }
                };
                let pass = CallCondition { operator: "StringEquals", key: "iam:PassedToService", values: services };
                self.push_if(profile, &[Apply], &["iam:PassRole"], &role.to_string(), Some(pass));
                match target {
                    Target::Provisioned { .. } => {
                        let cluster = self.cluster_arn();
                        self.push(profile, &[Apply], &["redshift:ModifyClusterIamRoles"], &cluster);
                    }
                    Target::Serverless { .. } => {
                        let namespace = self.serverless_arn("namespace");
                        self.push(profile, &[Apply], &["redshift-serverless:UpdateNamespace"], &namespace);
                    }
                }
            }
        }
    }

    fn cluster_arn(&self) -> String {
        let spec = self.spec;
        format!(
            "arn:{}:redshift:{}:{}:cluster:{}",
            self.partition(),
            spec.region,
            spec.redshift_account,
            spec.target.name()
        )
    }

    /// A namespace's or workgroup's ARN ends with its id, which only AWS knows: the plan names
    /// every one of the account's in the region.
    fn serverless_arn(&self, kind: &str) -> String {
        let spec = self.spec;
        format!("arn:{}:redshift-serverless:{}:{}:{kind}/*", self.partition(), spec.region, spec.redshift_account)
    }

    /// What `apply` and `doctor` read of Redshift: the attached roles and the cluster or
    /// workgroup's state.
    fn redshift_reads(&mut self) {
        use OperatorCommand::{Apply, Doctor};
        match &self.spec.target {
            Target::Provisioned { .. } => {
                // `DescribeClusters` supports no resource-level permission: it takes `*`
                // (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html>).
                self.push(Profile::Redshift, &[Apply, Doctor], &["redshift:DescribeClusters"], "*");
            }
            Target::Serverless { .. } => {
                let namespace = self.serverless_arn("namespace");
                let workgroup = self.serverless_arn("workgroup");
                self.push(Profile::Redshift, &[Apply, Doctor], &["redshift-serverless:GetNamespace"], &namespace);
                self.push(Profile::Redshift, &[Apply, Doctor], &["redshift-serverless:GetWorkgroup"], &workgroup);
            }
        }
    }

    /// What `apply` (which reads doctor's snapshot before it changes anything) and `doctor` read of the bucket: its region, policy, ownership, default
    /// encryption, and the first objects under the prefixes.
    fn bucket_reads(&mut self) {
        use OperatorCommand::{Apply, Doctor};
        let spec = self.spec;
        let bucket = spec.bucket.arn(self.partition()).to_string();
        self.push(Profile::S3, &[Apply, Doctor], &["s3:GetBucketLocation"], &bucket);
        self.push(
            Profile::S3,
            &[Apply, Doctor],
            &["s3:GetBucketPolicy", "s3:GetBucketOwnershipControls", "s3:GetEncryptionConfiguration"],
            &bucket,
        );
        let list = self.prefix_condition();
        self.push_if(Profile::S3, &[Doctor], &["s3:ListBucket"], &bucket, list);
        if let Some(key) = &spec.kms_key
            && !self.out.iter().any(|c| c.action == "kms:DescribeKey" && c.command == Doctor)
        {
            self.push(Profile::S3, &[Apply, Doctor], &["kms:DescribeKey", "kms:GetKeyPolicy"], &key.to_string());
        }
    }

    /// What `doctor` reads of each account's organization: the organization, the account's
    /// parents up to the root, the SCPs and RCPs attached at each level, and their documents.
    /// The organization's id, and so every ARN under it, is unknown at plan time, hence `*`.
    /// A member account may read only `DescribeOrganization` unless it is a delegated
    /// administrator; doctor then says the policies were not read
    /// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html>).
    fn organization_reads(&mut self, profiles: &[Profile]) {
        // Every ARN under an organization names its management account and its id, neither known
        // here: any organization's policies, and its accounts, units and root as targets.
        // `DescribeOrganization` has no resource type: it takes `*`.
        let partition = self.partition();
        let policies = format!("arn:{partition}:organizations::*:policy/*");
        let targets = [
            format!("arn:{partition}:organizations::*:account/o-*/*"),
            format!("arn:{partition}:organizations::*:ou/o-*/ou-*"),
            format!("arn:{partition}:organizations::*:root/o-*/r-*"),
        ];
        for &profile in profiles {
            self.push(profile, &[OperatorCommand::Doctor], &["organizations:DescribeOrganization"], "*");
            for target in &targets {
                self.push(
                    profile,
                    &[OperatorCommand::Doctor],
                    &["organizations:ListParents", "organizations:ListPoliciesForTarget"],
                    target,
                );
            }
            self.push(profile, &[OperatorCommand::Doctor], &["organizations:DescribePolicy"], &policies);
        }
    }

    fn prefix_condition(&self) -> Option<CallCondition> {
        let prefixes = &self.spec.prefixes;
        (!prefixes.is_empty()).then(|| CallCondition {
            operator: "StringLike",
            key: "s3:prefix",
            values: prefixes.iter().map(|p| format!("{}*", crate::iam_limits::escape_policy_text(p))).collect(),
        })
    }

    /// `test`: the Data API in the Redshift account; the round trip's objects (listed, a marker
    /// written for a COPY-only chain, removed after) in the bucket account.
    fn test(&mut self) {
        use OperatorCommand::Test;
        let spec = self.spec;
        let partition = self.partition();
        let (target, credentials): (String, Vec<(&'static str, String)>) = match &spec.target {
            Target::Provisioned { cluster } => {
                let cluster_arn = self.cluster_arn();
                // The database is `redbridge test --database`'s, unknown to the plan.
                let databases =
                    format!("arn:{partition}:redshift:{}:{}:dbname:{cluster}/*", spec.region, spec.redshift_account);
                let credentials = if spec.db_users.is_empty() {
                    vec![("redshift:GetClusterCredentialsWithIAM", databases)]
                } else {
                    let mut credentials: Vec<(&'static str, String)> = spec
                        .db_users
                        .iter()
                        .map(|user| {
                            let user = crate::iam_limits::escape_policy_text(user);
                            (
                                "redshift:GetClusterCredentials",
                                format!(
                                    "arn:{partition}:redshift:{}:{}:dbuser:{cluster}/{user}",
                                    spec.region, spec.redshift_account
                                ),
                            )
                        })
                        .collect();
                    credentials.push(("redshift:GetClusterCredentials", databases));
                    credentials
                };
                (cluster_arn, credentials)
            }
            Target::Serverless { .. } => {
                let workgroup = self.serverless_arn("workgroup");
                (workgroup.clone(), vec![("redshift-serverless:GetCredentials", workgroup)])
            }
        };
        self.push(
            Profile::Redshift,
            &[Test],
            &["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
            &target,
        );
        for (action, resource) in credentials {
            self.push(Profile::Redshift, &[Test], &[action], &resource);
        }
        let own = CallCondition {
            operator: "StringEquals",
            key: "redshift-data:statement-owner-iam-userid",
            values: vec!["${aws:userid}".to_owned()],
        };
        self.push_if(
            Profile::Redshift,
            &[Test],
            &["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"],
            "*",
            Some(own),
        );
        // The round trip writes under `<first prefix><unique>/` and removes what it wrote.
        let base = spec.prefixes.first().map(|p| crate::iam_limits::escape_policy_text(p)).unwrap_or_default();
        let objects = spec.bucket.object_arn(partition, &format!("{base}*")).to_string();
        let bucket = spec.bucket.arn(partition).to_string();
        let list = (!base.is_empty()).then(|| CallCondition {
            operator: "StringLike",
            key: "s3:prefix",
            values: vec![format!("{base}*")],
        });
        self.push_if(Profile::S3, &[Test], &["s3:ListBucket"], &bucket, list);
        let mut writes = vec!["s3:DeleteObject"];
        if !spec.access.unload() {
            writes.push("s3:PutObject");
        }
        self.push(Profile::S3, &[Test], &writes, &objects);
        if let (Some(key), false) = (&spec.kms_key, spec.access.unload()) {
            // The marker object is written under the bucket's SSE-KMS default.
            self.push(Profile::S3, &[Test], &["kms:GenerateDataKey"], &key.to_string());
        }
    }
}

pub mod check;
pub mod principal;

#[cfg(test)]
mod tests;
