//! COPY from Parquet and JSON, and BZIP2/ZSTD text, through the two-account chain: typed values
//! as the table holds them, Redshift's columnar and JSON rules and texts, and the chain and S3
//! really judged for each file (the JSONPaths file included). Parquet inputs are written here
//! with the parquet/arrow crates.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int16Array, Int32Array,
    Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use redbridge_core::doctor::classify::classify;

use crate::copy_unload::{BUCKET_ROLE, CHAIN, setup};
use crate::support::{policy, result_rows, rows, run_err, run_ok};

/// A Parquet file of these columns, one row group, pages compressed with `compression`.
fn parquet_file(columns: Vec<(&str, ArrayRef)>, compression: Compression) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter(columns).expect("a batch");
    let mut out = Vec::new();
    let properties = WriterProperties::builder().set_compression(compression).build();
    let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(properties)).expect("a writer");
    writer.write(&batch).expect("written");
    writer.close().expect("closed");
    out
}

fn copy_parquet(table: &str, prefix: &str, tail: &str) -> String {
    format!("COPY {table} FROM 's3://data-bucket/{prefix}' IAM_ROLE '{CHAIN}' FORMAT AS PARQUET {tail}")
}

const EVERY_TYPE: &str = "create table typed (s smallint, i integer, b bigint, d numeric(10,2), r real, \
     f double precision, ok boolean, c char(3), v varchar(10), day date, at timestamp, atz timestamptz)";

/// One row of every type of the issue's list, and one row of nulls.
fn every_type_columns() -> Vec<(&'static str, ArrayRef)> {
    let micros = 1_704_164_645_123_456_i64; // 2024-01-02 03:04:05.123456 UTC
    vec![
        ("s", Arc::new(Int16Array::from(vec![Some(-32768), None])) as ArrayRef),
        ("i", Arc::new(Int32Array::from(vec![Some(2_147_483_647), None]))),
        ("b", Arc::new(Int64Array::from(vec![Some(-9_223_372_036_854_775_808), None]))),
        ("d", Arc::new(Decimal128Array::from(vec![Some(1250), None]).with_precision_and_scale(10, 2).unwrap())),
        ("r", Arc::new(Float32Array::from(vec![Some(1.5), None]))),
        ("f", Arc::new(Float64Array::from(vec![Some(0.1), None]))),
        ("ok", Arc::new(BooleanArray::from(vec![Some(true), None]))),
        ("c", Arc::new(StringArray::from(vec![Some("abc"), None]))),
        ("v", Arc::new(StringArray::from(vec![Some("héllo"), None]))),
        ("day", Arc::new(Date32Array::from(vec![Some(19_724), None]))),
        ("at", Arc::new(TimestampMicrosecondArray::from(vec![Some(micros), None]))),
        ("atz", Arc::new(TimestampMicrosecondArray::from(vec![Some(micros), None]).with_timezone("UTC"))),
    ]
}

const EVERY_TYPE_SELECT: &str = "select s, i, b, cast(d * 100 as integer), r, f, ok, c, v, day, at, atz \
     from typed where s is not null";

fn every_type_row() -> Vec<Option<String>> {
    [
        "-32768",
        "2147483647",
        "-9223372036854775808",
        "1250",
        "1.5",
        "0.1",
        "true",
        "abc",
        "héllo",
        "2024-01-02",
        "2024-01-02 03:04:05.123456",
        "2024-01-02 03:04:05.123456+00",
    ]
    .iter()
    .map(|v| Some((*v).to_owned()))
    .collect()
}

#[tokio::test]
async fn parquet_loads_every_type_into_typed_columns_for_each_page_compression() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", EVERY_TYPE).await;
    let compressions = [
        ("snappy", Compression::SNAPPY),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("none", Compression::UNCOMPRESSED),
    ];
    for (name, compression) in compressions {
        run_ok(&data, "main", "delete from typed").await;
        h.put_object_raw(
            "data-bucket",
            &format!("pq-{name}/part-0.parquet"),
            parquet_file(every_type_columns(), compression),
        );
        let done = run_ok(&data, "main", &copy_parquet("typed", &format!("pq-{name}/"), "")).await.1;
        assert_eq!(result_rows(&done), Some(2), "{name}");
        assert_eq!(rows(&data, "main", EVERY_TYPE_SELECT).await, [every_type_row()], "{name}");
        let nulls =
            rows(&data, "main", "select count(*) from typed where s is null and v is null and atz is null").await;
        assert_eq!(nulls, [[Some("1".to_owned())]], "{name}: the null row keeps its nulls");
    }
}

