"""String functions through the real PySpark client, answers recorded from real
Spark: substring / substr with Spark's position rules (1-based, 0 as 1, negative
from the end, windows cut at the start), multi-byte characters, NULLs and
argument types."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def words(spark):
    df = spark.createDataFrame(
        [("hello", 2, 3), ("", 1, 1), ("héllo wörld", -5, 3), (None, 1, 2), ("abc", None, 1), ("abc", 0, 2),
         ("日本語テキスト", 3, 2), ("abc", -5, 3), ("abc", 2, -1), ("abc", 4, 1)],
        "s STRING, p INT, n INT")
    df.createOrReplaceTempView("str_words")
    return df


SUBSTRINGS = {
    "columns": "SELECT s, p, n, substring(s, p, n) FROM str_words",
    "without_length": "SELECT substring(s, p) FROM str_words",
    "substr_alias": "SELECT substr(s, 2, 2) FROM str_words",
    "literal_positions": "SELECT substring(s, -3, 2), substring(s, 0, 1), substring(s, 100) FROM str_words",
    "bigint_position": "SELECT substring(s, CAST(p AS BIGINT), 2) FROM str_words",
    "number_argument": "SELECT substring(12345, 2, 3), substring(CAST(1.5 AS DOUBLE), 1, 2)",
    "in_filter": "SELECT s FROM str_words WHERE substring(s, 1, 1) IN ('h', 'a')",
    "group_by": "SELECT substring(s, 1, 1) AS c, count(*) AS n FROM str_words GROUP BY substring(s, 1, 1)",
}


@pytest.mark.parametrize("name", list(SUBSTRINGS))
def test_substring_sql(spark, words, request, name):
    golden.check(request, "df", spark.sql(SUBSTRINGS[name]))


def test_substring_dataframe(words, request):
    golden.check(request, "df", words.select(F.substring("s", 2, 3), F.substring(words.s, -2, 5),
                                             words.s.substr(1, 2), F.substr("s", "p", "n")))


def test_substring_wrong_argument_count(spark, words, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT substring(s) FROM str_words").collect())


PREDICATES = {
    "sql": "SELECT s, startswith(s, 'ab'), endswith(s, 'lo'), contains(s, 'l'), contains(s, '') FROM str_words",
    "column_pattern": "SELECT startswith(s, substring(s, 1, p)), contains(s, CAST(n AS STRING)) FROM str_words",
    "in_filter": "SELECT s FROM str_words WHERE endswith(s, 'c') OR startswith(s, 'h')",
    "non_string_argument": "SELECT startswith(12345, 12), contains(p, 1) FROM str_words",
}


@pytest.mark.parametrize("name", list(PREDICATES))
def test_string_predicates_sql(spark, words, request, name):
    golden.check(request, "df", spark.sql(PREDICATES[name]))


def test_string_predicates_dataframe(words, request):
    golden.check(request, "df", words.select(words.s.startswith("h"), words.s.endswith("c"), words.s.contains("é")))
    golden.check(request, "filtered", words.filter(words.s.contains("b") | words.s.startswith("日")))


STRING_CALLS = {
    "len": "SELECT s, len(s), len(CAST(s AS BINARY)), len(12345), len(''), len(NULL) FROM str_words",
    "len_array": "SELECT len(array(1, 2))",
    "to_varchar_number": "SELECT to_varchar(12454, '99,999'), to_varchar(78.12, '$99.99'), "
                         "to_varchar(-12454.8, '99,999.9S'), to_varchar(CAST(5 AS DECIMAL(3, 0)), '000'), "
                         "to_varchar(NULL, '999'), to_varchar(12, '9')",
    "to_varchar_date": "SELECT to_varchar(DATE '2016-04-08', 'y'), to_varchar(TIMESTAMP '2016-04-08 10:11:12', "
                       "'yyyy-MM-dd HH:mm'), to_varchar(X'537061726b2053514c', 'hex'), "
                       "to_varchar(X'537061726b2053514c', 'base64'), to_varchar(X'537061726b2053514c', 'utf-8')",
    "to_varchar_bad_format": "SELECT to_varchar(12, 'abc')",
    "to_varchar_column_format": "SELECT to_varchar(12, s) FROM str_words",
    "to_varchar_string": "SELECT to_varchar('12', '99')",
}


STRING_CALLS_DIFFER = {
    "to_varchar_date": "sk8 names to_varchar of BINARY after hex / base64 / decode (Spark: to_varchar(...))",
    "to_varchar_column_format": "sk8's NON_FOLDABLE_INPUT names the format `cast` (Spark: `attributereference`)",
    "to_varchar_string": "sk8 refuses a STRING input of to_varchar (Spark casts it to a number)",
}



@pytest.mark.parametrize("name", golden.known_differences(STRING_CALLS, STRING_CALLS_DIFFER))
def test_string_named_calls(spark, words, request, name):
    golden.check_sql(request, "sql", spark, STRING_CALLS[name])


# Collations: UTF8_BINARY (Spark's default) only; other collations are refused by name.
COLLATION_CALLS = {
    "utf8_binary": "SELECT s, collate(s, 'UTF8_BINARY'), s COLLATE UTF8_BINARY, s COLLATE utf8_binary, "
                   "collation(s), collation(s COLLATE UTF8_BINARY), typeof(collate(s, 'UTF8_BINARY')) FROM str_words",
    "compare": "SELECT s FROM str_words WHERE s COLLATE UTF8_BINARY = 'abc' AND collate(s, 'UTF8_BINARY') < 'b'",
    "nulls": "SELECT collation(NULL), collate(NULL, 'UTF8_BINARY'), typeof(collate(NULL, 'UTF8_BINARY'))",
    "collate_number": "SELECT collate(1, 'UTF8_BINARY')",
    "collation_number": "SELECT collation(1)",
    "collate_column_name": "SELECT collate('a', s) FROM str_words",
    "collate_wrong_args": "SELECT collate('a')",
}


@pytest.mark.parametrize("name", list(COLLATION_CALLS))
def test_collation_calls(spark, words, request, name):
    golden.check_sql(request, "sql", spark, COLLATION_CALLS[name])


def test_collation_dataframe(words, request):
    golden.check(request, "df", words.select(F.collate("s", "UTF8_BINARY"), F.collation("s")))


@pytest.mark.sk8_only
def test_other_collations_refused(spark):
    # Spark answers these; sk8 refuses by name rather than compare as UTF8_BINARY.
    for query in ("SELECT 'a' COLLATE UTF8_LCASE = 'A'", "SELECT collate('a', 'UNICODE_CI')"):
        with pytest.raises(Exception, match="UNSUPPORTED_FEATURE"):
            spark.sql(query).collect()
