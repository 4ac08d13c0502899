"""Random differential queries (see query.py for their shape) over random tables
(datagen.py), from one seeded RNG, in DataFrame and SQL form. Shapes:

  basic       filters, projections, withColumn, aggregates, ordering and limits over
              arithmetic, comparisons, boolean logic, casts and literals
  joins       one or two joins (inner, left, right, full, semi, anti, cross) on 1-2
              equality keys (= or <=>, int/bigint mixes, NULL keys), USING lists or
              Column conditions, residual non-equality conditions; the PySpark join
              type names; SQL JOIN ... ON / USING and comma joins
  setops      union / unionAll / unionByName (allowMissingColumns), intersect(All),
              subtract / exceptAll, distinct, dropDuplicates (all columns or a subset);
              SQL UNION / INTERSECT / EXCEPT / MINUS [ALL | DISTINCT]
  subqueries  (SQL) [NOT] IN, [NOT] EXISTS and scalar subqueries, uncorrelated and
              correlated, in WHERE and HAVING
In SQL any shape may be written as a chain of WITH common table expressions.
"""

from __future__ import annotations

import random

from . import datagen
from .query import (AGGS, ARITH, COMPARE, JOIN_NAMES, NUMERIC, SETOP_DF, SETOP_SQL, SQL_JOIN, InvalidQuery,
                    agg_type, compatible, expr_type, output_columns)

SHAPES = {"basic": 3, "joins": 3, "setops": 2, "subqueries": 2}
SQL_ONLY = {"subqueries"}
JOIN_ROWS = 10000       # most rows the cross product of a query's joined tables may have


def literal(rng: random.Random, typ: str) -> list:
    if rng.random() < 0.08:
        return ["lit", None, typ]
    v = datagen._value(rng, typ, 0.0, 0.15)
    return ["lit", v, typ]


def _leaf(name: str) -> list:
    """A column reference: "l.x" / "r.x" in join conditions, "outer.x" in subqueries."""
    if name.startswith("outer."):
        return ["outer", name[6:]]
    if "." in name:
        q, n = name.split(".", 1)
        return ["qcol", q, n]
    return ["col", name]


def expr(rng: random.Random, cols: dict[str, str], want: str, depth: int) -> list:
    """An expression of category `want`: "numeric", "string", "boolean" or "any"."""
    if want == "any":
        want = rng.choice(["numeric", "numeric", "string", "boolean"])
    of_kind = [n for n, t in cols.items() if (t in NUMERIC if want == "numeric" else t == want)]
    leaf = depth <= 0 or rng.random() < 0.35
    if leaf:
        if of_kind and rng.random() < 0.75:
            return _leaf(rng.choice(of_kind))
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


def _fresh(rng: random.Random, used: set[str], stem: str = "c") -> str:
    i = 0
    while f"{stem}{i}" in used:
        i += 1
    return f"{stem}{i}"


def _and(conj: list[list]) -> list:
    e = conj[0]
    for c in conj[1:]:
        e = ["bin", "and", e, c]
    return e


def _cols(q: dict, tables: dict) -> dict[str, str] | None:
    try:
        out = output_columns(q, tables)
    except InvalidQuery:
        return None
    return None if any(n is None for n, _ in out) else dict(out)


# --- basic operations -----------------------------------------------------------------

def _basic_op(rng: random.Random, cols: dict, last: bool, aggregated: bool, mode: str) -> dict:
    choices = ["filter", "filter", "select", "withColumn"] + ([] if aggregated else ["agg", "agg"])
    kind = rng.choice(choices)
    depth = rng.choice([1, 2, 2, 3])
    if kind == "filter":
        return {"op": "filter", "cond": expr(rng, cols, "boolean", depth)}
    if kind == "select":
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
        return {"op": "select", "items": items}
    if kind == "withColumn":
        name = rng.choice(list(cols)) if rng.random() < 0.25 else _fresh(rng, set(cols))
        return {"op": "withColumn", "name": name, "expr": expr(rng, cols, "any", depth)}
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
    if all(a is not None and a not in cols for _, _, a in aggs) and rng.random() < 0.15:
        try:
            out = {k: cols[k] for k in keys}
            out.update({a: agg_type(fn, expr_type(e, cols)) for fn, e, a in aggs})
            op["having"] = expr(rng, out, "boolean", 1)
        except InvalidQuery:
            pass
    return op


