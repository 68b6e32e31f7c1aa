//! S3 bucket names and `s3://bucket/key` URIs.

use std::fmt;
use std::str::FromStr;

use crate::account::serde_as_string;
use crate::{Arn, ArnAccount, IdError, Partition};

/// A general purpose S3 bucket name, checked against every S3 naming rule.
///
/// Rules: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BucketName(String);

/// Prefixes S3 reserves; a bucket name may not start with them.
const RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
/// Suffixes S3 reserves for access point aliases, Object Lambda, Multi-Region Access Points,
/// directory buckets and table buckets.
const RESERVED_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

impl BucketName {
    /// Parses a bucket name.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "bucket name";
        let len = input.chars().count();
        if !(3..=63).contains(&len) {
            return Err(IdError::new(WHAT, input, format!("bucket names have 3 to 63 characters, this one has {len}")));
        }
        if let Some((offset, c)) = input
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
        {
            let reason = if c.is_ascii_uppercase() {
                "bucket names cannot contain uppercase letters".to_owned()
            } else if c == '_' {
                "bucket names cannot contain underscores".to_owned()
            } else if c == '/' {
                "a bucket name has no `/`; put the key prefix in the prefix, not the bucket".to_owned()
            } else {
                format!("`{c}` is not allowed; use lowercase letters, digits, `.` and `-`")
            };
            return Err(IdError::new(WHAT, input, reason).at(offset, input));
        }
        let first = input.as_bytes()[0];
        if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
            return Err(IdError::new(WHAT, input, "bucket names begin with a letter or digit").at(0, input));
        }
        let last = input.as_bytes()[input.len() - 1];
        if !(last.is_ascii_lowercase() || last.is_ascii_digit()) {
            return Err(IdError::new(WHAT, input, "bucket names end with a letter or digit").at(input.len() - 1, input));
        }
        if let Some(offset) = input.find("..") {
            return Err(IdError::new(WHAT, input, "bucket names cannot contain two adjacent periods").at(offset, input));
        }
        if looks_like_ipv4(input) {
            return Err(IdError::new(WHAT, input, "bucket names cannot be formatted as an IP address"));
        }
        if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| input.starts_with(*p)) {
            return Err(IdError::new(WHAT, input, format!("the prefix `{prefix}` is reserved by S3")).at(0, input));
        }
        if let Some(suffix) = RESERVED_SUFFIXES.iter().find(|s| input.ends_with(*s)) {
            return Err(IdError::new(WHAT, input, format!("the suffix `{suffix}` is reserved by S3"))
                .at(input.len() - suffix.len(), input));
        }
        Ok(Self(input.to_owned()))
    }

    /// The bucket name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bucket's ARN, `arn:PARTITION:s3:::NAME`.
    pub fn arn(&self, partition: Partition) -> Arn {
        Arn::new(partition, "s3", None, ArnAccount::None, &self.0)
    }

    /// The ARN of the objects under `key_pattern` (which may end in `*`).
    pub fn object_arn(&self, partition: Partition, key_pattern: &str) -> Arn {
        Arn::new(partition, "s3", None, ArnAccount::None, &format!("{}/{key_pattern}", self.0))
    }
}

fn looks_like_ipv4(input: &str) -> bool {
    let parts: Vec<&str> = input.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for BucketName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An `s3://bucket/key` location. The key (an object key or a key prefix) may be empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct S3Uri {
    bucket: BucketName,
    key: String,
}

impl S3Uri {
    /// Parses `s3://bucket` or `s3://bucket/key`.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "S3 URI";
        let Some(rest) = input.strip_prefix("s3://") else {
            let reason = if input.to_ascii_lowercase().starts_with("s3://") {
                "the scheme is lowercase `s3://`"
            } else if input.starts_with("arn:") {
                "this is an ARN; COPY and UNLOAD take `s3://bucket/prefix`"
            } else if input.starts_with("https://") || input.starts_with("http://") {
                "this is an HTTP URL; use `s3://bucket/prefix`"
            } else {
                "expected `s3://bucket/prefix`"
            };
            return Err(IdError::new(WHAT, input, reason).at(0, input));
        };
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket = BucketName::parse(bucket).map_err(|e| {
            let mut err = IdError::new(WHAT, input, format!("bucket: {}", e.reason()));
            if let Some(p) = e.position() {
                // `p` is 1-based within the bucket; the bucket starts after `s3://`.
                err = err.at(5 + p - 1, input);
            }
            err
        })?;
        if key.len() > 1024 {
            return Err(IdError::new(WHAT, input, "S3 object keys have at most 1024 bytes"));
        }
        if let Some((i, c)) = key.char_indices().find(|(_, c)| c.is_control()) {
            return Err(IdError::new(WHAT, input, format!("control character U+{:04X} in the key", c as u32))
                .at(5 + bucket.as_str().len() + 1 + i, input));
        }
        Ok(Self { bucket, key: key.to_owned() })
    }

    /// Builds a URI from a bucket and a key or prefix.
    pub fn new(bucket: BucketName, key: &str) -> Self {
        Self { bucket, key: key.to_owned() }
    }

    /// The bucket.
    pub fn bucket(&self) -> &BucketName {
        &self.bucket
    }

    /// The key or key prefix, possibly empty.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

impl FromStr for S3Uri {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

serde_as_string!(BucketName, S3Uri);
