"""Suites that are pytest directories of the project (sk8-pyspark: tests/pyspark;
sk8-differential: tests/differential cases), run against the target and counted from
the JUnit XML that pytest writes. The directory's own conftest starts a fresh server
of the target (SK8_TEST_TARGET) for the run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .results import SuiteResult, first_line, log

REPO = Path(__file__).resolve().parents[2]


def parse_junit(path: Path, res: SuiteResult) -> None:
    root = ET.parse(path).getroot()
    for tc in root.iter("testcase"):
        name = f"{tc.get('classname', '')}::{tc.get('name', '')}".lstrip(":")
        secs = float(tc.get("time") or 0)
        status, err = "passed", ""
        for child in tc:
            if child.tag in ("failure", "error", "skipped"):
                status = {"failure": "failed", "error": "errored", "skipped": "skipped"}[child.tag]
                err = first_line(child.get("message") or child.text or "")
                break
        res.add(name, status, err, secs)


def run(suite: str, test_dir: str, target: str, work: Path, timeout: float,
        extra_args: list[str] = ()) -> SuiteResult:
    res = SuiteResult(suite)
    xml = work / f"{suite}.junit.xml"
    xml.unlink(missing_ok=True)
    logf = work / f"{suite}.log"
    env = dict(os.environ, SK8_TEST_TARGET=target)
    env.pop("SK8_TEST_URL", None)        # always a freshly started server
    env.pop("SK8_GOLDEN_REFRESH", None)
    cmd = [sys.executable, "-m", "pytest", test_dir, "-q", "-p", "no:cacheprovider",
           f"--junitxml={xml}", "-o", "junit_family=xunit1", *extra_args]
    log(f"{suite}: {' '.join(cmd[2:])} (SK8_TEST_TARGET={target})")
    t0 = time.monotonic()
    with open(logf, "wb") as out:
        try:
            rc = subprocess.run(cmd, cwd=str(REPO), env=env, stdout=out, stderr=subprocess.STDOUT,
                                timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = None
    res.seconds = time.monotonic() - t0
    if xml.exists():
        parse_junit(xml, res)
    if rc is None:
        res.note = f"pytest did not finish within {timeout:g} s (log {logf.relative_to(REPO)})"
    elif rc not in (0, 1) and not res.cases:
        tail = [ln for ln in logf.read_text(errors="replace").splitlines() if ln.strip()][-1:]
        res.note = f"pytest exited {rc}: {tail[0] if tail else ''} (log {logf.relative_to(REPO)})"
    elif rc == 5:
        res.note = "no tests collected"
    log(f"{suite}: {res.count('passed')}/{res.count()} passed in {res.seconds:.0f} s")
    return res
