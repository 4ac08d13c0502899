"""The fuzzer's own pieces, without a server: determinism, validity, rendering, reduction."""

from __future__ import annotations

import copy
import math
import random

import pytest

from tests.differential import datagen, generate, outcome, query, reduce


def _sample(seed: int, n: int = 200, shapes=None):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        tables = generate.tables(rng) if i % 20 == 0 else out[-1][0]
        out.append((tables, generate.query(rng, tables, rng.choice(["dataframe", "sql"]), shapes)))
    return out


def _ops(q: dict) -> list[dict]:
    """Every operation of a query, those of join / set operation inputs included."""
    out = []
    for op in q["ops"]:
        out.append(op)
        if "right" in op:
            out += _ops(op["right"])
    return out


def _exprs(e):
    if isinstance(e, list) and e and isinstance(e[0], str):
        yield e
    if isinstance(e, (list, dict)):
        for x in (e.values() if isinstance(e, dict) else e):
            yield from _exprs(x)


def test_same_seed_same_queries():
    a, b = _sample(7), _sample(7)
    assert [datagen.enc(q) for _, q in a] == [datagen.enc(q) for _, q in b]


def test_generated_queries_fit_their_tables():
    for tables, q in _sample(11, 400):
        query.output_columns(q, tables)      # raises InvalidQuery otherwise
        sql = query.to_sql(q, tables)
        assert sql.startswith("WITH " if q.get("cte") else "SELECT")
        if q["mode"] == "dataframe":
            code = query.to_python(q, tables)
            compile(f"({code}).collect()", "<repro>", "eval")   # the repro is valid Python
            assert "SQL only" not in code
        for t in query.tables_used(q):
            assert t in tables


def test_default_mix_has_every_shape_and_mode():
    sample = _sample(5, 300)
    seen = {(q["shape"], q["mode"]) for _, q in sample}
    for shape in ("basic", "joins", "setops"):
        assert (shape, "dataframe") in seen and (shape, "sql") in seen
    assert ("subqueries", "sql") in seen and ("subqueries", "dataframe") not in seen
    assert any(q.get("cte") for _, q in sample)


def test_shapes_can_be_chosen():
    assert {q["shape"] for _, q in _sample(2, 60, {"joins": 1})} == {"joins"}
    assert {q["shape"] for _, q in _sample(2, 60, {"setops": 1, "subqueries": 1})} <= {"setops", "subqueries"}


def test_joins_cover_types_forms_and_keys():
    qs = [q for _, q in _sample(3, 500, {"joins": 1})]
    joins = [op for q in qs for op in _ops(q) if op["op"] == "join"]
    assert {op["how"] for op in joins} == set(query.HOWS)
    names = {op["name"] for op in joins}
    for spelled in ("inner", "leftouter", "left_outer", "full", "fullouter", "outer", "leftsemi", "anti",
                    "leftanti", "cross", None):
        assert spelled in names, spelled
    assert {op["df"] for op in joins} == {"using_list", "using_str", "expr", "bound", "alias", "crossJoin", "nocond"}
    assert {op["sql"] for op in joins} == {"on", "using", "comma"}
    assert {op["rename"] for op in joins} == {"select", "withColumnRenamed", "withColumnsRenamed", "toDF"}
    conds = [e for op in joins for e in _exprs(op.get("cond"))]
    assert any(e[:2] == ["bin", "<=>"] for e in conds)
    assert any(e[:2] == ["bin", "="] and e[2][0] == e[3][0] == "qcol" for e in conds)
    assert any(e[0] == "bin" and e[1] in ("<", "<=", ">", ">=", "!=") and e[2][0] == "qcol" for e in conds)
    assert any(len(op["using"] or []) == 2 for op in joins)
    assert any(q["mode"] == "sql" and sum(op["op"] == "join" for op in q["ops"]) == 2 for q in qs)
    # equality keys of int and bigint columns meet
    tables_qs = _sample(3, 500, {"joins": 1})
    mixed = False
    for tables, q in tables_qs:
        for i, op in enumerate(q["ops"]):
            if op["op"] == "join" and op.get("cond"):
                left = dict(query.output_columns(dict(q, ops=q["ops"][:i]), tables))
                right = dict(query.output_columns(op["right"], tables))
                for e in _exprs(op["cond"]):
                    if e[:2] == ["bin", "="] and e[2][0] == e[3][0] == "qcol":
                        types = {(left if s[1] == "l" else right)[s[2]] for s in e[2:4]}
                        mixed = mixed or types == {"int", "bigint"}
    assert mixed


