"""Shrinking a failing differential case to a small repro (greedy, in the spirit of
delta debugging / C-Reduce): drop operations, select items and aggregates; replace
expressions by their parts, a column or a literal; drop table rows (halves, then one
by one) and unused columns. A candidate is kept while it still fails the same way
(`still_fails(tables, query) -> bool`, which runs it on both servers)."""

from __future__ import annotations

import copy
import time
from typing import Callable, Iterator

from .query import InvalidQuery, expr_type, output_columns


def _sub_exprs(e: list) -> list[list]:
    if e[0] == "bin":
        return [e[2], e[3]]
    if e[0] in ("not", "cast"):
        return [e[1]]
    return []


def _simpler(e: list, cols: dict[str, str]) -> Iterator[list]:
    """Smaller expressions to try in place of e."""
    yield from _sub_exprs(e)
    if e[0] != "col":
        for n in cols:
            yield ["col", n]
    if e[0] != "lit":
        try:
            t = expr_type(e, cols)
        except InvalidQuery:
            t = "int"
        yield ["lit", None, t]
        yield ["lit", {"int": 0, "bigint": 0, "double": 0.0, "string": "", "boolean": True}[t], t]
    for i, s in enumerate(_sub_exprs(e)):
        for smaller in _simpler(s, cols):
            new = copy.deepcopy(e)
            new[2 + i if e[0] == "bin" else 1] = smaller
            yield new


def _expr_slots(q: dict) -> Iterator[tuple[int, Callable[[dict], list], Callable[[dict, list], None]]]:
    """(operation index, getter, setter) of every top-level expression of a query."""
    for i, op in enumerate(q["ops"]):
        k = op["op"]
        if k == "filter":
            yield i, (lambda q, i=i: q["ops"][i]["cond"]), (lambda q, e, i=i: q["ops"][i].__setitem__("cond", e))
        elif k == "withColumn":
            yield i, (lambda q, i=i: q["ops"][i]["expr"]), (lambda q, e, i=i: q["ops"][i].__setitem__("expr", e))
        elif k == "select":
            for j in range(len(op["items"])):
                yield i, (lambda q, i=i, j=j: q["ops"][i]["items"][j][0]), \
                      (lambda q, e, i=i, j=j: q["ops"][i]["items"][j].__setitem__(0, e))
        elif k == "agg":
            for j in range(len(op["aggs"])):
                yield i, (lambda q, i=i, j=j: q["ops"][i]["aggs"][j][1]), \
                      (lambda q, e, i=i, j=j: q["ops"][i]["aggs"][j].__setitem__(1, e))


def _input_cols(q: dict, tables: dict, op_index: int) -> dict[str, str]:
    head = dict(q, ops=q["ops"][:op_index])
    try:
        return dict((n, t) for n, t in output_columns(head, tables) if n is not None)
    except InvalidQuery:
        return {}


def _query_candidates(q: dict, tables: dict) -> Iterator[dict]:
    ops = q["ops"]
    for i in range(len(ops)):                       # drop an operation
        yield dict(q, ops=ops[:i] + ops[i + 1:])
    for i, op in enumerate(ops):                    # drop list items
        for key, minimum in (("items", 1), ("aggs", 1), ("keys", 0)):
            if key in op and len(op[key]) > minimum:
                for j in range(len(op[key])):
                    new = copy.deepcopy(q)
                    del new["ops"][i][key][j]
                    yield new
    for idx, get, put in _expr_slots(q):            # simplify expressions
        cols = _input_cols(q, tables, idx)
        for smaller in _simpler(get(q), cols):
            new = copy.deepcopy(q)
            put(new, smaller)
            yield new


def _table_candidates(tables: dict, q: dict) -> Iterator[dict]:
    used = {q["source"]}
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
