//! UNLOAD's object names, PARTITION BY's folders and the manifest, as AWS documents them
//! (<https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html> and
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD_command_examples.html>).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::table::Table;
use crate::column_type::ColumnType;
use crate::texts;

/// The prefix files go under: "If you use `PARTITION BY`, a forward slash (/) is automatically
/// added to the end of the name-prefix value if needed" (r_UNLOAD, TO).
pub(crate) fn base_prefix(prefix: &str, partitioned: bool) -> String {
    if partitioned && !prefix.is_empty() && !prefix.ends_with('/') { format!("{prefix}/") } else { prefix.to_owned() }
}

/// The name of the `index`th file of a folder. In parallel, the slice and part numbers:
/// "`<object-path>/<name-prefix><slice-number>_part_<part-number>`" (`venue_pipe_0000_part_00`,
/// r_UNLOAD_command_examples; the emulator has one slice, 0000, and parts 00, 01, … as
/// MAXFILESIZE splits). PARALLEL OFF: `000`, `001`, … ("`s3://mybucket/key000`,
/// `s3://mybucket/key001`", r_UNLOAD, PARALLEL; "one file named venue_serial_000").
pub(crate) fn file_name(parallel: bool, index: usize, extension: &str) -> String {
    if parallel { format!("0000_part_{index:02}{extension}") } else { format!("{index:03}{extension}") }
}

/// A partition value as a folder name: Hive's escaping (`FileUtils.escapePathName`, "following
/// the Apache Hive convention", r_UNLOAD PARTITION BY): control characters and
/// `"#%'*/:=?\^{[]` and DEL as `%XX`.
pub(crate) fn hive_escape(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for chunk in String::from_utf8_lossy(value).chars() {
        let escape = chunk.is_ascii_control() || "\"#%'*/:=?\\^{[]".contains(chunk);
        if escape {
            out.push_str(&format!("%{:02X}", u32::from(chunk)));
        } else {
            out.push(chunk);
        }
    }
    out
}

/// "If the partition key value is null, Amazon Redshift automatically unloads that data into a
/// default partition called `partition_column=__HIVE_DEFAULT_PARTITION__`" (r_UNLOAD).
pub(crate) const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The columns of PARTITION BY, by index: each must be a column of the result, of a type AWS
/// lists, and at least one column must stay for the files.
pub(crate) fn partition_columns(table: &Table, names: &[String]) -> Result<Vec<usize>, String> {
    let mut indices = Vec::with_capacity(names.len());
    for name in names {
        let index = table
            .columns
            .iter()
            .position(|c| c.name == *name)
            .ok_or_else(|| texts::unload_partition_column_missing(name))?;
        let column = &table.columns[index];
        if matches!(column.column_type, ColumnType::Double | ColumnType::Timestamptz) {
            return Err(texts::unload_partition_column_type(name, &column.column_type.sql_name()));
        }
        indices.push(index);
    }
    if table.columns.iter().enumerate().all(|(i, _)| indices.contains(&i)) {
        return Err(texts::unload_partition_needs_a_data_column());
    }
    Ok(indices)
}

/// The rows of each partition folder (`year=2019/month=September/`), folders in name order.
pub(crate) fn partitions(table: &Table, columns: &[usize]) -> Vec<(String, Vec<usize>)> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut value = Vec::new();
    let mut folder = String::new();
    for row in 0..table.rows {
        folder.clear();
        for index in columns {
            let column = &table.columns[*index];
            value.clear();
            folder.push_str(&column.name);
            folder.push('=');
            if column.write_text(row, &mut value) {
                folder.push_str(&hive_escape(&value));
            } else {
                folder.push_str(NULL_PARTITION);
            }
            folder.push('/');
        }
        match groups.get_mut(folder.as_str()) {
            Some(rows) => rows.push(row),
            None => {
                groups.insert(folder.clone(), vec![row]);
            }
        }
    }
    groups.into_iter().collect()
}

/// One file written: its key, size and record count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub key: String,
    pub content_length: usize,
    pub records: usize,
}

/// A column's type in MANIFEST VERBOSE's `schema.elements`: Redshift's type names ("The column
/// names and data types, and for CHAR, VARCHAR, or NUMERIC data types, dimensions for each
/// column. For CHAR and VARCHAR data types, the dimension is the length. For a DECIMAL or
/// NUMERIC data type, the dimensions are precision and scale", r_UNLOAD). AWS's example prints
/// the length without a key (`{ "base": "character varying", 25 }`, not JSON); the emulator
/// names it `max_length`, and DECIMAL's `precision` and `scale`.
pub(crate) fn schema_type(column_type: ColumnType) -> Value {
    match column_type {
        ColumnType::SmallInt => json!({ "base": "smallint" }),
        ColumnType::Integer => json!({ "base": "integer" }),
        ColumnType::BigInt => json!({ "base": "bigint" }),
        ColumnType::Decimal { precision, scale } => {
            json!({ "base": "numeric", "precision": precision, "scale": scale })
        }
        ColumnType::Real => json!({ "base": "real" }),
        ColumnType::Double => json!({ "base": "double precision" }),
        ColumnType::Boolean => json!({ "base": "boolean" }),
        ColumnType::Char { length } => json!({ "base": "character", "max_length": length }),
        ColumnType::Varchar { length } => json!({ "base": "character varying", "max_length": length }),
        ColumnType::Date => json!({ "base": "date" }),
        ColumnType::Timestamp => json!({ "base": "timestamp without time zone" }),
        ColumnType::Timestamptz => json!({ "base": "timestamp with time zone" }),
        ColumnType::Other => json!({ "base": "character varying" }),
    }
}

