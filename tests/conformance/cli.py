"""scripts/conformance: how much of Spark's behaviour a server reproduces.

Runs, against a freshly started server of the target (sk8 by default, or real Spark
for the reference row):
  sk8-pyspark        pytest tests/pyspark (answers recorded from real Spark)
  sk8-sql            tests/sql/*.test (answers recorded from real Spark)
  sk8-differential   pytest tests/differential (reduced fuzzer repros, answers from real Spark)
  doctest-<module>   PySpark's own doctests of pyspark.sql.connect.<module>, as shipped in
                     the pinned pyspark wheel (functions, dataframe, column, group,
                     readwriter, catalog, window), counted per example
  tpcds, tpcds-v2.7  the 99 TPC-DS queries (and the 13 added in v2.7) at SF1, compared
                     with real Spark's recorded answers (not in the default set: long)
Prints a table (suite, total, passed, failed, errored, skipped, pass rate, time), the
failures with their first error line, and writes the same as JSON to
build/conformance/<target>-latest.json (and a timestamped copy).

  scripts/conformance                          against sk8 (build/sk8; SK8_BIN overrides)
  scripts/conformance --target spark           the reference row: real Spark Connect 4.1
  scripts/conformance --suites sk8-sql,doctest-column
  scripts/conformance --suites tpcds          TPC-DS: how many of the 99 answer as Spark, and why not
  scripts/conformance refresh [--only sql]     re-record expected answers from real Spark
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from . import results, servers, suite_doctest, suite_pytest, suite_sql, suite_tpcds
from .results import log

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "build" / "conformance"
OWN_SUITES = ["sk8-pyspark", "sk8-sql", "sk8-differential"]
DOCTEST_SUITES = [f"doctest-{m}" for m in suite_doctest.ALL]
ALL_SUITES = OWN_SUITES + DOCTEST_SUITES
LONG_SUITES = list(suite_tpcds.SUITES)   # run only when named


def _suites(arg: str) -> list[str]:
    names = [s.strip() for s in arg.split(",") if s.strip()]
    bad = [s for s in names if s not in ALL_SUITES + LONG_SUITES]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown suite(s) {bad}; known: {', '.join(ALL_SUITES + LONG_SUITES)}")
    return names


def cmd_run(args) -> int:
    work = OUT_DIR / f"work-{args.target}"
    work.mkdir(parents=True, exist_ok=True)
    if args.target == "sk8-upstream":
        # sk8's gateway in front of real Spark: the pytest suites (their harness starts both).
        gateway_suites = [s for s in args.suites if s in ("sk8-pyspark", "sk8-differential")]
        if args.suites != ALL_SUITES and gateway_suites != args.suites:
            log("--target sk8-upstream runs only the sk8-pyspark and sk8-differential suites")
            return 2
        args.suites = gateway_suites
    if args.target in ("sk8", "sk8-upstream"):
        binary = servers.sk8_servers.sk8_binary()
        if not binary.exists():
            log(f"no sk8 binary at {binary}: build it first (cmake -S . -B build -G Ninja && ninja -C build)")
            return 2
    t0 = time.monotonic()
    out: list[results.SuiteResult] = []
    for suite in args.suites:
        if suite == "sk8-pyspark":
            out.append(suite_pytest.run(suite, "tests/pyspark", args.target, work, args.pytest_timeout))
        elif suite == "sk8-differential":
            out.append(suite_pytest.run(suite, "tests/differential/test_cases.py", args.target, work,
                                        args.pytest_timeout))
        elif suite == "sk8-sql":
            out.append(suite_sql.run(args.target))
        elif suite in suite_tpcds.SUITES:
            out.append(suite_tpcds.run(suite, args.target))
    doctests = [s.removeprefix("doctest-") for s in args.suites if s.startswith("doctest-")]
    if doctests:
        out.extend(suite_doctest.run(args.target, doctests, work, args.example_timeout, args.module_timeout))
    order = {s: i for i, s in enumerate(args.suites)}
    out.sort(key=lambda r: order[r.suite])
    wall = time.monotonic() - t0

    print(results.table(out, args.target))
    print(f"wall time {wall:.0f} s")
    print()
    print("Failures (first error line):")
    print(results.failure_list(out, args.failures))
    meta = {"wall_seconds": round(wall, 1), "suites_run": args.suites, "pyspark": _pyspark_version(),
            "sk8_binary": str(servers.sk8_servers.sk8_binary()) if args.target != "spark" else None,
            "example_timeout": args.example_timeout, "cores": os.cpu_count()}
    path = args.out or OUT_DIR / f"{args.target}-latest.json"
    results.write_json(out, args.target, meta, path)
    stamped = OUT_DIR / f"{args.target}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    results.write_json(out, args.target, meta, stamped)
    log(f"wrote {path} and {stamped}")
    return 0


def _pyspark_version() -> str:
    import pyspark
    return pyspark.__version__


def cmd_refresh(args) -> int:
    """Re-record expected answers from real Spark."""
    only = set(args.only.split(",")) if args.only else {"sql", "differential", "pyspark"}
    if only & {"sql", "differential", "tpcds"}:
        server = servers.start("spark")
        log(f"real Spark Connect server at {server.url}")
        try:
            if "sql" in only:
                n = suite_sql.refresh(server.url)
                log(f"refresh: tests/sql: {n} answers recorded from real Spark")
            if "differential" in only:
                sys.path.insert(0, str(REPO))
                from tests.differential import cases
                n = cases.refresh_all(server.url)
                log(f"refresh: tests/differential/cases: {n} cases recorded from real Spark")
            if "tpcds" in only:
                n = suite_tpcds.refresh(server.url)
                log(f"refresh: tests/tpcds: {n} TPC-DS answers recorded from real Spark")
        finally:
            server.stop(30)
    if "pyspark" in only:
        log("refresh: tests/pyspark golden answers (scripts/refresh-golden)")
        rc = subprocess.run([str(REPO / "scripts" / "refresh-golden")], cwd=str(REPO)).returncode
        if rc != 0:
            log(f"scripts/refresh-golden exited {rc}")
            return rc
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/conformance", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    ap.add_argument("--target", choices=["sk8", "spark", "sk8-upstream"], default="sk8",
                    help="server to test: sk8 (default), real Spark (reference row), or sk8 with "
                         "sk8.route=upstream in front of real Spark (the gateway; pytest suites only)")
    ap.add_argument("--suites", type=_suites, default=ALL_SUITES,
                    help=f"comma-separated subset of: {', '.join(ALL_SUITES + LONG_SUITES)} "
                         f"(default all but {', '.join(LONG_SUITES)})")
    ap.add_argument("--out", type=Path, help="JSON result path (default build/conformance/<target>-latest.json)")
    ap.add_argument("--failures", type=int, default=15,
                    help="failures listed per suite on stdout (-1: all; the JSON has all)")
    ap.add_argument("--example-timeout", type=float, default=30.0,
                    help="seconds one doctest example may take (default 30)")
    ap.add_argument("--module-timeout", type=float, default=600.0,
                    help="seconds one doctest module may take (default 600)")
    ap.add_argument("--pytest-timeout", type=float, default=900.0,
                    help="seconds one pytest suite may take (default 900)")
    rp = sub.add_parser("refresh", help="re-record expected answers from real Spark",
                        description="Re-record the stored expected answers from real Spark (pyspark wheel "
                                    "+ Java 17): tests/sql answers, tests/differential cases, and "
                                    "tests/pyspark goldens (through scripts/refresh-golden).")
    rp.add_argument("--only", help="comma-separated subset of: sql, differential, pyspark, tpcds "
                                   "(default all but tpcds)")
    args = ap.parse_args(argv)
    os.environ.setdefault("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
    # PySpark logs every query error (with the JVM stack trace) on stderr; the suites
    # record the errors themselves.
    for name in ("DataFrameQueryContextLogger", "SQLQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if args.cmd == "refresh":
        return cmd_refresh(args)
    return cmd_run(args)
