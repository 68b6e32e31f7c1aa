//! Redshift's SQLSTATE for each error text the emulator answers, and the `ErrorResponse`s of the
//! startup (`password authentication failed`, `database … does not exist`).
//!
//! The texts are the Data API's (`crate::texts`, SQLite's through `sql_engine::sqlite_text`);
//! the codes are PostgreSQL's for the same conditions
//! (<https://www.postgresql.org/docs/current/errcodes-appendix.html>), which Redshift keeps, and
//! `XX000` (`internal_error`) for what Redshift reports from its own layer: COPY's and UNLOAD's
//! S3, KMS and IAM failures. psycopg2, which picks its exception class from the SQLSTATE's class
//! (`InternalError` for class XX: <https://www.psycopg.org/docs/module.html#exceptions>), raises
//! `InternalError: COPY from this file format only accepts IAM_ROLE credentials.` for such a
//! COPY (<https://github.com/awsdocs/amazon-redshift-developer-guide/pull/34>).

use pgwire::error::{ErrorInfo, PgWireError};

/// An `ERROR` with `code`.
pub(super) fn error(code: &str, message: String) -> Box<ErrorInfo> {
    Box::new(ErrorInfo::new("ERROR".to_owned(), code.to_owned(), message))
}

/// A `FATAL` (the connection ends) with `code`.
pub(super) fn fatal(code: &str, message: String) -> Box<ErrorInfo> {
    Box::new(ErrorInfo::new("FATAL".to_owned(), code.to_owned(), message))
}

/// Redshift's answer to a wrong password, or a user with no password here: `FATAL`, `28000`,
/// [`crate::texts::password_failed`] (`{'S': 'FATAL', 'C': '28000', 'M': 'password authentication
/// failed for user "ag_readonly"', …}`: <https://github.com/aws/amazon-redshift-python-driver/issues/237>).
pub(super) fn password_failed(user: &str) -> PgWireError {
    PgWireError::UserError(fatal("28000", crate::texts::password_failed(user)))
}

/// Redshift's answer to a database that is not the cluster's: `FATAL`, `3D000`,
/// `database "x" does not exist` (`(u'FATAL', u'3D000', u'database "master" does not exist', …
/// 'InitPostgres')`: <https://github.com/awslabs/amazon-redshift-utils/pull/233>).
pub(super) fn no_such_database(database: &str) -> PgWireError {
    PgWireError::UserError(fatal("3D000", format!("database \"{database}\" does not exist")))
}

/// PostgreSQL's text for a statement in a failed transaction block (25P02,
/// `in_failed_sql_transaction`), which Redshift keeps.
pub(super) const ABORTED: &str = "current transaction is aborted, commands ignored until end of transaction block";

/// The SQLSTATE of an error text the engine answered.
pub(super) fn code_of(text: &str) -> &'static str {
    if text.starts_with("syntax error") || text == crate::texts::multiple_statements() {
        "42601"
    } else if text.starts_with("relation \"") && text.ends_with("does not exist") {
        "42P01"
    } else if text.starts_with("no such column") {
        "42703"
    } else if text.starts_with("not emulated") {
        "0A000"
    } else if text.starts_with("Query (") && text.ends_with("canceled on user's request") {
        "57014"
    } else if text.starts_with("unrecognized configuration parameter") {
        "42704"
    } else if text.starts_with("invalid value for parameter") {
        "22023"
    } else if text == ABORTED {
        "25P02"
    } else if text.contains("constraint failed") {
        "23505"
    } else {
        "XX000"
    }
}

/// The `ErrorResponse` of an error text the engine answered.
pub(super) fn of_text(text: &str) -> Box<ErrorInfo> {
    error(code_of(text), text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_texts_get_redshifts_sqlstates() {
        assert_eq!(code_of("syntax error at or near \"ATTACH\""), "42601");
        assert_eq!(code_of(&crate::texts::no_such_relation("t")), "42P01");
        assert_eq!(code_of(&crate::texts::not_emulated("x")), "0A000");
        assert_eq!(code_of(&crate::texts::statement_timeout(7)), "57014");
        assert_eq!(code_of(&crate::texts::s3_access_denied()), "XX000");
        assert_eq!(code_of(&crate::texts::not_authorized_to_get_credentials("arn:aws:iam::1:role/R")), "XX000");
        assert_eq!(code_of(ABORTED), "25P02");
    }
}
