//! `doctor --sql`: the user's own COPY and UNLOAD judged against the chain the plan needs and
//! the state read (bucket region, bucket policy, the objects under the statement's prefix), with
//! the linter's diagnostics beside them, so one command says everything about a statement.

use redbridge_iam::eval::Outcome;
use redbridge_iam::eval::redshift::access_request;
use redbridge_iam::{RoleArn, S3Uri};
use redbridge_sql::{
    Authorization, CopyOption, IamRoleSpec, LineIndex, Statement, StatementKind, StatementReport, UnloadOption,
    UnloadStatement, codes,
};

use super::FindingCode;
use super::analysis::{CallerPolicies, Doctor};
use super::findings::{Check, Hop, HopReport, HopStatus, Severity};
use super::snapshot::Known;
use crate::spec::Spec;
use crate::statements::lint_context;

/// The key prefixes of the spec's bucket that the statements in `sql` read from (COPY) or
/// unload to (UNLOAD without ALLOWOVERWRITE or CLEANPATH): what the live read must list for
/// [`analyze_with_sql`](super::analyze_with_sql) to judge them. Sorted, without duplicates;
/// statements that do not parse or name another bucket need no listing.
pub fn listed_prefixes(spec: &Spec, sql: &[String]) -> Vec<String> {
    let mut prefixes: Vec<String> = sql
        .iter()
        .flat_map(|text| redbridge_sql::parse(text))
        .filter_map(|parsed| parsed.statement)
        .filter_map(|statement| target(&statement).filter(|(uri, _)| uri.bucket() == &spec.bucket))
        .filter(|(_, listing)| *listing != Listing::NotNeeded)
        .map(|(uri, _)| uri.key().to_owned())
        .collect();
    prefixes.sort();
    prefixes.dedup();
    prefixes
}

/// What a statement needs of the objects under its location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// COPY: at least one object.
    NotEmpty,
    /// UNLOAD: no object.
    Empty,
    /// UNLOAD with ALLOWOVERWRITE or CLEANPATH: anything.
    NotNeeded,
}

/// The statement's location, when it is an S3 URI, and what it needs there.
fn target(statement: &Statement) -> Option<(S3Uri, Listing)> {
    match statement {
        Statement::Copy(copy) => Some((S3Uri::parse(&copy.from).ok()?, Listing::NotEmpty)),
        Statement::Unload(unload) => {
            let overwrites =
                unload.options.iter().any(|o| matches!(o, UnloadOption::AllowOverwrite | UnloadOption::CleanPath));
            Some((S3Uri::parse(&unload.to).ok()?, if overwrites { Listing::NotNeeded } else { Listing::Empty }))
        }
    }
}

/// One statement's hop while it is judged.
struct Judging {
    hop: Hop,
    checks: Vec<Check>,
    /// Linter codes a doctor finding on this statement already says better (with the real state).
    covered: Vec<&'static str>,
}

impl Judging {
    fn check(&mut self, what: String, ok: Option<bool>) {
        self.checks.push(Check { what, ok, detail: Vec::new() });
    }
}

