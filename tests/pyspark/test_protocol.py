"""Raw gRPC tests of the Spark Connect service: bad input, limits, reattach, release,
interrupt, config. Marked sk8_only (no golden answers); they also pass against real
Spark 4.1 (SK8_TEST_TARGET=spark pytest tests/pyspark -m sk8_only), which is how the
expectations below were checked.
"""

from __future__ import annotations

import uuid

import grpc
import pyarrow as pa
import pytest
from pyspark.sql.connect.proto import base_pb2, base_pb2_grpc, expressions_pb2, relations_pb2

import sk8_servers

pytestmark = pytest.mark.sk8_only

SERVICE = "/spark.connect.SparkConnectService"
USER = base_pb2.UserContext(user_id="test", user_name="test")
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def channel(connect_url):
    target = connect_url.split("://", 1)[1].split("/", 1)[0].split(";", 1)[0]
    ch = grpc.insecure_channel(target, options=[("grpc.max_send_message_length", -1),
                                                ("grpc.max_receive_message_length", -1)])
    grpc.channel_ready_future(ch).result(timeout=10)
    yield ch
    ch.close()


@pytest.fixture(scope="module")
def stub(channel):
    return base_pb2_grpc.SparkConnectServiceStub(channel)


def new_session() -> str:
    return str(uuid.uuid4())


def range_plan(start: int, end: int, step: int = 1) -> base_pb2.Plan:
    return base_pb2.Plan(root=relations_pb2.Relation(
        common=relations_pb2.RelationCommon(plan_id=1),
        range=relations_pb2.Range(start=start, end=end, step=step)))


def execute_request(session_id: str, plan: base_pb2.Plan, operation_id: str | None = None,
                    reattachable: bool = False) -> base_pb2.ExecutePlanRequest:
    req = base_pb2.ExecutePlanRequest(session_id=session_id, user_context=USER, plan=plan,
                                      client_type="sk8-tests")
    if operation_id:
        req.operation_id = operation_id
    if reattachable:
        req.request_options.append(base_pb2.ExecutePlanRequest.RequestOption(
            reattach_options=base_pb2.ReattachOptions(reattachable=True)))
    return req


def arrow_ids(responses) -> list[int]:
    ids: list[int] = []
    for r in responses:
        if r.HasField("arrow_batch"):
            with pa.ipc.open_stream(r.arrow_batch.data) as reader:
                for batch in reader:
                    ids.extend(batch.column(0).to_pylist())
    return ids


def assert_server_serves(spark) -> None:
    assert spark.range(3).count() == 3


# (a) ------------------------------------------------------------------------------

def test_garbage_bytes_execute_plan(channel, spark):
    call = channel.unary_stream(f"{SERVICE}/ExecutePlan", request_serializer=None,
                                response_deserializer=None)
    with pytest.raises(grpc.RpcError) as ei:
        list(call(b"\xff\xff\xff\xff\x0fnot a protobuf\x00\x01", timeout=30))
    allowed = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL}
    if sk8_servers.target() == "spark":
        # real Spark (grpc-java) answers UNKNOWN "Application error processing RPC"
        allowed.add(grpc.StatusCode.UNKNOWN)
    assert ei.value.code() in allowed, ei.value
    assert_server_serves(spark)


# (b) ------------------------------------------------------------------------------

def test_session_id_not_uuid(stub):
    req = execute_request("not-a-uuid", range_plan(0, 3))
    with pytest.raises(grpc.RpcError) as ei:
        list(stub.ExecutePlan(req, timeout=30))
    assert "INVALID_HANDLE.FORMAT" in (ei.value.details() or ""), ei.value


def test_session_id_not_uuid_config(stub):
    req = base_pb2.ConfigRequest(session_id="12345", user_context=USER,
                                 operation=base_pb2.ConfigRequest.Operation(
                                     get_all=base_pb2.ConfigRequest.GetAll()))
    with pytest.raises(grpc.RpcError) as ei:
        stub.Config(req, timeout=30)
    assert "INVALID_HANDLE.FORMAT" in (ei.value.details() or ""), ei.value


# (c) ------------------------------------------------------------------------------

def test_oversized_request(stub, spark):
    data = b"\0" * (130 * MiB)
    plan = base_pb2.Plan(root=relations_pb2.Relation(
        common=relations_pb2.RelationCommon(plan_id=1),
        local_relation=relations_pb2.LocalRelation(data=data)))
    req = execute_request(new_session(), plan)
    del data
    with pytest.raises(grpc.RpcError) as ei:
        list(stub.ExecutePlan(req, timeout=60))
    assert ei.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, ei.value
    del req
    assert_server_serves(spark)


# (d) ------------------------------------------------------------------------------

