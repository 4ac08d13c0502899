"""Joins through the real PySpark Connect client, answers recorded from real Spark.

Covers DataFrame.join with every join type (canonical names and their aliases) and
every form of `on` (one USING column, several USING columns, an equality condition,
an equality plus a non-equi residual, a non-equi condition alone); USING joins with
outer types (merged key column, column order, nullability); eqNullSafe keys and NULL
keys under ==; crossJoin and joins without a condition; empty sides; references to
same-named columns of either side and the ambiguous-reference error; joins followed by
groupBy/agg and orderBy; self-joins through aliases; a larger join that runs in
parallel; mixed key types (implicit casts); and SQL joins over temp views.
"""

from __future__ import annotations

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import functions as F
from pyspark.sql.functions import col

import golden
import sk8_servers

# --- fixture DataFrames ---------------------------------------------------------
#
# Both sides share the column names k, k2 and v (so USING joins merge k/k2 and both
# sides keep a `v`), and have NULL keys and duplicate keys. lv / rv identify a row.

LEFT_SCHEMA = "k INT, k2 STRING, v INT, lv STRING"
RIGHT_SCHEMA = "k INT, k2 STRING, v INT, rv STRING"

LEFT_ROWS = [
    (1, "a", 10, "l1"),
    (1, "a", 11, "l2"),     # duplicate key (k=1, k2=a)
    (2, "b", 20, "l3"),
    (3, "c", 30, "l4"),     # k=3 has no match on the right
    (None, "a", 40, "l5"),  # NULL k
    (2, None, 50, "l6"),    # NULL k2
]

RIGHT_ROWS = [
    (1, "a", 5, "r1"),
    (1, "a", 15, "r2"),      # duplicate key (k=1, k2=a)
    (2, "b", 20, "r3"),      # same (k, k2, v) as l3: the only NATURAL JOIN match
    (2, "x", 55, "r4"),
    (4, "d", 0, "r5"),       # k=4 has no match on the left
    (None, "a", 100, "r6"),  # NULL k
    (None, None, 1, "r7"),   # NULL k and k2
]


@pytest.fixture(scope="module")
def left(spark):
    return spark.createDataFrame(LEFT_ROWS, LEFT_SCHEMA)


@pytest.fixture(scope="module")
def right(spark):
    return spark.createDataFrame(RIGHT_ROWS, RIGHT_SCHEMA)


@pytest.fixture(scope="module")
def left_empty(spark):
    return spark.createDataFrame([], LEFT_SCHEMA)


@pytest.fixture(scope="module")
def right_empty(spark):
    return spark.createDataFrame([], RIGHT_SCHEMA)


# --- every join type x every form of `on` ---------------------------------------

CANONICAL_HOWS = ["inner", "left", "right", "full", "left_semi", "left_anti", "cross"]

ON_FORMS = {
    "using_k": lambda l, r: "k",
    "using_k_k2": lambda l, r: ["k", "k2"],
    "equi": lambda l, r: l.k == r.k,
    "equi_with_residual": lambda l, r: (l.k == r.k) & (l.v < r.v),
}


@pytest.mark.parametrize("how", CANONICAL_HOWS)
@pytest.mark.parametrize("on", list(ON_FORMS))
def test_join_type_and_condition(left, right, request, on, how):
    golden.check(request, "df", left.join(right, on=ON_FORMS[on](left, right), how=how))


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi", "left_anti"])
def test_join_non_equi_condition_only(left, right, request, how):
    # no equality at all: a nested-loop join in Spark
    golden.check(request, "df", left.join(right, left.v > right.v, how))


def test_join_on_list_of_conditions(left, right, request):
    # a list of Column conditions is ANDed together by the client
    golden.check(request, "df", left.join(right, [left.k == right.k, left.k2 == right.k2], "full"))


