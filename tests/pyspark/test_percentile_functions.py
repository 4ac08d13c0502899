"""percentile (exact, with frequencies), median, and percentile_approx /
approx_percentile (Spark's Greenwald-Khanna summary) through the real PySpark
client and SQL, answers recorded from real Spark: one percentage or an array of
them, grouped and global, over INT / DOUBLE / DECIMAL / DATE / TIMESTAMP inputs,
NULLs, all-NULL groups, empty inputs, parallel inputs, over windows, and
Spark's errors for bad percentages, accuracies and frequencies."""

from __future__ import annotations

import pytest
from pyspark.sql import Window as W
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def t(spark):
    df = spark.createDataFrame(
        [("a", 1, 10.0, 2), ("a", 2, 20.5, 4), ("a", 4, None, 7), ("a", 10, 3.25, 1), ("a", None, 1.5, 3),
         ("b", 5, 5.0, 5), ("b", None, 7.0, None), ("c", 3, None, 1), ("d", None, None, None),
         ("e", 6, 1.0, 3), ("e", 6, 1.0, 3), ("e", -7, -2.5, 0)],
        "k STRING, v INT, d DOUBLE, w INT")
    df.createOrReplaceTempView("pf")
    return df


def test_percentile_grouped(t, request):
    golden.check(request, "df", t.groupBy("k").agg(
        F.percentile("v", 0.5), F.percentile("d", [0.25, 0.75]), F.percentile("v", 0.3, F.col("w")),
        F.median("d"), F.median("v")).orderBy("k"))


def test_percentile_global(t, request):
    golden.check(request, "df", t.agg(
        F.percentile("v", 0.0), F.percentile("v", 1.0), F.percentile("d", [0.1, 0.5, 0.9]), F.median("v")))


def test_percentile_approx_grouped(t, request):
    golden.check(request, "df", t.groupBy("k").agg(
        F.percentile_approx("v", 0.5), F.percentile_approx("d", [0.25, 0.75], 100),
        F.approx_percentile("v", 0.9, 1000000)).orderBy("k"))


def test_sql_forms(spark, t, request):
    golden.check(request, "percentile", spark.sql("""
        SELECT k, percentile(v, 0.5), percentile(v, array(0.25, 0.75)), percentile(d, 0.5, w),
               percentile_approx(v, 0.5), approx_percentile(d, array(0.1, 0.9), 100), median(v)
        FROM pf GROUP BY k ORDER BY k"""))
    golden.check(request, "literal_pct", spark.sql("""
        SELECT percentile(col, 0.4), percentile(col, 1), percentile_approx(col, 0), median(col)
        FROM VALUES (1), (2), (4), (10), (NULL) AS tab(col)"""))


def test_input_types(spark, t, request):
    golden.check(request, "decimal", spark.sql("""
        SELECT percentile(x, 0.5), median(x), percentile_approx(x, 0.5), percentile_approx(x, array(0.2, 0.8))
        FROM VALUES (1.5BD), (2.5BD), (7.1BD), (NULL) AS tab(x)"""))
    golden.check(request, "date_timestamp", spark.sql("""
        SELECT percentile_approx(d, 0.5), percentile_approx(ts, array(0.0, 1.0)), approx_percentile(d, 0.9, 10)
        FROM VALUES (DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00'),
                    (DATE'2024-03-05', TIMESTAMP'2024-02-01 00:00:01'),
                    (DATE'2023-12-31', TIMESTAMP'2020-06-30 23:59:59') AS tab(d, ts)"""))
    golden.check(request, "bigint_float", spark.sql("""
        SELECT percentile(b, 0.25), percentile_approx(b, 0.25), percentile(f, 0.75), percentile_approx(f, 0.75)
        FROM VALUES (CAST(9000000000 AS BIGINT), CAST(1.5 AS FLOAT)), (CAST(-3 AS BIGINT), CAST(2.25 AS FLOAT)),
                    (CAST(12 AS BIGINT), CAST(-8 AS FLOAT)) AS tab(b, f)"""))


def test_empty_and_all_null(spark, t, request):
    golden.check(request, "empty", spark.sql("""
        SELECT percentile(v, 0.5), percentile(v, array(0.5)), median(v), percentile_approx(v, 0.5),
               percentile_approx(v, array(0.5, 0.6))
        FROM pf WHERE k = 'none'"""))
    golden.check(request, "all_null_group", spark.sql("""
        SELECT k, percentile(v, 0.5), median(d), percentile_approx(v, array(0.5)) FROM pf
        WHERE k IN ('c', 'd') GROUP BY k ORDER BY k"""))


def test_parallel_input(spark, request):
    # Several partitions merge their buffers / summaries: the exact percentile is
    # independent of the merge order, and so is the approximate one while the
    # answer is at least 150 ranks away from where the value changes (each value repeats 300 times in a group; the summary errs by at most 6 ranks here).
    df = spark.range(0, 300000, 1, 4).select((F.col("id") % 5).alias("g"), ((F.col("id") * 7) % 1000).alias("x"))
    golden.check(request, "df", df.groupBy("g").agg(
        F.percentile("x", [0.1, 0.5, 0.99]), F.median("x"), F.percentile_approx("x", [0.1025, 0.5025, 0.9925])).orderBy("g"))


