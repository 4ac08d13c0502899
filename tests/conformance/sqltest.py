"""The tests/sql/*.test format (see tests/sql/README.md): parse, run, compare, record.

A file is a sequence of blocks separated by blank lines; lines starting with '#'
between blocks are comments.

    statement
    CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM VALUES (1, 'a'), (2, NULL) AS t(a, b)

    query
    SELECT a, b FROM t
    ----
    schema: a int NOT NULL, b string
    1 | 'a'
    2 | NULL

A `query` block's answer (everything after `----`) is written by
`scripts/conformance refresh` from real Spark; nobody types it.
`query ordered` compares rows in order; otherwise as a multiset.
An error answer is one line: `error: <exception class> <condition> <SQLSTATE>`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

SEP = "----"


@dataclass
class Block:
    kind: str                 # "statement" or "query"
    ordered: bool
    sql: str
    line: int                 # 1-based line of the header
    expected: Optional[list[str]] = None   # lines after ----, None if not recorded
    comments: list[str] = field(default_factory=list)  # comment lines before the block


def parse(text: str) -> tuple[list[Block], list[str]]:
    """Blocks, and the comment lines after the last block."""
    lines = text.splitlines()
    blocks, comments, i = [], [], 0
    while i < len(lines):
        ln = lines[i]
        if not ln.strip():
            if comments and comments[-1] != "":
                comments.append("")   # keeps a blank line after a comment block
            i += 1
            continue
        if ln.lstrip().startswith("#"):
            comments.append(ln)
            i += 1
            continue
        words = ln.split()
        if words[0] not in ("statement", "query") or any(w not in ("ordered",) for w in words[1:]) \
                or (words[0] == "statement" and len(words) > 1):
            raise ValueError(f"line {i + 1}: expected 'statement' or 'query [ordered]', got {ln!r}")
        b = Block(words[0], "ordered" in words[1:], "", i + 1, comments=comments)
        comments = []
        i += 1
        sql = []
        while i < len(lines) and lines[i].strip() and lines[i].strip() != SEP:
            sql.append(lines[i])
            i += 1
        if not sql:
            raise ValueError(f"line {b.line}: {b.kind} without SQL")
        b.sql = "\n".join(sql)
        if i < len(lines) and lines[i].strip() == SEP:
            if b.kind == "statement":
                raise ValueError(f"line {i + 1}: a statement has no expected answer")
            i += 1
            exp = []
            while i < len(lines) and lines[i].strip():
                exp.append(lines[i])
                i += 1
            b.expected = exp
        blocks.append(b)
    return blocks, comments


def render(blocks: list[Block], trailing: list[str]) -> str:
    out = []
    for b in blocks:
        out.extend(b.comments)
        out.append(b.kind + (" ordered" if b.ordered else ""))
        out.append(b.sql)
        if b.kind == "query":
            out.append(SEP)
            out.extend(b.expected or [])
        out.append("")
    out.extend(trailing)
    return "\n".join(out).rstrip("\n") + "\n"


# --- answers ------------------------------------------------------------------

def fmt_value(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    if isinstance(v, (int, decimal.Decimal)):
        return str(v)
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return "x'" + bytes(v).hex() + "'"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{fmt_value(k)}: {fmt_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):  # arrays and structs (Row is a tuple)
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    return repr(v)


def fmt_schema(schema) -> str:
    return "schema: " + ", ".join(
        f"{f.name} {f.dataType.simpleString()}" + ("" if f.nullable else " NOT NULL") for f in schema.fields)


def fmt_error(e: BaseException) -> str:
    from pyspark.errors import PySparkException

    cond = state = None
    if isinstance(e, PySparkException):
        cond, state = e.getCondition(), e.getSqlState()
    return f"error: {type(e).__name__} {cond or '-'} {state or '-'}"


def answer(spark, b: Block) -> list[str]:
    """The answer lines of a query (or its error line)."""
    try:
        df = spark.sql(b.sql)
        schema = df.schema
        rows = [" | ".join(fmt_value(x) for x in row) for row in df.collect()]
    except Exception as e:  # noqa: BLE001 - an error is an answer
        return [fmt_error(e)]
    if not b.ordered:
        rows.sort()
    return [fmt_schema(schema), *rows]


def comparable(lines: list[str], ordered: bool) -> list[str]:
    return lines if ordered or not lines else [lines[0], *sorted(lines[1:])]


def run_statement(spark, b: Block) -> Optional[str]:
    """None if it succeeded, else its error line."""
    try:
        spark.sql(b.sql).collect()
        return None
    except Exception as e:  # noqa: BLE001
        return fmt_error(e) + " " + str(e).split("\n")[0][:160]


def files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.test")) if root.is_dir() else []