impl Doctor<'_> {
    /// Every statement given with `--sql`, numbered from 1 across all texts.
    pub(super) fn user_statements(&mut self, last: &RoleArn) {
        let context = lint_context(self.spec);
        let sql = self.sql;
        let mut number = 0;
        for text in sql {
            let index = LineIndex::new(text);
            for report in redbridge_sql::lint(text, &context) {
                number += 1;
                self.user_statement(number, &index, report, last);
            }
        }
    }

    fn user_statement(&mut self, number: usize, index: &LineIndex<'_>, report: StatementReport, last: &RoleArn) {
        let operation = match report.kind {
            StatementKind::Copy => "COPY",
            StatementKind::Unload => "UNLOAD",
            StatementKind::Other => "statement",
        };
        let location = report.statement.as_ref().map(|statement| match statement {
            Statement::Copy(copy) => copy.from.clone(),
            Statement::Unload(unload) => unload.to.clone(),
        });
        let hop = Hop::UserStatement { number, operation: operation.to_owned(), location };
        let mut judging = Judging { hop, checks: Vec::new(), covered: Vec::new() };
        let first_finding = self.findings.len();
        if let Some(statement) = &report.statement {
            self.statement_chain(statement, &mut judging);
            let bucket_matches = target(statement).is_some_and(|(uri, _)| uri.bucket() == &self.spec.bucket);
            if bucket_matches {
                self.statement_region(statement, &mut judging);
                if let Statement::Unload(unload) = statement {
                    self.statement_encryption(unload, last, &mut judging);
                }
                self.statement_objects(statement, &mut judging);
            }
        }
        self.statement_lint(index, &report, &mut judging);
        let Judging { hop, checks, .. } = judging;
        let own = &self.findings[first_finding..];
        let status = if own.iter().any(|f| f.severity == Severity::Error) {
            HopStatus::Broken
        } else if own.iter().any(|f| f.severity == Severity::Unknown) || checks.iter().any(|c| c.ok.is_none()) {
            HopStatus::Unknown
        } else {
            HopStatus::Ok
        };
        self.hops.push(HopReport { hop, status, checks });
    }

    /// RB181: the IAM_ROLE (or `CREDENTIALS 'aws_iam_role=…'`) string must be the plan's
    /// chain, in hop order, without spaces.
    fn statement_chain(&mut self, statement: &Statement, judging: &mut Judging) {
        let planned = self.plan.chain.roles().iter().map(ToString::to_string).collect::<Vec<_>>();
        let planned_string = planned.join(",");
        let (clause, written) = match statement.authorization() {
            Some(Authorization::IamRole { role: IamRoleSpec::Chain(chain) }) => ("IAM_ROLE", chain.join(",")),
            Some(Authorization::IamRole { role: IamRoleSpec::Default }) => ("IAM_ROLE", "default".to_owned()),
            Some(Authorization::Credentials { credentials }) => match credentials_roles(credentials) {
                Some(roles) => ("CREDENTIALS", roles.to_owned()),
                // Access keys inside CREDENTIALS: no chain; the linter says what it thinks of them.
                None => return,
            },
            // Access keys or no authorization: the linter reports it.
            Some(Authorization::AccessKeys { .. }) | None => return,
        };
        let corrected = match clause {
            "CREDENTIALS" => format!("CREDENTIALS 'aws_iam_role={planned_string}'"),
            _ => format!("IAM_ROLE '{planned_string}'"),
        };
        let as_written = match clause {
            "CREDENTIALS" => format!("CREDENTIALS 'aws_iam_role={written}'"),
            _ if written == "default" => "IAM_ROLE default".to_owned(),
            _ => format!("IAM_ROLE '{written}'"),
        };
        let mut problems = Vec::new();
        if written == "default" && clause == "IAM_ROLE" {
            problems.push("`IAM_ROLE default` names one role, and a chain through it is not documented".to_owned());
        } else {
            if written.chars().any(char::is_whitespace) {
                problems.push(format!(
                    "the string contains a space, which Redshift keeps as part of the ARN and answers `User {} is not authorized to assume IAM Role {written}`",
                    self.db_user_arn()
                ));
            }
            let roles: Vec<&str> = written.split(',').map(str::trim).filter(|r| !r.is_empty()).collect();
            let planned_refs: Vec<&str> = planned.iter().map(String::as_str).collect();
            if roles != planned_refs {
                let mut sorted_roles = roles.clone();
                let mut sorted_planned = planned_refs.clone();
                sorted_roles.sort_unstable();
                sorted_planned.sort_unstable();
                let first = self.plan.chain.first();
                if sorted_roles == sorted_planned {
                    let reversed: Vec<&str> = planned_refs.iter().rev().copied().collect();
                    let how = if roles == reversed { "in reverse order" } else { "in the wrong order" };
                    problems.push(format!(
                        "the roles are {how}: Redshift assumes them left to right, starting with `{}`, the role attached to the {}",
                        first.name(),
                        self.target_word()
                    ));
                } else if !roles.is_empty() && roles.iter().all(|r| planned_refs.contains(r)) {
                    let missing: Vec<String> =
                        planned_refs.iter().filter(|r| !roles.contains(r)).map(|r| format!("`{r}`")).collect();
                    problems.push(format!(
                        "it names only {} of the chain's {} roles (missing {}); Redshift needs the whole chain in one string",
                        roles.len(),
                        planned.len(),
                        missing.join(", ")
                    ));
                } else {
                    let others: Vec<String> =
                        roles.iter().filter(|r| !planned_refs.contains(r)).map(|r| format!("`{r}`")).collect();
                    problems.push(format!("it names roles that are not the plan's chain: {}", others.join(", ")));
                }
            }
        }
        let names: Vec<&str> = self.plan.chain.roles().iter().map(RoleArn::name).collect();
        let what = format!("{clause} names the chain `{}` in hop order, without spaces", names.join(" → "));
        if problems.is_empty() {
            judging.check(what, Some(true));
            return;
        }
        judging.check(what, Some(false));
        judging.covered.extend([
            codes::CHAIN_WHITESPACE,
            codes::CHAIN_EMPTY_ELEMENT,
            codes::CHAIN_DEFAULT,
            codes::SPEC_FIRST_ROLE_ACCOUNT,
            codes::SPEC_LAST_ROLE_ACCOUNT,
        ]);
        self.finding(
            FindingCode::StatementChainWrong,
            Severity::Error,
            judging.hop.clone(),
            format!("the statement names the chain wrongly: {}", problems.join("; ")),
            vec![format!("as written: {as_written}"), format!("the plan's chain: {planned_string}")],
            format!("write the chain as one string, in hop order, without spaces:\n{corrected}"),
        );
    }

    /// The database user's ARN as Redshift names it in errors (the first `db_users` entry).
    fn db_user_arn(&self) -> String {
        let user = self.spec.db_users.first().map_or("<user>", String::as_str);
        crate::plan::db_user_arn(self.spec, user).to_string()
    }

    fn target_word(&self) -> &'static str {
        if self.spec.target.is_serverless() { "namespace" } else { "cluster" }
    }

    /// RB151 (and RB152): REGION must name the bucket's real region when it is not Redshift's.
    fn statement_region(&mut self, statement: &Statement, judging: &mut Judging) {
        let (written, columnar_copy) = match statement {
            Statement::Copy(copy) => (
                copy.options.iter().find_map(|o| match o {
                    CopyOption::Region(region) => Some(region.clone()),
                    _ => None,
                }),
                copy.options.iter().any(|o| matches!(o, CopyOption::Format(format) if format.is_columnar())),
            ),
            Statement::Unload(unload) => (
                unload.options.iter().find_map(|o| match o {
                    UnloadOption::Region(region) => Some(region.clone()),
                    _ => None,
                }),
                false,
            ),
        };
        let Some(bucket) = self.snapshot.bucket.value() else {
            // The bucket hop already says why it is unknown or absent.
            judging.check("REGION matches the bucket's region".to_owned(), None);
            return;
        };
        // Judged against the real region: the linter's checks against the spec's are moot.
        judging.covered.extend([codes::SPEC_REGION_MISSING, codes::SPEC_REGION_MISMATCH]);
        let bucket_region = bucket.region.to_string();
        let cross_region = bucket.region != self.spec.region;
        let evidence =
            vec![format!("GetBucketLocation: {bucket_region}"), format!("Redshift runs in {}", self.spec.region)];
        if columnar_copy && cross_region {
            judging
                .check(format!("COPY from PARQUET or ORC in the Redshift region `{}`", self.spec.region), Some(false));
            judging.covered.extend([codes::COPY_COLUMNAR_REGION, codes::SPEC_COLUMNAR_CROSS_REGION]);
            self.finding(
                FindingCode::ColumnarCrossRegion,
                Severity::Error,
                judging.hop.clone(),
                format!("COPY from PARQUET or ORC cannot read a bucket in `{bucket_region}` from Redshift in `{}`, and rejects REGION", self.spec.region),
                evidence,
                format!("copy the files into a bucket in `{}`, or use CSV with `REGION '{bucket_region}'`", self.spec.region),
            );
            return;
        }
        let what = format!("REGION for a bucket in `{bucket_region}`");
        let message = match (&written, cross_region) {
            (None, false) => None,
            (Some(region), _) if *region == bucket_region => None,
            (None, true) => Some(format!(
                "the bucket is in `{bucket_region}` and Redshift in `{}`, but the statement has no REGION; Redshift answers `PermanentRedirect` (301)",
                self.spec.region
            )),
            (Some(region), _) => Some(format!(
                "the statement says `REGION '{region}'` but the bucket is in `{bucket_region}`; Redshift answers `PermanentRedirect` (301)"
            )),
        };
        let Some(message) = message else {
            judging.check(what, Some(true));
            return;
        };
        judging.check(what, Some(false));
        let fix = match &written {
            None => format!("add this clause to the statement:\nREGION '{bucket_region}'"),
            Some(region) if !cross_region => {
                format!(
                    "remove `REGION '{region}'` (the bucket is in Redshift's region), or write:\nREGION '{bucket_region}'"
                )
            }
            Some(region) => format!("replace `REGION '{region}'` with:\nREGION '{bucket_region}'"),
        };
        self.finding(FindingCode::BucketRegionDiffers, Severity::Error, judging.hop.clone(), message, evidence, fix);
    }

    /// RB133: an UNLOAD without ENCRYPTED writes SSE-S3; a bucket policy may deny that.
    fn statement_encryption(&mut self, unload: &UnloadStatement, last: &RoleArn, judging: &mut Judging) {
        let what = "the bucket policy allows how the UNLOAD encrypts".to_owned();
        if unload.options.iter().any(|o| matches!(o, UnloadOption::Encrypted { .. })) {
            judging.check(what, Some(true));
            return;
        }
        let Some(bucket) = self.snapshot.bucket.value() else {
            judging.check(what, None);
            return;
        };
        let Some(policy) = bucket.policy.clone() else {
            judging.check(what, Some(true));
            return;
        };
        let Ok(uri) = S3Uri::parse(&unload.to) else { return };
        let partition = self.spec.region.partition();
        let object = self.spec.bucket.object_arn(partition, &format!("{}0000_part_00", uri.key())).to_string();
        let caller = CallerPolicies::service(policy, format!("bucket policy of `{}`", self.spec.bucket));
        let put = || access_request(last, "s3:PutObject", &object, self.spec.s3_account);
        // UNLOAD without ENCRYPTED: SSE-S3, with or without the header naming it.
        let sse_s3 = [put(), put().with_context("s3:x-amz-server-side-encryption", "AES256")];
        let mut with_kms = put().with_context("s3:x-amz-server-side-encryption", "aws:kms");
        if let Some(key) = &self.spec.kms_key {
            with_kms = with_kms.with_context("s3:x-amz-server-side-encryption-aws-kms-key-id", key.to_string());
        }
        let denied = sse_s3
            .iter()
            .map(|request| self.judge(request, &caller))
            .find(|j| j.decision.outcome == Outcome::ExplicitDeny);
        let Some(denied) = denied else {
            judging.check(what, Some(true));
            return;
        };
        if self.judge(&with_kms, &caller).decision.outcome == Outcome::ExplicitDeny {
            // Denied whatever the encryption: the S3 hop's RB132 says so for the planned UNLOAD.
            judging.check(what, Some(false));
            return;
        }
        judging.check(what, Some(false));
        judging.covered.push(codes::SPEC_ENCRYPTED_MISSING);
        let clause = match &self.spec.kms_key {
            Some(key) => format!("ENCRYPTED KMS_KEY_ID '{key}'"),
            None => "ENCRYPTED AUTO".to_owned(),
        };
        let mut evidence = denied.evidence;
        if let Some(default) = &bucket.default_encryption {
            evidence.push(format!("bucket default encryption: {default} (UNLOAD ignores it without ENCRYPTED)"));
        }
        let fix = match &self.spec.kms_key {
            Some(_) => format!("add this clause to the UNLOAD:\n{clause}"),
            None => format!(
                "add this clause to the UNLOAD (it encrypts with the bucket's default key, which must be SSE-KMS), or give the spec a `kms_key`:\n{clause}"
            ),
        };
        self.finding(
            FindingCode::UnloadWithoutSseKms,
            Severity::Error,
            judging.hop.clone(),
            "the bucket policy denies objects not encrypted with SSE-KMS, and this UNLOAD has no ENCRYPTED, so it writes SSE-S3".to_owned(),
            evidence,
            fix,
        );
    }

    /// RB183 and RB184: what is already under the statement's location.
    fn statement_objects(&mut self, statement: &Statement, judging: &mut Judging) {
        let Some((uri, listing)) = target(statement) else { return };
        let what = match listing {
            Listing::NotNeeded => {
                judging.check(format!("`{uri}` may hold objects (ALLOWOVERWRITE or CLEANPATH)"), Some(true));
                return;
            }
            Listing::Empty => format!("no objects under `{uri}` (the UNLOAD has no ALLOWOVERWRITE or CLEANPATH)"),
            Listing::NotEmpty => format!("objects under `{uri}`"),
        };
        let keys = match self.snapshot.prefix_objects.get(uri.key()) {
            Some(Known::Known { value }) => value.clone(),
            Some(Known::Absent) => {
                judging.check(what, None);
                if self.snapshot.bucket != Known::Absent {
                    self.unknown(
                        judging.hop.clone(),
                        &format!("the objects under `{uri}`"),
                        "the bucket was not found",
                    );
                }
                return;
            }
            Some(Known::Unknown { reason }) => {
                let reason = reason.clone();
                judging.check(what, None);
                self.unknown(judging.hop.clone(), &format!("the objects under `{uri}`"), &reason);
                return;
            }
            None => {
                judging.check(what, None);
                self.unknown(
                    judging.hop.clone(),
                    &format!("the objects under `{uri}`"),
                    "the snapshot has no listing of this prefix (save it with `doctor --save` and the same `--sql`)",
                );
                return;
            }
        };
        let listed = if keys.is_empty() {
            format!("ListObjectsV2 under `{}`: no objects", uri.key())
        } else {
            let shown: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("ListObjectsV2 under `{}`: {}", uri.key(), shown.join(", "))
        };
        match listing {
            Listing::Empty if !keys.is_empty() => {
                judging.check(what, Some(false));
                self.finding(
                    FindingCode::UnloadTargetNotEmpty,
                    Severity::Error,
                    judging.hop.clone(),
                    format!(
                        "UNLOAD into `{uri}`, which already holds objects, without ALLOWOVERWRITE or CLEANPATH; Redshift answers `Specified unload destination on S3 is not empty`"
                    ),
                    vec![listed],
                    "unload to an empty prefix, remove the objects, or add `ALLOWOVERWRITE` (replaces files of the same name) or `CLEANPATH` (deletes everything under the prefix first; needs `s3:DeleteObject`)".to_owned(),
                );
            }
            Listing::NotEmpty if keys.is_empty() => {
                judging.check(what, Some(false));
                self.finding(
                    FindingCode::CopySourceEmpty,
                    Severity::Error,
                    judging.hop.clone(),
                    format!(
                        "COPY from `{uri}`, under which there are no objects; Redshift answers `The specified S3 prefix '{}' does not exist`",
                        uri.key()
                    ),
                    vec![listed],
                    "check the FROM path (a prefix matches keys literally and case-sensitively), or write the files first".to_owned(),
                );
            }
            _ => judging.check(what, Some(true)),
        }
    }

    /// The linter's diagnostics, as findings with their `RB-SQL-NNN` codes and positions, except
    /// those a doctor finding above already makes with the real state.
    fn statement_lint(&mut self, index: &LineIndex<'_>, report: &StatementReport, judging: &mut Judging) {
        let mut errors = 0;
        for diagnostic in &report.diagnostics {
            if judging.covered.contains(&diagnostic.code) {
                continue;
            }
            let position = index.position(diagnostic.span.start);
            let severity = match diagnostic.severity {
                redbridge_sql::Severity::Error => {
                    errors += 1;
                    Severity::Error
                }
                redbridge_sql::Severity::Warning => Severity::Warning,
                redbridge_sql::Severity::Note => Severity::Info,
            };
            // The line, or a window of it around the diagnostic when it is long: statements
            // written on one line do not print that whole line once per finding.
            let excerpt = index.excerpt(diagnostic.span.start);
            let line = excerpt.text;
            let caret = format!("{}^", " ".repeat(excerpt.column.saturating_sub(1)));
            self.finding(
                FindingCode::Lint(diagnostic.code),
                severity,
                judging.hop.clone(),
                format!("{} (line {}, column {})", diagnostic.message, position.line, position.column),
                vec![
                    format!("line {}: {line}", position.line),
                    format!("{}{caret}", " ".repeat(format!("line {}: ", position.line).len())),
                ],
                diagnostic.help.clone(),
            );
        }
        judging.check("the linter finds no errors".to_owned(), Some(errors == 0));
    }
}

