"""Results survive a dropped connection and a stream's time and size limits, with the
stock PySpark client, on sk8 and on real Spark alike (issue 7).

The client reads a 3,000,000-row result through a loopback proxy that cuts the TCP
connection once (cutting_proxy.py): inside the first Arrow batch, right after it, or
just before ResultComplete. The stock client reattaches after what it has seen and
released (ReleaseExecute), and must get every row exactly once. The same tests run
against real Spark's Connect server from the pinned wheel, which shows that the
expectation is Spark's. A second pair of servers ends every stream after a second or
a few hundred KB, so that one query needs many reattaches.

Abandoned operations (a client that never comes back) are freed after
spark.connect.execute.manager.detachedTimeout: tested on sk8 with raw gRPC.

These tests start their own servers (sk8 and Spark with the settings they need), so
they are marked sk8_only: golden recording does not need them.
"""

from __future__ import annotations

import time
import uuid

import grpc
import psutil
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.connect.proto import base_pb2, base_pb2_grpc, relations_pb2

import sk8_servers
from cutting_proxy import CUT_POINTS, CuttingProxy

pytestmark = [pytest.mark.sk8_only, pytest.mark.timeout(600)]

ROWS = 3_000_000
EXPECTED_SUM = ROWS * (ROWS - 1) // 2  # 4,499,998,500,000
LIMITS = {
    "spark.connect.execute.reattachable.senderMaxStreamDuration": "1s",
    "spark.connect.execute.reattachable.senderMaxStreamSize": "300k",
}
ABANDON = {"spark.connect.execute.manager.detachedTimeout": "2s",
           "spark.connect.execute.manager.maintenanceInterval": "500ms"}


def _conf_args(confs: dict[str, str]) -> list[str]:
    return [arg for key, value in confs.items() for arg in ("--conf", f"{key}={value}")]


@pytest.fixture(scope="module")
def servers():
    """sk8 and real Spark, each with default stream limits ("plain") and with tiny
    ones ("limited"). All are launched first and then waited for, so the JVMs start
    side by side."""
    launchers = {
        ("sk8", "plain"): lambda: sk8_servers.start_sk8(extra_args=_conf_args(ABANDON), wait=False),
        ("sk8", "limited"): lambda: sk8_servers.start_sk8(extra_args=_conf_args(LIMITS), wait=False),
        ("spark", "plain"): lambda: sk8_servers.start_spark(log_name="spark-reattach", wait=False),
        ("spark", "limited"): lambda: sk8_servers.start_spark(
            confs={"spark.sql.session.timeZone": "UTC", **LIMITS}, log_name="spark-limits", wait=False),
    }
    started = {key: launch() for key, launch in launchers.items()}
    errors = []
    for key, server in started.items():
        try:
            sk8_servers.wait_ready(server, 10 if key[0] == "sk8" else 180)
        except RuntimeError as e:
            errors.append(f"{key}: {e}")
    if errors:
        for s in started.values():
            s.stop()
        pytest.fail("could not start the servers: " + "\n".join(errors), pytrace=False)
    yield started
    # Stop every server before judging any, so that one failure orphans none.
    problems = []
    for (kind, role), s in started.items():
        died = not s.alive()
        rc = s.stop(timeout=10 if kind == "sk8" else 30)
        if kind == "sk8" and (died or rc != 0):
            problems.append(f"sk8 {role} server {'died during the tests' if died else 'did not exit 0'}: "
                            f"{s.describe_death()}")
    assert not problems, "\n".join(problems)


def _fetch_range(url: str) -> "object":
    """spark.range(0, 3000000, 1, 4).toPandas() in a new session of the stock client."""
    spark = SparkSession.builder.remote(url).create()
    try:
        return spark.range(0, ROWS, 1, 4).toPandas()
    finally:
        spark.stop()


def _assert_every_row_once(pdf) -> None:
    ids = pdf["id"]
    assert len(ids) == ROWS, f"{len(ids)} rows instead of {ROWS}"
    assert ids.is_unique, f"{len(ids) - ids.nunique()} rows came twice"
    assert int(ids.sum()) == EXPECTED_SUM
    assert int(ids.min()) == 0 and int(ids.max()) == ROWS - 1


@pytest.mark.parametrize("kind", ["sk8", "spark"])
@pytest.mark.parametrize("cut", CUT_POINTS)
def test_to_pandas_survives_a_cut_connection(servers, kind, cut):
    server = servers[(kind, "plain")]
    with CuttingProxy(server.host, server.port, cut) as proxy:
        pdf = _fetch_range(proxy.url)
        assert proxy.cuts == 1, f"the proxy never reached the cut point {cut!r}"
        assert proxy.connections >= 2, "the client did not reconnect after the cut"
    _assert_every_row_once(pdf)


@pytest.mark.parametrize("kind", ["sk8", "spark"])
def test_result_outlives_many_stream_limits(servers, kind):
    """Every stream ends after 1 s or 300 KB; the client reattaches until done."""
    server = servers[(kind, "limited")]
    _assert_every_row_once(_fetch_range(server.url))
    spark = SparkSession.builder.remote(server.url).create()
    try:
        # a query whose answer takes longer than one stream's time limit to come
        rows = spark.range(0, 20_000_000, 1, 2).selectExpr("id % 1000 AS k") \
            .groupBy("k").count().orderBy("k").collect()
        assert len(rows) == 1000 and all(r["count"] == 20_000 for r in rows)
    finally:
        spark.stop()


# --- abandoned operations (sk8) ---------------------------------------------------