#[tokio::test]
async fn parquet_int96_timestamps_load_as_spark_and_hive_write_them() {
    use parquet::data_type::Int96;
    use parquet::file::writer::SerializedFileWriter;
    let schema = Arc::new(parquet::schema::parser::parse_message_type("message spark { required int96 at; }").unwrap());
    let mut out = Vec::new();
    let mut writer =
        SerializedFileWriter::new(&mut out, schema, Arc::new(WriterProperties::builder().build())).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    // 2024-01-02 03:04:05.5: Julian day 2460312, nanoseconds of the day little-endian first.
    let nanos: u64 = (3 * 3600 + 4 * 60 + 5) * 1_000_000_000 + 500_000_000;
    let mut value = Int96::new();
    #[allow(clippy::cast_possible_truncation)]
    value.set_data(nanos as u32, (nanos >> 32) as u32, 2_460_312);
    column.typed::<parquet::data_type::Int96Type>().write_batch(&[value], None, None).unwrap();
    column.close().unwrap();
    group.close().unwrap();
    writer.close().unwrap();

    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table spark (at timestamp)").await;
    h.put_object_raw("data-bucket", "int96/part-0.parquet", out);
    run_ok(&data, "main", &copy_parquet("spark", "int96/", "")).await;
    assert_eq!(rows(&data, "main", "select at from spark").await, [[Some("2024-01-02 03:04:05.5".to_owned())]]);
}

#[tokio::test]
async fn parquet_refuses_each_pairing_redshift_does_not_map_with_spectrums_text() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    let refused: Vec<(&str, ArrayRef)> = vec![
        ("smallint", Arc::new(Int32Array::from(vec![1]))),
        ("integer", Arc::new(Int64Array::from(vec![1]))),
        ("bigint", Arc::new(Float64Array::from(vec![1.0]))),
        ("numeric(12,2)", Arc::new(Float64Array::from(vec![1.5]))),
        ("real", Arc::new(Float64Array::from(vec![1.5]))),
        ("double precision", Arc::new(StringArray::from(vec!["1.5"]))),
        ("boolean", Arc::new(Int32Array::from(vec![1]))),
        ("char(3)", Arc::new(Int64Array::from(vec![1]))),
        ("varchar(10)", Arc::new(Int64Array::from(vec![1]))),
        ("date", Arc::new(StringArray::from(vec!["2024-01-02"]))),
        ("timestamp", Arc::new(Date32Array::from(vec![1]))),
        ("timestamptz", Arc::new(StringArray::from(vec!["2024-01-02 00:00:00+00"]))),
    ];
    for (n, (declared, array)) in refused.into_iter().enumerate() {
        run_ok(&data, "main", &format!("create table mismatch{n} (c {declared})")).await;
        let key = format!("mismatch{n}/part-0.parquet");
        h.put_object_raw("data-bucket", &key, parquet_file(vec![("c", array)], Compression::SNAPPY));
        let error = run_err(&data, "main", &copy_parquet(&format!("mismatch{n}"), &format!("mismatch{n}/"), "")).await;
        assert!(error.contains("Spectrum Scan Error"), "{declared}: {error}");
        assert!(
            error.contains(&format!(
                "File 'https://s3.us-east-1.amazonaws.com/data-bucket/{key}' has an incompatible Parquet schema for column 's3://data-bucket/{key}.c'"
            )),
            "{declared}: {error}"
        );
        assert_eq!(classify(&error).code, "RB188", "{declared}");
        let count = rows(&data, "main", &format!("select count(*) from mismatch{n}")).await;
        assert_eq!(count, [[Some("0".to_owned())]], "{declared}: nothing loaded");
    }
}

