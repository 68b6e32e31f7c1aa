//! UNLOAD: the quoted query, the `TO` location, and every UNLOAD parameter into the tree.

use super::ParsedStatement;
use super::StatementKind;
use super::cursor::{Parser, Reported};
use super::options::combine_auth;
use crate::ast::{Compression, Statement, UnloadFormat, UnloadOption, UnloadStatement};
use crate::lexer::TokenKind;
use crate::options;

impl Parser<'_> {
    pub(super) fn unload(&mut self, parsed: &mut ParsedStatement) {
        self.pos = 1;
        if self.expect(&TokenKind::LParen, "`(` and the quoted query after `UNLOAD`").is_err() {
            return;
        }
        let Ok((query, query_span)) = self.string("the query as a string literal, `('select …')`") else { return };
        parsed.query_span = Some(query_span);
        if self.expect(&TokenKind::RParen, "`)` after the query").is_err() {
            return;
        }
        if !self.eat_word("TO") {
            self.expected("`TO`");
            return;
        }
        let Ok((to, to_span)) = self.string("a quoted `s3://` prefix after `TO`") else { return };
        parsed.location_span = Some(to_span);
        let options = self.options(parsed, StatementKind::Unload, Self::unload_option);
        let authorization = combine_auth(&parsed.auth);
        parsed.statement = Some(Statement::Unload(UnloadStatement { query, to, authorization, options }));
    }

    fn unload_option(&mut self) -> Result<UnloadOption, Reported> {
        let Some(word) = self.peek_word() else {
            return Err(self.unknown_option(StatementKind::Unload));
        };
        let word = if word == "FORMAT" {
            self.pos += 1;
            self.eat_word("AS");
            if self.at_placeholder() {
                // `FORMAT AS {{ format }}`: the format is hidden; `crate::template` says so.
                self.pos += 1;
                return Err(Reported);
            }
            match self.peek_word() {
                Some(w) if options::is_format_name(&w, StatementKind::Unload) => w,
                _ => return Err(self.expected("a format (`CSV`, `PARQUET` or `JSON`)")),
            }
        } else {
            word
        };
        // Only a keyword of the table is read: the arms below turn it into the tree.
        if options::usage(&word, StatementKind::Unload).is_none() {
            return Err(self.unknown_option(StatementKind::Unload));
        }
        let simple = match word.as_str() {
            "CSV" => Some(UnloadOption::Format(UnloadFormat::Csv)),
            "PARQUET" => Some(UnloadOption::Format(UnloadFormat::Parquet)),
            "JSON" => Some(UnloadOption::Format(UnloadFormat::Json)),
            "HEADER" => Some(UnloadOption::Header),
            "BZIP2" => Some(UnloadOption::Compression(Compression::Bzip2)),
            "GZIP" => Some(UnloadOption::Compression(Compression::Gzip)),
            "ZSTD" => Some(UnloadOption::Compression(Compression::Zstd)),
            "ADDQUOTES" => Some(UnloadOption::AddQuotes),
            "ESCAPE" => Some(UnloadOption::Escape),
            "ALLOWOVERWRITE" => Some(UnloadOption::AllowOverwrite),
            "CLEANPATH" => Some(UnloadOption::CleanPath),
            _ => None,
        };
        if let Some(option) = simple {
            self.pos += 1;
            return Ok(option);
        }
        let option = match word.as_str() {
            "PARTITION" => {
                self.pos += 1;
                if !self.eat_word("BY") {
                    return Err(self.expected("`BY` after `PARTITION`"));
                }
                let columns = self.ident_list()?;
                let include = self.eat_word("INCLUDE");
                UnloadOption::PartitionBy { columns, include }
            }
            "MANIFEST" => {
                self.pos += 1;
                UnloadOption::Manifest { verbose: self.eat_word("VERBOSE") }
            }
            "DELIMITER" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Delimiter(self.string("a quoted delimiter character after `DELIMITER`")?.0)
            }
            "FIXEDWIDTH" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::FixedWidth(self.string("a quoted `'column:width,…'` spec after `FIXEDWIDTH`")?.0)
            }
            "ENCRYPTED" => {
                self.pos += 1;
                UnloadOption::Encrypted { auto: self.eat_word("AUTO") }
            }
            "KMS_KEY_ID" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::KmsKeyId(self.string("a quoted KMS key ARN after `KMS_KEY_ID`")?.0)
            }
            "MASTER_SYMMETRIC_KEY" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::MasterSymmetricKey(self.string("a quoted key after `MASTER_SYMMETRIC_KEY`")?.0)
            }
            "NULL" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::NullAs(self.string("a quoted null string after `NULL AS`")?.0)
            }
            "PARALLEL" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("ON" | "TRUE") => true,
                    Some("OFF" | "FALSE") => false,
                    _ => return Ok(UnloadOption::Parallel(true)),
                };
                self.pos += 1;
                UnloadOption::Parallel(value)
            }
            "MAXFILESIZE" => {
                self.pos += 1;
                UnloadOption::MaxFileSize(self.size("a size after `MAXFILESIZE`, such as `100 MB`")?)
            }
            "ROWGROUPSIZE" => {
                self.pos += 1;
                UnloadOption::RowGroupSize(self.size("a size after `ROWGROUPSIZE`, such as `128 MB`")?)
            }
            "REGION" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Region(self.string("a quoted region after `REGION`")?.0)
            }
            "EXTENSION" => {
                self.pos += 1;
                self.eat_word("AS");
                UnloadOption::Extension(self.string("a quoted file extension after `EXTENSION`")?.0)
            }
            _ => return Err(self.unknown_option(StatementKind::Unload)),
        };
        Ok(option)
    }
}
