"""Golden answers recorded from real Apache Spark, compared against sk8.

    golden.check(request, "name", df)                      schema + dtypes + columns + rows
    golden.check_show(request, "name", df, n=20, truncate=True, vertical=False)
    golden.check_error(request, "name", lambda: df.collect())
    golden.check_pandas(request, "name", df.toPandas())
    golden.check_text(request, "name", text)               any exact text (e.g. printSchema)
    golden.check_value(request, "name", value)             any Python value (e.g. count())
    golden.check_sql(request, "name", spark, query)        a query's rows or error, with its text

Files: tests/pyspark/golden/<test module>/<test name>__<name>.json

Modes (set by conftest from the environment):
  record   SK8_TEST_TARGET=spark SK8_GOLDEN_REFRESH=1: write real Spark's answer
  compare  otherwise: load the golden and assert equality (against sk8, or against
           real Spark itself, which proves the harness). A missing golden fails.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import difflib
import io
import json
import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
_REPO = Path(__file__).resolve().parents[2]

_mode = "compare"
_target = "sk8"
_written: set[Path] = set()
_seen: set[Path] = set()


def configure(target: str) -> None:
    global _mode, _target
    _target = target
    refresh = os.environ.get("SK8_GOLDEN_REFRESH", "") not in ("", "0")
    if refresh and target != "spark":
        raise ValueError("SK8_GOLDEN_REFRESH=1 records real Spark's answers: it needs "
                         "SK8_TEST_TARGET=spark (use scripts/refresh-golden)")
    _mode = "record" if refresh else "compare"


def mode() -> str:
    return _mode


def recording() -> bool:
    return _mode == "record"


# --- value encoding ---------------------------------------------------------

def encode(v: Any) -> Any:
    """A JSON form of a Python value that keeps its exact Python type."""
    from pyspark.sql import Row

    if v is None:
        return None
    t = type(v)
    if t is bool:
        return {"t": "bool", "v": v}
    if t is int:
        return {"t": "int", "v": v}
    if t is float:
        return {"t": "float", "v": repr(v)}
    if t is str:
        return {"t": "str", "v": v}
    if t is decimal.Decimal:
        return {"t": "decimal", "v": str(v)}
    if t is _dt.datetime:
        return {"t": "datetime", "v": v.isoformat()}
    if t is _dt.date:
        return {"t": "date", "v": v.isoformat()}
    if t is _dt.time:
        return {"t": "time", "v": v.isoformat()}
    if t is _dt.timedelta:
        return {"t": "timedelta", "v": repr(v)}
    if t in (bytes, bytearray, memoryview):
        return {"t": t.__name__, "v": bytes(v).hex()}
    if isinstance(v, Row):
        names = list(v.__fields__) if hasattr(v, "__fields__") else None
        return {"t": "Row", "names": names, "v": [encode(x) for x in v]}
    if t in (list, tuple):
        return {"t": t.__name__, "v": [encode(x) for x in v]}
    if t is dict:
        return {"t": "dict", "v": [[encode(k), encode(x)] for k, x in v.items()]}
    mod = t.__module__
    if mod == "numpy":
        import numpy as np
        if isinstance(v, np.ndarray):
            return {"t": "np.ndarray", "dtype": str(v.dtype), "v": [encode(x) for x in v.tolist()]}
        if isinstance(v, np.generic):
            item = v.item()
            if isinstance(item, float):
                item = repr(item)
            elif isinstance(item, (bytes, _dt.datetime, _dt.date, _dt.timedelta, decimal.Decimal)):
                item = encode(item)
            return {"t": f"np.{t.__name__}", "v": item}
    if mod.startswith("pandas"):
        import pandas as pd
        if v is pd.NaT:
            return {"t": "pd.NaT"}
        if v is pd.NA:
            return {"t": "pd.NA"}
        if isinstance(v, (pd.Timestamp, pd.Timedelta)):
            return {"t": f"pd.{t.__name__}", "v": v.isoformat()}
    # Anything else: its qualified type and repr.
    return {"t": f"{mod}.{t.__qualname__}", "v": repr(v)}


def _sort_key(row: Any) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


# --- golden files -----------------------------------------------------------

def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=+-]+", "_", s).strip("_")


def golden_path(request, name: str) -> Path:
    module = Path(str(request.node.fspath)).stem
    test = _safe(request.node.name)
    return GOLDEN_DIR / module / f"{test}__{_safe(name)}.json"


def _dumps(obj: dict) -> str:
    """Stable JSON, one list element (e.g. one row) per line for readable diffs."""
    parts = []
    for k, v in obj.items():
        key = json.dumps(k)
        if isinstance(v, list) and len(v) > 1 and (k in ("text", "message") or all(isinstance(x, (list, dict)) for x in v)):
            items = ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in v)
            parts.append(f" {key}: [\n{items}\n ]")
        else:
            parts.append(f" {key}: {json.dumps(v, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _pretty(obj: Any) -> str:
    return _dumps(obj) if isinstance(obj, dict) else json.dumps(obj, indent=1, ensure_ascii=False)


def _compare(request, name: str, actual: dict, comparable: Callable[[dict], dict]) -> None:
    path = golden_path(request, name)
    if path in _seen:
        pytest.fail(f"golden name {name!r} used twice in {request.node.nodeid}", pytrace=False)
    _seen.add(path)
    actual = {"test": request.node.nodeid, "name": name, **actual}
    if _mode == "record":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dumps(actual), encoding="utf-8")
        _written.add(path)
        return
    if not path.exists():
        pytest.fail(f"golden answer missing: {path.relative_to(GOLDEN_DIR.parent)}\n"
                    f"Record it from real Spark with scripts/refresh-golden "
                    f"(optionally: scripts/refresh-golden -k <test>).", pytrace=False)
    expected = json.loads(path.read_text(encoding="utf-8"))
    exp_c, act_c = comparable(expected), comparable(actual)
    if exp_c != act_c:
        diff = "\n".join(difflib.unified_diff(_pretty(exp_c).splitlines(), _pretty(act_c).splitlines(),
                                              "expected (real Spark)", f"actual ({_target})",
                                              lineterm="", n=3))
        pytest.fail(f"answer differs from golden {path.relative_to(GOLDEN_DIR.parent)}\n"
                    f"--- expected (real Spark):\n{_pretty(exp_c)}\n"
                    f"--- actual ({_target}):\n{_pretty(act_c)}\n"
                    f"--- diff:\n{diff}", pytrace=False)


def _without(*keys: str) -> Callable[[dict], dict]:
    drop = {"test", "name", *keys}
    return lambda d: {k: v for k, v in d.items() if k not in drop}


def _unordered_rows(d: dict) -> dict:
    d = _without()(d)
    if not d.get("ordered") and isinstance(d.get("rows"), list):
        d["rows"] = sorted(d["rows"], key=_sort_key)
    return d


# --- public checks ----------------------------------------------------------

def schema_fields(schema) -> list[dict]:
    return [{"name": f.name, "type": f.dataType.simpleString(), "nullable": f.nullable}
            for f in schema.fields]


def describe_df(df, ordered: bool = False) -> dict:
    schema = df.schema
    rows = df.collect()
    return {
        "kind": "dataframe",
        "ordered": ordered,
        "columns": list(df.columns),
        "dtypes": [list(x) for x in df.dtypes],
        "schema": schema_fields(schema),
        "schema_json": schema.jsonValue(),
        "rows": [[encode(x) for x in row] for row in rows],
    }


def check(request, name: str, df, ordered: bool = False) -> list:
    """Schema, dtypes, columns and collected rows of `df` (rows compared as a multiset
    unless ordered=True). Returns the collected rows."""
    actual = describe_df(df, ordered)
    _compare(request, name, actual, _unordered_rows)
    return actual["rows"]


def check_rows(request, name: str, rows: list, ordered: bool = False) -> None:
    """Already collected rows (e.g. the result of df.collect() or df.take(n))."""
    actual = {"kind": "rows", "ordered": ordered, "rows": [encode(r) for r in rows]}
    _compare(request, name, actual, _unordered_rows)


def capture_stdout(fn: Callable[[], Any]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


def check_show(request, name: str, df, n: int = 20, truncate=True, vertical: bool = False) -> str:
    """The exact text df.show(n, truncate, vertical) prints (stored split at "\\n", so
    the last element is "" when the text ends with a newline)."""
    text = capture_stdout(lambda: df.show(n=n, truncate=truncate, vertical=vertical))
    actual = {"kind": "show", "args": {"n": n, "truncate": truncate, "vertical": vertical},
              "text": text.split("\n")}
    _compare(request, name, actual, _without())
    return text


def check_text(request, name: str, text: str) -> None:
    _compare(request, name, {"kind": "text", "text": text.split("\n")}, _without())


def check_value(request, name: str, value: Any) -> None:
    _compare(request, name, {"kind": "value", "value": encode(value)}, _without())


def check_schema(request, name: str, schema) -> None:
    actual = {"kind": "schema", "schema": schema_fields(schema), "schema_json": schema.jsonValue(),
              "simple_string": schema.simpleString()}
    _compare(request, name, actual, _without())


def check_pandas(request, name: str, pdf, ordered: bool = False) -> None:
    """A pandas DataFrame (e.g. from toPandas()): columns, dtypes and every cell with
    its exact Python/numpy/pandas type."""
    rows = [[encode(pdf.iat[i, j]) for j in range(pdf.shape[1])] for i in range(pdf.shape[0])]
    actual = {"kind": "pandas", "ordered": ordered, "columns": [str(c) for c in pdf.columns],
              "dtypes": [str(t) for t in pdf.dtypes], "shape": list(pdf.shape), "rows": rows}
    _compare(request, name, actual, _unordered_rows)


def describe_error(e: BaseException) -> dict:
    from pyspark.errors import PySparkException

    d = {"kind": "error", "class": type(e).__name__, "module": type(e).__module__}
    if isinstance(e, PySparkException):
        d["condition"] = e.getCondition()
        d["sqlstate"] = e.getSqlState()
        params = e.getMessageParameters()
        d["params"] = dict(sorted(params.items())) if params is not None else None
        msg = e.getMessage() if hasattr(e, "getMessage") else str(e)
    else:
        d["condition"] = d["sqlstate"] = d["params"] = None
        msg = str(e)
    msg = (msg or "").split("\nJVM stacktrace:")[0].strip()
    d["message"] = msg.replace(str(_REPO) + "/", "<repo>/").split("\n")
    return d


def check_error(request, name: str, fn: Callable[[], Any], params: bool = True) -> BaseException:
    """fn() must raise; compares exception class name, error condition and SQLSTATE
    (and the message parameters unless params=False). The message text is kept in the
    golden for humans only. Returns the exception."""
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - any exception is the answer
        exc = e
    else:
        pytest.fail(f"expected an error, got a result: {result!r}", pytrace=False)
    actual = describe_error(exc)
    keys = {"message", "module"} | (set() if params else {"params"})
    _compare(request, name, actual, _without(*keys))
    return exc


def check_sql(request, name: str, spark, query: str, ordered: bool = False, conf: dict | None = None) -> dict:
    """The answer of one SQL query, rows or error, stored with the query text (so
    the golden names the functions it calls even where Spark renames the column,
    isnull(a) -> "(a IS NULL)"). `conf`: session confs set for this query only
    (e.g. {"spark.sql.ansi.enabled": "false"}). An error is compared as
    check_error compares it (class, condition, SQLSTATE, parameters)."""
    saved = {}
    for key, value in (conf or {}).items():
        saved[key] = spark.conf.get(key, None)
        spark.conf.set(key, value)
    try:
        try:
            actual = describe_df(spark.sql(query), ordered)
        except Exception as e:  # noqa: BLE001 - an error is the answer
            actual = describe_error(e)
    finally:
        for key, value in saved.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)
    actual = {"query": query, **({"conf": conf} if conf else {}), **actual}

    def comparable(d: dict) -> dict:
        return _without("message", "module")(d) if d.get("kind") == "error" else _unordered_rows(d)

    _compare(request, name, actual, comparable)
    return actual


def known_differences(names, known: dict) -> list:
    """Parametrize ids `names`, those in `known` (name -> why sk8 still differs from
    Spark) marked as strict xfails against sk8: the golden keeps Spark's answer."""
    return [pytest.param(n, marks=pytest.mark.xfail(_target == "sk8", strict=True, reason=known[n]))
            if n in known else n for n in names]


# --- session bookkeeping ----------------------------------------------------

def finish(prune: bool) -> None:
    """After a successful full refresh, delete golden files no test wrote."""
    global _pruned
    _pruned = []
    if _mode != "record" or not prune or not GOLDEN_DIR.exists():
        return
    for p in sorted(GOLDEN_DIR.rglob("*.json")):
        if p not in _written:
            p.unlink()
            _pruned.append(p)
    for d in sorted(GOLDEN_DIR.iterdir()):
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()


_pruned: list[Path] = []


def summary() -> list[str]:
    lines = []
    if _mode == "record":
        lines.append(f"golden: recorded {len(_written)} answers from real Spark under {GOLDEN_DIR}")
        for p in _pruned:
            lines.append(f"golden: removed stale {p.relative_to(GOLDEN_DIR)}")
    return lines
