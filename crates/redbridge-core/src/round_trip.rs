//! `redbridge test` as data: the statements of the round trip that proves a plan's chain, and
//! the diagnosis of a failure in doctor's terms (its code, the hop it points at, what it means).
//!
//! The round trip creates a temporary table with a marker row, UNLOADs it with the plan's chain,
//! key and REGION to a fresh prefix under the spec's, COPYs it back into a second temporary
//! table and counts the marker. A COPY-only chain cannot UNLOAD, so the marker object is
//! written by the caller (with the bucket account's profile) and only COPYed; an UNLOAD-only
//! chain only UNLOADs. Running it (one Data API batch, so the temporary tables share a session)
//! and deleting what it wrote is `redbridge_aws::round_trip_run`.

use redbridge_iam::S3Uri;
use redbridge_sql::TableName;
use serde::Serialize;

use crate::doctor::{Classification, FindingCode, Hop};
use crate::plan::Plan;
use crate::spec::DataFormat;
use crate::statements::{StatementSettings, copy_statement, unload_statement};

/// The temporary table the marker row is UNLOADed from.
pub const SOURCE_TABLE: &str = "redbridge_test_source";
/// The temporary table the marker is COPYed back into.
pub const TARGET_TABLE: &str = "redbridge_test_target";

/// The marker row, where the round trip writes, and its statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundTrip {
    /// The marker value.
    pub marker: String,
    /// The fresh prefix (ends with `/`).
    pub prefix: String,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// The object the caller writes first (COPY-only chains): its key and body.
    #[serde(skip)]
    pub marker_object: Option<(String, Vec<u8>)>,
    /// Whether the last statement counts the marker (the result must be `1`).
    pub counts_marker: bool,
}

/// Why a plan has no round trip.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundTripError {
    /// A COPY-only chain would need a PARQUET marker object, which redbridge cannot write.
    #[error(
        "`redbridge test` cannot write a PARQUET marker for a COPY-only chain; test with `--sql` and a COPY of your own files"
    )]
    ParquetMarker,
    /// A table name of the round trip was refused by the SQL builder.
    #[error("{0}")]
    Table(String),
}

/// The statements of the round trip for `plan`, writing under `<spec prefix><unique>/`, with
/// `unique` as the marker.
pub fn round_trip(plan: &Plan, unique: &str) -> Result<RoundTrip, RoundTripError> {
    let spec = &plan.spec;
    let base = spec.prefixes.first().map(String::as_str).unwrap_or("");
    let prefix = format!("{base}{unique}/");
    let marker = unique.to_owned();
    let settings = StatementSettings { cleanpath: false, ..StatementSettings::from_spec(spec) };
    let location = S3Uri::new(spec.bucket.clone(), &format!("{prefix}part_"));
    let source = TableName::parse(SOURCE_TABLE).map_err(|e| RoundTripError::Table(e.to_string()))?;
    let target = TableName::parse(TARGET_TABLE).map_err(|e| RoundTripError::Table(e.to_string()))?;
    let mut statements = Vec::new();
    let mut marker_object = None;
    if spec.access.unload() {
        statements.push(format!("CREATE TEMP TABLE {source} (marker VARCHAR(64))"));
        statements.push(format!("INSERT INTO {source} VALUES ('{marker}')"));
        statements.push(
            unload_statement(&format!("SELECT marker FROM {source}"), &location, plan.chain.roles(), &settings)
                .to_string(),
        );
    } else {
        let body = match spec.format {
            DataFormat::Csv | DataFormat::Text => format!("{marker}\n"),
            DataFormat::Json => format!("{{\"marker\":\"{marker}\"}}\n"),
            DataFormat::Parquet => return Err(RoundTripError::ParquetMarker),
        };
        marker_object = Some((format!("{prefix}part_0000_part_00"), body.into_bytes()));
    }
    let counts_marker = spec.access.copy();
    if counts_marker {
        statements.push(format!("CREATE TEMP TABLE {target} (marker VARCHAR(64))"));
        statements.push(copy_statement(&target, &location, plan.chain.roles(), &settings).to_string());
        statements.push(format!("SELECT COUNT(*) FROM {target} WHERE marker = '{marker}'"));
    }
    Ok(RoundTrip { marker, prefix, statements, marker_object, counts_marker })
}

impl RoundTrip {
    /// What is wrong when the statements finished: the marker count (the first column of the
    /// last statement's first row) is not `1`, or, for an UNLOAD-only chain, no object appeared
    /// under `location` (`objects_may_exist`: whether the cleanup deleted any, or could not tell).
    pub fn problem(&self, count: Option<&str>, objects_may_exist: bool, location: &str) -> Option<String> {
        if self.counts_marker {
            (count != Some("1")).then(|| {
                format!(
                    "the marker row did not come back: COPY loaded `{}` rows with marker `{}`",
                    count.unwrap_or("no"),
                    self.marker
                )
            })
        } else {
            (!objects_may_exist).then(|| format!("UNLOAD finished but no object appeared under `{location}`"))
        }
    }
}

