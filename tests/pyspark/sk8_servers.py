"""Start and stop the Spark Connect server the PySpark tests talk to.

Used by tests/pyspark/conftest.py and tests/clients/conftest.py. Plain
functions, no pytest dependency, so it also works from an ad-hoc script:

    python tests/pyspark/sk8_servers.py spark     # runs real Spark until Ctrl-C/SIGTERM

Targets (env SK8_TEST_TARGET):
  sk8    (default) build/sk8 serve (override the binary with SK8_BIN)
  spark  real Apache Spark Connect server from the pinned pyspark wheel + Java 17
  sk8-upstream  build/sk8 serve --upstream <real Spark> with sk8.route=upstream: every
         plan passes through sk8's gateway to real Spark (Spark answers)
SK8_TEST_URL=sc://host:port skips starting anything and uses that server.
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
LOG_DIR = REPO / "build" / "test-logs"
JAVA_HOME_DEFAULT = "/usr/lib/jvm/java-17-openjdk-amd64"


def target() -> str:
    t = os.environ.get("SK8_TEST_TARGET", "sk8").strip().lower()
    if t not in ("sk8", "spark", "sk8-upstream"):
        raise ValueError(f"SK8_TEST_TARGET must be 'sk8', 'spark' or 'sk8-upstream', not {t!r}")
    return t


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """preexec_fn: the server gets SIGTERM if the test process dies (no orphans)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def log_tail(path: Path, n: int = 60) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "<no log>"
    return "\n".join(lines[-n:])


@dataclass
class Server:
    kind: str                      # "sk8", "spark" or "external"
    url: str                       # sc://127.0.0.1:PORT
    host: str
    port: int
    proc: Optional[subprocess.Popen] = None
    log_path: Optional[Path] = None
    work_dir: Optional[Path] = None   # scratch dir removed on stop (real Spark only)
    _log_file: object = field(default=None, repr=False)
    metrics_port: Optional[int] = None  # sk8's metrics/probe HTTP port (from its log)
    upstream: Optional["Server"] = None   # sk8's upstream Spark, stopped with it

    def alive(self) -> bool:
        return self.proc is None or self.proc.poll() is None

    def describe_death(self) -> str:
        rc = self.proc.returncode if self.proc else None
        return (f"{self.kind} server (pid {self.proc.pid if self.proc else '-'}) exited "
                f"with code {rc}; log {self.log_path}:\n{log_tail(self.log_path) if self.log_path else ''}")

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        """SIGTERM, wait up to `timeout` s, then SIGKILL. Returns the exit code
        (None if it had to be killed)."""
        if self.proc is None:
            return 0
        rc = self.proc.poll()
        if rc is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                rc = None
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        if self.work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.upstream is not None:
            self.upstream.stop(30.0)
        return rc


def _open_log(name: str) -> tuple[Path, object]:
    """A new log file per server, even for several started in the same second."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = LOG_DIR / f"{name}-{stamp}-{os.getpid()}{'-' + str(n) if n else ''}.log"
        try:
            return path, open(path, "xb")
        except FileExistsError:
            continue
    raise RuntimeError(f"cannot create a log file for {name} in {LOG_DIR}")


def wait_ready(server: Server, timeout: float) -> None:
    """Waits until the server accepts connections (stops it and raises otherwise)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc is not None and server.proc.poll() is not None:
            raise RuntimeError(server.describe_death())
        if port_open(server.host, server.port):
            return
        time.sleep(0.05)
    server.stop(5)
    raise RuntimeError(f"{server.kind} server did not accept connections on "
                       f"{server.host}:{server.port} within {timeout:.0f} s; log "
                       f"{server.log_path}:\n{log_tail(server.log_path) if server.log_path else ''}")


