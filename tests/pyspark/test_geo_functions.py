"""Spark 4.1's geospatial basics: st_geomfromwkb, st_geogfromwkb, st_asbinary, st_srid,
st_setsrid; GEOMETRY / GEOGRAPHY values collected through Connect; answers recorded
from real Spark (which enables them under spark.sql.geospatial.enabled)."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden

POINT = bytes.fromhex("0101000000000000000000F03F0000000000000040")


@pytest.fixture(autouse=True)
def geo_enabled(spark):
    spark.conf.set("spark.sql.geospatial.enabled", "true")


def test_geo_round_trip(spark, request):
    df = spark.createDataFrame([(POINT, 4326), (b"\x00", 3857), (None, 0)], "wkb binary, srid int")
    golden.check(request, "asbinary", df.select(F.hex(F.st_asbinary(F.st_geomfromwkb("wkb"))),
                                                F.hex(F.st_asbinary(F.st_geogfromwkb("wkb")))))
    golden.check(request, "srid", df.select(F.st_srid(F.st_geomfromwkb("wkb")), F.st_srid(F.st_geogfromwkb("wkb")),
                                            F.st_srid(F.st_setsrid(F.st_geomfromwkb("wkb"), "srid"))))
    golden.check(request, "values", df.select(F.st_geomfromwkb("wkb").alias("g"), F.st_geogfromwkb("wkb").alias("h"),
                                              F.st_setsrid(F.st_geomfromwkb("wkb"), 4326).alias("s"),
                                              F.st_setsrid(F.st_geomfromwkb("wkb"), "srid").alias("a")))


def test_geo_sql(spark, request):
    golden.check(request, "types", spark.sql(
        "SELECT typeof(st_geomfromwkb(X'00')) a, typeof(st_geogfromwkb(X'00')) b, "
        "typeof(st_setsrid(st_geomfromwkb(X'00'), 3857)) c, st_srid(NULL) d, st_asbinary(NULL) e, "
        "st_geomfromwkb(NULL) f, hex(st_asbinary(st_geomfromwkb('abc'))) g, "
        "st_srid(st_setsrid(st_geogfromwkb(X'00'), 4326)) h"))
    golden.check_error(request, "srid_literal", lambda: spark.sql(
        "SELECT st_setsrid(st_geomfromwkb(X'00'), 12345)").collect())
    golden.check_error(request, "geography_srid", lambda: spark.sql(
        "SELECT st_setsrid(st_geogfromwkb(X'00'), 3857)").collect())
    golden.check_error(request, "srid_column", lambda: spark.sql(
        "SELECT st_setsrid(st_geomfromwkb(X'00'), s) FROM VALUES (32633) t(s)").collect())
    golden.check_error(request, "not_geo", lambda: spark.sql("SELECT st_srid(1)").collect())
    golden.check_error(request, "not_binary", lambda: spark.sql("SELECT st_geomfromwkb(1)").collect())
    golden.check_error(request, "to_string", lambda: spark.sql(
        "SELECT CAST(st_geomfromwkb(X'00') AS STRING)").collect())
