//! The UNLOAD checks: parameters that conflict with the chosen format (the keyword table says
//! which) or with each other, sizes out of range, the KMS key, the inner query, and the spec's
//! encryption and region facts.

use redbridge_iam::KmsKeyRef;

use super::Linter;
use crate::ast::{Compression, UnloadFormat, UnloadOption, UnloadStatement};
use crate::codes;
use crate::options;
use crate::parser::StatementKind;

impl Linter<'_> {
    pub(super) fn unload(&mut self, unload: &UnloadStatement) {
        self.authorization(unload.authorization.as_ref());
        self.inner_query(&unload.query);
        self.location(&unload.to);
        let slots: Vec<_> = unload.options.iter().map(|o| (o.slot(), o.keyword())).collect();
        self.duplicates(&slots);
        let format = unload.options.iter().find_map(|o| match o {
            UnloadOption::Format(format) => Some(*format),
            _ => None,
        });
        let encrypted = unload.options.iter().any(|o| matches!(o, UnloadOption::Encrypted { .. }));
        let present = self.present_in_unload(unload);
        self.combinations(StatementKind::Unload, &present);
        self.client_side_encryption(StatementKind::Unload, &present);
        self.extension(unload);
        let first = Self::first_of_keyword(unload.options.iter().map(UnloadOption::keyword));
        let mut region = None;
        for (index, option) in unload.options.iter().enumerate() {
            let keyword = option.keyword();
            if let UnloadOption::Region(value) = option {
                region = Some((value.as_str(), self.option_span(index)));
            }
            if !first[index] {
                continue;
            }
            match option {
                UnloadOption::KmsKeyId(key) => self.kms_key(key, index),
                UnloadOption::Delimiter(delimiter) => self.single_character("DELIMITER", delimiter, index),
                _ => {}
            }
            if let Some(format) = format
                && options::excludes_format(keyword, StatementKind::Unload, format.keyword())
            {
                let name = format.keyword();
                let (code, help) = match format {
                    UnloadFormat::Parquet if matches!(option, UnloadOption::Compression(_)) => (
                        codes::UNLOAD_PARQUET_OPTION,
                        format!("remove `{keyword}`; PARQUET files are compressed with Snappy"),
                    ),
                    UnloadFormat::Parquet => (
                        codes::UNLOAD_PARQUET_OPTION,
                        format!("remove `{keyword}`; it applies to text output, not PARQUET"),
                    ),
                    UnloadFormat::Json => (
                        codes::FORMAT_OPTION_CONFLICT,
                        format!("remove `{keyword}`; it applies to delimited text output"),
                    ),
                    UnloadFormat::Csv => {
                        (codes::FORMAT_OPTION_CONFLICT, format!("remove `{keyword}`; CSV quotes fields itself"))
                    }
                };
                self.conflict(code, index, format!("`UNLOAD` to `{name}` does not accept `{keyword}`"), help);
            }
            if format != Some(UnloadFormat::Parquet) && matches!(option, UnloadOption::RowGroupSize(_)) {
                self.conflict(
                    codes::FORMAT_OPTION_CONFLICT,
                    index,
                    "`ROWGROUPSIZE` applies only to `FORMAT AS PARQUET`".into(),
                    "remove `ROWGROUPSIZE`, or unload to PARQUET".into(),
                );
            }
            let range = match option {
                UnloadOption::MaxFileSize(size) => Some((size, 5.0, 6.2 * 1024.0, "5 MB and 6.2 GB")),
                UnloadOption::RowGroupSize(size) => Some((size, 32.0, 128.0, "32 MB and 128 MB, a whole number")),
                _ => None,
            };
            // ROWGROUPSIZE is documented as an integer, MAXFILESIZE as a decimal.
            let whole = !matches!(option, UnloadOption::RowGroupSize(size) if size.value.contains('.'));
            if let Some((size, min, max, words)) = range
                && let Some(mb) = size.megabytes()
                && (!(min..=max).contains(&mb) || !whole)
            {
                self.conflict(
                    codes::INVALID_VALUE,
                    index,
                    format!("`{keyword} {size}` is out of range"),
                    format!("give a size between {words}"),
                );
            }
        }
        if let Some(kms_key) = &self.context.kms_key
            && !encrypted
        {
            self.error(
                codes::SPEC_ENCRYPTED_MISSING,
                self.keyword_span(),
                "`UNLOAD` without `ENCRYPTED` writes SSE-S3 objects, but the spec's bucket uses a KMS key".into(),
                format!("add `ENCRYPTED KMS_KEY_ID '{kms_key}'`"),
            );
        }
        self.region(region, false);
    }

    /// A warning when `EXTENSION` leaves out the suffix of the chosen codec: Redshift appends
    /// the extension as written and adds nothing for the codec.
    fn extension(&mut self, unload: &UnloadStatement) {
        let codec = unload.options.iter().find_map(|o| match o {
            UnloadOption::Compression(codec) => Some(*codec),
            _ => None,
        });
        let extension = unload.options.iter().enumerate().find_map(|(index, o)| match o {
            UnloadOption::Extension(extension) => Some((index, extension)),
            _ => None,
        });
        let (Some(codec), Some((index, extension))) = (codec, extension) else { return };
        let suffix = match codec {
            Compression::Gzip => "gz",
            Compression::Bzip2 => "bz2",
            Compression::Zstd => "zst",
            Compression::Lzop => "lzo",
        };
        if !extension.to_ascii_lowercase().ends_with(suffix) {
            let span = self.option_span(index);
            self.warning(
                codes::EXTENSION_WITHOUT_CODEC_SUFFIX,
                span,
                format!("`EXTENSION '{extension}'` with `{}`: the files are not named `.{suffix}`", codec.keyword()),
                format!(
                    "write `EXTENSION '{}.{suffix}'`; Redshift adds no codec suffix when EXTENSION is given",
                    extension.trim_start_matches('.')
                ),
            );
        }
    }

    fn kms_key(&mut self, key: &str, index: usize) {
        match KmsKeyRef::parse(key) {
            Err(error) => self.conflict(
                codes::KMS_KEY_FORM,
                index,
                format!("`{key}` is not a KMS key: {}", error.reason()),
                "give the key ARN, `arn:aws:kms:<region>:<account>:key/<key id>`".into(),
            ),
            Ok(KmsKeyRef::KeyArn(arn)) => {
                if let Some(expected) = &self.context.kms_key
                    && arn.to_string() != *expected
                {
                    let span = self.option_span(index);
                    self.warning(
                        codes::SPEC_KMS_KEY_MISMATCH,
                        span,
                        format!("`KMS_KEY_ID` is not the spec's key `{expected}`"),
                        format!("use `KMS_KEY_ID '{expected}'`"),
                    );
                }
            }
            Ok(_) => {
                let span = self.option_span(index);
                self.warning(
                    codes::KMS_KEY_FORM,
                    span,
                    format!("`{key}` is an alias or a bare key id, resolved in the Redshift account"),
                    "give the key ARN; an alias or key id cannot name a key in the bucket's account".into(),
                );
            }
        }
    }

    /// Checks the UNLOAD query with `sqlparser`'s Redshift dialect (a warning: `sqlparser` does
    /// not know every Redshift construct).
    fn inner_query(&mut self, query: &str) {
        let span = self.parsed.query_span.unwrap_or(self.parsed.span);
        if query.trim().is_empty() {
            self.error(codes::INVALID_VALUE, span, "the UNLOAD query is empty".into(), "write `('select …')`".into());
            return;
        }
        // Keep the recursion bounded on adversarial input.
        let dialect = sqlparser::dialect::RedshiftSqlDialect {};
        let result = sqlparser::parser::Parser::new(&dialect)
            .with_recursion_limit(64)
            .try_with_sql(query)
            .and_then(|mut parser| parser.parse_statements());
        match result {
            Err(error) => {
                let message = error.to_string();
                let message = message.strip_prefix("sql parser error: ").unwrap_or(&message);
                self.warning(
                    codes::INNER_QUERY,
                    span,
                    format!("the UNLOAD query does not parse as SQL: {message}"),
                    "check the query; quotes inside it are written `''`".into(),
                );
            }
            Ok(statements) => {
                if let [sqlparser::ast::Statement::Query(outer)] = statements.as_slice()
                    && outer_limit(outer)
                {
                    self.error(
                        codes::UNLOAD_OUTER_LIMIT,
                        span,
                        "the UNLOAD query has a `LIMIT` in its outer SELECT, which Redshift rejects".into(),
                        "move the LIMIT into a subquery: `select * from t where id in (select id from t order by id limit 10)`"
                            .into(),
                    );
                }
                let selects = statements.iter().all(|s| matches!(s, sqlparser::ast::Statement::Query(_)));
                if statements.len() != 1 || !selects {
                    self.warning(
                        codes::INNER_QUERY,
                        span,
                        "the UNLOAD query should be exactly one SELECT".into(),
                        "UNLOAD runs one query; a `;` inside the quotes starts a second statement".into(),
                    );
                }
            }
        }
    }
}

/// Whether the outer SELECT of a query has a LIMIT (or FETCH FIRST, its standard spelling).
fn outer_limit(query: &sqlparser::ast::Query) -> bool {
    query.limit_clause.is_some() || query.fetch.is_some()
}
