"""`sk8 doctor` against real sk8 processes, healthy and broken: server down, wrong
port, unwritable event-log folder, unreachable upstream, unreachable S3 endpoint,
a memory budget above the machine's memory. Each problem is named with what to
do and a runbook that exists, and the exit code says whether one was found."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import sk8_servers

REPO = Path(__file__).resolve().parents[2]


def doctor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(sk8_servers.sk8_binary()), "doctor", "--timeout", "3", "--python", sys.executable,
                           *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)


def problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip().startswith("PROBLEM")]


def runbooks(out: str) -> list[str]:
    return re.findall(r"runbook: (docs/runbooks/\S+)", out)


def assert_runbooks_exist(out: str) -> None:
    for page in runbooks(out):
        assert (REPO / page).is_file(), f"{page} (named by doctor) does not exist"


@pytest.fixture
def sk8():
    """Starts sk8 serve with extra arguments; stops every server at the end."""
    started = []

    def start(*args: str) -> sk8_servers.Server:
        server = sk8_servers.start_sk8(extra_args=list(args))
        started.append(server)
        return server

    yield start
    for server in started:
        assert server.stop() == 0, server.describe_death()


@pytest.fixture(scope="module")
def healthy():
    server = sk8_servers.start_sk8()
    yield server
    server.stop()


class _Http(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.send_response(403)  # an S3 endpoint's answer to an anonymous request
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def http_server():
    """A plain HTTP server on loopback: not Spark Connect, but an S3-like endpoint."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Http)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    port = sk8_servers.free_port()
    assert not sk8_servers.port_open("127.0.0.1", port)
    return port


def test_healthy_server(healthy):
    result = doctor("--url", healthy.url)
    assert result.returncode == 0, result.stdout
    assert problems(result.stdout) == []
    assert re.search(r"ok\s+server\s+Spark Connect server answers at 127\.0\.0\.1:\d+ \(Spark 4\.", result.stdout)
    assert re.search(r"ok\s+versions\s+PySpark 4\.\d+\.\d+ client", result.stdout), result.stdout
    assert "sk8.memory.limit = " in result.stdout
    assert re.search(r"ok\s+memory\s+budget ", result.stdout), result.stdout


def test_quick_mode_is_a_health_check(healthy):
    assert doctor("--url", healthy.url, "--quick").returncode == 0
    down = doctor("--url", f"sc://127.0.0.1:{closed_port()}", "--quick")
    assert down.returncode == 1 and "no Spark Connect server listens" in down.stdout


def test_server_down():
    result = doctor("--url", f"sc://127.0.0.1:{closed_port()}")
    assert result.returncode == 1
    [problem] = problems(result.stdout)
    assert "no Spark Connect server listens at 127.0.0.1:" in problem and "Connection refused" in problem
    assert "what to do: start it, or fix the host and port" in result.stdout
    assert runbooks(result.stdout) == ["docs/runbooks/server-down.md"]
    assert_runbooks_exist(result.stdout)


def test_wrong_port(http_server):
    """Something listens there, but it is not Spark Connect."""
    result = doctor("--url", f"sc://127.0.0.1:{http_server}")
    assert result.returncode == 1
    [problem] = problems(result.stdout)
    assert f"something listens at 127.0.0.1:{http_server} but does not answer Spark Connect" in problem
    assert "probably the wrong port" in result.stdout
    assert_runbooks_exist(result.stdout)


def test_server_down_still_checks_the_given_settings(tmp_path):
    result = doctor("--url", f"sc://127.0.0.1:{closed_port()}", "--conf", "spark.eventLog.enabled=true",
                    "--conf", f"spark.eventLog.dir=file:{tmp_path}")
    assert result.returncode == 1
    assert re.search(rf"ok\s+event log\s+spark.eventLog.dir {tmp_path} is writable", result.stdout), result.stdout


def unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        # root writes through permission bits; sysfs refuses new files even to root.
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def event_log_problem(folder: str) -> subprocess.CompletedProcess:
    """doctor before a start: sk8 serve refuses an event-log folder it cannot
    write (tests/deploy/test_event_log.py), so doctor checks the settings given."""
    result = doctor("--url", f"sc://127.0.0.1:{closed_port()}", "--conf", "spark.eventLog.enabled=true",
                    "--conf", f"spark.eventLog.dir={folder}")
    assert result.returncode == 1
    assert "docs/runbooks/event-log.md" in runbooks(result.stdout), result.stdout
    assert_runbooks_exist(result.stdout)
    return result


def test_unwritable_event_log_folder(tmp_path):
    folder = unwritable_folder(tmp_path)
    result = event_log_problem(f"file:{folder}")
    assert any(f"spark.eventLog.dir {folder} is not writable: Permission denied" in p
               for p in problems(result.stdout)), result.stdout


