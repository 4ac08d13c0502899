"""Runs the doctests of one pyspark.sql.connect module against a Spark Connect server,
the way that module's own `_test()` does, but counting every example.

    python -m tests.conformance.doctest_worker --module functions --remote sc://127.0.0.1:15002 \
        --out results.jsonl [--example-timeout 30]

Writes JSON lines to --out: first {"plan": [example ids]}, then one
{"id", "status", "error", "seconds"} per example as it finishes, so the parent
keeps the results of a worker that hangs or dies. Runs in its own process: the
doctests change module state (they delete docstrings, like `_test()` does).
"""

from __future__ import annotations

import argparse
import doctest
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL


@dataclass(frozen=True)
class ModuleSpec:
    """What pyspark/sql/connect/<file>.py's `_test()` does: which module's docstrings
    it runs (some run the classic parent module's, which the Connect classes inherit),
    with which globals and option flags."""
    name: str          # short name used in suite names: doctest-<name>
    connect_module: str  # the module whose _test() we mirror
    tested_module: str   # the module whose docstrings are run
    flags: int = FLAGS


MODULES = {
    "functions": ModuleSpec("functions", "pyspark.sql.connect.functions.builtin",
                            "pyspark.sql.connect.functions.builtin"),
    "dataframe": ModuleSpec("dataframe", "pyspark.sql.connect.dataframe", "pyspark.sql.dataframe"),
    "column": ModuleSpec("column", "pyspark.sql.connect.column", "pyspark.sql.column"),
    "group": ModuleSpec("group", "pyspark.sql.connect.group", "pyspark.sql.connect.group",
                        doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.REPORT_NDIFF),
    "readwriter": ModuleSpec("readwriter", "pyspark.sql.connect.readwriter",
                             "pyspark.sql.connect.readwriter"),
    "catalog": ModuleSpec("catalog", "pyspark.sql.connect.catalog", "pyspark.sql.connect.catalog"),
    "window": ModuleSpec("window", "pyspark.sql.connect.window", "pyspark.sql.window"),
}


class ExampleTimeout(BaseException):
    """Raised (by SIGALRM) inside an example that ran longer than --example-timeout. A
    BaseException, so the client's own `except Exception` handlers do not swallow it
    (doctest's bare `except:` still records it); the timer repeats every 5 s until the
    example has given up."""


def _alarm(signum, frame):
    raise ExampleTimeout("example timed out")


def _prepare(spec: ModuleSpec) -> tuple[object, dict]:
    """Import the module and build its globals exactly as its `_test()` does (the
    `spark` session is added by `_session`)."""
    import importlib

    from pyspark.testing.utils import have_pandas, have_pyarrow
    from pyspark.util import is_remote_only

    module = importlib.import_module(spec.tested_module)
    if spec.name == "dataframe":
        import pyspark
        os.chdir(os.environ.get("SPARK_HOME") or Path(pyspark.__file__).parent)
        if not is_remote_only():
            del module.DataFrame.toJSON.__doc__
            del module.DataFrame.rdd.__doc__
        if not have_pandas or not have_pyarrow:
            for m in ("toArrow", "toPandas", "mapInArrow", "mapInPandas", "pandas_api"):
                delattr(getattr(module.DataFrame, m), "__doc__")
    if spec.name == "functions" and (not have_pandas or not have_pyarrow):
        del module.udf.__doc__
        del module.arrow_udtf.__doc__
    if spec.name == "group" and (not have_pandas or not have_pyarrow):
        del module.GroupedData.agg.__doc__
    return module, module.__dict__.copy()


def _session(spec: ModuleSpec, remote: str):
    """The remote session, made the way `_test()` makes it (builder.appName(...).remote(...)).
    Returns (session, error): if that fails, a plain remote session and the first error
    line, which the caller records as one errored case so it is not hidden."""
    from pyspark.sql import SparkSession

    try:
        return SparkSession.builder.appName(f"sql.connect.{spec.name} tests").remote(remote).getOrCreate(), ""
    except Exception as e:  # noqa: BLE001 - fall back to the adapter below
        err = "".join(traceback.format_exception_only(type(e), e)).strip()
    return SparkSession.builder.remote(remote).create(), err


def example_id(test: doctest.DocTest, example: doctest.Example) -> str:
    short = test.name.split(".", 2)[-1] if test.name.count(".") >= 2 else test.name
    return f"{short}:{example.lineno + 1}"


