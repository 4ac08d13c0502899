"""When Spark raises an error, or skips work, because of how it plans a query, and its
implicit type coercion: each test pins one behaviour the differential fuzzer found sk8
getting wrong (tests/differential/cases), against answers recorded from real Spark.

- A failing constant (CAST('x' AS INT), 1 / 0) fails the query while Spark optimizes
  (ConstantFolding), with or without rows, unless it sits in a CASE branch or is in a
  column that column pruning removes.
- Over createDataFrame rows Spark runs projections and filters while it optimizes,
  before pruning (ConvertToLocalRelation): an expression failing on those rows fails
  the query even in a pruned column, and a filter keeping none of them empties what
  depends on it, failing constants included.
- A filter on a constant FALSE / NULL empties what depends on it (PruneFilters,
  PropagateEmptyRelation); a filter on TRUE goes, so unused aggregates go too.
- A null-intolerant operator does not evaluate its right side where its left is NULL.
- ANSI coercion: a string beside a boolean (AND / OR / NOT) is cast to BOOLEAN, beside a
  number in arithmetic to BIGINT or DOUBLE; Double.toString's two-digit form.
"""

from __future__ import annotations

from pyspark.sql import functions as F

import golden


def _local(spark):
    spark.createDataFrame([(1, "true", None, 0), (2, "", True, 0)],
                          "a int, s string, b boolean, z int").createOrReplaceTempView("pl_t")


# --- constant errors at planning ----------------------------------------------------

def test_constant_error_without_rows(spark, request):
    golden.check_error(request, "err", lambda: spark.range(0).select(F.lit(1) / F.lit(0)).collect())


def test_constant_error_in_aggregate_over_empty_table(spark, request):
    df = spark.createDataFrame([], "d bigint")
    golden.check_error(request, "err",
                       lambda: df.groupBy().agg(F.count(F.lit("1.5").cast("bigint")).alias("c")).collect())


def test_constant_error_in_filter_above_aggregate(spark, request):
    # cast('NULL' AS BIGINT) fails while planning, before sum(k / k) divides by zero.
    df = spark.createDataFrame([(0.0,)], "k double")
    q = (df.groupBy().agg(F.sum(F.col("k") / F.col("k")).alias("s"), F.count("k").alias("c"))
         .filter(F.lit("NULL") <= F.col("c")))
    golden.check_error(request, "err", lambda: q.collect())


def test_constant_error_in_case_branch_is_not_raised(spark, request):
    q = spark.range(3).select(F.when(F.col("id") > 5, F.lit(1) / F.lit(0)).alias("x"))
    golden.check(request, "rows", q)


def test_constant_error_in_join_condition(spark, request):
    spark.createDataFrame([(False, -34.6)], "a boolean, c double").createOrReplaceTempView("pl_j")
    golden.check_error(request, "err", lambda: spark.sql(
        "SELECT * FROM pl_j AS l JOIN pl_j AS r ON (l.a AND ('x' < l.c))").collect())


def test_constant_error_in_pruned_column_over_local_rows(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql(
        "SELECT c1 FROM (SELECT CAST('' AS DOUBLE) AS c0, a AS c1 FROM pl_t)").collect())


def test_constant_error_in_pruned_column_over_range(spark, request):
    golden.check(request, "rows", spark.sql("SELECT c1 FROM (SELECT CAST('' AS DOUBLE) AS c0, id AS c1 "
                                            "FROM range(3))"))


def test_constant_error_over_empty_local_rows(spark, request):
    spark.createDataFrame([], "a int").createOrReplaceTempView("pl_e")
    golden.check(request, "rows", spark.sql("SELECT a, CAST('x' AS INT) AS c FROM pl_e"))


def test_constant_error_above_false_filter_over_local_rows(spark, request):
    spark.createDataFrame([(None,)], "a int").createOrReplaceTempView("pl_n")
    golden.check(request, "rows", spark.sql(
        "SELECT * FROM (SELECT * FROM pl_n WHERE FALSE) WHERE ('b' <> a)"))


