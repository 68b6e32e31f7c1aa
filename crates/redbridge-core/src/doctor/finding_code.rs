//! The stable codes of doctor's findings (`RB1xx`), as a typed enum: one variant per code, each
//! with its meaning. A code never changes meaning; scripts may match on the string.
//!
//! Every code is listed, with the hop it is about, Redshift's error text and the fix, in
//! `docs/finding-codes.md`.

use std::fmt;

use serde::{Serialize, Serializer};

/// The code of a finding: one of doctor's own `RB1xx` codes, or, for a statement given with
/// `doctor --sql`, a linter code `RB-SQL-NNN` from `redbridge_sql::codes`.
///
/// It serializes, displays and compares with `&str` as the code string, e.g. `"RB101"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingCode {
    /// RB101: the first role is not attached to the cluster or namespace.
    FirstRoleNotAttached,
    /// RB102: the first role is attached but not yet in sync.
    FirstRoleNotInSync,
    /// RB103: a role of the chain does not exist.
    RoleMissing,
    /// RB111: the cluster role's trust does not allow the Redshift service principal.
    ServiceNotTrusted,
    /// RB112: the cluster role's trust lacks `redshift-serverless.amazonaws.com` (serverless).
    ServerlessServiceNotTrusted,
    /// RB113: a trust condition Redshift cannot satisfy (MFA, source ARN, external id, source
    /// account).
    TrustConditionUnsatisfiable,
    /// RB121: a role lacks `sts:AssumeRole` on the next role.
    AssumeRoleNotAllowed,
    /// RB122: a role's trust does not allow the previous role.
    PreviousRoleNotTrusted,
    /// RB123: a role's trust allows a whole account instead of the previous role.
    TrustsWholeAccount,
    /// RB131: the bucket role lacks an S3 permission the statement needs.
    S3PermissionMissing,
    /// RB132: an explicit deny blocks an S3 action.
    S3ExplicitDeny,
    /// RB133: the bucket policy requires SSE-KMS but UNLOAD would write unencrypted (SSE-S3).
    UnloadWithoutSseKms,
    /// RB141: the KMS key policy or the bucket role's policy does not allow the key.
    KmsKeyNotAllowed,
    /// RB142: an AWS managed key cannot be used from another account.
    AwsManagedKey,
    /// RB143: the KMS key is not enabled.
    KmsKeyNotEnabled,
    /// RB144: the bucket's default key is not the spec's key.
    BucketDefaultKeyDiffers,
    /// RB151: the bucket is in another region than the spec says.
    BucketRegionDiffers,
    /// RB152: COPY from PARQUET or ORC cannot read a bucket in another region.
    ColumnarCrossRegion,
    /// RB153: the bucket does not exist.
    BucketMissing,
    /// RB161: UNLOAD objects would be owned by another account.
    ObjectOwnership,
    /// RB171: enhanced VPC routing is on: the VPC must reach the other account's bucket.
    EnhancedVpcRouting,
    /// RB181: the statement names the chain wrongly (spaces, order, partial chain).
    StatementChainWrong,
    /// RB182: the database user lacks the ASSUMEROLE privilege.
    AssumeRolePrivilegeMissing,
    /// RB183: UNLOAD into a prefix that is not empty.
    UnloadTargetNotEmpty,
    /// RB184: COPY from a prefix that has no objects.
    CopySourceEmpty,
    /// RB185: the caller's permissions boundary does not allow the action.
    PermissionsBoundaryDenies,
    /// RB186: COPY's manifest cannot be used: it does not exist, is not JSON with `entries`, or a
    /// mandatory entry's file is missing.
    ManifestUnusable,
    /// RB187: COPY from PARQUET or ORC with credentials other than `IAM_ROLE`.
    ColumnarCredentials,
    /// RB188: COPY from PARQUET or ORC breaks a columnar rule: the file's columns do not match the
    /// table's (count, a type pairing, a length), or a parameter columnar COPY does not take.
    ColumnarFileMismatch,
    /// RB189: the database refused the statement's login (the user or password of a
    /// `SecretArn` secret, an expired temporary password).
    DatabaseLoginRefused,
    /// RB190: Redshift's error text was not recognised.
    UnrecognisedError,
    /// RB191: a service control policy of the caller's organization denies a hop.
    ScpDenies,
    /// RB192: a resource control policy of the resource owner's organization denies a hop.
    RcpDenies,
    /// RB193: the organization policies of an account of the chain were not read.
    OrganizationPoliciesNotRead,
    /// RB199: part of the state could not be read.
    StateUnreadable,
    /// A linter diagnostic on a statement given with `doctor --sql`: its `RB-SQL-NNN` code from
    /// `redbridge_sql::codes`.
    Lint(&'static str),
}

