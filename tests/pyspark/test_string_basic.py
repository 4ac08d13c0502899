"""Basic string functions through the real PySpark client, answers recorded from
real Spark: case mapping, lengths, trimming (also SQL's TRIM(BOTH ... FROM ...)),
concatenation, padding, repeat / reverse / left / right, with NULLs, empty
strings and multi-byte characters (Spark counts characters, not bytes)."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def texts(spark):
    df = spark.createDataFrame(
        [(1, "Hello World", 3, "xy"), (2, "", 0, ""), (3, None, 2, "a"), (4, "  héllo wörld  ", -1, None),
         (5, "日本語テキスト", 10, "日"), (6, "ß straße ǅ", 5, "ab"), (7, "xxaxyx", 1, "x"),
         (8, "ÀÉÎ õü", 4, " ")],
        "id INT, s STRING, n INT, t STRING")
    df.createOrReplaceTempView("str_texts")
    return df


@pytest.fixture(scope="module")
def arrays(spark):
    df = spark.createDataFrame([(["a"], [1])], "a ARRAY<STRING>, b ARRAY<INT>")
    df.createOrReplaceTempView("str_arrays")
    return df


QUERIES = {
    "case": "SELECT id, upper(s), lower(s), ucase(s), lcase(s), initcap(s) FROM str_texts",
    "case_literals": "SELECT upper('abc'), lower('ÄBC'), initcap('hello wORLD  a-b'), initcap(''), upper(NULL)",
    "case_numbers": "SELECT upper(123), lower(1.5), initcap(true)",
    "lengths": "SELECT id, length(s), char_length(s), character_length(s), octet_length(s), bit_length(s) "
               "FROM str_texts",
    "length_binary": "SELECT length(CAST('héllo' AS BINARY)), octet_length(CAST('héllo' AS BINARY)), "
                     "bit_length(CAST('ab' AS BINARY)), length(12345)",
    "trim": "SELECT id, trim(s), ltrim(s), rtrim(s), btrim(s) FROM str_texts",
    "trim_chars": "SELECT id, btrim(s, t), btrim(s, 'xd') FROM str_texts",
    "trim_sql_syntax": "SELECT id, trim(BOTH 'x' FROM s), trim(LEADING 'x' FROM s), trim(TRAILING 'xH' FROM s), "
                       "trim(BOTH FROM s), trim(LEADING FROM s), trim('x' FROM s) FROM str_texts",
    "trim_literals": "SELECT trim('  a b  '), ltrim('  a  '), rtrim('  a  '), trim('\ta\n'), btrim('yxabcxy', 'xy')",
    "concat": "SELECT id, concat(s, '-', t), concat(s), concat(), concat(s, NULL), concat(id, n, s) FROM str_texts",
    "concat_ws": "SELECT id, concat_ws('|', s, t), concat_ws(t, s, 'z'), concat_ws(',', s, NULL, t), concat_ws('-'), "
                 "concat_ws(NULL, s), concat_ws(',', id, n) FROM str_texts",
    "pad": "SELECT id, lpad(s, n, t), rpad(s, n, t), lpad(s, 5), rpad(s, 5), lpad(s, 12, 'ab'), rpad(s, 0, 'x') "
           "FROM str_texts",
    "pad_literals": "SELECT lpad('hi', 5, '??'), rpad('hi', 1, '?'), lpad('héllo', 7, 'ö'), lpad('x', -3, 'a'), "
                    "rpad('x', 3, '')",
    "repeat_reverse": "SELECT id, repeat(s, n), reverse(s), repeat(t, 3), space(n) FROM str_texts",
    "left_right": "SELECT id, left(s, n), right(s, n), left(s, 0), right(s, -1), left(s, 100) FROM str_texts",
    "replace": "SELECT id, replace(s, 'l'), replace(s, 'l', 'LL'), replace(s, '', 'x'), replace(s, t, '_') "
               "FROM str_texts",
    "overlay": "SELECT overlay('Spark SQL' PLACING '_' FROM 6), overlay('Spark SQL' PLACING 'CORE' FROM 7), "
               "overlay('Spark SQL' PLACING 'ANSI ' FROM 7 FOR 0), overlay('Spark SQL' PLACING 'tructured' FROM 2 FOR 4), "
               "overlay('héllo', 'ö', 2, 1), overlay('abc', 'x', -1), overlay('abc', 'xyz', 10)",
    "ascii_chr": "SELECT id, ascii(s), chr(n + 64), char(n * 30) FROM str_texts",
    "ascii_chr_literals": "SELECT ascii('é'), ascii(''), chr(-1), chr(256 + 65), chr(0), char(233), ascii(5)",
    "base64": "SELECT id, base64(s), unbase64(base64(s)), base64(CAST(s AS BINARY)) FROM str_texts",
    "base64_literals": "SELECT base64('Spark SQL'), unbase64('U3BhcmsgU1FM'), base64(''), "
                       "unbase64('U3Bh cmsgU1FM'), base64(repeat('a', 60))",
    "translate": "SELECT id, translate(s, 'lo', '01'), translate(s, 'lé', 'L'), translate(s, '', 'x'), "
                 "translate(s, 'ö日', 'o') FROM str_texts",
    "in_where": "SELECT id FROM str_texts WHERE upper(s) LIKE '%WOR%' OR length(trim(s)) = 0",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_string_basic_sql(spark, texts, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_string_basic_dataframe(texts, request):
    s = texts.s
    golden.check(request, "case_length", texts.select(
        F.upper(s), F.lower("s"), F.initcap(s), F.length(s), F.char_length(s), F.character_length(s),
        F.octet_length(s), F.bit_length(s), F.ucase(s), F.lcase(s)))
    golden.check(request, "trim", texts.select(
        F.trim(s), F.ltrim(s), F.rtrim(s), F.btrim(s), F.trim(s, F.lit("x")), F.ltrim(s, F.lit(" h")),
        F.rtrim(s, F.lit("dl ")), F.btrim(s, F.col("t"))))
    golden.check(request, "concat_pad", texts.select(
        F.concat(s, F.lit("!"), F.col("t")), F.concat_ws("-", s, "t"), F.lpad(s, 8, "*"), F.rpad(s, 8, "*"),
        F.repeat(s, 2), F.reverse(s), F.left(s, F.lit(2)), F.right(s, F.lit(2))))
    golden.check(request, "misc", texts.select(
        F.replace(s, F.lit("l"), F.lit("L")), F.overlay(s, F.lit("__"), 2, 3), F.ascii(s), F.chr(F.lit(65)),
        F.base64(s), F.unbase64(F.base64(s)), F.translate(s, "lo", "LO")))


def test_concat_ws_arrays(spark, arrays, request):
    golden.check(request, "df", spark.sql(
        "SELECT concat_ws('-', a, 'x', a), concat_ws(',', a, NULL) "
        "FROM str_arrays"))
    golden.check(request, "nulls", spark.createDataFrame([(["a", None, "b"],), (None,), ([],)], "v ARRAY<STRING>")
                 .selectExpr("concat_ws('/', v, 'end')"))


def test_concat_reverse_arrays_and_binary(spark, request):
    df = spark.createDataFrame([([1, 2], [3], None, b"ab", b"c"), ([], [None, 4], [5], b"", None)],
                               "a ARRAY<INT>, b ARRAY<INT>, c ARRAY<INT>, x BINARY, y BINARY")
    golden.check(request, "df", df.selectExpr("concat(a, b)", "concat(a, b, c)", "reverse(b)", "reverse(c)",
                                              "concat(x, y)", "concat(x, x)"))


def test_quote(spark, request):
    golden.check(request, "df", spark.sql("SELECT quote('Don''t'), quote('a\\\\b'), quote(''), quote(NULL)"))


def test_binary_predicates(spark, request):
    golden.check(request, "df", spark.sql(
        "SELECT startswith(CAST('abc' AS BINARY), CAST('ab' AS BINARY)), endswith(x'6162', x'62'), "
        "contains(x'616263', x'62'), contains(x'616263', x'7A')"))


def test_string_basic_ansi_off(spark, texts, request):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "df", spark.sql(
            "SELECT id, upper(s), lpad(s, n, t), repeat(s, n), concat_ws(',', s, t), left(s, n), chr(n) "
            "FROM str_texts"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


ERRORS = {
    "upper_no_args": "SELECT upper()",
    "lower_two_args": "SELECT lower('a', 'b')",
    "length_array": "SELECT length(b) FROM str_arrays",
    "upper_array": "SELECT upper(a) FROM str_arrays",
    "trim_three_args": "SELECT btrim('a', 'b', 'c')",
    "lpad_wrong_count": "SELECT lpad('a')",
    "lpad_bad_length": "SELECT lpad('a', 'x', 'y')",
    "repeat_bad_count": "SELECT repeat('a', 'b')",
    "concat_ws_array_sep": "SELECT concat_ws(a, 'b') FROM str_arrays",
    "replace_four": "SELECT replace('a', 'b', 'c', 'd')",
    "chr_string": "SELECT chr('a')",
    "overlay_bad_pos": "SELECT overlay('abc', 'x', 'y')",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_string_basic_errors(spark, arrays, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())