def _grow(rng: random.Random, q: dict, tables: dict, n_ops: int, final: bool = True) -> None:
    """Appends up to n_ops basic operations (each checked; the unfit are dropped);
    `final`: nothing but ordering follows (unaliased columns allowed)."""
    aggregated = any(o["op"] == "agg" for o in q["ops"])
    for i in range(n_ops):
        cols = _cols(q, tables)
        if cols is None:
            return
        op = _basic_op(rng, cols, final and i == n_ops - 1, aggregated, q.get("mode", "dataframe"))
        if not _append_if_valid(q, tables, op):
            continue
        aggregated = aggregated or op["op"] == "agg"


def _order(rng: random.Random, q: dict, tables: dict) -> None:
    out = output_columns(q, tables)
    if all(n is not None for n, _ in out) and rng.random() < 0.35:
        # A total order over every output column, so that ordered results (and limits)
        # are deterministic.
        names = [n for n, _ in out]
        rng.shuffle(names)
        q["ops"].append({"op": "orderBy", "keys": [[n, rng.choice(["asc", "desc"])] for n in names]})
        if rng.random() < 0.5:
            q["ops"].append({"op": "limit", "n": rng.choice([0, 1, 3, 10])})


# --- joins -------------------------------------------------------------------------------

def _key_pairs(rng: random.Random, left: dict, right: dict) -> list[tuple[str, str]]:
    """(left column, right column) pairs to join on, the likelier ones repeated."""
    pairs = []
    for x, xt in left.items():
        for y, yt in right.items():
            ok = (xt in ("int", "bigint") and yt in ("int", "bigint")) or xt == yt
            if not ok and compatible(xt, yt) and rng.random() < 0.2:
                ok = True            # int = double now and then
            if ok:
                w = 1 + 3 * (x == y) + 4 * (x == "k" and y == "k") + 2 * (xt == yt)
                pairs += [(x, y)] * w
    return pairs


def _right_rel(rng: random.Random, tables: dict, src: str) -> dict:
    right = {"source": src, "ops": []}
    rcols = dict(tables[src]["schema"])
    r = rng.random()
    if r < 0.2:
        right["ops"].append({"op": "filter", "cond": expr(rng, rcols, "boolean", rng.choice([1, 2]))})
    elif r < 0.35 and len(rcols) > 1:
        keep = rng.sample(list(rcols), k=rng.randint(1, len(rcols) - 1))
        if "k" in rcols and "k" not in keep and rng.random() < 0.7:
            keep.insert(0, "k")
        right["ops"].append({"op": "select", "items": [[["col", n], n] for n in keep]})
    return right


def _join_op(rng: random.Random, q: dict, tables: dict, cols: dict, est: int) -> tuple[dict | None, int]:
    cands = [t for t in sorted(tables) if max(1, len(tables[t]["rows"])) * est <= JOIN_ROWS]
    if not cands:
        return None, est
    src = rng.choice(cands)
    right = _right_rel(rng, tables, src)
    rcols = _cols(right, tables) or dict(tables[src]["schema"])
    prefix = next((p for p in ("r_", "s_", "u_", "v_", "w_") if not set(cols) & {p + n for n in rcols}), None)
    if prefix is None:
        return None, est
    how = rng.choices(["inner", "left", "right", "full", "semi", "anti", "cross"], [3, 2, 2, 2, 1.5, 1.5, 1])[0]
    names = JOIN_NAMES[how] + ([None] if how == "inner" else [])
    op = {"op": "join", "right": right, "how": how, "using": None, "cond": None, "prefix": prefix,
          "name": rng.choice(names), "df": "expr",
          "rename": rng.choice(["select", "select", "withColumnRenamed", "withColumnsRenamed", "toDF"]),
          "sql": "on", "sql_kw": rng.choice(SQL_JOIN[how]), "sql_sel": rng.choice(["star", "list"])}
    pairs = _key_pairs(rng, cols, rcols)
    common = sorted({x for x, y in pairs if x == y and (cols[x] in ("int", "bigint")) == (rcols[y] in ("int", "bigint"))})
    if how == "cross" and (not pairs or rng.random() < 0.6):
        op["df"] = rng.choice(["crossJoin", "nocond"])
        op["name"] = rng.choice(["cross", None])
        op["sql"] = rng.choice(["on", "comma"])
        return op, est * max(1, len(tables[src]["rows"]))
    if how != "cross" and common and rng.random() < 0.35:
        using = rng.sample(common, k=min(len(common), rng.choice([1, 1, 2])))
        op["using"] = using
        op["df"] = "using_str" if len(using) == 1 and rng.random() < 0.4 else "using_list"
        op["sql"] = "using"
        return op, est * max(1, len(tables[src]["rows"]))
    conj = []
    if pairs and rng.random() < 0.9:
        chosen = []
        for _ in range(rng.choice([1, 1, 2])):
            p = rng.choice(pairs)
            if p not in chosen:
                chosen.append(p)
        for x, y in chosen:
            eq = "<=>" if rng.random() < 0.25 else "="
            a, b = ["qcol", "l", x], ["qcol", "r", y]
            conj.append(["bin", eq] + ([a, b] if rng.random() < 0.7 else [b, a]))
    if not conj or rng.random() < 0.35:
        env = {f"l.{n}": t for n, t in cols.items()}
        env.update({f"r.{n}": t for n, t in rcols.items()})
        cmp = [(x, y) for x, y in pairs if cols[x] != "boolean"]
        if cmp and rng.random() < 0.5:
            x, y = rng.choice(cmp)
            conj.append(["bin", rng.choice(["<", "<=", ">", ">=", "!="]), ["qcol", "l", x], ["qcol", "r", y]])
        else:
            conj.append(expr(rng, env, "boolean", rng.choice([1, 2])))
    op["cond"] = _and(conj)
    op["df"] = rng.choice(["expr", "expr", "bound", "alias"])
    if op["df"] == "bound" and src in {q["source"]} | {o["right"]["source"] for o in q["ops"] if "right" in o}:
        op["df"] = "expr"       # df["x"] of a self-join is ambiguous in Spark too
    if how in ("inner", "cross") and rng.random() < 0.3:
        op["sql"] = "comma"
    if how == "cross":
        op["name"] = "cross"
    return op, est * max(1, len(tables[src]["rows"]))


