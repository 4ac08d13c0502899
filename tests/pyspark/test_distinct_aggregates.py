"""Aggregates over DISTINCT values through the real PySpark client and SQL, answers
recorded from real Spark: count(DISTINCT x), countDistinct, sum/avg(DISTINCT x),
global and grouped, NULLs, empty input, and DISTINCT aggregates over different
arguments or mixed with plain ones."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def t(spark):
    df = spark.createDataFrame([(1, 10), (1, 10), (1, 20), (2, None), (2, 30), (3, 30), (None, 10)],
                               "k INT, x INT")
    df.createOrReplaceTempView("dt")
    return df


def test_count_distinct_global(t, request):
    golden.check(request, "df", t.select(F.countDistinct("x")))


def test_count_distinct_grouped(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.count_distinct("x")))


def test_sum_and_count_distinct_same_column(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.sum_distinct("x"), F.countDistinct("x")))


def test_count_distinct_empty(spark, request):
    golden.check(request, "df", spark.createDataFrame([], "x INT").select(F.countDistinct("x")))


@pytest.mark.parametrize("query", [
    "SELECT count(DISTINCT x) FROM dt",
    "SELECT k, count(DISTINCT x) AS n FROM dt GROUP BY k",
    "SELECT k, avg(DISTINCT x), sum(DISTINCT x) FROM dt GROUP BY k",
    "SELECT count(DISTINCT x + 1) FROM dt WHERE k IS NOT NULL",
])
def test_sql_distinct_aggregates(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


@pytest.mark.parametrize("query", [
    "SELECT k, count(DISTINCT x), count(x) FROM dt GROUP BY k",
    "SELECT k, count(DISTINCT x), sum(x), count(*) FROM dt GROUP BY k",
    "SELECT count(DISTINCT x), count(DISTINCT k), sum(x) FROM dt",
    "SELECT k % 2 AS p, count(DISTINCT x), count(DISTINCT k), max(x) FROM dt GROUP BY k % 2",
    "SELECT x, sum(DISTINCT k), avg(k), count(DISTINCT k % 2) FROM dt GROUP BY x",
    "SELECT count(DISTINCT x), sum(x) FROM dt WHERE k > 100",
    "SELECT k, count(DISTINCT x), sum(x) FROM dt WHERE k > 100 GROUP BY k",
    "SELECT k, count(DISTINCT x) AS n, sum(x) AS s FROM dt GROUP BY k HAVING sum(x) > 10",
])
def test_mixed_distinct_and_plain_aggregates(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_mixed_distinct_dataframe(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.countDistinct("x"), F.sum("x"), F.count_distinct("k")))


def test_mixed_distinct_global_dataframe(t, request):
    golden.check(request, "df", t.agg(F.countDistinct("x"), F.countDistinct("k"), F.avg("x")))


def test_mixed_distinct_parallel(spark, request):
    df = spark.range(200000).select((F.col("id") % 7).alias("k"), (F.col("id") % 1000).alias("a"),
                                    (F.col("id") % 13).alias("b"))
    golden.check(request, "df", df.groupBy("k").agg(F.countDistinct("a"), F.countDistinct("b"), F.sum("a")))
