//! What every format needs to know about a plan: the accounts grouped into files, the names each
//! role goes by in code, and how a role ARN inside a policy is referred to from a given file.

use redbridge_core::Plan;
use redbridge_core::plan::Step;
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, RoleArn};
use serde_json::Value;

use crate::{AccountSelection, ExportError, Format};

/// The part an account plays, which decides its file name and the names in its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// Runs Redshift; holds the cluster role (and any hops in the same account).
    Redshift,
    /// Owns the bucket; holds the bucket role (and any hops in the same account).
    S3,
    /// Runs Redshift and owns the bucket.
    RedshiftAndS3,
    /// Holds intermediate hops only.
    Intermediate,
}

/// The steps of one account, all visits merged, in plan order.
#[derive(Debug, Clone)]
pub struct AccountPart<'a> {
    /// The account.
    pub account: AccountId,
    /// Its part.
    pub kind: AccountKind,
    /// Its steps.
    pub steps: Vec<&'a Step>,
}

impl AccountPart<'_> {
    /// The roles this account creates, in order.
    pub fn roles(&self) -> impl Iterator<Item = &RoleArn> {
        self.steps.iter().filter_map(|step| match step {
            Step::CreateRole { role, .. } => Some(role),
            _ => None,
        })
    }

    /// The prefix of this account's names in code: `redshift`, `s3` or `account_<id>`.
    pub fn prefix(&self) -> String {
        match self.kind {
            AccountKind::Redshift | AccountKind::RedshiftAndS3 => "redshift".to_owned(),
            AccountKind::S3 => "s3".to_owned(),
            AccountKind::Intermediate => format!("account_{}", self.account),
        }
    }

    /// Words for people: `Redshift account`, `bucket account`...
    pub fn describe(&self) -> &'static str {
        match self.kind {
            AccountKind::Redshift => "Redshift account",
            AccountKind::S3 => "bucket account",
            AccountKind::RedshiftAndS3 => "Redshift and bucket account",
            AccountKind::Intermediate => "intermediate account",
        }
    }
}

/// The names one role of the chain goes by.
#[derive(Debug, Clone)]
pub struct RoleNames {
    /// The role.
    pub arn: RoleArn,
    /// Snake case, for Terraform labels and variables: `cluster_role`, `hop_1_role`, `bucket_role`.
    pub snake: String,
    /// Pascal case, for CloudFormation logical ids: `ClusterRole`, `Hop1Role`, `BucketRole`.
    pub pascal: String,
    /// Words: `cluster role`, `hop 1 role`, `bucket role`.
    pub words: String,
}

impl RoleNames {
    /// The Terraform variable that holds this role's ARN when another team creates it.
    pub fn tf_variable(&self) -> String {
        format!("{}_arn", self.snake)
    }
    /// The CloudFormation parameter that holds this role's ARN when another stack creates it.
    pub fn cfn_parameter(&self) -> String {
        format!("{}Arn", self.pascal)
    }
    /// The shell variable that holds this role's ARN when another team creates it.
    pub fn shell_variable(&self) -> String {
        format!("{}_ARN", self.snake.to_ascii_uppercase())
    }
}

/// How a file refers to a role ARN that appears in one of its policies.
#[derive(Debug, Clone, Copy)]
pub enum RoleRef<'b> {
    /// A role the same file (or, for Terraform, the same module) creates.
    Created(&'b RoleNames),
    /// A role another team creates: a variable or parameter whose default is the plan's ARN.
    External(&'b RoleNames),
}

/// A plan prepared for rendering.
#[derive(Debug)]
pub struct Bundle<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The format being rendered.
    pub format: Format,
    /// Every account of the plan, in deployment order.
    pub parts: Vec<AccountPart<'a>>,
    /// Which of `parts` are rendered.
    selected: Vec<bool>,
    /// The names of every role of the chain, in hop order.
    pub roles: Vec<RoleNames>,
}

