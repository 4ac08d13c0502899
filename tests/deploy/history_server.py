"""The real Spark History Server of the pinned pyspark wheel, started in the
foreground (SPARK_NO_DAEMONIZE) on a folder of event logs; used by
tests/deploy/test_event_log.py and scripts/history-server-screenshot."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import sk8_servers


@dataclass
class HistoryServer:
    url: str  # http://127.0.0.1:PORT
    proc: subprocess.Popen
    log_path: Path

    def get(self, path: str, timeout: float = 10.0) -> Any:
        """GET /api/v1/<path> as JSON."""
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}", timeout=timeout) as response:
            return json.loads(response.read().decode())

    def page(self, path: str, timeout: float = 10.0) -> str:
        """A UI page's HTML, e.g. history/<appId>/SQL/ (redirects followed)."""
        with urllib.request.urlopen(f"{self.url}/{path}", timeout=timeout) as response:
            return response.read().decode()

    def applications(self) -> list[dict]:
        return self.get("applications")

    def wait_for(self, app_ids: set[str], timeout: float = 60.0) -> None:
        """Until every one of `app_ids` is listed (the server scans its folder every second)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                listed = {a["id"] for a in self.applications()}
                if app_ids <= listed:
                    return
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                listed = set()
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"History Server lists {sorted(listed)}, not all of {sorted(app_ids)}; "
                                     f"log {self.log_path}:\n{sk8_servers.log_tail(self.log_path)}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc.poll() is None:
            # Its own process group (start_new_session): the script and its JVM.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start(log_dir: Path, port: Optional[int] = None, timeout: float = 90.0) -> HistoryServer:
    home = sk8_servers.spark_home()
    port = port or sk8_servers.free_port()
    work = sk8_servers.LOG_DIR / f"history-server-{port}"
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "history-server.log"
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_NO_DAEMONIZE="1",
               JAVA_HOME=os.environ.get("JAVA_HOME") or sk8_servers.JAVA_HOME_DEFAULT,
               SPARK_LOG_DIR=str(work), SPARK_PID_DIR=str(work), SPARK_LOCAL_IP="127.0.0.1",
               SPARK_HISTORY_OPTS=" ".join([
                   f"-Dspark.history.fs.logDirectory=file:{log_dir}",
                   f"-Dspark.history.ui.port={port}",
                   "-Dspark.history.fs.update.interval=1s",
                   "-Dspark.port.maxRetries=0",
               ]))
    env.pop("SPARK_CONF_DIR", None)
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(home / "sbin" / "start-history-server.sh")], stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(work),
                            start_new_session=True)
    server = HistoryServer(f"http://127.0.0.1:{port}", proc, log_path)
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.applications()
            return server
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the History Server did not start on port {port}; log {log_path}:\n"
                               f"{sk8_servers.log_tail(log_path)}")
        time.sleep(0.3)
