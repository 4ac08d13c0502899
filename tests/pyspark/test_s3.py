"""s3a:// paths against a real S3 API server (moto_server from the pinned moto, on
loopback, started here): reads of files put with boto3, writes read back, partitioned
writes with pruning, save modes, a failed write, and the errors of a missing path, a
missing bucket and an unreachable endpoint.

Expected answers: every test reads or writes the same data twice, on the local disk
and in the bucket. The local answer is checked against the golden recorded from real
Spark (the pinned pyspark has no hadoop-aws jars, so real Spark reads the local copy);
sk8's s3a answer must then equal sk8's local answer. When recording against Spark the
S3 halves are skipped. The endpoint reaches sk8 the way a Spark user gives it: as
session confs (spark.conf.set("spark.hadoop.fs.s3a.endpoint", ...))."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import golden
import sk8_servers

REPO = Path(__file__).resolve().parents[2]
BUCKET = "sk8-test"
S3_CONFS = ["endpoint", "path.style.access", "access.key", "secret.key", "endpoint.region"]


class Store:
    """The moto server: its endpoint, a boto3 client, and s3a:// URLs in the test bucket."""

    def __init__(self, endpoint: str):
        import boto3

        self.endpoint = endpoint
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")

    def url(self, key: str) -> str:
        return f"s3a://{BUCKET}/{key}"

    def put_tree(self, local: Path, prefix: str) -> None:
        for p in sorted(local.rglob("*")):
            if p.is_file():
                self.client.put_object(Bucket=BUCKET, Key=f"{prefix}/{p.relative_to(local)}", Body=p.read_bytes())

    def keys(self, prefix: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def s3_enabled() -> bool:
    # Real Spark (the golden recorder) has no s3a filesystem in the pinned wheel.
    return sk8_servers.target() != "spark"


@contextlib.contextmanager
def moto_store():
    """A moto_server on a free loopback port with the test bucket (a Store), stopped after."""
    port = sk8_servers.free_port()
    moto = Path(sys.executable).with_name("moto_server")
    logs = REPO / "build" / "test-logs"
    log = open(logs / f"moto_server-{port}.log", "w") if logs.is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while not sk8_servers.port_open("127.0.0.1", port):
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"moto_server did not start on port {port}", pytrace=False)
            time.sleep(0.1)
        s = Store(f"http://127.0.0.1:{port}")
        s.client.create_bucket(Bucket=BUCKET)
        yield s
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()


@pytest.fixture(scope="module")
def store():
    if not s3_enabled():
        yield None
        return
    with moto_store() as s:
        yield s


