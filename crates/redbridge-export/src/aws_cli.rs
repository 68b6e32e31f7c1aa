//! AWS CLI: one bash script per account, safe to run twice.
//!
//! The script checks the caller's account first, creates each role only when `get-role` says it
//! does not exist (and refuses to touch a role of that name that redbridge did not create), puts
//! inline policies (idempotent), and attaches the cluster role only when it is not attached yet,
//! merging a serverless namespace's current role list. It never holds credentials: profile and
//! region are variables with defaults. A key policy is never rewritten: the script prints the
//! statements to merge.

use std::fmt::Write as _;

use redbridge_core::Target;
use redbridge_core::plan::{SETUP_TAG, Step};
use redbridge_iam::policy::PolicyDocument;

use crate::model::{AccountPart, Bundle, RoleRef, policy_text};
use crate::text::{access_words, shell_double_quote, shell_heredoc_escape, shell_quote, target_words};

/// Renders one account's script.
pub fn render(bundle: &Bundle<'_>, part: &AccountPart<'_>) -> String {
    let spec = &bundle.plan.spec;
    let mut out = String::new();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    let _ = writeln!(out, "# redbridge export: AWS CLI script for the {} {}.", part.describe(), part.account);
    let _ = writeln!(
        out,
        "# Plan: {} between Redshift {} in account {} and s3://{} in account {}.",
        access_words(spec.access),
        target_words(&spec.target).replace('`', ""),
        spec.redshift_account,
        spec.bucket,
        spec.s3_account
    );
    let _ = writeln!(out, "# Safe to run twice: it checks before creating, and every write converges to the plan.");
    let _ = writeln!(out, "# No credentials here: the AWS CLI finds them; set PROFILE to use a named profile.");
    let _ = writeln!(out, "# Deployment order and what the other team needs: README.md.");
    let _ = writeln!(out, "set -euo pipefail");
    let _ = writeln!(out);
    let region = if part.kind == crate::AccountKind::S3 { &spec.bucket_region } else { &spec.region };
    let _ = writeln!(out, "PROFILE=\"${{PROFILE:-}}\"");
    let _ = writeln!(out, "REGION=\"${{REGION:-{region}}}\"");
    let _ = writeln!(out, "# ARN of a permissions boundary to put on new roles, if your organization requires one.");
    let _ = writeln!(out, "PERMISSIONS_BOUNDARY=\"${{PERMISSIONS_BOUNDARY:-}}\"");
    for names in bundle.external_roles(part) {
        let _ = writeln!(
            out,
            "# ARN of the {} that account {} creates; the default is the plan's.",
            names.words,
            names.arn.account()
        );
        let variable = names.shell_variable();
        let _ = writeln!(out, "{variable}=\"${{{variable}:-{}}}\"", names.arn);
    }
    let _ = writeln!(out, "readonly EXPECTED_ACCOUNT={}", shell_quote(part.account.as_str()));
    out.push_str(PRELUDE);
    out.push_str(HELPERS);

    let reference = |role: RoleRef<'_>| match role {
        RoleRef::Created(names) => shell_heredoc_escape(&names.arn.to_string()),
        RoleRef::External(names) => format!("${{{}}}", names.shell_variable()),
    };
    let heredoc = |variable: &str, document: &PolicyDocument| {
        format!(
            "{variable}=$(cat <<JSON\n{}\nJSON\n)\n",
            policy_text(bundle, part, document, shell_heredoc_escape, reference)
        )
    };
    for step in &part.steps {
        let _ = writeln!(out);
        match step {
            Step::CreateRole { role, description, trust_policy, tags } => {
                let names = bundle.names(role);
                let variable = format!("{}_trust", names.snake);
                out.push_str(&heredoc(&variable, trust_policy));
                let setup = tags.get(SETUP_TAG).map(String::as_str).unwrap_or_default();
                let tags: Vec<String> = tags.iter().map(|(k, v)| shell_quote(&format!("Key={k},Value={v}"))).collect();
                let _ = writeln!(
                    out,
                    "ensure_role {} {} {} \"${variable}\" {} {}",
                    shell_quote(role.name()),
                    shell_quote(role.path()),
                    shell_quote(description),
                    shell_quote(setup),
                    tags.join(" ")
                );
            }
            Step::PutRolePolicy { role, policy_name, policy } => {
                let names = bundle.names(role);
                let variable = format!("{}_policy", names.snake);
                out.push_str(&heredoc(&variable, policy));
                let _ = writeln!(
                    out,
                    "echo {}",
                    shell_double_quote(&format!("putting inline policy `{policy_name}` on role `{}`", role.name()))
                );
                let _ = writeln!(
                    out,
                    "awscli iam put-role-policy --role-name {} --policy-name {} --policy-document \"${variable}\"",
                    shell_quote(role.name()),
                    shell_quote(policy_name)
                );
            }
            Step::MergeKeyPolicy { key, statements, reason } => {
                let _ = writeln!(out, "# A key policy is one document: this script never rewrites it.");
                let _ = writeln!(out, "key_arn={}", shell_quote(&key.to_string()));
                out.push_str(&heredoc("key_policy_statements", &PolicyDocument::new(statements.clone())));
                let _ = writeln!(
                    out,
                    "echo \"manual step: key policy of \\`$key_arn\\`:\" {}",
                    shell_double_quote(&format!("{reason}; merge these statements into it:"))
                );
                let _ = writeln!(out, "printf '%s\\n' \"$key_policy_statements\"");
            }
            Step::AttachRole { target, role, .. } => match target {
                Target::Provisioned { cluster } => {
                    let _ =
                        writeln!(out, "attach_to_cluster {} {}", shell_quote(cluster), shell_quote(&role.to_string()));
                }
                Target::Serverless { namespace, .. } => {
                    let _ = writeln!(
                        out,
                        "attach_to_namespace {} {}",
                        shell_quote(namespace),
                        shell_quote(&role.to_string())
                    );
                }
            },
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "echo 'done; send these role ARNs to the teams of the other accounts:'");
    for role in part.roles() {
        let _ = writeln!(out, "echo {}", shell_quote(&format!("  {}: {role}", bundle.names(role).words)));
    }
    out
}

