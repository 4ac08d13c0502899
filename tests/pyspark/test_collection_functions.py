"""ARRAY, MAP and STRUCT functions through the real PySpark client, answers
recorded from real Spark: NULL arrays, NULL elements, empty arrays, NaN,
duplicates, nested arrays, maps and structs in results (Rows with lists, dicts,
nested Rows) and in show()."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

import golden


@pytest.fixture(scope="module")
def arrs(spark):
    df = spark.createDataFrame(
        [(1, [1, 2, 3], [3, 4], "a"), (2, [3, None, 1, 3], [1, None], "b"), (3, [], [5], None),
         (4, None, [1], "d"), (5, [2, 2, 2], [], "e")],
        "id INT, a ARRAY<INT>, b ARRAY<INT>, s STRING")
    df.createOrReplaceTempView("coll_arrs")
    return df


@pytest.fixture(scope="module")
def dbls(spark):
    df = spark.createDataFrame(
        [(1, [1.0, float("nan"), -0.0, 0.0, None]), (2, [float("nan"), float("nan")]), (3, [2.5, -1.5])],
        "id INT, d ARRAY<DOUBLE>")
    df.createOrReplaceTempView("coll_dbls")
    return df


@pytest.fixture(scope="module")
def maps(spark):
    df = spark.createDataFrame(
        [(1, {"a": 1, "b": 2}, {"b": 20, "c": 30}), (2, {"x": None}, {}), (3, None, {"k": 1}), (4, {}, None)],
        "id INT, m MAP<STRING, INT>, n MAP<STRING, INT>")
    df.createOrReplaceTempView("coll_maps")
    return df


@pytest.fixture(scope="module")
def nested(spark):
    df = spark.createDataFrame(
        [(1, [[1, 2], [3]], (1, "x"), [(1, "p"), (2, "q")]), (2, [[4], None], (2, None), []),
         (3, [[], [5, 6]], None, None)],
        "id INT, aa ARRAY<ARRAY<INT>>, st STRUCT<f: INT, g: STRING>, sa ARRAY<STRUCT<k: INT, v: STRING>>")
    df.createOrReplaceTempView("coll_nested")
    return df


SQL = {
    "array_literals": "SELECT array(1, 2, 3), array(1, NULL), array(), array(1, 2.5), array('a', NULL, 'c'), "
                      "array(array(1), array(2, 3))",
    "array_columns": "SELECT id, array(id, id * 2), array(s, 'z') FROM coll_arrs",
    "array_contains": "SELECT id, array_contains(a, 3), array_contains(a, 5), array_contains(b, id) FROM coll_arrs",
    "array_position": "SELECT id, array_position(a, 3), array_position(a, 7), array_position(b, 1) FROM coll_arrs",
    "array_remove": "SELECT id, array_remove(a, 3), array_remove(a, id) FROM coll_arrs",
    "array_distinct": "SELECT id, array_distinct(a) FROM coll_arrs",
    "set_ops": "SELECT id, array_union(a, b), array_intersect(a, b), array_except(a, b), arrays_overlap(a, b) "
               "FROM coll_arrs",
    "array_join": "SELECT array_join(array('a', NULL, 'c'), ','), array_join(array('a', NULL, 'c'), '-', '?'), "
                  "array_join(array(), ',')",
    "array_max_min": "SELECT id, array_max(a), array_min(a), array_max(b), array_min(b) FROM coll_arrs",
    "array_repeat": "SELECT array_repeat('x', 3), array_repeat(1, 0), array_repeat(NULL, 2), array_repeat(id, -1) "
                    "FROM coll_arrs WHERE id = 1",
    "sort_array": "SELECT id, sort_array(a), sort_array(a, false), array_sort(a) FROM coll_arrs",
    "arrays_zip": "SELECT id, arrays_zip(a, b) FROM coll_arrs",
    "flatten": "SELECT id, flatten(aa) FROM coll_nested",
    "sequence": "SELECT sequence(1, 5), sequence(5, 1), sequence(1, 10, 3), sequence(-2, 2, 2), sequence(3, 3)",
    "slice": "SELECT id, slice(a, 1, 2), slice(a, -2, 5), slice(a, 3, 1), slice(a, 10, 1) FROM coll_arrs",
    "size": "SELECT id, size(a), cardinality(b), size(array()) FROM coll_arrs",
    "array_size": "SELECT id, array_size(a), array_size(b), array_size(array()) FROM coll_arrs",
    "element_at": "SELECT id, element_at(b, 1), element_at(b, -1) FROM coll_arrs WHERE size(b) > 0",
    "try_element_at": "SELECT id, try_element_at(a, 5), try_element_at(a, -1), try_element_at(a, 1) FROM coll_arrs",
    "get": "SELECT id, get(a, 0), get(a, 3), get(a, -1) FROM coll_arrs",
    "bracket": "SELECT id, a[0], b[1] FROM coll_arrs WHERE id = 2",
    "append_prepend": "SELECT id, array_append(a, 9), array_prepend(a, 0), array_append(b, NULL) FROM coll_arrs",
    "array_insert": "SELECT id, array_insert(a, 1, 9), array_insert(a, 2, 8), array_insert(a, -1, 7), "
                    "array_insert(a, 6, 5), array_insert(a, -6, 4) FROM coll_arrs",
    "array_compact": "SELECT id, array_compact(a), array_compact(b) FROM coll_arrs",
    "doubles": "SELECT id, array_distinct(d), array_contains(d, CAST('NaN' AS DOUBLE)), array_max(d), array_min(d), "
               "sort_array(d), array_position(d, CAST(0.0 AS DOUBLE)) FROM coll_dbls",
    "map_literals": "SELECT map('a', 1, 'b', 2), map(1, 'x'), map(), map('k', NULL), map(1, 1.5, 2, 2)",
    "map_access": "SELECT id, m['a'], element_at(m, 'b'), try_element_at(m, 'zz'), map_contains_key(m, 'a') "
                  "FROM coll_maps",
    "map_parts": "SELECT id, map_keys(m), map_values(m), map_entries(m), size(m) FROM coll_maps",
    "map_from": "SELECT map_from_arrays(array(1, 2), array('x', NULL)), "
                "map_from_entries(array(struct(1, 'a'), struct(2, 'b'))), map_from_arrays(array(), array())",
    "map_concat": "SELECT id, map_concat(m, map('z', 26)) FROM coll_maps",
    "str_to_map": "SELECT str_to_map('a:1,b:2,c'), str_to_map('k=v;x=y', ';', '='), str_to_map(NULL), "
                  "str_to_map('')",
    "struct": "SELECT struct(1, 'a'), struct(id, s), named_struct('x', id, 'y', s) "
              "FROM coll_arrs WHERE id < 3",
    "struct_field": "SELECT id, st.f, st.g, st['f'], sa.k FROM coll_nested",
    "struct_array_index": "SELECT sa[0].v, sa[1] FROM coll_nested WHERE id = 1",
    "array_join_ints": "SELECT array_join(a, ','), array_join(array(1.5, NULL), '/', '-') FROM coll_arrs",
    "nested_access": "SELECT id, aa[0], aa[0][1], element_at(aa, 2) FROM coll_nested WHERE id = 1",
    "where_contains": "SELECT id FROM coll_arrs WHERE array_contains(a, 3)",
    "group_by_size": "SELECT size(a) AS n, count(*) FROM coll_arrs GROUP BY size(a)",
}


@pytest.mark.parametrize("name", list(SQL))
def test_collection_sql(spark, arrs, dbls, maps, nested, request, name):
    golden.check(request, "df", spark.sql(SQL[name]))


ERRORS = {
    "element_at_zero": "SELECT element_at(a, 0) FROM coll_arrs WHERE id = 1",
    "element_at_out_of_bounds": "SELECT element_at(a, 5) FROM coll_arrs WHERE id = 1",
    "bracket_out_of_bounds": "SELECT a[5] FROM coll_arrs WHERE id = 1",
    "slice_zero_start": "SELECT slice(a, 0, 1) FROM coll_arrs WHERE id = 1",
    "slice_negative_length": "SELECT slice(a, 1, -1) FROM coll_arrs WHERE id = 1",
    "map_duplicate_key": "SELECT map('a', 1, 'a', 2)",
    "map_null_key": "SELECT map(s, 1) FROM coll_arrs",
    "map_concat_duplicate": "SELECT map_concat(map('a', 1), map('a', 2))",
    "array_contains_type": "SELECT array_contains(a, 'x') FROM coll_arrs",
    "size_of_int": "SELECT size(id) FROM coll_arrs",
    "array_size_of_map": "SELECT array_size(map(1, 2))",
    "array_position_decimal": "SELECT array_position(d, 0.0) FROM coll_dbls",
    "field_not_found": "SELECT st.zz FROM coll_nested",
    "array_mixed_types": "SELECT array(1, array(2))",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_collection_errors(spark, arrs, dbls, nested, request, name):
    golden.check_error(request, "err", lambda: spark.sql(ERRORS[name]).collect())


def test_collection_dataframe(arrs, request):
    golden.check(request, "df", arrs.select(
        "id", F.array("id", F.lit(7)), F.array_contains("a", 3), F.array_distinct("a"), F.size("a"),
        F.sort_array("a", asc=False), F.array_union("a", "b"), F.element_at(F.array("id"), 1), F.slice("a", 1, 2),
        F.array_position("a", 3), F.array_remove("a", 2), F.array_max("b"), F.array_join(F.array("s", "s"), "+"),
        F.arrays_overlap("a", "b"), F.array_compact("a"), F.array_append("a", 0), F.get("a", 1),
        F.array_repeat("s", 2), F.flatten(F.array("a", "b")), F.arrays_zip("a", "b")))


def test_collection_column_access(arrs, nested, maps, request):
    golden.check(request, "arr", arrs.where("id <= 2").select(arrs.a[0], F.col("a").getItem(1), F.col("b")[0]))
    golden.check(request, "struct", nested.select(nested.st.f, F.col("st").getField("g"), F.col("st")["f"],
                                                  F.col("sa").getField("k"), "st.f"))
    golden.check(request, "map", maps.select(maps.m["a"], F.col("m").getItem("b"), F.map_keys("m"), F.map_values("m"),
                                             F.map_entries("m"), F.map_concat("m", F.create_map(F.lit("z"), F.lit(0))),
                                             F.map_contains_key("m", "b")))


def test_collection_structs_dataframe(arrs, request):
    golden.check(request, "df", arrs.where("id = 1").select(
        F.struct("id", "s"), F.struct(F.col("id"), (F.col("id") + 1)), F.named_struct(F.lit("p"), "id"),
        F.create_map(F.lit("k"), "id"), F.map_from_arrays("a", "a").alias("mfa")))


def test_collection_show(spark, arrs, maps, nested, request):
    golden.check_show(request, "arrays", arrs)
    golden.check_show(request, "maps", maps)
    golden.check_show(request, "nested", nested)
    golden.check_show(request, "literals", spark.sql(
        "SELECT array(1.5, NULL), map('a', array(1)), struct(1, NULL, 'x'), array(struct(1, 'a')), "
        "map(1, map('x', true))"))


def test_collect_list_set(spark, arrs, request):
    golden.check(request, "grouped", spark.sql(
        "SELECT id % 2 AS k, sort_array(collect_list(s)), sort_array(collect_set(s)), size(collect_list(id)), "
        "sort_array(array_agg(id)) FROM coll_arrs GROUP BY id % 2"))
    golden.check(request, "global", spark.sql(
        "SELECT sort_array(collect_list(s)), sort_array(collect_set(a)), collect_list(CAST(NULL AS INT)) "
        "FROM coll_arrs"))
    golden.check(request, "dataframe", arrs.groupBy((F.col("id") > 2).alias("big")).agg(
        F.sort_array(F.collect_list("id")), F.sort_array(F.collect_set(F.col("id") % 2)), F.array_agg("s").isNull()))
    golden.check(request, "empty", spark.sql(
        "SELECT collect_list(id), collect_set(id) FROM coll_arrs WHERE id > 100"))


def test_map_key_dedup_policy(spark, request):
    golden.check_error(request, "exception", lambda: spark.sql("SELECT map_concat(map(1, 'a'), map(1, 'b'))").collect())
    golden.check_value(request, "default", spark.conf.get("spark.sql.mapKeyDedupPolicy"))
    spark.conf.set("spark.sql.mapKeyDedupPolicy", "LAST_WIN")
    try:
        golden.check(request, "last_win", spark.sql("""
            SELECT map_concat(map(1, 'a', 2, 'b'), map(1, 'c')), map(1, 'x', 1, 'y'),
                   map_from_arrays(array(1, 2, 1), array('p', 'q', 'r')), map_keys(map(1, 'x', 2, 'y', 1, 'z')),
                   map_from_entries(array(struct(1, 'a'), struct(1, 'b'))), str_to_map('a:1,b:2,a:3')"""))
    finally:
        spark.conf.unset("spark.sql.mapKeyDedupPolicy")


def test_str_to_map_row_delimiters(spark, request):
    df = spark.createDataFrame([("a:1,b:2,c:3", ",", ":"), ("d=4;e=5;f=6", ";", "="), ("x", None, ":")],
                               "e STRING, pair STRING, kv STRING")
    golden.check(request, "columns", df.select(F.str_to_map("e", "pair", "kv"), F.str_to_map(df.e, df.pair, F.lit(":"))))
    golden.check(request, "expressions", df.select(F.str_to_map(
        df.e, F.when(df.e.contains(";"), F.lit(";")).otherwise(F.lit(",")),
        F.when(df.e.contains("="), F.lit("=")).otherwise(F.lit(":"))).alias("m")))
