//! The COPY checks: parameters that conflict with the chosen format (the keyword table says
//! which), with each other, or with PARQUET and ORC, and the REGION facts.

use super::Linter;
use crate::ast::{CopyFormat, CopyOption, CopyStatement};
use crate::codes;
use crate::options;
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
        let format = copy.options.iter().find_map(|o| match o {
            CopyOption::Format(format) => Some(format),
            _ => None,
        });
        let fixedwidth = copy.options.iter().any(|o| o.keyword() == "FIXEDWIDTH");
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
                CopyOption::Delimiter(_) if fixedwidth => self.conflict(
                    codes::FIXEDWIDTH_DELIMITER,
                    index,
                    "`DELIMITER` cannot be combined with `FIXEDWIDTH`".into(),
                    "fixed-width files have no delimiter: keep `FIXEDWIDTH` or `DELIMITER`, not both".into(),
                ),
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
}
