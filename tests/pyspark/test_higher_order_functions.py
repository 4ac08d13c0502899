"""Higher-order functions with lambdas (transform, filter, exists, forall,
aggregate / reduce, zip_with, map_filter, transform_keys, transform_values,
map_zip_with, array_sort with a comparator) from SQL (`x -> ...`) and from
PySpark (Python lambdas), answers recorded from real Spark."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def hof(spark):
    df = spark.createDataFrame(
        [(1, [1, 2, 3], [10, 20], {"a": 1, "b": 2}, 100), (2, [4, None], [], {"c": None}, 200),
         (3, [], [5, 6, 7], {}, 300), (4, None, None, None, None)],
        "id INT, a ARRAY<INT>, b ARRAY<INT>, m MAP<STRING, INT>, k INT")
    df.createOrReplaceTempView("hof_t")
    return df


SQL = {
    "transform": "SELECT id, transform(a, x -> x + 1) AS t FROM hof_t",
    "transform_index": "SELECT id, transform(a, (x, i) -> x * 10 + i) AS t FROM hof_t",
    "transform_capture": "SELECT id, transform(a, x -> x + k) AS t, transform(a, x -> id) AS u FROM hof_t",
    "transform_string": "SELECT transform(array('a', 'bc'), s -> concat(s, '!')) AS t",
    "filter": "SELECT id, filter(a, x -> x > 1) AS f, filter(a, x -> x IS NULL) AS n FROM hof_t",
    "filter_index": "SELECT id, filter(a, (x, i) -> i % 2 = 0) AS f FROM hof_t",
    "exists_forall": "SELECT id, exists(a, x -> x > 2) AS e, forall(a, x -> x > 0) AS f, exists(a, x -> x IS NULL) AS n "
                     "FROM hof_t",
    "aggregate": "SELECT id, aggregate(a, 0, (acc, x) -> acc + x) AS s, "
                 "aggregate(a, 0, (acc, x) -> acc + coalesce(x, 0), acc -> acc * 10) AS t FROM hof_t",
    "reduce": "SELECT id, reduce(b, 1, (acc, x) -> acc * x) AS p FROM hof_t",
    "aggregate_capture": "SELECT id, aggregate(b, k, (acc, x) -> acc + x) AS s FROM hof_t",
    "zip_with": "SELECT id, zip_with(a, b, (x, y) -> coalesce(x, 0) + coalesce(y, 0)) AS z FROM hof_t",
    "map_filter": "SELECT id, map_filter(m, (k, v) -> v > 1) AS f FROM hof_t",
    "transform_values": "SELECT id, transform_values(m, (k, v) -> v * 2) AS t, "
                        "transform_keys(m, (k, v) -> upper(k)) AS u FROM hof_t",
    "map_zip_with": "SELECT map_zip_with(map('a', 1, 'b', 2), map('b', 3, 'c', 4), (k, v1, v2) -> coalesce(v1, 0) + "
                    "coalesce(v2, 0)) AS z",
    "array_sort_comparator": "SELECT id, array_sort(b, (l, r) -> CASE WHEN l < r THEN 1 WHEN l > r THEN -1 ELSE 0 END) "
                             "AS s FROM hof_t",
    "nested_lambdas": "SELECT transform(array(array(1, 2), array(3)), x -> transform(x, y -> y + size(x))) AS t",
    "nested_outer_variable": "SELECT transform(array(1, 2), x -> transform(array(10, 20), y -> x + y)) AS t",
    "in_where": "SELECT id FROM hof_t WHERE exists(a, x -> x = 2)",
    "literal_array": "SELECT transform(array(1, 2, 3), x -> x * x) AS t, filter(array(1, NULL, 3), x -> x > 1) AS f",
    "struct_elements": "SELECT transform(array(named_struct('p', 1, 'q', 'x')), s -> s.p + 1) AS t",
    "aggregate_group": "SELECT k % 200 AS g, transform(collect_list(id), x -> x * 2) AS t FROM hof_t "
                       "WHERE k IS NOT NULL GROUP BY k % 200",
}


@pytest.mark.parametrize("name", list(SQL))
def test_higher_order_sql(spark, hof, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


def test_higher_order_dataframe(hof, request):
    golden.check(request, "df", hof.select(
        "id",
        F.transform("a", lambda x: x * 2).alias("t"),
        F.transform("a", lambda x, i: x + i).alias("ti"),
        F.filter("a", lambda x: x % 2 == 1).alias("f"),
        F.exists("a", lambda x: x > 3).alias("e"),
        F.forall("b", lambda x: x > 5).alias("fa"),
        F.aggregate("a", F.lit(0), lambda acc, x: acc + x).alias("s"),
        F.aggregate("b", F.lit(0), lambda acc, x: acc + x, lambda acc: acc + 1).alias("s2"),
        F.zip_with("a", "b", lambda x, y: F.coalesce(x, y)).alias("z"),
        F.transform_values("m", lambda k, v: v + 1).alias("tv"),
        F.transform_keys("m", lambda k, v: F.concat(k, F.lit("_"))).alias("tk"),
        F.map_filter("m", lambda k, v: k != "a").alias("mf"),
        F.array_sort("b", lambda l, r: r - l).alias("sorted"),
        F.transform("a", lambda x: x + F.col("k")).alias("cap")))


def test_higher_order_column_names(spark, hof, request):
    golden.check(request, "df", spark.sql("SELECT transform(a, x -> x + 1), filter(a, x -> x > 1) FROM hof_t"))
    golden.check(request, "more", spark.sql(
        "SELECT exists(a, x -> x > 1), forall(a, x -> x > 1), reduce(b, 0, (s, x) -> s + x), "
        "zip_with(a, b, (x, y) -> x), map_filter(m, (k, v) -> v > 1), transform_keys(m, (k, v) -> k), "
        "transform_values(m, (k, v) -> v), map_zip_with(m, m, (k, v1, v2) -> v1) FROM hof_t"))


ERRORS = {
    "filter_not_boolean": "SELECT filter(a, x -> x + 1) FROM hof_t",
    "wrong_lambda_arity": "SELECT transform(a, (x, y, z) -> x) FROM hof_t",
    "aggregate_type_mismatch": "SELECT aggregate(array(1.5, 2.5), 0, (acc, x) -> acc + x)",
    "transform_not_array": "SELECT transform(id, x -> x) FROM hof_t",
    "duplicate_keys": "SELECT transform_keys(map('a', 1, 'b', 2), (k, v) -> 'same')",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_higher_order_errors(spark, hof, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())
