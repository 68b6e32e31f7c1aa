"""The Python side of the e2e scenarios' client and pyarrow steps (`tests/e2e/src/run/clients.rs`).

Run by the venv `cargo xtask e2e` installs (pyarrow, psycopg, redshift_connector, pinned in
`xtask/src/clients.rs`) as `python clients.py COMMAND`, with one JSON request on standard input
and one JSON answer on standard output:

- `sql`: statements through `psycopg` or `redshift_connector` in one session, stopping at the
  first error; answers `{"results": [rows or null per statement], "error": null | {"message",
  "sqlstate"}, "user": the database user the session logged in as}`.
- `write`: a table (columns with Redshift types, rows of strings, `null` for NULL) written with
  pyarrow as a Parquet file or as JSON lines at `path`.
- `check`: every Parquet or JSON object under `dir` read with pyarrow, the schema compared with
  the types UNLOAD writes for each Redshift type and the rows with the table's, as a multiset;
  with `partition_by`, each row's key columns are read from its `col=value/` folders and, unless
  `include`, must be absent from the file. Answers `{"files": [...], "rows": N}` or
  `{"mismatch": "..."}`.

Nothing here prints a credential: the requests carry them, the answers never do.
"""

import datetime
import decimal
import json
import os
import re
import sys
import urllib.parse

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
import pyarrow.parquet as pq


def arrow_type(redshift_type):
    """The Arrow type pyarrow writes for a Redshift column, and UNLOAD must write back.

    Redshift's columnar COPY maps Parquet INT16/INT32/INT64, DECIMAL(p,s), FLOAT, DOUBLE, BOOLEAN,
    STRING, DATE and TIMESTAMP to the column types of the same name
    (https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html).
    AWS publishes no table of UNLOAD's Parquet types; the emulator writes each type as the Parquet
    logical type that holds it exactly, the types Spectrum maps back to the same Redshift type
    (`crates/redbridge-emu/src/unload_format/parquet.rs`): the same mapping, TIMESTAMPTZ as an
    instant adjusted to UTC.
    """
    text = redshift_type.strip().upper()
    number = re.fullmatch(r"(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", text)
    if number:
        return pa.decimal128(int(number.group(1)), int(number.group(2) or 0))
    if re.fullmatch(r"(?:CHAR|CHARACTER|NCHAR|BPCHAR|VARCHAR|CHARACTER VARYING|NVARCHAR)\s*(\(\s*(\d+|MAX)\s*\))?|TEXT", text):
        return pa.string()
    simple = {
        "SMALLINT": pa.int16(),
        "INT2": pa.int16(),
        "INTEGER": pa.int32(),
        "INT": pa.int32(),
        "INT4": pa.int32(),
        "BIGINT": pa.int64(),
        "INT8": pa.int64(),
        "REAL": pa.float32(),
        "FLOAT4": pa.float32(),
        "DOUBLE PRECISION": pa.float64(),
        "FLOAT8": pa.float64(),
        "FLOAT": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "BOOL": pa.bool_(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "TIMESTAMP WITHOUT TIME ZONE": pa.timestamp("us"),
        "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
        "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
    }
    if text not in simple:
        raise ValueError(f"no Arrow type for the Redshift type `{redshift_type}`")
    return simple[text]


def parse_value(text, kind):
    """A scenario's value (a string) as the Python value pyarrow holds for `kind`."""
    if text is None:
        return None
    if pa.types.is_integer(kind):
        return int(text)
    if pa.types.is_decimal(kind):
        return decimal.Decimal(text)
    if pa.types.is_floating(kind):
        value = float(text)
        # A REAL holds a 32-bit float: compare what pyarrow keeps of it.
        return pa.scalar(value, kind).as_py()
    if pa.types.is_boolean(kind):
        if text.lower() not in ("true", "false"):
            raise ValueError(f"`{text}` is not a boolean (true or false)")
        return text.lower() == "true"
    if pa.types.is_date(kind):
        return datetime.date.fromisoformat(text)
    if pa.types.is_timestamp(kind):
        value = datetime.datetime.fromisoformat(text.replace(" ", "T", 1))
        if kind.tz is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            return value.astimezone(datetime.timezone.utc)
        return value
    return text


def table_of(request):
    """The request's table as an Arrow table with the types of `arrow_type`."""
    columns = request["columns"]
    null = request.get("null")
    fields = [pa.field(c["name"], arrow_type(c["type"])) for c in columns]
    arrays = []
    for index, field in enumerate(fields):
        values = []
        for row in request["rows"]:
            text = row[index]
            values.append(parse_value(None if text == null else text, field.type))
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def write(request):
    table = table_of(request)
    path = request["path"]
    if request["format"] == "parquet":
        pq.write_table(table, path)
    elif request["format"] == "json":
        with open(path, "w", encoding="utf-8") as out:
            for row in table.to_pylist():
                fields = (f"{json.dumps(k)}: {json_value(v)}" for k, v in row.items())
                out.write("{" + ", ".join(fields) + "}\n")
    else:
        raise ValueError(f"unknown format `{request['format']}`")
    return {"path": path, "rows": table.num_rows}


def json_value(value):
    """A value as JSON text: a DECIMAL as its exact digits, dates and timestamps as Redshift writes them."""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f+00")
        else:
            value = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def objects_under(directory):
    found = []
    for root, _, files in os.walk(directory):
        for name in files:
            found.append(os.path.join(root, name))
    return sorted(found)


def partition_values(path, directory):
    """`col=value` folders between `directory` and the file, URL-decoded."""
    relative = os.path.relpath(os.path.dirname(path), directory)
    values = {}
    for part in relative.split(os.sep):
        if "=" in part:
            key, value = part.split("=", 1)
            values[key] = urllib.parse.unquote(value)
    return values


def read_file(path, fmt, expected_schema):
    if fmt == "parquet":
        return pq.read_table(path)
    # pyarrow reads JSON dates as numbers unless told: read them as strings and cast. UNLOAD writes
    # booleans as "t" and "f" ("boolean values are unloaded as t or f", r_UNLOAD): read as strings
    # too, and as JSON booleans when a file has those.
    def as_read(bool_as):
        return pa.schema(
            [
                pa.field(f.name, pa.string() if pa.types.is_date(f.type) else bool_as if pa.types.is_boolean(f.type) else f.type)
                for f in expected_schema
            ]
        )

    try:
        table = pajson.read_json(path, parse_options=pajson.ParseOptions(explicit_schema=as_read(pa.string()), unexpected_field_behavior="error"))
    except pa.ArrowInvalid:
        table = pajson.read_json(path, parse_options=pajson.ParseOptions(explicit_schema=as_read(pa.bool_()), unexpected_field_behavior="error"))
    arrays = []
    for f in expected_schema:
        column = table.column(f.name)
        if pa.types.is_date(f.type):
            column = column.cast(f.type)
        elif pa.types.is_boolean(f.type) and pa.types.is_string(column.type):
            words = {"t": True, "f": False, "true": True, "false": False}
            texts = column.to_pylist()
            unknown = [t for t in texts if t is not None and t not in words]
            if unknown:
                raise ValueError(f"`{f.name}` holds {unknown[:3]}, not booleans (t or f)")
            column = pa.array([None if t is None else words[t] for t in texts], type=pa.bool_())
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=expected_schema)


