//! Redshift's error texts turned into the findings doctor uses: which hop failed, and why.
//!
//! The texts come from the Redshift documentation and public issue threads, collected in the
//! project's reference (`redshift-cross-account.md`). Where Redshift's words do not say which
//! hop failed (the second hop's refusal is reported like the first's, unconfirmed), the
//! classification says so instead of guessing.
//!
//! AWS's access denied texts name the kind of policy that refused (`User: ARN is not authorized
//! to perform: ACTION on resource: ARN because no identity-based policy allows the ACTION
//! action`, `… with an explicit deny in a service control policy`, …), also when Redshift wraps
//! them in a COPY or UNLOAD error (`S3ServiceException:User: … ,Status 403,Error AccessDenied`):
//! `policy_denial` reads that kind and maps it to the finding of the hop it concerns.

use serde::Serialize;

use super::FindingCode;

/// What an error text means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The finding code.
    pub code: FindingCode,
    /// The role, bucket or prefix the text names, when it names one.
    pub subject: Option<String>,
    /// What went wrong, in words.
    pub meaning: String,
    /// Whether the text pins the hop down, or several hops could have produced it.
    pub certain: bool,
}

/// Classifies the error text of a failed COPY or UNLOAD.
pub fn classify(error: &str) -> Classification {
    let text = error.trim();
    let lower = text.to_ascii_lowercase();
    let quoted = |after: &str| -> Option<String> {
        let start = lower.find(after)? + after.len();
        let rest = &text[start..];
        let rest = rest.trim_start_matches([' ', '"', '\'']);
        let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',').unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches(['.', ';']).to_owned()).filter(|s| !s.is_empty())
    };
    if lower.contains("is not authorized to assume iam role") {
        return Classification {
            code: FindingCode::FirstRoleNotAttached,
            subject: quoted("assume iam role"),
            meaning: "Redshift may not use the first role: it is not attached to the cluster or namespace, not yet \
                      in sync, or the chain string names another role (with a space, or in the wrong order)"
                .to_owned(),
            certain: false,
        };
    }
    if lower.contains("not authorized to get credentials of role")
        || lower.contains("error type : 135")
        || lower.contains("error type: 135")
    {
        return Classification {
            code: FindingCode::ServiceNotTrusted,
            subject: quoted("credentials of role"),
            meaning: "a role's trust refused the assume: the Redshift service principal (or, for serverless, \
                      `redshift-serverless.amazonaws.com`) is missing, a trust condition fails, or — unconfirmed — \
                      a later hop's trust or `sts:AssumeRole` permission is missing; `redbridge doctor` tells which"
                .to_owned(),
            certain: false,
        };
    }
    if lower.contains("does not have assumerole permission") {
        return Classification {
            code: FindingCode::AssumeRolePrivilegeMissing,
            subject: quoted("on iam role"),
            meaning: "the database user lacks `GRANT ASSUMEROLE ON '<chain>' … FOR COPY|UNLOAD`; a chain is granted as a whole"
                .to_owned(),
            certain: true,
        };
    }
    if lower.contains("must be addressed using the specified endpoint") || lower.contains("permanentredirect") {
        return Classification {
            code: FindingCode::BucketRegionDiffers,
            subject: None,
            meaning: "the bucket is in another region than the statement assumes: add `REGION '<bucket region>'`"
                .to_owned(),
            certain: true,
        };
    }
    if lower.contains("specified bucket does not exist") || lower.contains("nosuchbucket") {
        return Classification {
            code: FindingCode::BucketMissing,
            subject: None,
            meaning: "the bucket does not exist".to_owned(),
            certain: true,
        };
    }
    if lower.contains("specified unload destination on s3 is not empty") {
        return Classification {
            code: FindingCode::UnloadTargetNotEmpty,
            subject: None,
            meaning: "UNLOAD refuses to write into a prefix that already has objects: use a new prefix, ALLOWOVERWRITE, or CLEANPATH"
                .to_owned(),
            certain: true,
        };
    }
    if lower.contains("specified s3 prefix") && lower.contains("does not exist") {
        return Classification {
            code: FindingCode::CopySourceEmpty,
            subject: quoted("s3 prefix"),
            meaning:
                "COPY found no objects under the prefix: check the path and that UNLOAD (or the producer) wrote there"
                    .to_owned(),
            certain: true,
        };
    }
    // PostgreSQL's and Redshift's login refusal (`FATAL: password authentication failed for user
    // "x"`), which the Data API gives a statement whose `SecretArn` holds a wrong user or password.
    if lower.contains("password authentication failed for user") {
        return Classification {
            code: FindingCode::DatabaseLoginRefused,
            subject: quoted("for user"),
            meaning:
                "the database refused the login: the secret's `username`/`password` (SecretArn) are not a user's of \
                      the cluster or workgroup, or a temporary password expired; no role of the chain was tried"
                    .to_owned(),
            certain: true,
        };
    }
    if let Some(classification) = columnar_or_manifest(&lower) {
        return classification;
    }
    if let Some(classification) = policy_denial(text, &lower) {
        return classification;
    }
    if lower.contains("is not authorized to perform") {
        // `User: arn:aws:sts::A:assumed-role/<role>/RedshiftIamRoleSession is not authorized to perform: s3:PutObject on resource ...`
        let role = quoted("assumed-role/").map(|s| s.split('/').next().unwrap_or_default().to_owned());
        let action = quoted("to perform:");
        let kms = action.as_deref().is_some_and(|a| a.starts_with("kms:"));
        let explicit = lower.contains("explicit deny");
        return Classification {
            code: if kms {
                FindingCode::KmsKeyNotAllowed
            } else if explicit {
                FindingCode::S3ExplicitDeny
            } else {
                FindingCode::S3PermissionMissing
            },
            subject: role,
            meaning: format!(
                "the role named in the text may not {} ({}); the role name tells the hop",
                action.unwrap_or_else(|| "perform the action".to_owned()),
                if explicit { "an explicit deny" } else { "no policy allows it, or a policy denies it" }
            ),
            certain: true,
        };
    }
    if lower.contains("kms")
        && (lower.contains("accessdenied") || lower.contains("access denied") || lower.contains("kms.accessdenied"))
    {
        return Classification {
            code: FindingCode::KmsKeyNotAllowed,
            subject: None,
            meaning: "KMS refused the key: the key policy or the bucket role's policy does not allow it".to_owned(),
            certain: false,
        };
    }
    if lower.contains("access denied") || lower.contains("accessdenied") || lower.contains("status 403") {
        return Classification {
            code: FindingCode::S3PermissionMissing,
            subject: None,
            meaning: "S3 refused: the bucket role lacks the permission, a bucket policy denies it (for example one that requires \
                      SSE-KMS while UNLOAD writes SSE-S3), or the key does; `redbridge doctor` tells which"
                .to_owned(),
            certain: false,
        };
    }
    Classification {
        code: FindingCode::UnrecognisedError,
        subject: None,
        meaning: format!("unrecognised error text: {text}"),
        certain: false,
    }
}

