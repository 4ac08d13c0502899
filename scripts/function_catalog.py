"""Spark's built-in functions as data, and sk8's coverage of them.

    record     start real Spark (the pinned pyspark wheel, Java 17) and write
               src/functions/spark_functions.json: every function SHOW FUNCTIONS lists,
               with its DESCRIBE FUNCTION [EXTENDED] rows and its catalog.listFunctions()
               entry (class name, description)
    record-keywords
               write src/functions/spark_sql_keywords.json: the rows of real Spark's
               sql_keywords() (keyword, and whether it is reserved when
               spark.sql.ansi.enforceReservedKeywords is on); --url uses a running
               Spark Connect server instead of starting one
    coverage   per Spark function: in sk8's registry (build/sk8 functions), tested (a
               golden answer recorded from real Spark names a call of it), with totals;
               --write-docs regenerates docs/functions.md, --check fails when that file
               is stale
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPARK_FUNCTIONS = REPO / "src" / "functions" / "spark_functions.json"
SPARK_KEYWORDS = REPO / "src" / "functions" / "spark_sql_keywords.json"
DOCS = REPO / "docs" / "functions.md"
GOLDEN = REPO / "tests" / "pyspark" / "golden"


def describe(spark, name: str, listed) -> dict:
    """One function's entry: the parts DESCRIBE FUNCTION [EXTENDED] prints. Spark
    prints "Function: f", "Class: c" (absent for a few operators), "Usage: u", and
    EXTENDED adds "Extended Usage:..."; sk8 prints the same rows from these parts,
    so the recorder checks that Spark's rows are exactly that."""
    quoted = "`" + name.replace("`", "``") + "`"
    rows = [r[0] for r in spark.sql(f"DESCRIBE FUNCTION {quoted}").collect()]
    extended = [r[0] for r in spark.sql(f"DESCRIBE FUNCTION EXTENDED {quoted}").collect()]
    class_name = rows[1][len("Class: "):] if rows[1].startswith("Class: ") else None
    entry = {"name": name, "class_name": class_name, "usage": rows[-1][len("Usage: "):],
             "extended_usage": extended[-1][len("Extended Usage:"):]}
    expected = [f"Function: {name}"] + ([f"Class: {class_name}"] if class_name else []) + [f"Usage: {entry['usage']}"]
    assert rows == expected and extended == expected + ["Extended Usage:" + entry["extended_usage"]], name
    assert listed is None or (listed.className == class_name and listed.description == entry["usage"]), name
    return entry


def record(args) -> int:
    sys.path.insert(0, str(REPO / "tests" / "pyspark"))
    import sk8_servers
    from pyspark.sql import SparkSession

    server = sk8_servers.start_spark(log_name="spark-functions")
    try:
        spark = SparkSession.builder.remote(server.url).getOrCreate()
        names = [r[0] for r in spark.sql("SHOW FUNCTIONS").collect()]
        listed = {f.name: f for f in spark.catalog.listFunctions()}
        functions = [describe(spark, name, listed.get(name)) for name in names]
        out = {"spark_version": spark.version, "functions": functions}
        SPARK_FUNCTIONS.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {len(functions)} functions of Spark {spark.version} to {SPARK_FUNCTIONS.relative_to(REPO)}")
        write_keywords(spark)
        spark.stop()
    finally:
        server.stop(timeout=30.0)
    return 0


def write_keywords(spark) -> None:
    """sql_keywords() as real Spark answers it, in its order. Spark marks a keyword
    reserved only under ANSI mode with spark.sql.ansi.enforceReservedKeywords on, so
    the flag is read there (and the keywords must be the same list both ways)."""
    plain = [(r.keyword, r.reserved) for r in spark.sql("SELECT * FROM sql_keywords()").collect()]
    spark.conf.set("spark.sql.ansi.enabled", "true")
    spark.conf.set("spark.sql.ansi.enforceReservedKeywords", "true")
    try:
        enforced = [(r.keyword, r.reserved) for r in spark.sql("SELECT * FROM sql_keywords()").collect()]
    finally:
        spark.conf.unset("spark.sql.ansi.enforceReservedKeywords")
    assert [k for k, _ in plain] == [k for k, _ in enforced] and not any(r for _, r in plain)
    rows = ",\n".join("  " + json.dumps([k, r]) for k, r in enforced)
    SPARK_KEYWORDS.write_text(f'{{\n "spark_version": {json.dumps(spark.version)},\n "keywords": [\n{rows}\n ]\n}}\n',
                              encoding="utf-8")
    print(f"wrote {len(enforced)} keywords of Spark {spark.version} to {SPARK_KEYWORDS.relative_to(REPO)}")


