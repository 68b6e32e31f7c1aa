//! The session settings (`SET`, `RESET`, `SHOW`) and the catalog questions clients ask on
//! connect (`select version()`, `current_user`, `current_database()`), answered as Redshift does.
//! `statement_timeout` is left to the engine, which honours it.

use std::collections::BTreeMap;

use crate::sql_engine::{Column, ResultSet, SqlValue};
use crate::sql_gate::Admitted;

/// `select version()` on Redshift, as users report it (`PostgreSQL 8.0.2 on i686-pc-linux-gnu,
/// compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.76230`:
/// <https://github.com/aws/amazon-redshift-python-driver/issues/237>).
pub(super) const VERSION: &str = "PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.76230";

/// Settings a session may `SET` and `SHOW`, with Redshift's defaults: `datestyle` `ISO, MDY`,
/// `extra_float_digits` `0`, `query_group` `default`, `search_path` `$user, public` (DescribeClusterParameters'
/// engine defaults: <https://docs.aws.amazon.com/cli/latest/reference/redshift/describe-cluster-parameters.html>),
/// `timezone` `UTC` (<https://docs.aws.amazon.com/redshift/latest/dg/r_timezone_config.html>).
const DEFAULTS: &[(&str, &str)] = &[
    ("application_name", ""),
    ("client_encoding", "UNICODE"),
    ("datestyle", "ISO, MDY"),
    ("enable_case_sensitive_identifier", "off"),
    ("enable_result_cache_for_session", "on"),
    ("extra_float_digits", "0"),
    ("query_group", "default"),
    ("search_path", "$user, public"),
    ("server_version", "8.0.2"),
    ("timezone", "UTC"),
    ("wlm_query_slot_count", "1"),
];

/// A session's own settings.
#[derive(Debug, Default, Clone)]
pub(super) struct Settings {
    values: BTreeMap<String, String>,
}

impl Settings {
    fn get(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .cloned()
            .or_else(|| DEFAULTS.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }
}

/// What the catalog answered.
#[derive(Debug)]
pub(super) enum Answer {
    /// Rows, with the command tag.
    Rows(ResultSet),
    /// A command's tag.
    Command(&'static str),
}

/// PostgreSQL's text for a setting it does not know (42704), which Redshift keeps.
fn unrecognized(name: &str) -> String {
    format!("unrecognized configuration parameter \"{name}\"")
}

/// One text column.
fn one_value(name: &str, type_name: &str, value: SqlValue) -> ResultSet {
    ResultSet {
        columns: vec![Column {
            name: name.to_owned(),
            type_name: type_name.to_owned(),
            column_type: crate::column_type::ColumnType::Other,
        }],
        rows: vec![vec![value]],
    }
}

/// `sql` without its final `;`, its whitespace runs as one space, lowercased.
fn normalize(sql: &str) -> String {
    sql.trim().trim_end_matches(';').split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The answer to `select version()`, `current_user` (`user`, `session_user`),
/// `current_database()` and `current_schema()` in a session of `user` on `database`; `None` for
/// any other SQL. The wire protocol's sessions and the Data API's statements both ask it.
pub(crate) fn identity(sql: &str, user: &str, database: &str) -> Option<ResultSet> {
    match normalize(sql).as_str() {
        "select version()" => Some(one_value("version", "text", SqlValue::Text(VERSION.into()))),
        "select current_user" | "select current_user()" | "select user" | "select session_user" => {
            Some(one_value("current_user", "name", SqlValue::Text(user.to_owned())))
        }
        "select current_database()" => Some(one_value("current_database", "name", SqlValue::Text(database.to_owned()))),
        "select current_schema()" => Some(one_value("current_schema", "name", SqlValue::Text("public".into()))),
        _ => None,
    }
}

/// Answers `sql` when it is a setting or a catalog question; `None` leaves it to the engine.
pub(super) fn answer(sql: &str, settings: &mut Settings, user: &str, database: &str) -> Option<Result<Answer, String>> {
    if let Some(rows) = identity(sql, user, database) {
        return Some(Ok(Answer::Rows(rows)));
    }
    let normal = normalize(sql);
    let words: Vec<&str> = normal.split([' ', '=']).filter(|w| !w.is_empty()).collect();
    if !matches!(words.first(), Some(&("set" | "reset" | "show"))) {
        return None;
    }
    let admitted = crate::sql_gate::admit(sql).ok()?;
    match admitted {
        Admitted::Set { name, .. } | Admitted::Reset(name) | Admitted::Show(name) if name == "statement_timeout" => {
            None
        }
        Admitted::Set { name, value } => {
            if name == "session" || name == "local" {
                return None;
            }
            settings.values.insert(name, value);
            Some(Ok(Answer::Command("SET")))
        }
        Admitted::Reset(name) if name == "all" => {
            settings.values.clear();
            // The engine's own setting resets too.
            None
        }
        Admitted::Reset(name) => {
            settings.values.remove(&name);
            Some(Ok(Answer::Command("RESET")))
        }
        Admitted::Show(name) => Some(match settings.get(&name) {
            Some(value) => Ok(Answer::Rows(one_value(&name, "text", SqlValue::Text(value)))),
            None => Err(unrecognized(&name)),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_kept_per_session_and_shown_with_redshifts_defaults() {
        let mut settings = Settings::default();
        let shown = |settings: &mut Settings, sql: &str| match answer(sql, settings, "awsuser", "dev") {
            Some(Ok(Answer::Rows(rows))) => rows.rows[0][0].clone(),
            other => panic!("{sql}: {other:?}"),
        };
        assert_eq!(shown(&mut settings, "SHOW datestyle"), SqlValue::Text("ISO, MDY".into()));
        assert!(matches!(
            answer("set query_group to 'etl'", &mut settings, "u", "dev"),
            Some(Ok(Answer::Command("SET")))
        ));
        assert_eq!(shown(&mut settings, "show query_group"), SqlValue::Text("etl".into()));
        assert!(answer("show statement_timeout", &mut settings, "u", "dev").is_none(), "the engine's");
        assert_eq!(
            answer("show nothing_like_it", &mut settings, "u", "dev").unwrap().unwrap_err(),
            "unrecognized configuration parameter \"nothing_like_it\""
        );
        assert_eq!(shown(&mut settings, "select version();"), SqlValue::Text(VERSION.into()));
        assert!(answer("select 1", &mut settings, "u", "dev").is_none());
    }
}
