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


@pytest.fixture(scope="module")
def order_tables(spark):
    # (order, supplier, quantity, late) like TPC-H's lineitem; (order, customer) like orders.
    spark.createDataFrame(
        [(1, 10, 5, False), (1, 11, 7, True), (2, 10, 1, False), (3, 12, 9, True), (3, 12, 2, False),
         (4, 13, 4, True), (None, 10, 3, True), (5, None, 6, False)],
        "ok INT, sk INT, qty INT, late BOOLEAN").createOrReplaceTempView("sq_l")
    spark.createDataFrame([(1, 100), (2, 100), (3, 200), (6, 300), (None, 400)], "ok INT, ck INT") \
        .createOrReplaceTempView("sq_o")
    yield


CORRELATED_QUERIES = {
    # EXISTS / NOT EXISTS (TPC-H Q4, Q21, Q22 shapes)
    "exists": "SELECT * FROM sq_t t WHERE EXISTS (SELECT * FROM sq_s s WHERE s.k = t.k)",
    "not_exists": "SELECT * FROM sq_t t WHERE NOT EXISTS (SELECT * FROM sq_s s WHERE s.k = t.k)",
    "exists_uncorrelated": "SELECT * FROM sq_t WHERE EXISTS (SELECT * FROM sq_s WHERE k > 4)",
    "exists_uncorrelated_empty": "SELECT * FROM sq_t WHERE EXISTS (SELECT * FROM sq_e)",
    "not_exists_uncorrelated_empty": "SELECT * FROM sq_t WHERE NOT EXISTS (SELECT * FROM sq_e)",
    "exists_with_inner_filter": "SELECT ck, count(*) AS n FROM sq_o o WHERE EXISTS "
                                "(SELECT * FROM sq_l l WHERE l.ok = o.ok AND l.late) GROUP BY ck",
    "exists_and_not_exists_non_equality":
        "SELECT l1.ok, l1.sk FROM sq_l l1 WHERE l1.late "
        "AND EXISTS (SELECT * FROM sq_l l2 WHERE l2.ok = l1.ok AND l2.sk <> l1.sk) "
        "AND NOT EXISTS (SELECT * FROM sq_l l3 WHERE l3.ok = l1.ok AND l3.sk <> l1.sk AND l3.late)",
    "not_exists_null_outer_key": "SELECT * FROM sq_o o WHERE NOT EXISTS (SELECT * FROM sq_l l WHERE l.ok = o.ok)",
    "exists_over_join": "SELECT o.ck FROM sq_o o WHERE EXISTS "
                        "(SELECT * FROM sq_l l JOIN sq_s s ON l.qty = s.k WHERE l.ok = o.ok)",
    "exists_or_other": "SELECT * FROM sq_t t WHERE EXISTS (SELECT * FROM sq_s s WHERE s.k = t.k) AND t.v <> 'c'",
    # correlated IN / NOT IN
    "correlated_in": "SELECT * FROM sq_l l WHERE sk IN (SELECT l2.sk FROM sq_l l2 WHERE l2.ok = l.ok AND l2.late)",
    "correlated_not_in": "SELECT * FROM sq_l l WHERE sk NOT IN (SELECT l2.sk FROM sq_l l2 WHERE l2.ok = l.ok AND l2.late)",
    # correlated scalar subqueries over aggregates (TPC-H Q2, Q17, Q20 shapes)
    "scalar_avg": "SELECT ok, sk, qty FROM sq_l l1 WHERE qty > (SELECT avg(qty) FROM sq_l l2 WHERE l2.ok = l1.ok)",
    "scalar_arithmetic": "SELECT ok, qty FROM sq_l l1 WHERE qty < (SELECT 0.8 * avg(qty) FROM sq_l l2 WHERE l2.ok = l1.ok)",
    "scalar_min_over_join": "SELECT o.ok, o.ck FROM sq_o o WHERE o.ck / 100 = "
                            "(SELECT min(l.sk) - 9 FROM sq_l l, sq_s s WHERE l.qty > s.k AND l.ok = o.ok)",
    "scalar_no_match_is_null": "SELECT * FROM sq_t t WHERE (SELECT max(k) FROM sq_s s WHERE s.k = t.k) IS NULL",
    "scalar_two_columns": "SELECT ok, sk FROM sq_l l1 WHERE qty >= "
                          "(SELECT sum(qty) / 2 FROM sq_l l2 WHERE l2.ok = l1.ok AND l2.sk = l1.sk)",
    "scalar_inside_in": "SELECT * FROM sq_o WHERE ok IN (SELECT l1.ok FROM sq_l l1 WHERE l1.qty > "
                        "(SELECT avg(qty) FROM sq_l l2 WHERE l2.sk = l1.sk))",
    "not_exists_and_uncorrelated_scalar":
        "SELECT ck FROM sq_o o WHERE ck > (SELECT avg(ck) FROM sq_o WHERE ck > 100) "
        "AND NOT EXISTS (SELECT * FROM sq_l l WHERE l.ok = o.ok)",
    # scalar subqueries in HAVING (TPC-H Q11 shape)
    "having_scalar": "SELECT ok, sum(qty) AS total FROM sq_l GROUP BY ok "
                     "HAVING sum(qty) > (SELECT sum(qty) * 0.2 FROM sq_l)",
    "having_scalar_and_aggregate": "SELECT sk FROM sq_l GROUP BY sk "
                                   "HAVING count(*) > 1 AND max(qty) >= (SELECT min(k) FROM sq_s) + 4",
    "having_in": "SELECT ok FROM sq_l GROUP BY ok HAVING ok IN (SELECT ok FROM sq_o WHERE ck = 100)",
}