HOW_ALIASES = {
    "outer": "full",
    "fullouter": "full",
    "full_outer": "full",
    "left_outer": "left",
    "leftouter": "left",
    "right_outer": "right",
    "rightouter": "right",
    "leftsemi": "left_semi",
    "semi": "left_semi",
    "leftanti": "left_anti",
    "anti": "left_anti",
    "INNER": "inner",
    "Left_Outer": "left",
    "FULL_OUTER": "full",
}


def _sorted_rows(df) -> list[str]:
    return sorted(repr(r) for r in df.collect())


@pytest.mark.parametrize("alias", list(HOW_ALIASES))
def test_join_type_alias_matches_canonical(left, right, request, alias):
    cond = (left.k == right.k) & (left.v < right.v)
    df = left.join(right, cond, alias)
    golden.check(request, "df", df)
    canonical = left.join(right, cond, HOW_ALIASES[alias])
    assert df.schema == canonical.schema
    assert _sorted_rows(df) == _sorted_rows(canonical)


def test_join_unknown_type_error(left, right, request):
    golden.check_error(request, "err", lambda: left.join(right, "k", "bogus").collect())


# --- USING joins with outer types ----------------------------------------------


@pytest.fixture(scope="module")
def nn_left(spark):
    """Non-nullable columns, so that the schema shows which side an outer join nulls."""
    return spark.createDataFrame([(1, "a"), (2, "b")], "k INT NOT NULL, s STRING NOT NULL")


@pytest.fixture(scope="module")
def nn_right(spark):
    return spark.createDataFrame([(2, "x"), (3, "y")], "k INT NOT NULL, t STRING NOT NULL")


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi", "left_anti"])
def test_using_join_nullability(nn_left, nn_right, request, how):
    golden.check(request, "df", nn_left.join(nn_right, "k", how))


@pytest.mark.parametrize("how", ["inner", "left", "right", "full"])
def test_condition_join_nullability(nn_left, nn_right, request, how):
    golden.check(request, "df", nn_left.join(nn_right, nn_left.k == nn_right.k, how))


@pytest.fixture(scope="module")
def shuffled_left(spark):
    """Keys not in front and in a different order on each side."""
    return spark.createDataFrame([("p", "a", 1), ("q", "b", 2), ("r", None, 3)], "a STRING, k2 STRING, k INT")


@pytest.fixture(scope="module")
def shuffled_right(spark):
    return spark.createDataFrame([(1, "x", "a"), (2, "y", "z"), (None, "w", None)], "k INT, b STRING, k2 STRING")


@pytest.mark.parametrize("how", ["inner", "left", "right", "full"])
def test_using_join_column_order(shuffled_left, shuffled_right, request, how):
    # the merged keys come first, in the order of `on`, then the other left columns,
    # then the other right columns
    golden.check(request, "df", shuffled_left.join(shuffled_right, ["k2", "k"], how))


def test_using_full_join_merged_key_and_side_keys(left, right, request):
    # after a USING join the key of each side stays reachable through its DataFrame
    df = left.join(right, "k", "full").select("k", left["k"].alias("left_k"), right["k"].alias("right_k"),
                                              "lv", "rv")
    golden.check(request, "df", df)


def test_using_right_join_key_comes_from_right(left, right, request):
    df = left.join(right, "k", "right").select("k", left["k"].alias("left_k"), right["k"].alias("right_k"))
    golden.check(request, "df", df)


def test_using_join_select_star(left, right, request):
    golden.check(request, "df", left.join(right, ["k", "k2"], "full").select("*"))


# --- NULL keys: == versus eqNullSafe ---------------------------------------------


def test_null_keys_never_match_with_equality(left, right, request):
    df = left.join(right, left.k == right.k).filter(left.k.isNull() | right.k.isNull())
    golden.check_value(request, "count", df.count())


@pytest.mark.parametrize("how", ["inner", "left", "full", "left_semi", "left_anti"])
def test_eq_null_safe_join(left, right, request, how):
    golden.check(request, "df", left.join(right, left.k.eqNullSafe(right.k), how))


