"""The image's runtime tree: deploy/docker/assemble-runtime (the script the
Dockerfile runs) lays it out in a temporary folder, and sk8 runs from there with a
clean environment (env -i: no PATH into the build tree, no LD_LIBRARY_PATH) and
answers a real PySpark query; so do the spark-operator launcher wrappers
(sbin/start-connect-server.sh, stop-connect-server.sh)."""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from pyspark.sql import SparkSession

import sk8_servers

REPO = Path(__file__).resolve().parents[2]
# Libraries the runtime image's Debian 12 provides (glibc): never in the tree.
GLIBC = re.compile(r"^(linux-vdso|ld-linux.*|libc|libm|libpthread|libdl|librt|libresolv|libutil)\.so")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("image") / "opt" / "sk8"
    subprocess.run([str(REPO / "deploy" / "docker" / "assemble-runtime"), str(sk8_servers.sk8_binary()), str(out)],
                   check=True)
    return out


def clean_env(**extra: str) -> list[str]:
    return ["env", "-i", "PATH=/usr/bin:/bin", *(f"{k}={v}" for k, v in extra.items())]


def build_paths() -> list[str]:
    """Folders a runtime tree must not load anything from."""
    return [str(REPO), str(REPO / ".venv"), str((REPO / ".venv").resolve()), str(sk8_servers.sk8_binary().parent)]


def test_tree_has_sk8_its_libraries_and_the_wrappers(tree):
    assert (tree / "bin" / "sk8").is_file()
    libs = {p.name for p in (tree / "lib").iterdir()}
    assert any(n.startswith("libarrow.so") for n in libs), libs
    assert any(n.startswith("libgrpc++.so") for n in libs), libs
    assert not [n for n in libs if GLIBC.match(n)], "glibc's libraries are the image's, not the tree's"
    for script in ("start-connect-server.sh", "stop-connect-server.sh"):
        assert os.access(tree / "sbin" / script, os.X_OK)


def test_every_library_resolves_inside_the_tree(tree):
    out = subprocess.run([*clean_env(), "ldd", str(tree / "bin" / "sk8")], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if "not found" in line:
            pytest.fail(f"unresolved: {line}")
        if len(parts) >= 3 and parts[1] == "=>" and not GLIBC.match(parts[0]):
            assert os.path.normpath(parts[2]).startswith(str(tree / "lib") + "/"), line


def query(url: str) -> list[tuple]:
    spark = SparkSession.builder.remote(url).getOrCreate()
    try:
        rows = spark.sql("SELECT upper('straße') AS u, sum(id) AS s, count(*) AS n FROM range(1000)").collect()
        return [tuple(r) for r in rows]
    finally:
        spark.stop()


SERVING = b"\x08\x01"  # grpc.health.v1.HealthCheckResponse{status: SERVING}


def grpc_health(port: int) -> bytes:
    """What Kubernetes' gRPC probe asks: grpc.health.v1.Health/Check for the server
    as a whole (an empty HealthCheckRequest), as raw protobuf bytes."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda b: b,
                                    response_deserializer=lambda b: b)
        return check(b"", timeout=5)


def maps_outside_tree(pid: int) -> list[str]:
    """Files the running process mapped from the build tree or the venv."""
    mapped = {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines() if "/" in line}
    return sorted(m for m in mapped if any(m.startswith(b + "/") for b in build_paths()))


def wait_for_port(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"sk8 exited with {proc.returncode}:\n{log.read_text()}")
        if sk8_servers.port_open("127.0.0.1", port):
            return
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"sk8 did not listen on {port}:\n{log.read_text()}")


def test_sk8_runs_from_the_tree_with_a_clean_environment(tree, tmp_path):
    port = sk8_servers.free_port()
    log = tmp_path / "sk8.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*clean_env(), str(tree / "bin" / "sk8"), "serve", "--port", str(port),
                                 "--metrics-port", "0"], cwd=tmp_path,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for_port(proc, port, log)
        assert query(f"sc://127.0.0.1:{port}") == [("STRASSE", 499500, 1000)]
        assert grpc_health(port) == SERVING
        metrics_port = sk8_servers.read_metrics_port(log)
        assert metrics_port, log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/readyz", timeout=5) as ready:
            assert ready.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics/prometheus", timeout=5) as metrics:
            succeeded = re.search(r"^sk8_queries_succeeded_total (\d+)$", metrics.read().decode(), re.M)
            assert succeeded and int(succeeded.group(1)) >= 1
        assert maps_outside_tree(proc.pid) == []
        assert open(f"/proc/{proc.pid}/environ").read().split("\0")[0] == "PATH=/usr/bin:/bin"
    finally:
        proc.terminate()
        assert proc.wait(20) == 0, log.read_text()


def test_spark_operator_wrappers_start_and_stop_sk8(tree, tmp_path):
    """As kubeflow spark-operator runs a SparkConnect server: bash -c with
    spark-submit's options and SPARK_NO_DAEMONIZE=true, stopped by the preStop hook."""
    port = sk8_servers.free_port()
    env = clean_env(SPARK_HOME=str(tree), SPARK_NO_DAEMONIZE="true", SPARK_PID_DIR=str(tmp_path), POD_IP="10.1.2.3")
    command = (f"${{SPARK_HOME}}/sbin/start-connect-server.sh --master k8s://https://kubernetes.default.svc:443 "
               f"--conf spark.kubernetes.namespace=default --conf spark.kubernetes.container.image=sk8:0.1.0 "
               f"--conf spark.driver.host=$POD_IP --conf spark.driver.port=7078 "
               f"--conf spark.connect.grpc.binding.port={port} --conf sk8.memory.limit=1g")
    log = tmp_path / "wrapper.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*env, "bash", "-c", command], cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        wait_for_port(proc, port, log)
        pid = int((tmp_path / "sk8-connect-server.pid").read_text())
        assert Path(f"/proc/{pid}/exe").resolve() == (tree / "bin" / "sk8").resolve()
        spark = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
        try:
            assert spark.conf.get("sk8.memory.limit") == "1g"
            assert spark.range(5).count() == 5
        finally:
            spark.stop()
        assert "skipping spark.kubernetes.namespace" in log.read_text()
        stop = subprocess.Popen([*env, str(tree / "sbin" / "stop-connect-server.sh")], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert proc.wait(20) == 0, log.read_text()
        assert stop.wait(20) == 0, stop.stdout.read()
        assert not (tmp_path / "sk8-connect-server.pid").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
