"""The TIME type (TIME(6)): literals, casts, DDL, Arrow collection, show, ordering,
and make_time / to_time / try_to_time / time_diff / time_trunc / current_time /
hour / minute / second / make_timestamp(date, time); answers recorded from real
Spark (which enables TIME under spark.sql.timeType.enabled)."""

from __future__ import annotations

import datetime

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(autouse=True)
def time_enabled(spark):
    spark.conf.set("spark.sql.timeType.enabled", "true")
    yield
    spark.conf.set("spark.sql.ansi.enabled", "true")


def test_time_literals_and_casts(spark, request):
    q = spark.sql("""
        SELECT TIME'12:34:56' a, TIME'00:00' b, TIME'23:59:59.999999' c, TIME'1:2:3.4' d,
               CAST('T12:34' AS TIME) e, CAST(' 12:34:56.1234567 ' AS TIME) f, CAST('12:34:56.' AS TIME) g,
               CAST(TIME'01:02:03.1234' AS STRING) h, typeof(TIME'01:02:03') i,
               CAST(TIME'01:02:03.5' AS BIGINT) j, CAST(TIME'01:02:03.5' AS SMALLINT) k,
               CAST(TIME'01:02:03.5' AS INT) l, CAST(TIME'23:02:03.5' AS DECIMAL(20, 6)) m,
               CAST(TIME'01:02:03.5' AS DECIMAL(10, 2)) n, CAST(NULL AS TIME) o""")
    golden.check(request, "values", q)
    golden.check_show(request, "show", q, truncate=False)


def test_time_strings(spark, request):
    values = ["12:34", "1:2", "12", "24:00:00", "23:59:60", "12:60", "012:00", "12:34:56Z", "-1:00", "",
              "12:34:5", "2024-01-01 12:34:56", "00:00:00.000000001", None]
    df = spark.createDataFrame([(v,) for v in values], "s string")
    golden.check(request, "try_cast", df.select("s", F.expr("try_cast(s AS TIME)").alias("t")))
    spark.conf.set("spark.sql.ansi.enabled", "false")
    golden.check(request, "cast_non_ansi", df.select("s", F.col("s").cast("time").alias("t")))


def test_time_cast_errors(spark, request):
    golden.check_error(request, "malformed", lambda: spark.sql("SELECT CAST('25:00' AS TIME)").collect())
    golden.check_error(request, "overflow", lambda: spark.sql("SELECT CAST(TIME'01:02:03' AS TINYINT)").collect())
    golden.check_error(request, "to_double", lambda: spark.sql("SELECT CAST(TIME'01:02:03' AS DOUBLE)").collect())
    golden.check_error(request, "to_timestamp",
                       lambda: spark.sql("SELECT CAST(TIME'01:02:03' AS TIMESTAMP)").collect())
    golden.check_error(request, "from_int", lambda: spark.sql("SELECT CAST(3600 AS TIME)").collect())
    golden.check_error(request, "bad_literal", lambda: spark.sql("SELECT TIME'x'").collect())
    golden.check_error(request, "precision", lambda: spark.sql("SELECT CAST('1:00' AS TIME(7))").collect())
    golden.check(request, "try_overflow", spark.sql("SELECT try_cast(TIME'01:02:03' AS TINYINT) t"))
    golden.check(request, "time_function", spark.sql("SELECT time('12:34'), time(NULL), time(' 1:2:3.5 ')"))
    golden.check_error(request, "time_function_int", lambda: spark.sql("SELECT time(1)").collect())


def test_time_columns(spark, request):
    df = spark.createDataFrame([(datetime.time(13, 8, 15),), (datetime.time(0, 0),), (datetime.time(23, 59, 59, 999999),),
                                (None,), (datetime.time(1, 2, 3, 500),)], "t time")
    golden.check_schema(request, "schema", df.schema)
    golden.check(request, "collect", df)
    golden.check_show(request, "show", df)
    golden.check(request, "sorted", df.orderBy("t"), ordered=True)
    golden.check(request, "sorted_desc", df.orderBy(F.desc("t")), ordered=True)
    golden.check(request, "compare", df.select("t", (F.col("t") > F.expr("TIME'12:00'")).alias("gt"),
                                               (F.col("t") == F.expr("TIME'13:08:15'")).alias("eq")))
    golden.check(request, "group", df.groupBy("t").count())
    golden.check(request, "min_max", df.select(F.min("t"), F.max("t"), F.count_distinct("t")))
    golden.check(request, "nested", df.select(F.array("t", F.lit(None)).alias("a"), F.struct("t").alias("s")))
    golden.check(request, "fields", df.select("t", F.hour("t"), F.minute("t"), F.second("t")))
    golden.check(request, "lit", spark.range(1).select(F.lit(datetime.time(10, 20, 30, 400)).alias("t")))