impl FindingCode {
    /// Every doctor code, in order. The linter's codes are `redbridge_sql::codes::ALL`.
    pub const ALL: &'static [Self] = &[
        Self::FirstRoleNotAttached,
        Self::FirstRoleNotInSync,
        Self::RoleMissing,
        Self::ServiceNotTrusted,
        Self::ServerlessServiceNotTrusted,
        Self::TrustConditionUnsatisfiable,
        Self::AssumeRoleNotAllowed,
        Self::PreviousRoleNotTrusted,
        Self::TrustsWholeAccount,
        Self::S3PermissionMissing,
        Self::S3ExplicitDeny,
        Self::UnloadWithoutSseKms,
        Self::KmsKeyNotAllowed,
        Self::AwsManagedKey,
        Self::KmsKeyNotEnabled,
        Self::BucketDefaultKeyDiffers,
        Self::BucketRegionDiffers,
        Self::ColumnarCrossRegion,
        Self::BucketMissing,
        Self::ObjectOwnership,
        Self::EnhancedVpcRouting,
        Self::StatementChainWrong,
        Self::AssumeRolePrivilegeMissing,
        Self::UnloadTargetNotEmpty,
        Self::CopySourceEmpty,
        Self::PermissionsBoundaryDenies,
        Self::ManifestUnusable,
        Self::ColumnarCredentials,
        Self::ColumnarFileMismatch,
        Self::DatabaseLoginRefused,
        Self::UnrecognisedError,
        Self::ScpDenies,
        Self::RcpDenies,
        Self::OrganizationPoliciesNotRead,
        Self::StateUnreadable,
    ];

    /// Every doctor code, in order (see [`Self::ALL`]).
    pub fn all() -> impl Iterator<Item = Self> {
        Self::ALL.iter().copied()
    }

    /// The code as scripts see it: `RB101`, or `RB-SQL-NNN` for a linter code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::FirstRoleNotAttached => "RB101",
            Self::FirstRoleNotInSync => "RB102",
            Self::RoleMissing => "RB103",
            Self::ServiceNotTrusted => "RB111",
            Self::ServerlessServiceNotTrusted => "RB112",
            Self::TrustConditionUnsatisfiable => "RB113",
            Self::AssumeRoleNotAllowed => "RB121",
            Self::PreviousRoleNotTrusted => "RB122",
            Self::TrustsWholeAccount => "RB123",
            Self::S3PermissionMissing => "RB131",
            Self::S3ExplicitDeny => "RB132",
            Self::UnloadWithoutSseKms => "RB133",
            Self::KmsKeyNotAllowed => "RB141",
            Self::AwsManagedKey => "RB142",
            Self::KmsKeyNotEnabled => "RB143",
            Self::BucketDefaultKeyDiffers => "RB144",
            Self::BucketRegionDiffers => "RB151",
            Self::ColumnarCrossRegion => "RB152",
            Self::BucketMissing => "RB153",
            Self::ObjectOwnership => "RB161",
            Self::EnhancedVpcRouting => "RB171",
            Self::StatementChainWrong => "RB181",
            Self::AssumeRolePrivilegeMissing => "RB182",
            Self::UnloadTargetNotEmpty => "RB183",
            Self::CopySourceEmpty => "RB184",
            Self::PermissionsBoundaryDenies => "RB185",
            Self::ManifestUnusable => "RB186",
            Self::ColumnarCredentials => "RB187",
            Self::ColumnarFileMismatch => "RB188",
            Self::DatabaseLoginRefused => "RB189",
            Self::UnrecognisedError => "RB190",
            Self::ScpDenies => "RB191",
            Self::RcpDenies => "RB192",
            Self::OrganizationPoliciesNotRead => "RB193",
            Self::StateUnreadable => "RB199",
            Self::Lint(code) => code,
        }
    }

    /// The code's one-line meaning (for a linter code, the linter's summary).
    pub fn meaning(self) -> &'static str {
        match self {
            Self::FirstRoleNotAttached => "the first role is not attached to the cluster or namespace",
            Self::FirstRoleNotInSync => "the first role is attached but not yet in sync",
            Self::RoleMissing => "a role of the chain does not exist",
            Self::ServiceNotTrusted => "the cluster role's trust does not allow the Redshift service principal",
            Self::ServerlessServiceNotTrusted => {
                "the cluster role's trust lacks `redshift-serverless.amazonaws.com` (serverless)"
            }
            Self::TrustConditionUnsatisfiable => {
                "a trust condition Redshift cannot satisfy (MFA, source ARN, external id, source account)"
            }
            Self::AssumeRoleNotAllowed => "a role lacks `sts:AssumeRole` on the next role",
            Self::PreviousRoleNotTrusted => "a role's trust does not allow the previous role",
            Self::TrustsWholeAccount => "a role's trust allows a whole account instead of the previous role",
            Self::S3PermissionMissing => "the bucket role lacks an S3 permission the statement needs",
            Self::S3ExplicitDeny => "an explicit deny blocks an S3 action",
            Self::UnloadWithoutSseKms => {
                "the bucket policy requires SSE-KMS but UNLOAD would write unencrypted (SSE-S3)"
            }
            Self::KmsKeyNotAllowed => "the KMS key policy or the bucket role's policy does not allow the key",
            Self::AwsManagedKey => "an AWS managed key cannot be used from another account",
            Self::KmsKeyNotEnabled => "the KMS key is not enabled",
            Self::BucketDefaultKeyDiffers => "the bucket's default key is not the spec's key",
            Self::BucketRegionDiffers => "the bucket is in another region than the spec says",
            Self::ColumnarCrossRegion => "COPY from PARQUET or ORC cannot read a bucket in another region",
            Self::BucketMissing => "the bucket does not exist",
            Self::ObjectOwnership => "UNLOAD objects would be owned by another account",
            Self::EnhancedVpcRouting => "enhanced VPC routing is on: the VPC must reach the other account's bucket",
            Self::StatementChainWrong => "the statement names the chain wrongly (spaces, order, partial chain)",
            Self::AssumeRolePrivilegeMissing => "the database user lacks the ASSUMEROLE privilege",
            Self::UnloadTargetNotEmpty => "UNLOAD into a prefix that is not empty",
            Self::CopySourceEmpty => "COPY from a prefix that has no objects",
            Self::PermissionsBoundaryDenies => "a permissions boundary does not allow the action",
            Self::ManifestUnusable => {
                "COPY's manifest cannot be used: it does not exist, is not JSON with `entries`, or a mandatory file is missing"
            }
            Self::ColumnarCredentials => "COPY from PARQUET or ORC accepts only `IAM_ROLE` credentials",
            Self::ColumnarFileMismatch => {
                "COPY from PARQUET or ORC: the file's columns do not match the table, or a parameter is not taken"
            }
            Self::DatabaseLoginRefused => {
                "the database refused the statement's login: the user or password of the secret, or an expired temporary password"
            }
            Self::UnrecognisedError => "Redshift's error text was not recognised",
            Self::ScpDenies => "a service control policy (SCP) of the caller's organization denies a hop",
            Self::RcpDenies => "a resource control policy (RCP) of the resource owner's organization denies a hop",
            Self::OrganizationPoliciesNotRead => "the organization policies (SCPs, RCPs) of an account were not read",
            Self::StateUnreadable => "part of the state could not be read",
            Self::Lint(code) => {
                redbridge_sql::codes::ALL.iter().find(|(c, _)| *c == code).map_or("", |(_, meaning)| *meaning)
            }
        }
    }

    /// The code a string names: a doctor code (`RB101`) or a linter code (`RB-SQL-001`); `None`
    /// for any other string.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::all()
            .find(|c| c.as_str() == code)
            .or_else(|| redbridge_sql::codes::ALL.iter().find(|(c, _)| *c == code).map(|(c, _)| Self::Lint(c)))
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<FindingCode> for &str {
    fn eq(&self, other: &FindingCode) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::FindingCode;

    #[test]
    fn every_doctor_code_is_rb_and_three_digits_and_listed_once() {
        for (i, code) in FindingCode::ALL.iter().enumerate() {
            let text = code.as_str();
            assert!(text.len() == 5 && text.starts_with("RB") && text[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(!code.meaning().is_empty(), "{text}");
            assert!(!FindingCode::ALL[..i].contains(code), "{text} twice");
            assert!(!FindingCode::ALL[..i].iter().any(|c| c.as_str() == text), "{text} twice");
            assert_eq!(FindingCode::from_code(text), Some(*code));
        }
    }

    #[test]
    fn linter_codes_keep_their_string_and_meaning() {
        let lint = FindingCode::from_code("RB-SQL-001").expect("a linter code");
        assert_eq!(lint, FindingCode::Lint("RB-SQL-001"));
        assert_eq!(lint.to_string(), "RB-SQL-001");
        assert_eq!(lint.meaning(), "a string literal is never closed");
        assert_eq!(FindingCode::from_code("RB10"), None);
        assert_eq!(FindingCode::from_code("rb101"), None);
    }

    #[test]
    fn serializes_and_compares_as_the_code_string() {
        assert_eq!(serde_json::to_string(&FindingCode::FirstRoleNotAttached).unwrap(), "\"RB101\"");
        assert_eq!(FindingCode::StateUnreadable, "RB199");
        assert_eq!("RB199", FindingCode::StateUnreadable);
    }
}
