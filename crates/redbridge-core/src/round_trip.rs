//! `redbridge test` as data: the statements of the round trip that proves a plan's chain, and
//! the diagnosis of a failure in doctor's terms (its code, the hop it points at, what it means).
//!
//! The round trip creates a temporary table with a marker row, UNLOADs it with the plan's chain,
//! key and REGION to a fresh prefix under the spec's, in the spec's format (CSV, text, JSON or
//! Parquet), COPYs it back in the same format into a second temporary table and counts the
//! marker. A COPY-only chain cannot UNLOAD, so the marker object is written by the caller (with
//! the bucket account's profile) in the spec's format and only COPYed; an UNLOAD-only chain only
//! UNLOADs. Running it (one Data API batch, so the temporary tables share a session) and
//! deleting what it wrote is `redbridge_aws::round_trip_run`.

use redbridge_iam::S3Uri;
use redbridge_sql::TableName;
use serde::Serialize;

use crate::doctor::{Classification, Finding, FindingCode, Hop, HopStatus, Report, Severity};
use crate::plan::Plan;
use crate::spec::DataFormat;
use crate::statements::{StatementSettings, copy_statement, unload_statement};

/// The temporary table the marker row is UNLOADed from.
pub const SOURCE_TABLE: &str = "redbridge_test_source";
/// The temporary table the marker is COPYed back into.
pub const TARGET_TABLE: &str = "redbridge_test_target";

/// The Parquet object a COPY-only chain loads: one row group, one row, one optional UTF-8
/// column `marker` holding [`PARQUET_MARKER_VALUE`], uncompressed and PLAIN-encoded (format
/// version 1.0, no statistics, no Arrow schema), 210 bytes.
///
/// Why a fixed file: this crate stays free of I/O and of heavy dependencies (no `parquet`, no
/// `arrow`), and writing Parquet by hand (Thrift compact footers, page headers) would be a
/// second, untested Parquet writer. One fixed row needs neither: the marker is fixed, and the
/// fresh prefix and the fresh temporary table already make each run's count its own. Redshift's
/// columnar COPY maps columns by position, and a Parquet string loads into `VARCHAR`
/// (<https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html>).
///
/// Generated once with pyarrow 26.0.1, from the workspace root (sha256
/// `06436f5a8b8574bffeeccc389d8cae5f2bbf1a46ab78067befb764f87538b8f5`):
///
/// ```text
/// python3 -c 'import pyarrow as pa, pyarrow.parquet as pq; pq.write_table(
///   pa.table({"marker": pa.array(["redbridge-test-parquet-marker"], pa.string())}),
///   "crates/redbridge-core/src/round_trip_marker.parquet", version="1.0", compression="NONE",
///   use_dictionary=False, write_statistics=False, store_schema=False)'
/// ```
///
/// `pq.read_table` of it gives `[{'marker': 'redbridge-test-parquet-marker'}]`; a test here
/// checks its magic, footer and value.
pub const PARQUET_MARKER: &[u8] = include_bytes!("round_trip_marker.parquet");

/// The one value of [`PARQUET_MARKER`]'s `marker` column.
pub const PARQUET_MARKER_VALUE: &str = "redbridge-test-parquet-marker";

/// The marker row, where the round trip writes, and its statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundTrip {
    /// The marker value.
    pub marker: String,
    /// The fresh prefix (ends with `/`).
    pub prefix: String,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// The object the caller writes first (COPY-only chains): its key and body, in the spec's format.
    #[serde(skip)]
    pub marker_object: Option<(String, Vec<u8>)>,
    /// Whether the last statement counts the marker (the result must be `1`).
    pub counts_marker: bool,
}

/// Why a plan has no round trip.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundTripError {
    /// COPY from Parquet reads only a bucket in Redshift's region and refuses REGION (RB152).
    #[error(
        "`redbridge test` cannot COPY PARQUET from bucket region `{bucket_region}` into Redshift in `{region}`: columnar COPY reads only a bucket in the cluster's region and refuses `REGION` (RB152); test with a bucket in `{region}`, or with `format = \"csv\"`"
    )]
    ColumnarCrossRegion {
        /// The bucket's region.
        bucket_region: String,
        /// Redshift's region.
        region: String,
    },
    /// The marker would not be a plain name (it goes into SQL literals and a JSON object).
    #[error("the round trip's marker `{0}` must be letters, digits, `-` and `_` only")]
    Marker(String),
    /// A table name of the round trip was refused by the SQL builder.
    #[error("{0}")]
    Table(String),
}

