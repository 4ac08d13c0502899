"""url_encode, url_decode, try_url_decode (Java's URLEncoder / URLDecoder for
UTF-8) and parse_url / try_parse_url (the parts java.net.URI finds) through the
real PySpark client, answers recorded from real Spark: every part name, query
keys, opaque and relative URIs, IPv6 and registry-based hosts, NULLs, and the
errors for URLs Java rejects (ANSI on and off)."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden

URL = "http://user:pw@spark.apache.org:8080/path/p?query=1&k=v&k=w#Ref"


def test_parse_url_parts(spark, request):
    parts = ["HOST", "PATH", "QUERY", "REF", "PROTOCOL", "FILE", "AUTHORITY", "USERINFO", "host", "X"]
    df = spark.createDataFrame([(p,) for p in parts], "p STRING")
    golden.check(request, "df", df.select("p", F.parse_url(F.lit(URL), F.col("p"))))


def test_parse_url_shapes(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT parse_url(u, 'HOST') AS host, parse_url(u, 'PATH') AS path, parse_url(u, 'QUERY') AS query,
               parse_url(u, 'AUTHORITY') AS authority, parse_url(u, 'PROTOCOL') AS protocol,
               parse_url(u, 'QUERY', 'k') AS k, parse_url(u, 'REF') AS ref, u
        FROM VALUES ('http://spark.apache.org/path?query=1&k=v'), ('mailto:a@b.c'), ('/rel/path?x=1&k='),
                    ('http://h_x.com/p'), (''), ('http://[::1]:80/p?k=1#f'), ('https://192.168.0.1/x'),
                    ('file:///tmp/a%20b.txt'), ('http://host.com:/p'), ('ftp://h.example.'), (NULL) AS t(u)"""))
    golden.check(request, "keys", spark.sql("""
        SELECT parse_url('http://a.com/p?a=1&ab=2&b=&c', 'QUERY', key) AS v, key
        FROM VALUES ('a'), ('ab'), ('b'), ('c'), ('zz'), (NULL) AS t(key)"""))
    golden.check(request, "key_not_query", spark.sql("SELECT parse_url('http://a.com/p?a=1', 'HOST', 'a')"))


def test_invalid_urls(spark, request):
    golden.check_error(request, "ansi", lambda: spark.sql("SELECT parse_url('http://a b.com/x', 'HOST')").collect())
    golden.check(request, "try", spark.sql(
        "SELECT try_parse_url('http://a b.com/x', 'HOST'), try_parse_url('http://x.com/%zz', 'PATH'), "
        "try_parse_url('http://ok.com/p', 'HOST')"))
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "legacy", spark.sql(
            "SELECT parse_url('http://a b.com/x', 'HOST'), parse_url('http://x.com/a|b', 'PATH')"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


def test_url_encode_decode(spark, request):
    golden.check(request, "sql", spark.sql("""
        SELECT url_encode(s) AS enc, url_decode(url_encode(s)) AS round_trip, try_url_decode(s) AS dec, s
        FROM VALUES ('a b+c/é~*._-!'), ('https://spark.apache.org'), (''), ('100%'), ('%41%42'), (NULL) AS t(s)"""))
    golden.check(request, "df", spark.createDataFrame([("a+b%2Bc%2F%C3%A9",)], "s STRING").select(
        F.url_decode("s"), F.url_encode("s"), F.try_url_decode(F.lit("x%"))))


@pytest.mark.parametrize("text", ["%zz", "x%", "%4"])
def test_url_decode_errors(spark, request, text):
    golden.check_error(request, "err", lambda: spark.sql(f"SELECT url_decode('{text}')").collect())