USER = base_pb2.UserContext(user_id="test", user_name="test")


def _execute(stub, session_id: str, op_id: str, rows: int):
    req = base_pb2.ExecutePlanRequest(
        session_id=session_id, user_context=USER, operation_id=op_id, client_type="sk8-tests",
        plan=base_pb2.Plan(root=relations_pb2.Relation(
            common=relations_pb2.RelationCommon(plan_id=1),
            range=relations_pb2.Range(start=0, end=rows, step=1))))
    req.request_options.append(base_pb2.ExecutePlanRequest.RequestOption(
        reattach_options=base_pb2.ReattachOptions(reattachable=True)))
    return stub.ExecutePlan(req, timeout=60)


def _abandon_one(stub, session_id: str) -> str:
    """Starts a large reattachable query, reads one Arrow batch and goes away for good."""
    op_id = str(uuid.uuid4())
    call = _execute(stub, session_id, op_id, ROWS)
    for response in call:
        if response.HasField("arrow_batch"):
            break
    call.cancel()
    return op_id


def _rss_mib(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / (1 << 20)


def _wait_rss_settles(pid: int, below_mib: float, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    rss = _rss_mib(pid)
    while rss >= below_mib and time.monotonic() < deadline:
        time.sleep(0.5)
        rss = _rss_mib(pid)
    return rss


def test_abandoned_operations_are_freed(servers):
    server = servers[("sk8", "plain")]  # detachedTimeout 2 s
    target = f"{server.host}:{server.port}"
    with grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", -1)]) as channel:
        stub = base_pb2_grpc.SparkConnectServiceStub(channel)
        session_id = str(uuid.uuid4())
        # warm up: threads, allocator arenas, first query
        list(_execute(stub, session_id, str(uuid.uuid4()), 1000))
        baseline = _rss_mib(server.proc.pid)

        abandoned = []
        peak = baseline
        for _ in range(50):
            abandoned.append(_abandon_one(stub, session_id))
            peak = max(peak, _rss_mib(server.proc.pid))
        # each buffers a 24 MB result; after detachedTimeout they must all be gone, and their pages given back
        settled = _wait_rss_settles(server.proc.pid, baseline + 100, timeout=60)
        assert settled < baseline + 100, \
            f"RSS {settled:.0f} MiB did not settle (baseline {baseline:.0f} MiB, peak {peak:.0f} MiB)"

        # an abandoned operation answers as Spark's does
        req = base_pb2.ReattachExecuteRequest(session_id=session_id, user_context=USER,
                                              operation_id=abandoned[0], client_type="sk8-tests")
        with pytest.raises(grpc.RpcError) as ei:
            list(stub.ReattachExecute(req, timeout=30))
        assert "INVALID_HANDLE.OPERATION_ABANDONED" in (ei.value.details() or ""), ei.value

    # and the server keeps serving
    spark = SparkSession.builder.remote(server.url).create()
    try:
        assert spark.range(10).count() == 10
    finally:
        spark.stop()


def test_reattach_to_an_id_never_sent_is_position_not_found(servers):
    server = servers[("sk8", "plain")]
    target = f"{server.host}:{server.port}"
    with grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", -1)]) as channel:
        stub = base_pb2_grpc.SparkConnectServiceStub(channel)
        session_id, op_id = str(uuid.uuid4()), str(uuid.uuid4())
        call = _execute(stub, session_id, op_id, 1000)
        first = next(iter(call))
        call.cancel()
        req = base_pb2.ReattachExecuteRequest(session_id=session_id, user_context=USER,
                                              operation_id=op_id, last_response_id=str(uuid.uuid4()),
                                              client_observed_server_side_session_id=first.server_side_session_id)
        with pytest.raises(grpc.RpcError) as ei:
            list(stub.ReattachExecute(req, timeout=30))
        assert "INVALID_CURSOR.POSITION_NOT_FOUND" in (ei.value.details() or ""), ei.value


def test_released_response_id_still_resumes(servers):
    """The stock client releases each response it consumed, then reattaches with
    the last one: the released id must still say where to resume."""
    server = servers[("sk8", "plain")]
    target = f"{server.host}:{server.port}"
    with grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", -1)]) as channel:
        stub = base_pb2_grpc.SparkConnectServiceStub(channel)
        session_id, op_id = str(uuid.uuid4()), str(uuid.uuid4())
        call = _execute(stub, session_id, op_id, ROWS)
        seen = []
        for response in call:
            seen.append(response)
            if len([r for r in seen if r.HasField("arrow_batch")]) == 2:
                break
        call.cancel()
        last = seen[-1]
        stub.ReleaseExecute(base_pb2.ReleaseExecuteRequest(
            session_id=session_id, user_context=USER, operation_id=op_id,
            release_until=base_pb2.ReleaseExecuteRequest.ReleaseUntil(response_id=last.response_id)),
            timeout=30)
        req = base_pb2.ReattachExecuteRequest(session_id=session_id, user_context=USER, operation_id=op_id,
                                              last_response_id=last.response_id,
                                              client_observed_server_side_session_id=last.server_side_session_id)
        rest = list(stub.ReattachExecute(req, timeout=60))
        while not rest or not rest[-1].HasField("result_complete"):
            req.last_response_id = rest[-1].response_id
            rest += list(stub.ReattachExecute(req, timeout=60))
        rows = sum(r.arrow_batch.row_count for r in seen + rest if r.HasField("arrow_batch"))
        assert rows == ROWS
        offsets = [r.arrow_batch.start_offset for r in seen + rest if r.HasField("arrow_batch")]
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)

