//! Redshift database-user ARNs: the value Redshift sends as `sts:ExternalId` when it assumes a
//! role for COPY and UNLOAD, and the user it names in its errors.

use std::fmt;
use std::str::FromStr;

use crate::account::serde_as_string;
use crate::arn::describe_char;
use crate::{AccountId, Arn, IdError, Partition, Region};

/// The ARN of a Redshift database user: `arn:PARTITION:redshift:REGION:ACCOUNT:dbuser:HOST/USER`.
///
/// The host says what the user belongs to:
/// - provisioned: the cluster identifier, `dbuser:CLUSTER/USER`;
/// - serverless, as the AWS documentation gives it today: `dbuser:serverless-ACCOUNT-WORKGROUPID/USER`,
///   where the workgroup id is the workgroup's UUID. "Restricting access to IAM roles"
///   (<https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html>)
///   says: "For Amazon Redshift Serverless use the following ARN format.
///   `arn:aws:redshift:region:account-id:dbuser:serverless-account-id-workgroup-id/user-name`";
/// - serverless, as older copies of that page give it (the China-region copy on docs.amazonaws.cn
///   still does): the workgroup name, `dbuser:WORKGROUP/USER`, written like the provisioned form.
///
/// The documentation names the id form, but whether Redshift really sends it rather than the name
/// form has not been observed against the live service, so the plan and doctor accept both.
/// Because a cluster and a workgroup name are written alike, the host is kept as written;
/// [`DbUserArn::serverless_workgroup_id`] reads the id form back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbUserArn {
    region: Region,
    account: AccountId,
    host: String,
    user: String,
}

const WHAT: &str = "database user ARN";

impl DbUserArn {
    /// Parses a database-user ARN, saying which field is wrong.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let arn = Arn::parse_as(WHAT, input)?;
        let resource_offset = input.len() - arn.resource().len();
        if arn.service() != "redshift" {
            return Err(IdError::new(
                WHAT,
                input,
                format!("the service is `{}`, a database user ARN has `redshift`", arn.service()),
            ));
        }
        let Some(region) = arn.region().cloned() else {
            return Err(IdError::new(WHAT, input, "a database user ARN names the region of the cluster or workgroup"));
        };
        let Some(account) = arn.account_id() else {
            return Err(IdError::new(WHAT, input, "a database user ARN names the 12-digit account of the cluster"));
        };
        let Some(rest) = arn.resource().strip_prefix("dbuser:") else {
            let kind = arn.resource().split([':', '/']).next().unwrap_or_default();
            return Err(IdError::new(WHAT, input, format!("this is a Redshift `{kind}` ARN, not `dbuser:…`"))
                .at(resource_offset, input));
        };
        let host_offset = resource_offset + "dbuser:".len();
        let Some((host, user)) = rest.split_once('/') else {
            return Err(IdError::new(
                WHAT,
                input,
                "expected `dbuser:CLUSTER/USER` or `dbuser:serverless-ACCOUNT-WORKGROUPID/USER`",
            )
            .at(host_offset, input));
        };
        validate_host(host).map_err(|(reason, at)| IdError::new(WHAT, input, reason).at(host_offset + at, input))?;
        let user_offset = host_offset + host.len() + 1;
        validate_user(user).map_err(|(reason, at)| IdError::new(WHAT, input, reason).at(user_offset + at, input))?;
        Ok(Self { region, account, host: host.to_owned(), user: user.to_owned() })
    }

    /// A provisioned cluster's user: `dbuser:CLUSTER/USER`.
    pub fn provisioned(region: &Region, account: AccountId, cluster: &str, user: &str) -> Result<Self, IdError> {
        Self::parse(&Self::format(region, account, cluster, user))
    }

    /// A serverless workgroup's user in the documented form:
    /// `dbuser:serverless-ACCOUNT-WORKGROUPID/USER`.
    pub fn serverless(region: &Region, account: AccountId, workgroup_id: &str, user: &str) -> Result<Self, IdError> {
        let arn = Self::format(region, account, &format!("serverless-{account}-{workgroup_id}"), user);
        if workgroup_id.is_empty() {
            return Err(IdError::new(WHAT, &arn, "the workgroup id is empty"));
        }
        Self::parse(&arn)
    }

    /// A serverless workgroup's user in the form older documentation gives: `dbuser:WORKGROUP/USER`.
    pub fn serverless_by_name(
        region: &Region,
        account: AccountId,
        workgroup: &str,
        user: &str,
    ) -> Result<Self, IdError> {
        Self::parse(&Self::format(region, account, workgroup, user))
    }

    /// An IAM `StringLike` pattern matching the documented serverless form for any workgroup id of
    /// `account`, for trust policies written before the workgroup (and so its id) is known.
    pub fn serverless_pattern(region: &Region, account: AccountId, user: &str) -> String {
        Self::format(region, account, &format!("serverless-{account}-*"), user)
    }

    fn format(region: &Region, account: AccountId, host: &str, user: &str) -> String {
        format!("arn:{}:redshift:{region}:{account}:dbuser:{host}/{user}", region.partition())
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.region.partition()
    }
    /// The region of the cluster or workgroup.
    pub fn region(&self) -> &Region {
        &self.region
    }
    /// The account of the cluster or workgroup.
    pub fn account(&self) -> AccountId {
        self.account
    }
    /// What the user belongs to, as written: a cluster identifier, a workgroup name, or
    /// `serverless-ACCOUNT-WORKGROUPID`.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The workgroup id, when the host has the documented serverless form
    /// `serverless-ACCOUNT-WORKGROUPID` for this ARN's account.
    pub fn serverless_workgroup_id(&self) -> Option<&str> {
        self.host
            .strip_prefix("serverless-")
            .and_then(|rest| rest.strip_prefix(self.account.as_str()))
            .and_then(|rest| rest.strip_prefix('-'))
            .filter(|id| !id.is_empty())
    }
    /// The database user name.
    pub fn user(&self) -> &str {
        &self.user
    }
}

/// Why a field is refused, and the byte offset within it of the offending character.
type FieldError = (String, usize);

/// Cluster identifiers (1–63), workgroup names (3–64) and `serverless-ACCOUNT-WORKGROUPID`:
/// lowercase letters, digits and hyphens.
fn validate_host(host: &str) -> Result<(), FieldError> {
    if host.is_empty() || host.len() > 128 {
        return Err(("the cluster or workgroup after `dbuser:` has 1 to 128 characters".to_owned(), 0));
    }
    if let Some((i, c)) =
        host.char_indices().find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err((format!("`{c}` is not allowed in a cluster or workgroup (lowercase letters, digits and `-`)"), i));
    }
    Ok(())
}

/// User names: 1–128 characters, no `/`, spaces or control characters (IAM identities appear as
/// `IAM:name` or `IAMR:role`).
fn validate_user(user: &str) -> Result<(), FieldError> {
    if user.is_empty() || user.chars().count() > 128 {
        return Err(("the user name after `/` has 1 to 128 characters".to_owned(), 0));
    }
    if let Some(i) = user.find('/') {
        return Err(("a database user name has no `/`".to_owned(), i));
    }
    if let Some((i, c)) = user.char_indices().find(|(_, c)| c.is_whitespace() || c.is_control()) {
        return Err((format!("{} is not allowed in a database user name", describe_char(c)), i));
    }
    Ok(())
}

impl fmt::Display for DbUserArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Self::format(&self.region, self.account, &self.host, &self.user))
    }
}

impl FromStr for DbUserArn {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

serde_as_string!(DbUserArn);
