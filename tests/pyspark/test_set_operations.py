"""Set operations and distinct through the real PySpark client, answers recorded
from real Spark: union / unionAll / unionByName (with allowMissingColumns), type
widening and nullability across inputs, intersect, subtract, intersectAll / exceptAll,
distinct and dropDuplicates() (also on a subset of columns), their errors, a parallel union, and SQL UNION [ALL], INTERSECT,
EXCEPT / MINUS [ALL] with ORDER BY, LIMIT and precedence."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden

A_SCHEMA = "k INT, s STRING"


@pytest.fixture(scope="module")
def a(spark):
    return spark.createDataFrame([(1, "x"), (2, "y"), (2, "y"), (None, "n"), (3, None)], A_SCHEMA)


@pytest.fixture(scope="module")
def b(spark):
    return spark.createDataFrame([(2, "y"), (3, None), (4, "z"), (None, "n"), (None, "n")], A_SCHEMA)


def test_union_keeps_duplicates(a, b, request):
    golden.check(request, "df", a.union(b))


def test_union_all_is_union(a, b, request):
    golden.check(request, "df", a.unionAll(b))


def test_union_then_distinct(a, b, request):
    golden.check(request, "df", a.union(b).distinct())


def test_union_widens_types_and_names_from_first(spark, request):
    ints = spark.createDataFrame([(1, 1.5)], "x INT, y DOUBLE")
    longs = spark.createDataFrame([(10000000000, 2)], "p BIGINT, q INT")
    golden.check(request, "df", ints.union(longs))


def test_union_decimal_and_int(spark, request):
    d = spark.createDataFrame([], "v DECIMAL(10,2)").union(spark.createDataFrame([(7,)], "v INT"))
    golden.check(request, "df", d)


def test_union_nullability_is_either_side(spark, request):
    left = spark.range(2).select(F.col("id").alias("v"))            # not nullable
    right = spark.createDataFrame([(None,)], "v BIGINT")              # nullable
    golden.check(request, "df", left.union(right))


def test_union_column_count_mismatch(spark, request):
    golden.check_error(request, "err", lambda: spark.range(1).union(spark.range(1).select("id", "id")).collect())


def test_union_by_name_reorders(spark, request):
    left = spark.createDataFrame([(1, "a")], "k INT, s STRING")
    right = spark.createDataFrame([("b", 2)], "s STRING, k INT")
    golden.check(request, "df", left.unionByName(right))


def test_union_by_name_allow_missing_columns(spark, request):
    left = spark.createDataFrame([(1, "a")], "k INT, s STRING")
    right = spark.createDataFrame([(2, 2.5)], "k INT, d DOUBLE")
    golden.check(request, "df", left.unionByName(right, allowMissingColumns=True))


def test_intersect(a, b, request):
    golden.check(request, "df", a.intersect(b))


def test_subtract(a, b, request):
    golden.check(request, "df", a.subtract(b))


def test_intersect_nullability_is_both_sides(spark, a, request):
    right = spark.range(4).select(F.col("id").cast("int").alias("k"), F.lit("y").alias("s"))
    golden.check(request, "intersect", a.intersect(right))
    golden.check(request, "subtract", a.subtract(right))
    golden.check(request, "reverse", right.intersect(a))


def test_except_all(a, b, request):
    golden.check(request, "df", a.exceptAll(b))
    golden.check(request, "reverse", b.exceptAll(a))


def test_intersect_all(a, b, request):
    golden.check(request, "df", a.intersectAll(b))
    golden.check(request, "self", a.intersectAll(a))


def test_intersect_all_nullability_is_both_sides(spark, request):
    left = spark.range(3).select(F.col("id").alias("x"), F.lit(None).cast("string").alias("s"))
    right = spark.createDataFrame([(1, None), (1, None), (5, "q")], "y LONG, t STRING")
    golden.check(request, "intersect", left.intersectAll(right))
    golden.check(request, "except", left.exceptAll(right))
    golden.check(request, "except_reverse", right.exceptAll(left))


def test_set_operations_all_with_many_copies(spark, request):
    left = spark.createDataFrame([(1,)] * 5 + [(2,)] * 3 + [(None,)] * 4, "v INT")
    right = spark.createDataFrame([(1,)] * 2 + [(2,)] * 4 + [(None,)] * 1 + [(3,)], "v INT")
    golden.check(request, "intersect_all", left.intersectAll(right))
    golden.check(request, "except_all", left.exceptAll(right))
    golden.check(request, "except_all_reverse", right.exceptAll(left))


def test_set_operations_all_widen_types(spark, request):
    left = spark.createDataFrame([(1, "a"), (1, "a"), (2, "b")], "x INT, s STRING")
    right = spark.createDataFrame([(1.0, "a"), (3.5, "c")], "y DOUBLE, t STRING")
    golden.check(request, "intersect_all", left.intersectAll(right))
    golden.check(request, "except_all", left.exceptAll(right))


def test_set_operations_all_empty(spark, a, request):
    empty = spark.createDataFrame([], A_SCHEMA)
    golden.check(request, "except_empty", a.exceptAll(empty))
    golden.check(request, "empty_except", empty.exceptAll(a))
    golden.check(request, "intersect_empty", a.intersectAll(empty))


def test_set_operations_all_parallel(spark, request):
    left = spark.range(150000).select((F.col("id") % 1000).alias("k"))
    right = spark.range(90000).select((F.col("id") % 700).alias("k"))
    golden.check(request, "intersect_all", left.intersectAll(right).groupBy("k").count())
    golden.check_value(request, "except_all_count", left.exceptAll(right).count())


def test_set_operations_all_errors(spark, a, request):
    golden.check_error(request, "columns", lambda: a.exceptAll(a.select("k")).collect())
    golden.check_error(request, "types", lambda: a.intersectAll(a.select(F.lit(True).alias("k"), "s")).collect())


def test_drop_duplicates_subset(spark, request):
    df = spark.createDataFrame([(1, "x", 10), (1, "x", 10), (2, "y", 20), (None, "n", 0), (None, "n", 0),
                                (3, None, 30), (3, None, 30)], "k INT, s STRING, v INT")
    golden.check(request, "k", df.dropDuplicates(["k"]))
    golden.check(request, "k_s", df.drop_duplicates(["k", "s"]))
    golden.check(request, "s", df.dropDuplicates(["s"]).select("s", "k"))
    golden.check(request, "case", df.dropDuplicates(["K"]))
    golden.check(request, "then_filter", df.dropDuplicates(["k"]).where(F.col("v") > 5))


@pytest.mark.sk8_only
def test_drop_duplicates_subset_keeps_first_row(spark):
    # Spark keeps whichever row its partitions meet first; sk8 the first in input order.
    df = spark.createDataFrame([(1, "a"), (1, "b"), (2, "c"), (2, "d"), (None, "e"), (None, "f")], "k INT, s STRING")
    assert sorted(df.dropDuplicates(["k"]).collect(), key=str) == sorted(
        [(1, "a"), (2, "c"), (None, "e")], key=str)
    big = spark.range(300000).select((F.col("id") % 5).alias("k"), F.col("id").alias("v"))
    assert sorted(tuple(r) for r in big.dropDuplicates(["k"]).collect()) == [(k, k) for k in range(5)]


def test_drop_duplicates_subset_counts(spark, request):
    df = spark.range(200000).select((F.col("id") % 97).alias("k"), F.col("id").alias("v"))
    golden.check_value(request, "count", df.dropDuplicates(["k"]).count())
    golden.check(request, "keys", df.dropDuplicates(["k"]).select("k"))
    golden.check(request, "empty", df.where("k < 0").dropDuplicates(["k"]))


def test_drop_duplicates_subset_unknown_column(spark, a, request):
    golden.check_error(request, "error", lambda: a.dropDuplicates(["nope"]).collect())


def test_distinct_and_drop_duplicates(a, request):
    golden.check(request, "distinct", a.distinct())
    golden.check(request, "drop_duplicates", a.dropDuplicates())


def test_parallel_union_count(spark, request):
    df = spark.range(100000).union(spark.range(50000))
    golden.check_value(request, "count", df.count())
    golden.check(request, "grouped", df.groupBy((F.col("id") % 3).alias("m")).count())


def test_union_then_join(a, b, request):
    u = a.union(b)
    golden.check(request, "df", u.join(b.select("k").distinct(), "k"))


SQL = {
    "union": "SELECT k, s FROM sa UNION SELECT k, s FROM sb",
    "union_all": "SELECT k, s FROM sa UNION ALL SELECT k, s FROM sb",
    "union_distinct": "SELECT k FROM sa UNION DISTINCT SELECT k FROM sb",
    "intersect": "SELECT k, s FROM sa INTERSECT SELECT k, s FROM sb",
    "except": "SELECT k, s FROM sa EXCEPT SELECT k, s FROM sb",
    "minus": "SELECT k FROM sa MINUS SELECT k FROM sb",
    "intersect_all": "SELECT k, s FROM sa INTERSECT ALL SELECT k, s FROM sb",
    "except_all": "SELECT k, s FROM sa EXCEPT ALL SELECT k, s FROM sb",
    "minus_all": "SELECT k FROM sb MINUS ALL SELECT k FROM sa",
    "except_all_then_union": "SELECT k FROM sa EXCEPT ALL SELECT k FROM sb UNION ALL SELECT 7",
    "intersect_all_literals": "SELECT 1 AS a, NULL AS b UNION ALL SELECT 1, NULL INTERSECT ALL SELECT 1, NULL",
    "intersect_binds_tighter": "SELECT k FROM sa UNION SELECT k FROM sb INTERSECT SELECT k FROM sa",
    "three_unions": "SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2",
    "union_of_values_widens": "SELECT 1 AS x UNION ALL SELECT 2.5",
}


@pytest.fixture(scope="module")
def views(a, b):
    a.createOrReplaceTempView("sa")
    b.createOrReplaceTempView("sb")
    yield


@pytest.mark.parametrize("name", list(SQL))
def test_sql_set_operation(spark, views, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


def test_sql_union_order_by_limit(spark, views, request):
    df = spark.sql("SELECT k FROM sa UNION SELECT k FROM sb ORDER BY k DESC NULLS LAST LIMIT 3")
    golden.check(request, "df", df, ordered=True)


def test_nested_types_widen(spark, request):
    # array() is ARRAY<VOID> and map() MAP<VOID, VOID>: VALUES and UNION widen
    # them, and arrays / structs of numbers, field by field.
    golden.check(request, "values_arrays", spark.sql(
        "SELECT * FROM VALUES (1, ARRAY(1, 2, NULL)), (2, ARRAY()), (3, NULL) AS t(i, a)"))
    golden.check(request, "values_maps", spark.sql(
        "SELECT * FROM VALUES (1, MAP('x', 1.5)), (2, MAP()), (3, NULL) AS t(i, m)"))
    golden.check(request, "union_arrays", spark.sql(
        "SELECT array(1) AS a UNION ALL SELECT array() UNION ALL SELECT array(2.5)"))
    golden.check(request, "union_structs", spark.sql(
        "SELECT named_struct('a', 1, 'b', array()) AS s UNION ALL SELECT named_struct('a', 2L, 'b', array('x'))"))
