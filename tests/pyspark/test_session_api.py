"""Session-level API through the PySpark client: AnalyzePlan variants, config,
large local data (uploaded as cached artifacts), SQL, temp views, aggregation.
Answers recorded from real Spark."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import functions as F
from pyspark.sql.functions import col

import golden


# --- AnalyzePlan ----------------------------------------------------------------

def test_spark_version(spark, request):
    golden.check_value(request, "version", spark.version)


def test_is_local_streaming_input_files(spark, request):
    local = spark.createDataFrame([(1,)], ["a"])
    golden.check_value(request, "flags", {
        "local_is_local": local.isLocal(),
        "local_is_streaming": local.isStreaming,
        "range_is_streaming": spark.range(3).isStreaming,
        "range_input_files": spark.range(3).inputFiles(),
    })


def test_same_semantics(spark, request):
    a = spark.range(10).filter(col("id") > 3)
    b = spark.range(10).filter(col("id") > 3)
    c = spark.range(10).filter(col("id") > 4)
    golden.check_value(request, "same", {"a_b": a.sameSemantics(b), "a_c": a.sameSemantics(c)})


def test_persist_and_storage_level(spark, request):
    df = spark.range(5).persist()
    assert df.count() == 5
    level = df.storageLevel
    golden.check_value(request, "level", {"disk": level.useDisk, "memory": level.useMemory,
                                          "replication": level.replication})
    df.unpersist()


def test_ddl_schema_parse(spark, request):
    df = spark.createDataFrame([(1, "x", 2.5)], "a INT, b STRING, c DOUBLE")
    golden.check(request, "ddl", df)


def test_print_schema_nested(spark, request, capsys):
    df = spark.createDataFrame([(1, [1, 2], {"k": 1.5}, (3, "s"))],
                               "a INT, arr ARRAY<INT>, m MAP<STRING, DOUBLE>, st STRUCT<x: INT, y: STRING>")
    df.printSchema()
    golden.check_text(request, "tree", capsys.readouterr().out)
    df.printSchema(level=1)
    golden.check_text(request, "tree_level1", capsys.readouterr().out)


# --- Config -------------------------------------------------------------------

def test_conf_roundtrip(spark, request):
    conf = spark.conf
    conf.set("spark.sk8.test.key", "v1")
    values = {
        "get": conf.get("spark.sk8.test.key"),
        "get_default_unset": conf.get("spark.sk8.test.missing", "dflt"),
        "ansi": conf.get("spark.sql.ansi.enabled"),
        "modifiable_ansi": conf.isModifiable("spark.sql.ansi.enabled"),
        "modifiable_warehouse": conf.isModifiable("spark.sql.warehouse.dir"),
    }
    conf.unset("spark.sk8.test.key")
    values["after_unset"] = conf.get("spark.sk8.test.key", None)
    golden.check_value(request, "conf", values)


def test_conf_missing_key_error(spark, request):
    golden.check_error(request, "missing", lambda: spark.conf.get("spark.sk8.no.such.key"))


# --- Large local data: uploaded as cached artifacts ------------------------------

def test_large_create_dataframe(spark, request):
    n = 200_000  # a few MB: above spark.sql.session.localRelationCacheThreshold (1 MiB)
    pdf = pd.DataFrame({"a": np.arange(n, dtype=np.int64),
                        "b": np.arange(n, dtype=np.float64) / 4,
                        "s": [f"s{i % 1000}" for i in range(n)]})
    df = spark.createDataFrame(pdf)
    golden.check(request, "agg", df.agg(F.count("a"), F.sum("a"), F.sum("b"), F.min("s"), F.max("s")))
    golden.check(request, "filtered", df.filter(col("a") % 50_000 == 7).select("a", "s"), ordered=True)


# --- Aggregation and ordering --------------------------------------------------

def test_group_by_agg(spark, request):
    df = spark.createDataFrame([("a", 1, 1.5), ("b", 2, None), ("a", None, 2.5), (None, 4, 0.5)],
                               "k STRING, v INT, d DOUBLE")
    golden.check(request, "grouped", df.groupBy("k").agg(F.count("*"), F.count("v"), F.sum("v"), F.avg("d"),
                                                         F.min("v"), F.max("d")))
    golden.check(request, "global", df.agg(F.sum("v").alias("total"), F.count(col("k"))))
    golden.check(request, "empty_global", df.filter(col("v") > 100).agg(F.count("*"), F.sum("v")))


def test_order_by(spark, request):
    df = spark.createDataFrame([(3, "c"), (1, None), (2, "b"), (None, "a")], "n INT, s STRING")
    golden.check(request, "asc", df.orderBy("n"), ordered=True)
    golden.check(request, "desc", df.orderBy(col("n").desc()), ordered=True)
    golden.check(request, "desc_nulls_last_s", df.orderBy(col("s").desc_nulls_last()), ordered=True)


# --- SQL and temp views ----------------------------------------------------------

def test_sql_over_temp_view(spark, request):
    spark.createDataFrame([(1, "x"), (2, "y"), (3, "x")], "id INT, tag STRING").createOrReplaceTempView("t_sql")
    golden.check(request, "select", spark.sql("SELECT id, id * 2 AS twice, tag FROM t_sql WHERE id > 1"))
    golden.check(request, "literals", spark.sql("SELECT 1, 1L, 1.5, 'a', true, NULL"))
    golden.check(request, "group", spark.sql("SELECT tag, count(*) AS n, sum(id) FROM t_sql GROUP BY tag"))
    golden.check(request, "order_limit", spark.sql("SELECT id FROM t_sql ORDER BY id DESC LIMIT 2"), ordered=True)


def test_select_expr_and_string_filter(spark, request):
    df = spark.range(6)
    golden.check(request, "select_expr", df.selectExpr("id", "id + 1 AS next", "id % 2 = 0"))
    golden.check(request, "filter_string", df.filter("id >= 4"))


def test_sql_resolution_of_hidden_references(spark, request):
    spark.createDataFrame([(1, "x", 10), (2, "y", 20), (3, "x", 30), (4, "z", 5)],
                          "id INT, tag STRING, v INT").createOrReplaceTempView("t_hidden")
    queries = {
        "having_aggregate": "SELECT tag, count(*) AS n FROM t_hidden GROUP BY tag HAVING count(*) > 1",
        "order_by_aggregate": "SELECT tag, sum(v) FROM t_hidden GROUP BY tag ORDER BY sum(v) DESC",
        "order_by_unselected": "SELECT id FROM t_hidden ORDER BY v",
        "group_by_alias": "SELECT tag AS k, count(*) FROM t_hidden GROUP BY k ORDER BY k",
        "having_alias": "SELECT tag, max(v) m FROM t_hidden GROUP BY tag HAVING m > 10 ORDER BY tag",
        "distinct": "SELECT DISTINCT tag FROM t_hidden ORDER BY tag",
        "global_aggregate_expression": "SELECT count(*), sum(v) / count(v) FROM t_hidden WHERE id > 1",
    }
    for name, query in queries.items():
        golden.check(request, name, spark.sql(query), ordered="ORDER BY" in query)
    df = spark.table("t_hidden")
    golden.check(request, "df_filter_dropped_column", df.select("id").filter(F.col("v") > 10))
    golden.check(request, "df_order_by_aggregate_alias",
                 df.groupBy("tag").agg(F.sum("v").alias("s")).orderBy(F.col("s").desc()), ordered=True)


def test_builder_options_are_applied(connect_url):
    """Builder options arrive as silent config sets: runtime ones apply, static ones
    (spark.app.name) are ignored without failing the session."""
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(connect_url).appName("sk8-test").config(
        "spark.sql.shuffle.partitions", "4").create()
    try:
        assert session.conf.get("spark.sql.shuffle.partitions") == "4"
        assert session.range(3).count() == 3
    finally:
        session.stop()


def test_case_when_in_like(spark, request):
    df = spark.createDataFrame([(1, "apple"), (0, "banana"), (None, "cherry"), (4, None)], "x INT, s STRING")
    golden.check(request, "when", df.select(
        "x",
        F.when(col("x") > 1, "big").when(col("x") == 1, "one").otherwise("small"),
        F.when(col("x") != 0, 10 / col("x")),  # guarded: no division by zero
        col("x").isin(1, 4),
        col("x").isin(1, None),
        col("s").like("%an%"),
        col("s").like("c_erry")))
    df.createOrReplaceTempView("t_case")
    golden.check(request, "sql", spark.sql(
        "SELECT x, CASE WHEN x IS NULL THEN -1 WHEN x > 0 THEN x ELSE 0 END AS c, x IN (0, 4) AS i, "
        "s LIKE 'b%' AS l FROM t_case"))


def test_date_interval_and_decimal_comparison(spark, request):
    golden.check(request, "dates", spark.sql(
        "SELECT date '1998-12-01' - interval '90' day AS a, date '1994-01-31' + interval '1' month AS b, "
        "date '1994-01-01' + interval '1' year AS c, date '2024-02-29' - interval 12 months AS d"))
    golden.check(request, "decimals", spark.sql(
        "SELECT 0.06 BETWEEN .06 - 0.01 AND .06 + 0.01 AS a, 1.50 = 1.5 AS b, 2 > 1.99 AS c"))
