"""The tests/sql/*.test corpus (format: tests/sql/README.md) through spark.sql, one
test per file: every `statement` must succeed and every `query` must give the answer
recorded from real Spark in the file (`scripts/conformance refresh --only sql`
re-records them). A file's blocks run in order in this module's session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import sk8_servers

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.conformance import sqltest  # noqa: E402

SQL_DIR = REPO / "tests" / "sql"

# Files that need what another part of sk8 does not have yet (against sk8 only).
# Strict: once they pass, the entry must go.
NEEDS = {
    "interval_literals.test": "day-time interval types keep their fields (interval day, interval hour to "
                              "minute); sk8 types each as interval day to second",
}


def _params():
    for path in sqltest.files(SQL_DIR):
        rel = str(path.relative_to(SQL_DIR))
        needs = NEEDS.get(rel) if sk8_servers.target() == "sk8" else None
        marks = [pytest.mark.xfail(reason=needs, strict=True)] if needs else []
        yield pytest.param(path, id=rel, marks=marks)


@pytest.mark.parametrize("path", list(_params()))
def test_sql_file(spark, path):
    blocks, _ = sqltest.parse(path.read_text(encoding="utf-8"))
    failures = []
    for b in blocks:
        where = f"{path.name}:{b.line}"
        if b.kind == "statement":
            err = sqltest.run_statement(spark, b)
            if err:
                failures.append(f"{where}: statement failed: {err}\n  {b.sql}")
            continue
        if b.expected is None:
            failures.append(f"{where}: no answer recorded (run scripts/conformance refresh --only sql)")
            continue
        got = sqltest.answer(spark, b)
        expected = sqltest.comparable(b.expected, b.ordered)
        if sqltest.comparable(got, b.ordered) != expected:
            failures.append(f"{where}:\n  {b.sql}\n  expected (real Spark): {expected}\n  actual: "
                            f"{sqltest.comparable(got, b.ordered)}")
    assert not failures, f"{len(failures)} of {len(blocks)} blocks differ:\n" + "\n".join(failures)