#[tokio::test]
async fn parquet_values_out_of_the_columns_range_or_length_fail_the_load() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table narrow (v varchar(3))").await;
    h.put_object_raw(
        "data-bucket",
        "long/part-0.parquet",
        parquet_file(vec![("v", Arc::new(StringArray::from(vec!["abcd"])))], Compression::SNAPPY),
    );
    let error = run_err(&data, "main", &copy_parquet("narrow", "long/", "")).await;
    assert!(
        error.contains(
            "The length of the data column v is longer than the length defined in the table. Table: 3, Data: 4"
        ),
        "{error}"
    );
    run_ok(&data, "main", "create table money (d numeric(4,2))").await;
    let too_wide = Decimal128Array::from(vec![12_345]).with_precision_and_scale(10, 2).unwrap();
    h.put_object_raw(
        "data-bucket",
        "wide/part-0.parquet",
        parquet_file(vec![("d", Arc::new(too_wide))], Compression::SNAPPY),
    );
    let error = run_err(&data, "main", &copy_parquet("money", "wide/", "")).await;
    assert!(error.contains("Spectrum Scan Error") && error.contains("out of range for DECIMAL(4,2)"), "{error}");
}

#[tokio::test]
async fn parquet_column_count_must_match_the_table_or_the_column_list_or_fillrecord() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table wide (a integer, b varchar(5), extra integer)").await;
    let two = parquet_file(
        vec![("a", Arc::new(Int32Array::from(vec![1])) as ArrayRef), ("b", Arc::new(StringArray::from(vec!["x"])))],
        Compression::SNAPPY,
    );
    h.put_object_raw("data-bucket", "two/part-0.parquet", two);
    let error = run_err(&data, "main", &copy_parquet("wide", "two/", "")).await;
    assert!(
        error.contains(
            "Unmatched number of columns between table and file. Table columns: 3, Data columns: 2, File name: https://s3.us-east-1.amazonaws.com/data-bucket/two/part-0.parquet"
        ),
        "{error}"
    );
    run_ok(&data, "main", &copy_parquet("wide (a, b)", "two/", "")).await;
    run_ok(&data, "main", &copy_parquet("wide", "two/", "FILLRECORD")).await;
    let loaded = rows(&data, "main", "select a, b, extra from wide").await;
    assert_eq!(loaded, vec![vec![Some("1".to_owned()), Some("x".to_owned()), None]; 2]);
}

#[tokio::test]
async fn parquet_refuses_region_and_other_credentials_before_the_chain_with_redshifts_texts() {
    // No role attached: judging the chain first would fail differently.
    let h = setup(false).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (a integer)").await;
    let region = run_err(&data, "main", &copy_parquet("t", "x/", "REGION 'us-west-2'")).await;
    assert!(region.contains("REGION argument is not supported for PARQUET based COPY"), "{region}");
    assert_eq!(classify(&region).code, "RB152");
    let credentials = run_err(
        &data,
        "main",
        "COPY t FROM 's3://data-bucket/x/' CREDENTIALS 'aws_access_key_id=AKIAEXAMPLE;aws_secret_access_key=secret' FORMAT AS PARQUET",
    )
    .await;
    assert!(credentials.contains("COPY from this file format only accepts IAM_ROLE credentials."), "{credentials}");
    assert!(!credentials.contains("secret"), "credentials are never echoed: {credentials}");
    assert_eq!(classify(&credentials).code, "RB187");
    let gzip = run_err(&data, "main", &copy_parquet("t", "x/", "GZIP")).await;
    assert!(gzip.contains("GZIP argument is not supported for PARQUET based COPY"), "{gzip}");
}

#[tokio::test]
async fn a_corrupt_parquet_file_fails_with_a_spectrum_error() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (a integer)").await;
    h.put_object_raw("data-bucket", "bad/part-0.parquet", b"PAR1 this is not parquet at all".to_vec());
    let error = run_err(&data, "main", &copy_parquet("t", "bad/", "")).await;
    assert!(error.contains("Spectrum Scan Error"), "{error}");
    assert!(error.contains("bad/part-0.parquet' is not a readable Parquet file"), "{error}");
    let mut truncated = parquet_file(vec![("a", Arc::new(Int32Array::from(vec![1, 2, 3])))], Compression::SNAPPY);
    truncated.drain(10..30);
    h.put_object_raw("data-bucket", "cut/part-0.parquet", truncated);
    assert!(run_err(&data, "main", &copy_parquet("t", "cut/", "")).await.contains("Spectrum Scan Error"));
}

