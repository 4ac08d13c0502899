"""DataFrame.transpose and DataFrame.sampleBy through the real PySpark client, answers
recorded from real Spark.

transpose: the index column (the first one by default) names the new columns (its
values cast to STRING, ordered by value, NULL index rows left out, duplicates kept),
the other columns become rows of their tightest common type under a non-null `key`;
its errors: index not an atomic column, no common type, too many rows, unknown column.

sampleBy: a row is kept when rand(seed) (one draw per row, per partition) is below its
stratum's fraction; strata match numbers of any numeric type, strings only strings."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame([("x", 1, 2.0), ("y", 3, 4.5), ("a", None, 1.0)], "k STRING, a INT, b DOUBLE")


def test_transpose_default_index(people, request):
    golden.check(request, "df", people.transpose())
    golden.check(request, "named", people.transpose("k"))
    golden.check(request, "col", people.transpose(F.col("k")))


def test_transpose_index_values(spark, request):
    # NULL index rows left out, duplicates kept, ordered by value (not by their names).
    df = spark.sql("SELECT * FROM VALUES (3, 1, 2L), (1, 3, 4L), (NULL, 5, 6L), (3, 7, 8L), (10, 9, 0L) t(i, a, b)")
    golden.check(request, "ints", df.transpose())
    golden.check(request, "doubles", spark.sql(
        "SELECT * FROM VALUES (1.5D, 1, 2), (-0.5D, 2, 3), (double('NaN'), 4, 5) t(i, a, b)").transpose())
    golden.check(request, "strings", spark.sql(
        "SELECT * FROM VALUES ('b', 1, 2), ('B', 2, 3), ('a', 3, 4) t(i, a, b)").transpose())
    golden.check(request, "dates", spark.sql(
        "SELECT * FROM VALUES (DATE'2020-01-02', 1), (DATE'2019-12-31', 2) t(i, a)").transpose())
    golden.check(request, "booleans", spark.sql("SELECT * FROM VALUES (true, 1), (false, 2) t(i, a)").transpose())
    golden.check(request, "decimals", spark.sql("SELECT * FROM VALUES (1.50BD, 1), (0.1BD, 2) t(i, a)").transpose())
    golden.check(request, "other_index", spark.sql("SELECT 1 i, 2 a, 3 b").transpose("a"))


def test_transpose_types(spark, request):
    golden.check(request, "int_bigint", spark.sql("SELECT 'x' i, 1 a, 2L b").transpose())
    golden.check(request, "float_int", spark.sql("SELECT 'x' i, 1.5F a, 2 b").transpose())
    golden.check(request, "strings", spark.sql("SELECT 'x' i, 'p' a, 'q' b").transpose())
    golden.check(request, "void", spark.sql("SELECT 1 i, NULL a, 2 b").transpose())
    golden.check(request, "struct", spark.sql("SELECT 1 i, named_struct('a', 1) a").transpose())


def test_transpose_edges(spark, request):
    golden.check(request, "no_rows", spark.sql("SELECT 1.5D i, 1 a, 2 b").limit(0).transpose())
    golden.check(request, "only_index", spark.sql("SELECT * FROM VALUES (2), (1) t(i)").transpose())
    golden.check(request, "null_index_only", spark.sql("SELECT CAST(NULL AS INT) i, 2 a").transpose())
    golden.check(request, "max_rows", spark.range(500).withColumn("x", F.col("id")).transpose().select("key", "0", "499"))


def test_transpose_errors(spark, request):
    golden.check_error(request, "no_common_type", lambda: spark.sql("SELECT 1 i, 's' a, 2 b").transpose().collect())
    golden.check_error(request, "decimal_int", lambda: spark.sql("SELECT 'x' i, 1 a, 2.5BD b").transpose().collect())
    golden.check_error(request, "array_index", lambda: spark.sql("SELECT array(1) i, 1 a").transpose().collect())
    golden.check_error(request, "map_index", lambda: spark.sql("SELECT map(1, 2) i, 1 a").transpose().collect())
    golden.check_error(request, "expression_index",
                       lambda: spark.sql("SELECT 1 i, 2 a").transpose(F.col("a") + 1).collect())
    # Spark proposes the input's columns in the order of a hash set: not compared.
    golden.check_error(request, "unknown_index", lambda: spark.sql("SELECT 1 i, 2 a").transpose("zz").collect(),
                       params=False)
    golden.check_error(request, "too_many_rows",
                       lambda: spark.range(501).withColumn("x", F.col("id")).transpose().collect())


def test_sample_by(spark, request):
    dataset = spark.range(0, 100, 1, 5).select((F.col("id") % 3).alias("key"), "id")
    golden.check(request, "doctest", dataset.sampleBy("key", fractions={0: 0.1, 1: 0.2}, seed=0))
    golden.check(request, "all", dataset.sampleBy(F.col("key"), fractions={2: 1.0}, seed=0))
    golden.check(request, "stat", dataset.stat.sampleBy("key", {0: 0.5, 1: 0.0, 2: 0.3}, 11))
    # A string stratum never matches a number.
    golden.check(request, "string_stratum", dataset.sampleBy("key", fractions={"0": 0.5}, seed=3))
    golden.check(request, "double_stratum", dataset.sampleBy("key", fractions={1.0: 0.5}, seed=3))
    one = spark.range(0, 40, 1, 1).select((F.col("id") % 2).alias("key"), "id")
    golden.check(request, "one_partition", one.sampleBy("key", fractions={0: 0.5, 1: 0.3}, seed=11))
    strings = spark.range(0, 30, 1, 2).select(F.concat(F.lit("k"), (F.col("id") % 3).cast("string")).alias("s"), "id")
    golden.check(request, "strings", strings.sampleBy("s", fractions={"k0": 0.6, "k2": 0.9}, seed=5))


def test_sample_by_errors(spark, request):
    dataset = spark.range(0, 10, 1, 1).select((F.col("id") % 3).alias("key"))
    golden.check_error(request, "unknown_column", lambda: dataset.sampleBy("zz", fractions={0: 0.5}, seed=0).count())


def partition_counts(df):
    return df.select(F.spark_partition_id().alias("p")).groupBy("p").count()


def test_repartition_round_robin(spark, request):
    # Each input partition p deals its rows out from XORShiftRandom(p).nextInt(n) + 1 on:
    # how many rows each partition gets is Spark's (which rows, not compared: Spark
    # first sorts each input partition by the rows' bytes).
    golden.check(request, "one_input", partition_counts(spark.range(0, 20, 1, 1).repartition(4)))
    golden.check(request, "three_inputs", partition_counts(spark.range(0, 20, 1, 3).repartition(6)))
    golden.check(request, "doctest", spark.range(0, 64, 1, 9).repartition(10).select(
        F.spark_partition_id().alias("partition")).distinct())
    golden.check(request, "count", spark.range(0, 50, 1, 2).repartition(7).select(
        F.count("*"), F.sum("id")))


def test_repartition_hash(spark, request):
    # pmod(hash(cols), n): Spark's Murmur3 partitioning.
    df = spark.range(0, 30, 1, 3).withColumn("k", F.col("id") % 7).withColumn("s", F.concat(F.lit("n"), "k"))
    golden.check(request, "int", df.repartition(5, "k").select("id", "k", F.spark_partition_id()))
    golden.check(request, "two_columns", df.repartition(3, "s", "id").select("id", F.spark_partition_id()))
    golden.check(request, "expression", df.repartition(4, F.col("id") * 2).select("id", F.spark_partition_id()))
    golden.check(request, "doctest", spark.range(0, 64, 1, 9).withColumn("age", F.col("id") - 32).repartition(
        7, "age").select(F.spark_partition_id().alias("partition")).distinct())


def test_repartition_by_range(spark, request):
    df = spark.createDataFrame([(14, "Tom"), (23, "Alice"), (16, "Bob")], ["age", "name"])
    golden.check_show(request, "doctest", df.repartitionByRange(2, "age").select("age", "name", F.spark_partition_id()))
    data = spark.range(0, 40, 1, 2).withColumn("k", (F.col("id") * 7) % 11)
    golden.check(request, "ties", data.repartitionByRange(3, "k").select("id", "k", F.spark_partition_id()))
    golden.check(request, "descending", data.repartitionByRange(4, F.col("k").desc()).select(
        "id", "k", F.spark_partition_id()))
    golden.check(request, "two_keys", data.repartitionByRange(5, "k", F.col("id").desc()).select(
        "id", F.spark_partition_id()))
    nulls = spark.sql("SELECT * FROM VALUES (1), (NULL), (3), (2), (NULL), (5) t(v)")
    golden.check(request, "nulls", nulls.repartitionByRange(2, "v").select("v", F.spark_partition_id()))


def test_pivot_nested_column(spark, request):
    # pivot("sales.course") without values: its distinct values are sorted by their own column.
    from pyspark.sql import Row
    df = spark.createDataFrame([
        Row(training="expert", sales=Row(course="dotNET", year=2012, earnings=10000)),
        Row(training="junior", sales=Row(course="Java", year=2012, earnings=20000)),
        Row(training="expert", sales=Row(course="dotNET", year=2012, earnings=5000)),
        Row(training="junior", sales=Row(course="dotNET", year=2013, earnings=48000)),
        Row(training="expert", sales=Row(course="Java", year=2013, earnings=30000)),
    ])
    golden.check(request, "values", df.groupBy("sales.year").pivot("sales.course").agg(F.sum("sales.earnings")))
    golden.check(request, "count", df.groupBy("training").pivot("sales.year").count())


def test_sample_by_fraction_out_of_range(spark, request):
    # Spark's `require`: an IllegalArgumentException without an error class.
    dataset = spark.range(0, 10, 1, 1).select((F.col("id") % 3).alias("key"))
    golden.check_error(request, "above_one", lambda: dataset.sampleBy("key", fractions={0: 1.5}, seed=0).count())
    golden.check_error(request, "negative", lambda: dataset.sampleBy("key", fractions={"a": 0.5, 1: -0.1}).count())


def test_repartition_by_id(spark, request):
    # The column names each row's partition: pmod(value, n), NULL in partition 0.
    df = spark.range(10).withColumn("p", (F.col("id") % 3).cast("int"))
    golden.check(request, "doctest", df.repartitionById(3, "p").select("id", "p", F.spark_partition_id()))
    golden.check(request, "wraps", df.repartitionById(2, "p").select("id", F.spark_partition_id()))
    golden.check(request, "nulls_negative", df.withColumn(
        "p", F.when(F.col("id") < 3, None).otherwise(F.col("p") - 2)).repartitionById(3, "p").select(
        "id", F.spark_partition_id()))
    golden.check(request, "expression", df.repartitionById(3, F.col("p") + 1).select("id", F.spark_partition_id()))
    golden.check_error(request, "bigint", lambda: df.withColumn("p", F.col("id") % 3).repartitionById(3, "p").collect())