def test_eq_null_safe_two_keys(left, right, request):
    cond = left.k.eqNullSafe(right.k) & left.k2.eqNullSafe(right.k2)
    golden.check(request, "df", left.join(right, cond, "full"))


# --- cross joins, no condition, empty sides --------------------------------------


def test_cross_join_method(left, right, request):
    golden.check(request, "df", left.crossJoin(right))


def test_join_without_condition(left, right, request):
    golden.check(request, "df", left.join(right))


def test_join_without_condition_left_outer(left, right, request):
    golden.check(request, "df", left.join(right, how="left"))


def test_cross_join_then_filter(left, right, request):
    golden.check(request, "df", left.crossJoin(right).filter(left.v + right.v == 25))


def test_cross_join_with_empty_side(left, right_empty, request):
    golden.check(request, "df", left.crossJoin(right_empty))


@pytest.mark.parametrize("how", ["inner", "left", "full", "left_anti"])
@pytest.mark.parametrize("empty", ["left_empty", "right_empty"])
def test_join_with_empty_side(left, right, left_empty, right_empty, request, empty, how):
    l, r = (left_empty, right) if empty == "left_empty" else (left, right_empty)
    golden.check(request, "df", l.join(r, l.k == r.k, how))


@pytest.mark.parametrize("how", ["inner", "full"])
def test_using_join_both_sides_empty(left_empty, right_empty, request, how):
    golden.check(request, "df", left_empty.join(right_empty, "k", how))


# --- same-named columns, ambiguity ------------------------------------------------


def test_select_same_named_columns_of_each_side(left, right, request):
    df = left.join(right, left.k == right.k, "full").select(left["v"], right["v"], left.k, right["k"])
    golden.check(request, "df", df)


def test_select_same_named_columns_with_aliases(left, right, request):
    df = left.join(right, "k").select("k", left["v"].alias("left_v"), right["v"].alias("right_v"))
    golden.check(request, "df", df)


def test_filter_on_qualified_column_after_join(left, right, request):
    golden.check(request, "df", left.join(right, left.k == right.k).filter(right["v"] > 10))


def test_drop_one_side_key_after_join(left, right, request):
    golden.check(request, "df", left.join(right, left.k == right.k, "left").drop(right["k"]))


def test_ambiguous_reference_after_condition_join(left, right, request):
    e = golden.check_error(request, "err", lambda: left.join(right, left.k == right.k).select("v").collect())
    assert isinstance(e, AnalysisException)


def test_ambiguous_key_reference_after_condition_join(left, right, request):
    golden.check_error(request, "err", lambda: left.join(right, left.k == right.k).select(col("k")).collect())


def test_ambiguous_reference_after_using_join(left, right, request):
    golden.check_error(request, "err", lambda: left.join(right, "k").select("v").collect())


def test_using_key_is_not_ambiguous(left, right, request):
    golden.check(request, "df", left.join(right, "k").select("k", "lv", "rv"))


# --- joins with groupBy, orderBy; self-joins ------------------------------------


def test_join_then_group_by_agg(left, right, request):
    df = (left.join(right, "k", "full")
          .groupBy("k")
          .agg(F.count("*").alias("n"), F.count("lv").alias("n_lv"), F.count("rv").alias("n_rv"),
               F.sum(left["v"]).alias("sum_left_v"), F.max(right["v"]).alias("max_right_v")))
    golden.check(request, "df", df)


def test_join_then_order_by(left, right, request):
    df = left.join(right, left.k == right.k, "full").orderBy(left.lv, right.rv)
    golden.check(request, "df", df, ordered=True)


def test_join_then_order_by_desc_nulls_last(left, right, request):
    df = (left.join(right, "k", "left")
          .select("k", "lv", "rv")
          .orderBy(col("rv").desc_nulls_last(), col("lv").asc()))
    golden.check(request, "df", df, ordered=True)