@pytest.mark.parametrize("name", list(CORRELATED_QUERIES))
def test_correlated_subquery(spark, tables, order_tables, request, name):
    golden.check(request, "df", spark.sql(CORRELATED_QUERIES[name]))


def test_subquery_unresolved_column_in_neither_query(spark, tables, request):
    golden.check_error(request, "err", lambda: spark.sql(
        "SELECT * FROM sq_t t WHERE EXISTS (SELECT * FROM sq_s s WHERE s.k = t.nope)").collect())


COUNT_AND_SELECT_QUERIES = {
    # correlated scalar subqueries over count: 0, not NULL, for outer rows without a match
    "count_bug_where": "SELECT * FROM sq_t t WHERE (SELECT count(*) FROM sq_s s WHERE s.k = t.k) = 0",
    "count_bug_arithmetic": "SELECT ok FROM sq_o o WHERE (SELECT count(l.qty) + 1 FROM sq_l l WHERE l.ok = o.ok) >= 2",
    "count_bug_scaled": "SELECT * FROM sq_t t WHERE (SELECT count(*) * 2 FROM sq_s s WHERE s.k = t.k) < 1",
    # scalar subqueries in the SELECT list
    "select_uncorrelated": "SELECT k, (SELECT max(k) FROM sq_s) AS m FROM sq_t",
    "select_uncorrelated_unnamed": "SELECT k, (SELECT min(k) FROM sq_s) FROM sq_t",
    "select_correlated": "SELECT ok, ck, (SELECT sum(qty) FROM sq_l l WHERE l.ok = o.ok) AS total FROM sq_o o",
    "select_correlated_count": "SELECT ok, (SELECT count(*) FROM sq_l l WHERE l.ok = o.ok) AS n FROM sq_o o",
    "select_star_and_subquery": "SELECT *, (SELECT avg(k) FROM sq_s) AS a FROM sq_t",
    "select_subquery_in_expression": "SELECT k + (SELECT max(k) FROM sq_s) AS x FROM sq_t WHERE k IS NOT NULL",
}


@pytest.mark.parametrize("name", list(COUNT_AND_SELECT_QUERIES))
def test_scalar_subquery_count_and_select(spark, tables, order_tables, request, name):
    golden.check(request, "df", spark.sql(COUNT_AND_SELECT_QUERIES[name]))