#[tokio::test]
async fn a_parquet_read_the_chain_denies_fails_with_the_s3_access_text() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (a integer)").await;
    h.put_object_raw(
        "data-bucket",
        "pq/part-0.parquet",
        parquet_file(vec![("a", Arc::new(Int32Array::from(vec![1])))], Compression::SNAPPY),
    );
    h.set_identity_policies(BUCKET_ROLE, vec![list_only()]);
    let error = run_err(&data, "main", &copy_parquet("t", "pq/", "")).await;
    assert_eq!(error, "ERROR: S3ServiceException:Access Denied,Status 403,Error AccessDenied");
    assert_eq!(classify(&error).code, "RB131");
    h.set_identity_policies(BUCKET_ROLE, vec![read_only_under("pq/")]);
    run_ok(&data, "main", &copy_parquet("t", "pq/", "")).await;
}

/// The bucket role may list the bucket and read nothing.
fn list_only() -> redbridge_iam::policy::PolicyDocument {
    policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}]}"#,
    )
}

/// The bucket role may list the bucket and read only under `prefix`.
fn read_only_under(prefix: &str) -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}},
            {{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/{prefix}*"}}]}}"#
    ))
}

const PEOPLE: &str = "create table people (id integer, name varchar(20), score numeric(6,2), active boolean, tags varchar(50), seen timestamp)";

#[tokio::test]
async fn json_auto_matches_lowercase_keys_and_ignorecase_matches_any_case() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", PEOPLE).await;
    let body = r#"{"id": 1, "name": "ann", "score": 12.5, "active": true, "tags": ["a", {"b": 1}], "seen": "2024-01-02 03:04:05", "ignored": 7}
        {"id": 2, "NAME": "bob", "score": null, "active": false}
    "#;
    h.put_object_raw("data-bucket", "json/part-0.json", body);
    let done = run_ok(
        &data,
        "main",
        &format!("COPY people FROM 's3://data-bucket/json/' IAM_ROLE '{CHAIN}' FORMAT AS JSON 'auto'"),
    )
    .await
    .1;
    assert_eq!(result_rows(&done), Some(2));
    let select = "select id, name, cast(score * 100 as integer), active, tags, seen from people order by id";
    let loaded = rows(&data, "main", select).await;
    let text = |v: &str| Some(v.to_owned());
    assert_eq!(
        loaded,
        [
            vec![
                text("1"),
                text("ann"),
                text("1250"),
                text("true"),
                text(r#"["a",{"b":1}]"#),
                text("2024-01-02 03:04:05")
            ],
            vec![text("2"), None, None, text("false"), None, None],
        ],
        "'auto' is case-sensitive: `NAME` is not `name`"
    );
    run_ok(&data, "main", "delete from people").await;
    run_ok(
        &data,
        "main",
        &format!("COPY people FROM 's3://data-bucket/json/' IAM_ROLE '{CHAIN}' JSON 'auto ignorecase'"),
    )
    .await;
    let names = rows(&data, "main", "select name from people order by id").await;
    assert_eq!(names, [[text("ann")], [text("bob")]]);
}

