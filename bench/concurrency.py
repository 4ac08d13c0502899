"""Concurrency run: several client processes, each with its own PySpark Connect
session, issue short queries at once for a fixed time against one server; gives
queries per second and latency percentiles.

The short query is one every system runs (sk8's DataFrame subset):
    spark.range(10000).filter(col("id") % 7 == 0).count()

    python -m bench.concurrency --client --url sc://... --seconds 10   (one client; used by run.py)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from .common import REPO, log


def short_query(spark, F):
    return spark.range(10000).filter(F.col("id") % 7 == 0).count()


def client(url: str, seconds: float) -> int:
    import logging

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    logging.getLogger("DataFrameQueryContextLogger").setLevel(logging.CRITICAL)
    spark = SparkSession.builder.remote(url).create()
    try:
        short_query(spark, F)          # warm: connection and session set up
        ok = True
    except Exception as e:  # noqa: BLE001
        ok, err = False, f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    print("ready", flush=True)
    sys.stdin.readline()               # "go"
    lat, errors, first_error = [], 0, None if ok else err
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        try:
            short_query(spark, F)
            lat.append(time.perf_counter() - t0)
        except Exception as e:  # noqa: BLE001
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    print(json.dumps({"latencies": lat, "errors": errors, "first_error": first_error}), flush=True)
    spark.stop()
    return 0


def percentile(xs: list[float], p: float):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))]


def run(url: str, clients: int, seconds: float, label: str) -> dict:
    """`clients` processes x `seconds` of short queries against url."""
    procs = [subprocess.Popen([sys.executable, "-m", "bench.concurrency", "--client", "--url", url,
                               "--seconds", str(seconds)], cwd=str(REPO), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(clients)]
    for p in procs:
        p.stdout.readline()            # each client is connected and warm
    t0 = time.monotonic()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    lat, errors, first_error = [], 0, None
    for p in procs:
        out, _ = p.communicate(timeout=seconds + 120)
        try:
            r = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            errors += 1
            first_error = first_error or "client produced no result"
            continue
        lat += r["latencies"]
        errors += r["errors"]
        first_error = first_error or r["first_error"]
    wall = time.monotonic() - t0
    res = {"clients": clients, "seconds": round(wall, 2), "queries": len(lat), "errors": errors,
           "qps": round(len(lat) / wall, 1) if wall else None,
           "p50_ms": round(1000 * percentile(lat, 50), 2) if lat else None,
           "p99_ms": round(1000 * percentile(lat, 99), 2) if lat else None,
           "first_error": first_error}
    log(f"{label}: concurrency {clients} clients x {seconds:g} s: {res['qps']} q/s, "
        f"p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms, {errors} errors")
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--client", action="store_true", help="run as one client (stdin 'go' starts it)")
    ap.add_argument("--url", required=True)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args(argv)
    if args.client:
        return client(args.url, args.seconds)
    print(json.dumps(run(args.url, args.clients, args.seconds, args.url), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
