//! UNLOAD's formats through a two-account chain: Parquet read back with the parquet crate
//! (types and values for each column type), PARTITION BY's folders, MAXFILESIZE's splits, JSON
//! lines, BZIP2 and ZSTD, manifests plain and VERBOSE, and the option combinations Redshift
//! refuses.

use std::io::Read as _;

use arrow_array::cast::AsArray as _;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
};
use arrow_array::{Array as _, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::FileReader as _;

use crate::copy_unload::{CHAIN, setup};
use crate::support::{result_rows, run_err, run_ok};

const EVERY_TYPE: &str = "create table every (a smallint, b integer, c bigint, d decimal(10,2), e real, \
    f double precision, g boolean, h char(3), i varchar(20), j date, k timestamp, l timestamptz)";

const EVERY_ROW: &str = "insert into every values (-3, 70000, 9000000000, 12.5, 1.5, 2.25, true, 'ab', 'x,y', \
    '2024-02-29', '2024-01-02 03:04:05.5', '2024-01-02 03:04:05.123456+00'), \
    (null, null, null, null, null, null, false, null, null, null, null, null)";

/// The batches of a Parquet file, read as pyarrow would (no Arrow schema is embedded).
fn read_parquet(body: Vec<u8>) -> Vec<RecordBatch> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(body)).expect("a Parquet file");
    builder.build().unwrap().collect::<Result<Vec<_>, _>>().unwrap()
}

fn unload(to: &str, options: &str) -> String {
    format!("UNLOAD ('select * from every order by b') TO 's3://data-bucket/{to}' IAM_ROLE '{CHAIN}' {options}")
}

#[tokio::test]
async fn parquet_holds_each_column_type_as_redshift_writes_it() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", EVERY_TYPE).await;
    run_ok(&data, "main", EVERY_ROW).await;
    let (_, done) = run_ok(&data, "main", &unload("pq/every_", "FORMAT AS PARQUET")).await;
    assert_eq!(result_rows(&done), Some(2));
    assert_eq!(h.keys("data-bucket"), ["pq/every_0000_part_00.parquet"]);
    let body = h.object("data-bucket", "pq/every_0000_part_00.parquet").unwrap().0;

    let reader = parquet::file::serialized_reader::SerializedFileReader::new(bytes::Bytes::from(body.clone())).unwrap();
    let metadata = reader.metadata();
    assert_eq!(metadata.file_metadata().version(), 1, "Parquet version 1.0");
    assert!(metadata.file_metadata().key_value_metadata().is_none_or(|kv| kv.iter().all(|k| k.key != "ARROW:schema")));
    for column in metadata.row_group(0).columns() {
        assert_eq!(column.compression(), parquet::basic::Compression::SNAPPY, "{}", column.column_path());
    }

    let batches = read_parquet(body);
    let batch = &batches[0];
    let types: Vec<DataType> = batch.schema().fields().iter().map(|f| f.data_type().clone()).collect();
    assert_eq!(
        types,
        [
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::Decimal128(10, 2),
            DataType::Float32,
            DataType::Float64,
            DataType::Boolean,
            DataType::Utf8,
            DataType::Utf8,
            DataType::Date32,
            DataType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ]
    );
    // The NULL row sorts first (`order by b`).
    let (null_row, row) = (0, 1);
    assert_eq!(batch.column(0).as_primitive::<Int16Type>().value(row), -3);
    assert_eq!(batch.column(1).as_primitive::<Int32Type>().value(row), 70_000);
    assert_eq!(batch.column(2).as_primitive::<Int64Type>().value(row), 9_000_000_000);
    assert_eq!(batch.column(3).as_primitive::<Decimal128Type>().value(row), 1250);
    assert_eq!(batch.column(4).as_primitive::<Float32Type>().value(row), 1.5);
    assert_eq!(batch.column(5).as_primitive::<Float64Type>().value(row), 2.25);
    assert!(batch.column(6).as_boolean().value(row));
    assert!(!batch.column(6).as_boolean().value(null_row));
    assert_eq!(batch.column(7).as_string::<i32>().value(row), "ab");
    assert_eq!(batch.column(8).as_string::<i32>().value(row), "x,y");
    assert_eq!(batch.column(9).as_primitive::<Date32Type>().value(row), 19_782);
    assert_eq!(batch.column(10).as_primitive::<TimestampMicrosecondType>().value(row), 1_704_164_645_500_000);
    assert_eq!(batch.column(11).as_primitive::<TimestampMicrosecondType>().value(row), 1_704_164_645_123_456);
    for (index, column) in batch.columns().iter().enumerate() {
        assert_eq!(column.is_null(null_row), index != 6, "column {index} of the NULL row");
    }
}

