"""Differential fuzzer: random DataFrame and SQL queries over random tables, run on real
Spark (pyspark wheel's Spark Connect server, Java 17) and on sk8; rows (order-insensitive
unless ordered), column names, types and error classes compared. Each mismatch is
reduced to a small repro and saved as tests/differential/cases/<mode>-<hash>.json
(expected answer = real Spark's), which tests/differential/test_cases.py replays.

  tests/differential/fuzz --seed 1 --count 200
  tests/differential/fuzz --seed 1 --seconds 120 --modes dataframe
  tests/differential/fuzz --count 50 --no-save          (report only)
  tests/differential/fuzz --shapes joins,setops,subqueries   (or weights: --shapes joins=3,basic=1)
  SK8_TEST_URL=... is not used: both servers are started fresh (SK8_BIN picks the binary).

sk8 answering UNSUPPORTED is counted as 'unsupported', not a mismatch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pyspark"))

import sk8_servers  # noqa: E402

from . import cases, datagen, generate, outcome, query, reduce  # noqa: E402

OUT = REPO / "build" / "differential"


def log(msg: str) -> None:
    print(f"[fuzz {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class QueryTimeout(BaseException):
    """Raised by SIGALRM in a query that runs too long. A BaseException, so the client's
    own `except Exception` handlers do not swallow it; the timer repeats every 5 s until
    the query has given up."""


def _alarm(signum, frame):
    raise QueryTimeout("query timed out")


class Side:
    """One server (real Spark or sk8) and a session on it; restarts sk8 if it dies."""

    def __init__(self, kind: str):
        self.kind = kind
        self.server = None
        self.spark = None
        self.start()

    def start(self) -> None:
        from pyspark.sql import SparkSession

        self.server = sk8_servers.start_sk8() if self.kind == "sk8" else sk8_servers.start_spark()
        self.spark = SparkSession.builder.remote(self.server.url).create()
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")

    def alive(self) -> bool:
        return self.server.alive()

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        try:
            self.spark.stop()
        except Exception:  # noqa: BLE001
            pass
        self.server.stop(10 if self.kind == "sk8" else 30)

    def load(self, tables: dict, views: bool) -> dict:
        dfs = {}
        for name, t in tables.items():
            dfs[name] = datagen.dataframe(self.spark, t)
            if views:
                try:
                    dfs[name].createOrReplaceTempView(name)
                except Exception:  # noqa: BLE001 - SQL queries will show the error
                    pass
        return dfs

    def run(self, dfs: dict, q: dict, tables: dict, timeout: float) -> dict:
        signal.setitimer(signal.ITIMER_REAL, timeout, 5.0)
        try:
            return outcome.run(self.spark, dfs, q, tables)
        except QueryTimeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return {"kind": "error", "class": "Timeout", "condition": None, "sqlstate": None,
                    "message": f"no answer within {timeout:g} s"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if not self.alive():
                crash = {"kind": "crash", "message": self.server.describe_death().split("\n")[0]}
                self.restart()
                return crash


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.spark = Side("spark")
        self.sk8 = Side("sk8")
        self.counts: Counter = Counter()
        self.by_mode: dict[str, Counter] = {m: Counter() for m in args.modes}
        self.by_shape: dict[str, Counter] = {s: Counter() for s in args.shapes}
        self.failures: list[dict] = []
        self.unsupported: Counter = Counter()     # what sk8 said it does not support
        # One saved case per kind of failure, across runs: the kinds of the cases in
        # cases/ that sk8 still fails (a fixed case no longer stands for its kind).
        self.seen_signatures: set = set()
        for path in cases.all_paths():
            case = cases.load(path)
            sig = case.get("found", {}).get("signature")
            if sig and outcome.compare(case["expected"], cases.replay(self.sk8.spark, case)) is not None:
                self.seen_signatures.add(tuple(sig))
        log(f"{len(cases.all_paths())} saved cases, {len(self.seen_signatures)} kinds of failure still open")
        self.saved: list[str] = []

    def close(self) -> None:
        self.sk8.stop()
        self.spark.stop()

    def both(self, tables: dict, q: dict, views: bool) -> tuple[dict, dict]:
        exp = self.spark.run(self.spark.load(tables, views), q, tables, self.args.query_timeout)
        act = self.sk8.run(self.sk8.load(tables, views), q, tables, self.args.query_timeout)
        return exp, act

    def classify(self, exp: dict, act: dict) -> str:
        if act["kind"] == "unsupported":
            return "unsupported"
        if act["kind"] == "crash":
            return "crash"
        if outcome.compare(exp, act) is None:
            return "match-error" if exp["kind"] == "error" else "match"
        return "mismatch"

    def run(self) -> int:
        a = self.args
        rng = random.Random(a.seed)
        deadline = time.monotonic() + a.seconds if a.seconds else None
        i = 0
        tables = dfs_spark = dfs_sk8 = None
        t0 = time.monotonic()
        while (a.count is None or i < a.count) and (deadline is None or time.monotonic() < deadline):
            if i % a.queries_per_table == 0:
                tables = generate.tables(rng)
                dfs_spark = self.spark.load(tables, True)
                dfs_sk8 = self.sk8.load(tables, True)
            mode = rng.choice(a.modes)
            q = generate.query(rng, tables, mode, a.shapes)
            exp = self.spark.run(dfs_spark, q, tables, a.query_timeout)
            act = self.sk8.run(dfs_sk8, q, tables, a.query_timeout)
            if act["kind"] == "crash":
                dfs_sk8 = self.sk8.load(tables, True)
            verdict = self.classify(exp, act)
            self.counts[verdict] += 1
            self.by_mode[mode][verdict] += 1
            self.by_shape.setdefault(q["shape"], Counter())[verdict] += 1
            if verdict == "unsupported":
                self.unsupported[act["message"][:160]] += 1
            if verdict in ("mismatch", "crash"):
                self.on_failure(i, tables, q, exp, act)
                dfs_spark = self.spark.load(tables, True)   # reduction replaced the views
                dfs_sk8 = self.sk8.load(tables, True)
            i += 1
            if i % 25 == 0:
                log(f"{i} queries, {dict(self.counts)}, {time.monotonic() - t0:.0f} s")
        self.counts["queries"] = i
        return i

    def on_failure(self, index: int, tables: dict, q: dict, exp: dict, act: dict) -> None:
        sig = signature(q, exp, act)
        detail = outcome.compare(exp, act) if act["kind"] != "crash" else act["message"]
        record = {"index": index, "mode": q["mode"], "shape": q.get("shape", "basic"), "signature": list(sig),
                  "difference": detail,
                  "spark": outcome.describe(exp), "sk8": outcome.describe(act)}
        self.failures.append(record)
        log(f"MISMATCH query {index} ({q['mode']}, {q.get('shape', 'basic')}): {detail}")
        log(f"  real Spark: {outcome.describe(exp)}; sk8: {outcome.describe(act)}")
        code = query.to_sql(q, tables) if q["mode"] == "sql" else query.to_python(q, tables)
        log("  query: " + code.replace("\n", "\n         "))
        if sig in self.seen_signatures:
            log("  (this kind of failure already has a saved case)")
            return
        if not self.args.save or len(self.saved) >= self.args.max_cases:
            return
        self.seen_signatures.add(sig)

        def still_fails(t: dict, cq: dict) -> bool:
            e, a2 = self.both(t, cq, cq["mode"] == "sql")
            return self.classify(e, a2) in ("mismatch", "crash") and \
                (cq["mode"],) + difference(e, a2) == (q["mode"],) + difference(exp, act)

        rt, rq, tries = reduce.reduce(tables, q, still_fails, max_seconds=self.args.reduce_seconds,
                                      max_tries=self.args.reduce_tries)
        exp2, act2 = self.both(rt, rq, rq["mode"] == "sql")
        if self.classify(exp2, act2) not in ("mismatch", "crash"):  # flaky: keep the original
            rt, rq = tables, q
            exp2, act2 = self.both(rt, rq, rq["mode"] == "sql")
        sig2 = signature(rq, exp2, act2) if self.classify(exp2, act2) == "mismatch" else sig
        if sig2 != sig and sig2 in self.seen_signatures:
            log(f"  reduced to a kind of failure that already has a saved case: {list(sig2)}")
            return
        self.seen_signatures.add(sig2)
        found = {"seed": self.args.seed, "index": index, "date": time.strftime("%Y-%m-%d"),
                 "signature": list(sig2), "reduce_tries": tries,
                 "difference": outcome.compare(exp2, act2) or act2.get("message"),
                 "sk8_answer": outcome.describe(act2)}
        path = cases.save(cases.make(rt, rq, exp2, found))
        self.saved.append(str(path.relative_to(REPO)))
        record["saved"] = self.saved[-1]
        log(f"  reduced in {tries} tries, saved {path.relative_to(REPO)}:")
        for line in cases.repro_text(rt, rq):
            log("    " + line.replace("\n", "\n    "))


def signature(q: dict, exp: dict, act: dict) -> tuple:
    """The kind of a failure: mode, the query's shape (query.shape_of; none for basic, as
    before shapes existed) and what differs (which errors, too)."""
    shape = query.shape_of(q)
    if shape == "basic":
        return (q["mode"],) + outcome.signature(exp, act)
    return (q["mode"], shape) + difference(exp, act)


def difference(exp: dict, act: dict) -> tuple:
    """What differs, kept while reducing (the reducer may change the shape)."""
    d = outcome.signature(exp, act)
    if d[0] == "kind" and "error" in (exp["kind"], act["kind"]):
        d += ((exp if exp["kind"] == "error" else act).get("condition"),)
    return d


def parse_shapes(text: str) -> dict[str, float]:
    """"joins,setops" (equal weights) or "joins=3,basic=1"; "default": the default mix."""
    if text.strip() in ("", "default"):
        return dict(generate.SHAPES)
    out = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, w = part.partition("=")
        if name not in generate.SHAPES:
            raise ValueError(f"unknown shape {name!r} (one of {', '.join(generate.SHAPES)})")
        out[name] = float(w) if w else 1.0
    return out


def summary(f: Fuzzer, seconds: float) -> str:
    cols = ["match", "match-error", "mismatch", "unsupported", "crash"]
    lines = [f"{'mode':10} {'queries':>7} " + " ".join(f"{c:>11}" for c in cols)]
    shapes = [(s, c) for s, c in f.by_shape.items() if sum(c.values())]
    for m, c in [*f.by_mode.items(), *shapes, ("total", f.counts)]:
        n = sum(c[k] for k in cols)
        lines.append(f"{m:10} {n:7d} " + " ".join(f"{c[k]:11d}" for k in cols))
    lines.append(f"{seconds:.0f} s; match-error = both raised the same error class; "
                 f"unsupported = sk8 answered UNSUPPORTED")
    for msg, n in f.unsupported.most_common(5):
        lines.append(f"  unsupported {n:4d}x {msg}")
    if f.saved:
        lines.append("new cases: " + ", ".join(f.saved))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="tests/differential/fuzz", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None, help="RNG seed (default: from the clock, printed)")
    ap.add_argument("--count", type=int, default=None, help="number of queries (default 100 unless --seconds)")
    ap.add_argument("--seconds", type=float, default=None, help="run for this long")
    ap.add_argument("--modes", default="dataframe,sql", help="comma list of dataframe, sql (default both)")
    ap.add_argument("--shapes", default="default",
                    help="query shapes, comma list or name=weight: basic, joins, setops, subqueries "
                         f"(default {','.join(f'{k}={v:g}' for k, v in generate.SHAPES.items())}; "
                         "subqueries are SQL only)")
    ap.add_argument("--queries-per-table", type=int, default=20, help="new random tables every N queries")
    ap.add_argument("--query-timeout", type=float, default=30.0, help="seconds per query per server")
    ap.add_argument("--no-save", dest="save", action="store_false", help="do not reduce and save cases")
    ap.add_argument("--max-cases", type=int, default=10, help="most cases saved per run (one per kind of failure)")
    ap.add_argument("--reduce-seconds", type=float, default=90.0, help="time budget to reduce one failure")
    ap.add_argument("--reduce-tries", type=int, default=300, help="candidate budget to reduce one failure")
    args = ap.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(m not in ("dataframe", "sql") for m in args.modes):
        ap.error("--modes takes dataframe and/or sql")
    try:
        args.shapes = parse_shapes(args.shapes)
    except ValueError as e:
        ap.error(str(e))
    if set(args.shapes) <= generate.SQL_ONLY and "sql" not in args.modes:
        ap.error("subqueries are SQL only: add --modes sql")
    if args.count is None and args.seconds is None:
        args.count = 100
    if args.seed is None:
        args.seed = int(time.time()) % 100000
    os.environ.setdefault("JAVA_HOME", sk8_servers.JAVA_HOME_DEFAULT)
    os.environ["TZ"] = "UTC"
    time.tzset()
    for name in ("DataFrameQueryContextLogger", "SQLQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    signal.signal(signal.SIGALRM, _alarm)
    log(f"seed {args.seed}; starting real Spark and sk8")
    t0 = time.monotonic()
    f = Fuzzer(args)
    try:
        f.run()
    except KeyboardInterrupt:
        log("interrupted")
    finally:
        f.close()
    secs = time.monotonic() - t0
    text = summary(f, secs)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last-run.json").write_text(json.dumps(
        {"seed": args.seed, "seconds": round(secs, 1), "counts": dict(f.counts),
         "by_mode": {m: dict(c) for m, c in f.by_mode.items()},
         "by_shape": {s: dict(c) for s, c in f.by_shape.items()},
         "unsupported": dict(f.unsupported.most_common()), "failures": f.failures,
         "saved": f.saved}, indent=1) + "\n")
    log(f"wrote {OUT.relative_to(REPO) / 'last-run.json'}")
    return 1 if f.counts["mismatch"] or f.counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
