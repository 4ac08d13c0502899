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
# How a query is issued: "sql" = bench/tpch/qNN.sql through spark.sql (DuckDB: con.execute);
# "dataframe" = bench/tpch/dataframe.py's qN(spark) (DuckDB runs its SQL: the reference).
FORMS = ["sql", "dataframe"]


def item_key(q, form: str) -> str:
    """The result key of query q in a form: "3" (SQL), "3df" (DataFrame); a
    micro-benchmark operation is its name."""
    if not str(q).isdigit():
        return str(q)
    return f"{int(q)}df" if form == "dataframe" else str(int(q))


def item_label(key: str) -> str:
    """"Q3" or "Q3 df"; a micro-benchmark operation's name as it is."""
    if not key[:1].isdigit():
        return key
    return f"Q{key[:-2]} df" if key.endswith("df") else f"Q{key}"


def items(run: dict) -> list[str]:
    """The result keys of a run document's "run" section, query by query, each query's
    forms side by side (results written before --form have only the SQL form)."""
    return [item_key(q, f) for q in run["queries"] for f in run.get("forms", ["sql"])]


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
