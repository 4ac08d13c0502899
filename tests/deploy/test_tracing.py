"""OpenTelemetry traces: sk8 started with sk8.otel.endpoint sends each query's
spans as OTLP/HTTP JSON (POST /v1/traces) to a small collector run by the test,
which records what it receives; and with the collector down, queries are not
slowed and the spans are dropped and counted."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
import time
import urllib.request

import pytest

import sk8_servers


class Collector:
    """An OTLP/HTTP receiver: keeps every request's path, content type and body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict]] = []
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                collector.requests.append((self.path, self.headers.get("Content-Type", ""), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def spans(self) -> list[dict]:
        out = []
        for _, _, body in list(self.requests):
            for resource in body["resourceSpans"]:
                service = {a["key"]: a["value"] for a in resource["resource"]["attributes"]}["service.name"]
                for scope in resource["scopeSpans"]:
                    for span in scope["spans"]:
                        out.append(dict(span, service=service["stringValue"]))
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def attributes(span: dict) -> dict:
    return {a["key"]: next(iter(a["value"].values())) for a in span.get("attributes", [])}


@pytest.fixture(scope="module")
def traced():
    collector = Collector()
    server = sk8_servers.start_sk8(extra_args=["--conf", f"sk8.otel.endpoint=http://127.0.0.1:{collector.port}"])
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(server.url).create()
    assert spark.range(1000).filter("id % 2 = 0").count() == 500
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):
        spark.sql("SELECT 1 / 0 AS x").collect()
    session_id = spark.client._session_id
    spark.stop()
    deadline = time.monotonic() + 15
    while len([s for s in collector.spans() if s["name"] == "ExecutePlan"]) < 2:
        assert time.monotonic() < deadline, f"spans received: {collector.spans()}"
        time.sleep(0.1)
    yield collector, session_id
    assert server.stop() == 0, server.describe_death()
    collector.close()


def test_requests_are_otlp_json(traced):
    collector, _ = traced
    assert collector.requests
    for path, content_type, body in collector.requests:
        assert path == "/v1/traces" and content_type == "application/json"
        assert "resourceSpans" in body


def test_query_spans_and_their_tree(traced):
    collector, session_id = traced
    spans = collector.spans()
    roots = [s for s in spans if s["name"] == "ExecutePlan"]
    ok, failed = sorted(roots, key=lambda s: int(s["startTimeUnixNano"]))
    for root in roots:
        assert root["service"] == "sk8" and "parentSpanId" not in root
        assert re.fullmatch(r"[0-9a-f]{32}", root["traceId"]) and re.fullmatch(r"[0-9a-f]{16}", root["spanId"])
        assert int(root["endTimeUnixNano"]) >= int(root["startTimeUnixNano"]) > 0
        a = attributes(root)
        assert a["sk8.session_id"] == session_id
        assert re.fullmatch(r"[0-9a-f-]{36}", a["sk8.operation_id"])
    assert attributes(ok)["sk8.status"] == "succeeded" and ok["status"]["code"] == 1
    assert attributes(failed)["sk8.status"] == "failed" and failed["status"]["code"] == 2
    assert "DIVIDE_BY_ZERO" in failed["status"]["message"]
    assert attributes(failed)["error.type"] == "DIVIDE_BY_ZERO"
    # The successful query's steps, children of its root, in its trace.
    children = [s for s in spans if s.get("parentSpanId") == ok["spanId"]]
    assert [c["name"] for c in children] == ["parse", "analyze", "optimize", "execute"]
    assert all(c["traceId"] == ok["traceId"] for c in children)
    for child in children:
        assert int(ok["startTimeUnixNano"]) <= int(child["startTimeUnixNano"]) <= int(child["endTimeUnixNano"])
        assert int(child["endTimeUnixNano"]) <= int(ok["endTimeUnixNano"])
    # Under execute: the operators with their rows.
    execute = children[-1]
    operators = {}
    frontier = [execute["spanId"]]
    while frontier:
        parent = frontier.pop()
        for s in spans:
            if s.get("parentSpanId") == parent:
                operators[s["name"]] = attributes(s)
                frontier.append(s["spanId"])
    assert operators["Range"]["sk8.operator.output_rows"] == "1000"
    assert operators["Filter"]["sk8.operator.output_rows"] == "500"


def test_collector_down_drops_spans_without_slowing_queries():
    closed = sk8_servers.free_port()
    server = sk8_servers.start_sk8(extra_args=["--conf", f"sk8.otel.endpoint=http://127.0.0.1:{closed}/v1/traces"])
    try:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.remote(server.url).create()
        started = time.monotonic()
        for _ in range(5):
            assert spark.range(10).count() == 10
        assert time.monotonic() - started < 10
        spark.stop()
        url = f"http://127.0.0.1:{server.metrics_port}/metrics/prometheus"
        deadline = time.monotonic() + 15
        while True:
            text = urllib.request.urlopen(url, timeout=5).read().decode()
            match = re.search(r'^sk8_telemetry_dropped_total\{kind="trace_spans"\} (\S+)$', text, re.M)
            if match and float(match.group(1)) >= 5:
                break
            assert time.monotonic() < deadline, text[-2000:]
            time.sleep(0.2)
    finally:
        assert server.stop() == 0, server.describe_death()


def test_bad_endpoint_stops_the_start():
    result = subprocess.run([str(sk8_servers.sk8_binary()), "serve", "--port", "0", "--metrics-port", "off",
                             "--conf", "sk8.otel.endpoint=https://collector:4318"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    assert "sk8.otel.endpoint=https://collector:4318: not http://host:port" in result.stderr, result.stderr
