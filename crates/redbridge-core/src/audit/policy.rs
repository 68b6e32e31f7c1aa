//! What the audit may read, as one identity policy: for the role `--assume-role-name` names in
//! every account (and the profiles' callers). Read-only: it lists and describes, never changes.
//! Each action is the one the reader calls (`redbridge-aws`'s `audit_reader`, through the
//! snapshot reader's role, bucket, key and organization reads); the resource types are the
//! service authorization reference's
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
//! Actions without a resource type (listing accounts, buckets, roles, clusters, namespaces and
//! workgroups, `DescribeOrganization`) take `*`.

use redbridge_iam::Partition;
use redbridge_iam::policy::{PolicyDocument, Statement};

/// The audit's read policy in `partition`; with `assume_role_name`, the first profile may also
/// assume that role in every account (`--org`, and accounts a chain passes through).
pub fn audit_policy(partition: Partition, assume_role_name: Option<&str>) -> PolicyDocument {
    let p = partition;
    let mut statements = vec![
        Statement::allow(
            [
                "organizations:ListAccounts",
                "organizations:DescribeOrganization",
                "s3:ListAllMyBuckets",
                "iam:ListRoles",
                "redshift-serverless:ListNamespaces",
                "redshift-serverless:ListWorkgroups",
                // No resource-level permission
                // (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html>).
                "redshift:DescribeClusters",
            ],
            ["*"],
        )
        .with_sid("RedbridgeAuditList"),
        Statement::allow(
            ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
            [format!("arn:{p}:iam::*:role/*")],
        )
        .with_sid("RedbridgeAuditRoles"),
        Statement::allow(["iam:GetPolicy", "iam:GetPolicyVersion"], [format!("arn:{p}:iam::*:policy/*")])
            .with_sid("RedbridgeAuditManagedPolicies"),
        Statement::allow(
            [
                "s3:GetBucketLocation",
                "s3:GetBucketPolicy",
                "s3:GetBucketOwnershipControls",
                "s3:GetEncryptionConfiguration",
            ],
            [format!("arn:{p}:s3:::*")],
        )
        .with_sid("RedbridgeAuditBuckets"),
        Statement::allow(["kms:DescribeKey", "kms:GetKeyPolicy"], [format!("arn:{p}:kms:*:*:key/*")])
            .with_sid("RedbridgeAuditKeys"),
        Statement::allow(
            ["organizations:ListParents", "organizations:ListPoliciesForTarget"],
            [
                format!("arn:{p}:organizations::*:account/o-*/*"),
                format!("arn:{p}:organizations::*:ou/o-*/ou-*"),
                format!("arn:{p}:organizations::*:root/o-*/r-*"),
            ],
        )
        .with_sid("RedbridgeAuditOrganizationTree"),
        Statement::allow(["organizations:DescribePolicy"], [format!("arn:{p}:organizations::*:policy/*")])
            .with_sid("RedbridgeAuditOrganizationPolicies"),
    ];
    if let Some(name) = assume_role_name {
        statements.push(
            Statement::allow(["sts:AssumeRole"], [format!("arn:{p}:iam::*:role/{name}")])
                .with_sid("RedbridgeAuditEnter"),
        );
    }
    PolicyDocument::new(statements)
}

#[cfg(test)]
mod tests {
    use redbridge_iam::eval::{Outcome, Policies, PolicySet, Request, evaluate};

    use super::*;

    fn allowed(policy: &PolicyDocument, action: &str, resource: &str) -> bool {
        // A key is usable only under its key policy: the default one delegates to the account's IAM.
        let key_policy = resource.starts_with("arn:aws:kms:").then(|| {
            PolicyDocument::from_json(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}"#,
            )
            .expect("the default key policy parses")
        });
        let policies =
            Policies { identity_policies: vec![policy.clone()], resource_policy: key_policy, ..Policies::default() };
        let set = PolicySet::compile(&policies).expect("the audit policy compiles");
        let request = Request::new("arn:aws:iam::111111111111:role/rb-audit", action, resource)
            .expect("a request")
            .with_resource_account(redbridge_iam::AccountId::parse("111111111111").expect("an account"));
        evaluate(&request, &set).expect("evaluates").outcome == Outcome::Allowed
    }

    #[test]
    fn every_read_the_audit_makes_is_allowed_and_nothing_that_writes() {
        let policy = audit_policy(Partition::Aws, Some("rb-audit"));
        for (action, resource) in [
            ("redshift:DescribeClusters", "arn:aws:redshift:us-east-1:111111111111:cluster:analytics"),
            ("redshift-serverless:ListWorkgroups", "*"),
            ("iam:GetRolePolicy", "arn:aws:iam::111111111111:role/service-role/loader"),
            ("iam:GetPolicyVersion", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("s3:GetBucketPolicy", "arn:aws:s3:::data"),
            ("kms:GetKeyPolicy", "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            (
                "organizations:ListPoliciesForTarget",
                "arn:aws:organizations::999999999999:account/o-abcdefghij/111111111111",
            ),
        ] {
            assert!(allowed(&policy, action, resource), "{action} on {resource}");
        }
        for (action, resource) in [
            ("s3:GetObject", "arn:aws:s3:::data/secret.csv"),
            ("s3:ListBucket", "arn:aws:s3:::data"),
            ("iam:PutRolePolicy", "arn:aws:iam::111111111111:role/loader"),
            ("redshift:ModifyClusterIamRoles", "arn:aws:redshift:us-east-1:111111111111:cluster:analytics"),
        ] {
            assert!(!allowed(&policy, action, resource), "{action} on {resource} must not be allowed");
        }
        // Entering: the audit role's name in any account, and no other role.
        let enter = policy.statement("RedbridgeAuditEnter").expect("the enter statement");
        assert_eq!(enter.resource_patterns(), ["arn:aws:iam::*:role/rb-audit"]);
        assert!(audit_policy(Partition::Aws, None).statement("RedbridgeAuditEnter").is_none());
    }
}
