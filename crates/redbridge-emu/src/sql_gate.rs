//! The gate before SQLite: only the Redshift statement kinds the emulator emulates, one per SQL
//! text, reach the engine; SQLite's own commands (`ATTACH`, `PRAGMA`, `VACUUM INTO`, …) get
//! Redshift's syntax error.

use crate::texts;

/// What an admitted SQL text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Admitted {
    /// Runs in SQLite as this text (the `public.` schema dropped, Redshift words translated).
    Sqlite(String),
    /// `COPY`, parsed by redbridge-sql.
    Copy,
    /// `UNLOAD`, parsed by redbridge-sql.
    Unload,
    /// `SET name {TO | =} value`.
    Set { name: String, value: String },
    /// `SHOW name`.
    Show(String),
    /// `RESET name` or `RESET ALL`.
    Reset(String),
    /// `GRANT ASSUMEROLE` or `REVOKE ASSUMEROLE` (`assume_role_grants.rs`).
    AssumeRole,
}

/// The leading words of a statement, uppercased, skipping whitespace and comments between them;
/// stops at the first thing that is not a plain word.
fn leading_words(text: &str, count: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text;
    while words.len() < count {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        words.push(rest[..end].to_ascii_uppercase());
        rest = &rest[end..];
    }
    words
}

/// Redshift's answer to a word it does not expect there.
/// PostgreSQL's wording, which Redshift keeps: `syntax error at or near "ATTACH"`.
fn syntax_error(near: &str) -> String {
    format!("syntax error at or near \"{near}\"")
}

/// The first token as written, for the syntax error.
fn first_token(text: &str) -> String {
    let word = text.trim_start().split(|c: char| c.is_whitespace() || c == '(' || c == ';').next().unwrap_or_default();
    if word.is_empty() {
        text.trim_start().chars().next().map(String::from).unwrap_or_default()
    } else {
        word.to_owned()
    }
}

/// Admits one SQL text or answers the error Redshift would put after `ERROR: `.
///
/// ExecuteStatement runs "a single SQL statement"
/// (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html), and
/// each entry of BatchExecuteStatement's `Sqls` is one statement; several statements in one text
/// are refused with PostgreSQL's extended-protocol text (Redshift's exact wording for this case is
/// not documented). Statements are split by redbridge-sql's parser, which knows Redshift's
/// quoting and comments.
pub(crate) fn admit(sql: &str) -> Result<Admitted, String> {
    let statements = redbridge_sql::parse(sql);
    let Some(statement) = statements.first() else {
        return Err(texts::empty_query());
    };
    if statements.len() > 1 {
        return Err(texts::multiple_statements());
    }
    let text = sql.get(statement.span.start..statement.span.end).unwrap_or(sql).trim();
    let words = leading_words(text, 3);
    let first = words.first().map(String::as_str).unwrap_or_default();
    let second = words.get(1).map(String::as_str).unwrap_or_default();
    let sqlite = || Ok(Admitted::Sqlite(crate::sql_engine::translate(text)));
    match first {
        "SELECT" | "WITH" | "INSERT" | "UPDATE" | "DELETE" => sqlite(),
        "BEGIN" | "COMMIT" | "END" | "ROLLBACK" => sqlite(),
        "START" if second == "TRANSACTION" => Ok(Admitted::Sqlite("BEGIN".to_owned())),
        "ABORT" => Ok(Admitted::Sqlite("ROLLBACK".to_owned())),
        "CREATE" => match second {
            "TABLE" => sqlite(),
            "TEMP" | "TEMPORARY" if words.get(2).map(String::as_str) == Some("TABLE") => sqlite(),
            "TEMP" | "TEMPORARY" => Err(syntax_error(words.get(2).map_or("end of input", String::as_str))),
            "" => Err(syntax_error(&first_token(text))),
            other => Err(not_emulated_or_syntax(
                other,
                &[
                    "VIEW",
                    "SCHEMA",
                    "USER",
                    "GROUP",
                    "DATABASE",
                    "FUNCTION",
                    "PROCEDURE",
                    "EXTERNAL",
                    "MATERIALIZED",
                    "LOCAL",
                    "ROLE",
                    "DATASHARE",
                    "LIBRARY",
                    "MODEL",
                ],
                "CREATE",
            )),
        },
        "DROP" => match second {
            "TABLE" => sqlite(),
            other => Err(not_emulated_or_syntax(
                other,
                &[
                    "VIEW",
                    "SCHEMA",
                    "USER",
                    "GROUP",
                    "DATABASE",
                    "FUNCTION",
                    "PROCEDURE",
                    "MATERIALIZED",
                    "ROLE",
                    "DATASHARE",
                    "LIBRARY",
                    "MODEL",
                ],
                "DROP",
            )),
        },
        "TRUNCATE" => truncate(text),
        "COPY" => Ok(Admitted::Copy),
        "UNLOAD" => Ok(Admitted::Unload),
        "SET" => set(text),
        "SHOW" if !second.is_empty() => Ok(Admitted::Show(second.to_ascii_lowercase())),
        "RESET" if !second.is_empty() => Ok(Admitted::Reset(second.to_ascii_lowercase())),
        "GRANT" | "REVOKE" if second == "ASSUMEROLE" => Ok(Admitted::AssumeRole),
        "GRANT" | "REVOKE" => Err(texts::not_emulated(&format!(
            "`{first}` other than ASSUMEROLE (the emulator keeps no other privileges)"
        ))),
        "VACUUM" if second == "INTO" => Err(syntax_error(&words[1])),
        "VACUUM" | "ANALYZE" | "ALTER" | "EXPLAIN" | "CALL" | "COMMENT" | "DECLARE" | "FETCH" | "CLOSE" | "LOCK"
        | "PREPARE" | "EXECUTE" | "DEALLOCATE" | "CANCEL" | "REFRESH" => {
            Err(texts::not_emulated(&format!("`{first}` statements")))
        }
        _ => Err(syntax_error(&first_token(text))),
    }
}

