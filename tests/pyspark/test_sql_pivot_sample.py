"""SQL's PIVOT / UNPIVOT clauses and TABLESAMPLE, answered as real Spark does
(goldens recorded from Spark 4.1); sampled rows need not be Spark's, sizes for a
fraction of 0 or 1 or a row count, and determinism under REPEATABLE, are checked."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture
def sales(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW pv_sales AS SELECT * FROM VALUES "
              "('a', 2020, 10, 'x'), ('a', 2021, 20, 'y'), ('b', 2020, 5, 'x'), ('b', 2021, NULL, 'x'), "
              "('c', 2022, 7, NULL) AS t(k, y, v, tag)")
    yield
    spark.sql("DROP VIEW IF EXISTS pv_sales")


PIVOTS = {
    "one_aggregate": "SELECT * FROM pv_sales PIVOT (sum(v) FOR y IN (2020, 2021))",
    "implicit_grouping_two_columns": "SELECT * FROM pv_sales PIVOT (sum(v) FOR y IN (2020, 2021, 2022))",
    "aliases": "SELECT * FROM pv_sales PIVOT (sum(v) AS s, count(v) c FOR y IN (2020 AS y20, 2021 AS y21))",
    "unaliased_aggregates": "SELECT * FROM (SELECT k, y, v FROM pv_sales) PIVOT (sum(v), max(v) FOR y IN (2020, 2021))",
    "string_values": "SELECT * FROM (SELECT k, v, tag FROM pv_sales) PIVOT (avg(v) FOR tag IN ('x', 'y', 'z'))",
    "negative_and_null_values": "SELECT * FROM (SELECT k, y - 2021 AS d, v FROM pv_sales) "
                                "PIVOT (sum(v) FOR d IN (-1, 0, NULL))",
    "then_where_order": "SELECT * FROM (SELECT k, y, v FROM pv_sales) PIVOT (sum(v) FOR y IN (2020 AS a, 2021 AS b)) "
                        "WHERE a IS NOT NULL ORDER BY k",
}


@pytest.mark.parametrize("name", sorted(PIVOTS))
def test_pivot(spark, request, sales, name):
    golden.check(request, name, spark.sql(PIVOTS[name]), ordered="ORDER BY" in PIVOTS[name])


UNPIVOTS = {
    "exclude_nulls": "SELECT * FROM (SELECT k, v AS v1, v + 1 AS v2 FROM pv_sales) UNPIVOT (val FOR col IN (v1, v2))",
    "include_nulls": "SELECT * FROM (SELECT k, v AS v1, v + 1 AS v2 FROM pv_sales) "
                     "UNPIVOT INCLUDE NULLS (val FOR col IN (v1 AS first, v2 AS second))",
    "widened_types": "SELECT * FROM (SELECT k, y, CAST(v AS DOUBLE) AS dv FROM pv_sales) UNPIVOT (val FOR col IN (y, dv))",
    "aliased": "SELECT u.k, u.col FROM (SELECT k, v AS v1, y AS v2 FROM pv_sales) UNPIVOT (val FOR col IN (v1, v2)) AS u",
}


@pytest.mark.parametrize("name", sorted(UNPIVOTS))
def test_unpivot(spark, request, sales, name):
    golden.check(request, name, spark.sql(UNPIVOTS[name]))


def test_pivot_unpivot_errors(spark, request, sales):
    # (the suggested columns are qualified differently: compared without parameters)
    golden.check_error(request, "pivot_missing_column",
                       lambda: spark.sql("SELECT * FROM pv_sales PIVOT (sum(nope) FOR y IN (2020))").collect(),
                       params=False)
    golden.check_error(request, "unpivot_type_mismatch",
                       lambda: spark.sql("SELECT * FROM pv_sales UNPIVOT (val FOR col IN (y, tag))").collect())


def test_tablesample(spark, request):
    spark.range(1000).createOrReplaceTempView("ts_r")
    for name, sql in {
        "all": "SELECT count(*) FROM ts_r TABLESAMPLE (100 PERCENT)",
        "none": "SELECT count(*) FROM ts_r TABLESAMPLE (0 PERCENT)",
        "rows": "SELECT count(*) FROM ts_r TABLESAMPLE (10 ROWS)",
        "rows_alias": "SELECT count(t.id) FROM ts_r TABLESAMPLE (5 ROWS) t",
        "subquery_rows": "SELECT count(*) FROM (SELECT id FROM ts_r WHERE id > 900) TABLESAMPLE (7 ROWS) s",
    }.items():
        golden.check(request, f"tablesample_{name}", spark.sql(sql))
    half = "SELECT count(*) FROM ts_r TABLESAMPLE (50 PERCENT) REPEATABLE (7)"
    first, second = spark.sql(half).collect()[0][0], spark.sql(half).collect()[0][0]
    assert first == second, "REPEATABLE gives the same sample each time"
    assert 350 < first < 650, first
    bucket = spark.sql("SELECT count(*) FROM ts_r TABLESAMPLE (BUCKET 1 OUT OF 4) REPEATABLE (3)").collect()[0][0]
    assert 150 < bucket < 350, bucket
    for name, sql in {
        "over_100_percent": "SELECT * FROM ts_r TABLESAMPLE (150 PERCENT)",
        "negative_percent": "SELECT * FROM ts_r TABLESAMPLE (-1 PERCENT)",
        "bucket_over_1": "SELECT * FROM ts_r TABLESAMPLE (BUCKET 5 OUT OF 4)",
    }.items():
        golden.check_error(request, f"tablesample_{name}", lambda sql=sql: spark.sql(sql).collect())
