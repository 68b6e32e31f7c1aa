//! AWS account ids, regions and partitions.

use std::fmt;
use std::str::FromStr;

use crate::IdError;

/// A 12-digit AWS account id, such as `111111111111`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId([u8; 12]);

impl AccountId {
    /// Parses exactly twelve ASCII digits; leading zeros are significant and kept.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "account id";
        if let Some((offset, c)) = input.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            let reason = if c.is_whitespace() {
                "account ids contain no spaces".to_owned()
            } else if c == '-' {
                "write the account id without dashes".to_owned()
            } else {
                format!("`{c}` is not a digit; an account id is 12 digits")
            };
            return Err(IdError::new(WHAT, input, reason).at(offset, input));
        }
        let bytes: [u8; 12] = input
            .as_bytes()
            .try_into()
            .map_err(|_| IdError::new(WHAT, input, format!("expected 12 digits, found {}", input.len())))?;
        Ok(Self(bytes))
    }

    /// The id as written: twelve digits.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An AWS partition: the namespace a region, an ARN and a service principal live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Partition {
    /// Commercial regions: `aws`.
    Aws,
    /// China regions: `aws-cn`.
    AwsCn,
    /// AWS GovCloud (US): `aws-us-gov`.
    AwsUsGov,
}

impl Partition {
    /// Every partition redbridge supports.
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    /// Parses `aws`, `aws-cn` or `aws-us-gov`.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        match input {
            "aws" => Ok(Self::Aws),
            "aws-cn" => Ok(Self::AwsCn),
            "aws-us-gov" => Ok(Self::AwsUsGov),
            "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc" => Err(IdError::new(
                "partition",
                input,
                "this partition is not supported by redbridge; use aws, aws-cn or aws-us-gov",
            )),
            _ => Err(IdError::new("partition", input, "expected aws, aws-cn or aws-us-gov")),
        }
    }

    /// The partition's name as it appears in ARNs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsCn => "aws-cn",
            Self::AwsUsGov => "aws-us-gov",
        }
    }

    /// The DNS suffix of service principals in this partition.
    ///
    /// Service principals are `redshift.amazonaws.com` in every partition, including China
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services>),
    /// so this is the same everywhere; it exists so the assumption is written down once.
    pub fn service_principal_suffix(&self) -> &'static str {
        "amazonaws.com"
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An AWS region code such as `us-east-1`, `us-gov-west-1` or `cn-north-1`.
///
/// The shape is checked (`<area>-<direction…>-<number>`), not membership in a fixed list, so
/// regions launched after this release are accepted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(String);

impl Region {
    /// Parses a region code and checks that it belongs to a supported partition.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "region";
        if input.is_empty() {
            return Err(IdError::new(WHAT, input, "the region is empty"));
        }
        if let Some((offset, c)) =
            input.char_indices().find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            let reason = if c.is_ascii_uppercase() {
                "region codes are lowercase".to_owned()
            } else {
                format!("`{c}` cannot appear in a region code")
            };
            return Err(IdError::new(WHAT, input, reason).at(offset, input));
        }
        let parts: Vec<&str> = input.split('-').collect();
        let shape_ok = parts.len() >= 3
            && parts[0].len() == 2
            && parts[0].bytes().all(|b| b.is_ascii_lowercase())
            && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && {
                let last = parts[parts.len() - 1];
                !last.is_empty() && last.len() <= 2 && last.bytes().all(|b| b.is_ascii_digit())
            };
        if !shape_ok {
            return Err(IdError::new(WHAT, input, "expected a region code like `us-east-1` or `eu-central-1`"));
        }
        if parts[1].starts_with("iso") {
            return Err(IdError::new(WHAT, input, "isolated-partition regions are not supported by redbridge"));
        }
        Ok(Self(input.to_owned()))
    }

    /// The region code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The partition this region belongs to.
    pub fn partition(&self) -> Partition {
        if self.0.starts_with("cn-") {
            Partition::AwsCn
        } else if self.0.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else {
            Partition::Aws
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Region {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Implements `Serialize`/`Deserialize` as the display string for identifier types with a
/// `parse` constructor, so specs and JSON reports carry them as plain strings.
macro_rules! serde_as_string {
    ($($ty:ty),* $(,)?) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(deserializer)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    )*};
}
pub(crate) use serde_as_string;

serde_as_string!(AccountId, Region, Partition);