/// Transaction control, as the wire protocol's sessions run it themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransactionControl {
    /// `BEGIN [TRANSACTION | WORK]`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END` (Redshift: "END: Commits the current transaction",
    /// <https://docs.aws.amazon.com/redshift/latest/dg/r_END.html>).
    Commit,
    /// `ROLLBACK`, `ABORT` (Redshift: "ABORT: Stops the currently running transaction and discards
    /// all updates", <https://docs.aws.amazon.com/redshift/latest/dg/r_ABORT.html>).
    Rollback,
}

/// Whether `sql` is one transaction control statement, and which.
pub(crate) fn transaction_control(sql: &str) -> Option<TransactionControl> {
    let words = leading_words(sql, 2);
    let control = match (words.first().map(String::as_str)?, words.get(1).map(String::as_str).unwrap_or_default()) {
        ("BEGIN", _) => TransactionControl::Begin,
        ("START", "TRANSACTION") => TransactionControl::Begin,
        ("COMMIT" | "END", _) => TransactionControl::Commit,
        ("ROLLBACK" | "ABORT", _) => TransactionControl::Rollback,
        _ => return None,
    };
    // One statement of those words and nothing else: `BEGIN; select 1` is two statements.
    (redbridge_sql::parse(sql).len() == 1).then_some(control)
}

/// Admits the query of an UNLOAD: one `SELECT` or `WITH`, as SQLite text.
pub(crate) fn admit_query(sql: &str) -> Result<String, String> {
    match admit(sql)? {
        Admitted::Sqlite(text)
            if matches!(leading_words(&text, 1).first().map(String::as_str), Some("SELECT" | "WITH")) =>
        {
            Ok(text)
        }
        _ => Err("UNLOAD needs a query that returns rows".to_owned()),
    }
}

/// A Redshift statement the emulator does not run, or a word Redshift does not know there.
fn not_emulated_or_syntax(word: &str, redshift_knows: &[&str], verb: &str) -> String {
    if redshift_knows.contains(&word) {
        texts::not_emulated(&format!("`{verb} {word}`"))
    } else {
        syntax_error(if word.is_empty() { verb } else { word })
    }
}

/// `TRUNCATE [TABLE] name`: SQLite has no TRUNCATE; a `DELETE` of every row does the same here.
fn truncate(text: &str) -> Result<Admitted, String> {
    let rest = text["TRUNCATE".len()..].trim_start();
    let rest = match leading_words(rest, 1).first().map(String::as_str) {
        Some("TABLE") => rest["TABLE".len()..].trim_start(),
        _ => rest,
    };
    if rest.is_empty() {
        return Err(syntax_error("end of input"));
    }
    Ok(Admitted::Sqlite(crate::sql_engine::translate(&format!("DELETE FROM {rest}"))))
}

