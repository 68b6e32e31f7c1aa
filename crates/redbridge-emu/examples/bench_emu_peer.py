"""The peer of `cargo xtask bench emu`: pyarrow doing the same work on the same bytes.

Usage: bench_emu_peer.py WORKDIR. WORKDIR holds `rows.csv` (written by the bench, with a header).
Writes `rows.parquet` (what the bench COPYs), and prints one JSON object with pyarrow's seconds,
each the best of three runs, on all cores and on one:
  csv_read: pyarrow.csv.read_csv of rows.csv into the schema below;
  parquet_read: pyarrow.parquet.read_table of rows.parquet;
  parquet_write: pyarrow.parquet.write_table of that table (snappy, as UNLOAD writes).
"""

import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("qty", pa.int32()),
        ("price", pa.decimal128(12, 2)),
        ("score", pa.float64()),
        ("name", pa.string()),
        ("day", pa.date32()),
        ("ts", pa.timestamp("us")),
        ("flag", pa.bool_()),
    ]
)


def best(work, runs=3):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(folder, threads):
    pa.set_cpu_count(threads)
    pa.set_io_thread_count(threads)
    csv_path = os.path.join(folder, "rows.csv")
    parquet_path = os.path.join(folder, "rows.parquet")
    convert = pcsv.ConvertOptions(column_types=SCHEMA, true_values=["t"], false_values=["f"])
    read = pcsv.ReadOptions(use_threads=threads > 1)
    csv_read, table = best(lambda: pcsv.read_csv(csv_path, read_options=read, convert_options=convert))
    pq.write_table(table, parquet_path, compression="snappy")
    parquet_read, _ = best(lambda: pq.read_table(parquet_path, use_threads=threads > 1))
    scratch = os.path.join(folder, "peer-write.parquet")
    parquet_write, _ = best(lambda: pq.write_table(table, scratch, compression="snappy"))
    os.remove(scratch)
    return {"rows": table.num_rows, "csv_read": csv_read, "parquet_read": parquet_read, "parquet_write": parquet_write}


def main():
    folder = sys.argv[1]
    one = measure(folder, 1)
    every = measure(folder, os.cpu_count() or 1)
    print(json.dumps({"pyarrow": pa.__version__, "one_core": one, "all_cores": every, "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
