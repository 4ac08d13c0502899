"""Fresh Spark Connect servers for the conformance suites: sk8 (build/sk8 serve) or real
Spark from the pinned pyspark wheel, through tests/pyspark/sk8_servers.py.

PySpark's doctests were written for Spark's own test environment (python/run-tests:
TZ=America/Los_Angeles, `_test()` uses local[4], testing-only features on). With
`pyspark_test_env=True` the server gets that environment: time zone America/Los_Angeles
for both targets; for real Spark also local[4] and the TIME and geospatial types that
Spark enables only under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pyspark"))

import sk8_servers  # noqa: E402

Running = sk8_servers.Server
PYSPARK_TEST_TZ = "America/Los_Angeles"


def start(target: str, pyspark_test_env: bool = False) -> Running:
    """A freshly started server of `target` ("sk8" or "spark")."""
    if target not in ("sk8", "spark"):
        raise ValueError(f"unknown target {target!r}")
    if not pyspark_test_env:
        return sk8_servers.start_sk8() if target == "sk8" else sk8_servers.start_spark()
    if target == "sk8":
        old = os.environ.get("TZ")
        os.environ["TZ"] = PYSPARK_TEST_TZ   # sk8 serve inherits it
        try:
            return sk8_servers.start_sk8()
        finally:
            if old is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = old
    return _start_spark_test_env()


def _start_spark_test_env(timeout: float = 120.0) -> Running:
    home = sk8_servers.spark_home()
    java_home = os.environ.get("JAVA_HOME") or sk8_servers.JAVA_HOME_DEFAULT
    host, port = "127.0.0.1", sk8_servers.free_port()
    log_path, log_file = sk8_servers._open_log("spark-doctest")
    work = sk8_servers.LOG_DIR / f"spark-work-{port}"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SPARK_HOME=str(home), JAVA_HOME=java_home, TZ=PYSPARK_TEST_TZ,
               PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP=host)
    env.pop("SPARK_CONF_DIR", None)
    cmd = [
        str(home / "bin" / "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", "local[4]",
        "--driver-memory", "2g",
        "--driver-java-options", f"-Duser.timezone={PYSPARK_TEST_TZ} -Dderby.system.home={work}",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", f"spark.connect.grpc.binding.address={host}",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.timeType.enabled=true",
        "--conf", "spark.sql.geospatial.enabled=true",
        "--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}",
        "spark-internal",
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                            cwd=str(work), env=env, start_new_session=True,
                            preexec_fn=sk8_servers._die_with_parent)
    server = Running("spark", f"sc://{host}:{port}", host, port, proc, log_path, work, log_file)
    sk8_servers._wait_ready(server, timeout)
    return server
