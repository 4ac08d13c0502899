"""timestampadd / timestampdiff (pyspark's timestamp_add / timestamp_diff) for
every unit, through the real PySpark client in a DST time zone: exact units
up to HOUR, wall-clock units (DAY .. YEAR) across a DST change and month
ends, TIMESTAMP_NTZ and DATE inputs, NULLs, and Spark's error for a bad unit.
Answers recorded from real Spark."""

from __future__ import annotations

import datetime

import pytest
from pyspark.sql import functions as F

import golden

UNITS = ["MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"]


@pytest.fixture(scope="module")
def ts(spark):
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    yield spark.sql("""
        SELECT TIMESTAMP'2024-01-31 10:00:00' AS ts, TIMESTAMP'2024-03-10 01:30:00' AS dst,
               TIMESTAMP_NTZ'2024-02-29 23:59:59' AS ntz, DATE'2024-01-31' AS d,
               TIMESTAMP'2023-11-05 01:30:00' AS fall, CAST(NULL AS TIMESTAMP) AS nothing""")
    spark.conf.unset("spark.sql.session.timeZone")


@pytest.mark.parametrize("unit", UNITS)
def test_timestamp_add(ts, request, unit):
    golden.check(request, "df", ts.select(
        F.timestamp_add(unit, F.lit(1), "ts"), F.timestamp_add(unit, F.lit(-13), "dst"),
        F.timestamp_add(unit, F.lit(2), "ntz"), F.timestamp_add(unit, F.lit(1), "d"),
        F.timestamp_add(unit, F.lit(1), "fall"), F.timestamp_add(unit, F.lit(1), "nothing"),
        F.timestamp_add(unit, F.lit(None).cast("int"), "ts")))


@pytest.mark.parametrize("unit", UNITS)
def test_timestamp_diff(ts, request, unit):
    golden.check(request, "df", ts.select(
        F.timestamp_diff(unit, "ts", "dst"), F.timestamp_diff(unit, "dst", "ts"),
        F.timestamp_diff(unit, "ntz", F.lit(datetime.datetime(2025, 3, 1, 0, 0))),
        F.timestamp_diff(unit, "fall", "dst"), F.timestamp_diff(unit, "d", "ts"),
        F.timestamp_diff(unit, "ts", "nothing")))


def test_bad_units(ts, request):
    golden.check_error(request, "add", lambda: ts.select(F.timestamp_add("FORTNIGHT", F.lit(1), "ts")).collect())
    golden.check_error(request, "diff_dayofyear",
                       lambda: ts.select(F.timestamp_diff("DAYOFYEAR", "ts", "dst")).collect())
    golden.check(request, "add_dayofyear", ts.select(F.timestamp_add("dayofyear", F.lit(40), "ts")))


def test_ntz_ltz_casts(spark, ts, request):
    # TIMESTAMP_NTZ is read in the session time zone when cast to TIMESTAMP, and a
    # TIMESTAMP becomes its wall-clock time there.
    golden.check(request, "df", ts.select(
        F.col("ntz").cast("timestamp").cast("long").alias("ntz_as_ltz"),
        F.col("ts").cast("timestamp_ntz").alias("ltz_as_ntz"),
        F.col("fall").cast("timestamp_ntz").cast("string").alias("fall_wall"),
        F.col("nothing").cast("timestamp_ntz")))
