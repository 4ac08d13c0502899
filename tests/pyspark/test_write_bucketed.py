"""df.write.bucketBy / sortBy with saveAsTable: the table's bucket spec (DESCRIBE
EXTENDED, SHOW CREATE TABLE), Spark's bucket file layout (part-...-<job>_0000N.c000.<ext>,
rows in bucket pmod(hash(columns), n), each file sorted by the sort columns), reads,
and Spark's errors; answers from real Spark."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.orc as po
import pyarrow.parquet as pq
import pytest

import golden

ROWS = [(100, "Hyukjin Kwon"), (120, "Hyukjin Kwon"), (140, "Haejoon Lee"), (90, "Alice"), (95, "Bob"),
        (60, "Carol"), (75, None), (130, "Alice"), (50, "Dan"), (111, "Eve")]


@pytest.fixture()
def df(spark):
    return spark.createDataFrame(ROWS, schema=["age", "name"])


def location(spark, table: str) -> Path:
    rows = spark.sql(f"DESCRIBE EXTENDED {table}").collect()
    return Path([r[1] for r in rows if r[0] == "Location"][0].replace("file:", "", 1))


def bucket_files(root: Path) -> dict[str, list[Path]]:
    """Data files by '<partition dir>/_0000N.c000.<ext>' (the job's id and task number out)."""
    files: dict[str, list[Path]] = {}
    for p in sorted(root.rglob("part-*")):
        key = str(p.relative_to(root).parent / re.sub(r"^part-\d+-[0-9a-f-]{36}", "", p.name))
        files.setdefault(key, []).append(p)
    return files


def read_file(p: Path) -> list[dict]:
    return (po.read_table(str(p)) if p.name.endswith(".orc") else pq.read_table(str(p))).to_pylist()


@pytest.mark.parametrize("fmt", ["parquet", "orc"])
def test_bucketed_table_layout_and_rows(spark, request, df, fmt):
    spark.sql("DROP TABLE IF EXISTS bk_t")
    df.write.format(fmt).bucketBy(3, "name").sortBy("age").mode("overwrite").saveAsTable("bk_t")
    golden.check(request, "rows", spark.read.table("bk_t").sort("age"), ordered=True)
    files = bucket_files(location(spark, "bk_t"))
    # Which names each bucket holds: the same hash as Spark's.
    golden.check_value(request, "buckets", {
        key: sorted({str(r["name"]) for p in files[key] for r in read_file(p)}) for key in sorted(files)})
    for paths in files.values():
        for p in paths:
            ages = [r["age"] for r in read_file(p)]
            assert ages == sorted(ages), f"{p.name} is not sorted by age: {ages}"
    described = spark.sql("DESCRIBE EXTENDED bk_t").collect()
    golden.check_value(request, "describe", [
        [r[0], r[1]] for r in described if r[0] in ("Provider", "Num Buckets", "Bucket Columns", "Sort Columns")])
    golden.check_text(request, "show_create", spark.sql("SHOW CREATE TABLE bk_t").collect()[0][0])
    golden.check_value(request, "columns", [[c.name, c.isBucket, c.isPartition]
                                            for c in spark.catalog.listColumns("bk_t")])
    df.limit(2).write.format(fmt).bucketBy(3, "name").sortBy("age").mode("append").saveAsTable("bk_t")
    golden.check_value(request, "appended", spark.read.table("bk_t").count())
    spark.sql("DROP TABLE bk_t")


def test_bucketed_partitioned_layout(spark, request, df):
    spark.sql("DROP TABLE IF EXISTS bk_p")
    df.filter("age >= 100").write.partitionBy("age").bucketBy(2, "name").mode("overwrite").saveAsTable("bk_p")
    golden.check_value(request, "layout", sorted(bucket_files(location(spark, "bk_p"))))
    golden.check(request, "rows", spark.read.table("bk_p"))
    spark.sql("DROP TABLE bk_p")


def test_bucketed_doctest_example(spark, request):
    spark.sql("DROP TABLE IF EXISTS sorted_bucketed_table")
    spark.createDataFrame([(100, "Hyukjin Kwon"), (120, "Hyukjin Kwon"), (140, "Haejoon Lee")],
                          schema=["age", "name"]) \
        .write.bucketBy(1, "name").sortBy("age").mode("overwrite").saveAsTable("sorted_bucketed_table")
    golden.check_show(request, "show", spark.read.table("sorted_bucketed_table").sort("age"))
    spark.sql("DROP TABLE sorted_bucketed_table")


def test_bucketed_errors(spark, request, df, tmp_path):
    golden.check_error(request, "save", lambda: df.write.bucketBy(2, "name").mode("overwrite")
                       .parquet(str(tmp_path / "x")))
    golden.check_error(request, "sort_without_buckets", lambda: df.write.sortBy("age").saveAsTable("bk_e"))
    golden.check_error(request, "unknown_bucket_column", lambda: df.write.bucketBy(2, "nope").saveAsTable("bk_e"))
    golden.check_error(request, "unknown_sort_column",
                       lambda: df.write.bucketBy(2, "name").sortBy("nope").saveAsTable("bk_e"))
    spark.sql("DROP TABLE IF EXISTS bk_i")
    df.write.saveAsTable("bk_i")
    golden.check_error(request, "insert_into", lambda: df.write.bucketBy(2, "name").insertInto("bk_i"))
    golden.check_error(request, "append_bucketed_to_plain",
                       lambda: df.write.bucketBy(3, "name").mode("append").saveAsTable("bk_i"))
    spark.sql("DROP TABLE bk_i")
    spark.sql("DROP TABLE IF EXISTS bk_a")
    df.write.bucketBy(2, "name").sortBy("age").saveAsTable("bk_a")
    golden.check_error(request, "append_unbucketed", lambda: df.write.mode("append").saveAsTable("bk_a"))
    golden.check_error(request, "append_other_buckets",
                       lambda: df.write.bucketBy(3, "name").mode("append").saveAsTable("bk_a"))
    golden.check_value(request, "rows_after", spark.table("bk_a").count())
    spark.sql("DROP TABLE bk_a")


def test_create_table_clustered_by(spark, request, df):
    spark.sql("DROP TABLE IF EXISTS bk_sql")
    spark.sql("CREATE TABLE bk_sql (age BIGINT, name STRING) USING orc "
              "CLUSTERED BY (name) SORTED BY (age) INTO 4 BUCKETS")
    spark.sql("INSERT INTO bk_sql VALUES (3, 'x'), (1, 'y'), (2, 'x'), (5, 'z')")
    golden.check(request, "rows", spark.table("bk_sql"))
    golden.check_text(request, "show_create", spark.sql("SHOW CREATE TABLE bk_sql").collect()[0][0])
    files = bucket_files(location(spark, "bk_sql"))
    golden.check_value(request, "buckets", {
        key: sorted({str(r["name"]) for p in files[key] for r in read_file(p)}) for key in sorted(files)})
    spark.sql("DROP TABLE bk_sql")
