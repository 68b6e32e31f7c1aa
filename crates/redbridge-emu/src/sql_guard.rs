//! The engine-level guard on every embedded database: in memory only, no attached files, no
//! pragmas but the one the emulator reads, no functions that touch files or load code, and
//! bounded lengths. It holds even for SQL that never went through the gate.

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;

/// The longest string or blob a value may be: Redshift's longest `VARCHAR` is 65535 bytes
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html); 16 MiB leaves room
/// for intermediate values without letting one value eat the memory.
pub(crate) const MAX_VALUE_BYTES: i32 = 16 * 1024 * 1024;

/// The longest SQL text SQLite prepares: the Data API takes statements up to 100 KB
/// (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html, "Considerations"); the
/// emulator's own statements (COPY's insert) are far shorter. 1 MiB is above both.
pub(crate) const MAX_SQL_BYTES: i32 = 1024 * 1024;

/// The most memory SQLite may hold in the whole process, every database together:
/// `temp_store=MEMORY` keeps big sorts off the disk, so without a cap one runaway query (a
/// cross join sorted, a huge `GROUP BY`) would grow the process until the statement timeout. Past
/// it SQLite fails the allocation, and the statement fails with `out of memory`, the emulator
/// goes on. SQLite's `hard_heap_limit` (<https://sqlite.org/pragma.html#pragma_hard_heap_limit>).
pub(crate) const SQLITE_HEAP_LIMIT_BYTES: i64 = 1024 * 1024 * 1024;

/// The only pragma the emulator runs itself (`pragma_table_info` in `sql_engine::table_columns`).
const ALLOWED_PRAGMAS: &[&str] = &["table_info"];

/// Functions that read or write files or load code; most are absent from the bundled SQLite,
/// and are denied anyway should a build ever add them.
const DENIED_FUNCTIONS: &[&str] =
    &["load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zipfile", "sqlar_compress"];

/// Opens an in-memory database with the guard installed.
pub(crate) fn open() -> Result<rusqlite::Connection, String> {
    let connection =
        rusqlite::Connection::open_in_memory().map_err(|e| format!("cannot open the embedded database: {e}"))?;
    install(&connection)?;
    Ok(connection)
}

/// Installs the guard: `temp_store=MEMORY` (so big sorts never spill to files) and the heap cap
/// first (the authorizer then denies every pragma), the limits, then the authorizer. `load_extension` stays
/// disabled (rusqlite's `load_extension` feature is off and the C entry point is never enabled).
pub(crate) fn install(connection: &rusqlite::Connection) -> Result<(), String> {
    connection.pragma_update(None, "temp_store", "MEMORY").map_err(|e| format!("cannot set `temp_store`: {e}"))?;
    connection
        .pragma_update_and_check(None, "hard_heap_limit", SQLITE_HEAP_LIMIT_BYTES, |row| row.get::<_, i64>(0))
        .map_err(|e| format!("cannot set `hard_heap_limit`: {e}"))?;
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
        (Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES),
        (Limit::SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES),
    ] {
        connection.set_limit(limit, value).map_err(|e| format!("cannot set the limit `{limit:?}`: {e}"))?;
    }
    connection
        .create_collation(DECIMAL_COLLATION, compare_decimals)
        .map_err(|e| format!("cannot register the collation `{DECIMAL_COLLATION}`: {e}"))?;
    connection.authorizer(Some(authorize));
    Ok(())
}

/// The collation of every DECIMAL column (`sql_engine::translate` adds it): the column holds
/// decimal text, and this orders and compares it by value, as Redshift orders `numeric`.
pub(crate) const DECIMAL_COLLATION: &str = "redshift_decimal";

/// Two decimal texts by value, exactly (sign, whole digits, fraction); a text that is no plain
/// decimal (`1.0e+20`, which SQLite writes for a double stored in the column) compares as a double,
/// and failing that by its bytes.
pub(crate) fn compare_decimals(left: &str, right: &str) -> std::cmp::Ordering {
    match (plain_decimal(left), plain_decimal(right)) {
        (Some(l), Some(r)) => compare_plain(&l, &r),
        _ => match (left.trim().parse::<f64>(), right.trim().parse::<f64>()) {
            (Ok(l), Ok(r)) => l.total_cmp(&r),
            _ => left.cmp(right),
        },
    }
}

/// A plain decimal: negative, whole digits without leading zeros, fraction without trailing zeros
/// (zero is never negative).
struct Plain<'a> {
    negative: bool,
    whole: &'a str,
    fraction: &'a str,
}

fn plain_decimal(text: &str) -> Option<Plain<'_>> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let zero = whole.is_empty() && fraction.is_empty();
    Some(Plain { negative: negative && !zero, whole, fraction })
}

