"""Shrinking a failing differential case to a small repro (greedy, in the spirit of
delta debugging / C-Reduce): drop operations (also inside the right sides of joins and
set operations), select items, aggregates, keys and USING columns; replace expressions
by their parts, a column or a literal (join conditions, HAVING, subqueries' WHERE
included; a subquery may lose its WHERE); write SQL without WITH; drop table rows
(halves, then one by one) and unused tables and columns. A candidate is kept while it
still fails the same way (`still_fails(tables, query) -> bool`, which runs it on both
servers)."""

from __future__ import annotations

import copy
import time
from typing import Callable, Iterator

from .query import InvalidQuery, _plain, _relation, expr_type, output_columns, sub_env, tables_used

SUBQUERY = ("in_sub", "exists", "scalar")


def _children(e: list) -> list[int]:
    """Positions of e's sub-expressions."""
    if e[0] == "bin":
        return [2, 3]
    if e[0] in ("not", "cast", "in_sub"):
        return [1]
    return []


def _leaf(name: str) -> list:
    if name.startswith("outer."):
        return ["outer", name[6:]]
    if "." in name:
        return ["qcol", *name.split(".", 1)]
    return ["col", name]


def _simpler(e: list, cols: dict[str, str], tables: dict | None = None, outer: dict | None = None) -> Iterator[list]:
    """Smaller expressions to try in place of e."""
    for i in _children(e):
        yield e[i]
    if e[0] not in ("col", "qcol", "outer"):
        for n in cols:
            yield _leaf(n)
    if e[0] != "lit":
        try:
            t = expr_type(e, cols, tables, outer)
        except InvalidQuery:
            t = "int"
        yield ["lit", None, t]
        yield ["lit", {"int": 0, "bigint": 0, "double": 0.0, "string": "", "boolean": True}[t], t]
    if e[0] in SUBQUERY and tables is not None:
        at = 2 if e[0] == "in_sub" else 1
        sub = e[at]
        try:
            env = sub_env(sub, tables, _plain(cols) if outer is None else outer)
        except InvalidQuery:
            env = {}
        if sub.get("where") is not None:
            new = copy.deepcopy(e)
            new[at]["where"] = None
            yield new
            for smaller in _simpler(sub["where"], env):
                new = copy.deepcopy(e)
                new[at]["where"] = smaller
                yield new
        if e[0] == "in_sub" and sub.get("select", ["col"])[0] != "col":
            for n in _plain(env):
                new = copy.deepcopy(e)
                new[at]["select"] = ["col", n]
                yield new
    for i in _children(e):
        for smaller in _simpler(e[i], cols, tables, outer):
            new = copy.deepcopy(e)
            new[i] = smaller
            yield new


def _get(q, path):
    for p in path:
        q = q[p]
    return q


def _put(q, path, v):
    _get(q, path[:-1])[path[-1]] = v