def key(row):
    return json.dumps([repr(v) for v in row])


def check(request):
    expected = table_of(request)
    fmt = request["format"]
    directory = request["dir"]
    partition_by = request.get("partition_by") or []
    include = request.get("include", False)
    files = [p for p in objects_under(directory) if not p.endswith("manifest")]
    if not files:
        return {"mismatch": f"UNLOAD wrote nothing under `{directory}`"}
    names = [f.name for f in expected.schema]
    in_file = [n for n in names if include or n not in partition_by]
    file_schema = pa.schema([expected.schema.field(n) for n in in_file])
    got_rows = []
    for path in files:
        shown = os.path.relpath(path, directory)
        try:
            table = read_file(path, fmt, file_schema)
        except Exception as error:  # pyarrow's own message says what is wrong
            return {"mismatch": f"`{shown}` is not readable as {fmt} with the expected columns: {error}"}
        if fmt == "parquet":
            got = [(f.name, str(f.type)) for f in table.schema]
            want = [(f.name, str(f.type)) for f in file_schema]
            if got != want:
                return {"mismatch": f"`{shown}` has the schema {got}, expected {want}"}
        folders = partition_values(path, directory)
        if sorted(folders) != sorted(partition_by):
            return {"mismatch": f"`{shown}` is under the partition folders {folders}, expected keys {partition_by}"}
        for row in table.to_pylist():
            for column in partition_by:
                kind = expected.schema.field(column).type
                folder = folders[column]
                from_folder = None if folder == "__HIVE_DEFAULT_PARTITION__" else parse_value(folder, kind)
                if include and row[column] != from_folder:
                    return {
                        "mismatch": f"`{shown}`: the row {row} has {column} = {row[column]!r}, its folder says {folder!r}"
                    }
                row[column] = from_folder
            got_rows.append(tuple(row[n] for n in names))
    want_rows = [tuple(r[n] for n in names) for r in expected.to_pylist()]
    if sorted(map(key, got_rows)) != sorted(map(key, want_rows)):
        missing = [r for r in want_rows if key(r) not in set(map(key, got_rows))]
        extra = [r for r in got_rows if key(r) not in set(map(key, want_rows))]
        return {
            "mismatch": f"the rows differ: {len(got_rows)} read, {len(want_rows)} expected; "
            f"missing {missing[:5]}, unexpected {extra[:5]}"
        }
    return {"files": [os.path.relpath(p, directory) for p in files], "rows": len(got_rows)}