/// `SET [SESSION | LOCAL] name {TO | =} value`.
fn set(text: &str) -> Result<Admitted, String> {
    let mut rest = text["SET".len()..].trim_start();
    for scope in ["SESSION ", "LOCAL "] {
        if rest.len() >= scope.len() && rest[..scope.len()].eq_ignore_ascii_case(scope) {
            rest = rest[scope.len()..].trim_start();
        }
    }
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let name = rest[..end].to_ascii_lowercase();
    if name.is_empty() {
        return Err(syntax_error(&first_token(rest)));
    }
    let rest = rest[end..].trim_start();
    let value = if let Some(v) = rest.strip_prefix('=') {
        v
    } else if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case("TO") {
        &rest[2..]
    } else {
        return Err(syntax_error(&first_token(rest)));
    };
    let value = value.trim().trim_matches('\'').trim().to_owned();
    if value.is_empty() {
        return Err(syntax_error("end of input"));
    }
    Ok(Admitted::Set { name, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redshift_statement_kinds_are_admitted() {
        for sql in [
            "select 1",
            "  -- a comment\n/* another */ SELECT 1;",
            "with t as (select 1) select * from t",
            "insert into public.t values (1)",
            "update t set a = 1",
            "delete from t",
            "create table t (a int)",
            "create temp table t (a int)",
            "drop table t",
            "begin",
            "commit",
            "end",
            "rollback",
        ] {
            assert!(matches!(admit(sql), Ok(Admitted::Sqlite(_))), "{sql}");
        }
        assert_eq!(admit("start transaction"), Ok(Admitted::Sqlite("BEGIN".into())));
        assert_eq!(admit("abort"), Ok(Admitted::Sqlite("ROLLBACK".into())));
        assert_eq!(admit("truncate table public.t"), Ok(Admitted::Sqlite("DELETE FROM t".into())));
        assert_eq!(admit("copy t from 's3://b/k' iam_role default"), Ok(Admitted::Copy));
        assert_eq!(
            admit("set statement_timeout to 100"),
            Ok(Admitted::Set { name: "statement_timeout".into(), value: "100".into() })
        );
        assert_eq!(
            admit("SET statement_timeout = '250';"),
            Ok(Admitted::Set { name: "statement_timeout".into(), value: "250".into() })
        );
        assert_eq!(admit("show statement_timeout"), Ok(Admitted::Show("statement_timeout".into())));
    }

    #[test]
    fn transaction_control_is_told_apart_from_other_statements() {
        use TransactionControl::{Begin, Commit, Rollback};
        for (sql, control) in [
            ("begin", Begin),
            ("BEGIN TRANSACTION;", Begin),
            ("start transaction", Begin),
            ("commit", Commit),
            ("end transaction", Commit),
            ("rollback", Rollback),
            ("abort", Rollback),
        ] {
            assert_eq!(transaction_control(sql), Some(control), "{sql}");
        }
        for sql in ["select 1", "start", "begin; select 1", "copy t from 's3://b/k' iam_role default"] {
            assert_eq!(transaction_control(sql), None, "{sql}");
        }
    }

    #[test]
    fn sqlite_commands_get_redshifts_syntax_error() {
        assert_eq!(admit("ATTACH DATABASE '/tmp/x' AS x").unwrap_err(), "syntax error at or near \"ATTACH\"");
        assert_eq!(admit("detach x").unwrap_err(), "syntax error at or near \"detach\"");
        assert_eq!(admit("pragma table_info(t)").unwrap_err(), "syntax error at or near \"pragma\"");
        assert_eq!(admit("vacuum into '/tmp/x'").unwrap_err(), "syntax error at or near \"INTO\"");
        assert_eq!(
            admit("create trigger x after insert on t begin select 1; end").unwrap_err(),
            texts::multiple_statements()
        );
        assert_eq!(admit("create trigger x").unwrap_err(), "syntax error at or near \"TRIGGER\"");
        assert_eq!(admit("replace into t values (1)").unwrap_err(), "syntax error at or near \"replace\"");
    }

    #[test]
    fn more_than_one_statement_is_refused_but_semicolons_in_literals_are_not_statements() {
        assert_eq!(admit("select 1; attach database '/tmp/x' as x").unwrap_err(), texts::multiple_statements());
        assert!(admit("select 'a; attach database' as x;").is_ok());
        assert!(admit("select 1 -- ; attach\n").is_ok());
        assert_eq!(admit("  ;  ").unwrap_err(), texts::empty_query());
    }
}