/// The statements of the round trip for `plan`, writing under `<spec prefix><unique>/`, with
/// `unique` as the marker (a COPY-only Parquet chain's marker is [`PARQUET_MARKER_VALUE`]).
pub fn round_trip(plan: &Plan, unique: &str) -> Result<RoundTrip, RoundTripError> {
    let spec = &plan.spec;
    if unique.is_empty() || !unique.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(RoundTripError::Marker(unique.to_owned()));
    }
    // Columnar COPY refuses REGION ("REGION argument is not supported for PARQUET based COPY",
    // copy-usage_notes-copy-from-columnar.html): say so before anything is written. The spec
    // refuses this too; a spec built in code may not have gone through it.
    if spec.format == DataFormat::Parquet && spec.access.copy() && spec.cross_region() {
        return Err(RoundTripError::ColumnarCrossRegion {
            bucket_region: spec.bucket_region.to_string(),
            region: spec.region.to_string(),
        });
    }
    let base = spec.prefixes.first().map(String::as_str).unwrap_or("");
    let prefix = format!("{base}{unique}/");
    let settings = StatementSettings { cleanpath: false, ..StatementSettings::from_spec(spec) };
    let location = S3Uri::new(spec.bucket.clone(), &format!("{prefix}part_"));
    let source = TableName::parse(SOURCE_TABLE).map_err(|e| RoundTripError::Table(e.to_string()))?;
    let target = TableName::parse(TARGET_TABLE).map_err(|e| RoundTripError::Table(e.to_string()))?;
    let mut statements = Vec::new();
    let mut marker_object = None;
    let mut marker = unique.to_owned();
    if spec.access.unload() {
        statements.push(format!("CREATE TEMP TABLE {source} (marker VARCHAR(64))"));
        statements.push(format!("INSERT INTO {source} VALUES ('{marker}')"));
        statements.push(
            unload_statement(&format!("SELECT marker FROM {source}"), &location, plan.chain.roles(), &settings)
                .to_string(),
        );
    } else {
        // Named as UNLOAD names its files: `<to>0000_part_00`, `.parquet` for Parquet.
        let (suffix, body) = match spec.format {
            DataFormat::Csv | DataFormat::Text => ("", format!("{marker}\n").into_bytes()),
            DataFormat::Json => ("", format!("{{\"marker\":\"{marker}\"}}\n").into_bytes()),
            DataFormat::Parquet => {
                PARQUET_MARKER_VALUE.clone_into(&mut marker);
                (".parquet", PARQUET_MARKER.to_vec())
            }
        };
        marker_object = Some((format!("{prefix}part_0000_part_00{suffix}"), body));
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
    /// The hop itself (`None` for the database privilege, which doctor does not judge).
    #[serde(skip)]
    pub at: Option<Hop>,
    /// What the text means.
    pub meaning: String,
    /// Whether the text pins the hop down.
    pub certain: bool,
    /// The fix, when doctor's reading named the cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Doctor's evidence for the cause, then what Redshift's text alone said.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The code Redshift's text alone gave, when doctor's reading named the cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_text: Option<FindingCode>,
    /// Whether doctor's reading of the accounts refined the diagnosis (absent: not attempted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctor: Option<DoctorReading>,
}

/// What reading the accounts as doctor does made of a failed test's diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorReading {
    /// Whether doctor's analysis had an error on the hop the text points at, and the diagnosis
    /// became its finding.
    pub refined: bool,
    /// Why the text's diagnosis stands, when it was not refined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Diagnosis {
    fn of(code: FindingCode, at: Option<Hop>, label: String, meaning: String, certain: bool) -> Self {
        Self {
            code,
            title: code.meaning(),
            hop: label,
            at,
            meaning,
            certain,
            fix: None,
            evidence: Vec::new(),
            from_text: None,
            doctor: None,
        }
    }

    /// The text's diagnosis stands: doctor's reading could not refine it, for `reason`.
    #[must_use]
    pub fn unrefined(mut self, reason: impl Into<String>) -> Self {
        self.doctor = Some(DoctorReading { refined: false, reason: Some(reason.into()) });
        self
    }
}

