"""Window functions through the real PySpark client and SQL, answers recorded from
real Spark: ranking (row_number, rank, dense_rank, percent_rank, cume_dist, ntile),
lag/lead (offset, default, IGNORE NULLS), first/last/first_value/last_value/
nth_value (ignoreNulls), and sum/count/avg/min/max over ROWS and RANGE frames;
Spark's default frames and column names, NULLs in partition and order keys, ties,
empty input, several window specifications in one select, windows over aggregates,
the WINDOW clause, serial and parallel inputs, and Spark's errors."""

from __future__ import annotations

import pytest
from pyspark.sql import Window as W
from pyspark.sql import functions as F

import golden

# The PySpark client itself warns about windows without PARTITION BY, which
# these tests use on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:WARN WindowExpression")


@pytest.fixture(scope="module")
def t(spark):
    df = spark.createDataFrame(
        [(1, 1, 10, 1.5, "a"), (2, 1, 20, None, "b"), (3, 1, 20, 4.0, "z"), (4, 1, None, 2.5, "c"),
         (5, 2, 5, 2.0, None), (6, 2, 5, -1.0, "e"), (7, 2, 8, None, "f"), (8, None, 7, 3.0, "g"),
         (9, None, None, 1.0, "h"), (10, 3, None, None, None)],
        "id INT, k INT, v INT, d DOUBLE, s STRING")
    df.createOrReplaceTempView("wt")
    return df


def by_v():
    """Unique order (v, id), for functions that depend on the order of ties."""
    return W.partitionBy("k").orderBy("v", "id")


def test_ranking_functions(t, request):
    w = W.partitionBy("k").orderBy("v")
    golden.check(request, "df", t.select("id", "k", "v", F.row_number().over(by_v()), F.rank().over(w),
                                         F.dense_rank().over(w), F.percent_rank().over(w), F.cume_dist().over(w)))


def test_ranking_descending_nulls_last(t, request):
    w = W.partitionBy("k").orderBy(F.desc_nulls_last("v"))
    golden.check(request, "df", t.select("id", F.rank().over(w), F.dense_rank().over(w), F.cume_dist().over(w),
                                         F.percent_rank().over(W.orderBy(F.asc_nulls_last("d")))))


@pytest.mark.parametrize("buckets", [1, 2, 3, 4, 11])
def test_ntile(t, request, buckets):
    golden.check(request, "df", t.select("id", F.ntile(buckets).over(W.orderBy("id")),
                                         F.ntile(buckets).over(by_v())))


def test_lag_lead(t, request):
    golden.check(request, "df", t.select("id", F.lag("v").over(by_v()), F.lead("v").over(by_v()),
                                         F.lag("d", 2, -1.0).over(by_v()), F.lead("s", 2, "none").over(by_v()),
                                         F.lag("v", -1).over(by_v()), F.lead("v", 0).over(by_v())))


def test_first_last_nth(t, request):
    golden.check(request, "df", t.select("id", F.first("d").over(by_v()), F.last("d").over(by_v()),
                                         F.first("d", True).over(by_v()), F.last("d", True).over(by_v()),
                                         F.first_value("s").over(by_v()), F.last_value("s", True).over(by_v()),
                                         F.nth_value("d", 2).over(by_v()), F.nth_value("d", 2, True).over(by_v())))


def test_aggregates_default_frames(t, request):
    # With ORDER BY: RANGE UNBOUNDED PRECEDING .. CURRENT ROW (ties are peers);
    # without: the whole partition.
    w = W.partitionBy("k").orderBy("v")
    p = W.partitionBy("k")
    golden.check(request, "df", t.select("id", F.sum("v").over(w), F.count("v").over(w), F.avg("d").over(w),
                                         F.min("s").over(w), F.max("d").over(w), F.sum("v").over(p),
                                         F.count("*").over(p), F.avg("v").over(p), F.max("s").over(p)))


