"""spark.read.orc / df.write.orc: files written here with pyarrow, by the server under
test, and by the other engine (real Spark's files read by sk8, sk8's files read by real
Spark: see test_orc_written_by_spark_read and test_orc_written_by_sk8_read_by_spark)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.orc as po
import pytest
from pyspark.sql import functions as F
from pyspark.sql.functions import col
from pyspark.sql.types import (ArrayType, BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType,
                               FloatType, IntegerType, LongType, MapType, ShortType, StringType, StructField,
                               StructType, TimestampNTZType, TimestampType)

import golden
import sk8_servers

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "build" / "test-data" / "orc"

ALL_TYPES = StructType([
    StructField("i", IntegerType()), StructField("b", ByteType()), StructField("s", ShortType()),
    StructField("l", LongType()), StructField("f", FloatType()), StructField("d", DoubleType()),
    StructField("dec", DecimalType(12, 3)), StructField("str", StringType()), StructField("bin", BinaryType()),
    StructField("day", DateType()), StructField("ts", TimestampType()), StructField("ntz", TimestampNTZType()),
    StructField("arr", ArrayType(IntegerType())), StructField("m", MapType(StringType(), LongType())),
    StructField("st", StructType([StructField("a", IntegerType()), StructField("t", TimestampType())])),
    StructField("flag", BooleanType()),
])
ALL_ROWS = [
    (1, 2, 3, 10_000_000_000, 1.5, 2.25, Decimal("123456789.125"), "plain", b"\x00\x01",
     dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5, 123456), dt.datetime(2024, 1, 2, 3, 4, 5, 654321),
     [1, None, 3], {"k": 7}, (1, dt.datetime(1999, 12, 31, 23, 59, 59)), True),
    (None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None),
    (-5, -128, -32768, -1, float("nan"), -0.0, Decimal("-0.001"), "ünïcode", b"", dt.date(1969, 12, 31),
     dt.datetime(1960, 6, 1, 12, 0, 0), dt.datetime(2100, 1, 1), [], {}, (None, None), False),
]


def layout(path: Path) -> list[str]:
    """The output folder's files, with the job's random id taken out."""
    names = set()
    for p in sorted(path.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            names.add(re.sub(r"part-\d+-[0-9a-f-]{36}", "part-N-ID", str(p.relative_to(path))))
    return sorted(names)


@pytest.fixture(scope="module")
def out() -> Path:
    root = DATA / "out"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def orc_dir() -> str:
    """Two files of several stripes each, with nulls and the basic types."""
    root = DATA / "basic"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for part in range(2):
        n = 20000
        ids = list(range(part * n, (part + 1) * n))
        table = pa.table({
            "id": pa.array(ids, pa.int64()),
            "small": pa.array([i % 100 if i % 7 else None for i in ids], pa.int32()),
            "price": pa.array([Decimal(i % 1000) / 100 for i in ids], pa.decimal128(15, 2)),
            "ratio": pa.array([i / 8 if i % 11 else None for i in ids], pa.float64()),
            "tag": pa.array([f"t{i % 13}" if i % 5 else None for i in ids], pa.string()),
            "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i % 400) for i in ids], pa.date32()),
            "flag": pa.array([i % 3 == 0 for i in ids], pa.bool_()),
        })
        # Small stripes: a file is several splits.
        po.write_table(table, str(root / f"part-{part:05d}.orc"), stripe_size=64 * 1024, batch_size=1024)
    (root / "_SUCCESS").write_text("")
    return str(root)


def test_orc_fixture_has_several_stripes(orc_dir):
    assert po.ORCFile(str(Path(orc_dir) / "part-00000.orc")).nstripes > 1


def test_read_orc_rows_and_schema(spark, request, orc_dir):
    df = spark.read.orc(orc_dir)
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "sample", df.filter(col("id") % 997 == 0))
    golden.check_value(request, "count", df.count())


def test_read_orc_aggregate_and_projection(spark, request, orc_dir):
    df = spark.read.format("orc").load(orc_dir)
    golden.check(request, "by_tag", df.groupBy("tag").agg(F.count("*"), F.sum("small"), F.max("ratio"),
                                                          F.min("day"), F.sum("price"), F.count("flag")))
    golden.check(request, "one_column", df.select("tag").distinct())


def test_read_orc_sql_and_files(spark, request, orc_dir):
    spark.read.orc(orc_dir).createOrReplaceTempView("orc_basic")
    golden.check(request, "sql", spark.sql(
        "SELECT tag, count(*) AS n FROM orc_basic WHERE small > 50 GROUP BY tag ORDER BY tag"), ordered=True)
    one = str(Path(orc_dir) / "part-00001.orc")
    golden.check_value(request, "one_file", spark.read.orc(one).count())
    golden.check_value(request, "two_paths", spark.read.orc([one, one]).count())


def test_read_orc_user_schema_by_name(spark, request, orc_dir):
    df = spark.read.schema("tag STRING, missing INT, id BIGINT").orc(orc_dir)
    golden.check(request, "rows", df.filter(col("id") < 5))


def test_write_orc_all_types_round_trip(spark, request, out):
    path = out / "all_types"
    spark.createDataFrame(ALL_ROWS, ALL_TYPES).write.orc(str(path))
    golden.check_value(request, "layout", layout(path))
    back = spark.read.orc(str(path))
    golden.check_schema(request, "schema", back.schema)
    golden.check(request, "rows", back)
    # The files' ORC types, as pyarrow reads them (Spark's type attributes included).
    orc = po.ORCFile(str(next(path.glob("*.orc"))))
    golden.check_value(request, "orc_types", [f"{f.name}: {f.type} {dict(f.metadata or {})}" for f in orc.schema])


@pytest.mark.parametrize("codec", ["none", "uncompressed", "snappy", "zlib", "lz4", "zstd"])
def test_write_orc_compression(spark, request, out, codec):
    path = out / f"codec_{codec}"
    spark.range(0, 3000).withColumn("s", F.concat(F.lit("v"), col("id") % 7)).coalesce(1) \
        .write.option("compression", codec).orc(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_value(request, "codec", po.ORCFile(str(next(path.glob("*.orc")))).compression)
    golden.check(request, "sums", spark.read.orc(str(path)).groupBy("s").agg(F.sum("id")))


def test_write_orc_bad_codec(spark, request, out):
    golden.check_error(request, "error", lambda: spark.range(1).write.option("compression", "nope")
                       .orc(str(out / "bad_codec")))


def test_write_orc_void_column(spark, request, out):
    golden.check_error(request, "error", lambda: spark.sql("SELECT 1 AS a, NULL AS n")
                       .write.orc(str(out / "void_column")))
    assert not (out / "void_column").exists()


def test_write_orc_modes_and_partitions(spark, request, out):
    path = out / "parted"
    df = spark.createDataFrame([(1, "a", 10), (2, "b", 20), (3, "a", None), (4, None, 40)], "id INT, k STRING, v INT")
    df.write.partitionBy("k").orc(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_error(request, "exists", lambda: df.write.orc(str(path)),
                       params=False)  # the path names the checkout
    df.write.mode("append").partitionBy("k").orc(str(path))
    golden.check(request, "appended", spark.read.orc(str(path)))
    golden.check(request, "pruned", spark.read.orc(str(path)).filter(col("k") == "a").select("id", "v"))
    df.limit(1).write.mode("ignore").orc(str(path))
    golden.check_value(request, "ignored", spark.read.orc(str(path)).count())
    df.filter(col("id") == 2).write.mode("overwrite").orc(str(path))
    golden.check(request, "overwritten", spark.read.orc(str(path)))


def test_write_orc_empty(spark, request, out):
    path = out / "empty"
    spark.range(5).filter(col("id") > 10).coalesce(1).write.orc(str(path))
    back = spark.read.orc(str(path))
    golden.check_schema(request, "schema", back.schema)
    golden.check_value(request, "count", back.count())


def test_read_orc_merge_schema(spark, request, out):
    a, b = out / "merge_a", out / "merge_b"
    spark.createDataFrame([(10, "Alice")], "age INT, name STRING").write.orc(str(a))
    spark.createDataFrame([(70, "Bob")], "height INT, name STRING").write.orc(str(b))
    golden.check(request, "merged", spark.read.option("mergeSchema", "true").orc([str(a), str(b)]))
    golden.check(request, "first", spark.read.orc([str(a), str(b)]))


def test_read_parquet_merge_schema(spark, request, out):
    a, b = out / "pq_merge_a", out / "pq_merge_b"
    spark.createDataFrame([(10, "Alice")], "age INT, name STRING").write.parquet(str(a))
    spark.createDataFrame([(70, "Bob")], "height INT, name STRING").write.parquet(str(b))
    golden.check(request, "merged", spark.read.option("mergeSchema", "true").parquet(str(a), str(b)))


def test_orc_table(spark, request):
    spark.sql("DROP TABLE IF EXISTS orc_t")
    spark.sql("CREATE TABLE orc_t (id INT, name STRING) USING orc")
    spark.sql("INSERT INTO orc_t VALUES (1, 'x'), (2, NULL)")
    golden.check(request, "rows", spark.table("orc_t"))
    spark.createDataFrame([(5, "z")], "id INT, name STRING").write.format("orc").mode("overwrite") \
        .saveAsTable("orc_t2")
    golden.check(request, "saved", spark.table("orc_t2"))
    golden.check(request, "describe", spark.sql("DESCRIBE TABLE orc_t2"))
    spark.sql("DROP TABLE orc_t")
    spark.sql("DROP TABLE orc_t2")


def test_read_orc_missing_path(spark, request):
    golden.check_error(request, "error", lambda: spark.read.orc(str(DATA / "no_such_dir")).collect(),
                       params=False)  # the path names the checkout


def test_read_orc_corrupt_and_truncated(spark, request, orc_dir):
    bad = DATA / "corrupt"
    shutil.rmtree(bad, ignore_errors=True)
    bad.mkdir(parents=True)
    (bad / "part-00000.orc").write_bytes(b"this is not an ORC file at all, just some text\n" * 4)
    golden.check_error(request, "garbage", lambda: spark.read.orc(str(bad)).collect(),
                       params=False)  # the path names the checkout
    cut = DATA / "truncated"
    shutil.rmtree(cut, ignore_errors=True)
    cut.mkdir(parents=True)
    whole = (Path(orc_dir) / "part-00000.orc").read_bytes()
    (cut / "part-00000.orc").write_bytes(whole[: len(whole) // 2])
    # Real Spark's answer here is ORC's own protobuf error, without the file's name
    # (an UnknownException): sk8 names the file, as it does for the garbage file.
    with pytest.raises(Exception) as truncated:
        spark.read.orc(str(cut)).collect()
    if sk8_servers.target() == "sk8":
        assert "FAILED_READ_FILE" in str(truncated.value) and "truncated/part-00000.orc" in str(truncated.value)


# --- files of the other engine ----------------------------------------------

def _golden_files(request, name: str) -> dict[str, bytes]:
    """The files kept in a golden value (a dict of relative path -> base64 text)."""
    value = json.loads(golden.golden_path(request, name).read_text(encoding="utf-8"))["value"]
    return {k["v"]: base64.b64decode(v["v"]) for k, v in value["v"]}


def test_orc_written_by_spark_read(spark, request, out):
    """Recording (target spark): real Spark writes the files and their bytes are kept in
    the golden. Comparing: the server under test reads those same files."""
    path = out / "by_spark"
    if golden.recording():
        df = spark.createDataFrame(ALL_ROWS, ALL_TYPES).coalesce(1)
        df.write.partitionBy("flag").option("compression", "snappy").orc(str(path))
        files = {str(p.relative_to(path)): base64.b64encode(p.read_bytes()).decode()
                 for p in sorted(path.rglob("*.orc"))}
        golden.check_value(request, "files", files)
    else:
        files = _golden_files(request, "files")
        assert files and all(data.startswith(b"ORC") for data in files.values())
        shutil.rmtree(path, ignore_errors=True)
        for name, data in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    back = spark.read.orc(str(path))
    golden.check_schema(request, "schema", back.schema)
    golden.check(request, "rows", back)


def test_orc_written_by_sk8_read_by_spark(spark, request, out):
    """Recording (target spark): an sk8 server writes the files and real Spark reads them.
    Comparing: the server under test writes and reads them (the same answer)."""
    path = out / "by_sk8"
    shutil.rmtree(path, ignore_errors=True)
    if golden.recording():
        from pyspark.sql import SparkSession

        writer = sk8_servers.start_sk8()
        try:
            session = SparkSession.builder.remote(writer.url).create()  # not the test's session
            session.conf.set("spark.sql.session.timeZone", "UTC")
            session.createDataFrame(ALL_ROWS, ALL_TYPES).write.partitionBy("flag").orc(str(path))
            session.stop()
        finally:
            writer.stop()
    else:
        spark.createDataFrame(ALL_ROWS, ALL_TYPES).write.partitionBy("flag").orc(str(path))
    back = spark.read.orc(str(path))
    golden.check_schema(request, "schema", back.schema)
    golden.check(request, "rows", back)