/// A classified failure: the code, the hop it points at, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The finding code.
    pub code: FindingCode,
    /// The code's one-line meaning.
    pub title: &'static str,
    /// The hop, as doctor labels it.
    pub hop: String,
    /// What the text means.
    pub meaning: String,
    /// Whether the text pins the hop down.
    pub certain: bool,
}

/// The hop a classified error points at, as doctor labels it.
pub fn diagnose(plan: &Plan, classification: &Classification) -> Diagnosis {
    let first = plan.chain.first().to_string();
    let last = plan.chain.last().to_string();
    let named_role = classification.subject.as_ref().and_then(|subject| {
        plan.chain.roles().iter().map(ToString::to_string).find(|r| r == subject || r.ends_with(&format!("/{subject}")))
    });
    let hop = match classification.code {
        FindingCode::FirstRoleNotAttached | FindingCode::FirstRoleNotInSync => Hop::Attachment.label(),
        FindingCode::ServiceNotTrusted
        | FindingCode::ServerlessServiceNotTrusted
        | FindingCode::TrustConditionUnsatisfiable => {
            match named_role.as_ref().and_then(|r| plan.chain.roles().iter().find(|x| x.to_string() == *r)) {
                Some(role) => match plan.chain.previous(role) {
                    Some(previous) => Hop::Role { from: previous.to_string(), to: role.to_string() }.label(),
                    None => Hop::Service { role: role.to_string() }.label(),
                },
                None => Hop::Service { role: first }.label(),
            }
        }
        FindingCode::S3PermissionMissing | FindingCode::S3ExplicitDeny | FindingCode::UnloadWithoutSseKms => {
            Hop::S3 { role: named_role.unwrap_or(last) }.label()
        }
        FindingCode::KmsKeyNotAllowed | FindingCode::AwsManagedKey | FindingCode::KmsKeyNotEnabled => {
            Hop::Kms { role: named_role.unwrap_or(last) }.label()
        }
        FindingCode::AssumeRolePrivilegeMissing => "database privilege".to_owned(),
        // The text names the calling role's session and the action: its hop is the next role's
        // assume, or its S3 or KMS access.
        FindingCode::ScpDenies | FindingCode::RcpDenies => {
            let caller = named_role.as_ref().and_then(|r| plan.chain.roles().iter().find(|x| x.to_string() == *r));
            let meaning = &classification.meaning;
            match caller {
                Some(role) if meaning.contains("sts:AssumeRole") => match plan.chain.next(role) {
                    Some(next) => Hop::Role { from: role.to_string(), to: next.to_string() }.label(),
                    None => Hop::Statement.label(),
                },
                Some(role) if meaning.contains("kms:") => Hop::Kms { role: role.to_string() }.label(),
                Some(role) => Hop::S3 { role: role.to_string() }.label(),
                None => Hop::Statement.label(),
            }
        }
        _ => Hop::Statement.label(),
    };
    Diagnosis {
        code: classification.code,
        title: classification.code.meaning(),
        hop,
        meaning: classification.meaning.clone(),
        certain: classification.certain,
    }
}

/// Redshift says only `not authorized to assume IAM Role <the string as written>` when the
/// statement's own chain is wrong (a space after a comma, another order, a partial chain): the
/// statement `sql` tells which, so the diagnosis of its failure can be certain.
pub fn refine_for_statement(plan: &Plan, sql: &str, diagnosis: Diagnosis) -> Diagnosis {
    if diagnosis.code != FindingCode::FirstRoleNotAttached {
        return diagnosis;
    }
    let authorization = match redbridge_sql::parse_statement(sql) {
        Ok(redbridge_sql::Statement::Copy(copy)) => copy.authorization,
        Ok(redbridge_sql::Statement::Unload(unload)) => unload.authorization,
        Err(_) => None,
    };
    let written = authorization.map(|a| a.iam_roles()).unwrap_or_default();
    let planned: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
    let fixed = planned.join(",");
    let meaning = if written.iter().any(|role| role.trim() != role) {
        format!(
            "the statement's IAM_ROLE string has a space around a comma, so Redshift looks for a role named with it; write `IAM_ROLE '{fixed}'`"
        )
    } else if !written.is_empty() && written != planned {
        format!(
            "the statement's chain `{}` is not the plan's (order, a missing hop, or other roles); write `IAM_ROLE '{fixed}'`",
            written.join(",")
        )
    } else {
        return diagnosis;
    };
    let code = FindingCode::StatementChainWrong;
    Diagnosis { code, title: code.meaning(), hop: Hop::Statement.label(), meaning, certain: true }
}