/// What every script of every export starts with: the `awscli` wrapper (profile and region
/// from `PROFILE` and `REGION`) and the check that the credentials are `EXPECTED_ACCOUNT`'s.
pub const PRELUDE: &str = r#"
awscli() {
  if [[ -n "$PROFILE" ]]; then
    aws --profile "$PROFILE" --region "$REGION" "$@"
  else
    aws --region "$REGION" "$@"
  fi
}

account=$(awscli sts get-caller-identity --query Account --output text)
if [[ "$account" != "$EXPECTED_ACCOUNT" ]]; then
  echo "error: the credentials are for account \`$account\`, this script is for \`$EXPECTED_ACCOUNT\`" >&2
  exit 1
fi
"#;

/// The functions the account scripts share.
const HELPERS: &str = r#"
# Succeeds when the role exists, fails when it does not, stops the script on any other error.
role_exists() {
  local err
  if err=$(awscli iam get-role --role-name "$1" 2>&1 >/dev/null); then
    return 0
  fi
  if [[ "$err" == *NoSuchEntity* ]]; then
    return 1
  fi
  echo "$err" >&2
  exit 1
}

# ensure_role NAME PATH DESCRIPTION TRUST_POLICY SETUP TAG...: creates the role, or converges the
# trust policy of the one redbridge created before for this setup; a role of that name made by
# someone else, or tagged `redbridge:setup` for another setup, is left alone.
ensure_role() {
  local name="$1" path="$2" description="$3" trust="$4" setup="$5"
  shift 5
  if role_exists "$name"; then
    local managed owner
    managed=$(awscli iam list-role-tags --role-name "$name" --query "Tags[?Key=='managed-by'].Value | [0]" --output text)
    if [[ "$managed" != "redbridge" ]]; then
      echo "error: role \`$name\` exists without the \`managed-by=redbridge\` tag; not changing it" >&2
      exit 1
    fi
    owner=$(awscli iam list-role-tags --role-name "$name" --query "Tags[?Key=='redbridge:setup'].Value | [0]" --output text)
    if [[ "$owner" == "None" ]]; then
      awscli iam tag-role --role-name "$name" --tags "Key=redbridge:setup,Value=$setup"
    elif [[ "$owner" != "$setup" ]]; then
      echo "error: role \`$name\` belongs to another redbridge setup (\`$owner\`), not to \`$setup\`; not changing it" >&2
      exit 1
    fi
    echo "role \`$name\` exists; converging its trust policy"
    awscli iam update-assume-role-policy --role-name "$name" --policy-document "$trust"
  else
    echo "creating role \`$name\`"
    local boundary=()
    if [[ -n "$PERMISSIONS_BOUNDARY" ]]; then
      boundary=(--permissions-boundary "$PERMISSIONS_BOUNDARY")
    fi
    awscli iam create-role --role-name "$name" --path "$path" --description "$description" \
      --assume-role-policy-document "$trust" --tags "$@" ${boundary[@]+"${boundary[@]}"} >/dev/null
  fi
}

