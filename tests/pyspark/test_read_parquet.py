"""spark.read.parquet over files written here with pyarrow; answers from real Spark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F
from pyspark.sql.functions import col

import golden

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def parquet_dir() -> str:
    """Two files, several row groups each, with nulls and most basic types."""
    root = REPO / "build" / "test-data" / "parquet-basic"
    root.mkdir(parents=True, exist_ok=True)
    for part in range(2):
        n = 2500
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
        pq.write_table(table, root / f"part-{part:05d}.parquet", row_group_size=1000)
    (root / "_SUCCESS").write_text("")
    return str(root)


def test_read_parquet_rows_and_schema(spark, request, parquet_dir):
    df = spark.read.parquet(parquet_dir)
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "head", df.filter(col("id") % 997 == 0), ordered=False)
    golden.check_value(request, "count", df.count())


def test_read_parquet_aggregate(spark, request, parquet_dir):
    df = spark.read.parquet(parquet_dir)
    golden.check(request, "by_tag", df.groupBy("tag").agg(F.count("*"), F.sum("small"), F.max("ratio"),
                                                          F.min("day"), F.count("flag")))


def test_read_parquet_sql(spark, request, parquet_dir):
    spark.read.parquet(parquet_dir).createOrReplaceTempView("pq_basic")
    golden.check(request, "sql", spark.sql(
        "SELECT tag, count(*) AS n FROM pq_basic WHERE small > 50 GROUP BY tag ORDER BY tag"), ordered=True)


def test_read_missing_path(spark, request):
    # The message carries the absolute path, which differs between machines.
    golden.check_error(request, "missing", lambda: spark.read.parquet("/nonexistent/sk8/dir").count(),
                       params=False)


def test_read_parquet_decimal_aggregates(spark, request, parquet_dir):
    df = spark.read.parquet(parquet_dir)
    golden.check(request, "global", df.agg(F.sum("price"), F.avg("price"), F.min("price"), F.max("price"),
                                           F.min("day"), F.max("day")))
    golden.check(request, "grouped", df.groupBy("flag").agg(F.sum("price"), F.avg("price")))


def test_decimal_arithmetic(spark, request, parquet_dir):
    df = spark.read.parquet(parquet_dir).filter(col("id") % 500 == 3)
    golden.check(request, "ops", df.select(
        "id", col("price") + col("price"), col("price") - 1, col("price") * col("price"),
        col("price") * 3, col("price") / 7, col("price") / col("price"), col("price") % 3,
        col("price") + col("ratio"), (col("price") * (1 - col("price") / 100)).alias("discounted")))
    spark.read.parquet(parquet_dir).createOrReplaceTempView("pq_dec")
    golden.check(request, "sql", spark.sql(
        "SELECT tag, sum(price * (1 - price / 100)) AS s, avg(price * 2) AS a FROM pq_dec GROUP BY tag"))


def test_same_semantics_of_scans_of_different_files(spark, request, parquet_dir):
    # Same columns, same query, different files: not the same plan.
    first = spark.read.parquet(f"{parquet_dir}/part-00000.parquet").filter(col("id") > 3)
    again = spark.read.parquet(f"{parquet_dir}/part-00000.parquet").filter(col("id") > 3)
    other = spark.read.parquet(f"{parquet_dir}/part-00001.parquet").filter(col("id") > 3)
    golden.check_value(request, "same", {"first_again": first.sameSemantics(again),
                                         "first_other": first.sameSemantics(other)})


def test_read_parquet_columns_matched_by_name(spark, request):
    """Files whose columns come in another order, or lack one: matched by name, not position."""
    root = REPO / "build" / "test-data" / "parquet-by-name"
    root.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"a": pa.array([1, 2], pa.int64()), "b": pa.array(["x", "y"])}), root / "part-0.parquet")
    pq.write_table(pa.table({"b": pa.array(["z"]), "a": pa.array([3], pa.int64())}), root / "part-1.parquet")
    pq.write_table(pa.table({"a": pa.array([4], pa.int64())}), root / "part-2.parquet")
    df = spark.read.parquet(str(root))
    golden.check(request, "rows", df)
    golden.check(request, "b_only", df.select("b"))
