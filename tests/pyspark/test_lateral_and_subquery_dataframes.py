"""Subquery DataFrames (Spark 4's DataFrame.scalar(), exists(), Column.isin(df),
sent as WithRelations references named by plan id) and lateral joins
(DataFrame.lateralJoin, SQL `LATERAL (subquery)` and `LATERAL tvf(...)`), with
correlated outer references (`col(...).outer()` / the enclosing query's columns),
answers and errors recorded from real Spark."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as sf

import golden


@pytest.fixture(scope="module")
def frames(spark):
    t1 = spark.createDataFrame([(1, 10, [1, 2]), (2, 20, []), (3, 30, None), (None, 40, [4])],
                               "c1 INT, c2 INT, arr ARRAY<INT>")
    t2 = spark.createDataFrame([(1, 5), (1, 6), (2, 7), (5, 8), (None, 9)], "c1 INT, c2 INT")
    t1.createOrReplaceTempView("lat_t1")
    t2.createOrReplaceTempView("lat_t2")
    return t1, t2


# ---- subquery DataFrames -------------------------------------------------------

def test_scalar_uncorrelated(spark, frames, request):
    t1, t2 = frames
    golden.check(request, "df", t1.select("c1", t2.select(sf.max("c2")).scalar().alias("m")).orderBy("c1"))


def test_scalar_correlated_in_where(spark, frames, request):
    t1, t2 = frames
    sub = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select(sf.sum("c2"))
    golden.check(request, "df", t1.alias("a").where(sf.col("c2") > sub.scalar()).select("c1", "c2").orderBy("c1"))


def test_scalar_correlated_count(spark, frames, request):
    t1, t2 = frames
    sub = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select(sf.count("*"))
    golden.check(request, "df", t1.alias("a").select("c1", sub.scalar().alias("n")).orderBy("c1"))


def test_exists_and_not_exists(spark, frames, request):
    t1, t2 = frames
    sub = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer())
    golden.check(request, "exists", t1.alias("a").where(sub.exists()).select("c1").orderBy("c1"))
    golden.check(request, "not_exists", t1.alias("a").where(~sub.exists()).select("c1").orderBy("c1"))


def test_isin_dataframe(spark, frames, request):
    t1, t2 = frames
    golden.check(request, "one", t1.where(t1.c1.isin(t2.select("c1"))).select("c1").orderBy("c1"))
    golden.check(request, "not", t1.where(~t1.c1.isin(t2.select("c1"))).select("c1").orderBy("c1"))
    pairs = t2.select(sf.col("c1"), (sf.col("c2") * 2).alias("d"))
    golden.check(request, "struct",
                 t1.where(sf.struct(t1.c1, t1.c2 - 8).isin(pairs)).select("c1", "c2").orderBy("c1"))


def test_scalar_more_than_one_column_error(spark, frames, request):
    t1, t2 = frames
    golden.check_error(request, "err", lambda: t1.select(t2.select("c1", "c2").scalar()).collect())


# ---- lateral joins: DataFrame API ----------------------------------------------

def test_lateral_join_projection_of_outer_columns(spark, frames, request):
    t1, _ = frames
    right = spark.range(1).select((sf.col("c1").outer() + sf.col("c2").outer()).alias("s"))
    golden.check(request, "df", t1.lateralJoin(right).drop("arr").orderBy("c2"))


def test_lateral_join_correlated_filter(spark, frames, request):
    t1, t2 = frames
    right = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select(sf.col("c2").alias("r"))
    golden.check(request, "inner", t1.alias("a").lateralJoin(right).drop("arr").orderBy("c2", "r"))
    golden.check(request, "left",
                 t1.alias("a").lateralJoin(right, how="left").drop("arr").orderBy("c2", "r"))


def test_lateral_join_with_condition(spark, frames, request):
    t1, t2 = frames
    right = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select(sf.col("c2").alias("r"))
    golden.check(request, "inner", t1.alias("a").lateralJoin(right, sf.col("r") > 5).drop("arr").orderBy("c2", "r"))
    golden.check(request, "left",
                 t1.alias("a").lateralJoin(right, sf.col("r") > 5, how="left").drop("arr").orderBy("c2", "r"))


def test_lateral_join_aggregate(spark, frames, request):
    t1, t2 = frames
    right = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()) \
        .select(sf.sum("c2").alias("s"), sf.count("*").alias("n"))
    golden.check(request, "df", t1.alias("a").lateralJoin(right).drop("arr").orderBy("c2"))


def test_lateral_join_tvf_explode(spark, frames, request):
    t1, _ = frames
    golden.check(request, "explode",
                 t1.lateralJoin(spark.tvf.explode(sf.col("arr").outer())).orderBy("c2", "col"))
    golden.check(request, "explode_outer",
                 t1.lateralJoin(spark.tvf.explode_outer(sf.col("arr").outer())).orderBy("c2", "col"))


def test_lateral_join_top_n_per_row(spark, frames, request):
    t1, t2 = frames
    right = t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()) \
        .select(sf.col("c2").alias("r")).orderBy(sf.col("r").desc()).limit(1)
    golden.check(request, "df", t1.alias("a").lateralJoin(right, how="left").drop("arr").orderBy("c2"))


def test_lateral_join_right_is_an_error(spark, frames, request):
    t1, t2 = frames
    golden.check_error(request, "err", lambda: t1.lateralJoin(t2.select("c2"), how="right").collect())


# ---- lateral joins: SQL --------------------------------------------------------

SQL = {
    "comma_projection": "SELECT c1, c2, s FROM lat_t1, LATERAL (SELECT c1 + c2 AS s) ORDER BY c2",
    "comma_filter": "SELECT lat_t1.c1, lat_t1.c2, r FROM lat_t1, "
                    "LATERAL (SELECT c2 AS r FROM lat_t2 WHERE lat_t2.c1 = lat_t1.c1) ORDER BY 2, 3",
    "join_on": "SELECT a.c1, a.c2, r FROM lat_t1 a JOIN LATERAL "
               "(SELECT c2 AS r FROM lat_t2 b WHERE b.c1 = a.c1) ON r > 5 ORDER BY 2, 3",
    "left_join": "SELECT a.c1, a.c2, r FROM lat_t1 a LEFT JOIN LATERAL "
                 "(SELECT c2 AS r FROM lat_t2 b WHERE b.c1 = a.c1) ON true ORDER BY 2, 3",
    "aggregate": "SELECT a.c1, m, n FROM lat_t1 a, LATERAL "
                 "(SELECT max(c2) AS m, count(*) AS n FROM lat_t2 b WHERE b.c1 = a.c1) ORDER BY a.c2",
    "star": "SELECT * FROM lat_t1 a, LATERAL (SELECT a.c2 * 2 AS d, b.c2 AS e FROM lat_t2 b WHERE b.c1 = a.c1) "
            "ORDER BY a.c2, e",
    "explode": "SELECT c1, v FROM lat_t1, LATERAL explode(arr) AS t(v) ORDER BY c2, v",
    "uncorrelated": "SELECT a.c1, b.c2 FROM lat_t1 a, LATERAL (SELECT c2 FROM lat_t2 WHERE c1 = 2) b ORDER BY a.c2",
    "chained": "SELECT a.c1, x, y FROM lat_t1 a, LATERAL (SELECT a.c2 + 1 AS x), LATERAL (SELECT x * 2 AS y) "
               "ORDER BY a.c2",
}


@pytest.mark.parametrize("name", list(SQL))
def test_lateral_sql(spark, frames, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


SQL_ERRORS = {
    "right_join": "SELECT * FROM lat_t1 a RIGHT JOIN LATERAL (SELECT a.c1 AS x) ON true",
    # Spark refuses outer references in an aggregate's expressions (outside WHERE/HAVING).
    "outer_reference_in_aggregate": "SELECT a.c1, x FROM lat_t1 a, LATERAL "
                                    "(SELECT coalesce(sum(c2), 0) + a.c2 AS x FROM lat_t2 b WHERE b.c1 = a.c1)",
    "unknown_outer_column": "SELECT * FROM lat_t1 a, LATERAL (SELECT a.nope AS x)",
}


@pytest.mark.parametrize("name", list(SQL_ERRORS))
def test_lateral_sql_errors(spark, frames, request, name):
    # sk8 names the outer column in CORRELATED_REFERENCE, Spark the whole select item.
    golden.check_error(request, "err", lambda: spark.sql(SQL_ERRORS[name]).collect(),
                       params=name != "outer_reference_in_aggregate")
