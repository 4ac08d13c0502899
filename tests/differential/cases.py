"""Saved differential cases: tests/differential/cases/*.json, replayed by test_cases.py.

A case file holds the (reduced) tables and query, the repro as PySpark code or SQL
for people, and `expected`: real Spark's answer, written by the fuzzer from the real
Spark run that found it, or re-recorded by `scripts/conformance refresh --only differential`
(which calls refresh_all). Nobody types an expected answer.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import datagen, outcome, query

CASES_DIR = Path(__file__).resolve().parent / "cases"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def all_paths() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def tables_of(case: dict) -> dict:
    return datagen.dec(case["tables"])


def fingerprint(tables: dict, q: dict) -> str:
    blob = json.dumps([datagen.enc(tables), q], sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:10]


def make(tables: dict, q: dict, expected: dict, found: dict) -> dict:
    case = {
        "about": "differential repro: real Spark's answer is `expected`; replayed by tests/differential/test_cases.py",
        "found": found,
        "mode": q["mode"],
        "tables": datagen.enc(tables),
        "query": datagen.enc(q),
        "repro": repro_text(tables, q),
        "expected": expected,
    }
    return case


def repro_text(tables: dict, q: dict) -> list[str]:
    lines = ["from pyspark.sql import functions as F", "from pyspark.sql.types import *"]
    for name, t in tables.items():
        schema = ", ".join(f"{n} {ty}" for n, ty in t["schema"])
        lines.append(f"{name} = spark.createDataFrame({[tuple(r) for r in t['rows']]!r}, {schema!r})")
        if q["mode"] == "sql":
            lines.append(f"{name}.createOrReplaceTempView({name!r})")
    if q["mode"] == "sql":
        lines.append(f"spark.sql({query.to_sql(q, tables)!r}).collect()")
    else:
        lines.append(f"({query.to_python(q, tables)}).collect()")
    return lines


def dumps(case: dict) -> str:
    """Stable, compact JSON: one top-level key per line, repro lines and result rows one
    per line."""
    def compact(v) -> str:
        return json.dumps(v, ensure_ascii=False)
    parts = []
    for k, v in case.items():
        if k == "repro":
            parts.append(f" {compact(k)}: [\n" + ",\n".join("  " + compact(x) for x in v) + "\n ]")
        elif k == "expected" and v.get("kind") == "rows" and v.get("rows"):
            head = {x: y for x, y in v.items() if x != "rows"}
            rows = ",\n".join("   " + compact(r) for r in v["rows"])
            parts.append(f" {compact(k)}: {compact(head)[:-1]}, \"rows\": [\n{rows}\n ]}}")
        else:
            parts.append(f" {compact(k)}: {compact(v)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def save(case: dict) -> Path:
    q = datagen.dec(case["query"])
    path = CASES_DIR / f"{q['mode']}-{fingerprint(tables_of(case), q)}.json"
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(case), encoding="utf-8")
    return path


def replay(spark, case: dict) -> dict:
    """Run a case on a session: the outcome (see outcome.py)."""
    tables = tables_of(case)
    q = datagen.dec(case["query"])
    dfs = {}
    for name, t in tables.items():
        dfs[name] = datagen.dataframe(spark, t)
        if q["mode"] == "sql":
            dfs[name].createOrReplaceTempView(name)
    return outcome.run(spark, dfs, q, tables)


def refresh_all(url: str) -> int:
    """Re-record `expected` of every case from the (real Spark) server at url."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).create()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    n = 0
    try:
        for path in all_paths():
            case = load(path)
            case["expected"] = replay(spark, case)
            path.write_text(dumps(case), encoding="utf-8")
            n += 1
    finally:
        spark.stop()
    return n