def test_self_join_via_aliases(left, request):
    df = (left.alias("a").join(left.alias("b"), col("a.k") == col("b.k"))
          .select(col("a.v"), col("b.v")))
    golden.check(request, "df", df)


def test_self_join_via_aliases_non_equi(left, request):
    df = (left.alias("a").join(left.alias("b"), (col("a.k") == col("b.k")) & (col("a.v") < col("b.v")), "left")
          .select(col("a.lv"), col("b.lv").alias("next_lv")))
    golden.check(request, "df", df)


def test_three_way_join(left, right, spark, request):
    third = spark.createDataFrame([(1, "t1"), (2, "t2"), (5, "t5"), (None, "t6")], "k INT, tv STRING")
    df = left.join(right, "k").join(third, "k", "left").select("k", "lv", "rv", "tv")
    golden.check(request, "df", df)


# --- a larger join (parallel execution) --------------------------------------------


@pytest.fixture(scope="module")
def big(spark):
    return spark.range(200000), spark.range(0, 200000, 3)


def test_large_inner_join_count(big, request):
    a, b = big
    golden.check_value(request, "count", a.join(b, "id").count())


def test_large_left_anti_join_count(big, request):
    a, b = big
    golden.check_value(request, "count", a.join(b, "id", "left_anti").count())


def test_large_inner_join_group_by(big, request):
    a, b = big
    df = (a.join(b, "id")
          .groupBy((col("id") % 7).alias("m"))
          .agg(F.count("*").alias("n"), F.sum("id").alias("s"), F.min("id").alias("lo"), F.max("id").alias("hi"))
          .orderBy("m"))
    golden.check(request, "df", df, ordered=True)


def test_large_left_join_group_by_unmatched(big, request):
    a, b = big
    b2 = b.withColumnRenamed("id", "bid")
    df = (a.join(b2, a.id == b2.bid, "left")
          .groupBy(col("bid").isNull().alias("unmatched"))
          .agg(F.count("*").alias("n"), F.sum("id").alias("s")))
    golden.check(request, "df", df)


# --- mixed key types ---------------------------------------------------------------


@pytest.fixture(scope="module")
def int_keys(spark):
    return spark.createDataFrame([(1, "i1"), (2, "i2"), (None, "i3"), (3, "i4")], "k INT, a STRING")


@pytest.fixture(scope="module")
def bigint_keys(spark):
    return spark.createDataFrame([(1, "b1"), (2, "b2"), (2**40, "b3"), (None, "b4")], "k BIGINT, b STRING")


@pytest.fixture(scope="module")
def string_keys(spark):
    return spark.createDataFrame([("1", "s1"), ("02", "s2"), (" 3 ", "s3"), (None, "s4")], "k STRING, c STRING")


@pytest.mark.parametrize("how", ["inner", "right", "full"])
def test_int_bigint_using_join(int_keys, bigint_keys, request, how):
    golden.check(request, "df", int_keys.join(bigint_keys, "k", how))


def test_int_bigint_condition_join(int_keys, bigint_keys, request):
    golden.check(request, "df", int_keys.join(bigint_keys, int_keys.k == bigint_keys.k, "full"))


@pytest.mark.parametrize("how", ["inner", "full"])
def test_int_string_using_join(int_keys, string_keys, request, how):
    golden.check(request, "df", int_keys.join(string_keys, "k", how))


def test_int_string_condition_join(int_keys, string_keys, request):
    golden.check(request, "df", int_keys.join(string_keys, int_keys.k == string_keys.k, "left"))


def test_int_string_join_malformed_string_error(int_keys, spark, request):
    bad = spark.createDataFrame([("1", "s1"), ("x", "s2")], "k STRING, c STRING")
    golden.check_error(request, "err", lambda: int_keys.join(bad, int_keys.k == bad.k).collect())