def _relations(rel: dict, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """(path, relation) of the query and of every join / set operation input in it."""
    yield path, rel
    for i, op in enumerate(rel["ops"]):
        if "right" in op:
            yield from _relations(op["right"], path + ("ops", i, "right"))


def _cols_before(rel: dict, tables: dict, i: int) -> dict[str, str] | None:
    try:
        return {n: t for n, t in _relation(dict(rel, ops=rel["ops"][:i]), tables)[0] if n is not None}
    except InvalidQuery:
        return None


def _expr_slots(q: dict, tables: dict) -> Iterator[tuple[tuple, dict, dict | None]]:
    """(path, columns it reads, what its subqueries may correlate with) of every
    expression of a query."""
    for rpath, rel in _relations(q):
        for i, op in enumerate(rel["ops"]):
            cols = _cols_before(rel, tables, i)
            if cols is None:
                continue
            base = rpath + ("ops", i)
            k = op["op"]
            if k == "filter":
                yield base + ("cond",), cols, None
            elif k == "withColumn":
                yield base + ("expr",), cols, None
            elif k == "select":
                for j in range(len(op["items"])):
                    yield base + ("items", j, 0), cols, None
            elif k == "agg":
                for j in range(len(op["aggs"])):
                    yield base + ("aggs", j, 1), cols, None
                if op.get("having") is not None:
                    out = _cols_before(rel, tables, i + 1)
                    if out is not None:
                        yield base + ("having",), out, {key: cols[key] for key in op["keys"] if key in cols}
            elif k == "join" and op.get("cond") is not None:
                try:
                    rc = output_columns(op["right"], tables)
                except InvalidQuery:
                    continue
                env = {f"l.{n}": t for n, t in cols.items()}
                env.update({f"r.{n}": t for n, t in rc})
                yield base + ("cond",), env, None


def _query_candidates(q: dict, tables: dict) -> Iterator[dict]:
    if q.get("cte"):
        yield {k: v for k, v in q.items() if k != "cte"}
    for rpath, rel in _relations(q):                 # drop an operation
        for i in range(len(rel["ops"])):
            new = copy.deepcopy(q)
            del _get(new, rpath)["ops"][i]
            yield new
    for rpath, rel in _relations(q):                 # drop list items
        for i, op in enumerate(rel["ops"]):
            for key, minimum in (("items", 1), ("aggs", 1), ("keys", 0), ("using", 1), ("subset", 1)):
                if op["op"] == "orderBy":
                    continue                          # a partial order is not deterministic
                if op.get(key) and len(op[key]) > minimum:
                    for j in range(len(op[key])):
                        new = copy.deepcopy(q)
                        del _get(new, rpath)["ops"][i][key][j]
                        yield new
            if op.get("having") is not None:
                new = copy.deepcopy(q)
                _get(new, rpath)["ops"][i]["having"] = None
                yield new
    for path, cols, outer in _expr_slots(q, tables):  # simplify expressions
        for smaller in _simpler(_get(q, path), cols, tables, outer):
            new = copy.deepcopy(q)
            _put(new, path, smaller)
            yield new


def _table_candidates(tables: dict, q: dict) -> Iterator[dict]:
    used = tables_used(q)
    yield {k: v for k, v in tables.items() if k in used}
    for name, t in tables.items():
        rows = t["rows"]
        n = len(rows)
        chunk = n // 2
        while chunk >= 1:
            for start in range(0, n, chunk):
                new = copy.deepcopy(tables)
                new[name]["rows"] = rows[:start] + rows[start + chunk:]
                yield new
            chunk //= 2
        for ci in range(len(t["schema"])):           # drop a column
            if len(t["schema"]) > 1:
                new = copy.deepcopy(tables)
                new[name]["schema"] = t["schema"][:ci] + t["schema"][ci + 1:]
                new[name]["rows"] = [r[:ci] + r[ci + 1:] for r in rows]
                yield new


def _size(tables: dict, q: dict) -> int:
    import json
    return len(json.dumps(q, default=str)) + 20 * sum(len(t["rows"]) for t in tables.values()) \
        + 5 * sum(len(t["schema"]) for t in tables.values())


def reduce(tables: dict, q: dict, still_fails: Callable[[dict, dict], bool],
           max_seconds: float = 120.0, max_tries: int = 400, log=lambda s: None) -> tuple[dict, dict, int]:
    """The smallest (tables, query) found that still fails; and the number of tries."""
    deadline = time.monotonic() + max_seconds
    tries = 0
    progress = True
    while progress and tries < max_tries and time.monotonic() < deadline:
        progress = False
        for kind in ("query", "tables"):
            gen = _query_candidates(q, tables) if kind == "query" else _table_candidates(tables, q)
            for cand in gen:
                if tries >= max_tries or time.monotonic() >= deadline:
                    break
                ct, cq = (tables, cand) if kind == "query" else (cand, q)
                if _size(ct, cq) >= _size(tables, q):
                    continue
                try:
                    output_columns(cq, ct)
                except InvalidQuery:
                    continue
                tries += 1
                if still_fails(ct, cq):
                    tables, q = ct, cq
                    progress = True
                    log(f"reduced to size {_size(tables, q)} after {tries} tries")
                    break
            if progress:
                break
    return tables, q, tries