def error_of(error):
    """The server's message and SQLSTATE from a client's exception."""
    sqlstate = getattr(error, "sqlstate", None)
    diag = getattr(error, "diag", None)
    message = getattr(diag, "message_primary", None) if diag is not None else None
    if error.args and isinstance(error.args[0], dict):  # redshift_connector: the ErrorResponse fields
        fields = error.args[0]
        sqlstate = fields.get("C", sqlstate)
        message = fields.get("M", message)
    return {"message": message or str(error), "sqlstate": sqlstate, "kind": type(error).__name__}


def iam_credentials(request):
    """Temporary database credentials the way users get them with boto3 (psycopg with IAM)."""
    import boto3

    iam = request["iam"]
    session = boto3.session.Session(
        aws_access_key_id=iam["access_key_id"],
        aws_secret_access_key=iam["secret_access_key"],
        region_name=iam["region"],
    )
    if iam.get("workgroup"):
        client = session.client("redshift-serverless", endpoint_url=iam["endpoint_url"])
        answer = client.get_credentials(workgroupName=iam["workgroup"], dbName=request["database"])
        return answer["dbUser"], answer["dbPassword"]
    client = session.client("redshift", endpoint_url=iam["endpoint_url"])
    if iam.get("db_user"):
        answer = client.get_cluster_credentials(
            ClusterIdentifier=iam["cluster"], DbUser=iam["db_user"], DbName=request["database"], AutoCreate=True
        )
    else:
        answer = client.get_cluster_credentials_with_iam(ClusterIdentifier=iam["cluster"], DbName=request["database"])
    return answer["DbUser"], answer["DbPassword"]


def connect(request):
    """A session over TLS, verified as against Redshift: `tls_root` is the emulator's wire
    certificate (`GET /_emu/wire-certificate`), trusted the way each client trusts Redshift's CA.
    """
    client = request["client"]
    iam = request.get("iam")
    if client == "psycopg":
        import psycopg

        user, password = request.get("user"), request.get("password")
        if iam:
            user, password = iam_credentials(request)
        connection = psycopg.connect(
            host=request["host"],
            port=request["port"],
            dbname=request["database"],
            user=user,
            password=password,
            sslmode="verify-full",
            sslrootcert=request["tls_root"],
            connect_timeout=10,
            autocommit=True,
        )
        return connection, user
    if client == "redshift_connector":
        import redshift_connector

        # redshift_connector verifies against its bundled Redshift CA and the default roots
        # (`ssl_context.load_default_certs()` in its `core.py`), which OpenSSL reads from
        # SSL_CERT_FILE: the emulator's certificate stands where Amazon's roots would.
        os.environ["SSL_CERT_FILE"] = request["tls_root"]
        options = dict(database=request["database"], ssl=True, sslmode="verify-full", timeout=10)
        if iam:
            options.update(redshift_connector_iam_options(iam))
        else:
            options.update(
                host=request["host"], port=request["port"], user=request["user"], password=request["password"]
            )
        connection = redshift_connector.connect(**options)
        connection.autocommit = True
        return connection, None
    raise ValueError(f"unknown client `{client}`")


def redshift_connector_iam_options(iam):
    """`connect(iam=True, ...)`'s options, as a user passes them: the connector looks the host and
    port up itself (DescribeClusters or GetWorkgroup) and asks for the temporary login
    (GetClusterCredentials with `db_user`, GetClusterCredentialsWithIAM with `group_federation`,
    serverless GetCredentials) through boto3 at `endpoint_url`, then logs in over TLS, which
    `iam=True` requires ("SSL must be enabled when using IAM", redshift_connector 2.2.0).
    """
    options = dict(
        iam=True,
        access_key_id=iam["access_key_id"],
        secret_access_key=iam["secret_access_key"],
        region=iam["region"],
        endpoint_url=iam["endpoint_url"],
    )
    if iam.get("workgroup"):
        options.update(is_serverless=True, serverless_work_group=iam["workgroup"], serverless_acct_id=iam["account"])
    else:
        options["cluster_identifier"] = iam["cluster"]
        if iam.get("db_user"):
            options.update(db_user=iam["db_user"], auto_create=True)
        else:
            options["group_federation"] = True
    return options


def sql(request):
    try:
        connection, user = connect(request)
    except Exception as error:
        return {"results": [], "error": error_of(error), "connected": False}
    results = []
    try:
        cursor = connection.cursor()
        for statement in request["statements"]:
            try:
                cursor.execute(statement)
                rows = None
                if cursor.description:
                    rows = [[None if v is None else text_of(v) for v in row] for row in cursor.fetchall()]
                results.append(rows)
            except Exception as error:
                return {"results": results, "error": error_of(error), "connected": True, "user": user}
    finally:
        try:
            connection.close()
        except Exception:
            pass
    return {"results": results, "error": None, "connected": True, "user": user}


def text_of(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return str(value)


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    handlers = {"sql": sql, "write": write, "check": check}
    if command not in handlers:
        print(f"usage: clients.py {' | '.join(handlers)} < request.json", file=sys.stderr)
        return 2
    request = json.load(sys.stdin)
    json.dump(handlers[command](request), sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