/// Columnar COPY's refusals and manifest problems (a manifest S3 refuses to read is S3's
/// finding, classified after this):
/// - `REGION argument is not supported for PARQUET based COPY` (the columnar COPY usage notes,
///   <https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>, as
///   quoted in <https://github.com/apache/iggy/pull/3654>): the bucket must be in Redshift's region;
/// - `COPY from this file format only accepts IAM_ROLE credentials.` (reported in
///   <https://github.com/awsdocs/amazon-redshift-developer-guide/pull/34>);
/// - `Problem reading manifest file - S3ServiceException:The specified key does not exist.,Status 404`
///   (<https://github.com/databricks/spark-redshift/issues/136>), `Manifest file is not in correct
///   json format` (<https://github.com/databricks/spark-redshift/issues/321>), and the emulator's
///   `Manifest file entry URL is mandatory but the file does not exist`;
/// - `Spectrum Scan Error` (code 15007) whose context says the Parquet file does not fit the table:
///   `Unmatched number of columns between table and file. Table columns: 20, Data columns: 16`
///   (<https://github.com/rudderlabs/rudder-server/pull/3178>), `File '…' has an incompatible
///   Parquet schema for column '…'` (<https://github.com/aws/amazon-redshift-python-driver/issues/107>),
///   `The length of the data column … is longer than the length defined in the table`; and the
///   parameters columnar COPY does not take, `TRUNCATECOLUMNS argument is not supported for PARQUET
///   based COPY` (observed, SQLSTATE 0A000; REGION's is `RB152` above).
fn columnar_or_manifest(lower: &str) -> Option<Classification> {
    let found = |code: FindingCode, meaning: &str| {
        Some(Classification { code, subject: None, meaning: meaning.to_owned(), certain: true })
    };
    if lower.contains("region argument is not supported for") {
        return found(
            FindingCode::ColumnarCrossRegion,
            "COPY from PARQUET or ORC takes no REGION: the bucket must be in Redshift's region; copy the files \
             into a bucket there, or load CSV with `REGION`",
        );
    }
    if lower.contains("only accepts iam_role credentials") {
        return found(
            FindingCode::ColumnarCredentials,
            "COPY from PARQUET or ORC accepts only `IAM_ROLE` credentials: name the role chain with `IAM_ROLE`",
        );
    }
    let file_mismatch = lower.contains("spectrum scan error")
        && (lower.contains("unmatched number of columns")
            || lower.contains("incompatible parquet schema")
            || lower.contains("is longer than the length defined in the table"));
    if file_mismatch || lower.contains("argument is not supported for parquet based copy") {
        return found(
            FindingCode::ColumnarFileMismatch,
            "COPY from PARQUET or ORC loads columns by position: the file must have the table's (or the column \
             list's) number of columns, each of a Parquet type that maps to the column's type and no longer than \
             it, and the statement only the parameters columnar COPY takes",
        );
    }
    let manifest_missing = lower.contains("problem reading manifest file")
        && (lower.contains("specified key does not exist") || lower.contains("nosuchkey"));
    if manifest_missing
        || lower.contains("manifest file is not in correct json format")
        || (lower.contains("manifest file entry") && lower.contains("is mandatory"))
    {
        return found(
            FindingCode::ManifestUnusable,
            "COPY's manifest cannot be used: check that it exists at the FROM path, is JSON with `entries` of \
             `url`s, and that every `mandatory` entry's file exists",
        );
    }
    None
}

