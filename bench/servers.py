"""The server processes of the Connect-based systems (sk8, Spark Connect, Sail): start,
cold start to first answer, peak memory (RSS of the process tree), stop."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import psutil

from .common import JAVA_HOME_DEFAULT, REPO, cores, log, memory_gib

sys.path.insert(0, str(REPO / "tests" / "pyspark"))
import sk8_servers  # noqa: E402

LOG_DIR = REPO / "build" / "bench-logs"


class RssSampler:
    """Samples the summed RSS of a process and all its descendants every `interval` s."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "RssSampler":
        self._thread.start()
        return self

    def sample(self) -> int:
        try:
            p = psutil.Process(self.pid)
            procs = [p] + p.children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for q in procs:
            try:
                total += q.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Server:
    system: str
    url: str
    proc: subprocess.Popen
    spawned: float                     # time.time() just before the spawn
    log_path: Path
    cold_start: Optional[float] = None  # seconds from spawn to the first answer
    extra: dict = field(default_factory=dict)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> Optional[int]:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode


def _spawn(system: str, cmd: list[str], env: dict, cwd: Path, port: int) -> Server:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{system}-{time.strftime('%Y%m%d-%H%M%S')}.log"
    out = open(log_path, "wb")
    spawned = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=str(cwd),
                            env=env, start_new_session=True, preexec_fn=sk8_servers._die_with_parent)
    return Server(system, f"sc://127.0.0.1:{port}", proc, spawned, log_path)


def spark_conf() -> dict[str, str]:
    """Spark tuned for this machine, the same for classic and Connect: all cores, AQE on,
    shuffle partitions = 2 x cores, half the memory for the driver (local mode: the
    driver is the executor)."""
    return {
        "spark.driver.memory": f"{max(2, int(memory_gib() * 0.5))}g",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.adaptive.coalescePartitions.enabled": "true",
        "spark.sql.shuffle.partitions": str(2 * cores()),
        "spark.default.parallelism": str(2 * cores()),
        "spark.ui.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    }


def start_sk8() -> Server:
    binary = sk8_servers.sk8_binary()
    if not binary.exists():
        raise FileNotFoundError(f"no sk8 binary at {binary}: build it (or set SK8_BIN)")
    port = sk8_servers.free_port()
    return _spawn("sk8", [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--metrics-port", "0"],
                  dict(os.environ), REPO, port)


def start_spark_connect() -> Server:
    home = sk8_servers.spark_home()
    port = sk8_servers.free_port()
    work = LOG_DIR / f"spark-connect-work-{port}"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SPARK_HOME=str(home), JAVA_HOME=os.environ.get("JAVA_HOME", JAVA_HOME_DEFAULT),
               TZ="UTC", PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    env.pop("SPARK_CONF_DIR", None)
    conf = spark_conf()
    cmd = [str(home / "bin" / "spark-submit"),
           "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
           "--master", "local[*]", "--driver-memory", conf.pop("spark.driver.memory"),
           "--driver-java-options", f"{conf.pop('spark.driver.extraJavaOptions')} -Dderby.system.home={work}"]
    for k, v in {**conf, "spark.connect.grpc.binding.port": str(port),
                 "spark.connect.grpc.binding.address": "127.0.0.1",
                 "spark.sql.warehouse.dir": str(work / "warehouse")}.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd.append("spark-internal")
    return _spawn("spark-connect", cmd, env, work, port)


def start_sail() -> Server:
    exe = Path(sys.executable).parent / "sail"
    if not exe.exists():
        raise FileNotFoundError("the `sail` command of pysail is missing: run bench/setup")
    port = sk8_servers.free_port()
    env = dict(os.environ, TZ="UTC", RUST_LOG=os.environ.get("RUST_LOG", "warn"))
    return _spawn("sail", [str(exe), "spark", "server", "--ip", "127.0.0.1", "--port", str(port)], env, REPO, port)


STARTERS = {"sk8": start_sk8, "spark-connect": start_spark_connect, "sail": start_sail}


def first_answer(server: Server, timeout: float = 180.0) -> float:
    """Wait for the server's port, then run spark.range(1).collect() through the PySpark
    Connect client (already imported); returns seconds from spawn to that answer."""
    from pyspark.sql import SparkSession

    host, port = "127.0.0.1", int(server.url.rsplit(":", 1)[1])
    deadline = time.monotonic() + timeout
    while not sk8_servers.port_open(host, port):
        if not server.alive():
            raise RuntimeError(f"{server.system} server exited with code {server.proc.returncode}; "
                               f"log {server.log_path}:\n{sk8_servers.log_tail(server.log_path, 20)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.system} server did not open its port within {timeout:g} s")
        time.sleep(0.005)
    spark = SparkSession.builder.remote(server.url).create()
    try:
        spark.range(1).collect()
        done = time.time()
    finally:
        spark.stop()
    server.cold_start = done - server.spawned
    return server.cold_start


def start(system: str) -> Server:
    server = STARTERS[system]()
    try:
        first_answer(server)
    except BaseException:
        server.stop(5)
        raise
    log(f"{system}: server up, first answer {server.cold_start:.2f} s after spawn (log {server.log_path})")
    return server
