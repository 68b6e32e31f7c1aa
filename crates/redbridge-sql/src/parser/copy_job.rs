//! COPY JOB, the auto-copy forms AWS added to COPY
//! (<https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html>):
//!
//! - `COPY copy-command JOB CREATE job-name [AUTO ON | OFF]` creates a job from a COPY, which is
//!   then checked like any COPY, plus the parameters the page says a job cannot take;
//! - `COPY JOB ALTER job-name [AUTO ON | OFF]`, `COPY JOB RUN job-name`, `COPY JOB LIST`,
//!   `COPY JOB SHOW job-name` and `COPY JOB DROP job-name` manage a job: they hold no COPY to
//!   check, which a note says.
//!
//! The page's parameter section lists what the COPY of a job cannot have: `MAXERROR` or
//! `IGNOREALLERRORS`, a manifest file (the job watches an S3 location), authorization other
//! than `IAM_ROLE` (access keys, `CREDENTIALS`), and the cluster's default IAM role.

use super::cursor::Parser;
use super::{AuthKeyword, ParsedStatement};
use crate::ast::CopyOption;
use crate::codes;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lexer::TokenKind;

/// The page every COPY JOB diagnostic cites.
const COPY_JOB_PAGE: &str = "https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html";

impl Parser<'_> {
    /// Whether the cursor is on the `JOB` of a `JOB CREATE` clause. `JOB` is a clause of the
    /// COPY JOB command, not a COPY parameter, so it is not a row of the keyword table.
    pub(super) fn at_copy_job_clause(&self) -> bool {
        self.at_word("JOB")
    }

    /// `COPY JOB verb …`, the cursor on `JOB`: reads the command and notes that it holds no COPY.
    pub(super) fn copy_job_command(&mut self) {
        let start = self.peek().map_or(0, |t| t.span.start);
        self.pos += 1;
        let verb = self.peek_word();
        let needs_name = match verb.as_deref() {
            Some("LIST") => false,
            Some("RUN" | "SHOW" | "DROP" | "ALTER") => true,
            _ => {
                self.expected("`CREATE`, `ALTER`, `RUN`, `LIST`, `SHOW` or `DROP` after `COPY JOB`");
                return;
            }
        };
        let verb = verb.unwrap_or_default();
        self.pos += 1;
        if needs_name && self.ident().is_none() {
            self.expected(&format!("the job's name after `COPY JOB {verb}`"));
            return;
        }
        if verb == "ALTER" {
            self.auto_on_off();
        }
        if let Some(token) = self.peek() {
            let found = super::describe(self.text, token);
            self.expected(&format!("the end of `COPY JOB {verb}`, not {found}"));
            return;
        }
        self.diagnostics.push(Diagnostic {
            code: codes::COPY_JOB_COMMAND,
            severity: Severity::Note,
            span: Span::new(start, self.end_of_previous()),
            message: format!("`COPY JOB {verb}` manages a COPY job and holds no COPY to check"),
            help: format!("the job's COPY is checked where it is created (`COPY … JOB CREATE`); see {COPY_JOB_PAGE}"),
        });
    }

    /// `JOB CREATE job-name [AUTO ON | OFF]` among the parameters of a COPY, the cursor on `JOB`.
    pub(super) fn copy_job_create(&mut self, _parsed: &mut ParsedStatement) {
        let start = self.peek().map_or(0, |t| t.span.start);
        self.pos += 1;
        if !self.eat_word("CREATE") {
            self.expected("`CREATE` after `JOB`");
            return;
        }
        let name_token = self.peek().cloned();
        if self.ident().is_none() {
            self.expected("the job's name after `JOB CREATE`");
            return;
        }
        if let Some(token) = name_token
            && let TokenKind::QuotedIdent(name) = &token.kind
            && name.contains('-')
        {
            self.diagnostics.push(Diagnostic {
                code: codes::COPY_JOB_PARAMETER,
                severity: Severity::Error,
                span: token.span,
                message: format!("the job name `{name}` contains a hyphen, which a COPY job's name cannot"),
                help: format!("use `_` instead of `-`; see {COPY_JOB_PAGE}"),
            });
        }
        self.auto_on_off();
        self.copy_job = Some(Span::new(start, self.end_of_previous()));
    }

    /// An optional `AUTO ON | OFF`.
    fn auto_on_off(&mut self) {
        if self.eat_word("AUTO") && !(self.eat_word("ON") || self.eat_word("OFF")) {
            self.expected("`ON` or `OFF` after `AUTO`");
        }
    }

    /// The parameters the COPY of a job cannot take, reported against the `JOB CREATE` clause.
    pub(super) fn copy_job_parameters(&mut self, job: Span, parsed: &ParsedStatement, options: &[CopyOption]) {
        let mut refuse = |span: Span, what: &str, help: &str| {
            self.diagnostics.push(Diagnostic {
                code: codes::COPY_JOB_PARAMETER,
                severity: Severity::Error,
                span,
                message: format!("a COPY job cannot be created from a COPY with {what}"),
                help: format!("{help}; see {COPY_JOB_PAGE}"),
            });
        };
        for (index, option) in options.iter().enumerate() {
            let span = parsed.option_spans.get(index).copied().unwrap_or(job);
            match option {
                CopyOption::MaxError(_) => refuse(span, "`MAXERROR`", "remove `MAXERROR`"),
                CopyOption::Manifest => {
                    refuse(span, "a manifest file", "give the S3 prefix the job watches instead of a manifest")
                }
                _ => {}
            }
        }
        for clause in &parsed.auth {
            match clause.keyword {
                AuthKeyword::IamRole if clause.value_span.is_none() => refuse(
                    clause.span,
                    "the default IAM role (`IAM_ROLE default`)",
                    "write the role's ARN: a job does not take the cluster's default role",
                ),
                AuthKeyword::IamRole => {}
                other => refuse(
                    clause.span,
                    &format!("`{}` authorization", other.as_str()),
                    "authorize the job with `IAM_ROLE 'arn:…'` only",
                ),
            }
        }
    }
}
