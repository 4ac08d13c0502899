"""Suites tpcds (the 99 TPC-DS queries) and tpcds-v2.7 (the thirteen added in v2.7), at
SF1, through spark.sql on the target, compared with real Spark's answers on the same
data (tests/tpcds/sf1/<query>.answer, recorded by `scripts/conformance refresh --only
tpcds`). Data and query texts: bench/tpcds.py.

A query passes when its column names and types and its rows equal Spark's: in Spark's
order, or, where the ORDER BY leaves ties, as the same multiset of rows; doubles agree to
1e-9 relative (their last bits depend on the order of summation, in Spark too).
Case names are "q<number>:<file>", so that the table's group count is per query number
(q14 is two files).
"""

from __future__ import annotations

import math
import re
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from . import servers, sqltest
from .results import SuiteResult, first_line, log

REPO = Path(__file__).resolve().parents[2]
ANSWERS = REPO / "tests" / "tpcds"
SUITES = {"tpcds": "v1.4", "tpcds-v2.7": "v2.7"}
SCALE = 1
QUERY_TIMEOUT = 300.0

sys.path.insert(0, str(REPO))
from bench import tpcds  # noqa: E402


def _answer_path(name: str) -> Path:
    return ANSWERS / f"sf{SCALE}" / f"{name}.answer"


def _session(url: str, data: Path):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).create()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    for t in tpcds.TABLES:
        tpcds.read_table(spark, data, t).createOrReplaceTempView(t)
    return spark


def _answer(spark, sql: str, timeout: float) -> tuple[list[str], float]:
    """The answer lines of one query in the order the server sent them (or its error line),
    and its seconds; a query still running after `timeout` is interrupted."""
    box: dict = {}

    def work():
        try:
            df = spark.sql(sql)
            rows = df.collect()
            box["lines"] = [sqltest.fmt_schema(df.schema),
                            *(" | ".join(sqltest.fmt_value(x) for x in r) for r in rows)]
        except Exception as e:  # noqa: BLE001 - an error is an answer
            box["lines"] = [sqltest.fmt_error(e) + " " + first_line(str(e), 300)]

    t0 = time.monotonic()
    th = threading.Thread(target=work, daemon=True)
    th.start()
    th.join(timeout)
    if th.is_alive():
        try:
            spark.interruptAll()
        except Exception:  # noqa: BLE001
            pass
        th.join(30)
        return [f"error: timed out after {timeout:.0f} s"], time.monotonic() - t0
    return box["lines"], time.monotonic() - t0


def _cells_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if not re.search(r"[.eE]", a + b):
        return False
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _rows_equal(a: str, b: str) -> bool:
    ca, cb = a.split(" | "), b.split(" | ")
    return len(ca) == len(cb) and all(_cells_equal(x, y) for x, y in zip(ca, cb))


def compare(expected: list[str], got: list[str]) -> Optional[str]:
    """None when `got` is Spark's answer `expected`, else why not."""
    if got[:1] and got[0].startswith("error:"):
        return got[0]
    if expected[0] != got[0]:
        return f"schema differs: expected {expected[0]!r}, got {got[0]!r}"
    exp, rows = expected[1:], got[1:]
    if len(exp) != len(rows):
        return f"expected {len(exp)} rows, got {len(rows)}"
    if all(_rows_equal(e, g) for e, g in zip(exp, rows)):
        return None
    if all(_rows_equal(e, g) for e, g in zip(sorted(exp), sorted(rows))):
        return None   # ties of the ORDER BY in another order
    i = next(i for i, (e, g) in enumerate(zip(exp, rows)) if not _rows_equal(e, g))
    return f"row {i + 1}: expected {exp[i]!r}, got {rows[i]!r}"


def run(suite: str, target: str) -> SuiteResult:
    res = SuiteResult(suite)
    t0 = time.monotonic()
    venv = tpcds.bench_venv()
    data = tpcds.ensure(SCALE, venv)
    texts = tpcds.queries(venv, SUITES[suite])
    server = servers.start(target)
    try:
        spark = _session(server.url, data)
        for name, sql in texts.items():
            case = f"q{tpcds.query_number(name)}:{name}"
            path = _answer_path(name)
            if not path.exists():
                res.add(case, "errored", "no answer recorded from real Spark: run scripts/conformance "
                                         "refresh --only tpcds")
                continue
            if not server.alive():
                log(f"{suite}: the {target} server died; starting a new one")
                server = servers.start(target)
                spark = _session(server.url, data)
            got, secs = _answer(spark, sql, QUERY_TIMEOUT)
            why = compare(path.read_text(encoding="utf-8").splitlines(), got)
            status = "passed" if why is None else ("errored" if why.startswith("error:") else "failed")
            res.add(case, status, why or "", secs)
            log(f"{suite}: {name} {status} in {secs:.1f} s{'' if why is None else ': ' + first_line(why, 160)}")
        try:
            spark.stop()
        except Exception:  # noqa: BLE001
            pass
    finally:
        server.stop()
    res.seconds = time.monotonic() - t0
    ok, n = res.groups()
    res.note = f"{ok} of {n} queries answer as Spark (SF{SCALE})"
    log(f"{suite}: {res.note}; {res.count('passed')}/{res.count()} files in {res.seconds:.0f} s")
    return res


def refresh(url: str) -> int:
    """Record every TPC-DS answer (both sets) from the real Spark server at `url`."""
    venv = tpcds.bench_venv()
    data = tpcds.ensure(SCALE, venv)
    spark = _session(url, data)
    n = 0
    try:
        for which in SUITES.values():
            for name, sql in tpcds.queries(venv, which).items():
                lines, secs = _answer(spark, sql, 3 * QUERY_TIMEOUT)
                if lines[0].startswith("error:"):
                    raise RuntimeError(f"TPC-DS {name} failed on real Spark: {lines[0]}")
                path = _answer_path(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                log(f"refresh: {name}: {len(lines) - 1} rows from real Spark in {secs:.1f} s")
                n += 1
    finally:
        spark.stop()
    return n
