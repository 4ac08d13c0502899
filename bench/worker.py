"""Runs TPC-H on one system in its own process and writes a JSON result file.

    python -m bench.worker --system duckdb --data bench/data/sf1 --sf 1 --queries 1,6 --runs 3 --out r.json
    python -m bench.worker --system connect --url sc://127.0.0.1:15002 ...   (sk8, Spark Connect, Sail)
    python -m bench.worker --system spark ...                               (classic PySpark, local[*])
    ... --forms sql,dataframe        also the DataFrame programs of bench/tpch/dataframe.py

Per query: one warm-up run (its rows are kept for the cross-check), then --runs timed
runs; an error is recorded with its class (Spark error condition, or exception type)
and the query is not timed. Each query is bounded by --query-timeout.
Forms: sql runs bench/tpch/qNN.sql through spark.sql (result key "N"); dataframe runs
bench/tpch/dataframe.py's qN(spark) (key "Ndf"). DuckDB has no DataFrame form: for
"Ndf" it runs (or reuses) its SQL answer, marked "ran": "sql", as the reference.
--suite micro runs bench/micro.py's operations instead (--queries: their names, --rows:
the fact table's size); --cpu-pid: the process whose CPU time (with its children's) is
recorded for each timed run (the server; default this process).
--suite tpcds runs Spark's TPC-DS query texts (bench/tpcds.py; --queries: their names,
q1 .. q99, q14a, q23a ...) over bench/data/tpcds-sf<SF>/, customer's review date renamed
as Spark's queries expect. A query past --query-timeout is also stopped where it runs
(Connect: interruptAll; DuckDB: interrupt), so that it does not slow the next one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import logging
import math
import os
import signal
import sys
import time
from pathlib import Path

from . import micro, tpcds
from .common import FORMS, TABLES, cores, item_key, item_label, log, query_text


class QueryTimeout(BaseException):
    """SIGALRM in a query past --query-timeout (a BaseException: clients' own
    `except Exception` handlers must not swallow it); repeats every 5 s."""


def _alarm(signum, frame):
    raise QueryTimeout("query timed out")


def normalize(v):
    """A JSON-safe value for the cross-check: numbers as float, dates as ISO text."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, decimal.Decimal, float)):
        f = float(v)
        return f if math.isfinite(f) else repr(f)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def error_class(e: BaseException) -> str:
    if isinstance(e, QueryTimeout):
        return "TIMEOUT"
    cond = getattr(e, "getCondition", None)
    try:
        c = cond() if cond else None
    except Exception:  # noqa: BLE001
        c = None
    return c or type(e).__name__


def first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [""])[0][:300]


class Engine:
    """What a system needs: start (returns cold start seconds or None), register tables,
    run one SQL text (or build and run a DataFrame program) and return its rows, stop."""

    dataframes = False   # has the DataFrame form

    def __init__(self, args):
        self.args = args

    def start(self):
        return None

    def register(self, data: Path, tables: list[str]) -> None:
        raise NotImplementedError

    def run(self, sql: str) -> list:
        raise NotImplementedError

    def cancel(self) -> None:
        pass

    def stop(self) -> None:
        pass


class SparkEngine(Engine):
    """PySpark: a Connect client (sk8, Spark Connect, Sail) or classic local mode."""

    dataframes = True

    def start(self):
        from pyspark.sql import SparkSession

        if self.args.system == "connect":
            self.spark = SparkSession.builder.remote(self.args.url).create()
            return None
        from .servers import spark_conf  # tuned the same way as the Connect server
        t0 = time.time()
        b = SparkSession.builder.master("local[*]").appName("tpch")
        for k, v in spark_conf().items():
            b = b.config(k, v)
        self.spark = b.getOrCreate()
        self.spark.range(1).collect()
        return time.time() - t0

    def register(self, data: Path, tables: list[str]) -> None:
        for t in tables:
            if self.args.suite == "tpcds":
                tpcds.read_table(self.spark, data, t).createOrReplaceTempView(t)
            else:
                self.spark.read.parquet(str(data / f"{t}.parquet")).createOrReplaceTempView(t)

    def cancel(self) -> None:
        """Stops what a timed-out query left running on the server."""
        if self.args.system == "connect":
            self.spark.interruptAll()
        else:
            self.spark.sparkContext.cancelAllJobs()

    def run(self, sql: str) -> list:
        return [list(r) for r in self.spark.sql(sql).collect()]

    def run_dataframe(self, q: int) -> list:
        from .tpch import dataframe
        return [list(r) for r in dataframe.query(q, self.spark, self.args.sf).collect()]

    def stop(self) -> None:
        self.spark.stop()


class DuckDBEngine(Engine):
    def start(self):
        import duckdb
        t0 = time.time()
        self.con = duckdb.connect()
        self.con.execute("SELECT 1").fetchall()
        return time.time() - t0

    def threads(self, n: int) -> None:
        self.con.execute(f"SET threads = {int(n)}")

    def register(self, data: Path, tables: list[str]) -> None:
        if self.args.suite == "tpcds":
            # Spark orders NULLs first ascending and last descending; DuckDB's default is
            # NULLS LAST both ways, which changes the rows an ORDER BY ... LIMIT keeps
            # (the ROLLUP queries' subtotal rows).
            self.con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
        for t in tables:
            path = str(data / f"{t}.parquet").replace("'", "''")
            cols = "*"
            if self.args.suite == "tpcds" and t == "customer":   # as tpcds.read_table: Spark's column name
                cols = "* RENAME (c_last_review_date_sk AS c_last_review_date)"
            self.con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT {cols} FROM read_parquet('{path}')")

    def run(self, sql: str) -> list:
        # DuckDB holds the GIL-free C++ call until it returns: SIGALRM's handler would run
        # only afterwards, so a timer interrupts the query itself at the deadline.
        import threading
        timer = threading.Timer(self.args.query_timeout, self.con.interrupt) if self.args.query_timeout else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            return [list(r) for r in self.con.execute(sql).fetchall()]
        except Exception as e:  # noqa: BLE001
            if timer and not timer.is_alive() and "INTERRUPT" in str(e).upper():
                raise QueryTimeout("query timed out") from e
            raise
        finally:
            if timer:
                timer.cancel()

    def cancel(self) -> None:
        self.con.interrupt()

    def stop(self) -> None:
        self.con.close()