# --- empty relations and trivial filters --------------------------------------------

def test_join_with_null_filtered_side_skips_the_other(spark, request):
    spark.createDataFrame([(4, "b")], "k bigint, c string").createOrReplaceTempView("pl_r")
    spark.createDataFrame([("ab",)], "c string").createOrReplaceTempView("pl_l")
    golden.check(request, "rows", spark.sql(
        "SELECT l.c, r.k, r.c AS rc FROM (SELECT * FROM pl_l WHERE CAST(NULL AS BOOLEAN)) AS l, pl_r AS r "
        "WHERE r.c < r.k"))


def test_true_filter_lets_unused_aggregate_go(spark, request):
    spark.createDataFrame([(-9223372036854775808,)], "a bigint").createOrReplaceTempView("pl_m")
    # avg(a + a) overflows, but nothing reads it; CAST(avg(a) AS INT) overflows.
    golden.check_error(request, "err", lambda: spark.sql(
        "SELECT CAST(c2 AS INT) AS c1 FROM (SELECT * FROM (SELECT avg(a + a) AS c0, avg(a) AS c2 FROM pl_m) "
        "WHERE TRUE)").collect())


# --- null-intolerant operators ------------------------------------------------------

def test_null_left_skips_failing_right(spark, request):
    _local(spark)
    golden.check(request, "rows", spark.sql("SELECT b <= (a > a % z) AS x FROM pl_t WHERE a = 1"))


def test_non_null_left_evaluates_failing_right(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql(
        "SELECT (a % z) + CAST(b AS INT) AS x FROM pl_t WHERE a = 1").collect())


# --- implicit casts -----------------------------------------------------------------

def test_string_beside_boolean_in_and_or(spark, request):
    _local(spark)
    golden.check(request, "rows", spark.sql("SELECT b AND s AS x, s OR b AS y FROM pl_t WHERE a = 1"))


def test_string_beside_boolean_invalid(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql("SELECT NOT s FROM pl_t").collect())


def test_and_of_two_strings(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql("SELECT s AND s FROM pl_t").collect())


def test_and_of_int_and_boolean(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql("SELECT a AND b FROM pl_t").collect())


def test_string_in_arithmetic(spark, request):
    df = spark.createDataFrame([("7", "2.5")], "i string, d string")
    q = df.select((F.col("i") + 1).alias("plus"), (F.col("d") * 1.5).alias("times"),
                  (F.col("i") / 2).alias("div"), (F.lit(3) - F.col("i")).alias("minus"))
    golden.check(request, "rows", q)


def test_string_in_arithmetic_invalid(spark, request):
    _local(spark)
    golden.check_error(request, "err", lambda: spark.sql("SELECT s + 1 FROM pl_t WHERE a = 1").collect())


# --- Java's double formatting -------------------------------------------------------

def test_double_min_value_text(spark, request):
    q = spark.range(1).select(F.lit(5e-324), F.lit(1e22), F.lit(9e-300),
                              F.lit(5e-324).cast("string").alias("s"),
                              F.lit(1.4e-45).cast("float").cast("string").alias("f"))
    golden.check(request, "rows", q)


# --- projections and filters over createDataFrame rows run while planning ----------

def test_filter_keeping_no_local_rows_hides_failing_constant(spark, request):
    df = spark.createDataFrame([(1, "true"), (2, None)], "k int, b string")
    q = df.filter(F.col("b").cast("boolean") & F.lit(False)).groupBy("k").agg(
        F.count(F.lit("a b").cast("int")).alias("c"))
    golden.check(request, "rows", q)


def test_pruned_failing_column_over_local_rows(spark, request):
    df = spark.createDataFrame([("x", 1)], "s string, a int")
    golden.check_error(request, "err", lambda: df.select(F.col("s").cast("int").alias("bad"), "a")
                       .select("a").collect())


def test_pruned_failing_column_over_range(spark, request):
    q = spark.range(2).select(F.lit("x").cast("int").alias("bad"), "id")
    golden.check(request, "rows", q.select("id"))
