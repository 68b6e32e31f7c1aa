//! Redshift's error texts turned into the findings doctor uses: which hop failed, and why.
//!
//! The texts come from the Redshift documentation and public issue threads, collected in the
//! project's reference (`redshift-cross-account.md`). Where Redshift's words do not say which
//! hop failed (the second hop's refusal is reported like the first's, unconfirmed), the
//! classification says so instead of guessing.

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
    // AWS's access denied texts name the policy type that decided: `… with an explicit deny in a
    // service control policy`, `… because no resource control policy allows the s3:GetObject
    // action` (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
    for (kind, code, whose) in [
        ("service control policy", FindingCode::ScpDenies, "the caller's organization"),
        ("resource control policy", FindingCode::RcpDenies, "the resource owner's organization"),
    ] {
        if lower.contains(kind) {
            let role = quoted("assumed-role/").map(|s| s.split('/').next().unwrap_or_default().to_owned());
            return Classification {
                code,
                subject: role,
                meaning: format!(
                    "a {kind} of {whose} denies {}: no change to the accounts' own policies helps; `redbridge doctor` with a profile that may read the organization's policies names it",
                    quoted("to perform:").unwrap_or_else(|| "the request".to_owned())
                ),
                certain: true,
            };
        }
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
