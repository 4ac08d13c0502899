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
    try:
        srv = sk8_servers.start()
    except FileNotFoundError as e:
        pytest.exit(str(e), returncode=4)
    yield srv
    if srv.kind == "external":
        return
    died = not srv.alive()
    rc = srv.stop(timeout=10.0 if srv.kind == "sk8" else 30.0)
    if srv.kind == "sk8":
        assert not died, srv.describe_death()
        assert rc == 0, f"sk8 did not exit 0 within 10 s of SIGTERM (exit code {rc}); log {srv.log_path}"


@pytest.fixture(scope="module")
def spark(server):
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(server.url).getOrCreate()
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()
