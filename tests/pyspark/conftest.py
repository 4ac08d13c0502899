"""PySpark (Spark Connect client) tests: against sk8 by default, or real Spark.

  SK8_TEST_TARGET=sk8    (default) starts build/sk8 serve (SK8_BIN overrides the path)
  SK8_TEST_TARGET=spark  starts a real Spark Connect server from the pinned pyspark wheel
  SK8_TEST_TARGET=sk8-upstream  starts real Spark and sk8 in front of it with
                         sk8.route=upstream: the suite through sk8's gateway (Spark answers)
  SK8_TEST_URL=sc://...  uses an already running server instead of starting one
  SK8_GOLDEN_REFRESH=1   (spark only) rewrites golden answers; see scripts/refresh-golden
"""

from __future__ import annotations

import logging
import os
import time

import pytest

import golden
import sk8_servers

# Client-side conversions of timestamps use the process time zone: pin it.
os.environ["TZ"] = "UTC"
time.tzset()

# PySpark's client logs every query error (with the JVM stack trace) as JSON on stderr;
# the tests check those errors themselves. SK8_TEST_VERBOSE=1 keeps the logs.
if not os.environ.get("SK8_TEST_VERBOSE"):
    logging.getLogger("DataFrameQueryContextLogger").setLevel(logging.CRITICAL)

_server: sk8_servers.Server | None = None


def pytest_configure(config):
    try:
        golden.configure(sk8_servers.target())
    except ValueError as e:
        raise pytest.UsageError(str(e))


def pytest_collection_modifyitems(config, items):
    if sk8_servers.target() != "sk8-upstream":
        return
    # Spark answers everything under route=upstream: sk8's own behaviours are not there.
    skip = pytest.mark.skip(reason="sk8_only: Spark answers under sk8.route=upstream")
    for item in items:
        if "sk8_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    return [f"sk8 target: {sk8_servers.target()} "
            f"(url {os.environ.get('SK8_TEST_URL', 'started by the tests')}), "
            f"golden mode: {golden.mode()}"]


@pytest.fixture(scope="session")
def server():
    """The running Spark Connect server (sk8_servers.Server)."""
    global _server
    servers = sk8_servers.serve_for_tests()
    _server = next(servers)
    yield _server
    next(servers, None)  # stop it and check that sk8 exited 0


@pytest.fixture(scope="session")
def connect_url(server) -> str:
    """sc://127.0.0.1:PORT of the server under test."""
    return server.url


@pytest.fixture(autouse=True)
def _server_still_alive(request):
    """After each test that used the server, fail loudly if the server died."""
    yield
    if _server is not None and "server" in request.fixturenames and not _server.alive():
        pytest.fail(_server.describe_death(), pytrace=False)


def _disable_session_finalizer() -> None:
    """PySpark 4.1's SparkSession.__del__ closes its client, which shuts down a
    class-wide release thread pool. When garbage collection runs that finalizer
    inside a thread the pool is just starting, the pool waits for itself and the
    test process hangs (seen in this suite). Tests stop their sessions explicitly,
    so the finalizer is not needed here."""
    try:
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError:
        return
    ConnectSession.__del__ = lambda self: None


_disable_session_finalizer()


@pytest.fixture(scope="module")
def spark(connect_url):
    """A Spark Connect session (one per test module), session time zone UTC."""
    yield from sk8_servers.utc_session(connect_url)


def pytest_sessionfinish(session, exitstatus):
    golden.finish(prune=(exitstatus == 0 and os.environ.get("SK8_GOLDEN_PRUNE") == "1"))


def pytest_terminal_summary(terminalreporter):
    if _server is not None and _server.log_path:
        terminalreporter.write_line(f"{_server.kind} server log: {_server.log_path}")
    for line in golden.summary():
        terminalreporter.write_line(line)
