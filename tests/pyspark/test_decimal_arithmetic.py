"""Decimal arithmetic through the real PySpark client, answers recorded from real
Spark: result types (precision and scale), mixed scales, NULLs, results at the
edge of 38 digits (exact 128-bit path and the 256-bit path with rounding), and
overflow: an error under ANSI (Spark 4's default), NULL without it."""

from __future__ import annotations

from decimal import Decimal

import pytest

import golden


@pytest.fixture(scope="module")
def decimals(spark):
    spark.createDataFrame(
        [(Decimal("12345.67"), Decimal("0.05"), Decimal("99999999999999999999999999999999999.999")),
         (Decimal("-0.01"), Decimal("1.00"), Decimal("-99999999999999999999999999999999999.999")),
         (None, Decimal("0.10"), Decimal("1.000")),
         (Decimal("9999999999999.99"), None, Decimal("0.001")),
         (Decimal("0.00"), Decimal("-0.99"), None)],
        "a DECIMAL(15,2), d DECIMAL(15,2), w DECIMAL(38,3)").createOrReplaceTempView("dec_t")
    yield


QUERIES = {
    "add_sub_mixed_scales": "SELECT a + d, a - d, a + 1, a - 0.125, 1.5 - d FROM dec_t",
    "multiply": "SELECT a * d, a * (1 - d), a * (1 - d) * (1 + d), d * 3 FROM dec_t",
    "tpch_charge": "SELECT sum(a * (1 - d) * (1 + d)), sum(a * (1 - d)), avg(a - d) FROM dec_t",
    "wide_add_exact": "SELECT w + w / 1000000, w - 1 FROM dec_t WHERE w BETWEEN -10 AND 10",
    "wide_multiply_rounds": "SELECT w * CAST(1.5 AS DECIMAL(10,4)), a * w FROM dec_t WHERE w BETWEEN -10 AND 10",
    "medium_precision": "SELECT CAST(a AS DECIMAL(20,2)) * CAST(d AS DECIMAL(17,2)), "
                        "CAST(a AS DECIMAL(25,2)) - CAST(d AS DECIMAL(30,5)), -a * CAST(-3 AS DECIMAL(19,0)) FROM dec_t",
    "divide_and_remainder": "SELECT a / d, a % 7, d / 3 FROM dec_t WHERE d <> 0",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_decimal_arithmetic(spark, decimals, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_decimal_add_overflow_is_an_error(spark, decimals, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT w + w FROM dec_t").collect())


def test_decimal_multiply_overflow_is_an_error(spark, decimals, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT w * w FROM dec_t").collect())


def test_decimal_overflow_without_ansi_is_null(spark, decimals, request):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "df", spark.sql("SELECT w + w, w * w, a * w FROM dec_t"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")