class CountingRunner(doctest.DocTestRunner):
    """Records the outcome of every example and bounds each one in time."""

    def __init__(self, emit, timeout: float, **kw):
        super().__init__(verbose=False, **kw)
        self.emit = emit
        self.timeout = timeout
        self._t0 = 0.0

    def report_start(self, out, test, example):
        self._t0 = time.monotonic()
        if self.timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, self.timeout, 5.0)

    def _done(self, test, example, status: str, error: str = "") -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.emit({"id": example_id(test, example), "status": status, "error": error,
                   "seconds": round(time.monotonic() - self._t0, 3)})

    def report_success(self, out, test, example, got):
        self._done(test, example, "passed")

    def report_failure(self, out, test, example, got):
        # Output differs (or a different exception than the one expected).
        want = [ln for ln in example.want.splitlines() if ln.strip()]
        got_lines = [ln for ln in got.splitlines() if ln.strip()]
        err = next((ln for ln in reversed(got_lines) if "Error" in ln or "Exception" in ln), None) \
            if got.startswith("Traceback") else None
        if err is None:
            diff = next(((w, g) for w, g in zip(want, got_lines) if " ".join(w.split()) != " ".join(g.split())),
                        (want[len(got_lines)] if len(want) > len(got_lines) else "",
                         got_lines[len(want)] if len(got_lines) > len(want) else ""))
            err = f"expected {diff[0].strip()!r}, got {diff[1].strip()!r}"
        self._done(test, example, "failed", err)

    def report_unexpected_exception(self, out, test, example, exc_info):
        etype, value, _ = exc_info
        if etype is ExampleTimeout:
            msg = f"timed out after {self.timeout:g} s"
        else:
            msg = "".join(traceback.format_exception_only(etype, value)).strip()
        self._done(test, example, "errored", msg)


def run(spec: ModuleSpec, remote: str, out_path: Path, timeout: float) -> int:
    out = open(out_path, "w", encoding="utf-8")

    def emit(obj: dict) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    signal.signal(signal.SIGALRM, _alarm)
    module, globs = _prepare(spec)
    tests = doctest.DocTestFinder().find(module, spec.tested_module, globs=globs)
    tests = sorted((t for t in tests if t.examples), key=lambda t: t.name)
    plan, skipped = [], []
    for t in tests:
        for ex in t.examples:
            plan.append(example_id(t, ex))
            if ex.options.get(doctest.SKIP):
                skipped.append(example_id(t, ex))
    setup_id = f"{spec.connect_module}._test:session"
    plan.insert(0, setup_id)
    emit({"plan": plan})
    for sid in skipped:
        emit({"id": sid, "status": "skipped", "error": "doctest: +SKIP", "seconds": 0})
    t0 = time.monotonic()
    try:
        spark, setup_error = _session(spec, remote)
    except Exception as e:  # noqa: BLE001 - every example needs the session
        msg = "creating a session failed: " + "".join(traceback.format_exception_only(type(e), e)).strip()
        emit({"id": setup_id, "status": "errored", "error": msg, "seconds": round(time.monotonic() - t0, 3)})
        for t in tests:
            for ex in t.examples:
                if not ex.options.get(doctest.SKIP):
                    emit({"id": example_id(t, ex), "status": "errored", "error": msg, "seconds": 0})
        out.close()
        return 0
    emit({"id": setup_id, "status": "errored" if setup_error else "passed",
          "error": setup_error and f"{setup_error} (examples run on a plain remote session)",
          "seconds": round(time.monotonic() - t0, 3)})
    try:  # Spark's own test runs use TZ=America/Los_Angeles (client and server)
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    except Exception:  # noqa: BLE001 - examples that need it will show the difference
        pass
    runner = CountingRunner(emit, timeout, optionflags=spec.flags)
    for t in tests:
        t.globs["spark"] = spark
        runner.run(t, out=lambda s: None, clear_globs=False)
    try:
        spark.stop()
    except Exception:  # noqa: BLE001 - the server may be gone; the results are written
        pass
    out.close()
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--module", required=True, choices=sorted(MODULES))
    ap.add_argument("--remote", required=True, help="sc://host:port of the server under test")
    ap.add_argument("--out", required=True, type=Path, help="JSON-lines result file")
    ap.add_argument("--example-timeout", type=float, default=30.0,
                    help="seconds one example may take before it counts as errored (default 30)")
    args = ap.parse_args(argv)
    os.environ["TZ"] = os.environ.get("TZ", "UTC")
    time.tzset()
    return run(MODULES[args.module], args.remote, args.out, args.example_timeout)


if __name__ == "__main__":
    sys.exit(main())
