//! The README of an export: deployment order, how to deploy each file, and for every account not
//! in the export what its team must deploy and send back.

use std::fmt::Write as _;

use redbridge_core::Target;
use redbridge_core::plan::Step;
use redbridge_iam::policy::PolicyDocument;

use crate::model::{AccountPart, Bundle, RoleNames};
use crate::operator::OperatorPolicy;
use crate::text::{access_words, target_words};
use crate::{AccountKind, Format};

/// Renders the README (Markdown); `operator_files` are the operator-policy files of the export
/// with their policies (empty unless they were asked for).
pub fn render(bundle: &Bundle<'_>, operator_files: &[(String, Vec<OperatorPolicy>)]) -> String {
    let plan = bundle.plan;
    let spec = &plan.spec;
    let format = bundle.format;
    let mut out = String::new();
    let _ = writeln!(out, "# redbridge export ({format})\n");
    let _ = writeln!(
        out,
        "{} between Redshift {} in account `{}` ({}) and `s3://{}` in account `{}` ({}).\n",
        access_words(spec.access),
        target_words(&spec.target),
        spec.redshift_account,
        spec.region,
        spec.bucket,
        spec.s3_account,
        spec.bucket_region
    );
    let _ = writeln!(out, "Role chain, the `IAM_ROLE` value of COPY and UNLOAD: `{}`\n", plan.chain);
    let _ = writeln!(out, "Every policy below and in the files is exactly what `redbridge apply` would create.\n");

    let _ = writeln!(out, "## Deployment order\n");
    if bundle.parts.len() > 1 {
        let _ = writeln!(
            out,
            "Deploy the accounts in this order: a trust policy that names a role that does not exist yet is \
             rejected (`Invalid principal`). Do not delete and recreate a role afterwards: trust policies store \
             the role's unique id, so a recreated role is no longer trusted.\n"
        );
    }
    for (index, part) in bundle.parts.iter().enumerate() {
        let roles: Vec<String> = part.roles().map(|r| format!("`{}`", r.name())).collect();
        let place = if bundle.is_selected(part.account) {
            format!("file `{}`", bundle.file_name(part))
        } else {
            "not in this export: its team deploys it (see below)".to_owned()
        };
        let _ = writeln!(
            out,
            "{}. {} `{}`: role{} {}; {place}.",
            index + 1,
            capitalize(part.describe()),
            part.account,
            if roles.len() == 1 { "" } else { "s" },
            roles.join(", ")
        );
    }

    let _ = writeln!(out, "\n## Deploying the files of this export\n");
    out.push_str(&deploy_text(bundle));
    for part in bundle.selected() {
        let manual = manual_steps(format, part);
        if !manual.is_empty() {
            let _ = writeln!(out, "\nNot automated for the {} `{}`:\n", part.describe(), part.account);
            for step in manual {
                let _ = writeln!(out, "- {step}");
            }
        }
        let sends: Vec<String> = part
            .roles()
            .filter(|role| bundle.others().any(|other| refers_to(bundle, other, role)))
            .map(|role| send_back(bundle, bundle.names(role)))
            .collect();
        if !sends.is_empty() {
            let _ = writeln!(out, "\nSend to the other team once deployed: {}.", sends.join("; "));
        }
    }

    if !operator_files.is_empty() {
        push_operator_section(&mut out, operator_files);
    }

    for part in bundle.others() {
        let _ = writeln!(out, "\n## For the team of the {} `{}`\n", part.describe(), part.account);
        let _ = writeln!(
            out,
            "Get your file by running the same `redbridge plan` command with `--format {format} --account {}`, \
             or deploy the following by other means. Use credentials for account `{}`.\n",
            selection_flag(part),
            part.account
        );
        for step in &part.steps {
            match step {
                Step::CreateRole { role, description, trust_policy, tags } => {
                    let tags: Vec<String> = tags.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
                    let _ = writeln!(
                        out,
                        "- Role `{}` (`{role}`), description \"{description}\", tags {}; trust policy:\n",
                        role.name(),
                        tags.join(", ")
                    );
                    push_json(&mut out, trust_policy);
                }
                Step::PutRolePolicy { role, policy_name, policy } => {
                    let _ = writeln!(out, "- Inline policy `{policy_name}` on role `{}`:\n", role.name());
                    push_json(&mut out, policy);
                }
                Step::MergeKeyPolicy { key, statements, reason } => {
                    let _ = writeln!(
                        out,
                        "- Merge these statements into the key policy of `{key}` ({reason}); keep every other statement:\n"
                    );
                    push_json(&mut out, &PolicyDocument::new(statements.clone()));
                }
                Step::AttachRole { target, role, how } => {
                    let what = match target {
                        Target::Provisioned { cluster } => format!("cluster `{cluster}`"),
                        Target::Serverless { namespace, .. } => format!("namespace `{namespace}`"),
                    };
                    let _ = writeln!(out, "- Attach `{role}` to {what}: {how}.\n");
                }
            }
        }
        let inputs: Vec<String> =
            bundle.external_roles(part).into_iter().map(|names| input_text(format, names)).collect();
        if !inputs.is_empty() {
            let _ = writeln!(out, "Inputs of your file, already set to the plan's values: {}.", inputs.join("; "));
        }
        // The chain string needs every role, so every role's ARN comes back.
        let mut back: Vec<String> = part.roles().map(|role| send_back(bundle, bundle.names(role))).collect();
        if part.steps.iter().any(|s| matches!(s, Step::MergeKeyPolicy { .. })) {
            back.push(
                "whether the key-policy statements were merged, or the key policy already delegates to IAM".to_owned(),
            );
        }
        if !back.is_empty() {
            let _ = writeln!(out, "\nSend back: {}.", back.join("; "));
        }
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes from the plan\n");
        for note in &plan.notes {
            let _ = writeln!(out, "- `{}`: {}", note.code, note.message);
        }
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn selection_flag(part: &AccountPart<'_>) -> String {
    match part.kind {
        AccountKind::Redshift | AccountKind::RedshiftAndS3 => "redshift".to_owned(),
        AccountKind::S3 => "s3".to_owned(),
        AccountKind::Intermediate => part.account.to_string(),
    }
}

/// Whether any policy of `part` names `role`.
fn refers_to(bundle: &Bundle<'_>, part: &AccountPart<'_>, role: &redbridge_iam::RoleArn) -> bool {
    bundle.external_roles(part).iter().any(|names| &names.arn == role)
}

fn send_back(bundle: &Bundle<'_>, names: &RoleNames) -> String {
    let output = match bundle.format {
        Format::Terraform => format!("output `{}_arn`", names.snake),
        Format::CloudFormation => format!("stack output `{}Arn`", names.pascal),
        Format::AwsCli => "printed at the end of the script".to_owned(),
    };
    format!("the {} ARN, `{}` ({output})", names.words, names.arn)
}

fn input_text(format: Format, names: &RoleNames) -> String {
    let input = match format {
        Format::Terraform => format!("variable `{}`", names.tf_variable()),
        Format::CloudFormation => format!("parameter `{}`", names.cfn_parameter()),
        Format::AwsCli => format!("environment variable `{}`", names.shell_variable()),
    };
    format!("{input} = `{}`", names.arn)
}

fn deploy_text(bundle: &Bundle<'_>) -> String {
    let mut out = String::new();
    let files: Vec<String> = bundle.selected().map(|p| format!("`{}`", bundle.file_name(p))).collect();
    match bundle.format {
        Format::Terraform => {
            let _ = writeln!(
                out,
                "Put {} in one directory and run `terraform init` and `terraform apply`. Each account has its own \
                 aliased `aws` provider, which refuses credentials for any other account (`allowed_account_ids`); \
                 choose them with the `*_profile` variables (null: the default credential chain).",
                files.join(" and ")
            );
            if files.len() > 1 {
                let _ = writeln!(
                    out,
                    "\nTogether the files form one module: roles refer to each other as resources, so Terraform creates \
                     them in the right order. Only the first file holds the `terraform` block."
                );
            }
        }
        Format::CloudFormation => {
            for part in bundle.selected() {
                let _ = writeln!(
                    out,
                    "- With credentials for account `{}`: `aws cloudformation deploy --template-file {} --stack-name redbridge-{} --capabilities CAPABILITY_NAMED_IAM`",
                    part.account,
                    bundle.file_name(part),
                    part.prefix().replace('_', "-")
                );
            }
            let _ = writeln!(
                out,
                "\nRoles in other accounts are parameters whose defaults are the plan's ARNs; override one with \
                 `--parameter-overrides Name=arn` only if the other team sends back a different ARN."
            );
        }
        Format::AwsCli => {
            for part in bundle.selected() {
                let _ = writeln!(
                    out,
                    "- With credentials for account `{}`: `PROFILE=<profile> bash {}` (the script stops if the credentials are for another account)",
                    part.account,
                    bundle.file_name(part)
                );
            }
            let _ = writeln!(
                out,
                "\nThe scripts are safe to run twice. Roles in other accounts are environment variables whose defaults \
                 are the plan's ARNs."
            );
        }
    }
    out
}

/// What the selected account's file cannot do, in words.
fn manual_steps(format: Format, part: &AccountPart<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for step in &part.steps {
        match step {
            Step::MergeKeyPolicy { key, reason, .. } => {
                let place = match format {
                    Format::Terraform => "the file has them in `local.key_policy_statements`",
                    Format::CloudFormation => "the template has them in `Metadata.Redbridge.KeyPolicy`",
                    Format::AwsCli => "the script prints them",
                };
                out.push(format!(
                    "merge the key-policy statements into the policy of `{key}` ({reason}); a key policy is one document, \
                     so no file replaces it: {place}"
                ));
            }
            Step::AttachRole { target: Target::Serverless { namespace, .. }, role, .. } if format != Format::AwsCli => {
                out.push(format!(
                    "attach `{role}` to namespace `{namespace}`: UpdateNamespace replaces the whole role list, so add the \
                     role to the list where the namespace is managed, or run the AWS CLI export, which reads the current \
                     list and merges"
                ));
            }
            Step::AttachRole { target: Target::Provisioned { cluster }, role, .. } if format == Format::CloudFormation => out.push(format!(
                "CloudFormation has no resource that adds one role to an existing cluster: attach `{role}` to cluster \
                 `{cluster}` with the Terraform or AWS CLI export, or `aws redshift modify-cluster-iam-roles \
                 --cluster-identifier {cluster} --add-iam-roles {role}` (adds only)"
            )),
            _ => {}
        }
    }
    out
}

fn push_json(out: &mut String, document: &PolicyDocument) {
    let _ = writeln!(out, "  ```json");
    for line in document.to_json_pretty().lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "  ```\n");
}

/// The section on the operator's policies: which file holds which policy, and what to do with it.
fn push_operator_section(out: &mut String, operator_files: &[(String, Vec<OperatorPolicy>)]) {
    let _ = writeln!(out, "\n## The operator's policies\n");
    let _ = writeln!(
        out,
        "The person (or pipeline) running redbridge needs these permissions, one managed policy per command, \
         exactly the plan's `operator_policies`. Deploy each file with the account's admin credentials, then \
         attach the policies to the IAM user or role that runs redbridge with that account's profile: `apply` \
         for `redbridge apply` and `destroy`, `doctor` for `redbridge doctor` (read only), `test` for \
         `redbridge test`. `redbridge doctor --operator` checks a profile against them.\n"
    );
    for (file, policies) in operator_files {
        let names: Vec<String> = policies.iter().map(|p| format!("`{}` ({})", p.name, p.command.as_str())).collect();
        let _ = writeln!(out, "- `{file}`: {}.", names.join(", "));
    }
}
