//! The organization view of one account in doctor's [`Snapshot`](super::Snapshot): its
//! organization, and the service control policies (SCPs) and resource control policies (RCPs)
//! that apply to it, level by level from the root through the organizational units to the
//! account itself.
//!
//! Who they apply to (AWS Organizations User Guide):
//! - SCPs limit the IAM users and roles of member accounts; they do not apply to the management
//!   account's principals, to service-linked roles, nor to AWS service principals
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>).
//! - RCPs limit access to the resources of member accounts, for a subset of services (S3, STS,
//!   KMS, SQS, Secrets Manager); they do not apply to the management account's resources nor to
//!   AWS managed KMS keys, nor to a service assuming its service-linked role, but they do apply
//!   to requests by AWS service principals — which is why the documented data-perimeter RCPs
//!   exempt them with `aws:PrincipalIsAWSService`
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>,
//!   <https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html>).

use redbridge_iam::AccountId;
use redbridge_iam::policy::PolicyDocument;
use serde::{Deserialize, Serialize};

/// The services whose resources RCPs apply to, as IAM action prefixes.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services>
pub const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

/// One account's place in its organization, and the policies that govern it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOrganization {
    /// The organization's id (`o-…`), the value of `aws:PrincipalOrgID` for the account's principals.
    pub organization_id: String,
    /// The organization's management account.
    pub management_account: AccountId,
    /// The SCPs attached at each level: the root first, then each organizational unit down to the
    /// account, then the account itself.
    #[serde(default)]
    pub scps: Vec<Vec<OrgPolicy>>,
    /// The RCPs attached at each level, in the same order.
    #[serde(default)]
    pub rcps: Vec<Vec<OrgPolicy>>,
}

/// One SCP or RCP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPolicy {
    /// Its id (`p-…`, or `p-FullAWSAccess` for the AWS managed default).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its content.
    pub document: PolicyDocument,
}

/// The kind of an organization policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgPolicyKind {
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl AccountOrganization {
    /// Whether `account` is this organization's management account.
    pub fn is_management(&self, account: AccountId) -> bool {
        self.management_account == account
    }

    /// The levels of one kind of policy.
    pub fn levels(&self, kind: OrgPolicyKind) -> &[Vec<OrgPolicy>] {
        match kind {
            OrgPolicyKind::Scp => &self.scps,
            OrgPolicyKind::Rcp => &self.rcps,
        }
    }

    /// The documents of one kind, level by level, as the evaluator takes them.
    pub fn documents(&self, kind: OrgPolicyKind) -> Vec<Vec<PolicyDocument>> {
        self.levels(kind).iter().map(|level| level.iter().map(|p| p.document.clone()).collect()).collect()
    }

    /// A name for a level: `root`, `OU 1`, … or `account`.
    pub fn level_name(&self, kind: OrgPolicyKind, level: usize) -> String {
        let count = self.levels(kind).len();
        if level == 0 {
            "root".to_owned()
        } else if level + 1 == count {
            "account".to_owned()
        } else {
            format!("organizational unit {level}")
        }
    }
}
