"""The scale-out gateway: sk8 in front of a real Spark Connect server (issue 13).

One real Spark Connect server (the pinned wheel, Java 17) is the upstream of an sk8
started with `--upstream ... --conf sk8.route=auto`. Expected answers come from the
same Spark, asked directly. The fault tests start their own sk8 (upstream down at
start) or kill the shared upstream (the last test of the module).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import subprocess
import threading
import time

import pytest
from pyspark.errors import PySparkException
from pyspark.sql import SparkSession

import sk8_servers

pytestmark = pytest.mark.skipif(
    sk8_servers.target() != "sk8" or bool(os.environ.get("SK8_TEST_URL")),
    reason="starts its own sk8 and real Spark (the gateway is sk8's)")

# Spark built-ins with a one-argument numeric or string form; the first one sk8 does
# not implement yet stands for "a function sk8 lacks".
CANDIDATES = [
    ("acosh", "acosh(CAST(x AS DOUBLE) + 1)"),
    ("asinh", "asinh(CAST(x AS DOUBLE))"),
    ("atanh", "atanh(CAST(x AS DOUBLE) / 10)"),
    ("cot", "cot(CAST(x AS DOUBLE))"),
    ("csc", "csc(CAST(x AS DOUBLE))"),
    ("json_array_length", "json_array_length(CONCAT('[', CAST(x AS STRING), ',1]'))"),
    ("nullifzero", "nullifzero(x - 1)"),
    ("xpath_int", "xpath_int(CONCAT('<a>', CAST(x AS STRING), '</a>'), 'a')"),
    ("xpath_string", "xpath_string(CONCAT('<a>', CAST(x AS STRING), '</a>'), 'a')"),
    ("sentences", "size(sentences(CONCAT('a b. c ', CAST(x AS STRING))))"),
    ("from_xml", "from_xml(CONCAT('<a><b>', CAST(x AS STRING), '</b></a>'), 'b INT').b"),
    ("is_variant_null", "is_variant_null(parse_json(CAST(x AS STRING)))"),
]


def unsupported_function() -> tuple[str, str]:
    out = subprocess.run([str(sk8_servers.sk8_binary()), "functions"], capture_output=True, text=True,
                         check=True).stdout
    implemented = {line.split("\t")[0] for line in out.splitlines() if line}
    for name, expr in CANDIDATES:
        if name not in implemented:
            return name, expr
    pytest.fail("sk8 implements every function in CANDIDATES: add one it still lacks")


@pytest.fixture(scope="module")
def upstream():
    srv = sk8_servers.start_spark()
    yield srv
    srv.stop(30.0)


@pytest.fixture(scope="module")
def gateway(upstream):
    srv = sk8_servers.start_sk8_with_upstream(route="auto", upstream=upstream)
    yield srv
    died = not srv.alive()
    rc = srv.stop()
    assert not died and rc == 0, srv.describe_death()


def new_session(url: str) -> SparkSession:
    session = SparkSession.builder.remote(url).create()
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


@pytest.fixture(scope="module")
def spark(gateway):
    session = new_session(gateway.url)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def direct(upstream):
    """The upstream Spark itself: the expected answers."""
    session = new_session(upstream.url)
    yield session
    if upstream.alive():
        session.stop()
    else:  # the last test killed it: this client would retry its exit-time call for minutes
        atexit.unregister(session.client._cleanup_ml_cache)


@pytest.fixture(scope="module")
def lacking():
    return unsupported_function()


def explain(df) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        df.explain()
    return buffer.getvalue()


def route_lines(server) -> list[dict]:
    lines = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "route":
            lines.append(entry)
    return lines


def query(lacking_expr: str, table: str = "VALUES (1), (2), (3) AS t(x)") -> str:
    return f"SELECT x, {lacking_expr} AS v FROM {table} ORDER BY x"


def test_plan_with_a_function_sk8_lacks_runs_upstream(spark, direct, gateway, upstream, lacking):
    name, expr = lacking
    df = spark.sql(query(expr))
    expected = direct.sql(query(expr)).collect()
    assert df.collect() == expected
    assert [f.name for f in df.schema.fields] == ["x", "v"]
    text = explain(df)
    assert "== sk8 route ==\nupstream " + upstream.url in text, text
    assert name in text.split("== sk8 route ==")[1]
    decisions = [d for d in route_lines(gateway) if d["runs"] == "upstream" and d["reason"] == "unsupported"]
    assert decisions and name in decisions[-1]["detail"]


def test_supported_plan_runs_natively(spark, direct, gateway):
    before = len(route_lines(gateway))
    df = spark.range(10).selectExpr("sum(id) AS s", "max(id) AS m")
    assert df.collect() == direct.range(10).selectExpr("sum(id) AS s", "max(id) AS m").collect()
    text = explain(df)
    assert "== sk8 route ==\nnative (sk8): sk8 supports every relation" in text, text
    executed = route_lines(gateway)[before:]
    assert executed and all(d["runs"] == "native" and d["reason"] == "supported" for d in executed), executed


def test_session_state_travels_upstream(spark, direct, lacking):
    """Confs, temp views over local data, and a local relation big enough to be sent
    as a cached artifact reach the upstream session with the plan that needs them."""
    _, expr = lacking
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        spark.createDataFrame([(1,), (2,), (3,)], ["x"]).createOrReplaceTempView("gw_small")
        rows = spark.sql(f"SELECT x, {expr} AS v, current_timezone() AS tz FROM gw_small ORDER BY x").collect()
        direct.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        try:
            direct.createDataFrame([(1,), (2,), (3,)], ["x"]).createOrReplaceTempView("gw_small")
            expected = direct.sql(
                f"SELECT x, {expr} AS v, current_timezone() AS tz FROM gw_small ORDER BY x").collect()
        finally:
            direct.conf.set("spark.sql.session.timeZone", "UTC")
        assert rows == expected
        assert rows[0].tz == "America/Los_Angeles"
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    # Above spark.sql.session.localRelationCacheThreshold (1 MiB): a CachedLocalRelation.
    data = [(i, "p" * 100) for i in range(20000)]
    big = spark.createDataFrame(data, ["x", "pad"])
    answer = big.selectExpr(f"sum({expr}) AS total", "count(*) AS n").collect()
    expected = direct.createDataFrame(data, ["x", "pad"]).selectExpr(f"sum({expr}) AS total",
                                                                       "count(*) AS n").collect()
    assert answer == expected


def test_route_upstream_per_session_and_errors_unchanged(gateway, direct):
    session = new_session(gateway.url)
    try:
        session.conf.set("sk8.route", "upstream")
        assert session.conf.get("sk8.route") == "upstream"
        df = session.range(5).selectExpr("id * 2 AS d")
        assert df.collect() == direct.range(5).selectExpr("id * 2 AS d").collect()
        assert "== sk8 route ==\nupstream " in explain(df)
        # Configs are the upstream's under route=upstream.
        assert session.conf.get("spark.sql.shuffle.partitions") == direct.conf.get("spark.sql.shuffle.partitions")
        with pytest.raises(PySparkException) as ours:
            session.sql("SELECT nosuchcol").collect()
        with pytest.raises(PySparkException) as theirs:
            direct.sql("SELECT nosuchcol").collect()
        assert type(ours.value) is type(theirs.value)
        assert ours.value.getCondition() == theirs.value.getCondition() == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"
        assert str(ours.value).splitlines()[0] == str(theirs.value).splitlines()[0]
        with pytest.raises(PySparkException, match="native, upstream or auto"):
            session.conf.set("sk8.route", "sideways")
    finally:
        session.stop()


SLOW = "SELECT sum({expr}) AS s FROM (SELECT id AS x FROM range(0, 100000000000, 1, 2))"


def run_in_thread(action):
    outcome = {}

    def body():
        started = time.monotonic()
        try:
            outcome["value"] = action()
        except Exception as e:  # noqa: BLE001 - the test inspects it
            outcome["error"] = e
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, outcome


def test_client_interrupt_reaches_a_slow_upstream(gateway, lacking):
    _, expr = lacking
    session = new_session(gateway.url)
    try:
        slow = session.sql(SLOW.format(expr=expr))

        def tagged_collect():
            session.addTag("gw-slow")  # tags belong to the thread that runs the operation
            return slow.collect()

        thread, outcome = run_in_thread(tagged_collect)
        # Interrupt as soon as the upstream runs the operation.
        interrupted = []
        deadline = time.monotonic() + 60
        while not interrupted and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.5)
            interrupted = session.interruptTag("gw-slow")
        thread.join(60)
        assert not thread.is_alive(), "the interrupted upstream query did not end"
        assert "error" in outcome, outcome
        assert "OPERATION_CANCELED" in str(outcome["error"]) or "cancel" in str(outcome["error"]).lower()
        assert interrupted, "the upstream reported no interrupted operation"
    finally:
        session.stop()


def test_upstream_down_at_start(lacking):
    """No upstream listening: a clear error naming it within seconds, and native
    plans still run under route=auto."""
    name, expr = lacking
    missing = f"sc://127.0.0.1:{sk8_servers.free_port()}"
    srv = sk8_servers.start_sk8(extra_args=["--upstream", missing, "--conf", "sk8.route=auto"])
    try:
        session = new_session(srv.url)
        try:
            assert session.range(4).selectExpr("sum(id) AS s").collect()[0].s == 6
            started = time.monotonic()
            with pytest.raises(PySparkException) as error:
                session.sql(query(expr)).collect()
            assert time.monotonic() - started < 20
            message = str(error.value)
            assert missing in message and "Check that it runs" in message, message
        finally:
            session.stop()
        deadline = time.monotonic() + 10
        while "upstream Spark Connect server not reachable" not in srv.log_path.read_text():
            assert time.monotonic() < deadline, sk8_servers.log_tail(srv.log_path)
            time.sleep(0.2)
    finally:
        assert srv.stop() == 0


def test_upstream_killed_during_a_query_and_restarted(gateway, upstream, lacking):
    """Last in this module: it kills the shared upstream. The client gets an error
    naming the upstream, never a hang or a partial answer; once the upstream is back
    (same address), the session's state is sent to it again and plans run there."""
    _, expr = lacking
    session = new_session(gateway.url)
    restarted = None
    try:
        session.createDataFrame([(1,), (2,)], ["x"]).createOrReplaceTempView("gw_kept")
        kept = f"SELECT x, {expr} AS v FROM gw_kept ORDER BY x"
        before = session.sql(kept).collect()
        assert len(before) == 2
        slow = session.sql(SLOW.format(expr=expr))
        thread, outcome = run_in_thread(slow.collect)
        time.sleep(5)
        assert thread.is_alive(), outcome
        upstream.proc.kill()
        thread.join(60)
        assert not thread.is_alive(), "the query hung after its upstream died"
        assert "error" in outcome and "value" not in outcome, outcome
        assert upstream.url in str(outcome["error"]), outcome["error"]
        # sk8 itself still answers.
        assert session.range(3).count() == 3
        restarted = sk8_servers.start_spark(port=upstream.port)
        assert session.sql(kept).collect() == before
    finally:
        session.stop()
        if restarted is not None:
            restarted.stop(30.0)