/// The kind of policy an AWS access denied text names, as AWS words it. Sources: the IAM User
/// Guide, "Troubleshooting access denied error messages"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>), whose
/// examples are each cited below; it notes that an SCP denial always reads "explicit deny",
/// even when no SCP allows the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeniedBy {
    /// `… with an explicit deny in a service control policy` (section "Access denied due to a
    /// Service Control Policy").
    Scp,
    /// `… with an explicit deny in a resource control policy` (section "Access denied due to a
    /// resource control policy"; RCPs, November 2024, deny only: there is no implicit form).
    Rcp,
    /// `… because no permissions boundary allows the ACTION action` and `… with an explicit
    /// deny in a permissions boundary` (section "Access denied due to a permissions boundary").
    Boundary,
    /// `… because no identity-based policy allows the ACTION action` (section "Access denied due
    /// to identity-based policies", implicit denial).
    NoIdentityPolicy,
    /// `… with an explicit deny in an identity-based policy` (same section, explicit denial).
    IdentityDeny,
    /// `… because no resource-based policy allows the ACTION action` and `… with an explicit
    /// deny in a resource-based policy` (section "Access denied due to resource-based policies").
    ResourcePolicy,
    /// `… because the role trust policy …` and `… with an explicit deny in the role trust
    /// policy` (section "Access denied due to role trust policies").
    TrustPolicy,
    /// `… because no VPC endpoint policy allows …` and `… with an explicit deny in a VPC
    /// endpoint policy` (section "Access denied due to a VPC endpoint policy").
    VpcEndpoint,
}

