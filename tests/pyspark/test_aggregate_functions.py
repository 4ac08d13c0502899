"""Aggregate functions beyond count/sum/avg/min/max through the real PySpark
client and SQL, answers recorded from real Spark: stddev / variance / skewness /
kurtosis (Spark's central-moment algorithm), covariance and correlation,
count_if, bool_and / bool_or and their aliases, first / last (ignoreNulls),
any_value, min_by / max_by; NULLs, one-row and all-NULL groups, empty inputs,
over windows, serial and parallel inputs, and Spark's errors."""

from __future__ import annotations

import pytest
from pyspark.sql import Window as W
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def t(spark):
    df = spark.createDataFrame(
        [("a", 1, 10.0, 2, True), ("a", 2, 20.5, 4, True), ("a", 4, None, 7, False), ("a", 8, 3.25, 1, None),
         ("b", 5, 5.0, 5, True), ("b", None, 7.0, None, True), ("c", 3, None, 1, None),
         ("d", None, None, None, None), ("e", 6, 1.0, 3, False), ("e", 6, 1.0, 3, False)],
        "k STRING, v INT, d DOUBLE, w INT, b BOOLEAN")
    df.createOrReplaceTempView("af")
    return df


def test_moments_grouped(t, request):
    golden.check(request, "df", t.groupBy("k").agg(
        F.stddev("v"), F.stddev_samp("d"), F.stddev_pop("v"), F.variance("d"), F.var_samp("v"), F.var_pop("d"),
        F.skewness("v"), F.kurtosis("v")))


def test_moments_global(t, request):
    out = t.agg(F.stddev("v"), F.std("d"), F.var_pop("v"), F.skewness("d"), F.kurtosis("d"))
    golden.check(request, "df", out.select(*[micro(c) for c in out.columns]))


def micro(column):
    """A double rounded to 1e-4 (as a BIGINT): Spark's partitions of the input
    decide the order its partial results merge in, so global results may
    differ in the last bits."""
    return (F.col(column) * 10000 + 0.5).cast("long").alias(column)


def test_covariance_correlation(t, request):
    # Group e's values are equal (corr divides by zero there: test_corr_of_constant).
    golden.check(request, "grouped", t.filter("k != 'e'").groupBy("k").agg(
        F.covar_pop("v", "w"), F.covar_samp("v", "d"), F.corr("v", "d")))
    out = t.agg(F.covar_pop("v", "d"), F.covar_samp("v", "w"), F.corr("d", "w"))
    golden.check(request, "global", out.select(*[micro(c) for c in out.columns]))


def test_corr_of_constant(spark, t, request):
    # Group e's values are equal: Spark divides by zero.
    golden.check_error(request, "ansi", lambda: t.groupBy("k").agg(F.corr("v", "w")).collect())
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "legacy", t.groupBy("k").agg(F.corr("v", "w")))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


def test_moments_empty(spark, request):
    empty = spark.createDataFrame([], "v INT, d DOUBLE")
    golden.check(request, "df", empty.agg(F.stddev("v"), F.var_pop("d"), F.skewness("v"), F.corr("v", "d"),
                                          F.count_if(F.col("v") > 1), F.bool_and(F.col("v") > 1)))


def test_moments_parallel(spark, request):
    df = spark.range(300000).select((F.col("id") % 5).alias("g"), ((F.col("id") * 7) % 1000).alias("x"))
    out = df.groupBy("g").agg(F.stddev("x"), F.var_pop("x"), F.covar_samp("x", "g"),
                              F.count_if(F.col("x") > 500).alias("n"))
    golden.check(request, "df", out.select("g", *[micro(c) for c in out.columns[1:4]], out.columns[4]))


def test_boolean_aggregates(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.count_if("b"), F.bool_and("b"), F.bool_or("b"), F.every("b"),
                                                   F.some("b")))


@pytest.mark.parametrize("query", [
    "SELECT k, count_if(v > 2), bool_and(v > 0), bool_or(d > 10), any(b), every(b), some(b) FROM af GROUP BY k",
    "SELECT k, first(v), last(v), first(d) IGNORE NULLS, last(d) IGNORE NULLS FROM af WHERE k IN ('c', 'd', 'b') "
    "GROUP BY k",
    "SELECT k, min_by(d, v), max_by(d, v), min_by(v, d), max_by(k, w) FROM af GROUP BY k",
    "SELECT stddev(v), std(v), variance(d), var_samp(d), skewness(w), kurtosis(w) FROM af",
    "SELECT k, stddev(DISTINCT v), count(*) FROM af GROUP BY k",
])
def test_sql_aggregate_functions(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_first_last(t, request):
    # One value per group apart from NULLs, so the pick does not depend on the order.
    one = t.filter("k IN ('b', 'c', 'd')")
    golden.check(request, "df", one.groupBy("k").agg(F.first("d"), F.first("d", True), F.last("v", True),
                                                     F.any_value("w", True)))


def test_min_by_max_by(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.min_by("d", "v"), F.max_by("d", "w"), F.max_by("k", "d")))


