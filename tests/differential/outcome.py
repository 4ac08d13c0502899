"""Running a differential query on one server and comparing two answers.

An outcome is JSON-safe:
  {"kind": "rows", "ordered": bool, "columns": [...], "types": [[type, nullable], ...],
   "rows": [[value, ...], ...]}
  {"kind": "error", "class": exception class, "condition": ..., "sqlstate": ..., "message": first line}
  {"kind": "unsupported", "message": ...}   sk8 answered UNSUPPORTED (a known gap, not a mismatch)
  {"kind": "crash", "message": ...}         the server died
"""

from __future__ import annotations

import decimal
import math
from typing import Optional

from . import datagen, query

REL_TOL = 1e-9


def is_unsupported(e: BaseException) -> bool:
    cond = getattr(e, "getCondition", lambda: None)() or ""
    return cond.startswith("UNSUPPORTED_FEATURE.SK8") or "is not supported by sk8" in str(e)


def _value(v):
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    return datagen.enc(v)


def error_outcome(e: BaseException) -> dict:
    from pyspark.errors import PySparkException

    msg = str(e).split("\n")[0][:300]
    if is_unsupported(e):
        return {"kind": "unsupported", "message": msg}
    cond = state = None
    if isinstance(e, PySparkException):
        cond, state = e.getCondition(), e.getSqlState()
    return {"kind": "error", "class": type(e).__name__, "condition": cond, "sqlstate": state, "message": msg}


def run(spark, dfs: dict, q: dict, tables: dict) -> dict:
    """Execute q (DataFrame over `dfs`, or SQL over temp views of the same names)."""
    try:
        df = query.build_df(dfs, q, tables) if q["mode"] == "dataframe" else spark.sql(query.to_sql(q, tables))
        schema = df.schema
        rows = df.collect()
    except Exception as e:  # noqa: BLE001 - an error is an answer
        return error_outcome(e)
    return {"kind": "rows", "ordered": query.is_ordered(q),
            "columns": [f.name for f in schema.fields],
            "types": [[f.dataType.simpleString(), f.nullable] for f in schema.fields],
            "rows": [[_value(x) for x in r] for r in rows]}


# --- comparison ------------------------------------------------------------------------

def _num(v) -> Optional[float]:
    v = datagen.dec(v)
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, dict) and "decimal" in v:
        return float(v["decimal"])
    return float(v) if isinstance(v, (int, float)) else None


def values_equal(a, b) -> bool:
    """Equal values; floats within REL_TOL; NaN equals NaN; -0.0 differs from 0.0 (Spark
    prints them differently and normalizes -0.0 in grouping keys and joins)."""
    x, y = _num(a), _num(b)
    if x is None or y is None or (isinstance(datagen.dec(a), int) and isinstance(datagen.dec(b), int)):
        return datagen.dec(a) == datagen.dec(b) and type(datagen.dec(a)) is type(datagen.dec(b))
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if x == 0 and y == 0:
        return math.copysign(1, x) == math.copysign(1, y)
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-300)


def _sort_key(row: list) -> list:
    """Orders rows the same way on both sides even when floats differ in the last digits."""
    def k(v):
        v2 = datagen.dec(v)
        if v2 is None:
            return (0, 0.0, "")
        if isinstance(v2, bool):
            return (1, float(v2), "")
        n = _num(v)
        if n is not None:
            if math.isnan(n):
                return (3, 0.0, "")
            return (2, float(f"{n:.9g}") if math.isfinite(n) else n, "")
        return (4, 0.0, repr(v2))
    return [k(v) for v in row]


def compare(expected: dict, actual: dict) -> Optional[str]:
    """None if the answers agree, else what differs (one line). Both are outcomes;
    `unsupported` and `crash` on the actual side are reported by the caller."""
    if expected["kind"] != actual["kind"]:
        return f"expected {describe(expected)}, got {describe(actual)}"
    if expected["kind"] == "error":
        if (expected["class"], expected["condition"]) != (actual["class"], actual["condition"]):
            return f"expected {describe(expected)}, got {describe(actual)}"
        return None
    if expected["columns"] != actual["columns"]:
        return f"column names: expected {expected['columns']}, got {actual['columns']}"
    if expected["types"] != actual["types"]:
        return f"types: expected {expected['types']}, got {actual['types']}"
    er, ar = expected["rows"], actual["rows"]
    if len(er) != len(ar):
        return f"expected {len(er)} rows, got {len(ar)}"
    if not expected.get("ordered"):
        er, ar = sorted(er, key=_sort_key), sorted(ar, key=_sort_key)
    for i, (x, y) in enumerate(zip(er, ar)):
        if len(x) != len(y) or not all(values_equal(a, b) for a, b in zip(x, y)):
            return f"row {i}: expected {x}, got {y}"
    return None


def describe(o: dict) -> str:
    if o["kind"] == "rows":
        return f"{len(o['rows'])} rows"
    if o["kind"] == "error":
        return f"error {o['class']} {o['condition'] or ''}".rstrip()
    return f"{o['kind']}: {o.get('message', '')}"


def signature(expected: dict, actual: dict) -> tuple:
    """What kind of difference it is, kept while reducing a failing case."""
    if actual["kind"] in ("crash", "unsupported"):
        return (actual["kind"],)
    if expected["kind"] != actual["kind"]:
        return ("kind", expected["kind"], actual["kind"])
    if expected["kind"] == "error":
        return ("error", expected["condition"], actual["condition"])
    d = compare(expected, actual) or ""
    return ("rows", d.split(":")[0].split(" ")[0])
