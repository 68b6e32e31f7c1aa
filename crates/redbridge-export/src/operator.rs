//! The operator's policies (`--with-operator-policies`): one file per account with the managed
//! policies the person running `redbridge apply`/`destroy`, `doctor` and `test` needs there.
//!
//! The documents are exactly the plan's `operator_policies` (a plan of one account has the same
//! document under `redshift` and `s3`, and gets one file). They are literal: a role ARN in them is
//! the planned ARN, never a reference to the role resource, because the operator needs the policy
//! before the role exists. Each policy is a customer managed policy named after the setup, for the
//! account's admins to attach to the IAM user or role that runs redbridge with that account's
//! profile; nothing here attaches it, since who runs redbridge is the admins' choice.

use std::fmt::Write as _;

use redbridge_core::Target;
use redbridge_core::iam_limits::fit_name;
use redbridge_core::operator::{AccountOperatorPolicies, OperatorCommand};
use redbridge_iam::AccountId;
use redbridge_iam::policy::PolicyDocument;
use serde_json::{Map, Value, json};

use crate::model::{AccountPart, Bundle};
use crate::text::{hcl_string, hcl_template_escape, shell_double_quote, shell_heredoc_escape, shell_quote};
use crate::{AccountKind, Format};

/// IAM's limit on a managed policy's name.
const POLICY_NAME_MAX: usize = 128;

/// One operator policy of an account: the command it serves, its name and its document.
#[derive(Debug, Clone)]
pub struct OperatorPolicy {
    /// The command.
    pub command: OperatorCommand,
    /// The managed policy's name.
    pub name: String,
    /// The document, exactly the plan's.
    pub document: PolicyDocument,
}

/// The operator policies of `part`'s account that have statements, in the runbook's order.
pub fn policies(bundle: &Bundle<'_>, part: &AccountPart<'_>) -> Vec<OperatorPolicy> {
    let Some(account) = account_policies(bundle, part.account) else { return Vec::new() };
    OperatorCommand::ALL
        .iter()
        .map(|&command| OperatorPolicy {
            command,
            name: policy_name(bundle, command),
            document: account.policy(command).clone(),
        })
        .filter(|policy| !policy.document.statements.is_empty())
        .collect()
}

fn account_policies<'a>(bundle: &'a Bundle<'_>, account: AccountId) -> Option<&'a AccountOperatorPolicies> {
    let all = &bundle.plan.operator_policies;
    [&all.redshift, &all.s3].into_iter().chain(all.intermediate.iter()).find(|p| p.account == account)
}

/// `redbridge-operator-<command>-<cluster or namespace>-<bucket>`, within IAM's 128 characters.
/// Cluster, namespace and bucket names only hold characters a policy name allows.
pub fn policy_name(bundle: &Bundle<'_>, command: OperatorCommand) -> String {
    let spec = &bundle.plan.spec;
    let attach_point = match &spec.target {
        Target::Provisioned { cluster } => cluster,
        Target::Serverless { namespace, .. } => namespace,
    };
    fit_name(&format!("redbridge-operator-{}-{attach_point}-{}", command.as_str(), spec.bucket), POLICY_NAME_MAX)
}

/// Who uses a command's policy, in words.
fn purpose(command: OperatorCommand) -> &'static str {
    match command {
        OperatorCommand::Apply => "`redbridge apply` and `redbridge destroy`",
        OperatorCommand::Doctor => "`redbridge doctor` (read only)",
        OperatorCommand::Test => "`redbridge test`",
    }
}

/// The policy's description (IAM allows 1,000 characters; this stays far below).
fn description(part: &AccountPart<'_>, command: OperatorCommand) -> String {
    format!(
        "redbridge: what the operator running {} needs in the {} {}",
        purpose(command).replace('`', ""),
        part.describe(),
        part.account
    )
}

/// The operator file name: `operator-<side>-<account>.<extension>`.
pub fn file_name(part: &AccountPart<'_>, format: Format) -> String {
    format!("operator-{}", crate::model::file_name(part, format))
}

/// Renders `part`'s operator file, or `None` when the account needs no permission.
pub fn render(bundle: &Bundle<'_>, part: &AccountPart<'_>) -> Option<String> {
    let policies = policies(bundle, part);
    if policies.is_empty() {
        return None;
    }
    Some(match bundle.format {
        Format::Terraform => terraform(part, &policies),
        Format::CloudFormation => cloudformation(part, &policies),
        Format::AwsCli => aws_cli(bundle, part, &policies),
    })
}

fn pretty(document: &PolicyDocument) -> String {
    serde_json::to_string_pretty(&document.to_value()).unwrap_or_default()
}

fn terraform(part: &AccountPart<'_>, policies: &[OperatorPolicy]) -> String {
    let prefix = part.prefix();
    let mut out = String::new();
    let _ = writeln!(out, "# redbridge export: the operator's policies in the {} `{}`.", part.describe(), part.account);
    let _ = writeln!(
        out,
        "# Attach them to the IAM user or role that runs redbridge with this account's profile: one per command."
    );
    let _ = writeln!(out, "# The documents are exactly the plan's `operator_policies`: regenerate instead of editing.");
    let _ =
        writeln!(out, "# Uses the provider `aws.{prefix}` of {}.", crate::model::file_name(part, Format::Terraform));
    for policy in policies {
        let label = format!("{prefix}_operator_{}", policy.command.as_str());
        let _ = writeln!(out, "\nresource \"aws_iam_policy\" \"{label}\" {{");
        let _ = writeln!(out, "  provider    = aws.{prefix}");
        let _ = writeln!(out, "  name        = {}", hcl_string(&policy.name));
        let _ = writeln!(out, "  description = {}", hcl_string(&description(part, policy.command)));
        let _ = writeln!(out, "  policy      = <<EOT\n{}\nEOT", hcl_template_escape(&pretty(&policy.document)));
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "\noutput \"{label}_policy_arn\" {{");
        let _ = writeln!(
            out,
            "  description = {}",
            hcl_string(&format!("ARN of the policy for {}", purpose(policy.command).replace('`', "")))
        );
        let _ = writeln!(out, "  value       = aws_iam_policy.{label}.arn");
        let _ = writeln!(out, "}}");
    }
    out
}

