"""approx_count_distinct (HyperLogLog++), histogram_numeric, count_min_sketch and
product through the real PySpark client, answers recorded from real Spark:
estimates for small and large cardinalities and several relativeSD values,
NULLs, grouped and empty inputs, histogram bins and their x types, the sketch's
serialized bytes, and Spark's errors for bad arguments."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


def test_approx_count_distinct(spark, request):
    golden.check(request, "large", spark.range(0, 100000, 1, 1).agg(
        F.approx_count_distinct("id").alias("d"), F.approx_count_distinct("id", 0.1).alias("r1"),
        F.approx_count_distinct("id", 0.01).alias("r01"), F.approx_count_distinct("id", 0.3).alias("r3")))
    golden.check(request, "small", spark.sql("""
        SELECT approx_count_distinct(x), approx_count_distinct(CAST(x AS STRING)) AS s,
               approx_count_distinct(CAST(x AS DOUBLE)) AS d, approx_count_distinct(x, 0.2D) AS r
        FROM VALUES (1), (2), (2), (3), (NULL), (-0) AS t(x)"""))
    golden.check(request, "nulls", spark.sql("SELECT approx_count_distinct(x) FROM VALUES (NULL), (NULL) AS t(x)"))
    golden.check(request, "empty", spark.range(0).agg(F.approx_count_distinct("id")))
    golden.check(request, "grouped", spark.range(0, 3000, 1, 1).groupBy((F.col("id") % 3).alias("k")).agg(
        F.approx_count_distinct(F.col("id") % 50).alias("small"), F.approx_count_distinct("id", 0.3).alias("big")))
    golden.check(request, "strings", spark.createDataFrame(
        [("apple",), ("orange",), ("apple",), ("banana",), (None,)], ["fruit"]).agg(F.approx_count_distinct("fruit")))
    df = spark.createDataFrame([("Alice", 1), ("Alice", 2), ("Bob", 3), ("Bob", 3)], ["name", "value"])
    golden.check(request, "struct", df.agg(F.approx_count_distinct(F.struct("name", "value"))))
    golden.check(request, "distinct", spark.sql("SELECT approx_count_distinct(DISTINCT id % 7) FROM range(100)"))


def test_approx_count_distinct_errors(spark, request):
    golden.check_error(request, "rsd_too_big", lambda: spark.sql(
        "SELECT approx_count_distinct(id, 0.5) FROM range(10)").collect())
    golden.check_error(request, "rsd_int", lambda: spark.sql(
        "SELECT approx_count_distinct(id, 1) FROM range(10)").collect())
    golden.check_error(request, "rsd_string", lambda: spark.sql(
        "SELECT approx_count_distinct(id, '0.1') FROM range(10)").collect())


def test_histogram_numeric(spark, request):
    golden.check(request, "range", spark.range(0, 100, 1, 1).select(F.histogram_numeric("id", F.lit(5))))
    golden.check(request, "sql", spark.sql("""
        SELECT histogram_numeric(x, 3) FROM VALUES (1.5D), (2.5D), (NULL), (10D), (2.5D) AS t(x)"""))
    golden.check(request, "int", spark.sql("SELECT histogram_numeric(x, 3) FROM VALUES (1), (2), (9), (7) AS t(x)"))
    golden.check(request, "decimal", spark.sql(
        "SELECT histogram_numeric(x, 2) FROM VALUES (1.25BD), (2.5BD), (9.75BD) AS t(x)"))
    golden.check(request, "float", spark.sql("SELECT histogram_numeric(x, 3) FROM VALUES (1.5F), (2.25F) AS t(x)"))
    golden.check(request, "empty", spark.sql("SELECT histogram_numeric(id, 5) FROM range(0)"))
    golden.check(request, "long_nb", spark.sql("SELECT histogram_numeric(id, 3L) FROM range(3)"))
    golden.check(request, "grouped", spark.range(0, 60, 1, 1).groupBy((F.col("id") % 2).alias("k")).agg(
        F.histogram_numeric(F.col("id") * 1.5, F.lit(4)).alias("h")))
    golden.check_show(request, "doctest", spark.range(100, numPartitions=1).select(
        F.histogram_numeric("id", F.lit(5))), truncate=False)


def test_histogram_numeric_errors(spark, request):
    golden.check_error(request, "one_bin", lambda: spark.sql("SELECT histogram_numeric(id, 1) FROM range(10)").collect())
    golden.check_error(request, "column_bins", lambda: spark.sql(
        "SELECT histogram_numeric(id, id) FROM range(3)").collect())


def test_count_min_sketch(spark, request):
    golden.check(request, "doctest", spark.range(100).select(
        F.hex(F.count_min_sketch(F.col("id"), F.lit(3.0), F.lit(0.1), F.lit(1)))))
    golden.check(request, "doctest2", spark.range(100).select(F.hex(F.count_min_sketch("id", 1.0, 0.3, 2))))
    golden.check(request, "long_seed", spark.range(100).select(
        F.hex(F.count_min_sketch("id", F.lit(1.5), 0.2, 1111111111111111111))))
    golden.check(request, "strings", spark.sql(
        "SELECT hex(count_min_sketch(CAST(id AS STRING), 0.5D, 0.5D, 7)) FROM range(10)"))
    golden.check(request, "string_nulls", spark.sql(
        "SELECT hex(count_min_sketch(x, 0.5D, 0.5D, 7)) FROM VALUES ('a'), ('bcdef'), (NULL), ('ü') AS t(x)"))
    golden.check(request, "empty", spark.sql("SELECT hex(count_min_sketch(id, 0.5D, 0.5D, 7)) FROM range(0)"))
    golden.check(request, "tinyint", spark.sql(
        "SELECT hex(count_min_sketch(CAST(id AS TINYINT), 0.5D, 0.5D, 7L)) FROM range(3)"))
    golden.check(request, "negative", spark.sql(
        "SELECT hex(count_min_sketch(id - 50, 0.1D, 0.9D, 3)) FROM range(100)"))
    golden.check(request, "grouped", spark.range(0, 40, 1, 1).groupBy((F.col("id") % 2).alias("k")).agg(
        F.hex(F.count_min_sketch("id", F.lit(0.4), F.lit(0.6), F.lit(5))).alias("s")))


def test_count_min_sketch_errors(spark, request):
    golden.check_error(request, "decimal_eps", lambda: spark.sql(
        "SELECT count_min_sketch(id, 3.0, 0.1, 1) FROM range(3)").collect())
    golden.check_error(request, "zero_eps", lambda: spark.sql(
        "SELECT count_min_sketch(id, 0.0D, 0.1D, 1) FROM range(3)").collect())
    golden.check_error(request, "confidence_one", lambda: spark.sql(
        "SELECT count_min_sketch(id, 0.1D, 1.0D, 1) FROM range(3)").collect())
    golden.check_error(request, "double_input", lambda: spark.sql(
        "SELECT count_min_sketch(1.5D, 0.1D, 0.5D, 1)").collect())
    golden.check_error(request, "column_seed", lambda: spark.sql(
        "SELECT count_min_sketch(id, 0.1D, 0.5D, id) FROM range(3)").collect())


def test_product(spark, request):
    df = spark.sql("SELECT id % 3 AS mod3, id AS value FROM RANGE(10)")
    golden.check(request, "grouped", df.groupBy("mod3").agg(F.product("value")))
    golden.check(request, "nulls", spark.createDataFrame([(2,), (None,), (3,)], "x INT").agg(F.product("x")))
    golden.check(request, "all_null", spark.createDataFrame([(None,)], "x INT").agg(F.product("x")))
    golden.check(request, "empty", spark.range(0).agg(F.product("id")))
    golden.check(request, "doubles", spark.createDataFrame([(1.5,), (-2.0,), (float("nan"),)], "x DOUBLE").agg(
        F.product("x")))
    golden.check(request, "overflow", spark.range(1, 200, 1, 1).agg(F.product(F.col("id") * 1e10)))