def test_reattach_after_cancel(stub):
    n = 200_000
    session_id, op_id = new_session(), str(uuid.uuid4())
    call = stub.ExecutePlan(execute_request(session_id, range_plan(0, n), op_id, reattachable=True),
                            timeout=60)
    first: list = []
    for resp in call:
        assert resp.operation_id == op_id
        assert resp.response_id
        first.append(resp)
        if resp.HasField("arrow_batch"):
            break
    call.cancel()
    assert first, "no response before cancel"
    server_session = first[0].server_side_session_id

    rest: list = []
    complete = False
    last = first[-1].response_id
    for _ in range(10):  # reattach until ResultComplete (the server may end streams early)
        req = base_pb2.ReattachExecuteRequest(session_id=session_id, user_context=USER,
                                              operation_id=op_id, last_response_id=last,
                                              client_type="sk8-tests")
        if server_session:
            req.client_observed_server_side_session_id = server_session
        for resp in stub.ReattachExecute(req, timeout=60):
            assert resp.operation_id == op_id
            rest.append(resp)
            last = resp.response_id
            if resp.HasField("result_complete"):
                complete = True
        if complete:
            break
    assert complete, "never saw ResultComplete"

    all_responses = first + rest
    response_ids = [r.response_id for r in all_responses]
    assert len(response_ids) == len(set(response_ids)), "a response was sent twice"
    ids = arrow_ids(all_responses)
    assert len(ids) == n and ids == list(range(n)), \
        f"got {len(ids)} ids, {len(set(ids))} distinct, expected exactly 0..{n - 1} in order"
    # row_count / start_offset bookkeeping is consistent
    batches = [r.arrow_batch for r in all_responses if r.HasField("arrow_batch")]
    assert sum(b.row_count for b in batches) == n
    offset = 0
    for b in batches:
        if b.HasField("start_offset"):
            assert b.start_offset == offset
        offset += b.row_count

    resp = stub.ReleaseExecute(base_pb2.ReleaseExecuteRequest(
        session_id=session_id, user_context=USER, operation_id=op_id,
        release_all=base_pb2.ReleaseExecuteRequest.ReleaseAll()), timeout=30)
    assert resp.session_id == session_id
    assert resp.operation_id == op_id


# (e) ------------------------------------------------------------------------------

def test_reattach_unknown_operation(stub):
    session_id = new_session()
    # make the session exist first, so the error is about the operation
    assert list(stub.ExecutePlan(execute_request(session_id, range_plan(0, 1)), timeout=30))
    req = base_pb2.ReattachExecuteRequest(session_id=session_id, user_context=USER,
                                          operation_id=str(uuid.uuid4()))
    with pytest.raises(grpc.RpcError) as ei:
        list(stub.ReattachExecute(req, timeout=30))
    assert "INVALID_HANDLE.OPERATION_NOT_FOUND" in (ei.value.details() or ""), ei.value


# (f) ------------------------------------------------------------------------------

def test_interrupt_all(stub):
    session_id = new_session()
    assert list(stub.ExecutePlan(execute_request(session_id, range_plan(0, 1)), timeout=30))
    resp = stub.Interrupt(base_pb2.InterruptRequest(
        session_id=session_id, user_context=USER,
        interrupt_type=base_pb2.InterruptRequest.INTERRUPT_TYPE_ALL), timeout=30)
    assert resp.session_id == session_id
    assert list(resp.interrupted_ids) == []


def test_interrupt_all_via_client(spark):
    assert spark.interruptAll() == []
    assert_server_serves(spark)


# (g) ------------------------------------------------------------------------------

def test_config_roundtrip(spark):
    key = "spark.sk8.test.someKey"
    assert spark.conf.get(key, "dflt") == "dflt"
    spark.conf.set(key, "v1")
    assert spark.conf.get(key) == "v1"
    assert spark.conf.getAll[key] == "v1"
    spark.conf.set(key, 42)
    assert spark.conf.get(key) == "42"
    spark.conf.unset(key)
    assert spark.conf.get(key, None) is None
    assert key not in spark.conf.getAll