def test_join_sql_and_python_renderings():
    tables = {"t0": {"schema": [["k", "int"], ["a", "string"]], "rows": [[1, "x"], [None, "y"]]},
              "t1": {"schema": [["k", "bigint"], ["b", "double"]], "rows": [[1, 2.5]]}}
    base = {"op": "join", "right": {"source": "t1", "ops": []}, "how": "full", "using": None,
            "cond": ["bin", "and", ["bin", "<=>", ["qcol", "l", "k"], ["qcol", "r", "k"]],
                     ["bin", ">", ["qcol", "r", "b"], ["lit", 1.0, "double"]]],
            "prefix": "r_", "name": "full_outer", "df": "alias", "rename": "toDF", "sql": "on",
            "sql_kw": "FULL OUTER JOIN", "sql_sel": "list"}
    q = {"mode": "sql", "source": "t0", "ops": [base]}
    assert query.output_columns(q, tables) == [("k", "int"), ("a", "string"), ("r_k", "bigint"), ("r_b", "double")]
    assert query.to_sql(q, tables) == (
        "SELECT l.`k` AS `k`, l.`a` AS `a`, r.`k` AS `r_k`, r.`b` AS `r_b` FROM (SELECT * FROM t0) AS l "
        "FULL OUTER JOIN (SELECT * FROM t1) AS r ON ((l.`k` <=> r.`k`) AND (r.`b` > 1.0D))")
    star = dict(base, sql_sel="star")
    assert "ON ((l.`k` <=> r.`r_k`) AND (r.`r_b` > 1.0D))" in query.to_sql(dict(q, ops=[star]), tables)
    using = dict(base, cond=None, using=["k"], df="using_list", sql="using")
    uq = dict(q, ops=[using])
    assert query.output_columns(uq, tables) == [("k", "bigint"), ("a", "string"), ("r_b", "double")]
    assert query.to_sql(uq, tables).endswith("AS r USING (`k`)")
    semi = dict(using, how="semi")
    assert query.output_columns(dict(q, ops=[semi]), tables) == [("k", "int"), ("a", "string")]
    assert ".join((t1).toDF('k', 'r_b'), ['k'], 'full_outer')" in query.to_python(dict(uq, mode="dataframe"), tables)
    bound = dict(base, df="bound", rename="select")
    code = query.to_python(dict(q, mode="dataframe", ops=[bound]), tables)
    assert "l1['k'].eqNullSafe(r1['r_k'])" in code and "(r1 := (t1).select(" in code
    comma = dict(base, how="inner", sql="comma", sql_sel="star")
    assert " AS l, (SELECT `k` AS `r_k`, `b` AS `r_b` FROM (SELECT * FROM t1)) AS r WHERE " in \
        query.to_sql(dict(q, ops=[comma]), tables)
    clash = dict(base, prefix="")
    with pytest.raises(query.InvalidQuery):
        query.output_columns(dict(q, ops=[clash]), tables)


def test_setops_cover_kinds_and_check_columns():
    qs = [q for _, q in _sample(4, 400, {"setops": 1})]
    ops = [op for q in qs for op in _ops(q)]
    setops = [op for op in ops if op["op"] == "setop"]
    assert {(op["kind"], op["all"]) for op in setops} == set(query.SETOP_DF)
    assert {op["df"] for op in setops} >= {"union", "unionAll", "intersect", "intersectAll", "subtract", "exceptAll"}
    assert {op["sql_kw"] for op in setops} >= {"UNION", "UNION ALL", "UNION DISTINCT", "INTERSECT", "INTERSECT ALL",
                                               "EXCEPT", "EXCEPT ALL", "MINUS", "MINUS ALL"}
    assert any(op["by_name"] and op["allow_missing"] for op in setops)
    assert any(op["by_name"] and not op["allow_missing"] for op in setops)
    assert any(op["op"] == "distinct" for op in ops) and any(op["op"] == "dropDuplicates" for op in ops)
    tables = {"t0": {"schema": [["k", "int"], ["a", "string"]], "rows": []},
              "t1": {"schema": [["a", "string"], ["k", "bigint"], ["x", "double"]], "rows": []}}
    by_name = {"op": "setop", "kind": "union", "all": True, "by_name": True, "allow_missing": True,
               "right": {"source": "t1", "ops": []}, "df": "union", "sql_kw": "UNION ALL"}
    q = {"mode": "sql", "source": "t0", "ops": [by_name]}
    assert query.output_columns(q, tables) == [("k", "bigint"), ("a", "string"), ("x", "double")]
    assert query.to_sql(q, tables) == ("SELECT *, CAST(NULL AS DOUBLE) AS `x` FROM (SELECT * FROM t0) UNION ALL "
                                       "SELECT `k`, `a`, `x` FROM (SELECT * FROM t1)")
    with pytest.raises(query.InvalidQuery):      # positional: 2 columns against 3
        query.output_columns(dict(q, ops=[dict(by_name, by_name=False)]), tables)
    with pytest.raises(query.InvalidQuery):      # by name, x missing on the left
        query.output_columns(dict(q, ops=[dict(by_name, allow_missing=False)]), tables)


