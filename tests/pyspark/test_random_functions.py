"""Nondeterministic functions through the real PySpark client, answers recorded from
real Spark: rand / random, randn, uniform, randstr, uuid and shuffle with a seed
(Spark's XORShiftRandom and MersenneTwister, seeded per partition with seed +
partition index), spark_partition_id and monotonically_increasing_id over ranges
with explicit partitions, and the errors for bad seeds, bounds and lengths."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


def test_rand_randn_seeded(spark, request):
    df = spark.range(0, 20, 1, 1)
    golden.check(request, "df", df.select("id", F.rand(42), F.randn(42), F.rand(-7), F.randn(0),
                                          F.rand(2**40), F.randn(-(2**62))), ordered=True)


def test_rand_sql_forms(spark, request):
    golden.check(request, "sql", spark.sql(
        "SELECT rand(1), rand(NULL), rand(1L), randn(1), random(3), randn(NULL), rand(0) FROM range(0, 3, 1, 1)"),
        ordered=True)


def test_rand_partitions(spark, request):
    # range(start, end, step, numPartitions): each partition seeds seed + its index.
    df = spark.range(0, 11, 1, 3)
    golden.check(request, "df", df.select("id", F.spark_partition_id(), F.monotonically_increasing_id(),
                                          F.rand(5), F.randn(5), F.uuid(9), F.randstr(F.lit(4), F.lit(9))),
                 ordered=True)


def test_partition_ids_doctest(spark, request):
    golden.check_show(request, "show", spark.range(10, numPartitions=5).select("*", F.spark_partition_id()))
    golden.check_show(request, "ids", spark.range(0, 10, 1, 2).select(
        "*", F.spark_partition_id(), F.monotonically_increasing_id()))


def test_rand_after_filter(spark, request):
    df = spark.range(0, 30, 1, 1).filter("id % 3 = 0")
    golden.check(request, "df", df.select("id", F.rand(11), F.monotonically_increasing_id()), ordered=True)


def test_rand_local_relation(spark, request):
    df = spark.createDataFrame([(1,), (2,), (3,), (None,)], "x INT")
    golden.check(request, "df", df.select("x", F.rand(3), F.randn(3), F.uuid(3)), ordered=True)


def test_uniform(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT uniform(5, 105, 3), uniform(5.0, 10, 3), uniform(5, 10.5D, 3), uniform(1L, 2, 3),
               uniform(CAST(1 AS SMALLINT), CAST(9 AS TINYINT), 3), uniform(1.5F, 2, 3),
               uniform(5, 10.0, 3) AS d1, uniform(5.123, 10.5, 3) AS d2, uniform(5.0, 2.5F, 3) AS f,
               uniform(10, 1, 3) AS reversed, uniform(1, 1, 3) AS same,
               uniform(-2147483648, 2147483647, 3) AS wide
        FROM range(0, 5, 1, 1)"""), ordered=True)
    golden.check(request, "nulls", spark.sql("SELECT uniform(NULL, 1, 3), uniform(1, NULL, 3), uniform(1, 2, NULL)"))
    golden.check_show(request, "doctest", spark.range(0, 10, 1, 1).select(F.uniform(5, 105, 3)))


def test_uniform_errors(spark, request):
    golden.check_error(request, "string", lambda: spark.sql("SELECT uniform('a', 1, 3)").collect())
    golden.check_error(request, "seed_type", lambda: spark.sql("SELECT uniform(1, 2, 3.0)").collect())
    golden.check_error(request, "seed_column", lambda: spark.sql("SELECT uniform(1, 2, id) FROM range(2)").collect())
    golden.check_error(request, "min_column", lambda: spark.sql("SELECT uniform(id, 2, 3) FROM range(2)").collect())