def test_over_window(t, request):
    w = W.partitionBy("k")
    golden.check(request, "df", t.select(
        "k", "v", F.percentile("v", 0.5).over(w).alias("p"), F.median("d").over(w).alias("m"),
        F.percentile_approx("v", 0.5).over(w).alias("a")).orderBy("k", "v"))


def test_distinct(spark, t, request):
    golden.check(request, "distinct", spark.sql("""
        SELECT k, percentile(DISTINCT v, 0.5), median(DISTINCT v) FROM pf GROUP BY k ORDER BY k"""))


@pytest.mark.parametrize("sql", [
    "SELECT percentile(v, 1.5) FROM pf",
    "SELECT percentile(v, array(0.5, -0.1)) FROM pf",
    "SELECT percentile(v, w / 10) FROM pf",
    "SELECT percentile(v, CAST(NULL AS DOUBLE)) FROM pf",
    "SELECT percentile(k, 0.5) FROM VALUES ('x'), ('x') AS s(k)",
    "SELECT percentile_approx(v, 0.5, 0) FROM pf",
    "SELECT percentile_approx(v, 0.5, w) FROM pf",
    "SELECT percentile_approx(v, 2.0) FROM pf",
    "SELECT percentile_approx(k, 0.5) FROM VALUES ('x'), ('x') AS s(k)",
    "SELECT median(k) FROM VALUES ('x'), ('x') AS s(k)",
    "SELECT percentile(v, 0.5, w - 5) FROM pf",
], ids=["pct_above_one", "pct_array_negative", "pct_not_foldable", "pct_null", "string_input",
        "accuracy_zero", "accuracy_not_foldable", "approx_pct_above_one", "approx_string_input",
        "median_string", "negative_frequency"])
def test_errors(spark, t, request, sql):
    golden.check_error(request, "error", lambda: spark.sql(sql).collect())


# percentile_cont / percentile_disc: SQL's ordered-set aggregates (pyspark.sql.functions
# has no DataFrame form in 4.1).
WITHIN_GROUP = {
    "examples": "SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY col), "
                "percentile_disc(0.25) WITHIN GROUP (ORDER BY col) FROM VALUES (0), (10) AS tab(col)",
    "grouped": "SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY v), percentile_disc(0.5) WITHIN GROUP "
               "(ORDER BY v), percentile_cont(0.3) WITHIN GROUP (ORDER BY d DESC), percentile_disc(0.3) WITHIN "
               "GROUP (ORDER BY d DESC), percentile_disc(0.0) WITHIN GROUP (ORDER BY w), percentile_disc(1.0) "
               "WITHIN GROUP (ORDER BY w ASC NULLS LAST) FROM pf GROUP BY k",
    "shares": "SELECT percentile_disc(0.2) WITHIN GROUP (ORDER BY v), percentile_disc(1/3) WITHIN GROUP (ORDER BY v), "
              "percentile_disc(0.75) WITHIN GROUP (ORDER BY v DESC), percentile_cont(1/3) WITHIN GROUP (ORDER BY v) "
              "FROM pf",
    "array": "SELECT k, percentile_cont(array(0.1, 0.5, 0.9)) WITHIN GROUP (ORDER BY v), "
             "percentile_disc(array(0.1, 0.9)) WITHIN GROUP (ORDER BY v DESC) FROM pf GROUP BY k",
    "types": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(v AS DECIMAL(10, 2))), "
             "percentile_disc(0.5) WITHIN GROUP (ORDER BY CAST(v AS STRING)), "
             "percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(v AS TINYINT)) FROM pf",
    "filter": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FILTER (WHERE v > 2) FROM pf",
    "empty": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), percentile_disc(0.5) WITHIN GROUP "
             "(ORDER BY v) FROM pf WHERE k = 'd'",
    "over_window": "SELECT k, v, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) OVER (PARTITION BY k), "
                   "percentile_disc(0.5) WITHIN GROUP (ORDER BY v DESC) OVER (PARTITION BY k) FROM pf",
    "missing_within_group": "SELECT percentile_cont(0.5) FROM pf",
    "two_arguments": "SELECT percentile_cont(v, 0.5) FROM pf",
    "two_arguments_within_group": "SELECT percentile_disc(0.5, 0.2) WITHIN GROUP (ORDER BY v) FROM pf",
    "two_orderings": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v, w) FROM pf",
    "distinct": "SELECT percentile_cont(DISTINCT 0.5) WITHIN GROUP (ORDER BY v) FROM pf",
    "column_percentage": "SELECT percentile_cont(w) WITHIN GROUP (ORDER BY v) FROM pf",
    "out_of_range": "SELECT percentile_disc(1.5) WITHIN GROUP (ORDER BY v) FROM pf",
    "date_value": "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY DATE '2020-01-01') FROM pf",
    "not_ordered_set": "SELECT sum(v) WITHIN GROUP (ORDER BY v) FROM pf",
}


@pytest.mark.parametrize("name", list(WITHIN_GROUP))
def test_within_group(spark, t, request, name):
    golden.check_sql(request, "sql", spark, WITHIN_GROUP[name])
