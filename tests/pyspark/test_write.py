"""df.write: files written by sk8 are compared with what real Spark writes (the text
of CSV / JSON / text part files, the layout of the output folder) and read back
(by the server, and Parquet also by pyarrow in the test)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql.types import (BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType,
                               StringType, StructField, StructType, TimestampType)

import golden

REPO = Path(__file__).resolve().parents[2]

SCHEMA = StructType([
    StructField("id", IntegerType()), StructField("big", LongType()), StructField("ratio", DoubleType()),
    StructField("price", DecimalType(10, 2)), StructField("name", StringType()), StructField("flag", BooleanType()),
    StructField("day", DateType()), StructField("ts", TimestampType()), StructField("k", StringType()),
])
ROWS = [
    (1, 10_000_000_000, 0.5, Decimal("1.50"), "plain", True, dt.date(2024, 1, 5),
     dt.datetime(2024, 1, 5, 10, 20, 30, 123000), "a"),
    (2, -3, 1e10, Decimal("-20.05"), 'has "quote", comma', False, dt.date(1999, 12, 31),
     dt.datetime(1999, 12, 31, 23, 59, 59), "b"),
    (3, None, None, None, None, None, None, None, "a"),
    (4, 0, float("nan"), Decimal("0.00"), "", True, dt.date(2024, 2, 29), dt.datetime(2024, 2, 29), None),
    (5, 7, -0.25, Decimal("99999999.99"), "multi\nline", False, dt.date(2000, 1, 1),
     dt.datetime(2000, 1, 1, 0, 0, 0, 1), "b"),
]


@pytest.fixture(scope="module")
def out() -> Path:
    root = REPO / "build" / "test-data" / "write"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root


@pytest.fixture()
def df(spark):
    return spark.createDataFrame(ROWS, SCHEMA)


def layout(path: Path) -> list[str]:
    """The output folder's files, with the job's random id taken out."""
    names = []
    for p in sorted(path.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            rel = str(p.relative_to(path))
            names.append(re.sub(r"part-\d+-[0-9a-f-]{36}", "part-N-ID", rel))
    return sorted(set(names))


def part_lines(path: Path, pattern: str) -> list[str]:
    """The distinct lines of the part files (each part file repeats a CSV header,
    and how many part files there are depends on the parallelism)."""
    lines = set()
    for p in sorted(path.rglob(pattern)):
        lines.update(p.read_text(encoding="utf-8").splitlines())
    return sorted(lines)


def test_write_parquet_round_trip(spark, request, df, out):
    path = out / "parquet"
    df.write.mode("overwrite").parquet(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check(request, "read_back", spark.read.parquet(str(path)))
    table = pq.read_table(str(path))  # pyarrow reads what was written
    golden.check_value(request, "pyarrow", sorted(
        [[r["id"], r["name"], str(r["price"]), str(r["day"])] for r in table.to_pylist()], key=lambda r: r[0]))


@pytest.mark.parametrize("codec", ["snappy", "zstd", "gzip", "none"])
def test_write_parquet_compression(spark, request, df, out, codec):
    path = out / f"parquet-{codec}"
    df.write.mode("overwrite").option("compression", codec).parquet(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_value(request, "count", spark.read.parquet(str(path)).count())


def test_write_csv(spark, request, df, out):
    path = out / "csv"
    df.write.mode("overwrite").option("header", True).csv(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_value(request, "lines", part_lines(path, "*.csv"))
    golden.check(request, "read_back", spark.read.csv(str(path), header=True, inferSchema=True))


def test_write_csv_options(spark, request, df, out):
    path = out / "csv-options"
    df.select("id", "name", "ratio").write.mode("overwrite").option("sep", ";").option("nullValue", "NULL") \
        .option("quoteAll", True).csv(str(path))
    golden.check_value(request, "lines", part_lines(path, "*.csv"))


def test_write_json(spark, request, df, out):
    path = out / "json"
    df.write.mode("overwrite").json(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_value(request, "lines", part_lines(path, "*.json"))
    golden.check(request, "read_back", spark.read.json(str(path)))


def test_write_text(spark, request, df, out):
    path = out / "text"
    df.select("k").write.mode("overwrite").text(str(path))
    golden.check_value(request, "layout", layout(path))
    golden.check_value(request, "lines", part_lines(path, "*.txt"))


def test_write_modes(spark, request, df, out):
    path = out / "modes"
    df.write.parquet(str(path))  # errorifexists on a new path
    golden.check_error(request, "exists", lambda: df.write.parquet(str(path)), params=False)
    df.limit(1).write.mode("ignore").parquet(str(path))
    golden.check_value(request, "after_ignore", spark.read.parquet(str(path)).count())
    df.write.mode("append").parquet(str(path))
    golden.check_value(request, "after_append", spark.read.parquet(str(path)).count())
    df.limit(2).write.mode("overwrite").parquet(str(path))
    golden.check_value(request, "after_overwrite", spark.read.parquet(str(path)).count())
    golden.check_value(request, "layout", layout(path))


def test_write_format_save(spark, request, df, out):
    path = out / "format-save"
    df.select("id", "name").write.format("json").mode("overwrite").save(str(path))
    golden.check(request, "read_back", spark.read.format("json").load(str(path)))


def test_write_failure_leaves_nothing(spark, request, out):
    path = out / "failed"
    bad = spark.range(10).selectExpr("id", "CAST(1 / (id - 5) AS INT) AS x")
    golden.check_error(request, "error", lambda: bad.write.parquet(str(path)), params=False)
    # Spark leaves the folder with its _temporary leftovers (hidden from readers);
    # no data file is visible either way.
    visible = [p for p in layout(path) if not any(part.startswith("_") for part in p.split("/"))]
    golden.check_value(request, "visible_files", visible if path.exists() else [])


def test_write_partitioned_and_read_back(spark, request, df, out):
    path = out / "partitioned"
    df.write.mode("overwrite").partitionBy("k", "flag").parquet(str(path))
    golden.check_value(request, "layout", layout(path))
    back = spark.read.parquet(str(path))
    golden.check_schema(request, "schema", back.schema)
    golden.check(request, "rows", back)
    golden.check(request, "filtered", back.filter("k = 'b'").select("id", "k", "flag"))
    golden.check(request, "json", (df.select("id", "name", "k").write.mode("overwrite").partitionBy("k")
                                   .json(str(out / "partitioned-json")) or spark.read.json(str(out / "partitioned-json"))))


def test_read_hive_partition_types(spark, request, out):
    # Directories as Spark (or Hive) lays them out; values typed as Spark infers them.
    root = out / "hive"
    shutil.rmtree(root, ignore_errors=True)
    for year, day, name in [(2023, "2023-12-31", "x%3Dy"), (2024, "2024-01-05", "plain"),
                            (2024, "__HIVE_DEFAULT_PARTITION__", "plain")]:
        d = root / f"year={year}" / f"day={day}" / f"name={name}"
        d.mkdir(parents=True)
        (d / "part-0.csv").write_text(f"{year}1\n{year}2\n")
    (root / "_SUCCESS").write_text("")
    df = spark.read.csv(str(root))
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "rows", df)
    golden.check(request, "pruned", df.filter("year = 2024 AND day IS NULL").select("_c0", "name"))
    golden.check(request, "recursive", spark.read.option("recursiveFileLookup", True).csv(str(root)))


@pytest.mark.sk8_only
def test_partition_filters_skip_files(spark, out):
    # sk8's EXPLAIN names the files a scan reads: the partition filter leaves one of three.
    root = out / "pruning"
    shutil.rmtree(root, ignore_errors=True)
    for year in (2022, 2023, 2024):
        d = root / f"year={year}"
        d.mkdir(parents=True)
        (d / "part-0.csv").write_text(f"{year}\n")
    df = spark.read.csv(str(root)).filter("year = 2023")
    plan = golden.capture_stdout(lambda: df.explain())
    assert "1 file(s)" in plan, plan
    assert [tuple(r) for r in df.collect()] == [("2023", 2023)]