def _joins(rng: random.Random, q: dict, tables: dict) -> None:
    if rng.random() < 0.3:
        _grow(rng, q, tables, 1, final=False)
    est = max(1, len(tables[q["source"]]["rows"]))
    for _ in range(rng.choice([1, 1, 1, 2])):
        cols = _cols(q, tables)
        if cols is None:
            break
        op, est = _join_op(rng, q, tables, cols, est)
        if op is None:
            break
        _append_if_valid(q, tables, op)
    _grow(rng, q, tables, rng.choice([0, 0, 1, 1, 2]))


def _append_if_valid(q: dict, tables: dict, op: dict) -> bool:
    """Adds `op` to the query unless the query would no longer be valid."""
    q["ops"].append(op)
    try:
        output_columns(q, tables)
    except InvalidQuery:
        q["ops"].pop()
        return False
    return True


# --- set operations -----------------------------------------------------------------------

def _setop_right(rng: random.Random, tables: dict, lcols: list[tuple[str, str]], src: str,
                 by_name: bool, allow_missing: bool) -> dict:
    right = {"source": src, "ops": []}
    rcols = dict(tables[src]["schema"])
    if rng.random() < 0.3:
        right["ops"].append({"op": "filter", "cond": expr(rng, rcols, "boolean", 1)})
    if not by_name and [t for _, t in lcols] == list(rcols.values()) and rng.random() < 0.6:
        return right                                    # the table as it is
    items, used = [], set()
    for n, t in lcols:
        same = [x for x, xt in rcols.items() if xt == t]
        near = [x for x, xt in rcols.items() if compatible(xt, t)]
        r = rng.random()
        if same and r < 0.7:
            e = ["col", rng.choice(same)]
        elif near and r < 0.85:
            e = ["col", rng.choice(near)]
        elif r < 0.93 and rcols:
            e = ["cast", ["col", rng.choice(list(rcols))], t]
        else:
            e = literal(rng, t)
        alias = n if by_name else (e[1] if e[0] == "col" and e[1] not in used and rng.random() < 0.5
                                   else _fresh(rng, used | set(rcols)))
        used.add(alias)
        items.append([e, alias])
    if allow_missing:
        if len(items) > 1 and rng.random() < 0.7:
            del items[rng.randrange(len(items))]
        if rng.random() < 0.6:
            x = rng.choice(list(rcols))
            items.append([["col", x], _fresh(rng, used, "x")])
    if by_name:
        rng.shuffle(items)
    right["ops"].append({"op": "select", "items": items})
    return right