/// The manifest: one entry per file written, `url` only ("lists the URL of each file that was
/// written to Amazon S3"; AWS's example: `{"url":"s3://mybucket/tickit/venue_0000_part_00"}`);
/// VERBOSE adds each entry's `meta` (`content_length`, `record_count`), the `schema` of the
/// files' columns, the total `meta` and the `author` ("Author is always \"Amazon Redshift\"";
/// `"version": "1.0.0"` as in AWS's example, r_UNLOAD_command_examples "Unload VENUE with
/// MANIFEST VERBOSE").
pub(crate) fn manifest(bucket: &str, written: &[Written], verbose: bool, table: &Table, columns: &[usize]) -> Value {
    let entries: Vec<Value> = written
        .iter()
        .map(|w| {
            let url = format!("s3://{bucket}/{}", w.key);
            if verbose {
                json!({ "url": url, "meta": { "content_length": w.content_length, "record_count": w.records } })
            } else {
                json!({ "url": url })
            }
        })
        .collect();
    if !verbose {
        return json!({ "entries": entries });
    }
    let elements: Vec<Value> = columns
        .iter()
        .map(|i| json!({ "name": table.columns[*i].name, "type": schema_type(table.columns[*i].column_type) }))
        .collect();
    json!({
        "entries": entries,
        "schema": { "elements": elements },
        "meta": {
            "content_length": written.iter().map(|w| w.content_length).sum::<usize>(),
            "record_count": written.iter().map(|w| w.records).sum::<usize>(),
        },
        "author": { "name": "Amazon Redshift", "version": "1.0.0" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "create table t (city varchar(20), day date, n integer, x double precision); \
                 insert into t values ('a/b', '2024-01-02', 1, 1), (null, '2024-01-02', 2, 2), ('a/b', '2024-01-03', 3, 3)",
            )
            .unwrap();
        super::super::table::read(&connection, "select * from t").unwrap()
    }

    #[test]
    fn names_follow_awss_examples() {
        assert_eq!(file_name(true, 0, ".parquet"), "0000_part_00.parquet");
        assert_eq!(file_name(true, 12, ".gz"), "0000_part_12.gz");
        assert_eq!(file_name(false, 1, ""), "001");
        assert_eq!(base_prefix("out/t_", true), "out/t_/");
        assert_eq!(base_prefix("out/", true), "out/");
        assert_eq!(base_prefix("out/t_", false), "out/t_");
        assert_eq!(hive_escape(b"2024-01-02 10:00:00"), "2024-01-02 10%3A00%3A00");
        assert_eq!(hive_escape("a=b/c#é".as_bytes()), "a%3Db%2Fc%23é");
    }

    #[test]
    fn rows_group_into_hive_folders_with_nulls_in_the_default_partition() {
        let t = table();
        let columns = partition_columns(&t, &["city".to_owned(), "day".to_owned()]).unwrap();
        assert_eq!(
            partitions(&t, &columns),
            [
                ("city=__HIVE_DEFAULT_PARTITION__/day=2024-01-02/".to_owned(), vec![1]),
                ("city=a%2Fb/day=2024-01-02/".to_owned(), vec![0]),
                ("city=a%2Fb/day=2024-01-03/".to_owned(), vec![2]),
            ]
        );
        assert_eq!(
            partition_columns(&t, &["nope".to_owned()]).unwrap_err(),
            texts::unload_partition_column_missing("nope")
        );
        assert!(partition_columns(&t, &["x".to_owned()]).unwrap_err().contains("PARTITION BY"));
        let all = ["city", "day", "n", "x"].map(str::to_owned);
        assert_eq!(partition_columns(&t, &all[..3]).map(|c| c.len()), Ok(3));
        assert_eq!(
            partition_columns(&t, &all).unwrap_err(),
            texts::unload_partition_column_type("x", "double precision")
        );
    }

    #[test]
    fn manifests_are_url_only_unless_verbose() {
        let t = table();
        let written = [
            Written { key: "p/0000_part_00".into(), content_length: 10, records: 2 },
            Written { key: "p/0000_part_01".into(), content_length: 5, records: 1 },
        ];
        let plain = manifest("b", &written, false, &t, &[0, 1, 2]);
        assert_eq!(
            plain,
            json!({ "entries": [{ "url": "s3://b/p/0000_part_00" }, { "url": "s3://b/p/0000_part_01" }] })
        );
        let verbose = manifest("b", &written, true, &t, &[0, 1, 2]);
        assert_eq!(verbose["entries"][1]["meta"], json!({ "content_length": 5, "record_count": 1 }));
        assert_eq!(verbose["meta"], json!({ "content_length": 15, "record_count": 3 }));
        assert_eq!(verbose["author"], json!({ "name": "Amazon Redshift", "version": "1.0.0" }));
        assert_eq!(
            verbose["schema"]["elements"],
            json!([
                { "name": "city", "type": { "base": "character varying", "max_length": 20 } },
                { "name": "day", "type": { "base": "date" } },
                { "name": "n", "type": { "base": "integer" } },
            ])
        );
        assert_eq!(
            schema_type(ColumnType::Decimal { precision: 10, scale: 2 }),
            json!({ "base": "numeric", "precision": 10, "scale": 2 })
        );
    }
}
