//! COPY: the table, its columns, the `FROM` location, and every COPY parameter into the tree;
//! the COPY JOB forms are in `copy_job.rs`.

use super::ParsedStatement;
use super::StatementKind;
use super::cursor::{Parser, Reported};
use super::options::combine_auth;
use crate::ast::{
    CompUpdate, Compression, CopyFormat, CopyOption, CopyStatement, Encoding, JsonSource, Simplify, Statement,
};
use crate::lexer::{Token, TokenKind};
use crate::options;

impl Parser<'_> {
    pub(super) fn copy(&mut self, parsed: &mut ParsedStatement) {
        self.pos = 1;
        if self.at_copy_job_clause() {
            self.copy_job_command();
            return;
        }
        let Some(table) = self.table_name() else { return };
        let mut columns = Vec::new();
        if self.at_placeholder() {
            // A placeholder for the column list (`COPY {table} {column_names} FROM …`).
            self.pos += 1;
        } else if self.peek().is_some_and(|t| t.kind == TokenKind::LParen) {
            match self.ident_list() {
                Ok(list) => columns = list,
                Err(Reported) => return,
            }
        }
        if !self.eat_word("FROM") {
            self.expected("`FROM`");
            return;
        }
        let Ok((from, from_span)) = self.string("a quoted `s3://` path after `FROM`") else { return };
        parsed.location_span = Some(from_span);
        let options = self.options(parsed, StatementKind::Copy, Self::copy_option);
        let authorization = combine_auth(&parsed.auth);
        if let Some(job) = self.copy_job {
            self.copy_job_parameters(job, parsed, &options);
        }
        parsed.statement = Some(Statement::Copy(CopyStatement { table, columns, from, authorization, options }));
    }

    fn copy_option(&mut self) -> Result<CopyOption, Reported> {
        let Some(word) = self.peek_word() else {
            return Err(self.unknown_option(StatementKind::Copy));
        };
        let format_keyword = word == "FORMAT";
        let word = if format_keyword {
            self.pos += 1;
            self.eat_word("AS");
            if self.at_placeholder() {
                // `FORMAT AS {{ format }}`: the format is hidden; `crate::template` says so.
                self.pos += 1;
                return Err(Reported);
            }
            match self.peek_word() {
                Some(w) if options::is_format_name(&w, StatementKind::Copy) => w,
                _ => return Err(self.expected("a format (`CSV`, `JSON`, `AVRO`, `PARQUET`, `ORC`, `SHAPEFILE`)")),
            }
        } else {
            word
        };
        // Only a keyword of the table is read: the arms below turn it into the tree.
        if options::usage(&word, StatementKind::Copy).is_none() {
            return Err(self.unknown_option(StatementKind::Copy));
        }
        let simple = match word.as_str() {
            "MANIFEST" => Some(CopyOption::Manifest),
            "GZIP" => Some(CopyOption::Compression(Compression::Gzip)),
            "LZOP" => Some(CopyOption::Compression(Compression::Lzop)),
            "BZIP2" => Some(CopyOption::Compression(Compression::Bzip2)),
            "ZSTD" => Some(CopyOption::Compression(Compression::Zstd)),
            "ENCRYPTED" => Some(CopyOption::Encrypted),
            "ACCEPTANYDATE" => Some(CopyOption::AcceptAnyDate),
            "BLANKSASNULL" => Some(CopyOption::BlanksAsNull),
            "EMPTYASNULL" => Some(CopyOption::EmptyAsNull),
            "ESCAPE" => Some(CopyOption::Escape),
            "EXPLICIT_IDS" => Some(CopyOption::ExplicitIds),
            "FILLRECORD" => Some(CopyOption::FillRecord),
            "IGNOREBLANKLINES" => Some(CopyOption::IgnoreBlankLines),
            "REMOVEQUOTES" => Some(CopyOption::RemoveQuotes),
            "ROUNDEC" => Some(CopyOption::RoundDec),
            "TRIMBLANKS" => Some(CopyOption::TrimBlanks),
            "TRUNCATECOLUMNS" => Some(CopyOption::TruncateColumns),
            "NOLOAD" => Some(CopyOption::NoLoad),
            "IGNOREALLERRORS" => Some(CopyOption::IgnoreAllErrors),
            "SSH" => Some(CopyOption::Ssh),
            _ => None,
        };
        if let Some(option) = simple {
            self.pos += 1;
            return Ok(option);
        }
        let option = match word.as_str() {
            "REGION" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::Region(self.string("a quoted region after `REGION`")?.0)
            }
            "CSV" => {
                self.pos += 1;
                let quote = if self.eat_word("QUOTE") {
                    self.eat_word("AS");
                    Some(self.string("a quoted quote character after `QUOTE`")?.0)
                } else {
                    None
                };
                CopyOption::Format(CopyFormat::Csv { quote })
            }
            "JSON" | "AVRO" => {
                self.pos += 1;
                let source = if self.eat_word("AS") {
                    JsonSource::Value(
                        self.string("`'auto'`, `'auto ignorecase'` or a quoted JSONPaths `s3://` path")?.0,
                    )
                } else if let Some(Token { kind: TokenKind::Str(value), .. }) = self.peek() {
                    self.pos += 1;
                    JsonSource::Value(value.clone())
                } else {
                    JsonSource::Default
                };
                if word == "JSON" {
                    CopyOption::Format(CopyFormat::Json { source })
                } else {
                    CopyOption::Format(CopyFormat::Avro { source })
                }
            }
            "PARQUET" | "ORC" => {
                self.pos += 1;
                let serialize_to_json = self.eat_word("SERIALIZETOJSON");
                if word == "PARQUET" {
                    CopyOption::Format(CopyFormat::Parquet { serialize_to_json })
                } else {
                    CopyOption::Format(CopyFormat::Orc { serialize_to_json })
                }
            }
            "SHAPEFILE" => {
                self.pos += 1;
                let simplify = if self.eat_word("SIMPLIFY") {
                    let auto = self.eat_word("AUTO");
                    let tolerance = match self.peek() {
                        Some(token @ Token { kind: TokenKind::Number, .. }) => {
                            self.pos += 1;
                            Some(self.raw(token).to_owned())
                        }
                        _ => None,
                    };
                    Some(Simplify { auto, tolerance })
                } else {
                    None
                };
                CopyOption::Format(CopyFormat::Shapefile { simplify })
            }
            "DELIMITER" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::Delimiter(self.string("a quoted delimiter character after `DELIMITER`")?.0)
            }
            "FIXEDWIDTH" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::FixedWidth(self.string("a quoted `'column:width,…'` spec after `FIXEDWIDTH`")?.0)
            }
            "MASTER_SYMMETRIC_KEY" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::MasterSymmetricKey(self.string("a quoted key after `MASTER_SYMMETRIC_KEY`")?.0)
            }
            "ACCEPTINVCHARS" => {
                self.pos += 1;
                if self.eat_word("AS") {
                    CopyOption::AcceptInvChars(Some(self.string("a quoted replacement character")?.0))
                } else if let Some(Token { kind: TokenKind::Str(value), .. }) = self.peek() {
                    self.pos += 1;
                    CopyOption::AcceptInvChars(Some(value.clone()))
                } else {
                    CopyOption::AcceptInvChars(None)
                }
            }
            "DATEFORMAT" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::DateFormat(self.string("a quoted date format or `'auto'`")?.0)
            }
            "TIMEFORMAT" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::TimeFormat(self.string("a quoted time format, `'auto'` or `'epochsecs'`")?.0)
            }
            "ENCODING" => {
                self.pos += 1;
                self.eat_word("AS");
                let encoding = match self.peek_word().as_deref() {
                    Some("UTF8") => Encoding::Utf8,
                    Some("UTF16") => Encoding::Utf16,
                    Some("UTF16LE") => Encoding::Utf16Le,
                    Some("UTF16BE") => Encoding::Utf16Be,
                    _ => return Err(self.expected("`UTF8`, `UTF16`, `UTF16LE` or `UTF16BE`")),
                };
                self.pos += 1;
                CopyOption::Encoding(encoding)
            }
            "IGNOREHEADER" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::IgnoreHeader(self.unsigned("the number of header lines")?)
            }
            "NULL" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::NullAs(self.string("a quoted null string after `NULL AS`")?.0)
            }
            "COMPROWS" => {
                self.pos += 1;
                CopyOption::CompRows(self.unsigned("the number of rows")?)
            }
            "COMPUPDATE" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("PRESET") => CompUpdate::Preset,
                    Some("ON" | "TRUE") => CompUpdate::On,
                    Some("OFF" | "FALSE") => CompUpdate::Off,
                    _ => return Ok(CopyOption::CompUpdate(CompUpdate::Default)),
                };
                self.pos += 1;
                CopyOption::CompUpdate(value)
            }
            "READRATIO" => {
                self.pos += 1;
                CopyOption::ReadRatio(self.unsigned("the percentage of the DynamoDB table's throughput")?)
            }
            "MAXERROR" => {
                self.pos += 1;
                self.eat_word("AS");
                CopyOption::MaxError(self.unsigned("the error count")?)
            }
            "STATUPDATE" => {
                self.pos += 1;
                let value = match self.peek_word().as_deref() {
                    Some("ON" | "TRUE") => Some(true),
                    Some("OFF" | "FALSE") => Some(false),
                    _ => return Ok(CopyOption::StatUpdate(None)),
                };
                self.pos += 1;
                CopyOption::StatUpdate(value)
            }
            _ => return Err(self.unknown_option(StatementKind::Copy)),
        };
        Ok(option)
    }
}
