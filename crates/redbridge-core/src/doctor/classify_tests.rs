//! AWS's access denied texts by the kind of policy they name, alone and wrapped in Redshift's
//! COPY/UNLOAD errors, mapped to their findings (and columnar COPY's and manifest texts). The texts follow the examples of
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>.

use super::*;

const SESSION: &str = "arn:aws:sts::222222222222:assumed-role/redbridge-bucket/RedshiftIamRoleSession";
const OBJECT: &str = "arn:aws:s3:::shared-data/sales/part_000";

/// The text as Redshift wraps it in a COPY's error.
fn wrapped(text: &str) -> String {
    format!("S3ServiceException:{text},Status 403,Error AccessDenied,Rid 6F1A,ExtRid abc=,CanRetry 1")
}

fn denied(action: &str, resource: &str, context: &str) -> String {
    format!("User: {SESSION} is not authorized to perform: {action} on resource: {resource} {context}")
}

#[test]
fn each_policy_kind_maps_to_its_finding_alone_and_wrapped_by_redshift() {
    let cases = [
        (
            denied("s3:GetObject", OBJECT, "because no identity-based policy allows the s3:GetObject action"),
            FindingCode::S3PermissionMissing,
        ),
        (
            denied("s3:PutObject", OBJECT, "with an explicit deny in an identity-based policy"),
            FindingCode::S3ExplicitDeny,
        ),
        (denied("s3:GetObject", OBJECT, "with an explicit deny in a service control policy"), FindingCode::ScpDenies),
        (denied("s3:GetObject", OBJECT, "with an explicit deny in a resource control policy"), FindingCode::RcpDenies),
        (
            denied("s3:GetObject", OBJECT, "because no permissions boundary allows the s3:GetObject action"),
            FindingCode::PermissionsBoundaryDenies,
        ),
        (
            denied("s3:PutObject", OBJECT, "with an explicit deny in a permissions boundary"),
            FindingCode::PermissionsBoundaryDenies,
        ),
        (
            denied("s3:GetObject", OBJECT, "because no resource-based policy allows the s3:GetObject action"),
            FindingCode::S3PermissionMissing,
        ),
        (
            denied(
                "kms:Decrypt",
                "arn:aws:kms:eu-west-1:222222222222:key/k",
                "because no resource-based policy allows the kms:Decrypt action",
            ),
            FindingCode::KmsKeyNotAllowed,
        ),
        (
            denied(
                "sts:AssumeRole",
                "arn:aws:iam::222222222222:role/next",
                "because no identity-based policy allows the sts:AssumeRole action",
            ),
            FindingCode::AssumeRoleNotAllowed,
        ),
        (
            denied(
                "sts:AssumeRole",
                "arn:aws:iam::222222222222:role/next",
                "with an explicit deny in a service control policy",
            ),
            FindingCode::ScpDenies,
        ),
        (
            denied("s3:GetObject", OBJECT, "because no VPC endpoint policy allows the s3:GetObject action"),
            FindingCode::EnhancedVpcRouting,
        ),
    ];
    for (text, code) in cases {
        for text in [text.clone(), wrapped(&text)] {
            let found = classify(&text);
            assert_eq!(found.code, code, "{text}");
            assert!(found.certain, "{text}");
            assert_eq!(found.subject.as_deref(), Some("redbridge-bucket"), "{text}");
        }
    }
}

#[test]
fn the_meaning_names_the_role_the_action_the_resource_and_the_policy_kind() {
    let found =
        classify(&wrapped(&denied("s3:GetObject", OBJECT, "with an explicit deny in a resource control policy")));
    assert_eq!(
        found.meaning,
        format!(
            "role `redbridge-bucket` may not `s3:GetObject` on `{OBJECT}`: a resource control policy of the resource owner's organization denies it"
        )
    );
    let scp = classify(&denied("s3:GetObject", OBJECT, "with an explicit deny in a service control policy"));
    assert!(scp.meaning.contains("even when no SCP allows it"), "{}", scp.meaning);
}

#[test]
fn an_operator_denied_pass_role_by_its_boundary_is_named_by_its_user_arn() {
    let text = "User: arn:aws:iam::111111111111:user/operator is not authorized to perform: iam:PassRole on resource: \
                arn:aws:iam::111111111111:role/redbridge-analytics because no permissions boundary allows the iam:PassRole action";
    let found = classify(text);
    assert_eq!(found.code, FindingCode::PermissionsBoundaryDenies);
    assert_eq!(found.subject.as_deref(), Some("arn:aws:iam::111111111111:user/operator"));
    assert!(
        found.meaning.starts_with("`arn:aws:iam::111111111111:user/operator` may not `iam:PassRole`"),
        "{}",
        found.meaning
    );
}

#[test]
fn texts_naming_no_policy_kind_keep_their_former_classification() {
    let plain = format!("User: {SESSION} is not authorized to perform: s3:PutObject on resource: {OBJECT}");
    assert_eq!(classify(&plain).code, FindingCode::S3PermissionMissing);
    assert_eq!(classify(&format!("{plain} with an explicit deny")).code, FindingCode::S3ExplicitDeny);
    assert_eq!(
        classify("S3ServiceException:Access Denied,Status 403,Error AccessDenied").code,
        FindingCode::S3PermissionMissing
    );
}

/// Columnar COPY's refusals and manifest problems, each with the text its source gives (see
/// `columnar_or_manifest`); a manifest S3 refuses to read stays S3's finding.
#[test]
fn columnar_and_manifest_texts_have_their_codes() {
    let cases = [
        ("REGION argument is not supported for PARQUET based COPY", FindingCode::ColumnarCrossRegion),
        ("COPY from this file format only accepts IAM_ROLE credentials.", FindingCode::ColumnarCredentials),
        ("TRUNCATECOLUMNS argument is not supported for PARQUET based COPY", FindingCode::ColumnarFileMismatch),
        ("FATAL: password authentication failed for user \"awsuser\"", FindingCode::DatabaseLoginRefused),
        (
            "Spectrum Scan Error Detail: \n  error:  Spectrum Scan Error\n  code:      15007\n  context:   Unmatched number of columns between table and file. Table columns: 20, Data columns: 16, File name: https://s3.us-east-1.amazonaws.com/b/k",
            FindingCode::ColumnarFileMismatch,
        ),
        (
            "Spectrum Scan Error\n  context:   File 'https://s3.us-east-2.amazonaws.com/b/u.parquet' has an incompatible Parquet schema for column 's3://b/u.parquet.c1'",
            FindingCode::ColumnarFileMismatch,
        ),
        (
            "Problem reading manifest file - S3ServiceException:The specified key does not exist.,Status 404,Error NoSuchKey",
            FindingCode::ManifestUnusable,
        ),
        ("Manifest file is not in correct json format", FindingCode::ManifestUnusable),
        ("Manifest file entry s3://b/in/a.csv is mandatory but the file does not exist", FindingCode::ManifestUnusable),
        (
            "Problem reading manifest file - S3ServiceException:Access Denied,Status 403,Error AccessDenied",
            FindingCode::S3PermissionMissing,
        ),
        (
            "Problem reading manifest file - S3ServiceException:The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.,Status 301,Error PermanentRedirect",
            FindingCode::BucketRegionDiffers,
        ),
    ];
    for (text, code) in cases {
        assert_eq!(classify(text).code, code, "{text}");
        assert_eq!(classify(&format!("ERROR: {text}")).code, code, "{text} after `ERROR: `");
    }
}
