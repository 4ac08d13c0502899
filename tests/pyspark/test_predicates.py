"""Predicates on their fast paths, answers recorded from real Spark: IN over a
list of literals (hash lookup; NULL in the value or the list), comparisons of
decimals / doubles / floats against columns and literals (NaN, -0.0, NULL), AND /
OR / CASE WHEN evaluated over whole batches when no operand can fail, and the
row-wise short circuit kept where one can (1 / 0, a narrowing cast)."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture(scope="module")
def values(spark):
    df = spark.createDataFrame(
        [(1, "MAIL", 1.5, 0.0, "0.05", "2024-01-01"),
         (2, "SHIP", float("nan"), -0.0, "0.07", "2024-02-29"),
         (3, None, None, None, None, None),
         (4, "AIR", -1.0, 2.5, "-3.10", "1999-12-31"),
         (0, "mail", float("inf"), float("nan"), "12345678901.99", "2024-01-01")],
        "i INT, s STRING, d DOUBLE, e DOUBLE, m STRING, t STRING")
    df.selectExpr("i", "s", "d", "e", "CAST(d AS FLOAT) AS f", "CAST(m AS DECIMAL(15,2)) AS m",
                  "CAST(t AS DATE) AS t").createOrReplaceTempView("pred_values")
    return df


QUERIES = {
    "in_strings": "SELECT i, s IN ('MAIL', 'SHIP') AS a, s IN ('MAIL', NULL) AS b, s NOT IN ('AIR') AS c "
                  "FROM pred_values ORDER BY i",
    "in_numbers": "SELECT i, i IN (1, 4, 7) AS a, i IN (2, NULL) AS b, m IN (0.05, -3.1) AS c, "
                  "t IN (DATE '2024-01-01') AS d FROM pred_values ORDER BY i",
    "in_doubles": "SELECT i, d IN (CAST('NaN' AS DOUBLE), 1.5) AS a, e IN (0.0) AS b, f IN (CAST('NaN' AS FLOAT)) AS c "
                  "FROM pred_values ORDER BY i",
    "in_filter": "SELECT i FROM pred_values WHERE s IN ('MAIL', 'SHIP', 'AIR') ORDER BY i",
    "decimal_compare": "SELECT i, m >= 0.05 AS a, m < 0.07 AS b, 0.06 > m AS c, m = m AS d, m <=> NULL AS e "
                       "FROM pred_values ORDER BY i",
    "decimal_between": "SELECT i FROM pred_values WHERE m BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 ORDER BY i",
    "double_compare": "SELECT i, d > e AS a, d = d AS b, d < CAST('NaN' AS DOUBLE) AS c, e = 0.0 AS d0, "
                      "d <=> e AS n, f >= 1.5 AS g FROM pred_values ORDER BY i",
    "and_or_nulls": "SELECT i, (m > 0 AND d > 0) AS a, (m > 0 OR d > 0) AS b, (s = 'MAIL' OR m IS NULL) AS c "
                    "FROM pred_values ORDER BY i",
    "case_nulls": "SELECT i, CASE WHEN m > 1 THEN 'big' WHEN m > 0 THEN 'small' WHEN s IS NULL THEN 'none' END AS a, "
                  "CASE WHEN d > 0 THEN m ELSE 0 END AS b FROM pred_values ORDER BY i",
    "guarded_division": "SELECT i, (i <> 0 AND 10 / i > 2) AS a, (i = 0 OR 10 / i > 2) AS b, "
                        "CASE WHEN i = 0 THEN -1 ELSE 10 / i END AS c FROM pred_values ORDER BY i",
    "guarded_cast": "SELECT i FROM pred_values WHERE i = 3 AND CAST(s AS INT) IS NULL",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_predicates(spark, values, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_unguarded_division_fails(spark, values, request):
    golden.check_error(request, "error", lambda: spark.sql(
        "SELECT i, (i > -1 AND 10 / i > 2) AS a FROM pred_values").collect())


# AND / OR / NOT / IN / LIKE / DIV / positive called as functions: Spark names
# them as operators, so each golden keeps its query.
NAMED_CALLS = {
    "and_or_not": "SELECT i, and(i > 1, d > 0), or(i > 3, s IS NULL), not(i > 2), not(NULL), "
                  "and(NULL, false), or(NULL, true) FROM pred_values",
    "in_function": "SELECT i, in(i, 1, 4), in(s, 'MAIL', NULL), in(d, CAST('NaN' AS DOUBLE)), in(NULL, 1) "
                   "FROM pred_values",
    "like": "SELECT s, like(s, 'M%'), like(s, '_AI_'), s LIKE '%A%', like(s, 'm\\\\%') , "
            "like('a%b', 'a!%b', '!'), like(s, NULL) FROM pred_values",
    "like_escape": "SELECT like('a_c', 'a/_c', '/'), like('abc', 'a/_c', '/'), 'a%' LIKE 'a|%' ESCAPE '|'",
    "like_bad_escape": "SELECT like('abc', 'a/', '/')",
    "div": "SELECT i, div(10, i), 7 div 2, div(-7, 2), div(NULL, 1), div(CAST(i AS BIGINT), 3L) "
           "FROM pred_values WHERE i <> 0",
    "div_decimal": "SELECT div(CAST(7.5 AS DECIMAL(3,1)), 2), div(7.5, 2.5)",
    "div_by_zero": "SELECT div(1, 0)",
    "div_interval": "SELECT div(INTERVAL '10' DAY, INTERVAL '3' DAY)",
    "positive": "SELECT i, positive(i), positive(d), positive(m), positive(-0.0), positive(NULL) FROM pred_values",
    "positive_string": "SELECT positive('1')",
    "operators": "SELECT i, ! (i > 1), i != 2, i == 2, i << 1, i >> 1, -i >>> 28, ~ i, ! NULL FROM pred_values",
}

NAMED_CALLS_ANSI_OFF = {"div_by_zero", "like_bad_escape"}
NAMED_CALLS_DIFFER = {
    "div_decimal": "sk8's div takes integral operands only (Spark: decimals too)",
    "div_interval": "sk8's div takes integral operands only (Spark: ANSI intervals too)",
}



@pytest.mark.parametrize("name", golden.known_differences(NAMED_CALLS, NAMED_CALLS_DIFFER))
def test_predicates_named_calls(spark, values, request, name):
    golden.check_sql(request, "sql", spark, NAMED_CALLS[name])


@pytest.mark.parametrize("name", sorted(NAMED_CALLS_ANSI_OFF))
def test_predicates_named_calls_ansi_off(spark, values, request, name):
    golden.check_sql(request, "sql", spark, NAMED_CALLS[name], conf={"spark.sql.ansi.enabled": "false"})