def test_rows_frames(t, request):
    o = W.partitionBy("k").orderBy("id")
    golden.check(request, "df", t.select(
        "id", F.sum("v").over(o.rowsBetween(-1, 1)), F.count("v").over(o.rowsBetween(W.unboundedPreceding, -1)),
        F.avg("d").over(o.rowsBetween(1, W.unboundedFollowing)), F.min("v").over(o.rowsBetween(-2, 0)),
        F.max("s").over(o.rowsBetween(W.currentRow, 2)), F.sum("d").over(o.rowsBetween(2, 3)),
        F.count("*").over(W.orderBy("id").rowsBetween(-3, -1))))


def test_range_frames(t, request):
    w = W.partitionBy("k").orderBy("v")
    golden.check(request, "df", t.select(
        "id", F.sum("v").over(w.rangeBetween(-5, 5)), F.count("*").over(w.rangeBetween(W.unboundedPreceding, 0)),
        F.max("id").over(w.rangeBetween(0, W.unboundedFollowing)), F.min("id").over(w.rangeBetween(1, 10)),
        F.sum("id").over(W.orderBy(F.desc("v")).rangeBetween(-3, 2)),
        F.count("v").over(W.orderBy("d").rangeBetween(-1, 1))))


def test_unpartitioned_and_empty_windows(t, spark, request):
    golden.check(request, "df", t.select("id", F.row_number().over(W.orderBy("id")), F.sum("v").over(W.partitionBy()),
                                         F.count("*").over(W.partitionBy())))
    empty = spark.createDataFrame([], "a INT, b INT")
    golden.check(request, "empty", empty.select("a", F.row_number().over(W.orderBy("b")), F.sum("a").over(W.partitionBy("b"))))


def test_several_specifications(t, request):
    golden.check(request, "df", t.select(
        "id", F.rank().over(W.orderBy("v")), F.sum("v").over(W.partitionBy("k")),
        F.row_number().over(W.partitionBy("s").orderBy("id")), F.lag("id").over(W.orderBy(F.desc("id"))),
        F.count("*").over(W.partitionBy("k").orderBy("v"))))


def test_with_column_and_filter_after(t, request):
    df = t.withColumn("rn", F.row_number().over(W.partitionBy("k").orderBy(F.desc("id"))))
    golden.check(request, "df", df.filter("rn = 1").select("k", "id"))


def test_window_over_aggregate(t, request):
    agg = t.groupBy("k").agg(F.sum("v").alias("total"), F.rank().over(W.orderBy(F.sum("v"))).alias("r"))
    golden.check(request, "df", agg)


def test_expressions_around_windows(t, request):
    w = W.partitionBy("k").orderBy("id")
    golden.check(request, "df", t.select("id", (F.col("v") - F.lag("v").over(w)).alias("delta"),
                                         (F.sum("v").over(w) * 2 + 1).alias("x"),
                                         F.sum(F.col("v") * 2).over(W.partitionBy(F.col("k") % 2))))


