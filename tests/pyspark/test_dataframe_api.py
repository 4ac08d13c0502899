"""The rest of the DataFrame API through the real PySpark client, answers recorded
from real Spark: describe / summary (Spark's number formatting, percentiles as
percentile_approx computes them), crosstab, freqItems, approxQuantile, sample and
randomSplit (one partition: Spark's XORShiftRandom gives the same rows for the same
seed), methods that keep the rows (hint, repartition, coalesce,
repartitionByRange, sortWithinPartitions), to(schema), checkpoint, persist and
storageLevel, explain modes, and the small methods (head, tail, offset, ...)."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

import golden


@pytest.fixture(scope="module")
def t(spark):
    return spark.createDataFrame(
        [(1, 2.0, "x", True), (2, 4.5, "10", False), (3, None, "y", None), (4, 8.25, "2.5", True),
         (None, 1.0, None, False), (6, 12.0, "x", True)],
        "a INT, b DOUBLE, s STRING, f BOOLEAN")


# --- describe / summary ----------------------------------------------------------

def test_describe(t, request):
    golden.check(request, "all", t.describe(), ordered=True)
    golden.check(request, "one", t.describe("b"), ordered=True)
    golden.check_show(request, "show", t.describe("a", "s"))


def test_summary(t, request):
    golden.check(request, "default", t.summary(), ordered=True)
    golden.check(request, "chosen", t.summary("count", "min", "33%", "max", "count_distinct"), ordered=True)
    golden.check_show(request, "show", t.select("a", "b").summary())


def test_summary_no_numeric_columns(spark, request):
    df = spark.createDataFrame([(True,), (False,)], "f BOOLEAN")
    golden.check(request, "bools", df.summary("count", "max"), ordered=True)


def test_summary_percentiles_larger(spark, request):
    df = spark.range(0, 1000, 1, 1).select((F.col("id") * 7 % 1000).alias("v"), (F.col("id") / 3).alias("d"))
    golden.check(request, "percentiles", df.summary("10%", "50%", "99%", "mean", "stddev"), ordered=True)


def test_summary_bad_statistic(t, request):
    golden.check_error(request, "unknown", lambda: t.summary("median").collect())


# --- crosstab, freqItems, approxQuantile ---------------------------------------------

def test_crosstab(spark, request):
    df = spark.createDataFrame([(1, "a"), (1, "b"), (2, "a"), (2, "a"), (None, "c"), (3, None)], "k INT, v STRING")
    golden.check(request, "kv", df.crosstab("k", "v"))
    golden.check(request, "vk", df.stat.crosstab("v", "k"))


def test_freq_items(spark, request):
    df = spark.createDataFrame([(1, "a"), (1, "a"), (1, "b"), (2, "a"), (3, "a"), (1, "c")], "k INT, v STRING")
    rows = df.freqItems(["k", "v"], 0.4).collect()
    golden.check_value(request, "items", [sorted(x, key=str) for x in rows[0]])
    golden.check_value(request, "columns", df.stat.freqItems(["k"]).columns)


def test_approx_quantile(spark, request):
    df = spark.range(0, 1000, 1, 1).select((F.col("id") * 37 % 1000).alias("v"), (F.col("id") % 17).alias("w"))
    golden.check_value(request, "exact", df.approxQuantile("v", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0], 0.0))
    golden.check_value(request, "approx", df.approxQuantile(["v", "w"], [0.1, 0.5, 0.75], 0.05))
    golden.check_value(request, "coarse", df.stat.approxQuantile("v", [0.3, 0.6], 0.25))


def test_approx_quantile_nulls(t, request):
    golden.check_value(request, "nulls", t.approxQuantile(["a", "b"], [0.25, 0.5, 0.75], 0.0))


# --- sample, randomSplit -------------------------------------------------------------

def test_sample_one_partition(spark, request):
    df = spark.range(0, 100, 1, 1)
    golden.check(request, "fraction", df.sample(fraction=0.3, seed=7), ordered=True)
    golden.check(request, "other_seed", df.sample(False, 0.5, 42), ordered=True)
    golden.check_value(request, "full", df.sample(1.0).count())


def test_sample_with_replacement_is_deterministic(spark):
    # Spark draws Poisson counts from commons-math: the rows differ, the seed still decides them.
    df = spark.range(0, 200, 1, 1)
    first = df.sample(True, 0.5, 3).collect()
    assert first == df.sample(True, 0.5, 3).collect()
    assert 50 < len(first) < 150


def test_random_split(spark, request):
    df = spark.range(0, 60, 1, 1)
    splits = df.randomSplit([1.0, 2.0], 24)
    golden.check_value(request, "splits", [[r.id for r in s.collect()] for s in splits])


# --- methods that keep the rows ------------------------------------------------------

def test_same_rows(t, request):
    golden.check(request, "hint", t.hint("broadcast"))
    golden.check(request, "repartition", t.repartition(3))
    golden.check(request, "repartition_cols", t.repartition(2, "a"))
    golden.check(request, "coalesce", t.coalesce(1))
    golden.check(request, "by_range", t.repartitionByRange(2, "a"))
    golden.check(request, "within", t.sortWithinPartitions("a"))


def test_drop_duplicates_within_watermark_batch(t, request):
    golden.check_error(request, "batch", lambda: t.dropDuplicatesWithinWatermark(["f"]).collect())


def test_repartition_unknown_column(t, request):
    golden.check_error(request, "missing", lambda: t.repartition(2, "nope").collect(), params=False)


def test_to_schema(t, request):
    schema = StructType([StructField("s", StringType()), StructField("a", LongType())])
    golden.check(request, "reordered", t.to(schema))


def test_with_columns_and_renames(t, request):
    golden.check(request, "with_columns", t.withColumns({"c": F.col("a") + 1, "b": F.lit(0.5)}))
    golden.check(request, "renamed", t.withColumnsRenamed({"a": "x", "s": "y"}))
    golden.check(request, "drop_several", t.drop("a", "s"))
    golden.check(request, "to_df", t.toDF("p", "q", "r", "u"))
    golden.check(request, "transform", t.transform(lambda df: df.select("a")))


def test_local_checkpoint(t, request):
    golden.check(request, "local", t.localCheckpoint())
    golden.check(request, "filtered", t.localCheckpoint(eager=False).filter("a > 2"))


@pytest.mark.sk8_only
def test_checkpoint_keeps_rows(t):
    # Real Spark needs a checkpoint directory first; sk8 keeps the rows for the session.
    assert sorted(t.checkpoint().collect(), key=str) == sorted(t.collect(), key=str)


def test_persist_levels(spark, request):
    from pyspark.storagelevel import StorageLevel

    df = spark.range(7)
    before = df.storageLevel
    df.cache()
    cached = df.storageLevel
    other = spark.range(8).persist(StorageLevel.DISK_ONLY)
    disk = other.storageLevel
    df.unpersist()
    other.unpersist()
    golden.check_value(request, "levels", [str(before), str(cached), str(disk), str(df.storageLevel)])


def test_head_tail_and_friends(t, request):
    ordered = t.orderBy("b")
    golden.check_rows(request, "head", ordered.head(2), ordered=True)
    golden.check_rows(request, "take", ordered.take(3), ordered=True)
    golden.check_rows(request, "tail", ordered.tail(2), ordered=True)
    golden.check_value(request, "first", ordered.first())
    golden.check(request, "offset", ordered.offset(4), ordered=True)
    golden.check_value(request, "empty", [t.isEmpty(), t.filter("a > 100").isEmpty()])


def test_except_intersect_all(spark, request):
    a = spark.createDataFrame([(1,), (1,), (2,), (3,), (3,), (3,)], "x INT")
    b = spark.createDataFrame([(1,), (3,), (3,), (4,)], "x INT")
    golden.check(request, "except_all", a.exceptAll(b))
    golden.check(request, "intersect_all", a.intersectAll(b))


def test_explain_modes(t, capsys):
    # The plans are sk8's own; the sections are Spark's.
    df = t.filter("a > 1").select("a")
    df.explain(extended=True)
    text = capsys.readouterr().out
    for section in ("== Parsed Logical Plan ==", "== Analyzed Logical Plan ==", "== Optimized Logical Plan ==",
                    "== Physical Plan =="):
        assert section in text
    assert "a: int" in text
    df.explain(mode="cost")
    assert "Statistics(sizeInBytes=" in capsys.readouterr().out
    df.explain(mode="formatted")
    assert "(1) " in capsys.readouterr().out
    df.explain(mode="codegen")
    assert "WholeStageCodegen" in capsys.readouterr().out


@pytest.mark.sk8_only
def test_map_in_pandas_refused(t):
    def identity(batches):
        yield from batches

    with pytest.raises(Exception, match="UNSUPPORTED"):
        t.mapInPandas(identity, t.schema).collect()


def test_col_regex(t, request):
    golden.check(request, "regex", t.select(t.colRegex("`(a|s)`")))
    golden.check(request, "prefix", t.select(t.colRegex("`[bf].*`"), "a"))
    golden.check(request, "plain", t.select(t.colRegex("a")))


def test_observe(t, request):
    from pyspark.sql import Observation

    observation = Observation("metrics")
    observed = t.observe(observation, F.count(F.lit(1)).alias("count"), F.max("a"), F.sum("b").alias("total"))
    golden.check(request, "rows", observed.filter("a > 1"))
    golden.check_value(request, "metrics", observation.get)


def test_drop_ambiguous(spark, request):
    left = spark.createDataFrame([(14, "Tom"), (23, "Alice")], ["age", "name"])
    right = spark.createDataFrame([(80, "Tom"), (85, "Bob")], ["height", "name"])
    both = left.join(right)
    golden.check(request, "by_name", both.drop("name"))
    golden.check(request, "missing_column", both.drop(F.col("nope")))
    golden.check_error(request, "ambiguous", lambda: both.drop(F.col("name")).collect())


def test_struct_star(spark, request):
    df = spark.sql("SELECT ARRAY(NAMED_STRUCT('a', 1, 'b', 'x'), NAMED_STRUCT('a', 3, 'b', NULL)) AS arr")
    golden.check(request, "exploded", df.select(F.explode("arr").alias("s")).select("s.*"))
    golden.check(request, "sql", spark.sql("SELECT s.*, s.a + 1 FROM (SELECT named_struct('a', 1, 'b', 'x') AS s)"))
    nested = spark.sql("SELECT named_struct('a', id % 2, 'b', 'x') AS s, id FROM range(5)")
    golden.check(request, "group_by_field", nested.groupBy("s.a").agg(F.sum("id"), F.max("s.b")))
    golden.check(request, "sql_group_by_field", spark.sql(
        "SELECT s.a, s.a + 1, count(*) FROM (SELECT named_struct('a', id % 2) AS s FROM range(5)) GROUP BY s.a"))
    golden.check_error(request, "unknown_target", lambda: spark.sql("SELECT zz.* FROM (SELECT 1 AS a)").collect())
    golden.check_error(request, "not_a_struct", lambda: spark.sql("SELECT a.* FROM (SELECT 1 AS a)").collect())


def test_star_in_function_arguments(spark, request):
    golden.check(request, "sql", spark.sql(
        "SELECT hash(*), xxhash64(*), concat_ws('-', *), struct(*), array(t.*) FROM VALUES (1, 2), (3, 4) AS t(x, y)"))
    df = spark.createDataFrame([(1, "a"), (2, "b")], "x INT, s STRING")
    golden.check(request, "df", df.select(F.hash("*"), F.struct("*")))
    golden.check(request, "current_catalog", spark.sql(
        "SELECT current_catalog(), date_from_unix_date(id), date_from_unix_date(CAST(id AS SMALLINT)) FROM range(2)"))
    golden.check_error(request, "unix_date_overflow",
                       lambda: spark.sql("SELECT date_from_unix_date(3000000000L)").collect())