impl DeniedBy {
    /// What the text names. A VPC endpoint denial "transitively through a service control
    /// policy" is the SCP's (the IAM guide's last example).
    fn of(lower: &str) -> Option<Self> {
        [
            ("service control policy", Self::Scp),
            ("resource control policy", Self::Rcp),
            ("permissions boundary", Self::Boundary),
            ("no identity-based policy allows", Self::NoIdentityPolicy),
            ("explicit deny in an identity-based policy", Self::IdentityDeny),
            ("resource-based policy", Self::ResourcePolicy),
            ("role trust policy", Self::TrustPolicy),
            ("vpc endpoint policy", Self::VpcEndpoint),
        ]
        .into_iter()
        .find(|(phrase, _)| lower.contains(phrase))
        .map(|(_, kind)| kind)
    }

    fn words(self) -> &'static str {
        match self {
            Self::Scp => {
                "a service control policy of the caller's organization denies it (AWS says \"explicit deny\" for SCPs even when no SCP allows it)"
            }
            Self::Rcp => "a resource control policy of the resource owner's organization denies it",
            Self::Boundary => "the caller's permissions boundary does not allow it",
            Self::NoIdentityPolicy => "no identity-based policy of the caller allows it",
            Self::IdentityDeny => "an identity-based policy of the caller denies it",
            Self::ResourcePolicy => "the resource's policy (bucket or key policy) does not allow it, or denies it",
            Self::TrustPolicy => "the role's trust policy does not allow the caller",
            Self::VpcEndpoint => {
                "the VPC endpoint's policy does not allow it (enhanced VPC routing sends the request through it)"
            }
        }
    }
}

/// An AWS access denied text that names the kind of policy that refused, alone or wrapped by
/// Redshift: the finding of that policy's hop. `None` for a text naming no policy kind.
fn policy_denial(text: &str, lower: &str) -> Option<Classification> {
    if !lower.contains("is not authorized to perform") {
        return None;
    }
    let kind = DeniedBy::of(lower)?;
    let after = |marker: &str| -> Option<String> {
        let start = lower.find(marker)? + marker.len();
        let rest = text[start..].trim_start_matches([' ', '"', '\'']);
        let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',').unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches(['.', ';']).to_owned()).filter(|s| !s.is_empty())
    };
    let action = after("to perform:").unwrap_or_default();
    let principal = after("user:");
    let role = after("assumed-role/").map(|s| s.split('/').next().unwrap_or_default().to_owned());
    let service = action.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let code = match (kind, service.as_str()) {
        (DeniedBy::Scp, _) => FindingCode::ScpDenies,
        (DeniedBy::Rcp, _) => FindingCode::RcpDenies,
        (DeniedBy::Boundary, _) => FindingCode::PermissionsBoundaryDenies,
        (DeniedBy::VpcEndpoint, _) => FindingCode::EnhancedVpcRouting,
        (DeniedBy::TrustPolicy, _) | (DeniedBy::ResourcePolicy, "sts") => FindingCode::PreviousRoleNotTrusted,
        (_, "kms") => FindingCode::KmsKeyNotAllowed,
        (_, "sts") => FindingCode::AssumeRoleNotAllowed,
        (DeniedBy::IdentityDeny, _) => FindingCode::S3ExplicitDeny,
        (DeniedBy::ResourcePolicy, _) if lower.contains("explicit deny") => FindingCode::S3ExplicitDeny,
        _ => FindingCode::S3PermissionMissing,
    };
    let who = match (&role, &principal) {
        (Some(role), _) => format!("role `{role}`"),
        (None, Some(principal)) => format!("`{principal}`"),
        (None, None) => "the caller".to_owned(),
    };
    let on = after("on resource:").map(|r| format!(" on `{r}`")).unwrap_or_default();
    Some(Classification {
        code,
        subject: role.or(principal),
        meaning: format!("{who} may not `{action}`{on}: {}", kind.words()),
        certain: true,
    })
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