# attach_to_cluster CLUSTER ROLE_ARN: adds the role (ModifyClusterIamRoles only adds) unless it is
# attached already, then waits until its ApplyStatus is `in-sync`.
attach_to_cluster() {
  local cluster="$1" arn="$2" attached status
  attached=$(awscli redshift describe-clusters --cluster-identifier "$cluster" \
    --query 'Clusters[0].IamRoles[].IamRoleArn' --output text | tr '\t' '\n')
  if grep -qxF -- "$arn" <<<"$attached"; then
    echo "role \`$arn\` is attached to cluster \`$cluster\` already"
  else
    echo "attaching \`$arn\` to cluster \`$cluster\`"
    awscli redshift modify-cluster-iam-roles --cluster-identifier "$cluster" --add-iam-roles "$arn" >/dev/null
  fi
  for _ in $(seq 1 40); do
    status=$(awscli redshift describe-clusters --cluster-identifier "$cluster" \
      --query "Clusters[0].IamRoles[?IamRoleArn=='$arn'].ApplyStatus | [0]" --output text)
    case "$status" in
      in-sync) echo "role \`$arn\` is in-sync on cluster \`$cluster\`"; return 0 ;;
      None) echo "cluster \`$cluster\` reports no apply status for \`$arn\`; check it with \`redbridge doctor\`"; return 0 ;;
      *) echo "waiting for \`$arn\` on cluster \`$cluster\` (status \`$status\`)"; sleep 15 ;;
    esac
  done
  echo "error: role \`$arn\` is not in-sync on cluster \`$cluster\` after 10 minutes" >&2
  exit 1
}

# attach_to_namespace NAMESPACE ROLE_ARN: UpdateNamespace replaces the whole role list, so this
# reads the current list (plain ARNs or `IamRole(applyStatus=..., iamRoleArn=...)` strings) and
# sends it back with the role added, unless the role is there already.
attach_to_namespace() {
  local namespace="$1" arn="$2" current entry
  local roles=()
  current=$(awscli redshift-serverless get-namespace --namespace-name "$namespace" \
    --query 'namespace.iamRoles' --output text)
  while IFS= read -r entry; do
    if [[ -z "$entry" || "$entry" == "None" ]]; then
      continue
    fi
    if [[ "$entry" =~ iamRoleArn=([^,\)]+) ]]; then
      entry="${BASH_REMATCH[1]}"
    fi
    if [[ "$entry" == "$arn" ]]; then
      echo "role \`$arn\` is attached to namespace \`$namespace\` already"
      return 0
    fi
    roles+=("$entry")
  done < <(tr '\t' '\n' <<<"$current")
  echo "attaching \`$arn\` to namespace \`$namespace\`, keeping its ${#roles[@]} other roles"
  awscli redshift-serverless update-namespace --namespace-name "$namespace" \
    --iam-roles ${roles[@]+"${roles[@]}"} "$arn" >/dev/null
}
"#;

#[cfg(test)]
mod tests {
    use redbridge_core::plan::MANAGED_TAG;

    use super::*;

    #[test]
    fn helpers_check_the_tag_the_plan_puts_on_roles() {
        assert!(HELPERS.contains(&format!("Tags[?Key=='{}'].Value", MANAGED_TAG.0)));
        assert!(HELPERS.contains(&format!("\"$managed\" != \"{}\"", MANAGED_TAG.1)));
        assert!(HELPERS.contains(&format!("Tags[?Key=='{SETUP_TAG}'].Value")));
        assert!(HELPERS.contains(&format!("Key={SETUP_TAG},Value=$setup")));
    }
}
