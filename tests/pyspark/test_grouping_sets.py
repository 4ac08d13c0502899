"""GROUPING SETS, ROLLUP, CUBE, pivot, aggregate FILTER clauses and agg with a
dict, through the real PySpark client and SQL, answers recorded from real
Spark: grouping() and grouping_id(), NULL keys beside the NULLs of rolled-up
groups, empty inputs, column names, types and nullability, parallel inputs,
and Spark's errors."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def t(spark):
    df = spark.createDataFrame(
        [("a", "x", 1, 10, 1.5), ("a", "y", 2, 20, None), ("a", None, 1, 30, 2.5), ("b", "x", 2, None, 4.0),
         ("b", "x", 1, 50, 0.5), (None, "y", 1, 60, 1.0), ("c", "z", None, 70, None)],
        "k STRING, s STRING, n INT, v INT, d DOUBLE")
    df.createOrReplaceTempView("gs")
    return df


def test_rollup(t, request):
    golden.check(request, "df", t.rollup("k", "s").agg(F.sum("v"), F.count("*"), F.avg("d")))


def test_cube(t, request):
    golden.check(request, "df", t.cube("k", "s").agg(F.sum("v").alias("total"), F.max("d")))


def test_cube_count_shortcut(t, request):
    golden.check(request, "df", t.cube("k").count())


def test_rollup_grouping_functions(t, request):
    golden.check(request, "df", t.rollup("k", "s").agg(F.grouping("k"), F.grouping("s"), F.grouping_id(),
                                                        F.grouping_id("k", "s"), F.sum("n")))


def test_grouping_sets_dataframe(t, request):
    golden.check(request, "df", t.groupingSets([["k"], ["s"], []], "k", "s").agg(F.count("v"), F.grouping_id()))


def test_rollup_expression_keys(t, request):
    golden.check(request, "df", t.rollup((F.col("n") % 2).alias("odd"), "k").agg(F.sum("v")))


def test_rollup_empty_input(spark, request):
    empty = spark.createDataFrame([], "k STRING, v INT")
    golden.check(request, "df", empty.rollup("k").agg(F.sum("v"), F.count("*")))


def test_rollup_parallel(spark, request):
    df = spark.range(200000).select((F.col("id") % 7).alias("a"), (F.col("id") % 3).alias("b"), "id")
    golden.check(request, "df", df.cube("a", "b").agg(F.sum("id"), F.count("*"), F.grouping_id()))


@pytest.mark.parametrize("query", [
    "SELECT k, s, sum(v) FROM gs GROUP BY ROLLUP(k, s)",
    "SELECT k, s, sum(v), grouping_id() AS g FROM gs GROUP BY CUBE(k, s)",
    "SELECT k, s, count(*) FROM gs GROUP BY GROUPING SETS ((k, s), (k), ())",
    "SELECT k, s, count(*) FROM gs GROUP BY GROUPING SETS (k, s)",
    "SELECT k, s, n, sum(v) FROM gs GROUP BY k, ROLLUP(s, n)",
    "SELECT k, s, sum(v) FROM gs GROUP BY k, s WITH ROLLUP",
    "SELECT k, s, sum(v) FROM gs GROUP BY k, s WITH CUBE",
    "SELECT k, grouping(k), sum(v) FROM gs GROUP BY ROLLUP(k) HAVING grouping(k) = 0",
    "SELECT k, sum(v) FROM gs GROUP BY ROLLUP(k) ORDER BY grouping(k), k",
    "SELECT n + 1 AS u, sum(v) FROM gs GROUP BY ROLLUP(n + 1)",
    "SELECT k, count(DISTINCT s), sum(v) FROM gs GROUP BY ROLLUP(k)",
])
def test_sql_grouping_sets(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_grouping_without_grouping_sets(spark, t, request):
    golden.check_error(request, "sql", lambda: spark.sql("SELECT k, grouping(k) FROM gs GROUP BY k").collect())
    golden.check_error(request, "df", lambda: t.groupBy("k").agg(F.grouping("k")).collect())


def test_grouping_of_other_column(spark, t, request):
    # Spark's message parameters name the columns with their expression ids (s#18).
    golden.check_error(request, "grouping", lambda: spark.sql(
        "SELECT k, grouping(s) FROM gs GROUP BY ROLLUP(k)").collect(), params=False)
    golden.check_error(request, "grouping_id", lambda: spark.sql(
        "SELECT k, grouping_id(s) FROM gs GROUP BY ROLLUP(k, s)").collect(), params=False)


def test_pivot_values(t, request):
    golden.check(request, "df", t.groupBy("k").pivot("s", ["x", "y", "z"]).sum("v"))


def test_pivot_several_aggregates(t, request):
    golden.check(request, "df", t.groupBy("k").pivot("n", [1, 2]).agg(F.sum("v"), F.max("d").alias("m")))


def test_pivot_count(t, request):
    golden.check(request, "df", t.groupBy("k").pivot("s", ["x", "y"]).count())


def test_pivot_string_aggregate(t, request):
    golden.check(request, "df", t.groupBy("s").pivot("n", [1, 3]).agg(F.min("k"), F.count("v")))


def test_pivot_without_values(t, request):
    golden.check(request, "df", t.groupBy("k").pivot("s").sum("v"))


@pytest.mark.parametrize("query", [
    "SELECT count(*) FILTER (WHERE v > 20), sum(v) FILTER (WHERE k = 'a'), avg(d) FROM gs",
    "SELECT k, count(v) FILTER (WHERE s IS NOT NULL) AS c, max(d) FILTER (WHERE n = 1) FROM gs GROUP BY k",
    "SELECT k, sum(v) FILTER (WHERE false) FROM gs GROUP BY k",
    "SELECT count(*) FILTER (WHERE v > 1000) FROM gs",
])
def test_sql_aggregate_filter(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_aggregate_filter_not_boolean(spark, t, request):
    golden.check_error(request, "sql", lambda: spark.sql("SELECT sum(v) FILTER (WHERE n) FROM gs").collect())


def test_agg_dict(t, request):
    golden.check(request, "grouped", t.groupBy("k").agg({"v": "sum", "d": "max", "n": "avg"}))
    golden.check(request, "global", t.agg({"v": "count", "d": "min"}))
    golden.check(request, "star", t.groupBy("s").agg({"*": "count"}))