def test_missing_event_log_folder(tmp_path):
    result = event_log_problem(f"{tmp_path}/nope")
    assert any(f"spark.eventLog.dir {tmp_path}/nope does not exist" in p for p in problems(result.stdout)), result.stdout


def one_problem(server: sk8_servers.Server, message: str, runbook: str) -> str:
    """Runs doctor against `server`: exit 1, one PROBLEM containing `message`, and
    only the runbook `runbook`, which exists. Returns the output."""
    result = doctor("--url", server.url)
    assert result.returncode == 1, result.stdout
    [problem] = problems(result.stdout)
    assert message in problem, result.stdout
    assert runbooks(result.stdout) == [f"docs/runbooks/{runbook}"]
    assert_runbooks_exist(result.stdout)
    return result.stdout


def test_unreachable_upstream(sk8):
    port = closed_port()
    server = sk8("--conf", f"sk8.upstream.url=sc://127.0.0.1:{port}")
    out = one_problem(server, f"no upstream Spark Connect server listens at 127.0.0.1:{port}", "upstream-down.md")
    assert "plans that sk8 sends upstream fail until it answers" in out


def test_reachable_upstream(sk8, healthy):
    server = sk8("--conf", f"sk8.upstream.url={healthy.url}")
    result = doctor("--url", server.url)
    assert result.returncode == 0, result.stdout
    assert re.search(r"ok\s+upstream\s+upstream Spark Connect server answers", result.stdout)


def test_unreachable_s3_endpoint(sk8):
    port = closed_port()
    server = sk8("--conf", f"spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:{port}")
    one_problem(server, f"cannot reach the S3 endpoint 127.0.0.1:{port} (spark.hadoop.fs.s3a.endpoint)",
                "storage-credentials.md")


def test_reachable_s3_endpoint_and_credentials(sk8, http_server):
    server = sk8("--conf", f"spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:{http_server}",
                 "--conf", "spark.hadoop.fs.s3a.access.key=AKIAEXAMPLE",
                 "--conf", "spark.hadoop.fs.s3a.secret.key=do-not-print-me")
    result = doctor("--url", server.url)
    assert result.returncode == 0, result.stdout
    assert "answers HTTP/1.0 403" in result.stdout
    assert "access key from spark.hadoop.fs.s3a.access.key" in result.stdout
    assert "do-not-print-me" not in result.stdout and "AKIAEXAMPLE" not in result.stdout


def test_half_set_credentials(sk8, http_server):
    server = sk8("--conf", f"spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:{http_server}",
                 "--conf", "spark.hadoop.fs.s3a.access.key=AKIAEXAMPLE")
    result = doctor("--url", server.url)
    assert result.returncode == 1
    assert "only one of spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key" in result.stdout


def test_memory_budget_above_the_machine(sk8):
    server = sk8("--conf", "sk8.memory.limit=100t")
    result = doctor("--url", server.url)
    assert result.returncode == 1
    [problem] = problems(result.stdout)
    assert "budget 100.0 TiB of" in problem and "over 90%" in problem, problem
    assert "runbook: docs/runbooks/out-of-memory-budget.md" in result.stdout


def test_metrics_port_answers(sk8):
    server = sk8("--conf", "sk8.metrics.port=0")
    result = doctor("--url", server.url)
    assert result.returncode == 0, result.stdout
    assert f"metrics port {server.metrics_port} answers: HTTP/1.1 200 OK" in result.stdout


def test_metrics_port_that_does_not_answer(sk8):
    # Prometheus told to scrape a port where this sk8 serves nothing (metrics off).
    port = closed_port()
    server = sk8("--metrics-port", "off")
    result = doctor("--url", server.url, "--conf", f"sk8.metrics.port={port}")
    assert result.returncode == 1
    assert f"the metrics port 127.0.0.1:{port} does not answer HTTP" in problems(result.stdout)[0]


def test_usage_errors():
    result = doctor("--url", "http://127.0.0.1:15002")
    assert result.returncode == 2 and "is not a Spark Connect URL" in result.stdout
    assert doctor("--bogus").returncode == 2
    help_text = subprocess.run([str(sk8_servers.sk8_binary()), "doctor", "--help"], stdout=subprocess.PIPE,
                               text=True).stdout
    assert "sk8 doctor [options]" in help_text and "--url sc://HOST:PORT" in help_text


def test_help_lists_doctor():
    out = subprocess.run([str(sk8_servers.sk8_binary()), "--help"], stdout=subprocess.PIPE, text=True).stdout
    assert "sk8 doctor" in out
