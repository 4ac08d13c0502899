"""Conditional and NULL functions (coalesce, nullif, nvl, nvl2, ifnull, if,
isnull, isnotnull, isnan, nanvl, equal_null, assert_true, raise_error) through SQL
and pyspark.sql.functions; answers recorded from real Spark."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def vals(spark):
    df = spark.createDataFrame(
        [(1, None, 2.0, "a", None), (2, 5, float("nan"), None, "y"), (3, None, None, None, None),
         (4, 0, -0.0, "", "z"), (None, 7, 1.5, "b", "b")],
        "a INT, b INT, d DOUBLE, s STRING, t STRING")
    df.createOrReplaceTempView("null_vals")
    return df


SQL = {
    "coalesce": "SELECT coalesce(a, b), coalesce(b, a, 0), coalesce(s, t, 'none'), coalesce(d, a) FROM null_vals",
    "coalesce_literals": "SELECT coalesce(NULL, 1), coalesce(NULL, NULL), coalesce(1, 'x')",
    "nullif": "SELECT nullif(a, 1), nullif(s, ''), nullif(d, d), nullif(b, a) FROM null_vals",
    "nvl_ifnull": "SELECT nvl(a, -1), ifnull(s, t), nvl(d, 0), nvl(b, 1.5) FROM null_vals",
    "nvl2": "SELECT nvl2(a, 'set', 'unset'), nvl2(s, b, a) FROM null_vals",
    "if": "SELECT if(a > 1, 'big', 'small'), if(s IS NULL, b, a), if(NULL, 1, 2) FROM null_vals",
    "isnull_isnotnull": "SELECT isnull(a), isnotnull(s), isnull(d), a IS NULL FROM null_vals",
    "isnan_nanvl": "SELECT isnan(d), nanvl(d, 0), nanvl(d, CAST(a AS DOUBLE)), isnan(a) FROM null_vals",
    "equal_null": "SELECT equal_null(a, b), equal_null(s, t), equal_null(NULL, NULL) FROM null_vals",
    "assert_true_passes": "SELECT assert_true(a > 0) FROM null_vals WHERE a IS NOT NULL",
    "where_coalesce": "SELECT a FROM null_vals WHERE coalesce(b, 0) > 0",
    "zeroifnull_nullifzero": "SELECT zeroifnull(a), zeroifnull(d), nullifzero(b), nullifzero(d), "
                             "zeroifnull(NULL), nullifzero(0L) FROM null_vals",
}


@pytest.mark.parametrize("name", list(SQL))
def test_null_functions_sql(spark, vals, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


ERRORS = {
    "assert_true_fails": "SELECT assert_true(a > 1) FROM null_vals",
    "assert_true_message": "SELECT assert_true(a > 1, 'a is small') FROM null_vals",
    "raise_error": "SELECT raise_error('custom failure')",
    "coalesce_mixed": "SELECT coalesce(a, DATE'2020-01-01') FROM null_vals",
    "coalesce_no_args": "SELECT coalesce()",
    "if_non_boolean": "SELECT if(a, 1, 2) FROM null_vals",
    "nvl2_two_args": "SELECT nvl2(a, 1) FROM null_vals",
    "isnan_string": "SELECT isnan(s) FROM null_vals",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_null_functions_errors(spark, vals, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())


def test_null_functions_dataframe(vals, request):
    golden.check(request, "df", vals.select(
        F.coalesce("a", "b"), F.nullif("a", F.lit(1)), F.nvl("a", F.lit(0)), F.nvl2("a", "b", F.lit(9)),
        F.ifnull("s", "t"), F.isnull("a"), F.isnotnull("s"), F.isnan("d"), F.nanvl("d", F.lit(0.0)),
        F.equal_null("s", "t"), F.when(F.col("a") > 2, "x").otherwise("y"), vals.a.isNull(),
        vals.s.isNotNull()))


# Calls Spark answers under another column name (isnull(a) is "(a IS NULL)",
# when(c, v) is "CASE WHEN c THEN v END"): each golden keeps its query.
NAMED_CALLS = {
    "isnull": "SELECT a, isnull(a), isnull(s), isnull(d), isnull(NULL), isnull(try_divide(1, 0)) FROM null_vals",
    "when_function": "SELECT a, when(a > 2, 'big'), when(s IS NULL, b) FROM null_vals",
    "when_case": "SELECT a, CASE WHEN a > 2 THEN 'big' WHEN a > 1 THEN 'mid' ELSE 'small' END, "
                 "CASE WHEN d IS NULL THEN 0 WHEN isnan(d) THEN 1 END FROM null_vals",
    "raise_error": "SELECT raise_error('custom failure')",
    "raise_error_null": "SELECT raise_error(NULL)",
    "raise_error_column": "SELECT if(a > 3, raise_error(concat('bad a: ', a)), a) FROM null_vals",
    "raise_error_guarded": "SELECT a, if(a > 100, raise_error('never'), 'ok') FROM null_vals",
    "raise_error_type": "SELECT typeof(raise_error('x'))",
    "raise_error_number": "SELECT raise_error(42)",
}


@pytest.mark.parametrize("name", list(NAMED_CALLS))
def test_null_functions_named_calls(spark, vals, request, name):
    golden.check_sql(request, "sql", spark, NAMED_CALLS[name])
