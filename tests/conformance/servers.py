"""Fresh Spark Connect servers for the conformance suites: sk8 (build/sk8 serve) or real
Spark from the pinned pyspark wheel, through tests/pyspark/sk8_servers.py.

PySpark's doctests were written for Spark's own test environment (python/run-tests:
TZ=America/Los_Angeles, `_test()` uses local[4], testing-only features on). With
`pyspark_test_env=True` the server gets that environment: time zone America/Los_Angeles
for both targets; for real Spark also local[4] and the TIME and geospatial types that
Spark enables only under test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pyspark"))

import sk8_servers  # noqa: E402

Running = sk8_servers.Server
PYSPARK_TEST_TZ = "America/Los_Angeles"


def start(target: str, pyspark_test_env: bool = False) -> Running:
    """A freshly started server of `target` ("sk8" or "spark")."""
    if target not in ("sk8", "spark"):
        raise ValueError(f"unknown target {target!r}")
    if not pyspark_test_env:
        return sk8_servers.start_sk8() if target == "sk8" else sk8_servers.start_spark()
    if target == "sk8":
        old = os.environ.get("TZ")
        os.environ["TZ"] = PYSPARK_TEST_TZ   # sk8 serve inherits it
        try:
            return sk8_servers.start_sk8()
        finally:
            if old is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = old
    return _start_spark_test_env()


def _start_spark_test_env(timeout: float = 120.0) -> Running:
    return sk8_servers.start_spark(timeout, time_zone=PYSPARK_TEST_TZ, master="local[4]",
                                   confs={"spark.sql.timeType.enabled": "true",
                                          "spark.sql.geospatial.enabled": "true"},
                                   log_name="spark-doctest")
