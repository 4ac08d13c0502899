"""Suite sk8-sql: tests/sql/*.test run against the target (format: sqltest.py and
tests/sql/README.md), and their answers recorded from real Spark (`refresh`)."""

from __future__ import annotations

import time
from pathlib import Path

from . import servers, sqltest
from .results import SuiteResult, first_line, log

REPO = Path(__file__).resolve().parents[2]
SQL_DIR = REPO / "tests" / "sql"


def _session(url: str):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).create()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def run(target: str) -> SuiteResult:
    res = SuiteResult("sk8-sql")
    paths = sqltest.files(SQL_DIR)
    if not paths:
        res.note = f"{SQL_DIR.relative_to(REPO)} has no .test files yet"
        return res
    t0 = time.monotonic()
    server = servers.start(target)
    try:
        for path in paths:
            rel = path.relative_to(SQL_DIR)
            try:
                blocks, _ = sqltest.parse(path.read_text(encoding="utf-8"))
            except ValueError as e:
                res.add(str(rel), "errored", f"bad .test file: {e}")
                continue
            if not server.alive():
                log(f"sk8-sql: {target} server died; starting a new one")
                server = servers.start(target)
            spark = _session(server.url)
            try:
                for b in blocks:
                    if not server.alive():   # the client would retry for minutes per query
                        res.add(f"{rel}:{b.line}", "errored",
                                f"the {target} server died (exit code {server.proc.returncode})")
                        continue
                    _run_block(spark, b, f"{rel}:{b.line}", res)
            finally:
                try:
                    spark.stop()
                except Exception:  # noqa: BLE001
                    pass
    finally:
        server.stop()
    res.seconds = time.monotonic() - t0
    log(f"sk8-sql: {res.count('passed')}/{res.count()} passed in {res.seconds:.0f} s")
    return res


def _run_block(spark, b: sqltest.Block, name: str, res: SuiteResult) -> None:
    t = time.monotonic()
    if b.kind == "statement":
        err = sqltest.run_statement(spark, b)
        res.add(name, "errored" if err else "passed", first_line(err or ""), time.monotonic() - t)
        return
    if b.expected is None:
        res.add(name, "errored", "no expected answer recorded: run scripts/conformance refresh")
        return
    got = sqltest.answer(spark, b)
    secs = time.monotonic() - t
    if sqltest.comparable(got, b.ordered) == sqltest.comparable(b.expected, b.ordered):
        res.add(name, "passed", "", secs)
    elif got and got[0].startswith("error:") and not b.expected[0].startswith("error:"):
        res.add(name, "errored", got[0], secs)
    else:
        diff = next((f"expected {e!r}, got {g!r}" for e, g in
                     zip(sqltest.comparable(b.expected, b.ordered), sqltest.comparable(got, b.ordered)) if e != g),
                    f"expected {len(b.expected) - 1} rows, got {len(got) - 1}")
        res.add(name, "failed", diff, secs)


def refresh(url: str) -> int:
    """Re-record the answers of every tests/sql/*.test file from the (real Spark) server
    at `url`. Returns the number of answers written."""
    n = 0
    for path in sqltest.files(SQL_DIR):
        blocks, trailing = sqltest.parse(path.read_text(encoding="utf-8"))
        spark = _session(url)
        try:
            for b in blocks:
                if b.kind == "statement":
                    err = sqltest.run_statement(spark, b)
                    if err:
                        raise RuntimeError(f"{path}:{b.line}: statement failed on real Spark: {err}")
                else:
                    b.expected = sqltest.answer(spark, b)
                    n += 1
        finally:
            spark.stop()
        path.write_text(sqltest.render(blocks, trailing), encoding="utf-8")
        log(f"refresh: {path.relative_to(REPO)}: {sum(b.kind == 'query' for b in blocks)} answers")
    return n