def _setops(rng: random.Random, q: dict, tables: dict) -> None:
    cols = dict(tables[q["source"]]["schema"])
    if rng.random() < 0.6:      # narrow first: fewer columns, more rows in common
        keep = rng.sample(list(cols), k=rng.randint(1, min(3, len(cols))))
        if "k" in cols and "k" not in keep and rng.random() < 0.6:
            keep[0] = "k"
        q["ops"].append({"op": "select", "items": [[["col", n], n] for n in dict.fromkeys(keep)]})
    elif rng.random() < 0.3:
        _grow(rng, q, tables, 1, final=False)
    for _ in range(rng.choice([1, 1, 1, 2])):
        lc = output_columns(q, tables)
        if any(n is None for n, _ in lc):
            break
        r = rng.random()
        if r < 0.15:
            q["ops"].append({"op": "distinct", "df": rng.choice(["distinct", "dropDuplicates", "drop_duplicates"]),
                             "sql_star": rng.random() < 0.3})
            continue
        if r < 0.25 and q["mode"] == "dataframe" and len(lc) > 1:
            subset = rng.sample([n for n, _ in lc], k=rng.randint(1, len(lc) - 1))
            q["ops"].append({"op": "dropDuplicates", "subset": subset})
            keep = [n for n, _ in lc if n in subset]
            q["ops"].append({"op": "select", "items": [[["col", n], n] for n in keep]})
            continue
        kind = rng.choices(["union", "intersect", "except"], [3, 1.5, 1.5])[0]
        all_ = rng.random() < 0.5
        by_name = kind == "union" and rng.random() < 0.35
        allow_missing = by_name and rng.random() < 0.5
        src = q["source"] if rng.random() < 0.4 else rng.choice(sorted(tables))
        right = _setop_right(rng, tables, lc, src, by_name, allow_missing)
        op = {"op": "setop", "kind": kind, "all": all_, "by_name": by_name, "allow_missing": allow_missing,
              "right": right, "df": rng.choice(SETOP_DF[(kind, all_)]), "sql_kw": rng.choice(SETOP_SQL[(kind, all_)])}
        _append_if_valid(q, tables, op)
    _grow(rng, q, tables, rng.choice([0, 0, 1, 1, 2]))


# --- subqueries ---------------------------------------------------------------------------

def _category(t: str) -> str:
    return "numeric" if t in NUMERIC else t


def _sub_pred(rng: random.Random, tables: dict, cols: dict, outer: dict) -> list | None:
    """A subquery predicate over `cols`; correlated ones read `outer`."""
    src = rng.choice(sorted(tables))
    inner = dict(tables[src]["schema"])
    corr_pairs = _key_pairs(rng, inner, outer) if outer else []
    kinds = ["in", "scalar"] + (["in_corr", "exists", "exists", "scalar_corr", "scalar_corr"] if corr_pairs else [])
    kind = rng.choice(kinds)

    def inner_pred() -> list:
        return expr(rng, inner, "boolean", 1)

    def corr_eq() -> list:
        x, y = rng.choice(corr_pairs)
        return ["bin", "=", ["col", x], ["outer", y]] if rng.random() < 0.7 else ["bin", "=", ["outer", y], ["col", x]]

    def non_equi() -> list | None:
        cmp = [(x, y) for x, y in _key_pairs(rng, inner, outer) if inner[x] != "boolean"]
        if not cmp:
            return None
        x, y = rng.choice(cmp)
        return ["bin", rng.choice(["<", "<=", ">", ">=", "!="]), ["col", x], ["outer", y]]

    def where(correlated: bool, extra: float) -> list | None:
        conj = [corr_eq()] if correlated else []
        if correlated and rng.random() < 0.2:
            conj.append(corr_eq())
        if correlated and rng.random() < extra:
            ne = non_equi()
            if ne:
                conj.append(ne)
        if rng.random() < (0.3 if correlated else 0.4):
            conj.append(inner_pred())
        return _and(conj) if conj else None

    if kind in ("in", "in_corr"):
        lhs_col = rng.choice(sorted(cols))
        want = cols[lhs_col]
        sel = [x for x, t in inner.items() if t == want] or [x for x, t in inner.items() if compatible(t, want)]
        if not sel:
            return None
        lhs = ["col", lhs_col] if rng.random() < 0.8 else expr(rng, cols, _category(want), 1)
        sub = {"source": src, "where": where(kind == "in_corr", 0.3), "select": ["col", rng.choice(sel)]}
        return ["in_sub", lhs, sub, rng.random() < 0.4]
    if kind == "exists":
        return ["exists", {"source": src, "where": where(True, 0.5)}, rng.random() < 0.4]
    fn = rng.choice(["sum", "avg", "min", "max", "max", "count"])
    args = [x for x, t in inner.items() if (t in NUMERIC if fn in ("sum", "avg") else True)]
    if not args:
        return None
    arg = rng.choice(args)
    sub = {"source": src, "where": where(kind == "scalar_corr", 0.0), "agg": [fn, ["col", arg]]}
    rt = "bigint" if fn == "count" else ("double" if fn == "avg" else inner[arg])
    scalar = ["scalar", sub]
    if rt in NUMERIC and rng.random() < 0.2:
        scalar = ["bin", rng.choice(["*", "+"]), scalar, literal(rng, rng.choice(NUMERIC))]
    lhs = expr(rng, cols, _category(rt), rng.choice([0, 1]))
    cmp = rng.choice(COMPARE)
    return ["bin", cmp, lhs, scalar] if rng.random() < 0.8 else ["bin", cmp, scalar, lhs]


