"""Subquery predicates in WHERE through spark.sql, answers recorded from real
Spark: IN and NOT IN over uncorrelated subqueries, with Spark's NULL rules for NOT
IN (a NULL candidate excludes every row; a NULL value is excluded unless there are
no candidates), combined with other conjuncts and joins, a subquery with GROUP BY
and HAVING (TPC-H Q18's shape), and what is not supported yet saying so."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture(scope="module")
def tables(spark):
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "c"), (None, "n"), (2, "b2")], "k INT, v STRING") \
        .createOrReplaceTempView("sq_t")
    spark.createDataFrame([(2,), (3,), (5,)], "k INT").createOrReplaceTempView("sq_s")
    spark.createDataFrame([(2,), (None,)], "k INT").createOrReplaceTempView("sq_n")
    spark.createDataFrame([], "k INT").createOrReplaceTempView("sq_e")
    yield


QUERIES = {
    "in": "SELECT * FROM sq_t WHERE k IN (SELECT k FROM sq_s)",
    "not_in": "SELECT * FROM sq_t WHERE k NOT IN (SELECT k FROM sq_s)",
    "not_in_with_null_candidate": "SELECT * FROM sq_t WHERE k NOT IN (SELECT k FROM sq_n)",
    "not_in_empty": "SELECT * FROM sq_t WHERE k NOT IN (SELECT k FROM sq_e)",
    "in_with_null_candidate": "SELECT * FROM sq_t WHERE k IN (SELECT k FROM sq_n)",
    "in_and_other_conjunct": "SELECT v FROM sq_t WHERE v <> 'b' AND k IN (SELECT k FROM sq_s WHERE k > 2)",
    "in_expression_value": "SELECT * FROM sq_t WHERE k + 1 IN (SELECT k FROM sq_s)",
    "in_wider_type": "SELECT * FROM sq_t WHERE k IN (SELECT CAST(k AS BIGINT) FROM sq_s)",
    "in_group_by_having": "SELECT * FROM sq_t WHERE k IN (SELECT k FROM sq_t GROUP BY k HAVING count(*) > 1)",
    "two_subqueries": "SELECT * FROM sq_t WHERE k IN (SELECT k FROM sq_s) AND k NOT IN (SELECT k FROM sq_n)",
    "in_over_join": "SELECT a.v, b.k FROM sq_t a JOIN sq_s b ON a.k = b.k WHERE a.k IN (SELECT k FROM sq_n)",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_in_subquery(spark, tables, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


SCALAR_QUERIES = {
    "scalar_in_where": "SELECT * FROM sq_t WHERE k = (SELECT max(k) FROM sq_s WHERE k < 5)",
    "scalar_in_arithmetic": "SELECT v FROM sq_t WHERE k + 1 > (SELECT min(k) FROM sq_s)",
    "scalar_empty_is_null": "SELECT * FROM sq_t WHERE k = (SELECT k FROM sq_e)",
    "scalar_with_other_conjuncts": "SELECT * FROM sq_t WHERE v <> 'c' AND k >= (SELECT avg(k) FROM sq_s) - 2",
    "scalar_and_in": "SELECT * FROM sq_t WHERE k < (SELECT max(k) FROM sq_s) AND k IN (SELECT k FROM sq_s)",
}


@pytest.mark.parametrize("name", list(SCALAR_QUERIES))
def test_scalar_subquery(spark, tables, request, name):
    golden.check(request, "df", spark.sql(SCALAR_QUERIES[name]))


def test_scalar_subquery_too_many_rows(spark, tables, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT * FROM sq_t WHERE k = (SELECT k FROM sq_s)").collect())
