"""The fuzzer's own pieces, without a server: determinism, validity, rendering, reduction."""

from __future__ import annotations

import math
import random

from tests.differential import datagen, generate, outcome, query, reduce


def _sample(seed: int, n: int = 200):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        tables = generate.tables(rng) if i % 20 == 0 else out[-1][0]
        out.append((tables, generate.query(rng, tables, rng.choice(["dataframe", "sql"]))))
    return out


def test_same_seed_same_queries():
    a, b = _sample(7), _sample(7)
    assert [datagen.enc(q) for _, q in a] == [datagen.enc(q) for _, q in b]


def test_generated_queries_fit_their_tables():
    for tables, q in _sample(11):
        query.output_columns(q, tables)      # raises InvalidQuery otherwise
        assert query.to_sql(q, tables).startswith("SELECT")
        assert query.to_python(q).startswith(q["source"])


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
