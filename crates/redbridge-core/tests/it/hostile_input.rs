//! Hostile input (issue 18): arbitrary bytes and byte-level mutations of the repository's real
//! specs (examples, `tests/specs`, the e2e scenarios' `[spec]` tables) and snapshots, fed to
//! `decode_text`, the spec reader (parse, resolve, plan) and the snapshot reader. Each case ends
//! without a panic and within the hang guard, and every error names a line and column inside
//! the text.

use proptest::prelude::*;
use redbridge_core::doctor::Snapshot;
use redbridge_core::input::{BytePosition, InputError, decode_text};
use redbridge_core::{Plan, Spec};

use crate::hostile::{corpus, edits, mutate, within_hang_guard};

/// Every spec the repository holds: the examples, `tests/specs`, and each e2e scenario's
/// `[spec]` table (whose accounts the harness fills in, also where a role ARN names them;
/// here two fixed ones).
fn specs() -> Vec<Vec<u8>> {
    let mut specs = corpus("examples", ".toml");
    specs.extend(corpus("tests/specs", ".toml"));
    for scenario in corpus("tests/scenarios", ".toml") {
        let text = String::from_utf8_lossy(&scenario)
            .replace("{redshift_account}", "111111111111")
            .replace("{s3_account}", "222222222222")
            .replace("{hop_account}", "333333333333")
            .replace("{kms_key}", "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        let Some((_, table)) = text.split_once("[spec]\n") else { continue };
        let table = table.split("\n[").next().unwrap_or_default();
        specs.push(format!("redshift_account = \"111111111111\"\ns3_account = \"222222222222\"\n{table}").into_bytes());
    }
    specs
}

/// The snapshots the repository holds.
fn snapshots() -> Vec<Vec<u8>> {
    let mut snapshots = corpus("examples", ".snapshot.json");
    snapshots.extend(corpus("crates/redbridge-cli/tests/fixtures", ".snapshot.json"));
    snapshots
}

/// A position must be inside `text` (the end counts: a truncated input's error is there).
fn assert_inside(text: &str, at: BytePosition) {
    assert!(at.offset <= text.len(), "{at:?} past the {} bytes of {text:?}", text.len());
    assert!(at.line >= 1 && at.line <= text.split('\n').count(), "{at:?} in {text:?}");
    assert!(at.column >= 1, "{at:?}");
}

/// Decodes bytes; an error other than the size cap says where the first bad byte is.
fn decode(bytes: Vec<u8>) -> Option<String> {
    let len = bytes.len();
    match decode_text("input", bytes) {
        Ok(text) => Some(text),
        Err(InputError::Binary { at, .. } | InputError::NotUtf8 { at, .. }) => {
            assert!(at.offset < len && at.line >= 1 && at.column >= 1, "{at:?} of {len} bytes");
            None
        }
        Err(InputError::Utf16 { .. } | InputError::TooLarge { .. }) => None,
    }
}

/// The spec reader on `text`: an error names a line and column inside it; a spec that reads
/// is planned (whose errors are data, not panics).
fn read_spec(text: &str) {
    match Spec::from_toml(text) {
        Err(error) => assert_inside(text, error.at()),
        Ok(spec) => {
            let _ = Plan::new(&spec);
        }
    }
}

fn read_snapshot(text: &str) {
    if let Err(error) = Snapshot::from_json(text) {
        assert_inside(text, error.at);
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_decode_or_say_where_the_first_bad_byte_is(bytes in any::<Vec<u8>>()) {
        within_hang_guard(move || decode(bytes));
    }

    #[test]
    fn arbitrary_text_as_a_spec_or_a_snapshot_gets_a_located_error(bytes in any::<Vec<u8>>()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        within_hang_guard(move || {
            read_spec(&text);
            read_snapshot(&text);
        });
    }

    #[test]
    fn mutated_real_specs_plan_or_get_a_located_error(base in proptest::sample::select(specs()), edits in edits(4)) {
        within_hang_guard(move || {
            if let Some(text) = decode(mutate(&base, &edits)) {
                read_spec(&text);
            }
        });
    }
}

proptest! {
    // A snapshot is a few kilobytes of JSON read twice per case: fewer cases.
    #![proptest_config(config(64))]

    #[test]
    fn mutated_real_snapshots_read_or_get_a_located_error(
        base in proptest::sample::select(snapshots()),
        edits in edits(4),
    ) {
        within_hang_guard(move || {
            if let Some(text) = decode(mutate(&base, &edits)) {
                read_snapshot(&text);
            }
        });
    }
}

#[test]
fn every_real_spec_and_snapshot_of_the_corpus_reads_unmutated() {
    for base in specs() {
        let text = decode(base).unwrap_or_default();
        let spec = Spec::from_toml(&text).unwrap_or_else(|e| panic!("{e} in {text}"));
        Plan::new(&spec).unwrap_or_else(|e| panic!("{e} in {text}"));
    }
    for base in snapshots() {
        let text = decode(base).unwrap_or_default();
        Snapshot::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn spec_errors_say_the_line_and_column_of_the_value() {
    let text = "redshift_account = \"111111111111\"\ns3_account = \"222222222222\"\nbucket = \"acme\"\n\
                intermediate_roles = [\"arn:aws:iam::333333333333:role/ok\", \"arn:aws:iam::33333333333:role/x\"]\n\
                cluster = \"analytics\"\nregion = \"us-east-1\"\n";
    assert_eq!(
        Spec::from_toml(text).unwrap_err().to_string(),
        "4:60: invalid spec: `intermediate_roles`: invalid role ARN `arn:aws:iam::33333333333:role/x` at character 14: \
         account: expected 12 digits, found 11"
    );
    let missing = "redshift_account = \"111111111111\"\n";
    assert_eq!(Spec::from_toml(missing).unwrap_err().to_string(), "1:1: invalid spec: `s3_account`: is required");
    assert_eq!(
        Spec::from_toml("redshift_account = \"1\"\ns3_account = \n").unwrap_err().to_string(),
        "2:14: string values must be quoted, expected literal string"
    );
    assert_eq!(
        Spec::from_toml("bucket = 5\n").unwrap_err().to_string(),
        "1:10: invalid type: integer `5`, expected a string"
    );
}

/// Found by the CLI's property test on a mutated spec: a `table` the statements cannot name was
/// refused first when the plan wrote its statements, as `cannot plan this spec` with no place.
#[test]
fn a_table_name_the_statements_cannot_use_is_a_spec_error_at_its_value() {
    let text = "redshift_account = \"111111111111\"\ns3_account = \"222222222222\"\nbucket = \"acme\"\n\
                cluster = \"analytics\"\nregion = \"us-east-1\"\ntable = \"public.t.\"\n";
    let error = Spec::from_toml(text).unwrap_err().to_string();
    assert!(error.starts_with("6:9: invalid spec: `table`: "), "{error}");
}