fn compare_plain(left: &Plain<'_>, right: &Plain<'_>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (left.negative, right.negative) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (negative, _) => {
            let magnitude = left
                .whole
                .len()
                .cmp(&right.whole.len())
                .then_with(|| left.whole.cmp(right.whole))
                .then_with(|| left.fraction.cmp(right.fraction));
            if negative { magnitude.reverse() } else { magnitude }
        }
    }
}

/// SQLite's authorizer callback (https://sqlite.org/c3ref/set_authorizer.html).
fn authorize(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Attach { .. } | AuthAction::Detach { .. } => Authorization::Deny,
        AuthAction::Pragma { pragma_name, .. } => {
            if ALLOWED_PRAGMAS.iter().any(|p| p.eq_ignore_ascii_case(pragma_name)) {
                Authorization::Allow
            } else {
                Authorization::Deny
            }
        }
        AuthAction::Function { function_name } => {
            if DENIED_FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(function_name)) {
                Authorization::Deny
            } else {
                Authorization::Allow
            }
        }
        AuthAction::CreateVtable { .. }
        | AuthAction::DropVtable { .. }
        | AuthAction::CreateTrigger { .. }
        | AuthAction::CreateTempTrigger { .. }
        | AuthAction::Unknown { .. } => Authorization::Deny,
        _ => Authorization::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_memory_is_capped_for_the_whole_process_once_a_database_is_opened() {
        let _guarded = open().unwrap();
        // The cap is process-wide: a connection without the guard reads it.
        let plain = rusqlite::Connection::open_in_memory().unwrap();
        let limit: i64 = plain.pragma_query_value(None, "hard_heap_limit", |row| row.get(0)).unwrap();
        assert_eq!(limit, SQLITE_HEAP_LIMIT_BYTES);
    }

    fn refused(connection: &rusqlite::Connection, sql: &str) -> String {
        match connection.execute_batch(sql) {
            Ok(()) => panic!("`{sql}` ran"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_authorizer_refuses_files_pragmas_and_extensions_without_the_gate() {
        let dir = std::env::temp_dir().join(format!("redbridge-emu-guard-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let attached = dir.join("attached.db");
        let vacuumed = dir.join("vacuumed.db");
        let connection = open().unwrap();
        connection.execute_batch("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)").unwrap();

        let attach = refused(&connection, &format!("ATTACH DATABASE '{}' AS x", attached.display()));
        assert!(attach.contains("not authorized"), "{attach}");
        let vacuum = refused(&connection, &format!("VACUUM INTO '{}'", vacuumed.display()));
        // VACUUM INTO attaches its target: the authorizer denies that ATTACH.
        assert!(vacuum.contains("authorization denied"), "{vacuum}");
        let pragma = refused(&connection, "PRAGMA temp_store = FILE");
        assert!(pragma.contains("not authorized"), "{pragma}");
        let journal = refused(&connection, "PRAGMA journal_mode");
        assert!(journal.contains("not authorized"), "{journal}");
        let extension = refused(&connection, "SELECT load_extension('/tmp/nothing.so')");
        assert!(extension.contains("not authorized") || extension.contains("no such function"), "{extension}");
        let trigger = refused(&connection, "CREATE TRIGGER g AFTER INSERT ON t BEGIN DELETE FROM t; END");
        assert!(trigger.contains("not authorized"), "{trigger}");

        assert!(!attached.exists(), "ATTACH created `{}`", attached.display());
        assert!(!vacuumed.exists(), "VACUUM INTO created `{}`", vacuumed.display());
        let _ = std::fs::remove_dir_all(&dir);

        // What the emulator itself runs still works.
        let columns: Vec<String> = connection
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .unwrap()
            .query_map(["t"], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(columns, ["a"]);
        let temp: i64 = connection.query_row("SELECT count(*) FROM sqlite_temp_master", [], |r| r.get(0)).unwrap();
        assert_eq!(temp, 0);
    }

    #[test]
    fn the_decimal_collation_compares_by_value_exactly() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let cases = [
            ("12.50", "12.5", Equal),
            ("-0.00", "0", Equal),
            ("99999999.9999999999", "100000000.0000000000", Less),
            ("-9999999999999999999999999999.9999999999", "-9999999999999999999999999999.9999999998", Less),
            ("0.0000000001", "0", Greater),
            ("-1", "-2", Greater),
            ("10", "9.99", Greater),
            ("1.0e+20", "5", Greater),
        ];
        for (left, right, expected) in cases {
            assert_eq!(compare_decimals(left, right), expected, "{left} vs {right}");
            assert_eq!(compare_decimals(right, left), expected.reverse(), "{right} vs {left}");
        }
    }

    #[test]
    fn values_past_the_length_limit_are_refused() {
        let connection = open().unwrap();
        let error = connection
            .query_row(&format!("SELECT length(zeroblob({}))", i64::from(MAX_VALUE_BYTES) + 1), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_err()
            .to_string();
        assert!(error.contains("too big"), "{error}");
    }
}