def _subqueries(rng: random.Random, q: dict, tables: dict) -> None:
    if rng.random() < 0.25:
        _grow(rng, q, tables, 1, final=False)
        if q["ops"] and q["ops"][-1]["op"] == "agg" and rng.random() < 0.5:
            q["ops"].pop()
    cols = _cols(q, tables)
    if cols is None:
        return
    if rng.random() < 0.7 or any(o["op"] == "agg" for o in q["ops"]):
        pred = _sub_pred(rng, tables, cols, cols)
        if pred is None:
            return _grow(rng, q, tables, 1)
        r = rng.random()
        if r < 0.15:
            pred = ["bin", "and", pred, expr(rng, cols, "boolean", 1)]
        elif r < 0.25:
            pred = ["bin", "or", expr(rng, cols, "boolean", 1), pred]
        elif r < 0.3:
            pred = ["not", pred]
        q["ops"].append({"op": "filter", "cond": pred})
    else:
        keys = rng.sample(list(cols), k=min(len(cols), rng.choice([0, 1, 1, 2])))
        if "k" in cols and keys and "k" not in keys and rng.random() < 0.5:
            keys[0] = "k"
        keys = list(dict.fromkeys(keys))
        aggs, used = [], set(cols) | set(keys)
        for _ in range(rng.randint(1, 2)):
            fn = rng.choice(AGGS)
            e = expr(rng, cols, "numeric" if fn in ("sum", "avg") else "any", rng.choice([0, 1]))
            alias = _fresh(rng, used)
            used.add(alias)
            aggs.append([fn, e, alias])
        op = {"op": "agg", "keys": keys, "aggs": aggs}
        q["ops"].append(op)
        try:
            out = dict(output_columns(q, tables))
        except InvalidQuery:
            q["ops"].pop()
            return
        pred = _sub_pred(rng, tables, out, {k: cols[k] for k in keys})
        if pred is not None:
            op["having"] = pred
    try:
        output_columns(q, tables)
    except InvalidQuery:
        q["ops"].pop()
    _grow(rng, q, tables, rng.choice([0, 0, 1]))


# --- queries --------------------------------------------------------------------------------

def pick_shape(rng: random.Random, mode: str, shapes: dict[str, float] | None = None) -> str:
    weights = {s: w for s, w in (shapes or SHAPES).items() if w > 0 and not (s in SQL_ONLY and mode != "sql")}
    if not weights:
        return "basic"
    return rng.choices(sorted(weights), [weights[s] for s in sorted(weights)])[0]


def query(rng: random.Random, tables: dict, mode: str, shapes: dict[str, float] | None = None,
          shape: str | None = None) -> dict:
    shape = shape or pick_shape(rng, mode, shapes)
    src = rng.choice(sorted(tables))
    q = {"mode": mode, "shape": shape, "source": src, "ops": []}
    if shape == "joins":
        _joins(rng, q, tables)
    elif shape == "setops":
        _setops(rng, q, tables)
    elif shape == "subqueries":
        _subqueries(rng, q, tables)
    else:
        _grow(rng, q, tables, rng.choice([1, 1, 2, 2, 3, 4]))
    _order(rng, q, tables)
    if mode == "sql" and rng.random() < (0.35 if shape == "subqueries" else 0.12):
        q["cte"] = True
    return q


def tables(rng: random.Random) -> dict:
    return datagen.tables(rng, rng.choice([1, 2, 2, 3]))