#[tokio::test]
async fn json_with_a_jsonpaths_file_maps_paths_in_column_order_from_objects_and_arrays() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table pairs (id bigint, city varchar(20), first_tag varchar(5))").await;
    h.put_object_raw("data-bucket", "paths/paths.json", r#"{"jsonpaths": ["$.id", "$.place.city", "$.tags[0]"]}"#);
    h.put_object_raw("data-bucket", "bracket/paths.json", r#"{"jsonpaths": ["$[0]", "$[1]", "$[2]"]}"#);
    h.put_object_raw("data-bucket", "data/objects.json", r#"{"id": 7, "place": {"city": "Oslo"}, "tags": ["x", "y"]}"#);
    h.put_object_raw("data-bucket", "arrays/rows.json", "[8, \"Rome\", \"z\"]\n[9, null, \"w\"]");
    let copy = |from: &str, paths: &str| {
        format!(
            "COPY pairs FROM 's3://data-bucket/{from}' IAM_ROLE '{CHAIN}' FORMAT AS JSON 's3://data-bucket/{paths}'"
        )
    };
    run_ok(&data, "main", &copy("data/", "paths/paths.json")).await;
    run_ok(&data, "main", &copy("arrays/", "bracket/paths.json")).await;
    let loaded = rows(&data, "main", "select id, city, first_tag from pairs order by id").await;
    let text = |v: &str| Some(v.to_owned());
    assert_eq!(
        loaded,
        [
            vec![text("7"), text("Oslo"), text("x")],
            vec![text("8"), text("Rome"), text("z")],
            vec![text("9"), None, text("w")]
        ]
    );

    h.put_object_raw("data-bucket", "short/paths.json", r#"{"jsonpaths": ["$.id"]}"#);
    let count = run_err(&data, "main", &copy("data/", "short/paths.json")).await;
    assert!(count.contains("Number of jsonpaths and the number of columns should match. JSONPath size: 1"), "{count}");
    h.put_object_raw("data-bucket", "far/paths.json", r#"{"jsonpaths": ["$.id", "$.place.city", "$.tags[5]"]}"#);
    let index = run_err(&data, "main", &copy("data/", "far/paths.json")).await;
    assert!(index.contains("Invalid JSONPath format: Not an array or index out of range."), "{index}");
}

#[tokio::test]
async fn a_jsonpaths_file_missing_or_denied_by_the_chain_fails_with_s3s_text() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table pairs (id bigint)").await;
    h.put_object_raw("data-bucket", "data/objects.json", r#"{"id": 7}"#);
    let copy = |paths: &str| {
        format!("COPY pairs FROM 's3://data-bucket/data/' IAM_ROLE '{CHAIN}' FORMAT AS JSON 's3://data-bucket/{paths}'")
    };
    let missing = run_err(&data, "main", &copy("nowhere/paths.json")).await;
    assert!(missing.contains("The specified key does not exist"), "{missing}");
    h.put_object_raw("data-bucket", "secret/paths.json", r#"{"jsonpaths": ["$.id"]}"#);
    h.set_identity_policies(BUCKET_ROLE, vec![read_only_under("data")]);
    let denied = run_err(&data, "main", &copy("secret/paths.json")).await;
    assert_eq!(denied, "ERROR: S3ServiceException:Access Denied,Status 403,Error AccessDenied");
    h.put_object_raw("data-bucket", "data-paths/paths.json", r#"{"jsonpaths": ["$.id"]}"#);
    run_ok(&data, "main", &copy("data-paths/paths.json")).await;
}

#[tokio::test]
async fn bzip2_and_zstd_files_load_for_text_csv_and_json() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table packed (id integer, name varchar(10))").await;
    let bzip2 = |text: &str| {
        use std::io::Write as _;
        let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    let zstd = |text: &str| zstd::stream::encode_all(text.as_bytes(), 3).unwrap();
    h.put_object_raw("data-bucket", "bz/part-0.bz2", bzip2("1|one\n2|two\n"));
    h.put_object_raw("data-bucket", "zs/part-0.zst", zstd("3,three\n"));
    h.put_object_raw("data-bucket", "js/part-0.json.zst", zstd(r#"{"id": 4, "name": "four"}"#));
    h.put_object_raw("data-bucket", "jb/part-0.json.bz2", bzip2(r#"{"id": 5, "name": "five"}"#));
    let copy = |from: &str, tail: &str| format!("COPY packed FROM 's3://data-bucket/{from}' IAM_ROLE '{CHAIN}' {tail}");
    run_ok(&data, "main", &copy("bz/", "BZIP2")).await;
    run_ok(&data, "main", &copy("zs/", "CSV ZSTD")).await;
    run_ok(&data, "main", &copy("js/", "JSON 'auto' ZSTD")).await;
    run_ok(&data, "main", &copy("jb/", "FORMAT AS JSON 'auto' BZIP2")).await;
    let loaded = rows(&data, "main", "select count(*), sum(id) from packed").await;
    assert_eq!(loaded, [[Some("5".to_owned()), Some("15".to_owned())]]);
    let garbage = run_err(&data, "main", &copy("bz/", "ZSTD")).await;
    assert!(garbage.contains("zstd: the file is not valid zstd data"), "{garbage}");
}
