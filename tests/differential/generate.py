"""Random differential queries (see query.py for their shape) over random tables
(datagen.py), from one seeded RNG: filters, projections, withColumn, aggregates,
ordering and limits over arithmetic, comparisons, boolean logic, casts and literals
(the DataFrame features sk8 has), in DataFrame and SQL form."""

from __future__ import annotations

import random

from . import datagen
from .query import AGGS, ARITH, COMPARE, NUMERIC, InvalidQuery, output_columns


def literal(rng: random.Random, typ: str) -> list:
    if rng.random() < 0.08:
        return ["lit", None, typ]
    v = datagen._value(rng, typ, 0.0, 0.15)
    return ["lit", v, typ]


def expr(rng: random.Random, cols: dict[str, str], want: str, depth: int) -> list:
    """An expression of category `want`: "numeric", "string", "boolean" or "any"."""
    if want == "any":
        want = rng.choice(["numeric", "numeric", "string", "boolean"])
    of_kind = [n for n, t in cols.items() if (t in NUMERIC if want == "numeric" else t == want)]
    leaf = depth <= 0 or rng.random() < 0.35
    if leaf:
        if of_kind and rng.random() < 0.75:
            return ["col", rng.choice(of_kind)]
        return literal(rng, rng.choice(NUMERIC) if want == "numeric" else want)
    if want == "numeric":
        r = rng.random()
        if r < 0.75:
            return ["bin", rng.choice(ARITH), expr(rng, cols, "numeric", depth - 1),
                    expr(rng, cols, "numeric", depth - 1)]
        return ["cast", expr(rng, cols, "any", depth - 1), rng.choice(NUMERIC)]
    if want == "string":
        return ["cast", expr(rng, cols, rng.choice(["numeric", "boolean"]), depth - 1), "string"]
    r = rng.random()
    if r < 0.5:
        side = rng.choice(["numeric", "numeric", "string", "boolean"])
        if rng.random() < 0.05:  # mixed categories: Spark's coercion (or its error)
            return ["bin", rng.choice(COMPARE), expr(rng, cols, "string", depth - 1),
                    expr(rng, cols, "numeric", depth - 1)]
        return ["bin", rng.choice(COMPARE), expr(rng, cols, side, depth - 1), expr(rng, cols, side, depth - 1)]
    if r < 0.8:
        return ["bin", rng.choice(["and", "or"]), expr(rng, cols, "boolean", depth - 1),
                expr(rng, cols, "boolean", depth - 1)]
    if r < 0.95:
        return ["not", expr(rng, cols, "boolean", depth - 1)]
    return ["cast", expr(rng, cols, "numeric", depth - 1), "boolean"]


def _fresh(rng: random.Random, used: set[str]) -> str:
    i = 0
    while f"c{i}" in used:
        i += 1
    return f"c{i}"


def query(rng: random.Random, tables: dict, mode: str) -> dict:
    src = rng.choice(sorted(tables))
    q = {"mode": mode, "source": src, "ops": []}
    cols = dict((n, t) for n, t in tables[src]["schema"])
    n_ops = rng.choice([1, 1, 2, 2, 3, 4])
    aggregated = False
    for i in range(n_ops):
        last = i == n_ops - 1
        choices = ["filter", "filter", "select", "withColumn"] + ([] if aggregated else ["agg", "agg"])
        kind = rng.choice(choices)
        depth = rng.choice([1, 2, 2, 3])
        if kind == "filter":
            op = {"op": "filter", "cond": expr(rng, cols, "boolean", depth)}
        elif kind == "select":
            n = rng.randint(1, 4)
            items, used = [], set()
            for _ in range(n):
                e = expr(rng, cols, "any", depth - 1) if rng.random() < 0.6 else ["col", rng.choice(list(cols))]
                alias = None if last and rng.random() < 0.3 else _fresh(rng, used)
                if alias:
                    used.add(alias)
                items.append([e, alias])
            if not any(a for _, a in items) and len({str(e) for e, _ in items}) < len(items):
                items = items[:1]
            op = {"op": "select", "items": items}
        elif kind == "withColumn":
            name = rng.choice(list(cols)) if rng.random() < 0.25 else _fresh(rng, set(cols))
            op = {"op": "withColumn", "name": name, "expr": expr(rng, cols, "any", depth)}
        else:
            keys = rng.sample(list(cols), k=min(len(cols), rng.choice([0, 1, 1, 2])))
            aggs, used = [], set(keys)
            for _ in range(rng.randint(1, 3)):
                fn = rng.choice(AGGS)
                e = expr(rng, cols, "numeric" if fn in ("sum", "avg") else "any", depth - 1)
                alias = None if last and rng.random() < 0.3 else _fresh(rng, used)
                if alias:
                    used.add(alias)
                aggs.append([fn, e, alias])
            op = {"op": "agg", "keys": keys, "aggs": aggs}
            aggregated = True
        q["ops"].append(op)
        try:
            out = output_columns(q, tables)
        except InvalidQuery:
            q["ops"].pop()
            continue
        if any(n is None for n, _ in out):
            break
        cols = dict(out)
    out = output_columns(q, tables)
    if all(n is not None for n, _ in out) and rng.random() < 0.35:
        # A total order over every output column, so that ordered results (and limits)
        # are deterministic.
        names = [n for n, _ in out]
        rng.shuffle(names)
        q["ops"].append({"op": "orderBy", "keys": [[n, rng.choice(["asc", "desc"])] for n in names]})
        if rng.random() < 0.5:
            q["ops"].append({"op": "limit", "n": rng.choice([0, 1, 3, 10])})
    return q


def tables(rng: random.Random) -> dict:
    return datagen.tables(rng, rng.choice([1, 2]))
