"""Bitwise functions through the DataFrame API (pyspark.sql.functions and Column
methods), answers recorded from real Spark: the operand types Spark coerces, Java's
shift semantics (count modulo the width), sign extension in bit_count, bit_get's
range error with its message parameters, and bit_and / bit_or / bit_xor grouped and
over a window. SQL forms are in tests/sql/bitwise.test."""

from __future__ import annotations

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def bits(spark):
    return spark.createDataFrame(
        [(1, 12, 10, -1, 3), (2, 7, None, 5, 1), (3, -16, 3, 2, 2), (4, None, 255, 9223372036854775807, 1),
         (5, 2147483647, -2147483648, -9223372036854775808, 3)],
        "id INT, a INT, b INT, l BIGINT, g INT")


def test_column_operators(request, bits):
    golden.check(request, "df", bits.select(
        "id", bits.a.bitwiseAND(bits.b), bits.a.bitwiseOR(bits.b), bits.a.bitwiseXOR(bits.b),
        bits.a.bitwiseAND(bits.l), F.bitwise_not("a"), F.bitwiseNOT("l"), F.bitwise_not((F.col("id") - 3).cast("tinyint"))))


def test_shifts(request, bits):
    golden.check(request, "df", bits.select(
        "id", F.shiftleft("a", 1), F.shiftleft("a", 33), F.shiftright("a", 2), F.shiftrightunsigned("a", 28),
        F.shiftleft("l", 65), F.shiftrightunsigned("l", 60), F.shiftleft((F.col("id") * 1000).cast("smallint"), 3),
        F.shiftright("a", F.col("b"))))


def test_bit_count_and_bit_get(request, bits):
    golden.check(request, "df", bits.select(
        "id", F.bit_count("a"), F.bit_count("l"), F.bit_count((F.col("id") - 3).cast("tinyint")),
        F.bit_count(F.col("a") > 0), F.bit_get("a", F.lit(0)), F.getbit("l", F.lit(63)),
        F.bit_get((F.col("id") * 20).cast("tinyint"), F.col("g"))))


def test_bit_get_position_out_of_range(request, bits):
    golden.check_error(request, "err", lambda: bits.select(F.bit_get("a", F.lit(32))).collect())


def test_bit_aggregates_grouped(request, bits):
    golden.check(request, "df", bits.groupBy("g").agg(
        F.bit_and("a"), F.bit_or("b"), F.bit_xor("l"), F.bit_xor((F.col("id") - 3).cast("tinyint"))))


def test_bit_aggregates_global_and_empty(request, bits):
    golden.check(request, "df", bits.agg(F.bit_and("a"), F.bit_or("l"), F.bit_xor("b")))
    golden.check(request, "empty", bits.where("id > 10").agg(F.bit_and("a"), F.bit_or("l")))


def test_bit_aggregates_over_window(request, bits):
    w = Window.partitionBy("g").orderBy("id").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    golden.check(request, "df", bits.select("id", F.bit_or("a").over(w), F.bit_xor("l").over(w)))


def test_wrong_types(request, bits):
    golden.check_error(request, "and_double", lambda: bits.select(bits.a.bitwiseAND(F.lit(1.5))).collect())
    golden.check_error(request, "not_string", lambda: bits.select(F.bitwise_not(F.lit("5"))).collect())
    golden.check_error(request, "agg_double", lambda: bits.agg(F.bit_or(F.lit(1.5))).collect())
