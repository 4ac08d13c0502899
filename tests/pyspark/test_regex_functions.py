"""Regular-expression functions through the real PySpark client, answers
recorded from real Spark: rlike / regexp / regexp_like, regexp_replace (with
position), regexp_extract, regexp_extract_all, regexp_count, regexp_instr,
regexp_substr, LIKE / ILIKE with escapes, invalid patterns and Java-only regex
features."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def lines(spark):
    df = spark.createDataFrame(
        [(1, "100-200, 300-400", "(\\d+)-(\\d+)"), (2, "", "^$"), (3, None, "a"), (4, "héllo wörld", "[öé]"),
         (5, "foo_bar%baz", "o+"), (6, "ABC abc", "(?i)abc"), (7, "a.b.c", "\\."), (8, "日本語テキスト", "語.")],
        "id INT, s STRING, p STRING")
    df.createOrReplaceTempView("str_lines")
    return df


@pytest.fixture(scope="module")
def arrays(spark):
    df = spark.createDataFrame([(["a"], [1])], "a ARRAY<STRING>, b ARRAY<INT>")
    df.createOrReplaceTempView("str_arrays")
    return df


QUERIES = {
    "rlike": "SELECT id, s RLIKE p, rlike(s, '\\\\d'), regexp(s, 'o'), regexp_like(s, '^h'), s REGEXP 'c$' "
             "FROM str_lines",
    "regexp_replace": "SELECT id, regexp_replace(s, p, 'X'), regexp_replace(s, '(\\\\d+)', '<$1>'), "
                      "regexp_replace(s, 'l', 'L', 4), regexp_replace(s, '', '-'), "
                      "regexp_replace(s, '(\\\\w)(\\\\w)', '$2$1') FROM str_lines",
    "regexp_replace_literals": "SELECT regexp_replace('100-200', '(\\\\d+)', 'num'), "
                               "regexp_replace('abc', 'b', '\\\\$'), regexp_replace('abc', 'x*', '-'), "
                               "regexp_replace('héllo', '.', '_', 3), regexp_replace('abc', 'c', 'd', 10)",
    "regexp_extract": "SELECT id, regexp_extract(s, p, 0), regexp_extract(s, '(\\\\d+)-(\\\\d+)', 2), "
                      "regexp_extract(s, '([a-z]+)', 1), regexp_extract(s, 'zzz(z)?', 1) FROM str_lines",
    "regexp_extract_all": "SELECT id, regexp_extract_all(s, '(\\\\d+)-(\\\\d+)', 1), "
                          "regexp_extract_all(s, '[a-z]', 0), regexp_extract_all(s, '(x)?o', 1) FROM str_lines",
    "regexp_count_instr_substr": "SELECT id, regexp_count(s, '[a-z]'), regexp_count(s, p), regexp_instr(s, '\\\\d+'), "
                                 "regexp_instr(s, 'b'), regexp_substr(s, '[a-z]+'), regexp_substr(s, 'zz') "
                                 "FROM str_lines",
    "like_escape": "SELECT id, s LIKE 'foo\\\\_%', s LIKE 'foo!_bar!%%' ESCAPE '!', s ILIKE 'ABC%', "
                   "s NOT ILIKE '%WÖR%', like(s, '%b%'), ilike(s, 'h_LLO%'), s LIKE '' FROM str_lines",
    "like_column_pattern": "SELECT id, s LIKE concat('%', substring(s, 2, 1), '%') FROM str_lines",
    # Literals between several '%': found one after another, the last one anchored at the end.
    "like_segments": "SELECT id, s LIKE 'h%o', s LIKE '%l%o', s LIKE 'h%l%o%', s LIKE '%o%o%', s LIKE '%%', "
                     "s LIKE 'f%o%', s LIKE '%a%b%c', s NOT LIKE '%l%l%' FROM str_lines",
    "split_regex": "SELECT id, split(s, '[, -]+'), split(s, p) FROM str_lines",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_regex_sql(spark, lines, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_regex_dataframe(lines, request):
    s = lines.s
    golden.check(request, "df", lines.select(
        s.rlike("\\d+"), F.regexp_replace(s, "(\\d+)", "#"), F.regexp_replace(s, F.col("p"), F.lit("?")),
        F.regexp_extract(s, "(\\d+)-(\\d+)", 1), F.regexp_extract_all(s, F.lit("(\\d+)"), 1),
        F.regexp_count(s, F.lit("o")), F.regexp_instr(s, F.lit("o")), F.regexp_substr(s, F.lit("o+")),
        F.regexp_like(s, F.lit("^[a-z]")), s.like("%o%"), s.ilike("%O%")))


ERRORS = {
    "invalid_pattern": "SELECT regexp_replace('a', '(', 'b')",
    "invalid_pattern_rlike": "SELECT 'a' RLIKE '[a'",
    "extract_group_too_big": "SELECT regexp_extract('abc', '(a)', 2)",
    "extract_negative_group": "SELECT regexp_extract('abc', '(a)', -1)",
    "replace_bad_position": "SELECT regexp_replace('abc', 'a', 'b', 0)",
    "rlike_array": "SELECT rlike(a, 'a') FROM str_arrays",
    "like_bad_escape": "SELECT 'a' LIKE 'a\\\\' ",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_regex_errors(spark, arrays, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())


JAVA_ONLY = {
    "backreference": "SELECT regexp_replace('aa', '(a)\\\\1', 'x')",
    "lookahead": "SELECT 'ab' RLIKE 'a(?=b)'",
    "possessive": "SELECT regexp_count('aaa', 'a*+')",
}


@pytest.mark.sk8_only
@pytest.mark.parametrize("name", list(JAVA_ONLY))
def test_java_only_regex_features_fail_by_name(spark, name):
    """Java regex features RE2 lacks fail with an error naming them, not a different answer."""
    with pytest.raises(Exception, match="UNSUPPORTED_FEATURE"):
        spark.sql(JAVA_ONLY[name]).collect()
