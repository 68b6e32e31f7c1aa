//! DECIMAL(38,10) and DECIMAL(18,2) values held exactly end to end: INSERT, COPY from CSV, JSON
//! and Parquet, SELECT through the Data API, ORDER BY by value, and UNLOAD to Parquet read back as
//! Decimal128 with the parquet crate.

use std::sync::Arc;

use arrow_array::{Array as _, ArrayRef, Decimal128Array, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::copy_unload::{CHAIN, setup};
use crate::support::{rows, run_ok};

const VALUES: [&str; 4] = ["-9999999999999999999999999999.9999999999", "0.0000000001", "99999999.9999999999", "12.5"];
const SORTED_WIDE: [&str; 4] =
    ["-9999999999999999999999999999.9999999999", "0.0000000001", "12.5000000000", "99999999.9999999999"];

fn parquet_file() -> Vec<u8> {
    let unscaled =
        [-99_999_999_999_999_999_999_999_999_999_999_999_999_i128, 1, 999_999_999_999_999_999, 125_000_000_000];
    let wide = Decimal128Array::from(unscaled.to_vec()).with_precision_and_scale(38, 10).unwrap();
    let narrow = Decimal128Array::from(vec![-1250_i128, 0, 1, 1250]).with_precision_and_scale(18, 2).unwrap();
    let batch =
        RecordBatch::try_from_iter([("w", Arc::new(wide) as ArrayRef), ("n", Arc::new(narrow) as ArrayRef)]).unwrap();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

#[tokio::test]
async fn decimals_keep_every_digit_through_insert_copy_select_order_and_unload() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table dec (w decimal(38,10), n numeric(18,2))").await;
    let inserts = VALUES.iter().map(|v| format!("({v}, 12.5)")).collect::<Vec<_>>().join(", ");
    run_ok(&data, "main", &format!("insert into dec values {inserts}")).await;
    let csv = VALUES.iter().map(|v| format!("{v},-12.5\n")).collect::<String>();
    h.put_object_raw("data-bucket", "csv/part-0.csv", csv.into_bytes());
    run_ok(&data, "main", &format!("COPY dec FROM 's3://data-bucket/csv/' IAM_ROLE '{CHAIN}' CSV")).await;
    let json = VALUES.iter().map(|v| format!("{{\"w\": {v}, \"n\": 0.01}}\n")).collect::<String>();
    h.put_object_raw("data-bucket", "json/part-0.json", json.into_bytes());
    run_ok(&data, "main", &format!("COPY dec FROM 's3://data-bucket/json/' IAM_ROLE '{CHAIN}' JSON 'auto'")).await;
    h.put_object_raw("data-bucket", "pq/part-0.parquet", parquet_file());
    run_ok(&data, "main", &format!("COPY dec FROM 's3://data-bucket/pq/' IAM_ROLE '{CHAIN}' FORMAT AS PARQUET")).await;

    let selected = rows(&data, "main", "select w from dec order by w").await;
    let expected: Vec<Vec<Option<String>>> =
        SORTED_WIDE.iter().flat_map(|v| std::iter::repeat_n(vec![Some((*v).to_owned())], 4)).collect();
    assert_eq!(selected, expected, "every source keeps the digits, ordered by value");
    let narrow = rows(&data, "main", "select distinct n from dec order by n desc").await;
    assert_eq!(
        narrow,
        ["12.50", "0.01", "0.00", "-12.50"].map(|v| vec![Some(v.to_owned())]).to_vec(),
        "DECIMAL(18,2) with exactly two digits, ordered by value"
    );
    let equal = rows(&data, "main", "select count(*) from dec where w = 99999999.9999999999").await;
    assert_eq!(equal, [[Some("4".to_owned())]]);

    let unload = format!(
        "UNLOAD ('select w from dec order by w') TO 's3://data-bucket/out/dec_' IAM_ROLE '{CHAIN}' FORMAT AS PARQUET PARALLEL OFF"
    );
    run_ok(&data, "main", &unload).await;
    let key = h.keys("data-bucket").into_iter().find(|k| k.starts_with("out/dec_")).expect("an unloaded file");
    let body = h.object("data-bucket", &key).unwrap().0;
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(body)).unwrap().build().unwrap();
    let batches = reader.collect::<Result<Vec<_>, _>>().unwrap();
    let column = batches[0].column(0).as_any().downcast_ref::<Decimal128Array>().expect("a Decimal128 column");
    assert_eq!((column.precision(), column.scale()), (38, 10));
    let unscaled: Vec<i128> = (0..column.len()).step_by(4).map(|i| column.value(i)).collect();
    assert_eq!(
        unscaled,
        [-99_999_999_999_999_999_999_999_999_999_999_999_999_i128, 1, 125_000_000_000, 999_999_999_999_999_999]
    );
}
