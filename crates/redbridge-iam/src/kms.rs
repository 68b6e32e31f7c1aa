//! KMS key references: key ARNs, alias ARNs, key ids and alias names.

use std::fmt;
use std::str::FromStr;

use crate::account::serde_as_string;
use crate::{AccountId, Arn, IdError, Partition, Region};

/// The ARN of a KMS key: `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID`.
///
/// Cross-account use of a key needs this form: an alias is resolved in the caller's account, so
/// it cannot name another account's key, and the AWS managed `aws/s3` key cannot be shared at all
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html>).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KmsKeyArn {
    arn: Arn,
    region: Region,
    account: AccountId,
}

impl KmsKeyArn {
    /// Parses a key ARN; refuses alias ARNs, bare key ids and alias names with a message saying
    /// which ARN to use instead.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "KMS key ARN";
        match KmsKeyRef::parse(input)? {
            KmsKeyRef::KeyArn(key) => Ok(key),
            KmsKeyRef::AliasArn(_) | KmsKeyRef::AliasName(_) => Err(IdError::new(
                WHAT,
                input,
                "an alias is not a key ARN; across accounts only the key ARN works \
                 (`aws kms describe-key --key-id <alias>` prints it)",
            )),
            KmsKeyRef::KeyId(_) => Err(IdError::new(
                WHAT,
                input,
                "a bare key id is resolved in the caller's account; give the full key ARN \
                 `arn:aws:kms:<region>:<account>:key/<id>`",
            )),
        }
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.arn.partition()
    }
    /// The key's region.
    pub fn region(&self) -> &Region {
        &self.region
    }
    /// The account that owns the key.
    pub fn account(&self) -> AccountId {
        self.account
    }
    /// The key id (a UUID, or `mrk-…` for multi-Region keys).
    pub fn key_id(&self) -> &str {
        self.arn.resource().strip_prefix("key/").unwrap_or_default()
    }
    /// The ARN in generic form.
    pub fn as_arn(&self) -> &Arn {
        &self.arn
    }
}

impl fmt::Display for KmsKeyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.arn.fmt(f)
    }
}

impl FromStr for KmsKeyArn {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Any way a user may name a KMS key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KmsKeyRef {
    /// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    KeyArn(KmsKeyArn),
    /// `arn:aws:kms:REGION:ACCOUNT:alias/NAME`.
    AliasArn(Arn),
    /// A bare key id: a UUID or `mrk-` followed by 32 hex digits.
    KeyId(String),
    /// `alias/NAME`.
    AliasName(String),
}

impl KmsKeyRef {
    /// Parses any of the four forms.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "KMS key";
        if let Some(name) = input.strip_prefix("alias/") {
            validate_alias_name(input, name, WHAT)?;
            return Ok(Self::AliasName(input.to_owned()));
        }
        if !input.starts_with("arn:") {
            if is_key_id(input) {
                return Ok(Self::KeyId(input.to_owned()));
            }
            return Err(IdError::new(WHAT, input, "expected a key ARN, an alias ARN, a key id or `alias/<name>`"));
        }
        let arn = Arn::parse(input).map_err(|e| IdError::new(WHAT, input, e.reason().to_owned()))?;
        if arn.service() != "kms" {
            return Err(IdError::new(WHAT, input, format!("the service is `{}`, a KMS ARN has `kms`", arn.service())));
        }
        let Some(region) = arn.region().cloned() else {
            return Err(IdError::new(WHAT, input, "a KMS ARN names the key's region"));
        };
        let Some(account) = arn.account_id() else {
            return Err(IdError::new(WHAT, input, "a KMS ARN names the 12-digit account that owns the key"));
        };
        let resource_offset = input.len() - arn.resource().len();
        if let Some(id) = arn.resource().strip_prefix("key/") {
            if !is_key_id(id) {
                return Err(IdError::new(
                    WHAT,
                    input,
                    "the key id is a UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or `mrk-` and 32 hex digits",
                )
                .at(resource_offset + 4, input));
            }
            return Ok(Self::KeyArn(KmsKeyArn { arn, region, account }));
        }
        if let Some(name) = arn.resource().strip_prefix("alias/") {
            validate_alias_name(input, name, WHAT)?;
            return Ok(Self::AliasArn(arn));
        }
        Err(IdError::new(WHAT, input, "the resource is `key/<id>` or `alias/<name>`").at(resource_offset, input))
    }
}

fn validate_alias_name(input: &str, name: &str, what: &'static str) -> Result<(), IdError> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)) {
        return Err(IdError::new(what, input, "alias names use letters, digits, `/`, `_` and `-`"));
    }
    Ok(())
}

fn is_key_id(id: &str) -> bool {
    if let Some(hex) = id.strip_prefix("mrk-") {
        return hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    }
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
}

impl fmt::Display for KmsKeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyArn(key) => key.fmt(f),
            Self::AliasArn(arn) => arn.fmt(f),
            Self::KeyId(s) | Self::AliasName(s) => f.write_str(s),
        }
    }
}

impl FromStr for KmsKeyRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

serde_as_string!(KmsKeyArn, KmsKeyRef);
