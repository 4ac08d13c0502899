"""Generators (explode, explode_outer, posexplode, posexplode_outer, inline,
inline_outer, stack) in select() and SQL SELECT, answers recorded from real
Spark: NULL and empty collections, maps, arrays of structs, aliases."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def gen(spark):
    df = spark.createDataFrame(
        [(1, [1, 2, None], {"a": 1}, [(1, "x"), (2, None)]), (2, [], {}, []), (3, None, None, None),
         (4, [7], {"b": None, "c": 3}, [None, (3, "z")])],
        "id INT, a ARRAY<INT>, m MAP<STRING, INT>, sa ARRAY<STRUCT<k: INT, v: STRING>>")
    df.createOrReplaceTempView("gen_t")
    return df


SQL = {
    "explode": "SELECT id, explode(a) FROM gen_t",
    "explode_outer": "SELECT id, explode_outer(a) FROM gen_t",
    "explode_alias": "SELECT id, explode(a) AS e FROM gen_t",
    "explode_map": "SELECT id, explode(m) FROM gen_t",
    "explode_map_alias": "SELECT id, explode(m) AS (k, v) FROM gen_t",
    "posexplode": "SELECT id, posexplode(a) FROM gen_t",
    "posexplode_outer": "SELECT posexplode_outer(m), id FROM gen_t",
    "inline": "SELECT id, inline(sa) FROM gen_t",
    "inline_outer": "SELECT id, inline_outer(sa) FROM gen_t",
    "stack": "SELECT stack(2, 1, 'a', 2, 'b')",
    "stack_padded": "SELECT id, stack(2, id, id * 10, id * 100) FROM gen_t",
    "explode_literal": "SELECT explode(array(10, 20))",
    "explode_outer_empty_literal": "SELECT explode_outer(array())",
    "two_generators": "SELECT id, explode(a) AS x, explode(a) AS y FROM gen_t",
    "explode_literal_map": "SELECT explode(map('x', 1, 'y', 2))",
    "explode_then_filter": "SELECT * FROM (SELECT id, explode(a) AS e FROM gen_t) WHERE e > 1",
    "explode_then_aggregate": "SELECT e, count(*) FROM (SELECT explode(a) AS e FROM gen_t) GROUP BY e",
    "explode_nested": "SELECT explode(array(array(1, 2), array(3)))",
    "explode_star": "SELECT *, explode(a) FROM gen_t WHERE id = 1",
    "lateral_view": "SELECT id, c FROM gen_t LATERAL VIEW explode(a) x AS c",
    "lateral_view_outer": "SELECT id, k, v FROM gen_t LATERAL VIEW OUTER explode(m) x AS k, v",
    "lateral_view_two": "SELECT id, c, p, d FROM gen_t LATERAL VIEW explode(a) x AS c "
                        "LATERAL VIEW posexplode(a) y AS p, d WHERE id = 1",
    "lateral_view_default_names": "SELECT id, col FROM gen_t LATERAL VIEW explode(a) x",
    "lateral_view_where": "SELECT id, c FROM gen_t LATERAL VIEW explode(a) x AS c WHERE c > 1",
}


@pytest.mark.parametrize("name", list(SQL))
def test_generators_sql(spark, gen, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


def test_generators_dataframe(gen, request):
    golden.check(request, "explode", gen.select("id", F.explode("a")))
    golden.check(request, "explode_outer", gen.select("id", F.explode_outer("a").alias("x")))
    golden.check(request, "posexplode", gen.select(F.posexplode("m").alias("p", "k", "v"), "id"))
    golden.check(request, "posexplode_outer", gen.select("id", F.posexplode_outer("a")))
    golden.check(request, "inline", gen.select(F.inline("sa")))
    golden.check(request, "inline_outer", gen.select("id", F.inline_outer("sa")))
    golden.check(request, "explode_map", gen.select(F.explode("m").alias("key2", "value2")))
    golden.check(request, "with_column", gen.withColumn("e", F.explode("a")))
    golden.check(request, "stack", gen.select("id", F.stack(F.lit(2), "id", F.col("id") + 1)))


def test_generators_show(gen, request):
    golden.check_show(request, "explode", gen.select("id", F.explode_outer("sa")))


ERRORS = {
    "nested_generator": "SELECT explode(a) + 1 FROM gen_t",
    "explode_int": "SELECT explode(id) FROM gen_t",
    "generator_in_where": "SELECT id FROM gen_t WHERE explode(a) > 1",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_generators_errors(spark, gen, request, name):
    # Spark names the whole select item / the logical plan in these; sk8 names the call.
    params = name not in ("nested_generator", "generator_in_where")
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect(), params=params)


@pytest.mark.parametrize("name", ["explode_outer", "posexplode", "posexplode_outer", "inline", "inline_outer", "stack"])
def test_generators_describe(spark, request, name):
    golden.check(request, "df", spark.sql(f"DESCRIBE FUNCTION {name}"), ordered=True)
