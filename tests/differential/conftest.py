"""Replays saved differential cases against sk8 (default) or real Spark.

Same environment variables as tests/pyspark: SK8_TEST_TARGET=sk8|spark, SK8_TEST_URL,
SK8_BIN. A fresh server is started for the session.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "pyspark"))

import sk8_servers  # noqa: E402

os.environ["TZ"] = "UTC"
time.tzset()
if not os.environ.get("SK8_TEST_VERBOSE"):
    for _name in ("DataFrameQueryContextLogger", "SQLQueryContextLogger"):
        logging.getLogger(_name).setLevel(logging.CRITICAL)


@pytest.fixture(scope="session")
def server():
    yield from sk8_servers.serve_for_tests()


@pytest.fixture(scope="session")
def spark(server):
    yield from sk8_servers.utc_session(server.url)