@pytest.mark.parametrize("query", [
    "SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id DESC) FROM wt",
    "SELECT id, rank() OVER (ORDER BY v DESC NULLS FIRST), dense_rank() OVER (PARTITION BY k ORDER BY v) FROM wt",
    "SELECT id, percent_rank() OVER (ORDER BY v), cume_dist() OVER (PARTITION BY k ORDER BY d) FROM wt",
    "SELECT id, ntile(3) OVER (ORDER BY id) AS n FROM wt",
    "SELECT id, lag(v) OVER (ORDER BY id), lead(v, 2, -1) OVER (ORDER BY id), lag(s, 1, 'x') OVER (PARTITION BY k ORDER BY id) FROM wt",
    "SELECT id, lag(v) IGNORE NULLS OVER (ORDER BY id), lead(d) IGNORE NULLS OVER (PARTITION BY k ORDER BY id) FROM wt",
    "SELECT id, first_value(d) OVER (ORDER BY id), last_value(d) IGNORE NULLS OVER (ORDER BY id), first(d, true) OVER (ORDER BY id) FROM wt",
    "SELECT id, nth_value(s, 3) OVER (ORDER BY id), nth_value(s, 2) IGNORE NULLS OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM wt",
    "SELECT id, sum(v) OVER (PARTITION BY k), sum(v) OVER (PARTITION BY k ORDER BY v), count(*) OVER () FROM wt",
    "SELECT id, sum(v) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM wt",
    "SELECT id, avg(d) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING), min(v) OVER (ORDER BY id ROWS 1 PRECEDING) FROM wt",
    "SELECT id, sum(id) OVER (ORDER BY v RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) FROM wt",
    "SELECT id, count(*) OVER (ORDER BY v DESC RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING) FROM wt",
    "SELECT id, max(id) OVER (ORDER BY d RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) AS m FROM wt",
    "SELECT id, sum(v) OVER (ORDER BY v RANGE BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) FROM wt",
    "SELECT id, sum(v) OVER (PARTITION BY k ORDER BY v RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM wt",
    "SELECT id, sum(v) OVER w, max(d) OVER w, rank() OVER w2 FROM wt WINDOW w AS (PARTITION BY k), w2 AS (ORDER BY v)",
    "SELECT k, sum(v), rank() OVER (ORDER BY sum(v) DESC) FROM wt GROUP BY k",
    "SELECT k, count(*) AS c, sum(sum(v)) OVER (ORDER BY k), max(k) OVER () FROM wt GROUP BY k",
    "SELECT k, id FROM (SELECT k, id, row_number() OVER (PARTITION BY k ORDER BY d DESC NULLS LAST) AS rn FROM wt) WHERE rn <= 2",
])
def test_sql_windows(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_parallel_partitions(spark, request):
    df = spark.range(300000).select((F.col("id") % 97).alias("g"), "id")
    w = W.partitionBy("g").orderBy("id")
    out = df.select("g", F.row_number().over(w).alias("rn"), F.sum("id").over(w).alias("s"),
                    F.lag("id", 2).over(w).alias("l"), F.avg("id").over(w.rowsBetween(-3, 3)).alias("a"))
    golden.check(request, "df", out.filter("rn <= 3 OR rn >= 3090").groupBy("rn").agg(
        F.count("*"), F.sum("s"), F.sum("l"), F.sum("a")))


def test_one_large_partition(spark, request):
    w = W.orderBy("id")
    out = spark.range(200000).select(F.sum("id").over(w.rowsBetween(-2, 2)).alias("s"),
                                     F.rank().over(W.orderBy(F.col("id") % 1000)).alias("r"),
                                     F.sum("id").over(w).alias("running"))
    golden.check(request, "df", out.agg(F.sum("s"), F.max("r"), F.sum("running"), F.min("running")))


def test_error_without_over(spark, t, request):
    golden.check_error(request, "sql", lambda: spark.sql("SELECT rank() FROM wt").collect())
    golden.check_error(request, "df", lambda: t.select(F.row_number()).collect())


def test_error_order_required(spark, t, request):
    golden.check_error(request, "rank", lambda: t.select(F.rank().over(W.partitionBy("k"))).collect(), params=False)
    golden.check_error(request, "lag", lambda: spark.sql("SELECT lag(v) OVER (PARTITION BY k) FROM wt").collect(),
                       params=False)


def test_error_frame_not_allowed(spark, t, request):
    golden.check_error(request, "df", lambda: t.select(F.rank().over(W.orderBy("v").rowsBetween(-1, 1))).collect())
    golden.check_error(request, "sql", lambda: spark.sql(
        "SELECT row_number() OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM wt"
    ).collect())


@pytest.mark.parametrize("query", [
    "SELECT * FROM wt WHERE rank() OVER (ORDER BY v) > 1",
    "SELECT ntile(0) OVER (ORDER BY v) FROM wt",
    "SELECT nth_value(v, 0) OVER (ORDER BY v) FROM wt",
    "SELECT sum(v) OVER (PARTITION BY k ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM wt",
    "SELECT sum(v) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM wt",
    "SELECT sum(v) OVER w FROM wt",
])
def test_sql_errors(spark, t, request, query):
    golden.check_error(request, "err", lambda: spark.sql(query).collect())


def test_error_range_multiple_order_keys(t, request):
    golden.check_error(request, "err", lambda: t.select(F.sum("v").over(W.orderBy("v", "d").rangeBetween(-1, 1))).collect(),
                       params=False)


@pytest.fixture(scope="module")
def dates(spark):
    import datetime as dt
    df = spark.createDataFrame(
        [(1, dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 10, 0), 1), (2, dt.date(2024, 1, 2), dt.datetime(2024, 1, 1, 10, 30), 2),
         (3, dt.date(2024, 1, 5), dt.datetime(2024, 1, 1, 12, 0), 3), (4, None, None, 4),
         (5, dt.date(2024, 1, 5), dt.datetime(2024, 1, 2, 10, 0), 5)],
        "id INT, dt DATE, ts TIMESTAMP, x INT")
    df.createOrReplaceTempView("wdates")
    return df


