"""Paths, logging and the TPC-H query texts shared by the benchmark modules."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
QUERY_DIR = BENCH / "tpch"
TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
SYSTEMS = ["sk8", "spark", "spark-connect", "sail", "duckdb"]
LABELS = {"sk8": "sk8", "spark": "Spark classic", "spark-connect": "Spark Connect",
          "sail": "Sail", "duckdb": "DuckDB"}
JAVA_HOME_DEFAULT = "/usr/lib/jvm/java-17-openjdk-amd64"


def log(msg: str) -> None:
    """A progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def data_dir(sf) -> Path:
    return DATA / f"sf{float(sf):g}"


def query_text(q: int, sf: float) -> str:
    """TPC-H query q (1..22) with its substitution parameters for scale factor sf."""
    text = (QUERY_DIR / f"q{q:02d}.sql").read_text(encoding="utf-8")
    text = text.replace("${FRACTION}", f"{0.0001 / sf:.10f}".rstrip("0"))
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("--")]
    return "\n".join(lines).strip().rstrip(";")


def cores() -> int:
    return os.cpu_count() or 1


def memory_gib() -> float:
    import psutil
    return psutil.virtual_memory().total / 2**30