def timed(fn, timeout: float):
    signal.setitimer(signal.ITIMER_REAL, timeout, 5.0)
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return out, time.perf_counter() - t0


def cpu_seconds(pid: int):
    """User + system CPU seconds of a process and its children (None if it is gone)."""
    import psutil
    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return None
    total = 0.0
    for q in procs:
        try:
            t = q.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--system", required=True, choices=["connect", "spark", "duckdb"])
    ap.add_argument("--url", help="sc://host:port (connect)")
    ap.add_argument("--label", default="", help="name used in progress lines")
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--sf", required=True, type=float)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--forms", default="sql", help=f"comma list of {', '.join(FORMS)} (default sql)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--query-timeout", type=float, default=600.0)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--suite", choices=["tpch", "micro", "tpcds"], default="tpch")
    ap.add_argument("--rows", type=int, default=micro.DEFAULT_ROWS, help="micro: rows of the fact table")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB's threads (0: its default)")
    ap.add_argument("--cpu-pid", type=int, default=0, help="process whose CPU time is recorded per run")
    args = ap.parse_args(argv)
    forms = [f for f in args.forms.split(",") if f]
    bad = [f for f in forms if f not in FORMS]
    if bad:
        ap.error(f"unknown form(s) {bad}; known: {', '.join(FORMS)}")
    for name in ("DataFrameQueryContextLogger", "SQLQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    signal.signal(signal.SIGALRM, _alarm)
    label = args.label or args.system
    engine = DuckDBEngine(args) if args.system == "duckdb" else SparkEngine(args)
    result = {"cold_start": engine.start(), "setup_error": None, "setup_class": None, "queries": {},
              "cores": cores()}
    if args.threads and isinstance(engine, DuckDBEngine):
        engine.threads(args.threads)
    cpu_pid = args.cpu_pid or os.getpid()
    t0 = time.perf_counter()
    try:
        engine.register(args.data, {"micro": micro.TABLES, "tpcds": tpcds.TABLES}.get(args.suite, TABLES))
    except Exception as e:  # noqa: BLE001 - each query then reports the failure
        result["setup_error"], result["setup_class"] = first_line(e), error_class(e)
        log(f"{label}: registering the tables failed: {error_class(e)}: {first_line(e)}")
    result["setup_seconds"] = time.perf_counter() - t0
    ds_texts = tpcds.queries(Path(sys.prefix)) if args.suite == "tpcds" else {}
    for form in forms:
        for q in [x if args.suite != "tpch" else int(x) for x in args.queries.split(",")]:
            key = item_key(q, form)
            if form == "dataframe" and not engine.dataframes:
                same = result["queries"].get(item_key(q, "sql"))   # DuckDB: its SQL answer
                if same is not None:
                    result["queries"][key] = dict(same, ran="sql")
                    continue
                form_run = "sql"
            else:
                form_run = form
            if form_run == "sql":
                if args.suite == "tpcds":
                    sql = ds_texts[q]
                else:
                    sql = micro.sql(q, args.rows) if args.suite == "micro" else query_text(q, args.sf)
                fn = lambda: engine.run(sql)  # noqa: E731
            else:
                fn = lambda: engine.run_dataframe(q)  # noqa: E731
            rec = {"times": [], "cpu": [], "error": None, "error_class": None, "rows": None}
            if form_run != form:
                rec["ran"] = form_run
            try:
                rows, secs = timed(fn, args.query_timeout)
                rec["warmup"] = secs
                rec["rows"] = [[normalize(v) for v in r] for r in rows]
                for _ in range(args.runs):
                    cpu0 = cpu_seconds(cpu_pid)
                    _, secs = timed(fn, args.query_timeout)
                    cpu1 = cpu_seconds(cpu_pid)
                    rec["times"].append(secs)
                    rec["cpu"].append(cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None)
            except BaseException as e:  # noqa: BLE001 - an error is recorded, not fatal
                if isinstance(e, KeyboardInterrupt):
                    raise
                rec["error"], rec["error_class"] = first_line(e), error_class(e)
                rec["times"] = []
                if isinstance(e, QueryTimeout):
                    try:
                        engine.cancel()
                    except BaseException:  # noqa: BLE001 - best effort
                        pass
                if result["setup_error"]:
                    rec["error"] = f"tables not registered ({result['setup_class']}: {result['setup_error']}); " \
                                   f"query: {rec['error_class']}: {rec['error']}"
                    rec["error_class"] = result["setup_class"]
            result["queries"][key] = rec
            name = item_label(key)
            if rec["error"]:
                log(f"{label}: {name}: {rec['error_class']}")
            else:
                med = sorted(rec["times"])[len(rec["times"]) // 2] if rec["times"] else rec["warmup"]
                log(f"{label}: {name}: {med:.3f} s ({len(rec['rows'])} rows)")
            args.out.write_text(json.dumps(result))
    try:
        engine.stop()
    except Exception:  # noqa: BLE001
        pass
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
