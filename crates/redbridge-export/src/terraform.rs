//! Terraform HCL: one file per account, each with its own aliased `aws` provider.
//!
//! The files of one export form one root module when put in one directory: names are prefixed by
//! the account's part (`redshift_`, `s3_`), roles in other rendered accounts are referred to as
//! resources (which also orders their creation), and only the first file holds the `terraform`
//! block. A file rendered alone takes the other accounts' role ARNs as variables whose defaults
//! are the plan's ARNs. Policies are heredocs of the plan's exact JSON.

use std::fmt::Write as _;

use redbridge_core::Target;
use redbridge_core::plan::Step;
use redbridge_iam::policy::PolicyDocument;

use crate::model::{AccountKind, AccountPart, Bundle, RoleRef, policy_text};
use crate::text::{access_words, hcl_string, hcl_template_escape, prefix_lines, target_words};

/// Renders one account's file; `first` says whether it carries the `terraform` block.
pub fn render(bundle: &Bundle<'_>, part: &AccountPart<'_>, first: bool) -> String {
    let spec = &bundle.plan.spec;
    let prefix = part.prefix();
    let provider = format!("aws.{prefix}");
    let mut out = String::new();
    let _ = writeln!(out, "# redbridge export: Terraform for the {} `{}`.", part.describe(), part.account);
    let _ = writeln!(
        out,
        "# Plan: {} between Redshift {} in account `{}` and s3://{} in account `{}`.",
        access_words(spec.access),
        target_words(&spec.target),
        spec.redshift_account,
        spec.bucket,
        spec.s3_account
    );
    let _ =
        writeln!(out, "# The policy documents are exactly the plan's: regenerate this file instead of editing them.");
    let _ = writeln!(out, "# Deployment order and what the other team needs: README.md.");
    if first {
        out.push_str(
            "\nterraform {\n  required_version = \">= 1.3\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n",
        );
    }

    // Variables: what a team may want to change without touching the policies.
    let region = if part.kind == AccountKind::S3 { &spec.bucket_region } else { &spec.region };
    variable(
        &mut out,
        &format!("{prefix}_region"),
        "Region of the provider for this account (IAM is global; the Redshift attachment is regional)",
        "string",
        &hcl_string(region.as_str()),
    );
    variable(
        &mut out,
        &format!("{prefix}_profile"),
        &format!("AWS CLI profile with credentials for account {} (null: the default credential chain)", part.account),
        "string",
        "null",
    );
    variable(
        &mut out,
        &format!("{prefix}_permissions_boundary"),
        "ARN of a permissions boundary to put on the roles, if your organization requires one (null: none)",
        "string",
        "null",
    );
    variable(
        &mut out,
        &format!("{prefix}_extra_tags"),
        "Tags added to the roles; the managed-by and redbridge:setup tags are always set",
        "map(string)",
        "{}",
    );
    for names in bundle.external_roles(part) {
        let name = names.tf_variable();
        let account = names.arn.account();
        let _ = writeln!(out, "\nvariable \"{name}\" {{");
        let _ = writeln!(
            out,
            "  description = {}",
            hcl_string(&format!(
                "ARN of the {} that account {account} creates (its output {}); the default is the plan's",
                names.words,
                names.tf_variable()
            ))
        );
        let _ = writeln!(out, "  type        = string");
        let _ = writeln!(out, "  default     = {}", hcl_string(&names.arn.to_string()));
        let _ = writeln!(out, "\n  validation {{");
        let pattern = format!("^arn:{}:iam::{account}:role/", names.arn.partition());
        let _ = writeln!(out, "    condition     = can(regex({}, var.{name}))", hcl_string(&pattern));
        let _ = writeln!(
            out,
            "    error_message = {}",
            hcl_string(&format!("The {} must be a role ARN in account {account}.", names.words))
        );
        let _ = writeln!(out, "  }}\n}}");
    }
    let provisioned_attach =
        part.steps.iter().any(|s| matches!(s, Step::AttachRole { target: Target::Provisioned { .. }, .. }));
    if provisioned_attach {
        variable(
            &mut out,
            "redshift_attach_cluster_role",
            "Whether to attach the cluster role here; set to false when the cluster's role list is managed elsewhere, and add the role there",
            "bool",
            "true",
        );
    }

    let _ = writeln!(out, "\nprovider \"aws\" {{");
    let _ = writeln!(out, "  alias               = \"{prefix}\"");
    let _ = writeln!(out, "  region              = var.{prefix}_region");
    let _ = writeln!(out, "  profile             = var.{prefix}_profile");
    let _ = writeln!(out, "  allowed_account_ids = [\"{}\"]", part.account);
    let _ = writeln!(out, "}}");

    let reference = |role: RoleRef<'_>| match role {
        RoleRef::Created(names) => format!("${{aws_iam_role.{}.arn}}", names.snake),
        RoleRef::External(names) => format!("${{var.{}}}", names.tf_variable()),
    };
    let heredoc = |document: &PolicyDocument| {
        format!("<<EOT\n{}\nEOT", policy_text(bundle, part, document, hcl_template_escape, reference))
    };
    let mut policy_labels: Vec<String> = Vec::new();
    for step in &part.steps {
        match step {
            Step::CreateRole { role, description, trust_policy, tags } => {
                let names = bundle.names(role);
                let _ = writeln!(out, "\nresource \"aws_iam_role\" \"{}\" {{", names.snake);
                let _ = writeln!(out, "  provider             = {provider}");
                let _ = writeln!(out, "  name                 = {}", hcl_string(role.name()));
                if role.path() != "/" {
                    let _ = writeln!(out, "  path                 = {}", hcl_string(role.path()));
                }
                let _ = writeln!(out, "  description          = {}", hcl_string(description));
                let _ = writeln!(out, "  permissions_boundary = var.{prefix}_permissions_boundary");
                let tags: Vec<String> =
                    tags.iter().map(|(k, v)| format!("{} = {}", hcl_string(k), hcl_string(v))).collect();
                let _ =
                    writeln!(out, "  tags                 = merge(var.{prefix}_extra_tags, {{ {} }})", tags.join(", "));
                let _ = writeln!(out, "  assume_role_policy   = {}", heredoc(trust_policy));
                let _ = writeln!(out, "}}");
            }
            Step::PutRolePolicy { role, policy_name, policy } => {
                let names = bundle.names(role);
                let kind = if policy_name.starts_with("redbridge-assume-") {
                    "assume_next".to_owned()
                } else if policy_name.starts_with("redbridge-s3-") {
                    "bucket_access".to_owned()
                } else {
                    policy_name
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
                        .collect()
                };
                let mut label = format!("{}_{kind}", names.snake);
                let mut n = 2;
                while policy_labels.contains(&label) {
                    label = format!("{}_{kind}_{n}", names.snake);
                    n += 1;
                }
                policy_labels.push(label.clone());
                let _ = writeln!(out, "\nresource \"aws_iam_role_policy\" \"{label}\" {{");
                let _ = writeln!(out, "  provider = {provider}");
                let _ = writeln!(out, "  name     = {}", hcl_string(policy_name));
                let _ = writeln!(out, "  role     = aws_iam_role.{}.id", names.snake);
                let _ = writeln!(out, "  policy   = {}", heredoc(policy));
                let _ = writeln!(out, "}}");
            }
            Step::MergeKeyPolicy { key, statements, reason } => {
                let _ = writeln!(out);
                let _ = writeln!(out, "# Key policy of {key}: {reason}.");
                out.push_str(&prefix_lines(
                    "A key policy is one document, so this file does not manage it: `aws_kms_key_policy` and\n\
                     `aws_kms_key.policy` replace the whole policy and would drop every statement not listed.\n\
                     Merge the statements below where the key policy is managed, for example:\n\
                     \n  data \"aws_iam_policy_document\" \"key\" {\n    source_policy_documents = [<the current key policy JSON>, local.key_policy_statements]\n  }\n\n\
                     or with `aws kms get-key-policy`, an edit that adds them, and `aws kms put-key-policy`.",
                    "# ",
                ));
                let _ = writeln!(out, "locals {{");
                let _ = writeln!(out, "  key_policy_key_arn    = {}", hcl_string(&key.to_string()));
                let _ =
                    writeln!(out, "  key_policy_statements = {}", heredoc(&PolicyDocument::new(statements.clone())));
                let _ = writeln!(out, "}}");
                let _ = writeln!(out, "\noutput \"key_policy_statements\" {{");
                let _ = writeln!(
                    out,
                    "  description = {}",
                    hcl_string(&format!(
                        "Statements to merge into the key policy of {key} (never replace that policy with them)"
                    ))
                );
                let _ = writeln!(out, "  value       = local.key_policy_statements");
                let _ = writeln!(out, "}}");
            }
            Step::AttachRole { target, role, .. } => {
                let names = bundle.names(role);
                match target {
                    Target::Provisioned { cluster } => {
                        let _ = writeln!(out);
                        out.push_str(&prefix_lines(
                            &format!(
                                "Attach the cluster role to cluster `{cluster}`: the first role of a chain must be attached.\n\
                                 `aws_redshift_cluster_iam_roles` owns the cluster's whole role list. Creating it adds only\n\
                                 this role (what `redbridge apply` does); `ignore_changes` keeps later applies from detaching\n\
                                 roles others attached, since a refresh reads every attached role into its state. Destroying\n\
                                 it would detach every role in that state, so `prevent_destroy` is set: to remove the role,\n\
                                 `terraform state rm` this resource and detach it with\n\
                                 `aws redshift modify-cluster-iam-roles --cluster-identifier {cluster} --remove-iam-roles <arn>`.\n\
                                 If the cluster's roles are managed elsewhere (`aws_redshift_cluster.iam_roles`), set\n\
                                 `redshift_attach_cluster_role = false` and add the role there."
                            ),
                            "# ",
                        ));
                        let _ = writeln!(out, "resource \"aws_redshift_cluster_iam_roles\" \"{}\" {{", names.snake);
                        let _ = writeln!(out, "  count              = var.redshift_attach_cluster_role ? 1 : 0");
                        let _ = writeln!(out, "  provider           = {provider}");
                        let _ = writeln!(out, "  cluster_identifier = {}", hcl_string(cluster));
                        let _ = writeln!(out, "  iam_role_arns      = [aws_iam_role.{}.arn]", names.snake);
                        let _ = writeln!(
                            out,
                            "\n  lifecycle {{\n    ignore_changes  = [iam_role_arns]\n    prevent_destroy = true\n  }}\n}}"
                        );
                    }
                    Target::Serverless { namespace, .. } => {
                        let _ = writeln!(out);
                        out.push_str(&prefix_lines(
                            &format!(
                                "Attach the cluster role to serverless namespace `{namespace}`: not done by this file.\n\
                                 A namespace's roles are its `iam_roles` argument, and UpdateNamespace replaces the whole\n\
                                 list: a list with only this role would detach every other role. In the module that\n\
                                 manages the namespace, add the role to the list it already has:\n\
                                 \n  resource \"aws_redshiftserverless_namespace\" \"...\" {{\n    namespace_name = \"{namespace}\"\n    iam_roles      = concat([<the roles it lists now>], [\"{role}\"])\n    # ...\n  }}\n\n\
                                 If the namespace is not managed by Terraform, attach with the AWS CLI export (it reads\n\
                                 the current list and merges) or `redbridge apply`. Its current roles:\n\
                                 `aws redshift-serverless get-namespace --namespace-name {namespace} --query namespace.iamRoles`."
                            ),
                            "# ",
                        ));
                    }
                }
            }
        }
    }

    for role in part.roles() {
        let names = bundle.names(role);
        let _ = writeln!(out, "\noutput \"{}_arn\" {{", names.snake);
        let _ = writeln!(
            out,
            "  description = {}",
            hcl_string(&format!("ARN of the {} (send it to the teams of the other accounts)", names.words))
        );
        let _ = writeln!(out, "  value       = aws_iam_role.{}.arn", names.snake);
        let _ = writeln!(out, "}}");
    }
    if part.steps.iter().any(|s| matches!(s, Step::AttachRole { .. })) {
        let elements: Vec<String> = bundle
            .chain_refs(part)
            .into_iter()
            .map(|r| match r {
                RoleRef::Created(names) => format!("aws_iam_role.{}.arn", names.snake),
                RoleRef::External(names) => format!("var.{}", names.tf_variable()),
            })
            .collect();
        let _ = writeln!(out, "\noutput \"iam_role_chain\" {{");
        let _ = writeln!(
            out,
            "  description = \"The IAM_ROLE value of COPY and UNLOAD: the chain's ARNs, comma separated, no spaces\""
        );
        let _ = writeln!(out, "  value       = join(\",\", [{}])", elements.join(", "));
        let _ = writeln!(out, "}}");
    }
    out
}

fn variable(out: &mut String, name: &str, description: &str, ty: &str, default: &str) {
    let _ = writeln!(out, "\nvariable \"{name}\" {{");
    let _ = writeln!(out, "  description = {}", hcl_string(description));
    let _ = writeln!(out, "  type        = {ty}");
    let _ = writeln!(out, "  default     = {default}");
    let _ = writeln!(out, "}}");
}