impl<'a> Bundle<'a> {
    /// Groups the plan's accounts and names its roles.
    pub fn new(plan: &'a Plan, format: Format, selection: AccountSelection) -> Result<Self, ExportError> {
        let spec = &plan.spec;
        let mut parts: Vec<AccountPart<'a>> = Vec::new();
        for account_plan in &plan.accounts {
            match parts.iter_mut().find(|p| p.account == account_plan.account) {
                Some(part) => part.steps.extend(account_plan.steps.iter()),
                None => {
                    let account = account_plan.account;
                    let kind = match (account == spec.redshift_account, account == spec.s3_account) {
                        (true, true) => AccountKind::RedshiftAndS3,
                        (true, false) => AccountKind::Redshift,
                        (false, true) => AccountKind::S3,
                        (false, false) => AccountKind::Intermediate,
                    };
                    parts.push(AccountPart { account, kind, steps: account_plan.steps.iter().collect() });
                }
            }
        }
        let selected: Vec<bool> = parts.iter().map(|part| selection.includes(spec, part.account)).collect();
        if !selected.contains(&true) {
            let account = match selection {
                AccountSelection::Account(account) => account,
                AccountSelection::Redshift => spec.redshift_account,
                AccountSelection::S3 | AccountSelection::Both => spec.s3_account,
            };
            return Err(ExportError::AccountNotInPlan { account, accounts: parts.iter().map(|p| p.account).collect() });
        }
        let chain = plan.chain.roles();
        let roles = chain
            .iter()
            .enumerate()
            .map(|(index, arn)| {
                let (snake, pascal, words) = if index == 0 {
                    ("cluster_role".to_owned(), "ClusterRole".to_owned(), "cluster role".to_owned())
                } else if index == chain.len() - 1 {
                    ("bucket_role".to_owned(), "BucketRole".to_owned(), "bucket role".to_owned())
                } else {
                    (format!("hop_{index}_role"), format!("Hop{index}Role"), format!("hop {index} role"))
                };
                RoleNames { arn: arn.clone(), snake, pascal, words }
            })
            .collect();
        Ok(Self { plan, format, parts, selected, roles })
    }

