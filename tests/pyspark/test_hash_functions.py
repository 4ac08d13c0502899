"""Hashing and misc functions: hash (Murmur3, seed 42), xxhash64, md5, sha1, sha2,
crc32 over every type, typeof, current_database; answers recorded from real
Spark."""

from __future__ import annotations

import datetime
import decimal

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def rows(spark):
    df = spark.createDataFrame(
        [(1, 1, 1, 1, 1.5, 1.5, "abc", b"\x01\x02", True, datetime.date(2020, 1, 1),
          datetime.datetime(2020, 1, 1), decimal.Decimal("12.345"), decimal.Decimal("123456789012345678.25")),
         (-7, -9223372036854775808, -128, -3, -0.0, float("nan"), "héllo wörld, a longer string!", b"", False,
          datetime.date(1969, 12, 31), datetime.datetime(1969, 12, 31, 23, 59, 59, 999999), decimal.Decimal("-0.5"),
          decimal.Decimal("-1")),
         (None,) * 13],
        "i INT, l BIGINT, b TINYINT, sh SMALLINT, d DOUBLE, f FLOAT, s STRING, bin BINARY, bo BOOLEAN, dt DATE, "
        "ts TIMESTAMP, dec DECIMAL(5,3), wide DECIMAL(20,2)")
    df.createOrReplaceTempView("hash_rows")
    return df


COLUMNS = ["i", "l", "b", "sh", "d", "f", "s", "bin", "bo", "dt", "ts", "dec", "wide"]


@pytest.mark.parametrize("fn", ["hash", "xxhash64"])
def test_hash_each_type(spark, rows, request, fn):
    golden.check(request, "df", spark.sql(f"SELECT {', '.join(f'{fn}({c})' for c in COLUMNS)} FROM hash_rows"))


SQL = {
    "hash_many_columns": "SELECT hash(i, s, d), hash(s, i), xxhash64(i, s, d), hash(NULL), xxhash64(NULL, 1) FROM hash_rows",
    "digests": "SELECT md5(s), sha1(s), sha2(s, 256), sha2(s, 224), sha2(s, 384), sha2(s, 512), sha2(s, 0), "
               "sha2(s, 100), crc32(s), md5(bin), sha1(bin), crc32(bin) FROM hash_rows",
    "typeof": "SELECT typeof(i), typeof(l), typeof(d), typeof(s), typeof(bin), typeof(dt), typeof(ts), "
              "typeof(dec), typeof(NULL), typeof(wide), typeof(bo), typeof(f) FROM hash_rows LIMIT 1",
    "current_database": "SELECT current_database(), current_schema()",
    "version_and_user": "SELECT version(), current_user(), user(), session_user()",
    "sha_alias": "SELECT sha(s), sha1(s) FROM hash_rows",
}


@pytest.mark.parametrize("name", list(SQL))
def test_hash_sql(spark, rows, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


def test_hash_dataframe(rows, request):
    golden.check(request, "df", rows.select(F.hash("i", "s"), F.xxhash64("s"), F.md5("s"), F.sha1("s"),
                                            F.sha2("s", 256), F.crc32("s")))


def test_hash_errors(spark, rows, request):
    golden.check_error(request, "md5_int", lambda: spark.sql("SELECT md5(i) FROM hash_rows").collect())
