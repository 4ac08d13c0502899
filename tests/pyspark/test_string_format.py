"""String formatting and encoding functions through the real PySpark client,
answers recorded from real Spark: format_number, format_string / printf, mask,
encode / decode / to_binary with charsets, luhn_check, is_valid_utf8 /
make_valid_utf8, with NULLs and ANSI on and off."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def values(spark):
    df = spark.createDataFrame(
        [(1, "AbCD123-@$#", 12332.123456, 4, 79927398713), (2, "", -0.5, 0, 0), (3, None, None, None, None),
         (4, "héllo Wörld 9", 1e15, 2, 1234567812345670), (5, "x", 0.0, -1, 8)],
        "id INT, s STRING, d DOUBLE, n INT, c BIGINT")
    df.createOrReplaceTempView("str_values")
    return df


QUERIES = {
    "format_number": "SELECT id, format_number(d, n), format_number(d, 2), format_number(c, 0), "
                     "format_number(d, '#.##') FROM str_values",
    "format_number_literals": "SELECT format_number(12332.123456, 4), format_number(0.5, 0), "
                              "format_number(1.5, 0), format_number(2.5, 0), format_number(-1234.5678, 1), "
                              "format_number(123, 2), format_number(CAST(12.345 AS DECIMAL(5,3)), 2), "
                              "format_number(12332.123456, '##################.###')",
    "format_string": "SELECT id, format_string('%s=%d', s, id), printf('%5s|%-5s|', s, s), "
                     "format_string('%.2f', d), format_string('%s', NULL), format_string('x') FROM str_values",
    "format_string_literals": "SELECT format_string('Hello World %d %s', 100, 'days'), "
                              "format_string('%05d|%x|%o|%e|%b|%%', 42, 255, 8, 1234.5D, true), "
                              "format_string('%10.3f|%-8d|%+d', 3.14159D, 7, 5), format_string('%2$s %1$s', 'a', 'b')",
    "mask": "SELECT id, mask(s), mask(s, 'Y', 'y', 'n', '-'), mask(s, NULL, NULL, NULL, NULL), "
            "mask(s, 'Q') FROM str_values",
    "encode_decode": "SELECT id, encode(s, 'UTF-8'), decode(encode(s, 'UTF-8'), 'UTF-8'), encode(s, 'UTF-16BE'), "
                     "encode('abc', 'US-ASCII'), encode('héllo', 'ISO-8859-1'), "
                     "decode(encode('héllo', 'ISO-8859-1'), 'iso-8859-1'), "
                     "unbase64('@@@') FROM str_values",
    "to_binary": "SELECT to_binary('abc', 'utf-8'), to_binary('616263', 'hex'), to_binary('YWJj', 'base64'), "
                 "to_binary('abc'), to_binary(NULL, 'hex'), try_to_binary('zz', 'hex')",
    "luhn": "SELECT id, luhn_check(CAST(c AS STRING)), luhn_check('79927398713'), luhn_check('79927398714'), "
            "luhn_check(''), luhn_check('1a') FROM str_values",
    "utf8_valid": "SELECT is_valid_utf8('abc'), is_valid_utf8(x'61C262'), make_valid_utf8(x'61C262'), "
                  "make_valid_utf8('héllo'), is_valid_utf8(NULL), validate_utf8('ab'), try_validate_utf8(x'61C262')",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_string_format_sql(spark, values, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_string_format_dataframe(values, request):
    s = values.s
    golden.check(request, "df", values.select(
        F.format_number("d", 3), F.format_string("%s:%d", s, values.id), F.printf(F.lit("%s!"), s), F.mask(s),
        F.encode(s, "UTF-8"), F.decode(F.encode(s, "UTF-8"), "UTF-8"),
        F.is_valid_utf8(s), F.to_binary(F.lit("abc"), F.lit("utf-8"))))


def test_string_format_ansi_off(spark, values, request):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "df", spark.sql(
            "SELECT format_number(d, n), encode(s, 'UTF-8'), mask(s) FROM str_values"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


ERRORS = {
    "encode_bad_charset": "SELECT encode('a', 'WIN-1252X')",
    "decode_bad_charset": "SELECT decode(x'61', 'nope')",
    "encode_unmappable": "SELECT encode('héllo', 'US-ASCII')",
    "to_binary_bad_hex": "SELECT to_binary('zz', 'hex')",
    "to_binary_bad_format": "SELECT to_binary('a', 'octal')",
    "format_number_string": "SELECT format_number('a', 2)",
    "mask_bad_char": "SELECT mask('a', 'XY')",
    "validate_utf8_bad": "SELECT validate_utf8(x'61C262')",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_string_format_errors(spark, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())


@pytest.mark.sk8_only
def test_decode_case_form_fails_by_name(spark):
    """decode(expr, search, result, ...) is not implemented: it fails by name, not with a wrong count."""
    with pytest.raises(Exception, match="UNSUPPORTED_FEATURE"):
        spark.sql("SELECT decode(1, 1, 'one', 'other')").collect()