def test_make_time(spark, request):
    df = spark.createDataFrame([(6, 30, 45.887), (23, 59, 59.999999), (0, 0, 0.0), (None, 1, 2.0)],
                               "h int, m int, s double")
    golden.check(request, "columns", df.select(F.make_time("h", "m", "s")))
    golden.check(request, "literals", spark.sql("SELECT make_time(1, 2, 3), make_time(1L, 2, 3.5D), "
                                                "make_time(1, 2, CAST(NULL AS DECIMAL(8, 6)))"))
    golden.check_error(request, "hour", lambda: spark.sql("SELECT make_time(24, 0, 0)").collect())
    golden.check_error(request, "minute", lambda: spark.sql("SELECT make_time(1, -1, 0)").collect())
    golden.check_error(request, "second", lambda: spark.sql("SELECT make_time(1, 2, 59.9999999)").collect())
    spark.conf.set("spark.sql.ansi.enabled", "false")
    golden.check_error(request, "non_ansi", lambda: spark.sql("SELECT make_time(1, 2, 60)").collect())


def test_to_time(spark, request):
    df = spark.createDataFrame([("10:30:00", "HH:mm:ss"), ("2020-01-01 10:30", "yyyy-MM-dd HH:mm"), (None, "HH"),
                                ("10:30", None), ("7.5", "H.m")], "s string, f string")
    golden.check(request, "default", spark.sql("SELECT to_time('10:30'), to_time('10:30:15.123456789'), "
                                               "to_time(NULL), try_to_time('x'), try_to_time('10:30', 'HH:mm'), "
                                               "try_to_time('x', 'HH:mm')"))
    golden.check(request, "formats", df.select(F.to_time("s", "f"), F.try_to_time("s", "f")))
    golden.check_error(request, "malformed", lambda: spark.sql("SELECT to_time('x')").collect())
    golden.check_error(request, "mismatch", lambda: spark.sql("SELECT to_time('10:30', 'yyyy')").collect())
    spark.conf.set("spark.sql.ansi.enabled", "false")
    golden.check_error(request, "malformed_non_ansi", lambda: spark.sql("SELECT to_time('x')").collect())


def test_time_diff_trunc(spark, request):
    df = spark.createDataFrame([("HOUR", "13:08:15", "21:30:28"), ("minute", "21:30:28", "13:08:15"),
                                ("SECOND", "00:00:00", "00:00:01.5"), ("MILLISECOND", "00:00:00", "00:00:01.5"),
                                ("microsecond", "01:00:00", "01:00:00.000001"), (None, "01:00", "02:00"),
                                ("HOUR", None, "02:00")], "u string, a string, b string")
    df = df.select("u", F.col("a").cast("time").alias("a"), F.col("b").cast("time").alias("b"))
    golden.check(request, "diff", df.select("*", F.time_diff("u", "a", "b")))
    golden.check(request, "trunc", df.select("*", F.time_trunc("u", "b")))
    golden.check(request, "sql", spark.sql("SELECT time_diff('HOUR', TIME'13:08:15', TIME'21:30:28'), "
                                           "time_trunc('MILLISECOND', TIME'13:08:15.123456'), "
                                           "time_diff(NULL, TIME'01:00', TIME'02:00'), time_trunc(NULL, TIME'01:00')"))
    golden.check_error(request, "diff_unit",
                       lambda: spark.sql("SELECT time_diff('DAY', TIME'13:08:15', TIME'21:30:28')").collect())
    golden.check_error(request, "trunc_unit", lambda: spark.sql("SELECT time_trunc('DAY', TIME'13:08:15')").collect())
    golden.check_error(request, "string_arg",
                       lambda: spark.sql("SELECT time_diff('hour', '01:00', '02:00')").collect())


def test_current_time(spark, request):
    q = spark.sql("SELECT current_time() a, current_time(6) b")
    golden.check_schema(request, "schema", q.schema)
    row = q.collect()[0]
    assert isinstance(row.a, datetime.time) and row.a == row.b


def test_make_timestamp_from_time(spark, request):
    golden.check(request, "literals", spark.sql(
        "SELECT make_timestamp(DATE'2024-01-02', TIME'13:08:15.5'), "
        "make_timestamp(DATE'2024-01-02', TIME'13:08:15', 'America/Los_Angeles'), "
        "make_timestamp_ntz(DATE'2024-01-02', TIME'13:08:15'), "
        "make_timestamp_ltz(DATE'2024-01-02', TIME'01:00'), "
        "try_make_timestamp(DATE'2024-01-02', TIME'13:08:15'), "
        "make_timestamp(DATE'2020-01-01', CAST(NULL AS TIME)), make_timestamp(CAST(NULL AS DATE), TIME'01:00')"))
    golden.check_error(request, "ntz_zone", lambda: spark.sql(
        "SELECT make_timestamp_ntz(DATE'2020-01-01', TIME'01:00', 'UTC')").collect())
    golden.check_error(request, "bad_zone", lambda: spark.sql(
        "SELECT make_timestamp(DATE'2020-01-01', TIME'01:00', 'Bad/Zone')").collect())
    golden.check_error(request, "not_date", lambda: spark.sql("SELECT make_timestamp(1, 2, 3)").collect())