    /// The accounts to render, in deployment order.
    pub fn selected(&self) -> impl Iterator<Item = &AccountPart<'a>> {
        self.parts.iter().zip(&self.selected).filter(|(_, s)| **s).map(|(p, _)| p)
    }

    /// The accounts not rendered: another team deploys them.
    pub fn others(&self) -> impl Iterator<Item = &AccountPart<'a>> {
        self.parts.iter().zip(&self.selected).filter(|(_, s)| !**s).map(|(p, _)| p)
    }

    /// Whether an account is rendered.
    pub fn is_selected(&self, account: AccountId) -> bool {
        self.parts.iter().zip(&self.selected).any(|(p, s)| *s && p.account == account)
    }

    /// The file name of an account's code in this format.
    pub fn file_name(&self, part: &AccountPart<'_>) -> String {
        file_name(part, self.format)
    }

    /// The names of a role of the chain.
    pub fn names(&self, role: &RoleArn) -> &RoleNames {
        // Every role a plan step names is in the chain; fall back to the last name otherwise.
        self.roles.iter().find(|r| &r.arn == role).unwrap_or_else(|| &self.roles[self.roles.len() - 1])
    }

    /// How `part`'s file refers to the role whose ARN is `text`, if `text` is a chain role's ARN.
    ///
    /// A file always refers to its own roles by reference, which also orders their creation.
    /// A Terraform export of several accounts is one module, so it refers to every rendered role
    /// that way; otherwise a role in another account is an input with the plan's ARN as default.
    pub fn role_ref(&self, part: &AccountPart<'_>, text: &str) -> Option<RoleRef<'_>> {
        let names = self.roles.iter().find(|r| r.arn.to_string() == text)?;
        let account = names.arn.account();
        let created = account == part.account || (self.format == Format::Terraform && self.is_selected(account));
        Some(if created { RoleRef::Created(names) } else { RoleRef::External(names) })
    }

    /// The roles in other accounts that `part` names (in its policies, or in the chain it outputs)
    /// and must therefore take as inputs.
    pub fn external_roles(&self, part: &AccountPart<'_>) -> Vec<&RoleNames> {
        let mut out: Vec<&RoleNames> = Vec::new();
        for step in &part.steps {
            for document in step_documents(step) {
                let mut strings = Vec::new();
                collect_strings(&document.to_value(), &mut strings);
                for text in strings {
                    if let Some(RoleRef::External(names)) = self.role_ref(part, &text)
                        && !out.iter().any(|n| n.arn == names.arn)
                    {
                        out.push(names);
                    }
                }
            }
        }
        // The file that attaches the first role also outputs the whole chain.
        if part.steps.iter().any(|s| matches!(s, Step::AttachRole { .. })) {
            for role in self.chain_refs(part) {
                if let RoleRef::External(names) = role
                    && !out.iter().any(|n| n.arn == names.arn)
                {
                    out.push(names);
                }
            }
        }
        out.sort_by_key(|n| self.roles.iter().position(|r| r.arn == n.arn));
        out
    }

    /// The roles of the chain rendered as the `IAM_ROLE` string, each through `part`'s references.
    pub fn chain_refs(&self, part: &AccountPart<'_>) -> Vec<RoleRef<'_>> {
        self.roles
            .iter()
            .map(|names| self.role_ref(part, &names.arn.to_string()).unwrap_or(RoleRef::External(names)))
            .collect()
    }
}

/// The file name of an account's code: `<side>-<account>.<extension>`.
pub fn file_name(part: &AccountPart<'_>, format: Format) -> String {
    let side = match part.kind {
        AccountKind::Redshift => "redshift",
        AccountKind::S3 => "s3",
        AccountKind::RedshiftAndS3 => "redshift-s3",
        AccountKind::Intermediate => "hop",
    };
    format!("{side}-{}.{}", part.account, format.extension())
}

/// The policy documents a step carries (the key-policy statements as one document).
pub fn step_documents(step: &Step) -> Vec<PolicyDocument> {
    match step {
        Step::CreateRole { trust_policy, .. } => vec![trust_policy.clone()],
        Step::PutRolePolicy { policy, .. } => vec![policy.clone()],
        Step::MergeKeyPolicy { statements, .. } => vec![PolicyDocument::new(statements.clone())],
        Step::AttachRole { .. } => Vec::new(),
    }
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Replaces every string of `value` for which `replace` gives a value.
pub fn map_strings(value: &Value, replace: &mut impl FnMut(&str) -> Option<Value>) -> Value {
    match value {
        Value::String(s) => replace(s).unwrap_or_else(|| value.clone()),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_strings(v, replace)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), map_strings(v, replace))).collect()),
        other => other.clone(),
    }
}

/// A policy as pretty JSON text in which chain roles are written by `reference`, and every other
/// character is passed through `escape` (the host language's escaping of literal text).
pub fn policy_text(
    bundle: &Bundle<'_>,
    part: &AccountPart<'_>,
    document: &PolicyDocument,
    escape: impl Fn(&str) -> String,
    reference: impl Fn(RoleRef<'_>) -> String,
) -> String {
    // Role references are first written as sentinels, so escaping the text cannot touch them.
    let mut references: Vec<String> = Vec::new();
    let value = map_strings(&document.to_value(), &mut |text| {
        let role = bundle.role_ref(part, text)?;
        references.push(reference(role));
        Some(Value::String(sentinel(references.len() - 1)))
    });
    let mut text = escape(&serde_json::to_string_pretty(&value).unwrap_or_default());
    for (index, reference) in references.iter().enumerate() {
        text = text.replace(&sentinel(index), reference);
    }
    text
}

fn sentinel(index: usize) -> String {
    format!("@@redbridge-role-reference-{index}@@")
}
