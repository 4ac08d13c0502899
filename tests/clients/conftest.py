"""Other client versions against sk8 (default) or real Spark 4.1 (SK8_TEST_TARGET=spark).
Server start/stop is shared with tests/pyspark (sk8_servers.py)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pyspark"))
import sk8_servers  # noqa: E402

os.environ["TZ"] = "UTC"
time.tzset()


def pytest_report_header(config):
    import pyspark
    return [f"sk8 target: {sk8_servers.target()}, client pyspark {pyspark.__version__}"]


@pytest.fixture(scope="session")
def server():
    yield from sk8_servers.serve_for_tests()


@pytest.fixture(scope="module")
def spark(server):
    yield from sk8_servers.utc_session(server.url)