@pytest.fixture(scope="module")
def s3(spark, store):
    """The session with the store's endpoint and keys set as Spark users set them."""
    if store is not None:
        spark.conf.set("spark.hadoop.fs.s3a.endpoint", store.endpoint)
        spark.conf.set("spark.hadoop.fs.s3a.path.style.access", "true")
        spark.conf.set("spark.hadoop.fs.s3a.access.key", "testing")
        spark.conf.set("spark.hadoop.fs.s3a.secret.key", "testing")
        spark.conf.set("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
    yield store


@pytest.fixture(scope="module")
def local() -> Path:
    root = REPO / "build" / "test-data" / "s3"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def data(local, s3) -> Path:
    """Files made here (pyarrow, plain text), on local disk and put into the bucket
    under data/ with boto3."""
    root = local / "data"
    pq_dir = root / "parquet"
    pq_dir.mkdir(parents=True)
    for part in range(2):
        ids = list(range(part * 50, (part + 1) * 50))
        pq.write_table(pa.table({
            "id": pa.array(ids, pa.int64()),
            "name": pa.array([f"n{i % 7}" if i % 5 else None for i in ids], pa.string()),
            "price": pa.array([i / 4 for i in ids], pa.float64()),
        }), pq_dir / f"part-{part:05d}.parquet", row_group_size=20)
    (pq_dir / "_SUCCESS").write_text("")
    (pq_dir / ".hidden.parquet").write_text("not data")
    csv_dir = root / "csv"
    csv_dir.mkdir()
    (csv_dir / "a.csv").write_text("id,city,temp\n1,Oslo,-3.5\n2,Lima,19.25\n")
    (csv_dir / "b.csv").write_text("id,city,temp\n3,Pune,\n4,\"Quito, EC\",14\n")
    json_dir = root / "json"
    json_dir.mkdir()
    (json_dir / "x.json").write_text('{"a": 1, "b": {"c": "x"}}\n{"a": 2, "b": null, "d": [1, 2]}\n')
    (json_dir / "y.json").write_text('{"a": 3, "b": {"c": "y"}, "d": []}\n')
    hive = root / "hive"
    for year, rows in [(2023, "1\n2\n"), (2024, "3\n")]:
        (hive / f"year={year}").mkdir(parents=True)
        (hive / f"year={year}" / "part-0.csv").write_text(rows)
    if s3 is not None:
        s3.put_tree(root, "data")
    return root


def describe(df) -> dict:
    """Schema, types and rows (as a multiset) of a DataFrame, as golden.check compares them."""
    d = golden.describe_df(df)
    d["rows"] = sorted(d["rows"], key=golden._sort_key)
    return d


def same(remote_df, local_df) -> None:
    """sk8's answer on S3 equals its answer on local disk (schema, types, rows as a multiset)."""
    remote, local = describe(remote_df), describe(local_df)
    assert remote == local, f"s3a answer differs from local answer:\n{remote}\n!=\n{local}"


def layout(names: list[str]) -> list[str]:
    """Output file names relative to the output folder, the job's random id taken out."""
    return sorted({re.sub(r"part-\d+-[0-9a-f-]{36}", "part-N-ID", n) for n in names
                   if n and not n.endswith("/") and not n.split("/")[-1].startswith(".")})


def local_layout(path: Path) -> list[str]:
    return layout([str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()])


def s3_layout(s3: Store, prefix: str) -> list[str]:
    return layout([k[len(prefix) + 1:] for k in s3.keys(prefix + "/")])


def test_read_parquet(spark, request, s3, data):
    local_df = spark.read.parquet(str(data / "parquet"))
    golden.check(request, "rows", local_df)
    golden.check(request, "filtered", local_df.filter("id % 10 = 3 AND name IS NOT NULL").select("id", "name"))
    if s3:
        remote = spark.read.parquet(s3.url("data/parquet"))
        same(remote, local_df)
        same(remote.filter("id % 10 = 3 AND name IS NOT NULL").select("id", "name"),
             local_df.filter("id % 10 = 3 AND name IS NOT NULL").select("id", "name"))
        same(spark.read.parquet(s3.url("data/parquet/part-00001.parquet")),
             spark.read.parquet(str(data / "parquet" / "part-00001.parquet")))


def test_read_csv(spark, request, s3, data):
    read = lambda path: spark.read.csv(path, header=True, inferSchema=True)  # noqa: E731
    golden.check(request, "rows", read(str(data / "csv")))
    golden.check(request, "glob", read(str(data / "csv" / "[a]*.csv")))
    if s3:
        same(read(s3.url("data/csv")), read(str(data / "csv")))
        same(read(s3.url("data/csv/[a]*.csv")), read(str(data / "csv" / "[a]*.csv")))
        same(read(s3.url("data/csv/{a,b}.csv")), read(str(data / "csv")))


def test_read_json_and_text(spark, request, s3, data):
    golden.check(request, "json", spark.read.json(str(data / "json")))
    golden.check(request, "text", spark.read.text(str(data / "csv")))
    if s3:
        same(spark.read.json(s3.url("data/json")), spark.read.json(str(data / "json")))
        same(spark.read.text(s3.url("data/csv")), spark.read.text(str(data / "csv")))


def test_read_partitioned_and_pruned(spark, request, s3, data):
    local_df = spark.read.csv(str(data / "hive"))
    golden.check_schema(request, "schema", local_df.schema)
    golden.check(request, "pruned", local_df.filter("year = 2024"))
    if s3:
        remote = spark.read.csv(s3.url("data/hive"))
        same(remote, local_df)
        same(remote.filter("year = 2024"), local_df.filter("year = 2024"))
        # The partition filter leaves one of the two files to read (sk8's EXPLAIN counts them).
        plan = golden.capture_stdout(lambda: remote.filter("year = 2024").explain())
        assert "1 file(s)" in plan, plan


ROWS = [(1, "a", 1.5), (2, "b", None), (3, "a", -2.0), (4, None, 0.25)]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "orc"])
def test_write_and_read_back(spark, request, s3, local, fmt):
    df = spark.createDataFrame(ROWS, "id INT, k STRING, x DOUBLE")
    read = lambda path: spark.read.format(fmt).schema("id INT, k STRING, x DOUBLE").load(path)  # noqa: E731
    path = local / f"write-{fmt}"
    df.write.mode("overwrite").format(fmt).save(str(path))
    golden.check_value(request, "layout", local_layout(path))
    golden.check(request, "read_back", read(str(path)))
    if s3:
        df.write.mode("overwrite").format(fmt).save(s3.url(f"write-{fmt}"))
        assert s3_layout(s3, f"write-{fmt}") == local_layout(path)
        same(read(s3.url(f"write-{fmt}")), read(str(path)))
        # No staging leftovers next to the output.
        assert [k for k in s3.keys("") if "sk8-staging" in k] == []
    if fmt == "parquet":  # pyarrow reads sk8's Parquet as written (on local disk)
        assert pq.read_table(str(path)).num_rows == len(ROWS)