#[tokio::test]
async fn partition_by_writes_hive_folders_and_drops_the_columns_unless_include() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table sales (region varchar(10), n integer)").await;
    run_ok(&data, "main", "insert into sales values ('east', 1), ('we/st', 2), (null, 3), ('east', 4)").await;
    let query = "UNLOAD ('select region, n from sales order by n') TO 's3://data-bucket/part/sales'";
    run_ok(&data, "main", &format!("{query} IAM_ROLE '{CHAIN}' CSV PARTITION BY (region) MANIFEST")).await;
    assert_eq!(
        h.keys("data-bucket"),
        [
            "part/sales/manifest",
            "part/sales/region=__HIVE_DEFAULT_PARTITION__/0000_part_00",
            "part/sales/region=east/0000_part_00",
            "part/sales/region=we%2Fst/0000_part_00",
        ]
    );
    assert_eq!(h.object("data-bucket", "part/sales/region=east/0000_part_00").unwrap().0, b"1\n4\n");
    let manifest: serde_json::Value =
        serde_json::from_slice(&h.object("data-bucket", "part/sales/manifest").unwrap().0).unwrap();
    assert_eq!(manifest["entries"].as_array().unwrap().len(), 3, "one entry per file: {manifest}");

    let include = format!("{query} IAM_ROLE '{CHAIN}' PARQUET PARTITION BY (region) INCLUDE PARALLEL OFF CLEANPATH");
    run_ok(&data, "main", &include).await;
    let body =
        h.object("data-bucket", "part/sales/region=east/000.parquet").expect("PARALLEL OFF names the file 000").0;
    let batch = &read_parquet(body)[0];
    assert_eq!(batch.schema().field(0).name(), "region");
    assert_eq!(batch.column(0).as_string::<i32>().value(1), "east");
    assert!(h.object("data-bucket", "part/sales/region=east/0000_part_00").is_none(), "CLEANPATH cleared the folder");
    // "existing files are removed only from the partition folders to receive new files" (r_UNLOAD).
    assert!(h.object("data-bucket", "part/sales/manifest").is_some(), "the root is no partition folder");
}

#[tokio::test]
async fn maxfilesize_splits_text_on_row_boundaries_and_verbose_manifests_count_header_lines() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table big (id integer, name varchar(60))").await;
    let fill = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 150000) \
                insert into big select i, 'a name long enough to fill the files ' || i from n";
    run_ok(&data, "main", fill).await;
    let query = "UNLOAD ('select * from big order by id') TO 's3://data-bucket/big/";
    run_ok(&data, "main", &format!("{query}whole_' IAM_ROLE '{CHAIN}' PARALLEL OFF")).await;
    let whole = h.object("data-bucket", "big/whole_000").unwrap().0;
    assert!(whole.len() > 6 * 1024 * 1024, "{} bytes", whole.len());

    run_ok(&data, "main", &format!("{query}split_' IAM_ROLE '{CHAIN}' HEADER MAXFILESIZE 5 MB MANIFEST VERBOSE")).await;
    let names = ["big/split_0000_part_00", "big/split_0000_part_01"];
    let keys: Vec<String> = h.keys("data-bucket").into_iter().filter(|k| k.starts_with("big/split_")).collect();
    assert_eq!(keys, [names[0], names[1], "big/split_manifest"]);
    let mut joined = Vec::new();
    for name in names {
        let body = h.object("data-bucket", name).unwrap().0;
        assert!(body.len() <= 5 * 1024 * 1024, "{name} has {} bytes", body.len());
        let text = String::from_utf8(body).unwrap();
        let rest = text.strip_prefix("id|name\n").expect("each file has the header line");
        assert!(rest.ends_with('\n'), "split on a row boundary");
        joined.extend_from_slice(rest.as_bytes());
    }
    assert_eq!(joined, whole, "the parts concatenate to the whole");

    let manifest: serde_json::Value =
        serde_json::from_slice(&h.object("data-bucket", "big/split_manifest").unwrap().0).unwrap();
    let counts: Vec<u64> =
        manifest["entries"].as_array().unwrap().iter().map(|e| e["meta"]["record_count"].as_u64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<u64>(), 150_000 + 2, "the record counts include each header line");
    assert_eq!(manifest["meta"]["record_count"], 150_002);
    assert_eq!(manifest["entries"][1]["url"], "s3://data-bucket/big/split_0000_part_01");
    assert_eq!(
        manifest["schema"]["elements"][1],
        serde_json::json!({ "name": "name", "type": { "base": "character varying", "max_length": 60 } })
    );
    assert_eq!(manifest["author"]["name"], "Amazon Redshift");
}