def test_config_sql_conf(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.ansi.enabled") == "true"
    assert spark.conf.isModifiable("spark.sql.ansi.enabled") is True
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        assert spark.conf.get("spark.sql.session.timeZone") == "America/New_York"
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"


def test_config_raw_rpc(stub):
    session_id = new_session()
    C = base_pb2.ConfigRequest
    kv = base_pb2.KeyValue(key="spark.sk8.test.raw", value="x")

    def op(**kw):
        return stub.Config(C(session_id=session_id, user_context=USER, operation=C.Operation(**kw)),
                           timeout=30)

    op(set=C.Set(pairs=[kv]))
    resp = op(get=C.Get(keys=["spark.sk8.test.raw"]))
    assert resp.session_id == session_id
    assert [(p.key, p.value) for p in resp.pairs] == [("spark.sk8.test.raw", "x")]
    resp = op(get_all=C.GetAll(prefix="spark.sk8.test."))
    # real Spark strips the prefix from the returned keys
    assert [(p.key, p.value) for p in resp.pairs] == [("raw", "x")]
    op(unset=C.Unset(keys=["spark.sk8.test.raw"]))
    resp = op(get_option=C.GetOption(keys=["spark.sk8.test.raw"]))
    assert [(p.key, p.HasField("value")) for p in resp.pairs] == [("spark.sk8.test.raw", False)]


# (h) ------------------------------------------------------------------------------

def test_interrupt_running_query_by_tag(connect_url):
    """A long query interrupted by tag stops with OPERATION_CANCELED; the session and
    the server keep working."""
    import threading
    import time

    from pyspark.errors.exceptions.connect import SparkConnectException, SparkException
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col

    spark = SparkSession.builder.remote(connect_url).create()
    try:
        outcome: dict = {}

        def run() -> None:
            spark.addTag("long-query")  # tags are per thread in PySpark
            try:
                outcome["count"] = spark.range(0, 10**13).filter(col("id") % 3 == 0).count()
            except Exception as e:  # noqa: BLE001 - the test inspects what was raised
                outcome["error"] = e

        worker = threading.Thread(target=run)
        worker.start()
        interrupted: list = []
        deadline = time.time() + 20
        while not interrupted and time.time() < deadline:
            time.sleep(0.2)
            interrupted = spark.interruptTag("long-query")
        worker.join(timeout=30)
        assert not worker.is_alive(), "the interrupted query did not stop"
        assert interrupted, "interruptTag found no running operation"
        error = outcome.get("error")
        assert isinstance(error, (SparkException, SparkConnectException)), outcome
        assert "OPERATION_CANCELED" in str(error)
        assert spark.range(5).count() == 5
    finally:
        spark.stop()


# (i) ------------------------------------------------------------------------------

def test_idle_session_expires():
    """A session idle for longer than --session-timeout is closed: its next request
    gets INVALID_HANDLE.SESSION_CLOSED, and new sessions still work."""
    import time

    from pyspark.sql import SparkSession

    if sk8_servers.target() != "sk8":
        pytest.skip("needs an sk8 started with a short --session-timeout")
    server = sk8_servers.start_sk8(extra_args=["--session-timeout", "1"])
    sessions = []
    try:
        spark = SparkSession.builder.remote(server.url).create()
        sessions.append(spark)
        assert spark.range(3).count() == 3
        time.sleep(3.5)
        with pytest.raises(Exception) as ei:
            spark.range(3).count()
        assert "INVALID_HANDLE.SESSION_CLOSED" in str(ei.value)
        fresh = SparkSession.builder.remote(server.url).create()
        sessions.append(fresh)
        assert fresh.range(4).count() == 4
    finally:
        # Stop every client before its server: a client left open retries its
        # exit-time cleanup against the dead server for minutes.
        for session in sessions:
            try:
                session.stop()
            except Exception:  # noqa: BLE001 - the expired one may refuse politely
                pass
        assert server.stop() == 0


# (j) ------------------------------------------------------------------------------

def test_interrupt_by_operation_id(stub):
    """Interrupt(OPERATION_ID) stops that running operation: its stream ends with
    OPERATION_CANCELED, and the response lists the interrupted id."""
    import threading
    import time

    session = new_session()
    op_id = str(uuid.uuid4())
    # A range far too long to finish: it runs until interrupted.
    plan = base_pb2.Plan(root=relations_pb2.Relation(
        common=relations_pb2.RelationCommon(plan_id=1),
        aggregate=relations_pb2.Aggregate(
            input=relations_pb2.Relation(range=relations_pb2.Range(start=0, end=10**13, step=1)),
            group_type=relations_pb2.Aggregate.GROUP_TYPE_GROUPBY,
            aggregate_expressions=[expressions_pb2.Expression(unresolved_function=expressions_pb2.Expression
                                   .UnresolvedFunction(function_name="count", arguments=[expressions_pb2
                                   .Expression(literal=expressions_pb2.Expression.Literal(integer=1))]))])))
    outcome: dict = {}

    def run() -> None:
        try:
            list(stub.ExecutePlan(execute_request(session, plan, operation_id=op_id), timeout=60))
        except grpc.RpcError as e:
            outcome["error"] = e

    worker = threading.Thread(target=run)
    worker.start()
    interrupted: list = []
    deadline = time.time() + 20
    while not interrupted and time.time() < deadline:
        time.sleep(0.1)
        response = stub.Interrupt(base_pb2.InterruptRequest(
            session_id=session, user_context=USER,
            interrupt_type=base_pb2.InterruptRequest.INTERRUPT_TYPE_OPERATION_ID, operation_id=op_id))
        interrupted = list(response.interrupted_ids)
    worker.join(timeout=30)
    assert not worker.is_alive(), "the interrupted operation did not stop"
    assert interrupted == [op_id]
    assert "OPERATION_CANCELED" in (outcome["error"].details() or ""), outcome
