"""Suites doctest-<module>: PySpark's own doctests of pyspark.sql.connect.<module>, as
shipped in the pinned pyspark wheel, pointed at the server under test.

Each module runs in a worker process (tests/conformance/doctest_worker.py) with a
per-example timeout and a per-module deadline; examples the worker never reached
(it hung or died) count as errored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import servers
from .doctest_worker import MODULES
from .results import SuiteResult, first_line, log

REPO = Path(__file__).resolve().parents[2]


def _read(path: Path) -> tuple[list[str], dict[str, dict]]:
    plan, done = [], {}
    if not path.exists():
        return plan, done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        if "plan" in obj:
            plan = obj["plan"]
        else:
            done[obj["id"]] = obj
    return plan, done


def run_module(name: str, server: servers.Running, work: Path, example_timeout: float,
               module_timeout: float) -> SuiteResult:
    res = SuiteResult(f"doctest-{name}")
    out = work / f"doctest-{name}.jsonl"
    errlog = work / f"doctest-{name}.stderr"
    t0 = time.monotonic()
    cmd = [sys.executable, "-m", "tests.conformance.doctest_worker", "--module", name,
           "--remote", server.url, "--out", str(out), "--example-timeout", str(example_timeout)]
    env = dict(os.environ, TZ="America/Los_Angeles", PYTHONPATH=str(REPO))
    reason = ""
    with open(errlog, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=str(REPO), stdout=err, stderr=err, env=env,
                                start_new_session=True)
        deadline = time.monotonic() + module_timeout
        while proc.poll() is None:
            if not server.alive():      # the client would retry for minutes per example
                reason = f"the {server.kind} server died (exit code {server.proc.returncode})"
            elif time.monotonic() > deadline:
                reason = f"module deadline of {module_timeout:g} s reached"
            if reason:
                proc.kill()
                break
            time.sleep(0.2)
        rc = proc.wait()
        if rc != 0 and not reason:
            reason = f"doctest worker exited with code {rc}: {_last_error(errlog)}"
    res.seconds = time.monotonic() - t0
    plan, done = _read(out)
    if not plan:
        res.note = f"no examples ran: {reason or _last_error(errlog)}"
    for eid in plan:
        r = done.get(eid)
        if r is None:
            res.add(eid, "errored", f"not run: {reason or 'worker stopped early'}")
        else:
            res.add(eid, r["status"], first_line(r.get("error", "")), r.get("seconds", 0.0))
    if reason and plan:
        res.note = reason
    return res


def _last_error(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    for ln in reversed(lines):
        if "Error" in ln or "Exception" in ln:
            return first_line(ln)
    return first_line(lines[-1]) if lines else ""


def run(target: str, modules: list[str], work: Path, example_timeout: float,
        module_timeout: float) -> list[SuiteResult]:
    """Each module against its own freshly started server, as each module's `_test()`
    (which starts a local Spark Connect server of its own) does: the doctests leave
    tables and views behind that other modules' examples would see."""
    results = []
    for name in modules:
        server = servers.start(target, pyspark_test_env=True)
        try:
            log(f"doctest-{name}: running against {target} at {server.url}")
            r = run_module(name, server, work, example_timeout, module_timeout)
            if not server.alive():
                r.note = (r.note + "; " if r.note else "") + f"the server died: {server.describe_death()[:200]}"
        finally:
            server.stop()
        log(f"doctest-{name}: {r.count('passed')}/{r.count()} passed in {r.seconds:.0f} s")
        results.append(r)
    return results


ALL = list(MODULES)
