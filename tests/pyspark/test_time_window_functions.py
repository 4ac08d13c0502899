"""Time windows for batch queries through the real PySpark client, answers recorded
from real Spark: groupBy(window(...)) as Spark's struct<start, end>, start offsets,
TIMESTAMP_NTZ and string times, rows with NULL times dropped, window_time, and the
errors for bad durations."""

from __future__ import annotations

import datetime

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def events(spark):
    return spark.createDataFrame(
        [(datetime.datetime(2016, 3, 11, 9, 0, 7), 1), (datetime.datetime(2016, 3, 11, 9, 0, 9), 2),
         (datetime.datetime(2016, 3, 11, 9, 0, 10), 3), (datetime.datetime(1969, 12, 31, 23, 59, 58, 500000), 4),
         (None, 5)], "dt TIMESTAMP, v INT")


def test_window_group_by(events, request):
    df = events.groupBy(F.window("dt", "5 seconds")).agg(F.sum("v"))
    golden.check(request, "df", df)
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "offset", events.groupBy(F.window("dt", "10 minutes", "10 minutes", "3 minutes")).agg(
        F.count("*")))
    golden.check(request, "negative_offset", events.groupBy(
        F.window("dt", "1 second", startTime="-300 milliseconds").alias("w")).agg(F.max("v")))


def test_window_time(events, request):
    df = events.groupBy(F.window("dt", "5 seconds")).agg(F.sum("v"))
    # Rows only: sk8 does not carry field metadata through `*` yet (Spark keeps
    # spark.timeWindow on the window column and the generated-alias marks).
    golden.check_rows(request, "df", df.select("*", F.window_time("window")).collect())
    golden.check_show(request, "doctest", df.filter(F.col("window.start") > F.lit("2000-01-01").cast("timestamp"))
                      .select("*", F.window_time("window")), truncate=False)


def test_window_select(events, request):
    golden.check(request, "select", events.select("v", F.window("dt", "1 hour 30 minutes")))


def test_window_sql(spark, request):
    forms = ["TIMESTAMP'2016-03-11 09:00:07', '5 seconds'", "TIMESTAMP_NTZ'2016-03-11 09:00:07', '1 hour 30 minutes'",
             "'2016-03-11 09:00:07', '5 seconds'", "TIMESTAMP'2016-03-11 09:00:07', 5",
             "TIMESTAMP'2016-03-11 09:00:07', 'interval 2 days'", "TIMESTAMP'2016-03-11 09:00:07', '1 week'"]
    for i, form in enumerate(forms):
        golden.check(request, f"form{i}", spark.sql(f"SELECT window({form})"))
    golden.check_rows(request, "grouped", spark.sql("""
        SELECT window(x, '5 seconds'), count(*) FROM VALUES (TIMESTAMP'2016-03-11 09:00:07'), (NULL),
        (TIMESTAMP'2016-03-11 09:00:08') AS t(x) GROUP BY 1""").collect())
    golden.check(request, "time", spark.sql(
        "SELECT window_time(window(TIMESTAMP'2016-03-11 09:00:07', '5 seconds'))"))


def test_window_errors(spark, request):
    ts = "TIMESTAMP'2016-03-11 09:00:07'"
    golden.check_error(request, "month", lambda: spark.sql(f"SELECT window({ts}, '1 month')").collect())
    golden.check_error(request, "parse", lambda: spark.sql(f"SELECT window({ts}, 'abc')").collect())
    golden.check_error(request, "slide", lambda: spark.sql(f"SELECT window({ts}, '5 seconds', '10 seconds')").collect())
    golden.check_error(request, "zero", lambda: spark.sql(f"SELECT window({ts}, '0 seconds')").collect())
    golden.check_error(request, "type", lambda: spark.sql("SELECT window(1, '5 seconds')").collect())
