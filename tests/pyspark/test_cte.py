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


RECURSIVE = {
    "counter": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
    "two_columns": "WITH RECURSIVE r AS (SELECT 1 AS a, 'x' AS b UNION ALL SELECT a + 1, b || 'y' FROM r WHERE a < 3) "
                   "SELECT * FROM r",
    "null_anchor": "WITH RECURSIVE r AS (SELECT CAST(NULL AS INT) AS n UNION ALL SELECT 1 FROM r WHERE n IS NULL) "
                   "SELECT * FROM r",
    "hierarchy": "WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM cte_sales WHERE id = 1 "
                 "UNION ALL SELECT s.id, c.depth + 1 FROM chain c JOIN cte_sales s ON s.id = c.id + 1) "
                 "SELECT * FROM chain",
    "aggregated": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) "
                  "SELECT count(*), sum(n), max(n) FROM r",
    "level_limit_edge": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) "
                        "SELECT count(*) FROM r",
    "not_recursive": "WITH RECURSIVE t AS (SELECT 1 AS x) SELECT * FROM t",
    "max_level": "WITH RECURSIVE r(n) MAX RECURSION LEVEL 10 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
                 "SELECT * FROM r",
}


@pytest.mark.parametrize("name", sorted(RECURSIVE))
def test_recursive_cte(spark, sales, request, name):
    golden.check(request, f"recursive_{name}", spark.sql(RECURSIVE[name]))


def test_recursive_cte_errors(spark, request):
    for name, sql in {
        "level_limit": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        "max_level_reached": "WITH RECURSIVE r(n) MAX RECURSION LEVEL 3 AS "
                             "(SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r",
        "step_of_another_type": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2L FROM r WHERE n < 100) "
                                "SELECT * FROM r",
        "union_distinct": "WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n FROM r) SELECT * FROM r",
        "anchor_reads_itself": "WITH RECURSIVE r(n) AS (SELECT n FROM r UNION ALL SELECT 1) SELECT * FROM r",
    }.items():
        golden.check_error(request, f"recursive_{name}", lambda sql=sql: spark.sql(sql).collect())


def test_recursive_cte_level_limit_conf(spark, request):
    """spark.sql.cteRecursionLevelLimit bounds a recursion without MAX RECURSION LEVEL."""
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20) SELECT count(*) FROM r"
    spark.conf.set("spark.sql.cteRecursionLevelLimit", "5")
    try:
        golden.check_error(request, "limited", lambda: spark.sql(sql).collect())
        spark.conf.set("spark.sql.cteRecursionLevelLimit", "30")
        golden.check(request, "enough", spark.sql(sql))
    finally:
        spark.conf.unset("spark.sql.cteRecursionLevelLimit")