def test_int_double_using_join(int_keys, spark, request):
    doubles = spark.createDataFrame([(1.0, "d1"), (2.5, "d2")], "k DOUBLE, d STRING")
    golden.check(request, "df", int_keys.join(doubles, "k", "full"))


# --- SQL over temp views -------------------------------------------------------------


@pytest.fixture(scope="module")
def views(spark, left, right):
    left.createOrReplaceTempView("jl")
    right.createOrReplaceTempView("jr")
    spark.createDataFrame([(1, "t1"), (2, "t2"), (5, "t5"), (None, "t6")], "k INT, tv STRING") \
        .createOrReplaceTempView("jt")
    yield
    # The views stay until the module's session stops (its temp views go with it).


SQL_QUERIES = {
    "join_on": "SELECT * FROM jl JOIN jr ON jl.k = jr.k",
    "inner_join": "SELECT jl.lv, jr.rv FROM jl INNER JOIN jr ON jl.k = jr.k AND jl.k2 = jr.k2",
    "inner_join_residual": "SELECT jl.lv, jr.rv FROM jl INNER JOIN jr ON jl.k = jr.k AND jl.v < jr.v",
    "join_on_or": "SELECT jl.lv, jr.rv FROM jl JOIN jr ON jl.k = jr.k OR jl.v = jr.v",
    "left_join": "SELECT jl.*, jr.rv FROM jl LEFT JOIN jr ON jl.k = jr.k",
    "left_outer_join": "SELECT * FROM jl LEFT OUTER JOIN jr ON jl.k = jr.k AND jl.v < jr.v",
    "right_join": "SELECT jl.lv, jr.* FROM jl RIGHT JOIN jr ON jl.k = jr.k",
    "right_outer_join": "SELECT jl.lv, jr.rv FROM jl RIGHT OUTER JOIN jr ON jl.k = jr.k",
    "full_outer_join": "SELECT * FROM jl FULL OUTER JOIN jr ON jl.k = jr.k",
    "full_join": "SELECT jl.lv, jr.rv FROM jl FULL JOIN jr ON jl.k = jr.k AND jl.k2 = jr.k2",
    "left_semi_join": "SELECT * FROM jl LEFT SEMI JOIN jr ON jl.k = jr.k",
    "semi_join": "SELECT * FROM jl SEMI JOIN jr ON jl.k = jr.k AND jl.v > jr.v",
    "left_anti_join": "SELECT * FROM jl LEFT ANTI JOIN jr ON jl.k = jr.k",
    "anti_join": "SELECT * FROM jl ANTI JOIN jr ON jl.k = jr.k AND jl.v > jr.v",
    "cross_join": "SELECT jl.lv, jr.rv FROM jl CROSS JOIN jr",
    "join_using": "SELECT * FROM jl JOIN jr USING (k)",
    "join_using_two_keys": "SELECT * FROM jl JOIN jr USING (k, k2)",
    "left_join_using": "SELECT * FROM jl LEFT JOIN jr USING (k)",
    "right_join_using": "SELECT * FROM jl RIGHT JOIN jr USING (k)",
    "full_outer_join_using": "SELECT * FROM jl FULL OUTER JOIN jr USING (k)",
    "full_join_using_qualified_keys": "SELECT k, jl.k AS left_k, jr.k AS right_k FROM jl FULL JOIN jr USING (k)",
    "natural_join": "SELECT * FROM jl NATURAL JOIN jr",
    "natural_join_one_common_column": "SELECT * FROM jl NATURAL JOIN jt",
    "natural_left_join": "SELECT * FROM jl NATURAL LEFT JOIN jt",
    "natural_full_outer_join": "SELECT * FROM jl NATURAL FULL OUTER JOIN jt",
    "comma_join": "SELECT jl.lv, jr.rv FROM jl, jr WHERE jl.k = jr.k",
    "comma_join_no_where": "SELECT jl.lv, jt.tv FROM jl, jt",
    "three_way_join": "SELECT jl.lv, jr.rv, jt.tv FROM jl JOIN jr ON jl.k = jr.k JOIN jt ON jr.k = jt.k",
    "three_way_left_joins": "SELECT jl.lv, jr.rv, jt.tv FROM jl LEFT JOIN jr ON jl.k = jr.k LEFT JOIN jt ON jl.k = jt.k",
    "three_way_comma_join": "SELECT jl.lv, jr.rv, jt.tv FROM jl, jr, jt WHERE jl.k = jr.k AND jr.k = jt.k",
    "table_aliases": "SELECT x.lv, y.rv, x.v AS xv, y.v AS yv FROM jl x JOIN jr y ON x.k = y.k",
    "table_aliases_as": "SELECT x.lv, y.rv FROM jl AS x LEFT JOIN jr AS y ON x.k = y.k AND x.k2 = y.k2",
    "self_join_aliases": "SELECT a.lv, b.lv AS other FROM jl a JOIN jl b ON a.k = b.k AND a.lv <> b.lv",
    "join_where": "SELECT jl.lv, jr.rv FROM jl JOIN jr ON jl.k = jr.k WHERE jr.v > 10",
    "join_null_safe": "SELECT jl.lv, jr.rv FROM jl JOIN jr ON jl.k <=> jr.k",
    "join_group_by": ("SELECT jl.k, count(*) AS n, sum(jr.v) AS s FROM jl LEFT JOIN jr ON jl.k = jr.k "
                      "GROUP BY jl.k"),
    "join_subquery": ("SELECT s.k, s.n, jt.tv FROM (SELECT k, count(*) AS n FROM jr GROUP BY k) s "
                      "JOIN jt ON s.k = jt.k"),
}

