"""make_interval / try_make_interval: CALENDAR INTERVAL values, which the Spark
Connect client cannot collect (Arrow has no conversion for them, on Spark too), so
they are checked as show() text, schemas and casts to strings; answers recorded from
real Spark."""

from __future__ import annotations

from pyspark.sql import functions as F

import golden


def test_make_interval_arguments(spark, request):
    df = spark.createDataFrame([[100, 11, 1, 1, 12, 30, 1.001001]], ["year", "month", "week", "day", "hour", "min", "sec"])
    golden.check_show(request, "all", df.select(F.make_interval(df.year, df.month, "week", df.day, df.hour, df.min,
                                                                df.sec)), truncate=False)
    golden.check_show(request, "four", df.select(F.make_interval(df.year, df.month, "week", df.day)), truncate=False)
    golden.check_show(request, "none", df.select(F.make_interval()), truncate=False)
    golden.check_show(request, "try", df.select(F.try_make_interval(df.year, df.month)), truncate=False)


def test_make_interval_rendering(spark, request):
    query = spark.sql("""
        SELECT make_interval(0, -13, 0, -1, -25, -61, -1.5) AS negative, make_interval(1, 0, 0, 0, 0, 0, 0.000001) AS micro,
               make_interval(0, 12) AS year, make_interval(0, 0, 0, 0, 0, 0, 59.9) AS secs,
               typeof(make_interval(1)) AS t, CAST(make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING) AS s,
               make_interval(NULL, 1) AS n""")
    golden.check_schema(request, "schema", query.schema)
    golden.check_show(request, "show", query, truncate=False)
    golden.check(request, "strings", query.select("t", "s"))


def test_make_interval_overflow(spark, request):
    golden.check_show(request, "try", spark.sql("SELECT try_make_interval(2147483647, 1) AS a, "
                                                "try_make_interval(0, 0, 2147483647) AS b"))
    golden.check_error(request, "months", lambda: spark.sql("SELECT make_interval(2147483647, 1)").collect())
    golden.check_error(request, "weeks", lambda: spark.sql("SELECT make_interval(0, 0, 2147483647)").collect())