def test_drop_duplicates_subset_must_not_leak_arbitrary_values():
    tables = {"t0": {"schema": [["k", "int"], ["a", "string"]], "rows": []}}
    dd = {"op": "dropDuplicates", "subset": ["k"]}
    ok = {"mode": "dataframe", "source": "t0", "ops": [dd, {"op": "select", "items": [[["col", "k"], "k"]]}]}
    assert query.output_columns(ok, tables) == [("k", "int")]
    for bad in ([dd], [dd, {"op": "filter", "cond": ["bin", "=", ["col", "a"], ["lit", "x", "string"]]}],
                [dd, {"op": "agg", "keys": ["k"], "aggs": [["count", ["col", "a"], "c0"]]}]):
        with pytest.raises(query.InvalidQuery):
            query.output_columns(dict(ok, ops=bad), tables)


def test_subqueries_cover_forms():
    qs = [q for _, q in _sample(6, 400, {"subqueries": 1})]
    assert all(q["mode"] == "sql" or q["shape"] != "subqueries" for q in qs)
    subs = [e for q in qs for e in _exprs(q["ops"]) if e[0] in ("in_sub", "exists", "scalar")]

    def correlated(e):
        return any(x[0] == "outer" for x in _exprs(e))
    assert any(e[0] == "in_sub" and e[3] and not correlated(e) for e in subs)        # NOT IN
    assert any(e[0] == "in_sub" and correlated(e) for e in subs)
    assert any(e[0] == "exists" and e[2] for e in subs) and any(e[0] == "exists" and not e[2] for e in subs)
    assert any(e[0] == "exists" and any(x[0] == "bin" and x[1] in ("<", ">", "<=", ">=", "!=") and
                                        x[3][0] == "outer" for x in _exprs(e)) for e in subs)
    assert any(e[0] == "scalar" and correlated(e) for e in subs)
    assert any(e[0] == "scalar" and not correlated(e) for e in subs)
    assert {e[1]["agg"][0] for e in subs if e[0] == "scalar"} >= {"sum", "avg", "min", "max"}
    assert any(op["op"] == "agg" and op.get("having") and any(x[0] in ("in_sub", "exists", "scalar")
                                                              for x in _exprs(op["having"])) for q in qs for op in q["ops"])
    assert any(q.get("cte") for q in qs)
    tables = {"t0": {"schema": [["k", "int"], ["a", "double"]], "rows": []},
              "t1": {"schema": [["k", "bigint"], ["b", "double"]], "rows": []}}
    sub = {"source": "t1", "where": ["bin", "=", ["col", "k"], ["outer", "k"]], "agg": ["avg", ["col", "b"]]}
    q = {"mode": "sql", "source": "t0", "ops": [
        {"op": "filter", "cond": ["bin", ">", ["col", "a"], ["scalar", sub]]},
        {"op": "agg", "keys": ["k"], "aggs": [["sum", ["col", "a"], "c0"]],
         "having": ["exists", {"source": "t1", "where": ["bin", "=", ["col", "k"], ["outer", "k"]]}, True]}],
        "cte": True}
    assert query.to_sql(q, tables) == (
        "WITH s0 AS (SELECT * FROM t0), s1 AS (SELECT * FROM s0 AS o WHERE (`a` > (SELECT avg(i.`b`) FROM t1 AS i "
        "WHERE (i.`k` = o.`k`)))) SELECT `k`, sum(`a`) AS `c0` FROM s1 AS o GROUP BY `k` HAVING (NOT EXISTS "
        "(SELECT * FROM t1 AS i WHERE (i.`k` = o.`k`)))")
    assert query.tables_used(q) == {"t0", "t1"}
    no_key = dict(q, ops=[q["ops"][0], dict(q["ops"][1], keys=[])])
    with pytest.raises(query.InvalidQuery):      # HAVING correlates with grouping keys only
        query.output_columns(no_key, tables)
    with pytest.raises(query.InvalidQuery):      # inner columns must exist in the inner table
        bad = copy.deepcopy(q)
        bad["ops"][0]["cond"][3][1]["agg"] = ["avg", ["col", "a"]]
        query.output_columns(bad, tables)