def test_write_partitioned_and_prune(spark, request, s3, local):
    df = spark.createDataFrame(ROWS, "id INT, k STRING, x DOUBLE")
    path = local / "partitioned"
    df.write.mode("overwrite").partitionBy("k").parquet(str(path))
    golden.check_value(request, "layout", local_layout(path))
    back = spark.read.parquet(str(path))
    golden.check(request, "rows", back)
    golden.check(request, "pruned", back.filter("k = 'a'"))
    if s3:
        df.write.mode("overwrite").partitionBy("k").parquet(s3.url("partitioned"))
        assert s3_layout(s3, "partitioned") == local_layout(path)
        remote = spark.read.parquet(s3.url("partitioned"))
        same(remote, back)
        same(remote.filter("k = 'a'"), back.filter("k = 'a'"))
        plan = golden.capture_stdout(lambda: remote.filter("k = 'a'").explain())
        assert "1 file(s)" in plan, plan


def test_write_modes(spark, request, s3, local):
    df = spark.createDataFrame(ROWS, "id INT, k STRING, x DOUBLE")

    def run(target: str, check) -> None:
        df.write.parquet(target)  # errorifexists on a new path
        check("exists", lambda: df.write.parquet(target))
        df.limit(1).write.mode("ignore").parquet(target)
        check("after_ignore", spark.read.parquet(target).count())
        df.write.mode("append").parquet(target)
        check("after_append", spark.read.parquet(target).count())
        df.limit(2).write.mode("overwrite").parquet(target)
        check("after_overwrite", spark.read.parquet(target).count())

    answers = {}

    def record(name, value):
        if callable(value):
            answers[name] = golden.check_error(request, name, value, params=False)
        else:
            answers[name] = value
            golden.check_value(request, name, value)

    run(str(local / "modes"), record)
    if s3:
        def compare(name, value):
            if callable(value):
                with pytest.raises(Exception) as e:
                    value()
                expected = answers[name]
                assert (e.value.getCondition(), type(e.value).__name__) == \
                    (expected.getCondition(), type(expected).__name__)
                assert s3.url("modes") in str(e.value)
            else:
                assert value == answers[name], name
        run(s3.url("modes"), compare)
        assert len([k for k in s3.keys("modes/") if k.endswith(".parquet")]) == \
            len(list((local / "modes").glob("*.parquet")))