def test_aggregates_over_windows(t, request):
    # The window's running frames merge partial states where Spark updates row
    # by row: doubles may differ in the last bits.
    w = W.partitionBy("k").orderBy("v").rowsBetween(W.unboundedPreceding, W.currentRow)
    out = t.select("k", "v", F.stddev("d").over(W.partitionBy("k")).alias("sd"),
                   F.count_if(F.col("v") > 2).over(w).alias("c"), F.bool_or("b").over(w).alias("o"),
                   F.var_pop("v").over(w).alias("vp"))
    golden.check(request, "df", out.select("k", "v", micro("sd"), out.columns[3], out.columns[4], micro("vp")))


def test_wrong_types(spark, t, request):
    golden.check_error(request, "count_if", lambda: t.agg(F.count_if("v")).collect())
    golden.check_error(request, "bool_and", lambda: spark.sql("SELECT bool_and(s) FROM VALUES ('x') AS v(s)").collect())
    golden.check_error(request, "stddev", lambda: spark.sql("SELECT stddev(b) FROM af").collect())


def test_regression_aggregates(spark, t, request):
    # Every regr_* skips the rows where y or x is NULL. Rounded where Spark's
    # merge of partial moments (a VALUES table spread over its cores) changes
    # the last bits.
    golden.check(request, "grouped", t.groupBy("k").agg(
        F.regr_count("v", "d"), F.regr_avgx("v", "d"), F.regr_avgy("v", "w"), F.regr_sxx("v", "d"),
        F.regr_syy("v", "d"), F.regr_sxy("v", "w"), F.regr_slope("d", "w"), F.regr_intercept("d", "w"),
        F.regr_r2("v", "w")))
    golden.check(request, "examples", spark.sql("""
        SELECT regr_count(y, x), regr_avgx(y, x), regr_avgy(y, x), round(regr_sxx(y, x), 12),
               round(regr_syy(y, x), 12), round(regr_sxy(y, x), 12), round(regr_slope(y, x), 12),
               round(regr_intercept(y, x), 12), round(regr_r2(y, x), 12)
        FROM VALUES (1, 2), (2, null), (null, 3), (2, 4), (5, 3.5) AS tab(y, x)"""))
    golden.check(request, "decimal_and_empty", spark.sql("""
        SELECT regr_avgx(y, x), regr_avgy(y, x), regr_count(y, x), regr_slope(y, x), regr_r2(y, x)
        FROM VALUES (1.5BD, 2.25BD), (2.0BD, NULL) AS tab(y, x) WHERE y > 0"""))
    golden.check(request, "empty", spark.sql("""
        SELECT regr_count(y, x), regr_avgx(y, x), regr_sxx(y, x), regr_sxy(y, x), regr_slope(y, x),
               regr_intercept(y, x), regr_r2(y, x)
        FROM VALUES (1, 2) AS tab(y, x) WHERE y > 5"""))


def test_count_several_columns(t, request):
    golden.check(request, "df", t.groupBy("k").agg(F.expr("count(v, d)"), F.count_distinct("v", "w"),
                                                   F.count(F.lit(1))).orderBy("k"))


def test_moments_of_decimals(spark, request):
    # Rounded: Spark splits a VALUES table over its cores and merges the partial
    # moments, which changes the last bits.
    golden.check(request, "df", spark.sql("""
        SELECT round(stddev(x), 12), var_pop(x), round(skewness(x), 12), covar_samp(x, y), round(corr(x, y), 12)
        FROM VALUES (1.5BD, 2.25BD), (2.0BD, 1.0BD), (7.25BD, 3.5BD) AS tab(x, y)"""))