/// The hop a classified error points at, as doctor labels it.
pub fn diagnose(plan: &Plan, classification: &Classification) -> Diagnosis {
    let first = plan.chain.first().to_string();
    let last = plan.chain.last().to_string();
    let named_role = classification.subject.as_ref().and_then(|subject| {
        plan.chain.roles().iter().map(ToString::to_string).find(|r| r == subject || r.ends_with(&format!("/{subject}")))
    });
    let hop = match classification.code {
        FindingCode::FirstRoleNotAttached | FindingCode::FirstRoleNotInSync => Some(Hop::Attachment),
        FindingCode::ServiceNotTrusted
        | FindingCode::ServerlessServiceNotTrusted
        | FindingCode::TrustConditionUnsatisfiable => {
            match named_role.as_ref().and_then(|r| plan.chain.roles().iter().find(|x| x.to_string() == *r)) {
                Some(role) => match plan.chain.previous(role) {
                    Some(previous) => Some(Hop::Role { from: previous.to_string(), to: role.to_string() }),
                    None => Some(Hop::Service { role: role.to_string() }),
                },
                None => Some(Hop::Service { role: first }),
            }
        }
        FindingCode::S3PermissionMissing | FindingCode::S3ExplicitDeny | FindingCode::UnloadWithoutSseKms => {
            Some(Hop::S3 { role: named_role.unwrap_or(last) })
        }
        FindingCode::KmsKeyNotAllowed | FindingCode::AwsManagedKey | FindingCode::KmsKeyNotEnabled => {
            Some(Hop::Kms { role: named_role.unwrap_or(last) })
        }
        FindingCode::AssumeRolePrivilegeMissing => None,
        // The text names the calling role's session and the action: its hop is the next role's
        // assume, or its S3 or KMS access.
        FindingCode::ScpDenies | FindingCode::RcpDenies => {
            let caller = named_role.as_ref().and_then(|r| plan.chain.roles().iter().find(|x| x.to_string() == *r));
            let meaning = &classification.meaning;
            match caller {
                Some(role) if meaning.contains("sts:AssumeRole") => match plan.chain.next(role) {
                    Some(next) => Some(Hop::Role { from: role.to_string(), to: next.to_string() }),
                    None => Some(Hop::Statement),
                },
                Some(role) if meaning.contains("kms:") => Some(Hop::Kms { role: role.to_string() }),
                Some(role) => Some(Hop::S3 { role: role.to_string() }),
                None => Some(Hop::Statement),
            }
        }
        _ => Some(Hop::Statement),
    };
    let label = hop.as_ref().map_or_else(|| "database privilege".to_owned(), Hop::label);
    Diagnosis::of(classification.code, hop, label, classification.meaning.clone(), classification.certain)
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
    Diagnosis::of(FindingCode::StatementChainWrong, Some(Hop::Statement), Hop::Statement.label(), meaning, true)
}

/// Redshift's texts for a denied hop do not say why (an SCP, an RCP or a permissions boundary
/// reads as a refused assume or `Access Denied`): when doctor's `report` of the same accounts
/// has an error on the hop the text points at, the diagnosis becomes that finding (its code,
/// message, fix and evidence), keeping the text's own code as `from_text`. Otherwise the
/// text's diagnosis stands, saying why doctor's reading did not refine it.
pub fn refine_with_report(diagnosis: Diagnosis, report: &Report) -> Diagnosis {
    let Some(at) = diagnosis.at.clone() else {
        let reason = format!("doctor does not judge the `{}`", diagnosis.hop);
        return diagnosis.unrefined(reason);
    };
    if at == Hop::Statement {
        return diagnosis.unrefined("the text does not point at a hop doctor judges");
    }
    let on_hop = |finding: &&Finding| same_hop(&at, &finding.hop, diagnosis.certain);
    if let Some(finding) = report.findings.iter().filter(on_hop).find(|f| f.severity == Severity::Error) {
        let mut evidence = finding.evidence.clone();
        evidence
            .push(format!("redshift's text alone: `{}` at `{}`: {}", diagnosis.code, diagnosis.hop, diagnosis.meaning));
        return Diagnosis {
            code: finding.code,
            title: finding.code.meaning(),
            hop: finding.hop.label(),
            at: Some(finding.hop.clone()),
            meaning: finding.message.clone(),
            certain: true,
            fix: Some(finding.fix.to_text()),
            evidence,
            from_text: Some(diagnosis.code),
            doctor: Some(DoctorReading { refined: true, reason: None }),
        };
    }
    let unknown: Vec<&str> = report
        .findings
        .iter()
        .filter(on_hop)
        .filter(|f| f.severity == Severity::Unknown)
        .map(|f| f.message.as_str())
        .collect();
    let hop_unknown =
        report.hops.iter().any(|h| same_hop(&at, &h.hop, diagnosis.certain) && h.status == HopStatus::Unknown);
    let reason = if !unknown.is_empty() {
        format!("doctor could not judge `{}`: {}", diagnosis.hop, unknown.join("; "))
    } else if hop_unknown {
        format!("doctor could not judge `{}`: not everything on it was read", diagnosis.hop)
    } else {
        format!("doctor's reading of the accounts finds nothing wrong on `{}`", diagnosis.hop)
    };
    diagnosis.unrefined(reason)
}

/// Whether doctor's `finding` hop is the one a text points at: the same hop, or, when the text
/// cannot tell which assume refused, any assume of the chain.
fn same_hop(text: &Hop, finding: &Hop, certain: bool) -> bool {
    text == finding
        || (!certain
            && matches!(text, Hop::Service { .. } | Hop::Role { .. })
            && matches!(finding, Hop::Service { .. } | Hop::Role { .. }))
}