@pytest.mark.parametrize("query", [
    "SELECT id, sum(x) OVER (ORDER BY dt RANGE BETWEEN INTERVAL 2 DAYS PRECEDING AND CURRENT ROW) FROM wdates",
    "SELECT id, count(*) OVER (ORDER BY dt DESC RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) FROM wdates",
    "SELECT id, count(*) OVER (ORDER BY dt RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM wdates",
    "SELECT id, sum(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 90 MINUTES PRECEDING AND CURRENT ROW) FROM wdates",
    "SELECT id, max(x) OVER (ORDER BY ts RANGE BETWEEN CURRENT ROW AND INTERVAL 1 DAY FOLLOWING) AS m FROM wdates",
    "SELECT id, rank() OVER (ORDER BY dt), lag(ts) OVER (ORDER BY id), first_value(dt) OVER (ORDER BY ts DESC) FROM wdates",
    "SELECT id, min(ts) OVER (PARTITION BY dt), max(dt) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM wdates",
])
def test_dates_and_timestamps(spark, dates, request, query):
    golden.check(request, "df", spark.sql(query))


def test_decimal_windows(spark, request):
    df = spark.range(10).select(F.col("id").cast("decimal(10,2)").alias("x"), (F.col("id") % 3).alias("g"))
    golden.check(request, "df", df.select(
        "x", F.sum("x").over(W.orderBy("x").rowsBetween(-1, 1)), F.avg("x").over(W.partitionBy("g").orderBy("x")),
        F.sum("x").over(W.orderBy("x").rangeBetween(-2, 0)), F.max("x").over(W.partitionBy("g"))))


def test_window_of_window_columns(spark, request):
    df = spark.range(8).select("id", F.sum("id").over(W.orderBy("id").rowsBetween(-1, 1)).alias("a"))
    golden.check(request, "df", df.select("id", "a", F.rank().over(W.orderBy(F.desc("a"))), F.lag("a").over(W.orderBy("id"))))


@pytest.mark.parametrize("query", [
    "SELECT count(DISTINCT v) OVER (ORDER BY id) FROM wt",
    "SELECT sum(v) OVER (ORDER BY id ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM wt",
    "SELECT max(v) OVER (ORDER BY id RANGE BETWEEN 3 PRECEDING AND 4 PRECEDING) FROM wt",
    "SELECT lag(v, 1, 0, 1) OVER (ORDER BY id) FROM wt",
])
def test_sql_errors_more(spark, t, request, query):
    golden.check_error(request, "err", lambda: spark.sql(query).collect())


def test_error_timestamp_range_numeric_offset(dates, request):
    golden.check_error(request, "err", lambda: dates.select(F.sum("x").over(W.orderBy("ts").rangeBetween(-3600, 0))).collect())