def test_try_sum_try_avg(spark, t, request):
    golden.check(request, "grouped", t.groupBy("k").agg(F.try_sum("v"), F.try_avg("d"), F.try_sum("d"),
                                                        F.try_avg("w")).orderBy("k"))
    # A BIGINT sum that overflows, and a DECIMAL(38, 0) one: NULL, not an error.
    golden.check(request, "overflow", spark.sql("""
        SELECT g, try_sum(x), try_avg(x), try_sum(d), try_avg(d) FROM VALUES
          (1, 9223372036854775807L, 99999999999999999999999999999999999999BD),
          (1, 1L, 1BD), (2, 5L, 2BD), (2, NULL, NULL) AS tab(g, x, d) GROUP BY g ORDER BY g"""))
    golden.check(request, "empty", spark.sql("SELECT try_sum(x), try_avg(x) FROM VALUES (1) AS tab(x) WHERE x > 1"))


def test_mode(spark, t, request):
    # Without `deterministic` Spark may answer any of tied values: only groups
    # without ties here; with it, the lowest of them.
    golden.check(request, "grouped", t.filter("k IN ('c', 'd', 'e')").groupBy("k").agg(
        F.mode("w"), F.mode("d")).orderBy("k"))
    golden.check(request, "deterministic", spark.sql("""
        SELECT mode(c, true), mode(x, true), mode(d, true), mode(x) FROM VALUES
          ('a', 1, 1.5BD), ('b', 2, 2.5BD), ('b', 2, 2.5BD), ('a', 1, 1.5BD), (NULL, NULL, NULL), (NULL, NULL, NULL),
          (NULL, NULL, NULL), ('c', 1, 3.5BD) AS tab(c, x, d)"""))
    golden.check(request, "empty", spark.sql("SELECT mode(x) FROM VALUES (1) AS tab(x) WHERE x > 1"))
    df = spark.createDataFrame([(-10,), (0,), (10,)], ["col"])
    golden.check(request, "df_deterministic", df.select(F.mode("col", True)))
    golden.check_error(request, "not_foldable", lambda: spark.sql(
        "SELECT mode(x, y) FROM VALUES (1, true) AS tab(x, y)").collect())


AGGREGATE_CALLS = {
    "listagg": "SELECT k, listagg(CAST(v AS STRING)), listagg(CAST(v AS STRING), '-') FROM af "
               "WHERE k IN ('b', 'c', 'd') GROUP BY k",
    "listagg_distinct": "SELECT k, listagg(DISTINCT CAST(w AS STRING), ',') FROM af WHERE k = 'e' GROUP BY k",
    "listagg_binary": "SELECT listagg(CAST(k AS BINARY), X'2C') FROM af WHERE k = 'c'",
    "listagg_empty": "SELECT listagg(k), string_agg(k, ',') FROM af WHERE v > 100",
    "listagg_null_delimiter": "SELECT listagg(k, NULL) FROM af WHERE k = 'a'",
    "listagg_number": "SELECT listagg(v) FROM af WHERE k = 'c'",
    "string_agg": "SELECT k, string_agg(k, ', '), string_agg(DISTINCT k) FROM af WHERE k IN ('c', 'e') GROUP BY k",
    "array_agg": "SELECT k, sort_array(array_agg(v)), size(array_agg(d)) FROM af GROUP BY k",
    "array_agg_empty": "SELECT array_agg(v) FROM af WHERE v > 100",
    "mean": "SELECT k, mean(v), mean(d) FROM af GROUP BY k",
    "mean_distinct": "SELECT k, mean(DISTINCT w) FROM af GROUP BY k",
    "mean_global": "SELECT mean(v), mean(CAST(v AS DECIMAL(10, 2))), mean(NULL) FROM af",
    "mean_string": "SELECT mean(k) FROM af WHERE k = 'b'",
}


AGGREGATE_CALLS_DIFFER = {"mean_distinct": "sk8 names mean(DISTINCT x) avg(DISTINCT x)"}



@pytest.mark.parametrize("name", golden.known_differences(AGGREGATE_CALLS, AGGREGATE_CALLS_DIFFER))
def test_aggregate_calls_sql(spark, t, request, name):
    golden.check_sql(request, "sql", spark, AGGREGATE_CALLS[name])


def test_listagg_dataframe(t, request):
    golden.check(request, "df", t.where("k IN ('c', 'e')").groupBy("k").agg(
        F.listagg(F.col("k")), F.listagg(F.col("k"), "|"), F.string_agg(F.col("k"), "/"),
        F.listagg_distinct(F.col("k")), F.string_agg_distinct(F.col("k"), ";"), F.array_agg("w"),
        F.mean("v")))
