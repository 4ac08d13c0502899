"""aggregate / reduce with a struct accumulator (the start's and the merge's types
compared ignoring nullability, as Spark does) and try_add / try_subtract over a DATE
and a number, through the real PySpark client with answers recorded from real Spark."""

from __future__ import annotations

import datetime

from pyspark.sql import functions as F

import golden


def test_aggregate_struct_accumulator(spark, request):
    df = spark.createDataFrame([(1, [20.0, 4.0, 2.0, 6.0, 10.0]), (2, [1.5])], ("id", "values"))

    def merge(acc, x):
        return F.struct((acc.count + 1).alias("count"), (acc.sum + x).alias("sum"))

    start = F.struct(F.lit(0).alias("count"), F.lit(0.0).alias("sum"))
    golden.check(request, "mean", df.select("id", F.aggregate("values", start, merge,
                                                             lambda acc: acc.sum / acc.count).alias("mean")))
    golden.check(request, "struct", df.select("id", F.aggregate("values", start, merge).alias("acc")))
    golden.check(request, "reduce", df.select("id", F.reduce("values", start, merge,
                                                            lambda acc: acc.sum / acc.count).alias("mean")))


def test_aggregate_struct_mismatch(spark, request):
    df = spark.createDataFrame([(1, [20.0, 4.0])], ("id", "values"))
    # The message names the lambda as Spark prints it; compare the class and condition.
    golden.check_error(request, "error", lambda: df.select(F.aggregate(
        "values", F.struct(F.lit(0).alias("count")), lambda acc, x: F.struct((acc.count + x).alias("count")))).collect(),
        params=False)


def test_try_add_dates(spark, request):
    df = spark.createDataFrame([(datetime.date(2015, 9, 30), 1), (datetime.date(2015, 12, 31), -400), (None, 3),
                                (datetime.date(2015, 1, 1), None)], "date DATE, n INT")
    golden.check(request, "df", df.select("*", F.try_add("date", "n"), F.try_add("n", "date"),
                                          F.try_subtract("date", "n"), F.try_add("date", F.lit(1))))
    golden.check(request, "sql", spark.sql(
        "SELECT try_add(DATE'2015-09-30', 1), try_add(1, DATE'2015-09-30'), try_subtract(DATE'2015-09-30', 1), "
        "try_add(DATE'2015-09-30', CAST(2 AS SMALLINT))"))


def test_aggregate_finish_skips_null_arrays(spark, request):
    # Spark never runs the finish for a NULL array (acc.sum / acc.count would divide by zero).
    df = spark.createDataFrame([(1, [20.0, 4.0]), (2, None), (3, [1.0])], ("id", "values"))
    start = F.struct(F.lit(0).alias("count"), F.lit(0.0).alias("sum"))
    golden.check(request, "df", df.select("id", F.aggregate(
        "values", start, lambda acc, x: F.struct((acc.count + 1).alias("count"), (acc.sum + x).alias("sum")),
        lambda acc: acc.sum / acc.count).alias("mean")))