def test_missing_path(spark, request, s3, local):
    golden.check_error(request, "error", lambda: spark.read.parquet(str(local / "nope")).collect(), params=False)
    if s3:
        with pytest.raises(Exception) as e:
            spark.read.parquet(s3.url("nope/none")).collect()
        assert e.value.getCondition() == "PATH_NOT_FOUND"
        assert e.value.getMessageParameters()["path"] == s3.url("nope/none")


def test_failed_write_leaves_nothing(spark, request, s3, local):
    bad = spark.range(10).selectExpr("id", "CAST(1 / (id - 5) AS INT) AS x")
    golden.check_error(request, "error", lambda: bad.write.parquet(str(local / "failed")), params=False)
    if s3:
        with pytest.raises(Exception) as e:
            bad.write.parquet(s3.url("failed"))
        assert e.value.getCondition() == "DIVIDE_BY_ZERO"
        assert [k for k in s3.keys("") if "failed" in k] == []


@pytest.mark.sk8_only
def test_unreachable_endpoint_fails_fast(spark, s3):
    if not s3:
        pytest.skip("sk8's own error")
    closed = sk8_servers.free_port()  # nothing listens there
    spark.conf.set("spark.hadoop.fs.s3a.endpoint", f"http://127.0.0.1:{closed}")
    try:
        start = time.monotonic()
        with pytest.raises(Exception) as e:
            spark.read.parquet(s3.url("data/parquet")).collect()
        elapsed = time.monotonic() - start
        assert elapsed < 10, elapsed
        assert f"127.0.0.1:{closed}" in str(e.value)
        assert "spark.hadoop.fs.s3a.endpoint" in str(e.value)
    finally:
        spark.conf.set("spark.hadoop.fs.s3a.endpoint", s3.endpoint)
    assert spark.range(3).count() == 3  # the server keeps serving
    assert spark.read.parquet(s3.url("data/parquet")).count() == 100


@pytest.mark.sk8_only
def test_missing_bucket_names_the_bucket(spark, s3):
    if not s3:
        pytest.skip("sk8's own error")
    with pytest.raises(Exception) as e:
        spark.read.parquet("s3a://no-such-bucket/x").collect()
    message = str(e.value)
    assert "s3a://no-such-bucket/x" in message and s3.endpoint.split("://")[1] in message, message
    with pytest.raises(Exception) as e:
        spark.range(2).write.parquet("s3a://no-such-bucket/out")
    assert "bucket 'no-such-bucket' does not exist" in str(e.value)


@pytest.mark.sk8_only
@pytest.mark.parametrize("url", ["gs://b/x", "abfss://c@a.dfs.core.windows.net/x", "hdfs://nn:8020/x"])
def test_other_stores_are_refused_by_name(spark, url):
    if not s3_enabled():
        pytest.skip("sk8's own refusal")
    with pytest.raises(Exception) as e:
        spark.read.parquet(url).collect()
    scheme = url.split("://")[0]
    assert "UNSUPPORTED_FEATURE" in str(e.value) and f"{scheme}://" in str(e.value)
    assert "sk8 serve --upstream" in str(e.value)


@pytest.mark.sk8_only
def test_table_in_object_store_is_refused(spark, s3):
    # saveAsTable / CREATE TABLE keep their files on local disk for now: an s3a
    # location is refused by name instead of being written to a local folder.
    if not s3:
        pytest.skip("sk8's own refusal")
    with pytest.raises(Exception) as e:
        spark.sql(f"CREATE TABLE t_s3 (id INT) USING parquet LOCATION '{s3.url('tables/t_s3')}'")
    assert "UNSUPPORTED_FEATURE" in str(e.value) and s3.url("tables/t_s3") in str(e.value)