@pytest.mark.parametrize("query", [
    "SELECT DISTINCT k, rank() OVER (PARTITION BY k ORDER BY v) FROM wt",
    "SELECT lag(v, 1, 0, true) OVER (ORDER BY id), lead(v, 1, 0, false) OVER (ORDER BY id) FROM wt",
    "SELECT * FROM (SELECT k, v, dense_rank() OVER (ORDER BY k) AS dr FROM wt) WHERE dr = 2",
    "SELECT v, rank() OVER (ORDER BY v) AS r FROM wt ORDER BY r, v",
])
def test_sql_windows_in_queries(spark, t, request, query):
    golden.check(request, "df", spark.sql(query))


def test_error_window_in_filter(spark, t, request):
    golden.check_error(request, "df", lambda: t.select("v", "k").filter(F.rank().over(W.orderBy("v")) > 1).collect())
    golden.check_error(request, "having", lambda: spark.sql(
        "SELECT k, sum(v) FROM wt GROUP BY k HAVING rank() OVER (ORDER BY k) > 1").collect())


@pytest.fixture(scope="module")
def rnd(spark):
    """Random rows with NULLs, ties and NaN (fixed seed), for every frame shape."""
    import random
    rng = random.Random(7)
    rows = [(i, rng.choice([0, 1, 2, None]), rng.choice([None] + list(range(-4, 5))),
             rng.choice([None, -1.5, 0.0, 0.5, 2.5, float("nan")])) for i in range(150)]
    df = spark.createDataFrame(rows, "id INT, k INT, v INT, d DOUBLE")
    df.createOrReplaceTempView("wrnd")
    return df


ORDERS = ["v ASC NULLS FIRST", "v DESC NULLS FIRST", "v ASC NULLS LAST", "v DESC NULLS LAST"]


@pytest.mark.parametrize("order", ORDERS)
def test_random_rows_frames(spark, rnd, request, order):
    frames = ["ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING", "ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING",
              "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING", "ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING",
              "ROWS BETWEEN 5 FOLLOWING AND 7 FOLLOWING"]
    items = []
    for n, f in enumerate(frames):
        w = f"(PARTITION BY k ORDER BY {order}, id {f})"
        items += [f"sum(v) OVER {w} AS s{n}", f"count(d) OVER {w} AS c{n}", f"max(d) OVER {w} AS m{n}",
                  f"first_value(v) IGNORE NULLS OVER {w} AS f{n}", f"last_value(d) OVER {w} AS l{n}",
                  f"nth_value(v, 2) OVER {w} AS n{n}"]
    golden.check(request, "df", spark.sql(f"SELECT id, {', '.join(items)} FROM wrnd"))


@pytest.mark.parametrize("order", ORDERS)
def test_random_range_frames_and_ranking(spark, rnd, request, order):
    frames = ["RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING", "RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING",
              "RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING", "RANGE BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING",
              "RANGE BETWEEN 4 PRECEDING AND 2 PRECEDING", ""]
    items = []
    for n, f in enumerate(frames):
        items += [f"sum(id) OVER (PARTITION BY k ORDER BY {order} {f}) AS s{n}",
                  f"count(*) OVER (ORDER BY {order} {f}) AS c{n}", f"max(id) OVER (ORDER BY {order} {f}) AS m{n}"]
    items += [f"rank() OVER (PARTITION BY k ORDER BY {order}) AS r", f"dense_rank() OVER (ORDER BY {order}) AS dr",
              f"percent_rank() OVER (PARTITION BY k ORDER BY {order}) AS pr", f"cume_dist() OVER (ORDER BY {order}) AS cd",
              f"ntile(7) OVER (PARTITION BY k ORDER BY {order}, id) AS nt",
              f"lag(d, 2, -9.0) OVER (PARTITION BY k ORDER BY {order}, id) AS lg",
              f"lead(v, 3) IGNORE NULLS OVER (ORDER BY {order}, id) AS ld",
              f"sum(id) OVER (ORDER BY d RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) AS sd"]
    golden.check(request, "df", spark.sql(f"SELECT id, {', '.join(items)} FROM wrnd"))
