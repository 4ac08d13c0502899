"""Errors through the real PySpark Connect client: exception class, error condition and
SQLSTATE (and message parameters) must be Spark's; the message text is not compared."""

from __future__ import annotations

import pytest
from pyspark.errors import AnalysisException, ArithmeticException, NumberFormatException, ParseException
from pyspark.sql.functions import col, lit

import golden


def test_missing_column_collect(spark, request):
    e = golden.check_error(request, "err", lambda: spark.range(3).select("nope").collect())
    assert isinstance(e, AnalysisException)
    assert e.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"


def test_missing_column_schema(spark, request):
    # analysis only (AnalyzePlan), no execution
    golden.check_error(request, "err", lambda: spark.range(3).select(col("nope")).schema)


def test_missing_column_in_filter(spark, request):
    df = spark.createDataFrame([(1, "x")], "a INT, b STRING")
    golden.check_error(request, "err", lambda: df.filter(col("c") > 1).collect())


def test_missing_column_with_column(spark, request):
    df = spark.createDataFrame([(1, "x")], "a INT, b STRING")
    golden.check_error(request, "err", lambda: df.withColumn("d", col("aa") + 1).collect())


def test_parse_error(spark, request):
    e = golden.check_error(request, "err", lambda: spark.sql("SELEC 1").collect())
    assert isinstance(e, ParseException)


def test_parse_error_eager(spark, request):
    # spark.sql() analyses eagerly, so the error comes without collect()
    golden.check_error(request, "err", lambda: spark.sql("SELECT 1 +"))


def test_divide_by_zero(spark, request):
    e = golden.check_error(request, "err", lambda: spark.range(1).select(lit(1) / lit(0)).collect())
    assert isinstance(e, ArithmeticException)
    assert e.getCondition() == "DIVIDE_BY_ZERO"


def test_divide_by_zero_column(spark, request):
    df = spark.createDataFrame([(1, 0)], "a INT, b INT")
    golden.check_error(request, "err", lambda: df.select(col("a") / col("b")).collect())


def test_modulo_by_zero(spark, request):
    df = spark.createDataFrame([(1, 0)], "a INT, b INT")
    golden.check_error(request, "err", lambda: df.select(col("a") % col("b")).collect())


def test_cast_invalid_input(spark, request):
    e = golden.check_error(request, "err", lambda: spark.range(1).select(lit("abc").cast("int")).collect())
    assert isinstance(e, NumberFormatException)
    assert e.getCondition() == "CAST_INVALID_INPUT"


def test_cast_invalid_input_column(spark, request):
    df = spark.createDataFrame([("1",), ("abc",)], "s STRING")
    golden.check_error(request, "err", lambda: df.select(col("s").cast("int")).collect())


def test_cast_invalid_date(spark, request):
    df = spark.createDataFrame([("2024-13-45",)], "s STRING")
    golden.check_error(request, "err", lambda: df.select(col("s").cast("date")).collect())


def test_int_overflow_literals(spark, request):
    e = golden.check_error(request, "err",
                           lambda: spark.range(1).select(lit(2147483647) + lit(1)).collect())
    assert e.getCondition() == "ARITHMETIC_OVERFLOW"


def test_int_overflow_column(spark, request):
    df = spark.createDataFrame([(2147483647,)], "a INT")
    golden.check_error(request, "err", lambda: df.select(col("a") + 1).collect())


def test_long_overflow_column(spark, request):
    df = spark.createDataFrame([(9223372036854775807,)], "a BIGINT")
    golden.check_error(request, "err", lambda: df.select(col("a") * 2).collect())


def test_cast_overflow(spark, request):
    df = spark.createDataFrame([(2**40,)], "a BIGINT")
    golden.check_error(request, "err", lambda: df.select(col("a").cast("int")).collect())


def test_table_not_found(spark, request):
    e = golden.check_error(request, "err", lambda: spark.table("nope").collect())
    assert isinstance(e, AnalysisException)
    assert e.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"


def test_table_not_found_sql(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT * FROM nope").collect())


def test_session_still_usable_after_errors(spark):
    with pytest.raises(ArithmeticException):
        spark.range(1).select(lit(1) / lit(0)).collect()
    assert spark.range(10).filter(col("id") % 2 == 0).count() == 5
