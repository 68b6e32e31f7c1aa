//! The `deploy` step: the plan exported as CloudFormation templates, AWS CLI scripts or
//! Terraform, deployed into both accounts with the AWS CLI, `bash` and `terraform` as the other
//! teams would, every run recorded like `redbridge`'s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail, ensure};

use super::{Run, Runner};
use crate::scenario::DeployHow;
use crate::world::Target;

impl Runner<'_> {
    /// Deploys the plan's CloudFormation templates or AWS CLI scripts into both accounts.
    pub(super) async fn deploy(&mut self, how: DeployHow) -> anyhow::Result<String> {
        let format = match how {
            DeployHow::Cloudformation => "cloudformation",
            DeployHow::AwsCli => "aws-cli",
            DeployHow::Terraform => "terraform",
        };
        let out = self.world.dir.join(format);
        let mut args = self.with_spec("plan");
        args.extend(["--format".to_owned(), format.to_owned(), "--out".to_owned(), out.display().to_string()]);
        let run = self.run(&args)?;
        ensure!(run.code == Some(0), "`redbridge plan --format {format}` failed: {}", run.stderr.trim());
        if how == DeployHow::Terraform {
            return self.terraform(&out);
        }
        // The Redshift account first: the bucket role's trust names the cluster role, and IAM
        // refuses a principal that does not exist yet.
        let sides = [
            ("redshift", self.world.redshift_account.clone(), self.world.region.clone()),
            ("s3", self.world.s3_account.clone(), self.world.bucket_region.clone()),
        ];
        let mut done = Vec::new();
        for (side, account, region) in &sides {
            match how {
                DeployHow::Cloudformation => {
                    // `create-stack` and a 1 s poll: `cloudformation deploy` waits in 30 s steps.
                    let template = out.join(format!("{side}-{account}.template.json"));
                    let stack = format!("redbridge-{side}");
                    let common = ["--profile", side, "--region", region, "--stack-name", &stack].map(str::to_owned);
                    let mut args: Vec<String> = ["cloudformation", "create-stack"].map(str::to_owned).to_vec();
                    args.extend(common.iter().cloned());
                    args.extend(["--capabilities".to_owned(), "CAPABILITY_NAMED_IAM".to_owned()]);
                    args.extend(["--template-body".to_owned(), format!("file://{}", template.display())]);
                    self.shell("aws", &args, &[])?;
                    let mut status = String::new();
                    for _ in 0..120 {
                        let mut args: Vec<String> = ["cloudformation", "describe-stacks"].map(str::to_owned).to_vec();
                        args.extend(common.iter().cloned());
                        args.extend(["--query", "Stacks[0].StackStatus", "--output", "text"].map(str::to_owned));
                        status = self.shell("aws", &args, &[])?.trim().to_owned();
                        if !status.ends_with("_IN_PROGRESS") {
                            break;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    ensure!(status == "CREATE_COMPLETE", "stack `{stack}` in {account} ended `{status}`");
                    done.push(format!("stack {stack} in {account}"));
                }
                DeployHow::Terraform => bail!("terraform deploys both accounts in one module, above"),
                DeployHow::AwsCli => {
                    let script = out.join(format!("{side}-{account}.sh"));
                    for _ in 0..2 {
                        self.shell("bash", &[script.display().to_string()], &[("PROFILE", side), ("REGION", region)])?;
                    }
                    done.push(format!("{side}-{account}.sh twice"));
                    // The script prints the key-policy statements for people to merge (a key
                    // policy is one document; it never rewrites it): merge them as a person would.
                    let text = std::fs::read_to_string(&script)?;
                    if let Some(start) = text.find("key_policy_statements=$(cat <<JSON\n") {
                        let rest = &text[start + "key_policy_statements=$(cat <<JSON\n".len()..];
                        let json = &rest[..rest.find("\nJSON").context("the key-policy heredoc does not end")?];
                        let merged = self.world.merge_key_statements(json).await?;
                        done.push(format!("merged {merged} printed key-policy statement(s) by hand"));
                    }
                }
            }
        }
        if how == DeployHow::Cloudformation {
            // The templates leave the attachment to people (Metadata.Redbridge.ManualSteps):
            // CloudFormation would otherwise own, and replace, the cluster's whole role list.
            let role = self.world.chain.first().context("no chain")?.clone();
            let Target::Cluster { id, .. } = self.world.target.clone() else {
                bail!("the CloudFormation scenario attaches to a provisioned cluster; give it a `cluster`");
            };
            let args: Vec<String> = [
                "redshift",
                "modify-cluster-iam-roles",
                "--profile",
                "redshift",
                "--cluster-identifier",
                &id,
                "--add-iam-roles",
                &role,
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
            self.shell("aws", &args, &[])?;
            tokio::time::sleep(Duration::from_millis(1500)).await;
            done.push(format!("attached with `aws redshift modify-cluster-iam-roles` ({id})"));
        }
        Ok(format!("deploy {format}: {}", done.join(", ")))
    }

    /// `terraform init` and `apply` of the exported module (both accounts' files, one module:
    /// the outputs join their ARNs), then a second `apply` that must change nothing. The AWS
    /// provider comes from a filesystem mirror; endpoints from `AWS_ENDPOINT_URL` and
    /// `AWS_ENDPOINT_URL_REDSHIFT`, which the provider reads like every AWS SDK.
    fn terraform(&mut self, out: &Path) -> anyhow::Result<String> {
        let plugins =
            std::env::var_os("REDBRIDGE_TF_PLUGINS").map_or_else(|| PathBuf::from("/opt/tf-plugins"), PathBuf::from);
        ensure!(
            plugins.join("registry.terraform.io/hashicorp/aws").is_dir(),
            "no AWS provider mirror at `{}` (set REDBRIDGE_TF_PLUGINS to a directory holding registry.terraform.io/hashicorp/aws)",
            plugins.display()
        );
        let rc = out.join("terraformrc");
        std::fs::write(
            &rc,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
                plugins.display()
            ),
        )?;
        let rc = rc.display().to_string();
        let emu = self.world.services.emu.clone();
        let aws = self.world.services.aws.clone();
        let env = [
            ("TF_CLI_CONFIG_FILE", rc.as_str()),
            ("TF_IN_AUTOMATION", "1"),
            ("CHECKPOINT_DISABLE", "1"),
            ("AWS_ENDPOINT_URL", aws.as_str()),
            ("AWS_ENDPOINT_URL_REDSHIFT", emu.as_str()),
        ];
        let dir = format!("-chdir={}", out.display());
        self.shell("terraform", &[dir.clone(), "init".into(), "-input=false".into(), "-no-color".into()], &env)?;
        let (region, bucket_region) = (self.world.region.clone(), self.world.bucket_region.clone());
        let apply = |detailed: bool| {
            let mut args = vec![dir.clone()];
            args.extend(
                if detailed { ["plan", "-detailed-exitcode"] } else { ["apply", "-auto-approve"] }.map(str::to_owned),
            );
            args.extend(["-input=false", "-no-color"].map(str::to_owned));
            for (name, value) in [
                ("redshift_profile", "redshift"),
                ("s3_profile", "s3"),
                ("redshift_region", region.as_str()),
                ("s3_region", bucket_region.as_str()),
            ] {
                args.extend(["-var".to_owned(), format!("{name}={value}")]);
            }
            args
        };
        self.shell("terraform", &apply(false), &env)?;
        // `plan -detailed-exitcode` exits 0 only when nothing would change.
        self.shell("terraform", &apply(true), &env).context("a second terraform run would change something")?;
        Ok("deploy terraform: `terraform apply` of both accounts' files, then `terraform plan` with no changes"
            .to_owned())
    }

    /// `aws <args>` (or `bash script`) with the scenario's AWS config and the AWS CLI first on `PATH`.
    fn shell(&mut self, program: &str, args: &[String], env: &[(&str, &str)]) -> anyhow::Result<String> {
        let cli_dir = self.settings.aws_cli.parent().map(Path::to_path_buf).unwrap_or_default();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![cli_dir];
        paths.extend(std::env::split_paths(&path));
        let program = if program == "aws" { self.settings.aws_cli.display().to_string() } else { program.to_owned() };
        let mut command = Command::new(&program);
        self.environment(&mut command);
        let output = command
            .args(args)
            .env("PATH", std::env::join_paths(paths)?)
            .envs(env.iter().copied())
            .output()
            .with_context(|| format!("running `{program}`"))?;
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let name = Path::new(&program).file_name().and_then(|n| n.to_str()).unwrap_or("cmd").to_owned();
        let mut shown = vec![name];
        shown.extend(args.iter().cloned());
        self.record(&shown, &run)?;
        ensure!(run.code == Some(0), "`{}` exited {:?}: {}", shown.join(" "), run.code, run.stderr.trim());
        Ok(run.stdout)
    }
}
