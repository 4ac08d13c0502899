"""String search and splitting functions through the real PySpark client,
answers recorded from real Spark: instr / locate / position, substring_index,
split_part, split (with limit), find_in_set, elt, levenshtein, soundex, with
character (not byte) positions, NULLs, empty strings and out-of-range indexes."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def items(spark):
    df = spark.createDataFrame(
        [(1, "a,b,,c", ",", 2), (2, "", ",", 1), (3, None, "-", 1), (4, "héllo wörld wö", "ö", -1),
         (5, "www.apache.org", ".", 0), (6, "日本,語,テキスト", ",", 5), (7, "abcabc", None, 3),
         (8, "Robert", "", -2)],
        "id INT, s STRING, d STRING, k INT")
    df.createOrReplaceTempView("str_items")
    return df


@pytest.fixture(scope="module")
def arrays(spark):
    df = spark.createDataFrame([(["a"], [1])], "a ARRAY<STRING>, b ARRAY<INT>")
    df.createOrReplaceTempView("str_arrays")
    return df


QUERIES = {
    "instr_locate": "SELECT id, instr(s, d), locate(d, s), locate(d, s, 3), locate(d, s, k), position(d, s), "
                    "position(d IN s), instr(s, '') FROM str_items",
    "locate_literals": "SELECT locate('bar', 'foobarbar'), locate('bar', 'foobarbar', 5), locate('', 'abc', 0), "
                       "locate('', 'abc', 2), locate('', 'abc', 5), locate('a', NULL), instr('日本語', '語')",
    "substring_index": "SELECT id, substring_index(s, d, k), substring_index(s, d, 1), substring_index(s, d, -1), "
                       "substring_index(s, d, 0), substring_index(s, 'ab', -2) FROM str_items",
    "substring_index_literals": "SELECT substring_index('www.apache.org', '.', 2), "
                                "substring_index('www.apache.org', '.', -2), substring_index('a..b', '..', 5), "
                                "substring_index('aaa', 'aa', 1), substring_index('aaa', 'aa', -1)",
    "split_part": "SELECT id, split_part(s, d, 1), split_part(s, d, 2), split_part(s, d, -1), "
                  "split_part(s, ',', k) FROM str_items WHERE k <> 0",
    "split_part_literals": "SELECT split_part('11.12.13', '.', 3), split_part('11.12.13', '.', -3), "
                           "split_part('11.12.13', '.', 4), split_part('11.12.13', '', 1), split_part('', '.', 1)",
    "split": "SELECT id, split(s, d), split(s, ','), split(s, d, 2), split(s, d, -1), split(s, '') FROM str_items",
    "split_literals": "SELECT split('oneAtwoBthreeC', '[ABC]'), split('oneAtwoBthreeC', '[ABC]', 2), "
                      "split('a.b.c', '\\\\.'), split('abc', ''), split('abc', '', 2), split('', ','), "
                      "split('a1b22c', '[0-9]+', 0)",
    "find_in_set": "SELECT id, find_in_set('b', s), find_in_set('', s), find_in_set('c', 'a,b,c'), "
                   "find_in_set('a,b', 'a,b'), find_in_set(d, s) FROM str_items",
    "elt": "SELECT id, elt(k, 'x', 'y', 'z'), elt(2, s, d), elt(1, 'a') FROM str_items WHERE k BETWEEN 1 AND 3",
    "levenshtein": "SELECT id, levenshtein(s, 'abc'), levenshtein(s, d), levenshtein(s, 'Rupert', 3), "
                   "levenshtein('kitten', 'sitting'), levenshtein('日本', '日') FROM str_items",
    "soundex": "SELECT id, soundex(s), soundex('Miller'), soundex('Ashcraft'), soundex('Tymczak'), soundex('1a'), "
               "soundex('') FROM str_items",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_string_search_sql(spark, items, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_string_search_dataframe(items, request):
    s = items.s
    golden.check(request, "df", items.select(
        F.instr(s, "b"), F.locate("b", s), F.locate("b", s, 3), F.position(F.lit("b"), s),
        F.substring_index(s, ",", 2), F.split_part(s, F.lit(","), F.lit(2)), F.split(s, ","), F.split(s, ",", 2),
        F.find_in_set(F.lit("b"), s), F.levenshtein(s, F.lit("abc")), F.levenshtein(s, F.lit("abc"), 2),
        F.soundex(s), F.elt(F.lit(1), s, F.col("d"))))


def test_elt_out_of_range(spark, items, request):
    golden.check_error(request, "ansi", lambda: spark.sql("SELECT elt(4, 'a', 'b')").collect())
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        golden.check(request, "no_ansi", spark.sql("SELECT elt(4, 'a', 'b'), elt(0, 'a'), elt(-1, 'a')"))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


def test_split_part_zero_index(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT split_part('a.b', '.', 0)").collect())


ERRORS = {
    "instr_one_arg": "SELECT instr('a')",
    "locate_four": "SELECT locate('a', 'b', 1, 2)",
    "split_bad_limit": "SELECT split('a', 'b', 'c')",
    "substring_index_bad": "SELECT substring_index('a', ',', 'x')",
    "levenshtein_array": "SELECT levenshtein(a, 'b') FROM str_arrays",
    "find_in_set_one": "SELECT find_in_set('a')",
    "elt_one_arg": "SELECT elt(1)",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_string_search_errors(spark, arrays, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())