/// The `aws_iam_role=` value inside a CREDENTIALS string, if there is one.
fn credentials_roles(credentials: &str) -> Option<&str> {
    credentials.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim().eq_ignore_ascii_case("aws_iam_role").then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::from_toml(
            r#"
redshift_account = "111111111111"
s3_account = "222222222222"
bucket = "acme-lake"
prefixes = ["exports/"]
access = "both"
cluster = "warehouse"
region = "us-east-1"
"#,
        )
        .unwrap()
    }

    #[test]
    fn listed_prefixes_are_the_copy_sources_and_unload_targets_in_the_spec_bucket() {
        let sql = vec![
            "COPY t FROM 's3://acme-lake/exports/in/' IAM_ROLE 'x'; UNLOAD ('select 1') TO 's3://acme-lake/exports/out_' IAM_ROLE 'x'".to_owned(),
            "UNLOAD ('select 1') TO 's3://acme-lake/exports/over_' IAM_ROLE 'x' ALLOWOVERWRITE".to_owned(),
            "COPY t FROM 's3://other-bucket/x/' IAM_ROLE 'x'; COPY t FROM 's3://acme-lake/exports/in/' IAM_ROLE 'x'".to_owned(),
            "COPY t FROM".to_owned(),
        ];
        assert_eq!(listed_prefixes(&spec(), &sql), vec!["exports/in/".to_owned(), "exports/out_".to_owned()]);
    }

    #[test]
    fn credentials_roles_reads_the_aws_iam_role_part() {
        assert_eq!(credentials_roles("aws_iam_role=arn:a,arn:b"), Some("arn:a,arn:b"));
        assert_eq!(credentials_roles("aws_access_key_id=A;aws_secret_access_key=B"), None);
    }
}
