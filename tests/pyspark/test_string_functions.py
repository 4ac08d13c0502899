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