#[tokio::test]
async fn json_compression_and_plain_manifests_write_what_aws_documents() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", EVERY_TYPE).await;
    run_ok(&data, "main", EVERY_ROW).await;
    run_ok(&data, "main", &unload("js/every_", "FORMAT JSON MANIFEST")).await;
    let text = String::from_utf8(h.object("data-bucket", "js/every_0000_part_00").unwrap().0).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["a"], -3);
    assert!(text.contains(r#""d":12.50,"#), "DECIMAL keeps its scale as a bare number: {text}");
    assert_eq!(lines[1]["g"], "t");
    assert_eq!(lines[1]["l"], "2024-01-02 03:04:05.123456+00");
    assert_eq!(lines[0]["i"], serde_json::Value::Null);
    let manifest: serde_json::Value =
        serde_json::from_slice(&h.object("data-bucket", "js/every_manifest").unwrap().0).unwrap();
    assert_eq!(manifest, serde_json::json!({ "entries": [{ "url": "s3://data-bucket/js/every_0000_part_00" }] }));

    run_ok(&data, "main", &unload("plain/every_", "")).await;
    let plain = h.object("data-bucket", "plain/every_0000_part_00").unwrap().0;
    assert!(String::from_utf8_lossy(&plain).contains("-3|70000|9000000000|12.50|1.5|2.25|t|ab|x,y|2024-02-29|"));
    run_ok(&data, "main", &unload("bz/every_", "BZIP2")).await;
    let mut inflated = Vec::new();
    let packed = h.object("data-bucket", "bz/every_0000_part_00.bz2").expect("BZIP2 appends .bz2").0;
    bzip2::read::BzDecoder::new(&packed[..]).read_to_end(&mut inflated).unwrap();
    assert_eq!(inflated, plain);
    run_ok(&data, "main", &unload("zs/every_", "ZSTD")).await;
    let packed = h.object("data-bucket", "zs/every_0000_part_00.zst").expect("ZSTD appends .zst").0;
    assert_eq!(zstd::decode_all(&packed[..]).unwrap(), plain);
    run_ok(&data, "main", &unload("ext/every_", "GZIP EXTENSION 'txt.gz'")).await;
    assert_eq!(
        h.keys("data-bucket").iter().filter(|k| k.starts_with("ext/")).collect::<Vec<_>>(),
        ["ext/every_0000_part_00.txt.gz"]
    );
}

#[tokio::test]
async fn refused_combinations_answer_the_unload_pages_sentences() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", EVERY_TYPE).await;
    let cases = [
        ("PARQUET HEADER", redbridge_emu::texts::unload_parquet_refuses()),
        ("PARQUET GZIP", redbridge_emu::texts::unload_parquet_refuses()),
        ("FORMAT AS PARQUET NULL AS 'x'", redbridge_emu::texts::unload_parquet_refuses()),
        ("JSON DELIMITER ','", redbridge_emu::texts::unload_json_refuses()),
        ("JSON HEADER", redbridge_emu::texts::unload_json_refuses()),
        ("MAXFILESIZE 1 MB", redbridge_emu::texts::unload_max_file_size_range("1 MB")),
        ("PARQUET ROWGROUPSIZE 200 MB", redbridge_emu::texts::unload_row_group_size_range("200 MB")),
        ("CSV ROWGROUPSIZE 64 MB", redbridge_emu::texts::unload_row_group_size_needs_parquet()),
        ("PARQUET PARTITION BY (nope)", redbridge_emu::texts::unload_partition_column_missing("nope")),
        (
            "PARQUET PARTITION BY (l)",
            redbridge_emu::texts::unload_partition_column_type("l", "timestamp with time zone"),
        ),
    ];
    for (options, text) in cases {
        let error = run_err(&data, "main", &unload("refused/", options)).await;
        assert_eq!(error, format!("ERROR: {text}"), "{options}");
    }
    assert!(h.keys("data-bucket").is_empty(), "nothing is written");
}
