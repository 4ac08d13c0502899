"""spark.sql syntax that needs more than a query text (the rest is in tests/sql):
parameter markers bound by spark.sql(query, args), and malformed queries, whose
ParseException must carry Spark's error class, parameters and message (the
position and the statement with a marker under it). Answers from real Spark."""

from __future__ import annotations

import json

import pytest

import golden

MALFORMED = {
    "misspelled_keyword": "SELEC 1",
    "end_of_input": "SELECT 1 +",
    "unclosed_paren": "SELECT (1",
    "multi_line": "SELECT a FROM\n  range(3)\n  WHERE id >",
    "error_on_first_of_lines": "SELECT 1 FROM range(2) WHERE id = = 1\nORDER BY id",
    "two_statements": "SELECT 1; SELECT 2",
    "unclosed_string": "SELECT 'abc",
    "unclosed_backquote": "SELECT `a",
    "empty_in_list": "SELECT 1 IN () FROM range(1)",
    "group_by_nothing": "SELECT 1 FROM range(3) GROUP BY",
    "non_ascii_before": "SELECT 'é' ++ ",
    "extra_input": "SELECT 1 2",
    "missing_bracket": "SELECT 1 FROM (SELECT 2",
    "qualify_is_no_clause": "SELECT id FROM range(3) QUALIFY id = 1",
    "unclosed_comment": "SELECT 1 /* unclosed",
    "misspelled_from": "SELECT * FORM range(3)",
    "cte_without_parens": "WITH t AS SELECT 1 SELECT * FROM t",
    "join_on_nothing": "SELECT * FROM range(2) a JOIN range(2) b ON",
    "create_table_no_name": "CREATE TABLE",
    "cast_without_type": "SELECT CAST(1 AS)",
    "unpivot_mixed_groups": "SELECT * FROM VALUES (1, 2, 3) AS t(a, b, c) UNPIVOT ((x, y) FOR k IN ((a, b), c))",
}

# Errors whose whole message sk8 reproduces (Spark's ParseException text).
SAME_MESSAGE = set(MALFORMED) | {"empty_statement"}

OTHER_ERRORS = {
    "empty_statement": "   ",
    "literal_out_of_range": "SELECT 128Y",
    "result_clauses_combined": "SELECT id FROM range(3) ORDER BY id SORT BY id",
    "empty_like_any": "SELECT 'a' LIKE ANY ()",
    "named_arguments_not_supported": "SELECT substr(str => 'hello', pos => 2)",
    "group_by_all_mixed": "SELECT id + sum(id) FROM range(3) GROUP BY ALL",
}


def _check_message(request, name: str, exc: BaseException) -> None:
    if golden.recording():
        return
    expected = json.loads(golden.golden_path(request, name).read_text(encoding="utf-8"))["message"]
    assert golden.describe_error(exc)["message"] == expected


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_query(spark, request, name):
    exc = golden.check_error(request, "err", lambda: spark.sql(MALFORMED[name]).collect())
    if name in SAME_MESSAGE:
        _check_message(request, "err", exc)


@pytest.mark.parametrize("name", list(OTHER_ERRORS))
def test_other_sql_errors(spark, request, name):
    exc = golden.check_error(request, "err", lambda: spark.sql(OTHER_ERRORS[name]).collect())
    if name in SAME_MESSAGE:
        _check_message(request, "err", exc)


def test_named_parameters(spark, request):
    df = spark.sql("SELECT :a + 1 AS x, :b, :a * 2 AS y", args={"a": 5, "b": "s"})
    golden.check(request, "df", df)


def test_positional_parameters(spark, request):
    df = spark.sql("SELECT ? + 1, ?, ? IS NULL", args=[5, "s", None])
    golden.check(request, "df", df)


def test_parameters_in_clauses(spark, request):
    df = spark.sql("SELECT id FROM range(:n) WHERE id > :low ORDER BY id LIMIT :top",
                   args={"n": 10, "low": 2, "top": 3})
    golden.check(request, "df", df, ordered=True)


def test_parameter_in_identifier(spark, request):
    df = spark.sql("SELECT IDENTIFIER(:c) AS v FROM range(2)", args={"c": "id"})
    golden.check(request, "df", df)


def test_extra_parameters_are_ignored(spark, request):
    golden.check(request, "named", spark.sql("SELECT :a", args={"a": 1, "b": 2}))
    golden.check(request, "positional", spark.sql("SELECT ?", args=[1, 2]))


def test_unbound_named_parameter(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT :a", args={"b": 1}).collect())


def test_unbound_positional_parameter(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT 1, ?").collect())


def test_mixed_parameters(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT ?, :a", args={"a": 1}).collect())


def test_dataframe_expression_strings(spark, request):
    """selectExpr / filter strings use the same expression parser."""
    df = spark.createDataFrame([(1, "ab"), (2, "cd"), (3, None)], "a INT, s STRING")
    golden.check(request, "star_except", df.selectExpr("* EXCEPT (a)"))
    golden.check(request, "like_any", df.filter("s LIKE ANY ('a%', 'x%')"))
    golden.check(request, "ilike_any", df.selectExpr("a", "s ILIKE ANY ('A%', '%D')"))
    golden.check(request, "between", df.selectExpr("a BETWEEN 2 AND 3", "a NOT BETWEEN 2 AND 3 AS nb"))


def test_sql_referencing_dataframes(spark, request):
    # spark.sql("... {df} ...", df=df): the client sends the DataFrames with the query.
    df = spark.range(5).toDF("x")
    other = spark.createDataFrame([(1, "a"), (3, "b")], "x INT, s STRING")
    golden.check(request, "filter", spark.sql("SELECT * FROM {df} WHERE x > {n}", df=df, n=2))
    golden.check(request, "join", spark.sql(
        "SELECT a.x, s FROM {a} a JOIN {b} b ON a.x = b.x ORDER BY a.x", a=df, b=other), ordered=True)
    golden.check(request, "column", spark.sql("SELECT {c} * 2 AS y FROM {df}", c=df.x, df=df))
    golden.check(request, "with_cte", spark.sql(
        "WITH t AS (SELECT x FROM {df} WHERE x < 3) SELECT count(*) FROM t, {o} o WHERE t.x = o.x", df=df, o=other))