def test_data_has_the_hard_values():
    rng = random.Random(3)
    values = [v for _ in range(50) for t in datagen.tables(rng, 2).values() for r in t["rows"] for v in r]
    assert None in values
    assert any(isinstance(v, float) and math.isnan(v) for v in values)
    assert any(v in (2**31 - 1, -2**31, 2**63 - 1, -2**63) for v in values if type(v) is int)
    assert any(len(t["rows"]) == 0 for _ in range(20) for t in datagen.tables(rng, 2).values())


def test_json_round_trip_keeps_nan_and_negative_zero():
    v = [math.nan, -0.0, math.inf, 1.5, None]
    back = datagen.dec(datagen.enc(v))
    assert math.isnan(back[0]) and math.copysign(1, back[1]) < 0 and back[2] == math.inf and back[3:] == [1.5, None]


def test_compare_tolerates_float_rounding_but_not_other_changes():
    base = {"kind": "rows", "ordered": False, "columns": ["a"], "types": [["double", True]], "rows": [[0.3], [1.0]]}
    close = dict(base, rows=[[1.0], [0.1 + 0.2]])
    assert outcome.compare(base, close) is None
    assert outcome.compare(base, dict(base, rows=[[0.3], [1.1]]))
    assert outcome.compare(base, dict(base, columns=["b"]))
    assert outcome.compare(base, {"kind": "error", "class": "X", "condition": "Y", "sqlstate": None, "message": ""})


def test_reduce_finds_the_minimal_failing_piece():
    tables = {"t0": {"schema": [["k", "int"], ["a", "double"]], "rows": [[i, float(i)] for i in range(40)]}}
    q = {"mode": "dataframe", "source": "t0", "ops": [
        {"op": "filter", "cond": ["bin", ">", ["col", "a"], ["lit", 3.0, "double"]]},
        {"op": "withColumn", "name": "c0", "expr": ["bin", "+", ["col", "k"], ["lit", 1, "int"]]}]}
    # "fails" while row k == 17 is present and a withColumn exists
    def fails(t, qq):
        return any(r[0] == 17 for r in t["t0"]["rows"]) and any(o["op"] == "withColumn" for o in qq["ops"])
    t2, q2, tries = reduce.reduce(tables, q, fails)
    assert [o["op"] for o in q2["ops"]] == ["withColumn"]
    assert len(t2["t0"]["rows"]) == 1 and tries > 0


def test_reduce_shrinks_joins_and_subqueries():
    tables = {"t0": {"schema": [["k", "int"], ["a", "double"]], "rows": [[i % 3, float(i)] for i in range(12)]},
              "t1": {"schema": [["k", "bigint"], ["b", "double"]], "rows": [[i % 4, 1.0] for i in range(10)]},
              "t2": {"schema": [["k", "int"]], "rows": [[1]]}}
    join = {"op": "join", "right": {"source": "t1", "ops": [
                {"op": "filter", "cond": ["bin", ">", ["col", "b"], ["lit", 0.0, "double"]]}]},
            "how": "left", "using": None, "prefix": "r_", "name": "left", "df": "expr", "rename": "select",
            "sql": "on", "sql_kw": "LEFT JOIN", "sql_sel": "star",
            "cond": ["bin", "and", ["bin", "=", ["qcol", "l", "k"], ["qcol", "r", "k"]],
                     ["bin", "<", ["qcol", "l", "a"], ["qcol", "r", "b"]]]}
    sub = {"source": "t1", "where": ["bin", "and", ["bin", "=", ["col", "k"], ["outer", "k"]],
                                     ["bin", ">", ["col", "b"], ["lit", 0.0, "double"]]]}
    q = {"mode": "sql", "shape": "joins", "source": "t0", "cte": True, "ops": [
        join, {"op": "filter", "cond": ["exists", sub, False]}]}
    query.output_columns(q, tables)

    def fails(t, qq):   # "fails" while a left join with a <=> / = key survives
        return any(op["op"] == "join" and op["how"] == "left" and op.get("cond") for op in qq["ops"])
    t2, q2, _ = reduce.reduce(tables, q, fails)
    assert [o["op"] for o in q2["ops"]] == ["join"] and not q2.get("cte")
    assert q2["ops"][0]["right"]["ops"] == [] and set(t2) == {"t0", "t1"}
    assert q2["ops"][0]["cond"][0] != "bin" or q2["ops"][0]["cond"][1] != "and"
    assert all(len(t["rows"]) <= 1 for t in t2.values())