def read_metrics_port(log_path: Path, timeout: float = 5.0) -> Optional[int]:
    """The metrics port sk8 logged ("metrics listening", before "sk8 ready"); None
    when it serves none."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        match = re.search(r'"msg":"metrics listening".*?"metrics_port":"(\d+)"', text)
        if match:
            return int(match.group(1))
        if '"msg":"sk8 ready"' in text:
            return None
        time.sleep(0.05)
    return None


def sk8_binary() -> Path:
    return Path(os.environ.get("SK8_BIN", REPO / "build" / "sk8")).resolve()


def start_sk8(timeout: float = 10.0, extra_args: Optional[list[str]] = None, wait: bool = True) -> Server:
    binary = sk8_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise FileNotFoundError(f"sk8 binary not found at {binary} (build it, or set SK8_BIN, "
                                f"or run with SK8_TEST_TARGET=spark)")
    host, port = "127.0.0.1", free_port()
    log_path, log_file = _open_log("sk8")
    extra_args = list(extra_args or [])
    work = None
    if not any(a == "--metrics-port" or a.startswith(("sk8.metrics.port=", "spark.ui.port=")) for a in extra_args):
        # A free port each: servers started side by side never collide on 4040.
        extra_args += ["--metrics-port", "0"]
    if not any(a.startswith("spark.sql.warehouse.dir=") for a in extra_args):
        # Tables the tests create go to a scratch warehouse, removed on stop.
        work = LOG_DIR / f"sk8-work-{port}"
        extra_args += ["--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}"]
    proc = subprocess.Popen([str(binary), "serve", "--host", host, "--port", str(port), *extra_args],
                            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                            cwd=str(REPO), start_new_session=True, preexec_fn=_die_with_parent)
    server = Server("sk8", f"sc://{host}:{port}", host, port, proc, log_path, work, log_file)
    if wait:
        wait_ready(server, timeout)
        server.metrics_port = read_metrics_port(log_path)
    return server


def spark_home() -> Path:
    """The pyspark wheel directory that has the Spark Connect server jar."""
    if os.environ.get("SK8_SPARK_HOME"):
        return Path(os.environ["SK8_SPARK_HOME"])
    candidates = []
    try:
        import pyspark  # the wheel of the running interpreter, if it is Spark 4
        candidates.append(Path(pyspark.__file__).parent)
    except ImportError:
        pass
    # The repo's pinned venv (used by the Spark 3.5 client tests, whose own wheel has no
    # Connect server jar).
    candidates += [Path(p) for p in sorted(glob.glob(str(REPO / ".venv/lib/python3*/site-packages/pyspark")))]
    for c in candidates:
        if glob.glob(str(c / "jars" / "spark-connect_*.jar")):
            return c
    raise FileNotFoundError("no pyspark wheel with jars/spark-connect_*.jar found; run scripts/setup "
                            "or set SK8_SPARK_HOME")


def start_spark(timeout: float = 120.0, *, time_zone: str = "UTC", master: str = "local[2]",
                confs: Optional[dict[str, str]] = None, log_name: str = "spark", wait: bool = True,
                port: Optional[int] = None) -> Server:
    """Real Spark Connect from the pinned wheel. `confs` default to the session time
    zone `time_zone`; the conformance doctests pass Spark's own test settings.
    wait=False returns once the JVM is launched: wait_ready() then waits for it, so
    that several servers start side by side (Popen stays on the calling thread)."""
    home = spark_home()
    java_home = os.environ.get("JAVA_HOME") or JAVA_HOME_DEFAULT
    host, port = "127.0.0.1", port or free_port()
    log_path, log_file = _open_log(log_name)
    work = LOG_DIR / f"spark-work-{port}"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SPARK_HOME=str(home), JAVA_HOME=java_home, TZ=time_zone,
               PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP=host)
    env.pop("SPARK_CONF_DIR", None)
    if confs is None:
        confs = {"spark.sql.session.timeZone": time_zone}
    conf_args = [arg for key, value in confs.items() for arg in ("--conf", f"{key}={value}")]
    cmd = [
        str(home / "bin" / "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", master,
        "--driver-memory", "2g",
        "--driver-java-options", f"-Duser.timezone={time_zone} -Dderby.system.home={work}",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", f"spark.connect.grpc.binding.address={host}",
        *conf_args,
        "--conf", "spark.ui.enabled=false",
        "--conf", f"spark.sql.warehouse.dir={work / 'warehouse'}",
        "spark-internal",
    ]
    # bin/spark-class exec()s java, so proc is the JVM itself.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                            cwd=str(work), env=env, start_new_session=True,
                            preexec_fn=_die_with_parent)
    server = Server("spark", f"sc://{host}:{port}", host, port, proc, log_path, work, log_file)
    if wait:
        wait_ready(server, timeout)
    return server


def start(kind: Optional[str] = None) -> Server:
    url = os.environ.get("SK8_TEST_URL")
    if url:
        hostport = url.split("://", 1)[-1].split("/", 1)[0].split(";", 1)[0]
        host, _, port = hostport.rpartition(":")
        return Server("external", url, host, int(port))
    kind = kind or target()
    if kind == "sk8-upstream":
        return start_sk8_with_upstream(route="upstream")
    return start_sk8() if kind == "sk8" else start_spark()


def start_sk8_with_upstream(route: str = "upstream", upstream: Optional[Server] = None,
                            extra_args: Optional[list[str]] = None) -> Server:
    """sk8 in front of a real Spark Connect server (started here unless given; then
    stopped with sk8), sk8.route=`route` as the server default."""
    own = upstream is None
    spark = start_spark() if own else upstream
    try:
        srv = start_sk8(extra_args=["--upstream", spark.url, "--conf", f"sk8.route={route}",
                                    *(extra_args or [])])
    except Exception:
        if own:
            spark.stop(30.0)
        raise
    if own:
        srv.upstream = spark
    return srv


def serve_for_tests():
    """A pytest session fixture body: starts the target server, yields it, and on
    teardown stops it; an sk8 server must still be alive and exit 0 on SIGTERM."""
    import pytest

    try:
        srv = start()
    except FileNotFoundError as e:
        pytest.exit(str(e), returncode=4)
    yield srv
    if srv.kind == "external":
        return
    died = not srv.alive()
    rc = srv.stop(timeout=10.0 if srv.kind == "sk8" else 30.0)
    if srv.kind == "sk8":
        assert not died, srv.describe_death()
        assert rc == 0, (f"sk8 did not exit 0 within 10 s of SIGTERM (exit code {rc}, None = killed); "
                         f"log {srv.log_path}:\n{log_tail(srv.log_path)}")


def utc_session(url: str):
    """A Spark Connect session with the session time zone UTC, stopped afterwards
    (a generator for pytest fixtures)."""
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(url).getOrCreate()
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    s = start(sys.argv[1] if len(sys.argv) > 1 else None)
    print(f"{s.kind} server ready at {s.url} (log {s.log_path}); Ctrl-C or SIGTERM stops it", flush=True)
    try:
        while s.alive():
            time.sleep(0.5)
        print(s.describe_death())
    except KeyboardInterrupt:
        pass
    finally:
        print("exit code:", s.stop())