fn pascal(command: OperatorCommand) -> &'static str {
    match command {
        OperatorCommand::Apply => "OperatorApplyPolicy",
        OperatorCommand::Doctor => "OperatorDoctorPolicy",
        OperatorCommand::Test => "OperatorTestPolicy",
    }
}

fn cloudformation(part: &AccountPart<'_>, policies: &[OperatorPolicy]) -> String {
    let mut resources = Map::new();
    let mut outputs = Map::new();
    for policy in policies {
        let id = pascal(policy.command);
        resources.insert(
            id.to_owned(),
            json!({
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "ManagedPolicyName": policy.name,
                    "Description": description(part, policy.command),
                    "PolicyDocument": policy.document.to_value(),
                },
            }),
        );
        outputs.insert(
            format!("{id}Arn"),
            json!({
                "Description": format!("ARN of the policy for {}", purpose(policy.command).replace('`', "")),
                "Value": {"Ref": id},
            }),
        );
    }
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!(
            "redbridge: the managed policies the operator running redbridge needs in the {} {}; attach them to the IAM user or role that runs it with this account's profile.",
            part.describe(),
            part.account
        ),
        "Resources": Value::Object(resources),
        "Outputs": Value::Object(outputs),
    });
    let mut text = serde_json::to_string_pretty(&template).unwrap_or_default();
    text.push('\n');
    text
}

fn aws_cli(bundle: &Bundle<'_>, part: &AccountPart<'_>, policies: &[OperatorPolicy]) -> String {
    let spec = &bundle.plan.spec;
    let region = if part.kind == AccountKind::S3 { &spec.bucket_region } else { &spec.region };
    let mut out = String::new();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    let _ = writeln!(out, "# redbridge export: the operator's policies in the {} {}.", part.describe(), part.account);
    let _ = writeln!(
        out,
        "# Creates (or updates to a new default version) one managed policy per command; attach them to the"
    );
    let _ = writeln!(out, "# IAM user or role that runs redbridge with this account's profile. Safe to run twice.");
    let _ = writeln!(out, "# No credentials here: the AWS CLI finds them; set PROFILE to use a named profile.");
    let _ = writeln!(out, "set -euo pipefail");
    let _ = writeln!(out);
    let _ = writeln!(out, "PROFILE=\"${{PROFILE:-}}\"");
    let _ = writeln!(out, "REGION=\"${{REGION:-{region}}}\"");
    let _ = writeln!(out, "readonly EXPECTED_ACCOUNT={}", shell_quote(part.account.as_str()));
    let _ = writeln!(out, "readonly PARTITION={}", shell_quote(&spec.region.partition().to_string()));
    out.push_str(crate::aws_cli::PRELUDE);
    out.push_str(HELPERS);
    for policy in policies {
        let variable = format!("{}_policy", policy.command.as_str());
        let _ = writeln!(out);
        let _ = writeln!(out, "{variable}=$(cat <<JSON\n{}\nJSON\n)", shell_heredoc_escape(&pretty(&policy.document)));
        let _ = writeln!(
            out,
            "ensure_policy {} {} \"${variable}\"",
            shell_quote(&policy.name),
            shell_quote(&description(part, policy.command))
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "echo {}",
        shell_double_quote("done: attach the policies to the IAM user or role that runs redbridge in this account")
    );
    out
}

const HELPERS: &str = r#"
# Creates the managed policy, or makes the document its new default version. IAM keeps at most
# five versions, so the oldest non-default one is deleted first when there are five.
ensure_policy() {
  local name="$1" description="$2" document="$3" arn err count oldest
  arn="arn:${PARTITION}:iam::${EXPECTED_ACCOUNT}:policy/${name}"
  if err=$(awscli iam get-policy --policy-arn "$arn" 2>&1 >/dev/null); then
    count=$(awscli iam list-policy-versions --policy-arn "$arn" --query 'length(Versions)' --output text)
    if (( count >= 5 )); then
      oldest=$(awscli iam list-policy-versions --policy-arn "$arn" \
        --query 'sort_by(Versions[?!IsDefaultVersion], &CreateDate)[0].VersionId' --output text)
      awscli iam delete-policy-version --policy-arn "$arn" --version-id "$oldest"
    fi
    echo "updating policy \`$name\`"
    awscli iam create-policy-version --policy-arn "$arn" --policy-document "$document" --set-as-default >/dev/null
  elif [[ "$err" == *NoSuchEntity* ]]; then
    echo "creating policy \`$name\`"
    awscli iam create-policy --policy-name "$name" --description "$description" \
      --policy-document "$document" >/dev/null
  else
    echo "$err" >&2
    exit 1
  fi
}
"#;
