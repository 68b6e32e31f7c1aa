//! The COPY checks: parameters that conflict with the chosen format (the keyword table says
//! which), with each other, or with PARQUET and ORC, and the REGION facts.

use super::Linter;
use crate::ast::{CopyFormat, CopyOption, CopyStatement};
use crate::codes;
use crate::options::{self, book};
use crate::parser::StatementKind;

/// The parameters COPY takes with PARQUET or ORC besides the format and authorization, as the
/// help text names them; a test checks them against the keyword table.
pub(crate) const COLUMNAR_COPY_PARAMETERS: &str = "ACCEPTINVCHARS, FILLRECORD, STATUPDATE, MANIFEST and EXPLICIT_IDS";

impl Linter<'_> {
    pub(super) fn copy(&mut self, copy: &CopyStatement) {
        self.authorization(copy.authorization.as_ref());
        self.location(&copy.from);
        let slots: Vec<_> = copy.options.iter().map(|o| (o.slot(), o.keyword())).collect();
        self.duplicates(&slots);
        let present = self.present_in_copy(copy);
        self.combinations(StatementKind::Copy, &present);
        self.client_side_encryption(StatementKind::Copy, &present);
        let format = copy.options.iter().find_map(|o| match o {
            CopyOption::Format(format) => Some(format),
            _ => None,
        });
        let columnar = format.is_some_and(CopyFormat::is_columnar);
        let first = Self::first_of_keyword(copy.options.iter().map(CopyOption::keyword));
        let mut region = None;
        for (index, option) in copy.options.iter().enumerate() {
            let keyword = option.keyword();
            if let CopyOption::Region(value) = option {
                region = Some((value.as_str(), self.option_span(index)));
            }
            if !first[index] {
                continue;
            }
            self.copy_value(option, index);
            if options::find(keyword)
                .and_then(|row| row.copy)
                .is_some_and(|u| u.sources.contains(&book::S3_UNSUPPORTED))
            {
                self.conflict(
                    codes::NOT_FOR_S3,
                    index,
                    format!("`{keyword}` is not a parameter of COPY from Amazon S3"),
                    format!("remove `{keyword}`; it belongs to COPY from a remote host (SSH) or DynamoDB (READRATIO)"),
                );
                continue;
            }
            if let Some(format) = format.filter(|f| f.is_columnar()) {
                let name = format.keyword();
                if matches!(option, CopyOption::Region(_)) {
                    self.conflict(
                        codes::COPY_COLUMNAR_REGION,
                        index,
                        format!("`COPY` from `{name}` does not accept `REGION`"),
                        format!(
                            "remove `REGION`; COPY reads {name} only from a bucket in the cluster's region, \
                             so copy the files there first"
                        ),
                    );
                } else if !matches!(option, CopyOption::Format(_))
                    && options::excludes_format(keyword, StatementKind::Copy, name)
                {
                    let help = if matches!(option, CopyOption::Compression(_)) {
                        format!("remove `{keyword}`; COPY detects `.gz`, `.bz2` and `.snappy` {name} files itself")
                    } else {
                        format!("remove `{keyword}`; with {name}, COPY accepts only {COLUMNAR_COPY_PARAMETERS}")
                    };
                    self.conflict(
                        codes::COPY_COLUMNAR_OPTION,
                        index,
                        format!("`COPY` from `{name}` does not support `{keyword}`"),
                        help,
                    );
                }
                continue;
            }
            let excluded = format.is_some_and(|f| options::excludes_format(keyword, StatementKind::Copy, f.keyword()));
            let csv = matches!(format, Some(CopyFormat::Csv { .. }));
            match option {
                _ if !excluded => {}
                CopyOption::RemoveQuotes if csv => self.conflict(
                    codes::REMOVEQUOTES_CSV,
                    index,
                    "`REMOVEQUOTES` cannot be combined with `CSV`".into(),
                    "remove `REMOVEQUOTES`; CSV already removes the quotes around fields".into(),
                ),
                _ if csv => self.conflict(
                    codes::FORMAT_OPTION_CONFLICT,
                    index,
                    format!("`{keyword}` cannot be combined with `CSV`"),
                    format!("remove `{keyword}`; CSV has its own quoting rules"),
                ),
                _ => {
                    let name = format.map_or("", CopyFormat::keyword);
                    self.conflict(
                        codes::FORMAT_OPTION_CONFLICT,
                        index,
                        format!("`{keyword}` does not apply to `{name}` files"),
                        format!("remove `{keyword}`; it applies to delimited text files"),
                    );
                }
            }
        }
        self.region(region, columnar);
    }

    /// The documented bounds of a COPY parameter's value.
    fn copy_value(&mut self, option: &CopyOption, index: usize) {
        match option {
            CopyOption::CompRows(rows) if !(1000..=2_147_483_647).contains(rows) => self.conflict(
                codes::INVALID_VALUE,
                index,
                format!("`COMPROWS {rows}` is out of range"),
                "give a number of rows between 1000 and 2147483647".into(),
            ),
            CopyOption::MaxError(errors) if *errors > 100_000 => {
                let span = self.option_span(index);
                self.warning(
                    codes::MAXERROR_ABOVE_LIMIT,
                    span,
                    format!("`MAXERROR {errors}` is above the documented limit of 100000"),
                    "give at most 100000, or use `IGNOREALLERRORS` to ignore every error".into(),
                );
            }
            CopyOption::NullAs(null) if null == "\\n" || null == "\n" => self.conflict(
                codes::NULL_AS_NEWLINE,
                index,
                "`NULL AS '\\n'`: Redshift reserves the newline as the line delimiter".into(),
                "choose another null string, such as the default `'\\N'`".into(),
            ),
            CopyOption::Delimiter(delimiter) => self.single_character("DELIMITER", delimiter, index),
            CopyOption::AcceptInvChars(Some(replacement))
                if replacement.chars().count() != 1 || !replacement.is_ascii() || replacement == "\0" =>
            {
                self.conflict(
                    codes::INVALID_VALUE,
                    index,
                    format!("`ACCEPTINVCHARS` takes one ASCII character, not `{replacement}`"),
                    "give one ASCII character other than NUL, such as `'?'`".into(),
                );
            }
            _ => {}
        }
    }
}
