"""Common table expressions (WITH) through spark.sql, answers recorded from real
Spark: a CTE used once, twice (each use has its own columns), with a column list,
chained (one CTE reading another), nested in a subquery, shadowing, inside set
operations and joins, and the duplicate-name error."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture(scope="module")
def sales(spark):
    spark.createDataFrame([(1, "a", 10), (2, "b", 20), (3, "a", 30), (4, "c", None)],
                          "id INT, region STRING, amount INT").createOrReplaceTempView("cte_sales")
    yield


QUERIES = {
    "simple": "WITH t AS (SELECT id, amount FROM cte_sales WHERE amount > 10) SELECT * FROM t",
    "used_twice": "WITH t AS (SELECT id, region FROM cte_sales) "
                  "SELECT x.id, y.id AS other FROM t x JOIN t y ON x.region = y.region AND x.id < y.id",
    "column_list": "WITH t(a, b) AS (SELECT id, region FROM cte_sales) SELECT b, a FROM t WHERE a < 3",
    "chained": "WITH t AS (SELECT region, amount FROM cte_sales), "
               "u AS (SELECT region, sum(amount) AS total FROM t GROUP BY region) SELECT * FROM u",
    "nested_in_subquery": "SELECT * FROM (WITH t AS (SELECT 1 AS one) SELECT one + 1 AS two FROM t)",
    "shadowing": "WITH t AS (SELECT 1 AS v) SELECT * FROM (WITH t AS (SELECT 2 AS v) SELECT v FROM t)",
    "in_union": "WITH t AS (SELECT region FROM cte_sales) SELECT region FROM t UNION SELECT 'z' FROM t",
    "over_temp_view_name": "WITH cte_sales AS (SELECT 42 AS id) SELECT id FROM cte_sales",
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_cte(spark, sales, request, name):
    golden.check(request, "df", spark.sql(QUERIES[name]))


def test_cte_duplicate_names(spark, request):
    golden.check_error(request, "err", lambda: spark.sql("WITH t AS (SELECT 1), t AS (SELECT 2) SELECT * FROM t"))