def record_keywords(args) -> int:
    sys.path.insert(0, str(REPO / "tests" / "pyspark"))
    import sk8_servers
    from pyspark.sql import SparkSession

    server = None if args.url else sk8_servers.start_spark(log_name="spark-keywords")
    try:
        spark = SparkSession.builder.remote(args.url or server.url).getOrCreate()
        write_keywords(spark)
        spark.stop()
    finally:
        if server is not None:
            server.stop(timeout=30.0)
    return 0


def sk8_functions(binary: Path) -> dict[str, dict]:
    """sk8's registry as `sk8 functions` prints it: name, kind, flags, per line."""
    out = subprocess.run([str(binary), "functions"], check=True, capture_output=True, text=True).stdout
    registry = {}
    for line in out.splitlines():
        name, kind, deterministic = line.split("\t")[:3]
        registry[name] = {"kind": kind, "deterministic": deterministic == "true"}
    return registry


def tested_names(spark_names: list[str]) -> set[str]:
    """Functions a golden answer of real Spark names a call of: `f(` for a named
    function, ` op ` for an operator, in a column name, query or message."""
    blob = "\n".join(p.read_text(encoding="utf-8", errors="replace").lower() for p in GOLDEN.rglob("*.json"))
    called = set(re.findall(r"(?<![a-z0-9_.])([a-z_][a-z0-9_]*)\(", blob))
    found = set()
    for name in spark_names:
        if re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            if name in called:
                found.add(name)
        elif f" {name} " in blob:
            found.add(name)
    return found


def render_docs(rows: list[tuple[str, bool, bool, str]], spark_version: str) -> str:
    implemented = sum(1 for _, i, _, _ in rows if i)
    tested = sum(1 for _, i, t, _ in rows if i and t)
    lines = [
        "# Spark built-in functions in sk8",
        "",
        "Generated by `scripts/function-coverage --write-docs` from Spark "
        f"{spark_version}'s SHOW FUNCTIONS (`src/functions/spark_functions.json`, recorded "
        "from real Spark by `scripts/function-coverage record`) and sk8's function registry. "
        "Do not edit by hand.",
        "",
        f"{implemented} of {len(rows)} implemented; {tested} of them with golden tests "
        "(a golden answer recorded from real Spark names a call of the function).",
        "",
        "| function | sk8 | tested | Spark's description |",
        "| --- | --- | --- | --- |",
    ]
    for name, impl, test, usage in rows:
        usage = usage.replace("|", "\\|").replace("\n", " ")
        if len(usage) > 100:
            usage = usage[:97] + "..."
        display = name.replace("|", "\\|")
        lines.append(f"| `{display}` | {'yes' if impl else ''} | {'yes' if impl and test else ''} | {usage} |")
    notes = Path(__file__).resolve().parent.parent / "docs" / "function-notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip("\n")]
    return "\n".join(lines) + "\n"


def coverage(args) -> int:
    data = json.loads(SPARK_FUNCTIONS.read_text(encoding="utf-8"))
    spark = [f["name"] for f in data["functions"]]
    registry = sk8_functions(Path(args.binary))
    tested = tested_names(spark)
    rows = []
    for f in data["functions"]:
        name = f["name"]
        usage = f["usage"]
        usage = re.sub(r"\s+", " ", usage.strip())
        rows.append((name, name in registry, name in tested, usage))
    if not args.quiet:
        for name, impl, test, _ in rows:
            print(f"{name:32} {'implemented' if impl else '-':12} {'tested' if impl and test else '-'}")
    implemented = sum(1 for _, i, _, _ in rows if i)
    passing = sum(1 for _, i, t, _ in rows if i and t)
    print(f"Spark {data['spark_version']}: {len(rows)} functions; sk8 implements {implemented}, "
          f"{passing} of them with golden tests")
    status = 0
    if not args.quiet:
        internal = sorted(set(registry) - set(spark))
        print("sk8's own names (aliases the clients send, internal functions): " + ", ".join(internal))
    docs = render_docs(rows, data["spark_version"])
    if args.write_docs:
        DOCS.write_text(docs, encoding="utf-8")
        print(f"wrote {DOCS.relative_to(REPO)}")
    elif args.check and (not DOCS.exists() or DOCS.read_text(encoding="utf-8") != docs):
        print(f"{DOCS.relative_to(REPO)} is stale: run scripts/function-coverage --write-docs", file=sys.stderr)
        status = 1
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="coverage", choices=["coverage", "record", "record-keywords"])
    parser.add_argument("--url", help="record-keywords: a running Spark Connect server (sc://host:port)")
    parser.add_argument("--binary", default=os.environ.get("SK8_BIN", str(REPO / "build" / "sk8")))
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/functions.md")
    parser.add_argument("--check", action="store_true", help="fail when docs/functions.md is stale")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args()
    if args.command == "record":
        return record(args)
    if args.command == "record-keywords":
        return record_keywords(args)
    return coverage(args)


if __name__ == "__main__":
    sys.exit(main())
