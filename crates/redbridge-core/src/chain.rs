//! The role chain: the roles Redshift assumes one after another, in hop order.
//!
//! Facts encoded here (<https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-chaining-roles.html>):
//! at most ten roles; the first is attached to the cluster or namespace, so it lives in the
//! Redshift account; the last holds the bucket permissions, in the bucket's account.

use std::fmt;

use redbridge_iam::{AccountId, RoleArn};
use serde::Serialize;

/// The most roles Redshift chains.
pub const MAX_ROLES: usize = 10;

/// A non-empty chain of at most [`MAX_ROLES`] distinct roles.
///
/// A chain of one role is the same-account setup, where no chaining is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RoleChain(Vec<RoleArn>);

/// Why a list of roles is not a usable chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No roles at all.
    #[error("the role chain is empty")]
    Empty,
    /// More than ten roles.
    #[error("a role chain has at most {MAX_ROLES} roles, this one has {0}")]
    TooLong(usize),
    /// The same role twice.
    #[error("`{0}` appears twice in the chain")]
    Duplicate(RoleArn),
    /// The first role is not in the Redshift account.
    #[error("the first role `{role}` must be in the Redshift account `{expected}`, where it is attached")]
    FirstNotInRedshiftAccount {
        /// The first role.
        role: RoleArn,
        /// The Redshift account.
        expected: AccountId,
    },
    /// The last role is not in the bucket account.
    #[error("the last role `{role}` must be in the bucket account `{expected}`, where it holds the bucket permissions")]
    LastNotInBucketAccount {
        /// The last role.
        role: RoleArn,
        /// The bucket account.
        expected: AccountId,
    },
    /// A role whose ARN contains `,`: IAM allows it in names, but it splits the chain string.
    #[error(
        "`{0}` contains `,`, which IAM allows in role names but Redshift reads as the separator between roles; use another name"
    )]
    CommaInRole(RoleArn),
    /// Roles from different partitions.
    #[error("`{0}` is in another partition than the first role; a chain cannot cross partitions")]
    MixedPartitions(RoleArn),
}

impl RoleChain {
    /// Checks length, duplicates and partitions.
    pub fn new(roles: Vec<RoleArn>) -> Result<Self, ChainError> {
        let Some(first) = roles.first() else { return Err(ChainError::Empty) };
        if roles.len() > MAX_ROLES {
            return Err(ChainError::TooLong(roles.len()));
        }
        for (i, role) in roles.iter().enumerate() {
            if roles[..i].contains(role) {
                return Err(ChainError::Duplicate(role.clone()));
            }
            if role.to_string().contains(',') {
                return Err(ChainError::CommaInRole(role.clone()));
            }
            if role.partition() != first.partition() {
                return Err(ChainError::MixedPartitions(role.clone()));
            }
        }
        Ok(Self(roles))
    }

    /// Also checks that the first role is in the Redshift account and the last in the bucket's.
    pub fn cross_account(roles: Vec<RoleArn>, redshift: AccountId, bucket: AccountId) -> Result<Self, ChainError> {
        let chain = Self::new(roles)?;
        if chain.first().account() != redshift {
            return Err(ChainError::FirstNotInRedshiftAccount { role: chain.first().clone(), expected: redshift });
        }
        if chain.last().account() != bucket {
            return Err(ChainError::LastNotInBucketAccount { role: chain.last().clone(), expected: bucket });
        }
        Ok(chain)
    }

    /// The role attached to Redshift.
    pub fn first(&self) -> &RoleArn {
        &self.0[0]
    }

    /// The role that reaches the bucket.
    pub fn last(&self) -> &RoleArn {
        &self.0[self.0.len() - 1]
    }

    /// The roles in hop order.
    pub fn roles(&self) -> &[RoleArn] {
        &self.0
    }

    /// Each hop as (previous role, next role).
    pub fn hops(&self) -> impl Iterator<Item = (&RoleArn, &RoleArn)> {
        self.0.windows(2).map(|w| (&w[0], &w[1]))
    }

    /// The role before `role` in the chain, if any.
    pub fn previous(&self, role: &RoleArn) -> Option<&RoleArn> {
        let i = self.0.iter().position(|r| r == role)?;
        i.checked_sub(1).map(|j| &self.0[j])
    }

    /// The role after `role` in the chain, if any.
    pub fn next(&self, role: &RoleArn) -> Option<&RoleArn> {
        let i = self.0.iter().position(|r| r == role)?;
        self.0.get(i + 1)
    }
}

/// The form COPY and UNLOAD take in `IAM_ROLE '…'`: ARNs joined by `,` without spaces.
impl fmt::Display for RoleChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, role) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            role.fmt(f)?;
        }
        Ok(())
    }
}
