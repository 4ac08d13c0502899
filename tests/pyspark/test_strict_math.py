"""exp, ln / log, log2 and cosh through the real PySpark client, answers recorded from
real Spark, which computes them with Java's StrictMath (fdlibm): the last bit of
many results differs from a correctly rounded C library."""

from __future__ import annotations

import math

from pyspark.sql import functions as F

import golden

VALUES = [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, 0.5, 0.1, 1e-10, 1e-300, 5e-324, 0.3465, 0.35, 10.0, 21.9, 22.5,
          100.0, 709.0, 709.78, 710.0, 711.0, -700.0, -745.0, -746.0, 1e300, 123.456, 7.0, 9.0, 1024.0, 1e-20,
          float("nan"), float("inf"), float("-inf"), None]


def test_strict_math(spark, request):
    df = spark.createDataFrame([(v,) for v in VALUES], "x DOUBLE")
    golden.check(request, "df", df.select("x", F.exp("x"), F.ln("x"), F.log2("x"), F.cosh("x"), F.log(3.0, "x"),
                                          F.log10("x")), ordered=True)


def test_strict_math_range(spark, request):
    df = spark.range(-50, 400).select((F.col("id") / 7).alias("x"))
    golden.check(request, "df", df.select("x", F.exp("x"), F.ln("x"), F.log2("x"), F.cosh("x")), ordered=True)


def test_doctests(spark, request):
    golden.check_show(request, "exp", spark.sql("SELECT id AS value FROM RANGE(5)").select("*", F.exp("value")))
    golden.check_show(request, "log2", spark.range(10).select("*", F.log2("id")))
    golden.check_show(request, "cosh", spark.createDataFrame([(-1,), (0,), (1,)], ["value"]).select(
        "*", F.cosh("value")))