SQL_ORDERED = {
    "join_order_by": ("SELECT jl.lv, jr.rv FROM jl FULL OUTER JOIN jr ON jl.k = jr.k "
                      "ORDER BY jl.lv NULLS LAST, jr.rv"),
}


@pytest.mark.parametrize("name", [
    n for n in SQL_QUERIES])
def test_sql_join(spark, views, request, name):
    golden.check(request, "df", spark.sql(SQL_QUERIES[name]))


@pytest.mark.parametrize("name", list(SQL_ORDERED))
def test_sql_join_ordered(spark, views, request, name):
    golden.check(request, "df", spark.sql(SQL_ORDERED[name]), ordered=True)


def test_sql_ambiguous_column_error(spark, views, request):
    golden.check_error(request, "err", lambda: spark.sql("SELECT v FROM jl JOIN jr ON jl.k = jr.k"))


# --- one-sided conditions, which the optimizer moves below the join where the
# join type allows (PushPredicateThroughJoin) and must leave where it does not --

ONE_SIDED = {
    "right_only_in_condition": lambda l, r: (l.k == r.k) & (r.v > 10),
    "left_only_in_condition": lambda l, r: (l.k == r.k) & (l.v > 10),
    "both_one_sided": lambda l, r: (l.k == r.k) & (l.v < 45) & (r.rv != "r2"),
    "one_sided_only": lambda l, r: (l.v > 20) & (r.v < 20),
}


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi", "left_anti"])
@pytest.mark.parametrize("on", list(ONE_SIDED))
def test_join_one_sided_conditions(left, right, request, on, how):
    golden.check(request, "df", left.join(right, ONE_SIDED[on](left, right), how))


@pytest.mark.parametrize("how", ["left", "right", "full"])
def test_filter_above_outer_join(left, right, request, how):
    # the right side's IS NULL must see the null-extended rows; the left side's
    # filter may go below a left join only
    joined = left.join(right, left.k == right.k, how)
    golden.check(request, "df", joined.filter(right.rv.isNull() | (left.v > 20)).filter(left.lv != "l2"))