def test_randstr(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT randstr(5, 0), randstr(0, 0), randstr(CAST(3 AS TINYINT), 1L), randstr(5L, 0) AS l,
               randstr(5, NULL) AS null_seed, randstr(NULL, 0) AS null_length, randstr('3', 1) AS s
        FROM range(0, 4, 1, 1)"""), ordered=True)
    golden.check_show(request, "doctest", spark.range(0, 10, 1, 1).select(F.randstr(16, 3)))


def test_randstr_errors(spark, request):
    golden.check_error(request, "negative", lambda: spark.sql("SELECT randstr(-1, 0)").collect())
    golden.check_error(request, "column", lambda: spark.sql("SELECT randstr(id, 0) FROM range(1)").collect())
    golden.check_error(request, "seed_type", lambda: spark.sql("SELECT randstr(3, 1.5)").collect())


def test_uuid(spark, request):
    golden.check(request, "df", spark.range(0, 5, 1, 1).select(F.uuid(123), F.uuid(0)), ordered=True)
    golden.check(request, "sql", spark.sql("SELECT uuid(1), uuid(2L)"))
    # Without a seed: a fresh random UUID each row.
    rows = spark.range(0, 50, 1, 1).select(F.uuid().alias("u")).collect()
    assert len({r.u for r in rows}) == 50 and all(len(r.u) == 36 and r.u[14] == "4" for r in rows)


def test_uuid_errors(spark, request):
    golden.check_error(request, "column", lambda: spark.sql("SELECT uuid(id) FROM range(1)").collect())
    golden.check_error(request, "decimal", lambda: spark.sql("SELECT uuid(1.5)").collect())


def test_shuffle(spark, request):
    df = spark.createDataFrame([([1, 20, 3, 5],), ([1, 20, None, 5],), ([],), (None,), ([7],),
                                (list(range(40)),)], "data ARRAY<INT>")
    golden.check(request, "df", df.select("data", F.shuffle("data", 123), F.shuffle(F.col("data"), F.lit(-5))),
                 ordered=True)
    golden.check(request, "sql", spark.sql(
        "SELECT shuffle(array(1,2,3), 1), shuffle(NULL, 1), shuffle(array(), 1), shuffle(array('a', 'b'), 2L)"))
    golden.check_show(request, "doctest", spark.sql("SELECT ARRAY(1, 2, 2, 3, 3, 3) AS data").select(
        "*", F.shuffle("data", 345)))


def test_shuffle_errors(spark, request):
    golden.check_error(request, "not_array", lambda: spark.sql("SELECT shuffle(1, 1)").collect())
    golden.check_error(request, "seed_column",
                       lambda: spark.sql("SELECT shuffle(array(1,2,3), id) FROM range(1)").collect())


def test_rand_errors(spark, request):
    golden.check_error(request, "decimal", lambda: spark.sql("SELECT rand(1.0)").collect())
    golden.check_error(request, "column", lambda: spark.sql("SELECT rand(id) FROM range(1)").collect())
    golden.check_error(request, "string", lambda: spark.sql("SELECT rand('1')").collect())
    golden.check_error(request, "smallint", lambda: spark.sql("SELECT rand(CAST(1 AS SMALLINT))").collect())
    golden.check_error(request, "two_args", lambda: spark.sql("SELECT rand(1, 2)").collect())
    golden.check_error(request, "randn_column", lambda: spark.sql("SELECT randn(id) FROM range(1)").collect())


def test_nondeterministic_not_folded(spark, request):
    # Two calls without a seed differ; the same seeded call twice agrees row by row.
    rows = spark.range(0, 100, 1, 1).select(F.rand().alias("a"), F.rand().alias("b")).collect()
    assert any(r.a != r.b for r in rows)
    assert len({r.a for r in rows}) == 100
    golden.check(request, "df", spark.range(0, 4, 1, 1).select(F.rand(1).alias("a")).select(
        "a", (F.col("a") * 2).alias("twice")), ordered=True)


def test_seedless_names(spark):
    df = spark.sql("SELECT rand(), randn(), uuid(), shuffle(array(1)), uniform(1, 2), randstr(3)")
    names = df.columns
    assert names[0].startswith("rand(") and names[1].startswith("randn(")
    assert names[2:] == ["uuid()", "shuffle(array(1))", "uniform(1, 2)", "randstr(3)"]
    assert [f.nullable for f in df.schema.fields] == [False] * 6


def test_many_rows_one_partition(spark, request):
    # Beyond one morsel: the generator runs on over the whole partition.
    df = spark.range(0, 200000, 1, 1).select("id", F.rand(7).alias("r"), F.monotonically_increasing_id().alias("m"))
    golden.check(request, "tail", df.filter("id >= 199995 OR id < 3"), ordered=True)
    golden.check(request, "agg", spark.range(0, 200000, 1, 1).select(F.rand(7).alias("r")).agg(
        F.count("r"), F.countDistinct("r")))


def test_limit_and_show_over_partitions(spark, request):
    # A limit or show over rand(seed) reads only the rows it returns, and keeps
    # each row's partition where Spark's range splits them.
    golden.check(request, "limit", spark.range(0, 10, 1, 2).select("id", F.rand(4), F.monotonically_increasing_id())
                 .limit(7), ordered=True)
    golden.check_show(request, "show", spark.range(0, 10, 1, 3).select("id", F.rand(4), F.spark_partition_id()), n=8)
    golden.check_show(request, "show_one", spark.range(0, 100000, 1, 1).select("id", F.randn(4)), n=3)
    golden.check(request, "order_by", spark.range(0, 200, 1, 1).orderBy(F.rand(9)).limit(5), ordered=True)


def test_coalesce_one_partition(spark, request):
    golden.check(request, "coalesce", spark.range(0, 10, 1, 3).coalesce(1).select(
        "id", F.spark_partition_id(), F.monotonically_increasing_id(), F.rand(2)), ordered=True)
    golden.check(request, "distinct", spark.range(0, 10, 1, 3).select(
        F.spark_partition_id().alias("partition")).distinct().sort("partition"), ordered=True)


def test_draws_only_where_evaluated(spark, request):
    # Spark draws the next value only for the rows a CASE WHEN branch reaches.
    df = spark.range(0, 8, 1, 1)
    golden.check(request, "when", df.select("id", F.when(F.col("id") > 2, F.rand(1)).otherwise(F.lit(-1.0)),
                                            F.when(F.col("id") % 2 == 0, F.monotonically_increasing_id())),
                 ordered=True)
    golden.check(request, "filter", df.filter(F.rand(3) > 0.5), ordered=True)


def test_aggregate_of_nondeterministic(spark, request):
    golden.check_error(request, "sum", lambda: spark.range(0, 10, 1, 1).agg(F.sum(F.rand(5))).collect())


RANDOM_CALLS = {
    "random_seeded": "SELECT id, random(7), random(0L), random(NULL) FROM range(0, 5, 1, 1)",
    "random_typeof": "SELECT typeof(random()), random() >= 0 AND random() < 1",
    "random_bad_seed": "SELECT random('x')",
    "random_column_seed": "SELECT random(id) FROM range(3)",
}


RANDOM_CALLS_DIFFER = {"random_typeof": "sk8 names SQL's seedless rand() with its generated seed"}



@pytest.mark.parametrize("name", golden.known_differences(RANDOM_CALLS, RANDOM_CALLS_DIFFER))
def test_random_named_calls(spark, request, name):
    golden.check_sql(request, "sql", spark, RANDOM_CALLS[name])
